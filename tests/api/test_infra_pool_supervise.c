/* The local stacks supervise their pools as systemd does in production (deploy/supervise,
 * Restart=always): SIGKILL of a pool's own supervisor — which takes its workers with it —
 * no longer leaves the family answering 502 until someone runs deploy/up again; the pool is
 * started anew and the family answers 200 within a few seconds, and deploy/status tells the
 * restart and how the pool ended. A worker killed is replaced by the pool itself (its
 * supervisor stays, nothing is restarted). Kills pools of the shared stack: RUN_SERIAL. */
#include "api.h"
#include "test_common.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* What deploy/status prints about the stack (whatever its exit status). */
static char *status_output(void)
{
	int rc;
	char *out = api_deploy_status(&rc);
	assert_non_null(out);
	return out;
}

/* The "supervise" line deploy/status prints under family's pool line. */
static char *supervise_line(const char *out, const char *family)
{
	char head[64];
	snprintf(head, sizeof(head), "pool %-13s running", family);
	const char *p = strstr(out, head);
	if (p == NULL)
		fail_msg("deploy/status does not say pool %s runs:\n%s", family, out);
	p = strstr(p, "supervise ");
	assert_non_null(p);
	size_t n = strcspn(p, "\n");
	char *line = malloc(n + 1);
	assert_non_null(line);
	memcpy(line, p, n);
	line[n] = '\0';
	return line;
}

/* Restarts deploy/supervise counted for family (the "restarts N" of deploy/status). */
static long restarts_of(const char *family)
{
	char *out = status_output();
	char *line = supervise_line(out, family);
	const char *r = strstr(line, "restarts ");
	if (r == NULL)
		fail_msg("no restart count in \"%s\"", line);
	char num[24];
	r += strlen("restarts ");
	snprintf(num, sizeof(num), "%.*s", (int)strcspn(r, " "), r);
	long n = (long)api_to_i64(num);
	free(line);
	free(out);
	return n;
}

/* Waits up to secs for family to answer 200 from a pool other than old; returns the seconds. */
static double wait_back(const char *family, long old, double secs)
{
	double start = api_now();
	while (api_now() - start < secs) {
		long pid = api_supervisor_pid(family);
		if (pid != old && api_runs_pool(pid, family) && api_health_status(family) == 200)
			return api_now() - start;
		usleep(50 * 1000);
	}
	fail_msg("%s did not answer 200 from a new pool within %.0f s", family, secs);
	return -1;
}

/* The first living child of pid (a worker of the pool), or -1. */
static long a_worker_of(long pid)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "ps -o pid= --ppid %ld | head -n 1 | tr -d ' \\n'", pid);
	int st;
	char *out = tc_run(cmd, NULL, &st);
	long w = out != NULL && *out != '\0' ? (long)api_to_i64(out) : -1;
	free(out);
	return w;
}

static void test_a_killed_pool_is_started_again(void **state)
{
	(void)state;
	const char *family = "complaints";
	long before = restarts_of(family);
	long old = api_supervisor_pid(family);
	assert_true(api_runs_pool(old, family));
	assert_int_equal(api_health_status(family), 200);
	assert_int_equal(kill((pid_t)old, SIGKILL), 0);
	double took = wait_back(family, old, 15);
	if (took > 5)
		fail_msg("%s took %.1f s to answer again", family, took);
	/* and keeps answering, from every worker */
	for (int i = 0; i < 10; i++)
		assert_int_equal(api_health_status(family), 200);

	char *out = status_output();
	char *line = supervise_line(out, family);
	char want[64];
	snprintf(want, sizeof(want), "restarts %-4ld last exit signal 9 (KILL) at ", before + 1);
	if (strstr(line, want) == NULL)
		fail_msg("deploy/status says \"%s\", expected \"%s...\"", line, want);
	char pid_line[128];
	snprintf(pid_line, sizeof(pid_line), "pool %-13s running   pid %-8ld", family,
		 api_supervisor_pid(family));
	if (strstr(out, pid_line) == NULL)
		fail_msg("deploy/status does not name the new pool: %s", out);
	free(line);
	free(out);
}

static void test_a_killed_worker_is_replaced_by_its_pool(void **state)
{
	(void)state;
	const char *family = "evaluation";
	long before = restarts_of(family);
	long pool = api_supervisor_pid(family);
	long worker = a_worker_of(pool);
	assert_true(worker > 1);
	assert_int_equal(kill((pid_t)worker, SIGKILL), 0);
	double start = api_now();
	while (api_health_status(family) != 200 || a_worker_of(pool) == worker) {
		if (api_now() - start > 5)
			fail_msg("%s did not answer 200 within 5 s of a worker killed", family);
		usleep(50 * 1000);
	}
	/* the same pool: its supervisor replaced the worker, deploy/supervise did nothing */
	assert_int_equal(api_supervisor_pid(family), pool);
	assert_int_equal(restarts_of(family), before);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_killed_pool_is_started_again),
	    cmocka_unit_test(test_a_killed_worker_is_replaced_by_its_pool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
