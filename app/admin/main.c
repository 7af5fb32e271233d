/* ruqima-admin: the intranet portal's API (login, users, units). */
#include "rq_app.h"
#include "rq_auth.h"
#include "rq_server.h"
#include "units.h"

static const char *const city_admin_only[] = {"city_admin", NULL};

static const struct rq_route routes[] = {
    RQ_ROUTE_HEALTH("admin"),
    {"POST", "/api/v1/admin/login", rq_auth_admin_login, RQ_AUTH_NONE, RQ_ROUTE_JSON, NULL},
    {"GET", "/api/v1/admin/units", admin_units_list, RQ_AUTH_ADMIN, 0, NULL},
    {"POST", "/api/v1/admin/units", admin_units_create, RQ_AUTH_ADMIN, RQ_ROUTE_JSON,
     city_admin_only},
};

int main(int argc, char **argv)
{
	static const struct rq_app app = {"admin", routes, sizeof(routes) / sizeof(routes[0])};
	return rq_server_main(&app, argc, argv);
}
