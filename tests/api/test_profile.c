/* The official's profile: missing (404 profile-missing, the first-scan form), created (201),
 * read, updated (200); every bad field is 422 naming it and writes nothing; another account
 * cannot read or change it (RLS asked directly as ruqima_app); the app role cannot set
 * verified; a change of cert_no takes the verification away, a change of post does not. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROFILE "/api/v1/registration/profile"

static void exec_ok(PGconn *c, const char *sql, int n, const char *const *params)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
}

static struct api_resp *put(const char *bearer, const char *json)
{
	char auth[512];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer);
	const char *headers[] = {auth, NULL};
	return api_call("PUT", PROFILE, "application/json", json, headers);
}

/* An active unit created as the owner; returns its id (malloc'd). */
static char *unit_new(bool active)
{
	PGconn *c = api_db("owner");
	exec_ok(c, "BEGIN", 0, NULL);
	exec_ok(c, "SELECT rq.set_actor('system', 'test', 'owner', NULL, NULL, 'test', '')", 0,
		NULL);
	const char *p[] = {api_unique("profile-unit"), active ? "t" : "f"};
	char *id = api_sql_value(
	    c, "INSERT INTO rq.units (name, active) VALUES ($1, $2::boolean) RETURNING id", 2, p);
	exec_ok(c, "COMMIT", 0, NULL);
	PQfinish(c);
	return id;
}

static char *body(const char *unit, const char *cert)
{
	char *b = malloc(512);
	snprintf(b, 512,
		 "{\"name\":\"张三\",\"unit_id\":\"%s\",\"post\":\"科员\",\"cert_no\":\"%s\","
		 "\"phone\":\"13912345678\"}",
		 unit, cert);
	return b;
}

static int64_t rows_of(const char *account)
{
	const char *p[] = {account};
	return api_owner_int(
	    "SELECT count(*) FROM rq.official_profiles WHERE account_id = $1::bigint", 1, p);
}

static char *verified_of(const char *account)
{
	const char *p[] = {account};
	return api_owner_value("SELECT verified::text FROM rq.official_profiles"
			       " WHERE account_id = $1::bigint",
			       1, p);
}

static void test_create_read_update(void **state)
{
	(void)state;
	char openid[64];
	snprintf(openid, sizeof(openid), "%s", api_unique("prof-a"));
	char *bearer = api_wx_login(openid);
	char *account = api_account_id(openid);
	char *unit = unit_new(true);

	struct api_resp *r = api_get(PROFILE, bearer);
	api_assert_problem(r, 404, "profile-missing");
	api_free(r);

	char *b = body(unit, "HN-12345");
	r = put(bearer, b);
	assert_int_equal(r->status, 201);
	assert_string_equal(api_json_str(r, "name"), "张三");
	assert_string_equal(api_json_str(r, "unit_id"), unit);
	assert_string_equal(api_json_str(r, "cert_no"), "HN-12345");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(r->json, "verified")));
	api_free(r);
	free(b);

	r = api_get(PROFILE, bearer);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "account_id"), account);
	assert_string_equal(api_json_str(r, "phone"), "13912345678");
	assert_string_equal(api_json_str(r, "post"), "科员");
	api_free(r);

	/* a rejected update changes nothing */
	r = put(bearer, "{\"name\":\"张三\",\"unit_id\":\"0\",\"post\":\"x\",\"phone\":\"1\"}");
	api_assert_error_field(r, "unit_id");
	api_assert_error_field(r, "phone");
	api_free(r);
	r = api_get(PROFILE, bearer);
	assert_string_equal(api_json_str(r, "post"), "科员");
	api_free(r);

	char buf[512];
	snprintf(buf, sizeof(buf),
		 "{\"name\":\"张三\",\"unit_id\":%s,\"post\":\"副科长\",\"phone\":\"15012345678\"}",
		 unit);
	r = put(bearer, buf);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "post"), "副科长");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json, "cert_no")));
	api_free(r);
	assert_int_equal(rows_of(account), 1);
	free(unit);
	free(account);
	free(bearer);
}

