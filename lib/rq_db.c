#include "rq_db.h"

#include "rq_clock.h"
#include "rq_config.h"
#include "rq_log.h"
#include "rq_outcome.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* SQLSTATEs the code branches on, by name. */
#define SQLSTATE_UNIQUE_VIOLATION      "23505"
#define SQLSTATE_FOREIGN_KEY_VIOLATION "23503"
#define SQLSTATE_CHECK_VIOLATION       "23514"
#define SQLSTATE_NOT_NULL_VIOLATION    "23502"
#define SQLSTATE_INSUFFICIENT_PRIV     "42501"
#define SQLSTATE_SERIALIZATION_FAILURE "40001"
#define SQLSTATE_DEADLOCK	       "40P01"
#define SQLSTATE_REPLICA_LAGS	       "RQLAG" /* rq.replica_check */
#define SQLSTATE_QUERY_CANCELED	       "57014"

/* A reconnect is cheap (a refused connect on the local socket costs microseconds), and every
 * request a worker answers 503 while it waits out its back-off: the longest wait is short,
 * so that the pools answer within half a second of the database's return (issue 16: 2.8 s
 * of 503s after PostgreSQL was back with a longest wait of 5 s). */
enum { BACKOFF_MIN_MS = 50, BACKOFF_MAX_MS = 500 };

struct rq_db {
	char *conninfo;
	char *appname;
	char options[128];
	PGconn *conn;
	/* the current connection's number among all of the process's: a statement prepared on
	 * one connection is never taken for prepared on another (a worker may have two) */
	unsigned gen;
	long backoff_ms; /* current reconnect back-off, 0 while connected */
	double next_try; /* monotonic seconds before which no reconnect is attempted */
};

static struct rq_db *db_new(const char *conninfo, const char *appname, int statement_timeout_s,
			    bool read_only)
{
	struct rq_db *db = calloc(1, sizeof(*db));
	if (db == NULL)
		return NULL;
	db->conninfo = strdup(conninfo != NULL ? conninfo : "");
	db->appname = strdup(appname);
	/* A stuck statement is cancelled by the server before the worker's own time limit.
	 * The statements are written for generic plans (optional filters as "$n IS NULL OR",
	 * keyset bounds as bare comparisons, row-level security): with the default plan
	 * cache mode PostgreSQL may judge a custom plan cheaper and then plan the statement
	 * again on every execution, which costs more than running an enterprise's list. */
	snprintf(db->options, sizeof(db->options),
		 "-c statement_timeout=%d -c plan_cache_mode=force_generic_plan%s",
		 statement_timeout_s > 1 ? (statement_timeout_s - 1) * 1000 : 1000,
		 read_only ? " -c default_transaction_read_only=on" : "");
	if (db->conninfo == NULL || db->appname == NULL) {
		rq_db_close(db);
		return NULL;
	}
	return db;
}

struct rq_db *rq_db_new(const char *conninfo, const char *appname, int statement_timeout_s)
{
	return db_new(conninfo, appname, statement_timeout_s, false);
}

struct rq_db *rq_db_new_read_only(const char *conninfo, const char *appname,
				  int statement_timeout_s)
{
	return db_new(conninfo, appname, statement_timeout_s, true);
}

void rq_db_close(struct rq_db *db)
{
	if (db == NULL)
		return;
	if (db->conn != NULL)
		PQfinish(db->conn);
	free(db->conninfo);
	free(db->appname);
	free(db);
}

PGconn *rq_db_conn(struct rq_db *db)
{
	return db->conn;
}

int rq_db_retry_after(const struct rq_db *db)
{
	double wait = db->next_try - rq_clock_mono();
	return wait > 1 ? (int)(wait + 0.999) : 1;
}

/* What the server says besides results (a NOTICE, a WARNING, a FATAL that reached an idle
 * connection) becomes a JSON log line of its own: libpq's default prints it raw on stderr,
 * between the pool's JSON lines. */
static void log_notice(void *arg, const PGresult *res)
{
	(void)arg;
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *level = "info";
	if (severity != NULL && strcmp(severity, "WARNING") == 0)
		level = "warn";
	else if (severity != NULL &&
		 (strcmp(severity, "ERROR") == 0 || strcmp(severity, "FATAL") == 0 ||
		  strcmp(severity, "PANIC") == 0))
		level = "error";
	rq_log_event(level, "database notice", PQresultErrorMessage(res));
}

