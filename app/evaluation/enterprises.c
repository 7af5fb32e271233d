#include "enterprises.h"

#include "rq_outcome.h"
#include "rq_config.h"
#include "rq_db.h"
#include "rq_disclosure.h"
#include "rq_input.h"
#include "rq_log.h"
#include "rq_poster.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The writes answer rq.outcome (app/evaluation/sql/enterprises.sql); a success's ids are
 * taken out of its data here, so that C reads them as columns. */
static struct rq_stmt st_claim =
    RQ_STMT("evaluation_manager_claim",
	    "SELECT o.*, o.data->>'binding_id' AS binding_id, o.data->>'claim_id' AS claim_id"
	    " FROM rq.manager_claim($1, $2, $3, $4, $5, $6, $7) o",
	    7);
/* A binding as the manager's list shows it: the enterprise, its code's serial, whether it
 * is the current one. */
#define BINDING_SELECT                                                                             \
	"SELECT b.id, b.enterprise_id, b.method, b.bound_at, e.name, e.uscc, e.project_code,"      \
	" e.county_code, e.disclosure_opt_out, c.serial,"                                          \
	" (a.current_enterprise_id = b.enterprise_id) AS current"                                  \
	" FROM rq.manager_bindings b JOIN rq.enterprises e ON e.id = b.enterprise_id"              \
	" JOIN rq.accounts a ON a.id = b.account_id"                                               \
	" LEFT JOIN rq.codes c ON c.enterprise_id = b.enterprise_id AND c.status = 'active'"

static struct rq_stmt st_binding =
    RQ_STMT("evaluation_manager_binding", BINDING_SELECT " WHERE b.id = $1::bigint", 1);
/* RLS keeps this to the account's own rows; the WHERE says the same for clarity. */
static struct rq_stmt st_list =
    RQ_STMT("evaluation_manager_list",
	    BINDING_SELECT " WHERE b.account_id = rq.current_account_id() AND b.status = 'active'"
			   " ORDER BY b.bound_at, b.id",
	    0);
static struct rq_stmt st_claim_request =
    RQ_STMT("evaluation_manager_claim_request",
	    "SELECT r.id, r.enterprise_id, r.status, r.created_at, e.name"
	    " FROM rq.claim_requests r JOIN rq.enterprises e ON e.id = r.enterprise_id"
	    " WHERE r.id = $1::bigint",
	    1);
static struct rq_stmt st_select =
    RQ_STMT("evaluation_manager_select", "SELECT * FROM rq.manager_select($1::bigint)", 1);
static struct rq_stmt st_unbind =
    RQ_STMT("evaluation_manager_unbind", "SELECT * FROM rq.manager_unbind($1::bigint)", 1);

/* The poster of an enterprise the account manages now (RLS and the WHERE agree). */
static struct rq_stmt st_poster =
    RQ_STMT("evaluation_manager_poster",
	    "SELECT e.name, c.serial, c.token"
	    " FROM rq.manager_bindings b JOIN rq.enterprises e ON e.id = b.enterprise_id"
	    " LEFT JOIN rq.codes c ON c.enterprise_id = b.enterprise_id AND c.status = 'active'"
	    " WHERE b.account_id = rq.current_account_id() AND b.enterprise_id = $1::bigint"
	    " AND b.status = 'active'",
	    1);

static bool all_in(const char *s, const char *set)
{
	return strspn(s, set) == strlen(s);
}

/* The member is there and not null (a bad one was named by rq_json_string already). */
static bool given(const cJSON *o, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);
	return v != NULL && !cJSON_IsNull(v);
}

/* A project code as rq.enterprises keeps it: upper-case letters, digits and inner hyphens
 * (at most 64 characters, checked with the length). */
