/* 双公开 (the public disclosure, README "Public disclosure") against the real stack, without a
 * session: the page /gongkai/ and the data under /api/v1/reporting/public/. The demo data
 * shows; the figures per unit and month are those of what the test did (July 2024, a month
 * no other test uses: visits by type, joint inspections, ratings and 满意率, a case closed
 * with its outcome; a withdrawn registration counts nowhere); a visit line carries what the
 * policy rows allow and the enterprise's name only while it has not opted out (set by its
 * manager and by the county office, refused to anyone else); and no public answer holds an
 * official's full name, a phone number, a certificate number or a position (August 2024: a
 * visit whose every text names them). Answers are cached by nginx for a minute, so every
 * call that must see fresh data adds a parameter the pool ignores (`nocache`). */
#include "api.h"
#include "api_register.h"
#include "cases_support.h"
#include "test_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUB "/api/v1/reporting/public"

static struct {
	struct cs_scene s;   /* July 2024: unit U1, its enterprise, official, manager, admins */
	struct vs_unit u2;   /* the unit that joins U1's inspection */
	char *visit, *joint; /* U1's visit (满意, anonymous) and joint inspection (不满意) */
	char *joint_case;
} w;

/* GET of a public answer without a session, past nginx's cache (a fresh nocache value the
 * pool ignores): path_fmt with its arguments. */
__attribute__((format(printf, 1, 2))) static struct api_resp *pub(const char *path_fmt, ...)
{
	static int n;
	char path[512];
	va_list ap;
	va_start(ap, path_fmt);
	vsnprintf(path, sizeof(path), path_fmt, ap);
	va_end(ap);
	char url[600];
	snprintf(url, sizeof(url), "%s%snocache=%d-%d", path, strchr(path, '?') ? "&" : "?",
		 (int)getpid(), ++n);
	return api_get(url, NULL);
}

static struct api_resp *as_admin(const struct cs_admin *a, const char *method, const char *path,
				 const char *json)
{
	const char *h[] = {a->p.cookie_header, a->p.csrf_header, NULL};
	return api_call(method, path, json != NULL ? "application/json" : NULL, json, h);
}

static void owner_sql(const char *sql, int n, const char *const *p)
{
	PGconn *c = api_owner_tx();
	api_sql_exec(c, sql, n, p);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
}

/* The item of a list (units[] by unit_id, items[] by id) whose member key is value. */
static cJSON *find(const cJSON *list, const char *key, const char *value)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, list)
	{
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(it, key);
		if (cJSON_IsString(k) && strcmp(k->valuestring, value) == 0)
			return (cJSON *)it;
	}
	return NULL;
}

/* A whole number at "a.b" of o. */
static long num(const cJSON *o, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	const cJSON *v = o;
	for (char *part = buf, *dot; v != NULL && part != NULL; part = dot) {
		dot = strchr(part, '.');
		if (dot != NULL)
			*dot++ = '\0';
		v = cJSON_GetObjectItemCaseSensitive(v, part);
	}
	if (!cJSON_IsNumber(v))
		fail_msg("%s is not a number", path);
	return (long)v->valuedouble;
}

