/* The statistics of the reporting family (GET /api/v1/reporting/statistics/..., app/reporting/
 * statistics.c) against a scene the test makes through the real API: visits of a unit A to an
 * enterprise of 浉河区 (confirmed and rated by name; a joint inspection with unit B rated
 * 不满意 anonymously, then changed to 基本满意; edited and finished; withdrawn; back-filled;
 * without a position), a visit of unit C to an enterprise of 平桥区 that its manager disputes,
 * and a no-scan report naming A, found 属实. The test then moves them into June 2023, a month
 * no other test uses (the aggregates follow the moved rows by their triggers), makes the
 * back-filled one a visit from 慧企通 and adds a joint inspection of A with B written as the
 * 慧企通 import writes (visit, units and rating in one statement), and compares
 * every figure, as each role sees it, with its own recomputation from the raw rows, in SQL
 * that shares nothing with the aggregates; and the aggregates of the whole database with a
 * rebuild from scratch. */
#include "api.h"
#include "api_register.h"
#include "cases_support.h"
#include "test_common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ST   "/api/v1/reporting/statistics"
#define JUNE "from=2023-06-01&to=2023-06-30"
/* the raw rows the recomputations read: June 2023, city time, not withdrawn */
#define RAW_JUNE                                                                                   \
	"v.withdrawn_at IS NULL AND v.entered_at >= '2023-06-01 00:00+08'"                         \
	" AND v.entered_at < '2023-07-01 00:00+08'"

static struct {
	struct cs_scene s; /* unit A, enterprise E1 (411502), A's official, E1's manager, admins */
	struct vs_unit b, c;
	struct vs_enterprise e2; /* of 411503 */
	struct vs_official off_c;
	char *manager2;
	struct cs_admin county2, unit_b, analyst, market;
	char *rated, *joint, *edited, *withdrawn, *disputed, *backfilled, *refused, *july;
	char *joint_case, *dispute_case, *no_scan_case;
	char *praise[3]; /* the policy values to restore */
} w;

static const char *const praise_keys[] = {"praise_rated_min", "praise_satisfaction_min",
					  "praise_substantiated_max"};

static void set_policy(const char *key, const char *value)
{
	const char *p[] = {key, value};
	api_owner_write("UPDATE rq.policy SET value = $2::int WHERE key = $1", 2, p);
}

/* Moves a visit (and its units) to the time at, registered two minutes later. */
static void move_visit(const char *id, const char *at)
{
	vs_visit_move(id, at);
	const char *p[] = {id, at};
	api_owner_write(
	    "UPDATE rq.visits SET registered_at = $2::timestamptz + interval '2 minutes'"
	    " WHERE id = $1::bigint",
	    2, p);
}

static void move_case(const char *id, const char *opened, const char *determined)
{
	const char *p[] = {id, opened, determined};
	api_owner_write(
	    "UPDATE rq.cases SET opened_at = $2::timestamptz,"
	    " determined_at = CASE WHEN determined_at IS NOT NULL THEN $3::timestamptz END"
	    " WHERE id = $1::bigint",
	    3, p);
}

/* A registration of A's official at E1 (body completed by more, a JSON object's members). */
static char *a_visit(const char *activity, const char *more)
{
	cJSON *b = vs_body(w.s.ev.s.ent.token, activity);
	cJSON *m = more != NULL ? cJSON_Parse(more) : NULL;
	cJSON *it;
	cJSON_ArrayForEach(it, m)
	{
		cJSON_DeleteItemFromObjectCaseSensitive(b, it->string);
		cJSON_AddItemToObject(b, it->string, cJSON_Duplicate(it, 1));
	}
	cJSON_Delete(m);
	char *id = vs_register_ok(w.s.ev.s.off.bearer, b);
	cJSON_Delete(b);
	return id;
}

static void ok(struct api_resp *r, const char *what)
{
	if (r->status != 200 && r->status != 201)
		fail_msg("%s: %ld %s", what, r->status, r->body);
	api_free(r);
}

