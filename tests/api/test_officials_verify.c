/* A unit admin verifies an official of their unit in the portal: the profile is marked
 * verified by that admin, and the audit row of the change names the admin. The same admin
 * does not see (404) and cannot verify another unit's official; a county admin sees the
 * officials of their county's units but may not verify (403); the list is scoped by unit. */
#include "api.h"
#include "api_register.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void exec_ok(PGconn *c, const char *sql, int n, const char *const *params)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
}

/* A unit of county 411502, created as the owner with the actor context set (malloc'd id). */
static char *unit_new(void)
{
	PGconn *c = api_db("owner");
	exec_ok(c, "BEGIN", 0, NULL);
	exec_ok(c, "SELECT rq.set_actor('system', 'test', 'owner', NULL, NULL, 'test', '')", 0,
		NULL);
	const char *p[] = {api_unique("verify-unit")};
	char *id = api_sql_value(c,
				 "INSERT INTO rq.units (name, county_code) VALUES ($1, '411502')"
				 " RETURNING id",
				 1, p);
	exec_ok(c, "COMMIT", 0, NULL);
	PQfinish(c);
	return id;
}

/* An account with a profile in unit; returns the account id (malloc'd). */
static char *official_new(const char *unit)
{
	char openid[64];
	snprintf(openid, sizeof(openid), "%s", api_unique("verify-official"));
	char *bearer = api_wx_login(openid);
	char auth[512], body[512];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer);
	snprintf(body, sizeof(body),
		 "{\"name\":\"李四\",\"unit_id\":\"%s\",\"post\":\"执法员\",\"cert_no\":\"XY-7\","
		 "\"phone\":\"13800000000\"}",
		 unit);
	const char *headers[] = {auth, NULL};
	struct api_resp *r =
	    api_call("PUT", "/api/v1/registration/profile", "application/json", body, headers);
	if (r->status != 201)
		fail_msg("profile: %ld %s", r->status, r->body);
	api_free(r);
	free(bearer);
	return api_account_id(openid);
}

static struct api_resp *verify(const struct api_session *s, const char *account)
{
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/admin/officials/%s/verify", account);
	const char *headers[] = {s->cookie_h, s->csrf_h, NULL};
	return api_call("POST", path, "application/json", "{}", headers);
}

static char *verified_of(const char *account)
{
	const char *p[] = {account};
	return api_owner_value("SELECT verified::text FROM rq.official_profiles"
			       " WHERE account_id = $1::bigint",
			       1, p);
}

static void test_unit_admin_verifies_own_unit_only(void **state)
{
	(void)state;
	char *unit_a = unit_new();
	char *unit_b = unit_new();
	char *mine = official_new(unit_a);
	char *other = official_new(unit_b);
	struct api_session admin;
	api_session_login_in(&admin, "verify-uadmin", "unit_admin", NULL, unit_a);

	/* the list shows my unit's official, not the other unit's */
	const char *headers[] = {admin.cookie_h, NULL};
	struct api_resp *r =
	    api_call("GET", "/api/v1/admin/officials?limit=200", NULL, NULL, headers);
	assert_int_equal(r->status, 200);
	cJSON *items = cJSON_GetObjectItem(r->json, "items");
	assert_int_equal(cJSON_GetArraySize(items), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "id")->valuestring,
			    mine);
	api_free(r);

	/* another unit's official: not visible, not verified */
	r = verify(&admin, other);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	char *v = verified_of(other);
	assert_string_equal(v, "false");
	free(v);

	/* a county admin of the county sees it but may not verify */
	struct api_session county;
	api_session_login(&county, "verify-county", "county_admin", "411502");
	r = verify(&county, mine);
	assert_int_equal(r->status, 403);
	api_free(r);
	api_session_end(&county);

	r = verify(&admin, mine);
	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "verified")));
	api_free(r);
	v = verified_of(mine);
	assert_string_equal(v, "true");
	free(v);

	/* the audit row of the change names the admin */
	const char *pu[] = {admin.username};
	char *admin_id =
	    api_owner_value("SELECT id FROM rq.admin_users WHERE username = $1", 1, pu);
	const char *pa[] = {mine, admin_id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM audit.log"
				       " WHERE table_name = 'rq.official_profiles'"
				       " AND operation = 'UPDATE' AND row_pk = $1"
				       " AND actor_kind = 'admin' AND actor_id = $2",
				       2, pa),
			 1);
	char *by = api_owner_value("SELECT verified_by::text FROM rq.official_profiles"
				   " WHERE account_id = $1::bigint",
				   1, pa);
	assert_string_equal(by, admin_id);
	free(by);

	free(admin_id);
	api_session_end(&admin);
	free(mine);
	free(other);
	free(unit_a);
	free(unit_b);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unit_admin_verifies_own_unit_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
