/* The import's checks of each row and of the header: credit codes (GB 32100 check character,
 * the allow-list), project codes, names, county codes, statuses, coordinates, duplicates,
 * and the columns a file must have. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "rq_import.h"

static const char *const counties[] = {"411502", "411503", "411525"};

static struct rq_import *parse_allow(struct rq_arena *a, const char *csv, const char *allowed)
{
	struct rq_import *imp = rq_import_parse(a, csv, strlen(csv), 1 << 20);
	const char *const list[] = {allowed};
	rq_import_resolve(imp, counties, 3, list, allowed != NULL ? 1 : 0);
	return imp;
}

static struct rq_import *parse(struct rq_arena *a, const char *csv)
{
	return parse_allow(a, csv, NULL);
}

static int setup(void **state)
{
	*state = rq_arena_new();
	return *state == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	rq_arena_free(*state);
	return 0;
}

/* Asserts that a problem on line names field and its message contains text. */
static void assert_problem(const struct rq_import *imp, long line, const char *field,
			   const char *text)
{
	for (size_t i = 0; i < imp->problems.n; i++) {
		const struct rq_problem *p = &imp->problems.items[i];
		if (p->line == line && strcmp(p->field, field) == 0 &&
		    strstr(p->message, text) != NULL)
			return;
	}
	for (size_t i = 0; i < imp->problems.n; i++)
		print_message("  line %ld %s: %s\n", imp->problems.items[i].line,
			      imp->problems.items[i].field, imp->problems.items[i].message);
	fail_msg("no problem on line %ld naming %s with \"%s\"", line, field, text);
}

#define HEADER "uscc,name,county_code\n"

static void malformed_credit_codes(void **state)
{
	struct rq_import *imp = parse(*state, HEADER "91411502MA9F00001,短了一位,411502\n"
						     "91411502MA9F0000１A,全角数字,411502\n"
						     "91411502MA9F00001B,校验位错,411502\n"
						     "91411502MA9F00001A,正确,411502\n");
	assert_int_equal(imp->nrows, 4);
	assert_int_equal(imp->nrejected, 3);
	assert_problem(imp, 2, "uscc", "18 位");
	assert_problem(imp, 3, "uscc", "18 位");
	assert_problem(imp, 4, "uscc", "校验位不符");
	assert_false(imp->rows[3].rejected);
}

static void a_failing_check_character_passes_only_on_the_allow_list(void **state)
{
	struct rq_import *imp = parse_allow(*state,
					    HEADER "91411502MA9F00001B,早期代码,411502\n"
						   "91411502MA9F00009B,另一个,411502\n",
					    "91411502MA9F00001B");
	assert_false(imp->rows[0].rejected);
	assert_true(imp->rows[1].rejected);
	assert_problem(imp, 3, "uscc", "白名单");
}

static void exactly_one_identifier(void **state)
{
	struct rq_import *imp =
	    parse(*state, "uscc,project_code,name,county_code\n"
			  ",2023-411502-48-01-012345,在建项目,411502\n"
			  ",,无代码,411502\n"
			  "91411502MA9F00001A,2023-411502-48-01-012346,两个都有,411502\n"
			  ",-bad-,坏项目代码,411502\n");
	assert_false(imp->rows[0].rejected);
	assert_string_equal(imp->rows[0].value[RQ_IMPORT_PROJECT_CODE], "2023-411502-48-01-012345");
	assert_problem(imp, 3, "uscc", "统一社会信用代码");
	assert_problem(imp, 4, "project_code", "只能填写其中一个");
	assert_problem(imp, 5, "project_code", "连字符");
}

