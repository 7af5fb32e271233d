/* 公务入企码 in the portal: the list of codes, and issue, revoke and re-issue by market
 * supervision and city admins (the CLI's `ruqima codes issue|list|revoke|reissue`), and
 * batch print jobs run by `ruqima codes print-jobs run`. */
#ifndef ADMIN_CODES_H
#define ADMIN_CODES_H

#include "rq_http.h"

/* GET /api/v1/admin/codes?county=&status=active|revoked|all&after=&limit=: keyset-paginated
 * by code id. A county admin sees their county only (403 when asking for another). Raises
 * 400 for a malformed county, status or page parameter. */
void admin_codes_list(struct rq_req *req, struct rq_resp *resp);
/* POST /api/v1/admin/enterprises/{id}/code: 201 {enterprise_id, serial, token, url}.
 * Raises 404 for no such enterprise, 409 when it has an active code, 422 when it is not in
 * normal operation or its name is not verified (problem types say which). */
void admin_codes_issue(struct rq_req *req, struct rq_resp *resp);
/* POST /api/v1/admin/enterprises/{id}/code/revoke {reason}: 200 {enterprise_id,
 * revoked_serial}. Raises 404 for no such enterprise, 409 when it has no active code, 422
 * on a bad reason. */
void admin_codes_revoke(struct rq_req *req, struct rq_resp *resp);
/* POST /api/v1/admin/enterprises/{id}/code/reissue {reason}: revokes the active code and
 * issues a new one in one transaction; 201 {enterprise_id, serial, token, url,
 * revoked_serial}. Raises as issue, and 409 when there is no active code to replace. */
void admin_codes_reissue(struct rq_req *req, struct rq_resp *resp);

/* POST /api/v1/admin/codes/print-jobs {county_code, only_unprinted}: queues a batch print
 * (posters, activation-code slips and manifest.csv in one ZIP) for `ruqima codes print-jobs
 * run`; 202 with the job. Raises 422 for a malformed or unknown county. */
void admin_codes_print_job_create(struct rq_req *req, struct rq_resp *resp);
/* GET /api/v1/admin/codes/print-jobs/{id}: the job (status queued, running, done, failed).
 * Raises 404 for no such job. */
void admin_codes_print_job_get(struct rq_req *req, struct rq_resp *resp);
/* GET /api/v1/admin/codes/print-jobs/{id}/download: an empty 200 with X-Accel-Redirect to
 * /_protected/print/<file> (nginx sends the ZIP). Raises 404 for no such job, 409 while it
 * is not done. */
void admin_codes_print_job_download(struct rq_req *req, struct rq_resp *resp);

#endif
