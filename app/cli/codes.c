/* ruqima codes: issue, list, revoke, re-issue and print 公务入企码. Every write runs in a
 * transaction with the CLI's actor context (cli_set_actor), so the audit trail names it.
 * The rules themselves (in scope, normal operation, verified name, one active code) are the
 * database's: rq.issue_code() and rq.revoke_code() of lib/sql/codes.sql. The checks
 * here only come first to say clearly why nothing was done. */
#include "cli.h"

#include "rq_clock.h"
#include "rq_buf.h"
#include "rq_db.h"
#include "rq_http.h"
#include "rq_num.h"
#include "rq_poster.h"
#include "rq_uscc.h"
#include "rq_zip.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
	ISSUE_BATCH = 1000,	  /* codes issued per transaction (and progress step) */
	REASON_MAX_CHARS = 200,	  /* as rq.codes.revoke_reason */
	IDENT_MAX = 64,		  /* a credit code is 18 characters, a project code at most 64 */
	STATEMENT_TIMEOUT = 3600, /* seconds; an operator's command, not a request */
};

enum cli_codes_exit {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_HAS_CODE = 3, /* issue: the enterprise already has an active code */
};

/* The enterprise by credit code or project code, locked for the transaction, with its
 * active code if any. */
static struct rq_stmt st_find =
    RQ_STMT("cli_codes_find",
	    "SELECT e.id, coalesce(e.uscc, e.project_code) AS ident, e.name, e.business_status,"
	    " e.name_verified, e.in_scope, c.serial AS active_serial, c.token AS active_token"
	    " FROM rq.enterprises e"
	    " LEFT JOIN rq.codes c ON c.enterprise_id = e.id AND c.status = 'active'"
	    " WHERE e.uscc = $1 OR e.project_code = $1 FOR UPDATE OF e",
	    1);
/* rq.issue_code raises 23514 (out of scope, not normal, not verified) or 23505 (has an active
 * code). */
static struct rq_stmt st_issue =
    RQ_STMT("cli_codes_issue", "SELECT rq.issue_code($1::bigint) AS id", 1);
/* A separate statement: rows a function inserts are not visible to the statement calling it. */
static struct rq_stmt st_code =
    RQ_STMT("cli_codes_code", "SELECT serial, token FROM rq.codes WHERE id = $1::bigint", 1);
/* The revoked code's id, or NULL when the enterprise had no active code. */
static struct rq_stmt st_revoke =
    RQ_STMT("cli_codes_revoke", "SELECT rq.revoke_code($1::bigint, $2) AS id", 2);
/* Enterprises e in scope (not 个体工商户) and in normal operation (of the county $N, or all)
 * without an active code. */
#define WITHOUT_CODE(county)                                                                       \
	" e.in_scope AND e.business_status = 'normal' AND (" county "::text IS NULL"               \
	" OR e.county_code = " county ") AND NOT EXISTS (SELECT 1 FROM rq.codes c"                 \
	" WHERE c.enterprise_id = e.id AND c.status = 'active')"
/* The next batch of enterprises that should have a code and have none, by county so that
 * serials follow the order of the register. LIMIT keeps the subquery from being flattened,
 * so rq.issue_code() runs once per chosen row only. */
static struct rq_stmt st_issue_batch =
    RQ_STMT("cli_codes_issue_batch",
	    "SELECT rq.issue_code(s.id) AS id FROM (SELECT e.id FROM rq.enterprises e"
	    " WHERE e.name_verified AND" WITHOUT_CODE(
		"$2") " ORDER BY e.county_code, e.id LIMIT $1::int) s",
	    2);
/* Enterprises in scope and in normal operation still without a code because their name is not
 * verified. */
static struct rq_stmt st_unverified = RQ_STMT(
    "cli_codes_unverified",
    "SELECT count(*) AS n FROM rq.enterprises e WHERE NOT e.name_verified AND" WITHOUT_CODE("$1"),
    1);
/* Individual businesses (of the county $1, or all): in the register, never given a code. */
static struct rq_stmt st_out_of_scope =
    RQ_STMT("cli_codes_out_of_scope",
	    "SELECT count(*) AS n FROM rq.enterprises e WHERE NOT e.in_scope"
	    " AND ($1::text IS NULL OR e.county_code = $1)",
	    1);
static struct rq_stmt st_region =
    RQ_STMT("cli_codes_region", "SELECT name FROM rq.regions WHERE code = $1", 1);
/* $1 county or NULL, $2 'active' | 'revoked' | 'all', $3 limit or NULL (no limit). */
static struct rq_stmt st_list =
    RQ_STMT("cli_codes_list",
	    "SELECT c.serial, coalesce(e.uscc, e.project_code) AS ident, c.token, c.status,"
	    " coalesce(to_char(c.printed_at, 'YYYY-MM-DD'), 'no') AS printed, e.name"
	    " FROM rq.codes c JOIN rq.enterprises e ON e.id = c.enterprise_id"
	    " WHERE ($1::text IS NULL OR e.county_code = $1) AND ($2 = 'all' OR c.status = $2)"
	    " ORDER BY e.county_code, c.id LIMIT $3::bigint",
	    3);

static int usage(void)
{
	fputs("usage: ruqima codes issue [--county CODE | --uscc CODE]\n"
	      "       ruqima codes list [--county CODE] [--limit N] [--status active|revoked|all]\n"
	      "       ruqima codes revoke --uscc CODE --reason TEXT\n"
	      "       ruqima codes reissue --uscc CODE --reason TEXT\n"
	      "       ruqima codes activation-code --uscc CODE\n"
	      "       ruqima codes print --county CODE [--only-unprinted] [--output FILE.zip]\n"
	      "                          [--allow-local-url]\n"
	      "       ruqima codes print-jobs run [--once] [--allow-local-url]\n"
	      "CODE after --uscc is a unified social credit code, or a construction project's\n"
	      "project code. issue exits 3 when the enterprise already has an active code.\n",
	      stderr);
	return EXIT_USAGE;
}

/* Reads "--name value" pairs into values[i] for names[i] (NULL-terminated). Returns 0, or -1
 * after saying why on an unknown option, a repeated one or a missing value. */
