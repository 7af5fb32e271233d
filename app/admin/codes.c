#include "codes.h"

#include "rq_outcome.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_page.h"

#include <stdint.h>
#include <string.h>

const char *const admin_code_statuses[] = {"active", "revoked", "all", NULL};
const char *const admin_print_job_statuses[] = {"queued", "running", "done", "failed", NULL};

/* rq.codes has no row-level security of its own; the join with rq.enterprises (policy
 * enterprises_app_read of 0009) keeps a county admin to their county. */
static struct rq_stmt st_list =
    RQ_STMT("admin_codes_list",
	    "SELECT c.id, c.serial, c.token, c.status, c.issued_at, c.printed_at, c.revoked_at,"
	    " c.revoke_reason, e.id AS enterprise_id, e.name AS enterprise_name, e.uscc,"
	    " e.project_code, e.county_code"
	    " FROM rq.codes c JOIN rq.enterprises e ON e.id = c.enterprise_id"
	    " WHERE c.id > $1::bigint AND ($2::text IS NULL OR e.county_code = $2)"
	    " AND ($3 = 'all' OR c.status = $3) ORDER BY c.id LIMIT $4::int",
	    4);
static cJSON *code_json(const PGresult *res, int row)
{
	static const char *const cols[] = {
	    "id",	   "serial",	   "token",	    "status",
	    "issued_at",   "printed_at",   "revoked_at",    "revoke_reason",
	    "uscc",	   "project_code", "enterprise_id", "enterprise_name",
	    "county_code",
	};
	cJSON *c = cJSON_CreateObject();
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		rq_json_add_column(c, res, row, cols[i]);
	return c;
}

