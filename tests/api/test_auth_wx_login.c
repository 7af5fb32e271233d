/* Mini-program login: POST /api/v1/auth/wx-login {code} against the fake WeChat server.
 * Each test asserts the answer (status, problem type, body) and what the database holds
 * afterwards: the account, and a session stored only as the SHA-256 of its token. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#define WX_LOGIN "/api/v1/auth/wx-login"

static struct api_resp *wx_login_code(const char *code)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", code);
	char *body = cJSON_PrintUnformatted(o);
	struct api_resp *r = api_post_json(WX_LOGIN, body, NULL);
	cJSON_free(body);
	cJSON_Delete(o);
	return r;
}

static size_t collect(char *data, size_t size, size_t nmemb, void *ctx)
{
	char *buf = ctx;
	size_t have = strlen(buf), n = size * nmemb;
	if (have + n >= 1024)
		return 0;
	memcpy(buf + have, data, n);
	buf[have + n] = '\0';
	return n;
}

/* How many jscode2session calls the fake WeChat server has answered so far. */
static int64_t wechat_calls(void)
{
	char url[512], body[1024] = "";
	snprintf(url, sizeof(url), "%s/_calls", api_env("RUQIMA_TEST_FAKE_WECHAT_URL"));
	CURL *c = curl_easy_init();
	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK)
		fail_msg("GET %s: %s", url, curl_easy_strerror(rc));
	cJSON *o = cJSON_Parse(body);
	cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "jscode2session");
	if (!cJSON_IsNumber(n))
		fail_msg("GET %s: unexpected answer %s", url, body);
	int64_t v = (int64_t)n->valuedouble;
	cJSON_Delete(o);
	return v;
}

static void assert_retry_after(const struct api_resp *r)
{
	char *ra = api_header(r, "Retry-After");
	if (ra == NULL)
		fail_msg("no Retry-After in %ld answer: %s", r->status, r->headers);
	int64_t secs = api_to_i64(ra);
	assert_true(secs >= 1);
	free(ra);
}

static bool token_chars_ok(const char *t)
{
	for (; *t != '\0'; t++)
		if (!((*t >= 'A' && *t <= 'Z') || (*t >= 'a' && *t <= 'z') ||
		      (*t >= '0' && *t <= '9') || *t == '-' || *t == '_'))
			return false;
	return true;
}

/* A successful login answers a fresh bearer token; the account and a session exist, and the
 * session row holds the token's SHA-256 only. */
