/* The official's side (mini-program): the cases about the visits they registered, each with
 * the part of the timeline addressed to them (never the enterprise's follow-up or additions,
 * never the rater of an anonymous rating), and their 申诉 statement during the investigation.
 * Anyone else gets 404 case-unknown. */
#ifndef COMPLAINTS_OFFICIAL_H
#define COMPLAINTS_OFFICIAL_H

#include "rq_router.h"

/* GET /api/v1/complaints/official/cases?after=&limit=: the cases about the account's own
 * visits, newest first. Raises 400 naming a malformed parameter. */
RQ_HANDLER_DECL(complaints_official_cases_list);
/* GET /api/v1/complaints/official/cases/{id}: the case as the official reads it, with
 * allowed_actions. Raises 404 case-unknown. */
RQ_HANDLER_DECL(complaints_official_cases_get);
/* POST /api/v1/complaints/official/cases/{id}/appeal {text, attachment_ids?}: the official's
 * 申诉 while the case is under investigation, once per investigation (409
 * case-already-appealed). */
RQ_HANDLER_DECL(complaints_official_cases_appeal);

#endif