static int setup(void **state)
{
	(void)state;
	cs_scene_new(&w.s);
	vs_unit_new(&w.u2, NULL);
	w.visit = ev_confirmed_visit(&w.s.ev);
	struct api_resp *r = ev_rate(w.s.ev.manager, w.visit, "satisfied", NULL, true, false);
	assert_int_equal(r->status, 201);
	api_free(r);
	/* U1 leads a joint inspection with U2, rated 不满意: a case, found 部分属实 */
	cJSON *b = vs_body(w.s.ev.s.ent.token, "inspection");
	vs_body_str(b, "joint_kind", "joint");
	vs_body_exemption(b, "complaint_report"); /* today may be a quiet day */
	cJSON *units = cJSON_AddArrayToObject(b, "participating_unit_ids");
	cJSON_AddItemToArray(units, cJSON_CreateString(w.u2.id));
	w.joint = vs_register_ok(w.s.ev.s.off.bearer, b);
	cJSON_Delete(b);
	r = vs_call("POST", ev_path(w.joint, "/confirm"), w.s.ev.manager, NULL);
	assert_int_equal(r->status, 200);
	api_free(r);
	r = ev_rate(w.s.ev.manager, w.joint, "unsatisfied", "检查时态度生硬", false, false);
	assert_int_equal(r->status, 201);
	api_free(r);
	const char *p[] = {w.joint};
	w.joint_case = api_owner_value("SELECT id FROM rq.cases WHERE visit_id = $1::bigint", 1, p);
	assert_non_null(w.joint_case);
	cs_take_to_closed(&w.s, w.joint_case, "partly_substantiated");
	/* registered by mistake and withdrawn: counted nowhere */
	b = vs_body(w.s.ev.s.ent.token, "research");
	char *twice = vs_register_ok(w.s.ev.s.off.bearer, b);
	cJSON_Delete(b);
	r = vs_call("POST", vs_path(twice, "/withdraw"), w.s.ev.s.off.bearer,
		    "{\"reason\":\"重复登记\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	const char *ids[] = {w.visit, w.joint, twice};
	for (int i = 0; i < 3; i++)
		vs_visit_move(ids[i], "2024-07-10 10:00:00+08");
	free(twice);
	const char *c[] = {w.joint_case};
	owner_sql("UPDATE rq.cases SET closed_at = '2024-07-20 10:00+08' WHERE id = $1::bigint", 1,
		  c);
	return 0;
}

static int teardown(void **state)
{
	vs_policy_teardown(state);
	free(w.visit);
	free(w.joint);
	free(w.joint_case);
	cs_scene_free(&w.s);
	return 0;
}

/* `ruqima demo load`, then the page and the demo's month as anyone sees them. */
static void test_demo_data_shows(void **state)
{
	(void)state;
	char *out = NULL;
	if (api_cli("demo load", &out) != 0)
		fail_msg("demo load: %s", out);
	free(out);
	/* the month of the demo's newest visit, the city's */
#define DEMO_LAST                                                                                  \
	"(SELECT max(v.entered_at) AT TIME ZONE 'Asia/Shanghai' FROM rq.visits v"                  \
	" JOIN rq.accounts a ON a.id = v.account_id WHERE a.openid = 'demo-official-openid')"
	int year = (int)api_owner_int("SELECT extract(year FROM " DEMO_LAST ")::int", 0, NULL);
	int mon = (int)api_owner_int("SELECT extract(month FROM " DEMO_LAST ")::int", 0, NULL);

	struct api_resp *r = api_get("/gongkai/", NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "入企公务活动公开"));
	assert_non_null(strstr(r->body, "<script src=\"/gongkai/gongkai.js\" defer></script>"));
	api_free(r);

	r = pub(PUB "/months");
	assert_int_equal(r->status, 200);
	bool listed = false;
	const cJSON *m;
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(r->json, "months"))
	{
		if (num(m, "year") == year && num(m, "month") == mon) {
			listed = true;
			assert_true(num(m, "visits") >= 1);
		}
	}
	assert_true(listed);
	api_free(r);

	r = pub(PUB "/units?year=%d&month=%d", year, mon);
	assert_int_equal(r->status, 200);
	cJSON *unit = find(cJSON_GetObjectItemCaseSensitive(r->json, "units"), "unit",
			   "信阳市市场监督管理局");
	if (unit == NULL)
		fail_msg("the demo unit is not listed: %s", r->body);
	assert_true(num(unit, "visits.total") >= 1);
	assert_true(num(unit, "ratings.rated") >= 1);
	api_free(r);

	r = pub(PUB "/visits?year=%d&month=%d", year, mon);
	assert_int_equal(r->status, 200);
	cJSON *items = cJSON_GetObjectItemCaseSensitive(r->json, "items");
	cJSON *demo = find(items, "official", "陈*");
	if (demo == NULL)
		fail_msg("no demo visit: %s", r->body);
	const char *ent = cJSON_GetObjectItemCaseSensitive(demo, "enterprise")->valuestring;
	assert_true(strcmp(ent, "信阳毛尖茶业有限公司") == 0 ||
		    strcmp(ent, "平桥区明港钢构制造有限公司") == 0);
	assert_null(strstr(r->body, "陈明"));
	assert_null(strstr(r->body, "13800000001"));
	api_free(r);
}

/* The page: plain files of this origin under its own CSP (no inline script or style, no CDN),
 * cacheable, without a session. */
