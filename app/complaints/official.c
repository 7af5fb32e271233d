#include "official.h"

#include "cases.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"
#include "rq_page.h"

enum { STATEMENT_MAX = 4000 };

/* The cases about the account's own visits, newest first. */
static struct rq_stmt st_list =
    RQ_STMT("complaints_official_cases_list",
	    "SELECT l.* FROM rq.case_lines l"
	    " WHERE l._id < $1::bigint AND l._official = (SELECT rq.current_account_id())"
	    " ORDER BY l._id DESC LIMIT $2::int",
	    2);
/* The case while it is about one of the account's own visits. */
static struct rq_stmt st_detail = RQ_STMT(
    "complaints_official_case_detail",
    "SELECT (SELECT rq.case_detail(c.id) FROM rq.cases c"
    " WHERE c.id = $1::bigint AND c.official_account_id = rq.current_account_id()) AS detail",
    1);

RQ_HANDLER(complaints_official_cases_list)
{
	rq_page_list_newest(req, resp, &st_list, NULL);
}

RQ_HANDLER(complaints_official_cases_get)
{
	const char *params[] = {rq_req_param(req, "id")};
	rq_outcome_json(req, resp, &st_detail, params, "detail", 200, "case-unknown");
}

static const struct complaints_action appeal = {
    "appeal", (const struct complaints_member[]){{"text", CM_TEXT, STATEMENT_MAX, NULL},
						 {"attachment_ids", CM_IDS, 9, NULL},
						 {NULL, CM_TEXT, 0, NULL}}};

RQ_HANDLER(complaints_official_cases_appeal)
{
	complaints_case_act(req, resp, &appeal, &st_detail);
}
