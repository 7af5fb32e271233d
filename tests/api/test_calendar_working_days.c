/* Deadlines in working days (lib/sql/calendar.sql), computed as the application role for a
 * mini-program account with the session in UTC: a deadline that crosses a holiday and a 调休
 * Saturday, the working days left and overdue, the city's day of an instant, 0 days, the
 * shipped arrangements of 2024 and 2025, a year without rows. The test writes its own rows
 * in 2031 (a State-Council-like 国庆 week) and removes them. */
#include "api.h"
#include "calendar_support.h"

#include <stdlib.h>
#include <string.h>

/* 2031-09-30 is a Tuesday: five working days after it are 8, 9, 10, 11 (the 调休 Saturday)
 * and 13 October; without the calendar they would be 1, 2, 3, 6 and 7 October. */
#define FROM	 "2031-09-30 10:00:00+08"
#define DEADLINE "2031-10-13 23:59:59.999999+08"

static int golden_week(void **state)
{
	(void)state;
	api_calendar_clear(2031);
	api_calendar_golden_week_2031();
	return 0;
}

static int clear_2031(void **state)
{
	(void)state;
	api_calendar_clear(2031);
	return 0;
}

static void assert_add(const char *from, int days, const char *want)
{
	char *got = api_working_days_add(from, days);
	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("working_days_add(%s, %d): want %s, got %s", from, days, want,
			 got != NULL ? got : "NULL");
	free(got);
}

static void assert_between(const char *from, const char *to, int want)
{
	int got = api_working_days_between(from, to);
	if (got != want)
		fail_msg("working_days_between(%s, %s): want %d, got %d", from, to, want, got);
}

static void deadline_crosses_a_holiday_and_a_workday_saturday(void **state)
{
	(void)state;
	assert_add(FROM, 5, "2031-10-13 23:59:59.999999");
	assert_add(FROM, 1, "2031-10-08 23:59:59.999999");
	assert_add(FROM, 4, "2031-10-11 23:59:59.999999");
	/* from the Friday before: the 调休 Sunday counts */
	assert_add("2031-09-26 18:00:00+08", 1, "2031-09-28 23:59:59.999999");
	assert_add("2031-09-26 18:00:00+08", 4, "2031-10-08 23:59:59.999999");
	/* the rows decide: without them the same count ends in the holiday */
	api_calendar_clear(2031);
	assert_add(FROM, 5, "2031-10-07 23:59:59.999999");
	assert_add("2031-09-26 18:00:00+08", 1, "2031-09-29 23:59:59.999999");
}

static void days_left_and_overdue(void **state)
{
	(void)state;
	assert_between(FROM, DEADLINE, 5);
	assert_between(DEADLINE, FROM, -5);
	/* during the holiday: all five still ahead */
	assert_between("2031-10-04 12:00:00+08", DEADLINE, 5);
	/* on the 调休 Saturday: it counts as gone, 13 October is left */
	assert_between("2031-10-11 09:00:00+08", DEADLINE, 1);
	/* Sunday: the Monday is left; on the Monday: due today */
	assert_between("2031-10-12 12:00:00+08", DEADLINE, 1);
	assert_between("2031-10-13 08:00:00+08", DEADLINE, 0);
	/* overdue by the working days past the deadline's day */
	assert_between("2031-10-14 00:00:00+08", DEADLINE, -1);
	assert_between("2031-10-15 17:00:00+08", DEADLINE, -2);
	/* across the whole break: 28 (Sunday), 29, 30 September and 8 October */
	assert_between("2031-09-26 18:00:00+08", "2031-10-08 09:00:00+08", 4);
	assert_between("2031-10-01 00:00:00+08", "2031-10-07 23:59:59+08", 0);
}

