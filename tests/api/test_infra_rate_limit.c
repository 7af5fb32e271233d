/* nginx's rate limit on /api/ answers 429 as problem+json like every other problem: type
 * /problems/rate-limited, a Chinese detail, the request_id of X-Request-Id, Retry-After.
 * The shared stack's nginx exempts loopback, where every test comes from, so this test
 * renders the same template with the same deploy/lib.sh functions into a private nginx
 * (its own directory and port, the stack's pools, certificate and settings) with
 * RQ_NGINX_RATE=1r/m, RQ_NGINX_BURST=1 and RQ_NGINX_RATE_EXEMPT=none; and checks that the
 * default exemption (loopback) still holds there. */
#include "api.h"
#include "private_nginx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[] = "/tmp/rq-api-ratelimit-XXXXXX";
static char base[64]; /* https://127.0.0.1:<port> of the private nginx */

static void nginx_up(const char *vars)
{
	pn_up(dir, vars, base, sizeof(base));
}

static void nginx_down(void)
{
	pn_down(dir);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL && api_sh("chmod 0755 '%s'", dir) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	nginx_down();
	return api_sh("rm -rf '%s'", dir);
}

static struct api_resp *health(void)
{
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/registration/health", base);
	return api_call("GET", url, NULL, NULL, NULL);
}

static void test_throttled_answer_is_a_problem_with_request_id(void **state)
{
	(void)state;
	nginx_up("RQ_NGINX_RATE=1r/m RQ_NGINX_BURST=1 RQ_NGINX_RATE_EXEMPT=none");
	/* one request a minute and one of burst: the third is refused at once */
	struct api_resp *r = NULL;
	int answered = 0;
	for (int i = 0; i < 5; i++) {
		api_free(r);
		r = health();
		if (r->status == 429)
			break;
		assert_int_equal(r->status, 200);
		answered++;
	}
	if (r->status != 429)
		fail_msg("no 429 after %d requests at 1r/m, burst 1", answered);
	assert_true(answered <= 2);
	api_assert_problem(r, 429, "rate-limited");
	assert_string_equal(api_json_str(r, "detail"),
			    "来自您所在网络地址的请求过于频繁，请稍后再试");
	char *id = api_request_id(r);
	const char *body_id = api_json_str(r, "request_id");
	assert_non_null(body_id);
	assert_string_equal(body_id, id);
	free(id);
	/* one a minute: the next request passes a minute later */
	api_assert_header(r, "Retry-After", "60");
	api_assert_header(r, "X-Content-Type-Options", "nosniff");
	api_free(r);
	nginx_down();
}

/* The default: loopback is not counted, however many requests come. */
static void test_loopback_is_exempt_by_default(void **state)
{
	(void)state;
	nginx_up("RQ_NGINX_RATE=1r/m RQ_NGINX_BURST=1");
	for (int i = 0; i < 6; i++) {
		struct api_resp *r = health();
		assert_int_equal(r->status, 200);
		api_free(r);
	}
	nginx_down();
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_throttled_answer_is_a_problem_with_request_id),
	    cmocka_unit_test(test_loopback_is_exempt_by_default),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
