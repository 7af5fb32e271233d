/* The auditors' export of visits (README, "Auditors' export"): for the city admin, judicial
 * analysts and discipline inspectors, every visit of a range of days with its units, flags,
 * rating (the rater of an anonymous one never named) and cases, as CSV or XLSX
 * (app/reporting/sql/exports.sql, lib/rq_table). Up to RUQIMA_EXPORT_STREAM_MAX rows stream
 * in the request (single-row mode: memory does not grow with the range); a bigger range
 * becomes a job (rq.export_jobs) that `ruqima exports run` builds and its requester then
 * downloads through nginx. */
#ifndef REPORTING_EXPORTS_H
#define REPORTING_EXPORTS_H

#include "rq_router.h"

extern const char *const reporting_export_formats[];

/* GET /api/v1/reporting/exports/visits?from=&to=&format=csv|xlsx: 200 with the file,
 * streamed; or 202 with the job (a new one, or the caller's same one still waiting) and its
 * Location. 400 naming from or to when one is missing or to is before from. */
RQ_HANDLER_DECL(reporting_exports_visits);
/* The handlers of the jobs (exports_jobs.c). */
/* Answers job id as its requester sees it with status (202 when just asked for, 200), or
 * 404 export-job-unknown. */
void reporting_exports_job_answer(struct rq_req *req, struct rq_resp *resp, const char *id,
				  int status);
/* GET /api/v1/reporting/exports/jobs?after=&limit=: the caller's jobs, newest first. */
RQ_HANDLER_DECL(reporting_exports_jobs_list);
/* GET /api/v1/reporting/exports/jobs/{id}: one of the caller's jobs (404
 * export-job-unknown: none, or another user's). */
RQ_HANDLER_DECL(reporting_exports_jobs_get);
/* GET /api/v1/reporting/exports/jobs/{id}/file: its file, sent by nginx (X-Accel-Redirect to
 * uploads/exports/); 409 export-job-not-done until it is built. */
RQ_HANDLER_DECL(reporting_exports_jobs_file);

#endif
