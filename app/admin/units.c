#include "units.h"

#include "rq_db.h"
#include "rq_page.h"

#include <stdio.h>

static struct rq_stmt st_units_list =
    RQ_STMT("admin_units_list",
	    "SELECT id, name, county_code, discipline_group, active FROM rq.units"
	    " WHERE id > $1::bigint ORDER BY id LIMIT $2::int",
	    2);
static struct rq_stmt st_region_exists =
    RQ_STMT("admin_region_exists", "SELECT 1 FROM rq.regions WHERE code = $1", 1);
static struct rq_stmt st_units_create =
    RQ_STMT("admin_units_create",
	    "INSERT INTO rq.units (name, county_code, discipline_group) VALUES ($1, $2, $3)"
	    " RETURNING id, name, county_code, discipline_group, active",
	    3);

/* A unit as its columns (rq_json_row): id, name, county_code, discipline_group, active. */
RQ_HANDLER(admin_units_list)
{
	rq_page_list(req, resp, &st_units_list);
}

RQ_HANDLER(admin_units_create)
{
	cJSON *errors = rq_errors_new();
	const char *name = rq_json_string(req->json, "name", true, 1, 100, errors);
	const char *county = rq_json_string(req->json, "county_code", false, 6, 6, errors);
	const char *group = rq_json_string(req->json, "discipline_group", false, 1, 100, errors);
	if (cJSON_GetArraySize(errors) == 0 && county != NULL) {
		const char *params[] = {county};
		PGresult *res = rq_sql(req, &st_region_exists, params);
		if (!rq_sql_ok(res)) {
			cJSON_Delete(errors);
			rq_problem_sql(req, resp, res);
			return;
		}
		if (PQntuples(res) == 0)
			rq_errors_add(errors, "county_code", "不是信阳市的县区代码");
	}
	if (rq_problem_if_invalid(req, resp, errors))
		return;
	const char *params[] = {name, county, group};
	PGresult *res = rq_sql(req, &st_units_create, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	rq_resp_json(req, resp, 201, rq_json_row(res, 0));
}
