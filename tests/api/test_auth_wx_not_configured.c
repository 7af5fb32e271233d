/* A registration pool without the mini-program's credentials (RUQIMA_WX_APPID or
 * RUQIMA_WX_SECRET empty, as on a deploy/up stack before they are set) answers wx-login at
 * once with 503 wechat-not-configured and a Chinese detail that says so, instead of asking
 * WeChat with an empty AppID and answering "WeChat did not answer"; it never calls WeChat
 * (so no account can be made) and logs why. On a private pool (pool_support.h): the shared stack
 * has its credentials. */
#include "api.h"
#include "pool_support.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void assert_not_configured(struct pl_pool *p)
{
	char body[128];
	snprintf(body, sizeof(body), "{\"code\":\"ok:%s\"}", api_unique("wxnotconf"));
	int fd = pl_fcgi_connect(p->sock);
	assert_true(fd >= 0);
	double t0 = api_now();
	pl_fcgi_send(fd, "POST", "/api/v1/auth/wx-login", "application/json", body);
	const struct pl_answer *a = pl_fcgi_read(p, fd, 10);
	close(fd);
	pl_assert_complete(a, "wx-login without credentials");
	if (a->status != 503)
		fail_msg("wx-login: expected 503, got %ld: %.300s", a->status, a->out);
	/* at once: WeChat was not asked (its silence would take curl's 5 s) */
	assert_true(api_now() - t0 < 3);
	assert_int_equal(pl_wx_accept(p, 0.5), -1);
	assert_non_null(strstr(a->out, "Content-Type: application/problem+json"));
	assert_null(strstr(a->out, "Retry-After")); /* retrying does not help */
	const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a->json, "type"));
	assert_non_null(type);
	assert_string_equal(type, "/problems/wechat-not-configured");
	const char *detail =
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a->json, "detail"));
	assert_non_null(detail);
	assert_non_null(strstr(detail, "尚未配置微信小程序"));
	assert_non_null(
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a->json, "request_id")));
	/* the operator's log says which setting */
	assert_true(pl_log_count(p, "RUQIMA_WX_APPID or RUQIMA_WX_SECRET is not set") >= 1);
	/* whatever the body says: the server cannot log anybody in */
	fd = pl_fcgi_connect(p->sock);
	assert_true(fd >= 0);
	pl_fcgi_send(fd, "POST", "/api/v1/auth/wx-login", "application/json", "{}");
	a = pl_fcgi_read(p, fd, 10);
	close(fd);
	assert_int_equal(a->status, 503);
}

/* A private pool with setting (an empty credential) answers wx-login 503 at once. */
static void not_configured_with(void **state, const char *setting)
{
	struct pl_pool *p = *state;
	pl_pool_start(p, (const char *const[]){setting, NULL});
	assert_not_configured(p);
	assert_int_equal(kill(p->pid, SIGTERM), 0);
	assert_int_equal(pl_pool_wait(p, 10), 0);
	pl_assert_clean_stop(p);
	p->passed = 1;
}

static void test_no_app_id(void **state)
{
	not_configured_with(state, "RUQIMA_WX_APPID=");
}

static void test_no_app_secret(void **state)
{
	not_configured_with(state, "RUQIMA_WX_SECRET=");
}

int main(void)
{
	api_init();
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_no_app_id, pl_setup, pl_teardown),
	    cmocka_unit_test_setup_teardown(test_no_app_secret, pl_setup, pl_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
