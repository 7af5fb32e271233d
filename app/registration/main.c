/* ruqima-registration: officials scan and register visits; also serves /api/v1/auth/. */
#include "rq_app.h"
#include "rq_auth.h"
#include "rq_server.h"
#include "attachments.h"
#include "codes.h"
#include "images.h"
#include "profile.h"
#include "visits.h"

static const struct rq_route routes[] = {
    RQ_ROUTE_HEALTH("registration"),
    {"POST", "/api/v1/auth/wx-login", rq_auth_wx_login, RQ_AUTH_NONE, RQ_ROUTE_JSON, NULL},
    {"POST", "/api/v1/auth/dev-login", rq_auth_dev_login, RQ_AUTH_NONE,
     RQ_ROUTE_JSON | RQ_ROUTE_DEV_ONLY, NULL},
    {"POST", "/api/v1/auth/logout", rq_auth_logout, RQ_AUTH_ANY, 0, NULL},
    {"GET", "/api/v1/auth/me", rq_auth_me, RQ_AUTH_ANY, 0, NULL},
    {"GET", "/api/v1/registration/codes/{token}", registration_codes_get, RQ_AUTH_NONE, 0, NULL},
    {"GET", "/api/v1/registration/codes/{token}/qr.png", registration_code_qr_png, RQ_AUTH_NONE, 0,
     NULL},
    {"GET", "/api/v1/registration/codes/{token}/poster.png", registration_code_poster_png,
     RQ_AUTH_NONE, 0, NULL},
    {"GET", "/api/v1/registration/profile", registration_profile_get, RQ_AUTH_ACCOUNT, 0, NULL},
    {"PUT", "/api/v1/registration/profile", registration_profile_put, RQ_AUTH_ACCOUNT,
     RQ_ROUTE_JSON, NULL},
    {"POST", "/api/v1/registration/attachments", registration_attachments_create, RQ_AUTH_ACCOUNT,
     RQ_ROUTE_UPLOAD, NULL},
    {"GET", "/api/v1/registration/attachments/{id}", registration_attachments_get, RQ_AUTH_ACCOUNT,
     0, NULL},
    {"GET", "/api/v1/registration/units", registration_units_list, RQ_AUTH_ACCOUNT, 0, NULL},
    {"POST", "/api/v1/registration/visits", registration_visits_create, RQ_AUTH_ACCOUNT,
     RQ_ROUTE_JSON, NULL},
    {"GET", "/api/v1/registration/visits", registration_visits_list, RQ_AUTH_ACCOUNT, 0, NULL},
    {"GET", "/api/v1/registration/visits/{id}", registration_visits_get, RQ_AUTH_ACCOUNT, 0, NULL},
    {"PATCH", "/api/v1/registration/visits/{id}", registration_visits_edit, RQ_AUTH_ACCOUNT,
     RQ_ROUTE_JSON, NULL},
    {"POST", "/api/v1/registration/visits/{id}/finish", registration_visits_finish, RQ_AUTH_ACCOUNT,
     RQ_ROUTE_JSON, NULL},
    {"GET", "/api/v1/registration/visits/{id}/official", registration_visits_official,
     RQ_AUTH_ACCOUNT, 0, NULL},
};

int main(int argc, char **argv)
{
	static const struct rq_app app = {"registration", routes,
					  sizeof(routes) / sizeof(routes[0])};
	return rq_server_main(&app, argc, argv);
}
