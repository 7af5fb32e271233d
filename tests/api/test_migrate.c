/* ruqima migrate against the stack's database: each migration once, in order, recorded
 * with a checksum; a changed applied file is refused; a definition file is re-applied when
 * it changes and only then; a failing file leaves nothing of the run behind. Works on a copy
 * of migrations/ plus files made here (in a folder laid out like the repository), and
 * removes what it added. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[256]; /* stands for the repository root: definition paths start here */
static char dir[300];  /* root/migrations */

/* Runs the CLI's migrate on dir; returns its exit status and its output in out. */
static int migrate(char *out, size_t cap)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "RUQIMA_ENV_FILE='%s' RUQIMA_MIGRATIONS_DIR='%s' '%s/ruqima' migrate 2>&1",
		 api_env("RUQIMA_ENV_FILE"), dir, api_env("RUQIMA_TEST_BIN_DIR"));
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A file under root (a definition file, or the definitions list as migrations/...). */
static void write_root_file(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", root, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *count(PGconn *c, const char *sql)
{
	return api_sql_value(c, sql, 0, NULL);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/ruqima-migrate-test.XXXXXX");
	if (mkdtemp(root) == NULL)
		return -1;
	snprintf(dir, sizeof(dir), "%s/migrations", root);
	if (mkdir(dir, 0755) != 0)
		return -1;
	/* the stack's own numbered migrations, whatever the build's layout; no definitions
	 * list: the stack's definitions are current, and each test writes its own list */
	return api_sh("cp \"$(sed -n 's/^RUQIMA_MIGRATIONS_DIR=//p' '%s')\"/*.sql '%s'/",
		      api_env("RUQIMA_ENV_FILE"), dir);
}

static int teardown(void **state)
{
	(void)state;
	PGconn *c = api_db("owner");
	api_sql_value(c, "DROP TABLE IF EXISTS rq.migrate_probe", 0, NULL);
	api_sql_value(c, "DROP TABLE IF EXISTS rq.migrate_half", 0, NULL);
	api_sql_value(c, "DELETE FROM public.schema_migrations WHERE version >= 9000", 0, NULL);
	api_sql_value(c, "DROP FUNCTION IF EXISTS rq.migrate_probe()", 0, NULL);
	api_sql_value(c, "DELETE FROM public.schema_definitions WHERE path LIKE 'probe%'", 0, NULL);
	PQfinish(c);
	api_sh("rm -rf '%s'", root);
	return 0;
}

static void applied_migrations_are_not_applied_again(void **state)
{
	(void)state;
	char out[4096];
	PGconn *c = api_db("owner");
	char *before = count(c, "SELECT count(*) FROM public.schema_migrations");
	assert_int_equal(migrate(out, sizeof(out)), 0);
	assert_non_null(strstr(out, "0 applied now"));
	char *after = count(c, "SELECT count(*) FROM public.schema_migrations");
	assert_string_equal(before, after);
	free(before);
	free(after);
	PQfinish(c);
}

static void a_new_migration_is_applied_once_with_its_checksum(void **state)
{
	(void)state;
	char out[4096];
	write_file("9001_probe.sql", "CREATE TABLE rq.migrate_probe (id int PRIMARY KEY);\n");
	assert_int_equal(migrate(out, sizeof(out)), 0);
	assert_non_null(strstr(out, "applying 9001_probe.sql"));
	PGconn *c = api_db("owner");
	char *sum = count(c, "SELECT checksum FROM public.schema_migrations WHERE version = 9001");
	assert_non_null(sum);
	assert_int_equal(strlen(sum), 64); /* hex SHA-256 of the file */
	char *exists = count(c, "SELECT to_regclass('rq.migrate_probe') IS NOT NULL");
	assert_string_equal(exists, "t");
	/* Again: nothing to do. */
	assert_int_equal(migrate(out, sizeof(out)), 0);
	assert_non_null(strstr(out, "0 applied now"));
	free(sum);
	free(exists);
	PQfinish(c);
}

static void a_changed_applied_migration_is_refused(void **state)
{
	(void)state;
	char out[4096];
	write_file("9001_probe.sql", "CREATE TABLE rq.migrate_probe (id int PRIMARY KEY);\n");
	assert_int_equal(migrate(out, sizeof(out)), 0);
	write_file("9001_probe.sql", "CREATE TABLE rq.migrate_probe (id bigint PRIMARY KEY);\n");
	write_file("9002_after.sql", "CREATE TABLE rq.migrate_half (id int);\n");
	assert_int_not_equal(migrate(out, sizeof(out)), 0);
	assert_non_null(strstr(out, "9001_probe.sql was changed after it was applied"));
	/* Nothing after the refused file ran. */
	PGconn *c = api_db("owner");
	char *half = count(c, "SELECT to_regclass('rq.migrate_half') IS NULL");
	assert_string_equal(half, "t");
	free(half);
	PQfinish(c);
}

static void a_failing_migration_leaves_nothing_behind(void **state)
{
	(void)state;
	char out[4096];
	/* The first statement succeeds, the second fails: the file's transaction rolls back. */
	write_file("9003_half.sql", "CREATE TABLE rq.migrate_half (id int);\n"
				    "SELECT 1 / 0;\n");
	assert_int_not_equal(migrate(out, sizeof(out)), 0);
	assert_non_null(strstr(out, "nothing of it was applied"));
	PGconn *c = api_db("owner");
	char *half = count(c, "SELECT to_regclass('rq.migrate_half') IS NULL");
	char *row = count(c, "SELECT count(*) FROM public.schema_migrations WHERE version = 9003");
	assert_string_equal(half, "t");
	assert_string_equal(row, "0");
	free(half);
	free(row);
	PQfinish(c);
}

static void a_definition_is_applied_when_it_changes_and_only_then(void **state)
{
	(void)state;
	char out[4096];
	write_root_file("migrations/definitions", "# probe\nprobe.sql\n");
	write_root_file("probe.sql", "CREATE OR REPLACE FUNCTION rq.migrate_probe() RETURNS int\n"
				     "LANGUAGE sql AS 'SELECT 1';\n");
	assert_int_equal(migrate(out, sizeof(out)), 0);
	assert_non_null(strstr(out, "defining probe.sql"));
	PGconn *c = api_db("owner");
	char *v = count(c, "SELECT rq.migrate_probe()");
	assert_string_equal(v, "1");
	free(v);
	/* unchanged: not applied again */
	assert_int_equal(migrate(out, sizeof(out)), 0);
	assert_null(strstr(out, "defining probe.sql"));
	assert_non_null(strstr(out, "definitions: 0 applied now"));
	/* changed: applied again, and the new text is what runs */
	write_root_file("probe.sql", "CREATE OR REPLACE FUNCTION rq.migrate_probe() RETURNS int\n"
				     "LANGUAGE sql AS 'SELECT 2';\n");
	assert_int_equal(migrate(out, sizeof(out)), 0);
	assert_non_null(strstr(out, "defining probe.sql"));
	v = count(c, "SELECT rq.migrate_probe()");
	assert_string_equal(v, "2");
	free(v);
	v = count(c, "SELECT count(*) FROM public.schema_definitions WHERE path = 'probe.sql'");
	assert_string_equal(v, "1");
	free(v);
	/* no longer listed: its record is forgotten, what it defined stays */
	write_root_file("migrations/definitions", "# nothing\n");
	assert_int_equal(migrate(out, sizeof(out)), 0);
	assert_non_null(strstr(out, "no longer listed"));
	v = count(c,
		  "SELECT (SELECT count(*) FROM public.schema_definitions WHERE path = 'probe.sql')"
		  " || ' ' || rq.migrate_probe()");
	assert_string_equal(v, "0 2");
	free(v);
	PQfinish(c);
}

static void a_failing_definition_leaves_nothing_of_the_run_behind(void **state)
{
	(void)state;
	char out[4096];
	/* a new migration that would succeed, then a definition file that fails */
	write_file("9004_before.sql", "CREATE TABLE rq.migrate_half (id int);\n");
	write_root_file("migrations/definitions", "probe_a.sql\nprobe_b.sql\n");
	write_root_file("probe_a.sql", "CREATE OR REPLACE FUNCTION rq.migrate_probe() RETURNS int\n"
				       "LANGUAGE sql AS 'SELECT 1';\n");
	write_root_file("probe_b.sql", "SELECT 1 / 0;\n");
	assert_int_not_equal(migrate(out, sizeof(out)), 0);
	assert_non_null(strstr(out, "probe_b.sql failed"));
	PGconn *c = api_db("owner");
	char *v = count(c, "SELECT to_regclass('rq.migrate_half') IS NULL"
			   " AND to_regprocedure('rq.migrate_probe()') IS NULL");
	assert_string_equal(v, "t");
	free(v);
	v = count(c,
		  "SELECT (SELECT count(*) FROM public.schema_migrations WHERE version = 9004)"
		  " + (SELECT count(*) FROM public.schema_definitions WHERE path LIKE 'probe%')");
	assert_string_equal(v, "0");
	free(v);
	PQfinish(c);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(applied_migrations_are_not_applied_again, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(a_new_migration_is_applied_once_with_its_checksum,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(a_changed_applied_migration_is_refused, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(a_failing_migration_leaves_nothing_behind, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(a_definition_is_applied_when_it_changes_and_only_then,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(a_failing_definition_leaves_nothing_of_the_run_behind,
					    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
