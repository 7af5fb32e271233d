/* `ruqima import huiqitong FILE` against the real stack, with the sample of 10,000 慧企通
 * records that tests/data/huiqitong_sample makes (bad rows of every kind at known lines, a
 * GB18030 copy, formula-like text, a line break in a cell) in a year no other test uses:
 * a dry run writes nothing (rows and audit log); the import reports every bad row with its
 * line and field, and nothing else, and writes exactly the good rows (visit, lead unit,
 * rating; no flag, filing, notification, case or account); importing again, and the GB18030
 * copy, changes nothing; a record changed since is reported and kept as first imported; the
 * reports count the imported visits and filter them by source; an enterprise's manager sees
 * an imported visit and can neither answer nor rate it. The import's time is printed. */
#include "api.h"
#include "api_register.h"
#include "eval_support.h"
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
	char dir[64];  /* the sample */
	char tag[8];   /* makes its codes, record ids and unit names new to the run */
	int year;      /* the year of its records */
	cJSON *expect; /* its expected.json */
	char like[32]; /* "HQ-<tag>-%": this run's record ids */
	char csv[128]; /* huiqitong.csv */
	char gb[128];  /* huiqitong-gb18030.csv */
} w;

static long expect_int(const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(w.expect, name);
	assert_true(cJSON_IsNumber(v));
	return (long)v->valuedouble;
}

static const char *expect_str(const char *name)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w.expect, name));
	assert_non_null(s);
	return s;
}

static int hq_import(const char *path, const char *args, char **out)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "import huiqitong '%s' %s", path, args);
	return api_cli(cmd, out);
}

static void expect_output(const char *out, const char *needle)
{
	if (strstr(out, needle) == NULL)
		fail_msg("output lacks \"%s\":\n%.4000s", needle, out);
}

/* The output's problem lines must be exactly expected.json's bad rows: each "line N: field:"
 * once, and no other. */
static void assert_bad_rows(const char *out)
{
	long n = 0;
	for (const char *p = out; (p = strstr(p, "line ")) != NULL; p++)
		if (p == out || p[-1] == '\n')
			n++;
	const cJSON *bad = cJSON_GetObjectItemCaseSensitive(w.expect, "bad"), *b;
	assert_int_equal(n, cJSON_GetArraySize(bad));
	cJSON_ArrayForEach(b, bad)
	{
		char needle[96];
		snprintf(needle, sizeof(needle), "\nline %d: %s: ",
			 (int)cJSON_GetObjectItemCaseSensitive(b, "line")->valuedouble,
			 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "field")));
		if (strstr(out, needle) == NULL &&
		    strncmp(out, needle + 1, strlen(needle + 1)) != 0)
			fail_msg("no \"%s\" (%s) in:\n%.4000s", needle + 1,
				 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "kind")),
				 out);
	}
}

static int64_t owner_count(const char *sql)
{
	const char *p[] = {w.like};
	return api_owner_int(sql, 1, p);
}

static int64_t imported(void)
{
	return owner_count("SELECT count(*) FROM rq.visits WHERE source = 'huiqitong'"
			   " AND source_record_id LIKE $1");
}

static int64_t import_audit_rows(void)
{
	return api_owner_int(
	    "SELECT count(*) FROM audit.log WHERE request_id = 'cli-import-huiqitong'", 0, NULL);
}

/* Creates a unit named name (county 411502) and maps the 慧企通 name to it with the CLI. */
static void unit_mapped(const char *name, char id[24])
{
	const char *p[] = {name};
	char *v = api_owner_insert(
	    "INSERT INTO rq.units (name, county_code) VALUES ($1, '411502') RETURNING id", 1, p);
	snprintf(id, 24, "%s", v);
	free(v);
	char cmd[512], *out;
	snprintf(cmd, sizeof(cmd), "units map set --name '%s' --unit %s", name, id);
	int st = api_cli(cmd, &out);
	if (st != 0 || strstr(out, "(inserted)") == NULL)
		fail_msg("%s: %d %s", cmd, st, out);
	free(out);
}

