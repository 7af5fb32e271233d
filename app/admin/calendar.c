#include "calendar.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"

#include <string.h>

static struct rq_stmt st_year =
    RQ_STMT("admin_calendar_year",
	    "SELECT rq.calendar_year_json(coalesce($1::int,"
	    " extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')::int)) AS calendar",
	    1);
/* Raises 42501 for anyone but the city admin. */
static struct rq_stmt st_set =
    RQ_STMT("admin_calendar_set", "SELECT * FROM rq.calendar_day_set($1::date, $2, $3)", 3);
static struct rq_stmt st_delete =
    RQ_STMT("admin_calendar_delete", "SELECT * FROM rq.calendar_day_delete($1::date)", 1);

static const char *const kinds[] = {"holiday", "workday", NULL};

RQ_HANDLER(admin_calendar_get)
{
	const char *params[] = {rq_req_arg(req, "year")};
	PGresult *res = rq_sql_final(req, &st_year, params);
	if (!rq_sql_one(req, resp, res))
		return;
	cJSON *calendar = rq_sql_json(res, 0, "calendar");
	if (calendar == NULL) {
		rq_problem_internal(req, resp, "rq.calendar_year_json answered NULL");
		return;
	}
	rq_resp_json(req, resp, 200, calendar);
}

RQ_HANDLER(admin_calendar_put)
{
	cJSON *errors = rq_errors_new();
	const char *kind = rq_input_enum(req->json, "kind", kinds, true, errors);
	const char *name = rq_json_string(req->json, "name", true, 1, 40, errors);
	if (rq_problem_if_invalid(req, resp, errors))
		return;
	const char *params[] = {rq_req_param(req, "day"), kind, name};
	rq_outcome_put(req, resp, &st_set, params);
}

RQ_HANDLER(admin_calendar_delete)
{
	const char *params[] = {rq_req_param(req, "day")};
	if (rq_outcome_row(req, resp, rq_sql(req, &st_delete, params), NULL, NULL) != 0)
		return;
	resp->status = 204;
}
