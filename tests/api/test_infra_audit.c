/* The row audit trail (app/DESIGN.md §7): a write through the API leaves exactly one audit.log row
 * naming who made it and in which request; the log is append-only for the application
 * role and, short of audit.purge_before(), for the owner; a write without an actor context
 * is refused. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQLSTATE_INSUFFICIENT_PRIVILEGE "42501"

/* A unit created through the API by a new city admin. */
static void test_api_write_leaves_one_audit_row(void **state)
{
	(void)state;
	struct api_unit_made u;
	api_unit_made_by_city_admin(&u, "infra-audit", "审计单位");

	PGconn *c = api_db("owner");
	const char *pk[] = {u.unit_id};
	assert_int_equal(api_sql_int(c,
				     "SELECT count(*) FROM audit.log WHERE table_name = 'rq.units'"
				     " AND row_pk = $1",
				     1, pk),
			 1);
	/* everything the request wrote: that one row */
	const char *rid[] = {u.request_id};
	assert_int_equal(
	    api_sql_int(c, "SELECT count(*) FROM audit.log WHERE request_id = $1", 1, rid), 1);

	PGresult *r =
	    PQexecParams(c,
			 "SELECT operation, row_pk, old_row IS NULL AS no_old,"
			 " new_row ->> 'name' AS name, new_row ->> 'id' AS new_id,"
			 " new_row ->> 'discipline_group' AS grp,"
			 " actor_kind, actor_id, actor_role, request_id, client_addr, db_user,"
			 " txid > 0 AS has_txid, at <= now() AS at_past"
			 " FROM audit.log WHERE table_name = 'rq.units' AND row_pk = $1",
			 1, NULL, pk, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_int_equal(PQntuples(r), 1);
#define COL(name) PQgetvalue(r, 0, PQfnumber(r, name))
	assert_string_equal(COL("operation"), "INSERT");
	assert_string_equal(COL("row_pk"), u.unit_id);
	assert_string_equal(COL("no_old"), "t");
	assert_string_equal(COL("name"), u.unit_name);
	assert_string_equal(COL("new_id"), u.unit_id);
	assert_string_equal(COL("grp"), "第一派驻组");
	assert_string_equal(COL("actor_kind"), "admin");
	assert_string_equal(COL("actor_id"), u.admin_id);
	assert_string_equal(COL("actor_role"), "city_admin");
	assert_string_equal(COL("request_id"), u.request_id);
	assert_string_equal(COL("client_addr"), "127.0.0.1");
	assert_string_equal(COL("db_user"), "ruqima_admin");
	assert_string_equal(COL("has_txid"), "t");
	assert_string_equal(COL("at_past"), "t");
#undef COL
	PQclear(r);
	PQfinish(c);
}

/* Everything about one audit row, to compare before and after an attempt to change it. */
static char *audit_row_image(PGconn *owner, const char *unit_id)
{
	const char *p[] = {unit_id};
	char *v = api_sql_value(owner,
				"SELECT to_jsonb(l)::text FROM audit.log l"
				" WHERE table_name = 'rq.units' AND row_pk = $1",
				1, p);
	assert_non_null(v);
	return v;
}

static void test_app_role_cannot_change_audit_log(void **state)
{
	(void)state;
	struct api_unit_made u;
	api_unit_made_by_city_admin(&u, "infra-audit", "审计单位");
	PGconn *owner = api_db("owner");
	char *before = audit_row_image(owner, u.unit_id);
	int64_t total_before = api_sql_int(owner, "SELECT count(*) FROM audit.log", 0, NULL);

	PGconn *app = api_db("app");
	const char *pk[] = {u.unit_id};
	static const char *const attempts[] = {
	    "UPDATE audit.log SET actor_id = '0' WHERE table_name = 'rq.units' AND row_pk = $1",
	    "DELETE FROM audit.log WHERE table_name = 'rq.units' AND row_pk = $1",
	    "TRUNCATE audit.log",
	    "INSERT INTO audit.log (table_name, operation, new_row) VALUES ('rq.units', 'INSERT',"
	    " jsonb_build_object('id', $1::text))",
	    "SELECT count(*) FROM audit.log WHERE row_pk = $1",
	    NULL};
	for (const char *const *sql = attempts; *sql != NULL; sql++) {
		int n = strstr(*sql, "$1") != NULL ? 1 : 0;
		char *state_ = api_sql_state(app, *sql, n, n ? pk : NULL);
		if (strcmp(state_, SQLSTATE_INSUFFICIENT_PRIVILEGE) != 0)
			fail_msg("as ruqima_app, %s: SQLSTATE '%s', expected 42501", *sql, state_);
		free(state_);
	}
	/* The same with an actor context set, inside a transaction: still refused. */
	api_sql_exec(app, "BEGIN", 0, NULL);
	api_sql_exec(app,
		     "SELECT rq.set_actor('system', 'test', 'owner', NULL, NULL, 'infra-audit',"
		     " '127.0.0.1')",
		     0, NULL);
	char *st = api_sql_state(app, "DELETE FROM audit.log", 0, NULL);
	assert_string_equal(st, SQLSTATE_INSUFFICIENT_PRIVILEGE);
	free(st);
	api_sql_exec(app, "ROLLBACK", 0, NULL);
	PQfinish(app);

	char *after = audit_row_image(owner, u.unit_id);
	assert_string_equal(after, before);
	assert_true(api_sql_int(owner, "SELECT count(*) FROM audit.log", 0, NULL) >= total_before);
	free(before);
	free(after);
	PQfinish(owner);
}

static void test_owner_cannot_change_audit_log_but_by_purge(void **state)
{
	(void)state;
	struct api_unit_made u;
	api_unit_made_by_city_admin(&u, "infra-audit", "审计单位");
	PGconn *owner = api_db("owner");
	char *before = audit_row_image(owner, u.unit_id);
	const char *pk[] = {u.unit_id};

	static const char *const attempts[] = {
	    "UPDATE audit.log SET actor_id = '0' WHERE table_name = 'rq.units' AND row_pk = $1",
	    "DELETE FROM audit.log WHERE table_name = 'rq.units' AND row_pk = $1",
	    "TRUNCATE audit.log", NULL};
	for (const char *const *sql = attempts; *sql != NULL; sql++) {
		int n = strstr(*sql, "$1") != NULL ? 1 : 0;
		char *st = api_sql_state(owner, *sql, n, n ? pk : NULL);
		if (strcmp(st, SQLSTATE_INSUFFICIENT_PRIVILEGE) != 0)
			fail_msg("as ruqima_owner, %s: SQLSTATE '%s', expected 42501", *sql, st);
		free(st);
	}
	char *after = audit_row_image(owner, u.unit_id);
	assert_string_equal(after, before);
	free(after);

	/* audit.purge_before() may delete old rows, and records that it did. Run in a
	 * transaction that is rolled back: the other tests share this audit log. */
	api_sql_exec(owner, "BEGIN", 0, NULL);
	api_sql_exec(owner,
		     "SELECT rq.set_actor('system', 'infra-test', 'owner', NULL, NULL,"
		     " 'infra-purge', NULL)",
		     0, NULL);
	char *deleted = api_sql_value(
	    owner,
	    "SELECT audit.purge_before((SELECT at + interval '1 microsecond' FROM audit.log"
	    " WHERE table_name = 'rq.units' AND row_pk = $1), 'infra test: retention')",
	    1, pk);
	assert_non_null(deleted);
	assert_true(strtol(deleted, NULL, 10) >= 1);
	free(deleted);
	assert_int_equal(api_sql_int(owner,
				     "SELECT count(*) FROM audit.log WHERE table_name = 'rq.units'"
				     " AND row_pk = $1",
				     1, pk),
			 0);
	assert_int_equal(
	    api_sql_int(owner,
			"SELECT count(*) FROM audit.log WHERE operation = 'MAINTENANCE'"
			" AND request_id = 'infra-purge'"
			" AND new_row ->> 'reason' = 'infra test: retention'",
			0, NULL),
	    1);
	/* the maintenance flag does not outlive the purge */
	char *st =
	    api_sql_state(owner, "DELETE FROM audit.log WHERE operation = 'MAINTENANCE'", 0, NULL);
	assert_string_equal(st, SQLSTATE_INSUFFICIENT_PRIVILEGE);
	free(st);
	api_sql_exec(owner, "ROLLBACK", 0, NULL);

	/* a purge without a reason is refused */
	st = api_sql_state(owner, "SELECT audit.purge_before(now() - interval '1 day', ' ')", 0,
			   NULL);
	assert_string_equal(st, "22023");
	free(st);

	after = audit_row_image(owner, u.unit_id);
	assert_string_equal(after, before);
	free(after);
	free(before);
	PQfinish(owner);
}

/* Every write must say who made it: without rq.set_actor the audit trigger refuses it. */
static void test_write_without_actor_is_refused(void **state)
{
	(void)state;
	const char *name = api_unique("infra-no-actor");
	const char *p[] = {name};
	static const char *const roles[] = {"owner", "app", NULL};
	for (const char *const *who = roles; *who != NULL; who++) {
		PGconn *c = api_db(*who);
		char *st = api_sql_state(c, "INSERT INTO rq.units (name) VALUES ($1)", 1, p);
		if (strcmp(st, SQLSTATE_INSUFFICIENT_PRIVILEGE) != 0)
			fail_msg("as %s, INSERT without actor: SQLSTATE '%s', expected 42501", *who,
				 st);
		free(st);
		/* a context reset to '' (as after a finished transaction) counts as none */
		api_sql_exec(c, "BEGIN", 0, NULL);
		api_sql_exec(c, "SELECT set_config('rq.actor_kind', '', true)", 0, NULL);
		st = api_sql_state(c, "INSERT INTO rq.units (name) VALUES ($1)", 1, p);
		assert_string_equal(st, SQLSTATE_INSUFFICIENT_PRIVILEGE);
		free(st);
		api_sql_exec(c, "ROLLBACK", 0, NULL);
		/* the context of a committed transaction is gone in the next one */
		api_sql_exec(c, "BEGIN", 0, NULL);
		api_sql_exec(c,
			     "SELECT rq.set_actor('system', 'infra-test', 'owner', NULL, NULL,"
			     " 'infra-tx', NULL)",
			     0, NULL);
		api_sql_exec(c, "COMMIT", 0, NULL);
		st = api_sql_state(c, "INSERT INTO rq.units (name) VALUES ($1)", 1, p);
		assert_string_equal(st, SQLSTATE_INSUFFICIENT_PRIVILEGE);
		free(st);
		PQfinish(c);
	}

	PGconn *owner = api_db("owner");
	assert_int_equal(api_sql_int(owner, "SELECT count(*) FROM rq.units WHERE name = $1", 1, p),
			 0);
	assert_int_equal(api_sql_int(owner,
				     "SELECT count(*) FROM audit.log WHERE table_name = 'rq.units'"
				     " AND new_row ->> 'name' = $1",
				     1, p),
			 0);

	/* With an actor the same INSERT goes through (as the owner) and is audited as said. */
	api_sql_exec(owner, "BEGIN", 0, NULL);
	api_sql_exec(owner,
		     "SELECT rq.set_actor('system', 'infra-test', 'owner', NULL, NULL,"
		     " 'infra-with-actor', NULL)",
		     0, NULL);
	char *id =
	    api_sql_value(owner, "INSERT INTO rq.units (name) VALUES ($1) RETURNING id", 1, p);
	assert_non_null(id);
	api_sql_exec(owner, "ROLLBACK", 0, NULL);
	free(id);
	assert_int_equal(api_sql_int(owner, "SELECT count(*) FROM rq.units WHERE name = $1", 1, p),
			 0);
	PQfinish(owner);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_api_write_leaves_one_audit_row),
	    cmocka_unit_test(test_app_role_cannot_change_audit_log),
	    cmocka_unit_test(test_owner_cannot_change_audit_log_but_by_purge),
	    cmocka_unit_test(test_write_without_actor_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
