/* ruqima import huiqitong FILE [--dry-run]: 浉河区's earlier scan records (慧企通, CSV in
 * UTF-8 or GB18030) as visits of source "huiqitong", in one audited transaction
 * (lib/rq_huiqitong.c). Reported like the register's import: problems on stdout with their
 * line numbers, progress on stderr, a summary line at the end. */
#include "cli.h"

#include "rq_arena.h"
#include "rq_clock.h"
#include "rq_huiqitong.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The unit names without a mapping, which the operator maps before importing again. */
static void print_unknown_units(const struct rq_huiqitong_counts *n)
{
	if (n->nunknown_units == 0)
		return;
	printf("unknown units: %zu unit name%s without a mapping (ruqima units map set --name NAME"
	       " --unit ID):",
	       n->nunknown_units, n->nunknown_units == 1 ? "" : "s");
	size_t shown = n->nunknown_units < RQ_HUIQITONG_UNKNOWN_UNITS_SHOWN
			   ? n->nunknown_units
			   : RQ_HUIQITONG_UNKNOWN_UNITS_SHOWN;
	for (size_t i = 0; i < shown; i++)
		printf("%s %s (%zu row%s)", i > 0 ? "," : "", n->unknown_units[i].name,
		       n->unknown_units[i].rows, n->unknown_units[i].rows == 1 ? "" : "s");
	printf("%s\n", shown < n->nunknown_units ? ", ..." : "");
}

/* The database half in one transaction as the owner with the CLI's actor context. Returns
 * the exit status. */
static int import_db(const struct rq_config *cfg, const char *path, struct rq_huiqitong_file *f,
		     bool dry_run, double start)
{
	PGconn *c = cli_import_begin(cfg, "cli-import-huiqitong");
	if (c == NULL)
		return 1;
	int rc = 1;
	struct rq_huiqitong_counts n;
	PGresult *err = NULL;
	if (rq_huiqitong_run(c, f, dry_run, &n, cli_import_progress, &start, &err) != 0) {
		cli_import_failed(c, err);
		goto out;
	}
	rq_problems_print(stdout, &f->problems);
	print_unknown_units(&n);
	if (dry_run) {
		cli_rollback(c);
		printf("dry run of %s (%s, %zu rows): would insert %zu (%zu rated); unchanged %zu,"
		       " changed %zu, rejected %zu; nothing was changed\n",
		       path, f->encoding, n.rows, n.inserted, n.rated, n.unchanged, n.changed,
		       n.rejected);
		rc = n.rejected + n.changed > 0 ? 1 : 0;
		goto out;
	}
	if (cli_exec(c, "COMMIT") != 0)
		goto out;
	printf("imported %s (%s, %zu rows in %.1f s): inserted %zu (%zu rated), unchanged %zu,"
	       " changed %zu, rejected %zu\n",
	       path, f->encoding, n.rows, rq_clock_mono() - start, n.inserted, n.rated, n.unchanged,
	       n.changed, n.rejected);
	rc = 0;
out:
	PQfinish(c); /* an open transaction is rolled back */
	return rc;
}

static int import_file(const struct rq_config *cfg, const char *path, struct rq_arena *a,
		       const char *data, size_t len, double start, void *ctx)
{
	const bool *dry_run = ctx;
	struct rq_huiqitong_file *f =
	    rq_huiqitong_parse(a, data, len, (size_t)cfg->import_max_bytes);
	if (f->fatal)
		return cli_import_refused(&f->problems, path);
	cli_import_read(f->nrows, f->encoding, start);
	return import_db(cfg, path, f, *dry_run, start);
}

int cli_import_huiqitong(const struct rq_config *cfg, int argc, char **argv)
{
	static const char *const flags[] = {"--dry-run", NULL};
	bool dry_run;
	const char *path;
	if (cli_file_args(argc, argv, flags, &dry_run, &path) != 0)
		return 2;
	return cli_import_file(cfg, path, import_file, &dry_run);
}
