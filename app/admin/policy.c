#include "policy.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_num.h"
#include "rq_outcome.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

static struct rq_stmt st_items =
    RQ_STMT("admin_policy_items",
	    "SELECT key, value, min_value, max_value, measure, description, updated_at,"
	    " updated_by FROM rq.policy ORDER BY key",
	    0);
static struct rq_stmt st_item =
    RQ_STMT("admin_policy_item",
	    "SELECT key, value, min_value, max_value, measure, description, updated_at,"
	    " updated_by FROM rq.policy WHERE key = $1",
	    1);
static struct rq_stmt st_overrides =
    RQ_STMT("admin_policy_overrides",
	    "SELECT o.unit_id, u.name AS unit_name, o.key, o.value, o.updated_at, o.updated_by"
	    " FROM rq.policy_unit_overrides o JOIN rq.units u ON u.id = o.unit_id"
	    " ORDER BY o.key, o.unit_id",
	    0);
/* The unit's override (value NULL when it has none) and the threshold that applies to it. */
static struct rq_stmt st_unit_view =
    RQ_STMT("admin_policy_unit_view",
	    "SELECT u.id AS unit_id, u.name AS unit_name, $1 AS key, o.value, o.updated_at,"
	    " o.updated_by, rq.policy_value($1, u.id) AS effective_value"
	    " FROM rq.units u LEFT JOIN rq.policy_unit_overrides o"
	    " ON o.unit_id = u.id AND o.key = $1 WHERE u.id = $2::bigint",
	    2);
/* Raises 42501 for anyone but the city admin; answers an outcome word (see the migration). */
static struct rq_stmt st_set =
    RQ_STMT("admin_policy_set", "SELECT * FROM rq.policy_set($1, $2::bigint, $3::int)", 3);

/* Adds an int column as a JSON number (null for SQL NULL). */
static void add_int(cJSON *o, const PGresult *res, int row, const char *col)
{
	const char *v = rq_sql_val(res, row, col);
	int64_t n;
	if (v != NULL && rq_parse_i64(v, INT32_MIN, INT32_MAX, &n) == 0)
		cJSON_AddNumberToObject(o, col, (double)n);
	else
		cJSON_AddNullToObject(o, col);
}

/* A row as an object: the text columns as rq_json_add_column gives them, the int ones as
 * numbers; both lists NULL-terminated. */
static cJSON *row_object(const PGresult *res, int row, const char *const *text_cols,
			 const char *const *int_cols)
{
	cJSON *o = cJSON_CreateObject();
	for (const char *const *c = text_cols; *c != NULL; c++)
		rq_json_add_column(o, res, row, *c);
	for (const char *const *c = int_cols; *c != NULL; c++)
		add_int(o, res, row, *c);
	return o;
}

static cJSON *item_json(const PGresult *res, int row)
{
	static const char *const text[] = {"key",	 "measure",    "description",
					   "updated_at", "updated_by", NULL};
	static const char *const ints[] = {"value", "min_value", "max_value", NULL};
	return row_object(res, row, text, ints);
}

static cJSON *override_json(const PGresult *res, int row)
{
	static const char *const text[] = {"unit_id",	 "unit_name",  "key",
					   "updated_at", "updated_by", NULL};
	static const char *const ints[] = {"value", NULL};
	return row_object(res, row, text, ints);
}

/* Every row of st as a JSON array built by row_json, added to o as name; false after
 * answering a failed query. */
static bool add_rows(struct rq_req *req, struct rq_resp *resp, cJSON *o, const char *name,
		     struct rq_stmt *st, cJSON *(*row_json)(const PGresult *, int))
{
	PGresult *res = rq_sql(req, st, NULL);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return false;
	}
	cJSON *list = cJSON_AddArrayToObject(o, name);
	for (int i = 0; i < PQntuples(res); i++)
		cJSON_AddItemToArray(list, row_json(res, i));
	return true;
}

