/* `ruqima import enterprises FILE` against the real stack: UTF-8, UTF-8 with BOM and GBK
 * files; --dry-run and --strict write nothing; re-importing changes nothing (no audit rows);
 * a changed row is updated and audited (a changed name must be verified again); a status
 * of 注销 revokes the issued code with the reason recorded; bad credit codes and duplicate
 * rows are reported with their lines. */
#include "api.h"
#include "api_register.h"
#include "gbk_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEADER "统一社会信用代码,企业名称,法定代表人,住所,县区代码,行业,经营状态,纬度,经度\n"

static char *owner_value(const char *sql, const char *param)
{
	PGconn *c = api_db("owner");
	const char *p[] = {param};
	char *v = api_sql_value(c, sql, 1, p);
	PQfinish(c);
	return v;
}

static void assert_owner_value(const char *sql, const char *param, const char *want)
{
	char *v = owner_value(sql, param);
	if (want == NULL)
		assert_null(v);
	else if (v == NULL || strcmp(v, want) != 0)
		fail_msg("%s [%s]: want %s, got %s", sql, param, want, v != NULL ? v : "NULL");
	free(v);
}

static int import_text(const char *csv, const char *args, char **out)
{
	char *path = api_write_temp(csv, strlen(csv));
	int rc = api_cli_import(path, args, out);
	unlink(path);
	free(path);
	return rc;
}

static void expect_output(const char *out, const char *needle)
{
	if (strstr(out, needle) == NULL)
		fail_msg("output lacks \"%s\":\n%s", needle, out);
}

static void utf8_with_and_without_bom(void **state)
{
	(void)state;
	char a[19], b[19], csv[2048], *out;
	api_uscc_new("411502", a);
	api_uscc_new("411503", b);
	snprintf(csv, sizeof(csv),
		 HEADER "%s,信阳导入测试甲有限公司,张三,茶韵路1号,411502,茶叶加工,存续,32.1285,"
			"114.091\n"
			"%s,\"平桥导入测试乙有限公司, 明港分公司\",李四,,411503,,在业,,\n",
		 a, b);
	assert_int_equal(import_text(csv, NULL, &out), 0);
	expect_output(out, "(UTF-8, 2 rows");
	expect_output(out, "inserted 2, updated 0, unchanged 0, rejected 0");
	free(out);
	assert_owner_value("SELECT name FROM rq.enterprises WHERE uscc = $1", a,
			   "信阳导入测试甲有限公司");
	assert_owner_value("SELECT latitude::text || ',' || longitude FROM rq.enterprises"
			   " WHERE uscc = $1",
			   a, "32.128500,114.091000");
	assert_owner_value("SELECT business_status || ',' || name_verified FROM rq.enterprises"
			   " WHERE uscc = $1",
			   a, "normal,false");
	assert_owner_value("SELECT name FROM rq.enterprises WHERE uscc = $1", b,
			   "平桥导入测试乙有限公司, 明港分公司");
	assert_owner_value("SELECT address FROM rq.enterprises WHERE uscc = $1", b, NULL);
	/* audited as the CLI */
	assert_owner_value("SELECT actor_kind || '/' || request_id FROM audit.log a"
			   " JOIN rq.enterprises e ON a.row_pk = e.id::text"
			   " WHERE a.table_name = 'rq.enterprises' AND e.uscc = $1",
			   a, "system/cli-import-enterprises");

	char c[19];
	api_uscc_new("411525", c);
	snprintf(csv, sizeof(csv),
		 "\xEF\xBB\xBFuscc,name,county_code\r\n%s,固始导入测试丙有限公司,411525\r\n", c);
	assert_int_equal(import_text(csv, NULL, &out), 0);
	expect_output(out, "(UTF-8 with BOM, 1 rows");
	expect_output(out, "inserted 1,");
	free(out);
	assert_owner_value("SELECT county_code FROM rq.enterprises WHERE uscc = $1", c, "411525");
}

static void gbk_file(void **state)
{
	(void)state;
	char a[19], csv[1024], *out;
	api_uscc_new("411502", a);
	snprintf(csv, sizeof(csv), GBK_HEADER "%s," GBK_NAME ",411502," GBK_CUNXU "\r\n", a);
	assert_int_equal(import_text(csv, NULL, &out), 0);
	expect_output(out, "(GB18030, 1 rows");
	expect_output(out, "inserted 1,");
	free(out);
	assert_owner_value("SELECT name FROM rq.enterprises WHERE uscc = $1", a,
			   "信阳毛尖茶业有限公司");
}

