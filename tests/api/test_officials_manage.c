/* A unit admin and the officials of their unit: the list with each
 * official's visits (a withdrawn one left out of the count), one official and their visits
 * (withdrawn ones shown as such); un-verify, deactivate (with a reason) and reactivate, each
 * audited with the admin as actor. A deactivated official cannot register visits (403
 * official-deactivated, nothing written) but still reads their own; one who moved to another
 * unit is reactivated by that unit's admin. Refused: another unit's admin (404, also for the
 * visits), a county admin of another county (404), the county admin of the county (403 on
 * the changes), the portal roles without officials (403), bad reasons (422). */
#include "api.h"
#include "api_register.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFFICIALS "/api/v1/admin/officials"

/* Two units of county 411502 and a located enterprise with a code. */
struct scene {
	struct vs_unit ua, ub;
	struct vs_enterprise e;
};

static void scene_new(struct scene *sc)
{
	struct vs_unit *units[] = {&sc->ua, &sc->ub};
	for (size_t i = 0; i < 2; i++) {
		vs_unit_new(units[i], "派驻测试纪检监察组");
		const char *p[] = {units[i]->id};
		api_owner_write("UPDATE rq.units SET county_code = '411502' WHERE id = $1::bigint",
				1, p);
	}
	vs_enterprise_new(&sc->e, true);
}

static struct api_resp *get(const struct api_session *s, const char *path)
{
	return api_session_call(s, "GET", path, NULL);
}

/* POST /api/v1/admin/officials/<id>/<action> with body json (NULL: none). */
static struct api_resp *act(const struct api_session *s, const char *id, const char *action,
			    const char *json)
{
	char path[160];
	snprintf(path, sizeof(path), OFFICIALS "/%s/%s", id, action);
	return api_session_call(s, "POST", path, json);
}

static const char *official_path(const char *id, const char *suffix)
{
	static char path[160];
	snprintf(path, sizeof(path), OFFICIALS "/%s%s", id, suffix);
	return path;
}

/* Asserts r is the problem status/slug; frees it. */
static void refused(struct api_resp *r, long status, const char *slug, const char *what)
{
	if (r->status != status)
		fail_msg("%s: %ld %s", what, r->status, r->body);
	api_assert_problem(r, status, slug);
	api_free(r);
}

/* The profile's column as text (malloc'd), read as the owner. */
static char *profile(const char *account, const char *column)
{
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "SELECT %s::text FROM rq.official_profiles WHERE account_id = $1::bigint", column);
	const char *p[] = {account};
	return api_owner_value(sql, 1, p);
}

static void assert_profile(const char *account, const char *column, const char *want)
{
	char *v = profile(account, column);
	if (v == NULL || strcmp(v, want) != 0)
		fail_msg("%s is %s, not %s", column, v != NULL ? v : "NULL", want);
	free(v);
}

/* The admin user's id (malloc'd). */
static char *admin_id(const struct api_session *s)
{
	const char *p[] = {s->username};
	return api_owner_value("SELECT id FROM rq.admin_users WHERE username = $1", 1, p);
}

/* Audit rows of the profile's changes of column to want, made by the admin. */
static int64_t audited(const char *account, const struct api_session *admin, const char *column,
		       const char *want)
{
	char *id = admin_id(admin);
	const char *p[] = {account, id, column, want};
	int64_t n = api_owner_int("SELECT count(*) FROM audit.log WHERE table_name ="
				  " 'rq.official_profiles' AND operation = 'UPDATE' AND row_pk = $1"
				  " AND actor_kind = 'admin' AND actor_id = $2"
				  " AND new_row->>$3 = $4 AND old_row->>$3 IS DISTINCT FROM $4",
				  4, p);
	free(id);
	return n;
}

