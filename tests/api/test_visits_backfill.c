/* 补登记 on POST /api/v1/registration/visits: entered_at earlier than 15 minutes ago needs
 * backfill_reason and is flagged; more than backfill_days_max (10) days ago is refused
 * (backfill-too-late), the future and malformed times are refused, all naming entered_at
 * or backfill_reason, and a refusal writes nothing. */
#include "api.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_backfill_with_reason(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	char *when = vs_time("now() - interval '2 days 3 hours'");
	cJSON *body = vs_body(s.ent.token, "visit");
	vs_body_str(body, "entered_at", when);
	vs_body_str(body, "backfill_reason", "现场无网络信号");
	struct api_resp *r = vs_register(s.off.bearer, body);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){"backfill", NULL});
	assert_non_null(vs_warning(r, "backfill", NULL));
	const char *p[] = {api_json_str(r, "id"), when};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.visits WHERE id = $1::bigint"
				       " AND entered_at = $2::timestamptz"
				       " AND backfill_reason = '现场无网络信号'"
				       " AND registered_at > entered_at + interval '2 days'"
				       " AND flags = '{backfill}'",
				       2, p),
			 1);
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM rq.visit_units"
			  " WHERE visit_id = $1::bigint AND entered_at = $2::timestamptz",
			  2, p),
	    1);
	api_free(r);

	/* 9 days 23 hours ago is still within the 10 days */
	free(when);
	when = vs_time("now() - interval '9 days 23 hours'");
	vs_body_str(body, "entered_at", when);
	r = vs_register(s.off.bearer, body);
	assert_int_equal(r->status, 201);
	assert_true(vs_has_flag(r, "backfill"));
	api_free(r);

	/* a few minutes ago is no back-fill: no reason needed, no flag */
	free(when);
	when = vs_time("now() - interval '5 minutes'");
	cJSON *recent = vs_body(s.ent.token, "research");
	vs_body_str(recent, "entered_at", when);
	struct vs_enterprise e2;
	vs_enterprise_new(&e2, true);
	vs_body_str(recent, "token", e2.token);
	r = vs_register(s.off.bearer, recent);
	assert_int_equal(r->status, 201);
	vs_assert_flags(r, (const char *const[]){NULL});
	api_free(r);
	cJSON_Delete(recent);
	free(when);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

static void test_backfill_refused(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	struct {
		const char *when; /* SQL of now(), or a literal time */
		const char *reason;
		const char *slug;
		const char *field;
	} cases[] = {
	    {"now() - interval '1 hour'", NULL, "validation", "backfill_reason"},
	    {"now() - interval '10 days 1 hour'", "忘记登记", "backfill-too-late", "entered_at"},
	    {"now() - interval '30 days'", "忘记登记", "backfill-too-late", "entered_at"},
	    {"now() + interval '1 hour'", NULL, "validation", "entered_at"},
	    {"now() + interval '1 hour'", "提前登记", "validation", "entered_at"},
	    {"2026-13-01T09:00:00+08:00", "忘记登记", "validation", "entered_at"},
	    {"", "忘记登记", "validation", "entered_at"},
	    {NULL, "忘记登记", "validation", "entered_at"}, /* a reason says when */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *body = vs_body(s.ent.token, "visit");
		char *when = NULL;
		if (cases[i].when != NULL && strncmp(cases[i].when, "now()", 5) == 0)
			when = vs_time(cases[i].when);
		else if (cases[i].when != NULL)
			when = strdup(cases[i].when);
		if (when != NULL)
			vs_body_str(body, "entered_at", when);
		if (cases[i].reason != NULL)
			vs_body_str(body, "backfill_reason", cases[i].reason);
		vs_assert_refused(s.off.bearer, body, 422, cases[i].slug, cases[i].field,
				  when != NULL ? when : "(no entered_at)");
		free(when);
		cJSON_Delete(body);
	}
	assert_int_equal(vs_account_visit_rows(s.off.account_id), 0);
	vs_scene_free(&s);
}

/* entered_at is RFC 3339: PostgreSQL's looser spellings ("yesterday", "now", a bare date,
 * "Nov 24 2026 9:00") are not times of entry the mini-program sends. */
static void test_entered_at_is_rfc3339(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	char *day = vs_time("now() - interval '1 day'");
	char bare_date[16], no_zone[32];
	snprintf(bare_date, sizeof(bare_date), "%.10s", day);
	snprintf(no_zone, sizeof(no_zone), "%.19s", day);
	const char *loose[] = {"yesterday", "now", "epoch", bare_date, no_zone, "Nov 24 2026 9:00"};
	for (size_t i = 0; i < sizeof(loose) / sizeof(loose[0]); i++) {
		cJSON *body = vs_body(s.ent.token, "visit");
		vs_body_str(body, "entered_at", loose[i]);
		vs_body_str(body, "backfill_reason", "忘记登记");
		struct api_resp *r = vs_register(s.off.bearer, body);
		if (r->status != 422)
			fail_msg("entered_at %s: %ld %s", loose[i], r->status, r->body);
		api_assert_error_field(r, "entered_at");
		api_free(r);
		cJSON_Delete(body);
	}
	assert_int_equal(vs_account_visit_rows(s.off.account_id), 0);
	free(day);
	vs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_backfill_with_reason),
	    cmocka_unit_test(test_backfill_refused),
	    cmocka_unit_test(test_entered_at_is_rfc3339),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
