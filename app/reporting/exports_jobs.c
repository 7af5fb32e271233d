/* The export jobs of the auditors' export (exports.h): rq.export_jobs rows, which row-level
 * security shows to their requester only. */
#include "exports.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"
#include "rq_page.h"
#include "rq_table.h"

#include <string.h>

/* A job as its requester sees it: download is the path of its file once it is built. */
#define JOB_COLUMNS                                                                                \
	"j.id, j.kind, j.period_from AS \"from\", j.period_to AS \"to\", j.format, j.status,"      \
	" j.created_at, j.started_at, j.finished_at, j.rows, j.bytes, j.sha256, j.error,"          \
	" j.file_name AS _file, CASE WHEN j.status = 'done' THEN"                                  \
	" '/api/v1/reporting/exports/jobs/' || j.id || '/file' END AS download"

static struct rq_stmt st_job =
    RQ_STMT("reporting_exports_job",
	    "SELECT " JOB_COLUMNS " FROM rq.export_jobs j WHERE j.id = $1::bigint", 1);
static struct rq_stmt st_jobs =
    RQ_STMT("reporting_exports_jobs",
	    "SELECT " JOB_COLUMNS " FROM rq.export_jobs j WHERE j.id < $1::bigint"
	    " ORDER BY j.id DESC LIMIT $2::int",
	    2);

/* Job id (one row), or NULL after answering 404 (or the failure). */
static PGresult *job(struct rq_req *req, struct rq_resp *resp, const char *id)
{
	const char *params[] = {id};
	PGresult *res = rq_sql_final(req, &st_job, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return NULL;
	}
	if (PQntuples(res) != 1) {
		rq_outcome_refuse(req, resp, "export-job-unknown", NULL, NULL);
		return NULL;
	}
	return res;
}

void reporting_exports_job_answer(struct rq_req *req, struct rq_resp *resp, const char *id,
				  int status)
{
	PGresult *res = job(req, resp, id);
	if (res == NULL)
		return;
	rq_resp_json(req, resp, status, rq_json_row(res, 0));
}

RQ_HANDLER(reporting_exports_jobs_list)
{
	rq_page_list_newest(req, resp, &st_jobs, NULL);
}

RQ_HANDLER(reporting_exports_jobs_get)
{
	reporting_exports_job_answer(req, resp, rq_req_param(req, "id"), 200);
}

RQ_HANDLER(reporting_exports_jobs_file)
{
	PGresult *res = job(req, resp, rq_req_param(req, "id"));
	if (res == NULL)
		return;
	const char *status = rq_sql_val(res, 0, "status"), *file = rq_sql_val(res, 0, "_file");
	if (strcmp(status, "done") != 0 || file == NULL) {
		static const struct {
			const char *status, *label;
		} labels[] = {{"queued", "排队中"}, {"running", "生成中"}, {"failed", "失败"}};
		const char *label = status;
		for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
			if (strcmp(labels[i].status, status) == 0)
				label = labels[i].label;
		const char *args[] = {label, NULL};
		rq_outcome_refuse(req, resp, "export-job-not-done", args, NULL);
		return;
	}
	/* a plain name by the CHECK of rq.export_jobs.file_name */
	enum rq_table_format format = RQ_TABLE_CSV;
	if (!rq_table_format_parse(rq_sql_val(res, 0, "format"), &format)) {
		rq_problem_internal(req, resp, "a job of an unknown format");
		return;
	}
	rq_resp_protected_download(req, resp, rq_table_content_type(format), "exports", file);
}
