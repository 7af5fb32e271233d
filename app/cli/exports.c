/* ruqima exports run: builds the auditors' export jobs (rq.export_jobs) that
 * GET /api/v1/reporting/exports/visits queued for ranges over RUQIMA_EXPORT_STREAM_MAX rows.
 * One pass: every queued job, oldest first, each claimed with FOR UPDATE SKIP LOCKED (two
 * passes never build the same job), its rows (rq.export_visits, the same SELECT the pool
 * streams) read on the reporting role in one read-only snapshot and streamed into the file
 * uploads/exports/visits-<from>-<to>-e<id>.<format> (lib/rq_table: memory does not grow with
 * the range), which the requester then downloads through nginx. Before that the pass fails
 * the jobs a killed pass left running and removes what killed pool workers left in
 * uploads/exports/. Run every minute by ruqima-exports.timer (deploy/PRODUCTION.md). */
#include "cli.h"

#include "rq_table.h"

#include <dirent.h>
#include <stdlib.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	COLS_MAX = 64,
	ERROR_MAX = 500,
	/* a job running longer was left by a pass that died (the timer's unit stops a pass
	 * after an hour) */
	STALE_RUNNING_HOURS = 2,
	/* a pool worker's temporary XLSX older than this was left by a killed worker */
	STALE_STREAM_SECONDS = 3600,
};

static const char WHAT[] = "cli-exports-run";

static int usage(void)
{
	fputs("usage: ruqima exports run\n", stderr);
	return EXIT_USAGE;
}

/* One job being built. */
struct job {
	char id[24], from[16], to[16], format[8];
	enum rq_table_format fmt;
	char path[4096 + 160];
	struct rq_table *t;
	char error[ERROR_MAX + 1];
};

static int on_result(void *ctx, const PGresult *res)
{
	struct job *j = ctx;
	int n = PQnfields(res);
	if (j->t == NULL) {
		struct rq_col cols[COLS_MAX];
		if (n > COLS_MAX) {
			cli_error_set(j->error, sizeof(j->error), "导出列数超过 %d", COLS_MAX);
			return -1;
		}
		for (int i = 0; i < n; i++)
			cols[i] = (struct rq_col){PQfname(res, i),
						  rq_table_kind_of_type(PQftype(res, i))};
		j->t = rq_table_open(j->fmt, j->path, "入企记录", cols, n);
		if (j->t == NULL) {
			cli_error_set(j->error, sizeof(j->error), "无法创建文件");
			return -1;
		}
	}
	if (PQresultStatus(res) != PGRES_SINGLE_TUPLE)
		return 0;
	const char *values[COLS_MAX];
	for (int i = 0; i < n; i++)
		values[i] = PQgetisnull(res, 0, i) ? NULL : PQgetvalue(res, 0, i);
	if (rq_table_row(j->t, values) != 0) {
		cli_error_set(j->error, sizeof(j->error), "无法写入文件");
		return -1;
	}
	return 0;
}

/* Writes the job's file. Returns its rows, or -1 with j->error set (the file removed). */
static long build(const struct rq_config *cfg, struct job *j)
{
	PGconn *db = cli_report_snapshot(cfg, "ruqima-exports", j->error, sizeof(j->error));
	if (db == NULL)
		return -1;
	const char *params[] = {j->from, j->to};
	char label[64];
	snprintf(label, sizeof(label), "export job %s", j->id);
	int rc = cli_stream_rows(db, "SELECT * FROM rq.export_visits($1::date, $2::date)", 2,
				 params, on_result, j, label, j->error, sizeof(j->error));
	PQfinish(db);
	if (j->t == NULL)
		return -1;
	long rows = rq_table_rows(j->t);
	if (rc != 0) {
		rq_table_abort(j->t);
		return -1;
	}
	char period[64];
	snprintf(period, sizeof(period), "%s 至 %s", j->from, j->to);
	char n[24], when[32];
	snprintf(n, sizeof(n), "%ld", rows);
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	const char *cover[] = {"导出",	   "入企记录（审计导出）",
			       "期间",	   period,
			       "导出时间", when,
			       "行数",	   n,
			       "导出任务", j->id,
			       NULL};
	if (rq_table_close(j->t, cover) != 0) {
		cli_error_set(j->error, sizeof(j->error), "无法完成文件");
		return -1;
	}
	return rows;
}

/* Records how job id ended (sql with $1 the id and params after it). Returns 0, or -1. */
static int record(PGconn *owner, const char *sql, int n, const char *const *params)
{
	PGresult *res = cli_owner_write(owner, WHAT, sql, n, params);
	PQclear(res);
	return res != NULL ? 0 : -1;
}

/* Claims the oldest queued job and builds it. Returns 1 when it ran one (*failed says how it
 * ended), 0 when none was queued, -1 on a database error. */
