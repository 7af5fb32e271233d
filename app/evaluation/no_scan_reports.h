/* 未扫码入企: an enterprise's manager reports an entry made without a scan. The
 * report opens a case (source no_scan) for the enterprise the account acts for now and
 * notifies the county admins (rq.no_scan_report,
 * app/evaluation/sql/no_scan_reports.sql). */
#ifndef EVALUATION_NO_SCAN_REPORTS_H
#define EVALUATION_NO_SCAN_REPORTS_H

#include "rq_router.h"

/* POST /api/v1/evaluation/no-scan-reports {occurred_at (RFC 3339, not in the future),
 * unit_id?, people (1..500), what_happened (1..2000), attachment_ids? (≤ 9, uploaded by
 * this account through POST /api/v1/registration/attachments)}: 201 with the case. Raises
 * 422 naming a bad field (occurred_at in the future or malformed, unit_id unknown,
 * attachment_ids not usable), 409 no-enterprise-selected. */
RQ_HANDLER_DECL(evaluation_no_scan_reports_create);

#endif
