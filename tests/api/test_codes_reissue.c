/* `ruqima codes reissue` (lost, damaged or leaked poster): in one transaction the old code
 * is revoked and a new one issued; the new token works, the old one answers 410, and both
 * rows are kept. */
#include "api.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_reissue_replaces_the_token(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411525", "normal", true);
	ct_issue(e.uscc);
	char *old = ct_active_token(e.id);
	assert_non_null(old);

	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "reissue", "--uscc", e.uscc, "--reason",
					   "poster leaked in a chat group", NULL});
	if (run.status != 0)
		fail_msg("reissue: exit %d: %s", run.status, run.err);
	char *fresh = ct_active_token(e.id);
	assert_non_null(fresh);
	assert_string_not_equal(fresh, old);
	char url[512];
	snprintf(url, sizeof(url), "%s/e/%s", api_env("RUQIMA_PUBLIC_BASE_URL"), fresh);
	assert_non_null(strstr(run.out, url));
	ct_run_free(&run);

	struct api_resp *r = api_get(ct_code_path(fresh), NULL);
	if (r->status != 200)
		fail_msg("new token: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "enterprise.name"), e.name);
	char *new_serial = strdup(api_json_str(r, "code.serial"));
	api_free(r);
	r = api_get(ct_code_path(old), NULL);
	api_assert_problem(r, 410, "code-revoked");
	api_free(r);

	/* both rows kept: the old one revoked with the reason, the new one active with a serial
	 * of its own */
	const char *p[] = {e.id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.codes WHERE enterprise_id = $1::bigint", 1, p),
	    2);
	const char *p2[] = {e.id, old};
	char *old_serial =
	    api_owner_value("SELECT serial FROM rq.codes WHERE enterprise_id = $1::bigint"
			    " AND token = $2 AND status = 'revoked'"
			    " AND revoke_reason = 'poster leaked in a chat group'",
			    2, p2);
	assert_non_null(old_serial);
	assert_string_not_equal(old_serial, new_serial);
	/* one transaction: the revocation and the issue share a transaction id */
	assert_int_equal(
	    api_owner_int("SELECT count(DISTINCT l.txid) FROM audit.log l JOIN rq.codes c"
			  " ON l.table_name = 'rq.codes' AND l.row_pk = c.id::text"
			  " WHERE c.enterprise_id = $1::bigint"
			  " AND l.request_id = 'cli-codes-reissue'",
			  1, p),
	    1);
	free(old_serial);
	free(new_serial);
	free(old);
	free(fresh);
}

static void test_reissue_needs_an_active_code(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411525", "normal", true);
	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "reissue", "--uscc", e.uscc, "--reason", "lost",
					   NULL});
	assert_int_equal(run.status, 1);
	assert_non_null(strstr(run.err, "has no active code"));
	ct_run_free(&run);
	const char *p[] = {e.id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.codes WHERE enterprise_id = $1::bigint", 1, p),
	    0);
}

static void test_failed_reissue_revokes_nothing(void **state)
{
	(void)state;
	/* an enterprise whose name verification was withdrawn after the issue: the re-issue is
	 * refused before the old code is touched */
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411525", "normal", true);
	ct_issue(e.uscc);
	char *token = ct_active_token(e.id);
	const char *p[] = {e.id};
	ct_owner_write("UPDATE rq.enterprises SET name_verified = false WHERE id = $1::bigint", 1,
		       p);
	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "reissue", "--uscc", e.uscc, "--reason",
					   "damaged", NULL});
	assert_int_equal(run.status, 1);
	assert_non_null(strstr(run.err, "is not verified yet"));
	ct_run_free(&run);
	char *still = ct_active_token(e.id);
	assert_non_null(still);
	assert_string_equal(still, token);
	free(still);
	free(token);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reissue_replaces_the_token),
	    cmocka_unit_test(test_reissue_needs_an_active_code),
	    cmocka_unit_test(test_failed_reissue_revokes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
