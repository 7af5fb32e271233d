/* ruqima notify run [--once] [--limit N]: sends the notifications queued in rq.outbox
 * (rq.visit_notify_managers of lib/sql/visits.sql and rq.case_notify of lib/sql/cases.sql
 * write them) as WeChat subscribe messages, with the template RUQIMA_WX_TEMPLATE_VISIT for
 * visits and RUQIMA_WX_TEMPLATE_CASE for cases (left in the list when it is not set).
 *
 * A row moves pending → sending → sent | failed. Rows are claimed (status 'sending',
 * attempts + 1) and committed before anything is sent, so two dispatchers never take the
 * same row; each outcome is recorded in a transaction of its own right after its send. A
 * row left in 'sending' by a dispatcher that died may or may not have reached WeChat: it is
 * marked failed after STUCK_MINUTES and never sent again (better one lost than two). Every
 * write carries the actor context 'system' (request id "cli-notify"), so the audit trail
 * holds each status change.
 *
 * Without --once it runs until SIGTERM as the supervised child of cli_background (replaced
 * when it dies). Without the WeChat settings (RUQIMA_WX_APPID, RUQIMA_WX_SECRET,
 * RUQIMA_WX_TEMPLATE_VISIT) it says so once and sends nothing: every message stays pending.
 *
 * Exit status: 0 when the pass ran, whatever became of the messages (the summary on stderr
 * says it), also when WeChat is not configured; 1 when the database failed (a claim or an
 * outcome could not be written); 2 on usage errors. */
#include "cli.h"

#include "rq_db.h"
#include "rq_num.h"
#include "rq_wechat.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	/* rows claimed per transaction: even at WeChat's worst (four 5 s timeouts a message)
	 * a batch is done long before another dispatcher would call its rows stuck */
	CLAIM_BATCH = 10,
	DEFAULT_LIMIT = 200, /* messages per pass */
	MAX_LIMIT = 100000,
	MAX_ATTEMPTS = 5, /* then a retryable failure is final */
	POLL_SECONDS = 5,
	STATEMENT_TIMEOUT = 60,
	RECORD_TRIES = 3, /* an outcome lost with the connection is written again */
};

#define REQUEST_ID "cli-notify"

/* Rows a dispatcher claimed and never finished (STUCK_MINUTES = 10). */
static struct rq_stmt st_stuck =
    RQ_STMT("cli_notify_stuck",
	    "UPDATE rq.outbox SET status = 'failed',"
	    " last_error = 'dispatcher interrupted: outcome unknown, not resent'"
	    " WHERE status = 'sending' AND claimed_at < now() - interval '10 minutes'"
	    " RETURNING id",
	    0);
/* The next due rows to accounts, oldest first, with what the message says (rows to portal
 * users, admin_user_id, are read in the portal and never sent): the visit notifications, and
 * the case notifications ('case_...') when $2 (a case template is configured). The LIMIT
 * keeps the subquery (and its row locks) from being flattened into the UPDATE. */
static struct rq_stmt st_claim =
    RQ_STMT("cli_notify_claim",
	    "UPDATE rq.outbox o SET status = 'sending', claimed_at = now(),"
	    " attempts = o.attempts + 1"
	    " FROM rq.accounts a"
	    " WHERE a.id = o.account_id AND o.id IN (SELECT q.id FROM rq.outbox q"
	    " WHERE q.status = 'pending' AND q.next_attempt_at <= now()"
	    " AND q.account_id IS NOT NULL"
	    " AND (q.kind IN ('visit_registered', 'visit_edited', 'visit_finished',"
	    " 'visit_withdrawn') OR ($2::boolean AND q.case_id IS NOT NULL))"
	    " ORDER BY q.next_attempt_at, q.id LIMIT $1::int FOR UPDATE SKIP LOCKED)"
	    " RETURNING o.id, o.visit_id, o.case_id, o.attempts, a.openid,"
	    " coalesce(o.payload->>'title', '') AS title,"
	    " coalesce(o.payload->>'enterprise', '') AS enterprise,"
	    " concat_ws(' ', o.payload->>'unit', o.payload->>'official') AS who,"
	    " concat_ws('：', o.payload->>'activity', o.payload->>'matter') AS what,"
	    " coalesce(o.payload->>'status_label', '') AS status,"
	    " coalesce(o.payload->>'time', '') AS time",
	    2);