static int setup(void **state)
{
	(void)state;
	unsigned long v = (unsigned long)time(NULL) * 7919u + (unsigned long)getpid();
	static const char alnum[] = "abcdefghijkmnpqrstuvwxyz23456789";
	w.tag[0] = 'H';
	for (int i = 1; i < 5; i++, v /= 32)
		w.tag[i] = alnum[v % 32];
	w.year = 2001 + (int)(getpid() % 21);
	snprintf(w.like, sizeof(w.like), "HQ-%s-%%", w.tag);
	snprintf(w.dir, sizeof(w.dir), "/tmp/rq-test-huiqitong-XXXXXX");
	if (mkdtemp(w.dir) == NULL)
		return -1;
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s/tests/data/huiqitong_sample' '%s' %s %d",
		 RUQIMA_SOURCE_DIR, w.dir, w.tag, w.year);
	int st;
	free(tc_run(cmd, NULL, &st));
	assert_int_equal(st, 0);
	snprintf(cmd, sizeof(cmd), "%s/expected.json", w.dir);
	FILE *f = fopen(cmd, "r");
	assert_non_null(f);
	char *json = tc_read_all(f, NULL);
	fclose(f);
	w.expect = cJSON_Parse(json);
	free(json);
	assert_non_null(w.expect);
	snprintf(w.csv, sizeof(w.csv), "%s/huiqitong.csv", w.dir);
	snprintf(w.gb, sizeof(w.gb), "%s/huiqitong-gb18030.csv", w.dir);

	/* the register the records name, and the units: three mapped, one left unknown */
	char path[128], *out;
	snprintf(path, sizeof(path), "%s/enterprises.csv", w.dir);
	assert_int_equal(api_cli_import(path, NULL, &out), 0);
	expect_output(out, "inserted 200,");
	free(out);
	const cJSON *u;
	cJSON_ArrayForEach(u, cJSON_GetObjectItemCaseSensitive(w.expect, "units"))
	{
		char id[24];
		unit_mapped(cJSON_GetStringValue(u), id);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tc_remove_tree(w.dir);
	cJSON_Delete(w.expect);
	return 0;
}

static void test_dry_run_writes_nothing(void **state)
{
	(void)state;
	int64_t audit = import_audit_rows();
	char *out, want[256];
	assert_int_equal(hq_import(w.csv, "--dry-run", &out), 1); /* bad rows: exit 1 */
	assert_bad_rows(out);
	snprintf(want, sizeof(want),
		 "(UTF-8 with BOM, 10000 rows): would insert %ld (%ld rated); unchanged 0,"
		 " changed 0, rejected %ld; nothing was changed",
		 expect_int("good"), expect_int("rated"), expect_int("rejected"));
	expect_output(out, want);
	snprintf(want, sizeof(want), "unknown units: 1 unit name without a mapping");
	expect_output(out, want);
	snprintf(want, sizeof(want), "%s (%ld rows)", expect_str("unknown_unit"),
		 expect_int("unknown_rows"));
	expect_output(out, want);
	free(out);
	assert_int_equal(imported(), 0);
	assert_int_equal(import_audit_rows(), audit);
}