enum { CONNECT_TIMEOUT_S = 3 };

/* Connects with the notice receiver in place before the server says anything (a notice of
 * the connection's start would otherwise reach stderr raw). libpq's connect_timeout does
 * not apply to this asynchronous connect: the deadline is kept here. Returns the connection
 * (CONNECTION_OK or not), or NULL past the deadline (or without memory). */
static PGconn *connect_logged(const char *const *keys, const char *const *vals)
{
	PGconn *c = PQconnectStartParams(keys, vals, 1);
	if (c == NULL || PQstatus(c) == CONNECTION_BAD)
		return c;
	PQsetNoticeReceiver(c, log_notice, NULL);
	double deadline = rq_clock_mono() + CONNECT_TIMEOUT_S;
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
		int ms = (int)((deadline - rq_clock_mono()) * 1000.0);
		if (ms <= 0) {
			PQfinish(c);
			return NULL;
		}
		struct pollfd p = {.fd = PQsocket(c),
				   .events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT};
		int n = poll(&p, 1, ms);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0)
			st = PQconnectPoll(c);
	}
	return c;
}

int rq_db_ensure(struct rq_db *db)
{
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK)
		return 0;
	if (rq_clock_mono() < db->next_try)
		return -1;
	if (db->conn != NULL) {
		PQfinish(db->conn);
		db->conn = NULL;
	}
	const char *keys[] = {"dbname", "application_name", "options", NULL};
	const char *vals[] = {db->conninfo, db->appname, db->options, NULL};
	db->conn = connect_logged(keys, vals);
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK) {
		if (db->backoff_ms > 0)
			rq_log_event("info", "database connection re-established", NULL);
		static unsigned connections;
		db->gen = ++connections;
		db->backoff_ms = 0;
		db->next_try = 0;
		return 0;
	}
	rq_log_event("error", "could not connect to the database",
		     db->conn != NULL ? PQerrorMessage(db->conn)
				      : "no connection within the connect time-out (3 s)");
	db->backoff_ms = db->backoff_ms == 0 ? BACKOFF_MIN_MS : db->backoff_ms * 2;
	if (db->backoff_ms > BACKOFF_MAX_MS)
		db->backoff_ms = BACKOFF_MAX_MS;
	db->next_try = rq_clock_mono() + (double)db->backoff_ms / 1000.0;
	return -1;
}

/* True when the failure was the connection, not the statement. */
static bool connection_lost(struct rq_db *db, const PGresult *res)
{
	if (PQstatus(db->conn) != CONNECTION_OK)
		return true;
	return res == NULL ||
	       (PQresultStatus(res) == PGRES_FATAL_ERROR && *rq_sql_state(res) == '\0');
}

/* Prepares st on the current connection unless it already is. Returns NULL when done, or
 * a failed result (NULL result pointer and *lost set when the connection went away). */
static PGresult *ensure_prepared(struct rq_db *db, struct rq_stmt *st, bool *lost)
{
	*lost = false;
	if (st->prepared_gen == db->gen)
		return NULL;
	PGresult *p = PQprepare(db->conn, st->name, st->sql, st->nparams, NULL);
	if (p != NULL && PQresultStatus(p) == PGRES_COMMAND_OK) {
		PQclear(p);
		st->prepared_gen = db->gen;
		return NULL;
	}
	if (connection_lost(db, p)) {
		PQclear(p);
		*lost = true;
		return NULL;
	}
	/* A statement that does not prepare is a bug: its error goes to the caller. */
	rq_log_event("error", "could not prepare statement", PQresultErrorMessage(p));
	return p;
}

PGresult *rq_db_exec(struct rq_db *db, struct rq_stmt *st, const char *const *params)
{
	if (rq_db_ensure(db) != 0)
		return NULL;
	bool lost;
	PGresult *err = ensure_prepared(db, st, &lost);
	if (lost || err != NULL)
		return err;
	PGresult *res = PQexecPrepared(db->conn, st->name, st->nparams, params, NULL, NULL, 0);
	if (connection_lost(db, res)) {
		PQclear(res);
		return NULL;
	}
	return res;
}

