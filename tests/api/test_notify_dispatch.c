/* `ruqima notify run --once` against the real stack and the fake WeChat server: a queued
 * notification reaches its recipient's openid exactly once, with the visit template, the
 * page and WeChat's field limits; a busy WeChat, an HTTP 500 or a stale access token is
 * retried after the back-off and a refusal (43101) is final; a row a dead dispatcher left in
 * 'sending' is never sent; every status change is in the audit trail; no error keeps the
 * access token. And end to end: a registered visit reaches the enterprise's manager. */
#include "api.h"
#include "codes_support.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEMPLATE	"test-visit-template" /* RUQIMA_WX_TEMPLATE_VISIT of tests/stack/start */
#define ENTERPRISE_NAME "信阳市浉河区测试通知用名称特别长的新材料科技有限公司"

/* The account with this openid (logged in through the fake when new): its id (malloc'd). */
static char *recipient(const char *openid)
{
	if (api_accounts_with_openid(openid) == 0)
		free(api_wx_login(openid));
	return api_account_id(openid);
}

enum { OPENID_MAX = 96 };

/* A new account with a unique openid that starts with prefix (written into openid). */
static char *new_recipient(const char *prefix, char openid[OPENID_MAX])
{
	snprintf(openid, OPENID_MAX, "%s", api_unique(prefix));
	return recipient(openid);
}

/* Queues a visit_registered notification to the account, as rq.visit_notify_managers
 * would; extra is SQL run on the new row (":id" is its id) before COMMIT, or NULL. Returns
 * the row's id (malloc'd). */
static char *queue(const char *account_id, const char *extra)
{
	PGconn *c = api_owner_tx();
	const char *p[] = {account_id};
	char *id = api_sql_value(
	    c,
	    "INSERT INTO rq.outbox (account_id, kind, payload) VALUES ($1::bigint,"
	    " 'visit_registered', jsonb_build_object('title', '有公职人员扫码入企', 'enterprise',"
	    " '" ENTERPRISE_NAME "', 'unit', '市场监管局', 'official', '张三', 'activity',"
	    " '执法检查', 'time', '2026-11-25T09:30:12.5+08:00', 'matter', '消防安全检查'))"
	    " RETURNING id",
	    1, p);
	if (extra != NULL) {
		const char *q[] = {id};
		api_sql_exec(c, extra, 1, q);
	}
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
	return id;
}

/* One pass of the dispatcher, which must succeed; its stderr (malloc'd). */
static char *dispatch(void)
{
	struct ct_run r;
	ct_cli(&r, (const char *const[]){"notify", "run", "--once", NULL});
	if (r.status != 0)
		fail_msg("notify run --once: exit %d: %s", r.status, r.err);
	free(r.out);
	return r.err;
}

static void dispatch_quietly(void)
{
	free(dispatch());
}

/* The accepted messages to openid; *last (a copy, cJSON_Delete) unless NULL. */
static int messages_to(const char *openid, cJSON **last)
{
	cJSON *all = api_fake_wechat_get("/_messages"), *m;
	int n = 0;
	if (last != NULL)
		*last = NULL;
	cJSON_ArrayForEach(m, all)
	{
		const cJSON *to = cJSON_GetObjectItemCaseSensitive(m, "touser");
		if (!cJSON_IsString(to) || strcmp(to->valuestring, openid) != 0)
			continue;
		n++;
		if (last != NULL) {
			cJSON_Delete(*last);
			*last = cJSON_Duplicate(m, true);
		}
	}
	cJSON_Delete(all);
	return n;
}

/* The outbox row's column as text (malloc'd; NULL for SQL NULL). */
static char *field(const char *id, const char *column)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT %s::text FROM rq.outbox WHERE id = $1::bigint", column);
	const char *p[] = {id};
	return api_owner_value(sql, 1, p);
}

static void assert_field(const char *id, const char *column, const char *want)
{
	char *v = field(id, column);
	if (v == NULL || strcmp(v, want) != 0)
		fail_msg("outbox %s: %s is %s, not %s", id, column, v != NULL ? v : "NULL", want);
	free(v);
}

