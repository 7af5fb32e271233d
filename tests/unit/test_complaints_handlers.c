/* The complaints family's handlers without FastCGI or a database (tests/unit/handler_support.h):
 * health answers 503 with Retry-After when the database cannot be reached, and names the
 * family; a bad {id} is the 404 of the case; a bad list filter 400 naming it; an action's body
 * with a member of the wrong type, length or value 422 naming each — all before any query. */
#include "handler_support.h"

#include "complaints/routes.h"

static void health_without_a_database(void **state)
{
	hs_assert_health_unavailable(*state, &complaints_app, "complaints");
}

static void bad_ids_are_404_naming_id(void **state)
{
	struct hs *h = *state;
	const char *cases[][3] = {
	    {"GET", "/api/v1/complaints/cases/0", "admin"},
	    {"POST", "/api/v1/complaints/cases/x1/accept", "admin"},
	    {"POST", "/api/v1/complaints/cases/01/follow-up", "admin"},
	    {"GET", "/api/v1/complaints/enterprise/cases/-3", "account"},
	    {"POST", "/api/v1/complaints/official/cases/1.5/appeal", "account"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool admin = strcmp(cases[i][2], "admin") == 0;
		hs_call(h, &complaints_app, cases[i][0], cases[i][1],
			cases[i][0][0] == 'P' ? "{}" : NULL, cases[i][2],
			admin ? "county_admin" : "account");
		assert_false(h->handler_ran);
		hs_assert_problem(h, 404, "case-unknown", "id");
	}
}

static void bad_filters_are_400_naming_them(void **state)
{
	struct hs *h = *state;
	const char *cases[][2] = {
	    {"/api/v1/complaints/cases?status=lost", "status"},
	    {"/api/v1/complaints/cases?source=phone", "source"},
	    {"/api/v1/complaints/cases?county=41", "county"},
	    {"/api/v1/complaints/cases?unit_id=007", "unit_id"},
	    {"/api/v1/complaints/cases?classification=rude", "classification"},
	    {"/api/v1/complaints/cases?from=2026-13-01", "from"},
	    {"/api/v1/complaints/cases?limit=500", "limit"},
	    {"/api/v1/complaints/statements?status=late", "status"},
	    {"/api/v1/complaints/inbox?status=open", "status"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hs_call(h, &complaints_app, "GET", cases[i][0], NULL, "admin", "city_admin");
		assert_false(h->handler_ran);
		hs_assert_problem(h, 400, "bad-request", cases[i][1]);
	}
	hs_call(h, &complaints_app, "GET", "/api/v1/complaints/enterprise/cases?status=gone", NULL,
		"account", "account");
	hs_assert_problem(h, 400, "bad-request", "status");
	/* the inbox is waiting cases unless asked otherwise */
	hs_call(h, &complaints_app, "GET", "/api/v1/complaints/inbox", NULL, "admin",
		"discipline_inspector");
	assert_true(h->handler_ran);
	assert_string_equal(rq_req_arg(&h->req, "status"), "handed_over");
}

static void bad_bodies_are_422_before_the_database(void **state)
{
	struct hs *h = *state;
	hs_call(h, &complaints_app, "POST", "/api/v1/complaints/cases/5/follow-up",
		"{\"method\":\"fax\",\"contact_person\":\"\",\"wish\":7}", "admin", "county_admin");
	assert_true(h->handler_ran);
	hs_assert_problem(h, 422, "validation", "method");
	hs_assert_problem(h, 422, "validation", "contact_person");
	hs_assert_problem(h, 422, "validation", "wish");
	hs_call(h, &complaints_app, "POST", "/api/v1/complaints/cases/5/merge",
		"{\"target_case_id\":\"abc\"}", "admin", "county_admin");
	hs_assert_problem(h, 422, "validation", "target_case_id");
	hs_call(h, &complaints_app, "POST", "/api/v1/complaints/cases/5/determine",
		"{\"outcome\":\"maybe\",\"responsible_unit_id\":-1}", "admin", "city_admin");
	hs_assert_problem(h, 422, "validation", "outcome");
	hs_assert_problem(h, 422, "validation", "responsible_unit_id");
	hs_call(h, &complaints_app, "POST", "/api/v1/complaints/cases/5/dispose",
		"{\"disposition\":\"fired\"}", "admin", "discipline_inspector");
	hs_assert_problem(h, 422, "validation", "disposition");
	hs_call(h, &complaints_app, "POST", "/api/v1/complaints/enterprise/cases/5/rating",
		"{\"value\":\"unsatisfied\"}", "account", "account");
	hs_assert_problem(h, 422, "validation", "comment");
	hs_call(h, &complaints_app, "POST", "/api/v1/complaints/enterprise/cases/5/information",
		"{\"note\":\"补充\",\"attachment_ids\":[\"x\"]}", "account", "account");
	hs_assert_problem(h, 422, "validation", "attachment_ids");
	hs_call(h, &complaints_app, "POST", "/api/v1/complaints/official/cases/5/appeal",
		"{\"text\":5}", "account", "account");
	hs_assert_problem(h, 422, "validation", "text");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(health_without_a_database),
	    cmocka_unit_test(bad_ids_are_404_naming_id),
	    cmocka_unit_test(bad_filters_are_400_naming_them),
	    cmocka_unit_test(bad_bodies_are_422_before_the_database),
	};
	return cmocka_run_group_tests(tests, hs_setup, hs_teardown);
}
