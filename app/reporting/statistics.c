#include "statistics.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const reporting_statistics_readers[] = {
    "city_admin", "judicial_analyst", "discipline_inspector", "county_admin", "unit_admin", NULL};
const char *const reporting_visit_groups[] = {"unit", "county", "activity_type", "enterprise",
					      "day",  "week",	"month",	 NULL};
const char *const reporting_unit_or_county[] = {"unit", "county", NULL};
const char *const reporting_case_groups[] = {
    "status", "source", "classification", "outcome", "county", "unit", NULL};
const char *const reporting_case_sources[] = {"rating", "dispute", "no_scan", NULL};

/* Every statement reads the aggregates on the statistics connection (RQ_STMT_STATS). */
static struct rq_stmt st_visits = RQ_STMT_STATS(
    "reporting_stats_visits",
    "SELECT * FROM rq.stats_visits($1::date, $2::date, $3, $4, $5::bigint, $6, $7::int)", 7);
static struct rq_stmt st_flags = RQ_STMT_STATS(
    "reporting_stats_flags",
    "SELECT * FROM rq.stats_flags($1::date, $2::date, $3, $4, $5::bigint, $6, $7::int)", 7);
static struct rq_stmt st_ratings = RQ_STMT_STATS(
    "reporting_stats_ratings",
    "SELECT * FROM rq.stats_ratings($1::date, $2::date, $3, $4, $5::bigint, $6, $7::int)", 7);
static struct rq_stmt st_pairs = RQ_STMT_STATS(
    "reporting_stats_pairs",
    "SELECT * FROM rq.stats_pairs($1::date, $2::date, $3, $4::bigint, $5, $6::boolean, $7::int)",
    7);
static struct rq_stmt st_quiet_days =
    RQ_STMT_STATS("reporting_stats_quiet_days",
		  "SELECT * FROM rq.stats_quiet_days($1::date, $2::date, $3, $4::bigint, $5)", 5);
static struct rq_stmt st_cases =
    RQ_STMT_STATS("reporting_stats_cases",
		  "SELECT * FROM rq.stats_cases($1::date, $2::date, $3, $4, $5::bigint, $6)", 6);
static struct rq_stmt st_praise =
    RQ_STMT_STATS("reporting_stats_praise",
		  "SELECT * FROM rq.stats_praise($1::date, $2::date, $3, $4::bigint, $5)", 5);
static struct rq_stmt st_praise_rules = RQ_STMT_STATS(
    "reporting_stats_praise_rules",
    "SELECT jsonb_build_object('rated_min', rq.policy_value('praise_rated_min'),"
    " 'satisfaction_min', rq.policy_value('praise_satisfaction_min'),"
    " 'substantiated_max', rq.policy_value('praise_substantiated_max')) AS thresholds",
    0);
static struct rq_stmt st_accountability =
    RQ_STMT_STATS("reporting_stats_accountability",
		  "SELECT * FROM rq.stats_accountability($1::date, $2::date, $3, $4::bigint)", 4);

int reporting_stats_range(struct rq_req *req, struct rq_resp *resp, const char **from,
			  const char **to)
{
	/* the city's day: Asia/Shanghai, UTC+8 all year */
	time_t now = time(NULL) + 8 * 3600;
	struct tm day;
	gmtime_r(&now, &day);
	char *today = rq_printf(req->arena, "%04d-%02d-%02d", day.tm_year + 1900, day.tm_mon + 1,
				day.tm_mday);
	*from = rq_req_arg(req, "from");
	*to = rq_req_arg(req, "to");
	if (*from == NULL)
		*from = rq_printf(req->arena, "%.4s-01-01", *to != NULL ? *to : today);
	if (*to == NULL)
		*to =
		    strcmp(*from, today) <= 0 ? today : rq_printf(req->arena, "%.4s-12-31", *from);
	/* YYYY-MM-DD compare as text */
	if (strcmp(*from, *to) > 0) {
		rq_outcome_refuse(req, resp, "statistics-range", NULL, NULL);
		return -1;
	}
	return 0;
}

/* Answers {from, to, [group_by], items: the rows of st} (and the members of extra, a JSON
 * object, when not NULL). */
