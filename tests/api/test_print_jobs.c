/* Batch printing from the portal: market supervision queues a print job (202), the runner
 * `ruqima codes print-jobs run --once` builds the ZIP with the code path of `ruqima codes
 * print` into the state directory's uploads/print/ (0640, group www-data), the job is then
 * done, and its download goes through nginx (X-Accel-Redirect) as a real ZIP of posters,
 * slips and manifest.csv. Before that the download answers 409; county admins and
 * mini-program accounts are refused, and row-level security hides every job from them. */
#include "api.h"
#include "api_register.h"
#include "codes_support.h"

#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Rarely used by the other tests; every code of it is marked printed first, so that a job
 * with only_unprinted covers exactly this test's enterprises. */
#define COUNTY "411527"

/* A portal session of the given role (see api_session_login). */
static void login(struct api_session *s, const char *role, const char *county)
{
	api_session_login(s, "printjob", role, county);
}

static const char *job_path(const char *id, const char *suffix)
{
	static char path[160];
	snprintf(path, sizeof(path), "/api/v1/admin/codes/print-jobs/%s%s", id, suffix);
	return path;
}

static void job_is_built_and_downloaded_through_nginx(void **state)
{
	(void)state;
	ct_owner_write("UPDATE rq.codes c SET printed_at = now() FROM rq.enterprises e"
		       " WHERE e.id = c.enterprise_id AND e.county_code = '" COUNTY "'"
		       " AND c.printed_at IS NULL",
		       0, NULL);
	struct ct_enterprise e[2];
	char serial[2][32];
	for (int i = 0; i < 2; i++) {
		ct_enterprise_new(&e[i], COUNTY, "normal", true);
		ct_issue(e[i].uscc);
		const char *p[] = {e[i].id};
		char *s = api_owner_value("SELECT serial FROM rq.codes WHERE enterprise_id ="
					  " $1::bigint AND status = 'active'",
					  1, p);
		snprintf(serial[i], sizeof(serial[i]), "%s", s);
		free(s);
	}
	struct api_session ms;
	login(&ms, "market_supervision", NULL);

	struct api_resp *r =
	    api_session_call(&ms, "POST", "/api/v1/admin/codes/print-jobs",
			     "{\"county_code\":\"41\",\"only_unprinted\":\"yes\"}");
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "county_code");
	api_assert_error_field(r, "only_unprinted");
	api_free(r);
	r = api_session_call(&ms, "POST", "/api/v1/admin/codes/print-jobs",
			     "{\"county_code\":\"419999\"}");
	assert_int_equal(r->status, 422);
	api_free(r);

	r = api_session_call(&ms, "POST", "/api/v1/admin/codes/print-jobs",
			     "{\"county_code\":\"" COUNTY "\",\"only_unprinted\":true}");
	if (r->status != 202)
		fail_msg("queue: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "status"), "queued");
	char *id = strdup(api_json_str(r, "id"));
	assert_int_equal(api_audit_rows_of(r), 1);
	api_free(r);

	/* not done yet: 409 */
	r = api_session_call(&ms, "GET", job_path(id, "/download"), NULL);
	api_assert_problem(r, 409, "print-job-not-done");
	api_free(r);

	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "print-jobs", "run", "--once", NULL});
	if (run.status != 0)
		fail_msg("print-jobs run: exit %d: %s", run.status, run.err);
	ct_run_free(&run);

	r = api_session_call(&ms, "GET", job_path(id, ""), NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "status"), "done");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(r->json, "posters")->valueint, 2);
	api_free(r);

	/* the file: private to the pools' user and nginx's group */
	const char *p[] = {id};
	char *file =
	    api_owner_value("SELECT file_name FROM rq.print_jobs WHERE id = $1::bigint", 1, p);
	char path[1024];
	snprintf(path, sizeof(path), "%s/uploads/print/%s", api_env("RUQIMA_TEST_STATE_DIR"), file);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	struct group *www = getgrnam("www-data");
	if (www != NULL)
		assert_int_equal(st.st_gid, www->gr_gid);

	r = api_session_call(&ms, "GET", job_path(id, "/download"), NULL);
	if (r->status != 200)
		fail_msg("download: %ld %s", r->status, r->body);
	api_assert_header(r, "Content-Type", "application/zip");
	char *disposition = api_header(r, "Content-Disposition");
	assert_non_null(disposition);
	assert_non_null(strstr(disposition, "attachment"));
	assert_non_null(strstr(disposition, file));
	free(disposition);
	char *accel = api_header(r, "X-Accel-Redirect");
	assert_null(accel); /* nginx acts on it and never passes it on */
	assert_true(r->len > 100);
	assert_memory_equal(r->body, "PK\x03\x04", 4);
	char *zip = api_write_temp(r->body, r->len);
	api_free(r);
	char cmd[2048];
	for (int i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd),
			 "unzip -l '%s' | grep -q ' %s.png$' && unzip -l '%s' | grep -q ' "
			 "%s-slip.png$'",
			 zip, serial[i], zip, serial[i]);
		assert_int_equal(api_sh("%s", cmd), 0);
	}
	assert_int_equal(api_sh("unzip -l '%s' | grep -q ' manifest.csv$'", zip), 0);
	assert_int_equal(api_sh("unzip -tq '%s' >/dev/null", zip), 0);
	unlink(zip);
	free(zip);
	free(file);

	/* both codes are marked printed */
	for (int i = 0; i < 2; i++) {
		const char *pe[] = {e[i].id};
		assert_int_equal(api_owner_int("SELECT count(*) FROM rq.codes WHERE enterprise_id ="
					       " $1::bigint AND status = 'active'"
					       " AND printed_at IS NOT NULL",
					       1, pe),
				 1);
	}

	/* a city admin sees every job; a county admin and a mini-program account none */
	struct api_portal city;
	api_portal_login(&city, "printjob-city");
	const char *city_h[] = {city.cookie_header, city.csrf_header, NULL};
	r = api_call("GET", job_path(id, ""), NULL, NULL, city_h);
	assert_int_equal(r->status, 200);
	api_free(r);
	api_portal_free(&city);
	struct api_session county;
	login(&county, "county_admin", COUNTY);
	r = api_session_call(&county, "GET", job_path(id, ""), NULL);
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	r = api_session_call(&county, "GET", job_path(id, "/download"), NULL);
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	r = api_session_call(&county, "POST", "/api/v1/admin/codes/print-jobs",
			     "{\"county_code\":\"" COUNTY "\"}");
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	api_session_end(&county);
	char *bearer = api_wx_login(api_unique("printjob-wx"));
	r = api_get(job_path(id, ""), bearer);
	assert_true(r->status == 401 || r->status == 403);
	api_free(r);
	free(bearer);

	/* row-level security: another role's context sees no job, and cannot queue one */
	PGconn *app = api_db("app");
	api_sql_exec(app, "BEGIN", 0, NULL);
	api_sql_exec(app,
		     "SELECT rq.set_actor('admin', '1', 'county_admin', '" COUNTY "', NULL,"
		     " 'printjob-test', NULL)",
		     0, NULL);
	assert_int_equal(api_sql_int(app, "SELECT count(*) FROM rq.print_jobs", 0, NULL), 0);
	char *sqlstate = api_sql_state(app,
				       "INSERT INTO rq.print_jobs (county_code, requested_by)"
				       " VALUES ('" COUNTY "', 1)",
				       0, NULL);
	assert_string_equal(sqlstate, "42501");
	free(sqlstate);
	api_sql_exec(app, "ROLLBACK", 0, NULL);
	PQfinish(app);

	/* nothing queued any more: the runner has nothing to do */
	ct_cli(&run, (const char *const[]){"codes", "print-jobs", "run", "--once", NULL});
	assert_int_equal(run.status, 0);
	ct_run_free(&run);
	free(id);
	api_session_end(&ms);
}

