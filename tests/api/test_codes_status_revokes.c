/* An enterprise that leaves normal operation (the registry says cancelled, revoked...) loses
 * its code at once: the database's trigger revokes it with the status as the reason. Its
 * token then answers 422 enterprise-not-operating, naming the state in Chinese (注销, 吊销,
 * 停业, 经营异常), wherever it is used: the scan (GET /registration/codes/{token}), its
 * images, and the registration of a visit, as README and app/DESIGN.md §5 say. A code
 * revoked while the enterprise is in normal operation (a leaked or lost poster) stays 410
 * code-revoked. The revocation's reason text is never shown. */
#include "api.h"
#include "codes_support.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GET path must answer 422 enterprise-not-operating naming state, never the internal
 * status word or the revocation reason. */
static void assert_not_operating(const char *path, const char *state)
{
	struct api_resp *r = api_get(path, NULL);
	api_assert_problem(r, 422, "enterprise-not-operating");
	const char *detail = api_json_str(r, "detail");
	assert_non_null(detail);
	if (strstr(detail, state) == NULL || strstr(detail, "不在正常经营状态") == NULL)
		fail_msg("%s: the detail does not name the state %s: %s", path, state, detail);
	assert_null(strstr(r->body, "enterprise status"));
	assert_non_null(api_json_str(r, "request_id"));
	api_free(r);
}

static void test_cancelled_enterprise_code_is_gone(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411526", "normal", true);
	ct_issue(e.uscc);
	char *token = ct_active_token(e.id);
	assert_non_null(token);

	const char *p[] = {e.id};
	ct_owner_write("UPDATE rq.enterprises SET business_status = 'cancelled'"
		       " WHERE id = $1::bigint",
		       1, p);

	char path[512];
	snprintf(path, sizeof(path), "%s", ct_code_path(token));
	assert_not_operating(path, "注销");
	struct api_resp *r = api_get(path, NULL);
	assert_null(strstr(r->body, "cancelled"));
	api_free(r);
	/* the images of the code answer the same */
	snprintf(path, sizeof(path), "%s/qr.png", ct_code_path(token));
	assert_not_operating(path, "注销");
	snprintf(path, sizeof(path), "%s/poster.png", ct_code_path(token));
	assert_not_operating(path, "注销");
	char *reason = api_owner_value("SELECT revoke_reason FROM rq.codes"
				       " WHERE enterprise_id = $1::bigint AND status = 'revoked'",
				       1, p);
	assert_non_null(reason);
	assert_non_null(strstr(reason, "cancelled"));
	free(reason);

	/* and no new one can be issued or re-issued */
	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "issue", "--uscc", e.uscc, NULL});
	assert_int_equal(run.status, 1);
	assert_non_null(strstr(run.err, "not in normal operation"));
	ct_run_free(&run);
	assert_null(ct_active_token(e.id));
	free(token);
}

static void test_every_abnormal_status_is_named(void **state)
{
	(void)state;
	static const char *const statuses[][2] = {
	    {"revoked", "吊销"}, {"suspended", "停业"}, {"abnormal", "经营异常"}};
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		struct ct_enterprise e;
		ct_enterprise_new(&e, "411526", "normal", true);
		ct_issue(e.uscc);
		char *token = ct_active_token(e.id);
		const char *p[] = {e.id, statuses[i][0]};
		ct_owner_write(
		    "UPDATE rq.enterprises SET business_status = $2 WHERE id = $1::bigint", 2, p);
		assert_not_operating(ct_code_path(token), statuses[i][1]);
		free(token);
	}
}

/* The scan and the registration agree: an official who scans gets the same answer whether
 * the mini-program first looks the code up or registers at once. */
static void test_scan_and_registration_agree(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	const char *p[] = {s.ent.m.id};
	ct_owner_write("UPDATE rq.enterprises SET business_status = 'suspended'"
		       " WHERE id = $1::bigint",
		       1, p);
	assert_not_operating(ct_code_path(s.ent.token), "停业");
	cJSON *body = vs_body(s.ent.token, "visit");
	vs_assert_refused(s.off.bearer, body, 422, "enterprise-not-operating", "token",
			  "registration at a suspended enterprise");
	cJSON_Delete(body);
	vs_scene_free(&s);
}

/* A poster revoked while the enterprise is in normal operation: 410, with the date. */
static void test_code_revoked_otherwise_is_410(void **state)
{
	(void)state;
	struct ct_enterprise e;
	ct_enterprise_new(&e, "411526", "normal", true);
	ct_issue(e.uscc);
	char *token = ct_active_token(e.id);
	struct ct_run run;
	ct_cli(&run, (const char *const[]){"codes", "revoke", "--uscc", e.uscc, "--reason",
					   "海报泄露", NULL});
	assert_int_equal(run.status, 0);
	ct_run_free(&run);
	struct api_resp *r = api_get(ct_code_path(token), NULL);
	api_assert_problem(r, 410, "code-revoked");
	assert_non_null(api_json_str(r, "revoked_at"));
	assert_null(strstr(r->body, "海报泄露"));
	api_free(r);
	free(token);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cancelled_enterprise_code_is_gone),
	    cmocka_unit_test(test_every_abnormal_status_is_named),
	    cmocka_unit_test(test_scan_and_registration_agree),
	    cmocka_unit_test(test_code_revoked_otherwise_is_410),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
