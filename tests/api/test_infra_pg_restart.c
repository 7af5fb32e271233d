/* PostgreSQL going away and coming back (app/DESIGN.md §3: the connection is re-established when
 * lost). While the database is down every pool answers 503 problem+json with Retry-After,
 * sessions stay valid and nothing is half-written; once it is back the same pools (no
 * restart) answer 200 within a second and write again. What the database says besides
 * results (notices) reaches the pools' logs as JSON lines.
 *
 * This test stops the stack's PostgreSQL: its teardown starts it again and waits for all
 * five pools to be healthy, whatever happened in the test. */
#include "api.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int pg_ctl(const char *action)
{
	return api_sh("%s %s >/dev/null 2>&1", api_env("RUQIMA_TEST_PG_CTL"), action);
}

/* Teardown: the database runs and the pools are healthy again, whatever the test did. */
static int restore_stack(void **state)
{
	(void)state;
	if (pg_ctl("status") != 0 && pg_ctl("start") != 0) {
		fprintf(stderr, "test_infra_pg_restart: could not start PostgreSQL again\n");
		return -1;
	}
	if (api_wait_all_healthy(30, 3) < 0) {
		fprintf(stderr, "test_infra_pg_restart: pools not healthy 30 s after restore\n");
		return -1;
	}
	return 0;
}

/* Asserts a 503 "unavailable" problem from the pool itself (not nginx's 502/503), with a
 * Retry-After of at least one second and the request id. */
static void assert_unavailable(const struct api_resp *r, const char *what)
{
	if (r->status != 503)
		fail_msg("%s while the database is down: %ld %s", what, r->status, r->body);
	api_assert_problem(r, 503, "unavailable");
	char *ra = api_header(r, "Retry-After");
	if (ra == NULL)
		fail_msg("%s: 503 without Retry-After", what);
	char *end;
	errno = 0;
	long secs = strtol(ra, &end, 10);
	if (errno != 0 || end == ra || *end != '\0' || secs < 1)
		fail_msg("%s: Retry-After \"%s\" is not a whole number of seconds >= 1", what, ra);
	free(ra);
	char *id = api_request_id(r);
	assert_non_null(api_json_str(r, "request_id"));
	assert_string_equal(api_json_str(r, "request_id"), id);
	free(id);
}

