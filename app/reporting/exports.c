#include "exports.h"

#include "rq_config.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_log.h"
#include "rq_num.h"
#include "rq_outcome.h"
#include "rq_table.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const reporting_export_formats[] = {"csv", "xlsx", NULL};

enum { COLS_MAX = 64, CHUNK = 64 * 1024 };

/* $1 first day, $2 last day (inclusive), $3 the streaming limit: counted up to $3 + 1 */
static struct rq_stmt st_count =
    RQ_STMT("reporting_exports_count",
	    "SELECT rq.export_visits_count($1::date, $2::date, $3::bigint) AS n,"
	    " to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') AS at",
	    3);
static struct rq_stmt st_rows =
    RQ_STMT("reporting_exports_rows", "SELECT * FROM rq.export_visits($1::date, $2::date)", 2);
static struct rq_stmt st_request = RQ_STMT(
    "reporting_exports_request",
    "SELECT o.*, o.data ->> 'id' AS id FROM rq.export_job_request($1::date, $2::date, $3) o", 3);

/* One export on its way to the client. */
struct export_run {
	struct rq_req *req;
	struct rq_resp *resp;
	enum rq_table_format format;
	const char *from, *to, *name; /* name: the file's, for Content-Disposition */
	const char *at;		      /* when it was asked, the city's time */
	const char *path;	      /* XLSX: the temporary file it is built in first */
	FILE *body;		      /* CSV: the answer's body, written as rows arrive */
	struct rq_table *t;
	bool broke; /* a row could not be written (or the client is gone) */
};

/* The FILE of a CSV answer writes into the streamed body (fopencookie). */
static ssize_t body_write(void *cookie, const char *buf, size_t n)
{
	struct export_run *x = cookie;
	return rq_resp_stream_write(x->req, x->resp, buf, n) == 0 ? (ssize_t)n : 0;
}

/* Sends the status and headers of the file. */
static int begin(struct export_run *x)
{
	struct rq_resp *resp = x->resp;
	resp->status = 200;
	resp->content_type = rq_table_content_type(x->format);
	rq_resp_header(resp, "Content-Disposition",
		       rq_printf(x->req->arena, "attachment; filename=\"%s\"", x->name));
	return rq_resp_stream_begin(x->req, resp);
}

/* Opens the table with the columns of res (the first row, or the empty result): for CSV the
 * answer starts now; XLSX is built in its temporary file first. */
static int start(struct export_run *x, const PGresult *res)
{
	int n = PQnfields(res);
	struct rq_col cols[COLS_MAX];
	if (n > COLS_MAX)
		return -1;
	for (int i = 0; i < n; i++)
		cols[i] = (struct rq_col){rq_strdup(x->req->arena, PQfname(res, i)),
					  rq_table_kind_of_type(PQftype(res, i))};
	if (x->format == RQ_TABLE_XLSX) {
		x->t = rq_table_open(RQ_TABLE_XLSX, x->path, "入企记录", cols, n);
		return x->t != NULL ? 0 : -1;
	}
	if (begin(x) != 0)
		return -1;
	static const cookie_io_functions_t io = {.write = body_write};
	x->body = fopencookie(x, "w", io);
	if (x->body == NULL || setvbuf(x->body, NULL, _IOFBF, CHUNK) != 0)
		return -1;
	x->t = rq_table_open_csv_stream(x->body, cols, n);
	return x->t != NULL ? 0 : -1;
}

static int on_row(void *ctx, const PGresult *res)
{
	struct export_run *x = ctx;
	if (x->t == NULL && start(x, res) != 0) {
		x->broke = true;
		return -1;
	}
	const char *values[COLS_MAX];
	for (int i = 0; i < PQnfields(res); i++)
		values[i] = PQgetisnull(res, 0, i) ? NULL : PQgetvalue(res, 0, i);
	if (rq_table_row(x->t, values) != 0) {
		x->broke = true;
		return -1;
	}
	return 0;
}

/* Sends the finished XLSX from its temporary file (removed first: nothing stays behind). */
static void send_file(struct export_run *x)
{
	int fd = open(x->path, O_RDONLY | O_CLOEXEC);
	unlink(x->path);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		rq_problem_internal(x->req, x->resp, "the built XLSX cannot be read");
		if (fd >= 0)
			close(fd);
		return;
	}
	rq_resp_header(x->resp, "Content-Length",
		       rq_printf(x->req->arena, "%lld", (long long)st.st_size));
	char buf[CHUNK];
	ssize_t got = 0;
	if (begin(x) == 0)
		while ((got = read(fd, buf, sizeof(buf))) > 0 &&
		       rq_resp_stream_write(x->req, x->resp, buf, (size_t)got) == 0)
			;
	close(fd);
	if (got < 0)
		rq_resp_stream_abort(x->req, x->resp, strerror(errno));
}

/* Closes the XLSX with its cover: what it holds and for which request it was made. */
static int finish_xlsx(struct export_run *x, struct rq_table *t, long rows)
{
	const char *cover[] = {"导出",	   "入企记录（审计导出）",
			       "期间",	   rq_printf(x->req->arena, "%s 至 %s", x->from, x->to),
			       "导出时间", x->at,
			       "行数",	   rq_printf(x->req->arena, "%ld", rows),
			       "请求编号", x->req->request_id,
			       NULL};
	return rq_table_close(t, cover);
}

