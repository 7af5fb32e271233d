/* An enterprise that leaves normal operation (the registry says cancelled, revoked...) loses
 * its code at once: the database's trigger revokes it with the status as the reason, and
 * the token answers 410 code-revoked. */
#include "api.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_cancelled_enterprise_code_is_gone(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411526", "normal", true);
	ct_issue(e.uscc);
	char *token = ct_active_token(e.id);
	assert_non_null(token);

	const char *p[] = {e.id};
	ct_owner_write("UPDATE rq.enterprises SET business_status = 'cancelled'"
		       " WHERE id = $1::bigint",
		       1, p);

	struct api_resp *r = api_get(ct_code_path(token), NULL);
	api_assert_problem(r, 410, "code-revoked");
	assert_non_null(api_json_str(r, "revoked_at"));
	assert_null(strstr(r->body, "cancelled"));
	api_free(r);
	char *reason = api_owner_value("SELECT revoke_reason FROM rq.codes"
				       " WHERE enterprise_id = $1::bigint AND status = 'revoked'",
				       1, p);
	assert_non_null(reason);
	assert_non_null(strstr(reason, "cancelled"));
	free(reason);

	/* and no new one can be issued or re-issued */
	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "issue", "--uscc", e.uscc, NULL});
	assert_int_equal(run.status, 1);
	assert_non_null(strstr(run.err, "not in normal operation"));
	ct_run_free(&run);
	assert_null(ct_active_token(e.id));
	free(token);
}

static void test_every_abnormal_status_revokes(void **state)
{
	(void)state;
	static const char *const statuses[] = {"revoked", "suspended", "abnormal", NULL};
	for (const char *const *s = statuses; *s != NULL; s++) {
		struct ct_enterprise e;
		ct_enterprise_new(&e, "411526", "normal", true);
		ct_issue(e.uscc);
		char *token = ct_active_token(e.id);
		const char *p[] = {e.id, *s};
		ct_owner_write(
		    "UPDATE rq.enterprises SET business_status = $2 WHERE id = $1::bigint", 2, p);
		struct api_resp *r = api_get(ct_code_path(token), NULL);
		api_assert_problem(r, 410, "code-revoked");
		api_free(r);
		free(token);
	}
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cancelled_enterprise_code_is_gone),
	    cmocka_unit_test(test_every_abnormal_status_revokes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
