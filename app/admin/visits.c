#include "visits.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"
#include "rq_page.h"
#include "rq_visit_flags.h"

const char *const admin_visit_statuses[] = {"registered", "confirmed", "disputed", "finished",
					    "withdrawn",  "imported",  NULL};
const char *const admin_activity_types[] = {"visit", "research", "inspection", NULL};
const char *const admin_visit_sources[] = {"platform", "huiqitong", NULL};
const char *const admin_visit_flags[] = {RQ_VISIT_RULE_FLAGS, NULL};

/* Row-level security decides which visits; the view is merged into the query and the pool
 * prints its columns. $1 is the keyset bound (rq_page_before). Dates are the city's. */
static struct rq_stmt st_list =
    RQ_STMT("admin_visits_list",
	    "SELECT l.* FROM rq.visit_lines l WHERE l._id < $1::bigint"
	    " AND ($3::text IS NULL OR l.status = $3)"
	    " AND ($4::text IS NULL OR l.activity_type = $4)"
	    " AND ($5::date IS NULL OR l.entered_at >= $5::date::timestamptz)"
	    " AND ($6::date IS NULL OR l.entered_at < ($6::date + 1)::timestamptz)"
	    " AND ($7::text IS NULL OR l.source = $7)"
	    " AND ($8::bigint IS NULL OR l._enterprise_id = $8::bigint)"
	    " AND ($9::bigint IS NULL OR l._unit_id = $9::bigint)"
	    " AND ($10::bigint IS NULL OR l._account_id = $10::bigint)"
	    " AND ($11::text IS NULL OR $11 = ANY (l._flags))"
	    " ORDER BY l._id DESC LIMIT $2::int",
	    11);
static struct rq_stmt st_detail =
    RQ_STMT("admin_visits_detail", "SELECT rq.visit_read($1::bigint) AS detail", 1);

RQ_HANDLER(admin_visits_list)
{
	static const char *const args[] = {
	    "status",	     "activity_type", "from",	     "to",   "source",
	    "enterprise_id", "unit_id",	      "official_id", "flag", NULL};
	rq_page_list_newest(req, resp, &st_list, args);
}

RQ_HANDLER(admin_visits_get)
{
	const char *params[] = {rq_req_param(req, "id")};
	rq_outcome_json(req, resp, &st_detail, params, "detail", 200, "visit-unknown");
}
