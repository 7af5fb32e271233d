/* ruqima import enterprises FILE [--dry-run] [--strict]: the register as the bureau exports
 * it (CSV, UTF-8 or GBK), in one audited transaction (ruqima import huiqitong:
 * app/cli/import_huiqitong.c). Problems go to stdout with their line
 * numbers, progress to stderr, and a summary line ends the output. */
#include "cli.h"

#include "rq_clock.h"
#include "rq_arena.h"
#include "rq_import.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

void cli_import_progress(void *ctx, const char *phase, size_t done, size_t total)
{
	const double *start = ctx;
	if (total < RQ_IMPORT_PROGRESS_EVERY)
		return; /* small files finish before anyone would look */
	double secs = rq_clock_mono() - *start;
	fprintf(stderr, "ruqima: %s %zu/%zu rows (%.0f rows/s)\n", phase, done, total,
		secs > 0 ? (double)done / secs : 0.0);
}

PGconn *cli_import_begin(const struct rq_config *cfg, const char *what)
{
	PGconn *c = cli_connect_owner(cfg);
	if (c == NULL)
		return NULL;
	if (cli_exec(c, "BEGIN") != 0 || cli_set_actor(c, what) != 0) {
		PQfinish(c);
		return NULL;
	}
	const char *params[] = {what};
	PGresult *r = PQexecParams(c, "SELECT pg_advisory_xact_lock(hashtext($1))", 1, NULL, params,
				   NULL, NULL, 0);
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "ruqima: %s", PQresultErrorMessage(r));
	PQclear(r);
	if (!ok) {
		PQfinish(c);
		return NULL;
	}
	return c;
}

void cli_import_failed(PGconn *c, PGresult *err)
{
	fprintf(stderr, "ruqima: import failed, nothing was imported: %s",
		err != NULL ? PQresultErrorMessage(err) : PQerrorMessage(c));
	PQclear(err);
}

int cli_import_refused(const struct rq_problems *problems, const char *path)
{
	rq_problems_print(stdout, problems);
	printf("refused: %s cannot be imported; nothing was changed\n", path);
	return 1;
}

int cli_import_file(const struct rq_config *cfg, const char *path, cli_import_fn fn, void *ctx)
{
	double start = rq_clock_mono();
	size_t len = 0;
	char *data = cli_read_file(path, cfg->import_max_bytes, &len);
	if (data == NULL)
		return 1;
	struct rq_arena *a = rq_arena_new();
	int rc = a != NULL ? fn(cfg, path, a, data, len, start, ctx) : 1;
	rq_arena_free(a);
	free(data);
	return rc;
}

void cli_import_read(size_t rows, const char *encoding, double start)
{
	if (rows < RQ_IMPORT_PROGRESS_EVERY)
		return;
	double secs = rq_clock_mono() - start;
	fprintf(stderr, "ruqima: read %zu rows (%s) in %.2f s (%.0f rows/s)\n", rows, encoding,
		secs, secs > 0 ? (double)rows / secs : 0.0);
}