static int run_one(const struct rq_config *cfg, PGconn *owner, const char *dir, bool *failed)
{
	PGresult *claim = cli_owner_write(
	    owner, WHAT,
	    "UPDATE rq.export_jobs j SET status = 'running', started_at = now()"
	    " WHERE j.id = (SELECT q.id FROM rq.export_jobs q WHERE q.status = 'queued'"
	    " ORDER BY q.id LIMIT 1 FOR UPDATE SKIP LOCKED)"
	    " RETURNING j.id, j.period_from, j.period_to, j.format",
	    0, NULL);
	if (claim == NULL)
		return -1;
	if (PQntuples(claim) == 0) {
		PQclear(claim);
		return 0;
	}
	struct job j = {.t = NULL};
	snprintf(j.id, sizeof(j.id), "%s", PQgetvalue(claim, 0, 0));
	snprintf(j.from, sizeof(j.from), "%s", PQgetvalue(claim, 0, 1));
	snprintf(j.to, sizeof(j.to), "%s", PQgetvalue(claim, 0, 2));
	snprintf(j.format, sizeof(j.format), "%s", PQgetvalue(claim, 0, 3));
	PQclear(claim);
	if (!rq_table_format_parse(j.format, &j.fmt))
		return -1;
	char name[128];
	snprintf(name, sizeof(name), "visits-%s-%s-e%s.%s", j.from, j.to, j.id, j.format);
	snprintf(j.path, sizeof(j.path), "%s/%s", dir, name);
	fprintf(stderr, "export job %s: visits %s to %s as %s into %s\n", j.id, j.from, j.to,
		j.format, j.path);
	long rows = build(cfg, &j);
	long bytes = 0;
	char hex[65] = "", rows_s[24], bytes_s[24];
	if (rows >= 0 && cli_file_digest(j.path, &bytes, hex) != 0) {
		cli_error_set(j.error, sizeof(j.error), "无法读取生成的文件");
		unlink(j.path);
		rows = -1;
	}
	*failed = rows < 0;
	if (*failed) {
		const char *p[] = {j.id, j.error[0] != '\0' ? j.error : "导出失败"};
		fprintf(stderr, "export job %s: failed: %s\n", j.id, p[1]);
		return record(owner,
			      "UPDATE rq.export_jobs SET status = 'failed', finished_at = now(),"
			      " error = $2 WHERE id = $1::bigint",
			      2, p) == 0
			   ? 1
			   : -1;
	}
	snprintf(rows_s, sizeof(rows_s), "%ld", rows);
	snprintf(bytes_s, sizeof(bytes_s), "%ld", bytes);
	const char *p[] = {j.id, rows_s, bytes_s, hex, name};
	if (record(
		owner,
		"UPDATE rq.export_jobs SET status = 'done', finished_at = now(), rows = $2::bigint,"
		" bytes = $3::bigint, sha256 = $4, file_name = $5 WHERE id = $1::bigint",
		5, p) != 0)
		return -1;
	printf("export job %s: wrote %s (%ld rows, %ld bytes, sha256 %s)\n", j.id, j.path, rows,
	       bytes, hex);
	return 1;
}

/* Removes the temporary files of pool workers killed while building an XLSX
 * (uploads/exports/.stream-*), once they are old enough not to be in use. */
static void remove_stale_streams(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	struct dirent *e;
	time_t now = time(NULL);
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, ".stream-", 8) != 0)
			continue;
		char path[4096 + 260];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(path, &st) == 0 && now - st.st_mtime > STALE_STREAM_SECONDS &&
		    unlink(path) == 0)
			fprintf(stderr, "removed %s, left by a killed worker\n", path);
	}
	closedir(d);
}

static int cmd_run(const struct rq_config *cfg)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/uploads/exports", cfg->state_dir);
	if (mkdir(dir, 02750) != 0 && errno != EEXIST) {
		fprintf(stderr, "ruqima: cannot create %s: %s\n", dir, strerror(errno));
		return EXIT_FAILED;
	}
	remove_stale_streams(dir);
	PGconn *owner = cli_connect_owner(cfg);
	if (owner == NULL)
		return EXIT_FAILED;
	char hours[16];
	snprintf(hours, sizeof(hours), "%d", STALE_RUNNING_HOURS);
	const char *p[] = {hours};
	PGresult *stale =
	    cli_owner_write(owner, WHAT,
			    "UPDATE rq.export_jobs SET status = 'failed', finished_at = now(),"
			    " error = '生成中断（导出进程意外退出），请重新提交导出'"
			    " WHERE status = 'running'"
			    " AND started_at < now() - make_interval(hours => $1::int)",
			    1, p);
	if (stale == NULL) {
		PQfinish(owner);
		return EXIT_FAILED;
	}
	if (strcmp(PQcmdTuples(stale), "0") != 0)
		fprintf(stderr, "exports run: %s jobs left running by a dead pass marked failed\n",
			PQcmdTuples(stale));
	PQclear(stale);
	int rc = EXIT_OK, done = 0, failed_n = 0, r;
	bool failed;
	while ((r = run_one(cfg, owner, dir, &failed)) == 1) {
		done++;
		if (failed) {
			failed_n++;
			rc = EXIT_FAILED;
		}
	}
	if (r < 0)
		rc = EXIT_FAILED;
	fprintf(stderr, "exports run: %d jobs, %d failed\n", done, failed_n);
	PQfinish(owner);
	return rc;
}

int cli_exports(const struct rq_config *cfg, int argc, char **argv)
{
	/* the cover's time is the city's (the database's zone too) */
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	if (argc == 1 && strcmp(argv[0], "run") == 0)
		return cmd_run(cfg);
	return usage();
}
