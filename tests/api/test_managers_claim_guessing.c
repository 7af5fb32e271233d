/* Guessing an enterprise's activation code, from the guesser's side. The credit code and the
 * legal representative are public, so anyone with a few mini-program accounts can try codes.
 * Guessing is bounded per account and enterprise (5 failures in 24 hours), per account over
 * every enterprise (20) and per enterprise over every account (30 wrong codes in 24 hours),
 * but strangers cannot lock the holder of the slip out: their wrong codes never lock the
 * code, and once an enterprise's 30 are spent a code is no longer checked online — every
 * claim with a code, right or wrong, becomes a request for the county office (the same 202
 * answer), marked with whether the code matched, and the county's approval binds the holder
 * and uses the code. README, "Activation codes: the threat model". */
#include "api.h"
#include "managers_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WRONG_CODE "ABCDEFGHJK"

/* One account's five wrong codes against e: each 403 activation-code-invalid, then 429. */
static void five_wrong_then_limited(const struct mt_enterprise *e)
{
	char *bearer = mt_account("guess", NULL);
	for (int i = 0; i < 5; i++) {
		struct api_resp *r = mt_claim(bearer, e, MT_LEGAL_REP, WRONG_CODE);
		api_assert_problem(r, 403, "activation-code-invalid");
		api_free(r);
	}
	struct api_resp *r = mt_claim(bearer, e, MT_LEGAL_REP, WRONG_CODE);
	api_assert_problem(r, 429, "claim-attempts");
	api_free(r);
	free(bearer);
}

/* The attack: 3 accounts × 5 wrong codes, then the real manager's right code. */
static void test_strangers_cannot_lock_the_holder_out(void **state)
{
	(void)state;
	struct mt_enterprise e;
	mt_enterprise_new(&e, "411502", "normal");
	char *code = mt_activation_code(&e);
	for (int a = 0; a < 3; a++)
		five_wrong_then_limited(&e);
	char *holder = mt_account("holder", NULL);
	struct api_resp *r = mt_claim(holder, &e, MT_LEGAL_REP, code);
	if (r->status != 201)
		fail_msg("the holder's right code after 15 wrong ones: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "method"), "activation");
	api_free(r);
	free(holder);
	free(code);
}

/* A claim answer's members, sorted by name and joined ("claim_id,created_at,..."). */
static const char *members(const struct api_resp *r, char *buf, size_t cap)
{
	buf[0] = '\0';
	const cJSON *it;
	cJSON_ArrayForEach(it, r->json)
	{
		size_t n = strlen(buf);
		snprintf(buf + n, cap - n, "%s%s", n > 0 ? "," : "", it->string);
	}
	return buf;
}

/* Past the enterprise's budget of wrong codes the answer tells nothing about the code: a wrong
 * one and the right one are both a pending request (202, the same members), the county
 * office sees which matched, and approving the holder's binds them and uses the code. */
static void test_enterprise_budget_then_county_decides(void **state)
{
	(void)state;
	struct mt_enterprise e;
	mt_enterprise_new(&e, "411502", "normal");
	char *code = mt_activation_code(&e);
	for (int a = 0; a < 6; a++) /* 30 wrong codes */
		five_wrong_then_limited(&e);

	char *guesser_id = NULL, *holder_id = NULL;
	char *guesser = mt_account("guess-more", &guesser_id);
	struct api_resp *wrong = mt_claim(guesser, &e, MT_LEGAL_REP, WRONG_CODE);
	if (wrong->status != 202)
		fail_msg("a wrong code past the budget: %ld %s", wrong->status, wrong->body);
	char *holder = mt_account("holder-late", &holder_id);
	struct api_resp *right = mt_claim(holder, &e, MT_LEGAL_REP, code);
	if (right->status != 202)
		fail_msg("the right code past the budget: %ld %s", right->status, right->body);
	char m1[256], m2[256];
	assert_string_equal(members(wrong, m1, sizeof(m1)), members(right, m2, sizeof(m2)));
	assert_string_equal(api_json_str(wrong, "status"), "pending");
	assert_string_equal(api_json_str(right, "status"), "pending");
	assert_null(strstr(right->body, code));
	char *wrong_claim = strdup(api_json_str(wrong, "claim_id"));
	char *right_claim = strdup(api_json_str(right, "claim_id"));
	api_free(wrong);
	api_free(right);
	/* nothing bound, the code unused */
	const char *pe[] = {e.id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.manager_bindings"
				       " WHERE enterprise_id = $1::bigint",
				       1, pe),
			 0);
	/* the guesser's next try: its request is pending, nothing more to learn */
	struct api_resp *r = mt_claim(guesser, &e, MT_LEGAL_REP, "BCDEFGHJKM");
	api_assert_problem(r, 409, "claim-pending");
	api_free(r);

	/* the county office sees which code matched */
	struct api_portal county;
	mt_portal_login(&county, "guess-cty", "county_admin", "411502");
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/admin/claims?status=pending&limit=200");
	r = mt_portal_get(&county, path);
	assert_int_equal(r->status, 200);
	int seen = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		const char *id = cJSON_GetObjectItemCaseSensitive(it, "id")->valuestring;
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(it, "activation_code");
		if (strcmp(id, wrong_claim) == 0) {
			assert_string_equal(cJSON_GetStringValue(m), "not_matched");
			seen++;
		} else if (strcmp(id, right_claim) == 0) {
			assert_string_equal(cJSON_GetStringValue(m), "matched");
			seen++;
		}
	}
	assert_int_equal(seen, 2);
	api_free(r);
	snprintf(path, sizeof(path), "/api/v1/admin/claims/%s/approve", right_claim);
	r = mt_portal_post(&county, path, "{}");
	if (r->status != 200)
		fail_msg("approve: %ld %s", r->status, r->body);
	api_free(r);
	const char *ph[] = {holder_id, e.id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.manager_bindings"
			  " WHERE account_id = $1::bigint AND enterprise_id = $2::bigint"
			  " AND status = 'active'",
			  2, ph),
	    1);
	/* the slip's code is used up by the approval: it binds nobody else */
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.activation_codes"
				       " WHERE enterprise_id = $2::bigint AND used_by = $1::bigint",
				       2, ph),
			 1);
	api_portal_free(&county);
	free(wrong_claim);
	free(right_claim);
	free(guesser);
	free(guesser_id);
	free(holder);
	free(holder_id);
	free(code);
}

