/* ruqima migrate: brings a database to the schema of this checkout, in one transaction.
 *
 * 1. The numbered migrations (migrations/NNNN_name.sql: tables, columns, constraints,
 *    indexes, data) not yet applied, in order, each once, recorded with its checksum; an
 *    applied file whose content changed is refused. A baseline (NNNN_baseline.sql) stands
 *    for every version before it: it runs on an empty database and is recorded without
 *    running on a database that has applied version NNNN - 1 (the release before it).
 * 2. The definition files listed in migrations/definitions (functions, views, triggers,
 *    policies, grants; paths relative to the repository root), in the listed order, each
 *    re-applied whenever its checksum differs from the one recorded, and all of them after a
 *    numbered migration ran (it may have dropped or changed what they define): they are
 *    written to be idempotent (CREATE OR REPLACE, DROP ... IF EXISTS).
 * Either everything is applied or nothing is. */
#include "cli.h"

#include "rq_num.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	MAX_MIGRATIONS = 1000,
	MAX_DEFINITIONS = 1000,
	MAX_SQL_BYTES = 16 * 1024 * 1024,
	MAX_PATH_BYTES = 4096,
};

#define DEFINITIONS_LIST "definitions"
#define BASELINE_SUFFIX	 "_baseline.sql"

struct sql_file {
	int version;	/* numbered migrations only */
	char name[256]; /* file name (migrations) or path from the repository root */
};

/* "0007_audit_views.sql" → version 7. Other names are not migrations. */
static bool parse_name(const char *file, int *version)
{
	size_t n = strlen(file);
	if (n < 10 || n > 200 || strcmp(file + n - 4, ".sql") != 0 || file[4] != '_')
		return false;
	char digits[5];
	memcpy(digits, file, 4);
	digits[4] = '\0';
	for (int i = 0; i < 4; i++)
		if (digits[i] < '0' || digits[i] > '9')
			return false;
	for (size_t i = 5; i < n - 4; i++)
		if (!((file[i] >= 'a' && file[i] <= 'z') || (file[i] >= '0' && file[i] <= '9') ||
		      file[i] == '_'))
			return false;
	int64_t v;
	if (rq_parse_i64(digits[0] == '0' ? digits + strspn(digits, "0") : digits, 1, 9999, &v) !=
	    0)
		return false;
	*version = (int)v;
	return true;
}

static bool is_baseline(const struct sql_file *m)
{
	size_t n = strlen(m->name), s = strlen(BASELINE_SUFFIX);
	return n > s && strcmp(m->name + n - s, BASELINE_SUFFIX) == 0;
}

static int by_version(const void *a, const void *b)
{
	return ((const struct sql_file *)a)->version - ((const struct sql_file *)b)->version;
}

/* dir/name into out; -1 after printing why when it does not fit. */
static int join_path(char *out, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);
	if (n >= 0 && (size_t)n < cap)
		return 0;
	fprintf(stderr, "ruqima: path too long: %s/%s\n", dir, name);
	return -1;
}

/* The whole file, NUL-terminated (malloc'd), or NULL after printing why. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "ruqima: could not open \"%s\": %m\n", path);
		return NULL;
	}
	char *buf = malloc(MAX_SQL_BYTES + 1);
	size_t n = buf != NULL ? fread(buf, 1, MAX_SQL_BYTES + 1, f) : 0;
	fclose(f);
	if (buf == NULL || n > MAX_SQL_BYTES) {
		fprintf(stderr, "ruqima: could not read \"%s\" (larger than %d bytes?)\n", path,
			MAX_SQL_BYTES);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static int list_migrations(const char *dir, struct sql_file *out, int *count)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "ruqima: could not open migrations directory \"%s\"\n", dir);
		return -1;
	}
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d)) != NULL) {
		int v;
		if (e->d_name[0] == '.' || !parse_name(e->d_name, &v))
			continue;
		if (n == MAX_MIGRATIONS)
			break;
		out[n].version = v;
		snprintf(out[n].name, sizeof(out[n].name), "%s", e->d_name);
		n++;
	}
	closedir(d);
	qsort(out, (size_t)n, sizeof(*out), by_version);
	for (int i = 1; i < n; i++)
		if (out[i].version == out[i - 1].version) {
			fprintf(stderr, "ruqima: two migrations numbered %04d: %s and %s\n",
				out[i].version, out[i - 1].name, out[i].name);
			return -1;
		}
	*count = n;
	return 0;
}

/* migrations/definitions: one path per line; '#' starts a comment line. A folder without
 * the list has no definitions (the migrations of releases before the list existed). */