static int parse_options(int argc, char **argv, const char *const *names, const char **values)
{
	for (size_t i = 0; names[i] != NULL; i++)
		values[i] = NULL;
	for (int a = 0; a < argc; a += 2) {
		size_t i = 0;
		while (names[i] != NULL && strcmp(names[i], argv[a]) != 0)
			i++;
		if (names[i] == NULL) {
			fprintf(stderr, "ruqima: codes: unknown option \"%s\"\n", argv[a]);
			return -1;
		}
		if (a + 1 >= argc || values[i] != NULL) {
			fprintf(stderr, "ruqima: codes: %s needs one value\n", argv[a]);
			return -1;
		}
		values[i] = argv[a + 1];
	}
	return 0;
}

/* A credit or project code as the register keeps it: upper case. Returns 0, or -1 after
 * saying why when it cannot be one (empty, too long, characters outside [0-9A-Za-z-]). */
static int normalise_ident(const char *in, char out[IDENT_MAX + 1])
{
	size_t n = strlen(in);
	bool ok = n > 0 && n <= IDENT_MAX;
	for (size_t i = 0; ok && i < n; i++) {
		char c = in[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
		out[i] = c;
	}
	if (!ok) {
		fprintf(
		    stderr,
		    "ruqima: \"%s\" is neither a unified social credit code nor a project code\n",
		    in);
		return -1;
	}
	out[n] = '\0';
	return 0;
}

/* Checks a revocation reason: 1 to 200 characters of text, not only blanks. */
static int check_reason(const char *reason)
{
	size_t chars = 0;
	bool blank = strspn(reason, " \t") == strlen(reason);
	if (!rq_utf8_valid(reason, strlen(reason), &chars) || blank || chars > REASON_MAX_CHARS) {
		fprintf(stderr,
			"ruqima: --reason must be 1 to %d characters of text (it is kept with the "
			"revoked code)\n",
			REASON_MAX_CHARS);
		return -1;
	}
	return 0;
}

/* The shared CLI database helpers of cli.h, under this file's short names. */
static PGresult *run(struct rq_db *db, struct rq_stmt *st, const char *const *params,
		     const char *doing)
{
	return cli_db_run(db, st, params, doing);
}

static struct rq_db *connect_owner(const struct rq_config *cfg)
{
	return cli_db_connect_owner(cfg, STATEMENT_TIMEOUT);
}

static int begin_write(struct rq_db *db, const char *what)
{
	return cli_db_begin(db, what);
}

static void rollback(struct rq_db *db)
{
	cli_db_rollback(db);
}

/* The enterprise a command names, locked until the end of the transaction. */
struct target {
	PGresult *res; /* one row; PQclear when done */
	const char *id, *ident, *name, *business_status, *active_serial, *active_token;
	bool verified, in_scope;
};

/* Ends a command on a target: frees what it held and rolls back what was not committed (after
 * a COMMIT the rollback does nothing). */
static void target_done(struct rq_db *db, struct target *t, PGresult *code)
{
	PQclear(code);
	PQclear(t->res);
	rollback(db);
}

/* Finds the enterprise by credit or project code. Returns 0, or -1 after saying why (not
 * found: with a hint when the code fails the GB 32100 check). */
static int find_target(struct rq_db *db, const char *ident, struct target *t)
{
	const char *params[] = {ident};
	t->res = run(db, &st_find, params, "look up the enterprise");
	if (t->res == NULL)
		return -1;
	if (PQntuples(t->res) == 0) {
		bool uscc_shape = strlen(ident) == 18 && strchr(ident, '-') == NULL;
		fprintf(stderr, "ruqima: no enterprise or project has the code %s%s\n", ident,
			uscc_shape && !rq_uscc_valid(ident)
			    ? " (and it is not a valid credit code: the GB 32100 check character "
			      "does not match)"
			    : "");
		PQclear(t->res);
		t->res = NULL;
		return -1;
	}
	t->id = rq_sql_val(t->res, 0, "id");
	t->ident = rq_sql_val(t->res, 0, "ident");
	t->name = rq_sql_val(t->res, 0, "name");
	t->business_status = rq_sql_val(t->res, 0, "business_status");
	t->active_serial = rq_sql_val(t->res, 0, "active_serial");
	t->active_token = rq_sql_val(t->res, 0, "active_token");
	t->verified = strcmp(rq_sql_val(t->res, 0, "name_verified"), "t") == 0;
	t->in_scope = strcmp(rq_sql_val(t->res, 0, "in_scope"), "t") == 0;
	return 0;
}

/* Says why the enterprise cannot get a code, or returns 0 when it can. */
static int check_eligible(const struct target *t)
{
	if (!t->in_scope) {
		fprintf(stderr,
			"ruqima: %s %s is an individual business (个体工商户, credit code 92...), "
			"outside the notice's scope: no code is issued\n",
			t->ident, t->name);
		return -1;
	}
	if (strcmp(t->business_status, "normal") != 0) {
		fprintf(stderr,
			"ruqima: %s %s is not in normal operation (business status: %s): no code "
			"is issued\n",
			t->ident, t->name, t->business_status);
		return -1;
	}
	if (!t->verified) {
		fprintf(stderr,
			"ruqima: the name of %s %s is not verified yet (a county admin checks it "
			"first): no code is issued\n",
			t->ident, t->name);
		return -1;
	}
	return 0;
}

/* Issues a code to t. Returns the new code's serial and token (one row, to PQclear), or
 * NULL after reporting the error. */
static PGresult *issue_to(struct rq_db *db, const struct target *t)
{
	const char *id_param[] = {t->id};
	PGresult *r = run(db, &st_issue, id_param, "issue the code");
	if (r == NULL)
		return NULL;
	const char *code_param[] = {rq_sql_val(r, 0, "id")};
	PGresult *code = run(db, &st_code, code_param, "read the new code");
	PQclear(r);
	return code;
}

static void print_issued(const struct rq_config *cfg, const struct target *t, const PGresult *code)
{
	printf("issued %s to %s %s\nurl: %s/e/%s\n", rq_sql_val(code, 0, "serial"), t->ident,
	       t->name, cfg->public_base_url, rq_sql_val(code, 0, "token"));
}

static int issue_one(const struct rq_config *cfg, struct rq_db *db, const char *ident)
{
	if (begin_write(db, "cli-codes-issue") != 0)
		return EXIT_FAILED;
	struct target t = {0};
	PGresult *code = NULL;
	int rc = EXIT_FAILED;
	if (find_target(db, ident, &t) != 0 || check_eligible(&t) != 0)
		goto out;
	if (t.active_serial != NULL) {
		fprintf(stderr,
			"ruqima: %s %s already has an active code, %s (revoke it first, or use "
			"'ruqima codes reissue' for a lost or damaged poster)\n",
			t.ident, t.name, t.active_serial);
		rc = EXIT_HAS_CODE;
		goto out;
	}
	code = issue_to(db, &t);
	if (code != NULL && cli_exec(rq_db_conn(db), "COMMIT") == 0) {
		print_issued(cfg, &t, code);
		rc = EXIT_OK;
	}
out:
	target_done(db, &t, code);
	return rc;
}

/* Says so and returns -1 when county is not a region of the city; 0 when it is. */
static int check_county(struct rq_db *db, const char *county)
{
	const char *p[] = {county};
	PGresult *r = run(db, &st_region, p, "look up the county");
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	PQclear(r);
	if (n == 0) {
		fprintf(stderr, "ruqima: %s is not a county, district or zone of Xinyang\n",
			county);
		return -1;
	}
	return 0;
}

/* Every verified enterprise in normal operation (of county, or all when NULL) without an
 * active code gets one. A transaction per ISSUE_BATCH: an interrupted run keeps what it
 * issued, and the next run goes on from there. */
static int issue_all(struct rq_db *db, const char *county)
{
	char batch[16];
	snprintf(batch, sizeof(batch), "%d", ISSUE_BATCH);
	const char *params[] = {batch, county};
	long total = 0;
	for (;;) {
		if (begin_write(db, "cli-codes-issue") != 0)
			return EXIT_FAILED;
		PGresult *r = run(db, &st_issue_batch, params, "issue codes");
		if (r == NULL || cli_exec(rq_db_conn(db), "COMMIT") != 0) {
			PQclear(r);
			rollback(db);
			fprintf(stderr, "ruqima: %ld codes were issued before the error\n", total);
			return EXIT_FAILED;
		}
		int n = PQntuples(r);
		PQclear(r);
		total += n;
		if (n < ISSUE_BATCH)
			break;
		fprintf(stderr, "issued %ld codes...\n", total);
	}
	printf("issued %ld code%s\n", total, total == 1 ? "" : "s");
	const char *cp[] = {county};
	PGresult *r = run(db, &st_unverified, cp, "count the enterprises awaiting verification");
	if (r == NULL)
		return EXIT_FAILED;
	const char *waiting = rq_sql_val(r, 0, "n");
	if (strcmp(waiting, "0") != 0)
		printf("%s enterprise%s in normal operation still await%s name verification (no "
		       "code until a county admin has checked the name)\n",
		       waiting, strcmp(waiting, "1") == 0 ? "" : "s",
		       strcmp(waiting, "1") == 0 ? "s" : "");
	PQclear(r);
	if ((r = run(db, &st_out_of_scope, cp, "count the individual businesses")) == NULL)
		return EXIT_FAILED;
	const char *skipped = rq_sql_val(r, 0, "n");
	if (strcmp(skipped, "0") != 0)
		printf("%s individual business%s (个体工商户, credit code 92...) in the register "
		       "get no code: outside the notice's scope\n",
		       skipped, strcmp(skipped, "1") == 0 ? "" : "es");
	PQclear(r);
	return EXIT_OK;
}

static int cmd_issue(const struct rq_config *cfg, int argc, char **argv)
{
	static const char *const names[] = {"--uscc", "--county", NULL};
	const char *v[2];
	if (parse_options(argc, argv, names, v) != 0 || (v[0] != NULL && v[1] != NULL))
		return usage();
	char ident[IDENT_MAX + 1];
	if (v[0] != NULL && normalise_ident(v[0], ident) != 0)
		return EXIT_FAILED;
	struct rq_db *db = connect_owner(cfg);
	if (db == NULL)
		return EXIT_FAILED;
	int rc;
	if (v[0] != NULL)
		rc = issue_one(cfg, db, ident);
	else if (v[1] != NULL && check_county(db, v[1]) != 0)
		rc = EXIT_FAILED;
	else
		rc = issue_all(db, v[1]);
	rq_db_close(db);
	return rc;
}

/* The start of a command on one enterprise: its options (names, "--uscc" first, each
 * required; a "--reason" checked), a connection, the transaction with the actor context
 * `what`, and the enterprise found and locked into *t. Returns the connection, or NULL with
 * *rc the exit status after saying why (and nothing held). */
static struct rq_db *target_command(const struct rq_config *cfg, int argc, char **argv,
				    const char *const *names, const char **v, const char *what,
				    struct target *t, int *rc)
{
	*rc = EXIT_USAGE;
	if (parse_options(argc, argv, names, v) != 0) {
		usage();
		return NULL;
	}
	for (size_t i = 0; names[i] != NULL; i++)
		if (v[i] == NULL) {
			usage();
			return NULL;
		}
	*rc = EXIT_FAILED;
	char ident[IDENT_MAX + 1];
	if (normalise_ident(v[0], ident) != 0)
		return NULL;
	for (size_t i = 1; names[i] != NULL; i++)
		if (strcmp(names[i], "--reason") == 0 && check_reason(v[i]) != 0)
			return NULL;
	struct rq_db *db = connect_owner(cfg);
	if (db == NULL)
		return NULL;
	if (begin_write(db, what) != 0 || find_target(db, ident, t) != 0) {
		target_done(db, t, NULL);
		rq_db_close(db);
		return NULL;
	}
	return db;
}

/* revoke, and reissue (= revoke + issue in one transaction). */
static int cmd_revoke(const struct rq_config *cfg, int argc, char **argv, bool reissue)
{
	static const char *const names[] = {"--uscc", "--reason", NULL};
	const char *v[2];
	struct target t = {0};
	int rc;
	struct rq_db *db = target_command(
	    cfg, argc, argv, names, v, reissue ? "cli-codes-reissue" : "cli-codes-revoke", &t, &rc);
	if (db == NULL)
		return rc;
	rc = EXIT_FAILED;
	PGresult *code = NULL;
	if (t.active_serial == NULL) {
		fprintf(stderr, "ruqima: %s %s has no active code%s\n", t.ident, t.name,
			reissue ? " to replace (use 'ruqima codes issue')" : "");
		goto out;
	}
	/* A re-issue must be possible before anything is revoked. */
	if (reissue && check_eligible(&t) != 0)
		goto out;
	const char *params[] = {t.id, v[1]};
	PGresult *r = run(db, &st_revoke, params, "revoke the code");
	if (r == NULL)
		goto out;
	PQclear(r);
	if (reissue && (code = issue_to(db, &t)) == NULL)
		goto out;
	if (cli_exec(rq_db_conn(db), "COMMIT") != 0)
		goto out;
	printf("revoked %s of %s %s (token %s): %s\n", t.active_serial, t.ident, t.name,
	       t.active_token, v[1]);
	if (reissue)
		print_issued(cfg, &t, code);
	rc = EXIT_OK;
out:
	target_done(db, &t, code);
	rq_db_close(db);
	return rc;
}

/* activation-code: a new one-time activation code for the slip of an enterprise with an
 * active code, made by hand (a slip lost or never handed over, a manager who must bind
 * today): the same rq.activation_code_create() as a print, with the CLI's actor context, so
 * that it is audited; it supersedes the enterprise's earlier unused code. The plaintext is
 * printed once, on stdout, and kept nowhere. */
static struct rq_stmt st_activation =
    RQ_STMT("cli_codes_activation", "SELECT rq.activation_code_create($1::bigint) AS code", 1);

static int cmd_activation_code(const struct rq_config *cfg, int argc, char **argv)
{
	static const char *const names[] = {"--uscc", NULL};
	const char *v[1];
	struct target t = {0};
	int rc;
	struct rq_db *db =
	    target_command(cfg, argc, argv, names, v, "cli-codes-activation-code", &t, &rc);
	if (db == NULL)
		return rc;
	rc = EXIT_FAILED;
	PGresult *code = NULL;
	if (check_eligible(&t) != 0)
		goto out;
	if (t.active_serial == NULL) {
		fprintf(
		    stderr,
		    "ruqima: %s %s has no active code, so no poster a slip could go with: issue "
		    "one first ('ruqima codes issue --uscc %s')\n",
		    t.ident, t.name, t.ident);
		goto out;
	}
	const char *params[] = {t.id};
	code = run(db, &st_activation, params, "make the activation code");
	if (code == NULL || cli_exec(rq_db_conn(db), "COMMIT") != 0)
		goto out;
	printf("%s %s %s\nactivation code: %s\n", t.active_serial, t.ident, t.name,
	       rq_sql_val(code, 0, "code"));
	fputs("one-time: hand it to the enterprise's manager only; the enterprise's earlier "
	      "unused activation code no longer works\n",
	      stderr);
	rc = EXIT_OK;
out:
	target_done(db, &t, code);
	rq_db_close(db);
	return rc;
}

static void print_row(const char *const cells[6], const int widths[5])
{
	for (int i = 0; i < 5; i++)
		printf("%-*s  ", widths[i], cells[i]);
	printf("%s\n", cells[5]);
}

/* A plain table; the name comes last so that Chinese names of any width cannot break the
 * alignment of the other columns. */
static int cmd_list(const struct rq_config *cfg, int argc, char **argv)
{
	static const char *const names[] = {"--county", "--limit", "--status", NULL};
	const char *v[3];
	if (parse_options(argc, argv, names, v) != 0)
		return usage();
	const char *county = v[0], *status = v[2] != NULL ? v[2] : "active";
	char limit[24];
	int64_t n = 0;
	if (v[1] != NULL) {
		if (rq_parse_i64(v[1], 1, INT32_MAX, &n) != 0) {
			fputs("ruqima: --limit must be a whole number from 1 to 2147483647\n",
			      stderr);
			return EXIT_USAGE;
		}
		snprintf(limit, sizeof(limit), "%lld", (long long)n);
	}
	if (strcmp(status, "active") != 0 && strcmp(status, "revoked") != 0 &&
	    strcmp(status, "all") != 0) {
		fputs("ruqima: --status must be active, revoked or all\n", stderr);
		return EXIT_USAGE;
	}
	struct rq_db *db = connect_owner(cfg);
	if (db == NULL)
		return EXIT_FAILED;
	int rc = EXIT_FAILED;
	PGresult *r = NULL;
	if (county != NULL && check_county(db, county) != 0)
		goto out;
	const char *params[] = {county, status, v[1] != NULL ? limit : NULL};
	r = run(db, &st_list, params, "list the codes");
	if (r == NULL)
		goto out;
	static const char *const header[6] = {"SERIAL", "CODE",	   "TOKEN",
					      "STATUS", "PRINTED", "NAME"};
	static const char *const columns[6] = {"serial", "ident",   "token",
					       "status", "printed", "name"};
	int widths[5], rows = PQntuples(r);
	for (int i = 0; i < 5; i++) {
		widths[i] = (int)strlen(header[i]);
		for (int row = 0; row < rows; row++) {
			int w = (int)strlen(rq_sql_val(r, row, columns[i]));
			if (w > widths[i])
				widths[i] = w;
		}
	}
	print_row(header, widths);
	for (int row = 0; row < rows; row++) {
		const char *cells[6];
		for (int i = 0; i < 6; i++)
			cells[i] = rq_sql_val(r, row, columns[i]);
		print_row(cells, widths);
	}
	fprintf(stderr, "%d code%s\n", rows, rows == 1 ? "" : "s");
	rc = EXIT_OK;
out:
	PQclear(r);
	rq_db_close(db);
	return rc;
}

/* --- print: posters, slips and a manifest in one ZIP ---------------------------------------
 *
 * Every active code of the county's verified enterprises in normal operation (only those
 * never printed with --only-unprinted), in serial order: the poster, a slip with a new
 * one-time activation code (rq.activation_code_create() supersedes the enterprise's earlier
 * unused codes, so the previous slip's code stops working), both into the ZIP, the code
 * marked printed. PRINT_BATCH enterprises per transaction, and a batch's entries are written
 * and flushed (and fsync'd, for a file) before its COMMIT. A crash or error midway therefore
 * leaves every code marked printed with its poster and slip in the part of the ZIP written
 * so far; the batch in progress is rolled back (its activation codes never existed, its
 * codes stay unprinted) even if some of its entries reached the file. A partial ZIP has no
 * central directory, but every local header carries its entry's size and CRC, so
 * `zip -FF` recovers the complete entries; rerun with --only-unprinted for the rest. */

/* The selection; $1 county, $2 only unprinted. */
#define PRINT_SELECTION                                                                            \
	" FROM rq.codes c JOIN rq.enterprises e ON e.id = c.enterprise_id"                         \
	" WHERE e.county_code = $1 AND c.status = 'active' AND e.name_verified"                    \
	" AND e.in_scope AND e.business_status = 'normal'"                                         \
	" AND (NOT $2::boolean OR c.printed_at IS NULL)"

static struct rq_stmt st_print_count =
    RQ_STMT("cli_codes_print_count", "SELECT count(*) AS n" PRINT_SELECTION, 2);
/* The next batch after code id $3 (serials grow with ids within a county), locked. */
static struct rq_stmt st_print_batch =
    RQ_STMT("cli_codes_print_batch",
	    "SELECT c.id, c.serial, c.token, coalesce(e.uscc, e.project_code) AS ident,"
	    " e.name" PRINT_SELECTION " AND c.id > $3::bigint ORDER BY c.id LIMIT $4::int"
	    " FOR UPDATE OF c",
	    4);
/* Marks the code printed and makes the enterprise's new activation code (the plaintext,
 * once: it goes onto the slip and nowhere else). */
static struct rq_stmt st_print_mark =
    RQ_STMT("cli_codes_print_mark",
	    "WITH p AS (UPDATE rq.codes SET printed_at = now() WHERE id = $1::bigint"
	    " RETURNING enterprise_id)"
	    " SELECT rq.activation_code_create(p.enterprise_id) AS code FROM p",
	    1);

/* Set by SIGTERM in the print-jobs runner (never in `codes print`): the print stops before
 * its next batch. */
static volatile sig_atomic_t print_stop;

enum {
	PRINT_BATCH = 200,	    /* enterprises per transaction */
	PRINT_PROGRESS_EVERY = 50,  /* posters between progress lines */
	MANIFEST_MAX = 256u << 20,  /* bytes: about two million rows */
	PRINT_OUT_BUFFER = 1u << 20 /* stdio buffer of the ZIP output */
};

/* One CSV field (RFC 4180: quoted when it holds a comma, quote or line break) and then
 * sep. A field a spreadsheet would take for a formula (= + - @ first) gets a leading ', so
 * that opening the manifest in Excel cannot run anything. */
static void manifest_field(struct rq_buf *m, const char *s, const char *sep)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		rq_buf_add(m, "\"", 1);
	if (s[0] != '\0' && strchr("=+-@", s[0]) != NULL)
		rq_buf_add(m, "'", 1);
	for (const char *p = s; *p != '\0'; p++) {
		rq_buf_add(m, p, 1);
		if (*p == '"')
			rq_buf_add(m, "\"", 1);
	}
	if (quote)
		rq_buf_add(m, "\"", 1);
	rq_buf_add(m, sep, strlen(sep));
}

