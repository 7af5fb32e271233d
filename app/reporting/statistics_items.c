#include "statistics_items.h"

#include "statistics.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_page.h"
#include "rq_visit_flags.h"

const char *const reporting_visit_roles[] = {"lead", "participant", NULL};
/* the rules' flags, and what the statistics count besides (unfinished: no result filed) */
const char *const reporting_visit_flags[] = {RQ_VISIT_RULE_FLAGS, "frequency_or_cap", "unfinished",
					     "unfinished_past_due", NULL};
const char *const reporting_confirmations[] = {"pending", "confirmed", "disputed", NULL};
const char *const reporting_ratings[] = {"rated", "satisfied", "basically_satisfied", "unsatisfied",
					 NULL};
const char *const reporting_exemptions[] = {
    "national_security",  "public_security",   "complaint_report",
    "accident_emergency", "superior_assigned", "enterprise_requested",
    "permit_check",	  "referral",	       NULL};
const char *const reporting_case_dates[] = {"opened", "determined", NULL};
const char *const reporting_outcomes[] = {"substantiated", "partly_substantiated",
					  "unsubstantiated", "none", NULL};

static struct rq_stmt st_visit_items = RQ_STMT_STATS(
    "reporting_stats_visit_items",
    "SELECT * FROM rq.stats_visit_items($1::date, $2::date, $3, $4::bigint, $5, $6::bigint, $7,"
    " $8::boolean, $9, $10, $11, $12::boolean, $13, $14, $15::bigint, $16::int)",
    16);
static struct rq_stmt st_case_items = RQ_STMT_STATS(
    "reporting_stats_case_items",
    "SELECT * FROM rq.stats_case_items($1::date, $2::date, $3, $4, $5::bigint, $6::bigint,"
    " $7::bigint, $8, $9, $10::boolean, $11, $12, $13::boolean, $14::boolean, $15::boolean,"
    " $16::bigint, $17::int)",
    17);

enum { ARGS_MAX = 20 };

/* The page of st: the range, then the declared arguments named in args (one not given is
 * SQL NULL), then the keyset bound and the limit. */
static void items(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st,
		  const char *const *args)
{
	struct rq_page page;
	const char *from, *to;
	if (rq_page_parse(req, resp, &page) != 0 ||
	    reporting_stats_range(req, resp, &from, &to) != 0)
		return;
	const char *params[ARGS_MAX];
	int n = reporting_stats_params(req, from, to, args, NULL, params, ARGS_MAX - 2);
	params[n++] = rq_page_before(&page);
	params[n++] = page.limit_s;
	PGresult *res = rq_sql_final(req, st, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	rq_page_respond_rows(req, resp, res, &page);
}

RQ_HANDLER(reporting_statistics_visit_items)
{
	static const char *const args[] = {
	    "county", "unit_id",      "role",	"enterprise_id", "activity_type", "joint",
	    "flag",   "confirmation", "rating", "anonymous",	 "exemption",	  "source",
	    NULL};
	items(req, resp, &st_visit_items, args);
}

RQ_HANDLER(reporting_statistics_case_items)
{
	static const char *const args[] = {"date",
					   "county",
					   "unit_id",
					   "responsible_unit_id",
					   "responsible_official_id",
					   "case_source",
					   "status",
					   "open",
					   "classification",
					   "outcome",
					   "accountable",
					   "overdue",
					   "handed_over",
					   NULL};
	items(req, resp, &st_case_items, args);
}