static void test_success_returns_token_and_stores_only_its_hash(void **state)
{
	(void)state;
	char openid[128], code[160];
	snprintf(openid, sizeof(openid), "%s", api_unique("wx-ok"));
	snprintf(code, sizeof(code), "ok:%s", openid);
	struct api_resp *r = wx_login_code(code);
	if (r->status != 200)
		fail_msg("expected 200, got %ld: %s", r->status, r->body);
	char *ct = api_header(r, "Content-Type");
	assert_non_null(ct);
	assert_true(strncmp(ct, "application/json", 16) == 0);
	free(ct);

	const char *token = api_json_str(r, "token");
	assert_non_null(token);
	assert_int_equal(strlen(token), 43);
	assert_true(token_chars_ok(token));
	assert_string_equal(api_json_str(r, "token_type"), "Bearer");
	cJSON *exp = cJSON_GetObjectItemCaseSensitive(r->json, "expires_in");
	assert_true(cJSON_IsNumber(exp));
	int64_t ttl = api_to_i64(api_env("RUQIMA_SESSION_TTL"));
	assert_int_equal((int64_t)exp->valuedouble, ttl);
	const char *account_id = api_json_str(r, "account.id");
	assert_non_null(account_id);
	/* WeChat's session_key stays on the server. */
	assert_null(strstr(r->body, "session_key"));
	assert_null(strstr(r->headers, "session_key"));

	/* The account for the openid, with the id the answer named. */
	PGconn *c = api_db("owner");
	const char *p1[] = {openid};
	char *id = api_sql_value(c,
				 "SELECT id FROM rq.accounts WHERE openid = $1 AND unionid IS NULL"
				 " AND last_login_at IS NOT NULL",
				 1, p1);
	assert_non_null(id);
	assert_string_equal(id, account_id);

	/* One live account session whose 32-byte token_hash is sha256(token), expiring after
	 * the TTL. */
	const char *p2[] = {token, account_id, api_env("RUQIMA_SESSION_TTL")};
	assert_int_equal(
	    api_sql_int(
		c,
		"SELECT count(*) FROM rq.sessions"
		" WHERE token_hash = sha256(convert_to($1, 'UTF8'))"
		" AND octet_length(token_hash) = 32 AND actor_kind = 'account'"
		" AND account_id = $2::bigint AND admin_user_id IS NULL AND csrf_hash IS NULL"
		" AND ended_at IS NULL"
		" AND expires_at = created_at + make_interval(secs => $3::int)",
		3, p2),
	    1);

	/* The token itself is stored nowhere: not in any session row, nor in the audit trail. */
	const char *p3[] = {token};
	assert_int_equal(
	    api_sql_int(c, "SELECT count(*) FROM rq.sessions s WHERE strpos(s::text, $1) > 0", 1,
			p3),
	    0);
	assert_int_equal(
	    api_sql_int(c, "SELECT count(*) FROM audit.log l WHERE strpos(l::text, $1) > 0", 1, p3),
	    0);

	/* The account's creation is audited under the request's id. */
	char *rid = api_request_id(r);
	const char *p4[] = {rid, account_id};
	assert_int_equal(api_sql_int(c,
				     "SELECT count(*) FROM audit.log WHERE request_id = $1"
				     " AND table_name = 'rq.accounts' AND operation = 'INSERT'"
				     " AND row_pk = $2 AND actor_kind = 'anonymous'",
				     2, p4),
			 1);
	free(rid);
	free(id);
	PQfinish(c);

	/* The token works. */
	struct api_resp *me = api_get("/api/v1/auth/me", token);
	assert_int_equal(me->status, 200);
	assert_string_equal(api_json_str(me, "account.id"), account_id);
	api_free(me);
	api_free(r);
}

/* Logging in again with the same openid (a new code) finds the same account, opens a second
 * session, and records the unionid when WeChat sends one; a later login without one keeps
 * it. */
static void test_same_openid_reuses_account(void **state)
{
	(void)state;
	char openid[128], code[160];
	snprintf(openid, sizeof(openid), "%s", api_unique("wx-again"));

	snprintf(code, sizeof(code), "ok:%s", openid);
	struct api_resp *r1 = wx_login_code(code);
	assert_int_equal(r1->status, 200);
	snprintf(code, sizeof(code), "ok-union:%s", openid);
	struct api_resp *r2 = wx_login_code(code);
	assert_int_equal(r2->status, 200);
	snprintf(code, sizeof(code), "busy-once:%s", openid);
	struct api_resp *r3 = wx_login_code(code); /* retried by the server, no unionid */
	assert_int_equal(r3->status, 200);

	const char *id = api_json_str(r1, "account.id");
	assert_non_null(id);
	assert_string_equal(api_json_str(r2, "account.id"), id);
	assert_string_equal(api_json_str(r3, "account.id"), id);
	assert_string_not_equal(api_json_str(r1, "token"), api_json_str(r2, "token"));
	assert_string_not_equal(api_json_str(r2, "token"), api_json_str(r3, "token"));

	assert_int_equal(api_accounts_with_openid(openid), 1);
	char unionid[160];
	snprintf(unionid, sizeof(unionid), "u-%s", openid);
	const char *p[] = {openid, unionid};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.accounts WHERE openid = $1"
				       " AND unionid = $2",
				       2, p),
			 1);
	const char *p2[] = {id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.sessions WHERE account_id = $1::bigint"
			  " AND ended_at IS NULL",
			  1, p2),
	    3);
	/* All three tokens resolve to the same account. */
	struct api_resp *rs[] = {r1, r2, r3};
	for (size_t i = 0; i < 3; i++) {
		struct api_resp *me = api_get("/api/v1/auth/me", api_json_str(rs[i], "token"));
		assert_int_equal(me->status, 200);
		assert_string_equal(api_json_str(me, "account.id"), id);
		api_free(me);
	}
	api_free(r1);
	api_free(r2);
	api_free(r3);
}

