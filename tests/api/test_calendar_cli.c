/* `ruqima calendar import FILE` and `ruqima calendar list` against the real stack: a UTF-8
 * file with or without BOM, dates and kinds as a spreadsheet writes them; audited as the CLI;
 * a second import changes nothing (no audit rows); a changed name is updated; --dry-run
 * writes nothing; a file with any bad line is refused as a whole with every problem on its
 * line (the weekday rule from the database among them); a file without the columns is
 * refused; list prints a year and its count of working days. The rows are in 2031 and
 * removed after each test. */
#include "api.h"
#include "api_register.h"
#include "calendar_support.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GOLDEN_WEEK                                                                                \
	"2031-09-28,workday,国庆节调休上班\n"                                               \
	"2031/10/1,放假,国庆节\n"                                                             \
	"2031/10/2,放假,国庆节\n"                                                             \
	"2031年10月3日,休,国庆节\n"                                                         \
	"2031-10-04,holiday,国庆节\n"                                                           \
	"2031-10-05,holiday,国庆节\n"                                                           \
	"2031-10-06,holiday,国庆节\n"                                                           \
	"\"2031-10-07\",HOLIDAY,\" 国庆节 \"\n"                                                 \
	"2031-10-11,上班,国庆节调休上班\n"

static int clear_2031(void **state)
{
	(void)state;
	api_calendar_clear(2031);
	return 0;
}

/* `ruqima calendar ARGS...` with csv (when not NULL) written to a temporary file in place of
 * the argument "FILE". */
static void calendar(struct ct_run *run, const char *csv, const char *const *args)
{
	char *path = csv != NULL ? api_write_temp(csv, strlen(csv)) : NULL;
	const char *argv[8] = {"calendar"};
	size_t n = 1;
	for (const char *const *a = args; *a != NULL && n < 7; a++)
		argv[n++] = strcmp(*a, "FILE") == 0 ? path : *a;
	argv[n] = NULL;
	ct_cli(run, argv);
	if (path != NULL) {
		unlink(path);
		free(path);
	}
}

static void expect(const char *out, const char *needle)
{
	if (strstr(out, needle) == NULL)
		fail_msg("output lacks \"%s\":\n%s", needle, out);
}

static int64_t rows_2031(void)
{
	return api_owner_int("SELECT count(*) FROM rq.calendar_days"
			     " WHERE extract(year FROM day) = 2031",
			     0, NULL);
}

static int64_t cli_audit_rows(void)
{
	return api_owner_int("SELECT count(*) FROM audit.log WHERE table_name = 'rq.calendar_days'"
			     " AND request_id = 'cli-calendar-import'",
			     0, NULL);
}

static void import_is_audited_and_idempotent(void **state)
{
	(void)state;
	int64_t audit = cli_audit_rows();
	struct ct_run run;
	calendar(&run,
		 "\xEF\xBB\xBF"
		 "date,kind,name\r\n" GOLDEN_WEEK,
		 (const char *const[]){"import", "FILE", NULL});
	assert_int_equal(run.status, 0);
	expect(run.out, "(UTF-8 with BOM, 9 rows): inserted 9, updated 0, unchanged 0");
	/* 261 weekdays, 5 of them off, 2 weekend days on */
	expect(run.out, "2031: 258 working days (7 holiday rows, 2 workday rows)");
	ct_run_free(&run);
	assert_int_equal(rows_2031(), 9);
	assert_int_equal(cli_audit_rows(), audit + 9);
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log"
			  " WHERE table_name = 'rq.calendar_days'"
			  " AND request_id = 'cli-calendar-import' AND actor_kind = 'system'"
			  " AND row_pk = '2031-10-07' AND new_row->>'name' = '国庆节'",
			  0, NULL),
	    1);
	/* the deadlines count with it at once */
	char *deadline = api_working_days_add("2031-09-30 10:00:00+08", 5);
	assert_string_equal(deadline, "2031-10-13 23:59:59.999999");
	free(deadline);

	/* the same file again (without BOM this time): nothing written */
	calendar(&run, "date,kind,name\n" GOLDEN_WEEK,
		 (const char *const[]){"import", "FILE", NULL});
	assert_int_equal(run.status, 0);
	expect(run.out, "(UTF-8, 9 rows): inserted 0, updated 0, unchanged 9");
	ct_run_free(&run);
	assert_int_equal(cli_audit_rows(), audit + 9);

	/* columns in another order, Chinese names, another name for one day: updated */
	calendar(&run, "名称,日期,类型\n国庆节假期,2031-10-07,放假\n",
		 (const char *const[]){"import", "FILE", NULL});
	assert_int_equal(run.status, 0);
	expect(run.out, "inserted 0, updated 1, unchanged 0");
	ct_run_free(&run);
	assert_int_equal(cli_audit_rows(), audit + 10);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.calendar_days"
				       " WHERE day = '2031-10-07' AND name = '国庆节假期'",
				       0, NULL),
			 1);
}