static void dry_run_writes_nothing_and_lists_every_problem(void **state)
{
	(void)state;
	char a[19], b[19], bad[19], csv[2048], *out;
	api_uscc_new("411502", a);
	api_uscc_new("411502", b);
	api_uscc_new("411502", bad);
	bad[17] = bad[17] == 'A' ? 'B' : 'A'; /* a wrong check character */
	snprintf(csv, sizeof(csv),
		 HEADER "%s,干跑测试甲,张三,地址,411502,制造,存续,,\n"
			"%s,校验位错误,李四,地址,411502,制造,存续,,\n"
			"%s,干跑测试乙,王五,地址,411599,制造,存续,,\n"
			"%s,干跑测试甲（重复）,张三,地址,411502,制造,存续,,\n"
			"12345,太短,赵六,地址,411502,制造,存续,,\n",
		 a, bad, b, a);
	static const char cli_audit[] =
	    "SELECT count(*) FROM audit.log WHERE request_id = 'cli-import-enterprises'";
	long audit_before = api_owner_int(cli_audit, 0, NULL);
	assert_int_equal(import_text(csv, "--dry-run", &out), 1);
	expect_output(out, "line 3: uscc: 不是有效的统一社会信用代码（校验位不符）");
	expect_output(out, "line 4: county_code: 411599 不是本市的县区代码");
	expect_output(out, "line 5: uscc: 重复：统一社会信用代码");
	expect_output(out, "已在第 2 行出现");
	expect_output(out, "line 6: uscc: 须为 18 位");
	expect_output(out,
		      "would insert 1, update 0; unchanged 0, rejected 4; nothing was changed");
	free(out);
	assert_null(api_enterprise_id(a));
	assert_int_equal(api_owner_int(cli_audit, 0, NULL), audit_before);
}

static void strict_with_one_bad_row_writes_nothing(void **state)
{
	(void)state;
	char a[19], b[19], csv[2048], *out;
	api_uscc_new("411502", a);
	api_uscc_new("411502", b);
	snprintf(csv, sizeof(csv),
		 HEADER "%s,严格测试甲,张三,地址,411502,制造,存续,,\n"
			"%s,严格测试乙,李四,地址,411502,制造,迁出,,\n",
		 a, b);
	assert_int_equal(import_text(csv, "--strict", &out), 1);
	expect_output(out, "line 3: business_status:");
	expect_output(out, "refused (--strict): 1 of 2 rows rejected; nothing was imported");
	free(out);
	assert_null(api_enterprise_id(a));
	/* without --strict the good row goes in and the bad one is reported */
	assert_int_equal(import_text(csv, NULL, &out), 0);
	expect_output(out, "inserted 1, updated 0, unchanged 0, rejected 1");
	free(out);
	char *id = api_enterprise_id(a);
	assert_non_null(id);
	free(id);
	assert_null(api_enterprise_id(b));
}

static void reimport_changes_nothing_and_a_change_is_audited(void **state)
{
	(void)state;
	char a[19], b[19], csv[2048], *out;
	api_uscc_new("411503", a);
	api_uscc_new("411503", b);
	snprintf(csv, sizeof(csv),
		 HEADER "%s,重复导入测试甲,张三,地址一,411503,制造,存续,32.1,114.1\n"
			"%s,重复导入测试乙,李四,地址二,411503,制造,存续,,\n",
		 a, b);
	assert_int_equal(import_text(csv, NULL, NULL), 0);
	long a_rows = api_enterprise_audit_rows(a), b_rows = api_enterprise_audit_rows(b);
	assert_int_equal(a_rows, 1);
	char *updated_at = owner_value("SELECT updated_at FROM rq.enterprises WHERE uscc = $1", a);

	/* the same file again: nothing changes, nothing is audited */
	assert_int_equal(import_text(csv, NULL, &out), 0);
	expect_output(out, "inserted 0, updated 0, unchanged 2, rejected 0");
	free(out);
	assert_int_equal(api_enterprise_audit_rows(a), a_rows);
	assert_int_equal(api_enterprise_audit_rows(b), b_rows);
	assert_owner_value("SELECT updated_at FROM rq.enterprises WHERE uscc = $1", a, updated_at);
	free(updated_at);

	/* verified names stay verified while they do not change */
	PGconn *c = api_db("owner");
	const char *p[] = {a, b};
	api_sql_exec(c, "BEGIN", 0, NULL);
	api_sql_exec(
	    c, "SELECT rq.set_actor('system', 'test', 'owner', NULL, NULL, 'test-verify', NULL)", 0,
	    NULL);
	api_sql_exec(c, "UPDATE rq.enterprises SET name_verified = true WHERE uscc IN ($1, $2)", 2,
		     p);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
	a_rows = api_enterprise_audit_rows(a);
	b_rows = api_enterprise_audit_rows(b);

	/* one row changed: a new register name (the verified name stays, the difference is
	 * flagged for the county) and a new address */
	snprintf(csv, sizeof(csv),
		 HEADER "%s,重复导入测试甲（更名）,张三,地址一（新）,411503,制造,存续,32.1,114.1\n"
			"%s,重复导入测试乙,李四,地址二,411503,制造,存续,,\n",
		 a, b);
	assert_int_equal(import_text(csv, NULL, &out), 0);
	expect_output(out, "inserted 0, updated 1, unchanged 1, rejected 0");
	expect_output(out, "names kept: 1 enterprise whose register name changed");
	free(out);
	assert_int_equal(api_enterprise_audit_rows(a), a_rows + 1);
	assert_int_equal(api_enterprise_audit_rows(b), b_rows);
	assert_owner_value("SELECT name || ',' || register_name || ',' || address || ','"
			   " || name_verified || ',' || register_name_changed"
			   " FROM rq.enterprises WHERE uscc = $1",
			   a, "重复导入测试甲,重复导入测试甲（更名）,地址一（新）,true,true");
	assert_owner_value("SELECT name_verified::text FROM rq.enterprises WHERE uscc = $1", b,
			   "true");
	assert_owner_value(
	    "SELECT (old_row->>'register_name') || '→' || (new_row->>'register_name')"
	    " FROM audit.log a"
	    " JOIN rq.enterprises e ON a.row_pk = e.id::text"
	    " WHERE a.table_name = 'rq.enterprises' AND a.operation = 'UPDATE'"
	    " AND e.uscc = $1 ORDER BY a.id DESC LIMIT 1",
	    a, "重复导入测试甲→重复导入测试甲（更名）");

	/* a file without the address column leaves addresses alone */
	snprintf(csv, sizeof(csv), "uscc,name,county_code\n%s,重复导入测试乙,411503\n", b);
	assert_int_equal(import_text(csv, NULL, &out), 0);
	expect_output(out, "unchanged 1");
	free(out);
	assert_owner_value("SELECT address FROM rq.enterprises WHERE uscc = $1", b, "地址二");
}

