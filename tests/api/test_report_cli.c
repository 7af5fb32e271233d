/* `ruqima report run|run-scheduled|list` against the real stack: the test registers visits
 * through the API (two units, two enterprises, a joint inspection, ratings of which one is
 * anonymous and one 不满意, a registration withdrawn) and moves them into March 2025, a month
 * no other test uses, so that every report of that month is exactly what the test did. Each
 * report's CSV is compared with the figures the test knows from its own actions (not from the
 * reports' SQL), the XLSX is read back with openpyxl and must hold the same cells, and every run is
 * recorded in rq.report_runs with the files' SHA-256 and audited. */
#include "api.h"
#include "api_register.h"
#include "eval_support.h"
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FROM "2025-03-01"
#define TO   "2025-03-31"

static struct {
	struct ev_scene one; /* unit U1, enterprise E1, its official and manager */
	struct vs_scene two; /* unit U2, enterprise E2, its official */
	char *inspection;    /* U1's joint inspection of E1 with U2 */
	char dir[64];	     /* --output of the runs */
} w;

static void register_month(void)
{
	ev_scene_new(&w.one);
	vs_scene_new(&w.two);
	char *rated = ev_confirmed_visit(&w.one);
	struct api_resp *r = ev_rate(w.one.manager, rated, "satisfied", NULL, true, false);
	assert_int_equal(r->status, 201);
	api_free(r);
	char *unhappy = ev_confirmed_visit(&w.one);
	r = ev_rate(w.one.manager, unhappy, "unsatisfied", "检查时态度生硬", false, false);
	assert_int_equal(r->status, 201);
	api_free(r);
	cJSON *b = vs_body(w.one.s.ent.token, "inspection");
	vs_body_str(b, "joint_kind", "joint");
	vs_body_exemption(b, "complaint_report"); /* today may be a quiet day */
	cJSON *units = cJSON_AddArrayToObject(b, "participating_unit_ids");
	cJSON_AddItemToArray(units, cJSON_CreateString(w.two.unit.id));
	w.inspection = vs_register_ok(w.one.s.off.bearer, b);
	cJSON_Delete(b);
	b = vs_body(w.one.s.ent.token, "research");
	char *research = vs_register_ok(w.two.off.bearer, b);
	cJSON_Delete(b);
	b = vs_body(w.two.ent.token, "visit");
	char *own = vs_register_ok(w.two.off.bearer, b);
	/* registered twice by mistake, withdrawn: no report counts it (nor its flag) */
	char *twice = vs_register_ok(w.two.off.bearer, b);
	cJSON_Delete(b);
	r = vs_call("POST", vs_path(twice, "/withdraw"), w.two.off.bearer,
		    "{\"reason\":\"重复登记\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	const char *ids[] = {rated, unhappy, w.inspection, research, own, twice};
	for (int i = 0; i < 6; i++)
		vs_visit_move(ids[i], "2025-03-10 10:00:00+08");
	free(twice);
	free(rated);
	free(unhappy);
	free(research);
	free(own);
}

static int setup(void **state)
{
	(void)state;
	register_month();
	snprintf(w.dir, sizeof(w.dir), "/tmp/rq-test-report-XXXXXX");
	return mkdtemp(w.dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tc_remove_tree(w.dir);
	free(w.inspection);
	vs_scene_free(&w.two);
	ev_scene_free(&w.one);
	return 0;
}

/* Runs `ruqima report run NAME` for March 2025 into w.dir; must succeed. Returns the run's
 * id (static buffer). */
static const char *run(const char *name, const char *extra)
{
	char args[512], *out;
	snprintf(args, sizeof(args), "report run %s --from " FROM " --to " TO " --output '%s' %s",
		 name, w.dir, extra);
	int st = api_cli(args, &out);
	if (st != 0)
		fail_msg("%s: exit %d: %s", args, st, out);
	free(out);
	const char *p[] = {name};
	static char id[32];
	char *v = api_owner_value("SELECT max(id) FROM rq.report_runs WHERE report = $1", 1, p);
	assert_non_null(v);
	snprintf(id, sizeof(id), "%s", v);
	free(v);
	return id;
}

/* The file of run id in format (a path in w.dir, static buffer). */
static const char *file_of(const char *id, const char *format)
{
	const char *p[] = {id, format};
	char *name = api_owner_value("SELECT f ->> 'name' FROM rq.report_runs r,"
				     " jsonb_array_elements(r.files) f"
				     " WHERE r.id = $1::bigint AND f ->> 'format' = $2",
				     2, p);
	assert_non_null(name);
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", w.dir, name);
	free(name);
	return path;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("%s is missing", path);
	char *s = tc_read_all(f, NULL);
	fclose(f);
	return s;
}

/* The CSV must be exactly want (after the BOM), and the XLSX of the same run must hold the
 * same cells: numbers as numbers, an empty CSV cell as an empty XLSX cell. */
static void assert_files(const char *id, const char *want)
{
	char *csv = read_file(file_of(id, "csv"));
	assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
	assert_string_equal(csv + 3, want);
	free(csv);
	char xlsx[256], cmd[2048];
	snprintf(xlsx, sizeof(xlsx), "%s", file_of(id, "xlsx")); /* file_of reuses its buffer */
	snprintf(
	    cmd, sizeof(cmd),
	    "/usr/bin/python3 - '%s' '%s' <<'EOF'\n"
	    "import csv, sys, openpyxl\n"
	    "rows = list(csv.reader(open(sys.argv[2], encoding='utf-8-sig', newline='')))\n"
	    "wb = openpyxl.load_workbook(sys.argv[1])\n"
	    "d = wb['数据']\n"
	    "assert wb.sheetnames == ['说明', '数据'], wb.sheetnames\n"
	    "assert d.freeze_panes == 'A2' and d['A1'].font.b\n"
	    "got = [[c.value for c in r] for r in d.iter_rows()]\n"
	    "assert len(got) == len(rows), (len(got), len(rows))\n"
	    "for g, c in zip(got, rows):\n"
	    "    for x, y in zip(g, c):\n"
	    "        if x is None: assert y == '', (x, y)\n"
	    "        elif isinstance(x, (int, float)): assert abs(x - float(y)) < 1e-9, (x, y)\n"
	    "        else: assert str(x) == y, (x, y)\n"
	    "cover = {r[0].value: r[1].value for r in wb['说明'].iter_rows(min_row=3)}\n"
	    "assert cover['期间'] == '" FROM " 至 " TO "', cover\n"
	    "assert cover['行数'] == str(len(rows) - 1), cover\n"
	    "print('same')\n"
	    "EOF",
	    xlsx, file_of(id, "csv"));
	int st;
	char *out = tc_run(cmd, NULL, &st);
	if (st != 0)
		fail_msg("XLSX of run %s differs from its CSV: %s", id, out);
	free(out);
}

static void test_unit_activity_counts_joint_inspections_per_unit(void **state)
{
	(void)state;
	const char *id = run("unit_activity", "");
	char want[2048];
	/* U1 led four (two visits, one inspection, rated: one 满意 anonymous, one 不满意);
	 * U2 led two (a research at E1, a visit at E2) and joined U1's inspection once */
	snprintf(
	    want, sizeof(want),
	    "单位,所属县区,牵头入企次数,参观访问,调研帮扶,执法检查,参与联合检查次数,涉及企业数,"
	    "已评价,满意率,不满意\r\n"
	    "%s,市直,3,2,0,1,0,1,2,0.5000,1\r\n"
	    "%s,市直,2,1,1,0,1,2,0,,0\r\n",
	    w.one.s.unit.name, w.two.unit.name);
	assert_files(id, want);
}

static void test_enterprise_frequency_ranks_by_visits(void **state)
{
	(void)state;
	const char *id = run("enterprise_frequency", "");
	char want[2048];
	snprintf(want, sizeof(want),
		 "排名,企业名称,统一社会信用代码或项目代码,县区,入企次数,其中执法检查,入企单位数,"
		 "最近一次入企时间\r\n"
		 "1,%s,%s,浉河区,4,1,2,2025-03-10 10:00\r\n"
		 "2,%s,%s,浉河区,1,0,1,2025-03-10 10:00\r\n",
		 w.one.s.ent.m.name, w.one.s.ent.m.uscc, w.two.ent.m.name, w.two.ent.m.uscc);
	assert_files(id, want);
}

static void test_ratings_count_anonymous_without_naming(void **state)
{
	(void)state;
	const char *id = run("ratings", "--county 411502");
	char want[2048];
	snprintf(
	    want, sizeof(want),
	    "县区,单位,入企次数,已评价,满意,基本满意,不满意,满意率,匿名评价,异议,未扫码举报\r\n"
	    "浉河区,%s,3,2,1,0,1,0.5000,1,0,0\r\n"
	    "浉河区,%s,2,0,0,0,0,,0,0,0\r\n",
	    w.one.s.unit.name, w.two.unit.name);
	assert_files(id, want);
	/* no column of any report names a rater */
	char *csv = read_file(file_of(id, "csv"));
	assert_null(strstr(csv, "评价人"));
	free(csv);
}

static void test_flags_list_each_flagged_visit(void **state)
{
	(void)state;
	const char *id = run("visit_flags", "--format csv");
	/* what the registrations stored, recomputed here without the report's SQL */
	int64_t flagged = api_owner_int("SELECT count(*) FROM rq.visits v"
					" WHERE v.entered_at >= '2025-03-01 00:00+08'"
					" AND v.entered_at < '2025-04-01 00:00+08'"
					" AND cardinality(v.flags) > 0 AND v.withdrawn_at IS NULL",
					0, NULL);
	assert_true(flagged >= 1); /* the repeated visits of U1 at E1 on one day */
	/* the registration withdrawn was flagged (U2's second visit of E2 that day), and is
	 * not reported */
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.visits v"
			  " WHERE v.entered_at >= '2025-03-01 00:00+08'"
			  " AND v.entered_at < '2025-04-01 00:00+08'"
			  " AND cardinality(v.flags) > 0 AND v.withdrawn_at IS NOT NULL",
			  0, NULL),
	    1);
	char *csv = read_file(file_of(id, "csv"));
	long lines = 0;
	for (const char *p = csv; (p = strstr(p, "\r\n")) != NULL; p += 2)
		lines++;
	assert_int_equal(lines - 1, flagged);
	assert_non_null(strstr(csv, "超每日频次提醒"));
	free(csv);
	/* --format csv: no XLSX */
	const char *p[] = {id};
	assert_int_equal(api_owner_int("SELECT jsonb_array_length(files) FROM rq.report_runs"
				       " WHERE id = $1::bigint",
				       1, p),
			 1);
}