static struct rq_stmt st_sent =
    RQ_STMT("cli_notify_sent",
	    "UPDATE rq.outbox SET status = 'sent', sent_at = now(), last_error = NULL"
	    " WHERE id = $1::bigint AND status = 'sending' RETURNING status",
	    1);
/* Back to pending after 30 s · 2^(attempts - 1), at most an hour; failed once $3 attempts
 * were made. */
static struct rq_stmt st_retry =
    RQ_STMT("cli_notify_retry",
	    "UPDATE rq.outbox SET last_error = $2,"
	    " status = CASE WHEN attempts >= $3::int THEN 'failed' ELSE 'pending' END,"
	    " next_attempt_at = now()"
	    " + least(30 * power(2, attempts - 1), 3600) * interval '1 second'"
	    " WHERE id = $1::bigint AND status = 'sending' RETURNING status",
	    3);
static struct rq_stmt st_failed =
    RQ_STMT("cli_notify_failed",
	    "UPDATE rq.outbox SET status = 'failed', last_error = $2"
	    " WHERE id = $1::bigint AND status = 'sending' RETURNING status",
	    2);
/* A claimed row not sent because the dispatcher is stopping: as if never claimed. */
static struct rq_stmt st_release =
    RQ_STMT("cli_notify_release",
	    "UPDATE rq.outbox SET status = 'pending', attempts = attempts - 1"
	    " WHERE id = $1::bigint AND status = 'sending' RETURNING status",
	    1);

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct tally {
	long sent, retried, failed;
};

static int usage(void)
{
	fputs("usage: ruqima notify run [--once] [--limit N]\n"
	      "sends the queued notifications (rq.outbox) as WeChat subscribe messages, at most\n"
	      "N (default 200) a pass; --once makes one pass, else it runs until SIGTERM.\n"
	      "exit status: 0 the pass ran (or WeChat is not configured: nothing sent),\n"
	      "1 database error, 2 usage\n",
	      stderr);
	return EXIT_USAGE;
}

/* Runs st (an outcome) in a transaction of its own, again when the connection was lost.
 * Returns the row's new status (static), "" when the row was not 'sending' any more, or
 * NULL on failure. */
static const char *record(struct rq_db *db, struct rq_stmt *st, const char *const *params)
{
	static char status[16];
	for (int t = 0; t < RECORD_TRIES; t++) {
		if (t > 0)
			sleep(1);
		if (rq_db_ensure(db) != 0 || cli_db_begin(db, REQUEST_ID) != 0)
			continue;
		PGresult *r = cli_db_run(db, st, params, "record a notification's outcome");
		bool ok = r != NULL && cli_exec(rq_db_conn(db), "COMMIT") == 0;
		const char *v = ok && PQntuples(r) == 1 ? rq_sql_val(r, 0, "status") : "";
		snprintf(status, sizeof(status), "%s", v != NULL ? v : "");
		PQclear(r);
		cli_db_rollback(db);
		if (ok)
			return status;
	}
	return NULL;
}

/* Sends claimed row i and records the outcome. Returns 0, or -1 when it could not be
 * recorded (the row then stays 'sending' and is marked failed later, never resent). */
