#include "enterprises_code.h"

#include "enterprises.h"
#include "rq_outcome.h"
#include "rq_config.h"
#include "rq_db.h"
#include "rq_input.h"

#include <string.h>

enum { REASON_MAX_CHARS = 200 }; /* as rq.codes.revoke_reason */

/* rq.portal_*_code (app/admin/sql/enterprises_code.sql) check the actor's role (42501) and
 * answer rq.outcome. */
static struct rq_stmt st_issue =
    RQ_STMT("admin_codes_issue", "SELECT * FROM rq.portal_issue_code($1::bigint)", 1);
static struct rq_stmt st_reissue =
    RQ_STMT("admin_codes_reissue", "SELECT * FROM rq.portal_reissue_code($1::bigint, $2)", 2);
static struct rq_stmt st_revoke =
    RQ_STMT("admin_codes_revoke", "SELECT * FROM rq.portal_revoke_code($1::bigint, $2)", 2);

/* The {reason} of the body, or NULL after answering 422. */
static const char *body_reason(struct rq_req *req, struct rq_resp *resp)
{
	cJSON *errors = rq_errors_new();
	const char *reason = rq_json_string(req->json, "reason", true, 1, REASON_MAX_CHARS, errors);
	if (reason != NULL && strspn(reason, " \t\r\n") == strlen(reason)) {
		rq_errors_add(errors, "reason", "不能为空白");
		reason = NULL;
	}
	if (reason == NULL) {
		rq_problem_invalid(req, resp, errors);
		return NULL;
	}
	cJSON_Delete(errors);
	return reason;
}

/* The payload of a write's rq.outcome with the enterprise's id added, or NULL after
 * answering (its refusal, or 500). */
static cJSON *outcome_object(struct rq_req *req, struct rq_resp *resp, PGresult *res,
			     const char *id)
{
	const char *data;
	if (rq_outcome_row(req, resp, res, NULL, &data) < 0)
		return NULL;
	cJSON *o = data != NULL ? cJSON_Parse(data) : NULL;
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		rq_problem_internal(req, resp, "a code function answered no payload");
		return NULL;
	}
	cJSON_AddStringToObject(o, "enterprise_id", id);
	return o;
}

/* Answers an issue or a re-issue: 201 {enterprise_id, serial, token, url, revoked_serial}. */
static void answer_issue(struct rq_req *req, struct rq_resp *resp, PGresult *res, const char *id)
{
	cJSON *o = outcome_object(req, resp, res, id);
	if (o == NULL)
		return;
	const cJSON *token = cJSON_GetObjectItemCaseSensitive(o, "token");
	cJSON_AddStringToObject(o, "url",
				rq_printf(req->arena, "%s/e/%s", req->cfg->public_base_url,
					  cJSON_IsString(token) ? token->valuestring : ""));
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
	cJSON *o = outcome_object(req, resp, rq_sql(req, &st_revoke, params), id);
	if (o != NULL)
		rq_resp_json(req, resp, 200, o);
}
