/* A request that runs past RUQIMA_REQUEST_TIMEOUT (3 s in the test stack) kills its
 * worker, which is logged with the request id and replaced; the pool keeps serving.
 * The stuck request is a wx-login whose call to WeChat hangs: the fake WeChat server
 * serves one connection at a time, so two idle connections held open by the test keep
 * it busy for ~10 s, longer than the time limit and shorter than nothing. */
#include "api.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int hold_fake_wechat(void)
{
	const char *url = api_env("RUQIMA_TEST_FAKE_WECHAT_URL");
	const char *colon = strrchr(url, ':');
	assert_non_null(colon);
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)strtol(colon + 1, NULL, 10))};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void stuck_request_kills_its_worker(void **state)
{
	(void)state;
	int a = hold_fake_wechat(), b = hold_fake_wechat();
	char body[128];
	snprintf(body, sizeof(body), "{\"code\":\"ok:%s\"}", api_unique("timeout"));
	struct api_resp *r = api_post_json("/api/v1/auth/wx-login", body, NULL);
	close(a);
	close(b);
	/* nginx answers for the dead worker: the client sees a gateway error, not a hang. */
	assert_true(r->status == 502 || r->status == 504);
	char *rid = api_request_id(r);

	char log[1024], needle[256];
	snprintf(log, sizeof(log), "%s/registration.log", api_env("RUQIMA_TEST_LOG_DIR"));
	snprintf(needle, sizeof(needle), "\"request_id\":\"%s\"", rid);
	assert_true(api_file_has_line_soon(log, needle, "time limit", 5));
	/* The supervisor logs the worker's end after reaping it, a moment after the worker's own
	 * line. */
	assert_true(api_file_has_line_soon(log, "ran past the time limit", NULL, 5));
	free(rid);
	api_free(r);

	/* The pool goes on serving: the killed worker was replaced. */
	for (int i = 0; i < 4; i++) {
		struct api_resp *h = api_get("/api/v1/registration/health", NULL);
		assert_int_equal(h->status, 200);
		api_free(h);
	}
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(stuck_request_kills_its_worker),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
