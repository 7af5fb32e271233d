/* The calendar of working days in tests: a test writes its own rows in a year no shipped
 * arrangement covers (2031, 2032 ...) and removes them when done, so that it never depends
 * on, nor changes, the shipped years. Tests that write calendar rows change what every
 * deadline of those years is: they run RUN_SERIAL (tests/CMakeLists.txt). */
#ifndef CALENDAR_SUPPORT_H
#define CALENDAR_SUPPORT_H

/* Adds or replaces the row of day (YYYY-MM-DD): kind holiday or workday, as the owner,
 * audited like `ruqima calendar import` (rq.calendar_day_put). Fails the test on a refusal. */
void api_calendar_set(const char *day, const char *kind, const char *name);
/* A State-Council-like 国庆 arrangement of 2031: days off Wednesday 1 to Tuesday 7 October,
 * 调休 working days Sunday 28 September and Saturday 11 October. */
void api_calendar_golden_week_2031(void);
/* Removes every row of year (audited). */
void api_calendar_clear(int year);
/* The deadline rq.working_days_add(from, days) as city time text "YYYY-MM-DD HH24:MI:SS.US"
 * (malloc'd), computed as the application role for a mini-program account (row-level
 * security applies) with the session's time zone set to UTC (the answer must not depend on
 * it). from is a timestamptz literal. */
char *api_working_days_add(const char *from, int days);
/* rq.working_days_between(from, to), computed the same way. */
int api_working_days_between(const char *from, const char *to);

#endif
