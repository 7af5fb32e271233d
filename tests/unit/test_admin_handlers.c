/* The admin family's handlers without FastCGI or a database: declared path and query
 * parameters, and body checks that answer before any query (tests/unit/handler_support.h). */
#include "handler_support.h"

#include "admin/routes.h"

static void bad_path_parameters_are_their_404(void **state)
{
	struct hs *h = *state;
	const char *cases[][4] = {
	    {"POST", "/api/v1/admin/enterprises/abc/verify", "not-found", "id"},
	    {"POST", "/api/v1/admin/enterprises/0/code", "not-found", "id"},
	    {"POST", "/api/v1/admin/claims/x/approve", "not-found", "id"},
	    {"GET", "/api/v1/admin/codes/print-jobs/-3/download", "not-found", "id"},
	    {"POST", "/api/v1/admin/officials/1e3/verify", "not-found", "id"},
	    {"PUT", "/api/v1/admin/policy/Geofence", "not-found", "key"},
	    {"PUT", "/api/v1/admin/policy/geofence_m/units/none", "not-found", "unit_id"},
	    {"GET", "/api/v1/admin/visits/abc", "visit-unknown", "id"},
	    {"POST", "/api/v1/admin/notifications/x/read", "notification-unknown", "id"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hs_call(h, &admin_app, cases[i][0], cases[i][1], "{\"value\":1}", "admin",
			"city_admin");
		assert_false(h->handler_ran);
		hs_assert_problem(h, 404, cases[i][2], cases[i][3]);
	}
}

static void bad_query_parameters_are_400(void **state)
{
	struct hs *h = *state;
	const char *cases[][2] = {
	    {"/api/v1/admin/claims?status=open", "status"},
	    {"/api/v1/admin/codes?county=4115", "county"},
	    {"/api/v1/admin/enterprises?verified=maybe", "verified"},
	    {"/api/v1/admin/officials?unit_id=x", "unit_id"},
	    {"/api/v1/admin/units?limit=x", "limit"},
	    {"/api/v1/admin/visits?status=open", "status"},
	    {"/api/v1/admin/visits?to=2026-02-30", "to"},
	    {"/api/v1/admin/notifications?unread=maybe", "unread"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hs_call(h, &admin_app, "GET", cases[i][0], NULL, "admin", "city_admin");
		assert_false(h->handler_ran);
		hs_assert_problem(h, 400, "bad-request", cases[i][1]);
	}
	hs_call(h, &admin_app, "POST", "/api/v1/admin/enterprises/import?dry_run=perhaps", NULL,
		"admin", "city_admin");
	hs_assert_problem(h, 400, "bad-request", "dry_run");
}

/* Defaults and canonical values reach the handler. */
static void checked_values(void **state)
{
	struct hs *h = *state;
	hs_call(h, &admin_app, "GET", "/api/v1/admin/codes?county=", NULL, "admin", "city_admin");
	assert_true(h->handler_ran);
	assert_string_equal(rq_req_arg(&h->req, "status"), "active");
	assert_null(rq_req_arg(&h->req, "county"));
	hs_call(h, &admin_app, "GET", "/api/v1/admin/enterprises?verified=1", NULL, "admin",
		"city_admin");
	assert_string_equal(rq_req_arg(&h->req, "verified"), "true");
	hs_call(h, &admin_app, "POST", "/api/v1/admin/enterprises/import?strict=TRUE", NULL,
		"admin", "city_admin");
	assert_true(rq_req_arg_true(&h->req, "strict"));
	assert_false(rq_req_arg_true(&h->req, "dry_run"));
	hs_assert_problem(h, 415, "unsupported-media-type", NULL);
}

static void bodies_refused_before_the_database(void **state)
{
	struct hs *h = *state;
	hs_call(h, &admin_app, "POST", "/api/v1/admin/units", "{\"county_code\":\"41\"}", "admin",
		"city_admin");
	hs_assert_problem(h, 422, "validation", "name");
	hs_assert_problem(h, 422, "validation", "county_code");
	hs_call(h, &admin_app, "PATCH", "/api/v1/admin/enterprises/7", "{\"name\":\"a\\tb\"}",
		"admin", "county_admin");
	hs_assert_problem(h, 422, "validation", "name");
	hs_call(h, &admin_app, "POST", "/api/v1/admin/enterprises/7/code/revoke",
		"{\"reason\":\"  \"}", "admin", "city_admin");
	hs_assert_problem(h, 422, "validation", "reason");
	hs_call(h, &admin_app, "POST", "/api/v1/admin/codes/print-jobs",
		"{\"county_code\":\"41150x\",\"only_unprinted\":1}", "admin", "city_admin");
	hs_assert_problem(h, 422, "validation", "county_code");
	hs_assert_problem(h, 422, "validation", "only_unprinted");
	hs_call(h, &admin_app, "POST", "/api/v1/admin/claims/3/reject", "{}", "admin",
		"county_admin");
	hs_assert_problem(h, 422, "validation", "reason");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bad_path_parameters_are_their_404),
	    cmocka_unit_test(bad_query_parameters_are_400),
	    cmocka_unit_test(checked_values),
	    cmocka_unit_test(bodies_refused_before_the_database),
	};
	return cmocka_run_group_tests(tests, hs_setup, hs_teardown);
}
