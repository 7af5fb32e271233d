/* 修改密码: POST /api/v1/admin/password {current_password, new_password} — a portal user
 * changes their own password after giving the current one; their other sessions end, the
 * request's stays; refusals change nothing. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "/api/v1/admin/password"
#define ME	 "/api/v1/auth/me"
#define LOGIN	 "/api/v1/admin/login"

static struct api_resp *change(const struct api_portal *p, const char *current, const char *next,
			       bool with_csrf)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "current_password", current);
	cJSON_AddStringToObject(o, "new_password", next);
	char *body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	const char *headers[] = {p->cookie_header, with_csrf ? p->csrf_header : NULL, NULL};
	struct api_resp *r = api_call("POST", PASSWORD, "application/json", body, headers);
	free(body);
	return r;
}

static long login_status(const char *username, const char *password)
{
	char body[512];
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", username,
		 password);
	struct api_resp *r = api_post_json(LOGIN, body, NULL);
	long status = r->status;
	api_free(r);
	return status;
}

static long me_status(const char *cookie_header)
{
	const char *headers[] = {cookie_header, NULL};
	struct api_resp *r = api_call("GET", ME, NULL, NULL, headers);
	long status = r->status;
	api_free(r);
	return status;
}

/* The password changes; the old one stops working; another session of the user ends, the
 * request's own goes on; the audit row names the user and hides both hashes. */
static void test_change_ends_other_sessions_and_keeps_this_one(void **state)
{
	(void)state;
	struct api_portal p;
	api_portal_login(&p, "pw-change");
	char *other = api_admin_login(p.username, p.password, NULL);
	char other_header[160];
	snprintf(other_header, sizeof(other_header), "Cookie: %s", other);
	assert_int_equal(me_status(other_header), 200);

	const char *next = "新的口令-Correct-Horse-42";
	struct api_resp *r = change(&p, p.password, next, true);
	if (r->status != 200)
		fail_msg("expected 200, got %ld: %s", r->status, r->body);
	cJSON *n = cJSON_GetObjectItemCaseSensitive(r->json, "sessions_ended");
	assert_true(cJSON_IsNumber(n));
	assert_int_equal((int)n->valuedouble, 1);

	char *rid = api_request_id(r);
	const char *pa[] = {rid, p.username};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM audit.log l JOIN rq.admin_users u"
			  " ON l.row_pk = u.id::text WHERE u.username = $2"
			  " AND l.table_name = 'rq.admin_users' AND l.operation = 'UPDATE'"
			  " AND l.request_id = $1 AND l.actor_kind = 'admin'"
			  " AND l.actor_id = u.id::text"
			  " AND l.new_row->>'password_hash' = '[redacted: changed]'"
			  " AND l.old_row->>'password_hash' = '[redacted]'",
			  2, pa),
	    1);
	free(rid);
	api_free(r);

	assert_int_equal(me_status(p.cookie_header), 200);
	assert_int_equal(me_status(other_header), 401);
	assert_int_equal(login_status(p.username, p.password), 401);
	assert_int_equal(login_status(p.username, next), 200);
	free(other);
	api_portal_free(&p);
}

/* A wrong current password is 422 naming current_password, and the password stays. */
static void test_wrong_current_password_changes_nothing(void **state)
{
	(void)state;
	struct api_portal p;
	api_portal_login(&p, "pw-wrong");
	struct api_resp *r = change(&p, "not the password", "another-password-123", true);
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "current_password");
	assert_non_null(strstr(r->body, "当前密码不正确"));
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	assert_int_equal(login_status(p.username, p.password), 200);
	assert_int_equal(login_status(p.username, "another-password-123"), 401);
	api_portal_free(&p);
}

/* A new password too short, or the current one again, is 422 naming new_password. */
static void test_new_password_too_short_or_unchanged(void **state)
{
	(void)state;
	struct api_portal p;
	api_portal_login(&p, "pw-short");
	struct api_resp *r = change(&p, p.password, "short", true);
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "new_password");
	api_free(r);
	r = change(&p, p.password, p.password, true);
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "new_password");
	assert_non_null(strstr(r->body, "新密码不能与当前密码相同"));
	api_free(r);
	assert_int_equal(login_status(p.username, p.password), 200);
	api_portal_free(&p);
}

/* Without the CSRF token the cookie alone changes nothing (a page of another site cannot
 * change the password of a logged-in user). */
static void test_without_csrf_token_is_403(void **state)
{
	(void)state;
	struct api_portal p;
	api_portal_login(&p, "pw-csrf");
	struct api_resp *r = change(&p, p.password, "another-password-123", false);
	api_assert_problem(r, 403, "csrf");
	api_free(r);
	assert_int_equal(login_status(p.username, p.password), 200);
	assert_int_equal(login_status(p.username, "another-password-123"), 401);
	api_portal_free(&p);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_change_ends_other_sessions_and_keeps_this_one),
	    cmocka_unit_test(test_wrong_current_password_changes_nothing),
	    cmocka_unit_test(test_new_password_too_short_or_unchanged),
	    cmocka_unit_test(test_without_csrf_token_is_403),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
