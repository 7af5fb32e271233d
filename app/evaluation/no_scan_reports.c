#include "no_scan_reports.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"

enum { PEOPLE_MAX = 500, WHAT_MAX = 2000, TIME_MAX = 40, ATTACHMENTS_MAX = 9 };

/* rq.no_scan_report answers rq.outcome; the new case's id is taken out of its data. */
static struct rq_stmt st_report =
    RQ_STMT("evaluation_no_scan_report",
	    "SELECT o.*, o.data->>'case_id' AS case_id"
	    " FROM rq.no_scan_report($1, $2::bigint, $3, $4, $5::bigint[]) o",
	    5);
static struct rq_stmt st_case =
    RQ_STMT("evaluation_case",
	    "SELECT rq.case_summary(c) AS item FROM rq.cases c WHERE c.id = $1::bigint", 1);

RQ_HANDLER(evaluation_no_scan_reports_create)
{
	cJSON *errors = rq_errors_new();
	const char *at = rq_json_string(req->json, "occurred_at", true, 1, TIME_MAX, errors);
	const char *unit;
	rq_input_id_member(req, req->json, "unit_id", false, "须为单位的编号", &unit, errors);
	const char *people = rq_json_string(req->json, "people", true, 1, PEOPLE_MAX, errors);
	const char *what = rq_json_string(req->json, "what_happened", true, 1, WHAT_MAX, errors);
	const char *attachments = NULL;
	rq_input_ids(req, req->json, "attachment_ids", ATTACHMENTS_MAX, false, &attachments,
		     errors);
	if (rq_problem_if_invalid(req, resp, errors))
		return;
	const char *params[] = {at, unit, people, what, attachments};
	PGresult *res = rq_sql(req, &st_report, params);
	if (rq_outcome_row(req, resp, res, NULL, NULL) < 0)
		return;
	const char *p[] = {rq_sql_val(res, 0, "case_id")};
	PGresult *one = rq_sql(req, &st_case, p);
	if (!rq_sql_one(req, resp, one))
		return;
	cJSON *c = rq_sql_json(one, 0, "item");
	if (c == NULL) {
		rq_problem_internal(req, resp, "rq.case_summary returned no case");
		return;
	}
	rq_resp_json(req, resp, 201, c);
}
