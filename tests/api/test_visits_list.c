/* GET /api/v1/registration/visits lists the official's own visits, newest first, keyset
 * paginated, filtered by the day of entry and the activity type; other officials' visits
 * never show. GET /visits/{id}/official (亮证) shows the official as registered to the
 * enterprise's managers and to the official, and is 404 for anyone else. */
#include "api.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ids of the page's items, comma-separated, into out. */
static void item_ids(const struct api_resp *r, char *out, size_t cap)
{
	out[0] = '\0';
	cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
	{
		size_t n = strlen(out);
		snprintf(out + n, cap - n, "%s%s", n > 0 ? "," : "",
			 cJSON_GetObjectItem(it, "id")->valuestring);
	}
}

static struct api_resp *list(const char *bearer, const char *query)
{
	char path[256];
	snprintf(path, sizeof(path), VS_VISITS "%s", query);
	struct api_resp *r = api_get(path, bearer);
	if (r->status != 200)
		fail_msg("list %s: %ld %s", query, r->status, r->body);
	return r;
}

static void assert_page(const char *bearer, const char *query, const char *ids)
{
	struct api_resp *r = list(bearer, query);
	char have[256];
	item_ids(r, have, sizeof(have));
	if (strcmp(have, ids) != 0)
		fail_msg("list %s: expected [%s], got [%s]: %s", query, ids, have, r->body);
	api_free(r);
}

static void test_list_own_newest_first(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	const char *types[] = {"visit", "research", "inspection"};
	char *v[3];
	for (int i = 0; i < 3; i++) {
		cJSON *b = vs_body(s.ent.token, types[i]);
		vs_body_exemption(b, "enterprise_requested");
		v[i] = vs_register_ok(s.off.bearer, b);
		cJSON_Delete(b);
	}
	struct vs_official other;
	vs_official_new(&other, s.unit.id, NULL, true);
	cJSON *b = vs_body(s.ent.token, "visit");
	char *theirs = vs_register_ok(other.bearer, b);
	cJSON_Delete(b);

	struct api_resp *r = list(s.off.bearer, "?limit=2");
	char ids[256], want[256];
	item_ids(r, ids, sizeof(ids));
	snprintf(want, sizeof(want), "%s,%s", v[2], v[1]);
	assert_string_equal(ids, want);
	cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0);
	assert_string_equal(cJSON_GetObjectItem(first, "activity_type")->valuestring, "inspection");
	assert_string_equal(cJSON_GetObjectItem(first, "status")->valuestring, "registered");
	/* the same line as the enterprise's list: names nested, no rating yet */
	assert_string_equal(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(first, "enterprise"), "id")->valuestring,
	    s.ent.m.id);
	assert_string_equal(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(first, "enterprise"), "name")->valuestring,
	    s.ent.m.name);
	assert_string_equal(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(first, "unit"), "id")->valuestring, s.unit.id);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(first, "rating")));
	assert_string_equal(api_json_str(r, "next_after"), v[1]);
	api_free(r);
	char q[128];
	snprintf(q, sizeof(q), "?limit=2&after=%s", v[1]);
	r = list(s.off.bearer, q);
	item_ids(r, ids, sizeof(ids));
	assert_string_equal(ids, v[0]);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json, "next_after")));
	api_free(r);
	/* the other official sees only theirs */
	assert_page(other.bearer, "", theirs);

	/* by type */
	assert_page(s.off.bearer, "?activity_type=inspection", v[2]);
	assert_page(s.off.bearer, "?activity_type=research", v[1]);

	/* by the day of entry (city time): the first visit moved 3 days back */
	char *then = vs_time("now() - interval '3 days'");
	vs_visit_move(v[0], then);
	char *today = vs_time("now()");
	char from[64], to[64];
	snprintf(from, sizeof(from), "?from=%.10s", today);
	snprintf(want, sizeof(want), "%s,%s", v[2], v[1]);
	assert_page(s.off.bearer, from, want);
	snprintf(to, sizeof(to), "?to=%.10s", then);
	assert_page(s.off.bearer, to, v[0]);
	snprintf(q, sizeof(q), "?from=%.10s&to=%.10s", then, then);
	assert_page(s.off.bearer, q, v[0]);
	snprintf(q, sizeof(q), "?from=%.10s&to=%.10s&activity_type=visit", today, today);
	assert_page(s.off.bearer, q, "");

	/* bad filters */
	const char *bad[][2] = {
	    {"?from=2026-02-30", "from"}, {"?to=yesterday", "to"},
	    {"?from=2026-1-5", "from"},	  {"?activity_type=party", "activity_type"},
	    {"?limit=0", "limit"},	  {"?limit=201", "limit"},
	    {"?after=abc", "after"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[128];
		snprintf(path, sizeof(path), VS_VISITS "%s", bad[i][0]);
		r = api_get(path, s.off.bearer);
		if (r->status != 400)
			fail_msg("%s: %ld %s", bad[i][0], r->status, r->body);
		api_assert_error_field(r, bad[i][1]);
		api_free(r);
	}
	free(then);
	free(today);
	free(theirs);
	for (int i = 0; i < 3; i++)
		free(v[i]);
	vs_official_free(&other);
	vs_scene_free(&s);
}

