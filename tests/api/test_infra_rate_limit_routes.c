/* nginx's rate limits per kind of route fire with their default settings for one client
 * that loops: reads of /api/, writes, the code images, the portal's login and the public
 * pages each answer 429 problem+json (/problems/rate-limited, a Chinese detail naming the
 * kind, Retry-After) once that client has gone past the default burst — where the old single
 * limit (2,000 a second, burst 4,000) let 20,557 requests in 10 s through. The client is not
 * loopback: a network namespace joined to this one by a veth pair (support/netns), and a
 * private nginx (support/private_nginx: the stack's template, the stack's pools) listening
 * on the pair's address with the defaults. The same client listed in RQ_NGINX_RATE_EXEMPT
 * (a trusted address) is never refused; and loopback, exempt by default, is not refused by
 * the shared stack either. */
#include "api.h"
#include "netns.h"
#include "private_nginx.h"
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/rq-api-rl-routes-XXXXXX";
static char base[96];
static struct netns net;

/* One kind of route: a request of it that the pools answer cheaply, as many times as it
 * takes to go past its default burst however slowly they are answered. */
struct kind {
	const char *name;
	const char *method;
	const char *path;
	const char *body; /* JSON, or NULL */
	int n;
	const char *detail;	 /* the 429's */
	const char *retry_after; /* default rate: the seconds until the next request passes */
};

static const struct kind kinds[] = {
    /* 50 a second, burst 200 */
    {"reads", "GET", "/api/v1/registration/health", NULL, 600,
     "来自您所在网络地址的请求过于频繁，请稍后再试", "1"},
    /* 10 a second, burst 50 (no session: each is a 401) */
    {"writes", "POST", "/api/v1/auth/logout", "{}", 200,
     "来自您所在网络地址的提交过于频繁，请稍后再试", "1"},
    /* 30 a minute, burst 30 (an unknown token: each is a 404 the cache keeps not) */
    {"images", "GET", "/api/v1/registration/codes/AAAAAAAAAAAAAAAAAAAAAAAA/poster.png", NULL, 90,
     "来自您所在网络地址的图片请求过于频繁，请稍后再试", "2"},
    /* 20 a minute, burst 20 (no username: refused before any password check) */
    {"login", "POST", "/api/v1/admin/login", "{}", 60,
     "来自您所在网络地址的登录请求过于频繁，请稍后再试", "3"},
    /* 2 a second, burst 20 */
    {"public pages", "GET", "/e/AAAAAAAAAAAAAAAAAAAAAAAA", NULL, 90,
     "来自您所在网络地址的公开页面请求过于频繁，请稍后再试", "1"},
};
enum { NKINDS = sizeof(kinds) / sizeof(kinds[0]) };

static int setup(void **state)
{
	(void)state;
	return netns_nginx_setup(dir, &net, "rl");
}

static int teardown(void **state)
{
	(void)state;
	return netns_nginx_teardown(dir, &net);
}

/* curl's options for k's request (all but the URL). */
static void request_opts(const struct kind *k, char *out, size_t cap)
{
	if (k->body != NULL)
		snprintf(out, cap, "-X %s -H 'Content-Type: application/json' -d '%s'", k->method,
			 k->body);
	else
		snprintf(out, cap, "-X %s", k->method);
}

/* What a burst got: how many were refused, and the first refusal's content type,
 * Retry-After and body. */
struct burst {
	int refused;
	char content_type[128];
	char retry_after[16];
	char *body;
};

/* Sends k's request k->n times to url_base (8 at a time, one curl, each answer into a file
 * of dir/out), from the namespace or from here, into *b; fails on an answer that is neither
 * a 429 nor the pools' (a 5xx, no answer). */
