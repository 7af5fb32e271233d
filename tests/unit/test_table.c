/* lib/rq_table: the CSV is UTF-8 with a BOM, quoted where needed, never a formula; the XLSX,
 * read back with openpyxl as Excel would, has the cover first, the header frozen and bold,
 * numbers, percentages and dates as such, text that is not a number as text; an existing
 * file is never overwritten. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rq_table.h"
#include "test_common.h"

static const struct rq_col cols[] = {
    {"单位", RQ_COL_TEXT},	  {"入企次数", RQ_COL_INT}, {"满意率", RQ_COL_PERCENT},
    {"平均距离", RQ_COL_DECIMAL}, {"日期", RQ_COL_DATE},    {"登记时间", RQ_COL_TIME},
};
enum { NCOLS = sizeof(cols) / sizeof(cols[0]) };

static const char *const row1[] = {"信阳市市场监管局",	    "1234", "0.955", "12.5", "2026-11-03",
				   "2026-11-03 09:05:07+08"};
static const char *const row2[] = {
    "=HYPERLINK(\"x\"),\"a\"\n", "-3", NULL, "n/a", "not a date", NULL};

/* A fresh path in /tmp that does not exist yet (malloc'd). */
static char *temp_path(const char *suffix)
{
	char dir[] = "/tmp/rq-test-table-XXXXXX";
	assert_non_null(mkdtemp(dir));
	size_t n = strlen(dir) + strlen(suffix) + 8;
	char *p = malloc(n);
	assert_non_null(p);
	snprintf(p, n, "%s/t%s", dir, suffix);
	return p;
}

static void remove_temp(char *path)
{
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	free(path);
}

static char *write_table(enum rq_table_format format, const char *suffix)
{
	char *path = temp_path(suffix);
	struct rq_table *t = rq_table_open(format, path, "入企公务活动统计", cols, NCOLS);
	assert_non_null(t);
	assert_int_equal(rq_table_row(t, row1), 0);
	assert_int_equal(rq_table_row(t, row2), 0);
	assert_int_equal(rq_table_rows(t), 2);
	const char *cover[] = {"期间", "2026-11-01 至 2026-11-30", "行数", "2", NULL};
	assert_int_equal(rq_table_close(t, cover), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	return path;
}

static void csv_is_utf8_with_bom_quoted_and_never_a_formula(void **state)
{
	(void)state;
	char *path = write_table(RQ_TABLE_CSV, ".csv");
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *got = tc_read_all(f, NULL);
	fclose(f);
	assert_string_equal(got,
			    "\xEF\xBB\xBF"
			    "单位,入企次数,满意率,平均距离,日期,登记时间\r\n"
			    "信阳市市场监管局,1234,0.955,12.5,2026-11-03,2026-11-03 09:05:07+08\r\n"
			    "\"'=HYPERLINK(\"\"x\"\"),\"\"a\"\"\n\",-3,,n/a,not a date,\r\n");
	free(got);
	remove_temp(path);
}

static void xlsx_reads_back_as_excel_would(void **state)
{
	(void)state;
	char *path = write_table(RQ_TABLE_XLSX, ".xlsx");
	char cmd[2048];
	snprintf(
	    cmd, sizeof(cmd),
	    "/usr/bin/python3 - '%s' <<'EOF'\n"
	    "import sys, openpyxl\n"
	    "wb = openpyxl.load_workbook(sys.argv[1])\n"
	    "print(wb.sheetnames)\n"
	    "c = wb['说明']\n"
	    "print(c['A1'].value, c['A3'].value, c['B3'].value, c['A4'].value, c['B4'].value)\n"
	    "d = wb['数据']\n"
	    "print(d.freeze_panes, d['A1'].font.b, d.max_row, d.max_column)\n"
	    "for r in d.iter_rows(min_row=1):\n"
	    "    print('|'.join('%%s:%%s:%%s' %% (type(x.value).__name__, x.value, "
	    "x.number_format) for x in r))\n"
	    "EOF",
	    path);
	int status;
	char *out = tc_run(cmd, NULL, &status);
	if (status != 0)
		fail_msg("openpyxl could not read the XLSX: %s", out);
	assert_string_equal(
	    out, "['说明', '数据']\n"
		 "入企公务活动统计 期间 2026-11-01 至 2026-11-30 行数 2\n"
		 "A2 True 3 6\n"
		 "str:单位:General|str:入企次数:General|str:满意率:General|str:平均距离:General|"
		 "str:日期:General|str:登记时间:General\n"
		 "str:信阳市市场监管局:General|int:1234:#,##0|float:0.955:0.0%|float:12.5:0.00|"
		 "datetime:2026-11-03 00:00:00:yyyy-mm-dd|"
		 "datetime:2026-11-03 09:05:07:yyyy-mm-dd hh:mm\n"
		 "str:=HYPERLINK(\"x\"),\"a\"\n:General|int:-3:#,##0|NoneType:None:General|"
		 "str:n/a:General|str:not a date:General|NoneType:None:General\n");
	free(out);
	remove_temp(path);
}

static void an_existing_file_is_never_overwritten(void **state)
{
	(void)state;
	char *path = temp_path(".csv");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("kept", f);
	fclose(f);
	assert_null(rq_table_open(RQ_TABLE_CSV, path, "t", cols, NCOLS));
	assert_null(rq_table_open(RQ_TABLE_XLSX, path, "t", cols, NCOLS));
	f = fopen(path, "r");
	char *got = tc_read_all(f, NULL);
	fclose(f);
	assert_string_equal(got, "kept");
	free(got);
	remove_temp(path);
}

static void formats_by_name(void **state)
{
	(void)state;
	enum rq_table_format f;
	assert_true(rq_table_format_parse("csv", &f) && f == RQ_TABLE_CSV);
	assert_true(rq_table_format_parse("xlsx", &f) && f == RQ_TABLE_XLSX);
	assert_false(rq_table_format_parse("XLSX", &f));
	assert_false(rq_table_format_parse("xls", &f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(csv_is_utf8_with_bom_quoted_and_never_a_formula),
	    cmocka_unit_test(xlsx_reads_back_as_excel_would),
	    cmocka_unit_test(an_existing_file_is_never_overwritten),
	    cmocka_unit_test(formats_by_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
