/* Row-level security (app/DESIGN.md §8): the application role sees only the rows of the actor set
 * for the transaction, nothing at all without one, cannot write accounts directly, cannot
 * bypass RLS and owns nothing; through the API an account only ever sees itself. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQLSTATE_INSUFFICIENT_PRIVILEGE "42501"

struct account {
	char openid[128];
	char *token;
	char id[32];
};

/* Logs a new account in through the fake WeChat server; its id is read as the owner. */
static void new_account(struct account *a, const char *prefix)
{
	snprintf(a->openid, sizeof(a->openid), "%s", api_unique(prefix));
	a->token = api_wx_login(a->openid);
	char *id = api_account_id(a->openid);
	snprintf(a->id, sizeof(a->id), "%s", id);
	free(id);
}

static int rows_of(PGconn *c, const char *sql, int n, const char *const *params)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	int rows = PQntuples(r);
	PQclear(r);
	return rows;
}

static void set_actor_account(PGconn *app, const char *id)
{
	const char *p[] = {id};
	api_sql_exec(
	    app, "SELECT rq.set_actor('account', $1, 'account', NULL, NULL, 'test', '127.0.0.1')",
	    1, p);
}

static void test_account_sees_only_itself(void **state)
{
	(void)state;
	struct account a, b;
	new_account(&a, "infra-rls-a");
	new_account(&b, "infra-rls-b");
	const char *pa[] = {a.id}, *pb[] = {b.id};

	PGconn *app = api_db("app");
	api_sql_exec(app, "BEGIN", 0, NULL);
	set_actor_account(app, a.id);
	assert_int_equal(rows_of(app, "SELECT * FROM rq.accounts WHERE id = $1::bigint", 1, pb), 0);
	assert_int_equal(rows_of(app, "SELECT * FROM rq.accounts WHERE id = $1::bigint", 1, pa), 1);
	char *n = api_sql_value(app, "SELECT count(*) FROM rq.accounts", 0, NULL);
	assert_string_equal(n, "1");
	free(n);
	char *seen =
	    api_sql_value(app, "SELECT string_agg(id::text, ',') FROM rq.accounts", 0, NULL);
	assert_string_equal(seen, a.id);
	free(seen);
	api_sql_exec(app, "ROLLBACK", 0, NULL);
	/* sessions: no pool reads them at all, its own actor's neither (rq.session_resolve
	 * does) */
	for (int i = 0; i < API_NFAMILIES; i++) {
		PGconn *f = api_db(api_families[i]);
		api_sql_exec(f, "BEGIN", 0, NULL);
		set_actor_account(f, a.id);
		char *st = api_sql_state(
		    f, "SELECT * FROM rq.sessions WHERE account_id = $1::bigint", 1, pa);
		assert_string_equal(st, "42501");
		free(st);
		PQfinish(f);
	}

	/* The other way round, on the same connection: the context is per transaction. */
	api_sql_exec(app, "BEGIN", 0, NULL);
	set_actor_account(app, b.id);
	assert_int_equal(rows_of(app, "SELECT * FROM rq.accounts WHERE id = $1::bigint", 1, pa), 0);
	assert_int_equal(rows_of(app, "SELECT * FROM rq.accounts WHERE id = $1::bigint", 1, pb), 1);
	api_sql_exec(app, "COMMIT", 0, NULL);

	/* After the transaction, no actor: nothing. */
	assert_int_equal(rows_of(app, "SELECT * FROM rq.accounts WHERE id = $1::bigint", 1, pb), 0);
	PQfinish(app);

	/* The owner sees both (the rows exist). */
	PGconn *owner = api_db("owner");
	const char *both[] = {a.id, b.id};
	n = api_sql_value(owner,
			  "SELECT count(*) FROM rq.accounts WHERE id IN ($1::bigint, $2::bigint)",
			  2, both);
	assert_string_equal(n, "2");
	free(n);
	PQfinish(owner);
	free(a.token);
	free(b.token);
}

static void test_no_actor_sees_nothing(void **state)
{
	(void)state;
	struct account a;
	new_account(&a, "infra-rls-none");
	const char *pa[] = {a.id};
	PGconn *app = api_db("app");
	assert_int_equal(rows_of(app, "SELECT * FROM rq.accounts WHERE id = $1::bigint", 1, pa), 0);
	char *n = api_sql_value(app, "SELECT count(*) FROM rq.accounts", 0, NULL);
	assert_string_equal(n, "0");
	free(n);

	/* Nor do an anonymous actor, an admin actor (for accounts), or a system actor. */
	static const char *const actors[] = {
	    "SELECT rq.set_actor('anonymous', NULL, NULL, NULL, NULL, 'test', '127.0.0.1')",
	    "SELECT rq.set_actor('admin', '1', 'city_admin', NULL, NULL, 'test', '127.0.0.1')",
	    "SELECT rq.set_actor('system', 'test', 'owner', NULL, NULL, 'test', '127.0.0.1')",
	    NULL};
	for (const char *const *sql = actors; *sql != NULL; sql++) {
		api_sql_exec(app, "BEGIN", 0, NULL);
		api_sql_exec(app, *sql, 0, NULL);
		n = api_sql_value(app, "SELECT count(*) FROM rq.accounts", 0, NULL);
		if (strcmp(n, "0") != 0)
			fail_msg("after %s: %s accounts visible", *sql, n);
		free(n);
		api_sql_exec(app, "ROLLBACK", 0, NULL);
	}

	/* An actor id that is not a number is refused, not widened. */
	char *st = api_sql_state(
	    app, "SELECT rq.set_actor('account', '1 OR true', 'account', NULL, NULL, 't', NULL)", 0,
	    NULL);
	assert_string_equal(st, "22023");
	free(st);
	PQfinish(app);
	free(a.token);
}

