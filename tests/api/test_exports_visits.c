/* The auditors' export of visits (GET /api/v1/reporting/exports/visits, README "Auditors'
 * export") against the real stack. The test registers visits through the API in September
 * 2024, a month no other test uses (a named rating, two anonymous ones by another manager, a
 * joint inspection whose case was found 属实, a dispute, a withdrawal), and requires: the CSV
 * holds exactly the month's visits as the database has them, read by the test's own SQL; the
 * XLSX holds the same cells (openpyxl); an anonymous rater appears in no export, whoever
 * asks (discipline inspectors included); other roles are refused. The test stack streams at
 * most 30 rows (RUQIMA_EXPORT_STREAM_MAX, tests/stack/start): 35 visits of October 2024
 * become a job, the same one when asked again, that `ruqima exports run` builds and its
 * requester alone then downloads. */
#include "api.h"
#include "api_register.h"
#include "cases_support.h"
#include "rq_sha256.h"
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPORT	 "/api/v1/reporting/exports/visits"
#define SEPT	 "from=2024-09-01&to=2024-09-30"
#define ANON	 "欧阳匿名"
#define ANON_TEL "13600000001"

static struct {
	struct cs_scene s;
	struct vs_unit u2;
	char *anon_manager; /* a second manager of the enterprise: the anonymous rater */
	char *visits[5];    /* named, anonymous, joint, disputed, withdrawn */
	char *joint_case;
	struct api_session analyst, market;
} w;

static struct api_resp *as_admin(const struct cs_admin *a, const char *path)
{
	const char *h[] = {a->p.cookie_header, NULL};
	return api_call("GET", path, NULL, NULL, h);
}

static struct api_resp *as_session(const struct api_session *s, const char *path)
{
	return api_session_call(s, "GET", path, NULL);
}

static void owner_sql(const char *sql, int n, const char *const *p)
{
	PGconn *c = api_owner_tx();
	api_sql_exec(c, sql, n, p);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
}

/* A second manager of the scene's enterprise, with a name and phone of its own. */
static char *second_manager(void)
{
	char *bearer = mt_account("gk-anon", NULL);
	char *code = mt_activation_code(&w.s.ev.s.ent.m);
	char body[512];
	snprintf(body, sizeof(body),
		 "{\"uscc\":\"%s\",\"legal_rep\":\"" MT_LEGAL_REP "\",\"name\":\"" ANON "\","
		 "\"phone\":\"" ANON_TEL "\",\"activation_code\":\"%s\"}",
		 w.s.ev.s.ent.m.uscc, code);
	free(code);
	struct api_resp *r = api_post_json("/api/v1/evaluation/enterprises/claim", body, bearer);
	if (r->status != 201)
		fail_msg("claim: %ld %s", r->status, r->body);
	api_free(r);
	return bearer;
}

static char *confirmed(const char *activity)
{
	cJSON *b = vs_body(w.s.ev.s.ent.token, activity);
	if (strcmp(activity, "inspection") == 0) {
		vs_body_str(b, "joint_kind", "joint");
		vs_body_exemption(b, "complaint_report");
		cJSON *units = cJSON_AddArrayToObject(b, "participating_unit_ids");
		cJSON_AddItemToArray(units, cJSON_CreateString(w.u2.id));
	}
	char *id = vs_register_ok(w.s.ev.s.off.bearer, b);
	cJSON_Delete(b);
	struct api_resp *r = vs_call("POST", ev_path(id, "/confirm"), w.s.ev.manager, NULL);
	assert_int_equal(r->status, 200);
	api_free(r);
	return id;
}

static void rate(const char *bearer, const char *visit, const char *value, bool anonymous)
{
	struct api_resp *r =
	    ev_rate(bearer, visit, value,
		    strcmp(value, "unsatisfied") == 0 ? "检查时态度生硬" : NULL, anonymous, false);
	assert_int_equal(r->status, 201);
	api_free(r);
}