static void test_bad_fields(void **state)
{
	(void)state;
	char openid[64];
	snprintf(openid, sizeof(openid), "%s", api_unique("prof-bad"));
	char *bearer = api_wx_login(openid);
	char *account = api_account_id(openid);
	char *unit = unit_new(true);
	char *inactive = unit_new(false);
	char long51[160];
	for (int i = 0; i < 51; i++)
		memcpy(long51 + 3 * i, "长", 3); /* 3 bytes in UTF-8 */
	long51[3 * 51] = '\0';
	char cert41[42];
	memset(cert41, 'A', 41);
	cert41[41] = '\0';
	struct {
		const char *field;
		char json[512];
	} cases[12];
	size_t n = 0;
#define CASE(f, ...)                                                                               \
	do {                                                                                       \
		cases[n].field = (f);                                                              \
		snprintf(cases[n].json, sizeof(cases[n].json), __VA_ARGS__);                       \
		n++;                                                                               \
	} while (0)
	CASE("name",
	     "{\"name\":\"  \",\"unit_id\":\"%s\",\"post\":\"p\",\"phone\":\"13912345678\"}", unit);
	CASE("name",
	     "{\"name\":\"%s\",\"unit_id\":\"%s\",\"post\":\"p\",\"phone\":\"13912345678\"}",
	     long51, unit);
	CASE("name", "{\"unit_id\":\"%s\",\"post\":\"p\",\"phone\":\"13912345678\"}", unit);
	CASE("post", "{\"name\":\"n\",\"unit_id\":\"%s\",\"post\":\"\",\"phone\":\"13912345678\"}",
	     unit);
	CASE("post",
	     "{\"name\":\"n\",\"unit_id\":\"%s\",\"post\":\"%s\",\"phone\":\"13912345678\"}", unit,
	     long51);
	CASE("unit_id", "{\"name\":\"n\",\"unit_id\":\"999999999\",\"post\":\"p\","
			"\"phone\":\"13912345678\"}");
	CASE("unit_id",
	     "{\"name\":\"n\",\"unit_id\":\"%s\",\"post\":\"p\",\"phone\":\"13912345678\"}",
	     inactive);
	CASE("unit_id",
	     "{\"name\":\"n\",\"unit_id\":\"abc\",\"post\":\"p\",\"phone\":\"13912345678\"}");
	CASE("phone",
	     "{\"name\":\"n\",\"unit_id\":\"%s\",\"post\":\"p\",\"phone\":\"12912345678\"}", unit);
	CASE("phone", "{\"name\":\"n\",\"unit_id\":\"%s\",\"post\":\"p\",\"phone\":\"1391234567\"}",
	     unit);
	CASE("cert_no",
	     "{\"name\":\"n\",\"unit_id\":\"%s\",\"post\":\"p\",\"cert_no\":\"A B\","
	     "\"phone\":\"13912345678\"}",
	     unit);
	CASE("cert_no",
	     "{\"name\":\"n\",\"unit_id\":\"%s\",\"post\":\"p\",\"cert_no\":\"%s\","
	     "\"phone\":\"13912345678\"}",
	     unit, cert41);
#undef CASE
	for (size_t i = 0; i < n; i++) {
		struct api_resp *r = put(bearer, cases[i].json);
		if (r->status != 422)
			fail_msg("case %zu (%s): %ld %s", i, cases[i].field, r->status, r->body);
		api_assert_error_field(r, cases[i].field);
		api_free(r);
		assert_int_equal(rows_of(account), 0);
	}
	free(inactive);
	free(unit);
	free(account);
	free(bearer);
}