static struct rq_stmt st_begin = RQ_STMT("rq_begin", "BEGIN", 0);
static struct rq_stmt st_commit = RQ_STMT("rq_commit", "COMMIT", 0);
static struct rq_stmt st_rollback = RQ_STMT("rq_rollback", "ROLLBACK", 0);
/* With the session's proof for the audit trigger (rq.actor_session, lib/sql/audit.sql):
 * set_config is a plain function call, no second PL/pgSQL step. */
static struct rq_stmt st_set_actor =
    RQ_STMT("rq_set_actor",
	    "SELECT rq.set_actor($1, $2, $3, $4, $5, $6, $7),"
	    " pg_catalog.set_config('rq.actor_session', coalesce($8, ''), true)",
	    8);

static void clear_result(void *p)
{
	PQclear(p);
}

enum { ACTOR_PARAMS = 8 };

static void actor_params(const struct rq_req *req, const char *params[ACTOR_PARAMS])
{
	const struct rq_actor *a = &req->actor;
	params[0] = a->kind != NULL ? a->kind : "anonymous";
	params[1] = a->id;
	params[2] = a->role;
	params[3] = a->county;
	params[4] = a->unit;
	params[5] = req->request_id;
	params[6] = req->client_addr;
	params[7] = a->session_proof;
}

/* Collects the result of one pipelined statement (the NULL after it included). */
static PGresult *pipeline_result(PGconn *c)
{
	PGresult *res = PQgetResult(c);
	if (res != NULL) {
		PGresult *end = PQgetResult(c);
		PQclear(end);
	}
	return res;
}

enum { NOT_SENT = 99 };

struct step {
	struct rq_stmt *st;
	const char *const *params;
};

/* Sends the steps as one pipeline: one round trip. Returns the first failed step's result
 * (its index in *failed; n when none failed), else step `answer`'s (freed by the caller),
 * or NULL when the connection is lost (it is then closed: out of step with the server, it
 * starts over on the next request). *failed is NOT_SENT when nothing reached the server
 * (a statement could not be prepared: that result is returned). */
static PGresult *pipelined(struct rq_db *db, const struct step *steps, size_t n, size_t answer,
			   size_t *failed)
{
	enum { MAX_STEPS = 5 }; /* the statistics: BEGIN, actor, lag check, statement, COMMIT */
	*failed = NOT_SENT;
	if (n == 0 || n > MAX_STEPS || answer >= n || rq_db_ensure(db) != 0)
		return NULL;
	bool lost;
	for (size_t i = 0; i < n; i++) {
		PGresult *err = ensure_prepared(db, steps[i].st, &lost);
		if (lost || err != NULL)
			return err;
	}
	PGconn *c = db->conn;
	if (PQenterPipelineMode(c) != 1)
		return NULL;
	bool sent = true;
	for (size_t i = 0; sent && i < n; i++)
		sent = PQsendQueryPrepared(c, steps[i].st->name, steps[i].st->nparams,
					   steps[i].params, NULL, NULL, 0) == 1;
	sent = sent && PQpipelineSync(c) == 1;
	PGresult *res[MAX_STEPS] = {NULL};
	for (size_t i = 0; sent && i < n; i++)
		res[i] = pipeline_result(c);
	PGresult *sync = sent ? PQgetResult(c) : NULL;
	bool synced = sync != NULL && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
	PQclear(sync);
	if (!synced || PQexitPipelineMode(c) != 1 || connection_lost(db, res[0])) {
		for (size_t i = 0; i < n; i++)
			PQclear(res[i]);
		PQfinish(db->conn);
		db->conn = NULL;
		return NULL;
	}
	*failed = n;
	for (size_t i = 0; i < n && *failed == n; i++)
		if (!rq_sql_ok(res[i]))
			*failed = i; /* a failed step is the request's failure */
	size_t kept = *failed < n ? *failed : answer;
	for (size_t i = 0; i < n; i++)
		if (i != kept)
			PQclear(res[i]);
	return res[kept];
}