static void dry_run_writes_nothing(void **state)
{
	(void)state;
	int64_t audit = cli_audit_rows();
	struct ct_run run;
	calendar(&run, "date,kind,name\n" GOLDEN_WEEK,
		 (const char *const[]){"import", "FILE", "--dry-run", NULL});
	assert_int_equal(run.status, 0);
	expect(run.out, "would insert 9, update 0; unchanged 0; nothing was changed");
	expect(run.out, "2031: 258 working days");
	ct_run_free(&run);
	assert_int_equal(rows_2031(), 0);
	assert_int_equal(cli_audit_rows(), audit);
}

static void a_bad_line_refuses_the_file(void **state)
{
	(void)state;
	int64_t audit = cli_audit_rows();
	struct ct_run run;
	calendar(&run,
		 "date,kind,name\n"
		 "2031-10-01,holiday,国庆节\n"	/* good, yet not written */
		 "2031-10-02,vacation,国庆节\n" /* line 3: kind */
		 "2031-02-30,holiday,国庆节\n"	/* line 4: no such day */
		 "2031-10-01,holiday,again\n"	/* line 5: twice */
		 "2031-10-08,workday,调休\n"	/* line 6: a Wednesday */
		 "2031-10-09,holiday,\n"	/* line 7: no name */
		 "1999-10-01,holiday,国庆节\n", /* line 8: out of range */
		 (const char *const[]){"import", "FILE", NULL});
	assert_int_equal(run.status, 1);
	expect(run.out, "line 3: kind: “vacation”不是可识别的类型");
	expect(run.out, "line 4: date: “2031-02-30”不是 2000–2100 年的日期");
	expect(run.out, "line 5: date: 重复：2031-10-01 已在第 2 行出现");
	expect(run.out, "line 6: kind: 2031-10-08 是星期三：调休上班日须是周六或周日");
	expect(run.out, "line 7: name: 不能为空");
	expect(run.out, "line 8: date:");
	expect(run.out, "refused: 6 of 7 rows rejected; nothing was imported");
	ct_run_free(&run);
	assert_int_equal(rows_2031(), 0);
	assert_int_equal(cli_audit_rows(), audit);

	/* no kind column; an empty file */
	calendar(&run, "date,name\n2031-10-01,国庆节\n",
		 (const char *const[]){"import", "FILE", NULL});
	assert_int_equal(run.status, 1);
	expect(run.out, "line 1: file: 表头须有日期列");
	expect(run.out, "cannot be imported; nothing was changed");
	ct_run_free(&run);
	calendar(&run, "", (const char *const[]){"import", "FILE", NULL});
	assert_int_equal(run.status, 1);
	expect(run.out, "file: 文件为空");
	ct_run_free(&run);
	assert_int_equal(rows_2031(), 0);

	/* usage */
	calendar(&run, NULL, (const char *const[]){"import", NULL});
	assert_int_equal(run.status, 2);
	ct_run_free(&run);
	calendar(&run, NULL, (const char *const[]){"import", "/nonexistent.csv", NULL});
	assert_int_equal(run.status, 1);
	ct_run_free(&run);
}

static void list_prints_a_year(void **state)
{
	(void)state;
	api_calendar_golden_week_2031();
	struct ct_run run;
	calendar(&run, NULL, (const char *const[]){"list", "--year", "2031", NULL});
	assert_int_equal(run.status, 0);
	expect(run.out, "2031-09-28  Sun      workday  国庆节调休上班\n");
	expect(run.out, "2031-10-01  Wed      holiday  国庆节\n");
	expect(run.out, "2031: 258 working days (7 holiday rows, 2 workday rows)\n");
	ct_run_free(&run);
	/* a shipped year; a year without rows says so */
	calendar(&run, NULL, (const char *const[]){"list", "--year", "2025", NULL});
	assert_int_equal(run.status, 0);
	expect(run.out, "2025-01-26  Sun      workday  春节调休上班\n");
	expect(run.out, "2025: 248 working days (28 holiday rows, 5 workday rows)\n");
	ct_run_free(&run);
	calendar(&run, NULL, (const char *const[]){"list", "--year", "2033", NULL});
	assert_int_equal(run.status, 0);
	expect(run.out, "2033: 260 working days (0 holiday rows, 0 workday rows); no rows");
	ct_run_free(&run);
	calendar(&run, NULL, (const char *const[]){"list", "--year", "1999", NULL});
	assert_int_equal(run.status, 2);
	ct_run_free(&run);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(import_is_audited_and_idempotent, clear_2031,
					    clear_2031),
	    cmocka_unit_test_setup_teardown(dry_run_writes_nothing, clear_2031, clear_2031),
	    cmocka_unit_test_setup_teardown(a_bad_line_refuses_the_file, clear_2031, clear_2031),
	    cmocka_unit_test_setup_teardown(list_prints_a_year, clear_2031, clear_2031),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
