#include "enterprise.h"

#include "cases.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"
#include "rq_page.h"

#include <string.h>

enum { NOTE_MAX = 2000, COMMENT_MAX = 500 };

static const char *const values[] = {"satisfied", "unsatisfied", NULL};

/* The cases of the enterprise the account acts for (rq.actor_enterprise), newest first. */
static struct rq_stmt st_list =
    RQ_STMT("complaints_enterprise_cases_list",
	    "SELECT l.* FROM rq.case_lines l"
	    " WHERE l._enterprise_id = (SELECT rq.actor_enterprise()) AND l._id < $1::bigint"
	    " AND ($3::text IS NULL OR l.status = $3)"
	    " ORDER BY l._id DESC LIMIT $2::int",
	    3);
/* The case while the account manages its enterprise now. */
static struct rq_stmt st_detail =
    RQ_STMT("complaints_enterprise_case_detail",
	    "SELECT (SELECT rq.case_detail(c.id) FROM rq.cases c"
	    " WHERE c.id = $1::bigint AND rq.actor_manages(c.enterprise_id)) AS detail",
	    1);

RQ_HANDLER(complaints_enterprise_cases_list)
{
	static const char *const args[] = {"status", NULL};
	rq_page_list_of_current_enterprise(req, resp, &st_list, args);
}

RQ_HANDLER(complaints_enterprise_cases_get)
{
	const char *params[] = {rq_req_param(req, "id")};
	rq_outcome_json(req, resp, &st_detail, params, "detail", 200, "case-unknown");
}

static const struct complaints_action add_info = {
    "add_info", (const struct complaints_member[]){{"note", CM_TEXT, NOTE_MAX, NULL},
						   {"attachment_ids", CM_IDS, 9, NULL},
						   {NULL, CM_TEXT, 0, NULL}}};
static const struct complaints_action rate = {
    "rate", (const struct complaints_member[]){{"value", CM_ENUM, 0, values},
					       {"comment", CM_TEXT, COMMENT_MAX, NULL},
					       {NULL, CM_TEXT, 0, NULL}}};

RQ_HANDLER(complaints_enterprise_cases_information)
{
	complaints_case_act(req, resp, &add_info, &st_detail);
}

RQ_HANDLER(complaints_enterprise_cases_rating)
{
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(req->json, "value");
	if (cJSON_IsString(value) && strcmp(value->valuestring, "unsatisfied") == 0 &&
	    cJSON_GetObjectItemCaseSensitive(req->json, "comment") == NULL) {
		cJSON *errors = rq_errors_new();
		rq_errors_add(errors, "comment", "评价“不满意”须说明理由");
		rq_problem_invalid(req, resp, errors);
		return;
	}
	complaints_case_act(req, resp, &rate, &st_detail);
}
