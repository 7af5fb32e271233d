#include "report_runs.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"
#include "rq_page.h"
#include "rq_table.h"

#include <string.h>

const char *const reporting_file_formats[] = {"csv", "xlsx", NULL};

static struct rq_stmt st_list =
    RQ_STMT("reporting_runs_list",
	    "SELECT r.id, r.report, r.title, r.period_from, r.period_to, r.county_code, r.source,"
	    " r.trigger,"
	    " r.started_by, r.status, r.rows, r.error, r.started_at, r.finished_at,"
	    " (SELECT coalesce(jsonb_agg(jsonb_build_object('format', f ->> 'format',"
	    "   'bytes', (f ->> 'bytes')::bigint, 'sha256', f ->> 'sha256', 'download',"
	    "   CASE WHEN (f ->> 'stored')::boolean THEN '/api/v1/reporting/report-runs/' || r.id"
	    "   || '/files/' || (f ->> 'format') END) ORDER BY f ->> 'format'), '[]')"
	    "   FROM jsonb_array_elements(r.files) f) AS files"
	    " FROM rq.report_runs r WHERE r.id < $1::bigint AND ($3::text IS NULL OR r.report = $3)"
	    " ORDER BY r.id DESC LIMIT $2::int",
	    3);

/* The stored file of the run in one format: its plain name (the CLI wrote it), or no row. */
static struct rq_stmt st_file =
    RQ_STMT("reporting_runs_file",
	    "SELECT r.id, (SELECT f ->> 'name' FROM jsonb_array_elements(r.files) f"
	    "   WHERE f ->> 'format' = $2 AND (f ->> 'stored')::boolean AND r.status = 'done')"
	    "   AS name"
	    " FROM rq.report_runs r WHERE r.id = $1::bigint",
	    2);

RQ_HANDLER(reporting_report_runs_list)
{
	struct rq_page page;
	if (rq_page_parse(req, resp, &page) != 0)
		return;
	const char *params[] = {rq_page_before(&page), page.limit_s, rq_req_arg(req, "report")};
	PGresult *res = rq_sql(req, &st_list, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	rq_page_respond_rows(req, resp, res, &page);
}

RQ_HANDLER(reporting_report_runs_file)
{
	const char *format = rq_req_param(req, "format");
	const char *params[] = {rq_req_param(req, "id"), format};
	PGresult *res = rq_sql(req, &st_file, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	if (PQntuples(res) != 1) {
		rq_outcome_refuse(req, resp, "report-run-unknown", NULL, NULL);
		return;
	}
	const char *name = rq_sql_val(res, 0, "name");
	/* the CLI names files <report>-<from>-<to>[-<county>]-r<id>.<format>: plain names */
	if (name == NULL ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-.") != strlen(name) ||
	    strstr(name, "..") != NULL) {
		const char *args[] = {format, NULL};
		rq_outcome_refuse(req, resp, "report-file-unknown", args, NULL);
		return;
	}
	enum rq_table_format f = RQ_TABLE_CSV;
	if (!rq_table_format_parse(format, &f)) {
		rq_problem_internal(req, resp, "a checked format did not parse");
		return;
	}
	rq_resp_protected_download(req, resp, rq_table_content_type(f), "reports", name);
}