static void test_page_is_static_and_cacheable(void **state)
{
	(void)state;
	struct api_resp *r = api_get("/gongkai/", NULL);
	assert_int_equal(r->status, 200);
	char *csp = api_header(r, "Content-Security-Policy");
	assert_non_null(csp);
	assert_non_null(strstr(csp, "script-src 'self';"));
	assert_non_null(strstr(csp, "style-src 'self';"));
	assert_null(strstr(csp, "unsafe-inline"));
	free(csp);
	api_assert_header(r, "Cache-Control", "public, max-age=300");
	/* every script is a file of this origin; no style attribute or element; no CDN */
	for (const char *p = r->body; (p = strstr(p, "<script")) != NULL; p++) {
		const char *end = strchr(p, '>');
		assert_non_null(end);
		char *tag = strndup(p, (size_t)(end - p));
		assert_non_null(strstr(tag, " src=\"/gongkai/"));
		free(tag);
		assert_memory_equal(end, "></script>", 10);
	}
	assert_null(strstr(r->body, "style="));
	assert_null(strstr(r->body, "<style"));
	assert_null(strstr(r->body, "http://"));
	assert_null(strstr(r->body, "https://"));
	api_free(r);
	const char *files[] = {"/gongkai/gongkai.js", "/gongkai/gongkai.css"};
	for (int i = 0; i < 2; i++) {
		r = api_get(files[i], NULL);
		assert_int_equal(r->status, 200);
		assert_null(strstr(r->body, "http://"));
		assert_null(strstr(r->body, "https://"));
		assert_null(strstr(r->body, "innerHTML"));
		api_free(r);
	}
	r = api_get("/gongkai", NULL);
	assert_int_equal(r->status, 301);
	api_free(r);
}

/* The figures of July 2024 are what the test did. */
static void test_figures_per_unit_and_month(void **state)
{
	(void)state;
	struct api_resp *r = pub(PUB "/units?year=2024&month=7");
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "from"), "2024-07-01");
	assert_string_equal(api_json_str(r, "to"), "2024-07-31");
	cJSON *units = cJSON_GetObjectItemCaseSensitive(r->json, "units");
	cJSON *u1 = find(units, "unit_id", w.s.ev.s.unit.id), *u2 = find(units, "unit_id", w.u2.id);
	if (u1 == NULL || u2 == NULL)
		fail_msg("units missing: %s", r->body);
	/* U1 led a visit and an inspection (the withdrawn research counts nowhere) */
	assert_int_equal(num(u1, "visits.total"), 2);
	assert_int_equal(num(u1, "visits.visit"), 1);
	assert_int_equal(num(u1, "visits.research"), 0);
	assert_int_equal(num(u1, "visits.inspection"), 1);
	assert_int_equal(num(u1, "joint_participations"), 0);
	/* 满意 (anonymous, counted) and 不满意: 50 % */
	assert_int_equal(num(u1, "ratings.rated"), 2);
	assert_int_equal(num(u1, "ratings.satisfied"), 1);
	assert_int_equal(num(u1, "ratings.unsatisfied"), 1);
	const cJSON *rate = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(u1, "ratings"), "satisfaction_rate");
	assert_true(cJSON_IsNumber(rate) && rate->valuedouble == 0.5);
	assert_int_equal(num(u1, "cases.closed"), 1);
	assert_int_equal(num(u1, "cases.partly_substantiated"), 1);
	assert_int_equal(num(u1, "cases.substantiated"), 0);
	/* U2 took part in the joint inspection once, led nothing */
	assert_int_equal(num(u2, "visits.total"), 0);
	assert_int_equal(num(u2, "joint_participations"), 1);
	/* the city: the joint inspection once */
	cJSON *t = cJSON_GetObjectItemCaseSensitive(r->json, "totals");
	assert_int_equal(num(t, "visits.total"), 2);
	assert_int_equal(num(t, "joint_participations"), 1);
	assert_int_equal(num(t, "cases.closed"), 1);
	api_free(r);

	/* the lines: U2's filter finds the inspection it took part in */
	r = pub(PUB "/visits?year=2024&month=7&unit_id=%s", w.u2.id);
	assert_int_equal(r->status, 200);
	cJSON *items = cJSON_GetObjectItemCaseSensitive(r->json, "items");
	assert_int_equal(cJSON_GetArraySize(items), 1);
	cJSON *line = find(items, "id", w.joint);
	assert_non_null(line);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(line, "date")->valuestring,
			    "2024-07-10");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(line, "unit")->valuestring,
			    w.s.ev.s.unit.name);
	assert_string_equal(
	    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(line, "participating_units"), 0)
		->valuestring,
	    w.u2.name);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(line, "activity")->valuestring,
			    "执法检查");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(line, "enterprise")->valuestring,
			    w.s.ev.s.ent.m.name);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(line, "official")->valuestring, "入*");
	api_free(r);
	r = pub(PUB "/visits?year=2024&month=7&unit_id=%s&activity_type=visit", w.s.ev.s.unit.id);
	items = cJSON_GetObjectItemCaseSensitive(r->json, "items");
	assert_int_equal(cJSON_GetArraySize(items), 1);
	assert_non_null(find(items, "id", w.visit));
	api_free(r);
}