static void test_database_restart(void **state)
{
	(void)state;
	long sup[API_NFAMILIES];
	for (size_t i = 0; i < API_NFAMILIES; i++) {
		sup[i] = api_supervisor_pid(api_families[i]);
		assert_true(api_runs_pool(sup[i], api_families[i]));
	}
	if (api_wait_all_healthy(15, 2) < 0)
		fail_msg("the stack is not healthy before the test");
	/* A session opened before the outage. */
	const char *openid = api_unique("infra-pg-before");
	char *token = api_wx_login(openid);
	struct api_resp *r = api_get("/api/v1/auth/me", token);
	assert_int_equal(r->status, 200);
	char *account_id = strdup(api_json_str(r, "account.id"));
	api_free(r);

	if (pg_ctl("stop -m fast") != 0)
		fail_msg("could not stop PostgreSQL with %s", api_env("RUQIMA_TEST_PG_CTL"));
	assert_int_not_equal(pg_ctl("status"), 0);

	/* Every pool, every worker (several requests each): 503 unavailable. */
	for (size_t i = 0; i < API_NFAMILIES; i++)
		for (int k = 0; k < 4; k++) {
			char path[128];
			snprintf(path, sizeof(path), "/api/v1/%s/health", api_families[i]);
			r = api_get(path, NULL);
			assert_unavailable(r, path);
			api_free(r);
		}
	/* A valid session is not turned into a 401 by the outage: the client must retry,
	 * not log the user out. */
	r = api_get("/api/v1/auth/me", token);
	assert_unavailable(r, "GET /api/v1/auth/me");
	api_free(r);
	/* A login during the outage: WeChat vouches for the user, the account cannot be
	 * written, the answer says so. */
	const char *during = api_unique("infra-pg-during");
	char body[256];
	snprintf(body, sizeof(body), "{\"code\":\"ok:%s\"}", during);
	r = api_post_json("/api/v1/auth/wx-login", body, NULL);
	assert_unavailable(r, "POST /api/v1/auth/wx-login");
	api_free(r);
	r = api_post_json("/api/v1/admin/login", "{\"username\":\"nobody\",\"password\":\"x\"}",
			  NULL);
	assert_unavailable(r, "POST /api/v1/admin/login");
	api_free(r);
	/* Errors that need no database are still answered as such. */
	r = api_get("/api/v1/admin/nope", NULL);
	api_assert_problem(r, 404, "not-found");
	api_free(r);

	/* Back up: the pools reconnect by themselves within 15 s. */
	double started = api_now();
	if (pg_ctl("start") != 0)
		fail_msg("could not start PostgreSQL again");
	double took = api_wait_all_healthy(15 - (api_now() - started), 4);
	if (took < 0)
		fail_msg("not all five pools answered 200 within 15 s of the database's restart");

	/* No pool was restarted to get there. */
	for (size_t i = 0; i < API_NFAMILIES; i++) {
		if (!api_runs_pool(sup[i], api_families[i]))
			fail_msg("the %s pool's supervisor %ld is gone", api_families[i], sup[i]);
	}

	/* The session from before the outage still works and is still that account. */
	r = api_get("/api/v1/auth/me", token);
	if (r->status != 200)
		fail_msg("GET /auth/me after the restart: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "account.id"), account_id);
	api_free(r);

	/* Nothing was written for the login refused during the outage; writes work again. */
	assert_int_equal(api_accounts_with_openid(during), 0);
	const char *after = api_unique("infra-pg-after");
	char *token2 = api_wx_login(after);
	assert_int_equal(api_accounts_with_openid(after), 1);
	free(token2);
	free(token);
	free(account_id);
}

/* Polls every 100 ms for up to secs until every worker of every pool holds a database
 * connection (pg_stat_activity, by application_name). A worker still in the reconnect
 * back-off of an earlier outage (up to 0.5 s, lib/rq_db.c) has none; each round sends every
 * pool a health request, on which such a worker connects again once its back-off is over. */
static bool all_workers_connected(double secs)
{
	char families[256] = "{";
	for (size_t i = 0; i < API_NFAMILIES; i++)
		snprintf(families + strlen(families), sizeof(families) - strlen(families), "%s%s",
			 i > 0 ? "," : "", api_families[i]);
	snprintf(families + strlen(families), sizeof(families) - strlen(families), "}");
	const char *params[] = {families, api_env("RUQIMA_WORKERS")};
	double deadline = api_now() + secs;
	for (;;) {
		int64_t short_pools = api_owner_int(
		    "SELECT count(*) FROM unnest($1::text[]) f WHERE (SELECT count(*)"
		    " FROM pg_stat_activity a WHERE a.application_name = 'ruqima-' || f) < $2::int",
		    2, params);
		if (short_pools == 0)
			return true;
		if (api_now() > deadline)
			return false;
		for (size_t i = 0; i < API_NFAMILIES; i++)
			(void)api_health_status(api_families[i]);
		usleep(100 * 1000);
	}
}

/* A restart while no request runs: every worker holds a connection that died in its idle
 * time. Each fails its next statement, but that is the BEGIN, before anything of the
 * request was sent, so the worker reconnects and retries it: clients see no error at all
 * (lib/rq_db.c, send_steps). */
static void test_restart_between_requests_is_invisible(void **state)
{
	(void)state;
	if (api_wait_all_healthy(15, 4) < 0)
		fail_msg("the stack is not healthy before the test");
	if (!all_workers_connected(15))
		fail_msg("not every worker holds a database connection 15 s before the test");
	if (pg_ctl("stop -m fast") != 0 || pg_ctl("start") != 0)
		fail_msg("could not restart PostgreSQL with %s", api_env("RUQIMA_TEST_PG_CTL"));

	/* No request in between: the first ones after the restart must all succeed. */
	for (size_t i = 0; i < API_NFAMILIES; i++)
		for (int k = 0; k < 4; k++) {
			char path[128];
			snprintf(path, sizeof(path), "/api/v1/%s/health", api_families[i]);
			struct api_resp *r = api_get(path, NULL);
			if (r->status != 200)
				fail_msg("%s, request %d after the restart: %ld %s", path, k + 1,
					 r->status, r->body);
			api_free(r);
		}
	const char *openid = api_unique("infra-pg-idle");
	char *token = api_wx_login(openid);
	assert_int_equal(api_accounts_with_openid(openid), 1);
	free(token);
}

/* The database back after an outage long enough for the reconnect back-off to reach its
 * longest: the pools answer 200 again within a second of PostgreSQL accepting connections
 * (issue 16: 503s went on for 2.8 s). */
static void test_back_within_a_second(void **state)
{
	(void)state;
	if (api_wait_all_healthy(15, 4) < 0)
		fail_msg("the stack is not healthy before the test");
	if (pg_ctl("stop -m fast") != 0)
		fail_msg("could not stop PostgreSQL");
	/* clients keep asking for 8 s: every worker tries, and backs off, again and again */
	double until = api_now() + 8;
	while (api_now() < until)
		for (size_t i = 0; i < API_NFAMILIES; i++)
			(void)api_health_status(api_families[i]);
	if (pg_ctl("start") != 0) /* returns once PostgreSQL accepts connections */
		fail_msg("could not start PostgreSQL again");
	/* every family asked in turn until each answered 200 four times in a row (both workers,
	 * most likely); the last 503 is what the clients saw of the back-off, whatever the
	 * requests themselves cost on a loaded machine */
	double back = api_now(), last_503 = back;
	int streak[API_NFAMILIES] = {0};
	for (int done = 0; done < API_NFAMILIES;) {
		if (api_now() - back > 15)
			fail_msg("not all five pools answered 200 within 15 s of the restart");
		done = 0;
		for (size_t i = 0; i < API_NFAMILIES; i++) {
			if (streak[i] >= 4) {
				done++;
				continue;
			}
			long status = api_health_status(api_families[i]);
			streak[i] = status == 200 ? streak[i] + 1 : 0;
			if (status == 503)
				last_503 = api_now();
		}
	}
	if (last_503 - back > 1.0)
		fail_msg("the pools answered 503 for %.2f s after PostgreSQL was back",
			 last_503 - back);
}

/* Runs sql as the database superuser (the stack's cluster). */
static void superuser_sql(const char *sql)
{
	int rc = api_sh("runuser -u postgres -- psql -X -q -h '%s' -p '%s' -d ruqima -c \"%s\""
			" >/dev/null",
			api_env("RUQIMA_TEST_PG_SOCKET_DIR"), api_env("RUQIMA_TEST_PG_PORT"), sql);
	assert_int_equal(rc, 0);
}

/* The lines of file from byte offset on: each must be one JSON object (a raw libpq notice
 * such as "DEBUG:  StartTransaction..." is not). Returns how many have msg equal to msg. */
static int json_lines_since(const char *file, long offset, const char *msg)
{
	FILE *f = fopen(file, "r");
	assert_non_null(f);
	assert_int_equal(fseek(f, offset, SEEK_SET), 0);
	char line[16384];
	int n = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		cJSON *j = cJSON_Parse(line);
		if (j == NULL || !cJSON_IsObject(j))
			fail_msg("%s has a line that is not JSON: %s", file, line);
		const char *m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "msg"));
		if (m != NULL && strcmp(m, msg) == 0)
			n++;
		cJSON_Delete(j);
	}
	fclose(f);
	return n;
}

