/* `ruqima codes revoke`: the old token then answers 410 code-revoked (with the date, not
 * the reason), the row is kept as history, and the audit log has the UPDATE by the CLI. */
#include "api.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REASON "海报遗失 (poster lost, internal note 7731)"

static void test_revoked_token_is_gone(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411524", "normal", true);
	ct_issue(e.uscc);
	char *token = ct_active_token(e.id);
	assert_non_null(token);
	struct api_resp *r = api_get(ct_code_path(token), NULL);
	assert_int_equal(r->status, 200);
	api_free(r);

	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "revoke", "--uscc", e.uscc, "--reason", REASON,
					   NULL});
	if (run.status != 0)
		fail_msg("revoke: exit %d: %s", run.status, run.err);
	assert_non_null(strstr(run.out, "revoked"));
	ct_run_free(&run);

	r = api_get(ct_code_path(token), NULL);
	api_assert_problem(r, 410, "code-revoked");
	const char *revoked_at = api_json_str(r, "revoked_at");
	assert_non_null(revoked_at);
	const char *p[] = {e.id};
	char *date = api_owner_value("SELECT to_char(revoked_at, 'YYYY-MM-DD') FROM rq.codes"
				     " WHERE enterprise_id = $1::bigint",
				     1, p);
	assert_int_equal(strncmp(revoked_at, date, 10), 0);
	assert_non_null(strstr(api_json_str(r, "detail"), date));
	free(date);
	/* the reason is internal */
	assert_null(strstr(r->body, "7731"));
	assert_null(strstr(r->body, "海报遗失"));
	assert_null(strstr(r->body, "reason"));
	api_free(r);

	/* the row is kept, revoked with the reason */
	const char *p2[] = {e.id, REASON};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.codes WHERE enterprise_id = $1::bigint"
			  " AND status = 'revoked' AND revoke_reason = $2",
			  2, p2),
	    1);
	assert_null(ct_active_token(e.id));
	free(token);
}

static void test_revoke_is_audited(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411524", "normal", true);
	ct_issue(e.uscc);
	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "revoke", "--uscc", e.uscc, "--reason",
					   "damaged", NULL});
	assert_int_equal(run.status, 0);
	ct_run_free(&run);
	const char *p[] = {e.id};
	assert_int_equal(
	    api_owner_int(
		"SELECT count(*) FROM audit.log l JOIN rq.codes c"
		" ON l.table_name = 'rq.codes' AND l.row_pk = c.id::text"
		" WHERE c.enterprise_id = $1::bigint AND l.operation = 'UPDATE'"
		" AND l.old_row ->> 'status' = 'active' AND l.new_row ->> 'status' = 'revoked'"
		" AND l.new_row ->> 'revoke_reason' = 'damaged'"
		" AND l.actor_kind = 'system' AND l.request_id = 'cli-codes-revoke'"
		" AND l.db_user = 'ruqima_owner'",
		1, p),
	    1);
}

static void test_revoke_refusals(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411524", "normal", true);
	struct ct_run run;
	/* nothing to revoke */
	ct_cli(&run,
	       (const char *const[]){"codes", "revoke", "--uscc", e.uscc, "--reason", "x", NULL});
	assert_int_equal(run.status, 1);
	assert_non_null(strstr(run.err, "has no active code"));
	ct_run_free(&run);
	ct_issue(e.uscc);
	/* a reason is required, and must be text */
	ct_cli(&run, (const char *const[]){"codes", "revoke", "--uscc", e.uscc, NULL});
	assert_int_equal(run.status, 2);
	ct_run_free(&run);
	ct_cli(&run,
	       (const char *const[]){"codes", "revoke", "--uscc", e.uscc, "--reason", "  ", NULL});
	assert_int_equal(run.status, 1);
	assert_non_null(strstr(run.err, "--reason"));
	ct_run_free(&run);
	char long_reason[256];
	memset(long_reason, 'x', 201);
	long_reason[201] = '\0';
	ct_cli(&run, (const char *const[]){"codes", "revoke", "--uscc", e.uscc, "--reason",
					   long_reason, NULL});
	assert_int_equal(run.status, 1);
	ct_run_free(&run);
	/* still active */
	char *token = ct_active_token(e.id);
	assert_non_null(token);
	struct api_resp *r = api_get(ct_code_path(token), NULL);
	assert_int_equal(r->status, 200);
	api_free(r);
	free(token);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_revoked_token_is_gone),
	    cmocka_unit_test(test_revoke_is_audited),
	    cmocka_unit_test(test_revoke_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
