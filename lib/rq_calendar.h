/* The calendar of working days as a CSV file (`ruqima calendar import`): one row a day with
 * its date, its kind (holiday 放假 or workday 调休上班) and its name, as the city admin types
 * the State Council's notice into a spreadsheet. Parsed and checked here without a database
 * (unit-tested); the rules that need one (a 调休 working day falls on a weekend, the name's
 * length) are rq.calendar_day_put's (lib/sql/calendar.sql). */
#ifndef RQ_CALENDAR_H
#define RQ_CALENDAR_H

#include "rq_attr.h"

#include <stdbool.h>
#include <stddef.h>

#include "rq_arena.h"

enum { RQ_CALENDAR_ROW_PROBLEMS = 4 };

struct rq_calendar_problem {
	const char *field;   /* "date", "kind", "name" or "file" */
	const char *message; /* Chinese, to show as it is */
};

struct rq_calendar_row {
	long line;	  /* where the record starts in the file (1 = header) */
	const char *day;  /* YYYY-MM-DD, or NULL when the date is bad */
	const char *kind; /* holiday or workday, or NULL when bad */
	const char *name; /* trimmed, or NULL when empty */
	struct rq_calendar_problem problems[RQ_CALENDAR_ROW_PROBLEMS];
	int nproblems; /* a row with problems is not written */
};

struct rq_calendar_file {
	const char *encoding; /* "UTF-8", "UTF-8 with BOM" or "GB18030" */
	struct rq_calendar_row *rows;
	size_t nrows;
	size_t nrejected;
	/* the file as a whole is refused (no rows): why, and where (0: the whole file) */
	const char *fatal;
	long fatal_line;
};

/* Parses and checks len bytes of CSV with the columns date (日期), kind (类型) and name (名称)
 * in any order (other columns are ignored). A date is YYYY-MM-DD, YYYY/M/D, YYYY.M.D or
 * YYYY年M月D日, a real day of 2000..2100; a kind is holiday (放假, 休, 休息, 节假日) or workday
 * (上班, 班, 补班, 调休上班, 工作日); a name is not empty; a date twice is refused on the later
 * line. Never returns NULL. */
struct rq_calendar_file *rq_calendar_parse(struct rq_arena *a, const char *data, size_t len,
					   size_t max_bytes) RQ_MUST_USE;

/* Adds a problem about field to row (the row is then rejected). */
void rq_calendar_reject(struct rq_calendar_file *f, struct rq_calendar_row *row, const char *field,
			const char *message);

/* day as YYYY-MM-DD (in the arena) when it is a date in one of the forms above, else NULL. */
const char *rq_calendar_date(struct rq_arena *a, const char *s) RQ_MUST_USE;
/* "holiday" or "workday" for a kind as above (English in any case), else NULL. */
const char *rq_calendar_kind(const char *s) RQ_MUST_USE;

#endif