static void days_are_the_citys(void **state)
{
	(void)state;
	/* 23:30 on Friday 10 October in the city (15:30 UTC): the next working day is the
	 * 调休 Saturday; half an hour after midnight the Saturday is the day counted from */
	assert_add("2031-10-10 15:30:00+00", 1, "2031-10-11 23:59:59.999999");
	assert_add("2031-10-10 16:30:00+00", 1, "2031-10-13 23:59:59.999999");
	assert_between("2031-10-10 15:30:00+00", "2031-10-10 16:30:00+00", 1);
}

static void zero_days_and_negative(void **state)
{
	(void)state;
	/* 0: the end of the day itself, holiday or not */
	assert_add("2031-10-03 10:00:00+08", 0, "2031-10-03 23:59:59.999999");
	assert_between("2031-10-03 10:00:00+08", "2031-10-03 23:00:00+08", 0);
	PGconn *c = api_db("app");
	char *st = api_sql_state(c, "SELECT rq.working_days_add(now(), -1)", 0, NULL);
	assert_string_equal(st, "22023");
	free(st);
	PQfinish(c);
}

static void a_removed_row_counts_again(void **state)
{
	(void)state;
	PGconn *c = api_owner_tx();
	char *outcome =
	    api_sql_value(c, "SELECT outcome FROM rq.calendar_day_remove('2031-10-11')", 0, NULL);
	assert_string_equal(outcome, "ok");
	free(outcome);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
	/* the Saturday is a weekend day again: the fifth working day moves to Tuesday */
	assert_add(FROM, 5, "2031-10-14 23:59:59.999999");
	assert_between(FROM, DEADLINE, 4);
}

static void shipped_years(void **state)
{
	(void)state;
	/* the working days of the year as announced (国办发明电〔2023〕7号, 〔2024〕12号) */
	assert_int_equal(
	    api_owner_int("SELECT rq.calendar_year_json(2024)->>'working_days'", 0, NULL), 251);
	assert_int_equal(
	    api_owner_int("SELECT rq.calendar_year_json(2025)->>'working_days'", 0, NULL), 248);
	/* 国庆节、中秋节 2025: 1–8 October off, Sunday 28 September and Saturday 11 October on */
	assert_add("2025-09-30 12:00:00+08", 1, "2025-10-09 23:59:59.999999");
	assert_add("2025-09-26 12:00:00+08", 1, "2025-09-28 23:59:59.999999");
	assert_add("2025-10-09 12:00:00+08", 2, "2025-10-11 23:59:59.999999");
	/* 春节 2024: 10–17 February off, Sunday 4 and Sunday 18 February on */
	assert_add("2024-02-08 12:00:00+08", 1, "2024-02-09 23:59:59.999999");
	assert_add("2024-02-09 12:00:00+08", 1, "2024-02-18 23:59:59.999999");
}

static void a_year_without_rows_is_monday_to_friday(void **state)
{
	(void)state;
	/* 2033: 365 days from a Saturday, 52 weeks and a Saturday, 260 weekdays */
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.calendar_days"
				       " WHERE extract(year FROM day) = 2033",
				       0, NULL),
			 0);
	assert_between("2032-12-31 12:00:00+08", "2033-12-31 12:00:00+08", 260);
	/* Friday 7 January 2033 + 1: Monday */
	assert_add("2033-01-07 09:00:00+08", 1, "2033-01-10 23:59:59.999999");
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(deadline_crosses_a_holiday_and_a_workday_saturday,
					    golden_week, clear_2031),
	    cmocka_unit_test_setup_teardown(days_left_and_overdue, golden_week, clear_2031),
	    cmocka_unit_test_setup_teardown(days_are_the_citys, golden_week, clear_2031),
	    cmocka_unit_test_setup_teardown(zero_days_and_negative, golden_week, clear_2031),
	    cmocka_unit_test_setup_teardown(a_removed_row_counts_again, golden_week, clear_2031),
	    cmocka_unit_test(shipped_years),
	    cmocka_unit_test(a_year_without_rows_is_monday_to_friday),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