static bool project_code_valid(const char *p)
{
	size_t n = strlen(p);
	return all_in(p, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-") && p[0] != '-' && p[n - 1] != '-';
}

/* 11-digit mainland mobile number: 1, then 3-9, then 9 digits. */
static bool phone_valid(const char *p)
{
	return strlen(p) == 11 && all_in(p, "0123456789") && p[0] == '1' && p[1] >= '3';
}

static cJSON *binding_json(const PGresult *res, int row)
{
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "enterprise_id", rq_sql_val(res, row, "enterprise_id"));
	cJSON_AddStringToObject(b, "name", rq_sql_val(res, row, "name"));
	const char *serial = rq_sql_val(res, row, "serial");
	rq_json_add_column(b, res, row, "uscc");
	rq_json_add_column(b, res, row, "project_code");
	cJSON_AddStringToObject(b, "county_code", rq_sql_val(res, row, "county_code"));
	if (serial != NULL) {
		cJSON_AddStringToObject(b, "serial", serial);
		char poster[96];
		snprintf(poster, sizeof(poster), "/api/v1/evaluation/enterprises/%s/poster.png",
			 rq_sql_val(res, row, "enterprise_id"));
		cJSON_AddStringToObject(b, "poster", poster);
	} else {
		cJSON_AddNullToObject(b, "serial");
		cJSON_AddNullToObject(b, "poster");
	}
	const char *current = rq_sql_val(res, row, "current");
	cJSON_AddBoolToObject(b, "current", current != NULL && strcmp(current, "t") == 0);
	const char *opt_out = rq_sql_val(res, row, "disclosure_opt_out");
	cJSON_AddBoolToObject(b, "disclosure_opt_out",
			      opt_out != NULL && strcmp(opt_out, "t") == 0);
	cJSON_AddStringToObject(b, "binding_id", rq_sql_val(res, row, "id"));
	cJSON_AddStringToObject(b, "method", rq_sql_val(res, row, "method"));
	rq_json_add_column(b, res, row, "bound_at");
	return b;
}

/* Answers 200/201 with one binding read back under RLS. */
static void answer_binding(struct rq_req *req, struct rq_resp *resp, int status, const char *id)
{
	const char *params[] = {id};
	PGresult *res = rq_sql(req, &st_binding, params);
	if (!rq_sql_one(req, resp, res))
		return;
	rq_resp_json(req, resp, status, binding_json(res, 0));
}

static void answer_claim_request(struct rq_req *req, struct rq_resp *resp, const char *id)
{
	const char *params[] = {id};
	PGresult *res = rq_sql(req, &st_claim_request, params);
	if (!rq_sql_one(req, resp, res))
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "claim_id", rq_sql_val(res, 0, "id"));
	cJSON_AddStringToObject(o, "enterprise_id", rq_sql_val(res, 0, "enterprise_id"));
	cJSON_AddStringToObject(o, "name", rq_sql_val(res, 0, "name"));
	cJSON_AddStringToObject(o, "status", rq_sql_val(res, 0, "status"));
	rq_json_add_column(o, res, 0, "created_at");
	rq_resp_json(req, resp, 202, o);
}

RQ_HANDLER(evaluation_enterprises_claim)
{
	cJSON *errors = rq_errors_new();
	const char *token = rq_json_string(req->json, "token", false, 22, 64, errors);
	/* an enterprise by its credit code, a construction project by its project code */
	const char *uscc = rq_json_string(req->json, "uscc", false, 18, 18, errors);
	const char *project_code = rq_json_string(req->json, "project_code", false, 1, 64, errors);
	const char *legal_rep = rq_json_string(req->json, "legal_rep", true, 1, 100, errors);
	const char *name = rq_json_string(req->json, "name", true, 1, 50, errors);
	const char *phone = rq_json_string(req->json, "phone", true, 11, 11, errors);
	const char *code = rq_json_string(req->json, "activation_code", false, 4, 32, errors);
	if (token != NULL && !rq_input_token(token))
		rq_errors_add(errors, "token", "不是公务入企码，请重新扫码");
	if (uscc != NULL && !all_in(uscc, "0123456789ABCDEFGHJKLMNPQRTUWXY"))
		rq_errors_add(errors, "uscc", "须为 18 位统一社会信用代码（字母大写）");
	if (project_code != NULL && !project_code_valid(project_code))
		rq_errors_add(errors, "project_code",
			      "须为项目代码：大写字母、数字和连字符，首尾不能是连字符");
	if (uscc != NULL && project_code != NULL)
		rq_errors_add(errors, "project_code",
			      "企业填统一社会信用代码，在建项目填项目代码，只填其中一个");
	else if (!given(req->json, "uscc") && !given(req->json, "project_code"))
		rq_errors_add(errors, "uscc",
			      "请填写统一社会信用代码（在建项目填项目代码 project_code）");
	if (phone != NULL && !phone_valid(phone))
		rq_errors_add(errors, "phone", "须为 11 位手机号码");
	if (code != NULL && !all_in(code, "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
					  "abcdefghjkmnpqrstuvwxyz -"))
		rq_errors_add(errors, "activation_code", "含有激活码中不会出现的字符，请核对");
	if (rq_problem_if_invalid(req, resp, errors))
		return;

	static const char *const successes[] = {"bound", "requested", NULL};
	const char *params[] = {token, uscc, project_code, legal_rep, name, phone, code};
	PGresult *res = rq_sql(req, &st_claim, params);
	/* The failure counts written by rq.manager_claim must survive the 4xx (a failed
	 * statement wrote nothing: its transaction is rolled back). */
	req->commit_on_error = rq_sql_ok(res);
	switch (rq_outcome_row(req, resp, res, successes, NULL)) {
	case 0:
		answer_binding(req, resp, 201, rq_sql_val(res, 0, "binding_id"));
		break;
	case 1:
		answer_claim_request(req, resp, rq_sql_val(res, 0, "claim_id"));
		break;
	default: /* answered */
		break;
	}
}

