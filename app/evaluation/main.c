/* ruqima-evaluation: the evaluation route family (enterprise managers, for now). */
#include "rq_app.h"
#include "rq_server.h"
#include "managers.h"

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
};

int main(int argc, char **argv)
{
	static const struct rq_app app = {"evaluation", routes, sizeof(routes) / sizeof(routes[0])};
	return rq_server_main(&app, argc, argv);
}