static void burst_of(const struct kind *k, const char *url_base, bool from_ns, struct burst *b)
{
	memset(b, 0, sizeof(*b));
	char cfg[256];
	snprintf(cfg, sizeof(cfg), "%s/urls", dir);
	assert_int_equal(api_sh("rm -rf '%s/out' && mkdir '%s/out'", dir, dir), 0);
	FILE *f = fopen(cfg, "w");
	assert_non_null(f);
	for (int i = 0; i < k->n; i++)
		fprintf(f, "url = \"%s%s\"\noutput = \"%s/out/%d\"\n", url_base, k->path, dir, i);
	fclose(f);
	char opts[256], args[1024];
	request_opts(k, opts, sizeof(opts));
	/* -w: one line per answer, in the order they end */
	snprintf(
	    args, sizeof(args),
	    "--no-progress-meter --max-time 60 --parallel --parallel-max 8 %s -K '%s'"
	    " -w '%%{http_code}|%%{content_type}|%%header{retry-after}|%%{filename_effective}\\n'",
	    opts, cfg);
	char *out;
	if (from_ns) {
		out = netns_curl(&net, args);
	} else {
		char cmd[1100];
		int st;
		snprintf(cmd, sizeof(cmd), "curl -sk %s", args);
		out = tc_run(cmd, NULL, &st);
	}
	if (out == NULL)
		fail_msg("%s: curl failed", k->name);
	int answered = 0;
	char *save = NULL;
	for (char *line = strtok_r(out, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *field[4] = {line, NULL, NULL, NULL};
		for (int i = 1; i < 4; i++) {
			field[i] = strchr(field[i - 1], '|');
			assert_non_null(field[i]);
			*field[i]++ = '\0';
		}
		int code = (int)api_to_i64(field[0]);
		answered++;
		if (code != 429) {
			if (code < 200 || code >= 500)
				fail_msg("%s: a request answered %d", k->name, code);
			continue;
		}
		if (b->refused++ == 0) {
			snprintf(b->content_type, sizeof(b->content_type), "%s", field[1]);
			snprintf(b->retry_after, sizeof(b->retry_after), "%s", field[2]);
			FILE *bf = fopen(field[3], "r");
			assert_non_null(bf);
			b->body = tc_read_all(bf, NULL);
			fclose(bf);
		}
	}
	free(out);
	assert_int_equal(answered, k->n);
}

/* The refusal is the problem of nginx's rate limit, saying which. */
static void assert_refusal(const struct kind *k, const struct burst *b)
{
	if (strcmp(b->content_type, "application/problem+json") != 0)
		fail_msg("%s: the 429 is %s, not problem+json", k->name, b->content_type);
	if (strcmp(b->retry_after, k->retry_after) != 0)
		fail_msg("%s: Retry-After \"%s\", expected %s", k->name, b->retry_after,
			 k->retry_after);
	cJSON *j = cJSON_Parse(b->body);
	if (j == NULL)
		fail_msg("%s: the 429's body is not JSON: %s", k->name, b->body);
	const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "type"));
	const char *detail = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "detail"));
	assert_non_null(type);
	assert_string_equal(type, "/problems/rate-limited");
	assert_non_null(detail);
	if (strcmp(detail, k->detail) != 0)
		fail_msg("%s: detail \"%s\", expected \"%s\"", k->name, detail, k->detail);
	assert_non_null(cJSON_GetObjectItemCaseSensitive(j, "request_id"));
	cJSON_Delete(j);
}

static void test_each_kind_is_limited_with_the_defaults(void **state)
{
	(void)state;
	char vars[128];
	snprintf(vars, sizeof(vars), "RQ_LISTEN_ADDR=%s", net.host_addr);
	pn_up(dir, vars, base, sizeof(base));
	for (int i = 0; i < NKINDS; i++) {
		struct burst b;
		burst_of(&kinds[i], base, true, &b);
		if (b.refused == 0)
			fail_msg("%s: %d requests from %s, none refused", kinds[i].name, kinds[i].n,
				 net.ns_addr);
		assert_refusal(&kinds[i], &b);
		free(b.body);
	}
	pn_down(dir);
}

/* A trusted address (listed in RQ_NGINX_RATE_EXEMPT) is counted by no limit. */
static void test_a_trusted_address_is_never_limited(void **state)
{
	(void)state;
	char vars[192];
	snprintf(vars, sizeof(vars),
		 "RQ_LISTEN_ADDR=%s RQ_NGINX_RATE_EXEMPT='127.0.0.0/8 ::1/128 %s/32'",
		 net.host_addr, net.ns_addr);
	pn_up(dir, vars, base, sizeof(base));
	for (int i = 0; i < NKINDS; i++) {
		struct burst b;
		burst_of(&kinds[i], base, true, &b);
		free(b.body);
		if (b.refused != 0)
			fail_msg("%s: %d of %d requests from the trusted %s refused", kinds[i].name,
				 b.refused, kinds[i].n, net.ns_addr);
	}
	pn_down(dir);
}

/* Loopback is exempt by default: the shared stack's nginx refuses none of the same. */
static void test_loopback_is_exempt_by_default(void **state)
{
	(void)state;
	for (int i = 0; i < NKINDS; i++) {
		struct burst b;
		burst_of(&kinds[i], api_env("RUQIMA_TEST_BASE_URL"), false, &b);
		free(b.body);
		if (b.refused != 0)
			fail_msg("%s: %d of %d requests from loopback refused", kinds[i].name,
				 b.refused, kinds[i].n);
	}
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_kind_is_limited_with_the_defaults),
	    cmocka_unit_test(test_a_trusted_address_is_never_limited),
	    cmocka_unit_test(test_loopback_is_exempt_by_default),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
