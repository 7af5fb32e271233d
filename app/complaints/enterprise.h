/* The enterprise's side of its cases (mini-program, managers): the cases of the enterprise
 * the manager acts for now, one case with the part of the timeline the enterprise reads
 * (rq.case_detail under row-level security: what each step recorded for the enterprise,
 * never what the unit or the official wrote), adding information while it is open, and
 * rating the handling once it is closed. A manager of another enterprise, a former manager
 * and the official get 404 case-unknown. */
#ifndef COMPLAINTS_ENTERPRISE_H
#define COMPLAINTS_ENTERPRISE_H

#include "rq_router.h"

/* GET /api/v1/complaints/enterprise/cases?status=&after=&limit=: the cases of the current
 * enterprise (accounts.current_enterprise_id), newest first. Raises 400 naming a malformed
 * parameter, 409 no-enterprise-selected when the account acts for no enterprise it manages. */
RQ_HANDLER_DECL(complaints_enterprise_cases_list);
/* GET /api/v1/complaints/enterprise/cases/{id}: the case as the enterprise reads it, with
 * allowed_actions. Raises 404 case-unknown. */
RQ_HANDLER_DECL(complaints_enterprise_cases_get);
/* POST /api/v1/complaints/enterprise/cases/{id}/information {note, attachment_ids?}: 补充情况
 * (add_info) while the case is not closed; photos are the manager's own unused uploads. */
RQ_HANDLER_DECL(complaints_enterprise_cases_information);
/* POST /api/v1/complaints/enterprise/cases/{id}/rating {value: satisfied|unsatisfied,
 * comment (required for unsatisfied)}: rates the handling of a closed case, once per closing
 * (409 case-already-rated). 不满意 within case_rating_reopen_days of the closing reopens the
 * case, once, to the city (reopen); later, or the second time, it is only recorded. */
RQ_HANDLER_DECL(complaints_enterprise_cases_rating);

#endif
