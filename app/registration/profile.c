#include "profile.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"

#include <string.h>

enum { NAME_MAX_CHARS = 50, POST_MAX_CHARS = 50, CERT_MAX_CHARS = 40 };

/* Timestamps as RFC 3339 through rq_json_add_column. */
static struct rq_stmt st_profile_get =
    RQ_STMT("registration_profile_get",
	    "SELECT p.account_id, p.name, p.unit_id, u.name AS unit_name, p.post, p.cert_no,"
	    " p.phone, p.verified, p.verified_at, p.active, p.created_at, p.updated_at"
	    " FROM rq.official_profiles p JOIN rq.units u ON u.id = p.unit_id"
	    " WHERE p.account_id = rq.current_account_id()",
	    0);
static struct rq_stmt st_unit_active =
    RQ_STMT("registration_profile_unit_active",
	    "SELECT 1 FROM rq.units WHERE id = $1::bigint AND active", 1);
/* xmax = 0 only on a freshly inserted row: tells 201 from 200. The trigger of migration
 * 0013 resets the verification when name, unit or cert_no change. */
static struct rq_stmt st_profile_put = RQ_STMT(
    "registration_profile_put",
    "INSERT INTO rq.official_profiles AS p (account_id, name, unit_id, post, cert_no, phone)"
    " VALUES (rq.current_account_id(), $1, $2::bigint, $3, $4, $5)"
    " ON CONFLICT (account_id) DO UPDATE SET name = EXCLUDED.name,"
    " unit_id = EXCLUDED.unit_id, post = EXCLUDED.post, cert_no = EXCLUDED.cert_no,"
    " phone = EXCLUDED.phone"
    " RETURNING (p.xmax = 0) AS created",
    5);

static cJSON *profile_json(const PGresult *res)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "account_id", rq_sql_val(res, 0, "account_id"));
	cJSON_AddStringToObject(o, "name", rq_sql_val(res, 0, "name"));
	cJSON_AddStringToObject(o, "unit_id", rq_sql_val(res, 0, "unit_id"));
	cJSON_AddStringToObject(o, "unit_name", rq_sql_val(res, 0, "unit_name"));
	cJSON_AddStringToObject(o, "post", rq_sql_val(res, 0, "post"));
	rq_json_add_column(o, res, 0, "cert_no");
	cJSON_AddStringToObject(o, "phone", rq_sql_val(res, 0, "phone"));
	cJSON_AddBoolToObject(o, "verified", strcmp(rq_sql_val(res, 0, "verified"), "t") == 0);
	rq_json_add_column(o, res, 0, "verified_at");
	/* false: deactivated by the unit admin (left the unit); registrations are refused */
	cJSON_AddBoolToObject(o, "active", strcmp(rq_sql_val(res, 0, "active"), "t") == 0);
	rq_json_add_column(o, res, 0, "created_at");
	rq_json_add_column(o, res, 0, "updated_at");
	return o;
}

/* Answers 200 with the profile, or 404 when there is none. Returns the status sent. */
static int profile_respond(struct rq_req *req, struct rq_resp *resp, int status)
{
	PGresult *res = rq_sql(req, &st_profile_get, NULL);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return -1;
	}
	if (PQntuples(res) == 0) {
		rq_outcome_refuse(req, resp, "profile-unknown", NULL, NULL);
		return 404;
	}
	rq_resp_json(req, resp, status, profile_json(res));
	return status;
}

RQ_HANDLER(registration_profile_get)
{
	(void)profile_respond(req, resp, 200);
}

static bool is_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* A required text member of 1..max characters, not only white space. */
static const char *text_field(struct rq_req *req, const char *field, size_t max, cJSON *errors)
{
	const char *s = rq_json_string(req->json, field, true, 1, max, errors);
	if (s != NULL && is_blank(s)) {
		rq_errors_add(errors, field, "不能只有空白");
		return NULL;
	}
	return s;
}

static bool phone_ok(const char *s)
{
	if (strlen(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9')
		return false;
	for (size_t i = 2; i < 11; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

RQ_HANDLER(registration_profile_put)
{
	cJSON *errors = rq_errors_new();
	const char *name = text_field(req, "name", NAME_MAX_CHARS, errors);
	const char *unit_id;
	rq_input_id_member(req, req->json, "unit_id", true, "必填：请从单位列表中选择所在单位",
			   &unit_id, errors);
	const char *post = text_field(req, "post", POST_MAX_CHARS, errors);
	const char *cert_no = NULL;
	const cJSON *cert = cJSON_GetObjectItemCaseSensitive(req->json, "cert_no");
	if (cert != NULL && !cJSON_IsNull(cert)) {
		cert_no = rq_json_string(req->json, "cert_no", true, 1, CERT_MAX_CHARS, errors);
		if (cert_no != NULL && !rq_input_cert_no(cert_no)) {
			rq_errors_add(errors, "cert_no", "只能包含数字、英文字母和连字符");
			cert_no = NULL;
		}
	}
	const char *phone = rq_json_string(req->json, "phone", true, 11, 11, errors);
	if (phone != NULL && !phone_ok(phone))
		rq_errors_add(errors, "phone", "须为 11 位手机号码");
	if (unit_id != NULL) {
		const char *params[] = {unit_id};
		PGresult *res = rq_sql(req, &st_unit_active, params);
		if (!rq_sql_ok(res)) {
			cJSON_Delete(errors);
			rq_problem_sql(req, resp, res);
			return;
		}
		if (PQntuples(res) == 0)
			rq_errors_add(errors, "unit_id", "不是有效的单位，请从单位列表中选择");
	}
	if (rq_problem_if_invalid(req, resp, errors))
		return;
	const char *params[] = {name, unit_id, post, cert_no, phone};
	PGresult *res = rq_sql(req, &st_profile_put, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	bool created = strcmp(rq_sql_val(res, 0, "created"), "t") == 0;
	(void)profile_respond(req, resp, created ? 201 : 200);
}