/* The request's next statement in one round trip with what must come before it (BEGIN
 * and the actor context when no transaction is open) and, when `commit`, COMMIT after it. Returns
 * the statement's result, or the first failure's, or NULL when the connection is lost; keeps
 * req->tx_open. A connection that went stale while idle (the server restarted) fails before
 * anything of the request reached the server, so one retry on a fresh connection is then safe. */
static PGresult *send_steps(struct rq_req *req, struct rq_stmt *st, const char *const *params,
			    bool commit)
{
	const char *actor[ACTOR_PARAMS];
	actor_params(req, actor);
	for (int attempt = 0; attempt < 2; attempt++) {
		bool opening = !req->tx_open;
		struct step steps[4];
		size_t n = 0;
		if (opening)
			steps[n++] = (struct step){&st_begin, NULL};
		size_t actor_at = opening && !st->sets_actor ? n : NOT_SENT;
		if (actor_at != NOT_SENT)
			steps[n++] = (struct step){&st_set_actor, actor};
		size_t answer = n;
		steps[n++] = (struct step){st, params};
		size_t commit_at = commit ? n : NOT_SENT;
		if (commit)
			steps[n++] = (struct step){&st_commit, NULL};
		size_t failed;
		PGresult *res = pipelined(req->db, steps, n, answer, &failed);
		if (res != NULL && failed == actor_at)
			rq_log_event("error", "could not set the actor context",
				     PQresultErrorMessage(res));
		bool sent = res != NULL && failed != NOT_SENT;
		if (opening)
			req->tx_open = sent && failed != 0; /* BEGIN is step 0 */
		/* a COMMIT that ran ended the transaction (committed or not); after a failed
		 * statement it was skipped, and the aborted transaction is still open */
		if (sent && commit_at != NOT_SENT && failed >= commit_at)
			req->tx_open = false;
		/* NULL: the connection is gone, and with it the transaction (request_sql) */
		if (res != NULL || !opening || req->tx_open)
			return res;
	}
	return NULL;
}

/* The statistics connection's own BEGIN, actor context, COMMIT and ROLLBACK: a statement is
 * prepared on one connection (rq_stmt.prepared_gen). */
static struct rq_stmt st_stats_begin = RQ_STMT("rq_stats_begin", "BEGIN", 0);
static struct rq_stmt st_stats_commit = RQ_STMT("rq_stats_commit", "COMMIT", 0);
static struct rq_stmt st_stats_rollback = RQ_STMT("rq_stats_rollback", "ROLLBACK", 0);
static struct rq_stmt st_stats_set_actor =
    RQ_STMT("rq_stats_set_actor", "SELECT rq.set_actor($1, $2, $3, $4, $5, $6, $7)", 7);
/* A replica that lags more than RUQIMA_REPLICA_MAX_LAG fails this with SQLSTATE RQLAG
 * (lib/sql/replica.sql): the statement after it does not run. */
static struct rq_stmt st_stats_fresh =
    RQ_STMT("rq_stats_fresh", "SELECT rq.replica_check($1::double precision)", 1);

/* An RQ_STMT_STATS statement: BEGIN (read-only by the connection's default), the actor
 * context, the replica's lag check, the statement and COMMIT in one round trip on the
 * statistics connection, retried once on a fresh connection when nothing reached the server.
 * A failure leaves the transaction aborted: it is rolled back. */
static PGresult *stats_sql(struct rq_req *req, struct rq_stmt *st, const char *const *params)
{
	const char *actor[ACTOR_PARAMS];
	actor_params(req, actor);
	const char *max_lag[] = {rq_printf(req->arena, "%d", req->cfg->replica_max_lag)};
	const struct step steps[] = {{&st_stats_begin, NULL},
				     {&st_stats_set_actor, actor},
				     {&st_stats_fresh, max_lag},
				     {st, params},
				     {&st_stats_commit, NULL}};
	for (int attempt = 0; attempt < 2; attempt++) {
		size_t failed;
		PGresult *res = pipelined(req->stats_db, steps, 5, 3, &failed);
		if (res != NULL && failed == 1)
			rq_log_event("error", "could not set the actor context",
				     PQresultErrorMessage(res));
		if (res != NULL && failed >= 1 && failed < 4) {
			PGresult *rb = rq_db_exec(req->stats_db, &st_stats_rollback, NULL);
			PQclear(rb);
		}
		if (res != NULL || failed != NOT_SENT)
			return res;
	}
	return NULL;
}

