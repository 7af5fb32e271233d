#include "no_scan_reports.h"

#include "rq_db.h"
#include "rq_input.h"

#include <string.h>

enum { PEOPLE_MAX = 500, WHAT_MAX = 2000, TIME_MAX = 40, ATTACHMENTS_MAX = 9 };

static struct rq_stmt st_report = RQ_STMT(
    "evaluation_no_scan_report",
    "SELECT outcome, case_id FROM rq.no_scan_report($1, $2::bigint, $3, $4, $5::bigint[])", 5);
static struct rq_stmt st_case =
    RQ_STMT("evaluation_case",
	    "SELECT rq.case_summary(c) AS item FROM rq.cases c WHERE c.id = $1::bigint", 1);

RQ_HANDLER(evaluation_no_scan_reports_create)
{
	cJSON *errors = rq_errors_new();
	const char *at = rq_json_string(req->json, "occurred_at", true, 1, TIME_MAX, errors);
	const char *unit;
	rq_input_id_member(req, req->json, "unit_id", false, "must be the id of a unit", &unit,
			   errors);
	const char *people = rq_json_string(req->json, "people", true, 1, PEOPLE_MAX, errors);
	const char *what = rq_json_string(req->json, "what_happened", true, 1, WHAT_MAX, errors);
	const char *attachments = NULL;
	rq_input_ids(req, req->json, "attachment_ids", ATTACHMENTS_MAX, false, &attachments,
		     errors);
	if (cJSON_GetArraySize(errors) > 0) {
		rq_problem_invalid(req, resp, errors);
		return;
	}
	cJSON_Delete(errors);
	const char *params[] = {at, unit, people, what, attachments};
	PGresult *res = rq_sql(req, &st_report, params);
	if (!rq_sql_one(req, resp, res))
		return;
	const char *outcome = rq_sql_val(res, 0, "outcome");
	if (outcome == NULL) {
		rq_problem_internal(req, resp, "rq.no_scan_report returned no outcome");
	} else if (strcmp(outcome, "no-enterprise") == 0) {
		rq_problem(req, resp, 409, "no-enterprise-selected", "No enterprise selected",
			   "请先认证企业，或在“切换企业”中选择一家您管理的企业");
	} else if (strcmp(outcome, "bad-time") == 0) {
		rq_problem_field(req, resp, 422, "occurred_at",
				 "must be a date and time like 2026-11-25T09:30:00+08:00");
	} else if (strcmp(outcome, "future") == 0) {
		rq_problem_field(req, resp, 422, "occurred_at", "is in the future");
	} else if (strcmp(outcome, "unknown-unit") == 0) {
		rq_problem_field(req, resp, 422, "unit_id", "is not a unit of this platform");
	} else if (strcmp(outcome, "attachments") == 0) {
		rq_problem_field(req, resp, 422, "attachment_ids",
				 "must be attachments you uploaded that belong to nothing yet");
	} else if (strcmp(outcome, "ok") == 0) {
		const char *p[] = {rq_strdup(req->arena, rq_sql_val(res, 0, "case_id"))};
		res = rq_sql(req, &st_case, p);
		if (!rq_sql_one(req, resp, res))
			return;
		cJSON *c = rq_sql_json(res, 0, "item");
		if (c == NULL) {
			rq_problem_internal(req, resp, "rq.case_summary returned no case");
			return;
		}
		rq_resp_json(req, resp, 201, c);
	} else {
		rq_problem_internal(req, resp, outcome);
	}
}