static int dispatch(const struct rq_config *cfg, struct rq_db *db, PGresult *rows, int i,
		    struct tally *t)
{
	const char *id = rq_sql_val(rows, i, "id"), *visit = rq_sql_val(rows, i, "visit_id");
	const char *kase = rq_sql_val(rows, i, "case_id");
	const char *base = kase != NULL ? cfg->wx_case_page : cfg->wx_msg_page;
	const char *of = kase != NULL ? kase : visit;
	char page[512];
	snprintf(page, sizeof(page), "%s", base);
	if (of != NULL)
		snprintf(page, sizeof(page), "%s%sid=%s", base,
			 strchr(base, '?') != NULL ? "&" : "?", of);
	/* The keywords the visit and the case templates must have, in this order (README,
	 * settings). */
	const struct rq_wx_field visit_fields[] = {
	    {"thing1", rq_sql_val(rows, i, "title")}, {"thing2", rq_sql_val(rows, i, "enterprise")},
	    {"thing3", rq_sql_val(rows, i, "who")},   {"thing4", rq_sql_val(rows, i, "what")},
	    {"time5", rq_sql_val(rows, i, "time")},
	};
	const struct rq_wx_field case_fields[] = {
	    {"thing1", rq_sql_val(rows, i, "title")},
	    {"thing2", rq_sql_val(rows, i, "enterprise")},
	    {"phrase3", rq_sql_val(rows, i, "status")},
	    {"time4", rq_sql_val(rows, i, "time")},
	};
	const struct rq_wx_message m = {
	    .touser = rq_sql_val(rows, i, "openid"),
	    .template_id = kase != NULL ? cfg->wx_template_case : cfg->wx_template_visit,
	    .page = page,
	    .fields = kase != NULL ? case_fields : visit_fields,
	    .nfields = kase != NULL ? sizeof(case_fields) / sizeof(case_fields[0])
				    : sizeof(visit_fields) / sizeof(visit_fields[0])};
	char detail[256];
	enum rq_wx_send_status st = rq_wx_subscribe_send(cfg, &m, detail, sizeof(detail));
	char max[16];
	snprintf(max, sizeof(max), "%d", MAX_ATTEMPTS);
	const char *params[] = {id, detail, max};
	const char *now = st == RQ_WX_SENT	   ? record(db, &st_sent, params)
			  : st == RQ_WX_SEND_RETRY ? record(db, &st_retry, params)
						   : record(db, &st_failed, params);
	if (now == NULL) {
		fprintf(stderr, "ruqima: notification %s: %s, but that could not be recorded\n", id,
			st == RQ_WX_SENT ? "sent" : detail);
		return -1;
	}
	if (strcmp(now, "sent") == 0) {
		t->sent++;
		fprintf(stderr, "notification %s: sent\n", id);
	} else if (strcmp(now, "pending") == 0) {
		t->retried++;
		fprintf(stderr, "notification %s: will be retried (attempt %s of %d): %s\n", id,
			rq_sql_val(rows, i, "attempts"), MAX_ATTEMPTS, detail);
	} else if (strcmp(now, "failed") == 0) {
		t->failed++;
		fprintf(stderr, "notification %s: failed%s: %s\n", id,
			st == RQ_WX_SEND_RETRY ? " after the last attempt" : "", detail);
	} else {
		fprintf(stderr,
			"ruqima: notification %s: no longer ours when its outcome came (%s); "
			"another dispatcher marked it failed\n",
			id, st == RQ_WX_SENT ? "sent" : detail);
	}
	return 0;
}

/* Marks the rows a dead dispatcher left in 'sending' failed. Returns how many, or -1. */
static long fail_stuck(struct rq_db *db)
{
	if (cli_db_begin(db, REQUEST_ID) != 0)
		return -1;
	PGresult *r = cli_db_run(db, &st_stuck, NULL, "mark interrupted notifications failed");
	long n = r != NULL && cli_exec(rq_db_conn(db), "COMMIT") == 0 ? PQntuples(r) : -1;
	for (long k = 0; k < n; k++)
		fprintf(stderr,
			"notification %s: failed: its dispatcher was interrupted while sending; "
			"outcome unknown, not resent\n",
			rq_sql_val(r, (int)k, "id"));
	PQclear(r);
	cli_db_rollback(db);
	return n;
}

/* Claims up to n due rows. Returns them (PQclear), or NULL on a database error. */
static PGresult *claim(const struct rq_config *cfg, struct rq_db *db, long n)
{
	char limit[24];
	snprintf(limit, sizeof(limit), "%ld", n);
	const char *params[] = {limit, cfg->wx_template_case[0] != '\0' ? "true" : "false"};
	if (cli_db_begin(db, REQUEST_ID) != 0)
		return NULL;
	PGresult *r = cli_db_run(db, &st_claim, params, "claim notifications");
	if (r != NULL && cli_exec(rq_db_conn(db), "COMMIT") != 0) {
		PQclear(r);
		r = NULL;
	}
	cli_db_rollback(db);
	return r;
}

/* One pass: stuck rows first, then up to limit due messages in batches. Returns 0, or -1
 * on a database error. */
