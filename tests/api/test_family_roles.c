/* Each pool's database role, from the side of whoever took over one of its workers: the
 * forgeries that worked as the one shared ruqima_app (issue 16) are refused to every role
 * whose routes do not need them — a city admin's session minted by any pool but the admin
 * one, the login path (password hashes) outside the admin pool, a visit registered by any
 * pool but registration, raters read by the reporting pool — and nothing is written. And
 * from the side of the portal's users: every login, failure, lockout, session and logout is
 * recorded with its address and request id in rq.auth_events. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *admin_id; /* a city admin the forgeries aim at */

static int setup(void **state)
{
	(void)state;
	const char *name = api_unique("forged");
	char *pw = api_create_admin(name, "city_admin");
	free(pw);
	const char *p[] = {name};
	admin_id = api_owner_value("SELECT id FROM rq.admin_users WHERE username = $1", 1, p);
	return admin_id == NULL;
}

static int teardown(void **state)
{
	(void)state;
	free(admin_id);
	return 0;
}

/* sql as family's role in a transaction of an anonymous actor: its SQLSTATE ("" when it
 * ran), rolled back. */
static char *try_as(const char *family, const char *sql)
{
	PGconn *c = api_db(family);
	api_sql_exec(c, "BEGIN", 0, NULL);
	api_sql_exec(c, "SELECT rq.set_actor('anonymous', NULL, NULL, NULL, NULL, 'forgery', NULL)",
		     0, NULL);
	const char *p[] = {admin_id};
	char *st = api_sql_state(c, sql, strstr(sql, "$1") != NULL ? 1 : 0, p);
	PQfinish(c);
	return st;
}

static void expect(const char *family, const char *sql, const char *want)
{
	char *st = try_as(family, sql);
	if (strcmp(st, want) != 0)
		fail_msg("as ruqima_%s, %s: SQLSTATE '%s', expected '%s'", family, sql, st, want);
	free(st);
}

#define MINT_ADMIN                                                                                 \
	"SELECT rq.session_create(sha256('forged'), 'admin', NULL, $1::bigint, sha256('c'),"       \
	" 3600, '127.0.0.1', false)"
#define MINT_ACCOUNT                                                                               \
	"SELECT rq.session_create(sha256('forged'), 'account', 1, NULL, NULL, 3600, '127.0.0.1',"  \
	" false)"

static void only_the_admin_pool_opens_a_portal_session(void **state)
{
	(void)state;
	/* registration may call session_create (the mini-program's login), but not for an
	 * admin; the others may not call it at all */
	expect("registration", MINT_ADMIN, "42501");
	expect("evaluation", MINT_ADMIN, "42501");
	expect("complaints", MINT_ADMIN, "42501");
	expect("reporting", MINT_ADMIN, "42501");
	/* and the admin pool opens no mini-program session */
	expect("admin", MINT_ACCOUNT, "42501");
	expect("evaluation", MINT_ACCOUNT, "42501");
	expect("reporting", MINT_ACCOUNT, "42501");
	expect("evaluation", "SELECT rq.account_login('forged-openid', NULL)", "42501");
	expect("admin", "SELECT rq.account_login('forged-openid', NULL)", "42501");
	/* nothing was written: no such session, no event of these requests */
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.sessions"
				       " WHERE token_hash = sha256('forged')",
				       0, NULL),
			 0);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.auth_events"
				       " WHERE request_id = 'forgery'",
				       0, NULL),
			 0);
}

static void only_the_login_path_reads_password_hashes(void **state)
{
	(void)state;
	for (int i = 0; i < API_NFAMILIES; i++) {
		const char *f = api_families[i];
		/* the column, whatever the actor: no pool's role has it */
		expect(f, "SELECT password_hash FROM rq.admin_users", "42501");
		expect(f, "SELECT * FROM rq.login_throttle", "42501");
		expect(f, "SELECT * FROM rq.auth_events", "42501");
		if (strcmp(f, "admin") == 0)
			continue;
		expect(f, "SELECT * FROM rq.login_begin('admin', '127.0.0.9', 5, 900)", "42501");
		expect(f, "SELECT rq.login_end('admin', '127.0.0.9', $1::bigint, true)", "42501");
		expect(f, "SELECT rq.admin_own_password_hash()", "42501");
		expect(f, "SELECT * FROM rq.admin_user_change($1::bigint, 'unlock', NULL)",
		       "42501");
	}
}

static void only_the_registration_pool_registers_visits(void **state)
{
	(void)state;
	static const char *const others[] = {"evaluation", "complaints", "reporting", "admin"};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		expect(others[i], "SELECT * FROM rq.visit_register('x', '{}'::jsonb, 'forged')",
		       "42501");
		expect(others[i], "SELECT * FROM rq.visit_withdraw(1, 'forged')", "42501");
		expect(others[i],
		       "INSERT INTO rq.official_profiles (account_id, name) VALUES (1, 'forged')",
		       "42501");
	}
	/* and nothing was written under these requests */
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log WHERE request_id = 'forgery'", 0, NULL),
	    0);
}