static int setup(void **state)
{
	(void)state;
	cs_scene_new(&w.s);
	vs_unit_new(&w.b, NULL);
	vs_unit_new(&w.c, NULL);
	vs_enterprise_new(&w.e2, true);
	const char *pe[] = {w.e2.m.id};
	api_owner_write("UPDATE rq.enterprises SET county_code = '411503' WHERE id = $1::bigint", 1,
			pe);
	snprintf(w.e2.m.county, sizeof(w.e2.m.county), "411503");
	vs_official_new(&w.off_c, w.c.id, "ZF-STATS-C", true);
	w.manager2 = vs_manager_new(&w.e2, NULL);
	cs_admin_new(&w.county2, "county_admin", "411503", NULL);
	cs_admin_new(&w.unit_b, "unit_admin", NULL, w.b.id);
	cs_admin_new(&w.analyst, "judicial_analyst", NULL, NULL);
	cs_admin_new(&w.market, "market_supervision", NULL, NULL);
	for (int i = 0; i < 3; i++) {
		const char *p[] = {praise_keys[i]};
		w.praise[i] = api_owner_value("SELECT value FROM rq.policy WHERE key = $1", 1, p);
	}

	/* A: a visit rated 满意 by name */
	w.rated = ev_confirmed_visit(&w.s.ev);
	ok(ev_rate(w.s.ev.manager, w.rated, "satisfied", NULL, false, false), "rate");
	/* A with B: a joint inspection (a quiet day's exemption and a reason over the cap, in
	 * case), rated 不满意 anonymously (a case), changed to 基本满意 */
	char more[256];
	snprintf(more, sizeof(more),
		 "{\"joint_kind\":\"joint\",\"participating_unit_ids\":[\"%s\"],"
		 "\"exemption\":{\"category\":\"complaint_report\",\"reason\":\"群众举报\"},"
		 "\"over_cap_reason\":\"专项整治\"}",
		 w.b.id);
	w.joint = a_visit("inspection", more);
	ok(vs_call("POST", ev_path(w.joint, "/confirm"), w.s.ev.manager, NULL), "confirm");
	ok(ev_rate(w.s.ev.manager, w.joint, "unsatisfied", "态度生硬", true, false), "rate");
	ok(ev_rate(w.s.ev.manager, w.joint, "basically_satisfied", NULL, true, true), "re-rate");
	/* A: edited and finished; withdrawn; back-filled; without a position; one in July */
	w.edited = ev_visit(&w.s.ev);
	ev_edit_and_finish(&w.s.ev, w.edited, "复查整改情况", "已复查");
	w.withdrawn = ev_visit(&w.s.ev);
	ok(vs_call("POST", vs_path(w.withdrawn, "/withdraw"), w.s.ev.s.off.bearer,
		   "{\"reason\":\"扫错了企业\"}"),
	   "withdraw");
	char *at = vs_time("now() - interval '2 hours'");
	snprintf(more, sizeof(more), "{\"entered_at\":\"%s\",\"backfill_reason\":\"现场无网络\"}",
		 at);
	free(at);
	w.backfilled = a_visit("research", more);
	w.refused = a_visit("visit", "{\"location\":{\"refused\":true}}");
	w.july = ev_visit(&w.s.ev);
	/* C at E2, disputed by its manager */
	cJSON *b = vs_body(w.e2.token, "visit");
	w.disputed = vs_register_ok(w.off_c.bearer, b);
	cJSON_Delete(b);
	ok(vs_call("POST", ev_path(w.disputed, "/dispute"), w.manager2,
		   "{\"category\":\"never_came\",\"reason\":\"当天无人来企业\"}"),
	   "dispute");
	/* a no-scan report naming A, found 属实 */
	w.no_scan_case = cs_open(&w.s, "no_scan", false, NULL);
	cs_take_to_closed(&w.s, w.no_scan_case, "substantiated");
	const char *pj[] = {w.joint};
	w.joint_case =
	    api_owner_value("SELECT id FROM rq.cases WHERE visit_id = $1::bigint", 1, pj);
	const char *pd[] = {w.disputed};
	w.dispute_case =
	    api_owner_value("SELECT id FROM rq.cases WHERE visit_id = $1::bigint", 1, pd);
	assert_non_null(w.joint_case);
	assert_non_null(w.dispute_case);

	/* into June 2023 (and one visit just past its end, city time) */
	move_visit(w.rated, "2023-06-05 10:00+08");
	move_visit(w.joint, "2023-06-12 09:30+08");
	move_visit(w.edited, "2023-06-12 15:00+08");
	move_visit(w.withdrawn, "2023-06-13 10:00+08");
	move_visit(w.disputed, "2023-06-20 10:00+08");
	move_visit(w.backfilled, "2023-06-27 16:00+08");
	move_visit(w.refused, "2023-06-30 23:50+08");
	move_visit(w.july, "2023-07-01 00:05+08");
	/* the back-filled one came from 慧企通 (how an import's visits are kept) */
	const char *pr[] = {w.backfilled};
	api_owner_write("UPDATE rq.visits SET source = 'huiqitong',"
			" source_record_id = 'STATS-' || id WHERE id = $1::bigint",
			1, pr);
	/* and a joint inspection of A with B rated 满意, written as the import writes: the visit,
	 * its units and its rating in one statement */
	const char *pi[] = {w.joint, w.b.id};
	api_owner_write(
	    "WITH v AS (INSERT INTO rq.visits (source, source_record_id, enterprise_id,"
	    "  county_code, unit_id, official_name, official_verified, activity_type, matter,"
	    "  legal_basis, official_cert_no, joint_kind, registered_at, entered_at,"
	    "  location_refused)"
	    " SELECT 'huiqitong', 'STATS-J-' || id, enterprise_id, county_code, unit_id,"
	    "  official_name, false, activity_type, matter, legal_basis, official_cert_no,"
	    "  joint_kind, '2023-06-14 10:00+08', '2023-06-14 10:00+08', false"
	    " FROM rq.visits WHERE id = $1::bigint RETURNING *),"
	    " u AS (INSERT INTO rq.visit_units (visit_id, unit_id, role, enterprise_id,"
	    "  entered_at, activity_type)"
	    " SELECT id, unit_id, 'lead', enterprise_id, entered_at, activity_type FROM v"
	    " UNION ALL SELECT id, $2::bigint, 'participant', enterprise_id, entered_at,"
	    "  activity_type FROM v)"
	    " INSERT INTO rq.evaluations (visit_id, enterprise_id, unit_id, county_code, value,"
	    "  anonymous, rated_at)"
	    " SELECT id, enterprise_id, unit_id, county_code, 'satisfied', false, entered_at FROM "
	    "v",
	    2, pi);
	move_case(w.joint_case, "2023-06-13 09:00+08", NULL);
	move_case(w.dispute_case, "2023-06-21 09:00+08", NULL);
	move_case(w.no_scan_case, "2023-06-15 09:00+08", "2023-06-25 15:00+08");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++) {
		set_policy(praise_keys[i], w.praise[i]);
		free(w.praise[i]);
	}
	char *ids[] = {w.rated,	     w.joint,	     w.edited,	     w.withdrawn,
		       w.disputed,   w.backfilled,   w.refused,	     w.july,
		       w.joint_case, w.dispute_case, w.no_scan_case, w.manager2};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		free(ids[i]);
	cs_admin_free(&w.county2);
	cs_admin_free(&w.unit_b);
	cs_admin_free(&w.analyst);
	cs_admin_free(&w.market);
	vs_official_free(&w.off_c);
	cs_scene_free(&w.s);
	return 0;
}

/* The answer of GET path as p, which must be 200. */
static struct api_resp *get_ok(const struct api_portal *p, const char *path)
{
	struct api_resp *r = mt_portal_get(p, path);
	if (r->status != 200 || r->json == NULL)
		fail_msg("%s: %ld %s", path, r->status, r->body);
	return r;
}

/* True when member m of item equals column col of row (SQL NULL: JSON null; numbers
 * compared as numbers, to 1e-9; text as text). */