static void test_rls_and_verified_reset(void **state)
{
	(void)state;
	char oa[64], ob[64];
	snprintf(oa, sizeof(oa), "%s", api_unique("prof-rls-a"));
	snprintf(ob, sizeof(ob), "%s", api_unique("prof-rls-b"));
	char *a = api_wx_login(oa);
	char *b = api_wx_login(ob);
	char *a_id = api_account_id(oa);
	char *b_id = api_account_id(ob);
	char *unit = unit_new(true);
	char *json = body(unit, "HN-1");
	struct api_resp *r = put(a, json);
	assert_int_equal(r->status, 201);
	api_free(r);
	free(json);

	/* b cannot see or change a's profile; a cannot set verified itself (as the pool that
	 * writes profiles, registration) */
	PGconn *c = api_db("registration");
	exec_ok(c, "BEGIN", 0, NULL);
	const char *pb[] = {b_id};
	exec_ok(c, "SELECT rq.set_actor('account', $1, 'account', NULL, NULL, 'test', '')", 1, pb);
	const char *pa[] = {a_id};
	assert_int_equal(api_sql_int(c,
				     "SELECT count(*) FROM rq.official_profiles"
				     " WHERE account_id = $1::bigint",
				     1, pa),
			 0);
	assert_int_equal(api_sql_exec(c,
				      "UPDATE rq.official_profiles SET name = 'x'"
				      " WHERE account_id = $1::bigint",
				      1, pa),
			 0);
	exec_ok(c, "ROLLBACK", 0, NULL);
	exec_ok(c, "BEGIN", 0, NULL);
	exec_ok(c, "SELECT rq.set_actor('account', $1, 'account', NULL, NULL, 'test', '')", 1, pa);
	char *st = api_sql_state(c, "UPDATE rq.official_profiles SET verified = true", 0, NULL);
	assert_string_equal(st, "42501");
	free(st);
	exec_ok(c, "ROLLBACK", 0, NULL);
	r = api_get(PROFILE, b);
	api_assert_problem(r, 404, "profile-missing");
	api_free(r);

	/* verified by a city admin through rq.official_change */
	char admin[64];
	snprintf(admin, sizeof(admin), "%s", api_unique("prof-city"));
	free(api_create_admin(admin, "city_admin"));
	const char *pu[] = {admin};
	char *admin_id =
	    api_owner_value("SELECT id FROM rq.admin_users WHERE username = $1", 1, pu);
	PQfinish(c);
	c = api_db("admin"); /* the portal's pool */
	exec_ok(c, "BEGIN", 0, NULL);
	const char *pad[] = {admin_id};
	exec_ok(c, "SELECT rq.set_actor('admin', $1, 'city_admin', NULL, NULL, 'test', '')", 1,
		pad);
	char *ok = api_sql_value(
	    c, "SELECT (rq.official_change($1::bigint, 'verify', NULL)).outcome", 1, pa);
	assert_string_equal(ok, "ok");
	free(ok);
	exec_ok(c, "COMMIT", 0, NULL);
	PQfinish(c);
	char *v = verified_of(a_id);
	assert_string_equal(v, "true");
	free(v);

	/* a change of post keeps the verification; a change of cert_no takes it away */
	char buf[512];
	snprintf(buf, sizeof(buf),
		 "{\"name\":\"张三\",\"unit_id\":\"%s\",\"post\":\"科长\",\"cert_no\":\"HN-1\","
		 "\"phone\":\"13912345678\"}",
		 unit);
	r = put(a, buf);
	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "verified")));
	api_free(r);
	json = body(unit, "HN-2");
	r = put(a, json);
	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(r->json, "verified")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json, "verified_at")));
	api_free(r);
	free(json);
	v = verified_of(a_id);
	assert_string_equal(v, "false");
	free(v);

	free(admin_id);
	free(unit);
	free(a_id);
	free(b_id);
	free(a);
	free(b);
}

/* The profile form's unit list: active units only, for a signed-in account only. */
static void test_units_list(void **state)
{
	(void)state;
	char *active = unit_new(true), *inactive = unit_new(false);
	char *bearer = api_wx_login(api_unique("profile-units"));
	char auth[512];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer);
	const char *headers[] = {auth, NULL};
	bool seen_active = false, seen_inactive = false;
	const char *after = "0";
	for (int pages = 0; pages < 1000; pages++) {
		char path[96];
		snprintf(path, sizeof(path), "/api/v1/registration/units?limit=200&after=%s",
			 after);
		struct api_resp *r = api_call("GET", path, NULL, NULL, headers);
		assert_int_equal(r->status, 200);
		cJSON *u;
		cJSON_ArrayForEach(u, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
		{
			const char *id = cJSON_GetObjectItemCaseSensitive(u, "id")->valuestring;
			seen_active |= strcmp(id, active) == 0;
			seen_inactive |= strcmp(id, inactive) == 0;
		}
		const cJSON *next = cJSON_GetObjectItemCaseSensitive(r->json, "next_after");
		static char next_s[32];
		bool more = cJSON_IsString(next);
		if (more)
			snprintf(next_s, sizeof(next_s), "%s", next->valuestring);
		api_free(r);
		if (!more)
			break;
		after = next_s;
	}
	assert_true(seen_active);
	assert_false(seen_inactive);
	struct api_resp *r = api_call("GET", "/api/v1/registration/units", NULL, NULL, NULL);
	api_assert_problem(r, 401, "unauthenticated");
	api_free(r);
	free(bearer);
	free(active);
	free(inactive);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_read_update),
	    cmocka_unit_test(test_bad_fields),
	    cmocka_unit_test(test_rls_and_verified_reset),
	    cmocka_unit_test(test_units_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
