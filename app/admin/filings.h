/* 双报备 filings in the portal: what each recipient was told before (事前) and after (事后)
 * a visit — a unit admin the filings to their unit, a discipline inspector those to their
 * discipline-inspection group (app/DESIGN.md §5). */
#ifndef ADMIN_FILINGS_H
#define ADMIN_FILINGS_H

#include "rq_router.h"

extern const char *const admin_filing_phases[];

/* GET /api/v1/admin/filings?phase=before|after&after=&limit=: newest first, keyset-paged;
 * each {id, phase, phase_label, recipient, unit {id, name}, discipline_group, filed_at,
 * visit {id, status, enterprise_name, official_name, activity_type, activity_label, matter,
 * entered_at}, result {done, findings, measures} (after filings; null before)}. A unit admin
 * gets the filings addressed to their unit; a discipline inspector those addressed to their
 * group, or to every group when they have none (the city level). Raises 400 naming a
 * malformed query parameter; 403 for the other roles (the route's). */
RQ_HANDLER_DECL(admin_filings_list);

#endif
