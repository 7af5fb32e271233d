/* Enterprise managers in the mini-program: claim an enterprise (企业信息认证), list the
 * enterprises of the account, switch the current one, unbind one. All routes need a
 * mini-program session (RQ_AUTH_ACCOUNT); the writes go through rq.manager_* functions
 * (app/evaluation/sql/enterprises.sql), which answer rq.outcome, the reads through
 * row-level security. */
#ifndef EVALUATION_ENTERPRISES_H
#define EVALUATION_ENTERPRISES_H

#include "rq_router.h"

/* POST /api/v1/evaluation/enterprises/claim {token?, uscc | project_code, legal_rep, name,
 * phone, activation_code?}: an enterprise by its credit code, a construction project by its
 * project code (exactly one), with the legal representative (a project: the legal
 * representative or responsible unit) as the register has it. 201 with the binding
 * (activation code accepted) or 202 with the pending claim request. Raises 422 on bad
 * fields (neither or both codes), an individual business (enterprise-out-of-scope) or an
 * enterprise out of normal operation (enterprise-not-active), 403 claim-refused (unknown
 * enterprise, credit or project code or legal representative wrong: which one is not
 * said), 403 activation-code-invalid (counted),
 * 403 activation-code-locked, 429 claim-attempts with Retry-After, 409 already-bound or
 * claim-pending. */
RQ_HANDLER_DECL(evaluation_enterprises_claim);
/* GET /api/v1/evaluation/enterprises: the active bindings of the account, with the
 * enterprise's name and credit code, the serial of its active code and a current flag. */
RQ_HANDLER_DECL(evaluation_enterprises_list);
/* POST /api/v1/evaluation/enterprises/{id}/select: makes it the current enterprise and
 * answers 200 with the list (as GET .../enterprises). Raises 404 not-found unless the account
 * is actively bound to it. */
RQ_HANDLER_DECL(evaluation_enterprises_select);
/* POST /api/v1/evaluation/enterprises/{id}/unbind: ends the binding (kept as history) and
 * answers 200 with the list left. Raises 404 not-found unless the account is actively bound
 * to it. */
RQ_HANDLER_DECL(evaluation_enterprises_unbind);
/* PUT /api/v1/evaluation/enterprises/{id}/disclosure {opt_out}: whether the public
 * disclosure (双公开) names the enterprise at its visits (lib/rq_disclosure.h); answers 200
 * with the list (as GET .../enterprises). Raises 422 naming opt_out, 404
 * enterprise-not-managed unless the account is actively bound to it. */
RQ_HANDLER_DECL(evaluation_enterprises_disclosure);
/* GET /api/v1/evaluation/enterprises/{id}/poster.png: the printable poster (打印张贴版)
 * of an enterprise the account manages, without needing its token. Raises 404 not-found
 * unless the account is actively bound to it, 404 code-not-issued when it has no active
 * code. */
RQ_HANDLER_DECL(evaluation_enterprises_poster);

#endif
