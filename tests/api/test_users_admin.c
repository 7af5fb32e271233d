/* Portal users managed by the city admin: the list (never a password
 * hash), a new user with a generated password shown once (the username rule said in
 * Chinese, the role's scope checked, a taken name 409), lock and unlock (423 at login until
 * unlocked; unlock also ends the delay after failed logins), a password reset (the new
 * generated password works, the old one does not) and deactivation (for good). Lock, reset
 * and deactivation end the user's sessions; every change is audited with the admin as actor
 * and the password hash redacted. Refused: the admin's own lock or deactivation, any change
 * of a deactivated user, an unknown user; and every route for every other portal role and
 * for a mini-program account (403), which changes nothing. */
#include "api.h"
#include "api_register.h"
#include "visits_support.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USERS "/api/v1/admin/users"

static const char *user_path(const char *id, const char *action)
{
	static char path[128];
	snprintf(path, sizeof(path), USERS "/%s/%s", id, action);
	return path;
}

static struct api_resp *act(const struct api_session *city, const char *id, const char *action)
{
	return api_session_call(city, "POST", user_path(id, action), NULL);
}

static char *user_id(const char *username)
{
	const char *p[] = {username};
	char *id = api_owner_value("SELECT id FROM rq.admin_users WHERE username = $1", 1, p);
	assert_non_null(id);
	return id;
}

/* The status of a portal login; the answer's Retry-After into *retry (malloc'd) unless
 * retry is NULL. */
static long login(const char *username, const char *password, char **retry)
{
	char body[512];
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", username,
		 password);
	struct api_resp *r = api_post_json("/api/v1/admin/login", body, NULL);
	long status = r->status;
	if (retry != NULL)
		*retry = api_header(r, "Retry-After");
	if (status == 423)
		assert_non_null(strstr(r->body, "account-locked"));
	api_free(r);
	return status;
}

/* The status of GET /api/v1/auth/me with the cookie header: 200 while the session lives. */
static long me(const char *cookie_h)
{
	const char *headers[] = {cookie_h, NULL};
	struct api_resp *r = api_call("GET", "/api/v1/auth/me", NULL, NULL, headers);
	long status = r->status;
	api_free(r);
	return status;
}

static int64_t live_sessions(const char *username)
{
	const char *p[] = {username};
	return api_owner_int("SELECT count(*) FROM rq.sessions s JOIN rq.admin_users u"
			     " ON u.id = s.admin_user_id WHERE u.username = $1"
			     " AND s.ended_at IS NULL",
			     1, p);
}

/* Audit rows of the user's row written by the request of r, by the admin named by_username. */
static int64_t audited_by(const struct api_resp *r, const char *id, const char *by_username)
{
	char *rid = api_request_id(r);
	const char *p[] = {rid, id, by_username};
	int64_t n = api_owner_int("SELECT count(*) FROM audit.log a JOIN rq.admin_users x"
				  " ON x.id::text = a.actor_id WHERE a.request_id = $1"
				  " AND a.table_name = 'rq.admin_users' AND a.row_pk = $2"
				  " AND a.operation = 'UPDATE' AND a.actor_kind = 'admin'"
				  " AND x.username = $3",
				  3, p);
	free(rid);
	return n;
}