/* Every run: a row with the parameters, rows, each file's SHA-256 as sha256sum computes it,
 * who ran it; and the audit trail of its writes. */
static void test_runs_are_recorded_and_audited(void **state)
{
	(void)state;
	const char *id = run("unit_activity", "--county 411502");
	const char *p[] = {id};
	char *row = api_owner_value("SELECT concat_ws('|', report, period_from, period_to,"
				    " county_code, trigger, status, rows, finished_at IS NOT NULL)"
				    " FROM rq.report_runs WHERE id = $1::bigint",
				    1, p);
	assert_string_equal(row, "unit_activity|2025-03-01|2025-03-31|411502|cli|done|2|t");
	free(row);
	for (int i = 0; i < 2; i++) {
		const char *format = i == 0 ? "csv" : "xlsx";
		char cmd[512];
		snprintf(cmd, sizeof(cmd), "sha256sum '%s' | cut -c1-64", file_of(id, format));
		int st;
		char *sum = tc_run(cmd, NULL, &st);
		sum[strcspn(sum, "\n")] = '\0';
		const char *q[] = {id, format};
		char *recorded = api_owner_value("SELECT f ->> 'sha256' FROM rq.report_runs r,"
						 " jsonb_array_elements(r.files) f"
						 " WHERE r.id = $1::bigint AND f ->> 'format' = $2",
						 2, q);
		assert_string_equal(recorded, sum);
		free(recorded);
		free(sum);
	}
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log WHERE table_name ="
			  " 'rq.report_runs' AND row_pk = $1 AND request_id = 'cli-report'",
			  1, p),
	    2); /* started, then finished */
}

