/* What a manager is told about their claims: the status of each claim
 * request (GET /api/v1/evaluation/claims), a notice when the county office approves or
 * rejects it (claim_approved, claim_rejected with the reason, in their notification list and
 * nobody else's), and, when a claim fails, how many tries are left in the 24 hours and, once
 * none is, when the lockout ends — the same for a credit code the register does not know, so
 * that the answers still do not tell which field was wrong. */
#include "api.h"
#include "api_register.h"
#include "eval_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLAIMS EV_BASE "/claims"

/* The account's claims list with this query: "status" of each item joined by commas; asserts
 * each names its enterprise. */
static const char *claims_of(const char *bearer, const char *query)
{
	char path[128];
	snprintf(path, sizeof(path), CLAIMS "%s", query);
	struct api_resp *r = api_get(path, bearer);
	if (r->status != 200)
		fail_msg("GET %s: %ld %s", path, r->status, r->body);
	const char *s = ev_joined(r, "status");
	cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(it, "enterprise");
		assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "name")));
		assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(it, "status_label")));
	}
	api_free(r);
	return s;
}

/* The account's notice about claim claim_id: its kind (static buffer) or "" when none;
 * *reason (malloc'd, may be NULL) the payload's reason. */
static const char *claim_notice(const char *bearer, const char *claim_id, char **reason)
{
	static char kind[32];
	kind[0] = '\0';
	struct api_resp *r = api_get(EV_BASE "/notifications?limit=200", bearer);
	assert_int_equal(r->status, 200);
	cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(it, "claim_id");
		if (!cJSON_IsString(c) || strcmp(c->valuestring, claim_id) != 0)
			continue;
		snprintf(kind, sizeof(kind), "%s",
			 cJSON_GetObjectItemCaseSensitive(it, "kind")->valuestring);
		const cJSON *pr = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(it, "payload"), "reason");
		if (reason != NULL)
			*reason = cJSON_IsString(pr) ? strdup(pr->valuestring) : NULL;
	}
	api_free(r);
	return kind;
}

static char *claim_request(const char *bearer, const struct mt_enterprise *e)
{
	struct api_resp *r = mt_claim(bearer, e, MT_LEGAL_REP, NULL);
	if (r->status != 202)
		fail_msg("claim: %ld %s", r->status, r->body);
	char *id = strdup(api_json_str(r, "claim_id"));
	api_free(r);
	return id;
}

static void test_claim_status_and_decisions(void **state)
{
	(void)state;
	struct mt_enterprise e;
	mt_enterprise_new(&e, "411502", "normal");
	char *bearer = mt_account("claim-status", NULL);
	char *other = mt_account("claim-status-other", NULL);
	struct api_portal county;
	mt_portal_login(&county, "claim-status-county", "county_admin", "411502");

	/* filed: pending, and nobody else's */
	char *first = claim_request(bearer, &e);
	assert_string_equal(claims_of(bearer, ""), "pending");
	assert_string_equal(claims_of(bearer, "?status=approved"), "");
	assert_string_equal(claims_of(other, ""), "");
	assert_string_equal(claim_notice(bearer, first, NULL), "");

	/* rejected: the status and the reason, and a notice saying so */
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/admin/claims/%s/reject", first);
	struct api_resp *r = mt_portal_post(&county, path, "{\"reason\":\"法定代表人未到场确认\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	r = api_get(CLAIMS, bearer);
	assert_int_equal(r->status, 200);
	const cJSON *item =
	    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json, "items"), 0);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(item, "status")->valuestring,
			    "rejected");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(item, "status_label")->valuestring,
			    "未通过");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(item, "reason")->valuestring,
			    "法定代表人未到场确认");
	assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(item, "decided_at")));
	api_free(r);
	char *reason = NULL;
	assert_string_equal(claim_notice(bearer, first, &reason), "claim_rejected");
	assert_string_equal(reason, "法定代表人未到场确认");
	free(reason);
	assert_string_equal(claim_notice(other, first, NULL), "");
	const char *p[] = {first};
	char *status =
	    api_owner_value("SELECT status FROM rq.outbox WHERE claim_id = $1::bigint", 1, p);
	assert_string_equal(status, "in_app"); /* listed, never sent through WeChat */
	free(status);

	/* filed again and approved: the notice, and the enterprise is theirs */
	char *second = claim_request(bearer, &e);
	assert_string_equal(claims_of(bearer, ""), "pending,rejected");
	assert_string_equal(claims_of(bearer, "?status=pending"), "pending");
	snprintf(path, sizeof(path), "/api/v1/admin/claims/%s/approve", second);
	r = mt_portal_post(&county, path, NULL);
	assert_int_equal(r->status, 200);
	api_free(r);
	assert_string_equal(claims_of(bearer, ""), "approved,rejected");
	assert_string_equal(claim_notice(bearer, second, NULL), "claim_approved");
	r = api_get(EV_BASE "/enterprises", bearer);
	assert_string_equal(api_json_str(r, "current_enterprise_id"), e.id);
	api_free(r);
	/* the other account may not read the notice */
	char *notice = api_owner_value("SELECT id FROM rq.outbox WHERE claim_id = $1::bigint", 1,
				       (const char *[]){second});
	snprintf(path, sizeof(path), EV_BASE "/notifications/%s/read", notice);
	r = vs_call("POST", path, other, NULL);
	api_assert_problem(r, 404, "notification-unknown");
	api_free(r);
	r = vs_call("POST", path, bearer, NULL);
	assert_int_equal(r->status, 200);
	api_free(r);

	r = api_get(CLAIMS "?status=open", bearer);
	assert_int_equal(r->status, 400);
	api_assert_error_field(r, "status");
	api_free(r);
	free(notice);
	free(first);
	free(second);
	free(bearer);
	free(other);
	api_portal_free(&county);
}

