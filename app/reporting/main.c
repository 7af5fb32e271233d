/* ruqima-reporting: the reporting route family. */
#include "rq_app.h"
#include "rq_server.h"

static const struct rq_route routes[] = {
    RQ_ROUTE_HEALTH("reporting"),
};

int main(int argc, char **argv)
{
	static const struct rq_app app = {"reporting", routes, sizeof(routes) / sizeof(routes[0])};
	return rq_server_main(&app, argc, argv);
}