static void test_app_cannot_write_accounts(void **state)
{
	(void)state;
	struct account a;
	new_account(&a, "infra-rls-write");
	const char *pa[] = {a.id};
	PGconn *owner = api_db("owner");
	char *before = api_sql_value(owner,
				     "SELECT to_jsonb(a)::text FROM rq.accounts a"
				     " WHERE id = $1::bigint",
				     1, pa);
	assert_non_null(before);
	char *audit_before = api_sql_value(owner,
					   "SELECT count(*) FROM audit.log WHERE "
					   "table_name = 'rq.accounts' AND row_pk = $1",
					   1, pa);

	PGconn *app = api_db("app");
	const char *forged = api_unique("infra-rls-forged");
	const char *pf[] = {forged};
	api_sql_exec(app, "BEGIN", 0, NULL);
	set_actor_account(app, a.id);
	api_sql_exec(app, "SAVEPOINT s", 0, NULL);
	static const struct {
		const char *sql;
		int uses; /* 0: none, 1: account id, 2: forged openid */
	} attempts[] = {
	    {"INSERT INTO rq.accounts (openid) VALUES ($1)", 2},
	    {"UPDATE rq.accounts SET unionid = 'x' WHERE id = $1::bigint", 1},
	    {"UPDATE rq.accounts SET openid = $1", 2},
	    {"DELETE FROM rq.accounts WHERE id = $1::bigint", 1},
	    {"INSERT INTO rq.sessions (token_hash, actor_kind, account_id, expires_at)"
	     " VALUES (sha256('x'), 'account', $1::bigint, now() + interval '1 day')",
	     1},
	    {"UPDATE rq.sessions SET expires_at = now() + interval '1 year'"
	     " WHERE account_id = $1::bigint",
	     1},
	};
	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		const char *const *params = attempts[i].uses == 1 ? pa : pf;
		char *st = api_sql_state(app, attempts[i].sql, attempts[i].uses ? 1 : 0,
					 attempts[i].uses ? params : NULL);
		if (strcmp(st, SQLSTATE_INSUFFICIENT_PRIVILEGE) != 0)
			fail_msg("as ruqima_app (actor = account %s), %s: SQLSTATE '%s', "
				 "expected 42501",
				 a.id, attempts[i].sql, st);
		free(st);
		api_sql_exec(app, "ROLLBACK TO SAVEPOINT s", 0, NULL);
	}
	api_sql_exec(app, "ROLLBACK", 0, NULL);
	PQfinish(app);

	char *after = api_sql_value(owner,
				    "SELECT to_jsonb(a)::text FROM rq.accounts a"
				    " WHERE id = $1::bigint",
				    1, pa);
	assert_string_equal(after, before);
	char *n = api_sql_value(owner, "SELECT count(*) FROM rq.accounts WHERE openid = $1", 1, pf);
	assert_string_equal(n, "0");
	free(n);
	char *audit_after = api_sql_value(owner,
					  "SELECT count(*) FROM audit.log WHERE "
					  "table_name = 'rq.accounts' AND row_pk = $1",
					  1, pa);
	assert_string_equal(audit_after, audit_before);
	free(audit_before);
	free(audit_after);
	free(before);
	free(after);
	PQfinish(owner);
	free(a.token);
}

