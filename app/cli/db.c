#include "cli.h"

#include "rq_db.h"

#include <stdio.h>

PGconn *cli_connect_owner(const struct rq_config *cfg)
{
	PGconn *c = PQconnectdb(cfg->owner_dsn);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "ruqima: could not connect as the owner: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

int cli_exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType s = PQresultStatus(r);
	int rc = (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) ? 0 : -1;
	if (rc != 0)
		fprintf(stderr, "ruqima: %s", PQresultErrorMessage(r));
	PQclear(r);
	return rc;
}

void cli_rollback(PGconn *c)
{
	if (cli_exec(c, "ROLLBACK") != 0)
		return; /* printed; the server ends the transaction with the session anyway */
}

int cli_set_actor(PGconn *c, const char *what)
{
	/* Written directly rather than via rq.set_actor(): migrations run before it exists. */
	const char *params[] = {what};
	PGresult *r = PQexecParams(c,
				   "SELECT set_config('rq.actor_kind', 'system', true),"
				   " set_config('rq.actor_id', 'cli', true),"
				   " set_config('rq.actor_role', 'owner', true),"
				   " set_config('rq.request_id', $1, true)",
				   1, NULL, params, NULL, NULL, 0);
	int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : -1;
	if (rc != 0)
		fprintf(stderr, "ruqima: %s", PQresultErrorMessage(r));
	PQclear(r);
	return rc;
}

static void report_sql_error(const char *doing, const PGresult *r)
{
	if (r == NULL) {
		fprintf(stderr, "ruqima: could not %s: the database connection was lost\n", doing);
		return;
	}
	const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	fprintf(stderr, "ruqima: could not %s: %s\n", doing,
		msg != NULL ? msg : PQresultErrorMessage(r));
}

PGresult *cli_db_run(struct rq_db *db, struct rq_stmt *st, const char *const *params,
		     const char *doing)
{
	PGresult *r = rq_db_exec(db, st, params);
	if (!rq_sql_ok(r)) {
		report_sql_error(doing, r);
		PQclear(r);
		return NULL;
	}
	return r;
}

struct rq_db *cli_db_connect_owner(const struct rq_config *cfg, int statement_timeout_s)
{
	struct rq_db *db = rq_db_new(cfg->owner_dsn, "ruqima-cli", statement_timeout_s);
	if (db == NULL) {
		fputs("ruqima: out of memory\n", stderr);
		return NULL;
	}
	if (rq_db_ensure(db) != 0) {
		PGconn *c = rq_db_conn(db);
		fprintf(stderr, "ruqima: could not connect as the owner: %s",
			c != NULL ? PQerrorMessage(c) : "out of memory\n");
		rq_db_close(db);
		return NULL;
	}
	return db;
}

int cli_db_begin(struct rq_db *db, const char *what)
{
	PGconn *c = rq_db_conn(db);
	if (c == NULL || cli_exec(c, "BEGIN") != 0)
		return -1;
	if (cli_set_actor(c, what) != 0) {
		cli_rollback(c);
		return -1;
	}
	return 0;
}

void cli_db_rollback(struct rq_db *db)
{
	PGconn *c = rq_db_conn(db);
	if (c != NULL && PQtransactionStatus(c) != PQTRANS_IDLE)
		cli_rollback(c);
}
