/* The statistics on a real hot standby: tests/stack/standby makes one of the stack's cluster
 * (pg_basebackup -R, its own port and directory), a private reporting pool reads its
 * statistics there (RUQIMA_STATS_DSN, RUQIMA_REPLICA_MAX_LAG=2) behind a private nginx, and
 * `ruqima report run` reads there through RUQIMA_REPORT_DSN. Healthy: the figures are the
 * primary's, and the session is looked up on the standby without a write; replay paused
 * beyond the setting: 503 replica-lagging with the lag, and no report; standby stopped: 503
 * replica-unavailable, while the routes that read the primary still answer. */
#include "api.h"
#include "api_register.h"
#include "pool_support.h"
#include "private_nginx.h"
#include "test_common.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char sdir[] = "/tmp/rq-api-standby-XXXXXX";
static char ndir[] = "/tmp/rq-api-replica-nginx-XXXXXX";
static char base[96];
static struct pl_pool *pool;
static char standby_dsn[1024], standby_report_dsn[1024], standby_sock[256], standby_port[16];
static struct api_session city;
static struct vs_scene scene;
static int passed; /* tests that passed: the pool's log is shown unless all did */

/* A value of DIR/standby.env. */
static void standby_setting(const char *key, char *out, size_t cap)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/standby.env", sdir);
	api_file_setting(path, key, out, cap);
}

/* SQL on the standby as the superuser (pg_wal_replay_pause and _resume). */
static void standby_super(const char *sql)
{
	assert_int_equal(api_sh("runuser -u postgres -- psql -qAt -h '%s' -p %s -d ruqima -c \"%s\""
				" >/dev/null",
				standby_sock, standby_port, sql),
			 0);
}

/* Waits until the standby has replayed everything the primary wrote so far (its insert
 * position: the test stack commits asynchronously, so a commit may not be written yet). */
static void standby_catch_up(void)
{
	char *lsn = api_owner_value("SELECT pg_current_wal_insert_lsn()::text", 0, NULL);
	PGconn *c = PQconnectdb(standby_dsn);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	const char *p[] = {lsn};
	double until = api_now() + 20;
	for (;;) {
		char *done =
		    api_sql_value(c, "SELECT (pg_last_wal_replay_lsn() >= $1::pg_lsn)::text", 1, p);
		bool caught_up = strcmp(done, "true") == 0;
		free(done);
		if (caught_up)
			break;
		assert_true(api_now() < until);
		usleep(20000);
	}
	PQfinish(c);
	free(lsn);
}

static int setup(void **state)
{
	(void)state;
	if (mkdtemp(sdir) == NULL || mkdtemp(ndir) == NULL || api_sh("chmod 0755 '%s'", ndir) != 0)
		return -1;
	double t0 = api_now();
	if (api_sh("'%s/tests/stack/standby' start '%s'", RUQIMA_SOURCE_DIR, sdir) != 0)
		return -1;
	char ms[32];
	standby_setting("STANDBY_START_MS", ms, sizeof(ms));
	standby_setting("STANDBY_DSN", standby_dsn, sizeof(standby_dsn));
	standby_setting("STANDBY_REPORT_DSN", standby_report_dsn, sizeof(standby_report_dsn));
	standby_setting("STANDBY_SOCKET_DIR", standby_sock, sizeof(standby_sock));
	standby_setting("STANDBY_PORT", standby_port, sizeof(standby_port));
	printf("standby: base backup and start in %s ms (%.1f s with the script)\n", ms,
	       api_now() - t0);

	char stats[1100], app[1100];
	snprintf(stats, sizeof(stats), "RUQIMA_STATS_DSN=%s", standby_dsn);
	snprintf(app, sizeof(app), "RUQIMA_DSN=%s", api_env("RUQIMA_DSN_REPORTING"));
	const char *settings[] = {app, stats, "RUQIMA_REPLICA_MAX_LAG=2", NULL};
	pool = calloc(1, sizeof(*pool));
	if (pool == NULL)
		return -1;
	pl_pool_start_family(pool, "reporting", settings);
	char vars[256];
	snprintf(vars, sizeof(vars), "RQ_SOCKDIR=%s", pool->dir);
	if (api_sh("chmod 0755 '%s'", pool->dir) != 0)
		return -1;
	pn_up(ndir, vars, base, sizeof(base));

	api_session_login(&city, "replica-city", "city_admin", NULL);
	vs_scene_new(&scene);
	for (int i = 0; i < 2; i++) {
		cJSON *body = vs_body(scene.ent.token, "visit");
		free(vs_register_ok(scene.off.bearer, body));
		cJSON_Delete(body);
	}
	return 0;
}