static void test_unit_admin_lists_officials_and_their_visits(void **state)
{
	(void)state;
	struct scene sc;
	scene_new(&sc);
	struct vs_official o, o2, x;
	vs_official_new(&o, sc.ua.id, NULL, true);
	vs_official_new(&o2, sc.ua.id, NULL, false);
	vs_official_new(&x, sc.ub.id, NULL, true);
	cJSON *body = vs_body(sc.e.token, "visit");
	char *v1 = vs_register_ok(o.bearer, body);
	char *v2 = vs_register_ok(o.bearer, body);
	struct api_resp *r =
	    vs_call("POST", vs_path(v1, "/withdraw"), o.bearer, "{\"reason\":\"重复登记\"}");
	assert_int_equal(r->status, 200);
	api_free(r);

	struct api_session a, b, county, other_county, market, discipline;
	api_session_login_in(&a, "om-ua", "unit_admin", NULL, sc.ua.id);
	api_session_login_in(&b, "om-ub", "unit_admin", NULL, sc.ub.id);
	api_session_login(&county, "om-county", "county_admin", "411502");
	api_session_login(&other_county, "om-county2", "county_admin", "411503");
	api_session_login(&market, "om-market", "market_supervision", NULL);
	api_session_login(&discipline, "om-disc", "discipline_inspector", NULL);

	/* the unit's officials only, each with the visits the admin sees */
	r = get(&a, OFFICIALS "?limit=200");
	assert_int_equal(r->status, 200);
	cJSON *items = cJSON_GetObjectItem(r->json, "items"), *it;
	assert_int_equal(cJSON_GetArraySize(items), 2);
	cJSON_ArrayForEach(it, items)
	{
		const char *id = cJSON_GetObjectItem(it, "id")->valuestring;
		bool mine = strcmp(id, o.account_id) == 0;
		assert_true(mine || strcmp(id, o2.account_id) == 0);
		assert_int_equal(cJSON_GetObjectItem(it, "visits")->valueint, mine ? 1 : 0);
		assert_true(cJSON_IsTrue(cJSON_GetObjectItem(it, "active")));
		assert_int_equal(cJSON_IsNull(cJSON_GetObjectItem(it, "last_entered_at")), !mine);
	}
	api_free(r);
	r = get(&a, OFFICIALS "?verified=false");
	assert_int_equal(r->status, 200);
	items = cJSON_GetObjectItem(r->json, "items");
	assert_int_equal(cJSON_GetArraySize(items), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "id")->valuestring,
			    o2.account_id);
	api_free(r);

	/* one official: the unit's admin and the county's admin; nobody else */
	r = get(&a, official_path(o.account_id, ""));
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "unit_id"), sc.ua.id);
	assert_int_equal(cJSON_GetObjectItem(r->json, "visits")->valueint, 1);
	api_free(r);
	r = get(&county, official_path(o.account_id, ""));
	assert_int_equal(r->status, 200);
	api_free(r);
	refused(get(&b, official_path(o.account_id, "")), 404, "not-found", "another unit");
	refused(get(&other_county, official_path(o.account_id, "")), 404, "not-found",
		"another county");
	refused(get(&market, official_path(o.account_id, "")), 403, "forbidden", "market");

	/* their visits, newest first, the withdrawn one as such */
	r = get(&a, official_path(o.account_id, "/visits"));
	assert_int_equal(r->status, 200);
	items = cJSON_GetObjectItem(r->json, "items");
	assert_int_equal(cJSON_GetArraySize(items), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "id")->valuestring,
			    v2);
	assert_string_equal(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(items, 1), "status")->valuestring, "withdrawn");
	api_free(r);
	r = get(&a, official_path(o.account_id, "/visits?limit=1"));
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "next_after"), v2);
	api_free(r);
	r = get(&a, official_path(x.account_id, "/visits"));
	refused(r, 404, "not-found", "another unit's official's visits");
	refused(get(&b, official_path(o.account_id, "/visits")), 404, "not-found",
		"another unit's admin");
	refused(get(&other_county, official_path(o.account_id, "/visits")), 404, "not-found",
		"another county's admin");
	refused(get(&discipline, official_path(o.account_id, "/visits")), 403, "forbidden",
		"discipline inspector");
	refused(get(&a, official_path("99999999", "/visits")), 404, "not-found", "no such");

	api_session_end(&a);
	api_session_end(&b);
	api_session_end(&county);
	api_session_end(&other_county);
	api_session_end(&market);
	api_session_end(&discipline);
	cJSON_Delete(body);
	free(v1);
	free(v2);
	vs_official_free(&o);
	vs_official_free(&o2);
	vs_official_free(&x);
}

/* PUT /api/v1/registration/profile of the official, in unit. */
static void move_to(const struct vs_official *o, const char *unit)
{
	char json[512];
	snprintf(json, sizeof(json),
		 "{\"name\":\"入企测试员\",\"unit_id\":\"%s\",\"post\":\"执法科员\","
		 "\"phone\":\"13912345678\"}",
		 unit);
	struct api_resp *r = vs_call("PUT", "/api/v1/registration/profile", o->bearer, json);
	assert_int_equal(r->status, 200);
	api_free(r);
}

