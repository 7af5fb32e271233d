/* The complaints family's handlers without FastCGI or a database (the pattern its next
 * handlers follow, tests/unit/handler_support.h): health answers 503 with Retry-After when
 * the database cannot be reached, and names the family. */
#include "handler_support.h"

#include "complaints/routes.h"

static void health_without_a_database(void **state)
{
	hs_assert_health_unavailable(*state, &complaints_app, "complaints");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(health_without_a_database),
	};
	return cmocka_run_group_tests(tests, hs_setup, hs_teardown);
}