/* errcode 40029: the code is rejected, nothing is created. */
static void test_invalid_code_is_401_and_creates_nothing(void **state)
{
	(void)state;
	struct api_resp *r = wx_login_code("invalid");
	api_assert_problem(r, 401, "wx-invalid-code");
	assert_null(api_json_str(r, "token"));
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
}

/* errcode 45011: 429 with Retry-After. */
static void test_rate_limited_is_429_with_retry_after(void **state)
{
	(void)state;
	struct api_resp *r = wx_login_code("ratelimit");
	api_assert_problem(r, 429, "wx-rate-limited");
	assert_retry_after(r);
	assert_null(api_json_str(r, "token"));
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
}

/* errcode 40226 (high-risk user): 403. */
static void test_blocked_user_is_403(void **state)
{
	(void)state;
	struct api_resp *r = wx_login_code("risky");
	api_assert_problem(r, 403, "wx-blocked");
	assert_null(api_json_str(r, "token"));
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
}

/* errcode -1 on every call: three attempts, then 503 with Retry-After. */
static void test_busy_is_503_after_three_attempts(void **state)
{
	(void)state;
	int64_t before = wechat_calls();
	struct api_resp *r = wx_login_code("busy");
	int64_t after = wechat_calls();
	api_assert_problem(r, 503, "wx-unavailable");
	assert_retry_after(r);
	assert_null(api_json_str(r, "token"));
	assert_int_equal(after - before, 3);
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
}

/* errcode -1 once, then success: the server retries and logs in. */
static void test_busy_once_is_retried(void **state)
{
	(void)state;
	char openid[128], code[160];
	snprintf(openid, sizeof(openid), "%s", api_unique("wx-busy-once"));
	snprintf(code, sizeof(code), "busy-once:%s", openid);
	int64_t before = wechat_calls();
	struct api_resp *r = wx_login_code(code);
	int64_t after = wechat_calls();
	if (r->status != 200)
		fail_msg("expected 200, got %ld: %s", r->status, r->body);
	assert_int_equal(after - before, 2);
	assert_non_null(api_json_str(r, "token"));
	assert_int_equal(api_accounts_with_openid(openid), 1);
	api_free(r);
}

/* A code is single use: WeChat's 40163 on reuse is a 401, and no second session opens. */
static void test_reused_code_is_401(void **state)
{
	(void)state;
	char openid[128], code[160];
	snprintf(openid, sizeof(openid), "%s", api_unique("wx-reuse"));
	snprintf(code, sizeof(code), "ok:%s", openid);
	struct api_resp *r1 = wx_login_code(code);
	assert_int_equal(r1->status, 200);
	struct api_resp *r2 = wx_login_code(code);
	api_assert_problem(r2, 401, "wx-invalid-code");
	assert_null(api_json_str(r2, "token"));

	assert_int_equal(api_accounts_with_openid(openid), 1);
	const char *p[] = {api_json_str(r1, "account.id")};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.sessions WHERE account_id = $1::bigint", 1, p),
	    1);
	assert_int_equal(api_audit_rows_of(r2), 0);
	api_free(r1);
	api_free(r2);
}

