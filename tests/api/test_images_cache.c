/* nginx caches the images of a code by token (nginx/ruqima.conf.template, ruqima_image_cache):
 * a repeated poster.png is answered by nginx alone (X-Cache-Status HIT, and the registration
 * pool's log has no line of that request id), also with a query string added; once the copy
 * is older than RQ_NGINX_IMAGE_CACHE_VALID nginx asks the pool with the image's version
 * (If-None-Match: the pool's ETag) and an unchanged image is a 304 without drawing
 * (REVALIDATED); a revoked code's poster then answers 410, and a reissued code's new token
 * a new poster. The validity is shortened to 2 s in a private nginx (support/private_nginx:
 * the stack's template and pools) so that the test need not wait a minute. */
#include "api.h"
#include "images_fixture.h"
#include "private_nginx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/rq-api-img-cache-XXXXXX";
static char base[96];

static int setup(void **state)
{
	(void)state;
	return pn_dir_make(dir);
}

static int teardown(void **state)
{
	(void)state;
	return pn_dir_remove(dir);
}

/* GET the image `which` of token from at (a base URL; NULL: the shared stack). */
static struct api_resp *image(const char *at, const char *token, const char *which,
			      const char *query)
{
	char url[512];
	snprintf(url, sizeof(url), "%s/api/v1/registration/codes/%s/%s%s",
		 at != NULL ? at : api_env("RUQIMA_TEST_BASE_URL"), token, which,
		 query != NULL ? query : "");
	return api_call("GET", url, NULL, NULL, NULL);
}

static void assert_cache_status(const struct api_resp *r, const char *want)
{
	char *got = api_header(r, "X-Cache-Status");
	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("X-Cache-Status %s, expected %s (status %ld)",
			 got != NULL ? got : "(none)", want, r->status);
	free(got);
}

/* Whether the registration pool logged a request with r's request id. */
static bool pool_saw(const struct api_resp *r)
{
	char path[512], *id = api_request_id(r);
	snprintf(path, sizeof(path), "%s/registration.log", api_env("RUQIMA_TEST_LOG_DIR"));
	char needle[160];
	snprintf(needle, sizeof(needle), "\"request_id\":\"%s\"", id);
	free(id);
	/* the pool writes its line before the answer ends: found at once when there */
	return api_file_has_line_soon(path, needle, NULL, 1);
}

static void assert_same_image(const struct api_resp *a, const struct api_resp *b)
{
	assert_int_equal(a->status, 200);
	assert_int_equal(b->status, 200);
	assert_int_equal(a->len, b->len);
	assert_memory_equal(a->body, b->body, a->len);
}

/* The shared stack (default validity): the second poster is nginx's, not the pool's. */
static void test_a_repeated_poster_costs_the_pool_nothing(void **state)
{
	(void)state;
	struct img_code c;
	img_code_new(&c, "信阳市浉河区缓存商贸有限公司");
	struct api_resp *first = image(NULL, c.token, "poster.png", NULL);
	assert_int_equal(first->status, 200);
	assert_cache_status(first, "MISS");
	assert_true(pool_saw(first));
	char *etag = api_header(first, "ETag");
	assert_non_null(etag);
	assert_int_equal(strlen(etag), 34); /* "<32 hex digits>" */
	for (int i = 0; i < 3; i++) {
		/* a query string is not part of the key: it does not make the pool draw again */
		struct api_resp *again = image(NULL, c.token, "poster.png", i == 2 ? "?x=1" : NULL);
		assert_same_image(first, again);
		assert_cache_status(again, "HIT");
		if (pool_saw(again))
			fail_msg("the pool answered the cached poster's request %d", i);
		/* the answer is the pool's, but the request id this request's */
		char *id = api_request_id(again), *first_id = api_request_id(first);
		assert_string_not_equal(id, first_id);
		free(id);
		free(first_id);
		api_assert_header(again, "Cache-Control", "public, max-age=86400");
		api_assert_header(again, "ETag", etag);
		api_free(again);
	}
	/* the QR is cached the same way */
	struct api_resp *qr = image(NULL, c.token, "qr.png", NULL);
	assert_int_equal(qr->status, 200);
	assert_cache_status(qr, "MISS");
	api_free(qr);
	qr = image(NULL, c.token, "qr.png", NULL);
	assert_cache_status(qr, "HIT");
	api_free(qr);
	free(etag);
	api_free(first);
}

/* With a validity of 2 s: revalidated without drawing, then revoked, then reissued. */
static void test_revoke_and_reissue_change_what_is_served(void **state)
{
	(void)state;
	pn_up(dir, "RQ_NGINX_IMAGE_CACHE_VALID=2s", base, sizeof(base));
	struct img_code c;
	img_code_new(&c, "信阳市平桥区换码机械制造有限公司");
	struct api_resp *first = image(base, c.token, "poster.png", NULL);
	assert_int_equal(first->status, 200);
	assert_cache_status(first, "MISS");

	/* expired and unchanged: the pool says 304 (one query), nginx serves its copy */
	sleep(3);
	struct api_resp *r = image(base, c.token, "poster.png", NULL);
	assert_same_image(first, r);
	assert_cache_status(r, "REVALIDATED");
	assert_true(pool_saw(r));
	char path[512], needle[200], *id = api_request_id(r);
	snprintf(path, sizeof(path), "%s/registration.log", api_env("RUQIMA_TEST_LOG_DIR"));
	snprintf(needle, sizeof(needle), "\"request_id\":\"%s\"", id);
	assert_true(api_file_has_line_soon(path, needle, "\"status\":304", 1));
	free(id);
	api_free(r);

	/* revoked and reissued: once the copy is due, the old token is 410 */
	struct img_code old = c;
	img_code_revoke(&c, true);
	assert_string_not_equal(old.token, c.token);
	sleep(3);
	r = image(base, old.token, "poster.png", NULL);
	api_assert_problem(r, 410, "code-revoked");
	api_free(r);
	r = image(base, old.token, "poster.png", NULL);
	assert_int_equal(r->status, 410); /* and stays so: a 410 is not kept */
	api_free(r);

	/* the new token: a poster of its own (another serial and QR) */
	r = image(base, c.token, "poster.png", NULL);
	assert_int_equal(r->status, 200);
	assert_cache_status(r, "MISS");
	assert_false(r->len == first->len && memcmp(r->body, first->body, r->len) == 0);
	api_free(r);
	api_free(first);
	pn_down(dir);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_repeated_poster_costs_the_pool_nothing),
	    cmocka_unit_test(test_revoke_and_reissue_change_what_is_served),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