static bool member_equals(const cJSON *item, const PGresult *res, int row, int col)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(item, PQfname(res, col));
	if (PQgetisnull(res, row, col))
		return m != NULL && cJSON_IsNull(m);
	const char *v = PQgetvalue(res, row, col);
	if (cJSON_IsNumber(m))
		return fabs(m->valuedouble - strtod(v, NULL)) < 1e-9;
	return cJSON_IsString(m) && strcmp(m->valuestring, v) == 0;
}

/* Asserts that GET path, as p, answers exactly the rows of the recomputation sql (run as the
 * owner): as many items as rows, and for each row the item whose key (member key_member) is
 * the row's first column, with every other column's value in the member of its name. */
static void assert_figures(const struct api_portal *p, const char *path, const char *key_member,
			   const char *sql)
{
	struct api_resp *r = get_ok(p, path);
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(r->json, "items");
	assert_true(cJSON_IsArray(items));
	PGconn *c = api_db("owner");
	PGresult *res = PQexec(c, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	if (cJSON_GetArraySize(items) != PQntuples(res))
		fail_msg("%s: %d items, the raw rows give %d: %s", path, cJSON_GetArraySize(items),
			 PQntuples(res), r->body);
	for (int i = 0; i < PQntuples(res); i++) {
		const cJSON *item = NULL, *it;
		cJSON_ArrayForEach(it, items)
		{
			const cJSON *k = cJSON_GetObjectItemCaseSensitive(it, key_member);
			if (cJSON_IsString(k) && strcmp(k->valuestring, PQgetvalue(res, i, 0)) == 0)
				item = it;
		}
		if (item == NULL)
			fail_msg("%s: no item %s %s in %s", path, key_member, PQgetvalue(res, i, 0),
				 r->body);
		for (int col = 1; col < PQnfields(res); col++)
			if (!member_equals(item, res, i, col))
				fail_msg("%s: item %s: %s is not %s (raw rows): %s", path,
					 PQgetvalue(res, i, 0), PQfname(res, col),
					 PQgetisnull(res, i, col) ? "null"
								  : PQgetvalue(res, i, col),
					 cJSON_PrintUnformatted(item));
	}
	PQclear(res);
	PQfinish(c);
	api_free(r);
}

/* The recomputations: visits per unit from rq.visit_units' roles (each unit that entered,
 * lead or participant), per county, activity type, enterprise and day from rq.visits. */
#define SQL_VISITS_IN(range, key, where)                                                           \
	"SELECT " key " AS key, count(*) FILTER (WHERE vu.role = 'lead') AS visits,"               \
	" count(*) FILTER (WHERE vu.role = 'lead' AND v.activity_type = 'visit') AS visits_visit," \
	" count(*) FILTER (WHERE vu.role = 'lead' AND v.activity_type = 'research')"               \
	"   AS visits_research,"                                                                   \
	" count(*) FILTER (WHERE vu.role = 'lead' AND v.activity_type = 'inspection')"             \
	"   AS visits_inspection,"                                                                 \
	" count(*) FILTER (WHERE vu.role = 'lead' AND v.joint_kind IS NOT NULL) AS joint,"         \
	" count(*) FILTER (WHERE vu.role = 'participant') AS participations, count(*) AS "         \
	"unit_entries"                                                                             \
	" FROM rq.visits v JOIN rq.visit_units vu ON vu.visit_id = v.id WHERE " range where        \
	" GROUP BY 1"
#define SQL_VISITS_BY(key, where) SQL_VISITS_IN(RAW_JUNE, key, where)

static void test_visits_equal_raw_rows(void **state)
{
	(void)state;
	const struct api_portal *city = &w.s.city.p;
	assert_figures(city, ST "/visits?group_by=unit&" JUNE, "key",
		       SQL_VISITS_BY("vu.unit_id::text", ""));
	assert_figures(city, ST "/visits?group_by=county&" JUNE, "key",
		       SQL_VISITS_BY("v.county_code", ""));
	assert_figures(city, ST "/visits?group_by=enterprise&" JUNE, "key",
		       SQL_VISITS_BY("v.enterprise_id::text", ""));
	assert_figures(city, ST "/hot-spots/enterprises?" JUNE, "key",
		       SQL_VISITS_BY("v.enterprise_id::text", ""));
	/* a calendar year of the whole city: the ranking kept on write (rq.enterprise_ranks) */
	assert_figures(
	    city, ST "/visits?group_by=enterprise&limit=100&from=2023-01-01&to=2023-12-31", "key",
	    SQL_VISITS_IN("v.withdrawn_at IS NULL AND v.entered_at >= '2023-01-01 00:00+08'"
			  " AND v.entered_at < '2024-01-01 00:00+08'",
			  "v.enterprise_id::text",
			  "") " ORDER BY count(*) DESC, min(v.enterprise_id) LIMIT 100");
	/* any other range of the whole city: the ranking's month rows less the days outside the
	 * range (06-01 … 06-11) plus a day (07-01); days only */
	const char *ranges[][3] = {
	    {"2023-06-12", "2023-06-12 00:00+08", "2023-07-02 00:00+08"},
	    {"2023-06-28", "2023-06-28 00:00+08", "2023-07-02 00:00+08"},
	};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		char path[160], range[160], sql[2048];
		snprintf(path, sizeof(path),
			 ST "/visits?group_by=enterprise&limit=100&from=%s&to=2023-07-01",
			 ranges[i][0]);
		snprintf(range, sizeof(range),
			 "v.withdrawn_at IS NULL AND v.entered_at >= '%s'"
			 " AND v.entered_at < '%s'",
			 ranges[i][1], ranges[i][2]);
		snprintf(
		    sql, sizeof(sql),
		    SQL_VISITS_IN("%s", "v.enterprise_id::text",
				  "") " ORDER BY count(*) DESC, min(v.enterprise_id) LIMIT 100",
		    range);
		assert_figures(city, path, "key", sql);
	}
	assert_figures(
	    city, ST "/visits?group_by=day&" JUNE, "key",
	    SQL_VISITS_BY("to_char(v.entered_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')", ""));
	assert_figures(city, ST "/visits?group_by=week&" JUNE, "key",
		       SQL_VISITS_BY("to_char(date_trunc('week', v.entered_at AT TIME ZONE"
				     " 'Asia/Shanghai'), 'YYYY-MM-DD')",
				     ""));
	assert_figures(
	    city, ST "/visits?group_by=activity_type&" JUNE, "key",
	    "SELECT v.activity_type AS key, count(*) AS visits,"
	    " count(*) FILTER (WHERE v.joint_kind IS NOT NULL) AS joint,"
	    " (SELECT count(*) FROM rq.visit_units vu JOIN rq.visits x ON x.id = vu.visit_id"
	    "   WHERE vu.role = 'participant' AND x.activity_type = v.activity_type"
	    "     AND x.withdrawn_at IS NULL AND x.entered_at >= '2023-06-01 00:00+08'"
	    "     AND x.entered_at < '2023-07-01 00:00+08') AS participations"
	    " FROM rq.visits v WHERE " RAW_JUNE " GROUP BY 1");
	/* one unit's figures: its own rows (how a unit admin's are read) */
	char path[256], sql[2048];
	snprintf(path, sizeof(path), ST "/visits?group_by=county&unit_id=%s&" JUNE, w.b.id);
	snprintf(sql, sizeof(sql), SQL_VISITS_BY("v.county_code", " AND vu.unit_id = %s"), w.b.id);
	assert_figures(city, path, "key", sql);
	/* the range is the city's days: 00:05 on 1 July (16:05 on 30 June, UTC) is the 1st's */
	assert_figures(
	    city, ST "/visits?group_by=day&from=2023-06-30&to=2023-07-01", "key",
	    "SELECT to_char(v.entered_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS key,"
	    " count(*) AS visits FROM rq.visits v WHERE v.withdrawn_at IS NULL"
	    " AND v.entered_at >= '2023-06-30 00:00+08' AND v.entered_at < '2023-07-02 00:00+08'"
	    " GROUP BY 1");
	struct api_resp *r = get_ok(city, ST "/visits?group_by=day&from=2023-07-01&to=2023-07-01");
	assert_non_null(strstr(r->body, "\"key\":\"2023-07-01\""));
	api_free(r);
	/* by source: the visits imported from 慧企通 apart, and the others */
	assert_figures(city, ST "/visits?group_by=unit&source=huiqitong&" JUNE, "key",
		       SQL_VISITS_BY("vu.unit_id::text", " AND v.source = 'huiqitong'"));
	assert_figures(city, ST "/visits?group_by=county&source=platform&" JUNE, "key",
		       SQL_VISITS_BY("v.county_code", " AND v.source = 'platform'"));
	assert_figures(city, ST "/flags?group_by=unit&source=huiqitong&" JUNE, "key",
		       "SELECT v.unit_id::text AS key, count(*) AS visits,"
		       " count(*) FILTER (WHERE 'backfill' = ANY (v.flags)) AS backfill"
		       " FROM rq.visits v WHERE " RAW_JUNE
		       " AND v.source = 'huiqitong' GROUP BY 1");
	r = mt_portal_get(city, ST "/visits?source=wechat&" JUNE);
	api_assert_problem(r, 400, "bad-request");
	api_assert_error_field(r, "source");
	api_free(r);
}

