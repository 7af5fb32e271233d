/* The checks of a 慧企通 file that need no database (lib/rq_huiqitong.c): times as exports and
 * spreadsheets write them, phones kept masked, activity types and ratings in Chinese or
 * English, lengths, control characters, the rules of a rating, record ids twice, the header's
 * required columns, and the row limit. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rq_huiqitong.h"

#define HEADER                                                                                                               \
	"记录编号,入企时间,统一社会信用代码,单位名称,姓名,手机号,活动类型,入企事项,评价," \
	"评价内容\n"
#define USCC "91411502MA9F00001A" /* passes GB 32100 */

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

static struct rq_huiqitong_file *parse(struct rq_arena *a, const char *csv)
{
	return rq_huiqitong_parse(a, csv, strlen(csv), 1 << 20);
}

static void assert_problem(const struct rq_huiqitong_file *f, long line, const char *field,
			   const char *text)
{
	for (size_t i = 0; i < f->problems.n; i++) {
		const struct rq_problem *p = &f->problems.items[i];
		if (p->line == line && strcmp(p->field, field) == 0 &&
		    strstr(p->message, text) != NULL)
			return;
	}
	for (size_t i = 0; i < f->problems.n; i++)
		print_message("  line %ld %s: %s\n", f->problems.items[i].line,
			      f->problems.items[i].field, f->problems.items[i].message);
	fail_msg("no problem on line %ld naming %s with \"%s\"", line, field, text);
}

