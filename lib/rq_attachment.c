#include "rq_attachment.h"

#include "rq_arena.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"

/* Row-level security decides who sees the row (policies attachments_app_read,
 * attachments_case_read). */
static struct rq_stmt st_get = RQ_STMT(
    "attachment_get", "SELECT sha256, content_type FROM rq.attachments WHERE id = $1::bigint", 1);

/* Photos may be cached by the device that was allowed to fetch them, never by a proxy. */
static const char ATTACHMENT_CACHE_CONTROL[] = "private, max-age=3600";

void rq_attachment_send(struct rq_req *req, struct rq_resp *resp)
{
	const char *params[] = {rq_req_param(req, "id")};
	PGresult *res = rq_sql(req, &st_get, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	if (PQntuples(res) != 1) {
		rq_outcome_refuse(req, resp, "attachment-unknown", NULL, NULL);
		return;
	}
	/* sha256 is 64 hex digits and content_type one of two by the table's CHECKs */
	const char *sha = rq_sql_val(res, 0, "sha256");
	rq_resp_protected_file(req, resp, rq_sql_val(res, 0, "content_type"),
			       rq_printf(req->arena, "attachments/%.2s/%s", sha, sha));
	rq_resp_header(resp, "Cache-Control", ATTACHMENT_CACHE_CONTROL);
}