/* Answers 422 validation naming "code"; no account exists for openid afterwards. */
static void expect_invalid_code_body(const char *body, const char *openid)
{
	struct api_resp *r = api_post_json(WX_LOGIN, body, NULL);
	if (r->status != 422)
		fail_msg("body %s: expected 422, got %ld: %s", body, r->status, r->body);
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "code");
	assert_null(api_json_str(r, "token"));
	if (openid != NULL)
		assert_int_equal(api_accounts_with_openid(openid), 0);
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
}

static void test_bad_bodies_are_422_naming_code(void **state)
{
	(void)state;
	expect_invalid_code_body("{}", NULL);
	expect_invalid_code_body("{\"js_code\":\"ok:x\"}", NULL);
	expect_invalid_code_body("{\"code\":null}", NULL);
	expect_invalid_code_body("{\"code\":42}", NULL);
	expect_invalid_code_body("{\"code\":true}", NULL);
	expect_invalid_code_body("{\"code\":[\"ok:x\"]}", NULL);
	expect_invalid_code_body("{\"code\":{\"ok\":1}}", NULL);
	expect_invalid_code_body("{\"code\":\"\"}", NULL);

	/* 129 characters: one too many (the openid it would carry is valid). */
	char openid[200], body[300];
	snprintf(openid, sizeof(openid), "%s", api_unique("wx-long"));
	size_t n = strlen(openid);
	memset(openid + n, 'x', 126 - n);
	openid[126] = '\0';
	snprintf(body, sizeof(body), "{\"code\":\"ok:%s\"}", openid);
	expect_invalid_code_body(body, openid);

	/* Invalid UTF-8 in the code: a stray byte, an overlong '/', a UTF-16 surrogate, and a
	 * control character. */
	static const char *const bad[] = {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\\u0001"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(openid, sizeof(openid), "%s", api_unique("wx-utf8"));
		snprintf(body, sizeof(body), "{\"code\":\"ok:%s%s\"}", openid, bad[i]);
		expect_invalid_code_body(body, openid);
	}
}

/* An escaped NUL must not cut the code short: "ok:<openid>\u0000junk" is not the code
 * "ok:<openid>". cJSON would decode \u0000 into the string and every C string function
 * would stop there, so the server refuses any body with \u0000 as malformed JSON. */
static void test_nul_escape_in_code_is_refused(void **state)
{
	(void)state;
	char openid[128], body[256];
	snprintf(openid, sizeof(openid), "%s", api_unique("wx-nul"));
	snprintf(body, sizeof(body), "{\"code\":\"ok:%s\\u0000junk\"}", openid);
	struct api_resp *r = api_post_json(WX_LOGIN, body, NULL);
	api_assert_problem(r, 400, "malformed-json");
	assert_null(api_json_str(r, "token"));
	assert_int_equal(api_accounts_with_openid(openid), 0);
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
}

/* The limit is 128 characters (counted as characters, not bytes). */
static void test_code_of_128_characters_is_accepted(void **state)
{
	(void)state;
	char openid[128], code[160];
	snprintf(openid, sizeof(openid), "%s", api_unique("wx-128"));
	size_t n = strlen(openid);
	memset(openid + n, 'y', 125 - n);
	openid[125] = '\0';
	snprintf(code, sizeof(code), "ok:%s", openid);
	assert_int_equal(strlen(code), 128);
	struct api_resp *r = wx_login_code(code);
	if (r->status != 200)
		fail_msg("128 ASCII characters: expected 200, got %ld: %s", r->status, r->body);
	assert_int_equal(api_accounts_with_openid(openid), 1);
	api_free(r);

	/* Characters, not bytes: 128 two-byte characters (256 bytes) pass validation and reach
	 * WeChat, which rejects the code (401); 129 of them are a 422. */
	char wide[300];
	for (size_t i = 0; i < 128; i++)
		memcpy(wide + 2 * i, "\xc3\xa9", 2); /* é */
	wide[256] = '\0';
	int64_t before = wechat_calls();
	r = wx_login_code(wide);
	api_assert_problem(r, 401, "wx-invalid-code");
	assert_int_equal(wechat_calls() - before, 1);
	api_free(r);
	char body[400];
	snprintf(body, sizeof(body), "{\"code\":\"%s\xc3\xa9\"}", wide);
	expect_invalid_code_body(body, NULL);
}