static void times_as_written(void **state)
{
	struct rq_arena *a = *state;
	static const char *const ok[][2] = {
	    {"2023-10-12 09:30", "2023-10-12 09:30:00+08"},
	    {"2023/10/12 9:30:05", "2023-10-12 09:30:05+08"},
	    {"2023年10月12日 09:30", "2023-10-12 09:30:00+08"},
	    {"2023-10-12T23:59:59", "2023-10-12 23:59:59+08"},
	    {"2023.1.2  8:05", "2023-01-02 08:05:00+08"},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		const char *t = rq_huiqitong_time(a, ok[i][0]);
		if (t == NULL || strcmp(t, ok[i][1]) != 0)
			fail_msg("%s: %s", ok[i][0], t != NULL ? t : "NULL");
	}
	static const char *const bad[] = {
	    "2023-10-12",	    "2023-02-30 09:00", "2023-10-12 24:00",
	    "2023-10-12 09:60",	    "2023-10-12 9",	"1999-12-31 09:00",
	    "2023-10-12 09:30 +08", "昨天 09:00",	""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (rq_huiqitong_time(a, bad[i]) != NULL)
			fail_msg("accepted %s", bad[i]);
}

static void phones_are_masked(void **state)
{
	struct rq_arena *a = *state;
	assert_string_equal(rq_huiqitong_phone(a, "13800138000"), "138****8000");
	assert_string_equal(rq_huiqitong_phone(a, "139 0376-1234"), "139****1234");
	assert_null(rq_huiqitong_phone(a, "0376-1234567"));
	assert_null(rq_huiqitong_phone(a, "1380013800"));
	assert_null(rq_huiqitong_phone(a, "138001380001"));
	assert_null(rq_huiqitong_phone(a, "12800138000"));
	assert_null(rq_huiqitong_phone(a, "1380013800x"));
}

static void a_good_row_normalised(void **state)
{
	struct rq_huiqitong_file *f =
	    parse(*state,
		  HEADER "HQ-1,2023/10/12 9:30," USCC ", 某局 ,张三,138 0013 8000,执法检查,"
			 "\"第一行\n第二行\",不满意,态度生硬\n"
			 "HQ-2,2023-10-13 10:00,91411502ma9f00001a,某局,李四,,visit,=SUM(A1),,\n");
	assert_false(f->fatal);
	assert_int_equal(f->nrows, 2);
	assert_int_equal(f->problems.n, 0);
	const char *const *v = f->rows[0].value;
	assert_int_equal(f->rows[0].line, 2);
	assert_string_equal(v[RQ_HQ_ENTERED_AT], "2023-10-12 09:30:00+08");
	assert_string_equal(v[RQ_HQ_UNIT], "某局");
	assert_string_equal(v[RQ_HQ_PHONE], "138****8000");
	assert_string_equal(v[RQ_HQ_ACTIVITY], "inspection");
	assert_string_equal(v[RQ_HQ_MATTER], "第一行 第二行");
	assert_string_equal(v[RQ_HQ_RATING], "unsatisfied");
	/* the quoted line break: the next record starts on line 4 */
	assert_int_equal(f->rows[1].line, 4);
	v = f->rows[1].value;
	assert_string_equal(v[RQ_HQ_USCC], USCC); /* upper-cased */
	assert_null(v[RQ_HQ_PHONE]);
	assert_string_equal(v[RQ_HQ_ACTIVITY], "visit");
	assert_string_equal(v[RQ_HQ_MATTER], "=SUM(A1)"); /* text, kept as written */
	assert_null(v[RQ_HQ_RATING]);
	assert_false(f->rows[1].uscc_check_failed);
}

static void bad_values_name_their_field(void **state)
{
	char matter[1600], name[200], csv[4096];
	size_t k = 0;
	for (int i = 0; i < 501; i++, k += 3)
		memcpy(matter + k, "很", 3);
	matter[k] = '\0';
	k = 0;
	for (int i = 0; i < 51; i++, k += 3)
		memcpy(name + k, "名", 3);
	name[k] = '\0';
	snprintf(csv, sizeof(csv),
		 HEADER
		 "HQ 1,2023-10-12 09:30," USCC ",某局,张三,,参观访问,参观,,\n"		 /* 2 */
		 "HQ-3,2023-10-12," USCC ",某局,张三,,参观访问,参观,,\n"		 /* 3 */
		 "HQ-4,2023-10-12 09:30,91411502MA9F0000,某局,张三,,参观访问,参观,,\n"	 /* 4 */
		 "HQ-5,2023-10-12 09:30,91411502MA9F00001B,某局,张三,,参观访问,参观,,\n" /* 5 */
		 "HQ-6,2023-10-12 09:30," USCC ",某局,%s,,参观访问,%s,,\n"		 /* 6 */
		 "HQ-7,2023-10-12 09:30," USCC ",某局,张三,0376-1234567,座谈,参观,很好,\n"
		 "HQ-8,2023-10-12 09:30," USCC ",某局,张三,,参观访问,参观,不满意,\n" /* 8 */
		 "HQ-9,2023-10-12 09:30," USCC ",某局,张三,,参观访问,参观,,有意见\n" /* 9 */
		 "HQ-10,2023-10-12 09:30," USCC ",\"某\x01局\",,,参观访问,,,\n"	     /* 10 */
		 "HQ-10,2023-10-12 09:30," USCC ",某局,张三,,参观访问,参观,,\n",     /* 11 */
		 name, matter);
	struct rq_huiqitong_file *f = parse(*state, csv);
	assert_false(f->fatal);
	assert_int_equal(f->nrows, 10);
	assert_problem(f, 2, "record_id", "字母、数字");
	assert_problem(f, 3, "entered_at", "只有日期");
	assert_problem(f, 4, "uscc", "18 位");
	assert_false(f->rows[3].state == RQ_HQ_REJECTED); /* line 5: the register decides */
	assert_true(f->rows[3].uscc_check_failed);
	assert_problem(f, 7, "activity_type", "座谈");
	assert_problem(f, 6, "official_name", "最多 50 个字符");
	assert_problem(f, 6, "matter", "最多 500 个字符");
	assert_problem(f, 7, "official_phone", "11 位手机号码");
	assert_problem(f, 7, "rating", "很好");
	assert_problem(f, 8, "comment", "不满意");
	assert_problem(f, 9, "comment", "没有评价结果");
	assert_problem(f, 10, "unit", "控制字符");
	assert_problem(f, 10, "official_name", "不能为空");
	assert_problem(f, 10, "matter", "不能为空");
	assert_problem(f, 11, "record_id", "已在第 10 行出现");
	assert_int_equal(f->nrejected, 9);
}

static void the_header_needs_its_columns(void **state)
{
	struct rq_arena *a = *state;
	struct rq_huiqitong_file *f =
	    parse(a, "record_id,entered_at,uscc,unit,official_name,matter\nX,,,,,\n");
	assert_true(f->fatal);
	assert_problem(f, 1, "file", "活动类型");
	f = parse(a, "record_id,entered_at,uscc,unit,official_name,activity_type,matter,comment\n");
	assert_true(f->fatal);
	assert_problem(f, 1, "file", "评价内容列而没有评价列");
	f = parse(a,
		  "记录编号*,时间,USCC,单位,姓名,活动类型,事项,企业名称\nX-1,2023-01-01 08:00," USCC
		  ",某局,张三,调研,调研,某公司\n");
	assert_false(f->fatal);
	assert_int_equal(f->problems.n, 0);
	assert_string_equal(f->rows[0].value[RQ_HQ_ACTIVITY], "research");
}

static void the_row_limit(void **state)
{
	size_t n = RQ_HUIQITONG_MAX_ROWS + 1, cap = sizeof(HEADER) + n * 4;
	char *csv = malloc(cap);
	assert_non_null(csv);
	size_t k = (size_t)snprintf(csv, cap, "%s", HEADER);
	for (size_t i = 0; i < n; i++, k += 3)
		memcpy(csv + k, "x\r\n", 3);
	struct rq_huiqitong_file *f = rq_huiqitong_parse(*state, csv, k, k + 1);
	free(csv);
	assert_true(f->fatal);
	assert_problem(f, (long)n + 1, "file", "请分成几个文件导入");
	assert_int_equal(f->nrows, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(times_as_written, setup, teardown),
	    cmocka_unit_test_setup_teardown(phones_are_masked, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_good_row_normalised, setup, teardown),
	    cmocka_unit_test_setup_teardown(bad_values_name_their_field, setup, teardown),
	    cmocka_unit_test_setup_teardown(the_header_needs_its_columns, setup, teardown),
	    cmocka_unit_test_setup_teardown(the_row_limit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