static void names(void **state)
{
	char csv[2048];
	char longname[700];
	for (int i = 0; i < 201; i++)
		memcpy(longname + 3 * i, "名", 3); /* 201 characters, 603 bytes */
	longname[603] = '\0';
	snprintf(csv, sizeof(csv),
		 HEADER "91411502MA9F00001A,,411502\n"
			"91411503MA9F00002U,%s,411503\n"
			"91411525MA9F00003T,\"两行\n名称\",411525\n",
		 longname);
	struct rq_import *imp = parse(*state, csv);
	assert_int_equal(imp->nrejected, 3);
	assert_problem(imp, 2, "name", "为空");
	assert_problem(imp, 3, "name", "200 个字符");
	assert_problem(imp, 4, "name", "换行符");
	/* exactly 200 characters is fine */
	longname[600] = '\0';
	snprintf(csv, sizeof(csv), HEADER "91411502MA9F00001A,%s,411502\n", longname);
	imp = parse(*state, csv);
	assert_int_equal(imp->problems.n, 0);
}

static void county_codes(void **state)
{
	struct rq_import *imp = parse(*state, HEADER "91411502MA9F00001A,甲,411599\n"
						     "91411503MA9F00002U,乙,4115\n"
						     "91411525MA9F00003T,丙,\n");
	assert_int_equal(imp->nrejected, 3);
	assert_problem(imp, 2, "county_code", "不是本市的县区代码");
	assert_problem(imp, 3, "county_code", "6 位");
	assert_problem(imp, 4, "county_code", "为空");
}

static void status_words_of_the_registries(void **state)
{
	assert_string_equal(rq_import_status("存续"), "normal");
	assert_string_equal(rq_import_status("存续（在营、开业、在册）"), "normal");
	assert_string_equal(rq_import_status("在业"), "normal");
	assert_string_equal(rq_import_status("开业"), "normal");
	assert_string_equal(rq_import_status("吊销"), "revoked");
	assert_string_equal(rq_import_status("吊销，未注销"), "revoked");
	assert_string_equal(rq_import_status("注销"), "cancelled");
	assert_string_equal(rq_import_status("停业"), "suspended");
	assert_string_equal(rq_import_status("歇业"), "suspended");
	assert_string_equal(rq_import_status("异常"), "abnormal");
	assert_string_equal(rq_import_status("经营异常"), "abnormal");
	assert_string_equal(rq_import_status("列入经营异常名录"), "abnormal");
	assert_string_equal(rq_import_status("Normal"), "normal");
	assert_string_equal(rq_import_status("cancelled"), "cancelled");
	assert_null(rq_import_status("迁出"));
	assert_null(rq_import_status(""));
	assert_null(rq_import_status(NULL));

	struct rq_import *imp = parse(*state, "uscc,name,county_code,经营状态\n"
					      "91411502MA9F00001A,甲,411502,吊销\n"
					      "91411503MA9F00002U,乙,411503,迁出\n"
					      "91411525MA9F00003T,丙,411525,\n");
	assert_string_equal(imp->rows[0].value[RQ_IMPORT_STATUS], "revoked");
	assert_problem(imp, 3, "business_status", "不是可识别的经营状态");
	assert_problem(imp, 4, "business_status", "为空");
}

static void coordinates_both_or_neither_and_in_range(void **state)
{
	struct rq_import *imp = parse(*state, "uscc,name,county_code,纬度,经度\n"
					      "91411502MA9F00001A,甲,411502,32.1285,114.091\n"
					      "91411503MA9F00002U,乙,411503,32.1,\n"
					      "91411525MA9F00003T,丙,411525,90.5,114\n"
					      "91411502MA9F00004K,丁,411502,32,180.000001\n"
					      "91411502MA9F00005N,戊,411502,abc,1e2\n"
					      "91411503MA9F000068,己,411503,-90,-180\n"
					      "91411503MA9F00007B,庚,411503,,\n");
	assert_false(imp->rows[0].rejected);
	assert_problem(imp, 3, "longitude", "同时填写");
	assert_problem(imp, 4, "latitude", "-90 到 90");
	assert_problem(imp, 5, "longitude", "-180 到 180");
	assert_problem(imp, 6, "latitude", "之间的数值");
	assert_problem(imp, 6, "longitude", "之间的数值");
	assert_false(imp->rows[5].rejected);
	assert_false(imp->rows[6].rejected);
	assert_null(imp->rows[6].value[RQ_IMPORT_LATITUDE]);
}

