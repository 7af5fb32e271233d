#include "rq_disclosure.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"

static struct rq_stmt st_set =
    RQ_STMT("rq_disclosure_set", "SELECT * FROM rq.enterprise_disclosure_set($1::bigint, $2)", 2);

int rq_disclosure_put(struct rq_req *req, struct rq_resp *resp)
{
	const cJSON *opt_out = cJSON_GetObjectItemCaseSensitive(req->json, "opt_out");
	if (!cJSON_IsBool(opt_out)) {
		cJSON *errors = rq_errors_new();
		rq_errors_add(errors, "opt_out",
			      opt_out == NULL ? RQ_MSG_REQUIRED
					      : "须为 true（不公开企业名称）或 false（公开）");
		rq_problem_invalid(req, resp, errors);
		return -1;
	}
	const char *params[] = {rq_req_param(req, "id"), cJSON_IsTrue(opt_out) ? "true" : "false"};
	return rq_outcome_row(req, resp, rq_sql(req, &st_set, params), NULL, NULL) < 0 ? -1 : 0;
}
