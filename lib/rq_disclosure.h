/* An enterprise's choice not to be named in the public disclosure of single visits (双公开,
 * README "Public disclosure"): set by its managers (PUT
 * /api/v1/evaluation/enterprises/{id}/disclosure) or by a county office (PUT
 * /api/v1/admin/enterprises/{id}/disclosure) through the one SQL write
 * rq.enterprise_disclosure_set (lib/sql/disclosure.sql), which checks who may. */
#ifndef RQ_DISCLOSURE_H
#define RQ_DISCLOSURE_H

#include "rq_attr.h"
#include "rq_http.h"

/* Sets the disclosure choice of enterprise {id} from the body {"opt_out": true|false} in the
 * request's transaction. Returns 0 when it is set (the handler then answers the enterprise
 * as it is now), or -1 after answering: 422 naming opt_out when it is missing or not a
 * boolean, the write's refusal (enterprise-not-managed, enterprise-unknown). */
int rq_disclosure_put(struct rq_req *req, struct rq_resp *resp) RQ_MUST_USE;

#endif
