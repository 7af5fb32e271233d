/* The public disclosure (/gongkai/ and /api/v1/reporting/public/) has a strict rate limit per
 * client address of its own (RQ_NGINX_PUBLIC_RATE, RQ_NGINX_PUBLIC_BURST) instead of /api/'s.
 * Every test comes from loopback, which the limits exempt by default; so this test makes a
 * client that is not loopback: a network namespace joined to this one by a veth pair on a
 * /30 of its own (support/netns: made here and removed afterwards, even when the test dies;
 * no address of the machine's own interfaces is used), and a private nginx
 * (support/private_nginx) listening on the pair's address with the default exemption and a
 * public rate of one a minute, burst 2. From the namespace the fourth public request is
 * refused 429 (problem+json), the page too (one limit per address), while the rest of /api/
 * is not held to it; loopback stays exempt on the shared stack. */
#include "api.h"
#include "netns.h"
#include "private_nginx.h"
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/rq-api-gongkai-rl-XXXXXX";
static char base[96];
static struct netns net;

static int setup(void **state)
{
	(void)state;
	return netns_nginx_setup(dir, &net, "gk");
}

static int teardown(void **state)
{
	(void)state;
	return netns_nginx_teardown(dir, &net);
}

/* The status of GET path from inside the namespace (its body into dir/body). */
static int from_ns(const char *path)
{
	char args[512];
	snprintf(args, sizeof(args), "--max-time 10 -o '%s/body' -w '%%{http_code}' '%s%s'", dir,
		 base, path);
	char *out = netns_curl(&net, args);
	int code = out != NULL ? (int)api_to_i64(out) : -1;
	free(out);
	return code;
}

static void test_public_answers_are_limited_per_address(void **state)
{
	(void)state;
	char vars[256];
	snprintf(vars, sizeof(vars),
		 "RQ_LISTEN_ADDR=%s RQ_NGINX_PUBLIC_RATE=1r/m RQ_NGINX_PUBLIC_BURST=2",
		 net.host_addr);
	pn_up(dir, vars, base, sizeof(base));
	/* one a minute and two of burst: the fourth is refused at once */
	for (int i = 0; i < 3; i++)
		assert_int_equal(from_ns("/api/v1/reporting/public/months"), 200);
	assert_int_equal(from_ns("/api/v1/reporting/public/months"), 429);
	char path[128];
	snprintf(path, sizeof(path), "%s/body", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *body = tc_read_all(f, NULL);
	fclose(f);
	assert_non_null(strstr(body, "\"type\":\"/problems/rate-limited\""));
	free(body);
	/* the same address, the same limit for the page */
	assert_int_equal(from_ns("/gongkai/"), 429);
	/* the rest of /api/ keeps its own, generous limit */
	for (int i = 0; i < 10; i++)
		assert_int_equal(from_ns("/api/v1/registration/health"), 200);
}

/* The shared stack's nginx (default limits) never counts loopback: far more than the burst
 * of public requests all answer. */
static void test_loopback_is_exempt(void **state)
{
	(void)state;
	for (int i = 0; i < 40; i++) {
		struct api_resp *r = api_get("/api/v1/reporting/public/months", NULL);
		assert_int_equal(r->status, 200);
		api_free(r);
	}
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_public_answers_are_limited_per_address),
	    cmocka_unit_test(test_loopback_is_exempt),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
