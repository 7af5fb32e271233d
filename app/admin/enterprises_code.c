#include "enterprises_code.h"

#include "enterprises.h"
#include "rq_outcome.h"
#include "rq_config.h"
#include "rq_db.h"
#include "rq_input.h"

#include <string.h>

enum { REASON_MAX_CHARS = 200 }; /* as rq.codes.revoke_reason */

/* The wrappers of migrations/0012_portal_codes.sql check the actor's role (42501). */
static struct rq_stmt st_issue =
    RQ_STMT("admin_codes_issue",
	    "SELECT outcome, business_status, serial, token, NULL AS revoked_serial"
	    " FROM rq.portal_issue_code($1::bigint)",
	    1);
static struct rq_stmt st_reissue =
    RQ_STMT("admin_codes_reissue",
	    "SELECT outcome, business_status, serial, token, revoked_serial"
	    " FROM rq.portal_reissue_code($1::bigint, $2)",
	    2);
static struct rq_stmt st_revoke =
    RQ_STMT("admin_codes_revoke",
	    "SELECT outcome, revoked_serial FROM rq.portal_revoke_code($1::bigint, $2)", 2);

/* The {reason} of the body, or NULL after answering 422. */
static const char *body_reason(struct rq_req *req, struct rq_resp *resp)
{
	cJSON *errors = rq_errors_new();
	const char *reason = rq_json_string(req->json, "reason", true, 1, REASON_MAX_CHARS, errors);
	if (reason != NULL && strspn(reason, " \t\r\n") == strlen(reason)) {
		rq_errors_add(errors, "reason", "must not be blank");
		reason = NULL;
	}
	if (reason == NULL) {
		rq_problem_invalid(req, resp, errors);
		return NULL;
	}
	cJSON_Delete(errors);
	return reason;
}

/* Answers the outcome row of rq.portal_issue_code / rq.portal_reissue_code. */
static void answer_issue(struct rq_req *req, struct rq_resp *resp, PGresult *res, const char *id)
{
	if (!rq_sql_one(req, resp, res))
		return;
	const char *outcome = rq_sql_val(res, 0, "outcome");
	if (outcome == NULL) {
		rq_problem_internal(req, resp, "the code function returned no outcome");
		return;
	}
	if (strcmp(outcome, "not-found") == 0) {
		rq_outcome_refuse(req, resp, "enterprise-unknown", NULL, NULL);
		return;
	}
	if (strcmp(outcome, "not-normal") == 0) {
		rq_problem(req, resp, 422, "enterprise-not-active", "Enterprise not active",
			   rq_printf(req->arena,
				     "the enterprise is not in normal operation (business status: "
				     "%s): no code is issued",
				     rq_sql_val(res, 0, "business_status")));
		return;
	}
	if (strcmp(outcome, "not-verified") == 0) {
		rq_problem(req, resp, 422, "name-not-verified", "Name not verified",
			   "the enterprise's name is not verified yet (a county admin checks it "
			   "first): no code is issued");
		return;
	}
	if (strcmp(outcome, "has-code") == 0) {
		rq_problem(req, resp, 409, "code-active", "Code active",
			   rq_printf(req->arena,
				     "the enterprise already has an active code, %s: revoke it, or "
				     "re-issue it for a lost or damaged poster",
				     rq_sql_val(res, 0, "serial")));
		return;
	}
	if (strcmp(outcome, "no-code") == 0) {
		rq_problem(req, resp, 409, "no-active-code", "No active code",
			   "the enterprise has no active code to replace: issue one");
		return;
	}
	const char *token = rq_sql_val(res, 0, "token");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "enterprise_id", id);
	cJSON_AddStringToObject(o, "serial", rq_sql_val(res, 0, "serial"));
	cJSON_AddStringToObject(o, "token", token);
	cJSON_AddStringToObject(o, "url",
				rq_printf(req->arena, "%s/e/%s", req->cfg->public_base_url, token));
	rq_json_add_column(o, res, 0, "revoked_serial");
	rq_resp_json(req, resp, 201, o);
}

RQ_HANDLER(admin_enterprises_code_issue)
{
	const char *id = rq_req_param(req, "id");
	const char *params[] = {id};
	answer_issue(req, resp, rq_sql(req, &st_issue, params), id);
}

RQ_HANDLER(admin_enterprises_code_reissue)
{
	const char *id = rq_req_param(req, "id");
	const char *reason = body_reason(req, resp);
	if (reason == NULL)
		return;
	const char *params[] = {id, reason};
	answer_issue(req, resp, rq_sql(req, &st_reissue, params), id);
}

RQ_HANDLER(admin_enterprises_code_revoke)
{
	const char *id = rq_req_param(req, "id");
	const char *reason = body_reason(req, resp);
	if (reason == NULL)
		return;
	const char *params[] = {id, reason};
	PGresult *res = rq_sql(req, &st_revoke, params);
	if (!rq_sql_one(req, resp, res))
		return;
	const char *outcome = rq_sql_val(res, 0, "outcome");
	if (outcome == NULL) {
		rq_problem_internal(req, resp, "the code function returned no outcome");
		return;
	}
	if (strcmp(outcome, "not-found") == 0) {
		rq_outcome_refuse(req, resp, "enterprise-unknown", NULL, NULL);
		return;
	}
	if (strcmp(outcome, "no-code") == 0) {
		rq_problem(req, resp, 409, "no-active-code", "No active code",
			   "the enterprise has no active code to revoke");
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "enterprise_id", id);
	cJSON_AddStringToObject(o, "revoked_serial", rq_sql_val(res, 0, "revoked_serial"));
	rq_resp_json(req, resp, 200, o);
}
