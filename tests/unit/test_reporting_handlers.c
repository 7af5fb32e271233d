/* The reporting family's handlers without FastCGI or a database (the pattern its next
 * handlers follow, tests/unit/handler_support.h): health answers 503 with Retry-After when
 * the database cannot be reached, and names the family. */
#include "handler_support.h"

#include "reporting/routes.h"

static void health_without_a_database(void **state)
{
	struct hs *h = *state;
	hs_call(h, &reporting_app, "GET", "/api/v1/reporting/health", NULL, "anonymous", NULL);
	assert_true(h->handler_ran);
	hs_assert_problem(h, 503, "unavailable", NULL);
	assert_string_equal(h->req.family, "reporting");
	bool retry = false;
	for (size_t i = 0; i < h->resp.nheaders; i++)
		retry = retry || strcmp(h->resp.header_names[i], "Retry-After") == 0;
	assert_true(retry);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(health_without_a_database),
	};
	return cmocka_run_group_tests(tests, hs_setup, hs_teardown);
}
