/* ruqima-evaluation: the evaluation route family (enterprise managers: their enterprises, the
 * visits to them with confirmation and rating, no-scan reports, notifications). */
#include "rq_app.h"
#include "rq_server.h"
#include "managers.h"
#include "notifications.h"
#include "ratings.h"
#include "reports.h"
#include "visits.h"

static const struct rq_route routes[] = {
    RQ_ROUTE_HEALTH("evaluation"),
    {"GET", "/api/v1/evaluation/enterprises", evaluation_managers_list, RQ_AUTH_ACCOUNT, 0, NULL},
    {"POST", "/api/v1/evaluation/enterprises/claim", evaluation_managers_claim, RQ_AUTH_ACCOUNT,
     RQ_ROUTE_JSON, NULL},
    {"POST", "/api/v1/evaluation/enterprises/{id}/select", evaluation_managers_select,
     RQ_AUTH_ACCOUNT, 0, NULL},
    {"GET", "/api/v1/evaluation/enterprises/{id}/poster.png", evaluation_managers_poster,
     RQ_AUTH_ACCOUNT, 0, NULL},
    {"POST", "/api/v1/evaluation/enterprises/{id}/unbind", evaluation_managers_unbind,
     RQ_AUTH_ACCOUNT, 0, NULL},
    {"GET", "/api/v1/evaluation/visits", evaluation_visits_list, RQ_AUTH_ACCOUNT, 0, NULL},
    {"GET", "/api/v1/evaluation/visits/{id}", evaluation_visits_get, RQ_AUTH_ACCOUNT, 0, NULL},
    {"POST", "/api/v1/evaluation/visits/{id}/confirm", evaluation_visits_confirm, RQ_AUTH_ACCOUNT,
     0, NULL},
    {"POST", "/api/v1/evaluation/visits/{id}/dispute", evaluation_visits_dispute, RQ_AUTH_ACCOUNT,
     RQ_ROUTE_JSON, NULL},
    {"POST", "/api/v1/evaluation/visits/{id}/rating", evaluation_ratings_give, RQ_AUTH_ACCOUNT,
     RQ_ROUTE_JSON, NULL},
    {"PUT", "/api/v1/evaluation/visits/{id}/rating", evaluation_ratings_change, RQ_AUTH_ACCOUNT,
     RQ_ROUTE_JSON, NULL},
    {"POST", "/api/v1/evaluation/no-scan-reports", evaluation_reports_no_scan, RQ_AUTH_ACCOUNT,
     RQ_ROUTE_JSON, NULL},
    {"GET", "/api/v1/evaluation/notifications", evaluation_notifications_list, RQ_AUTH_ACCOUNT, 0,
     NULL},
    {"POST", "/api/v1/evaluation/notifications/{id}/read", evaluation_notifications_read,
     RQ_AUTH_ACCOUNT, 0, NULL},
};

int main(int argc, char **argv)
{
	static const struct rq_app app = {"evaluation", routes, sizeof(routes) / sizeof(routes[0])};
	return rq_server_main(&app, argc, argv);
}
