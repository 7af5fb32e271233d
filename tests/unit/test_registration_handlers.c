/* The registration family's handlers without FastCGI or a database: declared inputs refuse a
 * bad {id}, {token} or query parameter before the handler runs, and a handler refuses a bad
 * request before it queries (tests/unit/handler_support.h). */
#include "handler_support.h"

#include "registration/routes.h"

static void bad_visit_id_is_the_visits_404(void **state)
{
	struct hs *h = *state;
	const char *ids[] = {"x1", "0", "01", "-1", "99999999999999999999"};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		char path[96];
		snprintf(path, sizeof(path), "/api/v1/registration/visits/%s", ids[i]);
		hs_call(h, &registration_app, "GET", path, NULL, "account", "account");
		assert_false(h->handler_ran);
		hs_assert_problem(h, 404, "visit-unknown", "id");
	}
	hs_call(h, &registration_app, "POST", "/api/v1/registration/visits/abc/finish",
		"{\"done\":\"x\"}", "account", "account");
	assert_false(h->handler_ran);
	hs_assert_problem(h, 404, "visit-unknown", "id");
}

static void bad_token_is_code_unknown(void **state)
{
	struct hs *h = *state;
	hs_call(h, &registration_app, "GET", "/api/v1/registration/codes/short/qr.png", NULL,
		"anonymous", NULL);
	assert_false(h->handler_ran);
	hs_assert_problem(h, 404, "code-unknown", "token");
}

static void bad_query_is_400_naming_it(void **state)
{
	struct hs *h = *state;
	const char *cases[][2] = {
	    {"/api/v1/registration/visits?from=2026-02-30", "from"},
	    {"/api/v1/registration/visits?to=tomorrow", "to"},
	    {"/api/v1/registration/visits?activity_type=party", "activity_type"},
	    {"/api/v1/registration/visits?limit=201", "limit"},
	    {"/api/v1/registration/units?after=-1", "after"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hs_call(h, &registration_app, "GET", cases[i][0], NULL, "account", "account");
		assert_false(h->handler_ran);
		hs_assert_problem(h, 400, "bad-request", cases[i][1]);
	}
}

/* Declared inputs reach the handler checked: with good ones the handler runs, and reaches
 * the (unreachable) database. */
static void good_inputs_reach_the_handler(void **state)
{
	struct hs *h = *state;
	hs_call(h, &registration_app, "GET",
		"/api/v1/registration/visits?from=2026-11-01&activity_type=inspection&limit=5",
		NULL, "account", "account");
	assert_true(h->handler_ran);
	assert_string_equal(rq_req_arg(&h->req, "from"), "2026-11-01");
	assert_null(rq_req_arg(&h->req, "to"));
	assert_string_equal(rq_req_arg(&h->req, "limit"), "5");
	hs_assert_problem(h, 503, "unavailable", NULL);
	hs_call(h, &registration_app, "GET", "/api/v1/registration/visits/42", NULL, "account",
		"account");
	assert_int_equal(rq_req_param_id(&h->req, "id"), 42);
	assert_string_equal(rq_req_param(&h->req, "id"), "42");
}

/* The body and its header are checked before rq.visit_register is asked. */
static void register_refuses_before_the_database(void **state)
{
	struct hs *h = *state;
	hs_call(h, &registration_app, "POST", "/api/v1/registration/visits", "{}", "account",
		"account");
	hs_assert_problem(h, 400, "bad-request", "Idempotency-Key");
}

static void profile_refuses_bad_fields(void **state)
{
	struct hs *h = *state;
	hs_call(h, &registration_app, "PUT", "/api/v1/registration/profile",
		"{\"name\":\" \",\"unit_id\":\"0\",\"post\":\"科员\",\"phone\":\"123\"}", "account",
		"account");
	hs_assert_problem(h, 422, "validation", "unit_id");
	hs_assert_problem(h, 422, "validation", "name");
	hs_assert_problem(h, 422, "validation", "phone");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bad_visit_id_is_the_visits_404),
	    cmocka_unit_test(bad_token_is_code_unknown),
	    cmocka_unit_test(bad_query_is_400_naming_it),
	    cmocka_unit_test(good_inputs_reach_the_handler),
	    cmocka_unit_test(register_refuses_before_the_database),
	    cmocka_unit_test(profile_refuses_bad_fields),
	};
	return cmocka_run_group_tests(tests, hs_setup, hs_teardown);
}
