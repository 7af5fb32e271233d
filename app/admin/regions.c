#include "regions.h"

#include "rq_db.h"
#include "rq_row_json.h"

#include <stdlib.h>

/* A handful of rows (reference data, changed by migrations only); bounded all the same. */
static struct rq_stmt st_list = RQ_STMT("admin_regions_list",
					"SELECT code, name, kind, parent_code FROM rq.regions"
					" ORDER BY parent_code NULLS FIRST, code LIMIT 500",
					0);

RQ_HANDLER(admin_regions_list)
{
	PGresult *res = rq_sql_final(req, &st_list, NULL);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	char *rows = rq_json_rows(res);
	cJSON *items = rows != NULL ? cJSON_CreateRaw(rows) : NULL;
	free(rows);
	if (items == NULL) {
		rq_problem_internal(req, resp, "could not print the regions");
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "items", items);
	rq_resp_json(req, resp, 200, o);
}
