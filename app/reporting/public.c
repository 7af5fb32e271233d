#include "public.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_page.h"

const char *const reporting_activity_types[] = {"visit", "research", "inspection", NULL};

static struct rq_stmt st_months =
    RQ_STMT("reporting_public_months", "SELECT rq.public_months() AS item", 0);
static struct rq_stmt st_units =
    RQ_STMT("reporting_public_units", "SELECT rq.public_units($1::int, $2::int) AS item", 2);

/* $1 keyset bound, $2 limit, $3 year, $4 month, $5 unit, $6 activity type */
static struct rq_stmt st_visits = RQ_STMT(
    "reporting_public_visits",
    "SELECT * FROM rq.public_visits($1::bigint, $2::int, $3::int, $4::int, $5::bigint, $6)", 6);

/* $1 keyset bound, $2 limit */
static struct rq_stmt st_seals = RQ_STMT(
    "reporting_public_audit_seals", "SELECT * FROM rq.public_audit_seals($1::bigint, $2::int)", 2);

/* The month asked: both year and month, or neither (this month). Answers 400 naming the
 * one missing and returns -1. */
static int month_given(struct rq_req *req, struct rq_resp *resp)
{
	bool year = rq_req_arg(req, "year") != NULL, month = rq_req_arg(req, "month") != NULL;
	if (year == month)
		return 0;
	rq_problem_field(req, resp, 400, year ? "month" : "year",
			 "年份和月份须同时填写（都不填为本月）");
	return -1;
}

/* A public answer may be kept by anyone, nginx's cache included, for a minute. */
static void public_cache(struct rq_resp *resp)
{
	if (resp->status == 200)
		rq_resp_header(resp, "Cache-Control", "public, max-age=60");
}

/* Answers the one JSON object st builds, for anyone to keep. */
static void public_object(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st,
			  const char *const *params)
{
	PGresult *res = rq_sql_final(req, st, params);
	if (!rq_sql_one(req, resp, res))
		return;
	cJSON *o = rq_sql_json(res, 0, "item");
	if (o == NULL) {
		rq_problem_internal(req, resp, "a public figure answered nothing");
		return;
	}
	rq_resp_json(req, resp, 200, o);
	public_cache(resp);
}

RQ_HANDLER(reporting_public_months)
{
	public_object(req, resp, &st_months, NULL);
}

RQ_HANDLER(reporting_public_units)
{
	if (month_given(req, resp) != 0)
		return;
	const char *params[] = {rq_req_arg(req, "year"), rq_req_arg(req, "month")};
	public_object(req, resp, &st_units, params);
}

RQ_HANDLER(reporting_public_visits)
{
	if (month_given(req, resp) != 0)
		return;
	static const char *const args[] = {"year", "month", "unit_id", "activity_type", NULL};
	rq_page_list_newest(req, resp, &st_visits, args);
	public_cache(resp);
}

RQ_HANDLER(reporting_public_audit_seals)
{
	rq_page_list_newest(req, resp, &st_seals, NULL);
	public_cache(resp);
}
