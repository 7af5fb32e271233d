#include "unit_mappings.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"
#include "rq_page.h"

#include <string.h>

static struct rq_stmt st_list =
    RQ_STMT("admin_unit_mappings_list",
	    "SELECT m.id, m.source, m.name, m.unit_id, u.name AS unit_name,"
	    " u.active AS unit_active, m.updated_at, m.updated_by"
	    " FROM rq.unit_mappings m JOIN rq.units u ON u.id = m.unit_id"
	    " WHERE m.id > $1::bigint ORDER BY m.id LIMIT $2::int",
	    2);
/* Raise 42501 for anyone but the city admin (app/admin/sql/unit_mappings.sql). */
static struct rq_stmt st_set =
    RQ_STMT("admin_unit_mappings_set", "SELECT * FROM rq.unit_mapping_set($1, $2, $3::bigint)", 3);
static struct rq_stmt st_delete =
    RQ_STMT("admin_unit_mappings_delete", "SELECT * FROM rq.unit_mapping_delete($1::bigint)", 1);

static const char *const sources[] = {"huiqitong", NULL};

RQ_HANDLER(admin_unit_mappings_list)
{
	rq_page_list(req, resp, &st_list);
}

RQ_HANDLER(admin_unit_mappings_set)
{
	cJSON *errors = rq_errors_new();
	const char *source = rq_input_enum(req->json, "source", sources, false, errors);
	const char *name = rq_json_string(req->json, "name", true, 1, 100, errors);
	const char *unit = NULL;
	(void)rq_input_id_member(req, req->json, "unit_id", true, "须为单位 id", &unit, errors);
	if (rq_problem_if_invalid(req, resp, errors))
		return;
	const char *params[] = {source != NULL ? source : "huiqitong", name, unit};
	rq_outcome_put(req, resp, &st_set, params);
}

RQ_HANDLER(admin_unit_mappings_delete)
{
	const char *params[] = {rq_req_param(req, "id")};
	if (rq_outcome_row(req, resp, rq_sql(req, &st_delete, params), NULL, NULL) != 0)
		return;
	resp->status = 204;
}
