/* The manager's own claim requests (认证申请 filed without an activation code): where each
 * stands, pending, approved or rejected with the county office's reason. */
#ifndef EVALUATION_CLAIMS_H
#define EVALUATION_CLAIMS_H

#include "rq_router.h"

extern const char *const evaluation_claim_statuses[];

/* GET /api/v1/evaluation/claims?status=pending|approved|rejected&after=&limit=: the
 * account's claim requests newest first, keyset-paged; each {id, enterprise {id, name},
 * status, status_label, reason, created_at, decided_at}. A decision also reaches the
 * notification list (claim_approved, claim_rejected). Raises 400 naming a malformed query
 * parameter. */
RQ_HANDLER_DECL(evaluation_claims_list);

#endif
