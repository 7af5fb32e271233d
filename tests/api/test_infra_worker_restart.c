/* A pool's supervisor replaces a worker that dies (app/DESIGN.md §3): after SIGKILL of a worker the
 * pool goes on answering, and within a few seconds it has as many workers as before, the
 * dead one not among them, under the same supervisor. */
#include "api.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_CHILDREN = 64 };

static int children_of(long parent, long *out)
{
	return api_children_of(parent, out, MAX_CHILDREN);
}

static int contains(const long *pids, int n, long pid)
{
	for (int i = 0; i < n; i++)
		if (pids[i] == pid)
			return 1;
	return 0;
}

/* The supervisor's pid from the stack file, checked to be that pool's program. */
static long supervisor_of(const char *family)
{
	char path[64], exe[4096], want[64];
	long pid = api_supervisor_pid(family);
	assert_true(pid > 1);
	snprintf(path, sizeof(path), "/proc/%ld/exe", pid);
	ssize_t n = readlink(path, exe, sizeof(exe) - 1);
	if (n < 0)
		fail_msg("supervisor %ld of %s is not running: %s", pid, family, strerror(errno));
	exe[n] = '\0';
	snprintf(want, sizeof(want), "ruqima-%s", family);
	if (strstr(exe, want) == NULL)
		fail_msg("pid %ld runs %s, not %s", pid, exe, want);
	return pid;
}

static long configured_workers(void)
{
	const char *w = getenv("RUQIMA_WORKERS");
	return w != NULL && *w != '\0' ? strtol(w, NULL, 10) : 2;
}

/* GET health of family: asserts 200 and returns the pid of the worker that answered. */
static long health_pid(const char *family)
{
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/%s/health", family);
	struct api_resp *r = api_get(path, NULL);
	if (r->status != 200)
		fail_msg("GET %s: %ld %s", path, r->status, r->body);
	cJSON *pid = cJSON_GetObjectItemCaseSensitive(r->json, "pid");
	assert_true(cJSON_IsNumber(pid));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->json, "database")));
	long p = (long)pid->valuedouble;
	api_free(r);
	return p;
}

/* Waits up to secs for pid to be a zombie or gone; returns 1 when it is. */
static int wait_dead(long pid, double secs)
{
	double deadline = api_now() + secs;
	do {
		char st = '?';
		if (api_parent_of(pid, &st) < 0 || st == 'Z' || st == 'X')
			return 1;
		usleep(10 * 1000);
	} while (api_now() < deadline);
	return 0;
}

/* Waits up to secs for parent to have `want` living children, none of them in `gone`. */
static int wait_for_workers(long parent, int want, const long *gone, int ngone, long *now,
			    double secs)
{
	double deadline = api_now() + secs;
	int n;
	do {
		n = children_of(parent, now);
		int clean = n == want;
		for (int i = 0; clean && i < ngone; i++)
			clean = !contains(now, n, gone[i]);
		if (clean)
			return n;
		usleep(50 * 1000);
	} while (api_now() < deadline);
	return -n - 1;
}

static void kill_and_check(const char *family, int how_many)
{
	long sup = supervisor_of(family);
	long workers = configured_workers();
	long before[MAX_CHILDREN], after[MAX_CHILDREN];
	/* a worker replaced by an earlier test may still be starting: wait for the full pool */
	int n = wait_for_workers(sup, (int)workers, NULL, 0, before, 5);
	if (n != workers)
		fail_msg("%s pool has %d workers, expected %ld", family, n < 0 ? -n - 1 : n,
			 workers);
	assert_true(how_many <= n);

	long victims[MAX_CHILDREN];
	for (int i = 0; i < how_many; i++) {
		victims[i] = before[i];
		assert_int_equal(kill((pid_t)victims[i], SIGKILL), 0);
	}
	/* Wait for the signal to have taken effect: a victim that had not run yet could still
	 * take a connection out of the backlog and die with it (nginx: 502). That is what
	 * killing a worker in the middle of a request looks like, and not what this tests. */
	for (int i = 0; i < how_many; i++)
		assert_true(wait_dead(victims[i], 5));

	/* The pool keeps answering: requests wait in the socket's backlog for a new worker. */
	for (int i = 0; i < 8; i++) {
		long p = health_pid(family);
		assert_false(contains(victims, how_many, p));
	}

	/* The same number of workers again, without the dead, under the same supervisor. */
	int m = wait_for_workers(sup, n, victims, how_many, after, 5);
	if (m != n)
		fail_msg("%s pool did not get back to %d workers within 5 s (has %d)", family, n,
			 m < 0 ? -m - 1 : m);
	assert_int_equal(supervisor_of(family), sup);
	for (int i = 0; i < m; i++)
		assert_int_equal(api_parent_of(after[i], NULL), sup);
	/* the workers that were not killed are the same processes */
	for (int i = how_many; i < n; i++)
		assert_true(contains(after, m, before[i]));

	/* What answers now is one of the current workers. */
	for (int i = 0; i < 6; i++)
		assert_true(contains(after, m, health_pid(family)));

	/* The supervisor said what happened, in its log. */
	char log[4096];
	snprintf(log, sizeof(log), "%s/%s.log", api_env("RUQIMA_TEST_LOG_DIR"), family);
	for (int i = 0; i < how_many; i++) {
		char needle[128];
		snprintf(needle, sizeof(needle), "worker %ld killed by signal %d", victims[i],
			 SIGKILL);
		if (!api_file_has_line_soon(log, needle, NULL, 5))
			fail_msg("%s.log has no line \"%s\"", family, needle);
	}
}

static void test_killed_worker_is_replaced(void **state)
{
	(void)state;
	kill_and_check("admin", 1);
}

/* With every worker of a pool dead at once, the pool still answers (the supervisor forks
 * new ones; the requests wait on the socket meanwhile). */
static void test_all_workers_killed_are_replaced(void **state)
{
	(void)state;
	kill_and_check("evaluation", (int)configured_workers());
}

/* A replaced worker works with the database: a write through the admin pool (portal login,
 * which opens a session) goes through after its workers were killed. */
static void test_replaced_workers_write(void **state)
{
	(void)state;
	kill_and_check("admin", (int)configured_workers());
	struct api_portal a;
	api_portal_login(&a, "infra-restart");
	assert_int_equal(api_admin_sessions(a.username), 1);
	api_portal_free(&a);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_killed_worker_is_replaced),
	    cmocka_unit_test(test_all_workers_killed_are_replaced),
	    cmocka_unit_test(test_replaced_workers_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