static void test_flags_ratings_equal_raw_rows(void **state)
{
	(void)state;
	const struct api_portal *city = &w.s.city.p;
#define SQL_FLAGS(key)                                                                             \
	"SELECT " key " AS key, count(*) AS visits,"                                               \
	" count(*) FILTER (WHERE 'far_away' = ANY (v.flags)) AS far_away,"                         \
	" count(*) FILTER (WHERE 'location_refused' = ANY (v.flags)) AS location_refused,"         \
	" count(*) FILTER (WHERE 'backfill' = ANY (v.flags)) AS backfill,"                         \
	" count(*) FILTER (WHERE 'official_unverified' = ANY (v.flags)) AS official_unverified,"   \
	" count(*) FILTER (WHERE 'quiet_day_exemption' = ANY (v.flags)) AS quiet_day_exemption,"   \
	" count(*) FILTER (WHERE 'inspection_over_cap' = ANY (v.flags)) AS inspection_over_cap,"   \
	" count(*) FILTER (WHERE 'frequency_day' = ANY (v.flags)) AS frequency_day,"               \
	" count(*) FILTER (WHERE v.finished_at IS NULL) AS unfinished,"                            \
	" count(*) FILTER (WHERE v.finished_at IS NULL AND now() > v.registered_at"                \
	"   + make_interval(hours => (SELECT p.value FROM rq.policy p"                             \
	"                               WHERE p.key = 'finish_due_hours'))) AS "                   \
	"unfinished_past_due"                                                                      \
	" FROM rq.visits v WHERE " RAW_JUNE " GROUP BY 1"
	assert_figures(city, ST "/flags?group_by=unit&" JUNE, "key", SQL_FLAGS("v.unit_id::text"));
	assert_figures(city, ST "/flags?group_by=county&" JUNE, "key", SQL_FLAGS("v.county_code"));
	/* 满意率 = (满意 + 基本满意) / rated; the anonymous rating counted; no-scan reports by the
	 * unit they name */
#define SQL_RATINGS(key, case_key)                                                                 \
	"WITH r AS (SELECT " key " AS key, count(*) AS visits,"                                    \
	"  count(*) FILTER (WHERE v.confirmation = 'confirmed') AS confirmed,"                     \
	"  count(*) FILTER (WHERE v.confirmation = 'disputed') AS disputed,"                       \
	"  count(e.visit_id) AS rated,"                                                            \
	"  count(*) FILTER (WHERE e.value = 'satisfied') AS satisfied,"                            \
	"  count(*) FILTER (WHERE e.value = 'basically_satisfied') AS basically_satisfied,"        \
	"  count(*) FILTER (WHERE e.value = 'unsatisfied') AS unsatisfied,"                        \
	"  count(*) FILTER (WHERE e.anonymous) AS anonymous"                                       \
	"  FROM rq.visits v LEFT JOIN rq.evaluations e ON e.visit_id = v.id WHERE " RAW_JUNE       \
	"  GROUP BY 1),"                                                                           \
	" n AS (SELECT " case_key " AS key, count(*) AS no_scan_reports FROM rq.cases c"           \
	"  WHERE c.source = 'no_scan' AND c.opened_at >= '2023-06-01 00:00+08'"                    \
	"    AND c.opened_at < '2023-07-01 00:00+08' GROUP BY 1)"                                  \
	" SELECT coalesce(r.key, n.key) AS key, coalesce(r.visits, 0) AS visits,"                  \
	"  coalesce(r.confirmed, 0) AS confirmed, coalesce(r.disputed, 0) AS disputed,"            \
	"  coalesce(r.rated, 0) AS rated, coalesce(r.satisfied, 0) AS satisfied,"                  \
	"  coalesce(r.basically_satisfied, 0) AS basically_satisfied,"                             \
	"  coalesce(r.unsatisfied, 0) AS unsatisfied, coalesce(r.anonymous, 0) AS anonymous,"      \
	"  round((r.satisfied + r.basically_satisfied)::numeric / nullif(r.rated, 0), 4)"          \
	"    AS satisfaction_rate,"                                                                \
	"  coalesce(n.no_scan_reports, 0) AS no_scan_reports"                                      \
	" FROM r FULL JOIN n ON n.key = r.key"
	assert_figures(city, ST "/ratings?group_by=unit&" JUNE, "key",
		       SQL_RATINGS("v.unit_id::text", "coalesce(c.unit_id, 0)::text"));
	assert_figures(city, ST "/ratings?group_by=county&" JUNE, "key",
		       SQL_RATINGS("v.county_code", "c.county_code"));
	/* the pairs over the thresholds: the lead unit's flagged visits per enterprise */
	assert_figures(city, ST "/hot-spots/pairs?" JUNE, "unit_id",
		       "SELECT v.unit_id::text AS unit_id, v.enterprise_id::text AS enterprise_id,"
		       " count(*) AS flagged,"
		       " count(*) FILTER (WHERE 'frequency_day' = ANY (v.flags)) AS frequency_day,"
		       " count(*) FILTER (WHERE 'inspection_over_cap' = ANY (v.flags))"
		       "   AS inspection_over_cap"
		       " FROM rq.visits v WHERE " RAW_JUNE
		       "  AND v.flags && '{frequency_day,frequency_week,frequency_month,"
		       "inspection_over_cap}' GROUP BY 1, 2");
	assert_figures(
	    city, ST "/hot-spots/quiet-days?" JUNE, "key",
	    "SELECT v.exemption_category AS key, count(*) AS inspections FROM rq.visits v"
	    " WHERE " RAW_JUNE " AND 'quiet_day_exemption' = ANY (v.flags) GROUP BY 1");
}

