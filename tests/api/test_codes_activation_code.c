/* `ruqima codes activation-code --uscc CODE`: an activation code made by hand, with the
 * CLI's actor context (a bare SELECT rq.activation_code_create() has none and is refused by
 * the audit trigger). It prints the one-time code once; the database keeps only its hash,
 * the audit trail the row (system actor, request id cli-codes-activation-code) without the
 * code; it supersedes the enterprise's earlier unused code; and a manager binds with it.
 * An unknown, unverified or not operating enterprise, or one without an active code, gets
 * none, and nothing is written. */
#include "api.h"
#include "codes_support.h"
#include "managers_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNTY "411503"

/* Runs the command for uscc; on success the code it printed (malloc'd), else NULL with
 * *status and the run's stderr in err (malloc'd) unless NULL. */
static char *make(const char *uscc, int *status, char **err)
{
	struct ct_run r;
	ct_cli(&r, (const char *const[]){"codes", "activation-code", "--uscc", uscc, NULL});
	*status = r.status;
	char *code = NULL;
	const char *at = strstr(r.out, "activation code: ");
	if (r.status == 0 && at != NULL) {
		at += strlen("activation code: ");
		code = strndup(at, strcspn(at, "\n"));
	}
	if (err != NULL)
		*err = strdup(r.err);
	ct_run_free(&r);
	return code;
}

static int64_t codes_of(const char *enterprise_id, const char *where)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM rq.activation_codes WHERE enterprise_id = $1::bigint%s",
		 where);
	const char *p[] = {enterprise_id};
	return api_owner_int(sql, 1, p);
}

static void test_made_by_hand_audited_and_usable(void **state)
{
	(void)state;
	struct mt_enterprise e;
	mt_enterprise_new(&e, COUNTY, "normal");
	ct_issue(e.uscc);
	/* what the README said before: the bare SQL, which has no actor context */
	PGconn *owner = api_db("owner");
	const char *pe[] = {e.id};
	char *sqlstate =
	    api_sql_state(owner, "SELECT rq.activation_code_create($1::bigint)", 1, pe);
	assert_string_equal(sqlstate, "42501");
	free(sqlstate);
	PQfinish(owner);
	assert_int_equal(codes_of(e.id, ""), 0);

	int status;
	char *first = make(e.uscc, &status, NULL);
	if (first == NULL)
		fail_msg("activation-code: exit %d", status);
	assert_int_equal(strlen(first), 10);
	assert_int_equal(strspn(first, "23456789ABCDEFGHJKMNPQRSTUVWXYZ"), 10);

	/* stored as its hash only; audited as the CLI, without the code */
	const char *ph[] = {e.id, first};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.activation_codes"
				       " WHERE enterprise_id = $1::bigint"
				       " AND code_hash = digest($2, 'sha256') AND used_at IS NULL"
				       " AND superseded_at IS NULL",
				       2, ph),
			 1);
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log"
			  " WHERE table_name = 'rq.activation_codes'"
			  " AND operation = 'INSERT' AND new_row->>'enterprise_id' = $1"
			  " AND actor_kind = 'system'"
			  " AND request_id = 'cli-codes-activation-code'",
			  1, pe),
	    1);
	assert_int_equal(api_owner_int("SELECT count(*) FROM audit.log"
				       " WHERE table_name = 'rq.activation_codes'"
				       " AND new_row->>'enterprise_id' = $1 AND new_row::text LIKE"
				       " '%' || $2 || '%'",
				       2, ph),
			 0);

	/* a second one supersedes the first: only the newest works */
	char *second = make(e.uscc, &status, NULL);
	assert_non_null(second);
	assert_string_not_equal(first, second);
	assert_int_equal(codes_of(e.id, ""), 2);
	assert_int_equal(codes_of(e.id, " AND superseded_at IS NULL"), 1);
	char *bearer = mt_account("actcode", NULL);
	struct api_resp *r = mt_claim(bearer, &e, MT_LEGAL_REP, first);
	api_assert_problem(r, 403, "activation-code-invalid");
	api_free(r);
	r = mt_claim(bearer, &e, MT_LEGAL_REP, second);
	if (r->status != 201)
		fail_msg("claim with the code made by hand: %ld %s", r->status, r->body);
	api_free(r);
	assert_int_equal(codes_of(e.id, " AND used_at IS NOT NULL"), 1);
	free(bearer);
	free(first);
	free(second);
}

/* The credit code may be typed in lower case, as `codes issue` takes it. */
static void test_lower_case_credit_code(void **state)
{
	(void)state;
	struct mt_enterprise e;
	mt_enterprise_new(&e, COUNTY, "normal");
	ct_issue(e.uscc);
	char lower[19];
	for (size_t i = 0; i < sizeof(lower); i++)
		lower[i] = (char)(e.uscc[i] >= 'A' && e.uscc[i] <= 'Z' ? e.uscc[i] - 'A' + 'a'
								       : e.uscc[i]);
	int status;
	char *code = make(lower, &status, NULL);
	assert_non_null(code);
	free(code);
}

static void test_refused_without_a_code_to_go_with(void **state)
{
	(void)state;
	struct ct_enterprise no_code, unverified, closed;
	ct_enterprise_new(&no_code, COUNTY, "normal", true);
	ct_enterprise_new(&unverified, COUNTY, "normal", false);
	ct_enterprise_new(&closed, COUNTY, "normal", true);
	ct_issue(closed.uscc);
	const char *pc[] = {closed.id};
	ct_owner_write("UPDATE rq.enterprises SET business_status = 'cancelled'"
		       " WHERE id = $1::bigint",
		       1, pc);
	const struct {
		const struct ct_enterprise *e;
		const char *says;
	} cases[] = {
	    {&no_code, "codes issue --uscc"},
	    {&unverified, "not verified"},
	    {&closed, "not in normal operation"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int status;
		char *err = NULL;
		char *code = make(cases[i].e->uscc, &status, &err);
		assert_null(code);
		if (status != 1 || strstr(err, cases[i].says) == NULL)
			fail_msg("case %zu: exit %d: %s", i, status, err);
		free(err);
		assert_int_equal(codes_of(cases[i].e->id, ""), 0);
	}
	int status;
	char *err = NULL;
	char unknown[19];
	ct_uscc_new(COUNTY, unknown);
	assert_null(make(unknown, &status, &err));
	assert_int_equal(status, 1);
	assert_non_null(strstr(err, "no enterprise"));
	free(err);

	struct ct_run r;
	ct_cli(&r, (const char *const[]){"codes", "activation-code", NULL});
	assert_int_equal(r.status, 2);
	ct_run_free(&r);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_made_by_hand_audited_and_usable),
	    cmocka_unit_test(test_lower_case_credit_code),
	    cmocka_unit_test(test_refused_without_a_code_to_go_with),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
