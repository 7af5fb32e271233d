/* Manager claims without an activation code (rq.claim_decide, app/admin/sql/claims.sql): the county
 * office (县区营商办) of the enterprise's county, or the city admin, approves or rejects
 * them. Row-level security limits a county admin to their own county; outside it a claim
 * does not exist (404). */
#ifndef ADMIN_CLAIMS_H
#define ADMIN_CLAIMS_H

#include "rq_router.h"

/* The values of the list's ?status= (NULL-terminated), and the 404 of a claim. */
extern const char *const admin_claim_statuses[];

/* GET /api/v1/admin/claims?status=pending|approved|rejected&after=&limit=: keyset by id,
 * oldest first. Raises 400 for a bad status, after or limit. */
RQ_HANDLER_DECL(admin_claims_list);
/* POST /api/v1/admin/claims/{id}/approve {reason?}: 200 with the decided claim and the
 * binding it created. Raises 404 (unknown or another county's), 409 claim-decided,
 * 422 enterprise-not-active. */
RQ_HANDLER_DECL(admin_claims_approve);
/* POST /api/v1/admin/claims/{id}/reject {reason}: 200 with the decided claim. Raises 422
 * without a reason, 404 (unknown or another county's), 409 claim-decided. */
RQ_HANDLER_DECL(admin_claims_reject);

#endif