static void test_import_writes_exactly_the_good_rows(void **state)
{
	(void)state;
	int64_t audit = import_audit_rows();
	char *out, want[256];
	assert_int_equal(hq_import(w.csv, "", &out), 0);
	assert_bad_rows(out);
	const char *summary = strstr(out, "(UTF-8 with BOM, 10000 rows in ");
	double secs = -1;
	if (summary == NULL || sscanf(summary, "(UTF-8 with BOM, 10000 rows in %lf", &secs) != 1)
		fail_msg("no summary in:\n%.4000s", out);
	snprintf(want, sizeof(want),
		 " s): inserted %ld (%ld rated), unchanged 0, changed 0, rejected %ld",
		 expect_int("good"), expect_int("rated"), expect_int("rejected"));
	expect_output(summary, want);
	fprintf(stderr, "huiqitong import of 10,000 rows (%ld imported): %.1f s\n",
		expect_int("good"), secs);
	free(out);

	assert_int_equal(imported(), expect_int("good"));
	/* one lead unit each, and the ratings the file had */
	assert_int_equal(owner_count("SELECT count(*) FROM rq.visit_units u JOIN rq.visits v"
				     " ON v.id = u.visit_id WHERE v.source_record_id LIKE $1"
				     " AND u.role = 'lead' AND u.unit_id = v.unit_id"),
			 expect_int("good"));
	assert_int_equal(owner_count("SELECT count(*) FROM rq.evaluations e JOIN rq.visits v"
				     " ON v.id = e.visit_id WHERE v.source_record_id LIKE $1"
				     " AND NOT e.anonymous AND e.rated_at = v.entered_at"),
			 expect_int("rated"));
	/* no rule, flag, account, code, rater, filing, notification, case or key */
	assert_int_equal(
	    owner_count("SELECT count(*) FROM rq.visits v WHERE source_record_id"
			" LIKE $1 AND (cardinality(flags) > 0 OR account_id IS NOT NULL"
			" OR code_id IS NOT NULL OR official_verified OR location_refused"
			" OR official_phone !~ '^1[3-9][0-9]\\*{4}[0-9]{4}$')"),
	    0);
	assert_int_equal(
	    owner_count("SELECT (SELECT count(*) FROM rq.evaluation_raters x"
			"  WHERE x.visit_id = v.id) + (SELECT count(*) FROM rq.filings x"
			"  WHERE x.visit_id = v.id) + (SELECT count(*) FROM rq.outbox x"
			"  WHERE x.visit_id = v.id) + (SELECT count(*) FROM rq.cases x"
			"  WHERE x.visit_id = v.id) + (SELECT count(*) FROM"
			"  rq.idempotency_keys x WHERE x.visit_id = v.id)"
			" FROM rq.visits v WHERE source_record_id LIKE $1"
			" ORDER BY 1 DESC LIMIT 1"),
	    0);
	/* the text as written: a formula stays text, a line break in a cell becomes a space */
	const char *pf[] = {expect_str("formula_record")};
	char *matter =
	    api_owner_value("SELECT matter FROM rq.visits WHERE source_record_id = $1", 1, pf);
	assert_non_null(matter);
	assert_string_equal(matter, expect_str("formula_matter"));
	free(matter);
	const char *pn[] = {expect_str("newline_record")};
	matter = api_owner_value("SELECT matter FROM rq.visits WHERE source_record_id = $1", 1, pn);
	assert_non_null(matter);
	assert_string_equal(matter, "第一行 第二行，\"引号\"，逗号");
	free(matter);
	assert_true(owner_count("SELECT count(*) FROM rq.visits WHERE source_record_id LIKE $1"
				" AND official_name = '王䶮'") > 0);
	/* audited as the CLI, three rows' worth and nothing else */
	assert_int_equal(import_audit_rows() - audit, 2 * expect_int("good") + expect_int("rated"));
	assert_int_equal(api_owner_int("SELECT count(*) FROM audit.log"
				       " WHERE request_id = 'cli-import-huiqitong'"
				       " AND (table_name NOT IN ('rq.visits', 'rq.visit_units',"
				       " 'rq.evaluations') OR actor_kind <> 'system')",
				       0, NULL),
			 0);
}

static void test_reimport_changes_nothing(void **state)
{
	(void)state;
	int64_t audit = import_audit_rows();
	/* this file's records only: other tests register visits meanwhile (ctest -j) */
	const char *like[] = {w.like};
	const char *last_sql = "SELECT max(id)::text FROM rq.visits WHERE source = 'huiqitong'"
			       " AND source_record_id LIKE $1";
	char *last = api_owner_value(last_sql, 1, like);
	char want[256], *out;
	snprintf(want, sizeof(want), "inserted 0 (0 rated), unchanged %ld, changed 0, rejected %ld",
		 expect_int("good"), expect_int("rejected"));
	assert_int_equal(hq_import(w.csv, "", &out), 0);
	expect_output(out, want);
	assert_bad_rows(out);
	free(out);
	/* the same records saved as GB18030: the same text, so the same visits */
	assert_int_equal(hq_import(w.gb, "", &out), 0);
	expect_output(out, "(GB18030, 10000 rows in ");
	expect_output(out, want);
	assert_bad_rows(out);
	free(out);
	assert_int_equal(imported(), expect_int("good"));
	assert_int_equal(import_audit_rows(), audit);
	char *now = api_owner_value(last_sql, 1, like);
	assert_string_equal(now, last);
	free(now);
	free(last);
}