static void test_unverify_deactivate_reactivate(void **state)
{
	(void)state;
	struct scene sc;
	scene_new(&sc);
	struct vs_official o;
	vs_official_new(&o, sc.ua.id, NULL, true);
	cJSON *body = vs_body(sc.e.token, "visit");
	struct api_session a, b, county, market;
	api_session_login_in(&a, "om-ua", "unit_admin", NULL, sc.ua.id);
	api_session_login_in(&b, "om-ub", "unit_admin", NULL, sc.ub.id);
	api_session_login(&county, "om-county", "county_admin", "411502");
	api_session_login(&market, "om-market", "market_supervision", NULL);

	/* un-verify: only the unit's admin (or the city admin) */
	refused(act(&b, o.account_id, "unverify", NULL), 404, "not-found", "another unit");
	refused(act(&county, o.account_id, "unverify", NULL), 403, "forbidden", "county admin");
	refused(act(&market, o.account_id, "unverify", NULL), 403, "forbidden", "market");
	assert_profile(o.account_id, "verified", "true");
	struct api_resp *r = act(&a, o.account_id, "unverify", NULL);
	assert_int_equal(r->status, 200);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "verified")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json, "verified_by")));
	api_free(r);
	assert_profile(o.account_id, "verified", "false");
	assert_int_equal(audited(o.account_id, &a, "verified", "false"), 1);
	r = vs_register(o.bearer, body);
	assert_int_equal(r->status, 201);
	assert_true(vs_has_flag(r, "official_unverified"));
	api_free(r);

	/* deactivate: a reason, 1 to 200 characters, not blank */
	char long_reason[800] = "{\"reason\":\"";
	size_t n = strlen(long_reason);
	for (int i = 0; i < 201; i++, n += 3)
		memcpy(long_reason + n, "调", 3);
	memcpy(long_reason + n, "\"}", 3);
	const char *bad[] = {"{}", "{\"reason\":\"\"}", "{\"reason\":\"  \"}", "{\"reason\":1}",
			     long_reason};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = act(&a, o.account_id, "deactivate", bad[i]);
		if (r->status != 422)
			fail_msg("%s: %ld %s", bad[i], r->status, r->body);
		api_assert_error_field(r, "reason");
		api_free(r);
	}
	const char *reason = "{\"reason\":\"已调离本单位\"}";
	refused(act(&b, o.account_id, "deactivate", reason), 404, "not-found", "another unit");
	refused(act(&county, o.account_id, "deactivate", reason), 403, "forbidden", "county");
	assert_profile(o.account_id, "active", "true");
	r = act(&a, o.account_id, "deactivate", reason);
	assert_int_equal(r->status, 200);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "active")));
	assert_string_equal(api_json_str(r, "deactivation_reason"), "已调离本单位");
	char *aid = admin_id(&a);
	assert_string_equal(api_json_str(r, "deactivated_by"), aid);
	api_free(r);
	assert_int_equal(audited(o.account_id, &a, "active", "false"), 1);
	/* again: nothing changes, the first reason stays */
	r = act(&a, o.account_id, "deactivate", "{\"reason\":\"第二次\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "deactivation_reason"), "已调离本单位");
	api_free(r);

	/* a deactivated official registers nothing, still reads their own visits */
	int64_t before = vs_account_visit_rows(o.account_id);
	r = vs_register(o.bearer, body);
	api_assert_problem(r, 403, "official-deactivated");
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	assert_int_equal(vs_account_visit_rows(o.account_id), before);
	r = vs_call("GET", VS_VISITS, o.bearer, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1);
	api_free(r);
	r = vs_call("GET", "/api/v1/registration/profile", o.bearer, NULL);
	assert_int_equal(r->status, 200);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "active")));
	api_free(r);
	r = get(&a, OFFICIALS "?active=false");
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1);
	api_free(r);

	/* reactivated by the unit's admin: registers again */
	refused(act(&b, o.account_id, "reactivate", NULL), 404, "not-found", "another unit");
	r = act(&a, o.account_id, "reactivate", NULL);
	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "active")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json, "deactivation_reason")));
	api_free(r);
	assert_int_equal(audited(o.account_id, &a, "active", "true"), 1);
	r = vs_register(o.bearer, body);
	assert_int_equal(r->status, 201);
	api_free(r);

	/* one who left for another unit: deactivated by the old unit, who then no longer sees
	 * them once they moved; the new unit's admin reactivates */
	r = act(&a, o.account_id, "deactivate", reason);
	assert_int_equal(r->status, 200);
	api_free(r);
	move_to(&o, sc.ub.id);
	assert_profile(o.account_id, "active", "false");
	refused(act(&a, o.account_id, "reactivate", NULL), 404, "not-found", "the old unit");
	r = act(&b, o.account_id, "reactivate", NULL);
	assert_int_equal(r->status, 200);
	api_free(r);
	r = vs_register(o.bearer, body);
	assert_int_equal(r->status, 201);
	assert_true(vs_has_flag(r, "official_unverified"));
	api_free(r);

	free(aid);
	api_session_end(&a);
	api_session_end(&b);
	api_session_end(&county);
	api_session_end(&market);
	cJSON_Delete(body);
	vs_official_free(&o);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unit_admin_lists_officials_and_their_visits),
	    cmocka_unit_test(test_unverify_deactivate_reactivate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
