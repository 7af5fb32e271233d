/* Tokens that name no code answer 404 with problem type code-unknown, distinct from a
 * revoked code's 410: a well-formed token nobody was given, and anything that is not a
 * token's shape (refused before any query). */
#include "api.h"
#include "codes_support.h"

#include "rq_token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_unknown_token(void **state)
{
	(void)state;
	char token[64];
	assert_int_equal(rq_random_hex(token, 12), 0); /* 24 characters, in base64url too */
	struct api_resp *r = api_get(ct_code_path(token), NULL);
	api_assert_problem(r, 404, "code-unknown");
	api_free(r);
	r = api_get(ct_code_path("AAAAAAAAAAAAAAAAAAAAAAAA"), NULL);
	api_assert_problem(r, 404, "code-unknown");
	api_free(r);
}

static void test_malformed_tokens(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "short",
	    "abcdefghijklmnopqrstu",			  /* 21: one too few */
	    "abcdefghijklmnopqrstuvwx.png",		  /* a dot */
	    "abcdefghijklmnopqrstuvw%21",		  /* '!' */
	    "abcdefghijklmnopqrstuvw%27",		  /* a quote */
	    "%E4%BF%A1%E9%98%B3abcdefghijklmnopqrstuvwx", /* non-ASCII */
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm", /* 65 */
	    NULL};
	for (const char *const *t = bad; *t != NULL; t++) {
		struct api_resp *r = api_get(ct_code_path(*t), NULL);
		if (r->status != 404)
			fail_msg("%s: %ld %s", *t, r->status, r->body);
		api_assert_problem(r, 404, "code-unknown");
		api_free(r);
	}
}

static void test_only_get(void **state)
{
	(void)state;
	struct api_resp *r = api_post_json(ct_code_path("AAAAAAAAAAAAAAAAAAAAAAAA"), "{}", NULL);
	api_assert_problem(r, 405, "method-not-allowed");
	api_free(r);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unknown_token),
	    cmocka_unit_test(test_malformed_tokens),
	    cmocka_unit_test(test_only_get),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
