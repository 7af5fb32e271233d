/* Enterprise managers in the mini-program: claim an enterprise (企业信息认证), list the
 * enterprises of the account, switch the current one, unbind one. All routes need a
 * mini-program session (RQ_AUTH_ACCOUNT); the writes go through rq.manager_* functions
 * (migrations/0010_managers.sql), the reads through row-level security. */
#ifndef EVALUATION_MANAGERS_H
#define EVALUATION_MANAGERS_H

#include "rq_http.h"

/* POST /api/v1/evaluation/enterprises/claim {token?, uscc, legal_rep, name, phone,
 * activation_code?}: 201 with the binding (activation code accepted) or 202 with the
 * pending claim request. Raises 422 on bad fields or an enterprise out of normal operation
 * (enterprise-not-active), 403 claim-refused (unknown enterprise, credit code or legal
 * representative wrong: which one is not said), 403 activation-code-invalid (counted),
 * 403 activation-code-locked, 429 claim-attempts with Retry-After, 409 already-bound or
 * claim-pending. */
void evaluation_managers_claim(struct rq_req *req, struct rq_resp *resp);
/* GET /api/v1/evaluation/enterprises: the active bindings of the account, with the
 * enterprise's name and credit code, the serial of its active code and a current flag. */
void evaluation_managers_list(struct rq_req *req, struct rq_resp *resp);
/* POST /api/v1/evaluation/enterprises/{id}/select: makes it the current enterprise.
 * Raises 404 unless the account is actively bound to it. */
void evaluation_managers_select(struct rq_req *req, struct rq_resp *resp);
/* POST /api/v1/evaluation/enterprises/{id}/unbind: ends the binding (kept as history).
 * Raises 404 unless the account is actively bound to it. */
void evaluation_managers_unbind(struct rq_req *req, struct rq_resp *resp);
/* GET /api/v1/evaluation/enterprises/{id}/poster.png: the printable poster (打印张贴版)
 * of an enterprise the account manages, without needing its token. Raises 404 not-found
 * unless the account is actively bound to it, 404 code-not-issued when it has no active
 * code. */
void evaluation_managers_poster(struct rq_req *req, struct rq_resp *resp);

#endif