/* Seconds from now to the row's next_attempt_at. */
static int64_t seconds_to_next_attempt(const char *id)
{
	const char *p[] = {id};
	return api_owner_int("SELECT round(extract(epoch FROM next_attempt_at - now()))::bigint"
			     " FROM rq.outbox WHERE id = $1::bigint",
			     1, p);
}

static void make_due(const char *id)
{
	const char *p[] = {id};
	api_owner_write("UPDATE rq.outbox SET next_attempt_at = now() - interval '1 second'"
			" WHERE id = $1::bigint",
			1, p);
}

/* The statuses the dispatcher gave the row, in order, from the audit trail. */
static char *status_trail(const char *id)
{
	const char *p[] = {id};
	return api_owner_value(
	    "SELECT string_agg(new_row->>'status', ',' ORDER BY id) FROM audit.log"
	    " WHERE table_name = 'rq.outbox' AND row_pk = $1 AND operation = 'UPDATE'"
	    " AND request_id = 'cli-notify' AND actor_kind = 'system'",
	    1, p);
}

static void assert_trail(const char *id, const char *want)
{
	char *t = status_trail(id);
	if (t == NULL || strcmp(t, want) != 0)
		fail_msg("outbox %s: audit trail %s, not %s", id, t != NULL ? t : "(none)", want);
	free(t);
}

/* No outbox row's last_error carries an access token (the fake's look like this). */
static void assert_no_token_in_errors(void)
{
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.outbox"
				       " WHERE last_error LIKE '%access-token%'"
				       " OR last_error LIKE '%testsecret%'",
				       0, NULL),
			 0);
}

static const char *value_of(const cJSON *msg, const char *key)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(msg, "data");
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(data, key);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, "value");
	if (!cJSON_IsString(v))
		fail_msg("message has no data.%s.value", key);
	return v->valuestring;
}

static void sent_exactly_once_with_the_template_and_limits(void **state)
{
	(void)state;
	char openid[OPENID_MAX];
	char *account = new_recipient("ntf-ok", openid);
	char *id = queue(account, NULL);

	char *err = dispatch();
	assert_non_null(strstr(err, "sent "));
	free(err);
	assert_field(id, "status", "sent");
	assert_field(id, "attempts", "1");
	char *sent_at = field(id, "sent_at");
	assert_non_null(sent_at);
	free(sent_at);

	cJSON *m;
	assert_int_equal(messages_to(openid, &m), 1);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "template_id")->valuestring,
			    TEMPLATE);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "page")->valuestring,
			    "pages/visits/detail");
	assert_string_equal(value_of(m, "thing1"), "有公职人员扫码入企");
	/* thing values: 20 characters at most, cut between characters */
	assert_string_equal(value_of(m, "thing2"), "信阳市浉河区测试通知用名称特别长的新材料");
	assert_string_equal(value_of(m, "thing3"), "市场监管局 张三");
	assert_string_equal(value_of(m, "thing4"), "执法检查：消防安全检查");
	assert_string_equal(value_of(m, "time5"), "2026-11-25 09:30");
	cJSON_Delete(m);

	/* a second pass sends nothing more */
	dispatch_quietly();
	assert_int_equal(messages_to(openid, NULL), 1);
	assert_field(id, "status", "sent");
	assert_field(id, "attempts", "1");
	assert_trail(id, "sending,sent");
	free(id);
	free(account);
}

/* A retryable failure (touser makes the fake fail once) leaves the row pending with a
 * back-off; a pass before it sends nothing, a pass after it sends the message. */
static void retry_after_backoff(const char *prefix, const char *error_part)
{
	char openid[OPENID_MAX];
	char *account = new_recipient(prefix, openid);
	char *id = queue(account, NULL);

	dispatch_quietly();
	assert_field(id, "status", "pending");
	assert_field(id, "attempts", "1");
	int64_t wait = seconds_to_next_attempt(id);
	if (wait < 20 || wait > 31)
		fail_msg("first back-off %lld s, not about 30 s", (long long)wait);
	char *error = field(id, "last_error");
	assert_non_null(error);
	if (strstr(error, error_part) == NULL)
		fail_msg("last_error \"%s\" does not say %s", error, error_part);
	free(error);
	assert_int_equal(messages_to(openid, NULL), 0);

	/* not due yet: untouched */
	dispatch_quietly();
	assert_field(id, "status", "pending");
	assert_field(id, "attempts", "1");

	make_due(id);
	dispatch_quietly();
	assert_field(id, "status", "sent");
	assert_field(id, "attempts", "2");
	assert_int_equal(messages_to(openid, NULL), 1);
	assert_trail(id, "sending,pending,sending,sent");
	assert_no_token_in_errors();
	free(id);
	free(account);
}