static void test_changed_record_is_reported_and_kept(void **state)
{
	(void)state;
	const char *p[] = {expect_str("first_record")};
	char *before =
	    api_owner_value("SELECT concat_ws('|', id, matter, entered_at, unit_id) FROM rq.visits"
			    " WHERE source_record_id = $1",
			    1, p);
	assert_non_null(before);
	/* the sample's first record with another matter */
	const char *line = expect_str("first_line"), *matter = expect_str("first_matter");
	const char *at = strstr(line, matter);
	assert_non_null(at);
	char csv[2048];
	snprintf(csv, sizeof(csv), "%s\n%.*s%s（复查）%s\n", expect_str("header_line"),
		 (int)(at - line), line, matter, at + strlen(matter));
	char *path = api_write_temp(csv, strlen(csv));
	int64_t audit = import_audit_rows();
	char *out, want[256];
	assert_int_equal(hq_import(path, "", &out), 0);
	snprintf(want, sizeof(want), "line 2: record_id: 记录 %s 已导入", p[0]);
	expect_output(out, want);
	expect_output(out, "本行的 matter 与之不同：保留已导入的内容");
	expect_output(out, "inserted 0 (0 rated), unchanged 0, changed 1, rejected 0");
	free(out);
	/* a dry run says the same, and exits 1 */
	assert_int_equal(hq_import(path, "--dry-run", &out), 1);
	expect_output(out, "changed 1, rejected 0; nothing was changed");
	free(out);
	unlink(path);
	free(path);
	char *after =
	    api_owner_value("SELECT concat_ws('|', id, matter, entered_at, unit_id) FROM rq.visits"
			    " WHERE source_record_id = $1",
			    1, p);
	assert_string_equal(after, before);
	free(after);
	free(before);
	assert_int_equal(import_audit_rows(), audit);
}

/* Runs unit_activity for the sample's year (--source unless NULL) into dir; the CSV's text
 * (malloc'd, after the BOM) and the run's recorded source into *source (malloc'd or NULL). */
static char *unit_activity(const char *dir, const char *source, char **recorded)
{
	char args[512], *out;
	snprintf(args, sizeof(args),
		 "report run unit_activity --from %d-01-01 --to %d-12-31 --format csv"
		 " --output '%s' %s%s",
		 w.year, w.year, dir, source != NULL ? "--source " : "",
		 source != NULL ? source : "");
	int st = api_cli(args, &out);
	if (st != 0)
		fail_msg("%s: %d %s", args, st, out);
	free(out);
	char *id = api_owner_value("SELECT max(id)::text FROM rq.report_runs"
				   " WHERE report = 'unit_activity'",
				   0, NULL);
	const char *p[] = {id};
	*recorded =
	    api_owner_value("SELECT source FROM rq.report_runs WHERE id = $1::bigint", 1, p);
	char *name = api_owner_value("SELECT f ->> 'name' FROM rq.report_runs r,"
				     " jsonb_array_elements(r.files) f WHERE r.id = $1::bigint",
				     1, p);
	free(id);
	assert_non_null(name);
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	free(name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *csv = tc_read_all(f, NULL);
	fclose(f);
	assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
	memmove(csv, csv + 3, strlen(csv + 3) + 1);
	return csv;
}

static void test_reports_count_imported_visits_by_source(void **state)
{
	(void)state;
	char dir[] = "/tmp/rq-test-huiqitong-report-XXXXXX";
	assert_non_null(mkdtemp(dir));
	/* what the sample's good rows make, unit by unit (expected.json, computed apart from the
	 * report's SQL): the platform's units carry the names mapped to them */
	char want[4096];
	size_t n = (size_t)snprintf(want, sizeof(want),
				    "单位,所属县区,牵头入企次数,参观访问,调研帮扶,执法检查,"
				    "参与联合检查次数,涉及企业数,已评价,满意率,不满意\r\n");
	const cJSON *u;
	cJSON_ArrayForEach(u, cJSON_GetObjectItemCaseSensitive(w.expect, "unit_activity"))
	{
#define NUM(k) (int)cJSON_GetObjectItemCaseSensitive(u, k)->valuedouble
		n += (size_t)snprintf(
		    want + n, sizeof(want) - n, "%s,浉河区,%d,%d,%d,%d,0,%d,%d,%s,%d\r\n",
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(u, "unit")),
		    NUM("visits"), NUM("visit"), NUM("research"), NUM("inspection"),
		    NUM("enterprises"), NUM("rated"),
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(u, "rate")),
		    NUM("unsatisfied"));
#undef NUM
	}
	char *source, *csv = unit_activity(dir, "huiqitong", &source);
	assert_string_equal(csv, want);
	assert_string_equal(source, "huiqitong");
	free(csv);
	free(source);
	/* every source: the same (no platform visit in that year) */
	csv = unit_activity(dir, NULL, &source);
	assert_string_equal(csv, want);
	assert_null(source);
	free(csv);
	/* the platform's registrations only: none */
	csv = unit_activity(dir, "platform", &source);
	assert_string_equal(strchr(csv, '\n') + 1, "");
	free(csv);
	free(source);
	/* no rule flagged an imported visit, and none is overdue for its result */
	char args[160], *out;
	snprintf(args, sizeof(args),
		 "report run visit_flags --from %d-01-01 --to %d-12-31 --source huiqitong"
		 " --format csv --output '%s'",
		 w.year, w.year, dir);
	assert_int_equal(api_cli(args, &out), 0);
	expect_output(out, "(0 rows,");
	free(out);
	/* a report that does not count visits has no source filter */
	snprintf(args, sizeof(args),
		 "report run cases --from %d-01-01 --to %d-12-31 --source huiqitong", w.year,
		 w.year);
	assert_int_equal(api_cli(args, &out), 2);
	expect_output(out, "does not count visits by source");
	free(out);
	tc_remove_tree(dir);
}