/* One `codes print`; manifest.csv is built in memory (about 120 bytes a row) and written
 * last. */
struct print_run {
	const struct rq_config *cfg;
	struct rq_db *db;
	struct rq_zip *zip;
	FILE *out;
	bool out_is_file; /* a regular file: fsync'd before each COMMIT */
	struct rq_buf manifest;
	const char *what; /* the audit rows' request id */
	long total;	  /* codes selected when the run started */
	long done;	  /* codes printed and committed */
	double started;	  /* monotonic seconds */
};

/* "printed 120/10000 posters, 38/s" on stderr. */
static void print_progress(const struct print_run *p, long printed)
{
	double secs = rq_clock_mono() - p->started;
	fprintf(stderr, "printed %ld/%ld posters, %.0f/s\n", printed, p->total,
		secs > 0 ? (double)printed / secs : 0.0);
}

/* Renders the poster of one row, makes its activation code, renders the slip and writes
 * both into the ZIP and a manifest row. Returns 0, or -1 after saying why. */
static int print_one(struct print_run *p, const PGresult *r, int row)
{
	const char *id = rq_sql_val(r, row, "id"), *serial = rq_sql_val(r, row, "serial");
	const char *name = rq_sql_val(r, row, "name"), *ident = rq_sql_val(r, row, "ident");
	char url[512], poster_file[64], slip_file[64];
	snprintf(url, sizeof(url), "%s/e/%s", p->cfg->public_base_url, rq_sql_val(r, row, "token"));
	snprintf(poster_file, sizeof(poster_file), "%s.png", serial);
	snprintf(slip_file, sizeof(slip_file), "%s-slip.png", serial);
	const struct rq_poster_text text = {
	    .name = name, .serial = serial, .url = url, .footer = p->cfg->poster_footer};
	uint8_t *poster = NULL, *slip = NULL;
	size_t poster_len = 0, slip_len = 0;
	PGresult *code = NULL;
	int rc = -1;
	if (rq_poster_png(&text, p->cfg->font_file, &poster, &poster_len, NULL) != 0) {
		fprintf(stderr,
			"ruqima: could not render the poster of %s (is RUQIMA_FONT_FILE "
			"a font?)\n",
			serial);
		goto out;
	}
	const char *params[] = {id};
	code = run(p->db, &st_print_mark, params, "make the activation code");
	if (code == NULL)
		goto out;
	if (PQntuples(code) != 1) {
		fprintf(stderr, "ruqima: the code %s changed while printing\n", serial);
		goto out;
	}
	const struct rq_poster_slip s = {
	    .name = name, .serial = serial, .activation_code = rq_sql_val(code, 0, "code")};
	if (rq_poster_slip_png(&s, p->cfg->font_file, &slip, &slip_len) != 0) {
		fprintf(stderr, "ruqima: could not render the slip of %s\n", serial);
		goto out;
	}
	if (rq_zip_add(p->zip, poster_file, poster, poster_len) != 0 ||
	    rq_zip_add(p->zip, slip_file, slip, slip_len) != 0) {
		fprintf(stderr, "ruqima: could not write %s to the ZIP: %s\n", poster_file,
			strerror(errno));
		goto out;
	}
	manifest_field(&p->manifest, serial, ",");
	manifest_field(&p->manifest, ident, ",");
	manifest_field(&p->manifest, name, ",");
	manifest_field(&p->manifest, poster_file, ",");
	manifest_field(&p->manifest, slip_file, "\r\n");
	if (!rq_buf_ok(&p->manifest)) {
		fputs("ruqima: the manifest is past its size limit or out of memory\n", stderr);
		goto out;
	}
	rc = 0;
out:
	if (slip != NULL) /* the activation code is on it: leave no copy in freed memory */
		explicit_bzero(slip, slip_len);
	free(slip);
	free(poster);
	PQclear(code);
	return rc;
}

