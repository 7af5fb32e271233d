/* Portal users' notifications reach them: a new case's case_opened notice
 * to each active county admin of its county is no longer left 'pending' in the outbox (which
 * only the WeChat dispatcher empties, and never for them) but listed in the portal: GET
 * /api/v1/admin/notifications with the unread count, POST .../{id}/read (once; the first time
 * kept). Nobody else sees or reads it: the county admin of another county, the city admin,
 * the other roles, a mini-program account. */
#include "api.h"
#include "eval_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PORTAL_NOTICES "/api/v1/admin/notifications"

static int64_t unread_of(const struct api_resp *r)
{
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(r->json, "unread");
	assert_true(cJSON_IsNumber(u));
	return (int64_t)u->valuedouble;
}

/* The id of the portal user's notice about case_id in their list (malloc'd), or NULL. */
static char *notice_of(const struct api_portal *p, const char *query, const char *case_id,
		       int64_t *unread)
{
	char path[128];
	snprintf(path, sizeof(path), PORTAL_NOTICES "?limit=200%s", query);
	struct api_resp *r = mt_portal_get(p, path);
	if (r->status != 200)
		fail_msg("GET %s: %ld %s", path, r->status, r->body);
	if (unread != NULL)
		*unread = unread_of(r);
	char *id = NULL;
	cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(it, "case_id");
		if (cJSON_IsString(c) && strcmp(c->valuestring, case_id) == 0) {
			assert_string_equal(
			    cJSON_GetObjectItemCaseSensitive(it, "kind")->valuestring,
			    "case_opened");
			const cJSON *payload = cJSON_GetObjectItemCaseSensitive(it, "payload");
			assert_string_equal(
			    cJSON_GetObjectItemCaseSensitive(payload, "source")->valuestring,
			    "dispute");
			id = strdup(cJSON_GetObjectItemCaseSensitive(it, "id")->valuestring);
		}
	}
	api_free(r);
	return id;
}

static void test_case_notice_listed_and_read(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	/* a county no other test opens cases in, so that the unread count is this test's */
	const char *pe[] = {sc.s.ent.m.id};
	mt_owner_write("UPDATE rq.enterprises SET county_code = '411523' WHERE id = $1::bigint", 1,
		       pe);
	struct api_portal county, other_county, city;
	mt_portal_login(&county, "notices-county", "county_admin", "411523");
	mt_portal_login(&other_county, "notices-other", "county_admin", "411503");
	mt_portal_login(&city, "notices-city", "city_admin", NULL);
	int64_t unread_before;
	free(notice_of(&county, "", "0", &unread_before));

	/* a dispute opens a case of the county */
	char *visit = ev_visit(&sc);
	struct api_resp *r = vs_call("POST", ev_path(visit, "/dispute"), sc.manager,
				     "{\"category\":\"wrong_people\"}");
	assert_int_equal(r->status, 200);
	const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json, "cases"), 0);
	char *case_id = strdup(cJSON_GetObjectItemCaseSensitive(c, "id")->valuestring);
	api_free(r);

	/* the county admin's list: the notice, unread; in the outbox it waits for no dispatcher */
	int64_t unread;
	char *id = notice_of(&county, "", case_id, &unread);
	assert_non_null(id);
	assert_int_equal(unread, unread_before + 1);
	assert_null(notice_of(&county, "&unread=false", case_id, NULL)); /* not among the read */
	char *unread_id = notice_of(&county, "&unread=true", case_id, NULL);
	assert_string_equal(unread_id, id);
	free(unread_id);
	const char *p[] = {id};
	char *status = api_owner_value("SELECT status FROM rq.outbox WHERE id = $1::bigint", 1, p);
	assert_string_equal(status, "in_app");
	free(status);

	/* nobody else lists it or may mark it read */
	char path[96];
	snprintf(path, sizeof(path), PORTAL_NOTICES "/%s/read", id);
	struct api_portal *others[] = {&other_county, &city};
	for (size_t i = 0; i < 2; i++) {
		assert_null(notice_of(others[i], "", case_id, NULL));
		r = mt_portal_post(others[i], path, NULL);
		api_assert_problem(r, 404, "notification-unknown");
		api_free(r);
	}
	static const char *const roles[] = {"unit_admin", "judicial_analyst", "market_supervision",
					    "discipline_inspector"};
	for (size_t i = 0; i < 4; i++) {
		struct api_portal o;
		mt_portal_login_with(&o, "notices-role", roles[i], "--unit",
				     strcmp(roles[i], "unit_admin") == 0 ? sc.s.unit.id : NULL);
		assert_null(notice_of(&o, "", case_id, NULL));
		r = mt_portal_post(&o, path, NULL);
		api_assert_problem(r, 404, "notification-unknown");
		api_free(r);
		api_portal_free(&o);
	}
	/* a mini-program account: not on the portal's route, nor through its own */
	r = vs_call("POST", path, sc.manager, NULL);
	assert_int_equal(r->status, 403);
	api_free(r);
	char epath[96];
	snprintf(epath, sizeof(epath), EV_BASE "/notifications/%s/read", id);
	r = vs_call("POST", epath, sc.manager, NULL);
	api_assert_problem(r, 404, "notification-unknown");
	api_free(r);
	char *read = api_owner_value("SELECT read_at FROM rq.outbox WHERE id = $1::bigint", 1, p);
	assert_null(read);

	/* without the CSRF token: refused, still unread */
	const char *no_csrf[] = {county.cookie_header, NULL};
	r = api_call("POST", path, NULL, NULL, no_csrf);
	api_assert_problem(r, 403, "csrf");
	api_free(r);

	/* the county admin reads it: once, the first time kept, the count one less */
	r = mt_portal_post(&county, path, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "id"), id);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->json, "read")));
	char *read_at = strdup(api_json_str(r, "read_at"));
	api_free(r);
	r = mt_portal_post(&county, path, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "read_at"), read_at);
	api_free(r);
	int64_t after;
	char *again = notice_of(&county, "", case_id, &after);
	assert_int_equal(after, unread_before);
	free(again);
	assert_null(notice_of(&county, "&unread=true", case_id, NULL));
	/* the read is audited with the admin as its actor */
	const char *pa[] = {id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log WHERE table_name = 'rq.outbox'"
			  " AND row_pk = $1 AND operation = 'UPDATE'"
			  " AND actor_kind = 'admin' AND new_row ->> 'read_at' IS NOT NULL",
			  1, pa),
	    1);
	/* bad parameters */
	r = mt_portal_get(&county, PORTAL_NOTICES "?unread=perhaps");
	assert_int_equal(r->status, 400);
	api_assert_error_field(r, "unread");
	api_free(r);
	r = mt_portal_post(&county, PORTAL_NOTICES "/x/read", NULL);
	api_assert_problem(r, 404, "notification-unknown");
	api_free(r);

	free(read_at);
	free(id);
	free(case_id);
	free(visit);
	api_portal_free(&county);
	api_portal_free(&other_county);
	api_portal_free(&city);
	ev_scene_free(&sc);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_case_notice_listed_and_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