static void test_detail(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	cJSON *b = vs_body(s.ent.token, "inspection");
	vs_body_exemption(b, "superior_assigned");
	cJSON *comp = cJSON_AddArrayToObject(b, "companions");
	cJSON *c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "name", "李四");
	cJSON_AddStringToObject(c, "unit", "市应急管理局");
	cJSON_AddStringToObject(c, "cert_no", "HN-YJ-7");
	cJSON_AddItemToArray(comp, c);
	char *visit = vs_register_ok(s.off.bearer, b);
	struct api_resp *r = api_get(vs_path(visit, ""), s.off.bearer);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "id"), visit);
	assert_string_equal(api_json_str(r, "enterprise.name"), s.ent.m.name);
	assert_string_equal(api_json_str(r, "official.cert_no"), "HN-ZF-0001");
	assert_string_equal(api_json_str(r, "legal_basis"), "《安全生产法》第六十五条");
	assert_string_equal(api_json_str(r, "exemption.category"), "superior_assigned");
	assert_string_equal(api_json_str(r, "confirmation"), "pending");
	cJSON *cs = cJSON_GetObjectItem(r->json, "companions");
	assert_int_equal(cJSON_GetArraySize(cs), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cs, 0), "cert_no")->valuestring,
			    "HN-YJ-7");
	cJSON *filings = cJSON_GetObjectItem(r->json, "filings");
	assert_int_equal(cJSON_GetArraySize(filings), 2);
	assert_string_equal(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(filings, 1), "discipline_group")->valuestring,
	    s.unit.discipline_group);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "edits")), 0);
	api_free(r);
	free(visit);
	cJSON_Delete(b);
	vs_scene_free(&s);
}

static void test_official_for_managers(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	char *mgr = vs_manager_new(&s.ent, NULL);
	struct vs_enterprise elsewhere;
	vs_enterprise_new(&elsewhere, true);
	char *other_mgr = vs_manager_new(&elsewhere, NULL);
	struct vs_official stranger;
	vs_account_new(&stranger);
	cJSON *b = vs_body(s.ent.token, "visit");
	char *visit = vs_register_ok(s.off.bearer, b);

	/* what the profile says later does not change who stood at the door */
	char json[256];
	snprintf(json, sizeof(json),
		 "{\"name\":\"入企测试员\",\"unit_id\":\"%s\",\"post\":\"副局长\","
		 "\"cert_no\":\"HN-ZF-0001\",\"phone\":\"13912345678\"}",
		 s.unit.id);
	struct api_resp *r = vs_call("PUT", "/api/v1/registration/profile", s.off.bearer, json);
	assert_int_equal(r->status, 200);
	api_free(r);

	const char *readers[] = {mgr, s.off.bearer};
	for (int i = 0; i < 2; i++) {
		r = api_get(vs_path(visit, "/official"), readers[i]);
		if (r->status != 200)
			fail_msg("reader %d: %ld %s", i, r->status, r->body);
		assert_string_equal(api_json_str(r, "name"), "入企测试员");
		assert_string_equal(api_json_str(r, "unit"), s.unit.name);
		assert_string_equal(api_json_str(r, "post"), "执法科员");
		assert_string_equal(api_json_str(r, "cert_no"), "HN-ZF-0001");
		assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "verified")));
		/* the official's phone is not for the enterprise */
		assert_null(strstr(r->body, "13912345678"));
		api_free(r);
	}
	const char *strangers[] = {other_mgr, stranger.bearer};
	for (int i = 0; i < 2; i++) {
		r = api_get(vs_path(visit, "/official"), strangers[i]);
		api_assert_problem(r, 404, "visit-unknown");
		api_free(r);
		r = api_get(vs_path(visit, ""), strangers[i]);
		api_assert_problem(r, 404, "visit-unknown");
		api_free(r);
	}
	free(visit);
	free(mgr);
	free(other_mgr);
	cJSON_Delete(b);
	vs_official_free(&stranger);
	vs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_own_newest_first),
	    cmocka_unit_test(test_detail),
	    cmocka_unit_test(test_official_for_managers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