/* Pushes what the ZIP holds so far to the output (and the disk, for a file): done before
 * each COMMIT. Returns 0, or -1 after saying why. */
static int print_flush(struct print_run *p)
{
	if (fflush(p->out) != 0 || ferror(p->out) ||
	    (p->out_is_file && fsync(fileno(p->out)) != 0)) {
		fprintf(stderr, "ruqima: could not write the ZIP: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* The batches. Returns 0, or -1 after saying why (the batch in progress rolled back). */
static int print_batches(struct print_run *p, const char *county, const char *only_unprinted)
{
	char after[24] = "0", limit[16];
	snprintf(limit, sizeof(limit), "%d", PRINT_BATCH);
	for (;;) {
		if (print_stop) {
			fputs("ruqima: stopping (SIGTERM) between two batches\n", stderr);
			return -1;
		}
		if (begin_write(p->db, p->what) != 0)
			return -1;
		const char *params[] = {county, only_unprinted, after, limit};
		PGresult *r = run(p->db, &st_print_batch, params, "select the codes to print");
		if (r == NULL)
			goto fail;
		int n = PQntuples(r);
		for (int i = 0; i < n; i++) {
			if (print_one(p, r, i) != 0) {
				PQclear(r);
				goto fail;
			}
			long rendered = p->done + i + 1;
			if (rendered % PRINT_PROGRESS_EVERY == 0 && rendered < p->total)
				print_progress(p, rendered);
		}
		if (n > 0)
			snprintf(after, sizeof(after), "%s", rq_sql_val(r, n - 1, "id"));
		PQclear(r);
		if (print_flush(p) != 0 || cli_exec(rq_db_conn(p->db), "COMMIT") != 0)
			goto fail;
		p->done += n;
		if (n < PRINT_BATCH)
			return 0;
	}
fail:
	rollback(p->db);
	return -1;
}

/* Posters whose QR codes open this machine must never reach a printer: a loopback
 * RUQIMA_PUBLIC_BASE_URL is refused unless allowed (--allow-local-url, or the development
 * stack's RUQIMA_PRINT_LOCAL_URL=1). Returns true when the posters may be made; else says
 * why on stderr (what: the command, for the message). */
static bool public_url_printable(const struct rq_config *cfg, bool allow, const char *what)
{
	if (allow || cfg->print_local_url || !rq_url_is_local(cfg->public_base_url))
		return true;
	fprintf(stderr,
		"ruqima: %s: RUQIMA_PUBLIC_BASE_URL is %s, an address of this machine: the QR code "
		"of every poster would open the phone itself, not the platform. Set "
		"RUQIMA_PUBLIC_BASE_URL to the platform's public address (README, settings). For a "
		"development stack, never for the printer: --allow-local-url, or "
		"RUQIMA_PRINT_LOCAL_URL=1\n",
		what, cfg->public_base_url);
	return false;
}

static int print_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "ruqima: %s\n", why);
	return usage();
}

/* Writes the ZIP of county's codes (only those never printed when only_unprinted) to out:
 * the one code path of `codes print` and of the portal's print jobs. `what` becomes the
 * audit rows' request id; out_is_file makes each batch fsync'd before its COMMIT. Sets
 * *posters to the posters printed (also on failure: those are committed). Returns 0, or -1
 * after saying why on stderr. out stays open (the caller closes it). */
static int print_zip(const struct rq_config *cfg, struct rq_db *db, const char *county,
		     bool only_unprinted, FILE *out, bool out_is_file, const char *what,
		     long *posters)
{
	struct print_run p = {
	    .cfg = cfg, .db = db, .out = out, .out_is_file = out_is_file, .what = what};
	rq_buf_init(&p.manifest, MANIFEST_MAX);
	int rc = -1;
	*posters = 0;
	if (check_county(db, county) != 0)
		goto out;
	const char *cp[] = {county, only_unprinted ? "true" : "false"};
	PGresult *r = run(db, &st_print_count, cp, "count the codes to print");
	if (r == NULL)
		goto out;
	int64_t total = 0;
	int bad = rq_parse_i64(rq_sql_val(r, 0, "n"), 0, INT64_MAX, &total);
	PQclear(r);
	if (bad != 0)
		goto out;
	p.total = (long)total;
	/* Static: stdout keeps using its buffer until the process exits; a file is closed
	 * before the next one is opened. */
	static char outbuf[PRINT_OUT_BUFFER];
	setvbuf(out, outbuf, _IOFBF, sizeof(outbuf));
	p.zip = rq_zip_new(rq_zip_file_write, out, time(NULL));
	if (p.zip == NULL) {
		fputs("ruqima: out of memory\n", stderr);
		goto out;
	}
	/* UTF-8 with a BOM: Excel then reads the Chinese names right. Never the activation
	 * codes: they are on the slips only. */
	static const char header[] =
	    "\xEF\xBB\xBF"
	    "编号,统一社会信用代码或项目代码,企业名称,海报文件,激活码单文件\r\n";
	rq_buf_add(&p.manifest, header, sizeof(header) - 1);
	if (p.total == 0)
		fprintf(stderr,
			"nothing to print: no %scode of %s (the ZIP holds only the "
			"manifest)\n",
			only_unprinted ? "unprinted " : "", county);
	p.started = rq_clock_mono();
	if (print_batches(&p, county, cp[1]) != 0) {
		fprintf(stderr,
			"ruqima: stopped after %ld of %ld posters; those are marked printed and "
			"are in the ZIP written so far (which has no directory yet): rerun with "
			"--only-unprinted for the rest\n",
			p.done, p.total);
		goto out;
	}
	if (!rq_buf_ok(&p.manifest) ||
	    rq_zip_add(p.zip, "manifest.csv", rq_buf_ptr(&p.manifest), rq_buf_len(&p.manifest)) !=
		0 ||
	    rq_zip_finish(p.zip) != 0 || print_flush(&p) != 0) {
		fprintf(stderr,
			"ruqima: could not finish the ZIP: %s (the %ld posters are "
			"marked printed)\n",
			strerror(errno), p.done);
		goto out;
	}
	if (p.total > 0)
		print_progress(&p, p.done);
	fprintf(stderr, "%ld poster%s and slip%s, %.1f MB\n", p.done, p.done == 1 ? "" : "s",
		p.done == 1 ? "" : "s", (double)rq_zip_bytes(p.zip) / 1e6);
	rc = 0;
out:
	*posters = p.done;
	rq_zip_free(p.zip);
	rq_buf_free(&p.manifest);
	return rc;
}

/* Creates path for a batch: never over an earlier one (its slips' codes may be in use),
 * with mode (the slips carry activation codes). Returns the stream, or NULL after saying
 * why. */
static FILE *create_zip(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	/* exactly mode, whatever the umask: nginx must be able to read a print job's ZIP */
	FILE *f = fd >= 0 && fchmod(fd, mode) == 0 ? fdopen(fd, "wb") : NULL;
	if (f == NULL) {
		fprintf(stderr, "ruqima: could not create \"%s\": %s%s\n", path, strerror(errno),
			errno == EEXIST
			    ? " (an earlier batch is not overwritten: pick another name)"
			    : "");
		if (fd >= 0)
			close(fd);
	}
	return f;
}

static int cmd_print(const struct rq_config *cfg, int argc, char **argv)
{
	const char *county = NULL, *output = NULL;
	bool only_unprinted = false, allow_local_url = false;
	for (int a = 0; a < argc; a++) {
		if (strcmp(argv[a], "--only-unprinted") == 0 && !only_unprinted)
			only_unprinted = true;
		else if (strcmp(argv[a], "--allow-local-url") == 0 && !allow_local_url)
			allow_local_url = true;
		else if (strcmp(argv[a], "--county") == 0 && county == NULL && a + 1 < argc)
			county = argv[++a];
		else if (strcmp(argv[a], "--output") == 0 && output == NULL && a + 1 < argc)
			output = argv[++a];
		else
			return print_usage(NULL);
	}
	if (county == NULL)
		return print_usage("codes print needs --county CODE");
	if (output == NULL && isatty(STDOUT_FILENO))
		return print_usage("codes print writes a ZIP: give --output FILE.zip or redirect "
				   "stdout to a file or pipe");
	if (!public_url_printable(cfg, allow_local_url, "codes print"))
		return EXIT_USAGE;
	struct rq_db *db = connect_owner(cfg);
	if (db == NULL)
		return EXIT_FAILED;
	FILE *out = stdout;
	bool out_is_file;
	if (output != NULL) {
		/* checked before the file exists, so that a bad county leaves no empty file */
		if (check_county(db, county) != 0 || (out = create_zip(output, 0600)) == NULL) {
			rq_db_close(db);
			return EXIT_FAILED;
		}
		out_is_file = true;
	} else {
		struct stat st;
		out_is_file = fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode);
	}
	long posters;
	int rc = print_zip(cfg, db, county, only_unprinted, out, out_is_file, "cli-codes-print",
			   &posters) == 0
		     ? EXIT_OK
		     : EXIT_FAILED;
	if (out != stdout && fclose(out) != 0 && rc == EXIT_OK) {
		fprintf(stderr, "ruqima: could not write \"%s\": %s\n", output, strerror(errno));
		rc = EXIT_FAILED;
	} else if (out == stdout && fflush(stdout) != 0) {
		rc = EXIT_FAILED;
	}
	if (rc == EXIT_OK && output != NULL)
		fprintf(stderr, "written to %s\n", output);
	rq_db_close(db);
	return rc;
}