static void cancelled_status_revokes_the_code(void **state)
{
	(void)state;
	char a[19], csv[1024], *out;
	api_uscc_new("411502", a);
	snprintf(csv, sizeof(csv), HEADER "%s,注销测试有限公司,张三,地址,411502,制造,存续,,\n", a);
	assert_int_equal(import_text(csv, NULL, NULL), 0);
	char *id = api_enterprise_id(a);
	assert_non_null(id);

	/* verified and issued a code, as the owner with an actor context */
	PGconn *c = api_db("owner");
	const char *p[] = {id};
	api_sql_exec(c, "BEGIN", 0, NULL);
	api_sql_exec(
	    c, "SELECT rq.set_actor('system', 'test', 'owner', NULL, NULL, 'test-issue', NULL)", 0,
	    NULL);
	api_sql_exec(c, "UPDATE rq.enterprises SET name_verified = true WHERE id = $1::bigint", 1,
		     p);
	api_sql_exec(c, "SELECT rq.issue_code($1::bigint)", 1, p);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
	assert_owner_value("SELECT status FROM rq.codes WHERE enterprise_id = $1::bigint", id,
			   "active");

	snprintf(csv, sizeof(csv), HEADER "%s,注销测试有限公司,张三,地址,411502,制造,注销,,\n", a);
	assert_int_equal(import_text(csv, NULL, &out), 0);
	expect_output(out, "updated 1");
	free(out);
	assert_owner_value("SELECT business_status FROM rq.enterprises WHERE id = $1::bigint", id,
			   "cancelled");
	assert_owner_value("SELECT status || ': ' || revoke_reason FROM rq.codes"
			   " WHERE enterprise_id = $1::bigint",
			   id, "revoked: enterprise status: cancelled");
	/* the revocation is on record, made by the import */
	assert_owner_value("SELECT a.request_id FROM audit.log a JOIN rq.codes k"
			   " ON a.table_name = 'rq.codes' AND a.row_pk = k.id::text"
			   " WHERE k.enterprise_id = $1::bigint AND a.operation = 'UPDATE'",
			   id, "cli-import-enterprises");
	free(id);
}

static void construction_projects_by_project_code(void **state)
{
	(void)state;
	char code[64], csv[1024], *out;
	snprintf(code, sizeof(code), "2024-411502-48-01-%d", (int)getpid());
	snprintf(csv, sizeof(csv),
		 "项目代码,项目名称,县区代码,经营状态\n%s,信阳导入测试在建项目,411502,在建\n",
		 code);
	assert_int_equal(import_text(csv, NULL, &out), 0);
	expect_output(out, "inserted 1,");
	free(out);
	assert_int_equal(import_text(csv, NULL, &out), 0);
	expect_output(out, "unchanged 1");
	free(out);
	assert_owner_value("SELECT name || ',' || business_status FROM rq.enterprises"
			   " WHERE project_code = $1",
			   code, "信阳导入测试在建项目,normal");
}

static void a_refused_file_says_why(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(import_text("企业名称,县区代码\n甲,411502\n", NULL, &out), 1);
	expect_output(out, "file: 表头缺少统一社会信用代码列");
	expect_output(out, "nothing was changed");
	free(out);
	assert_int_equal(api_cli_import("/nonexistent/register.csv", NULL, &out), 1);
	expect_output(out, "could not open");
	free(out);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(utf8_with_and_without_bom),
	    cmocka_unit_test(gbk_file),
	    cmocka_unit_test(dry_run_writes_nothing_and_lists_every_problem),
	    cmocka_unit_test(strict_with_one_bad_row_writes_nothing),
	    cmocka_unit_test(reimport_changes_nothing_and_a_change_is_audited),
	    cmocka_unit_test(cancelled_status_revokes_the_code),
	    cmocka_unit_test(construction_projects_by_project_code),
	    cmocka_unit_test(a_refused_file_says_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
