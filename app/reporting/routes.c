/* ruqima-reporting's routes: the reporting family (health only so far). */
#include "routes.h"

static const struct rq_route routes[] = {
    RQ_ROUTE_HEALTH("reporting"),
};

const struct rq_app reporting_app = {"reporting", routes, sizeof(routes) / sizeof(routes[0])};
