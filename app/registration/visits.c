#include "visits.h"

#include "rq_outcome.h"
#include "rq_config.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_num.h"
#include "rq_page.h"

#include <string.h>

/* Bounds of the request (app/DESIGN.md §8: bounded everything); the database CHECKs agree. */
enum {
	TEXT_MAX = 500,
	RESULT_MAX = 1000,
	TOKEN_INPUT_MAX = 300,
	COMPANIONS_MAX = 20,
	COMPANION_NAME_MAX = 50,
	COMPANION_UNIT_MAX = 100,
	CERT_MAX = 40,
	UNITS_MAX = 20,
	ATTACHMENTS_MAX = 9,
	KEY_MIN = 8,
	KEY_MAX = 100,
	TIME_MAX = 40,
	WITHDRAW_REASON_MAX = 200,
};

/* rq.visit_register (app/registration/sql/visits.sql) applies every rule and answers. */
static struct rq_stmt st_register =
    RQ_STMT("visit_register", "SELECT * FROM rq.visit_register($1, $2::jsonb, $3)", 3);
/* with the enterprise's answer and the rating (the rater's role, and the name of a rating
 * that is not anonymous: lib/sql/visits.sql) */
static struct rq_stmt st_detail =
    RQ_STMT("visit_detail", "SELECT rq.visit_read($1::bigint) AS detail", 1);
/* Own visits, newest first (ids grow with registration time). */
static struct rq_stmt st_list =
    RQ_STMT("visit_list_own",
	    /* the view is merged into the query; the pool prints its columns */
	    "SELECT l.* FROM rq.visit_lines l"
	    " WHERE l._account_id = rq.current_account_id()"
	    " AND l._id < $1::bigint" /* rq_page_before: an index condition */
	    " AND ($3::date IS NULL OR l.entered_at >= $3::date::timestamptz)"
	    " AND ($4::date IS NULL OR l.entered_at < ($4::date + 1)::timestamptz)"
	    " AND ($5::text IS NULL OR l.activity_type = $5)"
	    " ORDER BY l._id DESC LIMIT $2::int",
	    5);
static struct rq_stmt st_edit =
    RQ_STMT("visit_edit", "SELECT * FROM rq.visit_edit($1::bigint, $2, $3::bigint[])", 3);
static struct rq_stmt st_finish = RQ_STMT(
    "visit_finish", "SELECT * FROM rq.visit_finish($1::bigint, $2, $3, $4, $5::bigint[])", 5);
static struct rq_stmt st_withdraw =
    RQ_STMT("visit_withdraw", "SELECT * FROM rq.visit_withdraw($1::bigint, $2)", 2);
static struct rq_stmt st_official = RQ_STMT(
    "visit_official",
    "SELECT v.official_name, v.official_post, v.official_cert_no, v.official_verified,"
    " u.name AS unit_name, v.registered_at FROM rq.visits v JOIN rq.units u ON u.id = v.unit_id"
    " WHERE v.id = $1::bigint",
    1);

const char *const registration_activity_types[] = {"visit", "research", "inspection", NULL};
static const char *const joint_kinds[] = {"special", "joint", "cross_region", NULL};
static const char *const exemption_categories[] = {
    "national_security",  "public_security",   "complaint_report",
    "accident_emergency", "superior_assigned", "enterprise_requested",
    "permit_check",	  "referral",	       NULL};

/* rq_json_string on a nested object, naming the error "<prefix>.<field>". */
static const char *nested_string(struct rq_req *req, cJSON *obj, const char *prefix,
				 const char *field, bool required, size_t max, cJSON *errors)
{
	cJSON *mine = rq_errors_new();
	const char *s = rq_json_string(obj, field, required, 1, max, mine);
	cJSON *e;
	cJSON_ArrayForEach(e, mine)
	{
		cJSON *f = cJSON_GetObjectItemCaseSensitive(e, "field");
		cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
		rq_errors_add(errors, rq_printf(req->arena, "%s.%s", prefix, f->valuestring),
			      m->valuestring);
	}
	cJSON_Delete(mine);
	return s;
}

