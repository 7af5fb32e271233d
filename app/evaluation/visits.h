/* Visits to the enterprise a manager acts for: the list of the current
 * enterprise, one visit in detail, and the enterprise's answer (confirm or dispute). All
 * routes need a mini-program session; row-level security and rq.actor_manages decide what
 * is seen (app/evaluation/sql/visits.sql): a manager of another enterprise, an unbound
 * former manager and the official who registered the visit get 404. */
#ifndef EVALUATION_VISITS_H
#define EVALUATION_VISITS_H

#include "rq_attr.h"

#include <libpq-fe.h>

#include "rq_router.h"

/* The values of the list's status, confirmation and activity_type (NULL-terminated). */
extern const char *const evaluation_visit_statuses[];
extern const char *const evaluation_visit_confirmations[];
extern const char *const evaluation_activity_types[];

/* GET /api/v1/evaluation/visits?limit=&after=&status=&confirmation=&activity_type=&from=
 * &to=&unit_id=: the visits to the current enterprise (accounts.current_enterprise_id),
 * newest first, keyset-paged. Raises 400 naming a malformed parameter, 409
 * no-enterprise-selected when the account acts for no enterprise it manages. */
RQ_HANDLER_DECL(evaluation_visits_list);
/* GET /api/v1/evaluation/visits/{id}: the visit (official, unit, certificate, companions,
 * matter, legal basis, credential photos, scan time and location flags, edit history,
 * result) with the answer, the rating and its cases. Raises 404 visit-unknown. */
RQ_HANDLER_DECL(evaluation_visits_get);
/* POST /api/v1/evaluation/visits/{id}/confirm: 200 with the detail. Raises 404
 * visit-unknown, 409 already-answered. */
RQ_HANDLER_DECL(evaluation_visits_confirm);
/* POST /api/v1/evaluation/visits/{id}/dispute {category: wrong_people | wrong_matter |
 * never_came | other, reason (1..500, required for other)}: 200 with the detail; opens a
 * case (source dispute). Raises 422 naming a bad field, 404, 409 already-answered. */
RQ_HANDLER_DECL(evaluation_visits_dispute);

/* Answers status with the detail of visit id as the manager sees it, or 404. */
void evaluation_visit_respond(struct rq_req *req, struct rq_resp *resp, const char *id, int status);

#endif
