/* `ruqima user list|reset-password|lock|unlock`: an operator who lost a portal user's first
 * password is never stuck. reset-password prints a new generated password
 * that logs in at once (the old one no longer does), ends the user's sessions and clears the
 * failed logins' delays; lock makes the login 423 and ends the sessions until unlock; list shows
 * each user's state (--role, --all for the deactivated). Each change is audited as the
 * system actor with the command's request id. A username that breaks the rule (said in
 * Chinese too), an unknown or deactivated user and a wrong usage are refused, changing
 * nothing. */
#include "api.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long login(const char *username, const char *password)
{
	char body[512];
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", username,
		 password);
	struct api_resp *r = api_post_json("/api/v1/admin/login", body, NULL);
	long status = r->status;
	api_free(r);
	return status;
}

/* Runs `ruqima user <action> --username name`; asserts its exit status. */
static void user_cli(struct ct_run *r, const char *action, const char *name, int status)
{
	ct_cli(r, (const char *const[]){"user", action, "--username", name, NULL});
	if (r->status != status)
		fail_msg("user %s %s: exit %d (expected %d): %s%s", action, name, r->status, status,
			 r->out, r->err);
}

/* The line of `ruqima user list ARGS` about name (static buffer), or NULL. */
static const char *listed(const char *name, const char *const *args)
{
	static char line[512];
	struct ct_run r;
	ct_cli(&r, args);
	assert_int_equal(r.status, 0);
	const char *found = NULL;
	for (char *l = strtok(r.out, "\n"); l != NULL; l = strtok(NULL, "\n")) {
		char *at = strstr(l, name);
		if (at != NULL && at[strlen(name)] == ' ') {
			snprintf(line, sizeof(line), "%s", l);
			found = line;
		}
	}
	ct_run_free(&r);
	return found;
}

static int64_t audit_rows(const char *username, const char *request_id)
{
	const char *p[] = {username, request_id};
	return api_owner_int("SELECT count(*) FROM audit.log a JOIN rq.admin_users u"
			     " ON a.row_pk = u.id::text WHERE a.table_name = 'rq.admin_users'"
			     " AND u.username = $1 AND a.request_id = $2"
			     " AND a.actor_kind = 'system' AND a.operation = 'UPDATE'",
			     2, p);
}

static void test_lost_password_and_locks(void **state)
{
	(void)state;
	struct api_portal p;
	api_portal_login(&p, "cli-manage");
	const char *name = p.username;

	/* the first password is lost, and the user slowed itself down guessing */
	for (int i = 0; i < 5; i++)
		login(name, "a guess");
	assert_int_equal(login(name, p.password), 429);
	struct ct_run r;
	user_cli(&r, "reset-password", name, 0);
	const char *at = strstr(r.out, ": ");
	assert_non_null(at);
	char fresh[64];
	snprintf(fresh, sizeof(fresh), "%.*s", (int)strcspn(at + 2, "\n"), at + 2);
	assert_int_equal(strlen(fresh), 24);
	assert_non_null(strstr(r.out, "sessions ended: 1"));
	ct_run_free(&r);
	assert_int_equal(audit_rows(name, "cli-user-reset-password"), 1);
	assert_int_equal(login(name, p.password), 401);
	assert_int_equal(login(name, fresh), 200);
	const char *me_h[] = {p.cookie_header, NULL};
	struct api_resp *resp = api_call("GET", "/api/v1/auth/me", NULL, NULL, me_h);
	assert_int_equal(resp->status, 401); /* the session before the reset ended */
	api_free(resp);

	/* lock until unlocked */
	const char *const list_city[] = {"user", "list", "--role", "city_admin", NULL};
	assert_non_null(strstr(listed(name, list_city), "active"));
	user_cli(&r, "lock", name, 0);
	ct_run_free(&r);
	assert_int_equal(audit_rows(name, "cli-user-lock"), 1);
	assert_int_equal(login(name, fresh), 423);
	assert_non_null(strstr(listed(name, list_city), "locked"));
	/* a reset leaves the lock, and says so */
	user_cli(&r, "reset-password", name, 0);
	assert_non_null(strstr(r.out, "ruqima user unlock"));
	at = strstr(r.out, ": ");
	snprintf(fresh, sizeof(fresh), "%.*s", (int)strcspn(at + 2, "\n"), at + 2);
	ct_run_free(&r);
	assert_int_equal(login(name, fresh), 423);
	user_cli(&r, "unlock", name, 0);
	ct_run_free(&r);
	assert_int_equal(login(name, fresh), 200);
	assert_non_null(strstr(listed(name, list_city), "active"));

	/* a deactivated user is listed with --all only, and not changed */
	const char *pn[] = {name};
	api_owner_write("UPDATE rq.admin_users SET active = false WHERE username = $1", 1, pn);
	assert_null(listed(name, list_city));
	const char *const list_all[] = {"user", "list", "--all", NULL};
	assert_non_null(strstr(listed(name, list_all), "deactivated"));
	user_cli(&r, "unlock", name, 1);
	assert_non_null(strstr(r.err, "deactivated"));
	ct_run_free(&r);
	assert_int_equal(audit_rows(name, "cli-user-unlock"), 1);
	api_portal_free(&p);
}

static void test_refusals(void **state)
{
	(void)state;
	struct ct_run r;
	user_cli(&r, "lock", "no-such-user-anywhere", 1);
	assert_non_null(strstr(r.err, "there is no portal user"));
	ct_run_free(&r);
	user_cli(&r, "reset-password", "Upper-Case", 2);
	assert_non_null(strstr(r.err, "lower-case letter"));
	assert_non_null(strstr(r.err, "小写英文字母"));
	assert_null(strstr(r.out, "password"));
	ct_run_free(&r);
	static const char *const usage[][5] = {
	    {"user", "lock", NULL},	      {"user", "unlock", "--user", "x", NULL},
	    {"user", "list", "--role", NULL}, {"user", "list", "--everything", NULL},
	    {"user", "rename", NULL},
	};
	for (size_t i = 0; i < sizeof(usage) / sizeof(usage[0]); i++) {
		ct_cli(&r, usage[i]);
		assert_int_equal(r.status, 2);
		ct_run_free(&r);
	}
	/* --help names the commands */
	ct_cli(&r, (const char *const[]){"--help", NULL});
	assert_int_equal(r.status, 0);
	static const char *const commands[] = {"user list", "user reset-password", "user lock",
					       "user unlock", NULL};
	for (const char *const *c = commands; *c != NULL; c++)
		assert_non_null(strstr(r.out, *c));
	ct_run_free(&r);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lost_password_and_locks),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