char *cli_read_file(const char *path, long max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "ruqima: could not open \"%s\": %s\n", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "ruqima: \"%s\" is not a regular file\n", path);
		fclose(f);
		return NULL;
	}
	if (st.st_size > max) {
		fprintf(stderr,
			"ruqima: \"%s\" has %lld bytes; RUQIMA_IMPORT_MAX_BYTES allows %ld\n", path,
			(long long)st.st_size, max);
		fclose(f);
		return NULL;
	}
	size_t n = (size_t)st.st_size;
	char *buf = malloc(n + 1);
	if (buf == NULL || fread(buf, 1, n, f) != n) {
		fprintf(stderr, "ruqima: could not read \"%s\"\n", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	*len = n;
	return buf;
}

int cli_file_args(int argc, char **argv, const char *const *flags, bool *set, const char **path)
{
	*path = NULL;
	for (int k = 0; flags[k] != NULL; k++)
		set[k] = false;
	for (int i = 0; i < argc; i++) {
		int k = 0;
		while (flags[k] != NULL && strcmp(argv[i], flags[k]) != 0)
			k++;
		if (flags[k] != NULL && !set[k])
			set[k] = true;
		else if (flags[k] != NULL || argv[i][0] == '-' || *path != NULL)
			return -1;
		else
			*path = argv[i];
	}
	return *path != NULL ? 0 : -1;
}

/* What the counties and the code issuers should know about the rows (written or, in a dry
 * run, to be written). */
static void print_notes(const struct rq_import_counts *n)
{
	if (n->out_of_scope > 0)
		printf("out of scope: %zu individual business%s (个体工商户, credit code 92...): "
		       "in the "
		       "register, never given a code\n",
		       n->out_of_scope, n->out_of_scope == 1 ? "" : "es");
	if (n->names_kept > 0)
		printf("names kept: %zu enterprise%s whose register name changed keep%s the name "
		       "the county verified or corrected (flagged for the county)\n",
		       n->names_kept, n->names_kept == 1 ? "" : "s", n->names_kept == 1 ? "s" : "");
}

static int usage(void)
{
	fputs("usage: ruqima import enterprises FILE [--dry-run] [--strict]\n"
	      "       ruqima import huiqitong FILE [--dry-run]\n"
	      "  --dry-run  check every row and say what would change; change nothing\n"
	      "  --strict   import nothing if any row is rejected\n",
	      stderr);
	return 2;
}

/* Runs the database half in one transaction as the owner with the CLI's actor context.
 * Returns the exit status. */
static int import_db(const struct rq_config *cfg, const char *path, struct rq_import *imp,
		     bool dry_run, bool strict, double start)
{
	PGconn *c = cli_import_begin(cfg, "cli-import-enterprises");
	if (c == NULL)
		return 1;
	int rc = 1;
	struct rq_import_counts n;
	PGresult *err = NULL;
	enum rq_import_result res =
	    rq_import_run(c, imp, dry_run, strict, &n, cli_import_progress, &start, &err);
	rq_problems_print(stdout, &imp->problems);
	double secs = rq_clock_mono() - start;
	switch (res) {
	case RQ_IMPORT_OK:
		if (dry_run) {
			cli_rollback(c);
			print_notes(&n);
			printf("dry run of %s (%s, %zu rows): would insert %zu, update %zu; "
			       "unchanged %zu, rejected %zu; nothing was changed\n",
			       path, imp->encoding, n.rows, n.inserted, n.updated, n.unchanged,
			       n.rejected);
			rc = n.rejected > 0 ? 1 : 0;
			break;
		}
		if (cli_exec(c, "COMMIT") != 0)
			goto out;
		print_notes(&n);
		printf("imported %s (%s, %zu rows in %.1f s): inserted %zu, updated %zu, "
		       "unchanged %zu, rejected %zu\n",
		       path, imp->encoding, n.rows, secs, n.inserted, n.updated, n.unchanged,
		       n.rejected);
		rc = 0;
		break;
	case RQ_IMPORT_REFUSED:
		cli_rollback(c);
		printf("refused (--strict): %zu of %zu rows rejected; nothing was imported\n",
		       n.rejected, n.rows);
		break;
	case RQ_IMPORT_DB_ERROR:
		cli_import_failed(c, err);
		break;
	}
out:
	PQfinish(c); /* an open transaction is rolled back */
	return rc;
}

struct flags {
	bool dry_run, strict;
};

static int import_file(const struct rq_config *cfg, const char *path, struct rq_arena *a,
		       const char *data, size_t len, double start, void *ctx)
{
	const struct flags *fl = ctx;
	struct rq_import *imp = rq_import_parse(a, data, len, (size_t)cfg->import_max_bytes);
	if (imp->fatal)
		return cli_import_refused(&imp->problems, path);
	cli_import_read(imp->nrows, imp->encoding, start);
	return import_db(cfg, path, imp, fl->dry_run, fl->strict, start);
}

int cli_import(const struct rq_config *cfg, int argc, char **argv)
{
	static const char *const flags[] = {"--dry-run", "--strict", NULL};
	bool set[2];
	const char *path;
	if (argc >= 1 && strcmp(argv[0], "huiqitong") == 0) {
		int rc = cli_import_huiqitong(cfg, argc - 1, argv + 1);
		return rc == 2 ? usage() : rc;
	}
	if (argc < 1 || strcmp(argv[0], "enterprises") != 0 ||
	    cli_file_args(argc - 1, argv + 1, flags, set, &path) != 0)
		return usage();
	struct flags fl = {set[0], set[1]};
	return cli_import_file(cfg, path, import_file, &fl);
}
