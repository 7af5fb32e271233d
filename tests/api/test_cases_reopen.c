/* The enterprise's rating of the handling: 不满意 within case_rating_reopen_days of the closing
 * reopens the case, once and only once, to the city (the county admin may no longer act on
 * it; the city admins are told); the second 不满意, or one after the window, is only recorded;
 * each closing is rated once; 不满意 needs a comment. */
#include "api.h"
#include "cases_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct api_resp *rate(const struct cs_scene *s, const char *case_id, const char *json)
{
	char path[256];
	snprintf(path, sizeof(path), CS_BASE "/enterprise/cases/%s/rating", case_id);
	return vs_call("POST", path, s->ev.manager, json);
}

static int64_t ratings(const char *case_id, const char *value, bool reopened)
{
	const char *p[] = {case_id, value, reopened ? "true" : "false"};
	return api_owner_int("SELECT count(*) FROM rq.case_ratings WHERE case_id = $1::bigint"
			     " AND value = $2 AND reopened = $3::boolean",
			     3, p);
}

static void test_reopened_once_to_the_city(void **state)
{
	(void)state;
	struct cs_scene s;
	cs_scene_new(&s);
	char *id = cs_open(&s, "rating", false, NULL);
	cs_take_to_closed(&s, id, "unsubstantiated");

	/* 不满意 without a reason is refused before anything is written */
	struct api_resp *r = rate(&s, id, "{\"value\":\"unsatisfied\"}");
	assert_int_equal(r->status, 422);
	api_assert_error_field(r, "comment");
	api_free(r);

	r = rate(&s, id, "{\"value\":\"unsatisfied\",\"comment\":\"认定不公，要求重新调查\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "status"), "open");
	assert_string_equal(api_json_str(r, "level"), "city");
	api_free(r);
	assert_int_equal(ratings(id, "unsatisfied", true), 1);
	const char *p[] = {id, s.city.id};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.outbox WHERE case_id = $1::bigint"
				       " AND kind = 'case_reopened' AND admin_user_id = $2::bigint",
				       2, p),
			 1);

	/* the county no longer holds it: the city takes it from the start */
	r = cs_act(&s.county, id, "accept", "{}");
	cs_assert_refused(r, 403, "case-action-forbidden", "");
	api_free(r);
	r = cs_get(&s.county, id);
	assert_int_equal(r->status, 200); /* still theirs to read */
	assert_string_equal(cs_joined(r, "allowed_actions"), "");
	api_free(r);
	free(cs_act_ok(&s.city, id, "accept", "{}", "follow_up"));
	cs_follow_up(&s.city, id, "王经理", "仍不满意", "correction");
	free(cs_act_ok(&s.city, id, "close",
		       "{\"classification\":\"attitude\",\"explanation\":\"市级复核后维持原认定\"}",
		       "closed"));

	/* the second 不满意 is recorded, and nothing reopens */
	r = cs_get(&s.city, id);
	assert_int_equal(r->status, 200);
	api_free(r);
	r = rate(&s, id, "{\"value\":\"unsatisfied\",\"comment\":\"还是不满意\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "status"), "closed");
	assert_string_equal(cs_joined(r, "allowed_actions"), "");
	api_free(r);
	assert_int_equal(ratings(id, "unsatisfied", false), 1);
	char *status = cs_status(id);
	assert_string_equal(status, "closed");
	free(status);
	assert_int_equal(
	    api_owner_int("SELECT reopen_count FROM rq.cases WHERE id = $1::bigint", 1, p), 1);
	/* and a closing is rated once */
	r = rate(&s, id, "{\"value\":\"satisfied\"}");
	cs_assert_refused(r, 409, "case-already-rated", "");
	api_free(r);
	free(id);
	cs_scene_free(&s);
}

static void test_unsatisfied_after_the_window_is_recorded_only(void **state)
{
	(void)state;
	struct cs_scene s;
	cs_scene_new(&s);
	char *id = cs_open(&s, "no_scan", false, NULL);
	cs_take_to_closed(&s, id, "unsubstantiated");
	cs_case_age(id, "8 days");
	struct api_resp *r = cs_get(&s.county, id);
	api_free(r);
	r = rate(&s, id, "{\"value\":\"unsatisfied\",\"comment\":\"太晚了也要说\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "status"), "closed");
	api_free(r);
	assert_int_equal(ratings(id, "unsatisfied", false), 1);
	free(id);
	cs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reopened_once_to_the_city),
	    cmocka_unit_test(test_unsatisfied_after_the_window_is_recorded_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