RQ_HANDLER(admin_codes_list)
{
	struct rq_page page;
	if (rq_page_parse(req, resp, &page) != 0)
		return;
	const char *status = rq_req_arg(req, "status"), *county = rq_req_arg(req, "county");
	if (req->actor.role != NULL && strcmp(req->actor.role, "county_admin") == 0) {
		const char *scope = req->actor.county != NULL ? req->actor.county : "";
		if (county != NULL && strcmp(county, scope) != 0) {
			rq_problem(req, resp, 403, "forbidden", "Forbidden",
				   "县区营商办只能查看本县区的公务入企码");
			return;
		}
		county = scope;
	}
	const char *params[] = {page.after_s, county, status, page.limit_s};
	PGresult *res = rq_sql(req, &st_list, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	rq_page_respond(req, resp, res, &page, code_json);
}

/* --- print jobs: queued here, run by `ruqima codes print-jobs run` ----------------------- */

#define PRINT_JOB_COLUMNS                                                                          \
	"id, county_code, only_unprinted, requested_by, status, created_at, started_at,"           \
	" finished_at, posters, error, file_name"

/* RLS (print_jobs_app_*, lib/sql/policies.sql) lets city admins and market supervision only. */
static struct rq_stmt st_job_insert =
    RQ_STMT("admin_codes_job_insert",
	    "INSERT INTO rq.print_jobs (county_code, only_unprinted, requested_by)"
	    " VALUES ($1, $2::boolean, $3::bigint) RETURNING " PRINT_JOB_COLUMNS,
	    3);
/* newest first; a queued job says how many queued jobs the runner takes before it (it takes
 * the oldest first) */
static struct rq_stmt st_job_list =
    RQ_STMT("admin_codes_job_list",
	    "SELECT " PRINT_JOB_COLUMNS ", requested_by = rq.current_admin_id() AS mine,"
	    " CASE WHEN status = 'queued' THEN (SELECT count(*) FROM rq.print_jobs q"
	    " WHERE q.status = 'queued' AND q.id < j.id) END AS queued_before"
	    " FROM rq.print_jobs j WHERE id < $1::bigint AND ($3::text IS NULL OR status = $3)"
	    " ORDER BY id DESC LIMIT $2::int",
	    3);
static struct rq_stmt st_job_one =
    RQ_STMT("admin_codes_job_one",
	    "SELECT " PRINT_JOB_COLUMNS " FROM rq.print_jobs WHERE id = $1::bigint", 1);

/* column col (a bool) as JSON true or false */
static void add_bool(cJSON *j, const PGresult *res, int row, const char *col)
{
	cJSON_AddBoolToObject(j, col, strcmp(rq_sql_val(res, row, col), "t") == 0);
}

/* column col (an integer from PostgreSQL, or NULL) as a JSON number or null */
static void add_int(cJSON *j, const PGresult *res, int row, const char *col)
{
	const char *v = rq_sql_val(res, row, col);
	if (v != NULL)
		cJSON_AddRawToObject(j, col, v);
	else
		cJSON_AddNullToObject(j, col);
}

static cJSON *job_json(const PGresult *res, int row)
{
	static const char *const cols[] = {
	    "id",	  "county_code", "requested_by", "status",
	    "created_at", "started_at",	 "finished_at",	 "error",
	};
	cJSON *j = cJSON_CreateObject();
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		rq_json_add_column(j, res, row, cols[i]);
	add_bool(j, res, row, "only_unprinted");
	add_int(j, res, row, "posters");
	return j;
}

/* a line of the list: the job, whether the reader queued it, its place in the queue */
static cJSON *job_line(const PGresult *res, int row)
{
	cJSON *j = job_json(res, row);
	add_bool(j, res, row, "mine");
	add_int(j, res, row, "queued_before");
	return j;
}

RQ_HANDLER(admin_codes_print_jobs_list)
{
	struct rq_page page;
	if (rq_page_parse(req, resp, &page) != 0)
		return;
	const char *params[] = {rq_page_before(&page), page.limit_s, rq_req_arg(req, "status")};
	PGresult *res = rq_sql_final(req, &st_job_list, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	rq_page_respond(req, resp, res, &page, job_line);
}

RQ_HANDLER(admin_codes_print_job_create)
{
	cJSON *errors = rq_errors_new();
	const char *county = rq_json_string(req->json, "county_code", true, 6, 6, errors);
	if (county != NULL && strspn(county, "0123456789") != 6) {
		rq_errors_add(errors, "county_code", "须为 6 位行政区划代码");
		county = NULL;
	}
	const cJSON *only = cJSON_GetObjectItemCaseSensitive(req->json, "only_unprinted");
	if (only != NULL && !cJSON_IsBool(only))
		rq_errors_add(errors, "only_unprinted", "须为 true 或 false");
	if (rq_problem_if_invalid(req, resp, errors))
		return;
	const char *params[] = {county, cJSON_IsTrue(only) ? "true" : "false", req->actor.id};
	PGresult *res = rq_sql(req, &st_job_insert, params);
	if (!rq_sql_ok(res)) {
		/* an unknown county: 23503, answered 422 */
		rq_problem_sql(req, resp, res);
		return;
	}
	rq_resp_json(req, resp, 202, job_json(res, 0));
}

/* The job of the path (one row), or NULL after answering 404. */
static PGresult *path_job(struct rq_req *req, struct rq_resp *resp)
{
	const char *params[] = {rq_req_param(req, "id")};
	PGresult *res = rq_sql(req, &st_job_one, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return NULL;
	}
	if (PQntuples(res) != 1) {
		rq_outcome_refuse(req, resp, "print-job-unknown", NULL, NULL);
		return NULL;
	}
	return res;
}

RQ_HANDLER(admin_codes_print_job_get)
{
	PGresult *res = path_job(req, resp);
	if (res != NULL)
		rq_resp_json(req, resp, 200, job_json(res, 0));
}

RQ_HANDLER(admin_codes_print_job_download)
{
	PGresult *res = path_job(req, resp);
	if (res == NULL)
		return;
	const char *status = rq_sql_val(res, 0, "status");
	const char *file = rq_sql_val(res, 0, "file_name");
	if (strcmp(status, "done") != 0 || file == NULL) {
		rq_problem(req, resp, 409, "print-job-not-done", "Print job not done",
			   rq_printf(req->arena, "打印任务当前状态为 %s：完成后才能下载", status));
		return;
	}
	/* the file name is a plain name by the CHECK of rq.print_jobs.file_name */
	rq_resp_protected_download(req, resp, "application/zip", "print", file);
}
