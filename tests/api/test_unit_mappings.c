/* The unit names of 慧企通 and their units (rq.unit_mappings), kept by the city admin in the
 * portal (GET, POST /api/v1/admin/unit-mappings, DELETE .../{id}) and with `ruqima units map`:
 * a new name is 201, the same again 200 unchanged (nothing written), another unit 200
 * updated, each change audited with its actor; bad names and units are 422 naming the field
 * and write nothing; every other portal role is refused (403) on every route and nothing
 * changes. */
#include "api.h"
#include "api_register.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAPPINGS "/api/v1/admin/unit-mappings"

static int64_t mapping_rows(void)
{
	return api_owner_int("SELECT count(*) FROM rq.unit_mappings", 0, NULL);
}

static int64_t mapping_audit_rows(void)
{
	return api_owner_int("SELECT count(*) FROM audit.log WHERE table_name = 'rq.unit_mappings'",
			     0, NULL);
}

static struct api_resp *set(const struct api_session *s, const char *name, const char *unit)
{
	char json[512];
	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"unit_id\":\"%s\"}", name, unit);
	return api_session_call(s, "POST", MAPPINGS, json);
}

static const char *mapping_path(const char *id)
{
	static char path[96];
	snprintf(path, sizeof(path), MAPPINGS "/%s", id);
	return path;
}

static void test_city_admin_sets_lists_and_deletes(void **state)
{
	(void)state;
	struct api_session city;
	api_session_login(&city, "map-city", "city_admin", NULL);
	struct vs_unit u, v;
	vs_unit_new(&u, NULL);
	vs_unit_new(&v, NULL);
	char name[128], padded[160];
	snprintf(name, sizeof(name), "%s", api_unique("慧企通单位名"));
	snprintf(padded, sizeof(padded), "  %s ", name);

	/* new: 201, trimmed, audited with the admin as actor */
	struct api_resp *r = set(&city, padded, u.id);
	if (r->status != 201)
		fail_msg("set: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "name"), name);
	assert_string_equal(api_json_str(r, "unit_id"), u.id);
	assert_string_equal(api_json_str(r, "unit_name"), u.name);
	assert_string_equal(api_json_str(r, "source"), "huiqitong");
	assert_string_equal(api_json_str(r, "change"), "inserted");
	char id[24];
	snprintf(id, sizeof(id), "%s", api_json_str(r, "id"));
	char *rid = api_request_id(r);
	const char *pa[] = {rid, city.username};
	assert_int_equal(api_owner_int("SELECT count(*) FROM audit.log a JOIN rq.admin_users x"
				       " ON x.id::text = a.actor_id WHERE a.request_id = $1"
				       " AND a.table_name = 'rq.unit_mappings' AND a.operation ="
				       " 'INSERT' AND a.actor_kind = 'admin' AND x.username = $2",
				       2, pa),
			 1);
	free(rid);
	api_free(r);

	/* the same again: 200 unchanged, nothing written */
	int64_t audit = mapping_audit_rows();
	r = set(&city, name, u.id);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "change"), "unchanged");
	api_free(r);
	assert_int_equal(mapping_audit_rows(), audit);
	/* another unit: 200 updated */
	r = set(&city, name, v.id);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "change"), "updated");
	assert_string_equal(api_json_str(r, "unit_id"), v.id);
	assert_string_equal(api_json_str(r, "id"), id);
	api_free(r);
	assert_int_equal(mapping_audit_rows(), audit + 1);

	/* listed */
	r = api_session_call(&city, "GET", MAPPINGS "?limit=200", NULL);
	assert_int_equal(r->status, 200);
	cJSON *item = api_list_item(r, id);
	assert_non_null(item);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(item, "name")), name);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(item, "unit_id")), v.id);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(item, "unit_active")));
	api_free(r);

	/* deleted: 204, then 404 */
	r = api_session_call(&city, "DELETE", mapping_path(id), NULL);
	assert_int_equal(r->status, 204);
	api_free(r);
	const char *pi[] = {id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.unit_mappings WHERE id = $1::bigint", 1, pi), 0);
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log WHERE table_name ="
			  " 'rq.unit_mappings' AND row_pk = $1 AND operation = 'DELETE'",
			  1, pi),
	    1);
	r = api_session_call(&city, "DELETE", mapping_path(id), NULL);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	api_session_end(&city);
}

static void test_bad_input_writes_nothing(void **state)
{
	(void)state;
	struct api_session city;
	api_session_login(&city, "map-bad", "city_admin", NULL);
	struct vs_unit u;
	vs_unit_new(&u, NULL);
	char long_name[400];
	for (int i = 0; i < 101; i++)
		memcpy(long_name + 3 * i, "局", 3); /* 101 characters, one too many */
	long_name[303] = '\0';
	static const char *const fields[] = {"unit_id", "name", "name", "name", "unit_id"};
	const char *bodies[5];
	char b0[256], b1[64], b2[600], b3[256], b4[64];
	snprintf(b0, sizeof(b0), "{\"name\":\"%s\",\"unit_id\":\"999999999\"}",
		 api_unique("无此单位"));
	snprintf(b1, sizeof(b1), "{\"name\":\"   \",\"unit_id\":\"%s\"}", u.id);
	snprintf(b2, sizeof(b2), "{\"name\":\"%s\",\"unit_id\":\"%s\"}", long_name, u.id);
	snprintf(b3, sizeof(b3), "{\"name\":\"甲\\n乙\",\"unit_id\":\"%s\"}", u.id);
	snprintf(b4, sizeof(b4), "{\"name\":\"某单位\",\"unit_id\":\"abc\"}");
	bodies[0] = b0, bodies[1] = b1, bodies[2] = b2, bodies[3] = b3, bodies[4] = b4;
	int64_t rows = mapping_rows();
	for (int i = 0; i < 5; i++) {
		struct api_resp *r = api_session_call(&city, "POST", MAPPINGS, bodies[i]);
		if (r->status != 422)
			fail_msg("%s: %ld %s", bodies[i], r->status, r->body);
		api_assert_error_field(r, fields[i]);
		api_free(r);
	}
	/* a member it does not take */
	char json[256];
	snprintf(json, sizeof(json), "{\"name\":\"某单位\",\"unit_id\":\"%s\",\"county\":\"x\"}",
		 u.id);
	struct api_resp *r = api_session_call(&city, "POST", MAPPINGS, json);
	api_assert_problem(r, 400, "unknown-field");
	api_free(r);
	/* without the CSRF token */
	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"unit_id\":\"%s\"}", api_unique("无令牌"),
		 u.id);
	const char *headers[] = {city.cookie_h, NULL};
	r = api_call("POST", MAPPINGS, "application/json", json, headers);
	assert_int_equal(r->status, 403);
	api_free(r);
	assert_int_equal(mapping_rows(), rows);
	api_session_end(&city);
}

