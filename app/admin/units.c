#include "units.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"
#include "rq_page.h"

#include <stdio.h>

enum { NAME_MAX_CHARS = 100, GROUP_MAX_CHARS = 100 };

static struct rq_stmt st_units_list =
    RQ_STMT("admin_units_list",
	    "SELECT id, name, county_code, discipline_group, active FROM rq.units"
	    " WHERE id > $1::bigint ORDER BY id LIMIT $2::int",
	    2);
static struct rq_stmt st_unit_one =
    RQ_STMT("admin_units_one",
	    "SELECT id, name, county_code, discipline_group, active FROM rq.units"
	    " WHERE id = $1::bigint",
	    1);
static struct rq_stmt st_region_exists =
    RQ_STMT("admin_region_exists", "SELECT 1 FROM rq.regions WHERE code = $1", 1);
static struct rq_stmt st_unit_active =
    RQ_STMT("admin_unit_active", "SELECT 1 FROM rq.units WHERE id = $1::bigint AND active", 1);
static struct rq_stmt st_units_create =
    RQ_STMT("admin_units_create",
	    "INSERT INTO rq.units (name, county_code, discipline_group) VALUES ($1, $2, $3)"
	    " RETURNING id, name, county_code, discipline_group, active",
	    3);
/* Raises 42501 for anyone but the city admin (app/admin/sql/units.sql). */
static struct rq_stmt st_unit_change =
    RQ_STMT("admin_units_change", "SELECT * FROM rq.unit_change($1::bigint, $2::jsonb)", 2);

/* Adds message for field to errors when st finds no row for value (not NULL). Returns 0, or
 * -1 after answering a failed query (errors deleted). */
static int reference_check(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st,
			   const char *value, const char *field, const char *message, cJSON *errors)
{
	if (value == NULL)
		return 0;
	const char *params[] = {value};
	PGresult *res = rq_sql(req, st, params);
	if (!rq_sql_ok(res)) {
		cJSON_Delete(errors);
		rq_problem_sql(req, resp, res);
		return -1;
	}
	if (PQntuples(res) == 0)
		rq_errors_add(errors, field, message);
	return 0;
}

int admin_county_check(struct rq_req *req, struct rq_resp *resp, const char *county, cJSON *errors)
{
	return reference_check(req, resp, &st_region_exists, county, "county_code",
			       "不是信阳市的县区代码", errors);
}

int admin_unit_active_check(struct rq_req *req, struct rq_resp *resp, const char *unit,
			    cJSON *errors)
{
	return reference_check(req, resp, &st_unit_active, unit, "unit_id", "没有这个在用的单位",
			       errors);
}

/* A unit as its columns (rq_json_row): id, name, county_code, discipline_group, active. */
RQ_HANDLER(admin_units_list)
{
	rq_page_list(req, resp, &st_units_list);
}

RQ_HANDLER(admin_units_create)
{
	cJSON *errors = rq_errors_new();
	const char *name = rq_json_string(req->json, "name", true, 1, NAME_MAX_CHARS, errors);
	const char *county = rq_json_string(req->json, "county_code", false, 6, 6, errors);
	const char *group =
	    rq_json_string(req->json, "discipline_group", false, 1, GROUP_MAX_CHARS, errors);
	if (admin_county_check(req, resp, county, errors) != 0 ||
	    rq_problem_if_invalid(req, resp, errors))
		return;
	const char *params[] = {name, county, group};
	PGresult *res = rq_sql(req, &st_units_create, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	rq_resp_json(req, resp, 201, rq_json_row(res, 0));
}

/* Member field of the body, a string of 1..max characters or (when nullable) null, copied
 * into patch; an error is added for anything else. Absent: nothing. */
static void patch_string(struct rq_req *req, cJSON *patch, const char *field, size_t min,
			 size_t max, bool nullable, cJSON *errors)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(req->json, field);
	if (v == NULL)
		return;
	if (cJSON_IsNull(v)) {
		if (nullable)
			cJSON_AddNullToObject(patch, field);
		else
			rq_errors_add(errors, field, "不能为空");
		return;
	}
	const char *s = rq_json_string(req->json, field, true, min, max, errors);
	if (s != NULL)
		cJSON_AddStringToObject(patch, field, s);
}

RQ_HANDLER(admin_units_patch)
{
	cJSON *errors = rq_errors_new();
	/* the patch rq.unit_change applies: the checked members only, each once */
	cJSON *patch = cJSON_CreateObject();
	patch_string(req, patch, "name", 1, NAME_MAX_CHARS, false, errors);
	patch_string(req, patch, "county_code", 6, 6, true, errors);
	patch_string(req, patch, "discipline_group", 1, GROUP_MAX_CHARS, true, errors);
	const cJSON *active = cJSON_GetObjectItemCaseSensitive(req->json, "active");
	bool on;
	if (active != NULL && rq_input_bool(req->json, "active", true, &on, errors))
		cJSON_AddBoolToObject(patch, "active", on);
	if (cJSON_GetArraySize(req->json) == 0)
		rq_errors_add(errors, "name",
			      "请至少提供一项要修改的内容：name、county_code、discipline_group 或 "
			      "active");
	const cJSON *county = cJSON_GetObjectItemCaseSensitive(patch, "county_code");
	if (admin_county_check(req, resp, cJSON_IsString(county) ? county->valuestring : NULL,
			       errors) != 0) {
		cJSON_Delete(patch);
		return;
	}
	if (rq_problem_if_invalid(req, resp, errors)) {
		cJSON_Delete(patch);
		return;
	}
	char *text = cJSON_PrintUnformatted(patch);
	cJSON_Delete(patch);
	if (text == NULL) {
		rq_problem_internal(req, resp, "out of memory");
		return;
	}
	const char *params[] = {rq_req_param(req, "id"), rq_strdup(req->arena, text)};
	cJSON_free(text);
	if (rq_outcome_row(req, resp, rq_sql(req, &st_unit_change, params), NULL, NULL) < 0)
		return;
	const char *one[] = {rq_req_param(req, "id")};
	PGresult *res = rq_sql(req, &st_unit_one, one);
	if (rq_sql_one(req, resp, res))
		rq_resp_json(req, resp, 200, rq_json_row(res, 0));
}
