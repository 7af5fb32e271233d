#include "calendar_support.h"

#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void api_calendar_set(const char *day, const char *kind, const char *name)
{
	PGconn *c = api_owner_tx();
	const char *p[] = {day, kind, name};
	char *outcome = api_sql_value(
	    c, "SELECT outcome FROM rq.calendar_day_put($1::date, $2, $3, NULL)", 3, p);
	if (outcome == NULL || strcmp(outcome, "ok") != 0)
		fail_msg("calendar %s %s %s: %s", day, kind, name,
			 outcome != NULL ? outcome : "(null)");
	free(outcome);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
}

void api_calendar_golden_week_2031(void)
{
	char day[16];
	for (int d = 1; d <= 7; d++) {
		snprintf(day, sizeof(day), "2031-10-%02d", d);
		api_calendar_set(day, "holiday", "国庆节");
	}
	api_calendar_set("2031-09-28", "workday", "国庆节调休上班");
	api_calendar_set("2031-10-11", "workday", "国庆节调休上班");
}

void api_calendar_clear(int year)
{
	char y[8];
	snprintf(y, sizeof(y), "%d", year);
	const char *p[] = {y};
	api_owner_write("DELETE FROM rq.calendar_days WHERE extract(year FROM day) = $1::int", 1,
			p);
}

/* The app role in a transaction for a mini-program account, the session in UTC. */
static PGconn *app_tx(void)
{
	PGconn *c = api_db("app");
	api_sql_exec(c, "SET TIME ZONE 'UTC'", 0, NULL);
	api_sql_exec(c, "BEGIN", 0, NULL);
	api_sql_exec(c,
		     "SELECT rq.set_actor('account', '1', 'account', NULL, NULL, 'calendar-test',"
		     " NULL)",
		     0, NULL);
	return c;
}

char *api_working_days_add(const char *from, int days)
{
	char n[16];
	snprintf(n, sizeof(n), "%d", days);
	const char *p[] = {from, n};
	PGconn *c = app_tx();
	char *v = api_sql_value(c,
				"SELECT to_char(rq.working_days_add($1::timestamptz, $2::int)"
				" AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS.US')",
				2, p);
	PQfinish(c);
	return v;
}

int api_working_days_between(const char *from, const char *to)
{
	const char *p[] = {from, to};
	PGconn *c = app_tx();
	int64_t v = api_sql_int(
	    c, "SELECT rq.working_days_between($1::timestamptz, $2::timestamptz)", 2, p);
	PQfinish(c);
	return (int)v;
}
