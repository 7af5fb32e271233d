/* The background work as deploy/up runs it (deploy/lib.sh background_start, _status,
 * _stop), on the test stack: the notification dispatcher (`ruqima notify run`) and the
 * print-jobs runner (`ruqima codes print-jobs run`) run next to the pools, each a supervisor
 * with one child, and do their work (a queued notification is sent, a queued print job is
 * built) without anybody running `--once`; a child that dies is replaced by its supervisor
 * and the work goes on; deploy/status shows them; background_stop (deploy/down) stops them
 * and their children. With the WeChat credentials empty the dispatcher keeps running, says
 * so in its log once, and leaves every message pending (not failed, not tried).
 *
 * The test stack does not start them (RUQIMA_TEST_BACKGROUND=0, README): this test starts
 * and stops them itself, with the same functions as deploy/up. RUN_SERIAL: a running
 * dispatcher would send the notifications other tests assert on. */
#include "api.h"
#include "api_register.h"
#include "test_common.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOTHING_COUNTY "411500" /* the city itself: no enterprise is registered there */

static const char *const names[] = {"notify", "print-jobs"};
static const char *const children[] = {"dispatcher", "runner"};

/* background_start as deploy/up runs it (with the test stack's sanitizer options), plus
 * the KEY=VALUE settings of extra (a bash array's words; "" for none). */
static void start(const char *extra)
{
	int rc = api_lib_sh("rq_layout '%s'\n"
			    "RQ_EXTRA_ENV=(ASAN_OPTIONS=abort_on_error=0:detect_leaks=1"
			    " UBSAN_OPTIONS=print_stacktrace=1 %s)\n"
			    "background_start '%s' '%s'",
			    api_env("RUQIMA_TEST_STATE_DIR"), extra, api_env("RUQIMA_TEST_BIN_DIR"),
			    api_env("RUQIMA_ENV_FILE"));
	assert_int_equal(rc, 0);
}

static int stop(void)
{
	return api_lib_sh("rq_layout '%s'\nbackground_stop", api_env("RUQIMA_TEST_STATE_DIR"));
}

static int teardown(void **state)
{
	(void)state;
	return stop() == 0 ? 0 : -1;
}

static void path_of(char *buf, size_t cap, const char *dir_key, const char *name,
		    const char *suffix)
{
	snprintf(buf, cap, "%s/%s/%s%s", api_env("RUQIMA_TEST_STATE_DIR"), dir_key, name, suffix);
}

/* The number at the start of s (after blanks), -1 when there is none. */
static long leading_number(char *s)
{
	s += strspn(s, " \t");
	s[strspn(s, "0123456789")] = '\0';
	return *s != '\0' ? (long)api_to_i64(s) : -1;
}

/* The supervisor's pid from run/<name>.pid; -1 when there is no file or no such process. */
static long supervisor_of(const char *name)
{
	char path[512];
	path_of(path, sizeof(path), "run", name, ".pid");
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	char line[32] = "";
	char *got = fgets(line, sizeof(line), f);
	fclose(f);
	long pid = got != NULL ? leading_number(line) : -1;
	char st = 0;
	return pid > 0 && api_parent_of(pid, &st) >= 0 && st != 'Z' ? pid : -1;
}

/* The one child of supervisor pid, -1 when it has none (yet). */
static long child_of(long pid)
{
	char cmd[96];
	snprintf(cmd, sizeof(cmd), "ps -o pid= --ppid %ld", pid);
	int status;
	char *out = tc_run(cmd, NULL, &status);
	int lines = 0;
	for (const char *c = out; *c != '\0'; c++)
		lines += *c == '\n';
	assert_true(lines <= 1); /* one child at most */
	long child = leading_number(out);
	free(out);
	return child;
}

/* Waits up to secs for the supervisor to have a child other than not; returns it. */
static long wait_child(long pid, long not, int secs)
{
	for (int i = 0; i < secs * 10; i++) {
		long c = child_of(pid);
		if (c > 0 && c != not )
			return c;
		usleep(100 * 1000);
	}
	fail_msg("supervisor %ld has no new child after %d s", pid, secs);
	return -1;
}

