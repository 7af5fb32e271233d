/* A code issued with `ruqima codes issue --uscc` resolves through the API to its enterprise:
 * the scanned-code answer the mini-program shows, and the audit row of the issue. */
#include "api.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_issued_code_resolves(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411502", "normal", true);

	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "issue", "--uscc", e.uscc, NULL});
	if (run.status != 0)
		fail_msg("exit %d: %s", run.status, run.err);
	char *token = ct_active_token(e.id);
	assert_non_null(token);
	/* the CLI prints the serial and the URL the QR encodes */
	char url[512];
	snprintf(url, sizeof(url), "%s/e/%s", api_env("RUQIMA_PUBLIC_BASE_URL"), token);
	assert_non_null(strstr(run.out, url));
	assert_non_null(strstr(run.out, e.uscc));
	ct_run_free(&run);

	struct api_resp *r = api_get(ct_code_path(token), NULL);
	if (r->status != 200)
		fail_msg("GET code: %ld %s", r->status, r->body);
	char *ct = api_header(r, "Content-Type");
	assert_non_null(strstr(ct, "application/json"));
	free(ct);
	assert_string_equal(api_json_str(r, "enterprise.name"), e.name);
	assert_string_equal(api_json_str(r, "enterprise.kind"), "enterprise");
	assert_string_equal(api_json_str(r, "enterprise.county_code"), "411502");
	assert_string_equal(api_json_str(r, "enterprise.county_name"), "浉河区");
	assert_string_equal(api_json_str(r, "enterprise.business_status"), "normal");
	assert_string_equal(api_json_str(r, "code.status"), "active");
	assert_string_equal(api_json_str(r, "code.url"), url);
	assert_non_null(api_json_str(r, "code.issued_at"));
	const char *p[] = {e.id};
	char *serial =
	    api_owner_value("SELECT serial FROM rq.codes WHERE enterprise_id = $1::bigint", 1, p);
	assert_string_equal(api_json_str(r, "code.serial"), serial);
	free(serial);
	api_free(r);

	/* HEAD answers like GET, without a body */
	r = api_call("HEAD", ct_code_path(token), NULL, NULL, NULL);
	assert_int_equal(r->status, 200);
	api_free(r);
	free(token);
}

static void test_issue_is_audited_as_the_cli(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411503", "normal", true);
	ct_issue(e.uscc);
	const char *p[] = {e.id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log l JOIN rq.codes c"
			  " ON l.table_name = 'rq.codes' AND l.row_pk = c.id::text"
			  " WHERE c.enterprise_id = $1::bigint AND l.operation = 'INSERT'"
			  " AND l.actor_kind = 'system' AND l.actor_id = 'cli'"
			  " AND l.request_id = 'cli-codes-issue'",
			  1, p),
	    1);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_issued_code_resolves),
	    cmocka_unit_test(test_issue_is_audited_as_the_cli),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
