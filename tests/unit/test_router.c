/* Routing: method + path pattern with {name} segments, 404 versus 405 with Allow. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "rq_app.h"
#include "rq_auth.h"
#include "rq_router.h"
#include "arena_fixture.h"

static void h_list(struct rq_req *req, struct rq_resp *resp)
{
	(void)req;
	(void)resp;
}

static void h_create(struct rq_req *req, struct rq_resp *resp)
{
	(void)req;
	(void)resp;
}

static void h_show(struct rq_req *req, struct rq_resp *resp)
{
	(void)req;
	(void)resp;
}

static void h_visit(struct rq_req *req, struct rq_resp *resp)
{
	(void)req;
	(void)resp;
}

static const char *const city_admin_only[] = {"city_admin", NULL};

/* Shaped like app/registration and app/admin: health, auth, a collection and members. */
static const struct rq_route routes[] = {
    RQ_ROUTE_HEALTH("admin"),
    {"POST", "/api/v1/auth/wx-login", rq_auth_wx_login, RQ_AUTH_NONE, RQ_ROUTE_JSON, NULL, NULL,
     NULL},
    {"POST", "/api/v1/auth/logout", rq_auth_logout, RQ_AUTH_ANY, 0, NULL, NULL, NULL},
    {"GET", "/api/v1/auth/me", rq_auth_me, RQ_AUTH_ANY, 0, NULL, NULL, NULL},
    {"POST", "/api/v1/admin/login", rq_auth_admin_login, RQ_AUTH_NONE, RQ_ROUTE_JSON, NULL, NULL,
     NULL},
    {"GET", "/api/v1/admin/units", h_list, RQ_AUTH_ADMIN, 0, NULL, NULL, NULL},
    {"POST", "/api/v1/admin/units", h_create, RQ_AUTH_ADMIN, RQ_ROUTE_JSON, city_admin_only, NULL,
     NULL},
    {"GET", "/api/v1/admin/units/{id}", h_show, RQ_AUTH_ADMIN, 0, NULL, NULL, NULL},
    {"PATCH", "/api/v1/admin/units/{id}", h_create, RQ_AUTH_ADMIN, RQ_ROUTE_JSON, NULL, NULL, NULL},
    {"DELETE", "/api/v1/admin/units/{id}", h_create, RQ_AUTH_ADMIN, 0, NULL, NULL, NULL},
    {"GET", "/api/v1/admin/units/{unit}/visits/{visit}", h_visit, RQ_AUTH_ADMIN, 0, NULL, NULL,
     NULL},
};
enum { NROUTES = sizeof(routes) / sizeof(routes[0]) };

/* Matches method and path against the table; a fresh request each time. */
static enum rq_match match(struct req_fixture *f, const char *method, const char *path,
			   const struct rq_route **route, const char **allow)
{
	memset(&f->req, 0, sizeof(f->req));
	f->req.arena = f->arena;
	f->req.method = method;
	f->req.path = path;
	*route = NULL;
	*allow = NULL;
	return rq_router_match(routes, NROUTES, &f->req, route, allow);
}

static void static_pattern_matches_exactly(void **state)
{
	struct req_fixture *f = *state;
	const struct rq_route *r;
	const char *allow;
	assert_int_equal(match(f, "GET", "/api/v1/admin/units", &r, &allow), RQ_MATCH_OK);
	assert_non_null(r);
	assert_ptr_equal(r->handler, h_list);
	assert_int_equal(f->req.nparams, 0);
	assert_null(allow);

	assert_int_equal(match(f, "POST", "/api/v1/admin/units", &r, &allow), RQ_MATCH_OK);
	assert_ptr_equal(r->handler, h_create);
	assert_ptr_equal(r->roles, city_admin_only);

	assert_int_equal(match(f, "GET", "/api/v1/admin/health", &r, &allow), RQ_MATCH_OK);
	assert_ptr_equal(r->handler, rq_health);
	assert_int_equal(r->auth, RQ_AUTH_NONE);
}

static void param_pattern_captures_the_segment(void **state)
{
	struct req_fixture *f = *state;
	const struct rq_route *r;
	const char *allow;
	assert_int_equal(match(f, "GET", "/api/v1/admin/units/42", &r, &allow), RQ_MATCH_OK);
	assert_ptr_equal(r->handler, h_show);
	assert_int_equal(f->req.nparams, 1);
	assert_string_equal(f->req.params[0], "42");

	assert_int_equal(match(f, "DELETE", "/api/v1/admin/units/abc-DEF_9", &r, &allow),
			 RQ_MATCH_OK);
	assert_string_equal(r->method, "DELETE");
	assert_int_equal(f->req.nparams, 1);
	assert_string_equal(f->req.params[0], "abc-DEF_9");
}

static void params_are_captured_in_order(void **state)
{
	struct req_fixture *f = *state;
	const struct rq_route *r;
	const char *allow;
	assert_int_equal(match(f, "GET", "/api/v1/admin/units/7/visits/1234", &r, &allow),
			 RQ_MATCH_OK);
	assert_ptr_equal(r->handler, h_visit);
	assert_int_equal(f->req.nparams, 2);
	assert_string_equal(f->req.params[0], "7");
	assert_string_equal(f->req.params[1], "1234");
}