static int pass(const struct rq_config *cfg, struct rq_db *db, long limit, struct tally *t,
		bool *more)
{
	*more = false;
	if (rq_db_ensure(db) != 0) {
		fputs("ruqima: notify: the database cannot be reached\n", stderr);
		return -1;
	}
	long stuck = fail_stuck(db);
	if (stuck < 0)
		return -1;
	t->failed += stuck;
	for (long done = 0; done < limit && !stop_requested;) {
		long want = limit - done < CLAIM_BATCH ? limit - done : CLAIM_BATCH;
		PGresult *rows = claim(cfg, db, want);
		if (rows == NULL)
			return -1;
		int n = PQntuples(rows), rc = 0;
		for (int i = 0; i < n; i++) {
			if (stop_requested) {
				const char *params[] = {rq_sql_val(rows, i, "id")};
				if (record(db, &st_release, params) == NULL)
					rc = -1;
				continue;
			}
			if (dispatch(cfg, db, rows, i, t) != 0)
				rc = -1;
		}
		PQclear(rows);
		if (rc != 0)
			return -1;
		done += n;
		if (n < want)
			return 0;
	}
	*more = !stop_requested;
	return 0;
}

/* The passes: one (once), or one every POLL_SECONDS until SIGTERM. Returns the exit
 * status. */
static int run_passes(const struct rq_config *cfg, long limit, bool once)
{
	/* SIGTERM (systemd's stop, the supervisor's) ends the pass after the message being
	 * sent. No SA_RESTART: the sleep between passes must end at once. */
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	struct rq_db *db = cli_db_connect_owner(cfg, STATEMENT_TIMEOUT);
	if (db == NULL)
		return EXIT_FAILED;
	int rc = EXIT_OK;
	struct tally total = {0};
	while (!stop_requested) {
		struct tally t = {0};
		bool more;
		if (pass(cfg, db, limit, &t, &more) != 0)
			rc = EXIT_FAILED;
		total.sent += t.sent;
		total.retried += t.retried;
		total.failed += t.failed;
		if (once)
			break;
		if (t.sent + t.retried + t.failed > 0)
			fprintf(stderr, "sent %ld, retried %ld, failed %ld\n", t.sent, t.retried,
				t.failed);
		if (!more)
			sleep(POLL_SECONDS);
	}
	fprintf(stderr, "sent %ld, retried %ld, failed %ld\n", total.sent, total.retried,
		total.failed);
	rq_db_close(db);
	return rc;
}

/* Without the mini-program's credentials and the template nothing can be sent: said once,
 * and every message stays pending (never failed) until the settings are there. */
static bool wechat_configured(const struct rq_config *cfg)
{
	if (cfg->wx_template_visit[0] != '\0' && cfg->wx_appid[0] != '\0' &&
	    cfg->wx_secret[0] != '\0')
		return true;
	fputs("ruqima: notify: WeChat is not configured (RUQIMA_WX_APPID, RUQIMA_WX_SECRET and "
	      "RUQIMA_WX_TEMPLATE_VISIT must all be set; see README, settings): nothing is sent, "
	      "every notification stays pending until they are\n",
	      stderr);
	return false;
}

struct dispatcher {
	const struct rq_config *cfg;
	long limit;
};

/* The supervised child of `notify run` without --once. */
static void dispatcher_main(void *ctx)
{
	const struct dispatcher *d = ctx;
	if (!wechat_configured(d->cfg)) {
		struct sigaction sa = {.sa_handler = on_signal};
		sigemptyset(&sa.sa_mask);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		while (!stop_requested)
			sleep(POLL_SECONDS);
		exit(EXIT_OK);
	}
	exit(run_passes(d->cfg, d->limit, false));
}

static int cmd_run(const struct rq_config *cfg, int argc, char **argv)
{
	bool once = false;
	int64_t limit = DEFAULT_LIMIT;
	for (int a = 0; a < argc; a++) {
		if (strcmp(argv[a], "--once") == 0 && !once) {
			once = true;
		} else if (strcmp(argv[a], "--limit") == 0 && a + 1 < argc) {
			if (rq_parse_i64(argv[++a], 1, MAX_LIMIT, &limit) != 0) {
				fprintf(stderr,
					"ruqima: --limit must be a whole number from 1 to %d\n",
					MAX_LIMIT);
				return EXIT_USAGE;
			}
		} else {
			return usage();
		}
	}
	if (once)
		return wechat_configured(cfg) ? run_passes(cfg, (long)limit, true) : EXIT_OK;
	struct dispatcher d = {cfg, (long)limit};
	return cli_background("notify", "dispatcher", dispatcher_main, &d);
}

int cli_notify(const struct rq_config *cfg, int argc, char **argv)
{
	if (argc < 1 || strcmp(argv[0], "run") != 0)
		return usage();
	return cmd_run(cfg, argc - 1, argv + 1);
}
