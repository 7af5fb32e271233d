#include "claims.h"

#include "rq_db.h"
#include "rq_page.h"

const char *const evaluation_claim_statuses[] = {"pending", "approved", "rejected", NULL};

/* Row-level security shows the account its own claims; the WHERE says the same (and asks
 * the index). $1 is the keyset bound (rq_page_before). */
static struct rq_stmt st_list =
    RQ_STMT("evaluation_claims_list",
	    "SELECT r.id::text AS id, r.enterprise_id::text AS \"enterprise.id\","
	    " e.name AS \"enterprise.name\", r.status,"
	    " CASE r.status WHEN 'pending' THEN '待县区审核' WHEN 'approved' THEN '已通过'"
	    " ELSE '未通过' END AS status_label,"
	    " r.reason, r.created_at, r.decided_at"
	    " FROM rq.claim_requests r JOIN rq.enterprises e ON e.id = r.enterprise_id"
	    " WHERE r.account_id = rq.current_account_id() AND r.id < $1::bigint"
	    " AND ($3::text IS NULL OR r.status = $3)"
	    " ORDER BY r.id DESC LIMIT $2::int",
	    3);

RQ_HANDLER(evaluation_claims_list)
{
	static const char *const args[] = {"status", NULL};
	rq_page_list_newest(req, resp, &st_list, args);
}
