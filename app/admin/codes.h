/* 公务入企码 in the portal: the list of codes (the CLI's `ruqima codes list`) and batch
 * print jobs run by `ruqima codes print-jobs run`. Issue, revoke and re-issue are routes of
 * the enterprise: enterprises_code.h. */
#ifndef ADMIN_CODES_H
#define ADMIN_CODES_H

#include "rq_router.h"

/* The values of the list's ?status= (NULL-terminated), and the 404 of a print job. */
extern const char *const admin_code_statuses[];
extern const char *const admin_print_job_statuses[];

/* GET /api/v1/admin/codes?county=&status=active|revoked|all&after=&limit=: keyset-paginated
 * by code id. A county admin sees their county only (403 when asking for another). Raises
 * 400 for a malformed county, status or page parameter. */
RQ_HANDLER_DECL(admin_codes_list);
/* POST /api/v1/admin/codes/print-jobs {county_code, only_unprinted}: queues a batch print
 * (posters, activation-code slips and manifest.csv in one ZIP) for `ruqima codes print-jobs
 * run`; 202 with the job. Raises 422 for a malformed or unknown county. */
RQ_HANDLER_DECL(admin_codes_print_job_create);
/* GET /api/v1/admin/codes/print-jobs?status=&after=&limit=: every job (city admins and market
 * supervision: row-level security), newest first, keyset-paged, each as the job's GET with
 * mine (the reader queued it) and queued_before (a queued job: the queued jobs before it;
 * else null). Raises 400 for a malformed status or page parameter. */
RQ_HANDLER_DECL(admin_codes_print_jobs_list);
/* GET /api/v1/admin/codes/print-jobs/{id}: the job (status queued, running, done, failed).
 * Raises 404 for no such job. */
RQ_HANDLER_DECL(admin_codes_print_job_get);
/* GET /api/v1/admin/codes/print-jobs/{id}/download: an empty 200 with X-Accel-Redirect to
 * /_protected/print/<file> (nginx sends the ZIP). Raises 404 for no such job, 409 while it
 * is not done. */
RQ_HANDLER_DECL(admin_codes_print_job_download);

#endif
