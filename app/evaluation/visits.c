#include "visits.h"

#include "rq_outcome.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_page.h"

#include <string.h>

enum { REASON_MAX = 500 };

/* The visits to the enterprise the account acts for (rq.actor_enterprise: row-level
 * security alone would also show an official their own visits there), newest first by id
 * (ids grow with registration time); an empty page is then told from "no enterprise
 * selected" by rq_page_list_of_current_enterprise. $1 is the keyset bound (rq_page_before): an
 * index condition, so a deep page starts at its row instead of filtering the pages before it. The
 * view rq.visit_lines is merged into the query; the pool prints its columns as JSON. Dates are the
 * city's (the database's time zone). The unit filter is a statement of its own: as a
 * `$8 IS NULL OR EXISTS` its sub-plan would be set up on every list. */
#define VISITS_TO_MY_ENTERPRISE                                                                    \
	"SELECT l.* FROM rq.visit_lines l"                                                         \
	" WHERE l._enterprise_id = (SELECT rq.actor_enterprise())"                                 \
	" AND l._id < $1::bigint"                                                                  \
	" AND ($3::text IS NULL OR l.status = $3)"                                                 \
	" AND ($4::text IS NULL OR l.confirmation = $4)"                                           \
	" AND ($5::text IS NULL OR l.activity_type = $5)"                                          \
	" AND ($6::date IS NULL OR l.entered_at >= $6::date::timestamptz)"                         \
	" AND ($7::date IS NULL OR l.entered_at < ($7::date + 1)::timestamptz)"
#define NEWEST_FIRST " ORDER BY l._id DESC LIMIT $2::int"
static struct rq_stmt st_list =
    RQ_STMT("evaluation_visits_list", VISITS_TO_MY_ENTERPRISE NEWEST_FIRST, 7);
static struct rq_stmt st_list_unit = RQ_STMT(
    "evaluation_visits_list_unit",
    VISITS_TO_MY_ENTERPRISE " AND EXISTS (SELECT 1 FROM rq.visit_units vu"
			    " WHERE vu.visit_id = l._id AND vu.unit_id = $8::bigint)" NEWEST_FIRST,
    8);
static struct rq_stmt st_detail =
    RQ_STMT("evaluation_visits_detail", "SELECT rq.visit_for_enterprise($1::bigint) AS detail", 1);
static struct rq_stmt st_answer =
    RQ_STMT("evaluation_visits_answer", "SELECT * FROM rq.visit_answer($1::bigint, $2, $3, $4)", 4);

const char *const evaluation_visit_statuses[] = {"registered", "confirmed", "disputed", "finished",
						 "withdrawn",  "imported",  NULL};
const char *const evaluation_visit_confirmations[] = {"pending", "confirmed", "disputed", NULL};
const char *const evaluation_activity_types[] = {"visit", "research", "inspection", NULL};
static const char *const dispute_categories[] = {"wrong_people", "wrong_matter", "never_came",
						 "other", NULL};

void evaluation_visit_respond(struct rq_req *req, struct rq_resp *resp, const char *id, int status)
{
	const char *params[] = {id};
	rq_outcome_json(req, resp, &st_detail, params, "detail", status,
			"enterprise-visit-unknown");
}

RQ_HANDLER(evaluation_visits_list)
{
	static const char *const args[] = {
	    "status", "confirmation", "activity_type", "from", "to", "unit_id", NULL};
	rq_page_list_of_current_enterprise(
	    req, resp, rq_req_arg(req, "unit_id") != NULL ? &st_list_unit : &st_list, args);
}

RQ_HANDLER(evaluation_visits_get)
{
	evaluation_visit_respond(req, resp, rq_req_param(req, "id"), 200);
}

/* Runs rq.visit_answer and answers the visit, or its refusal. */
static void answer(struct rq_req *req, struct rq_resp *resp, const char *id, const char *decision,
		   const char *category, const char *reason)
{
	const char *params[] = {id, decision, category, reason};
	if (rq_outcome_row(req, resp, rq_sql(req, &st_answer, params), NULL, NULL) < 0)
		return;
	evaluation_visit_respond(req, resp, id, 200);
}

RQ_HANDLER(evaluation_visits_confirm)
{
	answer(req, resp, rq_req_param(req, "id"), "confirmed", NULL, NULL);
}

RQ_HANDLER(evaluation_visits_dispute)
{
	const char *id = rq_req_param(req, "id");
	cJSON *errors = rq_errors_new();
	const char *category =
	    rq_input_enum(req->json, "category", dispute_categories, true, errors);
	bool other = category != NULL && strcmp(category, "other") == 0;
	const char *reason = rq_json_string(req->json, "reason", other, 1, REASON_MAX, errors);
	if (rq_problem_if_invalid(req, resp, errors))
		return;
	answer(req, resp, id, "disputed", category, reason);
}