/* Anything but application/json is refused before the body is looked at. */
static void test_wrong_content_type_is_415(void **state)
{
	(void)state;
	/* "" stands for no Content-Type at all ("Content-Type:" makes curl drop its default). */
	static const char *const types[] = {"text/plain", "application/x-www-form-urlencoded",
					    "application/json; charset=latin1", "application/jsonp",
					    ""};
	static const char *const no_type[] = {"Content-Type:", NULL};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char openid[128], body[200];
		snprintf(openid, sizeof(openid), "%s", api_unique("wx-ct"));
		snprintf(body, sizeof(body), "{\"code\":\"ok:%s\"}", openid);
		bool none = types[i][0] == '\0';
		struct api_resp *r =
		    api_call("POST", WX_LOGIN, none ? NULL : types[i], body, none ? no_type : NULL);
		api_assert_problem(r, 415, "unsupported-media-type");
		assert_int_equal(api_accounts_with_openid(openid), 0);
		assert_int_equal(api_audit_rows_of(r), 0);
		api_free(r);
	}
}

/* A body that is not a JSON object is a 400. Each body would name a fresh openid if it
 * were (wrongly) taken as a login. */
static void test_malformed_json_is_400(void **state)
{
	(void)state;
	static const struct {
		const char *before, *after;
	} bodies[] = {
	    {"{\"code\":\"ok:", ""},		 /* cut short */
	    {"{\"code\":\"ok:", "\"} trailing"}, /* garbage after the object */
	    {"{\"code\":\"ok:", "\",}"},	 /* trailing comma */
	    {"[\"ok:", "\"]"},			 /* an array, not an object */
	    {"\"ok:", "\""},			 /* a string */
	    {"{code: 'ok:", "'}"},		 /* not JSON */
	    {"", NULL},				 /* empty */
	};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		char openid[128], body[256];
		snprintf(openid, sizeof(openid), "%s", api_unique("wx-json"));
		if (bodies[i].after != NULL)
			snprintf(body, sizeof(body), "%s%s%s", bodies[i].before, openid,
				 bodies[i].after);
		else
			snprintf(body, sizeof(body), "%s", bodies[i].before);
		struct api_resp *r = api_post_json(WX_LOGIN, body, NULL);
		if (r->status != 400)
			fail_msg("body '%s': expected 400, got %ld: %s", body, r->status, r->body);
		api_assert_problem(r, 400, "malformed-json");
		assert_int_equal(api_accounts_with_openid(openid), 0);
		assert_int_equal(api_audit_rows_of(r), 0);
		api_free(r);
	}
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_success_returns_token_and_stores_only_its_hash),
	    cmocka_unit_test(test_same_openid_reuses_account),
	    cmocka_unit_test(test_invalid_code_is_401_and_creates_nothing),
	    cmocka_unit_test(test_rate_limited_is_429_with_retry_after),
	    cmocka_unit_test(test_blocked_user_is_403),
	    cmocka_unit_test(test_busy_is_503_after_three_attempts),
	    cmocka_unit_test(test_busy_once_is_retried),
	    cmocka_unit_test(test_reused_code_is_401),
	    cmocka_unit_test(test_bad_bodies_are_422_naming_code),
	    cmocka_unit_test(test_nul_escape_in_code_is_refused),
	    cmocka_unit_test(test_code_of_128_characters_is_accepted),
	    cmocka_unit_test(test_wrong_content_type_is_415),
	    cmocka_unit_test(test_malformed_json_is_400),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
