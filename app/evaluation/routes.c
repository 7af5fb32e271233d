/* ruqima-evaluation's routes: enterprise managers (their enterprises and claim requests, the
 * visits to them with confirmation and rating, no-scan reports, notifications). Each row
 * declares what its path and query parameters must be (checked before the handler). */
#include "routes.h"

#include "rq_page.h"
#include "claims.h"
#include "enterprises.h"
#include "no_scan_reports.h"
#include "notifications.h"
#include "visits.h"
#include "visits_rating.h"

static const struct rq_route routes[] = {
    RQ_ROUTE_HEALTH("evaluation"),
    RQ_ROUTE("GET", "/api/v1/evaluation/enterprises", evaluation_enterprises_list, RQ_AUTH_ACCOUNT,
	     0, NULL, NULL),
    RQ_ROUTE("POST", "/api/v1/evaluation/enterprises/claim", evaluation_enterprises_claim,
	     RQ_AUTH_ACCOUNT, RQ_ROUTE_JSON, NULL, NULL),
    RQ_ROUTE("GET", "/api/v1/evaluation/claims", evaluation_claims_list, RQ_AUTH_ACCOUNT, 0, NULL,
	     RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY_ENUM("status", evaluation_claim_statuses, NULL))),
    RQ_ROUTE("POST", "/api/v1/evaluation/enterprises/{id}/select", evaluation_enterprises_select,
	     RQ_AUTH_ACCOUNT, 0, NULL, RQ_INPUTS(RQ_PATH_ID("id", "enterprise-not-managed"))),
    RQ_ROUTE("GET", "/api/v1/evaluation/enterprises/{id}/poster.png", evaluation_enterprises_poster,
	     RQ_AUTH_ACCOUNT, 0, NULL, RQ_INPUTS(RQ_PATH_ID("id", "enterprise-not-managed"))),
    RQ_ROUTE("POST", "/api/v1/evaluation/enterprises/{id}/unbind", evaluation_enterprises_unbind,
	     RQ_AUTH_ACCOUNT, 0, NULL, RQ_INPUTS(RQ_PATH_ID("id", "enterprise-not-managed"))),
    RQ_ROUTE("PUT", "/api/v1/evaluation/enterprises/{id}/disclosure",
	     evaluation_enterprises_disclosure, RQ_AUTH_ACCOUNT, RQ_ROUTE_JSON, NULL,
	     RQ_INPUTS(RQ_PATH_ID("id", "enterprise-not-managed"), RQ_BODY("opt_out"))),
    RQ_ROUTE("GET", "/api/v1/evaluation/visits", evaluation_visits_list, RQ_AUTH_ACCOUNT, 0, NULL,
	     RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY_ENUM("status", evaluation_visit_statuses, NULL),
		       RQ_QUERY_ENUM("confirmation", evaluation_visit_confirmations, NULL),
		       RQ_QUERY_ENUM("activity_type", evaluation_activity_types, NULL),
		       RQ_QUERY("from", RQ_PARAM_DATE), RQ_QUERY("to", RQ_PARAM_DATE),
		       RQ_QUERY_MSG("unit_id", RQ_PARAM_ID, "须为单位的编号"))),
    RQ_ROUTE("GET", "/api/v1/evaluation/visits/{id}", evaluation_visits_get, RQ_AUTH_ACCOUNT, 0,
	     NULL, RQ_INPUTS(RQ_PATH_ID("id", "enterprise-visit-unknown"))),
    RQ_ROUTE("POST", "/api/v1/evaluation/visits/{id}/confirm", evaluation_visits_confirm,
	     RQ_AUTH_ACCOUNT, 0, NULL, RQ_INPUTS(RQ_PATH_ID("id", "enterprise-visit-unknown"))),
    RQ_ROUTE("POST", "/api/v1/evaluation/visits/{id}/dispute", evaluation_visits_dispute,
	     RQ_AUTH_ACCOUNT, RQ_ROUTE_JSON, NULL,
	     RQ_INPUTS(RQ_PATH_ID("id", "enterprise-visit-unknown"))),
    RQ_ROUTE("POST", "/api/v1/evaluation/visits/{id}/rating", evaluation_visits_rating_give,
	     RQ_AUTH_ACCOUNT, RQ_ROUTE_JSON, NULL,
	     RQ_INPUTS(RQ_PATH_ID("id", "enterprise-visit-unknown"))),
    RQ_ROUTE("PUT", "/api/v1/evaluation/visits/{id}/rating", evaluation_visits_rating_change,
	     RQ_AUTH_ACCOUNT, RQ_ROUTE_JSON, NULL,
	     RQ_INPUTS(RQ_PATH_ID("id", "enterprise-visit-unknown"))),
    RQ_ROUTE("POST", "/api/v1/evaluation/no-scan-reports", evaluation_no_scan_reports_create,
	     RQ_AUTH_ACCOUNT, RQ_ROUTE_JSON, NULL, NULL),
    RQ_ROUTE("GET", "/api/v1/evaluation/notifications", evaluation_notifications_list,
	     RQ_AUTH_ACCOUNT, 0, NULL, RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY("unread", RQ_PARAM_BOOL))),
    RQ_ROUTE("POST", "/api/v1/evaluation/notifications/{id}/read", evaluation_notifications_read,
	     RQ_AUTH_ACCOUNT, 0, NULL, RQ_INPUTS(RQ_PATH_ID("id", "notification-unknown"))),
};

const struct rq_app evaluation_app = {"evaluation", routes, sizeof(routes) / sizeof(routes[0])};
