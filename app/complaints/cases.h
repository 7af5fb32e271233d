/* Cases in the portal: the list in the reader's scope, one case in detail, and one route per
 * action of the chain (受理 → 回访 → 分析研判 → 调查申诉 → 审核认定 → 移交 → 处置). Every action
 * goes through rq.case_act (app/complaints/sql/cases.sql), which applies the transition
 * table rq.case_transitions: a role that may not take the action is 403
 * case-action-forbidden, a status that does not allow it 409 case-action-not-now, both with
 * allowed_actions (what the caller may do now); a case the caller may not see is 404
 * case-unknown (row-level security: another county's, another unit's). A body member of the
 * wrong type, length or value is 422 naming it before anything is written; a required
 * member missing is 422 case-fields-required naming each (the table's `required`). */
#ifndef COMPLAINTS_CASES_H
#define COMPLAINTS_CASES_H

#include "rq_db.h"
#include "rq_router.h"

/* The values of the list's filters (NULL-terminated). */
extern const char *const complaints_case_statuses[];
extern const char *const complaints_case_sources[];
extern const char *const complaints_case_classifications[];

/* What an action's body may hold: each member's name and kind (a text of at most max
 * characters, one of values, a row id, a list of at most max photo ids). */
enum complaints_member_kind { CM_TEXT, CM_ENUM, CM_ID, CM_IDS };
struct complaints_member {
	const char *name; /* NULL ends the list */
	enum complaints_member_kind kind;
	int max;
	const char *const *values;
};
struct complaints_action {
	const char *name; /* rq.case_transitions.action */
	const struct complaints_member *members;
};

/* Checks the body against the action's members (422 naming each bad one), runs rq.case_act
 * on the case of the path's {id} and answers the case as detail (a statement with $1 the
 * case id and a column "detail") shows it, 200. Raises the refusals of rq.case_act. */
void complaints_case_act(struct rq_req *req, struct rq_resp *resp,
			 const struct complaints_action *action, struct rq_stmt *detail);

/* GET /api/v1/complaints/cases?status=&source=&county=&unit_id=&classification=&from=&to=
 * &overdue=&after=&limit=: the cases the reader sees (row-level security: a county admin their
 * county's, a unit admin their unit's, the city-wide roles all), newest first, keyset-paged,
 * each with its step's deadline, the working days left and whether it is overdue. from/to:
 * the day opened (city time); overdue: past the step's deadline (or not). Raises 400 naming
 * a malformed filter. */
RQ_HANDLER_DECL(complaints_cases_list);
/* GET /api/v1/complaints/cases/{id}: the case with its visit and rating, determination,
 * timeline (each step's records as far as the reader is in their audience), photos,
 * statements, the enterprise's ratings of the handling and allowed_actions. Raises 404
 * case-unknown. */
RQ_HANDLER_DECL(complaints_cases_get);
/* POST .../cases/{id}/accept {handler_id?}: 受理 (open → follow_up) by the county admin of
 * the case's county or the city admin; the handler is the caller unless named (a county admin
 * of the county or a city admin; else 422 handler_id). */
RQ_HANDLER_DECL(complaints_cases_accept);
/* POST .../cases/{id}/merge {target_case_id, reason}: merges an open case into another case
 * of the same visit or enterprise that is not closed (open → closed; else 422
 * target_case_id). */
RQ_HANDLER_DECL(complaints_cases_merge);
/* POST .../cases/{id}/follow-up {method: phone|on_site|written, contacted_at, contact_person,
 * enterprise_says, wish: apology|correction|investigation|nothing_further}: 回访
 * (follow_up → analysis). 422 contacted_at when it is not a time or in the future. */
RQ_HANDLER_DECL(complaints_cases_follow_up);
/* POST .../cases/{id}/close {classification, explanation}: 分析研判 closing the case as
 * resolved, with the explanation given to the enterprise (analysis → closed). */
RQ_HANDLER_DECL(complaints_cases_close);
/* POST .../cases/{id}/investigate {classification, question, unit_id?}: 分析研判 opening an
 * investigation (analysis → investigation): the unit admin of the case's unit (unit_id when
 * the case names none; else 422 unit_id) is asked for its 情况说明. */
RQ_HANDLER_DECL(complaints_cases_investigate);
/* POST .../cases/{id}/statement {text}: the unit admin's 情况说明 answering the pending
 * request (409 case-statement-not-requested when there is none). */
RQ_HANDLER_DECL(complaints_cases_statement);
/* POST .../cases/{id}/refer {summary}: 提请审核认定 (investigation → determination), once the
 * unit's statement came or its deadline passed (else 409 case-statement-pending). */
RQ_HANDLER_DECL(complaints_cases_refer);
/* POST .../cases/{id}/determine {outcome: substantiated|partly_substantiated|unsubstantiated,
 * responsible_unit_id?, responsible_official_id?, measures?}: 审核认定 (determination →
 * closed) by the city admin (a county admin only while the policy case_county_may_determine
 * is 1). A no-scan case found (partly) substantiated gets an accountability entry. */
RQ_HANDLER_DECL(complaints_cases_determine);
/* POST .../cases/{id}/hand-over {the determination, clue}: 审核认定 and 移交 to the discipline
 * inspectors (determination → handed_over). */
RQ_HANDLER_DECL(complaints_cases_hand_over);
/* POST .../cases/{id}/dispose {disposition, note}: the discipline inspector's 处置
 * (handed_over → closed). */
RQ_HANDLER_DECL(complaints_cases_dispose);

#endif