/* --- print-jobs run: the portal's queued print jobs (rq.print_jobs) ----
 *
 * Claims the oldest queued job (FOR UPDATE SKIP LOCKED: runners never take the same job),
 * marks it running and commits, builds its ZIP with print_zip() into
 * $RUQIMA_STATE_DIR/uploads/print/<file_name> (0640; the uploads directory is setgid
 * www-data, so nginx may read it), and marks it done with the poster count, or failed. */

static struct rq_stmt st_job_claim =
    RQ_STMT("cli_codes_job_claim",
	    "UPDATE rq.print_jobs j SET status = 'running', started_at = now(),"
	    " file_name = 'print-job-' || j.id || '-' || j.county_code || '.zip'"
	    " WHERE j.id = (SELECT q.id FROM rq.print_jobs q WHERE q.status = 'queued'"
	    " ORDER BY q.id LIMIT 1 FOR UPDATE SKIP LOCKED)"
	    " RETURNING j.id, j.county_code, j.only_unprinted, j.file_name",
	    0);
static struct rq_stmt st_job_done =
    RQ_STMT("cli_codes_job_done",
	    "UPDATE rq.print_jobs SET status = 'done', finished_at = now(), posters = $2::int"
	    " WHERE id = $1::bigint",
	    2);
static struct rq_stmt st_job_failed =
    RQ_STMT("cli_codes_job_failed",
	    "UPDATE rq.print_jobs SET status = 'failed', finished_at = now(), error = $2"
	    " WHERE id = $1::bigint",
	    2);

