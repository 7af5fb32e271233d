/* One account manages several enterprises (and an enterprise has several managers): list,
 * switch the current one, unbind one (a state change: the row stays with unbound_at);
 * unbinding the current one selects the first one left in the list, or says there is none
 * left (current_enterprise_id null); afterwards the enterprise is not listed and cannot be
 * selected, and another manager's enterprise is 404 throughout. */
#include "api.h"
#include "managers_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void bind(const char *bearer, const struct mt_enterprise *e)
{
	char *code = mt_activation_code(e);
	struct api_resp *r = mt_claim(bearer, e, MT_LEGAL_REP, code);
	if (r->status != 201)
		fail_msg("claim %s: %ld %s", e->id, r->status, r->body);
	api_free(r);
	free(code);
}

/* The current flag of enterprise id in the account's list: 1, 0, or -1 when absent. */
static int listed(const struct api_resp *r, const char *id)
{
	cJSON *item;
	cJSON_ArrayForEach(item, cJSON_GetObjectItem(r->json, "items"))
	{
		if (strcmp(cJSON_GetObjectItem(item, "enterprise_id")->valuestring, id) == 0)
			return cJSON_IsTrue(cJSON_GetObjectItem(item, "current")) ? 1 : 0;
	}
	return -1;
}

static struct api_resp *act(const char *bearer, const struct mt_enterprise *e, const char *what)
{
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/evaluation/enterprises/%s/%s", e->id, what);
	return api_post_json(path, "{}", bearer);
}

static void test_several_switch_unbind(void **state)
{
	(void)state;
	struct mt_enterprise a, b, c;
	mt_enterprise_new(&a, "411502", "normal");
	mt_enterprise_new(&b, "411503", "normal");
	mt_enterprise_new(&c, "411502", "normal");
	char *account = NULL;
	char *bearer = mt_account("mgr-multi", &account);
	bind(bearer, &a);
	bind(bearer, &b);
	/* a second manager of a */
	char *bearer2 = mt_account("mgr-multi2", NULL);
	bind(bearer2, &a);
	bind(bearer2, &c);

	struct api_resp *r = api_get("/api/v1/evaluation/enterprises", bearer);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 2);
	assert_int_equal(listed(r, a.id), 1); /* the first binding became current */
	assert_int_equal(listed(r, b.id), 0);
	assert_int_equal(listed(r, c.id), -1);
	cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0);
	assert_string_equal(cJSON_GetObjectItem(first, "name")->valuestring, a.name);
	assert_string_equal(cJSON_GetObjectItem(first, "uscc")->valuestring, a.uscc);
	api_free(r);

	/* switch */
	r = act(bearer, &b, "select");
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "current_enterprise_id"), b.id);
	assert_int_equal(listed(r, a.id), 0);
	assert_int_equal(listed(r, b.id), 1);
	api_free(r);

	/* another manager's enterprise, and one that does not exist: 404 */
	r = act(bearer, &c, "select");
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	r = act(bearer, &c, "unbind");
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	r = api_post_json("/api/v1/evaluation/enterprises/999999999999/select", "{}", bearer);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	r = api_post_json("/api/v1/evaluation/enterprises/x1/select", "{}", bearer);
	api_assert_problem(r, 404, "not-found");
	api_free(r);

	/* unbind the current one: the one left becomes the current one at once */
	r = act(bearer, &b, "unbind");
	assert_int_equal(r->status, 200);
	assert_int_equal(listed(r, b.id), -1);
	assert_int_equal(listed(r, a.id), 1);
	assert_string_equal(api_json_str(r, "current_enterprise_id"), a.id);
	api_free(r);
	/* ... which is the enterprise the manager acts for now: its visits list answers */
	r = api_get("/api/v1/evaluation/visits", bearer);
	assert_int_equal(r->status, 200);
	api_free(r);

	/* history kept */
	const char *pb[] = {account, b.id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.manager_bindings"
			  " WHERE account_id = $1::bigint AND enterprise_id = $2::bigint"
			  " AND status = 'unbound' AND unbound_at IS NOT NULL",
			  2, pb),
	    1);
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log l JOIN rq.manager_bindings b"
			  " ON l.table_name = 'rq.manager_bindings'"
			  " AND l.row_pk = b.id::text"
			  " WHERE b.account_id = $1::bigint"
			  " AND b.enterprise_id = $2::bigint AND l.operation = 'UPDATE'"
			  " AND l.new_row ->> 'status' = 'unbound'"
			  " AND l.actor_kind = 'account'",
			  2, pb),
	    1);

	/* after unbinding: not listed, cannot be selected or unbound again */
	r = act(bearer, &b, "select");
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	r = act(bearer, &b, "unbind");
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	r = api_get("/api/v1/evaluation/enterprises", bearer);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1);
	assert_int_equal(listed(r, b.id), -1);
	api_free(r);

	/* the other manager of a is untouched by all this */
	r = api_get("/api/v1/evaluation/enterprises", bearer2);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 2);
	assert_int_equal(listed(r, a.id), 1);
	api_free(r);

	/* unbinding the last one: the list says there is none left, and so do the visits */
	r = act(bearer, &a, "unbind");
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json, "current_enterprise_id")));
	api_free(r);
	r = api_get("/api/v1/evaluation/visits", bearer);
	api_assert_problem(r, 409, "no-enterprise-selected");
	api_free(r);
	/* rebinding b later works, and makes it the current one */
	bind(bearer, &b);
	r = api_get("/api/v1/evaluation/enterprises", bearer);
	assert_int_equal(listed(r, b.id), 1);
	api_free(r);
	/* unbinding one that is not the current one leaves the current one as it is */
	bind(bearer, &a);
	r = act(bearer, &a, "unbind");
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "current_enterprise_id"), b.id);
	api_free(r);
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.manager_bindings"
			  " WHERE account_id = $1::bigint AND enterprise_id = $2::bigint",
			  2, pb),
	    2);

	free(account);
	free(bearer);
	free(bearer2);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_several_switch_unbind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