static int setup(void **state)
{
	(void)state;
	cs_scene_new(&w.s);
	vs_unit_new(&w.u2, NULL);
	w.anon_manager = second_manager();
	w.visits[0] = confirmed("visit");
	rate(w.s.ev.manager, w.visits[0], "satisfied", false);
	w.visits[1] = confirmed("research");
	rate(w.anon_manager, w.visits[1], "basically_satisfied", true);
	w.visits[2] = confirmed("inspection");
	rate(w.anon_manager, w.visits[2], "unsatisfied", true);
	const char *p[] = {w.visits[2]};
	w.joint_case = api_owner_value("SELECT id FROM rq.cases WHERE visit_id = $1::bigint", 1, p);
	assert_non_null(w.joint_case);
	cs_take_to_closed(&w.s, w.joint_case, "substantiated");
	w.visits[3] = ev_visit(&w.s.ev);
	struct api_resp *r = vs_call("POST", ev_path(w.visits[3], "/dispute"), w.s.ev.manager,
				     "{\"category\":\"never_came\",\"reason\":\"当天无人来企业\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	w.visits[4] = ev_visit(&w.s.ev);
	r = vs_call("POST", vs_path(w.visits[4], "/withdraw"), w.s.ev.s.off.bearer,
		    "{\"reason\":\"企业选错\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	for (int i = 0; i < 5; i++) {
		char at[64];
		snprintf(at, sizeof(at), "2024-09-%02d 10:00:00+08", i + 2);
		vs_visit_move(w.visits[i], at);
	}
	api_session_login(&w.analyst, "gk-analyst", "judicial_analyst", NULL);
	api_session_login(&w.market, "gk-market", "market_supervision", NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 5; i++)
		free(w.visits[i]);
	free(w.joint_case);
	free(w.anon_manager);
	api_session_end(&w.analyst);
	api_session_end(&w.market);
	cs_scene_free(&w.s);
	return 0;
}

/* --- a CSV as spreadsheets read it ---------------------------------------------------------- */

enum { CSV_ROWS = 64, CSV_COLS = 64 };

struct csv {
	int rows, cols;
	char *cell[CSV_ROWS][CSV_COLS];
};

/* Parses RFC 4180 text (after its BOM) into t; fails the test on anything else. */
static void csv_parse(const char *text, struct csv *t)
{
	memset(t, 0, sizeof(*t));
	assert_memory_equal(text, "\xEF\xBB\xBF", 3);
	const char *p = text + 3;
	while (*p != '\0') {
		assert_true(t->rows < CSV_ROWS);
		int col = 0;
		for (;;) {
			size_t cap = strlen(p) + 1, n = 0;
			char *v = malloc(cap);
			if (*p == '"') {
				for (p++; !(*p == '"' && p[1] != '"'); p++) {
					assert_true(*p != '\0');
					if (*p == '"')
						p++;
					v[n++] = *p;
				}
				p++;
			} else {
				while (*p != ',' && *p != '\r' && *p != '\0')
					v[n++] = *p++;
			}
			v[n] = '\0';
			assert_true(col < CSV_COLS);
			t->cell[t->rows][col++] = v;
			if (*p == ',') {
				p++;
				continue;
			}
			assert_memory_equal(p, "\r\n", 2);
			p += 2;
			break;
		}
		if (t->rows == 0)
			t->cols = col;
		assert_int_equal(col, t->cols);
		t->rows++;
	}
}

static void csv_free(struct csv *t)
{
	for (int r = 0; r < t->rows; r++)
		for (int c = 0; c < t->cols; c++)
			free(t->cell[r][c]);
}

static int column(const struct csv *t, const char *name)
{
	for (int c = 0; c < t->cols; c++)
		if (strcmp(t->cell[0][c], name) == 0)
			return c;
	fail_msg("no column %s", name);
	return -1;
}

/* --- the tests -------------------------------------------------------------------------------- */

/* The month's visits as the database has them, read with the test's own SQL, one text
 * column per column of the export it checks, in the order of entry. */
static const char *const checked[] = {"登记编号", "入企时间", "企业名称", "牵头单位", "参与单位",
				      "活动类型", "状态",     "评价",	  "匿名评价", "评价人",
				      "案件编号", "认定结果", "撤回原因", NULL};
static const char db_rows[] =
    "SELECT v.id::text,"
    " to_char(v.entered_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'), e.name, u.name,"
    " coalesce((SELECT string_agg(x.name, '、' ORDER BY x.name) FROM rq.visit_units vu"
    "   JOIN rq.units x ON x.id = vu.unit_id WHERE vu.visit_id = v.id AND vu.role = 'participant'),"
    " ''),"
    " CASE v.activity_type WHEN 'visit' THEN '参观访问' WHEN 'research' THEN '调研帮扶'"
    "   ELSE '执法检查' END,"
    " CASE WHEN v.withdrawn_at IS NOT NULL THEN '已撤回' WHEN v.finished_at IS NOT NULL THEN "
    "'已报备'"
    "   WHEN v.confirmation = 'confirmed' THEN '已确认' WHEN v.confirmation = 'disputed'"
    "   THEN '有异议' ELSE '已登记' END,"
    " coalesce(CASE ev.value WHEN 'satisfied' THEN '满意' WHEN 'basically_satisfied' THEN"
    "   '基本满意' WHEN 'unsatisfied' THEN '不满意' END, ''),"
    " CASE WHEN ev.visit_id IS NULL THEN '' WHEN ev.anonymous THEN '是' ELSE '否' END,"
    " CASE WHEN ev.anonymous IS FALSE THEN r.name ELSE '' END,"
    " coalesce((SELECT string_agg(c.id::text, '、' ORDER BY c.id) FROM rq.cases c"
    "   WHERE c.visit_id = v.id), ''),"
    " coalesce((SELECT string_agg(CASE c.outcome WHEN 'substantiated' THEN '属实'"
    "   WHEN 'partly_substantiated' THEN '部分属实' WHEN 'unsubstantiated' THEN '不属实'"
    "   ELSE '未认定' END, '、' ORDER BY c.id) FROM rq.cases c WHERE c.visit_id = v.id), ''),"
    " coalesce(v.withdrawal_reason, '')"
    " FROM rq.visits v JOIN rq.enterprises e ON e.id = v.enterprise_id"
    " JOIN rq.units u ON u.id = v.unit_id"
    " LEFT JOIN rq.evaluations ev ON ev.visit_id = v.id"
    " LEFT JOIN rq.evaluation_raters r ON r.visit_id = v.id"
    " WHERE v.entered_at >= '2024-09-01 00:00+08' AND v.entered_at < '2024-10-01 00:00+08'"
    " ORDER BY v.entered_at, v.id";

static void assert_csv_is_the_database(const char *body)
{
	struct csv t;
	csv_parse(body, &t);
	PGconn *db = api_db("owner");
	PGresult *res = PQexec(db, db_rows);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	assert_int_equal(t.rows - 1, PQntuples(res));
	assert_int_equal(PQntuples(res), 5); /* the withdrawn one included, as such */
	for (int row = 0; row < PQntuples(res); row++)
		for (int k = 0; checked[k] != NULL; k++) {
			const char *want = PQgetvalue(res, row, k);
			const char *got = t.cell[row + 1][column(&t, checked[k])];
			if (strcmp(want, got) != 0)
				fail_msg("row %d, %s: export \"%s\", database \"%s\"", row + 1,
					 checked[k], got, want);
		}
	PQclear(res);
	PQfinish(db);
	/* and what the test itself knows */
	int units = column(&t, "参与单位"), outcome = column(&t, "认定结果"),
	    rater = column(&t, "评价人");
	assert_string_equal(t.cell[1][0], w.visits[0]);
	assert_string_equal(t.cell[1][rater], "李管理");
	assert_string_equal(t.cell[2][rater], "");
	assert_string_equal(t.cell[3][units], w.u2.name);
	assert_string_equal(t.cell[3][outcome], "属实");
	assert_string_equal(t.cell[4][outcome], "未认定");
	assert_string_equal(t.cell[5][column(&t, "状态")], "已撤回");
	csv_free(&t);
}

static void test_csv_holds_every_visit_as_the_database_has_it(void **state)
{
	(void)state;
	struct api_resp *r = as_admin(&w.s.city, EXPORT "?" SEPT);
	assert_int_equal(r->status, 200);
	api_assert_header(r, "Content-Type", "text/csv; charset=utf-8");
	api_assert_header(r, "Content-Disposition",
			  "attachment; filename=\"visits-2024-09-01-2024-09-30.csv\"");
	api_assert_header(r, "Cache-Control", "no-store");
	assert_csv_is_the_database(r->body);
	/* a read: nothing written */
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	/* no visit in the range: the header alone */
	r = as_admin(&w.s.city, EXPORT "?from=2000-01-01&to=2000-01-31");
	assert_int_equal(r->status, 200);
	struct csv t;
	csv_parse(r->body, &t);
	assert_int_equal(t.rows, 1);
	assert_string_equal(t.cell[0][0], "登记编号");
	csv_free(&t);
	api_free(r);
}

/* Writes body to a new file in /tmp; returns its path (malloc'd). */
static char *save(const struct api_resp *r, const char *suffix)
{
	char *path = malloc(64);
	snprintf(path, 64, "/tmp/rq-test-export-%d-XXXXXX%s", (int)getpid(), suffix);
	int fd = mkstemps(path, (int)strlen(suffix));
	assert_true(fd >= 0);
	assert_int_equal(write(fd, r->body, r->len), (ssize_t)r->len);
	close(fd);
	return path;
}

/* Every cell of every sheet of the XLSX at path, one a line (openpyxl). */
static char *xlsx_cells(const char *path)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "/usr/bin/python3 - '%s' <<'EOF'\n"
		 "import sys, openpyxl\n"
		 "wb = openpyxl.load_workbook(sys.argv[1])\n"
		 "for ws in wb:\n"
		 "    for row in ws.iter_rows():\n"
		 "        for c in row:\n"
		 "            if c.value is not None: print(c.value)\n"
		 "EOF",
		 path);
	int st;
	char *out = tc_run(cmd, NULL, &st);
	if (st != 0)
		fail_msg("openpyxl could not read %s: %s", path, out);
	return out;
}

