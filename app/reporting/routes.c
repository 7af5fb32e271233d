/* ruqima-reporting's routes: the reporting family. */
#include "routes.h"

#include "exports.h"
#include "public.h"
#include "report_runs.h"
#include "rq_page.h"
#include "statistics.h"
#include "statistics_items.h"

#include <stdint.h>

/* Who downloads the judicial bureau's reports: the city's roles, and a county admin its
 * county's (row-level security of rq.report_runs). */
static const char *const report_readers[] = {"city_admin", "judicial_analyst",
					     "discipline_inspector", "county_admin", NULL};

/* Who exports every visit: the roles that see every row of the city. */
static const char *const auditors[] = {"city_admin", "judicial_analyst", "discipline_inspector",
				       NULL};

/* The public disclosure's month: a year of the platform's and a month (both or neither). */
#define PUBLIC_MONTH                                                                               \
	{.name = "year",                                                                           \
	 .in = RQ_IN_QUERY,                                                                        \
	 .type = RQ_PARAM_INT,                                                                     \
	 .min = 2000,                                                                              \
	 .max = 2100,                                                                              \
	 .message = "须为 2000 到 2100 之间的年份"},                                               \
	{                                                                                          \
		.name = "month", .in = RQ_IN_QUERY, .type = RQ_PARAM_INT, .min = 1, .max = 12,     \
		.message = "须为 1 到 12 之间的月份"                                       \
	}