static int teardown(void **state)
{
	pn_down(ndir);
	if (pool != NULL) {
		pool->passed = passed == 4;
		pl_teardown((void **)&pool);
	}
	(void)state;
	api_sh("'%s/tests/stack/standby' stop '%s'", RUQIMA_SOURCE_DIR, sdir);
	return api_sh("rm -rf '%s'", ndir);
}

/* GET path of the statistics of the scene's unit on the standby (private nginx) or the
 * primary (the stack's reporting pool reads there). */
static struct api_resp *unit_stats(bool on_standby)
{
	char url[512];
	snprintf(url, sizeof(url),
		 "%s/api/v1/reporting/statistics/visits?group_by=unit&unit_id=%s&from=2000-01-01"
		 "&to=2100-12-31",
		 on_standby ? base : "", scene.unit.id);
	return api_session_call(&city, "GET", url, NULL);
}

static cJSON *health_replica(void)
{
	char url[256];
	snprintf(url, sizeof(url), "%s/api/v1/reporting/health", base);
	struct api_resp *r = api_get(url, NULL);
	assert_int_equal(r->status, 200);
	cJSON *rep = cJSON_DetachItemFromObject(r->json, "replica");
	assert_non_null(rep);
	api_free(r);
	return rep;
}

static void test_healthy_standby_answers_the_primarys_figures(void **state)
{
	(void)state;
	standby_catch_up();
	struct api_resp *s = unit_stats(true), *p = unit_stats(false);
	assert_int_equal(s->status, 200);
	assert_int_equal(p->status, 200);
	assert_string_equal(s->body, p->body);
	cJSON *item = cJSON_GetArrayItem(cJSON_GetObjectItem(s->json, "items"), 0);
	assert_non_null(item);
	assert_int_equal(cJSON_GetObjectItem(item, "visits")->valuedouble, 2);
	api_free(s);
	api_free(p);

	cJSON *rep = health_replica();
	assert_string_equal(cJSON_GetObjectItem(rep, "state")->valuestring, "ok");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(rep, "standby")));
	assert_true(cJSON_GetObjectItem(rep, "lag_seconds")->valuedouble <= 2);
	assert_int_equal(cJSON_GetObjectItem(rep, "max_lag_seconds")->valuedouble, 2);
	cJSON_Delete(rep);

	/* `ruqima report run` on the standby: the scene's unit as on the primary */
	char tmp[] = "/tmp/rq-api-replica-report-XXXXXX";
	assert_non_null(mkdtemp(tmp));
	char args[128];
	snprintf(args, sizeof(args), "unit_activity --from 2000-01-01 --to 2100-12-31");
	char *on_primary = api_report_csv(args, tmp);
	setenv("RUQIMA_REPORT_DSN", standby_report_dsn, 1);
	char *on_standby = api_report_csv(args, tmp);
	unsetenv("RUQIMA_REPORT_DSN");
	char *a = strstr(on_primary, scene.unit.name), *b = strstr(on_standby, scene.unit.name);
	assert_non_null(a);
	assert_non_null(b);
	size_t n = strcspn(a, "\r\n");
	assert_int_equal(n, strcspn(b, "\r\n"));
	assert_memory_equal(a, b, n);
	free(on_primary);
	free(on_standby);
	api_sh("rm -rf '%s'", tmp);
	passed++;
}

/* The session is looked up on the standby, which cannot write: a session whose activity the
 * primary noted 45 s ago is taken there and not touched (the primary's lookup would have
 * noted it: 30 s); one noted 90 s ago goes to the primary, which notes it. */
