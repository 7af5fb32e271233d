/* The CLI's commands; each returns the process exit status (0 ok, 1 failed, 2 usage). */
#ifndef CLI_H
#define CLI_H

#include "rq_attr.h"

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "rq_config.h"

int cli_migrate(const struct rq_config *cfg, int argc, char **argv) RQ_MUST_USE;
/* ruqima user add|list|reset-password|lock|unlock (app/cli/user.c). add exits 3 when the
 * username is taken (deploy/up relies on that to stay re-runnable); the changes exit 1 for
 * an unknown or deactivated user. */
int cli_user(const struct rq_config *cfg, int argc, char **argv) RQ_MUST_USE;
int cli_demo_load(const struct rq_config *cfg) RQ_MUST_USE;
/* ruqima codes issue|list|revoke|reissue|print (app/cli/codes.c). Exits 3 when issuing to an
 * enterprise that already has an active code. */
int cli_codes(const struct rq_config *cfg, int argc, char **argv) RQ_MUST_USE;
/* ruqima import enterprises FILE [--dry-run] [--strict] (app/cli/import.c). Exits 1 when
 * nothing was imported (refused file, --strict with a bad row, database error) or when a
 * dry run found a bad row. */
int cli_import(const struct rq_config *cfg, int argc, char **argv) RQ_MUST_USE;
/* ruqima import huiqitong FILE [--dry-run] (app/cli/import_huiqitong.c): 慧企通's scan
 * records as visits. Exits 2 on usage (cli_import prints it). */
int cli_import_huiqitong(const struct rq_config *cfg, int argc, char **argv) RQ_MUST_USE;
/* The imports' progress on stderr (rq_copy_progress; ctx: a double, the start on
 * rq_clock_mono), shown for files of RQ_IMPORT_PROGRESS_EVERY rows or more. */
void cli_import_progress(void *ctx, const char *phase, size_t done, size_t total);
/* "read N rows (encoding) in S s" on stderr, for as large a file. */
void cli_import_read(size_t rows, const char *encoding, double start);
/* What an import does with its file: fn(cfg, path, arena, bytes, length, start on
 * rq_clock_mono, ctx) returns the exit status. */
struct rq_arena;
typedef int (*cli_import_fn)(const struct rq_config *cfg, const char *path, struct rq_arena *a,
			     const char *data, size_t len, double start, void *ctx);
/* Reads path (at most RUQIMA_IMPORT_MAX_BYTES) and runs fn on its bytes with a new arena,
 * freed afterwards. Returns fn's exit status, or 1 after saying why the file was not read. */
int cli_import_file(const struct rq_config *cfg, const char *path, cli_import_fn fn,
		    void *ctx) RQ_MUST_USE;
/* Prints a refused file's problems and that nothing was changed; returns 1. */
struct rq_problems;
int cli_import_refused(const struct rq_problems *problems, const char *path);
/* Connects as the owner and opens an import's transaction: the actor context (request id
 * what) and a transaction-scoped advisory lock on what, so that one import of a kind runs at
 * a time (a second waits for the first to commit, then finds its rows, instead of failing
 * half-way on a unique key). Returns NULL after saying why; PQfinish rolls back. */
PGconn *cli_import_begin(const struct rq_config *cfg, const char *what) RQ_MUST_USE;
/* Says that the import failed on err (NULL: the connection's error) and clears err. */
void cli_import_failed(PGconn *c, PGresult *err);
/* ruqima units map list|set|delete (app/cli/units.c): the unit names of 慧企通 and the
 * platform's units they are. */
int cli_units(const struct rq_config *cfg, int argc, char **argv) RQ_MUST_USE;
/* ruqima calendar import FILE [--dry-run] | list [--year YYYY] (app/cli/calendar.c): the
 * calendar of working days. Exits 1 when a line is bad (nothing is imported then). */
int cli_calendar(const struct rq_config *cfg, int argc, char **argv) RQ_MUST_USE;
/* ruqima notify run [--once] [--limit N] (app/cli/notify.c): sends the outbox's
 * notifications as WeChat subscribe messages. */
int cli_notify(const struct rq_config *cfg, int argc, char **argv) RQ_MUST_USE;
/* ruqima cases sweep (app/cli/cases.c): the deadline sweep of the cases. */
int cli_cases(const struct rq_config *cfg, int argc, char **argv) RQ_MUST_USE;

/* ruqima audit seal|verify (app/cli/audit.c): the sealed hash chain of the audit trail.
 * verify exits 1 when the chain is broken. */
int cli_audit(const struct rq_config *cfg, int argc, char **argv) RQ_MUST_USE;

/* ruqima report list|run|run-scheduled (app/cli/report.c): the judicial bureau's reports as
 * XLSX and CSV files, each run recorded in rq.report_runs. */
