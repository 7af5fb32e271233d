/* Case notifications reach the mini-program through the WeChat dispatcher: `ruqima notify run
 * --once` sends a case's notice to the enterprise's manager with the case template
 * (RUQIMA_WX_TEMPLATE_CASE: thing1 notice, thing2 enterprise, phrase3 status, time4) opening
 * the case page with its id, once. Portal users' notices are never sent. RUN_SERIAL: the
 * dispatcher takes every due row of the stack. */
#include "api.h"
#include "cases_support.h"
#include "codes_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEMPLATE "test-case-template" /* RUQIMA_WX_TEMPLATE_CASE of tests/stack/start */

/* The fake's accepted messages to openid with the case template: how many, with their
 * distinct phrase3 values (the case's status) joined by commas into statuses, in the order
 * the fake got them. Every one must open page. */
static int case_messages_to(const char *openid, const char *page, char *statuses, size_t cap)
{
	cJSON *all = api_fake_wechat_get("/_messages"), *m;
	int n = 0;
	statuses[0] = '\0';
	cJSON_ArrayForEach(m, all)
	{
		const cJSON *to = cJSON_GetObjectItemCaseSensitive(m, "touser");
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(m, "template_id");
		if (!cJSON_IsString(to) || strcmp(to->valuestring, openid) != 0 ||
		    !cJSON_IsString(t) || strcmp(t->valuestring, TEMPLATE) != 0)
			continue;
		n++;
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "page")->valuestring, page);
		const cJSON *data = cJSON_GetObjectItemCaseSensitive(m, "data");
		assert_non_null(cJSON_GetObjectItemCaseSensitive(data, "time4"));
		assert_non_null(cJSON_GetObjectItemCaseSensitive(data, "thing2"));
		const cJSON *phrase = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(data, "phrase3"), "value");
		assert_true(cJSON_IsString(phrase));
		if (strstr(statuses, phrase->valuestring) == NULL) {
			if (statuses[0] != '\0')
				strncat(statuses, ",", cap - strlen(statuses) - 1);
			strncat(statuses, phrase->valuestring, cap - strlen(statuses) - 1);
		}
	}
	cJSON_Delete(all);
	return n;
}

static void dispatch(void)
{
	struct ct_run r;
	ct_cli(&r, (const char *const[]){"notify", "run", "--once", NULL});
	if (r.status != 0)
		fail_msg("notify run --once: exit %d: %s", r.status, r.err);
	ct_run_free(&r);
}

static void test_case_notices_sent_with_the_case_template(void **state)
{
	(void)state;
	struct cs_scene s;
	cs_scene_new(&s);
	const char *p[] = {s.ev.manager_id};
	char *openid =
	    api_owner_value("SELECT openid FROM rq.accounts WHERE id = $1::bigint", 1, p);
	char *id = cs_open(&s, "no_scan", false, NULL);
	free(cs_act_ok(&s.county, id, "accept", "{}", "follow_up"));
	dispatch();
	char page[64], statuses[128];
	snprintf(page, sizeof(page), "pages/cases/detail?id=%s", id);
	/* opened (待受理), accepted (待回访), in whichever order the batch went */
	assert_int_equal(case_messages_to(openid, page, statuses, sizeof(statuses)), 2);
	assert_true(strcmp(statuses, "待受理,待回访") == 0 ||
		    strcmp(statuses, "待回访,待受理") == 0);
	/* sent once; the portal users' notices stay unsent */
	dispatch();
	assert_int_equal(case_messages_to(openid, page, statuses, sizeof(statuses)), 2);
	const char *q[] = {id};
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.outbox WHERE case_id = $1::bigint"
			  " AND admin_user_id IS NOT NULL AND status IN ('sent', 'sending')",
			  1, q),
	    0);
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.outbox WHERE case_id = $1::bigint"
				       " AND account_id IS NOT NULL AND status = 'sent'",
				       1, q),
			 2);
	free(id);
	free(openid);
	cs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_case_notices_sent_with_the_case_template),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
