/* The calendar of working days (app/DESIGN.md §5): the holidays and 调休 working weekend days
 * that the complaint steps' deadlines are counted in. Every portal role reads it; only the
 * city admin changes it. Every change is audited. */
#ifndef ADMIN_CALENDAR_H
#define ADMIN_CALENDAR_H

#include "rq_router.h"

/* GET /api/v1/admin/calendar?year=YYYY (default: this year, city time): {year, working_days,
 * holidays, workdays, items: [{day, kind, name, weekday, updated_at, updated_by}]}, the
 * rows in day order (rq.calendar_year_json, lib/sql/calendar.sql). Raises 400 for a year
 * outside 2000..2100. */
RQ_HANDLER_DECL(admin_calendar_get);
/* PUT /api/v1/admin/calendar/{day} {kind: holiday|workday, name}: adds (201) or replaces
 * (200) the day's row and answers it with change inserted, updated or unchanged (nothing
 * written, no audit row). Raises 404 for a malformed day, 422 naming kind or name
 * (calendar-kind-invalid, calendar-name-invalid, calendar-workday-weekday: a 调休 working
 * day on Monday to Friday), 403 for anyone but the city admin (route, and again in
 * rq.calendar_day_set). */
RQ_HANDLER_DECL(admin_calendar_put);
/* DELETE /api/v1/admin/calendar/{day}: removes the day's row (204); the day is then what
 * Monday to Friday says. Raises 404 (calendar-day-unknown) when the day has no row or is
 * malformed, 403 for anyone but the city admin (route, and again in rq.calendar_day_delete). */
RQ_HANDLER_DECL(admin_calendar_delete);

#endif
