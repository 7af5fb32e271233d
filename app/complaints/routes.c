/* ruqima-complaints's routes: the complaints family (health only so far). */
#include "routes.h"

static const struct rq_route routes[] = {
    RQ_ROUTE_HEALTH("complaints"),
};

const struct rq_app complaints_app = {"complaints", routes, sizeof(routes) / sizeof(routes[0])};
