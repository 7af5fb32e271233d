/* ruqima migrate: applies migrations/NNNN_name.sql in order, each once, each in its own
 * transaction, recording a checksum; an applied file whose content changed is refused. */
#include "cli.h"

#include "rq_num.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_MIGRATIONS = 1000, MAX_MIGRATION_BYTES = 16 * 1024 * 1024 };

struct migration {
	int version;
	char name[256];
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

static int by_version(const void *a, const void *b)
{
	return ((const struct migration *)a)->version - ((const struct migration *)b)->version;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = malloc(MAX_MIGRATION_BYTES + 1);
	size_t n = buf != NULL ? fread(buf, 1, MAX_MIGRATION_BYTES + 1, f) : 0;
	fclose(f);
	if (buf == NULL || n > MAX_MIGRATION_BYTES) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static int list_migrations(const char *dir, struct migration *out, int *count)
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

/* Returns 1 applied (checksum matches), 0 not applied, -1 changed or error. */
static int applied_state(PGconn *c, const struct migration *m, const char *sql)
{
	char version[16];
	snprintf(version, sizeof(version), "%d", m->version);
	const char *params[] = {version, sql};
	PGresult *r =
	    PQexecParams(c,
			 "SELECT checksum = encode(sha256(convert_to($2, 'UTF8')), 'hex')"
			 "  AS same FROM public.schema_migrations WHERE version = $1::int",
			 2, NULL, params, NULL, NULL, 0);
	int rc;
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "ruqima: %s", PQresultErrorMessage(r));
		rc = -1;
	} else if (PQntuples(r) == 0) {
		rc = 0;
	} else if (strcmp(PQgetvalue(r, 0, 0), "t") == 0) {
		rc = 1;
	} else {
		fprintf(stderr,
			"ruqima: migration %s was changed after it was applied; refusing to go on "
			"(write a new migration instead)\n",
			m->name);
		rc = -1;
	}
	PQclear(r);
	return rc;
}

static int apply(PGconn *c, const struct migration *m, const char *sql)
{
	char version[16], rid[64];
	snprintf(version, sizeof(version), "%d", m->version);
	snprintf(rid, sizeof(rid), "migrate-%04d", m->version);
	if (cli_exec(c, "BEGIN") != 0)
		return -1;
	if (cli_set_actor(c, rid) != 0 || cli_exec(c, sql) != 0) {
		fprintf(stderr, "ruqima: migration %s failed; nothing of it was applied\n",
			m->name);
		cli_exec(c, "ROLLBACK");
		return -1;
	}
	const char *params[] = {version, m->name, sql};
	PGresult *r =
	    PQexecParams(c,
			 "INSERT INTO public.schema_migrations (version, name, checksum)"
			 " VALUES ($1::int, $2, encode(sha256(convert_to($3, 'UTF8')), 'hex'))",
			 3, NULL, params, NULL, NULL, 0);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "ruqima: %s", PQresultErrorMessage(r));
	PQclear(r);
	if (!ok || cli_exec(c, "COMMIT") != 0) {
		cli_exec(c, "ROLLBACK");
		return -1;
	}
	return 0;
}

int cli_migrate(const struct rq_config *cfg, int argc, char **argv)
{
	bool status_only = argc == 1 && strcmp(argv[0], "--status") == 0;
	if (argc > 0 && !status_only) {
		fputs("usage: ruqima migrate [--status]\n", stderr);
		return 2;
	}
	static struct migration list[MAX_MIGRATIONS];
	int n = 0;
	if (list_migrations(cfg->migrations_dir, list, &n) != 0)
		return 1;
	PGconn *c = cli_connect_owner(cfg);
	if (c == NULL)
		return 1;
	int rc = 0;
	/* One migrate at a time, even if two operators run it at once. */
	if (cli_exec(c, "SET client_min_messages = warning") != 0 ||
	    cli_exec(c, "SELECT pg_advisory_lock(7275201)") != 0 ||
	    cli_exec(c, "CREATE TABLE IF NOT EXISTS public.schema_migrations ("
			" version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
			" applied_at timestamptz NOT NULL DEFAULT now())") != 0) {
		PQfinish(c);
		return 1;
	}
	int applied = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		char path[4600];
		snprintf(path, sizeof(path), "%s/%s", cfg->migrations_dir, list[i].name);
		char *sql = read_file(path);
		if (sql == NULL) {
			fprintf(stderr, "ruqima: could not read %s\n", path);
			rc = 1;
			break;
		}
		int state = applied_state(c, &list[i], sql);
		if (state < 0) {
			rc = 1;
		} else if (status_only) {
			printf("%s  %s\n", state == 1 ? "applied" : "pending", list[i].name);
		} else if (state == 0) {
			printf("applying %s ...\n", list[i].name);
			fflush(stdout);
			if (apply(c, &list[i], sql) != 0)
				rc = 1;
			else
				applied++;
		}
		free(sql);
	}
	if (rc == 0 && !status_only)
		printf("migrations: %d applied now, %d in all\n", applied, n);
	PQfinish(c);
	return rc;
}