static PGresult *request_sql(struct rq_req *req, struct rq_stmt *st, const char *const *params,
			     bool commit)
{
	PGresult *res;
	if (st->stats && req->stats_db != NULL) {
		res = stats_sql(req, st, params);
		if (res != NULL)
			rq_arena_cleanup(req->arena, clear_result, res);
		req->stats_lost = res == NULL;
		return res;
	}
	if (req->tx_open && !commit)
		res = rq_db_exec(req->db, st, params);
	else
		res = send_steps(req, st, params, commit);
	if (res == NULL) {
		req->tx_open = false; /* the connection, and the transaction with it, is gone */
		return NULL;
	}
	rq_arena_cleanup(req->arena, clear_result, res);
	return res;
}

PGresult *rq_sql(struct rq_req *req, struct rq_stmt *st, const char *const *params)
{
	return request_sql(req, st, params, false);
}

PGresult *rq_sql_final(struct rq_req *req, struct rq_stmt *st, const char *const *params)
{
	return request_sql(req, st, params, true);
}

PGresult *rq_sql_each(struct rq_req *req, struct rq_stmt *st, const char *const *params,
		      int (*row)(void *ctx, const PGresult *res), void *ctx)
{
	struct rq_db *db = req->db;
	if (!req->tx_open || db->conn == NULL)
		return NULL;
	bool lost;
	PGresult *err = ensure_prepared(db, st, &lost);
	if (err != NULL) {
		rq_arena_cleanup(req->arena, clear_result, err);
		return err;
	}
	PGconn *c = db->conn;
	if (lost || PQsendQueryPrepared(c, st->name, st->nparams, params, NULL, NULL, 0) != 1 ||
	    PQsetSingleRowMode(c) != 1) {
		req->tx_open = false;
		return NULL;
	}
	PGresult *res, *last = NULL;
	bool stopped = false;
	while ((res = PQgetResult(c)) != NULL) {
		if (PQresultStatus(res) != PGRES_SINGLE_TUPLE) {
			PQclear(last);
			last = res; /* the final result, or the error */
			continue;
		}
		if (!stopped && row(ctx, res) != 0) {
			stopped = true; /* the rest is not wanted: the server may stop sending */
			PGcancel *cancel = PQgetCancel(c);
			char why[256];
			if (cancel != NULL && PQcancel(cancel, why, sizeof(why)) != 1)
				rq_log_event("warn", "could not cancel a streamed statement", why);
			PQfreeCancel(cancel);
		}
		PQclear(res);
	}
	if (connection_lost(db, last)) {
		PQclear(last);
		req->tx_open = false;
		return NULL;
	}
	rq_arena_cleanup(req->arena, clear_result, last);
	return last;
}

int rq_sql_finish(struct rq_req *req, bool commit)
{
	if (!req->tx_open)
		return 0;
	req->tx_open = false;
	PGresult *res = rq_db_exec(req->db, commit ? &st_commit : &st_rollback, NULL);
	/* COMMIT of an aborted transaction answers ROLLBACK with COMMAND_OK: check the tag. */
	int rc =
	    res != NULL && rq_sql_ok(res) && (!commit || strcmp(PQcmdStatus(res), "COMMIT") == 0)
		? 0
		: -1;
	PQclear(res);
	return rc;
}