static void test_list_and_create(void **state)
{
	(void)state;
	struct api_session city;
	api_session_login(&city, "users-city", "city_admin", NULL);
	struct vs_unit u;
	vs_unit_new(&u, NULL);

	/* a new county admin: 201 with the password, shown once, that logs in */
	char name[64], json[512];
	snprintf(name, sizeof(name), "%s", api_unique("new-county"));
	snprintf(json, sizeof(json),
		 "{\"username\":\"%s\",\"role\":\"county_admin\",\"county_code\":\"411521\"}",
		 name);
	struct api_resp *r = api_session_call(&city, "POST", USERS, json);
	if (r->status != 201)
		fail_msg("create: %ld %s", r->status, r->body);
	assert_string_equal(api_json_str(r, "username"), name);
	assert_string_equal(api_json_str(r, "county_code"), "411521");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "active")));
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "locked")));
	char *password = strdup(api_json_str(r, "password"));
	assert_int_equal(strlen(password), 24);
	assert_null(strstr(r->body, "$y$")); /* no hash */
	api_free(r);
	char *id = user_id(name);
	const char *pid[] = {id, password};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log WHERE table_name ="
			  " 'rq.admin_users' AND row_pk = $1 AND operation = 'INSERT'"
			  " AND actor_kind = 'admin'"
			  " AND strpos(new_row::text, $2) = 0"
			  " AND new_row->>'password_hash' IS DISTINCT FROM"
			  " (SELECT password_hash FROM rq.admin_users WHERE id = $1::bigint)",
			  2, pid),
	    1);
	assert_int_equal(login(name, password, NULL), 200);

	/* a discipline inspector with the group whose filings it reads */
	char inspector[64];
	snprintf(inspector, sizeof(inspector), "%s", api_unique("new-inspector"));
	snprintf(json, sizeof(json),
		 "{\"username\":\"%s\",\"role\":\"discipline_inspector\","
		 "\"discipline_group\":\"派驻第三纪检监察组\"}",
		 inspector);
	r = api_session_call(&city, "POST", USERS, json);
	assert_int_equal(r->status, 201);
	assert_string_equal(api_json_str(r, "discipline_group"), "派驻第三纪检监察组");
	api_free(r);

	/* the list: by role, never a password hash */
	r = api_session_call(&city, "GET", USERS "?role=county_admin&limit=200", NULL);
	assert_int_equal(r->status, 200);
	assert_null(strstr(r->body, "password"));
	assert_null(strstr(r->body, "$y$"));
	cJSON *it;
	int seen = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
	{
		assert_string_equal(cJSON_GetObjectItem(it, "role")->valuestring, "county_admin");
		seen += strcmp(cJSON_GetObjectItem(it, "username")->valuestring, name) == 0;
	}
	assert_int_equal(seen, 1);
	api_free(r);
	/* ... and by a part of the username, in any case */
	char q[96];
	int n = snprintf(q, sizeof(q), USERS "?q=");
	for (const char *c = name + strlen("new-"); *c != '\0' && n < (int)sizeof(q) - 1; c++)
		q[n++] = (char)toupper((unsigned char)*c);
	q[n] = '\0';
	r = api_session_call(&city, "GET", q, NULL);
	assert_int_equal(r->status, 200);
	cJSON *found = cJSON_GetObjectItem(r->json, "items");
	assert_int_equal(cJSON_GetArraySize(found), 1);
	assert_string_equal(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(found, 0), "username")->valuestring, name);
	api_free(r);
	r = api_session_call(&city, "GET", USERS "?q=no-such-user-anywhere", NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0);
	api_free(r);

	/* the username rule, in Chinese, and the scope of each role; nothing written */
	char taken[256], unit_json[256], bad_unit[256];
	snprintf(taken, sizeof(taken),
		 "{\"username\":\"%s\",\"role\":\"county_admin\",\"county_code\":\"411502\"}",
		 name);
	snprintf(unit_json, sizeof(unit_json),
		 "{\"username\":\"ok-user\",\"role\":\"city_admin\",\"unit_id\":\"%s\"}", u.id);
	snprintf(bad_unit, sizeof(bad_unit),
		 "{\"username\":\"ok-user\",\"role\":\"unit_admin\",\"unit_id\":\"99999999\"}");
	const struct {
		const char *json;
		long status;
		const char *field;
	} bad[] = {
	    {"{\"username\":\"Admin2\",\"role\":\"city_admin\"}", 422, "username"},
	    {"{\"username\":\"ab\",\"role\":\"city_admin\"}", 422, "username"},
	    {"{\"username\":\"two words\",\"role\":\"city_admin\"}", 422, "username"},
	    {"{\"username\":\"张三\",\"role\":\"city_admin\"}", 422, "username"},
	    {"{\"role\":\"city_admin\"}", 422, "username"},
	    {"{\"username\":\"ok-user\",\"role\":\"superuser\"}", 422, "role"},
	    {"{\"username\":\"ok-user\",\"role\":\"county_admin\"}", 422, "county_code"},
	    {"{\"username\":\"ok-user\",\"role\":\"county_admin\",\"county_code\":\"419999\"}", 422,
	     "county_code"},
	    {"{\"username\":\"ok-user\",\"role\":\"city_admin\",\"county_code\":\"411502\"}", 422,
	     "county_code"},
	    {"{\"username\":\"ok-user\",\"role\":\"unit_admin\"}", 422, "unit_id"},
	    {"{\"username\":\"ok-user\",\"role\":\"city_admin\",\"discipline_group\":\"派驻组\"}",
	     422, "discipline_group"},
	    {bad_unit, 422, "unit_id"},
	    {unit_json, 422, "unit_id"},
	    {taken, 409, "username"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = api_session_call(&city, "POST", USERS, bad[i].json);
		if (r->status != bad[i].status)
			fail_msg("%s: %ld %s", bad[i].json, r->status, r->body);
		api_assert_error_field(r, bad[i].field);
		if (i < 4)
			assert_non_null(strstr(r->body, "小写英文字母"));
		assert_int_equal(api_audit_rows_of(r), 0);
		api_free(r);
	}
	const char *pn[] = {"ok-user"};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.admin_users WHERE username = $1", 1, pn), 0);

	free(id);
	free(password);
	api_session_end(&city);
}