/* What the database says besides results (notices, warnings, debug messages) reaches the
 * pool's log as JSON lines of their own, never as raw libpq text between them. */
static void test_database_notices_are_json_lines(void **state)
{
	(void)state;
	char log[512];
	snprintf(log, sizeof(log), "%s/admin.log", api_env("RUQIMA_TEST_LOG_DIR"));
	FILE *f = fopen(log, "r");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long offset = ftell(f);
	fclose(f);
	/* the admin pool's next connections hear every debug message of their statements */
	superuser_sql("ALTER ROLE ruqima_admin SET client_min_messages = debug5");
	superuser_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
		      " WHERE application_name = 'ruqima-admin'");
	for (int i = 0; i < 4; i++)
		(void)api_health_status("admin");
	superuser_sql("ALTER ROLE ruqima_admin RESET client_min_messages");
	superuser_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
		      " WHERE application_name = 'ruqima-admin'");
	if (api_wait_all_healthy(15, 4) < 0)
		fail_msg("the stack is not healthy after the test");
	/* logs are written with a buffer: the notices' own lines, once they are there */
	assert_true(api_file_has_line_soon(log, "StartTransaction", NULL, 5));
	assert_true(json_lines_since(log, offset, "database notice") > 0);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_database_restart, restore_stack),
	    cmocka_unit_test_teardown(test_restart_between_requests_is_invisible, restore_stack),
	    cmocka_unit_test_teardown(test_back_within_a_second, restore_stack),
	    cmocka_unit_test_teardown(test_database_notices_are_json_lines, restore_stack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
