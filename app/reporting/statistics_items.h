/* The visits and cases behind a figure of the statistics (statistics.h): the portal's list
 * lines, newest first, keyset-paginated (?after=&limit=), filtered as the figures count
 * (every figure's row names its path). Row-level security decides, as in every list. SQL:
 * app/reporting/sql/statistics_items.sql. */
#ifndef REPORTING_STATISTICS_ITEMS_H
#define REPORTING_STATISTICS_ITEMS_H

#include "rq_router.h"

extern const char *const reporting_visit_roles[];
extern const char *const reporting_visit_flags[];
extern const char *const reporting_confirmations[];
extern const char *const reporting_ratings[];
extern const char *const reporting_exemptions[];
extern const char *const reporting_case_dates[];
extern const char *const reporting_outcomes[];

/* GET /api/v1/reporting/statistics/visits/items?from=&to=&county=&unit_id=&role=&
 * enterprise_id=&activity_type=&joint=&flag=&confirmation=&rating=&anonymous=&exemption=
 * &source=&after=&limit=: 200 {items, next_after}; 400 on a malformed parameter or a range
 * that ends before it starts. */
RQ_HANDLER_DECL(reporting_statistics_visit_items);
/* GET /api/v1/reporting/statistics/cases/items?from=&to=&date=&county=&unit_id=&
 * responsible_unit_id=&responsible_official_id=&case_source=&status=&open=&classification=
 * &outcome=&accountable=&overdue=&handed_over=&after=&limit=: the same for cases. */
RQ_HANDLER_DECL(reporting_statistics_case_items);

#endif