RQ_HANDLER(evaluation_enterprises_list)
{
	PGresult *res = rq_sql(req, &st_list, NULL);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(o, "items");
	int n = PQntuples(res);
	const char *current = NULL;
	for (int i = 0; i < n; i++) {
		cJSON_AddItemToArray(items, binding_json(res, i));
		const char *c = rq_sql_val(res, i, "current");
		if (c != NULL && strcmp(c, "t") == 0)
			current = rq_sql_val(res, i, "enterprise_id");
	}
	if (current != NULL)
		cJSON_AddStringToObject(o, "current_enterprise_id", current);
	else
		cJSON_AddNullToObject(o, "current_enterprise_id");
	rq_resp_json(req, resp, 200, o);
}

/* Runs rq.manager_select or rq.manager_unbind, then answers the list. */
static void bound_action(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st)
{
	const char *params[] = {rq_req_param(req, "id")};
	if (rq_outcome_row(req, resp, rq_sql(req, st, params), NULL, NULL) < 0)
		return;
	evaluation_enterprises_list(req, resp);
}

RQ_HANDLER(evaluation_enterprises_select)
{
	bound_action(req, resp, &st_select);
}

RQ_HANDLER(evaluation_enterprises_unbind)
{
	bound_action(req, resp, &st_unbind);
}

RQ_HANDLER(evaluation_enterprises_disclosure)
{
	if (rq_disclosure_put(req, resp) == 0)
		evaluation_enterprises_list(req, resp);
}

static void free_png(void *p)
{
	free(p);
}

RQ_HANDLER(evaluation_enterprises_poster)
{
	const char *params[] = {rq_req_param(req, "id")};
	PGresult *res = rq_sql(req, &st_poster, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	if (PQntuples(res) != 1) {
		rq_outcome_refuse(req, resp, "enterprise-not-managed", NULL, NULL);
		return;
	}
	const char *token = rq_sql_val(res, 0, "token");
	const char *serial = rq_sql_val(res, 0, "serial");
	if (token == NULL || serial == NULL) {
		rq_outcome_refuse(req, resp, "code-not-issued", NULL, NULL);
		return;
	}
	const struct rq_poster_text text = {
	    .name = rq_sql_val(res, 0, "name"),
	    .serial = serial,
	    .url = rq_printf(req->arena, "%s/e/%s", req->cfg->public_base_url, token),
	    .footer = req->cfg->poster_footer,
	};
	uint8_t *png;
	size_t len;
	if (rq_poster_png(&text, req->cfg->font_file, &png, &len, NULL) != 0) {
		rq_log_event("error", "could not render the poster (is RUQIMA_FONT_FILE a font?)",
			     NULL);
		rq_problem(req, resp, 500, "internal", "Internal error",
			   "海报图片生成失败，请稍后再试");
		return;
	}
	rq_arena_cleanup(req->arena, free_png, png);
	resp->status = 200;
	resp->content_type = "image/png";
	resp->body = (const char *)png;
	resp->body_len = len;
	/* The serial is digits and a hyphen (rq.codes CHECK): safe in a quoted filename. The
	 * default Cache-Control: no-store stays: the answer depends on the session. */
	rq_resp_header(resp, "Content-Disposition",
		       rq_printf(req->arena, "attachment; filename=\"%s.png\"", serial));
}
