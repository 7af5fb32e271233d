/* A pool's lifecycle, on a private registration pool started by the test next to the shared
 * stack (one worker, RUQIMA_MAX_REQUESTS=3, its own socket directory):
 * - a worker is recycled after RUQIMA_MAX_REQUESTS requests: the next request is answered
 *   by a new worker of the same supervisor, and the supervisor does not count the recycled
 *   worker's exit as a crash (no error line in its log);
 * - SIGTERM drains the pool: it stops taking new connections at once, the request in flight
 *   still gets its whole answer, then the supervisor exits with status 0 and removes its
 *   socket.
 * The test talks FastCGI to the pool's socket itself (no nginx in between; pool_support.h).
 * The pool's WeChat is a listener of the test that accepts connections and never answers,
 * so a wx-login hangs in curl until its 5 s time limit and then answers 503 wx-unavailable. */
#include "api.h"
#include "pool_support.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* RUQIMA_MAX_REQUESTS of the private pool */
#define MAX_REQUESTS 3
static const char *const settings[] = {"RUQIMA_MAX_REQUESTS=3", NULL};

/* ---- the tests ---------------------------------------------------------------------------- */

/* Each worker serves MAX_REQUESTS requests and is then replaced by a new one, under the same
 * supervisor, without being counted as a crash. */
