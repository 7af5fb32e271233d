/* /e/<token> — what the printed QR opens in a normal browser (not WeChat): a static page
 * saying this is a 公务入企码 and how to open it in the mini-program, for any token, with
 * its stylesheet served under the page's strict CSP. */
#include "api.h"

#include <stdlib.h>
#include <string.h>

static void any_token_gets_the_explanation_page(void **state)
{
	(void)state;
	struct api_resp *r = api_get("/e/AbCdEfGhIjKlMnOpQrStUvWx", NULL);
	assert_int_equal(r->status, 200);
	char *ct = api_header(r, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "text/html"));
	assert_non_null(strstr(r->body, "公务入企码"));
	assert_non_null(strstr(r->body, "先扫码，后入企"));
	assert_non_null(strstr(r->body, "微信"));
	assert_non_null(strstr(r->body, "扫一扫"));
	char *csp = api_header(r, "Content-Security-Policy");
	assert_non_null(csp);
	assert_non_null(strstr(csp, "default-src 'self'"));
	free(ct);
	free(csp);
	api_free(r);

	r = api_get("/e/e.css", NULL);
	assert_int_equal(r->status, 200);
	ct = api_header(r, "Content-Type");
	assert_non_null(strstr(ct, "text/css"));
	free(ct);
	api_free(r);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(any_token_gets_the_explanation_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
