/* Faults under load: while clients register visits over HTTPS, each with a key of its own
 * (Idempotency-Key) and retrying that key after anything but an answer, a registration
 * worker is killed (SIGKILL) every second and PostgreSQL is restarted (immediate stop: a
 * crash) every few seconds. Afterwards, from the side of the official who relies on the
 * record: every visit acknowledged with 201 is in the database exactly once, under its key,
 * with the id the client was given; no key made two visits; and a retry of every key that
 * never got its answer now gets one, which makes the visits exactly as many as the keys (no
 * visit that nobody asked for, none lost).
 *
 * This disturbs the stack (RUN_SERIAL): it turns synchronous_commit on (as in production)
 * for its run; its teardown puts the stack's setting back, starts PostgreSQL again if needed
 * and waits for all five pools to be healthy. */
#include "api.h"
#include "visits_support.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
	CLIENTS = 4,
	LOAD_SECONDS = 20,
	PG_RESTART_EVERY = 6, /* seconds */
	MAX_KEYS = 4096,
	MAX_WORKERS = 64,
};

static int pg_ctl(const char *action)
{
	return api_sh("%s %s >/dev/null 2>&1", api_env("RUQIMA_TEST_PG_CTL"), action);
}

/* A setting of the cluster as its superuser (ALTER SYSTEM), then reloaded. */
static int pg_setting(const char *alter)
{
	return api_sh("runuser -u postgres -- psql -X -q -h %s -p %s -d postgres -c '%s'"
		      " -c 'SELECT pg_reload_conf()' >/dev/null",
		      api_env("RUQIMA_TEST_PG_SOCKET_DIR"), api_env("RUQIMA_TEST_PG_PORT"), alter);
}

static int restore_stack(void **state)
{
	(void)state;
	if (pg_ctl("status") != 0 && pg_ctl("start") != 0) {
		fprintf(stderr, "test_faults_under_load: could not start PostgreSQL again\n");
		return -1;
	}
	if (pg_setting("ALTER SYSTEM RESET synchronous_commit") != 0) {
		fprintf(stderr, "test_faults_under_load: synchronous_commit not reset\n");
		return -1;
	}
	if (api_wait_all_healthy(30, 3) < 0) {
		fprintf(stderr, "test_faults_under_load: pools not healthy 30 s after restore\n");
		return -1;
	}
	return 0;
}

/* One client: registers with new keys until the deadline, retrying a key (same body) after
 * a 5xx or a 429 until it gets 201; writes "key id tries" for each acknowledged key and
 * "key - tries" for the one it was still trying when time ran out, to out. Runs in a child
 * process. */
static void client(const char *bearer, const char *json, int n, double deadline, FILE *out)
{
	char key[64];
	int seq = 0;
	while (api_now() < deadline) {
		snprintf(key, sizeof(key), "fault-%d-%ld-%d", n, (long)getpid(), seq++);
		const char *id = NULL;
		int tries = 0;
		while (id == NULL && api_now() < deadline) {
			struct api_resp *r = vs_post(bearer, key, json);
			tries++;
			if (r->status == 201 && api_json_str(r, "id") != NULL) {
				fprintf(out, "%s %s %d\n", key, api_json_str(r, "id"), tries);
				id = "";
			} else if (r->status < 500 && r->status != 429) {
				fprintf(out, "%s refused %ld %.200s\n", key, r->status, r->body);
				id = "";
			} else {
				usleep(50 * 1000);
			}
			api_free(r);
		}
		if (id == NULL)
			fprintf(out, "%s - %d\n", key, tries);
		fflush(out);
	}
}

/* SIGKILL of one registration worker (the oldest); returns 1 when one was killed. */
static int kill_a_worker(void)
{
	long workers[MAX_WORKERS];
	int n = api_children_of(api_supervisor_pid("registration"), workers, MAX_WORKERS);
	for (int i = 0; i < n; i++)
		if (api_runs_pool(workers[i], "registration") &&
		    kill((pid_t)workers[i], SIGKILL) == 0)
			return 1;
	return 0;
}

struct key {
	char key[64];
	char id[32]; /* "" when the client never got its 201 */
	int client;
};