static void test_manager_sees_an_imported_visit_and_cannot_answer_it(void **state)
{
	(void)state;
	struct vs_enterprise e;
	vs_enterprise_new(&e, true);
	char *manager_id, *manager = vs_manager_new(&e, &manager_id);
	char unit_name[128], unit_id[24];
	snprintf(unit_name, sizeof(unit_name), "%s", api_unique("慧企通测试单位"));
	unit_mapped(unit_name, unit_id);
	char rid[64], csv[1024];
	snprintf(rid, sizeof(rid), "HQ-%s-M1", w.tag);
	snprintf(csv, sizeof(csv),
		 "记录编号,入企时间,统一社会信用代码,单位名称,姓名,手机号,活动类型,入企事项,评价,"
		 "评价内容\n%s,%d-06-01 10:00,%s,%s,钱八,13912345678,执法检查,消防检查,不满意,"
		 "检查时间过长\n",
		 rid, w.year, e.m.uscc, unit_name);
	char *path = api_write_temp(csv, strlen(csv)), *out;
	assert_int_equal(hq_import(path, "", &out), 0);
	expect_output(out, "inserted 1 (1 rated), unchanged 0, changed 0, rejected 0");
	free(out);
	unlink(path);
	free(path);
	const char *p[] = {rid};
	char *visit =
	    api_owner_value("SELECT id::text FROM rq.visits WHERE source_record_id = $1", 1, p);
	assert_non_null(visit);

	/* the manager sees it, as imported, with the official's phone masked */
	char list[128];
	snprintf(list, sizeof(list), EV_BASE "/visits?status=imported");
	struct api_resp *r = api_get(list, manager);
	assert_int_equal(r->status, 200);
	cJSON *item = api_list_item(r, visit);
	assert_non_null(item);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(item, "source")), "huiqitong");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(item, "source_record_id")),
			    rid);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(item, "finish_overdue")));
	api_free(r);
	r = api_get(ev_path(visit, ""), manager);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "status"), "imported");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(r->json, "can_answer")));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(r->json, "can_rate")));
	assert_string_equal(api_json_str(r, "rating.value"), "unsatisfied");
	assert_null(strstr(r->body, "13912345678"));
	api_free(r);
	/* ... and can neither confirm, dispute nor rate it: nothing is written */
	r = vs_call("POST", ev_path(visit, "/confirm"), manager, NULL);
	api_assert_problem(r, 409, "visit-imported");
	api_free(r);
	r = vs_call("POST", ev_path(visit, "/dispute"), manager, "{\"category\":\"never_came\"}");
	api_assert_problem(r, 409, "visit-imported");
	api_free(r);
	r = ev_rate(manager, visit, "satisfied", NULL, false, false);
	api_assert_problem(r, 409, "visit-imported");
	api_free(r);
	/* the imported 不满意 opened no case, and nobody was notified of anything */
	const char *pv[] = {visit};
	assert_int_equal(api_owner_int("SELECT (SELECT count(*) FROM rq.cases WHERE visit_id ="
				       " $1::bigint) + (SELECT count(*) FROM rq.outbox WHERE"
				       " visit_id = $1::bigint) + (SELECT count(*) FROM"
				       " rq.visit_answers WHERE visit_id = $1::bigint)",
				       1, pv),
			 0);
	const char *pm[] = {manager_id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.outbox WHERE account_id ="
				       " $1::bigint AND kind LIKE 'visit%'",
				       1, pm),
			 0);

	/* the portal filters by source */
	struct api_session city;
	api_session_login(&city, "hq-city", "city_admin", NULL);
	r = api_session_call(&city, "GET", "/api/v1/admin/visits?source=huiqitong&limit=200", NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(api_list_item(r, visit));
	api_free(r);
	r = api_session_call(&city, "GET", "/api/v1/admin/visits?source=platform&limit=200", NULL);
	assert_int_equal(r->status, 200);
	assert_null(api_list_item(r, visit));
	api_free(r);
	r = api_session_call(&city, "GET", "/api/v1/admin/visits?source=elsewhere", NULL);
	assert_int_equal(r->status, 400);
	api_free(r);
	api_session_end(&city);
	free(visit);
	free(manager);
	free(manager_id);
}