static void test_lock_unlock_reset_deactivate(void **state)
{
	(void)state;
	struct api_session city;
	api_session_login(&city, "users-city", "city_admin", NULL);
	struct api_portal target;
	api_portal_login(&target, "users-target");
	char *id = user_id(target.username);
	assert_int_equal(me(target.cookie_header), 200);

	/* lock: the session ends, the login is 423 without Retry-After, even with the password */
	struct api_resp *r = act(&city, id, "lock");
	if (r->status != 200)
		fail_msg("lock: %ld %s", r->status, r->body);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "locked")));
	assert_int_equal(cJSON_GetObjectItem(r->json, "sessions_ended")->valueint, 1);
	assert_int_equal(audited_by(r, id, city.username), 1);
	api_free(r);
	assert_int_equal(me(target.cookie_header), 401);
	assert_int_equal(live_sessions(target.username), 0);
	char *retry = NULL;
	assert_int_equal(login(target.username, target.password, &retry), 423);
	assert_null(retry);

	/* unlock: logs in again */
	r = act(&city, id, "unlock");
	assert_int_equal(r->status, 200);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "locked")));
	api_free(r);
	assert_int_equal(login(target.username, target.password, NULL), 200);
	/* unlock also ends the delay after failed logins */
	for (int i = 0; i < 5; i++)
		login(target.username, "wrong password", NULL);
	assert_int_equal(login(target.username, target.password, &retry), 429);
	assert_non_null(retry);
	free(retry);
	r = act(&city, id, "unlock");
	assert_int_equal(r->status, 200);
	api_free(r);
	assert_int_equal(login(target.username, target.password, NULL), 200);

	/* reset: a new generated password, shown once; the old one and the sessions end */
	char *old_cookie = api_admin_login(target.username, target.password, NULL);
	char old_h[256];
	snprintf(old_h, sizeof(old_h), "Cookie: %s", old_cookie);
	assert_int_equal(me(old_h), 200);
	r = act(&city, id, "reset-password");
	assert_int_equal(r->status, 200);
	api_assert_header(r, "Cache-Control", "no-store");
	char *fresh = strdup(api_json_str(r, "password"));
	assert_int_equal(strlen(fresh), 24);
	assert_string_not_equal(fresh, target.password);
	assert_true(cJSON_GetObjectItem(r->json, "sessions_ended")->valueint >= 1);
	char *rid = api_request_id(r);
	const char *pr[] = {rid, fresh};
	assert_int_equal(api_owner_int("SELECT count(*) FROM audit.log WHERE request_id = $1"
				       " AND table_name = 'rq.admin_users'"
				       " AND strpos(new_row::text, $2) = 0"
				       " AND strpos(new_row::text, '$y$') = 0",
				       2, pr),
			 1);
	free(rid);
	api_free(r);
	assert_int_equal(me(old_h), 401);
	assert_int_equal(live_sessions(target.username), 0);
	assert_int_equal(login(target.username, target.password, NULL), 401);
	assert_int_equal(login(target.username, fresh, NULL), 200);

	/* the admin's own account: not locked, not deactivated by themself */
	char *self = user_id(city.username);
	r = act(&city, self, "lock");
	api_assert_problem(r, 409, "user-self");
	api_free(r);
	r = act(&city, self, "deactivate");
	api_assert_problem(r, 409, "user-self");
	api_free(r);
	assert_int_equal(me(city.cookie_h), 200);

	/* deactivate: for good; then every change is refused */
	r = act(&city, id, "deactivate");
	assert_int_equal(r->status, 200);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "active")));
	assert_int_equal(audited_by(r, id, city.username), 1);
	api_free(r);
	assert_int_equal(live_sessions(target.username), 0);
	assert_int_equal(login(target.username, fresh, NULL), 401);
	static const char *const actions[] = {"deactivate", "lock", "unlock", "reset-password"};
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		r = act(&city, id, actions[i]);
		api_assert_problem(r, 409, "user-inactive");
		assert_int_equal(api_audit_rows_of(r), 0);
		api_free(r);
	}
	r = act(&city, "99999999", "lock");
	api_assert_problem(r, 404, "not-found");
	api_free(r);

	free(self);
	free(fresh);
	free(old_cookie);
	free(id);
	api_portal_free(&target);
	api_session_end(&city);
}