static void test_cases_praise_accountability_equal_raw_rows(void **state)
{
	(void)state;
	const struct api_portal *city = &w.s.city.p;
#define SQL_CASES(key)                                                                             \
	"SELECT " key " AS key, count(*) AS opened,"                                               \
	" count(*) FILTER (WHERE c.status <> 'closed') AS open,"                                   \
	" count(*) FILTER (WHERE c.status = 'closed') AS closed,"                                  \
	" count(*) FILTER (WHERE c.status <> 'closed' AND c.due_at < now()) AS overdue,"           \
	" count(*) FILTER (WHERE c.handed_over_at IS NOT NULL) AS handed_over"                     \
	" FROM rq.cases c WHERE c.opened_at >= '2023-06-01 00:00+08'"                              \
	"   AND c.opened_at < '2023-07-01 00:00+08' GROUP BY 1"
	assert_figures(city, ST "/cases?group_by=status&" JUNE, "key", SQL_CASES("c.status"));
	assert_figures(city, ST "/cases?group_by=source&" JUNE, "key", SQL_CASES("c.source"));
	assert_figures(city, ST "/cases?group_by=outcome&" JUNE, "key",
		       SQL_CASES("coalesce(c.outcome, 'none')"));
	assert_figures(city, ST "/cases?group_by=unit&" JUNE, "key",
		       SQL_CASES("coalesce(c.unit_id, 0)::text"));
	/* 问责: cases found 属实 or 部分属实 in June, per unit and official held responsible */
	assert_figures(
	    city, ST "/accountability?" JUNE, "unit_id",
	    "SELECT coalesce(c.responsible_unit_id, c.unit_id)::text AS unit_id,"
	    " coalesce(c.responsible_account_id, 0)::text AS official_id, count(*) AS cases,"
	    " count(*) FILTER (WHERE c.outcome = 'substantiated') AS substantiated,"
	    " count(*) FILTER (WHERE c.source = 'no_scan') AS no_scan"
	    " FROM rq.cases c WHERE c.outcome IN ('substantiated', 'partly_substantiated')"
	    "  AND c.determined_at >= '2023-06-01 00:00+08'"
	    "  AND c.determined_at < '2023-07-01 00:00+08' GROUP BY 1, 2");
	/* 通报表扬 by the policy rows: A (two ratings, both content) is one once a case found
	 * 属实 against it is tolerated, never while none is */
#define SQL_PRAISE                                                                                 \
	"WITH r AS (SELECT v.unit_id, count(*) AS rated,"                                          \
	"  count(*) FILTER (WHERE e.value IN ('satisfied', 'basically_satisfied')) AS content"     \
	"  FROM rq.visits v JOIN rq.evaluations e ON e.visit_id = v.id WHERE " RAW_JUNE            \
	"  GROUP BY 1),"                                                                           \
	" d AS (SELECT coalesce(c.responsible_unit_id, c.unit_id) AS unit_id, count(*) AS n"       \
	"  FROM rq.cases c WHERE c.outcome = 'substantiated'"                                      \
	"   AND c.determined_at >= '2023-06-01 00:00+08' AND c.determined_at < '2023-07-01 "       \
	"00:00+08'"                                                                                \
	"  GROUP BY 1)"                                                                            \
	" SELECT r.unit_id::text AS unit_id, r.rated, coalesce(d.n, 0) AS substantiated,"          \
	"  round(r.content::numeric / r.rated, 4) AS satisfaction_rate"                            \
	" FROM r LEFT JOIN d ON d.unit_id = r.unit_id"                                             \
	" WHERE r.rated >= (SELECT value FROM rq.policy WHERE key = 'praise_rated_min')"           \
	"   AND 100 * r.content >= (SELECT value FROM rq.policy WHERE key = "                      \
	"'praise_satisfaction_min')"                                                               \
	"       * r.rated"                                                                         \
	"   AND coalesce(d.n, 0) <= (SELECT value FROM rq.policy WHERE key = "                     \
	"'praise_substantiated_max')"
	set_policy("praise_rated_min", "2");
	set_policy("praise_satisfaction_min", "100");
	set_policy("praise_substantiated_max", "0");
	assert_figures(city, ST "/praise?" JUNE, "unit_id", SQL_PRAISE);
	char want[96];
	snprintf(want, sizeof(want), "\"unit_id\":\"%s\"", w.s.ev.s.unit.id);
	struct api_resp *r = get_ok(city, ST "/praise?" JUNE);
	assert_null(strstr(r->body, want));
	assert_non_null(strstr(r->body, "\"thresholds\":{\"rated_min\": 2"));
	api_free(r);
	set_policy("praise_substantiated_max", "1");
	assert_figures(city, ST "/praise?" JUNE, "unit_id", SQL_PRAISE);
	r = get_ok(city, ST "/praise?" JUNE);
	assert_non_null(strstr(r->body, want));
	api_free(r);
}

