/* `ruqima codes issue [--county CODE]` without --uscc: every verified enterprise in normal
 * operation that has no active code gets one, 1,000 per transaction with progress on
 * stderr; unverified and abnormal ones get none, and the summary says how many wait. */
#include "api.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Zones no other test creates enterprises in: the counts below are exact. */
#define COUNTY_SMALL "411592"
#define COUNTY_LARGE "411591"

static long active_codes_in(const char *county)
{
	const char *p[] = {county};
	return api_owner_int("SELECT count(*) FROM rq.codes c JOIN rq.enterprises e"
			     " ON e.id = c.enterprise_id"
			     " WHERE e.county_code = $1 AND c.status = 'active'",
			     1, p);
}

static void test_issue_all_of_a_county(void **state)
{
	(void)state;
	struct ct_enterprise ok1, ok2, unverified, closed, other;
	ct_enterprise_new(&ok1, COUNTY_SMALL, "normal", true);
	ct_enterprise_new(&ok2, COUNTY_SMALL, "normal", true);
	ct_enterprise_new(&unverified, COUNTY_SMALL, "normal", false);
	ct_enterprise_new(&closed, COUNTY_SMALL, "suspended", true);
	ct_enterprise_new(&other, "411502", "normal", true);

	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "issue", "--county", COUNTY_SMALL, NULL});
	if (run.status != 0)
		fail_msg("exit %d: %s", run.status, run.err);
	assert_non_null(strstr(run.out, "issued 2 codes"));
	assert_non_null(strstr(run.out, "name verification (no"));
	ct_run_free(&run);
	char *t;
	assert_non_null(t = ct_active_token(ok1.id));
	free(t);
	assert_non_null(t = ct_active_token(ok2.id));
	free(t);
	assert_null(ct_active_token(unverified.id));
	assert_null(ct_active_token(closed.id));
	assert_null(ct_active_token(other.id)); /* another county */

	/* again: nothing left to do */
	ct_cli(&run, (const char *const[]){"codes", "issue", "--county", COUNTY_SMALL, NULL});
	assert_int_equal(run.status, 0);
	assert_non_null(strstr(run.out, "issued 0 codes"));
	ct_run_free(&run);
	long before = active_codes_in(COUNTY_SMALL);

	/* verifying the name is what makes it eligible */
	const char *p[] = {unverified.id};
	ct_owner_write("UPDATE rq.enterprises SET name_verified = true WHERE id = $1::bigint", 1,
		       p);
	ct_cli(&run, (const char *const[]){"codes", "issue", "--county", COUNTY_SMALL, NULL});
	assert_int_equal(run.status, 0);
	assert_non_null(strstr(run.out, "issued 1 code\n"));
	ct_run_free(&run);
	assert_int_equal(active_codes_in(COUNTY_SMALL), before + 1);
}

static void test_issue_all_in_batches_with_progress(void **state)
{
	(void)state;
	/* 1,001 enterprises in one statement: one more than a batch */
	PGconn *c = api_db("owner");
	PGresult *r = PQexec(c, "BEGIN");
	PQclear(r);
	r = PQexec(c, "SELECT rq.set_actor('system', 'test', 'owner', NULL, NULL, 'test', '')");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	PQclear(r);
	for (int i = 0; i < 1001; i++) {
		struct {
			char uscc[19];
			char name[64];
		} e;
		ct_uscc_new(COUNTY_LARGE, e.uscc);
		snprintf(e.name, sizeof(e.name), "批量企业%.8s", e.uscc + 10);
		const char *p[] = {e.uscc, e.name, COUNTY_LARGE};
		r = PQexecParams(
		    c,
		    "INSERT INTO rq.enterprises (uscc, name, county_code, name_verified)"
		    " VALUES ($1, $2, $3, true)",
		    3, NULL, p, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fail_msg("insert: %s", PQresultErrorMessage(r));
		PQclear(r);
	}
	r = PQexec(c, "COMMIT");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(c);

	long before = active_codes_in(COUNTY_LARGE);
	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "issue", "--county", COUNTY_LARGE, NULL});
	if (run.status != 0)
		fail_msg("exit %d: %s", run.status, run.err);
	assert_non_null(strstr(run.err, "issued 1000 codes..."));
	assert_non_null(strstr(run.out, "issued 1001 codes"));
	ct_run_free(&run);
	assert_int_equal(active_codes_in(COUNTY_LARGE), before + 1001);
	/* two transactions, audited as the CLI */
	const char *p[] = {COUNTY_LARGE};
	assert_true(api_owner_int("SELECT count(DISTINCT l.txid) FROM audit.log l JOIN rq.codes c"
				  " ON l.table_name = 'rq.codes' AND l.row_pk = c.id::text"
				  " JOIN rq.enterprises e ON e.id = c.enterprise_id"
				  " WHERE e.county_code = $1 AND l.request_id = 'cli-codes-issue'",
				  1, p) >= 2);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_issue_all_of_a_county),
	    cmocka_unit_test(test_issue_all_in_batches_with_progress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