/* A county code of the right form that is no county of the city: the foreign key of
 * rq.print_jobs.county_code fails, and the answer names the field in Chinese (never the
 * server's text); no job is written. */
static void unknown_county_is_a_validation_error_naming_it(void **state)
{
	(void)state;
	static const char jobs_of_419999[] =
	    "SELECT count(*) FROM rq.print_jobs WHERE county_code = '419999'";
	struct api_session ms;
	login(&ms, "market_supervision", NULL);
	struct api_resp *r = api_session_call(&ms, "POST", "/api/v1/admin/codes/print-jobs",
					      "{\"county_code\":\"419999\"}");
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "county_code");
	cJSON *errors = cJSON_GetObjectItemCaseSensitive(r->json, "errors");
	assert_int_equal(cJSON_GetArraySize(errors), 1);
	cJSON *message = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(errors, 0), "message");
	assert_true(cJSON_IsString(message));
	assert_string_equal(message->valuestring, "不是本市的县区代码");
	const char *detail = api_json_str(r, "detail");
	assert_non_null(detail);
	assert_null(strstr(detail, "foreign key"));
	assert_null(strstr(detail, "regions"));
	assert_null(strstr(r->body, "violates"));
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	assert_int_equal(api_owner_int(jobs_of_419999, 0, NULL), 0);
	api_session_end(&ms);
}

