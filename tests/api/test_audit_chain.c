/* The sealed hash chain of the audit trail (app/DESIGN.md §7, "The hash chain"): after real
 * HTTP traffic `ruqima audit verify` finds the chain intact; an owner who changes, deletes or
 * re-inserts a row with the triggers disabled is caught at that row (exit 1, the row named);
 * a purge leaves a chain that verifies and seals itself; a seal is published in the seal
 * file and on the public page; an actor context forged by the application role without a
 * live session is recorded as unverified. Changes the log for a moment and puts it back:
 * RUN_SERIAL (tests/CMakeLists.txt). */
#include "api.h"
#include "api_register.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A unit created through the API by a new city admin; its audit row's seq and the admin. */
struct created {
	char unit_id[32];
	char seq[32];
	char admin_id[32];
};

static void create_unit(struct created *out)
{
	struct api_unit_made u;
	api_unit_made_by_city_admin(&u, "chain", "链单位");
	snprintf(out->unit_id, sizeof(out->unit_id), "%s", u.unit_id);
	snprintf(out->admin_id, sizeof(out->admin_id), "%s", u.admin_id);
	const char *pk[] = {out->unit_id};
	char *seq =
	    api_owner_value("SELECT c.seq FROM audit.log l JOIN audit.chain c ON c.log_id = l.id"
			    " WHERE l.table_name = 'rq.units'"
			    " AND row_pk = $1 AND operation = 'INSERT'",
			    1, pk);
	assert_non_null(seq);
	snprintf(out->seq, sizeof(out->seq), "%s", seq);
	free(seq);
}

/* `ruqima audit verify ARGS`: its exit status, and its output must contain want. */
static void verify_says(const char *args, int status, const char *want)
{
	char cmd[256], *out = NULL;
	snprintf(cmd, sizeof(cmd), "audit verify %s", args);
	int rc = api_cli(cmd, &out);
	if (rc != status || strstr(out, want) == NULL)
		fail_msg("ruqima %s: exit %d (want %d), output lacks \"%s\":\n%s", cmd, rc, status,
			 want, out);
	free(out);
}

static void test_verify_after_http_traffic(void **state)
{
	(void)state;
	struct created u;
	create_unit(&u);
	/* a mini-program login and a portal login wrote rows too: all chained and verified */
	char openid[64];
	snprintf(openid, sizeof(openid), "%s", api_unique("chain-openid"));
	char *token = api_wx_login(openid);
	free(token);
	const char *pk[] = {u.unit_id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log l JOIN rq.sessions s"
			  " ON s.id = l.actor_session AND s.admin_user_id::text = l.actor_id"
			  " WHERE l.table_name = 'rq.units' AND l.row_pk = $1"
			  " AND l.actor_verified AND l.id IN (SELECT log_id FROM audit.chain)",
			  1, pk),
	    1);
	/* the account's row, written by the anonymous actor of the login */
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log WHERE table_name = 'rq.accounts'"
			  " AND operation = 'INSERT' AND new_row ->> 'openid' = $1"
			  " AND actor_kind = 'anonymous' AND actor_verified",
			  1, (const char *[]){openid}),
	    1);
	char *out = NULL;
	assert_int_equal(api_cli("audit seal", &out), 0);
	free(out);
	char *seal = api_owner_value("SELECT seq || ':' || encode(row_hash, 'hex') FROM audit.seals"
				     " WHERE reason = 'on demand' ORDER BY id DESC LIMIT 1",
				     0, NULL);
	assert_non_null(seal);
	char head[128];
	snprintf(head, sizeof(head), "%s", seal);
	free(seal);
	verify_says("", 0, "audit chain intact");
	char args[160];
	snprintf(args, sizeof(args), "--from %s", head);
	verify_says(args, 0, "audit chain intact");
	verify_says("--from 1:nothex", 2, "SEQ:HASH");

	/* published: in the seal file and on the public page */
	char path[512];
	snprintf(path, sizeof(path), "%s/audit-seals.txt", api_env("RUQIMA_TEST_STATE_DIR"));
	assert_true(api_file_has_line_soon(path, head, "on-demand", 1));
	struct api_resp *r = api_get("/api/v1/reporting/public/audit-seals?limit=5", NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, strchr(head, ':') + 1));
	api_free(r);
}

/* Runs sql as the owner with the audit log's triggers disabled, as an owner rewriting it
 * would; committed. */