static void check_companions(struct rq_req *req, cJSON *errors)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(req->json, "companions");
	if (a == NULL || cJSON_IsNull(a))
		return;
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > COMPANIONS_MAX) {
		rq_errors_add(errors, "companions",
			      "须为同行人员列表，最多 20 人，每人 {name, unit, cert_no}");
		return;
	}
	int i = 0;
	cJSON *c;
	cJSON_ArrayForEach(c, a)
	{
		const char *prefix = rq_printf(req->arena, "companions[%d]", i++);
		if (!cJSON_IsObject(c)) {
			rq_errors_add(errors, prefix,
				      "须为 {name, unit, cert_no}（姓名、单位、执法证号）");
			continue;
		}
		nested_string(req, c, prefix, "name", true, COMPANION_NAME_MAX, errors);
		nested_string(req, c, prefix, "unit", true, COMPANION_UNIT_MAX, errors);
		const char *cert =
		    nested_string(req, c, prefix, "cert_no", false, CERT_MAX, errors);
		if (cert != NULL && !rq_input_cert_no(cert))
			rq_errors_add(errors, rq_printf(req->arena, "%s.cert_no", prefix),
				      "只能包含数字、英文字母和连字符");
	}
}

static bool number_in(const cJSON *v, double min, double max)
{
	return cJSON_IsNumber(v) && v->valuedouble >= min && v->valuedouble <= max;
}

/* {"latitude", "longitude", "accuracy"} or {"refused": true}. */
static void check_location(cJSON *errors, cJSON *body)
{
	cJSON *loc = cJSON_GetObjectItemCaseSensitive(body, "location");
	if (!cJSON_IsObject(loc)) {
		rq_errors_add(errors, "location",
			      "必填：手机定位 {latitude, longitude, accuracy}，未获取定位时为 "
			      "{refused: true}");
		return;
	}
	cJSON *refused = cJSON_GetObjectItemCaseSensitive(loc, "refused");
	cJSON *lat = cJSON_GetObjectItemCaseSensitive(loc, "latitude");
	cJSON *lon = cJSON_GetObjectItemCaseSensitive(loc, "longitude");
	cJSON *acc = cJSON_GetObjectItemCaseSensitive(loc, "accuracy");
	if (refused != NULL && !cJSON_IsBool(refused)) {
		rq_errors_add(errors, "location.refused", "须为 true 或 false");
		return;
	}
	if (cJSON_IsTrue(refused)) {
		if (lat != NULL || lon != NULL || acc != NULL)
			rq_errors_add(errors, "location",
				      "未获取定位（refused 为 true）时不能填写坐标");
		return;
	}
	if (!number_in(lat, -90, 90))
		rq_errors_add(errors, "location.latitude", "须为 -90 到 90 之间的数字");
	if (!number_in(lon, -180, 180))
		rq_errors_add(errors, "location.longitude", "须为 -180 到 180 之间的数字");
	if (acc != NULL && !number_in(acc, 0, 1000000))
		rq_errors_add(errors, "location.accuracy", "须为不小于 0 的米数");
}

/* The bare token from what was scanned: the token itself, or our own code URL
 * <public base URL>/e/<token>. NULL (error added) for anything else. */
static const char *token_field(struct rq_req *req, cJSON *errors)
{
	const char *s = rq_json_string(req->json, "token", true, 1, TOKEN_INPUT_MAX, errors);
	if (s == NULL)
		return NULL;
	const char *base = req->cfg->public_base_url;
	size_t n = strlen(base);
	if (strncmp(s, base, n) == 0 && strncmp(s + n, "/e/", 3) == 0)
		s += n + 3;
	if (!rq_input_token(s)) {
		rq_errors_add(errors, "token", "不是本平台的公务入企码，请重新扫码");
		return NULL;
	}
	return s;
}