/* Streams the rows of the range. A failure before the first byte is answered as a problem;
 * after it, the answer is broken off. */
static void stream(struct export_run *x)
{
	struct rq_req *req = x->req;
	struct rq_resp *resp = x->resp;
	const char *params[] = {x->from, x->to};
	PGresult *res = rq_sql_each(req, &st_rows, params, on_row, x);
	const char *why = NULL; /* why the export failed */
	if (res == NULL)
		why = "the database connection was lost";
	else if (x->broke)
		why = "the export could not be written";
	else if (!rq_sql_ok(res))
		why = PQresultErrorMessage(res);
	else if (x->t == NULL && start(x, res) != 0) /* no rows: the header alone */
		why = "the export could not be started";
	long rows = x->t != NULL ? rq_table_rows(x->t) : 0;
	struct rq_table *t = x->t;
	x->t = NULL;
	if (why == NULL && x->format == RQ_TABLE_CSV && rq_table_close(t, NULL) != 0)
		why = "the CSV could not be finished";
	else if (why == NULL && x->format == RQ_TABLE_XLSX && finish_xlsx(x, t, rows) != 0)
		why = "the XLSX could not be finished";
	else if (why != NULL && t != NULL)
		rq_table_abort(t);
	if (x->body != NULL && fclose(x->body) != 0 && why == NULL)
		why = "the client is gone";
	if (x->format == RQ_TABLE_XLSX && why == NULL)
		send_file(x);
	else if (x->format == RQ_TABLE_XLSX)
		unlink(x->path);
	if (why != NULL && resp->streamed)
		rq_resp_stream_abort(req, resp, why);
	else if (why != NULL && (res == NULL || (!x->broke && !rq_sql_ok(res))))
		rq_problem_sql(req, resp, res);
	else if (why != NULL)
		rq_problem_internal(req, resp, why);
	else
		rq_log_event("info", "visits exported",
			     rq_printf(req->arena, "%s to %s, %ld rows", x->from, x->to, rows));
}

/* The XLSX's temporary file: uploads/exports/.stream-<pid>-<request id>.xlsx (`ruqima exports
 * run` removes any left by a killed worker). */
static const char *temporary_path(struct rq_req *req)
{
	const char *dir = rq_printf(req->arena, "%s/uploads/exports", req->cfg->state_dir);
	if (mkdir(dir, 02750) != 0 && errno != EEXIST)
		return NULL;
	return rq_printf(req->arena, "%s/.stream-%ld-%s.xlsx", dir, (long)getpid(),
			 req->request_id);
}

RQ_HANDLER(reporting_exports_visits)
{
	const char *from = rq_req_arg(req, "from"), *to = rq_req_arg(req, "to");
	const char *format = rq_req_arg(req, "format");
	if (from == NULL || to == NULL) {
		rq_problem_field(req, resp, 400, from == NULL ? "from" : "to", RQ_MSG_REQUIRED);
		return;
	}
	if (strcmp(from, to) > 0) {
		rq_problem_field(req, resp, 400, "to", "截止日期不能早于起始日期");
		return;
	}
	char cap[24];
	snprintf(cap, sizeof(cap), "%ld", req->cfg->export_stream_max);
	const char *count_params[] = {from, to, cap};
	PGresult *res = rq_sql(req, &st_count, count_params);
	if (!rq_sql_one(req, resp, res))
		return;
	int64_t n = 0;
	if (rq_parse_i64(rq_sql_val(res, 0, "n"), 0, INT64_MAX, &n) != 0) {
		rq_problem_internal(req, resp, "the export's count did not parse");
		return;
	}
	if (n > req->cfg->export_stream_max) {
		const char *params[] = {from, to, format};
		PGresult *job = rq_sql(req, &st_request, params);
		if (rq_outcome_row(req, resp, job, NULL, NULL) < 0)
			return;
		const char *id = rq_sql_val(job, 0, "id");
		reporting_exports_job_answer(req, resp, id, 202);
		if (resp->status == 202)
			rq_resp_header(
			    resp, "Location",
			    rq_printf(req->arena, "/api/v1/reporting/exports/jobs/%s", id));
		return;
	}
	struct export_run x = {
	    .req = req, .resp = resp, .from = from, .to = to, .at = rq_sql_val(res, 0, "at")};
	if (!rq_table_format_parse(format, &x.format)) {
		rq_problem_internal(req, resp, "a checked format did not parse");
		return;
	}
	x.name = rq_printf(req->arena, "visits-%s-%s.%s", from, to, format);
	if (x.format == RQ_TABLE_XLSX && (x.path = temporary_path(req)) == NULL) {
		rq_problem_internal(req, resp, "uploads/exports cannot be made");
		return;
	}
	stream(&x);
	/* a read-only transaction: ended here, so nothing can answer after the stream */
	if (rq_sql_finish(req, true) != 0 && resp->streamed)
		rq_resp_stream_abort(req, resp, "the transaction did not end");
}