static void test_session_looked_up_on_the_standby_without_a_write(void **state)
{
	(void)state;
	const char *token = strchr(city.cookie, '=') + 1; /* "rq_session=<token>" */
	const char *tok[] = {token};
	const char *set = "UPDATE rq.sessions SET last_seen_at = now() - $2::interval"
			  " WHERE token_hash = sha256(convert_to($1, 'UTF8'))";
	const char *age = "SELECT round(extract(epoch FROM now() - last_seen_at))::int"
			  "  FROM rq.sessions WHERE token_hash = sha256(convert_to($1, 'UTF8'))";
	api_owner_write(set, 2, (const char *[]){token, "45 seconds"});
	standby_catch_up();
	struct api_resp *r = unit_stats(true);
	assert_int_equal(r->status, 200);
	api_free(r);
	assert_true(api_owner_int(age, 1, tok) >= 44);

	api_owner_write(set, 2, (const char *[]){token, "90 seconds"});
	standby_catch_up();
	r = unit_stats(true);
	assert_int_equal(r->status, 200);
	api_free(r);
	assert_true(api_owner_int(age, 1, tok) <= 5);
	passed++;
}

static void test_paused_replay_beyond_the_setting_is_503_with_the_lag(void **state)
{
	(void)state;
	standby_super("SELECT pg_wal_replay_pause()");
	/* a write the standby receives but does not replay */
	cJSON *body = vs_body(scene.ent.token, "visit");
	free(vs_register_ok(scene.off.bearer, body));
	cJSON_Delete(body);
	sleep(3);
	struct api_resp *r = unit_stats(true);
	api_assert_problem(r, 503, "replica-lagging");
	api_assert_header(r, "Content-Type", "application/problem+json");
	char *retry = api_header(r, "Retry-After");
	assert_non_null(retry);
	free(retry);
	const char *detail = api_json_str(r, "detail");
	assert_non_null(strstr(detail, "落后主库"));
	assert_non_null(strstr(detail, "上限 2 秒"));
	api_free(r);
	cJSON *rep = health_replica();
	assert_string_equal(cJSON_GetObjectItem(rep, "state")->valuestring, "lagging");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(rep, "replay_paused")));
	assert_true(cJSON_GetObjectItem(rep, "lag_seconds")->valuedouble > 2);
	cJSON_Delete(rep);

	/* no report from the lagging standby either */
	char *out = NULL;
	setenv("RUQIMA_REPORT_DSN", standby_report_dsn, 1);
	setenv("RUQIMA_REPLICA_MAX_LAG", "2", 1);
	int st = api_cli("report run unit_activity --from 2000-01-01 --to 2100-12-31 --format csv"
			 " --output /tmp",
			 &out);
	unsetenv("RUQIMA_REPORT_DSN");
	unsetenv("RUQIMA_REPLICA_MAX_LAG");
	assert_int_not_equal(st, 0);
	assert_non_null(strstr(out, "只读副本落后主库"));
	free(out);

	standby_super("SELECT pg_wal_replay_resume()");
	standby_catch_up();
	r = unit_stats(true);
	assert_int_equal(r->status, 200);
	cJSON *item = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0);
	assert_int_equal(cJSON_GetObjectItem(item, "visits")->valuedouble, 3);
	api_free(r);
	passed++;
}

static void test_standby_stopped_is_503_and_the_primarys_routes_answer(void **state)
{
	(void)state;
	assert_int_equal(
	    api_sh("runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D '%s/data'"
		   " -w stop -m fast >/dev/null",
		   sdir),
	    0);
	struct api_resp *r = unit_stats(true);
	api_assert_problem(r, 503, "replica-unavailable");
	api_assert_header(r, "Content-Type", "application/problem+json");
	assert_non_null(strstr(api_json_str(r, "detail"), "只读副本"));
	api_free(r);
	cJSON *rep = health_replica();
	assert_string_equal(cJSON_GetObjectItem(rep, "state")->valuestring, "unavailable");
	cJSON_Delete(rep);
	/* the report runs are read on the primary: the session too, then */
	char url[256];
	snprintf(url, sizeof(url), "%s/api/v1/reporting/report-runs", base);
	r = api_session_call(&city, "GET", url, NULL);
	assert_int_equal(r->status, 200);
	api_free(r);
	passed++;
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_healthy_standby_answers_the_primarys_figures),
	    cmocka_unit_test(test_session_looked_up_on_the_standby_without_a_write),
	    cmocka_unit_test(test_paused_replay_beyond_the_setting_is_503_with_the_lag),
	    cmocka_unit_test(test_standby_stopped_is_503_and_the_primarys_routes_answer),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