/* The judicial bureau's report of the candidates (`ruqima report run praise`) lists the units the
 * statistics list, by the same policy rows (here those test_cases_praise_... left: A is one). */
static void test_praise_report_lists_the_candidates(void **state)
{
	(void)state;
	char dir[64] = "/tmp/rq-test-stats-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *csv = api_report_csv("praise --from 2023-06-01 --to 2023-06-30", dir);
	struct api_resp *r = get_ok(&w.s.city.p, ST "/praise?" JUNE);
	int lines = 0;
	for (const char *c = csv; (c = strchr(c, '\n')) != NULL; c++)
		lines++;
	assert_int_equal(
	    lines, 1 + cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, "items")));
	assert_non_null(strstr(csv, w.s.ev.s.unit.name));
	assert_non_null(
	    strstr(csv, "单位,所属县区,已评价,满意,基本满意,不满意,满意率,认定属实案件"));
	api_free(r);
	free(csv);
	tc_remove_tree(dir);
}

/* The number of items behind href (every page), as p. */
static int items_behind(const struct api_portal *p, const char *href)
{
	int n = 0;
	char path[768];
	snprintf(path, sizeof(path), "%s&limit=2", href);
	for (int page = 0; page < 20; page++) {
		struct api_resp *r = get_ok(p, path);
		n += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, "items"));
		const char *next = api_json_str(r, "next_after");
		if (next == NULL) {
			api_free(r);
			return n;
		}
		snprintf(path, sizeof(path), "%s&limit=2&after=%s", href, next);
		api_free(r);
	}
	fail_msg("%s: more than 20 pages", href);
	return n;
}

/* The figure member of the item whose member key is value, in GET path as p. */
static const cJSON *item_of(struct api_resp *r, const char *key, const char *value)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(it, key);
		if (cJSON_IsString(k) && strcmp(k->valuestring, value) == 0)
			return it;
	}
	fail_msg("no item %s %s: %s", key, value, r->body);
	return NULL;
}

static int figure(const cJSON *item, const char *member)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(item, member);
	assert_true(cJSON_IsNumber(m));
	return m->valueint;
}

static const char *href(const cJSON *item, const char *member)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(item, member);
	assert_true(cJSON_IsString(m));
	return m->valuestring;
}

static void test_rows_list_what_they_count(void **state)
{
	(void)state;
	const struct api_portal *city = &w.s.city.p;
	struct api_resp *r = get_ok(city, ST "/visits?group_by=unit&" JUNE);
	const cJSON *a = item_of(r, "key", w.s.ev.s.unit.id);
	assert_int_equal(figure(a, "visits"), items_behind(city, href(a, "visits_href")));
	const cJSON *b = item_of(r, "key", w.b.id);
	assert_int_equal(figure(b, "participations"), 2);
	assert_int_equal(items_behind(city, href(b, "participations_href")), 2);
	api_free(r);
	r = get_ok(city, ST "/flags?group_by=county&" JUNE);
	a = item_of(r, "key", "411502");
	char path[512];
	snprintf(path, sizeof(path), "%s&flag=location_refused", href(a, "visits_href"));
	assert_int_equal(figure(a, "location_refused"), items_behind(city, path));
	snprintf(path, sizeof(path), "%s&flag=unfinished_past_due", href(a, "visits_href"));
	assert_int_equal(figure(a, "unfinished_past_due"), items_behind(city, path));
	api_free(r);
	r = get_ok(city, ST "/ratings?group_by=unit&" JUNE);
	a = item_of(r, "key", w.s.ev.s.unit.id);
	snprintf(path, sizeof(path), "%s&rating=rated&anonymous=true", href(a, "visits_href"));
	assert_int_equal(figure(a, "anonymous"), 1);
	assert_int_equal(items_behind(city, path), 1);
	assert_int_equal(figure(a, "no_scan_reports"), items_behind(city, href(a, "cases_href")));
	api_free(r);
	r = get_ok(city, ST "/accountability?" JUNE);
	a = item_of(r, "unit_id", w.s.ev.s.unit.id);
	assert_int_equal(figure(a, "cases"), items_behind(city, href(a, "cases_href")));
	api_free(r);
	r = get_ok(city, ST "/cases?group_by=status&" JUNE);
	a = item_of(r, "key", "closed");
	assert_int_equal(figure(a, "opened"), items_behind(city, href(a, "cases_href")));
	api_free(r);
}

/* Each role's own side: the city-wide roles the city; a county admin its county, never
 * another's; a unit admin its unit, never another's; market supervision nothing. */
