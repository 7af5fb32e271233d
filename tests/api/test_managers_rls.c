/* Row-level security on manager bindings and claim requests, asked directly as the
 * application role: a manager sees only their own rows, even naming another's by id, and
 * cannot write any; a county admin sees only their county's claims. */
#include "api.h"
#include "managers_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void exec_ok(PGconn *c, const char *sql, int n, const char *const *params)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
}

/* An app connection inside a transaction with the actor context of account id. */
static PGconn *as_account(const char *id)
{
	PGconn *c = api_db("app");
	exec_ok(c, "BEGIN", 0, NULL);
	const char *p[] = {id};
	exec_ok(c, "SELECT rq.set_actor('account', $1, 'account', NULL, NULL, 'test', '')", 1, p);
	return c;
}

static void test_manager_sees_only_own_rows(void **state)
{
	(void)state;
	struct mt_enterprise ea, eb;
	mt_enterprise_new(&ea, "411502", "normal");
	mt_enterprise_new(&eb, "411502", "normal");
	char *a_id = NULL, *b_id = NULL;
	char *a = mt_account("rls-a", &a_id);
	char *b = mt_account("rls-b", &b_id);
	char *code = mt_activation_code(&eb);
	struct api_resp *r = mt_claim(b, &eb, MT_LEGAL_REP, code);
	assert_int_equal(r->status, 201);
	char *b_binding = strdup(api_json_str(r, "binding_id"));
	api_free(r);
	r = mt_claim(b, &ea, MT_LEGAL_REP, NULL);
	assert_int_equal(r->status, 202);
	char *b_claim = strdup(api_json_str(r, "claim_id"));
	api_free(r);
	r = mt_claim(a, &ea, MT_LEGAL_REP, NULL);
	assert_int_equal(r->status, 202);
	char *a_claim = strdup(api_json_str(r, "claim_id"));
	api_free(r);

	PGconn *c = as_account(a_id);
	const char *pb[] = {b_binding};
	assert_int_equal(
	    api_sql_int(c, "SELECT count(*) FROM rq.manager_bindings WHERE id = $1::bigint", 1, pb),
	    0);
	const char *pbid[] = {b_id};
	assert_int_equal(api_sql_int(c,
				     "SELECT count(*) FROM rq.manager_bindings"
				     " WHERE account_id = $1::bigint",
				     1, pbid),
			 0);
	const char *pc[] = {b_claim};
	assert_int_equal(
	    api_sql_int(c, "SELECT count(*) FROM rq.claim_requests WHERE id = $1::bigint", 1, pc),
	    0);
	assert_int_equal(api_sql_int(c,
				     "SELECT count(*) FROM rq.claim_requests"
				     " WHERE account_id = $1::bigint",
				     1, pbid),
			 0);
	/* the own claim is visible */
	const char *pac[] = {a_claim};
	assert_int_equal(
	    api_sql_int(c, "SELECT count(*) FROM rq.claim_requests WHERE id = $1::bigint", 1, pac),
	    1);
	/* and through the helper later policies use */
	const char *pe[] = {eb.id};
	char *manages = api_sql_value(c, "SELECT rq.actor_manages($1::bigint)", 1, pe);
	assert_string_equal(manages, "f");
	free(manages);
	/* no direct writes, no access to activation codes or failure counts */
	char *st = api_sql_state(c, "UPDATE rq.manager_bindings SET status = 'unbound'", 0, NULL);
	assert_string_equal(st, "42501");
	free(st);
	PQfinish(c);
	c = as_account(a_id);
	st = api_sql_state(c, "SELECT count(*) FROM rq.activation_codes", 0, NULL);
	assert_string_equal(st, "42501");
	free(st);
	PQfinish(c);
	c = as_account(a_id);
	st = api_sql_state(c, "SELECT rq.activation_code_create($1::bigint)", 1, pe);
	assert_string_equal(st, "42501");
	free(st);
	PQfinish(c);

	/* B sees their own binding, and manages eb */
	c = as_account(b_id);
	assert_int_equal(
	    api_sql_int(c, "SELECT count(*) FROM rq.manager_bindings WHERE id = $1::bigint", 1, pb),
	    1);
	manages = api_sql_value(c, "SELECT rq.actor_manages($1::bigint)", 1, pe);
	assert_string_equal(manages, "t");
	free(manages);
	PQfinish(c);

	/* without an actor context: nothing */
	c = api_db("app");
	assert_int_equal(api_sql_int(c, "SELECT count(*) FROM rq.manager_bindings", 0, NULL), 0);
	assert_int_equal(api_sql_int(c, "SELECT count(*) FROM rq.claim_requests", 0, NULL), 0);
	PQfinish(c);

	/* a county admin of another county sees neither claim */
	c = api_db("app");
	exec_ok(c, "BEGIN", 0, NULL);
	exec_ok(c, "SELECT rq.set_actor('admin', '1', 'county_admin', '411503', NULL, 'test', '')",
		0, NULL);
	assert_int_equal(
	    api_sql_int(c, "SELECT count(*) FROM rq.claim_requests WHERE id = $1::bigint", 1, pac),
	    0);
	assert_int_equal(
	    api_sql_int(c, "SELECT count(*) FROM rq.manager_bindings WHERE id = $1::bigint", 1, pb),
	    0);
	exec_ok(c, "ROLLBACK", 0, NULL);
	exec_ok(c, "BEGIN", 0, NULL);
	exec_ok(c, "SELECT rq.set_actor('admin', '1', 'county_admin', '411502', NULL, 'test', '')",
		0, NULL);
	assert_int_equal(
	    api_sql_int(c, "SELECT count(*) FROM rq.claim_requests WHERE id = $1::bigint", 1, pac),
	    1);
	exec_ok(c, "ROLLBACK", 0, NULL);
	PQfinish(c);

	free(code);
	free(a_id);
	free(b_id);
	free(a);
	free(b);
	free(b_binding);
	free(b_claim);
	free(a_claim);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_manager_sees_only_own_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
