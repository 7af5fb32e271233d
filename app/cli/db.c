#include "cli.h"

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