/* The monthly timer's command: every monthly report for the month before --date, into the
 * state directory's uploads/reports/, recorded as the timer's. */
static void test_run_scheduled_monthly(void **state)
{
	(void)state;
	int64_t before = api_owner_int("SELECT count(*) FROM rq.report_runs WHERE trigger ="
				       " 'schedule' AND period_from = '" FROM "'",
				       0, NULL);
	char *out;
	int st = api_cli("report run-scheduled monthly --date 2025-04-15", &out);
	if (st != 0)
		fail_msg("run-scheduled: exit %d: %s", st, out);
	free(out);
	char *list;
	assert_int_equal(api_cli("report list", &list), 0);
	int monthly = 0;
	for (const char *p = list; (p = strstr(p, "monthly")) != NULL; p++)
		monthly++;
	free(list);
	assert_true(monthly >= 4);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.report_runs WHERE trigger ="
				       " 'schedule' AND started_by = 'timer:monthly' AND status ="
				       " 'done' AND period_from = '" FROM "' AND period_to = '" TO
				       "'",
				       0, NULL) -
			     before,
			 monthly);
	char *name = api_owner_value("SELECT f ->> 'name' FROM rq.report_runs r,"
				     " jsonb_array_elements(r.files) f WHERE r.trigger = 'schedule'"
				     " ORDER BY r.id DESC LIMIT 1",
				     0, NULL);
	char path[512];
	snprintf(path, sizeof(path), "%s/uploads/reports/%s", api_env("RUQIMA_TEST_STATE_DIR"),
		 name);
	assert_int_equal(access(path, R_OK), 0);
	free(name);
}