/* Exactly two decimal digits, at most max. */
static bool two_digits(const char *s, int64_t max, int64_t *v)
{
	return s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] == '\0' &&
	       rq_parse_i64(s, 0, max, v) == 0;
}

/* RFC 3339 with seconds and an offset: YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM|-HH:MM).
 * PostgreSQL alone would also take "yesterday" or a time without a zone. */
static bool rfc3339_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return false;
	char date[11];
	memcpy(date, s, 10);
	date[10] = '\0';
	int64_t v;
	char two[3] = {0};
	const size_t hms[] = {11, 14, 17};
	const int64_t hms_max[] = {23, 59, 60};
	for (size_t i = 0; i < 3; i++) {
		memcpy(two, s + hms[i], 2);
		if (!two_digits(two, hms_max[i], &v))
			return false;
	}
	size_t p = 19;
	if (s[p] == '.') {
		size_t digits = 0;
		for (p++; s[p] >= '0' && s[p] <= '9'; p++)
			digits++;
		if (digits < 1 || digits > 6)
			return false;
	}
	if (strcmp(s + p, "Z") == 0)
		return rq_input_date(date);
	if ((s[p] != '+' && s[p] != '-') || strlen(s + p) != 6 || s[p + 3] != ':')
		return false;
	memcpy(two, s + p + 1, 2);
	bool hh = two_digits(two, 14, &v);
	memcpy(two, s + p + 4, 2);
	bool mm = two_digits(two, 59, &v);
	return hh && mm && rq_input_date(date);
}

/* Everything the database does not need to judge: types, lengths, formats, and the
 * fields that go together. Returns the bare token, or NULL after adding errors. */
static const char *check_register_body(struct rq_req *req, cJSON *errors)
{
	cJSON *body = req->json;
	const char *token = token_field(req, errors);
	const char *activity =
	    rq_input_enum(body, "activity_type", registration_activity_types, true, errors);
	rq_json_string(body, "matter", true, 1, TEXT_MAX, errors);
	bool inspection = activity != NULL && strcmp(activity, "inspection") == 0;
	const char *basis = rq_json_string(body, "legal_basis", inspection, 1, TEXT_MAX, errors);
	if (activity != NULL && !inspection && basis != NULL)
		rq_errors_add(errors, "legal_basis", "只有执法检查才填写法律依据");
	check_companions(req, errors);

	const char *joint = rq_input_enum(body, "joint_kind", joint_kinds, false, errors);
	const char *units = NULL;
	bool units_ok =
	    rq_input_ids(req, body, "participating_unit_ids", UNITS_MAX, false, &units, errors);
	if (joint != NULL && activity != NULL && !inspection)
		rq_errors_add(errors, "joint_kind", "只有执法检查才能是联合执法");
	if (joint != NULL && units_ok && (units == NULL || strcmp(units, "{}") == 0))
		rq_errors_add(errors, "participating_unit_ids", "联合执法须选择参与单位");
	if (joint == NULL && units != NULL && strcmp(units, "{}") != 0)
		rq_errors_add(errors, "participating_unit_ids",
			      "只有联合执法（填写 joint_kind）才能选择参与单位");
	const char *attachments = NULL;
	rq_input_ids(req, body, "attachment_ids", ATTACHMENTS_MAX, false, &attachments, errors);
	check_location(errors, body);

	cJSON *ex = cJSON_GetObjectItemCaseSensitive(body, "exemption");
	if (ex != NULL && !cJSON_IsNull(ex)) {
		if (!cJSON_IsObject(ex)) {
			rq_errors_add(errors, "exemption",
				      "须为 {category, reason}（例外情形及理由）");
		} else {
			cJSON *mine = rq_errors_new();
			if (rq_input_enum(ex, "category", exemption_categories, true, mine) ==
				NULL &&
			    cJSON_GetArraySize(mine) > 0)
				rq_errors_add(errors, "exemption.category",
					      cJSON_GetObjectItemCaseSensitive(
						  cJSON_GetArrayItem(mine, 0), "message")
						  ->valuestring);
			cJSON_Delete(mine);
			nested_string(req, ex, "exemption", "reason", true, TEXT_MAX, errors);
		}
	}
	rq_json_string(body, "over_cap_reason", false, 1, TEXT_MAX, errors);
	const char *backfill = rq_json_string(body, "backfill_reason", false, 1, TEXT_MAX, errors);
	/* a back-fill (补登记) says when the entry really was */
	const char *entered =
	    rq_json_string(body, "entered_at", backfill != NULL, 1, TIME_MAX, errors);
	if (entered != NULL && !rfc3339_ok(entered))
		rq_errors_add(errors, "entered_at",
			      "须为带时区的日期时间（RFC 3339），如 2026-11-25T09:30:00+08:00");
	return token;
}