enum { JOB_POLL_SECONDS = 5 };

/* Runs st (a job's final state) in a transaction of its own. Returns 0, or -1. */
static int job_finish(struct rq_db *db, struct rq_stmt *st, const char *id, const char *arg)
{
	if (begin_write(db, "cli-codes-print-jobs") != 0)
		return -1;
	const char *params[] = {id, arg};
	PGresult *r = run(db, st, params, "record the print job's outcome");
	int rc = r != NULL && cli_exec(rq_db_conn(db), "COMMIT") == 0 ? 0 : -1;
	PQclear(r);
	rollback(db);
	return rc;
}

/* What a job claimed while RUQIMA_PUBLIC_BASE_URL names this machine records (the portal
 * shows it to whoever queued the job). */
#define JOB_LOCAL_URL_ERROR                                                                          \
	"未打印：RUQIMA_PUBLIC_BASE_URL "                                                        \
	"是本机地址，海报上的二维码在手机上打不开。请运维人员将其设为" \
	"平台的公网地址后重新提交打印任务（开发环境可设 RUQIMA_PRINT_LOCAL_URL=1）"

/* Claims and runs one job (or, when !printable, fails it at once with JOB_LOCAL_URL_ERROR).
 * Returns 1 when it ran one (*failed says whether the job failed), 0 when none was queued,
 * -1 when no job could be claimed (database error). */