static void unknown_paths_are_not_found(void **state)
{
	struct req_fixture *f = *state;
	const struct rq_route *r;
	const char *allow;
	const char *paths[] = {
	    "/api/v1/admin/units/",	     /* trailing slash */
	    "/api/v1/admin/units/42/",	     /* trailing slash after a param */
	    "/api/v1/admin/units/42/extra",  /* extra segment */
	    "/api/v1/admin/units/7/visits/", /* empty second param */
	    "/api/v1/admin/units//visits/3", /* empty first param */
	    "/api/v1/admin/unit",	     /* prefix of a segment */
	    "/api/v1/admin/unitsx",	     /* segment with a suffix */
	    "/api/v1/admin",		     /* prefix of a pattern */
	    "/api/v1/auth/me/",
	    "api/v1/auth/me",  /* no leading slash */
	    "/API/V1/AUTH/ME", /* paths are case-sensitive */
	    "/",
	    "",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		enum rq_match m = match(f, "GET", paths[i], &r, &allow);
		if (m != RQ_MATCH_NOT_FOUND)
			fail_msg("GET \"%s\" should be 404, got %d", paths[i], (int)m);
		assert_null(r);
	}
}

static void wrong_method_lists_the_allowed_ones(void **state)
{
	struct req_fixture *f = *state;
	const struct rq_route *r;
	const char *allow;
	assert_int_equal(match(f, "PUT", "/api/v1/admin/units", &r, &allow), RQ_MATCH_BAD_METHOD);
	assert_null(r);
	assert_non_null(allow);
	assert_string_equal(allow, "GET, POST");

	assert_int_equal(match(f, "POST", "/api/v1/admin/units/9", &r, &allow),
			 RQ_MATCH_BAD_METHOD);
	assert_string_equal(allow, "GET, PATCH, DELETE");

	assert_int_equal(match(f, "GET", "/api/v1/auth/logout", &r, &allow), RQ_MATCH_BAD_METHOD);
	assert_string_equal(allow, "POST");

	assert_int_equal(match(f, "DELETE", "/api/v1/admin/health", &r, &allow),
			 RQ_MATCH_BAD_METHOD);
	assert_string_equal(allow, "GET");
}

static void head_matches_get(void **state)
{
	struct req_fixture *f = *state;
	const struct rq_route *r;
	const char *allow;
	assert_int_equal(match(f, "HEAD", "/api/v1/auth/me", &r, &allow), RQ_MATCH_OK);
	assert_ptr_equal(r->handler, rq_auth_me);
	assert_int_equal(match(f, "HEAD", "/api/v1/admin/units/5", &r, &allow), RQ_MATCH_OK);
	assert_ptr_equal(r->handler, h_show);
	assert_string_equal(f->req.params[0], "5");
	/* HEAD on a path without GET is a 405, not a match of another method. */
	assert_int_equal(match(f, "HEAD", "/api/v1/auth/wx-login", &r, &allow),
			 RQ_MATCH_BAD_METHOD);
	assert_string_equal(allow, "POST");
}

static void methods_are_case_sensitive(void **state)
{
	struct req_fixture *f = *state;
	const struct rq_route *r;
	const char *allow;
	assert_int_equal(match(f, "get", "/api/v1/auth/me", &r, &allow), RQ_MATCH_BAD_METHOD);
	assert_string_equal(allow, "GET");
}

static void first_matching_route_wins(void **state)
{
	(void)state;
	static const struct rq_route table[] = {
	    {"GET", "/api/v1/x/{id}", h_show, RQ_AUTH_NONE, 0, NULL, NULL, NULL},
	    {"GET", "/api/v1/x/new", h_create, RQ_AUTH_NONE, 0, NULL, NULL, NULL},
	    {"GET", "/api/v1/y/new", h_create, RQ_AUTH_NONE, 0, NULL, NULL, NULL},
	    {"GET", "/api/v1/y/{id}", h_show, RQ_AUTH_NONE, 0, NULL, NULL, NULL},
	};
	struct rq_arena *a = rq_arena_new();
	struct rq_req req;
	memset(&req, 0, sizeof(req));
	req.arena = a;
	req.method = "GET";
	const struct rq_route *r = NULL;
	const char *allow = NULL;
	req.path = "/api/v1/x/new";
	assert_int_equal(rq_router_match(table, 4, &req, &r, &allow), RQ_MATCH_OK);
	assert_ptr_equal(r, &table[0]);
	assert_string_equal(req.params[0], "new");
	memset(req.params, 0, sizeof(req.params));
	req.nparams = 0;
	req.path = "/api/v1/y/new";
	assert_int_equal(rq_router_match(table, 4, &req, &r, &allow), RQ_MATCH_OK);
	assert_ptr_equal(r, &table[2]);
	assert_int_equal(req.nparams, 0);
	rq_arena_free(a);
}

static void empty_table_finds_nothing(void **state)
{
	struct req_fixture *f = *state;
	const struct rq_route *r = NULL;
	const char *allow = NULL;
	f->req.arena = f->arena;
	f->req.method = "GET";
	f->req.path = "/api/v1/admin/health";
	assert_int_equal(rq_router_match(routes, 0, &f->req, &r, &allow), RQ_MATCH_NOT_FOUND);
	assert_null(r);
	assert_null(allow);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(static_pattern_matches_exactly, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(param_pattern_captures_the_segment, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(params_are_captured_in_order, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(unknown_paths_are_not_found, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(wrong_method_lists_the_allowed_ones, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(head_matches_get, req_fixture_setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(methods_are_case_sensitive, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test(first_matching_route_wins),
	    cmocka_unit_test_setup_teardown(empty_table_finds_nothing, req_fixture_setup,
					    arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