static bool key_ok(const char *k)
{
	size_t n = strlen(k);
	if (n < KEY_MIN || n > KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= 'a' && k[i] <= 'z') || strchr("_.:-", k[i]) != NULL))
			return false;
	return true;
}

RQ_HANDLER(registration_visits_create)
{
	const char *key = rq_req_header(req, "Idempotency-Key");
	if (key == NULL || !key_ok(key)) {
		rq_outcome_refuse(req, resp, "idempotency-key-invalid", NULL, NULL);
		return;
	}
	cJSON *errors = rq_errors_new();
	const char *token = check_register_body(req, errors);
	if (rq_problem_if_invalid(req, resp, errors))
		return;
	/* The database reads what C checked: the parsed body printed again, never the raw text,
	 * which a parser of its own could read otherwise (a number cJSON takes and PostgreSQL
	 * would not; a key twice is refused before, rq_input_body_check). */
	char *checked = cJSON_PrintUnformatted(req->json);
	if (checked == NULL) {
		rq_problem_internal(req, resp, "the registration body could not be printed");
		return;
	}
	const char *params[] = {key, rq_strdup(req->arena, checked), token};
	cJSON_free(checked);
	/* the stored first answer of a retry is "replayed" */
	static const char *const answered[] = {"ok", "replayed", NULL};
	const char *data;
	int outcome = rq_outcome_row(req, resp, rq_sql(req, &st_register, params), answered, &data);
	if (outcome < 0)
		return;
	cJSON *body = data != NULL ? cJSON_Parse(data) : NULL;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(body, "id");
	if (!cJSON_IsString(id)) {
		cJSON_Delete(body);
		rq_problem_internal(req, resp, "rq.visit_register answered no visit");
		return;
	}
	rq_resp_header(resp, "Location",
		       rq_printf(req->arena, "/api/v1/registration/visits/%s", id->valuestring));
	if (outcome == 1)
		rq_resp_header(resp, "Idempotent-Replayed", "true");
	rq_resp_json(req, resp, 201, body);
}

/* Answers the visit's detail with status, or 404 when row-level security hides it. */
static void respond_detail(struct rq_req *req, struct rq_resp *resp, const char *id, int status)
{
	const char *params[] = {id};
	rq_outcome_json(req, resp, &st_detail, params, "detail", status, "visit-unknown");
}

RQ_HANDLER(registration_visits_get)
{
	respond_detail(req, resp, rq_req_param(req, "id"), 200);
}

RQ_HANDLER(registration_visits_list)
{
	struct rq_page page;
	if (rq_page_parse(req, resp, &page) != 0)
		return;
	const char *from = rq_req_arg(req, "from"), *to = rq_req_arg(req, "to");
	const char *type = rq_req_arg(req, "activity_type");
	const char *params[] = {rq_page_before(&page), page.limit_s, from, to, type};
	PGresult *res = rq_sql_final(req, &st_list, params); /* read-only */
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	rq_page_respond_rows(req, resp, res, &page);
}