static int run_one_job(const struct rq_config *cfg, struct rq_db *db, const char *dir,
		       bool printable, bool *failed)
{
	*failed = false;
	if (begin_write(db, "cli-codes-print-jobs") != 0)
		return -1;
	PGresult *job = run(db, &st_job_claim, NULL, "claim a print job");
	if (job == NULL || PQntuples(job) == 0 || cli_exec(rq_db_conn(db), "COMMIT") != 0) {
		int rc = job == NULL ? -1 : 0;
		PQclear(job);
		rollback(db);
		return rc;
	}
	const char *id = rq_sql_val(job, 0, "id"), *county = rq_sql_val(job, 0, "county_code");
	bool only_unprinted = strcmp(rq_sql_val(job, 0, "only_unprinted"), "t") == 0;
	char path[4096], what[64], count[24];
	snprintf(path, sizeof(path), "%s/%s", dir, rq_sql_val(job, 0, "file_name"));
	snprintf(what, sizeof(what), "print-job-%s", id);
	if (!printable) {
		fprintf(stderr,
			"print job %s: county %s: failed, RUQIMA_PUBLIC_BASE_URL is %s, an address "
			"of this machine\n",
			id, county, cfg->public_base_url);
		job_finish(db, &st_job_failed, id, JOB_LOCAL_URL_ERROR);
		*failed = true;
		PQclear(job);
		return 1;
	}
	fprintf(stderr, "print job %s: county %s%s into %s\n", id, county,
		only_unprinted ? " (only unprinted)" : "", path);
	long posters = 0;
	int built = -1;
	FILE *out = create_zip(path, 0640);
	if (out != NULL) {
		built = print_zip(cfg, db, county, only_unprinted, out, true, what, &posters);
		if (fclose(out) != 0 && built == 0) {
			fprintf(stderr, "ruqima: could not write \"%s\": %s\n", path,
				strerror(errno));
			built = -1;
		}
	}
	if (built == 0) {
		snprintf(count, sizeof(count), "%ld", posters);
		*failed = job_finish(db, &st_job_done, id, count) != 0;
	} else {
		char error[256];
		snprintf(error, sizeof(error),
			 "the ZIP could not be built after %ld posters (see the print runner's "
			 "log); those are marked printed: queue a job with only_unprinted for the "
			 "rest",
			 posters);
		job_finish(db, &st_job_failed, id, error);
		*failed = true;
	}
	PQclear(job);
	return 1;
}

