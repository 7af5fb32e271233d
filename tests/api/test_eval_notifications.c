/* The manager's notification list: the outbox rows the registration family queued for them
 * (new, edited, finished visits), newest first with read state, keyset-paged, filtered by
 * unread; marking one read (once; another account's is unknown). */
#include "api.h"
#include "eval_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTIFICATIONS EV_BASE "/notifications"

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

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_and_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