/* The item of the list GET /api/v1/admin/codes/print-jobs with this id, or NULL. */
static const cJSON *listed_job(const struct api_resp *r, const char *id)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		const cJSON *jid = cJSON_GetObjectItemCaseSensitive(it, "id");
		if (cJSON_IsString(jid) && strcmp(jid->valuestring, id) == 0)
			return it;
	}
	return NULL;
}

/* The list of print jobs (the portal's 赋码 › 打印任务): newest first with each job's place in
 * the queue, whose it is, and its posters once done; a status filter; a county admin is
 * refused it like every print-job route. */
static void jobs_are_listed_with_their_place_in_the_queue(void **state)
{
	(void)state;
	struct api_session ms, city;
	login(&ms, "market_supervision", NULL);
	login(&city, "city_admin", NULL);
	char *id[2];
	for (int i = 0; i < 2; i++) {
		struct api_resp *r =
		    api_session_call(&ms, "POST", "/api/v1/admin/codes/print-jobs",
				     "{\"county_code\":\"" COUNTY "\",\"only_unprinted\":true}");
		assert_int_equal(r->status, 202);
		id[i] = strdup(api_json_str(r, "id"));
		api_free(r);
	}
	struct api_resp *r = api_session_call(&ms, "GET", "/api/v1/admin/codes/print-jobs", NULL);
	assert_int_equal(r->status, 200);
	const cJSON *first = listed_job(r, id[0]), *second = listed_job(r, id[1]);
	assert_non_null(first);
	assert_non_null(second);
	/* newest first */
	assert_true(strstr(r->body, id[1]) < strstr(r->body, id[0]));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(first, "mine")));
	/* still queued (no runner on this stack): the second waits behind the first */
	const cJSON *b0 = cJSON_GetObjectItemCaseSensitive(first, "queued_before"),
		    *b1 = cJSON_GetObjectItemCaseSensitive(second, "queued_before");
	if (cJSON_IsNumber(b0) && cJSON_IsNumber(b1))
		assert_true(b1->valueint > b0->valueint);
	api_free(r);
	/* the city admin sees them too, not as theirs */
	r = api_session_call(&city, "GET", "/api/v1/admin/codes/print-jobs?limit=200", NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(listed_job(r, id[0]));
	assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(listed_job(r, id[0]), "mine")));
	api_free(r);

	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "print-jobs", "run", "--once", NULL});
	assert_int_equal(run.status, 0);
	ct_run_free(&run);
	/* another test's runner may have claimed it first: done within seconds either way */
	for (int i = 0; i < 30; i++) {
		r = api_session_call(&ms, "GET", job_path(id[1], ""), NULL);
		bool done = strcmp(api_json_str(r, "status"), "done") == 0;
		api_free(r);
		if (done)
			break;
		sleep(1);
	}
	r = api_session_call(&ms, "GET", "/api/v1/admin/codes/print-jobs?status=done", NULL);
	assert_int_equal(r->status, 200);
	const cJSON *done = listed_job(r, id[1]);
	assert_non_null(done);
	assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(done, "posters")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(done, "queued_before")));
	api_free(r);
	r = api_session_call(&ms, "GET", "/api/v1/admin/codes/print-jobs?status=queued&limit=200",
			     NULL);
	assert_int_equal(r->status, 200);
	assert_null(listed_job(r, id[1]));
	api_free(r);
	r = api_session_call(&ms, "GET", "/api/v1/admin/codes/print-jobs?status=later", NULL);
	api_assert_problem(r, 400, "bad-request");
	api_assert_error_field(r, "status");
	api_free(r);

	struct api_session county;
	login(&county, "county_admin", COUNTY);
	r = api_session_call(&county, "GET", "/api/v1/admin/codes/print-jobs", NULL);
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	api_session_end(&county);
	for (int i = 0; i < 2; i++)
		free(id[i]);
	api_session_end(&ms);
	api_session_end(&city);
}

static void unknown_job_is_not_found(void **state)
{
	(void)state;
	struct api_session ms;
	login(&ms, "market_supervision", NULL);
	struct api_resp *r = api_session_call(&ms, "GET", job_path("999999999", ""), NULL);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	r = api_session_call(&ms, "GET", job_path("x", "/download"), NULL);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	api_session_end(&ms);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(job_is_built_and_downloaded_through_nginx),
	    cmocka_unit_test(unknown_county_is_a_validation_error_naming_it),
	    cmocka_unit_test(jobs_are_listed_with_their_place_in_the_queue),
	    cmocka_unit_test(unknown_job_is_not_found),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