static void test_no_visit_lost_or_doubled(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	struct vs_official off[CLIENTS];
	for (int i = 0; i < CLIENTS; i++)
		vs_official_new(&off[i], s.unit.id, "HN-ZF-0002", true);
	cJSON *body = vs_body(s.ent.token, "visit");
	char *json = cJSON_PrintUnformatted(body);
	/* The test stack runs with synchronous_commit = off (tests/stack/start: speed), with
	 * which a crash loses the last commits even after their 201; production keeps the
	 * default, on, and so does this test. */
	assert_int_equal(pg_setting("ALTER SYSTEM SET synchronous_commit = on"), 0);
	/* the clients' results, one file each */
	char dir[] = "/tmp/ruqima-faults.XXXXXX";
	assert_non_null(mkdtemp(dir));

	double deadline = api_now() + LOAD_SECONDS;
	pid_t kids[CLIENTS];
	for (int i = 0; i < CLIENTS; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0) {
			char path[128];
			snprintf(path, sizeof(path), "%s/client-%d", dir, i);
			FILE *out = fopen(path, "w");
			if (out == NULL)
				_exit(2);
			client(off[i].bearer, json, i, deadline, out);
			fclose(out);
			_exit(0);
		}
	}
	int kills = 0, restarts = 0, restart_failures = 0;
	for (int second = 1; api_now() < deadline; second++) {
		usleep(1000 * 1000);
		kills += kill_a_worker();
		if (second % PG_RESTART_EVERY == 3) {
			restarts++;
			restart_failures += pg_ctl("restart -m immediate") != 0;
		}
	}
	for (int i = 0; i < CLIENTS; i++) {
		int st;
		assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fail_msg("client %d ended with status %d", i, st);
	}
	assert_int_equal(restart_failures, 0);
	assert_true(api_wait_all_healthy(30, 3) >= 0);

	/* what the clients were told */
	static struct key keys[MAX_KEYS];
	int nkeys = 0, acked = 0, tries = 0;
	for (int i = 0; i < CLIENTS; i++) {
		char path[128], line[512];
		snprintf(path, sizeof(path), "%s/client-%d", dir, i);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f) != NULL) {
			struct key *k = &keys[nkeys];
			char id[32];
			int t;
			if (sscanf(line, "%63s %31s %d", k->key, id, &t) != 3)
				fail_msg("client %d wrote \"%s\"", i, line);
			if (strcmp(id, "refused") == 0)
				fail_msg("client %d: a registration was refused: %s", i, line);
			if (strcmp(id, "-") == 0)
				id[0] = '\0'; /* never acknowledged */
			memcpy(k->id, id, sizeof(k->id));
			k->client = i;
			tries += t;
			acked += k->id[0] != '\0';
			assert_true(++nkeys < MAX_KEYS);
		}
		fclose(f);
		unlink(path);
	}
	rmdir(dir);
	printf("faults under load: %d clients, %d s, %d workers killed, %d PostgreSQL restarts; "
	       "%d keys, %d acknowledged during the faults, %d requests (%d retries)\n",
	       CLIENTS, LOAD_SECONDS, kills, restarts, nkeys, acked, tries, tries - nkeys);
	assert_true(kills >= LOAD_SECONDS / 2);
	assert_true(tries > nkeys); /* the faults were felt: some requests had to be retried */
	assert_true(acked > 0);

	/* every acknowledged visit is there once, under its key, with the id the client got */
	PGconn *owner = api_db("owner");
	for (int i = 0; i < nkeys; i++) {
		if (keys[i].id[0] == '\0')
			continue;
		const char *p[] = {off[keys[i].client].account_id, keys[i].key, keys[i].id};
		int64_t n = api_sql_int(owner,
					"SELECT count(*) FROM rq.idempotency_keys k"
					" JOIN rq.visits v ON v.id = k.visit_id"
					" WHERE k.account_id = $1::bigint AND k.key = $2"
					" AND v.id = $3::bigint AND v.account_id = $1::bigint",
					3, p);
		if (n != 1)
			fail_msg("acknowledged visit %s (key %s) found %lld times", keys[i].id,
				 keys[i].key, (long long)n);
	}
	/* the keys still open get their answer now: a replay of the visit made before, or a
	 * new one */
	char *ids = calloc((size_t)nkeys, 32);
	assert_non_null(ids);
	for (int i = 0; i < nkeys; i++) {
		if (keys[i].id[0] != '\0') {
			snprintf(ids + 32 * i, 32, "%s", keys[i].id);
			continue;
		}
		struct api_resp *r = vs_post(off[keys[i].client].bearer, keys[i].key, json);
		if (r->status != 201 || api_json_str(r, "id") == NULL)
			fail_msg("retry of key %s after the faults: %ld %s", keys[i].key, r->status,
				 r->body);
		snprintf(ids + 32 * i, 32, "%s", api_json_str(r, "id"));
		api_free(r);
	}
	/* no two keys share a visit */
	for (int i = 0; i < nkeys; i++)
		for (int j = i + 1; j < nkeys; j++)
			if (strcmp(ids + 32 * i, ids + 32 * j) == 0)
				fail_msg("keys %s and %s got the same visit %s", keys[i].key,
					 keys[j].key, ids + 32 * i);
	/* as many visits and keys as the clients sent keys: none made twice, none unasked */
	int64_t visits = 0, stored_keys = 0;
	for (int i = 0; i < CLIENTS; i++) {
		const char *p[] = {off[i].account_id};
		visits += api_owner_int(
		    "SELECT count(*) FROM rq.visits WHERE account_id = $1::bigint", 1, p);
		stored_keys += api_owner_int(
		    "SELECT count(*) FROM rq.idempotency_keys WHERE account_id = $1::bigint", 1, p);
	}
	assert_int_equal(visits, nkeys);
	assert_int_equal(stored_keys, nkeys);
	/* each visit audited once (its INSERT) */
	int64_t audited = 0;
	for (int i = 0; i < CLIENTS; i++) {
		const char *p[] = {off[i].account_id};
		audited += api_owner_int("SELECT count(*) FROM audit.log a JOIN rq.visits v"
					 " ON a.table_name = 'rq.visits' AND a.operation = 'INSERT'"
					 " AND a.row_pk = v.id::text"
					 " WHERE v.account_id = $1::bigint",
					 1, p);
	}
	assert_int_equal(audited, nkeys);
	PQfinish(owner);
	free(ids);
	free(json);
	cJSON_Delete(body);
	for (int i = 0; i < CLIENTS; i++)
		vs_official_free(&off[i]);
	vs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_no_visit_lost_or_doubled, restore_stack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