RQ_HANDLER(admin_policy_get)
{
	cJSON *o = cJSON_CreateObject();
	if (!add_rows(req, resp, o, "items", &st_items, item_json) ||
	    !add_rows(req, resp, o, "overrides", &st_overrides, override_json)) {
		cJSON_Delete(o);
		return;
	}
	rq_resp_json(req, resp, 200, o);
}

/* The policy row named by {key}, or NULL after answering (404). */
static PGresult *policy_row(struct rq_req *req, struct rq_resp *resp)
{
	const char *params[] = {rq_req_param(req, "key")};
	PGresult *res = rq_sql(req, &st_item, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return NULL;
	}
	if (PQntuples(res) == 0) {
		rq_outcome_refuse(req, resp, "policy-key-unknown", NULL, NULL);
		return NULL;
	}
	return res;
}

/* 422 naming value, with the key's bounds (and that null removes a unit's override). */
static void value_invalid(struct rq_req *req, struct rq_resp *resp, const PGresult *pol,
			  bool null_ok)
{
	const char *args[] = {rq_sql_val(pol, 0, "min_value"), rq_sql_val(pol, 0, "max_value"),
			      null_ok ? "，或为 null（取消该单位的单独设置）" : "", NULL};
	rq_outcome_refuse(req, resp, "policy-value-out-of-range", args, NULL);
}

/* Body member "value": an integer within the row's bounds (1.0 counts; "1", 1.5, 1e99 do
 * not), or null when null_ok. Sets *out to its decimal text (NULL for null); returns 0, or
 * -1 after answering 422. */
static int body_value(struct rq_req *req, struct rq_resp *resp, const PGresult *pol, bool null_ok,
		      const char **out)
{
	int64_t lo, hi;
	if (rq_parse_i64(rq_sql_val(pol, 0, "min_value"), INT32_MIN, INT32_MAX, &lo) != 0 ||
	    rq_parse_i64(rq_sql_val(pol, 0, "max_value"), INT32_MIN, INT32_MAX, &hi) != 0) {
		rq_problem_internal(req, resp, "policy bounds are not integers");
		return -1;
	}
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(req->json, "value");
	*out = NULL;
	if (null_ok && cJSON_IsNull(v))
		return 0;
	/* bounds first: the cast of a double outside int64 would be undefined */
	if (cJSON_IsNumber(v) && v->valuedouble >= (double)lo && v->valuedouble <= (double)hi &&
	    v->valuedouble == (double)(int64_t)v->valuedouble) {
		*out = rq_printf(req->arena, "%" PRId64, (int64_t)v->valuedouble);
		return 0;
	}
	value_invalid(req, resp, pol, null_ok);
	return -1;
}

/* Runs rq.policy_set; true when it answered ok, else false after answering its refusal. */
static bool policy_set(struct rq_req *req, struct rq_resp *resp, const char *unit,
		       const char *value)
{
	const char *params[] = {rq_req_param(req, "key"), unit, value};
	/* 42501 → 403 */
	return rq_outcome_row(req, resp, rq_sql(req, &st_set, params), NULL, NULL) == 0;
}

RQ_HANDLER(admin_policy_put)
{
	const PGresult *pol = policy_row(req, resp);
	const char *value;
	if (pol == NULL || body_value(req, resp, pol, false, &value) != 0 ||
	    !policy_set(req, resp, NULL, value))
		return;
	pol = policy_row(req, resp);
	if (pol != NULL)
		rq_resp_json(req, resp, 200, item_json(pol, 0));
}

RQ_HANDLER(admin_policy_put_unit)
{
	const char *unit = rq_req_param(req, "unit_id");
	const PGresult *pol = policy_row(req, resp);
	const char *value;
	if (pol == NULL || body_value(req, resp, pol, true, &value) != 0 ||
	    !policy_set(req, resp, unit, value))
		return;
	const char *params[] = {rq_req_param(req, "key"), unit};
	PGresult *res = rq_sql(req, &st_unit_view, params);
	if (!rq_sql_one(req, resp, res))
		return;
	cJSON *o = override_json(res, 0);
	add_int(o, res, 0, "effective_value");
	rq_resp_json(req, resp, 200, o);
}