static int list_definitions(const char *dir, struct sql_file *out, int *count)
{
	char path[MAX_PATH_BYTES];
	*count = 0;
	if (join_path(path, sizeof(path), dir, DEFINITIONS_LIST) != 0)
		return -1;
	if (access(path, F_OK) != 0)
		return 0;
	char *text = read_file(path);
	if (text == NULL)
		return -1;
	int n = 0, rc = 0;
	for (char *line = text; *line != '\0' && rc == 0;) {
		char *end = line + strcspn(line, "\n");
		bool last = *end == '\0';
		*end = '\0';
		if (line[0] != '#' && line[0] != '\0') {
			if (n == MAX_DEFINITIONS || strlen(line) >= sizeof(out[n].name) ||
			    strstr(line, "..") != NULL || line[0] == '/') {
				fprintf(stderr, "ruqima: %s: bad entry \"%s\"\n", path, line);
				rc = -1;
			} else {
				out[n].version = 0;
				snprintf(out[n].name, sizeof(out[n].name), "%s", line);
				n++;
			}
		}
		line = last ? end : end + 1;
	}
	free(text);
	*count = n;
	return rc;
}

/* One value of a one-row query with text parameters: 1 and *value (malloc'd) when a row
 * came back, 0 when none did, -1 after printing the error. */
static int query_value(PGconn *c, const char *sql, int nparams, const char *const *params,
		       char **value)
{
	PGresult *r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
	int rc;
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "ruqima: %s", PQresultErrorMessage(r));
		rc = -1;
	} else if (PQntuples(r) == 0) {
		rc = 0;
	} else {
		*value = strdup(PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0));
		rc = *value != NULL ? 1 : -1;
	}
	PQclear(r);
	return rc;
}

static int exec_params(PGconn *c, const char *sql, int nparams, const char *const *params)
{
	PGresult *r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
	if (rc != 0)
		fprintf(stderr, "ruqima: %s", PQresultErrorMessage(r));
	PQclear(r);
	return rc;
}

#define SHA256_OF(p) "encode(sha256(convert_to(" p ", 'UTF8')), 'hex')"

/* Returns 1 applied (checksum matches), 0 not applied, -1 changed or error. */
static int migration_state(PGconn *c, const struct sql_file *m, const char *sql)
{
	char version[16];
	snprintf(version, sizeof(version), "%d", m->version);
	const char *params[] = {version, sql};
	char *same = NULL;
	int rc = query_value(c,
			     "SELECT checksum = " SHA256_OF("$2") " FROM public.schema_migrations"
								  " WHERE version = $1::int",
			     2, params, &same);
	if (rc == 1 && strcmp(same, "t") != 0) {
		fprintf(stderr,
			"ruqima: migration %s was changed after it was applied; refusing to go on "
			"(write a new migration instead)\n",
			m->name);
		rc = -1;
	}
	free(same);
	return rc;
}

static int record_migration(PGconn *c, const struct sql_file *m, const char *sql)
{
	char version[16];
	snprintf(version, sizeof(version), "%d", m->version);
	const char *params[] = {version, m->name, sql};
	return exec_params(c,
			   "INSERT INTO public.schema_migrations (version, name, checksum)"
			   " VALUES ($1::int, $2, " SHA256_OF("$3") ")",
			   3, params);
}

/* A baseline not yet recorded: 1 run it (empty database), 0 record it without running (the
 * database has the version before it), -1 refused (a database older than that). */
