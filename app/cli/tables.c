/* What the CLI's files of results share (the judicial bureau's reports, app/cli/report.c; the
 * auditors' export jobs, app/cli/exports.c): the reporting role's read-only snapshot, rows
 * streamed out of it in single-row mode, the SHA-256 of a file written, the bookkeeping row
 * written as the owner, and errors short enough to be recorded. */
#include "cli.h"

#include "rq_clock.h"
#include "rq_sha256.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cli_error_set(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= cap) {
		size_t k = strlen(buf);
		while (k > 0 && ((unsigned char)buf[k - 1] & 0xC0) == 0x80)
			k--; /* continuation bytes of a character that was cut */
		if (k > 0 && ((unsigned char)buf[k - 1] & 0x80) != 0)
			k--; /* its lead byte */
		buf[k] = '\0';
	}
}

PGconn *cli_report_snapshot(const struct rq_config *cfg, const char *appname, char *err, size_t cap)
{
	if (cfg->report_dsn == NULL) {
		cli_error_set(err, cap, "未设置 RUQIMA_REPORT_DSN（报表只读角色）");
		return NULL;
	}
	PGconn *db = PQconnectdb(cfg->report_dsn);
	if (PQstatus(db) != CONNECTION_OK) {
		cli_error_set(err, cap, "无法以报表角色连接数据库：%s", PQerrorMessage(db));
		PQfinish(db);
		return NULL;
	}
	char setup[256];
	snprintf(setup, sizeof(setup),
		 "SET statement_timeout = '%lds'; SET application_name = '%s';"
		 " BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
		 cfg->report_timeout, appname);
	if (cli_exec(db, setup) != 0) {
		cli_error_set(err, cap, "无法开始只读事务");
		PQfinish(db);
		return NULL;
	}
	/* a replica (RUQIMA_REPORT_DSN may name one) too far behind gives no report at all:
	 * its figures would be stale without saying so (lib/sql/replica.sql) */
	char max_lag[16];
	snprintf(max_lag, sizeof(max_lag), "%d", cfg->replica_max_lag);
	const char *params[] = {max_lag};
	PGresult *res = PQexecParams(db, "SELECT rq.replica_check($1::double precision)", 1, NULL,
				     params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		const char *lag = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
		if (lag != NULL)
			cli_error_set(
			    err, cap,
			    "只读副本落后主库 %s 秒（上限 RUQIMA_REPLICA_MAX_LAG=%d 秒），"
			    "为免报表数字过时，不生成报表",
			    lag, cfg->replica_max_lag);
		else
			cli_error_set(err, cap, "无法检查只读副本的延迟：%s", PQerrorMessage(db));
		PQclear(res);
		PQfinish(db);
		return NULL;
	}
	PQclear(res);
	return db;
}

int cli_stream_rows(PGconn *db, const char *sql, int nparams, const char *const *params,
		    int (*on_result)(void *ctx, const PGresult *res), void *ctx, const char *label,
		    char *err, size_t cap)
{
	if (!PQsendQueryParams(db, sql, nparams, NULL, params, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(db)) {
		cli_error_set(err, cap, "%s", PQerrorMessage(db));
		return -1;
	}
	int rc = 0;
	long rows = 0;
	double started = rq_clock_mono(), shown = started;
	PGresult *res;
	while ((res = PQgetResult(db)) != NULL) {
		ExecStatusType st = PQresultStatus(res);
		if (rc == 0 && (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK)) {
			rc = on_result(ctx, res);
			rows += st == PGRES_SINGLE_TUPLE;
		} else if (rc == 0) {
			const char *m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
			cli_error_set(err, cap, "查询失败：%s",
				      m != NULL ? m : PQresultErrorMessage(res));
			rc = -1;
		}
		PQclear(res);
		double t = rq_clock_mono();
		if (t - shown >= 2) {
			fprintf(stderr, "%s: %ld rows, %.0f s\n", label, rows, t - started);
			shown = t;
		}
	}
	return rc;
}

int cli_file_digest(const char *path, long *bytes, char hex[RQ_SHA256_HEX_LEN + 1])
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	struct rq_sha256 s;
	rq_sha256_init(&s);
	unsigned char buf[65536], d[RQ_SHA256_LEN];
	size_t n;
	*bytes = 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		rq_sha256_update(&s, buf, n);
		*bytes += (long)n;
	}
	int rc = ferror(f) ? -1 : 0;
	fclose(f);
	rq_sha256_final(&s, d);
	for (int i = 0; i < RQ_SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return rc;
}

PGresult *cli_owner_write(PGconn *owner, const char *what, const char *sql, int n,
			  const char *const *params)
{
	if (cli_exec(owner, "BEGIN") != 0)
		return NULL;
	if (cli_set_actor(owner, what) != 0) {
		cli_rollback(owner);
		return NULL;
	}
	PGresult *res = PQexecParams(owner, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "ruqima: could not record it (%s): %s", what,
			PQresultErrorMessage(res));
		PQclear(res);
		cli_rollback(owner);
		return NULL;
	}
	if (cli_exec(owner, "COMMIT") != 0) {
		PQclear(res);
		return NULL;
	}
	return res;
}
