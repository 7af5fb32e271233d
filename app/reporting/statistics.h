/* The statistics of 频次全透明 in the portal (GET /api/v1/reporting/statistics/...): visits,
 * flags, ratings, hot spots, cases, 通报表扬 candidates and the 问责 list over a date range
 * (from, to: the city's days, inclusive; by default this year up to today), read from the
 * aggregates (rq.visit_stats, rq.case_stats) on the statistics connection (RUQIMA_STATS_DSN,
 * read-only). Row-level security scopes every figure: the city admin, judicial analysts and
 * discipline inspectors the city, a county admin its county, a unit admin its unit. Every
 * row names the path of the visits or cases behind it (statistics_items.h). SQL:
 * app/reporting/sql/statistics.sql. */
#ifndef REPORTING_STATISTICS_H
#define REPORTING_STATISTICS_H

#include "rq_router.h"

/* The roles that read statistics. */
extern const char *const reporting_statistics_readers[];
extern const char *const reporting_visit_groups[];
extern const char *const reporting_unit_or_county[];
extern const char *const reporting_visit_sources[];
extern const char *const reporting_case_groups[];

/* The declared query parameters the statistics share: the range, the county, the unit and
 * the visits' source. */
#define REPORTING_STATS_RANGE                                                                      \
	RQ_QUERY("from", RQ_PARAM_DATE), RQ_QUERY("to", RQ_PARAM_DATE),                            \
	    RQ_QUERY("county", RQ_PARAM_REGION)
#define REPORTING_STATS_SCOPE                                                                      \
	REPORTING_STATS_RANGE, RQ_QUERY("unit_id", RQ_PARAM_ID),                                   \
	    RQ_QUERY_ENUM("source", reporting_visit_sources, NULL)
/* ?limit= of a ranking (the units, the enterprises, the pairs) */
#define REPORTING_STATS_LIMIT(d)                                                                   \
	{                                                                                          \
		.name = "limit", .in = RQ_IN_QUERY, .type = RQ_PARAM_INT, .min = 1, .max = 5000,   \
		.dflt = (d)                                                                        \
	}

/* Each answers 200 {from, to, items: [...]} (and group_by where it takes one); 400 when
 * from is after to or a parameter is malformed. */
/* ?group_by=unit|county|activity_type|enterprise|day|week|month&limit= */
RQ_HANDLER_DECL(reporting_statistics_visits);
/* ?group_by=unit|county */
RQ_HANDLER_DECL(reporting_statistics_flags);
/* ?group_by=unit|county */
RQ_HANDLER_DECL(reporting_statistics_ratings);
/* the enterprises entered most often: reporting_statistics_visits by enterprise */
RQ_HANDLER_DECL(reporting_statistics_hot_enterprises);
/* unit–enterprise pairs over the §5 thresholds; ?over_cap=true: over the yearly cap */
RQ_HANDLER_DECL(reporting_statistics_hot_pairs);
/* quiet-day inspections by exemption category */
RQ_HANDLER_DECL(reporting_statistics_quiet_days);
/* ?group_by=status|source|classification|outcome|county|unit&case_source= */
RQ_HANDLER_DECL(reporting_statistics_cases);
/* 通报表扬 candidates, with the thresholds (policy rows) they were judged by */
RQ_HANDLER_DECL(reporting_statistics_praise);
/* 问责名单 */
RQ_HANDLER_DECL(reporting_statistics_accountability);

/* params: $1 from, $2 to, then the declared arguments named in args (one not given NULL;
 * "group_by" is group when group is not NULL), at most max in all; returns how many. */
int reporting_stats_params(struct rq_req *req, const char *from, const char *to,
			   const char *const *args, const char *group, const char **params,
			   int max);

/* The range of a statistic from the request (the route declares from and to): from by
 * default the first day of this year, to by default today, the city's calendar. Returns 0,
 * or -1 after answering 400 statistics-range when from is after to. */
int reporting_stats_range(struct rq_req *req, struct rq_resp *resp, const char **from,
			  const char **to);

#endif
