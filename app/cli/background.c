/* The CLI's long-running background work (`ruqima notify run`, `ruqima codes print-jobs run`
 * without --once) runs as one child of lib/rq_supervise, like a pool's worker: a child that
 * dies (killed, crashed, lost its database at start) is replaced, with a back-off when it
 * keeps dying at once; SIGTERM to the supervisor stops the child (which finishes what it
 * holds) and then the supervisor. deploy/up starts both this way (deploy/lib.sh
 * background_start). */
#include "cli.h"

#include "rq_log.h"
#include "rq_supervise.h"

#include <stdio.h>

enum { STOP_GRACE_S = 30 }; /* a message's WeChat calls, or a print batch, finish within it */

int cli_background(const char *family, const char *child, void (*run)(void *ctx), void *ctx)
{
	rq_log_init(family);
	char msg[128];
	snprintf(msg, sizeof(msg), "started: one %s, replaced when it dies", child);
	rq_log_event("info", msg, NULL);
	const struct rq_supervisor s = {.children = 1,
					.child_main = run,
					.ctx = ctx,
					.child_name = child,
					.stop_grace_s = STOP_GRACE_S};
	int rc = rq_supervise(&s);
	rq_log_event("info", "stopped", NULL);
	return rc;
}
