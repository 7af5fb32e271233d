#include "enterprises_managers.h"

#include "enterprises.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"

static struct rq_stmt st_end =
    RQ_STMT("admin_enterprises_managers_end",
	    "SELECT * FROM rq.manager_binding_end($1::bigint, $2::bigint, $3)", 3);

RQ_HANDLER(admin_enterprises_managers_unbind)
{
	cJSON *errors = rq_errors_new();
	const char *reason = rq_json_string(req->json, "reason", true, 1, 200, errors);
	if (rq_problem_if_invalid(req, resp, errors))
		return;
	const char *params[] = {rq_req_param(req, "id"), rq_req_param(req, "binding_id"), reason};
	if (rq_outcome_row(req, resp, rq_sql(req, &st_end, params), NULL, NULL) < 0)
		return;
	/* the enterprise as it is now, read in the same transaction */
	admin_enterprises_get(req, resp);
}
