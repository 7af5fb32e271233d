/* `ruqima codes issue --uscc` refuses, with the reason and a non-zero exit, an enterprise
 * that must not get a code, and writes nothing: unknown code, name not verified, not in
 * normal operation, already holding an active code. */
#include "api.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long codes_of(const struct ct_enterprise *e)
{
	const char *p[] = {e->id};
	return api_owner_int("SELECT count(*) FROM rq.codes WHERE enterprise_id = $1::bigint", 1,
			     p);
}

/* Runs codes issue --uscc code; asserts the exit status and that stderr says `why`. */
static void refused(const char *code, int status, const char *why)
{
	struct ct_run r;
	ct_cli(&r, (const char *const[]){"codes", "issue", "--uscc", code, NULL});
	if (r.status != status || strstr(r.err, why) == NULL)
		fail_msg("codes issue --uscc %s: exit %d (expected %d), stderr \"%s\" (expected "
			 "\"%s\")",
			 code, r.status, status, r.err, why);
	assert_string_equal(r.out, "");
	ct_run_free(&r);
}

static void test_unknown_credit_code(void **state)
{
	(void)state;
	char uscc[19];
	ct_uscc_new("411502", uscc);
	refused(uscc, 1, "no enterprise or project has the code");
	/* a code failing the check character says so */
	char bad[19];
	memcpy(bad, uscc, 19);
	bad[17] = bad[17] == '0' ? '1' : '0';
	refused(bad, 1, "check character does not match");
	refused("not a code!", 1, "neither a unified social credit code nor a project code");
}

static void test_not_verified(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411521", "normal", false);
	refused(e.uscc, 1, "is not verified yet");
	assert_int_equal(codes_of(&e), 0);
	/* lower case is the same code */
	char lower[19];
	for (int i = 0; i < 19; i++)
		lower[i] =
		    (char)(e.uscc[i] >= 'A' && e.uscc[i] <= 'Z' ? e.uscc[i] + 32 : e.uscc[i]);
	refused(lower, 1, "is not verified yet");
	assert_int_equal(codes_of(&e), 0);
}

static void test_not_in_normal_operation(void **state)
{
	(void)state;
	static const char *const statuses[] = {"revoked", "cancelled", "suspended", "abnormal",
					       NULL};
	for (const char *const *s = statuses; *s != NULL; s++) {
		struct ct_enterprise e;
		ct_enterprise_new(&e, "411522", *s, true);
		char why[128];
		snprintf(why, sizeof(why), "is not in normal operation (business status: %s)", *s);
		refused(e.uscc, 1, why);
		assert_int_equal(codes_of(&e), 0);
	}
}

static void test_already_has_an_active_code(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411523", "normal", true);
	ct_issue(e.uscc);
	char *token = ct_active_token(e.id);
	refused(e.uscc, 3, "already has an active code");
	assert_int_equal(codes_of(&e), 1);
	char *after = ct_active_token(e.id);
	assert_string_equal(after, token);
	free(token);
	free(after);
}

static void test_usage_errors(void **state)
{
	(void)state;
	struct ct_run r;
	ct_cli(&r, (const char *const[]){"codes", "issue", "--uscc", NULL});
	assert_int_equal(r.status, 2);
	ct_run_free(&r);
	ct_cli(&r, (const char *const[]){"codes", "issue", "--what", "x", NULL});
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "unknown option"));
	ct_run_free(&r);
	ct_cli(&r, (const char *const[]){"codes", "issue", "--county", "999999", NULL});
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "is not a county"));
	ct_run_free(&r);
	ct_cli(&r, (const char *const[]){"codes", "frobnicate", NULL});
	assert_int_equal(r.status, 2);
	ct_run_free(&r);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unknown_credit_code),
	    cmocka_unit_test(test_not_verified),
	    cmocka_unit_test(test_not_in_normal_operation),
	    cmocka_unit_test(test_already_has_an_active_code),
	    cmocka_unit_test(test_usage_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
