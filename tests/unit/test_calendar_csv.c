/* lib/rq_calendar: the calendar's CSV as a spreadsheet saves it (UTF-8 with or without BOM,
 * GBK), its columns by English or Chinese names in any order, dates and kinds in the forms
 * people type them, and every problem on its line: a bad date, kind or empty name, a day
 * twice, a line with too many fields; a file without the columns or empty is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "arena_fixture.h"
#include "rq_calendar.h"

struct fixture {
	struct rq_arena *arena;
};

static int setup(void **state)
{
	static struct fixture f;
	f.arena = rq_arena_new();
	*state = &f;
	return f.arena != NULL ? 0 : -1;
}

static struct rq_calendar_file *parse(void **state, const char *csv)
{
	struct fixture *f = *state;
	return rq_calendar_parse(f->arena, csv, strlen(csv), 1 << 20);
}

static void assert_problem(const struct rq_calendar_row *row, const char *field, const char *needle)
{
	for (int i = 0; i < row->nproblems; i++)
		if (strcmp(row->problems[i].field, field) == 0 &&
		    strstr(row->problems[i].message, needle) != NULL)
			return;
	fail_msg("line %ld has no %s problem with \"%s\"", row->line, field, needle);
}

static void dates_and_kinds_as_people_write_them(void **state)
{
	struct fixture *f = *state;
	static const char *const dates[][2] = {
	    {"2025-10-01", "2025-10-01"},   {"2025/10/1", "2025-10-01"},
	    {"2025-1-2", "2025-01-02"},	    {"2025.1.2", "2025-01-02"},
	    {"2025年1月2日", "2025-01-02"}, {"2025年1月2", "2025-01-02"},
	    {"2024-02-29", "2024-02-29"},
	};
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		const char *d = rq_calendar_date(f->arena, dates[i][0]);
		assert_non_null(d);
		assert_string_equal(d, dates[i][1]);
	}
	static const char *const bad[] = {"2025-02-29", "2025-13-01", "1999-12-31", "2101-01-01",
					  "25-10-01",	"2025-10",    "2025/10-01", "2025-10-01x",
					  "20251001",	"",	      "2025-010-01"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (rq_calendar_date(f->arena, bad[i]) != NULL)
			fail_msg("\"%s\" taken for a date", bad[i]);
	assert_string_equal(rq_calendar_kind("Holiday"), "holiday");
	assert_string_equal(rq_calendar_kind("放假"), "holiday");
	assert_string_equal(rq_calendar_kind("休"), "holiday");
	assert_string_equal(rq_calendar_kind("WORKDAY"), "workday");
	assert_string_equal(rq_calendar_kind("补班"), "workday");
	assert_string_equal(rq_calendar_kind("调休上班"), "workday");
	assert_null(rq_calendar_kind("vacation"));
	assert_null(rq_calendar_kind(NULL));
}

static void encodings_and_headers(void **state)
{
	struct rq_calendar_file *c =
	    parse(state, "\xEF\xBB\xBF"
			 "date,kind,name\r\n2025-10-01,holiday,国庆节\r\n");
	assert_null(c->fatal);
	assert_string_equal(c->encoding, "UTF-8 with BOM");
	assert_int_equal(c->nrows, 1);
	assert_string_equal(c->rows[0].day, "2025-10-01");
	assert_string_equal(c->rows[0].kind, "holiday");
	assert_string_equal(c->rows[0].name, "国庆节");
	assert_int_equal(c->rows[0].line, 2);
	/* GBK (Excel's "CSV" on a Chinese Windows), Chinese headers */
	c = parse(state,
		  "\xC8\xD5\xC6\xDA\x2C\xC0\xE0\xD0\xCD\x2C\xC3\xFB\xB3\xC6\x0A\x32\x30\x33"
		  "\x31\x2D\x31\x30\x2D\x30\x31\x2C\xB7\xC5\xBC\xD9\x2C\xB9\xFA\xC7\xEC\xBD\xDA"
		  "\x0A");
	assert_null(c->fatal);
	assert_string_equal(c->encoding, "GB18030");
	assert_string_equal(c->rows[0].day, "2031-10-01");
	assert_string_equal(c->rows[0].name, "国庆节");
	/* any order, other columns ignored, blank lines skipped, values trimmed and quoted */
	c = parse(state, "备注,名称,类型,日期\n\n说明,\" 春节 \",上班,2025/1/26\n,,,\n");
	assert_null(c->fatal);
	assert_int_equal(c->nrows, 1);
	assert_int_equal(c->nrejected, 0);
	assert_string_equal(c->rows[0].day, "2025-01-26");
	assert_string_equal(c->rows[0].kind, "workday");
	assert_string_equal(c->rows[0].name, "春节");
	assert_int_equal(c->rows[0].line, 3);
}

static void problems_on_their_lines(void **state)
{
	struct rq_calendar_file *c = parse(state, "date,kind,name\n"
						  "2025-10-01,holiday,国庆节\n"
						  "2025-02-30,vacation,\n"
						  "2025/10/1,holiday,again\n"
						  "2025-10-02,holiday,国庆节,extra\n"
						  "2025-10-03,\"holiday\"x,国庆节\n");
	assert_null(c->fatal);
	assert_int_equal(c->nrows, 5);
	assert_int_equal(c->nrejected, 4);
	assert_int_equal(c->rows[0].nproblems, 0);
	assert_problem(&c->rows[1], "date", "2025-02-30");
	assert_problem(&c->rows[1], "kind", "vacation");
	assert_problem(&c->rows[1], "name", "不能为空");
	assert_problem(&c->rows[2], "date", "重复：2025-10-01 已在第 2 行出现");
	assert_problem(&c->rows[3], "file", "表头只有 3 个");
	assert_problem(&c->rows[4], "file", "引号");
	/* rejected by the caller (a refusal of the database) */
	rq_calendar_reject(c, &c->rows[0], "kind", "x");
	assert_int_equal(c->nrejected, 5);
}

static void files_refused_as_a_whole(void **state)
{
	struct rq_calendar_file *c = parse(state, "date,name\n2025-10-01,国庆节\n");
	assert_non_null(c->fatal);
	assert_non_null(strstr(c->fatal, "类型列"));
	assert_int_equal(c->fatal_line, 1);
	assert_int_equal(c->nrows, 0);
	c = parse(state, "");
	assert_non_null(strstr(c->fatal, "文件为空"));
	c = parse(state, "date,kind,name,date\n");
	assert_non_null(strstr(c->fatal, "两个 date 列"));
	c = parse(state, "date,kind,name\n2025-10-01,holiday,\"国庆节\n");
	assert_non_null(strstr(c->fatal, "引号未闭合"));
	assert_int_equal(c->fatal_line, 2);
	c = parse(state, "\xFF\xFE"
			 "d\0");
	assert_non_null(strstr(c->fatal, "UTF-16"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(dates_and_kinds_as_people_write_them, setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(encodings_and_headers, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(problems_on_their_lines, setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(files_refused_as_a_whole, setup, arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