/* The detail of claims of e (or of the credit code uscc) with a wrong legal representative,
 * tried until the lockout: each 403 says the tries left (4, 3, 2, 1, 0), the 429 when it
 * ends, which is 24 hours after the first failure. Returns the 429's detail (malloc'd). */
static char *fail_until_locked(const char *bearer, const char *account_id,
			       const struct mt_enterprise *e)
{
	for (int left = 4; left >= 0; left--) {
		struct api_resp *r = mt_claim(bearer, e, "张冒名", NULL);
		api_assert_problem(r, 403, "claim-refused");
		char want[64];
		snprintf(want, sizeof(want), "还可尝试 %d 次", left);
		if (strstr(api_json_str(r, "detail"), want) == NULL)
			fail_msg("no \"%s\" in %s", want, r->body);
		api_free(r);
	}
	struct api_resp *r = mt_claim(bearer, e, MT_LEGAL_REP, NULL);
	api_assert_problem(r, 429, "claim-attempts");
	char *retry = api_header(r, "Retry-After");
	assert_non_null(retry);
	assert_true(api_to_i64(retry) > 86000 && api_to_i64(retry) <= 86400);
	free(retry);
	const char *p[] = {account_id};
	char *until = api_owner_value(
	    "SELECT to_char(min(failed_at) + interval '24 hours', 'YYYY-MM-DD HH24:MI')"
	    " FROM rq.claim_failures WHERE account_id = $1::bigint",
	    1, p);
	assert_non_null(until);
	if (strstr(api_json_str(r, "detail"), until) == NULL)
		fail_msg("the lockout's end %s is not said: %s", until, r->body);
	free(until);
	char *detail = strdup(api_json_str(r, "detail"));
	api_free(r);
	return detail;
}

static void test_tries_left_and_lockout_end(void **state)
{
	(void)state;
	struct mt_enterprise e;
	mt_enterprise_new(&e, "411502", "normal");
	char *account = NULL;
	char *bearer = mt_account("claim-tries", &account);
	char *known = fail_until_locked(bearer, account, &e);

	/* a credit code the register does not know: the very same answers */
	struct mt_enterprise ghost = e;
	api_uscc_new("411502", ghost.uscc);
	char *account2 = NULL;
	char *bearer2 = mt_account("claim-tries-ghost", &account2);
	char *unknown = fail_until_locked(bearer2, account2, &ghost);
	const char *p[] = {account2, ghost.uscc};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.claim_failures"
				       " WHERE account_id = $1::bigint AND enterprise_id IS NULL"
				       " AND claimed_code = $2",
				       2, p),
			 5);

	/* activation codes: the tries left too */
	struct mt_enterprise f;
	mt_enterprise_new(&f, "411502", "normal");
	char *code = mt_activation_code(&f);
	struct api_resp *r = mt_claim(bearer, &f, MT_LEGAL_REP, "ABCDEFGHJK");
	api_assert_problem(r, 403, "activation-code-invalid");
	assert_non_null(strstr(api_json_str(r, "detail"), "还可尝试 4 次"));
	api_free(r);

	free(code);
	free(known);
	free(unknown);
	free(account);
	free(account2);
	free(bearer);
	free(bearer2);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_claim_status_and_decisions),
	    cmocka_unit_test(test_tries_left_and_lockout_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
