/* The evaluation family's handlers without FastCGI or a database: a bad {id} is the 404 of
 * what it would name, a bad list filter 400 naming it, a bad body 422 naming the field, all
 * before any query (tests/unit/handler_support.h). */
#include "handler_support.h"

#include "evaluation/routes.h"

static void bad_ids_are_404_naming_id(void **state)
{
	struct hs *h = *state;
	const char *cases[][3] = {
	    {"GET", "/api/v1/evaluation/visits/0", "visit-unknown"},
	    {"POST", "/api/v1/evaluation/visits/x1/confirm", "visit-unknown"},
	    {"POST", "/api/v1/evaluation/enterprises/x1/select", "not-found"},
	    {"GET", "/api/v1/evaluation/enterprises/1.5/poster.png", "not-found"},
	    {"POST", "/api/v1/evaluation/notifications/+7/read", "notification-unknown"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hs_call(h, &evaluation_app, cases[i][0], cases[i][1], NULL, "account", "account");
		assert_false(h->handler_ran);
		hs_assert_problem(h, 404, cases[i][2], "id");
	}
}

static void bad_filters_are_400_naming_them(void **state)
{
	struct hs *h = *state;
	const char *cases[][2] = {
	    {"/api/v1/evaluation/visits?status=lost", "status"},
	    {"/api/v1/evaluation/visits?confirmation=maybe", "confirmation"},
	    {"/api/v1/evaluation/visits?from=2026-1-1", "from"},
	    {"/api/v1/evaluation/visits?unit_id=007", "unit_id"},
	    {"/api/v1/evaluation/notifications?unread=yes", "unread"},
	    {"/api/v1/evaluation/notifications?limit=0", "limit"},
	    {"/api/v1/evaluation/claims?status=waiting", "status"},
	    {"/api/v1/evaluation/claims?after=-1", "after"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hs_call(h, &evaluation_app, "GET", cases[i][0], NULL, "account", "account");
		assert_false(h->handler_ran);
		hs_assert_problem(h, 400, "bad-request", cases[i][1]);
	}
	/* unknown query parameters are ignored; an empty one counts as absent */
	hs_call(h, &evaluation_app, "GET",
		"/api/v1/evaluation/notifications?colour=red&unread=", NULL, "account", "account");
	assert_true(h->handler_ran);
	assert_null(rq_req_arg(&h->req, "unread"));
}

static void bad_bodies_are_422_before_the_database(void **state)
{
	struct hs *h = *state;
	hs_call(h, &evaluation_app, "POST", "/api/v1/evaluation/visits/5/dispute",
		"{\"category\":\"rude\"}", "account", "account");
	assert_true(h->handler_ran);
	hs_assert_problem(h, 422, "validation", "category");
	hs_call(h, &evaluation_app, "POST", "/api/v1/evaluation/visits/5/rating",
		"{\"value\":\"unsatisfied\",\"anonymous\":\"yes\"}", "account", "account");
	hs_assert_problem(h, 422, "validation", "comment");
	hs_assert_problem(h, 422, "validation", "anonymous");
	hs_call(h, &evaluation_app, "POST", "/api/v1/evaluation/no-scan-reports",
		"{\"occurred_at\":\"2026-11-01T09:00:00+08:00\",\"unit_id\":\"x\",\"people\":\"2\","
		"\"what_happened\":\"came in\"}",
		"account", "account");
	hs_assert_problem(h, 422, "validation", "unit_id");
	hs_call(h, &evaluation_app, "POST", "/api/v1/evaluation/enterprises/claim",
		"{\"token\":\"not a token\",\"uscc\":\"91411500MA00000000\",\"legal_rep\":\"张三\","
		"\"name\":\"李四\",\"phone\":\"13800000000\"}",
		"account", "account");
	hs_assert_problem(h, 422, "validation", "token");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bad_ids_are_404_naming_id),
	    cmocka_unit_test(bad_filters_are_400_naming_them),
	    cmocka_unit_test(bad_bodies_are_422_before_the_database),
	};
	return cmocka_run_group_tests(tests, hs_setup, hs_teardown);
}
