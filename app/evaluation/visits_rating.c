#include "visits_rating.h"

#include "rq_outcome.h"
#include "rq_db.h"
#include "rq_input.h"
#include "visits.h"

#include <string.h>

enum { COMMENT_MAX = 500 };

static struct rq_stmt st_set =
    RQ_STMT("evaluation_rating_set",
	    "SELECT * FROM rq.rating_set($1::bigint, $2, $3, $4::boolean, $5::boolean)", 5);

static const char *const values[] = {"satisfied", "basically_satisfied", "unsatisfied", NULL};
/* A change to the same rating ("unchanged") is answered as a change. */
static const char *const successes[] = {"ok", "unchanged", NULL};

static void rate(struct rq_req *req, struct rq_resp *resp, bool change)
{
	const char *id = rq_req_param(req, "id");
	cJSON *errors = rq_errors_new();
	const char *value = rq_input_enum(req->json, "value", values, true, errors);
	bool unsatisfied = value != NULL && strcmp(value, "unsatisfied") == 0;
	const char *comment =
	    rq_json_string(req->json, "comment", unsatisfied, 1, COMMENT_MAX, errors);
	/* Left out (or null), anonymity is what it was: false for a first rating, the rating's
	 * own for a change. Only an explicit false names an anonymous rater. */
	bool anonymous;
	const cJSON *given = cJSON_GetObjectItemCaseSensitive(req->json, "anonymous");
	rq_input_bool(req->json, "anonymous", false, &anonymous, errors);
	if (rq_problem_if_invalid(req, resp, errors))
		return;
	const char *anon = given == NULL || cJSON_IsNull(given) ? NULL
			   : anonymous				? "true"
								: "false";
	const char *params[] = {id, value, comment, anon, change ? "true" : "false"};
	if (rq_outcome_row(req, resp, rq_sql(req, &st_set, params), successes, NULL) < 0)
		return;
	evaluation_visit_respond(req, resp, id, change ? 200 : 201);
}

RQ_HANDLER(evaluation_visits_rating_give)
{
	rate(req, resp, false);
}

RQ_HANDLER(evaluation_visits_rating_change)
{
	rate(req, resp, true);
}
