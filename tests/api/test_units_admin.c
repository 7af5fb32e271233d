/* The city admin edits and deactivates units: PATCH /api/v1/admin/units/{id} changes the name, the
 * county and the discipline group (audited, with the admin as actor), refuses what it cannot change
 * (400 naming the member), bad values (422, nothing written), a name the county already has (409)
 * and an unknown unit (404). A deactivated unit is no longer offered to the officials, cannot be
 * chosen in a profile or named in a joint inspection, and its officials' registrations are refused
 * until it is active again. Every other portal role gets 403, and nothing changes. */
#include "api.h"
#include "api_register.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *unit_path(const char *id)
{
	static char path[96];
	snprintf(path, sizeof(path), "/api/v1/admin/units/%s", id);
	return path;
}

static struct api_resp *patch(const struct api_session *s, const char *id, const char *json)
{
	return api_session_call(s, "PATCH", unit_path(id), json);
}

/* The unit's row as "name|county|group|active" (read as the owner; static buffer). */
static const char *unit_row(const char *id)
{
	static char out[512];
	const char *p[] = {id};
	char *v = api_owner_value("SELECT concat_ws('|', name, coalesce(county_code, '-'),"
				  " coalesce(discipline_group, '-'), active) FROM rq.units"
				  " WHERE id = $1::bigint",
				  1, p);
	assert_non_null(v);
	snprintf(out, sizeof(out), "%s", v);
	free(v);
	return out;
}

static void test_city_admin_edits_a_unit(void **state)
{
	(void)state;
	struct api_session city;
	api_session_login(&city, "units-city", "city_admin", NULL);
	struct vs_unit u, other;
	vs_unit_new(&u, "派驻第一纪检监察组");
	vs_unit_new(&other, NULL);
	char name[128], taken[256];
	snprintf(name, sizeof(name), "%s", api_unique("改名测试局"));
	const char *po[] = {other.id};
	api_owner_write("UPDATE rq.units SET county_code = '411503' WHERE id = $1::bigint", 1, po);

	char json[512];
	snprintf(json, sizeof(json),
		 "{\"name\":\"%s\",\"county_code\":\"411503\",\"discipline_group\":\"派驻第二纪检"
		 "监察组\"}",
		 name);
	struct api_resp *r = patch(&city, u.id, json);
	if (r->status != 200)
		fail_msg("patch: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "name"), name);
	assert_string_equal(api_json_str(r, "county_code"), "411503");
	assert_string_equal(api_json_str(r, "discipline_group"), "派驻第二纪检监察组");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "active")));
	/* audited, with the admin as actor */
	char *rid = api_request_id(r);
	const char *pa[] = {rid, u.id, city.username};
	assert_int_equal(api_owner_int("SELECT count(*) FROM audit.log a JOIN rq.admin_users x"
				       " ON x.id::text = a.actor_id WHERE a.request_id = $1"
				       " AND a.table_name = 'rq.units' AND a.row_pk = $2"
				       " AND a.operation = 'UPDATE' AND a.actor_kind = 'admin'"
				       " AND x.username = $3",
				       3, pa),
			 1);
	free(rid);
	api_free(r);
	char want[512];
	snprintf(want, sizeof(want), "%s|411503|派驻第二纪检监察组|t", name);
	assert_string_equal(unit_row(u.id), want);

	/* null: a city-level unit, no discipline group yet; a member left out is kept */
	r = patch(&city, u.id, "{\"county_code\":null,\"discipline_group\":null}");
	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json, "county_code")));
	api_free(r);
	snprintf(want, sizeof(want), "%s|-|-|t", name);
	assert_string_equal(unit_row(u.id), want);

	/* refused, nothing written */
	snprintf(taken, sizeof(taken), "{\"name\":\"%s\",\"county_code\":\"411503\"}", other.name);
	const struct {
		const char *json;
		long status;
		const char *field;
	} bad[] = {
	    {"{\"short_name\":\"x\"}", 400, "short_name"},
	    {"{\"name\":\"ok\",\"id\":\"1\"}", 400, "id"},
	    {"{}", 422, "name"},
	    {"{\"name\":\"\"}", 422, "name"},
	    {"{\"name\":null}", 422, "name"},
	    {"{\"name\":\"   \"}", 422, "name"},
	    {"{\"county_code\":\"419999\"}", 422, "county_code"},
	    {"{\"county_code\":\"4115\"}", 422, "county_code"},
	    {"{\"discipline_group\":5}", 422, "discipline_group"},
	    {"{\"active\":\"no\"}", 422, "active"},
	    {taken, 409, "name"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = patch(&city, u.id, bad[i].json);
		if (r->status != bad[i].status)
			fail_msg("%s: %ld %s", bad[i].json, r->status, r->body);
		api_assert_error_field(r, bad[i].field);
		assert_int_equal(api_audit_rows_of(r), 0);
		api_free(r);
	}
	assert_string_equal(unit_row(u.id), want);
	r = patch(&city, "99999999", "{\"name\":\"没有\"}");
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	/* the same name in another county is another unit's right */
	snprintf(taken, sizeof(taken), "{\"name\":\"%s\"}", other.name);
	r = patch(&city, u.id, taken);
	assert_int_equal(r->status, 200);
	api_free(r);

	api_session_end(&city);
}