#define STATS_ROLES reporting_statistics_readers
/* a unit or an official by number, 0 for "not known" or "none named" */
#define ID_OR_ZERO(n)                                                                              \
	{                                                                                          \
		.name = (n), .in = RQ_IN_QUERY, .type = RQ_PARAM_INT, .min = 0, .max = INT64_MAX   \
	}

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
    /* 双公开: public, no session (nginx caches the answers and limits the rate) */
    RQ_ROUTE("GET", "/api/v1/reporting/public/months", reporting_public_months, RQ_AUTH_NONE, 0,
	     NULL, NULL),
    RQ_ROUTE("GET", "/api/v1/reporting/public/units", reporting_public_units, RQ_AUTH_NONE, 0, NULL,
	     RQ_INPUTS(PUBLIC_MONTH)),
    RQ_ROUTE("GET", "/api/v1/reporting/public/visits", reporting_public_visits, RQ_AUTH_NONE, 0,
	     NULL,
	     RQ_INPUTS(PUBLIC_MONTH, RQ_QUERY_MSG("unit_id", RQ_PARAM_ID, "须为单位的编号"),
		       RQ_QUERY_ENUM("activity_type", reporting_activity_types, NULL),
		       {.name = "after",
			.in = RQ_IN_QUERY,
			.type = RQ_PARAM_INT,
			.max = INT64_MAX,
			.message = "must be the id of the last item of the previous page"},
		       {.name = "limit",
			.in = RQ_IN_QUERY,
			.type = RQ_PARAM_INT,
			.min = 1,
			.max = REPORTING_PUBLIC_PAGE_MAX})),
    RQ_ROUTE("GET", "/api/v1/reporting/public/audit-seals", reporting_public_audit_seals,
	     RQ_AUTH_NONE, 0, NULL, RQ_INPUTS(RQ_QUERY_PAGE)),
    /* the auditors' export */
    RQ_ROUTE("GET", "/api/v1/reporting/exports/visits", reporting_exports_visits, RQ_AUTH_ADMIN, 0,
	     auditors,
	     RQ_INPUTS(RQ_QUERY("from", RQ_PARAM_DATE), RQ_QUERY("to", RQ_PARAM_DATE),
		       RQ_QUERY_ENUM("format", reporting_export_formats, "csv"))),
    RQ_ROUTE("GET", "/api/v1/reporting/exports/jobs", reporting_exports_jobs_list, RQ_AUTH_ADMIN, 0,
	     auditors, RQ_INPUTS(RQ_QUERY_PAGE)),
    RQ_ROUTE("GET", "/api/v1/reporting/exports/jobs/{id}", reporting_exports_jobs_get,
	     RQ_AUTH_ADMIN, 0, auditors, RQ_INPUTS(RQ_PATH_ID("id", "export-job-unknown"))),
    RQ_ROUTE("GET", "/api/v1/reporting/exports/jobs/{id}/file", reporting_exports_jobs_file,
	     RQ_AUTH_ADMIN, 0, auditors, RQ_INPUTS(RQ_PATH_ID("id", "export-job-unknown"))),
    RQ_ROUTE("GET", "/api/v1/reporting/statistics/visits", reporting_statistics_visits,
	     RQ_AUTH_ADMIN, RQ_ROUTE_REPLICA, STATS_ROLES,
	     RQ_INPUTS(REPORTING_STATS_SCOPE,
		       RQ_QUERY_ENUM("group_by", reporting_visit_groups, "unit"),
		       REPORTING_STATS_LIMIT("1000"))),
    RQ_ROUTE("GET", "/api/v1/reporting/statistics/flags", reporting_statistics_flags, RQ_AUTH_ADMIN,
	     RQ_ROUTE_REPLICA, STATS_ROLES,
	     RQ_INPUTS(REPORTING_STATS_SCOPE,
		       RQ_QUERY_ENUM("group_by", reporting_unit_or_county, "unit"),
		       REPORTING_STATS_LIMIT("1000"))),
    RQ_ROUTE("GET", "/api/v1/reporting/statistics/ratings", reporting_statistics_ratings,
	     RQ_AUTH_ADMIN, RQ_ROUTE_REPLICA, STATS_ROLES,
	     RQ_INPUTS(REPORTING_STATS_SCOPE,
		       RQ_QUERY_ENUM("group_by", reporting_unit_or_county, "unit"),
		       REPORTING_STATS_LIMIT("1000"))),
    RQ_ROUTE("GET", "/api/v1/reporting/statistics/hot-spots/enterprises",
	     reporting_statistics_hot_enterprises, RQ_AUTH_ADMIN, RQ_ROUTE_REPLICA, STATS_ROLES,
	     RQ_INPUTS(REPORTING_STATS_SCOPE, REPORTING_STATS_LIMIT("100"))),
    RQ_ROUTE("GET", "/api/v1/reporting/statistics/hot-spots/pairs", reporting_statistics_hot_pairs,
	     RQ_AUTH_ADMIN, RQ_ROUTE_REPLICA, STATS_ROLES,
	     RQ_INPUTS(REPORTING_STATS_SCOPE, RQ_QUERY("over_cap", RQ_PARAM_BOOL),
		       REPORTING_STATS_LIMIT("100"))),
    RQ_ROUTE("GET", "/api/v1/reporting/statistics/hot-spots/quiet-days",
	     reporting_statistics_quiet_days, RQ_AUTH_ADMIN, RQ_ROUTE_REPLICA, STATS_ROLES,
	     RQ_INPUTS(REPORTING_STATS_SCOPE)),
    RQ_ROUTE("GET", "/api/v1/reporting/statistics/cases", reporting_statistics_cases, RQ_AUTH_ADMIN,
	     RQ_ROUTE_REPLICA, STATS_ROLES,
	     RQ_INPUTS(REPORTING_STATS_RANGE, ID_OR_ZERO("unit_id"),
		       RQ_QUERY("case_source", RQ_PARAM_KEY),
		       RQ_QUERY_ENUM("group_by", reporting_case_groups, "status"))),
    RQ_ROUTE("GET", "/api/v1/reporting/statistics/praise", reporting_statistics_praise,
	     RQ_AUTH_ADMIN, RQ_ROUTE_REPLICA, STATS_ROLES, RQ_INPUTS(REPORTING_STATS_SCOPE)),
    RQ_ROUTE("GET", "/api/v1/reporting/statistics/accountability",
	     reporting_statistics_accountability, RQ_AUTH_ADMIN, RQ_ROUTE_REPLICA, STATS_ROLES,
	     RQ_INPUTS(REPORTING_STATS_RANGE, RQ_QUERY("unit_id", RQ_PARAM_ID),
		       REPORTING_STATS_LIMIT("1000"))),
    RQ_ROUTE("GET", "/api/v1/reporting/statistics/visits/items", reporting_statistics_visit_items,
	     RQ_AUTH_ADMIN, RQ_ROUTE_REPLICA, STATS_ROLES,
	     RQ_INPUTS(RQ_QUERY_PAGE, REPORTING_STATS_SCOPE,
		       RQ_QUERY_ENUM("role", reporting_visit_roles, NULL),
		       RQ_QUERY("enterprise_id", RQ_PARAM_ID),
		       RQ_QUERY_ENUM("activity_type", reporting_activity_types, NULL),
		       RQ_QUERY("joint", RQ_PARAM_BOOL),
		       RQ_QUERY_ENUM("flag", reporting_visit_flags, NULL),
		       RQ_QUERY_ENUM("confirmation", reporting_confirmations, NULL),
		       RQ_QUERY_ENUM("rating", reporting_ratings, NULL),
		       RQ_QUERY("anonymous", RQ_PARAM_BOOL),
		       RQ_QUERY_ENUM("exemption", reporting_exemptions, NULL))),
    RQ_ROUTE("GET", "/api/v1/reporting/statistics/cases/items", reporting_statistics_case_items,
	     RQ_AUTH_ADMIN, RQ_ROUTE_REPLICA, STATS_ROLES,
	     RQ_INPUTS(RQ_QUERY_PAGE, REPORTING_STATS_RANGE,
		       RQ_QUERY_ENUM("date", reporting_case_dates, "opened"), ID_OR_ZERO("unit_id"),
		       RQ_QUERY("responsible_unit_id", RQ_PARAM_ID),
		       ID_OR_ZERO("responsible_official_id"), RQ_QUERY("case_source", RQ_PARAM_KEY),
		       RQ_QUERY("status", RQ_PARAM_KEY), RQ_QUERY("open", RQ_PARAM_BOOL),
		       RQ_QUERY("classification", RQ_PARAM_KEY),
		       RQ_QUERY_ENUM("outcome", reporting_outcomes, NULL),
		       RQ_QUERY("accountable", RQ_PARAM_BOOL), RQ_QUERY("overdue", RQ_PARAM_BOOL),
		       RQ_QUERY("handed_over", RQ_PARAM_BOOL))),
};

const struct rq_app reporting_app = {"reporting", routes, sizeof(routes) / sizeof(routes[0])};