/* Lines of log/<name>.log that contain needle. */
static int log_lines(const char *name, const char *needle)
{
	char path[512];
	path_of(path, sizeof(path), "log", name, ".log");
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	char line[8192];
	int n = 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

/* A visit_registered notification queued to a new account; its id (malloc'd). */
static char *queue_notification(void)
{
	const char *openid = api_unique("bgwork");
	free(api_wx_login(openid));
	char *account = api_account_id(openid);
	const char *p[] = {account};
	char *id =
	    api_owner_insert("INSERT INTO rq.outbox (account_id, kind, payload) VALUES"
			     " ($1::bigint, 'visit_registered', jsonb_build_object('title',"
			     " '有公职人员扫码入企', 'enterprise', '后台任务测试有限公司', 'time',"
			     " '2026-11-25T09:30:00+08:00')) RETURNING id",
			     1, p);
	free(account);
	return id;
}

static char *outbox_status(const char *id)
{
	const char *p[] = {id};
	return api_owner_value(
	    "SELECT status || '/' || attempts FROM rq.outbox WHERE id = $1::bigint", 1, p);
}

/* Waits up to secs for the notification to be sent. */
static void assert_sent_soon(const char *id, int secs)
{
	char *st = NULL;
	for (int i = 0; i < secs * 4; i++) {
		free(st);
		st = outbox_status(id);
		if (st != NULL && strncmp(st, "sent/", 5) == 0)
			break;
		usleep(250 * 1000);
	}
	if (st == NULL || strncmp(st, "sent/", 5) != 0)
		fail_msg("notification %s is %s after %d s: no dispatcher sent it", id,
			 st != NULL ? st : "gone", secs);
	free(st);
}

/* Queues a print job for the city's own code (nothing to print, nobody's slips superseded)
 * and waits up to secs for it to be done. */
static void assert_print_job_done_soon(const struct api_session *ms, int secs)
{
	struct api_resp *r =
	    api_session_call(ms, "POST", "/api/v1/admin/codes/print-jobs",
			     "{\"county_code\":\"" NOTHING_COUNTY "\",\"only_unprinted\":true}");
	if (r->status != 202)
		fail_msg("queue a print job: %ld %s", r->status, r->body);
	const char *p[] = {api_json_str(r, "id")};
	char *st = NULL;
	for (int i = 0; i < secs * 4; i++) {
		free(st);
		st =
		    api_owner_value("SELECT status FROM rq.print_jobs WHERE id = $1::bigint", 1, p);
		if (st != NULL && strcmp(st, "done") == 0)
			break;
		usleep(250 * 1000);
	}
	if (st == NULL || strcmp(st, "done") != 0)
		fail_msg("print job %s is %s after %d s: no runner built it", p[0],
			 st != NULL ? st : "gone", secs);
	free(st);
	api_free(r);
}

/* The status line of name ("notify  running ..."), in a static buffer, or "". */
static const char *status_line(const char *out, const char *name)
{
	static char line[512];
	line[0] = '\0';
	for (const char *l = out; l != NULL && *l != '\0';) {
		const char *end = strchr(l, '\n');
		size_t n = end != NULL ? (size_t)(end - l) : strlen(l);
		if (strncmp(l, name, strlen(name)) == 0 && l[strlen(name)] == ' ') {
			snprintf(line, sizeof(line), "%.*s", (int)n, l);
			break;
		}
		l = end != NULL ? end + 1 : NULL;
	}
	return line;
}

static void test_run_supervised_restarted_shown_and_stopped(void **state)
{
	(void)state;
	assert_string_equal(api_env("RUQIMA_TEST_BACKGROUND"), "0");
	for (int i = 0; i < 2; i++)
		assert_int_equal(supervisor_of(names[i]), -1);
	int started[2];
	for (int i = 0; i < 2; i++)
		started[i] = log_lines(names[i], "\"msg\":\"started: one ");
	start("");

	long sup[2], child[2];
	for (int i = 0; i < 2; i++) {
		sup[i] = supervisor_of(names[i]);
		if (sup[i] < 0)
			fail_msg("%s does not run after background_start", names[i]);
		child[i] = wait_child(sup[i], -1, 10);
		assert_int_equal(log_lines(names[i], "\"msg\":\"started: one "), started[i] + 1);
	}

	/* they work: nobody here runs --once */
	char *note = queue_notification();
	assert_sent_soon(note, 15);
	free(note);
	struct api_session ms;
	api_session_login(&ms, "bgwork", "market_supervision", NULL);
	assert_print_job_done_soon(&ms, 15);

	/* deploy/status shows both, with their child */
	int rc;
	char *out = api_deploy_status(&rc);
	for (int i = 0; i < 2; i++) {
		const char *line = status_line(out, names[i]);
		char want[64];
		snprintf(want, sizeof(want), "pid %ld", sup[i]);
		if (strstr(line, "running") == NULL || strstr(line, want) == NULL)
			fail_msg("deploy/status: no running %s (pid %ld) in:\n%s", names[i], sup[i],
				 out);
		snprintf(want, sizeof(want), "child %ld", child[i]);
		assert_non_null(strstr(line, want));
	}
	if (rc != 0)
		fail_msg("deploy/status exit %d on a running stack:\n%s", rc, out);
	free(out);

	/* a child that dies is replaced by its supervisor, and the work goes on */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(kill((pid_t)child[i], SIGKILL), 0);
		long again = wait_child(sup[i], child[i], 15);
		assert_int_equal(supervisor_of(names[i]), sup[i]);
		char killed[96];
		snprintf(killed, sizeof(killed), "%s %ld killed by signal 9", children[i],
			 child[i]);
		assert_int_equal(log_lines(names[i], killed), 1);
		child[i] = again;
	}
	note = queue_notification();
	assert_sent_soon(note, 15);
	free(note);
	assert_print_job_done_soon(&ms, 15);
	api_session_end(&ms);

	/* background_stop (deploy/down) ends the supervisors and their children */
	assert_int_equal(stop(), 0);
	for (int i = 0; i < 2; i++) {
		char st = 0;
		if (api_parent_of(sup[i], &st) >= 0 && st != 'Z')
			fail_msg("%s's supervisor %ld still runs after background_stop", names[i],
				 sup[i]);
		if (api_parent_of(child[i], &st) >= 0 && st != 'Z')
			fail_msg("%s's child %ld still runs after background_stop", names[i],
				 child[i]);
		assert_int_equal(supervisor_of(names[i]), -1);
		assert_true(log_lines(names[i], "\"msg\":\"stopped\"") >= 1);
	}
	out = api_deploy_status(&rc);
	for (int i = 0; i < 2; i++)
		assert_non_null(strstr(status_line(out, names[i]), "stopped"));
	assert_int_equal(rc, 3);
	free(out);
	/* starting twice starts nothing twice; stopping twice is fine */
	start("");
	start("");
	for (int i = 0; i < 2; i++)
		assert_true(supervisor_of(names[i]) > 0);
	assert_int_equal(stop(), 0);
	assert_int_equal(stop(), 0);
}

