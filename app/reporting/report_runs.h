/* The judicial bureau's report runs in the portal: the list of runs (`ruqima report run` and
 * its timers write them, app/cli/report.c) and the download of their files. Row-level
 * security of rq.report_runs decides who sees which: the city's roles every run, a county
 * admin the runs made for its county. */
#ifndef REPORTING_REPORT_RUNS_H
#define REPORTING_REPORT_RUNS_H

#include "rq_router.h"

/* The formats a run writes, as {format} of the download path. */
extern const char *const reporting_file_formats[];

/* GET /api/v1/reporting/report-runs?report=&after=&limit=: runs newest first, each with its
 * files and their download paths (files written with --output elsewhere have none).
 * Raises 400 on a malformed query parameter. */
RQ_HANDLER_DECL(reporting_report_runs_list);
/* GET /api/v1/reporting/report-runs/{id}/files/{format}: the file, sent by nginx
 * (X-Accel-Redirect to uploads/reports/). Raises 404 report-run-unknown when the run does
 * not exist or is outside the caller's scope, 404 report-file-unknown when the run has no
 * such file in uploads/reports/ (another format, a failed run, written elsewhere). */
RQ_HANDLER_DECL(reporting_report_runs_file);

#endif