/* Bad parameters: a clear message, exit 2 (usage) or 1, and no run recorded. */
static void test_bad_parameters_record_nothing(void **state)
{
	(void)state;
	/* the runs of the periods below (other tests run reports meanwhile under ctest -j) */
	const char *count = "SELECT count(*) FROM rq.report_runs"
			    " WHERE period_from BETWEEN '2025-02-01' AND '2025-04-30'";
	int64_t runs = api_owner_int(count, 0, NULL);
	static const struct {
		const char *args, *says;
		int status;
	} bad[] = {
	    {"report run no_such_report --from 2025-03-01 --to 2025-03-31", "no report named", 2},
	    {"report run ratings --from 2025-02-30 --to 2025-03-31", "YYYY-MM-DD", 2},
	    {"report run ratings --from 2025-04-01 --to 2025-03-31", "after --to", 2},
	    {"report run ratings --from 2025-03-01 --to 2025-03-31 --format pdf", "xlsx nor csv",
	     2},
	    {"report run ratings --from 2025-03-01 --to 2025-03-31 --county 419999", "not a region",
	     1},
	    {"report run ratings --from 2025-03-01", "YYYY-MM-DD", 2},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out;
		int st = api_cli(bad[i].args, &out);
		if (st != bad[i].status || strstr(out, bad[i].says) == NULL)
			fail_msg("%s: exit %d, said: %s", bad[i].args, st, out);
		free(out);
	}
	assert_int_equal(api_owner_int(count, 0, NULL), runs);
}

/* A run kept in the state directory (no --output): its id (static buffer). */
static const char *run_stored(const char *name, const char *extra)
{
	char args[512], *out;
	snprintf(args, sizeof(args), "report run %s --from " FROM " --to " TO " %s", name, extra);
	int st = api_cli(args, &out);
	if (st != 0)
		fail_msg("%s: exit %d: %s", args, st, out);
	free(out);
	static char id[32];
	char *v = api_owner_value("SELECT max(id) FROM rq.report_runs", 0, NULL);
	snprintf(id, sizeof(id), "%s", v);
	free(v);
	return id;
}

static long status_of(const struct api_session *s, const char *path)
{
	struct api_resp *r = api_session_call(s, "GET", path, NULL);
	long st = r->status;
	api_free(r);
	return st;
}

/* The portal hands out a run's files to the roles that see the run, through nginx, exactly
 * as written; a county admin sees its county's runs only; other roles get 403, and a run
 * written elsewhere (--output), another format or another id 404. */