int cli_report(const struct rq_config *cfg, int argc, char **argv) RQ_MUST_USE;
/* ruqima exports run (app/cli/exports.c): builds the auditors' export jobs queued in the
 * portal (rq.export_jobs). Exits 1 when a job failed. */
int cli_exports(const struct rq_config *cfg, int argc, char **argv) RQ_MUST_USE;

/* Files of results (app/cli/tables.c: the reports and the export jobs). */
/* Formats into buf (cap bytes) and cuts at a character boundary: an error recorded in a
 * column of at most cap - 1 bytes never ends in half a Chinese character. */
void cli_error_set(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Connects as the reporting role (RUQIMA_REPORT_DSN: read-only, a replica when there is one)
 * and opens a read-only repeatable-read snapshot with RUQIMA_REPORT_TIMEOUT as its
 * statement_timeout, refused when that replica lags more than RUQIMA_REPLICA_MAX_LAG. Returns
 * the connection, or NULL with why in err (Chinese). */
PGconn *cli_report_snapshot(const struct rq_config *cfg, const char *appname, char *err,
			    size_t cap) RQ_MUST_USE;
/* Runs sql in single-row mode: on_result(ctx, res) for every row (PGRES_SINGLE_TUPLE) and for
 * the final result (PGRES_TUPLES_OK, no rows: the columns of an empty result), so memory does
 * not grow with the result; progress "<label>: N rows, S s" on stderr every 2 s. Returns 0,
 * or -1: the callback's failure (which says why itself) or the query's, in err. */
int cli_stream_rows(PGconn *db, const char *sql, int nparams, const char *const *params,
		    int (*on_result)(void *ctx, const PGresult *res), void *ctx, const char *label,
		    char *err, size_t cap) RQ_MUST_USE;
/* The size and SHA-256 (hex) of the file at path. Returns 0, or -1 when it cannot be read. */
int cli_file_digest(const char *path, long *bytes, char hex[65]) RQ_MUST_USE;
/* Runs one statement as the owner in its own transaction, audited with request id what.
 * Returns its result once committed (the caller PQclears it), or NULL after printing the
 * error. */
PGresult *cli_owner_write(PGconn *owner, const char *what, const char *sql, int n,
			  const char *const *params) RQ_MUST_USE;
/* Reads the whole file (at most max bytes; RUQIMA_IMPORT_MAX_BYTES for the imports).
 * Returns a malloc'd buffer (NUL-terminated, its length in *len) or NULL after saying why. */
char *cli_read_file(const char *path, long max, size_t *len) RQ_MUST_USE;
/* The arguments of an import, "FILE [--flag]...": flags (NULL-terminated) may each appear
 * once and set their entry of set (false when absent); exactly one FILE, into *path.
 * Returns 0, or -1 when the arguments are anything else (the caller prints its usage). */
int cli_file_args(int argc, char **argv, const char *const *flags, bool *set,
		  const char **path) RQ_MUST_USE;
/* Runs run(ctx) in a supervised child (lib/rq_supervise: replaced when it dies) until
 * SIGTERM or SIGINT. family names the log lines ("notify"), child the child in them
 * ("dispatcher"). run must not return (it exits). Returns the exit status. */
int cli_background(const char *family, const char *child, void (*run)(void *ctx),
		   void *ctx) RQ_MUST_USE;

/* Connects as the owner; prints the reason and returns NULL on failure. */
PGconn *cli_connect_owner(const struct rq_config *cfg) RQ_MUST_USE;
/* Runs sql (no parameters); prints the error and returns -1 on failure. Not RQ_MUST_USE
 * yet: migrate.c still ignores it on ROLLBACK (cli_rollback is for that). */
int cli_exec(PGconn *c, const char *sql);
/* Rolls the transaction back; a failure is printed, and there is nothing more to undo. */
void cli_rollback(PGconn *c);
/* Sets the transaction-local actor context for a CLI write (inside BEGIN). */
int cli_set_actor(PGconn *c, const char *what) RQ_MUST_USE;

/* The same over a reconnecting handle with prepared statements (lib/rq_db.h). */
struct rq_db;
struct rq_stmt;
/* Connects as the owner; prints the reason and returns NULL on failure. Close with
 * rq_db_close(). */
struct rq_db *cli_db_connect_owner(const struct rq_config *cfg,
				   int statement_timeout_s) RQ_MUST_USE;
/* BEGIN and the actor context; what becomes the audit rows' request id. Returns 0, or -1
 * after printing the error. */
int cli_db_begin(struct rq_db *db, const char *what) RQ_MUST_USE;
/* ROLLBACK when a transaction is open. */
void cli_db_rollback(struct rq_db *db);
/* Runs st; on failure prints "could not <doing>: ..." and returns NULL. The result is the
 * caller's to PQclear. */
PGresult *cli_db_run(struct rq_db *db, struct rq_stmt *st, const char *const *params,
		     const char *doing) RQ_MUST_USE;

#endif
