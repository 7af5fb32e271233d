/* Only an active code has images: an unknown or malformed token answers 404
 * /problems/code-unknown, a revoked one 410 /problems/code-revoked (problem+json, never an
 * image), and after a re-issue the new token's images carry the new URL. An image nginx has
 * cached is served up to RQ_NGINX_IMAGE_CACHE_VALID after a revocation (test_images_cache
 * shows it turning 410 then): here the old token is seen working through its JSON, whose
 * answers are never cached, and its images are asked for only once it is revoked. */
#include "api.h"
#include "images_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const images[] = {"qr.png", "poster.png"};

static struct api_resp *get_image(const char *token, const char *which)
{
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/registration/codes/%s/%s", token, which);
	return api_get(path, NULL);
}

static void assert_not_an_image(const struct api_resp *r)
{
	char *ct = api_header(r, "Content-Type");
	assert_non_null(ct);
	assert_string_equal(ct, "application/problem+json");
	free(ct);
	/* errors are never cached */
	char *cc = api_header(r, "Cache-Control");
	assert_non_null(cc);
	assert_string_equal(cc, "no-store");
	free(cc);
}

static void test_unknown_token_is_404(void **state)
{
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		/* well-formed but never issued */
		struct api_resp *r = get_image("AAAAAAAAAAAAAAAAAAAAAAAA", images[i]);
		api_assert_problem(r, 404, "code-unknown");
		assert_not_an_image(r);
		api_free(r);
		/* not a token's shape at all */
		r = get_image("short", images[i]);
		api_assert_problem(r, 404, "code-unknown");
		api_free(r);
		r = get_image("has.dots.and~tilde.is.not.a.token", images[i]);
		api_assert_problem(r, 404, "code-unknown");
		api_free(r);
	}
}

static void test_revoked_token_is_410_and_the_new_one_works(void **state)
{
	(void)state;
	struct img_code c;
	img_code_new(&c, "信阳市罗山县灵山茶业有限公司");
	struct img_code old = c;
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/registration/codes/%s", c.token);
	struct api_resp *before = api_get(path, NULL);
	assert_int_equal(before->status, 200);
	api_free(before);
	img_code_revoke(&c, true);
	assert_string_not_equal(c.token, old.token);
	for (size_t i = 0; i < 2; i++) {
		struct api_resp *r = get_image(old.token, images[i]);
		api_assert_problem(r, 410, "code-revoked");
		assert_not_an_image(r);
		api_free(r);
		r = get_image(c.token, images[i]);
		assert_int_equal(r->status, 200);
		char *text = tc_zbar(r->body, r->len);
		assert_string_equal(text, c.url);
		free(text);
		api_free(r);
	}
}

static void test_revoked_without_reissue_is_410(void **state)
{
	(void)state;
	struct img_code c;
	img_code_new(&c, "信阳市光山县砖瓦厂");
	img_code_revoke(&c, false);
	for (size_t i = 0; i < 2; i++) {
		struct api_resp *r = get_image(c.token, images[i]);
		api_assert_problem(r, 410, "code-revoked");
		api_free(r);
	}
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unknown_token_is_404),
	    cmocka_unit_test(test_revoked_token_is_410_and_the_new_one_works),
	    cmocka_unit_test(test_revoked_without_reissue_is_410),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