static void test_xlsx_holds_the_same_cells(void **state)
{
	(void)state;
	struct api_resp *csv = as_admin(&w.s.city, EXPORT "?" SEPT "&format=csv");
	struct api_resp *xlsx = as_admin(&w.s.city, EXPORT "?" SEPT "&format=xlsx");
	assert_int_equal(xlsx->status, 200);
	api_assert_header(xlsx, "Content-Type",
			  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	char *csv_path = save(csv, ".csv"), *xlsx_path = save(xlsx, ".xlsx");
	char cmd[4096];
	snprintf(
	    cmd, sizeof(cmd),
	    "/usr/bin/python3 - '%s' '%s' <<'EOF'\n"
	    "import csv, datetime, sys, openpyxl\n"
	    "rows = list(csv.reader(open(sys.argv[2], encoding='utf-8-sig', newline='')))\n"
	    "wb = openpyxl.load_workbook(sys.argv[1])\n"
	    "assert wb.sheetnames == ['说明', '数据'], wb.sheetnames\n"
	    "d = wb['数据']\n"
	    "assert d.freeze_panes == 'A2' and d['A1'].font.b\n"
	    "got = [[c.value for c in r] for r in d.iter_rows()]\n"
	    "assert len(got) == len(rows), (len(got), len(rows))\n"
	    "for g, c in zip(got, rows):\n"
	    "    assert len(g) == len(c), (len(g), len(c))\n"
	    "    for x, y in zip(g, c):\n"
	    "        if x is None: assert y == '', (x, y)\n"
	    "        elif isinstance(x, datetime.datetime): assert x.strftime('%%Y-%%m-%%d "
	    "%%H:%%M:%%S') == y, (x, y)\n"
	    "        elif isinstance(x, (int, float)): assert abs(x - float(y)) < 1e-9, (x, y)\n"
	    "        else: assert str(x) == y, (x, y)\n"
	    "cover = {r[0].value: r[1].value for r in wb['说明'].iter_rows(min_row=3)}\n"
	    "assert cover['期间'] == '2024-09-01 至 2024-09-30', cover\n"
	    "assert cover['行数'] == str(len(rows) - 1), cover\n"
	    "print('same')\n"
	    "EOF",
	    xlsx_path, csv_path);
	int st;
	char *out = tc_run(cmd, NULL, &st);
	if (st != 0)
		fail_msg("the XLSX differs from the CSV: %s", out);
	free(out);
	unlink(csv_path);
	unlink(xlsx_path);
	free(csv_path);
	free(xlsx_path);
	api_free(csv);
	api_free(xlsx);
}

/* Whoever exports, the anonymous rater is nowhere: not in the CSV, not in the XLSX. */
static void test_anonymous_raters_never_appear(void **state)
{
	(void)state;
	struct api_resp *rs[3][2];
	const char *formats[] = {"csv", "xlsx"};
	char path[128];
	for (int f = 0; f < 2; f++) {
		snprintf(path, sizeof(path), EXPORT "?" SEPT "&format=%s", formats[f]);
		rs[0][f] = as_admin(&w.s.city, path);
		rs[1][f] = as_admin(&w.s.discipline, path);
		rs[2][f] = as_session(&w.analyst, path);
	}
	for (int i = 0; i < 3; i++)
		for (int f = 0; f < 2; f++) {
			struct api_resp *r = rs[i][f];
			assert_int_equal(r->status, 200);
			char *text;
			if (f == 0) {
				text = strdup(r->body);
			} else {
				char *p = save(r, ".xlsx");
				text = xlsx_cells(p);
				unlink(p);
				free(p);
			}
			/* the named rater is there (the check is not empty), the anonymous one
			 * and every phone are not */
			assert_non_null(strstr(text, "李管理"));
			assert_null(strstr(text, ANON));
			assert_null(strstr(text, ANON_TEL));
			assert_null(strstr(text, MT_PHONE));
			assert_null(strstr(text, "13912345678"));
			free(text);
			api_free(r);
		}
}

static void test_other_roles_are_refused(void **state)
{
	(void)state;
	const struct cs_admin *refused[] = {&w.s.county, &w.s.unit};
	for (int i = 0; i < 2; i++) {
		struct api_resp *r = as_admin(refused[i], EXPORT "?" SEPT);
		api_assert_problem(r, 403, "forbidden");
		assert_null(strstr(r->body, w.s.ev.s.ent.m.name));
		api_free(r);
	}
	struct api_resp *r = as_session(&w.market, EXPORT "?" SEPT);
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	r = api_get(EXPORT "?" SEPT, w.s.ev.manager); /* a mini-program account */
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	r = api_get(EXPORT "?" SEPT, NULL);
	api_assert_problem(r, 401, "unauthenticated");
	api_free(r);
	r = as_admin(&w.s.county, "/api/v1/reporting/exports/jobs");
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	/* the range: both days, in order */
	r = as_admin(&w.s.city, EXPORT "?from=2024-09-01");
	api_assert_problem(r, 400, "bad-request");
	api_assert_error_field(r, "to");
	api_free(r);
	r = as_admin(&w.s.city, EXPORT "?from=2024-09-30&to=2024-09-01");
	api_assert_problem(r, 400, "bad-request");
	api_assert_error_field(r, "to");
	api_free(r);
	r = as_admin(&w.s.city, EXPORT "?" SEPT "&format=pdf");
	api_assert_problem(r, 400, "bad-request");
	api_assert_error_field(r, "format");
	api_free(r);
}

/* --- a range over the streaming limit is a job ------------------------------------------- */

#define OCT "from=2024-10-01&to=2024-10-31"

static const char *job_of(const struct api_resp *r)
{
	static char id[32];
	assert_int_equal(r->status, 202);
	snprintf(id, sizeof(id), "%s", api_json_str(r, "id"));
	char want[96];
	snprintf(want, sizeof(want), "/api/v1/reporting/exports/jobs/%s", id);
	api_assert_header(r, "Location", want);
	return id;
}

static void test_big_range_becomes_a_job_the_cli_builds(void **state)
{
	(void)state;
	/* 35 visits in October, over the test stack's limit of 30 */
	const char *p[] = {w.visits[0]};
	owner_sql("INSERT INTO rq.visits (enterprise_id, code_id, county_code, account_id, unit_id,"
		  " official_name, official_post, official_cert_no, official_phone,"
		  " official_verified, activity_type, matter, registered_at, entered_at,"
		  " location_refused)"
		  " SELECT v.enterprise_id, v.code_id, v.county_code, v.account_id, v.unit_id,"
		  " v.official_name, v.official_post, v.official_cert_no, v.official_phone,"
		  " v.official_verified, v.activity_type, v.matter || ' #' || g, now(),"
		  " '2024-10-01 09:00+08'::timestamptz + make_interval(hours => g), true"
		  " FROM rq.visits v, generate_series(1, 35) g WHERE v.id = $1::bigint",
		  1, p);

	struct api_resp *r = as_admin(&w.s.city, EXPORT "?" OCT);
	char csv_job[32], xlsx_job[32];
	snprintf(csv_job, sizeof(csv_job), "%s", job_of(r));
	assert_string_equal(api_json_str(r, "status"), "queued");
	assert_string_equal(api_json_str(r, "format"), "csv");
	assert_int_equal(api_audit_rows_of(r), 1); /* the job, audited */
	api_free(r);
	/* asked again while it waits: the same job */
	r = as_admin(&w.s.city, EXPORT "?" OCT);
	assert_string_equal(job_of(r), csv_job);
	api_free(r);
	r = as_admin(&w.s.city, EXPORT "?" OCT "&format=xlsx");
	snprintf(xlsx_job, sizeof(xlsx_job), "%s", job_of(r));
	assert_string_not_equal(xlsx_job, csv_job);
	api_free(r);

	char path[128];
	snprintf(path, sizeof(path), "/api/v1/reporting/exports/jobs/%s/file", csv_job);
	r = as_admin(&w.s.city, path);
	api_assert_problem(r, 409, "export-job-not-done");
	api_free(r);
	/* another auditor neither sees nor downloads it */
	r = as_session(&w.analyst, path);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	r = as_session(&w.analyst, "/api/v1/reporting/exports/jobs");
	assert_int_equal(r->status, 200);
	assert_null(api_list_item(r, csv_job));
	api_free(r);

	char *out = NULL;
	int st = api_cli("exports run", &out);
	if (st != 0)
		fail_msg("exports run: exit %d: %s", st, out);
	char want[96];
	snprintf(want, sizeof(want), "export job %s: wrote", csv_job);
	assert_non_null(strstr(out, want));
	free(out);

	snprintf(path, sizeof(path), "/api/v1/reporting/exports/jobs/%s", csv_job);
	r = as_admin(&w.s.city, path);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "status"), "done");
	assert_string_equal(api_json_str(r, "rows"), "35");
	char sha[65];
	snprintf(sha, sizeof(sha), "%s", api_json_str(r, "sha256"));
	char download[128];
	snprintf(download, sizeof(download), "%s", api_json_str(r, "download"));
	api_free(r);
	r = as_admin(&w.s.city, download);
	assert_int_equal(r->status, 200);
	api_assert_header(r, "Content-Type", "text/csv; charset=utf-8");
	unsigned char d[RQ_SHA256_LEN];
	struct rq_sha256 s;
	rq_sha256_init(&s);
	rq_sha256_update(&s, r->body, r->len);
	rq_sha256_final(&s, d);
	char hex[65];
	for (int i = 0; i < RQ_SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	assert_string_equal(hex, sha);
	struct csv t;
	csv_parse(r->body, &t);
	assert_int_equal(t.rows, 36);
	assert_non_null(strstr(t.cell[35][column(&t, "事项")], "#35"));
	csv_free(&t);
	api_free(r);

	snprintf(path, sizeof(path), "/api/v1/reporting/exports/jobs/%s/file", xlsx_job);
	r = as_admin(&w.s.city, path);
	assert_int_equal(r->status, 200);
	char *file = save(r, ".xlsx");
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "/usr/bin/python3 -c \"import openpyxl, sys; "
		 "print(openpyxl.load_workbook(sys.argv[1])['数据'].max_row)\" '%s'",
		 file);
	char *rows = tc_run(cmd, NULL, &st);
	assert_int_equal(st, 0);
	assert_string_equal(rows, "36\n");
	free(rows);
	unlink(file);
	free(file);
	api_free(r);
	/* the other auditor downloads nothing of it */
	r = as_session(&w.analyst, path);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_holds_every_visit_as_the_database_has_it),
	    cmocka_unit_test(test_xlsx_holds_the_same_cells),
	    cmocka_unit_test(test_anonymous_raters_never_appear),
	    cmocka_unit_test(test_other_roles_are_refused),
	    cmocka_unit_test(test_big_range_becomes_a_job_the_cli_builds),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