static void the_reporting_pool_reads_no_rater_and_writes_nothing(void **state)
{
	(void)state;
	expect("reporting", "SELECT * FROM rq.evaluation_raters", "42501");
	expect("reporting", "SELECT rq.visit_rating(1)", "42501");
	expect("reporting", "SELECT * FROM rq.accounts", "42501");
	expect("reporting", "INSERT INTO rq.units (name) VALUES ('forged')", "42501");
	expect("reporting", "UPDATE rq.enterprises SET name = 'forged'", "42501");
	expect("reporting",
	       "INSERT INTO rq.print_jobs (county_code, requested_by) VALUES"
	       " ('411502', 1)",
	       "42501");
	/* the other families' writes: none of them */
	expect("reporting", "SELECT * FROM rq.rating_set(1, 'satisfied', NULL, true, false)",
	       "42501");
	expect("reporting", "SELECT * FROM rq.case_act(1, 'accept', '{}')", "42501");
	expect("reporting", "SELECT * FROM rq.claim_decide(1, true, NULL)", "42501");
	/* ruqima_app itself logs in no more */
	char *login = api_owner_value(
	    "SELECT rolcanlogin::text FROM pg_roles WHERE rolname = 'ruqima_app'", 0, NULL);
	assert_string_equal(login, "false");
	free(login);
}

/* The events of the request that got r: "event,addr?,role" lines in order, and asserts the
 * username of each. */
static char *events_of(const struct api_resp *r, const char *username)
{
	char *rid = api_request_id(r);
	const char *p[] = {rid, username};
	char *v = api_owner_value(
	    "SELECT string_agg(event || ',' || (client_addr IS NOT NULL)::text || ',' || db_role,"
	    " ' ' ORDER BY id) FROM rq.auth_events"
	    " WHERE request_id = $1 AND username = lower($2)",
	    2, p);
	free(rid);
	return v != NULL ? v : strdup("");
}

static void every_login_logout_failure_and_lockout_is_recorded(void **state)
{
	(void)state;
	char user[128];
	snprintf(user, sizeof(user), "%s", api_unique("authev"));
	char *pw = api_create_admin(user, "city_admin");

	struct api_resp *r = api_login(user, "wrong-password-1234");
	assert_int_equal(r->status, 401);
	char *ev = events_of(r, user);
	assert_string_equal(ev, "login_failure,true,ruqima_admin");
	free(ev);
	api_free(r);

	r = api_login(user, pw);
	assert_int_equal(r->status, 200);
	ev = events_of(r, user);
	assert_string_equal(ev,
			    "login_success,true,ruqima_admin session_created,true,ruqima_admin");
	free(ev);
	char *cookie = api_header(r, "Set-Cookie");
	cookie[strcspn(cookie, ";")] = '\0';
	char hc[256], hx[256];
	snprintf(hc, sizeof(hc), "Cookie: %s", cookie);
	snprintf(hx, sizeof(hx), "X-CSRF-Token: %s", api_json_str(r, "csrf_token"));
	api_free(r);

	const char *h[] = {hc, hx, NULL};
	r = api_call("POST", "/api/v1/auth/logout", "application/json", "{}", h);
	assert_int_equal(r->status, 204);
	ev = events_of(r, user);
	assert_string_equal(ev, "logout,true,ruqima_registration");
	free(ev);
	api_free(r);

	/* the free failures of the username from this address, then the lockout */
	long max = strtol(
	    getenv("RUQIMA_LOGIN_MAX_FAILURES") != NULL ? getenv("RUQIMA_LOGIN_MAX_FAILURES") : "5",
	    NULL, 10);
	for (long i = 0; i < max; i++) {
		r = api_login(user, "wrong-password-1234");
		assert_int_equal(r->status, 401);
		api_free(r);
	}
	r = api_login(user, "wrong-password-1234");
	api_assert_problem(r, 429, "login-throttled");
	ev = events_of(r, user);
	assert_string_equal(ev, "login_throttled,true,ruqima_admin");
	free(ev);
	api_free(r);
	const char *p[] = {user};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.auth_events WHERE username = $1"
				       " AND event = 'login_failure'",
				       1, p),
			 max + 1);
	free(cookie);
	free(pw);
}

static void a_mini_program_login_is_recorded(void **state)
{
	(void)state;
	const char *openid = api_unique("o-authev");
	char *token = api_wx_login(openid);
	char *id = api_account_id(openid);
	const char *p[] = {id};
	char *ev = api_owner_value("SELECT string_agg(event || ',' || db_role, ' ' ORDER BY id)"
				   " FROM rq.auth_events WHERE account_id = $1::bigint",
				   1, p);
	assert_string_equal(
	    ev, "login_success,ruqima_registration session_created,ruqima_registration");
	free(ev);
	free(id);
	free(token);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(only_the_admin_pool_opens_a_portal_session),
	    cmocka_unit_test(only_the_login_path_reads_password_hashes),
	    cmocka_unit_test(only_the_registration_pool_registers_visits),
	    cmocka_unit_test(the_reporting_pool_reads_no_rater_and_writes_nothing),
	    cmocka_unit_test(every_login_logout_failure_and_lockout_is_recorded),
	    cmocka_unit_test(a_mini_program_login_is_recorded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
