/* ruqima audit seal|verify: the sealed hash chain of the audit trail (app/DESIGN.md §7,
 * lib/sql/audit.sql).
 *
 *   seal [--hourly]   records the chain's head (audit.seal) and appends every seal not yet
 *                     in it to RUQIMA_AUDIT_SEAL_FILE (one line each, "#ID TIME SEQ:HASH
 *                     REASON", under flock, fsync'd); prints the new seal as SEQ:HASH.
 *                     Under systemd: deploy/systemd/ruqima-audit-seal.timer, hourly.
 *   verify [--from SEQ:HASH]
 *                     recomputes the chain (from the seal when given) in one read-only
 *                     snapshot, in batches with progress on stderr, then checks every seal
 *                     of audit.seals and of the seal file against it.
 *
 * Exit status: 0 sealed / intact, 1 broken or database error, 2 usage. */
#include "cli.h"

#include "rq_clock.h"
#include "rq_db.h"
#include "rq_num.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	STATEMENT_TIMEOUT = 3600,
	BATCH_ROWS = 50000,
	LINE_MAX_BYTES = 256
};

static struct rq_stmt st_seal = RQ_STMT(
    "cli_audit_seal", "SELECT id, seq, encode(row_hash, 'hex') AS hash FROM audit.seal($1)", 1);
static struct rq_stmt st_unfiled = RQ_STMT(
    "cli_audit_unfiled",
    "SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS at, seq,"
    " encode(row_hash, 'hex') AS hash, replace(reason, ' ', '-') AS reason"
    " FROM audit.seals WHERE id > $1::bigint ORDER BY id",
    1);
static struct rq_stmt st_snapshot =
    RQ_STMT("cli_audit_snapshot", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0);
static struct rq_stmt st_start =
    RQ_STMT("cli_audit_verify_start",
	    "SELECT after_seq, encode(prev_hash, 'hex') AS prev, head_seq, bad_seq, bad_id,"
	    " problem, note, purged_through"
	    " FROM audit.verify_start($1::bigint, decode($2, 'hex'))",
	    2);
static struct rq_stmt st_batch =
    RQ_STMT("cli_audit_verify_batch",
	    "SELECT checked, last_seq, encode(last_hash, 'hex') AS last_hash, bad_seq, bad_id,"
	    " problem FROM audit.verify_batch($1::bigint, decode($2, 'hex'), $3::int)",
	    3);
static struct rq_stmt st_seals =
    RQ_STMT("cli_audit_verify_seals",
	    "SELECT seal_id, seq, problem FROM audit.verify_seals($1::bigint) LIMIT 1", 1);
static struct rq_stmt st_filed =
    RQ_STMT("cli_audit_verify_filed",
	    "SELECT coalesce((SELECT row_hash = decode($2, 'hex') FROM audit.chain"
	    "                  WHERE seq = $1::bigint), false) AS ok",
	    2);

/* A seal as published, "SEQ:HASH" (HASH 64 lower-case hex digits), from the start of s up
 * to the end of s or to a space. Returns 0 and sets *seq and hash, or -1. */
static int parse_seal(const char *s, int64_t *seq, char hash[65])
{
	const char *colon = strchr(s, ':');
	char digits[24];
	size_t n = colon != NULL ? (size_t)(colon - s) : 0;
	if (n == 0 || n >= sizeof(digits))
		return -1;
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (rq_parse_i64(digits, 1, INT64_MAX, seq) != 0)
		return -1;
	const char *h = colon + 1;
	size_t len = strspn(h, "0123456789abcdef");
	if (len != 64 || (h[len] != '\0' && h[len] != ' ' && h[len] != '\n'))
		return -1;
	memcpy(hash, h, 64);
	hash[64] = '\0';
	return 0;
}

/* The seal file's line "#ID TIME SEQ:HASH REASON": its id, seq and hash. Returns 0, or -1
 * for any other line. */
static int parse_line(const char *line, int64_t *id, int64_t *seq, char hash[65])
{
	const char *sp1 = line[0] == '#' ? strchr(line, ' ') : NULL;
	const char *sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
	char digits[24];
	size_t n = sp1 != NULL ? (size_t)(sp1 - line - 1) : 0;
	if (sp2 == NULL || n == 0 || n >= sizeof(digits))
		return -1;
	memcpy(digits, line + 1, n);
	digits[n] = '\0';
	return rq_parse_i64(digits, 1, INT64_MAX, id) == 0 ? parse_seal(sp2 + 1, seq, hash) : -1;
}

/* A bigint column of r's first row; 0 when NULL or not a number. */
static int64_t int_val(const PGresult *r, const char *col)
{
	int64_t v = 0;
	const char *s = rq_sql_val(r, 0, col);
	return s != NULL && rq_parse_i64(s, INT64_MIN, INT64_MAX, &v) == 0 ? v : 0;
}

