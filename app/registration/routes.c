/* ruqima-registration's routes: officials scan and register visits; also /api/v1/auth/. Each
 * row declares what its path and query parameters must be (checked before the handler). */
#include "routes.h"

#include "rq_auth.h"
#include "rq_page.h"
#include "attachments.h"
#include "codes.h"
#include "profile.h"
#include "units.h"
#include "visits.h"

static const struct rq_route routes[] = {
    RQ_ROUTE_HEALTH("registration"),
    RQ_ROUTE("POST", "/api/v1/auth/wx-login", rq_auth_wx_login, RQ_AUTH_NONE, RQ_ROUTE_JSON, NULL,
	     NULL),
    RQ_ROUTE("POST", "/api/v1/auth/dev-login", rq_auth_dev_login, RQ_AUTH_NONE,
	     RQ_ROUTE_JSON | RQ_ROUTE_DEV_ONLY, NULL, NULL),
    RQ_ROUTE("POST", "/api/v1/auth/logout", rq_auth_logout, RQ_AUTH_ANY, 0, NULL, NULL),
    RQ_ROUTE("GET", "/api/v1/auth/me", rq_auth_me, RQ_AUTH_ANY, 0, NULL, NULL),
    RQ_ROUTE("GET", "/api/v1/registration/codes/{token}", registration_codes_get, RQ_AUTH_NONE, 0,
	     NULL, RQ_INPUTS(RQ_PATH("token", RQ_PARAM_TOKEN, "code-unknown"))),
    RQ_ROUTE("GET", "/api/v1/registration/codes/{token}/qr.png", registration_code_qr_png,
	     RQ_AUTH_NONE, 0, NULL, RQ_INPUTS(RQ_PATH("token", RQ_PARAM_TOKEN, "code-unknown"))),
    RQ_ROUTE("GET", "/api/v1/registration/codes/{token}/poster.png", registration_code_poster_png,
	     RQ_AUTH_NONE, 0, NULL, RQ_INPUTS(RQ_PATH("token", RQ_PARAM_TOKEN, "code-unknown"))),
    RQ_ROUTE("GET", "/api/v1/registration/profile", registration_profile_get, RQ_AUTH_ACCOUNT, 0,
	     NULL, NULL),
    RQ_ROUTE("PUT", "/api/v1/registration/profile", registration_profile_put, RQ_AUTH_ACCOUNT,
	     RQ_ROUTE_JSON, NULL, NULL),
    RQ_ROUTE("POST", "/api/v1/registration/attachments", registration_attachments_create,
	     RQ_AUTH_ACCOUNT, RQ_ROUTE_UPLOAD, NULL, NULL),
    RQ_ROUTE("GET", "/api/v1/registration/attachments/{id}", registration_attachments_get,
	     RQ_AUTH_ACCOUNT, 0, NULL, RQ_INPUTS(RQ_PATH_ID("id", "attachment-unknown"))),
    RQ_ROUTE("GET", "/api/v1/registration/units", registration_units_list, RQ_AUTH_ACCOUNT, 0, NULL,
	     RQ_INPUTS(RQ_QUERY_PAGE)),
    RQ_ROUTE("POST", "/api/v1/registration/visits", registration_visits_create, RQ_AUTH_ACCOUNT,
	     RQ_ROUTE_JSON, NULL, NULL),
    RQ_ROUTE(
	"GET", "/api/v1/registration/visits", registration_visits_list, RQ_AUTH_ACCOUNT, 0, NULL,
	RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY("from", RQ_PARAM_DATE), RQ_QUERY("to", RQ_PARAM_DATE),
		  RQ_QUERY_ENUM("activity_type", registration_activity_types, NULL))),
    RQ_ROUTE("GET", "/api/v1/registration/visits/{id}", registration_visits_get, RQ_AUTH_ACCOUNT, 0,
	     NULL, RQ_INPUTS(RQ_PATH_ID("id", "visit-unknown"))),
    RQ_ROUTE(
	"PATCH", "/api/v1/registration/visits/{id}", registration_visits_edit, RQ_AUTH_ACCOUNT,
	RQ_ROUTE_JSON, NULL,
	RQ_INPUTS(RQ_PATH_ID("id", "visit-unknown"), RQ_BODY("matter"), RQ_BODY("attachment_ids"))),
    RQ_ROUTE("POST", "/api/v1/registration/visits/{id}/finish", registration_visits_finish,
	     RQ_AUTH_ACCOUNT, RQ_ROUTE_JSON, NULL, RQ_INPUTS(RQ_PATH_ID("id", "visit-unknown"))),
    RQ_ROUTE("POST", "/api/v1/registration/visits/{id}/withdraw", registration_visits_withdraw,
	     RQ_AUTH_ACCOUNT, RQ_ROUTE_JSON, NULL, RQ_INPUTS(RQ_PATH_ID("id", "visit-unknown"))),
    RQ_ROUTE("GET", "/api/v1/registration/visits/{id}/official", registration_visits_official,
	     RQ_AUTH_ACCOUNT, 0, NULL, RQ_INPUTS(RQ_PATH_ID("id", "visit-unknown"))),
};

const struct rq_app registration_app = {"registration", routes, sizeof(routes) / sizeof(routes[0])};