/* No WeChat credentials (deploy/up's first settings): the dispatcher runs, says so once,
 * and every message stays pending, never tried, never failed. */
static void test_without_wechat_messages_stay_pending(void **state)
{
	(void)state;
	const char *said = "WeChat is not configured";
	int before = log_lines("notify", said);
	start("RUQIMA_WX_APPID= RUQIMA_WX_SECRET=");
	long sup = supervisor_of("notify");
	assert_true(sup > 0);
	wait_child(sup, -1, 10);
	char *id = queue_notification();
	/* three polling periods of a configured dispatcher (5 s each) */
	sleep(16);
	char *st = outbox_status(id);
	assert_non_null(st);
	assert_string_equal(st, "pending/0");
	free(st);
	const char *p[] = {id};
	assert_null(
	    api_owner_value("SELECT last_error FROM rq.outbox WHERE id = $1::bigint", 1, p));
	/* said once, not once a pass */
	assert_int_equal(log_lines("notify", said) - before, 1);
	assert_true(supervisor_of("notify") == sup);
	int rc;
	char *out = api_deploy_status(&rc);
	if (strstr(status_line(out, "notify"), "WeChat not configured") == NULL)
		fail_msg("deploy/status does not say WeChat is not configured:\n%s", out);
	free(out);
	assert_int_equal(stop(), 0);
	st = outbox_status(id);
	assert_string_equal(st, "pending/0");
	free(st);
	/* no later test's dispatcher should send it: it was a test of this one */
	api_owner_write(
	    "UPDATE rq.outbox SET status = 'failed', last_error = 'test_background_work'"
	    " WHERE id = $1::bigint",
	    1, p);
	free(id);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_run_supervised_restarted_shown_and_stopped, teardown),
	    cmocka_unit_test_teardown(test_without_wechat_messages_stay_pending, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
