#include "codes.h"

#include "rq_config.h"
#include "rq_db.h"

#include <string.h>

enum { CODE_TOKEN_MIN = 22, CODE_TOKEN_MAX = 64 }; /* as rq.codes' CHECK on token */

/* Timestamps as RFC 3339 text in the database's time zone (Asia/Shanghai). */
static struct rq_stmt st_code_by_token =
    RQ_STMT("registration_code_by_token",
	    "SELECT c.serial, c.status, to_json(c.issued_at) #>> '{}' AS issued_at,"
	    " to_json(c.revoked_at) #>> '{}' AS revoked_at, e.name,"
	    " CASE WHEN e.project_code IS NULL THEN 'enterprise' ELSE 'project' END AS kind,"
	    " e.county_code, r.name AS county_name, e.business_status"
	    " FROM rq.codes c JOIN rq.enterprises e ON e.id = c.enterprise_id"
	    " JOIN rq.regions r ON r.code = e.county_code WHERE c.token = $1",
	    1);

bool registration_code_token_wellformed(const char *token)
{
	size_t n = token != NULL ? strlen(token) : 0;
	if (n < CODE_TOKEN_MIN || n > CODE_TOKEN_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = token[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

static void problem_unknown(struct rq_req *req, struct rq_resp *resp)
{
	rq_problem(req, resp, 404, "code-unknown", "Unknown code",
		   "no 公务入企码 has this token; scan the code again");
}

/* 410 with the date of revocation as an extension member. The reason stays internal: it
 * may say "poster leaked" or name the registry status. */
static void problem_revoked(struct rq_req *req, struct rq_resp *resp, const char *revoked_at)
{
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "type", "/problems/code-revoked");
	cJSON_AddStringToObject(p, "title", "Code revoked");
	cJSON_AddNumberToObject(p, "status", 410);
	cJSON_AddStringToObject(
	    p, "detail",
	    rq_printf(req->arena,
		      "this 公务入企码 was revoked on %.10s and no longer works; the enterprise "
		      "may have a new one",
		      revoked_at != NULL ? revoked_at : "an unknown date"));
	if (req->request_id != NULL)
		cJSON_AddStringToObject(p, "request_id", req->request_id);
	if (revoked_at != NULL)
		cJSON_AddStringToObject(p, "revoked_at", revoked_at);
	else
		cJSON_AddNullToObject(p, "revoked_at");
	resp->content_type = "application/problem+json";
	rq_resp_json(req, resp, 410, p);
}

int registration_code_find(struct rq_req *req, struct rq_resp *resp, const char *token,
			   struct registration_code *out)
{
	if (!registration_code_token_wellformed(token)) {
		problem_unknown(req, resp);
		return -1;
	}
	const char *params[] = {token};
	PGresult *res = rq_sql(req, &st_code_by_token, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return -1;
	}
	if (PQntuples(res) == 0) {
		problem_unknown(req, resp);
		return -1;
	}
	if (strcmp(rq_sql_val(res, 0, "status"), "active") != 0) {
		problem_revoked(req, resp, rq_sql_val(res, 0, "revoked_at"));
		return -1;
	}
	out->token = rq_strdup(req->arena, token);
	out->serial = rq_sql_val(res, 0, "serial");
	out->url = rq_printf(req->arena, "%s/e/%s", req->cfg->public_base_url, token);
	out->issued_at = rq_sql_val(res, 0, "issued_at");
	out->name = rq_sql_val(res, 0, "name");
	out->kind = rq_sql_val(res, 0, "kind");
	out->county_code = rq_sql_val(res, 0, "county_code");
	out->county_name = rq_sql_val(res, 0, "county_name");
	out->business_status = rq_sql_val(res, 0, "business_status");
	return 0;
}

void registration_codes_get(struct rq_req *req, struct rq_resp *resp)
{
	struct registration_code code;
	if (registration_code_find(req, resp, req->params[0], &code) != 0)
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON *c = cJSON_AddObjectToObject(o, "code");
	cJSON_AddStringToObject(c, "serial", code.serial);
	cJSON_AddStringToObject(c, "status", "active");
	cJSON_AddStringToObject(c, "issued_at", code.issued_at);
	cJSON_AddStringToObject(c, "url", code.url);
	cJSON *e = cJSON_AddObjectToObject(o, "enterprise");
	cJSON_AddStringToObject(e, "name", code.name);
	cJSON_AddStringToObject(e, "kind", code.kind);
	cJSON_AddStringToObject(e, "county_code", code.county_code);
	cJSON_AddStringToObject(e, "county_name", code.county_name);
	cJSON_AddStringToObject(e, "business_status", code.business_status);
	rq_resp_json(req, resp, 200, o);
}