static int baseline_action(PGconn *c, const struct sql_file *m)
{
	char *newest = NULL;
	int rc =
	    query_value(c, "SELECT max(version) FROM public.schema_migrations", 0, NULL, &newest);
	if (rc < 0)
		return -1;
	int64_t v = 0;
	bool empty = newest[0] == '\0';
	if (!empty && rq_parse_i64(newest, 1, 9999, &v) != 0)
		v = -1;
	free(newest);
	if (empty)
		return 1;
	if (v == m->version - 1)
		return 0;
	fprintf(stderr,
		"ruqima: the database is at migration %04lld; %s replaces the migrations up to "
		"%04d, so upgrade with the release that has migration %04d first\n",
		(long long)v, m->name, m->version - 1, m->version - 1);
	return -1;
}

/* 1 when the definition file's recorded checksum differs (or none is recorded), 0 when it
 * is current, -1 on error. */
static int definition_changed(PGconn *c, const struct sql_file *d, const char *sql)
{
	const char *params[] = {d->name, sql};
	char *same = NULL;
	int rc = query_value(c,
			     "SELECT checksum = " SHA256_OF("$2") " FROM public.schema_definitions"
								  " WHERE path = $1",
			     2, params, &same);
	if (rc == 1)
		rc = strcmp(same, "t") != 0;
	else if (rc == 0)
		rc = 1;
	free(same);
	return rc;
}

static int record_definition(PGconn *c, const struct sql_file *d, const char *sql)
{
	const char *params[] = {d->name, sql};
	return exec_params(
	    c,
	    "INSERT INTO public.schema_definitions (path, checksum)"
	    " VALUES ($1, " SHA256_OF("$2") ")"
					    " ON CONFLICT (path) DO UPDATE"
					    " SET checksum = EXCLUDED.checksum, applied_at = now()",
	    2, params);
}

/* Runs one file's SQL; on failure says which file. */
static int run_file(PGconn *c, const char *name, const char *sql)
{
	if (cli_exec(c, sql) == 0)
		return 0;
	fprintf(stderr,
		"ruqima: %s failed; nothing of it was applied, nor anything else of this run\n",
		name);
	return -1;
}

struct plan {
	const char *dir;  /* migrations directory */
	const char *root; /* repository root: where definition paths start */
	bool status_only;
	int applied, recorded, redefined;
};

static int step_migration(PGconn *c, struct plan *p, const struct sql_file *m)
{
	char path[MAX_PATH_BYTES];
	char *sql = join_path(path, sizeof(path), p->dir, m->name) == 0 ? read_file(path) : NULL;
	if (sql == NULL)
		return -1;
	int state = migration_state(c, m, sql), rc = 0;
	if (state < 0) {
		rc = -1;
	} else if (p->status_only) {
		printf("%s  %s\n", state == 1 ? "applied" : "pending", m->name);
	} else if (state == 0) {
		int run = is_baseline(m) ? baseline_action(c, m) : 1;
		if (run < 0) {
			rc = -1;
		} else {
			printf("%s %s\n", run ? "applying" : "recording the baseline", m->name);
			fflush(stdout);
			if ((run && run_file(c, m->name, sql) != 0) ||
			    record_migration(c, m, sql) != 0)
				rc = -1;
			else if (run)
				p->applied++;
			else
				p->recorded++;
		}
	}
	free(sql);
	return rc;
}

static int step_definition(PGconn *c, struct plan *p, const struct sql_file *d)
{
	char path[MAX_PATH_BYTES];
	char *sql = join_path(path, sizeof(path), p->root, d->name) == 0 ? read_file(path) : NULL;
	if (sql == NULL)
		return -1;
	/* after a numbered migration every file is applied again: it may have dropped an
	 * object of theirs (a function whose result type changes) */
	int changed = p->applied > 0 ? 1 : definition_changed(c, d, sql), rc = 0;
	if (changed < 0) {
		rc = -1;
	} else if (p->status_only) {
		printf("%s  %s\n", changed ? "changed" : "current", d->name);
	} else if (changed) {
		printf("defining %s\n", d->name);
		fflush(stdout);
		if (run_file(c, d->name, sql) != 0 || record_definition(c, d, sql) != 0)
			rc = -1;
		else
			p->redefined++;
	}
	free(sql);
	return rc;
}

