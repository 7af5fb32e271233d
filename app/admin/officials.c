#include "officials.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"
#include "rq_page.h"

#include <stdio.h>
#include <string.h>

enum { REASON_MAX_CHARS = 200 };

/* A profile as the portal shows it, with the visits of the official the admin may see
 * (row-level security of rq.visits: a unit admin those their unit entered, a county admin
 * those of their county): how many (withdrawn ones left out) and the last entry. The
 * policy official_profiles_app_read (lib/sql/policies.sql) keeps a unit admin to their
 * unit's officials and a county admin to those of units in their county. */
#define OFFICIAL_COLUMNS                                                                           \
	"SELECT p.account_id AS id, p.name, p.unit_id, u.name AS unit_name, p.post, p.cert_no,"    \
	" p.phone, p.verified, p.verified_by, p.verified_at, p.active, p.deactivated_by,"          \
	" p.deactivated_at, p.deactivation_reason, p.created_at, p.updated_at,"                    \
	" to_json(c.visits) AS visits, c.last_entered_at"                                          \
	" FROM rq.official_profiles p JOIN rq.units u ON u.id = p.unit_id"                         \
	" CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE v.withdrawn_at IS NULL) AS visits,"    \
	" max(v.entered_at) FILTER (WHERE v.withdrawn_at IS NULL) AS last_entered_at"              \
	" FROM rq.visits v WHERE v.account_id = p.account_id) c"
static struct rq_stmt st_officials_list =
    RQ_STMT("admin_officials_list",
	    OFFICIAL_COLUMNS " WHERE ($3::bigint IS NULL OR p.unit_id = $3::bigint)"
			     " AND ($4::boolean IS NULL OR p.verified = $4::boolean)"
			     " AND ($5::boolean IS NULL OR p.active = $5::boolean)"
			     " AND p.account_id > $1::bigint ORDER BY p.account_id LIMIT $2::int",
	    5);
static struct rq_stmt st_official_one =
    RQ_STMT("admin_officials_one", OFFICIAL_COLUMNS " WHERE p.account_id = $1::bigint", 1);
/* Raises 42501 unless the actor is the city admin or a unit admin of the profile's unit
 * (app/admin/sql/officials.sql). */
static struct rq_stmt st_official_change =
    RQ_STMT("admin_officials_change", "SELECT * FROM rq.official_change($1::bigint, $2, $3)", 3);

RQ_HANDLER(admin_officials_list)
{
	static const char *const args[] = {"unit_id", "verified", "active", NULL};
	rq_page_list_args(req, resp, &st_officials_list, args);
}

PGresult *admin_official_visible(struct rq_req *req, struct rq_resp *resp, const char *id)
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

RQ_HANDLER(admin_officials_get)
{
	PGresult *res = admin_official_visible(req, resp, rq_req_param(req, "id"));
	if (res != NULL)
		rq_resp_json(req, resp, 200, rq_json_row(res, 0));
}

/* rq.official_change's action on the official of the path, answered with the profile after
 * it. reason: the deactivation's, else NULL. */
static void change(struct rq_req *req, struct rq_resp *resp, const char *action, const char *reason)
{
	const char *id = rq_req_param(req, "id");
	if (admin_official_visible(req, resp, id) == NULL)
		return;
	const char *params[] = {id, action, reason};
	/* 42501 → 403 */
	if (rq_outcome_row(req, resp, rq_sql(req, &st_official_change, params), NULL, NULL) < 0)
		return;
	PGresult *res = admin_official_visible(req, resp, id);
	if (res != NULL)
		rq_resp_json(req, resp, 200, rq_json_row(res, 0));
}

RQ_HANDLER(admin_officials_verify)
{
	change(req, resp, "verify", NULL);
}

RQ_HANDLER(admin_officials_unverify)
{
	change(req, resp, "unverify", NULL);
}

RQ_HANDLER(admin_officials_deactivate)
{
	cJSON *errors = rq_errors_new();
	const char *reason = rq_json_string(req->json, "reason", true, 1, REASON_MAX_CHARS, errors);
	if (!rq_problem_if_invalid(req, resp, errors))
		change(req, resp, "deactivate", reason);
}

RQ_HANDLER(admin_officials_reactivate)
{
	change(req, resp, "reactivate", NULL);
}