static void test_worker_recycled_after_max_requests(void **state)
{
	struct pl_pool *p = *state;
	pl_pool_start(p, settings);

	struct stat st;
	assert_int_equal(lstat(p->sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	if ((st.st_mode & 07777) != 0660)
		fail_msg("socket mode %04o, expected 0660", (unsigned)(st.st_mode & 07777));
	struct group *g = getgrnam("www-data");
	if (g != NULL)
		assert_int_equal(st.st_gid, g->gr_gid);

	/* Three workers in turn, MAX_REQUESTS requests each: A A A B B B C. */
	long pids[2 * MAX_REQUESTS + 1];
	for (int i = 0; i < 2 * MAX_REQUESTS + 1; i++) {
		pids[i] = pl_health_pid(p);
		if (i % MAX_REQUESTS == 0 && i > 0) {
			if (pids[i] == pids[i - 1])
				fail_msg("request %d was answered by worker %ld again, after "
					 "RUQIMA_MAX_REQUESTS=%d requests",
					 i + 1, pids[i], MAX_REQUESTS);
			/* the recycled worker is gone (reaped by the supervisor) */
			assert_int_not_equal(pl_ppid_of(pids[i - 1]), p->pid);
		} else if (i > 0) {
			assert_int_equal(pids[i], pids[i - 1]);
		}
		/* a worker with requests left is alive, a child of the supervisor */
		if (i % MAX_REQUESTS != MAX_REQUESTS - 1)
			assert_int_equal(pl_ppid_of(pids[i]), p->pid);
	}
	assert_int_not_equal(pids[0], pids[2 * MAX_REQUESTS]);

	/* The same supervisor all along (our child, not reaped), started once. */
	assert_int_equal(waitpid(p->pid, NULL, WNOHANG), 0);
	assert_int_equal(pl_log_count(p, "listening on"), 1);
	/* A recycle is a clean exit: no error, nothing killed, no word about the workers. */
	const char *why = "a recycled worker exits cleanly";
	pl_assert_no_log_line(p, "\"level\":\"error\"", why);
	pl_assert_no_log_line(p, "killed", why);
	for (int i = 0; i < 2; i++) {
		char needle[64];
		snprintf(needle, sizeof(needle), "worker %ld ", pids[i * MAX_REQUESTS]);
		pl_assert_no_log_line(p, needle, why);
	}
	assert_int_equal(pl_log_count(p, "\"route\":\"/api/v1/registration/health\""),
			 2 * MAX_REQUESTS + 1);

	/* An idle pool stops at once on SIGTERM. */
	assert_int_equal(kill(p->pid, SIGTERM), 0);
	if (pl_pool_wait(p, 5) != 0)
		fail_msg("the idle pool did not exit within 5 s of SIGTERM");
	pl_assert_clean_stop(p);
	p->passed = 1;
}

/* SIGTERM while a request is in flight: no new connection is taken, the request is answered
 * in full, then the supervisor exits 0 and removes its socket. */
static void test_sigterm_drains_request_in_flight(void **state)
{
	struct pl_pool *p = *state;
	pl_pool_start(p, settings);
	long worker = pl_health_pid(p); /* the worker is up and has 2 requests left */

	int fd = pl_fcgi_connect(p->sock);
	assert_true(fd >= 0);
	char body[128];
	snprintf(body, sizeof(body), "{\"code\":\"ok:%s\"}", api_unique("lifecycle"));
	double t_req = api_now();
	pl_fcgi_send(fd, "POST", "/api/v1/auth/wx-login", "application/json", body);

	/* In flight: the worker's curl has connected to WeChat and asked its question. */
	int c = pl_wx_accept(p, 10);
	if (c < 0)
		fail_msg("the wx-login did not reach the silent WeChat within 10 s");
	char head[4096];
	pl_read_http_head(c, head, sizeof(head), 5);
	if (strncmp(head, "GET /sns/jscode2session?", 24) != 0 ||
	    strstr(head, "appid=" PL_WX_APPID) == NULL)
		fail_msg("unexpected request to WeChat: %.300s", head);

	double t_term = api_now();
	assert_int_equal(kill(p->pid, SIGTERM), 0);

	/* New connections are refused (or the socket is gone) right away. Checked here, while
	 * the request is in flight; asserted at the end, after the rest has been seen. */
	int refused = 0, probe_err = 0;
	double probe_end = api_now() + 1;
	do {
		int probe = pl_fcgi_connect(p->sock);
		if (probe == -ENOENT || probe == -ECONNREFUSED) {
			refused = 1;
			break;
		}
		if (probe >= 0)
			close(probe);
		probe_err = probe;
		usleep(50 * 1000);
	} while (api_now() < probe_end);
	double t_probe = api_now();

	/* The request in flight is answered in full, after curl's 5 s limit. */
	const struct pl_answer *a = pl_fcgi_read(p, fd, 15);
	close(fd);
	double t_done = api_now();
	pl_assert_complete(a, "wx-login in flight during SIGTERM");
	if (a->status != 503)
		fail_msg("wx-login: expected 503, got %ld: %.300s", a->status, a->out);
	assert_non_null(a->json);
	const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a->json, "type"));
	assert_non_null(type);
	assert_string_equal(type, "/problems/wx-unavailable");
	/* not cut short by the signal: curl ran into its own time limit */
	if (t_done - t_req < 4.5)
		fail_msg("the request in flight was answered after %.1f s, before curl's 5 s "
			 "time limit: SIGTERM cut it short",
			 t_done - t_req);

	/* Then the supervisor exits 0, socket removed, well before its SIGKILL deadline
	 * (RUQIMA_REQUEST_TIMEOUT + 5 s). */
	if (pl_pool_wait(p, 5) != 0)
		fail_msg("the supervisor has not exited %.1f s after SIGTERM (%.1f s after the "
			 "request in flight was answered)",
			 api_now() - t_term, api_now() - t_done);
	double t_exit = api_now();
	pl_assert_clean_stop(p);
	assert_true(pl_ppid_of(worker) < 0);
	assert_int_equal(pl_log_count(p, "stopping: draining workers"), 1);
	assert_int_equal(pl_log_count(p, "\"route\":\"/api/v1/auth/wx-login\",\"status\":503"), 1);
	pl_assert_no_log_line(p, "killed", "the worker finished its request, unkilled");

	print_message("SIGTERM after %.1f s; answer after %.1f s; supervisor exit after %.1f s\n",
		      t_term - t_req, t_done - t_req, t_exit - t_req);
	if (!refused)
		fail_msg("%.1f s after SIGTERM (and %.1f s before the supervisor exited) %s still "
			 "accepted new connections: %s",
			 t_probe - t_term, t_exit - t_probe, p->sock,
			 probe_err >= 0 ? "connect succeeded" : strerror(-probe_err));
	p->passed = 1;
}

int main(void)
{
	api_init();
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_worker_recycled_after_max_requests, pl_setup,
					    pl_teardown),
	    cmocka_unit_test_setup_teardown(test_sigterm_drains_request_in_flight, pl_setup,
					    pl_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
