/* Claims that are refused: a wrong legal representative or credit code (one generic
 * answer that does not say which field was wrong, counted), an unknown enterprise, an
 * enterprise out of normal operation, bad fields, and no session. Nothing is created. */
#include "api.h"
#include "managers_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t rows_of(const char *account_id)
{
	const char *p[] = {account_id};
	return api_owner_int("SELECT (SELECT count(*) FROM rq.manager_bindings"
			     "         WHERE account_id = $1::bigint)"
			     "     + (SELECT count(*) FROM rq.claim_requests"
			     "         WHERE account_id = $1::bigint)",
			     1, p);
}

static void test_wrong_legal_rep_or_uscc(void **state)
{
	(void)state;
	struct mt_enterprise e, other;
	mt_enterprise_new(&e, "411503", "normal");
	mt_enterprise_new(&other, "411503", "normal");
	char *code = mt_activation_code(&e);
	char *account = NULL;
	char *bearer = mt_account("mgr-refused", &account);

	struct api_resp *r = mt_claim(bearer, &e, "张冒名", code);
	api_assert_problem(r, 403, "claim-refused");
	char *detail_rep = strdup(api_json_str(r, "detail"));
	assert_null(strstr(r->body, "legal_rep"));
	assert_null(strstr(r->body, MT_LEGAL_REP));
	api_free(r);
	const char *p[] = {account, e.id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.claim_failures"
			  " WHERE account_id = $1::bigint AND enterprise_id = $2::bigint"
			  " AND reason = 'identity'",
			  2, p),
	    1);

	/* an unknown credit code (valid check digit, no such enterprise): the same answer */
	struct mt_enterprise ghost;
	mt_enterprise_new(&ghost, "411503", "normal"); /* then its credit code goes away */
	const char *pg[] = {ghost.id};
	mt_owner_write("UPDATE rq.enterprises SET uscc = NULL, project_code = 'GHOST-' || id"
		       " WHERE id = $1::bigint",
		       1, pg);
	r = mt_claim(bearer, &ghost, MT_LEGAL_REP, NULL);
	api_assert_problem(r, 403, "claim-refused");
	assert_string_equal(api_json_str(r, "detail"), detail_rep);
	api_free(r);

	/* the right legal representative of another enterprise, with e's code */
	r = mt_claim(bearer, &other, MT_LEGAL_REP, code);
	api_assert_problem(r, 403, "activation-code-invalid");
	api_free(r);
	assert_int_equal(rows_of(account), 0);

	/* the right one still works (2 failures so far, under the limit) */
	r = mt_claim(bearer, &e, " " MT_LEGAL_REP " ", code);
	assert_int_equal(r->status, 201);
	api_free(r);
	free(detail_rep);
	free(code);
	free(account);
	free(bearer);
}

static void test_abnormal_enterprise(void **state)
{
	(void)state;
	struct mt_enterprise e;
	mt_enterprise_new(&e, "411503", "cancelled");
	char *code = mt_activation_code(&e);
	char *account = NULL;
	char *bearer = mt_account("mgr-cancelled", &account);
	struct api_resp *r = mt_claim(bearer, &e, MT_LEGAL_REP, code);
	api_assert_problem(r, 422, "enterprise-not-active");
	api_free(r);
	r = mt_claim(bearer, &e, MT_LEGAL_REP, NULL);
	api_assert_problem(r, 422, "enterprise-not-active");
	api_free(r);
	assert_int_equal(rows_of(account), 0);
	const char *p[] = {e.id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.activation_codes"
				       " WHERE enterprise_id = $1::bigint AND used_at IS NULL",
				       1, p),
			 1);
	free(code);
	free(account);
	free(bearer);
}

static void test_bad_fields(void **state)
{
	(void)state;
	char *bearer = mt_account("mgr-fields", NULL);
	struct api_resp *r = api_post_json("/api/v1/evaluation/enterprises/claim",
					   "{\"uscc\":\"91411502mb1234567x\",\"legal_rep\":\"\","
					   "\"name\":\"李\",\"phone\":\"12345678901\","
					   "\"activation_code\":\"0OIL1\"}",
					   bearer);
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "uscc");
	api_assert_error_field(r, "legal_rep");
	api_assert_error_field(r, "phone");
	api_assert_error_field(r, "activation_code");
	api_free(r);
	r = api_post_json("/api/v1/evaluation/enterprises/claim", "{}", bearer);
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "name");
	api_free(r);
	/* no session */
	r = api_post_json("/api/v1/evaluation/enterprises/claim", "{}", NULL);
	assert_int_equal(r->status, 401);
	api_free(r);
	free(bearer);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wrong_legal_rep_or_uscc),
	    cmocka_unit_test(test_abnormal_enterprise),
	    cmocka_unit_test(test_bad_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