static void test_each_role_sees_its_scope(void **state)
{
	(void)state;
	/* the judicial analyst and the discipline inspector: the city, as the city admin */
	assert_figures(&w.analyst.p, ST "/visits?group_by=county&" JUNE, "key",
		       SQL_VISITS_BY("v.county_code", ""));
	assert_figures(&w.s.discipline.p, ST "/cases?group_by=source&" JUNE, "key",
		       SQL_CASES("c.source"));
	/* county admins: their county's figures only, whatever they ask */
	assert_figures(&w.s.county.p, ST "/visits?group_by=county&" JUNE, "key",
		       SQL_VISITS_BY("v.county_code", " AND v.county_code = '411502'"));
	assert_figures(&w.s.county.p, ST "/visits?group_by=unit&county=411503&" JUNE, "key",
		       "SELECT 1 WHERE false");
	assert_figures(&w.county2.p, ST "/visits?group_by=unit&" JUNE, "key",
		       SQL_VISITS_BY("vu.unit_id::text", " AND v.county_code = '411503'"));
	assert_figures(&w.county2.p, ST "/cases?group_by=source&" JUNE, "key",
		       "SELECT c.source AS key, count(*) AS opened FROM rq.cases c"
		       " WHERE c.county_code = '411503' AND c.opened_at >= '2023-06-01 00:00+08'"
		       "   AND c.opened_at < '2023-07-01 00:00+08' GROUP BY 1");
	assert_figures(&w.county2.p, ST "/hot-spots/enterprises?" JUNE, "key",
		       SQL_VISITS_BY("v.enterprise_id::text", " AND v.county_code = '411503'"));
	struct api_resp *r = get_ok(&w.county2.p, ST "/visits/items?county=411502&" JUNE);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, "items")), 0);
	api_free(r);
	/* unit admins: their unit's figures only (as lead, as participant), whatever they ask */
	char sql[2048];
	snprintf(sql, sizeof(sql), SQL_VISITS_BY("vu.unit_id::text", " AND vu.unit_id = %s"),
		 w.s.ev.s.unit.id);
	assert_figures(&w.s.unit.p, ST "/visits?group_by=unit&" JUNE, "key", sql);
	snprintf(sql, sizeof(sql), SQL_VISITS_BY("v.county_code", " AND vu.unit_id = %s"),
		 w.s.ev.s.unit.id);
	assert_figures(&w.s.unit.p, ST "/visits?group_by=county&" JUNE, "key", sql);
	snprintf(sql, sizeof(sql), SQL_VISITS_BY("vu.unit_id::text", " AND vu.unit_id = %s"),
		 w.b.id);
	assert_figures(&w.unit_b.p, ST "/visits?group_by=unit&" JUNE, "key", sql);
	char path[256];
	snprintf(path, sizeof(path), ST "/visits?group_by=unit&unit_id=%s&" JUNE, w.b.id);
	assert_figures(&w.s.unit.p, path, "key", "SELECT 1 WHERE false");
	snprintf(path, sizeof(path), ST "/ratings?group_by=unit&unit_id=%s&" JUNE, w.c.id);
	assert_figures(&w.unit_b.p, path, "key", "SELECT 1 WHERE false");
	snprintf(sql, sizeof(sql), SQL_VISITS_BY("v.enterprise_id::text", " AND vu.unit_id = %s"),
		 w.b.id);
	assert_figures(&w.unit_b.p, ST "/visits?group_by=enterprise&" JUNE, "key", sql);
	snprintf(path, sizeof(path), ST "/visits/items?unit_id=%s&" JUNE, w.c.id);
	r = get_ok(&w.unit_b.p, path);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, "items")), 0);
	api_free(r);
	/* market supervision has no statistics; nobody without a session */
	r = mt_portal_get(&w.market.p, ST "/visits?" JUNE);
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	r = api_get(ST "/visits?" JUNE, NULL);
	assert_int_equal(r->status, 401);
	api_free(r);
	/* a range that ends before it starts */
	r = mt_portal_get(&w.s.city.p, ST "/visits?from=2023-07-01&to=2023-06-30");
	api_assert_problem(r, 400, "bad-request");
	api_assert_error_field(r, "to");
	api_free(r);
}

/* An anonymous rating is counted and never attributed: no answer of the statistics names its
 * rater (by name or phone, or a rater member) to any reader; the aggregates have no column
 * for one. */
static void test_anonymous_rater_never_attributed(void **state)
{
	(void)state;
	const char *p[] = {w.s.ev.manager_id};
	char *name = api_owner_value("SELECT claimant_name FROM rq.manager_bindings"
				     " WHERE account_id = $1::bigint",
				     1, p);
	char *phone = api_owner_value("SELECT phone FROM rq.manager_bindings"
				      " WHERE account_id = $1::bigint",
				      1, p);
	assert_non_null(name);
	assert_non_null(phone);
	const struct api_portal *readers[] = {&w.s.city.p, &w.s.county.p, &w.s.unit.p,
					      &w.s.discipline.p, &w.analyst.p};
	const char *paths[] = {ST "/ratings?group_by=unit&" JUNE,
			       ST "/ratings?group_by=county&" JUNE,
			       ST "/visits?group_by=enterprise&" JUNE,
			       ST "/visits/items?rating=rated&anonymous=true&" JUNE,
			       ST "/cases/items?" JUNE,
			       ST "/praise?" JUNE,
			       ST "/accountability?" JUNE};
	for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
		for (size_t j = 0; j < sizeof(paths) / sizeof(paths[0]); j++) {
			struct api_resp *r = get_ok(readers[i], paths[j]);
			assert_null(strstr(r->body, name));
			assert_null(strstr(r->body, phone));
			assert_null(strstr(r->body, "rater"));
			api_free(r);
		}
	assert_int_equal(
	    api_owner_int("SELECT count(*) FROM information_schema.columns"
			  " WHERE table_schema = 'rq'"
			  "   AND table_name IN ('visit_stats', 'case_stats')"
			  "   AND (column_name LIKE '%account%' AND column_name NOT LIKE"
			  "        'responsible%' OR column_name LIKE '%rater%')",
			  0, NULL),
	    0);
	free(name);
	free(phone);
}