/* The list is paged: at most 50 lines, keyset by id. */
static void test_lines_are_paged_and_bounded(void **state)
{
	(void)state;
	struct api_resp *r =
	    pub(PUB "/visits?year=2024&month=7&unit_id=%s&limit=1", w.s.ev.s.unit.id);
	assert_int_equal(r->status, 200);
	const char *after = ev_next_after(r);
	assert_string_equal(after, w.joint); /* newest first */
	char next[32];
	snprintf(next, sizeof(next), "%s", after);
	api_free(r);
	r = pub(PUB "/visits?year=2024&month=7&unit_id=%s&limit=1&after=%s", w.s.ev.s.unit.id,
		next);
	assert_non_null(find(cJSON_GetObjectItemCaseSensitive(r->json, "items"), "id", w.visit));
	api_free(r);
	static const struct {
		const char *query, *field;
	} bad[] = {{"limit=51", "limit"},
		   {"year=2024", "month"},
		   {"month=7", "year"},
		   {"year=1999&month=1", "year"},
		   {"year=2024&month=13", "month"},
		   {"unit_id=abc", "unit_id"},
		   {"activity_type=party", "activity_type"}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = pub(PUB "/visits?%s", bad[i].query);
		api_assert_problem(r, 400, "bad-request");
		api_assert_error_field(r, bad[i].field);
		api_free(r);
	}
}

/* nginx keeps a public answer a minute; each answer still carries its own request id. */
static void test_answers_are_cached(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), PUB "/units?year=2024&month=7&nocache=same-%d", (int)getpid());
	struct api_resp *a = api_get(path, NULL), *b = api_get(path, NULL);
	assert_int_equal(a->status, 200);
	assert_int_equal(b->status, 200);
	api_assert_header(a, "Cache-Control", "public, max-age=60");
	api_assert_header(b, "X-Cache-Status", "HIT");
	assert_string_equal(a->body, b->body);
	char *ia = api_request_id(a), *ib = api_request_id(b);
	assert_string_not_equal(ia, ib);
	free(ia);
	free(ib);
	api_free(a);
	api_free(b);
}

static cJSON *joint_line(void)
{
	struct api_resp *r = pub(PUB "/visits?year=2024&month=7&unit_id=%s", w.u2.id);
	assert_int_equal(r->status, 200);
	cJSON *line = cJSON_Duplicate(
	    find(cJSON_GetObjectItemCaseSensitive(r->json, "items"), "id", w.joint), 1);
	api_free(r);
	assert_non_null(line);
	return line;
}

/* The enterprise's manager opts out, the county office opts back in; nobody else may. */
static void test_enterprise_opts_out(void **state)
{
	(void)state;
	char path[160];
	snprintf(path, sizeof(path), "/api/v1/evaluation/enterprises/%s/disclosure",
		 w.s.ev.s.ent.m.id);
	struct api_resp *r = vs_call("PUT", path, w.s.ev.manager, "{\"opt_out\":true}");
	assert_int_equal(r->status, 200);
	cJSON *mine = find(cJSON_GetObjectItemCaseSensitive(r->json, "items"), "enterprise_id",
			   w.s.ev.s.ent.m.id);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(mine, "disclosure_opt_out")));
	assert_int_equal(api_audit_rows_of(r), 1);
	api_free(r);
	/* again: nothing changes, nothing is written */
	r = vs_call("PUT", path, w.s.ev.manager, "{\"opt_out\":true}");
	assert_int_equal(r->status, 200);
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	cJSON *line = joint_line();
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(line, "enterprise")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(line, "enterprise_withheld")));
	char *text = cJSON_PrintUnformatted(line);
	assert_null(strstr(text, w.s.ev.s.ent.m.name));
	free(text);
	cJSON_Delete(line);

	/* refused: another enterprise's manager, a body that is not a boolean */
	struct vs_enterprise other;
	vs_enterprise_new(&other, false);
	char *stranger = vs_manager_new(&other, NULL);
	r = vs_call("PUT", path, stranger, "{\"opt_out\":false}");
	api_assert_problem(r, 404, "not-found");
	api_free(r);
	free(stranger);
	r = vs_call("PUT", path, w.s.ev.manager, "{\"opt_out\":\"no\"}");
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, "opt_out");
	api_free(r);

	/* the portal: the unit admin may not, another county's admin does not find it, the
	 * county office does */
	char admin_path[160];
	snprintf(admin_path, sizeof(admin_path), "/api/v1/admin/enterprises/%s/disclosure",
		 w.s.ev.s.ent.m.id);
	r = as_admin(&w.s.unit, "PUT", admin_path, "{\"opt_out\":false}");
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	struct cs_admin elsewhere;
	cs_admin_new(&elsewhere, "county_admin", "411503", NULL);
	r = as_admin(&elsewhere, "PUT", admin_path, "{\"opt_out\":false}");
	api_assert_problem(r, 404, "not-found");
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	cs_admin_free(&elsewhere);
	r = as_admin(&w.s.county, "PUT", admin_path, "{\"opt_out\":false}");
	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r->json, "disclosure_opt_out")));
	api_free(r);
	line = joint_line();
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(line, "enterprise")->valuestring,
			    w.s.ev.s.ent.m.name);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(line, "enterprise_withheld")));
	cJSON_Delete(line);
}

