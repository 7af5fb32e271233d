#include "rq_supervise.h"

#include "rq_clock.h"
#include "rq_log.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
	CRASH_WINDOW_S = 2,    /* a child dying this soon after its start counts as a crash */
	BACKOFF_MAX_MS = 10000 /* longest pause before replacing a crash-looping child */
};

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void install(int sig, void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: waitpid must see EINTR and notice the flag */
	sigaction(sig, &sa, NULL);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL); /* interrupted by SIGTERM: fine, the loop re-checks */
}

struct slot {
	pid_t pid;
	double started;
};

static pid_t spawn(const struct rq_supervisor *s, struct slot *slot)
{
	pid_t supervisor = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		/* A child never outlives its supervisor (killed -9, say): orphans would keep
		 * serving an unlinked socket, or sending, and holding database connections. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != supervisor)
			_exit(0);
		s->child_main(s->ctx);
		exit(0);
	}
	if (pid > 0) {
		slot->pid = pid;
		slot->started = rq_clock_mono();
	}
	return pid;
}

static void describe_exit(const struct rq_supervisor *s, const struct slot *slot, int status,
			  char *buf, size_t cap)
{
	const char *reason = WIFEXITED(status) && s->exit_reason != NULL
				 ? s->exit_reason(WEXITSTATUS(status))
				 : NULL;
	if (WIFSIGNALED(status))
		snprintf(buf, cap, "%s %d killed by signal %d", s->child_name, (int)slot->pid,
			 WTERMSIG(status));
	else if (reason != NULL)
		snprintf(buf, cap, "%s %d %s", s->child_name, (int)slot->pid, reason);
	else
		snprintf(buf, cap, "%s %d exited with status %d", s->child_name, (int)slot->pid,
			 WEXITSTATUS(status));
}

/* SIGTERM lets each child finish what it holds; SIGKILL after the grace period. */
static void stop_children(struct slot *slots, int n, int grace_s)
{
	for (int i = 0; i < n; i++)
		if (slots[i].pid > 0)
			kill(slots[i].pid, SIGTERM);
	double deadline = rq_clock_mono() + grace_s + 5;
	int alive = n;
	while (alive > 0) {
		alive = 0;
		for (int i = 0; i < n; i++) {
			if (slots[i].pid <= 0)
				continue;
			if (waitpid(slots[i].pid, NULL, WNOHANG) == slots[i].pid)
				slots[i].pid = 0;
			else
				alive++;
		}
		if (alive > 0 && rq_clock_mono() > deadline) {
			for (int i = 0; i < n; i++)
				if (slots[i].pid > 0)
					kill(slots[i].pid, SIGKILL);
			deadline = rq_clock_mono() + 5;
		}
		if (alive > 0)
			sleep_ms(20);
	}
}

int rq_supervise(const struct rq_supervisor *s)
{
	struct slot *slots = calloc((size_t)s->children, sizeof(*slots));
	if (slots == NULL)
		return 1;
	install(SIGTERM, on_stop);
	install(SIGINT, on_stop);
	for (int i = 0; i < s->children; i++)
		if (spawn(s, &slots[i]) < 0)
			rq_log_event("error", "could not fork", strerror(errno));
	long backoff_ms = 0;
	while (!stopping) {
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == ECHILD) {
			/* every fork failed: try again after a pause */
			sleep_ms(1000);
			for (int i = 0; i < s->children && !stopping; i++)
				if (slots[i].pid <= 0 && spawn(s, &slots[i]) < 0)
					rq_log_event("error", "could not fork", strerror(errno));
			continue;
		}
		if (pid < 0)
			continue; /* EINTR: the loop re-checks the flag */
		int i = 0;
		while (i < s->children && slots[i].pid != pid)
			i++;
		if (i == s->children)
			continue;
		bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
		if (!clean) {
			char msg[160];
			describe_exit(s, &slots[i], status, msg, sizeof(msg));
			rq_log_event("error", msg, NULL);
			/* Crash loop (e.g. a bad setting): back off instead of forking flat out. */
			if (rq_clock_mono() - slots[i].started < CRASH_WINDOW_S) {
				backoff_ms = backoff_ms == 0 ? 100 : backoff_ms * 2;
				if (backoff_ms > BACKOFF_MAX_MS)
					backoff_ms = BACKOFF_MAX_MS;
				sleep_ms(backoff_ms);
			} else {
				backoff_ms = 0;
			}
		}
		slots[i].pid = 0;
		if (!stopping && spawn(s, &slots[i]) < 0)
			rq_log_event("error", "could not fork", strerror(errno));
	}
	if (s->on_stop != NULL)
		s->on_stop(s->ctx);
	char msg[64];
	snprintf(msg, sizeof(msg), "stopping: draining %ss", s->child_name);
	rq_log_event("info", msg, NULL);
	stop_children(slots, s->children, s->stop_grace_s);
	free(slots);
	return 0;
}