static void busy_is_retried(void **state)
{
	(void)state;
	retry_after_backoff("busy-once:ntf", "errcode -1");
}

static void http_500_is_retried(void **state)
{
	(void)state;
	retry_after_backoff("http500-once:ntf", "HTTP 500");
}

/* The back-off doubles with each attempt, and the fifth failure is final. */
static void backoff_grows_and_attempts_end(void **state)
{
	(void)state;
	char openid[OPENID_MAX];
	char *account = new_recipient("busy-once:ntf-third", openid);
	char *third = queue(account, "UPDATE rq.outbox SET attempts = 2 WHERE id = $1::bigint");
	char *account2 = new_recipient("busy-once:ntf-last", openid);
	char *last = queue(account2, "UPDATE rq.outbox SET attempts = 4 WHERE id = $1::bigint");

	dispatch_quietly();
	assert_field(third, "status", "pending");
	assert_field(third, "attempts", "3");
	int64_t wait = seconds_to_next_attempt(third);
	if (wait < 110 || wait > 121)
		fail_msg("third back-off %lld s, not about 120 s", (long long)wait);

	assert_field(last, "status", "failed");
	assert_field(last, "attempts", "5");
	make_due(last);
	dispatch_quietly();
	assert_field(last, "status", "failed");
	assert_int_equal(messages_to(openid, NULL), 0);
	free(third);
	free(last);
	free(account);
	free(account2);
}

static void refused_is_final(void **state)
{
	(void)state;
	char *account = recipient("blocked");
	char *id = queue(account, NULL);
	dispatch_quietly();
	assert_field(id, "status", "failed");
	assert_field(id, "attempts", "1");
	char *error = field(id, "last_error");
	assert_non_null(error);
	assert_non_null(strstr(error, "43101"));
	free(error);

	make_due(id);
	dispatch_quietly();
	assert_field(id, "status", "failed");
	assert_field(id, "attempts", "1");
	assert_int_equal(messages_to("blocked", NULL), 0);
	assert_trail(id, "sending,failed");
	free(id);
	free(account);
}

/* WeChat said the token was invalid: a new one is fetched and the message sent once. */
static void stale_token_is_fetched_again(void **state)
{
	(void)state;
	char openid[OPENID_MAX];
	char *account = new_recipient("stale-token-once:ntf", openid);
	char *id = queue(account, NULL);
	dispatch_quietly();
	assert_field(id, "status", "sent");
	assert_field(id, "attempts", "1");
	assert_int_equal(messages_to(openid, NULL), 1);
	free(id);
	free(account);
}

/* A row left in 'sending' for more than 10 minutes may have reached WeChat: it is marked
 * failed, never sent; one claimed a minute ago belongs to a live dispatcher and stays. */
static void stuck_sending_is_never_sent(void **state)
{
	(void)state;
	char openid[OPENID_MAX];
	char *account = new_recipient("ntf-stuck", openid);
	char *stuck = queue(account, "UPDATE rq.outbox SET status = 'sending', attempts = 1,"
				     " claimed_at = now() - interval '11 minutes'"
				     " WHERE id = $1::bigint");
	char *live = queue(account, "UPDATE rq.outbox SET status = 'sending', attempts = 1,"
				    " claimed_at = now() - interval '1 minute'"
				    " WHERE id = $1::bigint");
	dispatch_quietly();
	assert_field(stuck, "status", "failed");
	assert_field(stuck, "attempts", "1");
	assert_field(stuck, "last_error", "dispatcher interrupted: outcome unknown, not resent");
	assert_field(live, "status", "sending");
	assert_int_equal(messages_to(openid, NULL), 0);
	assert_trail(stuck, "failed");
	/* the live one must not stay claimed after this test: as its dispatcher would */
	const char *p[] = {live};
	api_owner_write("UPDATE rq.outbox SET status = 'failed', last_error = 'test'"
			" WHERE id = $1::bigint",
			1, p);
	free(stuck);
	free(live);
	free(account);
}