bool rq_sql_ok(const PGresult *res)
{
	if (res == NULL)
		return false;
	ExecStatusType s = PQresultStatus(res);
	return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

const char *rq_sql_state(const PGresult *res)
{
	const char *s = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return s != NULL ? s : "";
}

const char *rq_sql_val(const PGresult *res, int row, const char *column)
{
	int col = PQfnumber(res, column);
	if (col < 0 || row >= PQntuples(res) || PQgetisnull(res, row, col))
		return NULL;
	return PQgetvalue(res, row, col);
}

cJSON *rq_sql_json(const PGresult *res, int row, const char *col)
{
	const char *text = rq_sql_val(res, row, col);
	return text != NULL ? cJSON_Parse(text) : NULL;
}

/* --- how a failed statement reads to the client ------------------------------------------ */

/* Constraints whose field and message are not read from their name: table constraints
 * named by hand, and the trigger that raises a constraint of its own. */
static const struct {
	const char *constraint, *field, *message;
} named_constraints[] = {
    {"enterprises_uscc_check_digit", "uscc", "不是有效的统一社会信用代码（校验位不符）"},
    {"enterprises_one_identifier", "uscc", "统一社会信用代码和项目代码须填写且只能填写其中一个"},
    {"enterprises_location_pair", "latitude", "纬度和经度须同时填写或同时不填"},
    {"visits_location_pair", "location", "纬度和经度须同时填写或同时不填"},
    {"admin_users_county_admin_has_county", "county_code", "县区管理员须指定所属县区"},
    {"admin_users_unit_admin_has_unit", "unit_id", "单位管理员须指定所属单位"},
    {"policy_value_in_range", "value", "超出该规则允许的取值范围"},
    {"evaluations_unsatisfied_has_comment", "comment", "评价为不满意时须填写意见"},
    {"visit_answers_other_has_reason", "reason", "异议类别为“其他”时须填写理由"},
    {"claim_requests_rejection_has_reason", "reason", "驳回认领申请须填写理由"},
};

/* What a reference to a missing row means, by the referring column. */
static const struct {
	const char *column, *message;
} reference_messages[] = {
    {"county_code", "不是本市的县区代码"},
    {"parent_code", "不是已登记的行政区划代码"},
    {"unit_id", "不是已登记的单位"},
    {"enterprise_id", "不是已登记的企业"},
    {"current_enterprise_id", "不是已登记的企业"},
    {"visit_id", "不是已登记的入企记录"},
    {"attachment_id", "不是已上传的照片"},
    {"case_id", "不是已登记的问题线索"},
    {"key", "不是已有的规则"},
};

#define MSG_REFERENCE_UNKNOWN "所引用的记录不存在"
#define MSG_RULE_BROKEN	      "取值不符合规定"

/* The column a constraint PostgreSQL named itself is on: "<table>_<column>_fkey" and
 * "<table>_<column>_check" (or "_check1", "_check2" for a column's further checks). NULL
 * when the name is not of that form. */
static const char *column_of_constraint(struct rq_arena *a, const char *table,
					const char *constraint, const char *suffix)
{
	size_t tlen = strlen(table), clen = strlen(constraint), slen = strlen(suffix);
	while (clen > 0 && constraint[clen - 1] >= '0' && constraint[clen - 1] <= '9' &&
	       strcmp(suffix, "_check") == 0)
		clen--;
	if (clen <= tlen + 1 + slen || strncmp(constraint, table, tlen) != 0 ||
	    constraint[tlen] != '_' || strncmp(constraint + clen - slen, suffix, slen) != 0)
		return NULL;
	const char *col = constraint + tlen + 1;
	size_t n = clen - slen - tlen - 1;
	for (size_t i = 0; i < n; i++)
		if (!((col[i] >= 'a' && col[i] <= 'z') || (col[i] >= '0' && col[i] <= '9') ||
		      col[i] == '_'))
			return NULL;
	return rq_strndup(a, col, n);
}

/* The request field a failed constraint (23503, 23514, 23502) is about and the Chinese
 * message for it, from the error's constraint, column and table (never its text). Returns
 * false when the field cannot be told. */
static bool constraint_field(struct rq_arena *a, const PGresult *res, const char *state,
			     const char **field, const char **message)
{
	const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
	const char *column = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
	const char *table = PQresultErrorField(res, PG_DIAG_TABLE_NAME);
	for (size_t i = 0;
	     constraint != NULL && i < sizeof(named_constraints) / sizeof(named_constraints[0]);
	     i++) {
		if (strcmp(constraint, named_constraints[i].constraint) == 0) {
			*field = named_constraints[i].field;
			*message = named_constraints[i].message;
			return true;
		}
	}
	bool reference = strcmp(state, SQLSTATE_FOREIGN_KEY_VIOLATION) == 0;
	if (column == NULL && constraint != NULL && table != NULL &&
	    strcmp(state, SQLSTATE_NOT_NULL_VIOLATION) != 0)
		column = column_of_constraint(a, table, constraint, reference ? "_fkey" : "_check");
	if (column == NULL)
		return false;
	*field = column;
	*message = strcmp(state, SQLSTATE_NOT_NULL_VIOLATION) == 0 ? RQ_MSG_REQUIRED
		   : reference					   ? MSG_REFERENCE_UNKNOWN
								   : MSG_RULE_BROKEN;
	for (size_t i = 0;
	     reference && i < sizeof(reference_messages) / sizeof(reference_messages[0]); i++)
		if (strcmp(column, reference_messages[i].column) == 0)
			*message = reference_messages[i].message;
	return true;
}

void rq_problem_sql(struct rq_req *req, struct rq_resp *resp, const PGresult *res)
{
	if (res == NULL && req->stats_lost) {
		const char *args[] = {rq_printf(req->arena, "%d", rq_db_retry_after(req->stats_db)),
				      NULL};
		rq_outcome_refuse(req, resp, "replica-unavailable", args, NULL);
		return;
	}
	if (res == NULL) {
		rq_problem_unavailable(req, resp, rq_db_retry_after(req->db));
		return;
	}
	const char *state = rq_sql_state(res);
	if (strcmp(state, SQLSTATE_REPLICA_LAGS) == 0) {
		const char *lag = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
		const char *args[] = {"5", lag != NULL ? lag : "?",
				      rq_printf(req->arena, "%d", req->cfg->replica_max_lag), NULL};
		rq_outcome_refuse(req, resp, "replica-lagging", args, NULL);
		return;
	}
	const char *field, *message;
	if (strcmp(state, SQLSTATE_UNIQUE_VIOLATION) == 0) {
		rq_problem(req, resp, 409, "conflict", "Conflict", "记录已存在");
	} else if ((strcmp(state, SQLSTATE_FOREIGN_KEY_VIOLATION) == 0 ||
		    strcmp(state, SQLSTATE_CHECK_VIOLATION) == 0 ||
		    strcmp(state, SQLSTATE_NOT_NULL_VIOLATION) == 0) &&
		   constraint_field(req->arena, res, state, &field, &message)) {
		rq_problem_field(req, resp, 422, field, message);
	} else if (strcmp(state, SQLSTATE_FOREIGN_KEY_VIOLATION) == 0) {
		rq_problem(req, resp, 422, "unknown-reference", "Invalid request",
			   MSG_REFERENCE_UNKNOWN);
	} else if (strcmp(state, SQLSTATE_CHECK_VIOLATION) == 0 ||
		   strcmp(state, SQLSTATE_NOT_NULL_VIOLATION) == 0) {
		rq_problem(req, resp, 422, "validation", "Invalid request", "数据不符合登记规则");
	} else if (strncmp(state, "22", 2) == 0) {
		rq_problem(req, resp, 422, "validation", "Invalid request",
			   "数据的格式或取值范围不符合要求");
	} else if (strcmp(state, SQLSTATE_INSUFFICIENT_PRIV) == 0) {
		rq_problem(req, resp, 403, "forbidden", "Forbidden", "无权进行此操作");
	} else if (strcmp(state, SQLSTATE_SERIALIZATION_FAILURE) == 0 ||
		   strcmp(state, SQLSTATE_DEADLOCK) == 0 ||
		   strcmp(state, SQLSTATE_QUERY_CANCELED) == 0) {
		rq_problem(req, resp, 503, "busy", "Service busy", "系统繁忙，请稍后重试");
		rq_resp_header(resp, "Retry-After", "1");
	} else {
		rq_problem_internal(req, resp, NULL);
	}
	/* the server's own words go to the log only */
	rq_log_event(resp->status >= 500 ? "error" : "info", "query failed",
		     PQresultErrorMessage(res));
}

bool rq_sql_one(struct rq_req *req, struct rq_resp *resp, const PGresult *res)
{
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return false;
	}
	if (PQntuples(res) != 1) {
		rq_problem_internal(req, resp, "a statement expected to return one row did not");
		return false;
	}
	return true;
}