/* A field the policy switches off is in no line. */
static void test_policy_decides_the_fields(void **state)
{
	(void)state;
	vs_policy_set("disclosure_official", 0);
	vs_policy_set("disclosure_matter", 0);
	vs_policy_set("disclosure_enterprise", 0);
	cJSON *line = joint_line();
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(line, "official")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(line, "matter")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(line, "enterprise")));
	assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(line, "unit")));
	assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(line, "date")));
	cJSON_Delete(line);
	vs_policy_restore();
	line = joint_line();
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(line, "official")->valuestring, "入*");
	cJSON_Delete(line);
}

/* --- nothing private in any public answer ----------------------------------------------- */

#define OFFICIAL   "司马望舒"
#define PHONE	   "13700001234"
#define CERT	   "GK-7788-1234"
#define COMPANION  "上官云卿"
#define COMP_CERT  "ZF99887766"
#define ID_NUMBER  "411502199001011234"
#define RATER_NOTE "联系我 13800138000"

/* What no public answer may hold: full names, phone numbers, certificate and identity
 * numbers, positions. */
static const char *const secrets[] = {
    OFFICIAL,	  PHONE,     "137 0000 1234", CERT,	    COMPANION,
    COMP_CERT,	  ID_NUMBER, MT_PHONE,	      MT_LEGAL_REP, "13912345678",
    "入企测试员", "32.123",  "114.07",	      "32.1239",    NULL};

/* Fails when text holds a secret. */
static void assert_clean(const char *what, const char *text)
{
	for (int i = 0; secrets[i] != NULL; i++)
		if (strstr(text, secrets[i]) != NULL)
			fail_msg("%s holds \"%s\": %s", what, secrets[i], text);
}

/* Every string and every member name of a JSON answer, and its raw text. */
static void assert_clean_json(const char *what, const cJSON *j)
{
	static const char *const keys[] = {"phone",	 "cert_no", "latitude", "longitude",
					   "distance_m", "rater",   NULL};
	for (const cJSON *c = j != NULL ? j->child : NULL; c != NULL; c = c->next) {
		if (c->string != NULL) {
			assert_clean(what, c->string);
			for (int i = 0; keys[i] != NULL; i++)
				if (strcmp(c->string, keys[i]) == 0)
					fail_msg("%s has a member %s", what, keys[i]);
		}
		if (cJSON_IsString(c))
			assert_clean(what, c->valuestring);
		assert_clean_json(what, c);
	}
}

static void check_answer(struct api_resp *r, const char *what)
{
	assert_int_equal(r->status, 200);
	assert_clean(what, r->body);
	if (r->json != NULL)
		assert_clean_json(what, r->json);
}