static void test_other_roles_are_refused(void **state)
{
	(void)state;
	struct vs_unit u;
	vs_unit_new(&u, NULL);
	struct api_portal victim;
	api_portal_login(&victim, "users-victim");
	char *id = user_id(victim.username);
	static const char *const roles[][2] = {
	    {"county_admin", "411502"},	  {"unit_admin", NULL},
	    {"market_supervision", NULL}, {"discipline_inspector", NULL},
	    {"judicial_analyst", NULL},
	};
	static const char *const actions[] = {"lock", "unlock", "reset-password", "deactivate"};
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		struct api_session s;
		api_session_login_in(&s, "users-role", roles[i][0], roles[i][1],
				     strcmp(roles[i][0], "unit_admin") == 0 ? u.id : NULL);
		struct api_resp *r = api_session_call(&s, "GET", USERS, NULL);
		api_assert_problem(r, 403, "forbidden");
		api_free(r);
		r = api_session_call(&s, "POST", USERS,
				     "{\"username\":\"sneaky\",\"role\":\"city_admin\"}");
		api_assert_problem(r, 403, "forbidden");
		api_free(r);
		for (size_t a = 0; a < sizeof(actions) / sizeof(actions[0]); a++) {
			r = api_session_call(&s, "POST", user_path(id, actions[a]), NULL);
			if (r->status != 403)
				fail_msg("%s %s: %ld %s", roles[i][0], actions[a], r->status,
					 r->body);
			api_free(r);
		}
		api_session_end(&s);
	}
	/* a mini-program account neither */
	struct vs_official o;
	vs_account_new(&o);
	struct api_resp *r = vs_call("POST", user_path(id, "lock"), o.bearer, NULL);
	assert_int_equal(r->status, 403);
	api_free(r);
	r = vs_call("GET", USERS, o.bearer, NULL);
	assert_int_equal(r->status, 403);
	api_free(r);
	vs_official_free(&o);

	/* nothing changed: the victim's session lives, its password works, nobody new */
	assert_int_equal(me(victim.cookie_header), 200);
	assert_int_equal(login(victim.username, victim.password, NULL), 200);
	const char *pn[] = {"sneaky"};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.admin_users WHERE username = $1", 1, pn), 0);
	const char *pi[] = {id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.admin_users WHERE id = $1::bigint"
				       " AND active AND NOT admin_locked",
				       1, pi),
			 1);
	free(id);
	api_portal_free(&victim);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_and_create),
	    cmocka_unit_test(test_lock_unlock_reset_deactivate),
	    cmocka_unit_test(test_other_roles_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
