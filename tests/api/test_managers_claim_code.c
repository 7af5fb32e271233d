/* Claim with the one-time activation code of the poster slip: bound at once (201), the
 * code is single use, a wrong code is refused and counted, and repeated failures lock the
 * account out of that enterprise (429) even with the right code. Strangers' wrong codes never
 * lock the code itself: test_managers_claim_guessing. */
#include "api.h"
#include "codes_support.h"
#include "managers_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t failures(const char *account_id, const struct mt_enterprise *e)
{
	const char *p[] = {account_id, e->id};
	return api_owner_int("SELECT count(*) FROM rq.claim_failures"
			     " WHERE account_id = $1::bigint AND enterprise_id = $2::bigint",
			     2, p);
}

static void test_code_binds_once(void **state)
{
	(void)state;
	struct mt_enterprise e;
	mt_enterprise_new(&e, "411502", "normal");
	char *code = mt_activation_code(&e);
	assert_int_equal(strlen(code), 10);
	assert_int_equal(strspn(code, "23456789ABCDEFGHJKMNPQRSTUVWXYZ"), 10);
	/* only the hash is stored */
	const char *pc[] = {code};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.activation_codes"
				       " WHERE code_hash = public.digest($1, 'sha256')",
				       1, pc),
			 1);

	char *account = NULL;
	char *bearer = mt_account("mgr-code", &account);
	/* typed in lower case with a hyphen: the same code */
	char typed[16];
	snprintf(typed, sizeof(typed), "%.5s-%s", code, code + 5);
	for (char *c = typed; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	struct api_resp *r = mt_claim(bearer, &e, MT_LEGAL_REP, typed);
	if (r->status != 201)
		fail_msg("claim: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "enterprise_id"), e.id);
	assert_string_equal(api_json_str(r, "name"), e.name);
	assert_string_equal(api_json_str(r, "method"), "activation");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "current")));
	assert_true(api_audit_rows_of(r) >= 3); /* code used, binding, current enterprise */
	api_free(r);

	const char *p[] = {account, e.id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.manager_bindings"
			  " WHERE account_id = $1::bigint AND enterprise_id = $2::bigint"
			  " AND status = 'active' AND method = 'activation'"
			  " AND claimant_name = '李管理' AND phone = '" MT_PHONE "'",
			  2, p),
	    1);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.activation_codes"
				       " WHERE enterprise_id = $2::bigint AND used_by = $1::bigint"
				       " AND used_at IS NOT NULL",
				       2, p),
			 1);

	/* the same account again: already bound */
	r = mt_claim(bearer, &e, MT_LEGAL_REP, code);
	api_assert_problem(r, 409, "already-bound");
	api_free(r);

	/* another account with the used code: refused and counted */
	char *account2 = NULL;
	char *bearer2 = mt_account("mgr-code2", &account2);
	r = mt_claim(bearer2, &e, MT_LEGAL_REP, code);
	api_assert_problem(r, 403, "activation-code-invalid");
	api_free(r);
	assert_int_equal(failures(account2, &e), 1);
	const char *p2[] = {account2, e.id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.manager_bindings"
			  " WHERE account_id = $1::bigint AND enterprise_id = $2::bigint",
			  2, p2),
	    0);
	free(code);
	free(account);
	free(bearer);
	free(account2);
	free(bearer2);
}

static void test_wrong_code_counted_then_locked_out(void **state)
{
	(void)state;
	struct mt_enterprise e;
	mt_enterprise_new(&e, "411502", "normal");
	char *code = mt_activation_code(&e);
	char *account = NULL;
	char *bearer = mt_account("mgr-wrong", &account);
	for (int i = 1; i <= 5; i++) {
		struct api_resp *r = mt_claim(bearer, &e, MT_LEGAL_REP, "ABCDEFGHJK");
		api_assert_problem(r, 403, "activation-code-invalid");
		assert_null(strstr(r->body, code));
		api_free(r);
		assert_int_equal(failures(account, &e), i);
	}
	/* the sixth try, even with the right code: 429 with Retry-After, nothing bound */
	struct api_resp *r = mt_claim(bearer, &e, MT_LEGAL_REP, code);
	api_assert_problem(r, 429, "claim-attempts");
	char *retry = api_header(r, "Retry-After");
	assert_non_null(retry);
	assert_true(api_to_i64(retry) > 0 && api_to_i64(retry) <= 86400);
	free(retry);
	api_free(r);
	/* a claim without a code is refused too */
	r = mt_claim(bearer, &e, MT_LEGAL_REP, NULL);
	api_assert_problem(r, 429, "claim-attempts");
	api_free(r);
	const char *p[] = {account, e.id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.manager_bindings"
			  " WHERE account_id = $1::bigint AND enterprise_id = $2::bigint",
			  2, p),
	    0);
	/* the code was not used, and took the wrong attempts */
	assert_int_equal(api_owner_int("SELECT failed_attempts FROM rq.activation_codes"
				       " WHERE enterprise_id = $2::bigint AND used_at IS NULL"
				       " AND $1::bigint IS NOT NULL",
				       2, p),
			 5);

	/* another account still can claim with the right code */
	char *bearer2 = mt_account("mgr-wrong2", NULL);
	r = mt_claim(bearer2, &e, MT_LEGAL_REP, code);
	assert_int_equal(r->status, 201);
	api_free(r);
	free(code);
	free(account);
	free(bearer);
	free(bearer2);
}

/* The scanned code's token names the enterprise; the credit code must still be its own. */
static void test_claim_by_scanned_token(void **state)
{
	(void)state;
	struct mt_enterprise e, other;
	mt_enterprise_new(&e, "411502", "normal");
	mt_enterprise_new(&other, "411502", "normal");
	const char *pe[] = {e.id};
	mt_owner_write("SELECT rq.issue_code($1::bigint)", 1, pe);
	char *token = ct_active_token(e.id);
	assert_non_null(token);
	char *code = mt_activation_code(&e);
	char *bearer = mt_account("mgr-token", NULL);
	char body[512];
	/* the token of e with the credit code of another enterprise: refused */
	snprintf(body, sizeof(body),
		 "{\"token\":\"%s\",\"uscc\":\"%s\",\"legal_rep\":\"" MT_LEGAL_REP "\","
		 "\"name\":\"李管理\",\"phone\":\"" MT_PHONE "\",\"activation_code\":\"%s\"}",
		 token, other.uscc, code);
	struct api_resp *r = api_post_json("/api/v1/evaluation/enterprises/claim", body, bearer);
	api_assert_problem(r, 403, "claim-refused");
	api_free(r);
	snprintf(body, sizeof(body),
		 "{\"token\":\"%s\",\"uscc\":\"%s\",\"legal_rep\":\"" MT_LEGAL_REP "\","
		 "\"name\":\"李管理\",\"phone\":\"" MT_PHONE "\",\"activation_code\":\"%s\"}",
		 token, e.uscc, code);
	r = api_post_json("/api/v1/evaluation/enterprises/claim", body, bearer);
	if (r->status != 201)
		fail_msg("claim by token: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "enterprise_id"), e.id);
	assert_non_null(api_json_str(r, "serial"));
	api_free(r);
	free(token);
	free(code);
	free(bearer);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_code_binds_once),
	    cmocka_unit_test(test_wrong_code_counted_then_locked_out),
	    cmocka_unit_test(test_claim_by_scanned_token),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
