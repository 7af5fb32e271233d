/* ruqima report list|run|run-scheduled: the judicial bureau's reports. Each definition
 * (app/reporting/reports/<name>.sql, compiled in: reports.h) is a header comment (title,
 * description, schedule, parameters, columns, percent columns) and one SELECT taking $1 the
 * first day, $2 the last day (inclusive), $3 the county code or NULL and, when its header's
 * params name it, $4 the source of the visits (platform, huiqitong) or NULL for every source.
 * The SELECT runs on the reporting
 * role (RUQIMA_REPORT_DSN, which may point at a replica) in a read-only snapshot with
 * RUQIMA_REPORT_TIMEOUT; its rows stream into CSV and XLSX files (lib/rq_table). Each run is
 * recorded in rq.report_runs as the owner: who or which timer, the parameters, the rows, each
 * file's SHA-256, and how it ended. */
#include "cli.h"
#include "reports.h"

#include "rq_input.h"
#include "rq_sha256.h"
#include "rq_table.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	MAX_COLS = 64,
	LINE_MAX_LEN = 1024,
	ERROR_MAX = 500,
};

/* What the header comment of a definition says. */
struct report {
	const char *name, *sql;
	char title[LINE_MAX_LEN];
	char schedule[LINE_MAX_LEN]; /* "monthly, weekly" */
	bool by_source;		     /* its params take $4, the source of the visits */
	char columns[4 * LINE_MAX_LEN];
	char percent[LINE_MAX_LEN];
};

static int usage(void)
{
	fputs("usage: ruqima report list\n"
	      "       ruqima report run NAME --from YYYY-MM-DD --to YYYY-MM-DD [--county CODE]\n"
	      "                             [--source platform|huiqitong] [--format xlsx,csv]\n"
	      "                             [--output DIR]\n"
	      "       ruqima report run-scheduled monthly|weekly [--date YYYY-MM-DD]\n",
	      stderr);
	return EXIT_USAGE;
}

/* Copies the rest of the header line that starts with key ("schedule:") into out. */
static void header_value(const char *sql, const char *key, char *out, size_t cap)
{
	char pattern[64];
	snprintf(pattern, sizeof(pattern), "\n-- %s", key);
	const char *p = strstr(sql, pattern);
	out[0] = '\0';
	if (p == NULL)
		return;
	p += strlen(pattern);
	p += strspn(p, " ");
	size_t n = strcspn(p, "\n");
	snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
}

static void report_read(const struct report_source *src, struct report *r)
{
	memset(r, 0, sizeof(*r));
	r->name = src->name;
	r->sql = src->sql;
	const char *t = strncmp(src->sql, "-- ", 3) == 0 ? src->sql + 3 : "";
	snprintf(r->title, sizeof(r->title), "%.*s", (int)strcspn(t, "\n"), t);
	header_value(src->sql, "schedule:", r->schedule, sizeof(r->schedule));
	header_value(src->sql, "columns:", r->columns, sizeof(r->columns));
	header_value(src->sql, "percent:", r->percent, sizeof(r->percent));
	char params[LINE_MAX_LEN];
	header_value(src->sql, "params:", params, sizeof(params));
	r->by_source = strstr(params, "$4") != NULL;
}

/* The sources of visits a report may be filtered by, and what the cover calls them. */
static const char *const sources[][2] = {{"platform", "平台扫码登记"}, {"huiqitong", "慧企通导入"}};

static const char *source_label(const char *source)
{
	for (size_t i = 0; source != NULL && i < sizeof(sources) / sizeof(sources[0]); i++)
		if (strcmp(source, sources[i][0]) == 0)
			return sources[i][1];
	return source != NULL ? NULL : "全部";
}

static const struct report_source *report_find(const char *name)
{
	for (int i = 0; i < report_sources_count; i++)
		if (strcmp(report_sources[i].name, name) == 0)
			return &report_sources[i];
	return NULL;
}