static int usage(void)
{
	fputs("usage: ruqima audit seal [--hourly]\n"
	      "       ruqima audit verify [--from SEQ:HASH]\n"
	      "seal: records the audit chain's head and appends the seals to\n"
	      "RUQIMA_AUDIT_SEAL_FILE; verify: recomputes the chain and reports the first\n"
	      "broken row. exit status: 0 ok, 1 broken or database error, 2 usage\n",
	      stderr);
	return EXIT_USAGE;
}

/* The id of the file's last seal line, 0 for an empty file; -1 when unreadable. */
static long long last_filed_id(FILE *f)
{
	char line[LINE_MAX_BYTES], hash[65];
	long long last = 0;
	rewind(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		int64_t id, seq;
		if (parse_line(line, &id, &seq, hash) == 0 && id > last)
			last = id;
	}
	return ferror(f) ? -1 : last;
}

/* Appends the seals after the file's last one; returns 0, or -1 after saying why. */
static int publish(struct rq_db *db, const char *path)
{
	int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	FILE *f = fd >= 0 ? fdopen(fd, "a+") : NULL;
	if (f == NULL) {
		fprintf(stderr, "audit seal: cannot open the seal file %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int rc = -1;
	long long last = flock(fd, LOCK_EX) == 0 ? last_filed_id(f) : -1;
	char after[32];
	snprintf(after, sizeof(after), "%lld", last);
	const char *params[] = {after};
	PGresult *r = last >= 0 ? cli_db_run(db, &st_unfiled, params, "read the seals") : NULL;
	if (r != NULL) {
		for (int i = 0; i < PQntuples(r); i++)
			fprintf(f, "#%s %s %s:%s %s\n", rq_sql_val(r, i, "id"),
				rq_sql_val(r, i, "at"), rq_sql_val(r, i, "seq"),
				rq_sql_val(r, i, "hash"), rq_sql_val(r, i, "reason"));
		rc = fflush(f) == 0 && fsync(fd) == 0 ? 0 : -1;
		if (rc != 0)
			fprintf(stderr, "audit seal: cannot write the seal file %s: %s\n", path,
				strerror(errno));
	} else if (last < 0) {
		fprintf(stderr, "audit seal: cannot read the seal file %s\n", path);
	}
	PQclear(r);
	fclose(f); /* releases the lock */
	return rc;
}

static int seal(const struct rq_config *cfg, int argc, char **argv)
{
	bool hourly = argc == 1 && strcmp(argv[0], "--hourly") == 0;
	if (argc != 0 && !hourly)
		return usage();
	struct rq_db *db = cli_db_connect_owner(cfg, 60);
	if (db == NULL)
		return EXIT_FAILED;
	int rc = EXIT_FAILED;
	const char *params[] = {hourly ? "hourly" : "on demand"};
	if (cli_db_begin(db, "cli-audit-seal") == 0) {
		PGresult *r = cli_db_run(db, &st_seal, params, "seal the audit chain");
		if (r != NULL && cli_exec(rq_db_conn(db), "COMMIT") == 0) {
			printf("%s:%s\n", rq_sql_val(r, 0, "seq"), rq_sql_val(r, 0, "hash"));
			fprintf(stderr, "audit seal #%s: chain head at seq %s\n",
				rq_sql_val(r, 0, "id"), rq_sql_val(r, 0, "seq"));
			rc = publish(db, cfg->audit_seal_file) == 0 ? EXIT_OK : EXIT_FAILED;
		}
		PQclear(r);
		cli_db_rollback(db);
	}
	rq_db_close(db);
	return rc;
}

static int broken(const char *seq, const char *id, const char *problem)
{
	fprintf(stderr, "审计链断裂 / audit chain broken at row seq %s (id %s): %s\n",
		seq != NULL ? seq : "-", id != NULL ? id : "-", problem);
	return EXIT_FAILED;
}

/* Every seal line of the file must match the chain (a line of a purged range is skipped). */
static int check_file(struct rq_db *db, const char *path, int64_t purged_through)
{
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		fprintf(stderr, "note: no seal file %s (%s): only the database's seals checked\n",
			path, strerror(errno));
		return EXIT_OK;
	}
	char line[LINE_MAX_BYTES];
	int rc = EXIT_OK, n = 0;
	while (rc == EXIT_OK && fgets(line, sizeof(line), f) != NULL) {
		int64_t id, seq;
		char hash[65];
		if (parse_line(line, &id, &seq, hash) != 0 || seq <= purged_through)
			continue;
		char seq_s[32];
		snprintf(seq_s, sizeof(seq_s), "%" PRId64, seq);
		const char *params[] = {seq_s, hash};
		PGresult *r = cli_db_run(db, &st_filed, params, "check a filed seal");
		if (r == NULL)
			rc = EXIT_FAILED;
		else if (strcmp(rq_sql_val(r, 0, "ok"), "t") != 0)
			rc = broken(seq_s, NULL,
				    "a seal of the seal file does not match: the log was "
				    "rewritten after it");
		PQclear(r);
		n++;
	}
	fclose(f);
	if (rc == EXIT_OK)
		fprintf(stderr, "seal file %s: %d seals match\n", path, n);
	return rc;
}

static int walk(struct rq_db *db, const char *after, const char *prev, int64_t head, double start)
{
	char after_s[32], prev_s[65];
	snprintf(after_s, sizeof(after_s), "%s", after);
	snprintf(prev_s, sizeof(prev_s), "%s", prev);
	char batch[16];
	snprintf(batch, sizeof(batch), "%d", BATCH_ROWS);
	int64_t done = 0;
	double shown = start;
	for (;;) {
		const char *params[] = {after_s, prev_s, batch};
		PGresult *r = cli_db_run(db, &st_batch, params, "verify the audit chain");
		if (r == NULL)
			return EXIT_FAILED;
		if (!PQgetisnull(r, 0, PQfnumber(r, "bad_seq"))) {
			int rc = broken(rq_sql_val(r, 0, "bad_seq"), rq_sql_val(r, 0, "bad_id"),
					rq_sql_val(r, 0, "problem"));
			PQclear(r);
			return rc;
		}
		int64_t checked = int_val(r, "checked");
		if (checked == 0) {
			PQclear(r);
			break;
		}
		done += checked;
		snprintf(after_s, sizeof(after_s), "%s", rq_sql_val(r, 0, "last_seq"));
		snprintf(prev_s, sizeof(prev_s), "%s", rq_sql_val(r, 0, "last_hash"));
		PQclear(r);
		double now = rq_clock_mono();
		if (now - shown >= 2) {
			fprintf(stderr,
				"verified %" PRId64 " rows, seq %s of %" PRId64 ", %.0f rows/s\n",
				done, after_s, head, (double)done / (now - start));
			shown = now;
		}
	}
	double secs = rq_clock_mono() - start;
	fprintf(stderr,
		"审计链完整 / audit chain intact: %" PRId64 " rows verified up to seq %s in %.1f s "
		"(%.0f rows/s)\n",
		done, after_s, secs, secs > 0 ? (double)done / secs : 0.0);
	printf("%s:%s\n", after_s, prev_s);
	return EXIT_OK;
}

static int verify(const struct rq_config *cfg, int argc, char **argv)
{
	const char *from = NULL;
	if (argc == 2 && strcmp(argv[0], "--from") == 0)
		from = argv[1];
	else if (argc != 0)
		return usage();
	char seal_seq[32] = "", seal_hash[65] = "";
	if (from != NULL) {
		int64_t seq;
		if (parse_seal(from, &seq, seal_hash) != 0 || strchr(from, ' ') != NULL) {
			fprintf(stderr,
				"audit verify: --from takes a seal as published, SEQ:HASH "
				"(64 hex digits), not %s\n",
				from);
			return EXIT_USAGE;
		}
		snprintf(seal_seq, sizeof(seal_seq), "%" PRId64, seq);
	}
	struct rq_db *db = cli_db_connect_owner(cfg, STATEMENT_TIMEOUT);
	if (db == NULL)
		return EXIT_FAILED;
	int rc = EXIT_FAILED;
	double start = rq_clock_mono();
	PGresult *r = cli_db_run(db, &st_snapshot, NULL, "open a snapshot");
	PQclear(r);
	const char *params[] = {from != NULL ? seal_seq : NULL, from != NULL ? seal_hash : NULL};
	r = r != NULL ? cli_db_run(db, &st_start, params, "start verifying") : NULL;
	if (r == NULL) {
		rq_db_close(db);
		return EXIT_FAILED;
	}
	const char *note = rq_sql_val(r, 0, "note");
	if (note != NULL && *note != '\0')
		fprintf(stderr, "note: %s\n", note);
	int64_t purged = int_val(r, "purged_through");
	if (PQgetisnull(r, 0, PQfnumber(r, "head_seq"))) {
		rc = broken(NULL, NULL, "the chain has no row (no genesis row)");
	} else if (rq_sql_val(r, 0, "problem") != NULL) {
		rc = broken(rq_sql_val(r, 0, "bad_seq"), rq_sql_val(r, 0, "bad_id"),
			    rq_sql_val(r, 0, "problem"));
	} else {
		char after[32];
		snprintf(after, sizeof(after), "%s", rq_sql_val(r, 0, "after_seq"));
		rc = walk(db, after, rq_sql_val(r, 0, "prev"), int_val(r, "head_seq"), start);
		if (rc == EXIT_OK) {
			const char *p[] = {after};
			PGresult *s = cli_db_run(db, &st_seals, p, "check the seals");
			if (s == NULL)
				rc = EXIT_FAILED;
			else if (PQntuples(s) > 0)
				rc = broken(rq_sql_val(s, 0, "seq"), NULL,
					    rq_sql_val(s, 0, "problem"));
			PQclear(s);
		}
		if (rc == EXIT_OK)
			rc = check_file(db, cfg->audit_seal_file, purged);
	}
	PQclear(r);
	rq_db_close(db);
	return rc;
}

int cli_audit(const struct rq_config *cfg, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "seal") == 0)
		return seal(cfg, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "verify") == 0)
		return verify(cfg, argc - 1, argv + 1);
	return usage();
}
