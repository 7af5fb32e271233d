/* The manager's notification list: the outbox rows the registration family queued for them
 * (new, edited, finished visits), newest first with read state and the unread count,
 * keyset-paged, filtered by unread; marking one read (once; another account's is unknown).
 * Once the manager unbinds the enterprise, its visits' notices leave the list and cannot
 * be marked read. */
#include "api.h"
#include "eval_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTIFICATIONS EV_BASE "/notifications"

static int64_t unread_of(const struct api_resp *r)
{
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(r->json, "unread");
	assert_true(cJSON_IsNumber(u));
	return (int64_t)u->valuedouble;
}

static void test_list_and_read(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	char *id = ev_visit(&sc);
	ev_edit_and_finish(&sc, id, "改为了解融资需求", "已对接银行");

	struct api_resp *r = api_get(NOTIFICATIONS, sc.manager);
	assert_int_equal(r->status, 200);
	assert_string_equal(ev_joined(r, "kind"), "visit_finished,visit_edited,visit_registered");
	assert_int_equal(unread_of(r), 3);
	cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json, "items"), 0);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(first, "visit_id")->valuestring, id);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(first, "read")));
	assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(first, "payload")));
	cJSON *last = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json, "items"), 2);
	char *registered = strdup(cJSON_GetObjectItemCaseSensitive(last, "id")->valuestring);
	api_free(r);

	/* keyset */
	r = api_get(NOTIFICATIONS "?limit=2", sc.manager);
	assert_string_equal(ev_joined(r, "kind"), "visit_finished,visit_edited");
	char path[256];
	snprintf(path, sizeof(path), NOTIFICATIONS "?limit=2&after=%s", ev_next_after(r));
	api_free(r);
	r = api_get(path, sc.manager);
	assert_string_equal(ev_joined(r, "kind"), "visit_registered");
	api_free(r);

	/* read one */
	snprintf(path, sizeof(path), NOTIFICATIONS "/%s/read", registered);
	r = vs_call("POST", path, sc.manager, NULL);
	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->json, "read")));
	char *read_at = strdup(api_json_str(r, "read_at"));
	api_free(r);
	/* again: still read, the first time kept */
	r = vs_call("POST", path, sc.manager, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "read_at"), read_at);
	api_free(r);
	r = api_get(NOTIFICATIONS "?unread=true", sc.manager);
	assert_string_equal(ev_joined(r, "kind"), "visit_finished,visit_edited");
	assert_int_equal(unread_of(r), 2);
	api_free(r);
	r = api_get(NOTIFICATIONS "?unread=false", sc.manager);
	assert_string_equal(ev_joined(r, "kind"), "visit_registered");
	api_free(r);

	/* someone else's notification, or none at all */
	r = vs_call("POST", path, sc.s.off.bearer, NULL);
	api_assert_problem(r, 404, "notification-unknown");
	api_free(r);
	const char *p[] = {registered};
	char *still = api_owner_value(
	    "SELECT read_at IS NOT NULL FROM rq.outbox WHERE id = $1::bigint", 1, p);
	assert_string_equal(still, "t");
	free(still);
	r = vs_call("POST", NOTIFICATIONS "/0/read", sc.manager, NULL);
	api_assert_problem(r, 404, "notification-unknown");
	api_free(r);
	r = api_get(NOTIFICATIONS, sc.s.off.bearer);
	assert_int_equal(r->status, 200);
	assert_string_equal(ev_joined(r, "kind"), "");
	api_free(r);
	r = api_get(NOTIFICATIONS "?unread=maybe", sc.manager);
	assert_int_equal(r->status, 400);
	api_assert_error_field(r, "unread");
	api_free(r);
	free(read_at);
	free(registered);
	free(id);
	ev_scene_free(&sc);
}

/* A manager of two enterprises unbinds one: that one's visit notices are gone from the
 * list and the count, the other's stay; a notice of the unbound one cannot be read. */
static void test_unbound_enterprise_leaves_the_list(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	struct vs_enterprise other;
	vs_enterprise_new(&other, true);
	char *code = mt_activation_code(&other.m);
	struct api_resp *r = mt_claim(sc.manager, &other.m, MT_LEGAL_REP, code);
	assert_int_equal(r->status, 201);
	api_free(r);
	char *kept = ev_visit(&sc); /* to sc's enterprise */
	cJSON *b = vs_body(other.token, "visit");
	char *gone = vs_register_ok(sc.s.off.bearer, b);
	cJSON_Delete(b);
	r = api_get(NOTIFICATIONS, sc.manager);
	assert_int_equal(unread_of(r), 2);
	char both[64];
	snprintf(both, sizeof(both), "%s,%s", gone, kept);
	assert_string_equal(ev_joined(r, "visit_id"), both);
	api_free(r);
	const char *pg[] = {gone};
	char *notice =
	    api_owner_value("SELECT id FROM rq.outbox WHERE visit_id = $1::bigint", 1, pg);

	char path[128];
	snprintf(path, sizeof(path), EV_BASE "/enterprises/%s/unbind", other.m.id);
	r = vs_call("POST", path, sc.manager, NULL);
	assert_int_equal(r->status, 200);
	api_free(r);
	r = api_get(NOTIFICATIONS, sc.manager);
	assert_int_equal(r->status, 200);
	assert_string_equal(ev_joined(r, "visit_id"), kept);
	assert_int_equal(unread_of(r), 1);
	api_free(r);
	snprintf(path, sizeof(path), NOTIFICATIONS "/%s/read", notice);
	r = vs_call("POST", path, sc.manager, NULL);
	api_assert_problem(r, 404, "notification-unknown");
	api_free(r);
	/* kept all the same */
	assert_int_equal(vs_rows("rq.outbox", "visit_id", gone), 1);
	free(notice);
	free(code);
	free(kept);
	free(gone);
	ev_scene_free(&sc);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_and_read),
	    cmocka_unit_test(test_unbound_enterprise_leaves_the_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