/* Forgets the records of definition files no longer listed (renamed or gone): what they
 * defined stays until a numbered migration drops it, but their checksums mean nothing. */
static int forget_unlisted(PGconn *c, const struct sql_file *defs, int n)
{
	size_t len = 1;
	for (int i = 0; i < n; i++)
		len += strlen(defs[i].name) + 1;
	char *listed = malloc(len), *at = listed;
	if (listed == NULL)
		return -1;
	for (int i = 0; i < n; i++)
		at += snprintf(at, len - (size_t)(at - listed), "%s\n", defs[i].name);
	*at = '\0';
	const char *params[] = {listed};
	char *forgotten = NULL;
	int rc = query_value(c,
			     "WITH gone AS (DELETE FROM public.schema_definitions"
			     " WHERE path <> ALL (string_to_array($1, E'\\n')) RETURNING path)"
			     " SELECT count(*) FROM gone",
			     1, params, &forgotten);
	free(listed);
	if (rc == 1 && strcmp(forgotten, "0") != 0)
		printf("forgot %s definition file(s) no longer listed\n", forgotten);
	free(forgotten);
	return rc == 1 ? 0 : -1;
}

int cli_migrate(const struct rq_config *cfg, int argc, char **argv)
{
	bool status_only = argc == 1 && strcmp(argv[0], "--status") == 0;
	if (argc > 0 && !status_only) {
		fputs("usage: ruqima migrate [--status]\n", stderr);
		return 2;
	}
	static struct sql_file migrations[MAX_MIGRATIONS], definitions[MAX_DEFINITIONS];
	int nm = 0, nd = 0;
	char root[MAX_PATH_BYTES];
	if (join_path(root, sizeof(root), cfg->migrations_dir, "..") != 0)
		return 1;
	if (list_migrations(cfg->migrations_dir, migrations, &nm) != 0 ||
	    list_definitions(cfg->migrations_dir, definitions, &nd) != 0)
		return 1;
	PGconn *c = cli_connect_owner(cfg);
	if (c == NULL)
		return 1;
	struct plan p = {cfg->migrations_dir, root, status_only, 0, 0, 0};
	/* One migrate at a time, even if two operators run it at once: the lock is the
	 * transaction's. */
	int rc = cli_exec(c, "SET client_min_messages = warning") != 0 ||
		 cli_exec(c, "BEGIN") != 0 ||
		 cli_exec(c, "SELECT pg_advisory_xact_lock(7275201)") != 0 ||
		 cli_exec(c, "CREATE TABLE IF NOT EXISTS public.schema_migrations ("
			     " version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
			     " applied_at timestamptz NOT NULL DEFAULT now())") != 0 ||
		 cli_exec(c, "CREATE TABLE IF NOT EXISTS public.schema_definitions ("
			     " path text PRIMARY KEY, checksum text NOT NULL,"
			     " applied_at timestamptz NOT NULL DEFAULT now())") != 0 ||
		 cli_set_actor(c, "migrate") != 0;
	for (int i = 0; i < nm && rc == 0; i++)
		rc = step_migration(c, &p, &migrations[i]) != 0;
	for (int i = 0; i < nd && rc == 0; i++)
		rc = step_definition(c, &p, &definitions[i]) != 0;
	if (rc == 0 && !status_only)
		rc = forget_unlisted(c, definitions, nd) != 0 || cli_exec(c, "COMMIT") != 0;
	if (rc != 0 || status_only)
		cli_exec(c, "ROLLBACK");
	if (rc == 0 && !status_only)
		printf("migrations: %d applied now (%d baseline recorded), %d in all; definitions: "
		       "%d applied now, %d in all\n",
		       p.applied, p.recorded, nm, p.redefined, nd);
	PQfinish(c);
	return rc;
}