static void test_other_roles_are_refused(void **state)
{
	(void)state;
	struct api_session city;
	api_session_login(&city, "map-owner", "city_admin", NULL);
	struct vs_unit u;
	vs_unit_new(&u, NULL);
	struct api_resp *r = set(&city, api_unique("已有对应"), u.id);
	assert_int_equal(r->status, 201);
	char id[24];
	snprintf(id, sizeof(id), "%s", api_json_str(r, "id"));
	api_free(r);
	api_session_end(&city);

	static const char *const roles[][2] = {
	    {"county_admin", "411502"},	    {"unit_admin", NULL},
	    {"market_supervision", NULL},   {"judicial_analyst", NULL},
	    {"discipline_inspector", NULL},
	};
	int64_t rows = mapping_rows(), audit = mapping_audit_rows();
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		struct api_session s;
		if (strcmp(roles[i][0], "unit_admin") == 0)
			api_session_login_in(&s, "map-role", roles[i][0], NULL, u.id);
		else
			api_session_login(&s, "map-role", roles[i][0], roles[i][1]);
		r = api_session_call(&s, "GET", MAPPINGS, NULL);
		if (r->status != 403)
			fail_msg("%s GET: %ld", roles[i][0], r->status);
		api_free(r);
		r = set(&s, api_unique("越权对应"), u.id);
		if (r->status != 403)
			fail_msg("%s POST: %ld", roles[i][0], r->status);
		api_free(r);
		r = api_session_call(&s, "DELETE", mapping_path(id), NULL);
		if (r->status != 403)
			fail_msg("%s DELETE: %ld", roles[i][0], r->status);
		api_free(r);
		api_session_end(&s);
	}
	/* and the SQL refuses them too, past the route table */
	PGconn *c = api_db("app");
	api_sql_exec(c, "BEGIN", 0, NULL);
	api_sql_exec(c,
		     "SELECT rq.set_actor('admin', '1', 'county_admin', '411502', NULL, 'test-map',"
		     " NULL)",
		     0, NULL);
	const char *p[] = {u.id};
	char *st =
	    api_sql_state(c, "SELECT rq.unit_mapping_set('huiqitong', '越权', $1::bigint)", 1, p);
	assert_string_equal(st, "42501");
	free(st);
	PQfinish(c);
	assert_int_equal(mapping_rows(), rows);
	assert_int_equal(mapping_audit_rows(), audit);
}

static void test_cli_keeps_the_same_table(void **state)
{
	(void)state;
	struct vs_unit u;
	vs_unit_new(&u, NULL);
	char name[128], cmd[512], *out;
	snprintf(name, sizeof(name), "%s", api_unique("命令行单位名"));
	snprintf(cmd, sizeof(cmd), "units map set --name '%s' --unit %s", name, u.id);
	assert_int_equal(api_cli(cmd, &out), 0);
	if (strstr(out, "(inserted)") == NULL || strstr(out, u.name) == NULL)
		fail_msg("%s", out);
	free(out);
	const char *p[] = {name};
	assert_int_equal(api_owner_int("SELECT count(*) FROM audit.log a JOIN rq.unit_mappings m"
				       " ON a.row_pk = m.id::text WHERE a.table_name ="
				       " 'rq.unit_mappings' AND m.name = $1 AND a.actor_kind ="
				       " 'system' AND a.request_id = 'cli-units-map'",
				       1, p),
			 1);
	assert_int_equal(api_cli("units map list", &out), 0);
	if (strstr(out, name) == NULL)
		fail_msg("list: %s", out);
	free(out);
	/* an unknown unit: refused, saying why */
	snprintf(cmd, sizeof(cmd), "units map set --name '%s' --unit 999999999", name);
	assert_int_equal(api_cli(cmd, &out), 1);
	if (strstr(out, "没有这个单位") == NULL)
		fail_msg("%s", out);
	free(out);
	snprintf(cmd, sizeof(cmd), "units map delete --name '%s'", name);
	assert_int_equal(api_cli(cmd, &out), 0);
	free(out);
	assert_int_equal(api_cli(cmd, &out), 1); /* gone */
	free(out);
	assert_int_equal(api_cli("units map set --name x", &out), 2);
	free(out);
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.unit_mappings WHERE name = $1", 1, p), 0);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_city_admin_sets_lists_and_deletes),
	    cmocka_unit_test(test_bad_input_writes_nothing),
	    cmocka_unit_test(test_other_roles_are_refused),
	    cmocka_unit_test(test_cli_keeps_the_same_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