static void as_owner_without_triggers(const char *sql, int n, const char *const *params)
{
	PGconn *c = api_db("owner");
	api_sql_exec(c, "BEGIN", 0, NULL);
	api_sql_exec(c, "ALTER TABLE audit.log DISABLE TRIGGER USER", 0, NULL);
	api_sql_exec(c, sql, n, params);
	api_sql_exec(c, "ALTER TABLE audit.log ENABLE TRIGGER USER", 0, NULL);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
}

static void test_owner_tampering_found_at_its_row(void **state)
{
	(void)state;
	struct created u;
	create_unit(&u);
	struct created later;
	create_unit(&later); /* the row is not the head */
	const char *seq[] = {u.seq};
	char *image = api_owner_value("SELECT to_jsonb(l)::text FROM audit.log l WHERE id = "
				      "(SELECT log_id FROM audit.chain WHERE seq = $1::bigint)",
				      1, seq);
	assert_non_null(image);
	const char *img[] = {image};
	char want[64];
	snprintf(want, sizeof(want), "row seq %s ", u.seq);
	const char *restore =
	    "INSERT INTO audit.log SELECT * FROM jsonb_populate_record(NULL::audit.log,"
	    " $1::jsonb)";

	/* UPDATE of the content */
	as_owner_without_triggers(
	    "UPDATE audit.log SET new_row = new_row || '{\"name\":\"改\"}'"
	    " WHERE id = (SELECT log_id FROM audit.chain WHERE seq = $1::bigint)",
	    1, seq);
	verify_says("", 1, want);
	verify_says("", 1, "content is not what was written");
	as_owner_without_triggers("DELETE FROM audit.log WHERE id = (SELECT log_id FROM "
				  "audit.chain WHERE seq = $1::bigint)",
				  1, seq);
	as_owner_without_triggers(restore, 1, img);
	verify_says("", 0, "audit chain intact");

	/* UPDATE of the meta data (the actor) with a content hash to match */
	as_owner_without_triggers("UPDATE audit.log SET actor_id = '1' WHERE id = (SELECT log_id "
				  "FROM audit.chain WHERE seq = $1::bigint)",
				  1, seq);
	verify_says("", 1, want);
	verify_says("", 1, "does not follow");
	as_owner_without_triggers("DELETE FROM audit.log WHERE id = (SELECT log_id FROM "
				  "audit.chain WHERE seq = $1::bigint)",
				  1, seq);
	as_owner_without_triggers(restore, 1, img);

	/* DELETE */
	as_owner_without_triggers("DELETE FROM audit.log WHERE id = (SELECT log_id FROM "
				  "audit.chain WHERE seq = $1::bigint)",
				  1, seq);
	verify_says("", 1, want);
	verify_says("", 1, "missing (deleted)");
	/* re-inserted, changed, with its old place and hashes */
	as_owner_without_triggers(
	    "INSERT INTO audit.log SELECT * FROM jsonb_populate_record("
	    "NULL::audit.log, jsonb_set($1::jsonb, '{client_addr}', '\"10.0.0.9\"'))",
	    1, img);
	verify_says("", 1, want);
	as_owner_without_triggers("DELETE FROM audit.log WHERE id = (SELECT log_id FROM "
				  "audit.chain WHERE seq = $1::bigint)",
				  1, seq);
	as_owner_without_triggers(restore, 1, img);
	verify_says("", 0, "audit chain intact");

	/* a row added with the triggers disabled has no place in the chain */
	char *id = api_owner_value("SELECT nextval('audit.log_id_seq')", 0, NULL);
	const char *idp[] = {id};
	as_owner_without_triggers(
	    "INSERT INTO audit.log (id, table_name, operation, row_pk, new_row,"
	    " actor_kind) VALUES ($1::bigint, 'rq.units', 'INSERT', '0',"
	    " '{}', 'system')",
	    1, idp);
	verify_says("", 1, "without a place in the chain");
	PGconn *c = api_db("owner");
	api_sql_exec(c, "BEGIN", 0, NULL);
	api_sql_exec(c, "SELECT set_config('audit.maintenance', 'on', true)", 0, NULL);
	api_sql_exec(c, "DELETE FROM audit.log WHERE id = $1::bigint", 1, idp);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
	free(id);
	verify_says("", 0, "audit chain intact");
	free(image);
}

