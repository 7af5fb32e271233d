/* ruqima cases sweep: one pass of the deadline sweep of the cases (rq.case_sweep,
 * app/cli/sql/cases.sql) in one audited transaction as the system actor (request id
 * "cli-cases-sweep"): deadlines filled in where missing, every step past its deadline marked
 * once, its handler notified and the city admins told once per overdue step. Under systemd:
 * deploy/systemd/ruqima-cases-sweep.timer, every 10 minutes.
 *
 * Exit status: 0 the pass ran (its counts on stderr), 1 database error, 2 usage. */
#include "cli.h"

#include "rq_db.h"

#include <stdio.h>
#include <string.h>

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, STATEMENT_TIMEOUT = 300 };

#define REQUEST_ID "cli-cases-sweep"

static struct rq_stmt st_sweep =
    RQ_STMT("cli_cases_sweep",
	    "SELECT r->>'filled' AS filled, r->>'marked' AS marked, r->>'notified' AS notified,"
	    " r->>'escalated' AS escalated FROM rq.case_sweep() r",
	    0);

static int usage(void)
{
	fputs("usage: ruqima cases sweep\n"
	      "marks the case steps past their deadline (each once), notifies whoever must act\n"
	      "and tells the city admins; fills in missing deadlines.\n"
	      "exit status: 0 the pass ran, 1 database error, 2 usage\n",
	      stderr);
	return EXIT_USAGE;
}

int cli_cases(const struct rq_config *cfg, int argc, char **argv)
{
	if (argc != 1 || strcmp(argv[0], "sweep") != 0)
		return usage();
	struct rq_db *db = cli_db_connect_owner(cfg, STATEMENT_TIMEOUT);
	if (db == NULL)
		return EXIT_FAILED;
	int rc = EXIT_FAILED;
	if (cli_db_begin(db, REQUEST_ID) == 0) {
		PGresult *r = cli_db_run(db, &st_sweep, NULL, "sweep the cases' deadlines");
		if (r != NULL && PQntuples(r) == 1 && cli_exec(rq_db_conn(db), "COMMIT") == 0) {
			fprintf(stderr,
				"cases sweep: %s deadlines filled in, %s overdue steps marked, "
				"%s notifications, %s escalations to the city\n",
				rq_sql_val(r, 0, "filled"), rq_sql_val(r, 0, "marked"),
				rq_sql_val(r, 0, "notified"), rq_sql_val(r, 0, "escalated"));
			rc = EXIT_OK;
		}
		PQclear(r);
		cli_db_rollback(db);
	}
	rq_db_close(db);
	return rc;
}