static void duplicate_rows_name_the_first_line(void **state)
{
	struct rq_import *imp = parse(*state, HEADER "91411502MA9F00001A,甲,411502\n"
						     "91411503MA9F00002U,乙,411503\n"
						     "91411502ma9f00001a,甲（重复）,411502\n"
						     "91411502MA9F00001A,甲,411502\n");
	assert_int_equal(imp->nrejected, 2);
	assert_false(imp->rows[0].rejected);
	assert_problem(imp, 4, "uscc", "已在第 2 行出现");
	assert_problem(imp, 5, "uscc", "已在第 2 行出现");
	/* problems come out in line order */
	for (size_t i = 1; i < imp->problems.n; i++)
		assert_true(imp->problems.items[i - 1].line <= imp->problems.items[i].line);
}

static void the_header_needs_an_identifier_a_name_and_a_county(void **state)
{
	struct rq_import *imp = parse(*state, "name,county_code\n甲,411502\n");
	assert_true(imp->fatal);
	assert_non_null(strstr(imp->problems.items[0].message, "统一社会信用代码列"));
	imp = parse(*state, "uscc,county_code\n91411502MA9F00001A,411502\n");
	assert_true(imp->fatal);
	assert_non_null(strstr(imp->problems.items[0].message, "企业名称列"));
	imp = parse(*state, "统一社会信用代码,企业名称\n91411502MA9F00001A,甲\n");
	assert_true(imp->fatal);
	assert_non_null(strstr(imp->problems.items[0].message, "县区代码列"));
	imp = parse(*state, "uscc,name,county_code,latitude\n91411502MA9F00001A,甲,411502,32\n");
	assert_true(imp->fatal);
	assert_non_null(strstr(imp->problems.items[0].message, "纬度列"));
	imp = parse(*state, "uscc,统一社会信用代码,name,county_code\n");
	assert_true(imp->fatal);
	assert_non_null(strstr(imp->problems.items[0].message, "两个 uscc 列"));
	imp = parse(*state, "");
	assert_true(imp->fatal);
	assert_non_null(strstr(imp->problems.items[0].message, "为空"));
}

static void header_names_in_chinese_english_and_unknown_columns(void **state)
{
	struct rq_import *imp = parse(
	    *state, "序号,统一社会信用代码*,企业名称,法定代表人,住所,县区代码,行业,登记状态,"
		    "纬度,经度,备注\n"
		    "1,91411502MA9F00001A,信阳毛尖茶业有限公司,张三,茶韵路1号,411502,茶叶加工,"
		    "存续,32.1285,114.0910,无\n");
	assert_false(imp->fatal);
	for (int f = 0; f < RQ_IMPORT_NFIELDS; f++)
		if (f != RQ_IMPORT_PROJECT_CODE)
			assert_true(imp->has[f]);
	assert_int_equal(imp->problems.n, 0);
	const struct rq_import_row *r = &imp->rows[0];
	assert_string_equal(r->value[RQ_IMPORT_LEGAL_REP], "张三");
	assert_string_equal(r->value[RQ_IMPORT_ADDRESS], "茶韵路1号");
	assert_string_equal(r->value[RQ_IMPORT_INDUSTRY], "茶叶加工");
	assert_string_equal(r->value[RQ_IMPORT_STATUS], "normal");
	assert_string_equal(r->value[RQ_IMPORT_LONGITUDE], "114.0910");
	imp = parse(*state, "USCC,Name,County_Code,Legal_Rep,Address,Industry,Business_Status,"
			    "Latitude,Longitude\n");
	assert_false(imp->fatal);
	assert_int_equal(imp->nrows, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(malformed_credit_codes, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_failing_check_character_passes_only_on_the_allow_list,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(exactly_one_identifier, setup, teardown),
	    cmocka_unit_test_setup_teardown(names, setup, teardown),
	    cmocka_unit_test_setup_teardown(county_codes, setup, teardown),
	    cmocka_unit_test_setup_teardown(status_words_of_the_registries, setup, teardown),
	    cmocka_unit_test_setup_teardown(coordinates_both_or_neither_and_in_range, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(duplicate_rows_name_the_first_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(the_header_needs_an_identifier_a_name_and_a_county,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(header_names_in_chinese_english_and_unknown_columns,
					    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
