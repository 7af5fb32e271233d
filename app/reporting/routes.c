/* ruqima-reporting's routes: the reporting family. */
#include "routes.h"

#include "report_runs.h"
#include "rq_page.h"

/* Who downloads the judicial bureau's reports: the city's roles, and a county admin its
 * county's (row-level security of rq.report_runs). */
static const char *const report_readers[] = {"city_admin", "judicial_analyst",
					     "discipline_inspector", "county_admin", NULL};

static const struct rq_route routes[] = {
    RQ_ROUTE_HEALTH("reporting"),
    RQ_ROUTE("GET", "/api/v1/reporting/report-runs", reporting_report_runs_list, RQ_AUTH_ADMIN, 0,
	     report_readers, RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY("report", RQ_PARAM_KEY))),
    RQ_ROUTE("GET", "/api/v1/reporting/report-runs/{id}/files/{format}", reporting_report_runs_file,
	     RQ_AUTH_ADMIN, 0, report_readers,
	     RQ_INPUTS(RQ_PATH_ID("id", "report-run-unknown"), {.name = "format",
								.in = RQ_IN_PATH,
								.type = RQ_PARAM_ENUM,
								.values = reporting_file_formats,
								.unknown = "report-file-unknown"})),
};

const struct rq_app reporting_app = {"reporting", routes, sizeof(routes) / sizeof(routes[0])};