/* True when name is one of the comma-separated items of list ("a, b"). */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; *p != '\0';) {
		p += strspn(p, " ,");
		size_t k = strcspn(p, ",");
		while (k > 0 && p[k - 1] == ' ')
			k--;
		if (k == n && strncmp(p, name, n) == 0)
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

static int cmd_list(void)
{
	for (int i = 0; i < report_sources_count; i++) {
		struct report r;
		report_read(&report_sources[i], &r);
		printf("%-24s %-16s %s\n", r.name, r.schedule[0] != '\0' ? r.schedule : "-",
		       r.title);
	}
	return EXIT_OK;
}

/* Who runs it: the operator's login name (through sudo, the one who called sudo). */
static const char *operator_name(void)
{
	const char *sudo = getenv("SUDO_USER");
	if (sudo != NULL && *sudo != '\0')
		return sudo;
	struct passwd *pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_name : "unknown";
}

struct run {
	const struct rq_config *cfg;
	struct report rep;
	const char *from, *to, *county; /* county NULL: the city */
	const char *source;		/* NULL: every source */
	const char *trigger, *started_by;
	bool formats[2]; /* by enum rq_table_format */
	const char *dir; /* where the files go */
	bool stored;	 /* dir is uploads/reports/: the portal may hand them out */
	PGconn *owner;	 /* records the run */
	char id[32];	 /* its rq.report_runs row */
	struct rq_table *tables[2];
	char paths[2][4096];
	long rows;
	char error[ERROR_MAX + 1];
};

static const char *const format_names[] = {"csv", "xlsx"};

/* Sets the run's error (recorded in report_runs.error, at most ERROR_MAX bytes). */
#define run_error(r, ...) cli_error_set((r)->error, sizeof((r)->error), __VA_ARGS__)

/* Records the run as the owner (request id cli-report); the first column of the first row
 * into out unless NULL. */
static int owner_write(struct run *r, const char *sql, int n, const char *const *params, char *out,
		       size_t cap)
{
	PGresult *res = cli_owner_write(r->owner, "cli-report", sql, n, params);
	if (res == NULL)
		return -1;
	if (out != NULL && PQntuples(res) == 1)
		snprintf(out, cap, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

static enum rq_col_kind kind_of(const struct run *r, const PGresult *res, int col)
{
	enum rq_col_kind k = rq_table_kind_of_type(PQftype(res, col));
	return k == RQ_COL_DECIMAL && listed(r->rep.percent, PQfname(res, col)) ? RQ_COL_PERCENT
										: k;
}

/* The result's columns must be the header's "columns:" in order: the header documents the
 * report, and a definition whose two disagree is refused rather than published. */
static int open_tables(struct run *r, const PGresult *res)
{
	int n = PQnfields(res);
	struct rq_col cols[MAX_COLS];
	char names[4 * LINE_MAX_LEN] = "";
	size_t used = 0;
	if (n > MAX_COLS) {
		run_error(r, "报表列数超过 %d", MAX_COLS);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		cols[i] = (struct rq_col){PQfname(res, i), kind_of(r, res, i)};
		used +=
		    (size_t)snprintf(names + used, used < sizeof(names) ? sizeof(names) - used : 0,
				     "%s%s", i > 0 ? ", " : "", cols[i].name);
	}
	if (strcmp(names, r->rep.columns) != 0) {
		run_error(r, "报表定义的列（%s）与查询结果的列（%s）不一致", r->rep.columns, names);
		return -1;
	}
	for (int f = 0; f < 2; f++) {
		if (!r->formats[f])
			continue;
		snprintf(r->paths[f], sizeof(r->paths[f]), "%s/%s-%s-%s%s%s%s%s-r%s.%s", r->dir,
			 r->rep.name, r->from, r->to, r->county != NULL ? "-" : "",
			 r->county != NULL ? r->county : "", r->source != NULL ? "-" : "",
			 r->source != NULL ? r->source : "", r->id, format_names[f]);
		r->tables[f] =
		    rq_table_open((enum rq_table_format)f, r->paths[f], r->rep.title, cols, n);
		if (r->tables[f] == NULL) {
			run_error(r, "无法创建文件 %s", r->paths[f]);
			return -1;
		}
	}
	return 0;
}

static int write_row(struct run *r, const PGresult *res)
{
	const char *values[MAX_COLS];
	for (int i = 0; i < PQnfields(res); i++)
		values[i] = PQgetisnull(res, 0, i) ? NULL : PQgetvalue(res, 0, i);
	for (int f = 0; f < 2; f++)
		if (r->tables[f] != NULL && rq_table_row(r->tables[f], values) != 0) {
			run_error(r, "无法写入文件 %s", r->paths[f]);
			return -1;
		}
	r->rows++;
	return 0;
}

/* The tables open on the first result (a row, or the empty result), then take its rows. */
static int on_result(void *ctx, const PGresult *res)
{
	struct run *r = ctx;
	if (r->tables[0] == NULL && r->tables[1] == NULL && open_tables(r, res) != 0)
		return -1;
	return PQresultStatus(res) == PGRES_SINGLE_TUPLE ? write_row(r, res) : 0;
}

/* Runs the SELECT on the reporting role, a consistent read-only snapshot with its own
 * timeout, its rows streaming into the tables (memory does not grow with the report).
 * Returns 0, or -1 with r->error set. */
static int query(struct run *r)
{
	PGconn *db = cli_report_snapshot(r->cfg, "ruqima-report", r->error, sizeof(r->error));
	if (db == NULL)
		return -1;
	const char *params[] = {r->from, r->to, r->county, r->source};
	char label[128];
	snprintf(label, sizeof(label), "report %s", r->rep.name);
	int rc = cli_stream_rows(db, r->rep.sql, r->rep.by_source ? 4 : 3, params, on_result, r,
				 label, r->error, sizeof(r->error));
	PQfinish(db); /* ends the read-only transaction */
	return rc;
}

/* Closes the tables with their cover and describes the files as the JSON of
 * report_runs.files. Returns 0, or -1 with r->error set. */
static int finish_files(struct run *r, char *files, size_t cap)
{
	char period[64], rows[32], ran[64];
	snprintf(period, sizeof(period), "%s 至 %s", r->from, r->to);
	snprintf(rows, sizeof(rows), "%ld", r->rows);
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(ran, sizeof(ran), "%Y-%m-%d %H:%M:%S", &tm);
	/* the source last: a report not counted by source ends before it */
	const char *cover[] = {"报表",
			       r->rep.title,
			       "期间",
			       period,
			       "范围",
			       r->county != NULL ? r->county : "全市",
			       "生成时间",
			       ran,
			       "行数",
			       rows,
			       "运行编号",
			       r->id,
			       r->rep.by_source ? "入企记录来源" : NULL,
			       source_label(r->source),
			       NULL};
	size_t used = (size_t)snprintf(files, cap, "[");
	int rc = 0;
	for (int f = 0; f < 2; f++) {
		if (r->tables[f] == NULL)
			continue;
		struct rq_table *t = r->tables[f];
		r->tables[f] = NULL;
		long bytes;
		char hex[RQ_SHA256_HEX_LEN + 1];
		if (rq_table_close(t, cover) != 0 ||
		    cli_file_digest(r->paths[f], &bytes, hex) != 0) {
			run_error(r, "无法完成文件 %s", r->paths[f]);
			rc = -1;
			continue;
		}
		const char *name = strrchr(r->paths[f], '/') + 1;
		used += (size_t)snprintf(files + used, used < cap ? cap - used : 0,
					 "%s{\"format\":\"%s\",\"name\":\"%s\",\"bytes\":%ld,"
					 "\"sha256\":\"%s\",\"stored\":%s}",
					 used > 1 ? "," : "", format_names[f], name, bytes, hex,
					 r->stored ? "true" : "false");
		printf("wrote %s (%ld rows, %ld bytes, sha256 %s)\n", r->paths[f], r->rows, bytes,
		       hex);
	}
	snprintf(files + used, used < cap ? cap - used : 0, "]");
	return rc;
}

static void abort_files(struct run *r)
{
	for (int f = 0; f < 2; f++)
		if (r->tables[f] != NULL) {
			rq_table_abort(r->tables[f]);
			r->tables[f] = NULL;
		}
}

static int run_report(struct run *r)
{
	const char *start[] = {r->rep.name, r->from,	   r->to,	 r->county,
			       r->trigger,  r->started_by, r->rep.title, r->source};
	if (owner_write(r,
			"INSERT INTO rq.report_runs (report, period_from, period_to, county_code,"
			" trigger, started_by, title, source)"
			" VALUES ($1, $2::date, $3::date, $4, $5, $6, $7, $8) RETURNING id",
			8, start, r->id, sizeof(r->id)) != 0)
		return EXIT_FAILED;
	char files[4096] = "[]";
	int rc = query(r);
	if (rc == 0)
		rc = finish_files(r, files, sizeof(files));
	abort_files(r);
	char rows[32];
	snprintf(rows, sizeof(rows), "%ld", r->rows);
	const char *end[] = {r->id, rc == 0 ? "done" : "failed", rc == 0 ? rows : NULL,
			     rc == 0 ? files : "[]", rc == 0 ? NULL : r->error};
	if (owner_write(r,
			"UPDATE rq.report_runs SET status = $2, rows = $3::bigint,"
			" files = $4::jsonb, error = $5, finished_at = now() WHERE id = $1::bigint",
			5, end, NULL, 0) != 0)
		return EXIT_FAILED;
	if (rc != 0) {
		fprintf(stderr, "ruqima: report %s failed (run %s): %s\n", r->rep.name, r->id,
			r->error);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/* uploads/reports/ of the state directory (setgid www-data like uploads/: nginx hands the
 * files out), made when missing. */
static int default_dir(const struct rq_config *cfg, char *out, size_t cap)
{
	snprintf(out, cap, "%s/uploads/reports", cfg->state_dir);
	if (mkdir(out, 02750) != 0 && errno != EEXIST) {
		fprintf(stderr, "ruqima: cannot create %s: %s\n", out, strerror(errno));
		return -1;
	}
	return 0;
}

static int parse_formats(const char *list, bool formats[2])
{
	formats[0] = formats[1] = false;
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *p = buf; *p != '\0';) {
		size_t k = strcspn(p, ",");
		bool last = p[k] == '\0';
		p[k] = '\0';
		enum rq_table_format f;
		if (!rq_table_format_parse(p, &f)) {
			fprintf(stderr, "ruqima: --format: '%s' is neither xlsx nor csv\n", p);
			return -1;
		}
		formats[f] = true;
		p += k + (last ? 0 : 1);
	}
	return formats[0] || formats[1] ? 0 : -1;
}

/* The county must be a region of the city (checked as the owner). */
static int check_county(PGconn *owner, const char *county)
{
	const char *p[] = {county};
	PGresult *res = PQexecParams(owner, "SELECT 1 FROM rq.regions WHERE code = $1", 1, NULL, p,
				     NULL, NULL, 0);
	bool ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
	PQclear(res);
	if (!ok)
		fprintf(stderr, "ruqima: --county: %s is not a region of the city\n", county);
	return ok ? 0 : -1;
}

static int run_with(struct run *r, const char *output)
{
	char dir[4096];
	if (output != NULL) {
		snprintf(dir, sizeof(dir), "%s", output);
	} else if (default_dir(r->cfg, dir, sizeof(dir)) != 0) {
		return EXIT_FAILED;
	}
	r->dir = dir;
	r->stored = output == NULL;
	r->owner = cli_connect_owner(r->cfg);
	if (r->owner == NULL)
		return EXIT_FAILED;
	int rc = r->county != NULL && check_county(r->owner, r->county) != 0 ? EXIT_FAILED
									     : run_report(r);
	PQfinish(r->owner);
	return rc;
}

static int cmd_run(const struct rq_config *cfg, int argc, char **argv)
{
	if (argc < 1)
		return usage();
	const struct report_source *src = report_find(argv[0]);
	if (src == NULL) {
		fprintf(stderr, "ruqima: no report named '%s' (ruqima report list)\n", argv[0]);
		return EXIT_USAGE;
	}
	struct run r = {.cfg = cfg, .trigger = "cli", .started_by = operator_name()};
	report_read(src, &r.rep);
	const char *formats = "xlsx,csv", *output = NULL;
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (v == NULL)
			return usage();
		if (strcmp(argv[i], "--from") == 0)
			r.from = v;
		else if (strcmp(argv[i], "--to") == 0)
			r.to = v;
		else if (strcmp(argv[i], "--county") == 0)
			r.county = v;
		else if (strcmp(argv[i], "--source") == 0)
			r.source = v;
		else if (strcmp(argv[i], "--format") == 0)
			formats = v;
		else if (strcmp(argv[i], "--output") == 0)
			output = v;
		else
			return usage();
		i++;
	}
	if (r.from == NULL || r.to == NULL || !rq_input_date(r.from) || !rq_input_date(r.to)) {
		fputs("ruqima: --from and --to are days, YYYY-MM-DD\n", stderr);
		return EXIT_USAGE;
	}
	if (strcmp(r.from, r.to) > 0) {
		fputs("ruqima: --from is after --to\n", stderr);
		return EXIT_USAGE;
	}
	if (parse_formats(formats, r.formats) != 0)
		return EXIT_USAGE;
	if (r.source != NULL && source_label(r.source) == NULL) {
		fputs("ruqima: --source is platform or huiqitong\n", stderr);
		return EXIT_USAGE;
	}
	if (r.source != NULL && !r.rep.by_source) {
		fprintf(stderr, "ruqima: report %s does not count visits by source (no --source)\n",
			r.rep.name);
		return EXIT_USAGE;
	}
	return run_with(&r, output);
}

/* The period a timer reports on: the calendar month, or the Monday-to-Sunday week, before
 * the one holding day (local time). */
static void previous_period(const char *set, const struct tm *day, char from[11], char to[11])
{
	struct tm a = *day, b = *day;
	if (strcmp(set, "monthly") == 0) {
		a.tm_mday = 1;
		a.tm_mon -= 1; /* the first of last month */
		b.tm_mday = 0; /* the day before the first of this month */
	} else {
		int since_monday = (day->tm_wday + 6) % 7;
		a.tm_mday -= since_monday + 7;
		b.tm_mday -= since_monday + 1;
	}
	a.tm_isdst = b.tm_isdst = -1;
	mktime(&a);
	mktime(&b);
	strftime(from, 11, "%Y-%m-%d", &a);
	strftime(to, 11, "%Y-%m-%d", &b);
}

static int cmd_run_scheduled(const struct rq_config *cfg, int argc, char **argv)
{
	if (argc < 1 || (strcmp(argv[0], "monthly") != 0 && strcmp(argv[0], "weekly") != 0))
		return usage();
	struct tm day;
	time_t now = time(NULL);
	localtime_r(&now, &day);
	if (argc == 3 && strcmp(argv[1], "--date") == 0) {
		if (!rq_input_date(argv[2]) || strptime(argv[2], "%Y-%m-%d", &day) == NULL)
			return usage();
	} else if (argc != 1) {
		return usage();
	}
	char from[11], to[11], by[64];
	previous_period(argv[0], &day, from, to);
	snprintf(by, sizeof(by), "timer:%s", argv[0]);
	int rc = EXIT_OK, ran = 0;
	for (int i = 0; i < report_sources_count; i++) {
		struct run r = {.cfg = cfg,
				.trigger = "schedule",
				.started_by = by,
				.from = from,
				.to = to,
				.formats = {true, true}};
		report_read(&report_sources[i], &r.rep);
		if (!listed(r.rep.schedule, argv[0]))
			continue;
		fprintf(stderr, "report %s: %s to %s\n", r.rep.name, from, to);
		ran++;
		if (run_with(&r, NULL) != EXIT_OK)
			rc = EXIT_FAILED; /* the others still run */
	}
	fprintf(stderr, "%d %s reports for %s to %s, %s\n", ran, argv[0], from, to,
		rc == EXIT_OK ? "all done" : "some failed");
	return rc;
}

int cli_report(const struct rq_config *cfg, int argc, char **argv)
{
	/* dates, periods and the cover's time are the city's (the database's zone too) */
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	if (argc >= 1 && strcmp(argv[0], "list") == 0)
		return cmd_list();
	if (argc >= 1 && strcmp(argv[0], "run") == 0)
		return cmd_run(cfg, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "run-scheduled") == 0)
		return cmd_run_scheduled(cfg, argc - 1, argv + 1);
	return usage();
}