/* The aggregates of the whole database, kept by the triggers through every write of every
 * test so far, equal the aggregates built again from scratch (rq.stats_rebuild, in a
 * transaction rolled back), row by row; and a few figures of every year equal the raw rows. */
static void test_aggregates_equal_a_rebuild(void **state)
{
	(void)state;
	PGconn *c = api_db("owner");
	api_sql_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ", 0, NULL);
	/* visits per unit and year; ratings per enterprise and month: raw rows and aggregates,
	 * each less the other, empty */
	assert_int_equal(
	    api_sql_int(
		c,
		"WITH raw AS (SELECT v.unit_id AS k, date_trunc('year', v.entered_at"
		"   AT TIME ZONE 'Asia/Shanghai')::date AS p, count(*) AS n FROM rq.visits v"
		"   WHERE v.withdrawn_at IS NULL GROUP BY 1, 2),"
		" agg AS (SELECT s.key_id AS k, s.period AS p, sum(s.visits) AS n"
		"   FROM rq.visit_stats s WHERE s.dim = 'unit' AND s.grain = 'year'"
		"   GROUP BY 1, 2 HAVING sum(s.visits) <> 0)"
		" SELECT count(*) FROM ((TABLE raw EXCEPT TABLE agg)"
		"  UNION ALL (TABLE agg EXCEPT TABLE raw)) x",
		0, NULL),
	    0);
	assert_int_equal(
	    api_sql_int(c,
			"WITH raw AS (SELECT v.enterprise_id AS k, date_trunc('month', v.entered_at"
			"   AT TIME ZONE 'Asia/Shanghai')::date AS p, count(e.visit_id) AS n"
			"   FROM rq.visits v LEFT JOIN rq.evaluations e ON e.visit_id = v.id"
			"   WHERE v.withdrawn_at IS NULL GROUP BY 1, 2),"
			" agg AS (SELECT s.key_id AS k, s.period AS p, sum(s.rated) AS n"
			"   FROM rq.visit_stats s WHERE s.dim = 'enterprise' AND s.grain = 'month'"
			"   GROUP BY 1, 2 HAVING sum(s.visits) <> 0)"
			" SELECT count(*) FROM ((TABLE raw EXCEPT TABLE agg)"
			"  UNION ALL (TABLE agg EXCEPT TABLE raw)) x",
			0, NULL),
	    0);
	/* the enterprises' ranking of each month and year: entries, i.e. the visits and the
	 * participating units other than the lead */
	assert_int_equal(
	    api_sql_int(
		c,
		"WITH raw AS (SELECT x.k, g.grain AS g, date_trunc(g.grain, x.t AT TIME ZONE"
		"   'Asia/Shanghai')::date AS p, count(*)::int AS n"
		"   FROM (SELECT v.enterprise_id AS k, v.entered_at AS t FROM rq.visits v"
		"          WHERE v.withdrawn_at IS NULL"
		"         UNION ALL"
		"         SELECT v.enterprise_id, v.entered_at FROM rq.visit_units vu"
		"           JOIN rq.visits v ON v.id = vu.visit_id"
		"          WHERE v.withdrawn_at IS NULL AND vu.role = 'participant'"
		"            AND vu.unit_id <> v.unit_id) x"
		"   CROSS JOIN (VALUES ('month'), ('year')) g (grain) GROUP BY 1, 2, 3),"
		" agg AS (SELECT r.enterprise_id AS k, r.grain AS g, r.period AS p, r.entries AS n"
		"   FROM rq.enterprise_ranks r WHERE r.entries <> 0)"
		" SELECT count(*) FROM ((TABLE raw EXCEPT TABLE agg)"
		"  UNION ALL (TABLE agg EXCEPT TABLE raw)) x",
		0, NULL),
	    0);
	api_sql_exec(c, "CREATE TEMPORARY TABLE kept AS SELECT * FROM rq.visit_stats", 0, NULL);
	api_sql_exec(c, "CREATE TEMPORARY TABLE kept_cases AS SELECT * FROM rq.case_stats", 0,
		     NULL);
	api_sql_exec(c, "SELECT rq.stats_rebuild()", 0, NULL);
	/* rows the triggers brought to all zeros stay; a rebuild makes none */
	const char *differ =
	    "SELECT count(*) FROM ((SELECT * FROM kept k WHERE (k.visits, k.participations,"
	    "  k.rated, k.confirmed, k.disputed, k.unfinished, k.far_away, k.location_refused,"
	    "  k.backfill, k.official_unverified, k.quiet_day_exemption, k.inspection_over_cap,"
	    "  k.frequency_day, k.frequency_week, k.frequency_month, k.anonymous) <> (0, 0, 0, 0, "
	    "0,"
	    "  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) EXCEPT SELECT * FROM rq.visit_stats)"
	    " UNION ALL (SELECT * FROM rq.visit_stats EXCEPT SELECT * FROM kept)) x";
	assert_int_equal(api_sql_int(c, differ, 0, NULL), 0);
	assert_int_equal(
	    api_sql_int(c,
			"SELECT count(*) FROM ((SELECT * FROM kept_cases WHERE cases <> 0"
			" EXCEPT SELECT * FROM rq.case_stats) UNION ALL (SELECT * FROM"
			" rq.case_stats EXCEPT SELECT * FROM kept_cases)) x",
			0, NULL),
	    0);
	api_sql_exec(c, "ROLLBACK", 0, NULL);
	PQfinish(c);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_visits_equal_raw_rows),
	    cmocka_unit_test(test_flags_ratings_equal_raw_rows),
	    cmocka_unit_test(test_cases_praise_accountability_equal_raw_rows),
	    cmocka_unit_test(test_praise_report_lists_the_candidates),
	    cmocka_unit_test(test_rows_list_what_they_count),
	    cmocka_unit_test(test_each_role_sees_its_scope),
	    cmocka_unit_test(test_anonymous_rater_never_attributed),
	    cmocka_unit_test(test_aggregates_equal_a_rebuild),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