static void test_app_role_has_no_bypass_and_owns_nothing(void **state)
{
	(void)state;
	PGconn *c = api_db("owner");
	/* ruqima_app logs in no more; each pool's role does, and is no more than that */
	char *v =
	    api_sql_value(c,
			  "SELECT string_agg(rolname || ':' || rolsuper::text || rolbypassrls::text"
			  " || rolcreaterole::text || rolcreatedb::text || rolcanlogin::text,"
			  " ' ' ORDER BY rolname) FROM pg_roles WHERE rolname IN ('ruqima_app',"
			  " 'ruqima_registration', 'ruqima_evaluation', 'ruqima_complaints',"
			  " 'ruqima_reporting', 'ruqima_admin')",
			  0, NULL);
	assert_non_null(v);
	assert_string_equal(v, "ruqima_admin:falsefalsefalsefalsetrue"
			       " ruqima_app:falsefalsefalsefalsefalse"
			       " ruqima_complaints:falsefalsefalsefalsetrue"
			       " ruqima_evaluation:falsefalsefalsefalsetrue"
			       " ruqima_registration:falsefalsefalsefalsetrue"
			       " ruqima_reporting:falsefalsefalsefalsetrue");
	free(v);
	/* no role membership that would bring privileges in through the back door: ruqima_app
	 * is a member of nothing, each pool's role of ruqima_app alone */
	v = api_sql_value(
	    c,
	    "SELECT string_agg(r.rolname || '>' || g.rolname, ' ' ORDER BY r.rolname)"
	    " FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member"
	    " JOIN pg_roles g ON g.oid = m.roleid"
	    " WHERE r.rolname IN ('ruqima_app', 'ruqima_registration', 'ruqima_evaluation',"
	    " 'ruqima_complaints', 'ruqima_reporting', 'ruqima_admin')",
	    0, NULL);
	assert_string_equal(v, "ruqima_admin>ruqima_app ruqima_complaints>ruqima_app"
			       " ruqima_evaluation>ruqima_app ruqima_registration>ruqima_app"
			       " ruqima_reporting>ruqima_app");
	free(v);

	static const char *const owned[] = {
	    "SELECT count(*) FROM pg_class WHERE relowner = 'ruqima_app'::regrole",
	    "SELECT count(*) FROM pg_proc WHERE proowner = 'ruqima_app'::regrole",
	    "SELECT count(*) FROM pg_namespace WHERE nspowner = 'ruqima_app'::regrole",
	    "SELECT count(*) FROM pg_type WHERE typowner = 'ruqima_app'::regrole",
	    "SELECT count(*) FROM pg_database WHERE datdba = 'ruqima_app'::regrole",
	    "SELECT count(*) FROM pg_shdepend WHERE deptype = 'o'"
	    " AND refobjid = 'ruqima_app'::regrole",
	    NULL};
	for (const char *const *sql = owned; *sql != NULL; sql++) {
		v = api_sql_value(c, *sql, 0, NULL);
		if (strcmp(v, "0") != 0)
			fail_msg("%s: %s, expected 0", *sql, v);
		free(v);
	}

	/* RLS is on, and forced, on the tables it guards. */
	v = api_sql_value(
	    c,
	    "SELECT string_agg(relname || ':' || relrowsecurity || relforcerowsecurity,"
	    " ',' ORDER BY relname) FROM pg_class"
	    " WHERE oid IN ('rq.accounts'::regclass, 'rq.sessions'::regclass,"
	    " 'rq.admin_users'::regclass)",
	    0, NULL);
	assert_string_equal(v, "accounts:truetrue,admin_users:truetrue,sessions:truetrue");
	free(v);
	PQfinish(c);

	/* The application role itself says the same about its session. */
	c = api_db("app");
	v = api_sql_value(c,
			  "SELECT current_user || ':' || current_setting('is_superuser') || ':' ||"
			  " current_setting('row_security')",
			  0, NULL);
	assert_string_equal(v, "ruqima_admin:off:on");
	free(v);
	char *st = api_sql_state(c, "SET row_security = off", 0, NULL);
	assert_string_equal(st, "");
	free(st);
	/* row_security = off makes a query that RLS would filter fail instead of bypass it */
	st = api_sql_state(c, "SELECT count(*) FROM rq.accounts", 0, NULL);
	assert_string_equal(st, SQLSTATE_INSUFFICIENT_PRIVILEGE);
	free(st);
	PQfinish(c);
}

/* Through the API: /auth/me answers the token's own account, never another. */
static void test_me_returns_own_account(void **state)
{
	(void)state;
	struct account a, b;
	new_account(&a, "infra-me-a");
	new_account(&b, "infra-me-b");
	assert_string_not_equal(a.id, b.id);
	for (int i = 0; i < 6; i++) { /* several requests: both workers of the pool answer */
		struct account *who = i % 2 == 0 ? &a : &b;
		struct account *other = i % 2 == 0 ? &b : &a;
		struct api_resp *r = api_get("/api/v1/auth/me", who->token);
		if (r->status != 200)
			fail_msg("GET /auth/me: %ld %s", r->status, r->body);
		assert_string_equal(api_json_str(r, "kind"), "account");
		assert_string_equal(api_json_str(r, "account.id"), who->id);
		assert_null(strstr(r->body, other->openid));
		api_free(r);
	}
	/* The account's id in a query string does not change whom /me describes. */
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/auth/me?id=%s&account_id=%s", b.id, b.id);
	struct api_resp *r = api_get(path, a.token);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "account.id"), a.id);
	api_free(r);
	free(a.token);
	free(b.token);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_account_sees_only_itself),
	    cmocka_unit_test(test_no_actor_sees_nothing),
	    cmocka_unit_test(test_app_cannot_write_accounts),
	    cmocka_unit_test(test_app_role_has_no_bypass_and_owns_nothing),
	    cmocka_unit_test(test_me_returns_own_account),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
