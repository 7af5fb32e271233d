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
/* rq.visits.source: registered by a scan here, or imported from 慧企通 */
const char *const reporting_visit_sources[] = {"platform", "huiqitong", NULL};
const char *const reporting_case_groups[] = {
    "status", "source", "classification", "outcome", "county", "unit", NULL};

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
static struct rq_stmt st_accountability = RQ_STMT_STATS(
    "reporting_stats_accountability",
    "SELECT * FROM rq.stats_accountability($1::date, $2::date, $3, $4::bigint, $5::int)", 5);

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

int reporting_stats_params(struct rq_req *req, const char *from, const char *to,
			   const char *const *args, const char *group, const char **params, int max)
{
	int n = 0;
	params[n++] = from;
	params[n++] = to;
	for (int i = 0; args[i] != NULL && n < max; i++)
		params[n++] = group != NULL && strcmp(args[i], "group_by") == 0
				  ? group
				  : rq_req_arg(req, args[i]);
	return n;
}

/* Answers {from, to, [group_by], items: the rows of st}, st taking $1 from, $2 to and then the
 * declared arguments named in args ("group_by" is group when group is not NULL; the answer
 * echoes it), and the members of extra (a JSON object; NULL for none). */
static void answer(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st, const char *group,
		   const char *const *args, cJSON *extra)
{
	enum { PARAMS_MAX = 10 };
	const char *from, *to, *params[PARAMS_MAX];
	if (reporting_stats_range(req, resp, &from, &to) != 0) {
		cJSON_Delete(extra);
		return;
	}
	reporting_stats_params(req, from, to, args, group, params, PARAMS_MAX);
	bool grouped = false;
	for (int i = 0; args[i] != NULL; i++)
		grouped = grouped || strcmp(args[i], "group_by") == 0;
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
	cJSON_AddStringToObject(o, "from", from);
	cJSON_AddStringToObject(o, "to", to);
	if (grouped)
		cJSON_AddStringToObject(o, "group_by",
					group != NULL ? group : rq_req_arg(req, "group_by"));
	cJSON_AddItemToObject(o, "items", items);
	rq_resp_json(req, resp, 200, o);
}

/* The arguments of the statistics of visits by a group */
static const char *const grouped_args[] = {"group_by", "county", "unit_id",
					   "source",   "limit",	 NULL};

RQ_HANDLER(reporting_statistics_visits)
{
	answer(req, resp, &st_visits, NULL, grouped_args, NULL);
}

RQ_HANDLER(reporting_statistics_flags)
{
	answer(req, resp, &st_flags, NULL, grouped_args, NULL);
}

RQ_HANDLER(reporting_statistics_ratings)
{
	answer(req, resp, &st_ratings, NULL, grouped_args, NULL);
}

RQ_HANDLER(reporting_statistics_hot_enterprises)
{
	answer(req, resp, &st_visits, "enterprise", grouped_args, NULL);
}

RQ_HANDLER(reporting_statistics_hot_pairs)
{
	static const char *const args[] = {"county",   "unit_id", "source",
					   "over_cap", "limit",	  NULL};
	answer(req, resp, &st_pairs, NULL, args, NULL);
}

RQ_HANDLER(reporting_statistics_quiet_days)
{
	static const char *const args[] = {"county", "unit_id", "source", NULL};
	answer(req, resp, &st_quiet_days, NULL, args, NULL);
}

RQ_HANDLER(reporting_statistics_cases)
{
	static const char *const args[] = {"group_by", "county", "unit_id", "case_source", NULL};
	answer(req, resp, &st_cases, NULL, args, NULL);
}

RQ_HANDLER(reporting_statistics_praise)
{
	static const char *const args[] = {"county", "unit_id", "source", NULL};
	PGresult *rules = rq_sql_final(req, &st_praise_rules, NULL);
	if (!rq_sql_ok(rules)) {
		rq_problem_sql(req, resp, rules);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "thresholds", rq_json_column(rules, 0, "thresholds"));
	answer(req, resp, &st_praise, NULL, args, o);
}

RQ_HANDLER(reporting_statistics_accountability)
{
	static const char *const args[] = {"county", "unit_id", "limit", NULL};
	answer(req, resp, &st_accountability, NULL, args, NULL);
}
