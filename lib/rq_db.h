/* One persistent PostgreSQL connection per worker, with reconnect, and the
 * one-transaction-per-request discipline with the actor context set first. */
#ifndef RQ_DB_H
#define RQ_DB_H

#include "rq_attr.h"

#include <stdbool.h>

#include <libpq-fe.h>

#include "rq_http.h"
#include "rq_row_json.h" /* the rules by which results are printed */

/* A statement, prepared on first use on each connection (and again after a reconnect).
 * Declare them static, one table per module: `static struct rq_stmt st_x = RQ_STMT("x", "...", 2);`
 */
struct rq_stmt {
	const char *name;
	const char *sql;
	int nparams;
	unsigned prepared_gen; /* the connection it was prepared on (rq_db's gen); 0 = never */
	/* it calls rq.set_actor itself, whatever it finds: a transaction it opens needs no
	 * rq.set_actor step of its own (RQ_STMT_SETTING_ACTOR) */
	bool sets_actor;
	bool stats; /* runs on the request's statistics connection (RQ_STMT_STATS) */
};
#define RQ_STMT(n, s, np)                                                                          \
	{                                                                                          \
		.name = (n), .sql = (s), .nparams = (np), .prepared_gen = 0                        \
	}
#define RQ_STMT_SETTING_ACTOR(n, s, np)                                                            \
	{                                                                                          \
		.name = (n), .sql = (s), .nparams = (np), .prepared_gen = 0, .sets_actor = true    \
	}
/* A statement of the reporting family's statistics: rq_sql and rq_sql_final run it on the
 * request's statistics connection (RUQIMA_STATS_DSN, which may be a replica) in a read-only
 * transaction of its own with the request's actor context, one round trip; the request's
 * own transaction (its session lookup) is not in it. */
#define RQ_STMT_STATS(n, s, np)                                                                    \
	{                                                                                          \
		.name = (n), .sql = (s), .nparams = (np), .prepared_gen = 0, .stats = true         \
	}

struct rq_db;

/* Returns a handle that connects lazily with conninfo (never NULL unless out of memory);
 * must be closed with rq_db_close(). application_name is set to appname. */
struct rq_db *rq_db_new(const char *conninfo, const char *appname,
			int statement_timeout_s) RQ_MUST_USE;
/* rq_db_new for a connection whose every transaction is read-only
 * (default_transaction_read_only): the statistics connection of the reporting pool. */
struct rq_db *rq_db_new_read_only(const char *conninfo, const char *appname,
				  int statement_timeout_s) RQ_MUST_USE;
void rq_db_close(struct rq_db *db);

/* Makes sure a connection is up, reconnecting with back-off. Returns 0, or -1 while the
 * database is unreachable (then rq_db_retry_after() says when to try again). */
int rq_db_ensure(struct rq_db *db) RQ_MUST_USE;
int rq_db_retry_after(const struct rq_db *db);
/* The underlying connection, or NULL; for the CLI and tests. */
PGconn *rq_db_conn(struct rq_db *db) RQ_MUST_USE;

/* Runs st with params on db (no transaction handling). Returns NULL when the connection
 * was lost (the handle then reconnects on the next call), else a result the caller must
 * PQclear (check its status). */
PGresult *rq_db_exec(struct rq_db *db, struct rq_stmt *st, const char *const *params) RQ_MUST_USE;

/* Request-level: begins the request's transaction with the actor context on first use,
 * then runs st. Returns NULL when the database is unreachable (answer 503), else a result
 * freed with the request. */
PGresult *rq_sql(struct rq_req *req, struct rq_stmt *st, const char *const *params) RQ_MUST_USE;
/* rq_sql for a read-only request's last statement: COMMIT follows it in the same round
 * trip (a failed COMMIT is returned as the result). A later rq_sql opens a new transaction
 * with the same actor. */
PGresult *rq_sql_final(struct rq_req *req, struct rq_stmt *st,
		       const char *const *params) RQ_MUST_USE;
/* Runs st in the request's open transaction (a statement of the request opened it) in
 * single-row mode: row(ctx, res) gets each row as it arrives (res holds that one row and is
 * freed after the call), so that memory does not grow with the result. A row callback that
 * answers non-zero stops it: the statement is cancelled and the rest skipped. Returns the
 * statement's final result (freed with the request: PGRES_TUPLES_OK when every row came,
 * else the error), or NULL when the connection is lost or no transaction is open. */
PGresult *rq_sql_each(struct rq_req *req, struct rq_stmt *st, const char *const *params,
		      int (*row)(void *ctx, const PGresult *res), void *ctx) RQ_MUST_USE;
/* Ends the request's transaction, if any. Returns 0, or -1 if COMMIT failed. */
int rq_sql_finish(struct rq_req *req, bool commit) RQ_MUST_USE;

bool rq_sql_ok(const PGresult *res);
/* SQLSTATE of a failed result ("" when none). */
const char *rq_sql_state(const PGresult *res);
/* Column value by name, or NULL when SQL NULL. */
const char *rq_sql_val(const PGresult *res, int row, const char *column);

/* True when res succeeded with exactly one row (an outcome row of a write function, a row
 * just written). Otherwise answers it (rq_problem_sql, or 500 for another row count) and
 * returns false. */
bool rq_sql_one(struct rq_req *req, struct rq_resp *resp, const PGresult *res) RQ_MUST_USE;

/* A json/jsonb column parsed into cJSON (the caller owns it), or NULL when SQL NULL or
 * (never for what PostgreSQL printed) malformed. */
cJSON *rq_sql_json(const PGresult *res, int row, const char *col) RQ_MUST_USE;

/* Answers a failed query: NULL → 503; unique violation → 409; foreign key, check or data
 * errors → 422; privilege → 403; serialisation → 503; else 500. A foreign key, check or
 * not-null violation whose field can be told (the error's column; the column in a name
 * PostgreSQL gave the constraint, "<table>_<column>_fkey" or "_check"; or lib/rq_db.c's
 * table of named constraints) is 422 validation naming it with a Chinese message. The
 * server's text goes to the log only, never to the client. */
void rq_problem_sql(struct rq_req *req, struct rq_resp *resp, const PGresult *res);

#endif