static void test_purge_leaves_a_verifiable_sealed_chain(void **state)
{
	(void)state;
	struct created u;
	create_unit(&u);
	struct created later;
	create_unit(&later);
	/* in a transaction rolled back afterwards: the other tests keep their rows */
	PGconn *c = api_owner_tx();
	const char *seq[] = {u.seq};
	assert_true(api_sql_int(c,
				"SELECT audit.purge_before((SELECT at + interval '1 microsecond'"
				" FROM audit.log WHERE id = (SELECT log_id FROM audit.chain WHERE "
				"seq = $1::bigint)), 'chain test: retention')",
				1, seq) >= 1);
	assert_int_equal(api_sql_int(c,
				     "SELECT count(*) FROM audit.log WHERE table_name = 'rq.units'"
				     " AND row_pk = $1",
				     1, (const char *[]){u.unit_id}),
			 0);
	/* the purge's record is the head, and sealed */
	assert_int_equal(
	    api_sql_int(c,
			"SELECT count(*) FROM audit.seals s JOIN audit.chain c ON c.seq = s.seq"
			" AND c.row_hash = s.row_hash JOIN audit.log l ON l.id = c.log_id WHERE "
			"s.reason = 'purge'"
			" AND l.new_row ->> 'action' = 'purge_before'"
			" AND (l.new_row ->> 'purged_through_seq')::bigint >= $1::bigint"
			" AND s.seq = (SELECT max(seq) FROM audit.chain)",
			1, seq),
	    1);
	/* what `ruqima audit verify` runs, in this transaction */
	PGresult *r = PQexec(c, "SELECT s.problem AS start_problem, b.problem, b.checked,"
				" s.purged_through FROM audit.verify_start(NULL, NULL) s,"
				" audit.verify_batch(s.after_seq, s.prev_hash, 100000000) b");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_true(PQgetisnull(r, 0, 0));
	assert_true(PQgetisnull(r, 0, 1));
	assert_true(api_to_i64(PQgetvalue(r, 0, 2)) >= 2); /* the later unit's rows and the purge */
	assert_true(api_to_i64(PQgetvalue(r, 0, 3)) >= api_to_i64(u.seq));
	PQclear(r);
	assert_int_equal(api_sql_int(c,
				     "SELECT count(*) FROM audit.verify_start(NULL, NULL) s,"
				     " audit.verify_seals(s.purged_through)",
				     0, NULL),
			 0);
	api_sql_exec(c, "ROLLBACK", 0, NULL);
	PQfinish(c);
}

static void test_forged_actor_is_visible(void **state)
{
	(void)state;
	struct created u;
	create_unit(&u);
	/* the application role claims to be that city admin, without a session */
	PGconn *app = api_db("app");
	api_sql_exec(app, "BEGIN", 0, NULL);
	const char *id[] = {u.admin_id};
	api_sql_exec(
	    app, "SELECT rq.set_actor('admin', $1, 'city_admin', NULL, NULL, 'forged', '10.1.1.1')",
	    1, id);
	/* and a made-up session proof */
	api_sql_exec(app, "SELECT set_config('rq.actor_session', '1:' || repeat('ab', 32), true)",
		     0, NULL);
	char *unit = api_sql_value(app, "INSERT INTO rq.units (name) VALUES ($1) RETURNING id", 1,
				   (const char *[]){api_unique("伪造单位")});
	assert_non_null(unit);
	api_sql_exec(app, "COMMIT", 0, NULL);
	PQfinish(app);
	const char *pk[] = {unit};
	/* recorded, under the claimed actor, and marked as not verified */
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log WHERE table_name = 'rq.units'"
			  " AND row_pk = $1 AND actor_kind = 'admin' AND actor_verified = false"
			  " AND request_id = 'forged' AND id IN (SELECT log_id FROM audit.chain)",
			  1, pk),
	    1);
	/* the genuine one of the same admin is verified */
	const char *gpk[] = {u.unit_id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log WHERE table_name = 'rq.units'"
			  " AND row_pk = $1 AND actor_verified",
			  1, gpk),
	    1);
	free(unit);
	verify_says("", 0, "audit chain intact"); /* the chain holds the forged row honestly */
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_verify_after_http_traffic),
	    cmocka_unit_test(test_owner_tampering_found_at_its_row),
	    cmocka_unit_test(test_purge_leaves_a_verifiable_sealed_chain),
	    cmocka_unit_test(test_forged_actor_is_visible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