static void test_portal_downloads_in_scope(void **state)
{
	(void)state;
	char city_run[32], county_run[32], elsewhere[32], path[160];
	snprintf(city_run, sizeof(city_run), "%s", run_stored("unit_activity", ""));
	snprintf(county_run, sizeof(county_run), "%s", run_stored("ratings", "--county 411502"));
	snprintf(elsewhere, sizeof(elsewhere), "%s", run("ratings", ""));
	struct api_session city, analyst, county, other_county, market;
	api_session_login(&city, "rep-city", "city_admin", NULL);
	api_session_login(&analyst, "rep-analyst", "judicial_analyst", NULL);
	api_session_login(&county, "rep-county", "county_admin", "411502");
	api_session_login(&other_county, "rep-county2", "county_admin", "411503");
	api_session_login(&market, "rep-market", "market_supervision", NULL);

	snprintf(path, sizeof(path), "/api/v1/reporting/report-runs/%s/files/csv", city_run);
	struct api_resp *r = api_session_call(&city, "GET", path, NULL);
	assert_int_equal(r->status, 200);
	char file[512];
	const char *p[] = {city_run};
	char *name = api_owner_value("SELECT f ->> 'name' FROM rq.report_runs r,"
				     " jsonb_array_elements(r.files) f"
				     " WHERE r.id = $1::bigint AND f ->> 'format' = 'csv'",
				     1, p);
	snprintf(file, sizeof(file), "%s/uploads/reports/%s", api_env("RUQIMA_TEST_STATE_DIR"),
		 name);
	char *disk = read_file(file);
	assert_int_equal(r->len, strlen(disk));
	assert_memory_equal(r->body, disk, r->len);
	char *disposition = api_header(r, "Content-Disposition");
	assert_non_null(strstr(disposition, name));
	free(disposition);
	free(disk);
	free(name);
	api_free(r);
	snprintf(path, sizeof(path), "/api/v1/reporting/report-runs/%s/files/xlsx", city_run);
	r = api_session_call(&analyst, "GET", path, NULL);
	assert_int_equal(r->status, 200);
	assert_memory_equal(r->body, "PK\x03\x04", 4);
	api_free(r);

	/* the list: the city's roles see every run with its download paths; a county admin
	 * its county's run and not the city's */
	r = api_session_call(&city, "GET", "/api/v1/reporting/report-runs?report=unit_activity",
			     NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, path));
	api_free(r);
	r = api_session_call(&county, "GET", "/api/v1/reporting/report-runs", NULL);
	assert_int_equal(r->status, 200);
	char want[160];
	snprintf(want, sizeof(want), "/api/v1/reporting/report-runs/%s/files/csv", county_run);
	assert_non_null(strstr(r->body, want));
	snprintf(want, sizeof(want), "/report-runs/%s/", city_run);
	assert_null(strstr(r->body, want));
	api_free(r);
	assert_int_equal(status_of(&county, path), 404); /* the city's run */
	snprintf(path, sizeof(path), "/api/v1/reporting/report-runs/%s/files/csv", county_run);
	assert_int_equal(status_of(&county, path), 200);
	assert_int_equal(status_of(&other_county, path), 404);
	assert_int_equal(status_of(&market, path), 403);
	assert_int_equal(status_of(&market, "/api/v1/reporting/report-runs"), 403);
	r = api_get(path, NULL);
	assert_int_equal(r->status, 401);
	api_free(r);

	/* nothing to hand out: written elsewhere, a format that does not exist, no such run */
	snprintf(path, sizeof(path), "/api/v1/reporting/report-runs/%s/files/csv", elsewhere);
	r = api_session_call(&city, "GET", path, NULL);
	api_assert_problem(r, 404, "not-found");
	assert_non_null(strstr(api_json_str(r, "detail"), "csv"));
	api_free(r);
	snprintf(path, sizeof(path), "/api/v1/reporting/report-runs/%s/files/pdf", city_run);
	assert_int_equal(status_of(&city, path), 404);
	assert_int_equal(status_of(&city, "/api/v1/reporting/report-runs/x1/files/csv"), 404);
	assert_int_equal(status_of(&city, "/api/v1/reporting/report-runs/999999999/files/csv"),
			 404);
	api_session_end(&city);
	api_session_end(&analyst);
	api_session_end(&county);
	api_session_end(&other_county);
	api_session_end(&market);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unit_activity_counts_joint_inspections_per_unit),
	    cmocka_unit_test(test_enterprise_frequency_ranks_by_visits),
	    cmocka_unit_test(test_ratings_count_anonymous_without_naming),
	    cmocka_unit_test(test_flags_list_each_flagged_visit),
	    cmocka_unit_test(test_runs_are_recorded_and_audited),
	    cmocka_unit_test(test_run_scheduled_monthly),
	    cmocka_unit_test(test_bad_parameters_record_nothing),
	    cmocka_unit_test(test_portal_downloads_in_scope),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
