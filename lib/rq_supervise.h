/* A supervisor of child processes: the pools' workers (rq_server) and the CLI's background
 * runners (`ruqima notify run`, `ruqima codes print-jobs run` without --once). */
#ifndef RQ_SUPERVISE_H
#define RQ_SUPERVISE_H

#include "rq_attr.h"

#include <stddef.h>

struct rq_supervisor {
	int children; /* how many run at once */
	/* Runs in each child, with SIGTERM and SIGINT back at their defaults; must not return
	 * (it exits with the child's status; a return is exit 0). */
	void (*child_main)(void *ctx);
	void *ctx;
	/* what a child is called in the log ("worker": "worker 123 killed by signal 9") */
	const char *child_name;
	/* seconds a stopping child may take after SIGTERM (plus 5) before SIGKILL */
	int stop_grace_s;
	/* called once when a stop begins, before the children are told (the pools close their
	 * socket so that no new request comes); may be NULL */
	void (*on_stop)(void *ctx);
	/* the log's words for a child's exit status that means more than a number (the pools:
	 * a request past the time limit), or NULL; may be NULL */
	const char *(*exit_reason)(int exit_status);
};

/* Starts s->children children and replaces any that exits: at once after a clean exit
 * (status 0), logged otherwise; a child that dies within 2 s of its start is replaced after
 * a doubling back-off (up to 10 s), so that a bad setting does not become a fork loop. A
 * child never outlives its supervisor (PR_SET_PDEATHSIG). SIGTERM or SIGINT stop it:
 * on_stop, then SIGTERM to every child, SIGKILL to those still running stop_grace_s + 5 s
 * later. Returns 0 after a stop, 1 when it could not start. */
int rq_supervise(const struct rq_supervisor *s) RQ_MUST_USE;

#endif