static void answer(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st,
		   const char *const *params, const char *group, cJSON *extra)
{
	PGresult *res = rq_sql_final(req, st, params);
	if (!rq_sql_ok(res)) {
		cJSON_Delete(extra);
		rq_problem_sql(req, resp, res);
		return;
	}
	char *rows = rq_json_rows_numbers(res);
	cJSON *items = rows != NULL ? cJSON_CreateRaw(rows) : NULL;
	free(rows);
	if (items == NULL) {
		cJSON_Delete(extra);
		rq_problem_internal(req, resp, "could not print the statistics");
		return;
	}
	cJSON *o = extra != NULL ? extra : cJSON_CreateObject();
	cJSON_AddStringToObject(o, "from", params[0]);
	cJSON_AddStringToObject(o, "to", params[1]);
	if (group != NULL)
		cJSON_AddStringToObject(o, "group_by", group);
	cJSON_AddItemToObject(o, "items", items);
	rq_resp_json(req, resp, 200, o);
}

/* A statistic of the visits grouped by ?group_by= (or group when not NULL): from, to, the
 * group, county, unit_id, source, limit. */
static void grouped(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st, const char *group)
{
	const char *from, *to;
	if (reporting_stats_range(req, resp, &from, &to) != 0)
		return;
	if (group == NULL)
		group = rq_req_arg(req, "group_by");
	const char *params[] = {from,
				to,
				group,
				rq_req_arg(req, "county"),
				rq_req_arg(req, "unit_id"),
				rq_req_arg(req, "source"),
				rq_req_arg(req, "limit")};
	answer(req, resp, st, params, group, NULL);
}

RQ_HANDLER(reporting_statistics_visits)
{
	grouped(req, resp, &st_visits, NULL);
}

RQ_HANDLER(reporting_statistics_flags)
{
	grouped(req, resp, &st_flags, NULL);
}

RQ_HANDLER(reporting_statistics_ratings)
{
	grouped(req, resp, &st_ratings, NULL);
}

RQ_HANDLER(reporting_statistics_hot_enterprises)
{
	grouped(req, resp, &st_visits, "enterprise");
}

RQ_HANDLER(reporting_statistics_hot_pairs)
{
	const char *from, *to;
	if (reporting_stats_range(req, resp, &from, &to) != 0)
		return;
	const char *params[] = {from,
				to,
				rq_req_arg(req, "county"),
				rq_req_arg(req, "unit_id"),
				rq_req_arg(req, "source"),
				rq_req_arg(req, "over_cap"),
				rq_req_arg(req, "limit")};
	answer(req, resp, &st_pairs, params, NULL, NULL);
}

RQ_HANDLER(reporting_statistics_quiet_days)
{
	const char *from, *to;
	if (reporting_stats_range(req, resp, &from, &to) != 0)
		return;
	const char *params[] = {from, to, rq_req_arg(req, "county"), rq_req_arg(req, "unit_id"),
				rq_req_arg(req, "source")};
	answer(req, resp, &st_quiet_days, params, NULL, NULL);
}

RQ_HANDLER(reporting_statistics_cases)
{
	const char *from, *to;
	if (reporting_stats_range(req, resp, &from, &to) != 0)
		return;
	const char *group = rq_req_arg(req, "group_by");
	const char *params[] = {from,
				to,
				group,
				rq_req_arg(req, "county"),
				rq_req_arg(req, "unit_id"),
				rq_req_arg(req, "case_source")};
	answer(req, resp, &st_cases, params, group, NULL);
}

RQ_HANDLER(reporting_statistics_praise)
{
	const char *from, *to;
	if (reporting_stats_range(req, resp, &from, &to) != 0)
		return;
	PGresult *rules = rq_sql_final(req, &st_praise_rules, NULL);
	if (!rq_sql_ok(rules)) {
		rq_problem_sql(req, resp, rules);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "thresholds", rq_json_column(rules, 0, "thresholds"));
	const char *params[] = {from, to, rq_req_arg(req, "county"), rq_req_arg(req, "unit_id"),
				rq_req_arg(req, "source")};
	answer(req, resp, &st_praise, params, NULL, o);
}

RQ_HANDLER(reporting_statistics_accountability)
{
	const char *from, *to;
	if (reporting_stats_range(req, resp, &from, &to) != 0)
		return;
	const char *params[] = {from, to, rq_req_arg(req, "county"), rq_req_arg(req, "unit_id")};
	answer(req, resp, &st_accountability, params, NULL, NULL);
}
