#include "officials.h"

#include "rq_outcome.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_page.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* RLS (official_profiles_app_read) keeps a unit admin to their unit's officials and a
 * county admin to those of units in their county. */
static struct rq_stmt st_officials_list =
    RQ_STMT("admin_officials_list",
	    "SELECT p.account_id AS id, p.name, p.unit_id, u.name AS unit_name, p.post,"
	    " p.cert_no, p.phone, p.verified, p.verified_by, p.verified_at, p.created_at,"
	    " p.updated_at FROM rq.official_profiles p JOIN rq.units u ON u.id = p.unit_id"
	    " WHERE ($1::bigint IS NULL OR p.unit_id = $1::bigint)"
	    " AND ($2::boolean IS NULL OR p.verified = $2::boolean)"
	    " AND p.account_id > $3::bigint ORDER BY p.account_id LIMIT $4::int",
	    4);
static struct rq_stmt st_official_one =
    RQ_STMT("admin_officials_one",
	    "SELECT p.account_id AS id, p.name, p.unit_id, u.name AS unit_name, p.post,"
	    " p.cert_no, p.phone, p.verified, p.verified_by, p.verified_at, p.created_at,"
	    " p.updated_at FROM rq.official_profiles p JOIN rq.units u ON u.id = p.unit_id"
	    " WHERE p.account_id = $1::bigint",
	    1);
/* Raises 42501 unless the actor is the city admin or a unit admin of the profile's unit. */
static struct rq_stmt st_official_verify =
    RQ_STMT("admin_officials_verify", "SELECT * FROM rq.official_verify($1::bigint)", 1);

static cJSON *official_json(const PGresult *res, int row)
{
	cJSON *o = cJSON_CreateObject();
	static const char *const cols[] = {
	    "id",    "name",	    "unit_id",	   "unit_name",	 "post",       "cert_no",
	    "phone", "verified_by", "verified_at", "created_at", "updated_at",
	};
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		rq_json_add_column(o, res, row, cols[i]);
	cJSON_AddBoolToObject(o, "verified", strcmp(rq_sql_val(res, row, "verified"), "t") == 0);
	return o;
}

RQ_HANDLER(admin_officials_list)
{
	const char *unit = rq_req_arg(req, "unit_id"), *verified = rq_req_arg(req, "verified");
	struct rq_page page;
	if (rq_page_parse(req, resp, &page) != 0)
		return;
	const char *params[] = {unit, verified, page.after_s, page.limit_s};
	PGresult *res = rq_sql(req, &st_officials_list, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	rq_page_respond(req, resp, res, &page, official_json);
}

/* The profile of account id as the actor sees it (RLS), or NULL after answering. */
static PGresult *visible(struct rq_req *req, struct rq_resp *resp, const char *id)
{
	const char *params[] = {id};
	PGresult *res = rq_sql(req, &st_official_one, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return NULL;
	}
	if (PQntuples(res) == 0) {
		rq_outcome_refuse(req, resp, "official-unknown", NULL, NULL);
		return NULL;
	}
	return res;
}

RQ_HANDLER(admin_officials_verify)
{
	const char *id = rq_req_param(req, "id");
	if (visible(req, resp, id) == NULL)
		return;
	const char *params[] = {id};
	/* 42501 → 403 */
	if (rq_outcome_row(req, resp, rq_sql(req, &st_official_verify, params), NULL, NULL) < 0)
		return;
	PGresult *res = visible(req, resp, id);
	if (res != NULL)
		rq_resp_json(req, resp, 200, official_json(res, 0));
}