/* The polling loop of `print-jobs run`: jobs until the queue is empty (once), or until
 * SIGTERM. Returns the exit status. */
static int run_jobs(const struct rq_config *cfg, const char *dir, bool allow_local_url, bool once)
{
	/* said once, here; each job it then claims fails with the reason for the portal */
	bool printable = public_url_printable(cfg, allow_local_url, "codes print-jobs run");
	if (!printable)
		fputs("ruqima: codes print-jobs run: every print job is failed until then\n",
		      stderr);
	struct rq_db *db = connect_owner(cfg);
	if (db == NULL)
		return EXIT_FAILED;
	int rc = EXIT_OK;
	while (!print_stop) {
		bool failed;
		int ran = run_one_job(cfg, db, dir, printable, &failed);
		if (ran < 0 || failed)
			rc = EXIT_FAILED;
		if (ran == 1)
			continue;
		/* an empty queue, or a database that cannot be reached right now */
		if (once)
			break;
		sleep(JOB_POLL_SECONDS);
	}
	rq_db_close(db);
	return rc;
}

struct job_runner {
	const struct rq_config *cfg;
	const char *dir;
	bool allow_local_url;
};

static void on_stop(int sig)
{
	(void)sig;
	print_stop = 1;
}

/* The supervised child of `print-jobs run` without --once: SIGTERM ends it after the batch
 * being printed (the job then fails, its printed posters kept) or between jobs. */
static void job_runner_main(void *ctx)
{
	const struct job_runner *r = ctx;
	struct sigaction sa = {.sa_handler = on_stop}; /* no SA_RESTART: the poll's sleep ends */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	exit(run_jobs(r->cfg, r->dir, r->allow_local_url, false));
}

static int cmd_print_jobs(const struct rq_config *cfg, int argc, char **argv)
{
	bool once = false, allow_local_url = false;
	if (argc < 1 || strcmp(argv[0], "run") != 0)
		return usage();
	for (int a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--once") == 0 && !once)
			once = true;
		else if (strcmp(argv[a], "--allow-local-url") == 0 && !allow_local_url)
			allow_local_url = true;
		else
			return usage();
	}
	char dir[3800];
	int n = snprintf(dir, sizeof(dir), "%s/uploads/print", cfg->state_dir);
	if (n < 0 || (size_t)n >= sizeof(dir)) {
		fputs("ruqima: RUQIMA_STATE_DIR is too long\n", stderr);
		return EXIT_FAILED;
	}
	/* inherits setgid and the group www-data from uploads/ (deploy/lib.sh): so do the ZIPs */
	if (mkdir(dir, 02750) != 0 && errno != EEXIST) {
		fprintf(stderr, "ruqima: could not create \"%s\": %s\n", dir, strerror(errno));
		return EXIT_FAILED;
	}
	if (once)
		return run_jobs(cfg, dir, allow_local_url, true);
	struct job_runner r = {cfg, dir, allow_local_url};
	return cli_background("print-jobs", "runner", job_runner_main, &r);
}

int cli_codes(const struct rq_config *cfg, int argc, char **argv)
{
	if (argc < 1)
		return usage();
	if (strcmp(argv[0], "issue") == 0)
		return cmd_issue(cfg, argc - 1, argv + 1);
	if (strcmp(argv[0], "list") == 0)
		return cmd_list(cfg, argc - 1, argv + 1);
	if (strcmp(argv[0], "revoke") == 0)
		return cmd_revoke(cfg, argc - 1, argv + 1, false);
	if (strcmp(argv[0], "reissue") == 0)
		return cmd_revoke(cfg, argc - 1, argv + 1, true);
	if (strcmp(argv[0], "activation-code") == 0)
		return cmd_activation_code(cfg, argc - 1, argv + 1);
	if (strcmp(argv[0], "print") == 0)
		return cmd_print(cfg, argc - 1, argv + 1);
	if (strcmp(argv[0], "print-jobs") == 0)
		return cmd_print_jobs(cfg, argc - 1, argv + 1);
	return usage();
}