static void test_other_roles_are_refused(void **state)
{
	(void)state;
	struct vs_unit u;
	vs_unit_new(&u, NULL);
	char before[512];
	snprintf(before, sizeof(before), "%s", unit_row(u.id));
	static const char *const roles[][2] = {
	    {"county_admin", "411502"},	  {"unit_admin", NULL},
	    {"market_supervision", NULL}, {"discipline_inspector", NULL},
	    {"judicial_analyst", NULL},
	};
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		struct api_session s;
		api_session_login_in(&s, "units-role", roles[i][0], roles[i][1],
				     strcmp(roles[i][0], "unit_admin") == 0 ? u.id : NULL);
		struct api_resp *r = patch(&s, u.id, "{\"name\":\"越权改名\",\"active\":false}");
		if (r->status != 403)
			fail_msg("%s: %ld %s", roles[i][0], r->status, r->body);
		api_assert_problem(r, 403, "forbidden");
		api_free(r);
		api_session_end(&s);
	}
	/* a mini-program account neither */
	struct vs_official o;
	vs_account_new(&o);
	struct api_resp *r = vs_call("PATCH", unit_path(u.id), o.bearer, "{\"active\":false}");
	assert_int_equal(r->status, 403);
	api_free(r);
	vs_official_free(&o);
	assert_string_equal(unit_row(u.id), before);
}

/* True when GET /api/v1/registration/units (all pages) offers the unit. */
static bool offered(const char *bearer, const char *unit)
{
	bool found = false;
	char path[128] = "/api/v1/registration/units?limit=200";
	for (;;) {
		struct api_resp *r = vs_call("GET", path, bearer, NULL);
		assert_int_equal(r->status, 200);
		cJSON *it;
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items")) found =
		    found || strcmp(cJSON_GetObjectItem(it, "id")->valuestring, unit) == 0;
		const char *next = api_json_str(r, "next_after");
		if (next == NULL) {
			api_free(r);
			return found;
		}
		snprintf(path, sizeof(path), "/api/v1/registration/units?limit=200&after=%s", next);
		api_free(r);
	}
}

static void test_a_deactivated_unit(void **state)
{
	(void)state;
	struct api_session city;
	api_session_login(&city, "units-city", "city_admin", NULL);
	struct vs_scene s;
	vs_scene_new(&s);
	struct vs_unit lead;
	vs_unit_new(&lead, NULL);
	struct vs_official lo, newcomer;
	vs_official_new(&lo, lead.id, "HN-ZF-0100", true);
	vs_account_new(&newcomer);
	assert_true(offered(s.off.bearer, s.unit.id));

	struct api_resp *r = patch(&city, s.unit.id, "{\"active\":false}");
	assert_int_equal(r->status, 200);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "active")));
	api_free(r);

	/* not offered, not chosen in a profile, not named in a joint inspection */
	assert_false(offered(s.off.bearer, s.unit.id));
	char json[512];
	snprintf(json, sizeof(json),
		 "{\"name\":\"新来的\",\"unit_id\":\"%s\",\"post\":\"科员\",\"phone\":"
		 "\"13912345678\"}",
		 s.unit.id);
	r = vs_call("PUT", "/api/v1/registration/profile", newcomer.bearer, json);
	assert_int_equal(r->status, 422);
	api_assert_error_field(r, "unit_id");
	api_free(r);
	cJSON *joint = vs_body(s.ent.token, "inspection");
	vs_body_exemption(joint, "complaint_report");
	vs_body_str(joint, "joint_kind", "joint");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(joint, "participating_unit_ids"),
			     cJSON_CreateString(s.unit.id));
	vs_assert_refused(lo.bearer, joint, 422, "validation", "participating_unit_ids",
			  "joint with an inactive unit");

	/* its officials register nothing until it is active again */
	cJSON *body = vs_body(s.ent.token, "visit");
	r = vs_register(s.off.bearer, body);
	api_assert_problem(r, 422, "unit-inactive");
	assert_non_null(strstr(api_json_str(r, "detail"), s.unit.name));
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	assert_int_equal(vs_account_visit_rows(s.off.account_id), 0);
	r = patch(&city, s.unit.id, "{\"active\":true}");
	assert_int_equal(r->status, 200);
	api_free(r);
	free(vs_register_ok(s.off.bearer, body));
	assert_true(offered(s.off.bearer, s.unit.id));

	cJSON_Delete(body);
	cJSON_Delete(joint);
	vs_official_free(&lo);
	vs_official_free(&newcomer);
	vs_scene_free(&s);
	api_session_end(&city);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_city_admin_edits_a_unit),
	    cmocka_unit_test(test_other_roles_are_refused),
	    cmocka_unit_test(test_a_deactivated_unit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
