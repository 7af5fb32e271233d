#include "visits_rating.h"

#include "rq_outcome.h"
#include "rq_db.h"
#include "rq_input.h"
#include "visits.h"

#include <string.h>

enum { COMMENT_MAX = 500 };

static struct rq_stmt st_give =
    RQ_STMT("evaluation_rating_give",
	    "SELECT rq.rating_give($1::bigint, $2, $3, $4::boolean) AS outcome", 4);
static struct rq_stmt st_change =
    RQ_STMT("evaluation_rating_change",
	    "SELECT rq.rating_change($1::bigint, $2, $3, $4::boolean) AS outcome", 4);

static const char *const values[] = {"satisfied", "basically_satisfied", "unsatisfied", NULL};

/* An outcome of rq.rating_give / rq.rating_change other than ok and unchanged. */
struct refusal {
	const char *outcome;
	int status;
	const char *slug, *title, *detail;
};
static const struct refusal refusals[] = {
    {"not-confirmed", 409, "visit-not-confirmed", "Visit not confirmed",
     "请先确认该次入企属实，再进行评价"},
    {"window-closed", 409, "rating-window-closed", "Rating window closed",
     "已超过评价期限，不能再评价该次入企"},
    {"already-rated", 409, "already-rated", "Already rated",
     "该次入企已评价；24 小时内可修改一次（PUT）"},
    {"not-rated", 404, "not-rated", "Not rated", "该次入企尚未评价"},
    {"not-rater", 403, "not-the-rater", "Not the rater", "只有评价人本人可以修改评价"},
    {"already-changed", 409, "rating-already-changed", "Rating already changed",
     "评价只能修改一次，已修改过"},
    {"change-closed", 409, "rating-change-closed", "Rating change closed",
     "评价提交已超过可修改时限，不能再修改"},
};

static void rate(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st, int ok_status)
{
	const char *id = rq_req_param(req, "id");
	cJSON *errors = rq_errors_new();
	const char *value = rq_input_enum(req->json, "value", values, true, errors);
	bool unsatisfied = value != NULL && strcmp(value, "unsatisfied") == 0;
	const char *comment =
	    rq_json_string(req->json, "comment", unsatisfied, 1, COMMENT_MAX, errors);
	bool anonymous;
	rq_input_bool(req->json, "anonymous", false, &anonymous, errors);
	if (cJSON_GetArraySize(errors) > 0) {
		rq_problem_invalid(req, resp, errors);
		return;
	}
	cJSON_Delete(errors);
	const char *params[] = {id, value, comment, anonymous ? "true" : "false"};
	PGresult *res = rq_sql(req, st, params);
	if (!rq_sql_one(req, resp, res))
		return;
	const char *outcome = rq_sql_val(res, 0, "outcome");
	if (outcome == NULL) {
		rq_problem_internal(req, resp, "the rating function returned no outcome");
		return;
	}
	if (strcmp(outcome, "ok") == 0 || strcmp(outcome, "unchanged") == 0) {
		evaluation_visit_respond(req, resp, id, ok_status);
		return;
	}
	if (strcmp(outcome, "not-found") == 0) {
		rq_outcome_refuse(req, resp, "enterprise-visit-unknown", NULL, NULL);
		return;
	}
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (strcmp(outcome, refusals[i].outcome) == 0) {
			rq_problem(req, resp, refusals[i].status, refusals[i].slug,
				   refusals[i].title, refusals[i].detail);
			return;
		}
	rq_problem_internal(req, resp, outcome);
}

RQ_HANDLER(evaluation_visits_rating_give)
{
	rate(req, resp, &st_give, 201);
}

RQ_HANDLER(evaluation_visits_rating_change)
{
	rate(req, resp, &st_change, 200);
}