static void usage_errors_exit_2(void **state)
{
	(void)state;
	const char *const bad[][5] = {{"notify", NULL},
				      {"notify", "run", "--limit", "0", NULL},
				      {"notify", "run", "--limit", "many", NULL},
				      {"notify", "run", "--twice", NULL}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ct_run r;
		ct_cli(&r, bad[i]);
		assert_int_equal(r.status, 2);
		ct_run_free(&r);
	}
}

/* Without the WeChat settings a pass sends nothing, fails nothing and says why: every message
 * stays pending, untried, for the pass that has them (exit 0, not a usage error). */
static void without_wechat_settings_messages_stay_pending(void **state)
{
	(void)state;
	char openid[OPENID_MAX];
	char *account = new_recipient("nowechat", openid);
	char *id = queue(account, NULL);
	static const char *const settings[] = {"RUQIMA_WX_APPID", "RUQIMA_WX_SECRET",
					       "RUQIMA_WX_TEMPLATE_VISIT"};
	for (size_t i = 0; i < 3; i++) {
		setenv(settings[i], "", 1); /* the environment wins over the env file */
		struct ct_run r;
		ct_cli(&r, (const char *const[]){"notify", "run", "--once", NULL});
		unsetenv(settings[i]);
		if (r.status != 0 || strstr(r.err, "WeChat is not configured") == NULL ||
		    strstr(r.err, "stays pending") == NULL)
			fail_msg("without %s: exit %d: %s", settings[i], r.status, r.err);
		ct_run_free(&r);
		assert_field(id, "status", "pending");
		assert_field(id, "attempts", "0");
	}
	assert_int_equal(messages_to(openid, NULL), 0);
	/* with them, the next pass sends it */
	dispatch_quietly();
	assert_field(id, "status", "sent");
	assert_int_equal(messages_to(openid, NULL), 1);
	free(id);
	free(account);
}

/* A visit registered through the API reaches the enterprise's manager. */
static void registered_visit_reaches_the_manager(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	char *manager_id = NULL;
	free(vs_manager_new(&s.ent, &manager_id));
	const char *p[] = {manager_id};
	char *openid =
	    api_owner_value("SELECT openid FROM rq.accounts WHERE id = $1::bigint", 1, p);
	cJSON *body = vs_body(s.ent.token, "visit");
	char *visit = vs_register_ok(s.off.bearer, body);
	cJSON_Delete(body);

	dispatch_quietly();
	const char *pv[] = {visit};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.outbox WHERE visit_id = $1::bigint"
				       " AND status = 'sent'",
				       1, pv),
			 1);
	cJSON *m;
	assert_int_equal(messages_to(openid, &m), 1);
	char page[128];
	snprintf(page, sizeof(page), "pages/visits/detail?id=%s", visit);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "page")->valuestring, page);
	assert_string_equal(value_of(m, "thing1"), "有公职人员扫码入企");
	char *name =
	    api_owner_value("SELECT left(name, 20) FROM rq.enterprises WHERE id = $1::bigint", 1,
			    (const char *const[]){s.ent.m.id});
	assert_string_equal(value_of(m, "thing2"), name);
	cJSON_Delete(m);
	free(name);
	free(visit);
	free(openid);
	free(manager_id);
	vs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sent_exactly_once_with_the_template_and_limits),
	    cmocka_unit_test(busy_is_retried),
	    cmocka_unit_test(http_500_is_retried),
	    cmocka_unit_test(backoff_grows_and_attempts_end),
	    cmocka_unit_test(refused_is_final),
	    cmocka_unit_test(stale_token_is_fetched_again),
	    cmocka_unit_test(stuck_sending_is_never_sent),
	    cmocka_unit_test(usage_errors_exit_2),
	    cmocka_unit_test(without_wechat_settings_messages_stay_pending),
	    cmocka_unit_test(registered_visit_reaches_the_manager),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
