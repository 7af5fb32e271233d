/* Claim without an activation code: a pending request (202) that only the county admin of
 * the enterprise's county (or the city admin) sees and decides; approving binds the
 * account, rejecting records the reason. */
#include "api.h"
#include "managers_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool list_has(const struct api_portal *p, const char *status, const char *claim_id)
{
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/admin/claims?status=%s&limit=200", status);
	bool found = false;
	const char *after = "0";
	char next[32];
	for (;;) {
		char page[192];
		snprintf(page, sizeof(page), "%s&after=%s", path, after);
		struct api_resp *r = mt_portal_get(p, page);
		if (r->status != 200)
			fail_msg("list claims: %ld %s", r->status, r->body);
		cJSON *item;
		cJSON_ArrayForEach(item, cJSON_GetObjectItem(r->json, "items"))
		{
			cJSON *id = cJSON_GetObjectItem(item, "id");
			if (strcmp(id->valuestring, claim_id) == 0)
				found = true;
		}
		const char *n = api_json_str(r, "next_after");
		if (n == NULL) {
			api_free(r);
			break;
		}
		snprintf(next, sizeof(next), "%s", n);
		after = next;
		api_free(r);
	}
	return found;
}

static char *claim_pending(const char *bearer, const struct mt_enterprise *e)
{
	struct api_resp *r = mt_claim(bearer, e, MT_LEGAL_REP, NULL);
	if (r->status != 202)
		fail_msg("claim: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "status"), "pending");
	assert_string_equal(api_json_str(r, "enterprise_id"), e->id);
	char *id = strdup(api_json_str(r, "claim_id"));
	api_free(r);
	return id;
}

static void test_pending_then_approved_by_the_right_county(void **state)
{
	(void)state;
	struct mt_enterprise e;
	mt_enterprise_new(&e, "411521", "normal");
	char *account = NULL;
	char *bearer = mt_account("mgr-appr", &account);
	char *claim = claim_pending(bearer, &e);

	/* asking twice: one request is enough */
	struct api_resp *r = mt_claim(bearer, &e, MT_LEGAL_REP, NULL);
	api_assert_problem(r, 409, "claim-pending");
	api_free(r);
	/* not bound yet */
	r = api_get("/api/v1/evaluation/enterprises", bearer);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0);
	api_free(r);

	struct api_portal other, right, city;
	mt_portal_login(&other, "cty-other", "county_admin", "411522");
	mt_portal_login(&right, "cty-right", "county_admin", "411521");
	mt_portal_login(&city, "city-claims", "city_admin", NULL);

	/* another county: does not see it, cannot decide it */
	assert_false(list_has(&other, "pending", claim));
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/admin/claims/%s/approve", claim);
	r = mt_portal_post(&other, path, NULL);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	snprintf(path, sizeof(path), "/api/v1/admin/claims/%s/reject", claim);
	r = mt_portal_post(&other, path, "{\"reason\":\"not mine\"}");
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	const char *pc[] = {claim};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.claim_requests"
				       " WHERE id = $1::bigint AND status = 'pending'",
				       1, pc),
			 1);

	/* a mini-program account cannot use the portal route */
	r = api_get("/api/v1/admin/claims", bearer);
	assert_true(r->status == 401 || r->status == 403);
	api_free(r);

	/* the right county and the city see it; the county approves */
	assert_true(list_has(&right, "pending", claim));
	assert_true(list_has(&city, "pending", claim));
	snprintf(path, sizeof(path), "/api/v1/admin/claims/%s/approve", claim);
	r = mt_portal_post(&right, path, NULL);
	if (r->status != 200)
		fail_msg("approve: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "status"), "approved");
	assert_non_null(api_json_str(r, "binding_id"));
	assert_non_null(api_json_str(r, "decided_at"));
	api_free(r);
	assert_false(list_has(&right, "pending", claim));
	assert_true(list_has(&right, "approved", claim));

	/* deciding again: 409 */
	r = mt_portal_post(&city, path, NULL);
	api_assert_problem(r, 409, "claim-decided");
	api_free(r);

	/* the account manages it now, as its current enterprise */
	r = api_get("/api/v1/evaluation/enterprises", bearer);
	assert_int_equal(r->status, 200);
	cJSON *items = cJSON_GetObjectItem(r->json, "items");
	assert_int_equal(cJSON_GetArraySize(items), 1);
	cJSON *first = cJSON_GetArrayItem(items, 0);
	assert_string_equal(cJSON_GetObjectItem(first, "enterprise_id")->valuestring, e.id);
	assert_string_equal(cJSON_GetObjectItem(first, "method")->valuestring, "approval");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(first, "current")));
	assert_string_equal(api_json_str(r, "current_enterprise_id"), e.id);
	api_free(r);
	const char *p[] = {account, e.id};
	assert_int_equal(
	    api_owner_int(
		"SELECT count(*) FROM rq.manager_bindings b JOIN rq.claim_requests c"
		" ON c.id = b.claim_request_id JOIN rq.admin_users u ON u.id = c.decided_by"
		" WHERE b.account_id = $1::bigint AND b.enterprise_id = $2::bigint"
		" AND b.status = 'active' AND u.county_code = '411521'",
		2, p),
	    1);

	api_portal_free(&other);
	api_portal_free(&right);
	api_portal_free(&city);
	free(claim);
	free(account);
	free(bearer);
}

static void test_rejected_with_reason(void **state)
{
	(void)state;
	struct mt_enterprise e;
	mt_enterprise_new(&e, "411521", "normal");
	char *bearer = mt_account("mgr-rej", NULL);
	char *claim = claim_pending(bearer, &e);
	struct api_portal right;
	mt_portal_login(&right, "cty-rej", "county_admin", "411521");
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/admin/claims/%s/reject", claim);
	struct api_resp *r = mt_portal_post(&right, path, "{}");
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "reason");
	api_free(r);
	r = mt_portal_post(&right, path, "{\"reason\":\"法定代表人电话核实不符\"}");
	if (r->status != 200)
		fail_msg("reject: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "status"), "rejected");
	assert_string_equal(api_json_str(r, "reason"), "法定代表人电话核实不符");
	api_free(r);
	assert_true(list_has(&right, "rejected", claim));
	/* nothing bound; the account may ask again */
	r = api_get("/api/v1/evaluation/enterprises", bearer);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0);
	api_free(r);
	char *again = claim_pending(bearer, &e);
	assert_string_not_equal(again, claim);
	free(again);
	/* a bad status filter */
	r = mt_portal_get(&right, "/api/v1/admin/claims?status=open");
	assert_int_equal(r->status, 400);
	api_free(r);
	api_portal_free(&right);
	free(claim);
	free(bearer);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pending_then_approved_by_the_right_county),
	    cmocka_unit_test(test_rejected_with_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
