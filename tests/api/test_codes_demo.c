/* `ruqima demo load` issues codes to the verified demo enterprises and prints their
 * /e/<token> URLs, which resolve through the API; run again, it issues nothing new. */
#include "api.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long demo_codes(void)
{
	return api_owner_int("SELECT count(*) FROM rq.codes c JOIN rq.enterprises e"
			     " ON e.id = c.enterprise_id"
			     " WHERE e.uscc IN ('91411502MA9F00001A', '91411503MA9F00002U',"
			     " '91411525MA9F00003T')",
			     0, NULL);
}

static void test_demo_codes_open_at_once(void **state)
{
	(void)state;
	struct ct_run run;
	ct_cli(&run, (const char *const[]){"demo", "load", NULL});
	if (run.status != 0)
		fail_msg("demo load: exit %d: %s", run.status, run.err);
	long after_first = demo_codes();
	assert_true(after_first >= 2);

	/* every printed URL resolves to a demo enterprise */
	char prefix[512];
	snprintf(prefix, sizeof(prefix), "%s/e/", api_env("RUQIMA_PUBLIC_BASE_URL"));
	int urls = 0;
	for (const char *p = strstr(run.out, prefix); p != NULL; p = strstr(p + 1, prefix)) {
		char token[65];
		size_t n = strcspn(p + strlen(prefix), " \n");
		assert_true(n < sizeof(token));
		memcpy(token, p + strlen(prefix), n);
		token[n] = '\0';
		struct api_resp *r = api_get(ct_code_path(token), NULL);
		if (r->status != 200)
			fail_msg("demo token %s: %ld %s", token, r->status, r->body);
		assert_non_null(strstr(run.out, api_json_str(r, "enterprise.name")));
		api_free(r);
		urls++;
	}
	assert_int_equal(urls, 2); /* the two verified demo enterprises; the third is not */
	ct_run_free(&run);

	ct_cli(&run, (const char *const[]){"demo", "load", NULL});
	assert_int_equal(run.status, 0);
	ct_run_free(&run);
	assert_int_equal(demo_codes(), after_first);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_demo_codes_open_at_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
