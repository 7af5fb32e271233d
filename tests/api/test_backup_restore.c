/* Backups that restore: deploy/backup takes a base backup of the stack's cluster (which
 * archives its WAL into <state>/backup/wal, as deploy/up configures it), units are created
 * through the API before and after a moment T, and deploy/restore-drill restores the backup
 * to T in a cluster of its own: it has exactly the units (and their audit rows) acknowledged
 * before T, none of those after, and the audit chain's check ran when the build has it. */
#include "api.h"
#include "api_register.h"
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { PER_BATCH = 3 };

static struct api_session city;
static char names[2][PER_BATCH][64];

static void create_units(int batch)
{
	for (int i = 0; i < PER_BATCH; i++) {
		snprintf(names[batch][i], sizeof(names[batch][i]), "%s",
			 api_unique("备份演练单位"));
		char body[160];
		snprintf(body, sizeof(body), "{\"name\":\"%s\"}", names[batch][i]);
		struct api_resp *r = api_session_call(&city, "POST", "/api/v1/admin/units", body);
		assert_int_equal(r->status, 201);
		api_free(r);
	}
}

static void drill_setting(const char *dir, const char *key, char *out, size_t cap)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/restored.env", dir);
	api_file_setting(path, key, out, cap);
}

static void test_point_in_time_restore_has_exactly_the_rows_before_the_target(void **state)
{
	(void)state;
	const char *st = api_env("RUQIMA_TEST_STATE_DIR");
	api_session_login(&city, "drill-city", "city_admin", NULL);

	double t0 = api_now();
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "'%s/deploy/backup' '%s' 2>/dev/null | tail -n 1",
		 RUQIMA_SOURCE_DIR, st);
	int rc;
	char *base = tc_run(cmd, NULL, &rc);
	assert_int_equal(rc, 0);
	base[strcspn(base, "\n")] = '\0';
	printf("base backup: %.1f s (%s)\n", api_now() - t0, base);

	create_units(0);
	usleep(600000);
	char *target = api_owner_value("SELECT clock_timestamp()::text", 0, NULL);
	usleep(600000);
	create_units(1);

	/* the segment holding batch 1 is finished and archived */
	snprintf(cmd, sizeof(cmd),
		 "runuser -u postgres -- psql -qAt -h '%s' -p %s -d ruqima"
		 " -c 'SELECT pg_walfile_name(pg_switch_wal())'",
		 api_env("RUQIMA_TEST_PG_SOCKET_DIR"), api_env("RUQIMA_TEST_PG_PORT"));
	char *seg = tc_run(cmd, NULL, &rc);
	assert_int_equal(rc, 0);
	seg[strcspn(seg, "\n")] = '\0';
	double until = api_now() + 30;
	while (api_sh("test -f '%s/backup/wal/%s'", st, seg) != 0) {
		assert_true(api_now() < until);
		usleep(50000);
	}

	char dir[] = "/tmp/rq-api-drill-XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_int_equal(api_sh("rmdir '%s'", dir), 0); /* the drill makes it */
	t0 = api_now();
	int drill =
	    api_sh("RUQIMA_DRILL_CLI='%s/ruqima' '%s/deploy/restore-drill' '%s' '%s/backup/wal'"
		   " '%s' '%s' '%s'",
		   api_env("RUQIMA_TEST_BIN_DIR"), RUQIMA_SOURCE_DIR, base, st, target, dir,
		   api_env("RUQIMA_ENV_FILE"));
	assert_int_equal(drill, 0);
	char dsn[1024], ms[32], audit[32];
	drill_setting(dir, "RESTORED_OWNER_DSN", dsn, sizeof(dsn));
	drill_setting(dir, "RESTORED_MS", ms, sizeof(ms));
	drill_setting(dir, "RESTORED_AUDIT_VERIFY", audit, sizeof(audit));
	printf("restore drill: %s ms to %s (%.1f s with the script); audit verify: %s\n", ms,
	       target, api_now() - t0, audit);
	/* the restored audit log verifies as a chain */
	assert_string_equal(audit, "ok");

	PGconn *c = PQconnectdb(dsn);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	for (int b = 0; b < 2; b++)
		for (int i = 0; i < PER_BATCH; i++) {
			const char *p[] = {names[b][i]};
			int64_t units =
			    api_sql_int(c, "SELECT count(*) FROM rq.units WHERE name = $1", 1, p);
			int64_t audited = api_sql_int(c,
						      "SELECT count(*) FROM audit.log"
						      " WHERE table_name = 'rq.units'"
						      "   AND new_row->>'name' = $1",
						      1, p);
			assert_int_equal(units, b == 0 ? 1 : 0);
			assert_int_equal(audited, b == 0 ? 1 : 0);
		}
	PQfinish(c);
	api_sh("'%s/deploy/restore-drill' --stop '%s'", RUQIMA_SOURCE_DIR, dir);
	api_sh("rm -rf '%s'", base);
	free(seg);
	free(target);
	free(base);
	api_session_end(&city);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_point_in_time_restore_has_exactly_the_rows_before_the_target),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
