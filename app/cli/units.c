/* ruqima units map list|set|delete: the unit names of 慧企通 and the platform's units they are
 * (rq.unit_mappings), which `ruqima import huiqitong` matches a record's unit by, exactly,
 * and never otherwise. The same writes as the portal's (lib/sql/unit_mappings.sql), audited
 * as the CLI (request id cli-units-map). */
#include "cli.h"

#include "rq_arena.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"

#include <stdio.h>
#include <string.h>

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, STATEMENT_TIMEOUT = 60 };

static struct rq_stmt st_list =
    RQ_STMT("cli_units_map_list",
	    "SELECT m.id, m.unit_id, CASE WHEN u.active THEN 'active' ELSE 'inactive' END,"
	    " m.name, u.name FROM rq.unit_mappings m JOIN rq.units u ON u.id = m.unit_id"
	    " WHERE m.source = 'huiqitong' ORDER BY m.name",
	    0);
static struct rq_stmt st_put =
    RQ_STMT("cli_units_map_put",
	    "SELECT outcome, args, data->>'change', data->>'unit_name', data->>'name'"
	    " FROM rq.unit_mapping_put('huiqitong', $1, $2::bigint, NULL)",
	    2);
static struct rq_stmt st_find =
    RQ_STMT("cli_units_map_find",
	    "SELECT id FROM rq.unit_mappings WHERE source = 'huiqitong' AND name = btrim($1)", 1);
static struct rq_stmt st_remove =
    RQ_STMT("cli_units_map_remove", "SELECT outcome FROM rq.unit_mapping_remove($1::bigint)", 1);

static int usage(void)
{
	fputs("usage: ruqima units map list\n"
	      "       ruqima units map set --name NAME --unit ID\n"
	      "       ruqima units map delete --name NAME\n"
	      "  NAME  a unit's name as 慧企通's records write it; ID  the platform's unit\n",
	      stderr);
	return EXIT_USAGE;
}

static int cmd_list(struct rq_db *db)
{
	PGresult *r = cli_db_run(db, &st_list, NULL, "read the unit mappings");
	if (r == NULL)
		return EXIT_FAILED;
	printf("%-6s  %-7s  %-8s  %s → %s\n", "ID", "UNIT", "STATE", "NAME IN 慧企通", "UNIT NAME");
	for (int i = 0; i < PQntuples(r); i++)
		printf("%-6s  %-7s  %-8s  %s → %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
		       PQgetvalue(r, i, 2), PQgetvalue(r, i, 3), PQgetvalue(r, i, 4));
	printf("%d mapping%s\n", PQntuples(r), PQntuples(r) == 1 ? "" : "s");
	PQclear(r);
	return EXIT_OK;
}

/* Prints the Chinese detail of a refusal; returns EXIT_FAILED. */
static int refused(const PGresult *r)
{
	struct rq_arena *a = rq_arena_new();
	const char *field = NULL;
	const char *text =
	    a != NULL ? rq_outcome_text(a, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), &field) : NULL;
	fprintf(stderr, "ruqima: refused: %s\n", text != NULL ? text : PQgetvalue(r, 0, 0));
	rq_arena_free(a);
	return EXIT_FAILED;
}

static int cmd_set(struct rq_db *db, const char *name, const char *unit)
{
	const char *params[] = {name, unit};
	PGresult *r = cli_db_run(db, &st_put, params, "map the unit name");
	if (r == NULL)
		return EXIT_FAILED;
	int rc = strcmp(PQgetvalue(r, 0, 0), "ok") != 0 ? refused(r) : EXIT_OK;
	if (rc == EXIT_OK && cli_exec(rq_db_conn(db), "COMMIT") != 0)
		rc = EXIT_FAILED;
	if (rc == EXIT_OK)
		printf("mapped %s → unit %s %s (%s)\n", PQgetvalue(r, 0, 4), unit,
		       PQgetvalue(r, 0, 3), PQgetvalue(r, 0, 2));
	PQclear(r);
	return rc;
}

static int cmd_delete(struct rq_db *db, const char *name)
{
	const char *params[] = {name};
	PGresult *r = cli_db_run(db, &st_find, params, "find the unit mapping");
	if (r == NULL)
		return EXIT_FAILED;
	if (PQntuples(r) == 0) {
		fprintf(stderr, "ruqima: no mapping of the unit name %s\n", name);
		PQclear(r);
		return EXIT_FAILED;
	}
	const char *id[] = {PQgetvalue(r, 0, 0)};
	PGresult *d = cli_db_run(db, &st_remove, id, "remove the unit mapping");
	PQclear(r);
	if (d == NULL)
		return EXIT_FAILED;
	int rc = strcmp(PQgetvalue(d, 0, 0), "ok") == 0 && cli_exec(rq_db_conn(db), "COMMIT") == 0
		     ? EXIT_OK
		     : EXIT_FAILED;
	PQclear(d);
	if (rc == EXIT_OK)
		printf("removed the mapping of %s\n", name);
	return rc;
}

int cli_units(const struct rq_config *cfg, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[0], "map") != 0)
		return usage();
	const char *cmd = argv[1], *name = NULL, *unit = NULL;
	for (int i = 2; i < argc; i += 2) {
		if (i + 1 >= argc)
			return usage();
		if (strcmp(argv[i], "--name") == 0 && name == NULL)
			name = argv[i + 1];
		else if (strcmp(argv[i], "--unit") == 0 && unit == NULL)
			unit = argv[i + 1];
		else
			return usage();
	}
	bool list = strcmp(cmd, "list") == 0, set = strcmp(cmd, "set") == 0,
	     del = strcmp(cmd, "delete") == 0;
	if ((list && (name != NULL || unit != NULL)) || (set && (name == NULL || unit == NULL)) ||
	    (del && (name == NULL || unit != NULL)) || !(list || set || del))
		return usage();
	if (set && !rq_input_row_id(unit)) {
		fputs("ruqima: --unit is a unit's id (ruqima-admin: GET /api/v1/admin/units)\n",
		      stderr);
		return EXIT_USAGE;
	}
	struct rq_db *db = cli_db_connect_owner(cfg, STATEMENT_TIMEOUT);
	if (db == NULL)
		return EXIT_FAILED;
	int rc = EXIT_FAILED;
	if (list)
		rc = cmd_list(db);
	else if (cli_db_begin(db, "cli-units-map") == 0)
		rc = set ? cmd_set(db, name, unit) : cmd_delete(db, name);
	cli_db_rollback(db);
	rq_db_close(db);
	return rc;
}
