#include "claims.h"

#include "rq_outcome.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_page.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

const char *const admin_claim_statuses[] = {"pending", "approved", "rejected", NULL};

/* A claim request as the portal shows it: its enterprise, the binding it made, and whether
 * the activation code it came with matched (a request filed with a code while the
 * enterprise's wrong codes were over their bound, README "Activation codes: the threat
 * model"; NULL: filed without one). */
#define CLAIM_SELECT                                                                               \
	"SELECT r.id, r.enterprise_id, e.name AS enterprise_name, e.uscc, e.project_code,"         \
	" e.county_code, r.claimant_name, r.phone, r.legal_rep, r.status, r.created_at,"           \
	" r.decided_by, r.decided_at, r.reason, b.id AS binding_id,"                               \
	" CASE WHEN r.activation_code_id IS NOT NULL THEN 'matched'"                               \
	"      WHEN r.activation_code_given THEN 'not_matched' END AS activation_code"             \
	" FROM rq.claim_requests r JOIN rq.enterprises e ON e.id = r.enterprise_id"                \
	" LEFT JOIN rq.manager_bindings b ON b.claim_request_id = r.id"

/* RLS (claim_requests_app_read) keeps a county admin to their county's claims. */
static struct rq_stmt st_claims_list = RQ_STMT(
    "admin_claims_list",
    CLAIM_SELECT " WHERE r.status = $1 AND r.id > $2::bigint ORDER BY r.id LIMIT $3::int", 3);
static struct rq_stmt st_claim_one =
    RQ_STMT("admin_claims_one", CLAIM_SELECT " WHERE r.id = $1::bigint", 1);
static struct rq_stmt st_claim_decide =
    RQ_STMT("admin_claims_decide", "SELECT * FROM rq.claim_decide($1::bigint, $2::boolean, $3)", 3);

static cJSON *claim_json(const PGresult *res, int row)
{
	cJSON *c = cJSON_CreateObject();
	static const char *const cols[] = {
	    "id",	    "enterprise_id", "enterprise_name", "uscc",
	    "project_code", "county_code",   "claimant_name",	"phone",
	    "legal_rep",    "status",	     "created_at",	"decided_by",
	    "decided_at",   "reason",	     "binding_id",	"activation_code",
	};
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		rq_json_add_column(c, res, row, cols[i]);
	return c;
}

RQ_HANDLER(admin_claims_list)
{
	const char *status = rq_req_arg(req, "status");
	struct rq_page page;
	if (rq_page_parse(req, resp, &page) != 0)
		return;
	const char *params[] = {status, page.after_s, page.limit_s};
	PGresult *res = rq_sql(req, &st_claims_list, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	rq_page_respond(req, resp, res, &page, claim_json);
}

/* Decides the claim of the path; reason may be NULL when approving. */
static void decide(struct rq_req *req, struct rq_resp *resp, bool approve, const char *reason)
{
	const char *id = rq_req_param(req, "id");
	const char *params[] = {id, approve ? "true" : "false", reason};
	if (rq_outcome_row(req, resp, rq_sql(req, &st_claim_decide, params), NULL, NULL) < 0)
		return;
	const char *p1[] = {id};
	PGresult *one = rq_sql(req, &st_claim_one, p1);
	if (!rq_sql_ok(one)) {
		rq_problem_sql(req, resp, one);
		return;
	}
	if (PQntuples(one) != 1) {
		rq_outcome_refuse(req, resp, "claim-unknown", NULL, NULL);
		return;
	}
	rq_resp_json(req, resp, 200, claim_json(one, 0));
}

RQ_HANDLER(admin_claims_approve)
{
	decide(req, resp, true, NULL);
}

RQ_HANDLER(admin_claims_reject)
{
	cJSON *errors = rq_errors_new();
	const char *reason = rq_json_string(req->json, "reason", true, 1, 200, errors);
	if (reason == NULL) {
		rq_problem_invalid(req, resp, errors);
		return;
	}
	cJSON_Delete(errors);
	decide(req, resp, false, reason);
}