/* An inspection imported from 慧企通 took place: a later registration of the same unit at the
 * same enterprise in the same year counts it toward the yearly cap (README, 慧企通 import). */
static void test_an_imported_inspection_counts_toward_the_yearly_cap(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	char unit_name[128], unit_id[24];
	snprintf(unit_name, sizeof(unit_name), "%s", api_unique("慧企通检查单位"));
	unit_mapped(unit_name, unit_id);
	/* the official's unit is the mapped one */
	const char *pu[] = {unit_id, s.off.account_id};
	api_owner_write("UPDATE rq.official_profiles SET unit_id = $1::bigint"
			" WHERE account_id = $2::bigint",
			2, pu);
	char *when = api_owner_value("SELECT to_char(now() - interval '1 minute', 'YYYY-MM-DD"
				     " HH24:MI')",
				     0, NULL);
	char csv[1024];
	snprintf(csv, sizeof(csv),
		 "record_id,entered_at,uscc,unit,official_name,activity_type,matter\n"
		 "HQ-%s-CAP,%s,%s,%s,周九,inspection,消防检查\n",
		 w.tag, when, s.ent.m.uscc, unit_name);
	free(when);
	char *path = api_write_temp(csv, strlen(csv)), *out;
	assert_int_equal(hq_import(path, "", &out), 0);
	expect_output(out, "inserted 1 (0 rated)");
	free(out);
	unlink(path);
	free(path);
	cJSON *body = vs_body(s.ent.token, "inspection");
	vs_body_exemption(body, "complaint_report"); /* today may be a quiet day */
	vs_assert_refused(s.off.bearer, body, 422, "inspection-cap", "over_cap_reason",
			  "an inspection after an imported one");
	cJSON_Delete(body);
	vs_scene_free(&s);
}

static void test_unusable_files_are_refused_whole(void **state)
{
	(void)state;
	int64_t audit = import_audit_rows();
	static const char *const files[][2] = {
	    {"记录编号,入企时间,统一社会信用代码,姓名,活动类型,入企事项\nX1,2020-01-01 09:00,"
	     "91411502MA9F00001A,张三,参观访问,参观\n",
	     "表头缺少单位名称 / unit列"},
	    {"", "文件为空"},
	    {"record_id,entered_at,uscc,unit,official_name,activity_type,matter,record_id\n",
	     "表头中有两个 record_id 列"},
	    {"\xFF\xFE"
	     "r\0e\0",
	     "UTF-16"},
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len = i == 3 ? 6 : strlen(files[i][0]);
		char *path = api_write_temp(files[i][0], len), *out;
		assert_int_equal(hq_import(path, "", &out), 1);
		expect_output(out, files[i][1]);
		expect_output(out, "cannot be imported; nothing was changed");
		free(out);
		unlink(path);
		free(path);
	}
	char *out;
	assert_int_equal(api_cli("import huiqitong", &out), 2);
	free(out);
	assert_int_equal(import_audit_rows(), audit);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dry_run_writes_nothing),
	    cmocka_unit_test(test_import_writes_exactly_the_good_rows),
	    cmocka_unit_test(test_reimport_changes_nothing),
	    cmocka_unit_test(test_changed_record_is_reported_and_kept),
	    cmocka_unit_test(test_reports_count_imported_visits_by_source),
	    cmocka_unit_test(test_manager_sees_an_imported_visit_and_cannot_answer_it),
	    cmocka_unit_test(test_an_imported_inspection_counts_toward_the_yearly_cap),
	    cmocka_unit_test(test_unusable_files_are_refused_whole),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