/* Answers the outcome of rq.visit_edit / rq.visit_finish: the detail, also when nothing
 * changed ("unchanged"), or the refusal. */
static void respond_outcome(struct rq_req *req, struct rq_resp *resp, const char *id, PGresult *res)
{
	static const char *const changed_or_not[] = {"ok", "unchanged", NULL};
	if (rq_outcome_row(req, resp, res, changed_or_not, NULL) >= 0)
		respond_detail(req, resp, id, 200);
}

RQ_HANDLER(registration_visits_edit)
{
	const char *id = rq_req_param(req, "id");
	cJSON *errors = rq_errors_new();
	const char *matter = rq_json_string(req->json, "matter", false, 1, TEXT_MAX, errors);
	const char *attachments = NULL;
	rq_input_ids(req, req->json, "attachment_ids", ATTACHMENTS_MAX, false, &attachments,
		     errors);
	if (cJSON_GetArraySize(errors) == 0 && matter == NULL && attachments == NULL)
		rq_errors_add(
		    errors, "matter",
		    "请提供新的事项（matter）或证件照片（attachment_ids），其他内容不能修改");
	if (rq_problem_if_invalid(req, resp, errors))
		return;
	const char *params[] = {id, matter, attachments};
	respond_outcome(req, resp, id, rq_sql(req, &st_edit, params));
}

RQ_HANDLER(registration_visits_finish)
{
	const char *id = rq_req_param(req, "id");
	cJSON *errors = rq_errors_new();
	const char *done = rq_json_string(req->json, "done", true, 1, RESULT_MAX, errors);
	const char *findings = rq_json_string(req->json, "findings", false, 1, RESULT_MAX, errors);
	const char *measures = rq_json_string(req->json, "measures", false, 1, RESULT_MAX, errors);
	const char *attachments = NULL;
	rq_input_ids(req, req->json, "attachment_ids", ATTACHMENTS_MAX, false, &attachments,
		     errors);
	if (rq_problem_if_invalid(req, resp, errors))
		return;
	const char *params[] = {id, done, findings, measures, attachments};
	respond_outcome(req, resp, id, rq_sql(req, &st_finish, params));
}

RQ_HANDLER(registration_visits_withdraw)
{
	const char *id = rq_req_param(req, "id");
	cJSON *errors = rq_errors_new();
	const char *reason =
	    rq_json_string(req->json, "reason", true, 1, WITHDRAW_REASON_MAX, errors);
	if (rq_problem_if_invalid(req, resp, errors))
		return;
	const char *params[] = {id, reason};
	if (rq_outcome_row(req, resp, rq_sql(req, &st_withdraw, params), NULL, NULL) >= 0)
		respond_detail(req, resp, id, 200);
}

RQ_HANDLER(registration_visits_official)
{
	const char *id = rq_req_param(req, "id");
	const char *params[] = {id};
	PGresult *res = rq_sql(req, &st_official, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	if (PQntuples(res) == 0) {
		rq_outcome_refuse(req, resp, "visit-unknown", NULL, NULL);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "visit_id", id);
	cJSON_AddStringToObject(o, "name", rq_sql_val(res, 0, "official_name"));
	cJSON_AddStringToObject(o, "unit", rq_sql_val(res, 0, "unit_name"));
	cJSON_AddStringToObject(o, "post", rq_sql_val(res, 0, "official_post"));
	const char *cert = rq_sql_val(res, 0, "official_cert_no");
	if (cert != NULL)
		cJSON_AddStringToObject(o, "cert_no", cert);
	else
		cJSON_AddNullToObject(o, "cert_no");
	cJSON_AddBoolToObject(o, "verified",
			      strcmp(rq_sql_val(res, 0, "official_verified"), "t") == 0);
	rq_json_add_column(o, res, 0, "registered_at");
	rq_resp_json(req, resp, 200, o);
}