static void test_nothing_private_in_any_public_answer(void **state)
{
	(void)state;
	struct ev_scene sc;
	ev_scene_new(&sc);
	/* the official's profile names everything the public must not see */
	char json[1024];
	snprintf(json, sizeof(json),
		 "{\"name\":\"" OFFICIAL "\",\"unit_id\":\"%s\",\"post\":\"执法科员\","
		 "\"cert_no\":\"" CERT "\",\"phone\":\"" PHONE "\"}",
		 sc.s.unit.id);
	struct api_resp *r = vs_call("PUT", "/api/v1/registration/profile", sc.s.off.bearer, json);
	assert_int_equal(r->status, 200);
	api_free(r);
	cJSON *b = vs_body(sc.s.ent.token, "inspection");
	vs_body_exemption(b, "complaint_report");
	vs_body_str(b, "matter",
		    OFFICIAL "与" COMPANION "检查，联系电话 137 0000 1234，证号 " CERT
			     "，同行证号" COMP_CERT "，法定代表人" MT_LEGAL_REP "身份证" ID_NUMBER);
	cJSON *companions = cJSON_AddArrayToObject(b, "companions");
	cJSON *c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "name", COMPANION);
	cJSON_AddStringToObject(c, "unit", "市场监管局");
	cJSON_AddStringToObject(c, "cert_no", COMP_CERT);
	cJSON_AddItemToArray(companions, c);
	char *visit = vs_register_ok(sc.s.off.bearer, b);
	cJSON_Delete(b);
	r = vs_call("POST", ev_path(visit, "/confirm"), sc.manager, NULL);
	assert_int_equal(r->status, 200);
	api_free(r);
	r = ev_rate(sc.manager, visit, "unsatisfied", RATER_NOTE, true, false);
	assert_int_equal(r->status, 201);
	api_free(r);
	r = vs_call("POST", vs_path(visit, "/finish"), sc.s.off.bearer,
		    "{\"done\":\"已告知" MT_LEGAL_REP "，回访电话" PHONE "\","
		    "\"findings\":\"" COMPANION "发现隐患\"}");
	assert_int_equal(r->status, 200);
	api_free(r);
	vs_visit_move(visit, "2024-08-12 10:00:00+08");

	/* every public answer of the month, with every filter, page by page */
	r = pub(PUB "/months");
	check_answer(r, "months");
	api_free(r);
	r = pub(PUB "/units");
	check_answer(r, "units of this month");
	api_free(r);
	r = pub(PUB "/units?year=2024&month=8");
	check_answer(r, "units");
	assert_non_null(
	    find(cJSON_GetObjectItemCaseSensitive(r->json, "units"), "unit_id", sc.s.unit.id));
	api_free(r);
	static const char *const filters[] = {"", "&activity_type=inspection", "&limit=1", NULL};
	int seen = 0;
	for (int f = 0; filters[f] != NULL; f++) {
		char after[32] = "";
		for (int page = 0; page < 100; page++) {
			r = pub(PUB "/visits?year=2024&month=8%s%s%s", filters[f],
				after[0] != '\0' ? "&after=" : "", after);
			check_answer(r, "visits");
			cJSON *line =
			    find(cJSON_GetObjectItemCaseSensitive(r->json, "items"), "id", visit);
			if (line != NULL) {
				seen++;
				/* masked, not gone: the name's first character, the summaries */
				assert_string_equal(
				    cJSON_GetObjectItemCaseSensitive(line, "official")->valuestring,
				    "司*");
				const char *matter =
				    cJSON_GetObjectItemCaseSensitive(line, "matter")->valuestring;
				assert_non_null(strstr(matter, "司*与上*检查"));
				assert_non_null(strstr(matter, "***"));
				assert_non_null(
				    cJSON_GetObjectItemCaseSensitive(line, "result")->valuestring);
			}
			const cJSON *next = cJSON_GetObjectItemCaseSensitive(r->json, "next_after");
			bool more = cJSON_IsString(next);
			if (more)
				snprintf(after, sizeof(after), "%s", next->valuestring);
			api_free(r);
			if (!more)
				break;
		}
	}
	assert_int_equal(seen, 3);
	snprintf(json, sizeof(json), PUB "/visits?year=2024&month=8&unit_id=%s", sc.s.unit.id);
	r = pub("%s", json);
	check_answer(r, "visits of the unit");
	api_free(r);
	/* the page itself */
	const char *files[] = {"/gongkai/", "/gongkai/gongkai.js", "/gongkai/gongkai.css", NULL};
	for (int i = 0; files[i] != NULL; i++) {
		r = api_get(files[i], NULL);
		check_answer(r, files[i]);
		api_free(r);
	}
	free(visit);
	ev_scene_free(&sc);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_demo_data_shows),
	    cmocka_unit_test(test_page_is_static_and_cacheable),
	    cmocka_unit_test(test_figures_per_unit_and_month),
	    cmocka_unit_test(test_lines_are_paged_and_bounded),
	    cmocka_unit_test(test_answers_are_cached),
	    cmocka_unit_test(test_enterprise_opts_out),
	    cmocka_unit_test(test_policy_decides_the_fields),
	    cmocka_unit_test(test_nothing_private_in_any_public_answer),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