/* One account spreading its guesses over many enterprises: 20 failures in 24 hours in all,
 * then 429 for any enterprise, with Retry-After. */
static void test_account_budget_over_enterprises(void **state)
{
	(void)state;
	char *account = NULL;
	char *bearer = mt_account("spread", &account);
	for (int i = 0; i < 5; i++) {
		struct mt_enterprise e;
		mt_enterprise_new(&e, "411502", "normal");
		free(mt_activation_code(&e));
		for (int k = 0; k < 4; k++) {
			struct api_resp *r = mt_claim(bearer, &e, MT_LEGAL_REP, WRONG_CODE);
			api_assert_problem(r, 403, "activation-code-invalid");
			api_free(r);
		}
	}
	struct mt_enterprise sixth;
	mt_enterprise_new(&sixth, "411502", "normal");
	char *code = mt_activation_code(&sixth);
	/* even the right code of an enterprise never tried: the account is done for the day */
	struct api_resp *r = mt_claim(bearer, &sixth, MT_LEGAL_REP, code);
	api_assert_problem(r, 429, "claim-attempts");
	char *retry = api_header(r, "Retry-After");
	assert_non_null(retry);
	assert_true(api_to_i64(retry) > 0 && api_to_i64(retry) <= 86400);
	free(retry);
	api_free(r);
	const char *p[] = {account};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.manager_bindings"
				       " WHERE account_id = $1::bigint",
				       1, p),
			 0);
	free(code);
	free(account);
	free(bearer);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strangers_cannot_lock_the_holder_out),
	    cmocka_unit_test(test_enterprise_budget_then_county_decides),
	    cmocka_unit_test(test_account_budget_over_enterprises),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
