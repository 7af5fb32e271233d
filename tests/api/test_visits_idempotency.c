/* POST /api/v1/registration/visits and its Idempotency-Key: required and well-formed
 * (400 naming the header); a retry with the same key and body gets the first answer with
 * Idempotent-Replayed: true and creates nothing; the same key with another body is 422;
 * keys are per account; a refused registration does not use its key up; retries sent
 * while the first request runs wait for it and replay it. */
#include "api.h"
#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_key_required_and_well_formed(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	cJSON *body = vs_body(s.ent.token, "visit");
	char *json = cJSON_PrintUnformatted(body);
	char k101[102];
	memset(k101, 'k', 101);
	k101[101] = '\0';
	const char *keys[] = {
	    NULL, "", "short-7", "has space-123", "中文中文中文中文", k101, "key/with/slash"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct api_resp *r = vs_post(s.off.bearer, keys[i], json);
		if (r->status != 400)
			fail_msg("key %s: %ld %s", keys[i] != NULL ? keys[i] : "(none)", r->status,
				 r->body);
		api_assert_problem(r, 400, "bad-request");
		api_assert_error_field(r, "Idempotency-Key");
		api_free(r);
	}
	assert_int_equal(vs_account_visit_rows(s.off.account_id), 0);
	/* the longest and shortest allowed, every allowed character */
	char k100[101];
	memset(k100, 'K', 100);
	k100[100] = '\0';
	struct api_resp *r = vs_post(s.off.bearer, k100, json);
	assert_int_equal(r->status, 201);
	api_free(r);
	r = vs_post(s.off.bearer, "aZ09_.:-", json);
	assert_int_equal(r->status, 201);
	api_free(r);
	free(json);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

static int64_t outbox_of(const char *enterprise_id)
{
	return vs_rows("rq.outbox", "enterprise_id", enterprise_id);
}

static void test_replay_creates_nothing(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	free(vs_manager_new(&s.ent, NULL));
	cJSON *body = vs_body(s.ent.token, "research");
	vs_body_str(body, "matter", "回访企业 “专精特新” 申报情况");
	char *json = cJSON_PrintUnformatted(body);
	char key[128];
	snprintf(key, sizeof(key), "%s", vs_key());
	struct api_resp *first = vs_post(s.off.bearer, key, json);
	assert_int_equal(first->status, 201);
	char *replayed = api_header(first, "Idempotent-Replayed");
	assert_null(replayed);
	char *location = api_header(first, "Location");
	assert_non_null(location);
	int64_t rows = vs_account_visit_rows(s.off.account_id);
	assert_int_equal(rows, 1 + 1 + 2 + 1 + 1); /* visit, unit, filings, outbox, key */

	/* a retry, and one with the same JSON written differently */
	char *pretty = cJSON_Print(body);
	const char *again[] = {json, pretty};
	for (int i = 0; i < 2; i++) {
		struct api_resp *r = vs_post(s.off.bearer, key, again[i]);
		assert_int_equal(r->status, 201);
		api_assert_header(r, "Idempotent-Replayed", "true");
		api_assert_header(r, "Location", location);
		cJSON *a = first->json, *b = r->json;
		if (!cJSON_Compare(a, b, true))
			fail_msg("replayed body differs:\n%s\n%s", first->body, r->body);
		assert_int_equal(api_audit_rows_of(r), 0);
		api_free(r);
	}
	assert_int_equal(vs_account_visit_rows(s.off.account_id), rows);
	assert_int_equal(vs_rows("rq.visits", "account_id", s.off.account_id), 1);
	assert_int_equal(outbox_of(s.ent.m.id), 1);

	/* the same key with another body */
	vs_body_str(body, "matter", "另一件事");
	char *other = cJSON_PrintUnformatted(body);
	struct api_resp *r = vs_post(s.off.bearer, key, other);
	api_assert_problem(r, 422, "idempotency-key-reused");
	api_assert_error_field(r, "Idempotency-Key");
	api_free(r);
	assert_int_equal(vs_account_visit_rows(s.off.account_id), rows);

	/* keys are the account's own: another official's same key is a new visit */
	struct vs_official o2;
	vs_official_new(&o2, s.unit.id, NULL, true);
	r = vs_post(o2.bearer, key, json);
	assert_int_equal(r->status, 201);
	assert_null(api_header(r, "Idempotent-Replayed"));
	assert_string_not_equal(api_json_str(r, "id"), api_json_str(first, "id"));
	api_free(r);
	assert_int_equal(vs_rows("rq.visits", "account_id", o2.account_id), 1);

	free(other);
	free(pretty);
	free(location);
	free(json);
	api_free(first);
	cJSON_Delete(body);
	vs_official_free(&o2);
	vs_scene_free(&s);
}

/* A refusal is not stored: the corrected request may go with the same key. */
static void test_refusal_keeps_key_free(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	cJSON *body = vs_body(s.ent.token, "inspection");
	char key[128];
	snprintf(key, sizeof(key), "%s", vs_key());
	/* refused: a back-fill without a reason */
	char *yesterday = vs_time("now() - interval '1 day'");
	vs_body_str(body, "entered_at", yesterday);
	char *json = cJSON_PrintUnformatted(body);
	struct api_resp *r = vs_post(s.off.bearer, key, json);
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "backfill_reason");
	api_free(r);
	free(json);
	assert_int_equal(vs_account_visit_rows(s.off.account_id), 0);

	cJSON *ok = vs_body(s.ent.token, "visit");
	json = cJSON_PrintUnformatted(ok);
	r = vs_post(s.off.bearer, key, json);
	assert_int_equal(r->status, 201);
	assert_null(api_header(r, "Idempotent-Replayed"));
	api_free(r);
	free(json);
	free(yesterday);
	cJSON_Delete(ok);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

/* A phone on a poor connection retries while the first request still runs: the retries
 * wait for it and replay its answer; one visit only. */
static void test_concurrent_retries(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	cJSON *body = vs_body(s.ent.token, "visit");
	char *json = cJSON_PrintUnformatted(body);
	char key[128];
	snprintf(key, sizeof(key), "%s", vs_key());
	enum { N = 4 };
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct api_resp *r = vs_post(s.off.bearer, key, json);
			char *rep = api_header(r, "Idempotent-Replayed");
			_exit(r->status != 201 ? 3 : rep != NULL ? 2 : 1);
		}
	}
	int fresh = 0, replayed = 0;
	for (int i = 0; i < N; i++) {
		int st = 0;
		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st));
		fresh += WEXITSTATUS(st) == 1;
		replayed += WEXITSTATUS(st) == 2;
	}
	assert_int_equal(fresh, 1);
	assert_int_equal(replayed, N - 1);
	assert_int_equal(vs_rows("rq.visits", "account_id", s.off.account_id), 1);
	assert_int_equal(vs_rows("rq.idempotency_keys", "account_id", s.off.account_id), 1);
	free(json);
	cJSON_Delete(body);
	vs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_required_and_well_formed),
	    cmocka_unit_test(test_replay_creates_nothing),
	    cmocka_unit_test(test_refusal_keeps_key_free),
	    cmocka_unit_test(test_concurrent_retries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
