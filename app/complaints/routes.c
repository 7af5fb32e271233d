/* ruqima-complaints's routes: the case chain (受理 → 回访 → 分析研判 → 调查申诉 → 审核认定 → 移交
 * → 处置) for the portal, the unit admins' statement requests, the discipline inspectors'
 * inbox, and the mini-program's side of a case for the enterprise's managers and for the
 * official. Each row declares what its path and query parameters must be (checked before
 * the handler). Who may take which action is the transition table's (rq.case_transitions,
 * applied by rq.case_act): the action routes admit every portal role that sees cases, so
 * that a role the table refuses gets 403 with the actions it may take. */
#include "routes.h"

#include "rq_page.h"
#include "cases.h"
#include "enterprise.h"
#include "inbox.h"
#include "official.h"
#include "statements.h"

/* the portal roles that see cases (row-level security decides which) */
static const char *const case_readers[] = {"city_admin",	   "county_admin",     "unit_admin",
					   "discipline_inspector", "judicial_analyst", NULL};
static const char *const inbox_readers[] = {"discipline_inspector", "city_admin", NULL};
static const char *const statement_readers[] = {"unit_admin", "county_admin", "city_admin",
						"discipline_inspector", NULL};

#define CASE_ID RQ_INPUTS(RQ_PATH_ID("id", "case-unknown"))
/* an action on a case: a JSON body, any role that sees cases */
#define CASE_ACTION(path, fn)                                                                      \
	RQ_ROUTE("POST", "/api/v1/complaints/cases/{id}/" path, fn, RQ_AUTH_ADMIN, RQ_ROUTE_JSON,  \
		 case_readers, CASE_ID)

static const struct rq_route routes[] = {
    RQ_ROUTE_HEALTH("complaints"),
    RQ_ROUTE("GET", "/api/v1/complaints/cases", complaints_cases_list, RQ_AUTH_ADMIN, 0,
	     case_readers,
	     RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY_ENUM("status", complaints_case_statuses, NULL),
		       RQ_QUERY_ENUM("source", complaints_case_sources, NULL),
		       RQ_QUERY("county", RQ_PARAM_REGION),
		       RQ_QUERY_MSG("unit_id", RQ_PARAM_ID, "须为单位的编号"),
		       RQ_QUERY_ENUM("classification", complaints_case_classifications, NULL),
		       RQ_QUERY("from", RQ_PARAM_DATE), RQ_QUERY("to", RQ_PARAM_DATE),
		       RQ_QUERY("overdue", RQ_PARAM_BOOL))),
    RQ_ROUTE("GET", "/api/v1/complaints/cases/{id}", complaints_cases_get, RQ_AUTH_ADMIN, 0,
	     case_readers, CASE_ID),
    CASE_ACTION("accept", complaints_cases_accept),
    CASE_ACTION("merge", complaints_cases_merge),
    CASE_ACTION("follow-up", complaints_cases_follow_up),
    CASE_ACTION("close", complaints_cases_close),
    CASE_ACTION("investigate", complaints_cases_investigate),
    CASE_ACTION("statement", complaints_cases_statement),
    CASE_ACTION("refer", complaints_cases_refer),
    CASE_ACTION("determine", complaints_cases_determine),
    CASE_ACTION("hand-over", complaints_cases_hand_over),
    CASE_ACTION("dispose", complaints_cases_dispose),
    RQ_ROUTE(
	"GET", "/api/v1/complaints/statements", complaints_statements_list, RQ_AUTH_ADMIN, 0,
	statement_readers,
	RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY_ENUM("status", complaints_statement_statuses, NULL))),
    RQ_ROUTE("GET", "/api/v1/complaints/inbox", complaints_inbox_list, RQ_AUTH_ADMIN, 0,
	     inbox_readers,
	     RQ_INPUTS(RQ_QUERY_PAGE,
		       RQ_QUERY_ENUM("status", complaints_inbox_statuses, "handed_over"))),
    /* mini-program: the enterprise's managers */
    RQ_ROUTE("GET", "/api/v1/complaints/enterprise/cases", complaints_enterprise_cases_list,
	     RQ_AUTH_ACCOUNT, 0, NULL,
	     RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY_ENUM("status", complaints_case_statuses, NULL))),
    RQ_ROUTE("GET", "/api/v1/complaints/enterprise/cases/{id}", complaints_enterprise_cases_get,
	     RQ_AUTH_ACCOUNT, 0, NULL, CASE_ID),
    RQ_ROUTE("POST", "/api/v1/complaints/enterprise/cases/{id}/information",
	     complaints_enterprise_cases_information, RQ_AUTH_ACCOUNT, RQ_ROUTE_JSON, NULL,
	     CASE_ID),
    RQ_ROUTE("POST", "/api/v1/complaints/enterprise/cases/{id}/rating",
	     complaints_enterprise_cases_rating, RQ_AUTH_ACCOUNT, RQ_ROUTE_JSON, NULL, CASE_ID),
    /* mini-program: the official */
    RQ_ROUTE("GET", "/api/v1/complaints/official/cases", complaints_official_cases_list,
	     RQ_AUTH_ACCOUNT, 0, NULL, RQ_INPUTS(RQ_QUERY_PAGE)),
    RQ_ROUTE("GET", "/api/v1/complaints/official/cases/{id}", complaints_official_cases_get,
	     RQ_AUTH_ACCOUNT, 0, NULL, CASE_ID),
    RQ_ROUTE("POST", "/api/v1/complaints/official/cases/{id}/appeal",
	     complaints_official_cases_appeal, RQ_AUTH_ACCOUNT, RQ_ROUTE_JSON, NULL, CASE_ID),
};

const struct rq_app complaints_app = {"complaints", routes, sizeof(routes) / sizeof(routes[0])};
