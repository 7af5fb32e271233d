/* The cross-tenant HTTP matrix: every route of the five route tables (linked in, so a new
 * route is tried or this test fails) × every party that is not party A — another official
 * (of A's own unit), another enterprise's manager, another county's admin, another unit's
 * admin, and anonymous — with party A's objects in the path. Party A is an official of a
 * unit, an enterprise of county 411502 with its bound manager, a visit with a result, a
 * rated visit and the case its 不满意 opened, a photo, a claim, notifications and the
 * county's and unit's admins.
 *
 * From B's side nothing of A is visible or changeable:
 *   - a route reading one of A's objects answers B with a refusal (4xx), never its content;
 *   - no answer of any read route carries A's marker texts (a visit's matter and result, a
 *     rating's comment) or, in a list, A's objects by id;
 *   - a route changing one of A's objects answers B with a refusal and writes no audit row;
 *   - nothing answers 5xx.
 * Routes that are public by design (a code's page and images, the summaries of the public
 * disclosure) and path parameters that name
 * no party's object (the calendar's days, the policy's keys, the jobs of their requester
 * alone, which test_exports_visits and test_print_jobs try) are listed below with the
 * reason; a new kind of path parameter fails the test until it is listed. Positive controls
 * show that A's own parties see the markers where B must not. */
#include "api.h"
#include "cases_support.h"

#include "admin/routes.h"
#include "complaints/routes.h"
#include "evaluation/routes.h"
#include "registration/routes.h"
#include "reporting/routes.h"

#include "../data/sample_jpeg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_IDS = 4 };

/* Party A's objects by the name of the path segment before a parameter. */
struct kind {
	const char *segment; /* "visits" in /visits/{id} */
	const char *param;   /* "id" */
	const char *ids[MAX_IDS];
	const char *why_not_a_party; /* set: the value names no party's object (reason) */
};

static struct {
	struct cs_scene a; /* unit, enterprise 411502, official, manager, county and unit admins */
	char *visit, *rated_visit, *case_id, *attachment, *claim, *binding, *mgr_note, *admin_note,
	    *mapping, *official_id, *m_matter, *m_done, *m_comment;
	/* the parties B */
	struct vs_official other_official;
	struct vs_enterprise other_ent;
	char *other_manager;
	struct cs_admin other_county, other_unit_admin;
	struct vs_unit other_unit;
	struct kind kinds[32];
	size_t nkinds;
	long tries, routes, refusals;
} m;

enum party { OTHER_OFFICIAL, OTHER_MANAGER, OTHER_COUNTY, OTHER_UNIT, ANONYMOUS, NPARTIES };
static const char *const party_names[NPARTIES] = {
    "another official", "another enterprise's manager", "another county's admin",
    "another unit's admin", "anonymous"};

static const struct rq_app *const families[] = {&registration_app, &evaluation_app, &complaints_app,
						&reporting_app, &admin_app};

/* Public by design: the code's page and images show the enterprise's public facts to
 * whoever scans it (README, "The code"). */
static bool public_by_design(const char *pattern)
{
	return strncmp(pattern, "/api/v1/registration/codes/{token}", 34) == 0;
}

/* The public disclosure (双公开) shows anyone a summary of each visit's matter and result,
 * by design (README, "Public disclosure"); never a rating's comment. */
static bool public_summary(const char *pattern)
{
	return strncmp(pattern, "/api/v1/reporting/public/", 25) == 0;
}

static char *owner_str(const char *sql, int n, const char *const *p)
{
	char *v = api_owner_value(sql, n, p);
	if (v == NULL)
		fail_msg("no row: %s", sql);
	return v;
}

static char *first_item_id(struct api_resp *r, const char *what)
{
	if (r->status != 200)
		fail_msg("%s: %ld %s", what, r->status, r->body);
	cJSON *items = cJSON_GetObjectItemCaseSensitive(r->json, "items");
	cJSON *id = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, 0), "id");
	char *v = cJSON_IsString(id) ? strdup(id->valuestring) : NULL;
	api_free(r);
	return v;
}

static void add_kind(const char *segment, const char *param, const char *why, const char *id1,
		     const char *id2)
{
	struct kind *k = &m.kinds[m.nkinds++];
	k->segment = segment;
	k->param = param;
	k->why_not_a_party = why;
	k->ids[0] = id1;
	k->ids[1] = id2;
}

static int setup(void **state)
{
	(void)state;
	cs_scene_new(&m.a);
	struct ev_scene *ev = &m.a.ev;
	m.m_matter = strdup(api_unique("事项机密"));
	m.m_done = strdup(api_unique("结果机密"));
	m.m_comment = strdup(api_unique("评价机密"));
	m.visit = ev_visit(ev);
	ev_edit_and_finish(ev, m.visit, m.m_matter, m.m_done);
	m.rated_visit = ev_confirmed_visit(ev);
	struct api_resp *r =
	    ev_rate(ev->manager, m.rated_visit, "unsatisfied", m.m_comment, false, false);
	if (r->status != 200 && r->status != 201)
		fail_msg("rating: %ld %s", r->status, r->body);
	api_free(r);
	const char *pv[] = {m.rated_visit};
	m.case_id = owner_str("SELECT id FROM rq.cases WHERE visit_id = $1::bigint", 1, pv);
	char auth[256];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", ev->s.off.bearer);
	r = api_call_bytes("POST", "/api/v1/registration/attachments", "image/jpeg", sample_jpeg,
			   sizeof(sample_jpeg), (const char *[]){auth, NULL});
	if (r->status != 201 || api_json_str(r, "id") == NULL)
		fail_msg("photo: %ld %s", r->status, r->body);
	m.attachment = strdup(api_json_str(r, "id"));
	api_free(r);
	const char *pe[] = {ev->s.ent.m.id, ev->manager_id};
	m.binding = owner_str("SELECT id FROM rq.manager_bindings WHERE enterprise_id = $1::bigint"
			      " AND account_id = $2::bigint",
			      2, pe);
	/* a claim waiting for the county: a second account of the enterprise asks without a
	 * code */
	char *claimant = mt_account("matrix-claim", NULL);
	r = mt_claim(claimant, &ev->s.ent.m, MT_LEGAL_REP, NULL);
	api_free(r);
	free(claimant);
	m.claim = api_owner_value("SELECT max(id) FROM rq.claim_requests WHERE enterprise_id = "
				  "$1::bigint",
				  1, pe);
	m.mgr_note =
	    first_item_id(vs_call("GET", "/api/v1/evaluation/notifications", ev->manager, NULL),
			  "manager's notifications");
	m.admin_note =
	    first_item_id(mt_portal_get(&m.a.county.p, "/api/v1/admin/notifications"), "notices");
	const char *pm[] = {api_unique("慧企通单位"), ev->s.unit.id};
	m.mapping = api_owner_insert("INSERT INTO rq.unit_mappings (source, name, unit_id)"
				     " VALUES ('huiqitong', $1, $2::bigint) RETURNING id",
				     2, pm);
	m.official_id = ev->s.off.account_id;

	/* the parties B */
	vs_official_new(&m.other_official, ev->s.unit.id, "HN-ZF-0009", true);
	vs_enterprise_new(&m.other_ent, true);
	m.other_manager = vs_manager_new(&m.other_ent, NULL);
	cs_admin_new(&m.other_county, "county_admin", "411503", NULL);
	vs_unit_new(&m.other_unit, NULL);
	cs_admin_new(&m.other_unit_admin, "unit_admin", NULL, m.other_unit.id);

	/* what each path parameter names */
	add_kind("visits", "id", NULL, m.visit, m.rated_visit);
	add_kind("cases", "id", NULL, m.case_id, NULL);
	add_kind("enterprises", "id", NULL, ev->s.ent.m.id, NULL);
	add_kind("managers", "binding_id", NULL, m.binding, NULL);
	add_kind("units", "id", NULL, ev->s.unit.id, NULL);
	add_kind("units", "unit_id", NULL, ev->s.unit.id, NULL);
	add_kind("users", "id", NULL, m.a.county.id, m.a.unit.id);
	add_kind("claims", "id", NULL, m.claim, NULL);
	add_kind("officials", "id", NULL, m.official_id, NULL);
	add_kind("attachments", "id", NULL, m.attachment, NULL);
	add_kind("codes", "token", NULL, ev->s.ent.token, NULL);
	add_kind("unit-mappings", "id", NULL, m.mapping, NULL);
	add_kind("policy", "key", "a city-wide setting, no party's object", "frequency_day_max",
		 NULL);
	add_kind("calendar", "day", "a day of the city's calendar, no party's object", "2031-01-01",
		 NULL);
	add_kind("print-jobs", "id",
		 "a job of its requester alone (test_print_jobs); no party of this matrix has one",
		 "1", NULL);
	add_kind("jobs", "id",
		 "an export of its requester alone (test_exports_visits); no party here has one",
		 "1", NULL);
	add_kind("report-runs", "id", "the city's scheduled reports (test_report_cli)", "1", NULL);
	add_kind("files", "format", "a file format", "csv", NULL);
	/* notifications: the manager's (evaluation) and the county admin's (admin) */
	add_kind("notifications", "id", NULL, m.mgr_note, m.admin_note);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	printf("tenant matrix: %ld routes × %d parties: %ld tries, %ld refused\n", m.routes,
	       NPARTIES, m.tries, m.refusals);
	return 0;
}

/* The kind of {param} at p (which points at '{') in pattern. */
static const struct kind *kind_of(const char *pattern, const char *p, char *param, size_t size)
{
	const char *close = strchr(p, '}');
	snprintf(param, size, "%.*s", (int)(close - p - 1), p + 1);
	const char *seg_end = p - 1, *seg = seg_end;
	while (seg > pattern && seg[-1] != '/')
		seg--;
	char segment[64];
	snprintf(segment, sizeof(segment), "%.*s", (int)(seg_end - seg), seg);
	for (size_t i = 0; i < m.nkinds; i++)
		if (strcmp(m.kinds[i].segment, segment) == 0 &&
		    strcmp(m.kinds[i].param, param) == 0)
			return &m.kinds[i];
	fail_msg("%s: path parameter {%s} after /%s/ names no object this matrix knows: add it "
		 "to the kinds of tests/api/test_tenant_matrix.c",
		 pattern, param, segment);
	return NULL;
}

/* Appends to paths[*n] every path of pattern from p on, prefix first: each {param} taken by
 * each of A's objects of its kind (at most 4 paths). Sets *tenant when some parameter names
 * a party's object. */
static void expand(const char *pattern, const char *p, const char *prefix, char paths[4][512],
		   int *n, bool *tenant)
{
	const char *open = strchr(p, '{');
	if (open == NULL) {
		if (*n < 4)
			snprintf(paths[(*n)++], 512, "%s%s", prefix, p);
		return;
	}
	char param[64], next[512];
	const struct kind *k = kind_of(pattern, open, param, sizeof(param));
	if (k->ids[0] == NULL)
		fail_msg("%s: party A has no object for {%s}", pattern, param);
	*tenant |= k->why_not_a_party == NULL;
	for (int j = 0; j < MAX_IDS && k->ids[j] != NULL; j++) {
		snprintf(next, sizeof(next), "%s%.*s%s", prefix, (int)(open - p), p, k->ids[j]);
		expand(pattern, strchr(open, '}') + 1, next, paths, n, tenant);
	}
}

static int paths_of(const char *pattern, char paths[4][512], bool *tenant)
{
	int n = 0;
	*tenant = false;
	expand(pattern, pattern, "", paths, &n, tenant);
	return n;
}

static struct api_resp *call_as(enum party b, const char *method, const char *path,
				const char *json)
{
	const struct api_portal *portal = b == OTHER_COUNTY ? &m.other_county.p
					  : b == OTHER_UNIT ? &m.other_unit_admin.p
							    : NULL;
	const char *bearer = b == OTHER_OFFICIAL  ? m.other_official.bearer
			     : b == OTHER_MANAGER ? m.other_manager
						  : NULL;
	char auth[256];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer != NULL ? bearer : "");
	const char *headers[3] = {NULL, NULL, NULL};
	if (portal != NULL) {
		headers[0] = portal->cookie_header;
		headers[1] = portal->csrf_header;
	} else if (bearer != NULL) {
		headers[0] = auth;
	}
	bool body = strcmp(method, "GET") != 0 && strcmp(method, "DELETE") != 0;
	for (int attempt = 0;; attempt++) {
		struct api_resp *r = api_call(method, path, body ? "application/json" : NULL,
					      body ? json : NULL, headers);
		if (r->status != 429 || attempt == 50)
			return r;
		api_free(r);
		usleep(100 * 1000);
	}
}

/* True when some member of json named name (any depth) equals id. */
static bool has_member(const cJSON *json, const char *name, const char *id)
{
	for (const cJSON *c = json != NULL ? json->child : NULL; c != NULL; c = c->next) {
		if (c->string != NULL && strcmp(c->string, name) == 0 &&
		    ((cJSON_IsString(c) && strcmp(c->valuestring, id) == 0) ||
		     (cJSON_IsNumber(c) && (double)atoll(id) == c->valuedouble)))
			return true;
		if (has_member(c, name, id))
			return true;
	}
	return false;
}

/* What of A an answer must not hold (summaries: but a summary of the matter and result). */
static void assert_nothing_of_a(const struct api_resp *r, const char *what, bool summaries)
{
	const char *markers[] = {m.m_comment, m.m_matter, m.m_done};
	for (size_t i = 0; i < (summaries ? 1 : 3); i++)
		if (r->body != NULL && strstr(r->body, markers[i]) != NULL)
			fail_msg("%s: the answer (%ld) shows party A's \"%s\"", what, r->status,
				 markers[i]);
	struct {
		const char *member, *id;
	} ids[] = {{"visit_id", m.visit},	   {"visit_id", m.rated_visit},
		   {"case_id", m.case_id},	   {"attachment_id", m.attachment},
		   {"official_id", m.official_id}, {"account_id", m.official_id}};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (has_member(r->json, ids[i].member, ids[i].id))
			fail_msg("%s: the answer names party A's %s %s", what, ids[i].member,
				 ids[i].id);
}

static void try_route(const struct rq_route *route)
{
	char paths[4][512];
	bool tenant;
	int n = paths_of(route->pattern, paths, &tenant);
	bool read = strcmp(route->method, "GET") == 0;
	/* a write without a path parameter makes something new: it is not about A's objects */
	if (!read && strchr(route->pattern, '{') == NULL)
		return;
	m.routes++;
	for (int i = 0; i < n; i++)
		for (int b = 0; b < NPARTIES; b++) {
			char what[768];
			snprintf(what, sizeof(what), "%s %.511s as %s", route->method, paths[i],
				 party_names[b]);
			struct api_resp *r = call_as(b, route->method, paths[i], "{}");
			m.tries++;
			if (r->status >= 500)
				fail_msg("%s: %ld %s", what, r->status, r->body);
			bool refused = r->status >= 400;
			m.refusals += refused;
			if (tenant && !public_by_design(route->pattern) && !refused)
				fail_msg("%s: %ld, not a refusal: %.300s", what, r->status,
					 r->body);
			if (!read && !refused && !public_by_design(route->pattern))
				fail_msg("%s: %ld: a change was accepted", what, r->status);
			if (!read && api_audit_rows_of(r) != 0)
				fail_msg("%s: %ld, and it wrote audit rows", what, r->status);
			assert_nothing_of_a(r, what, public_summary(route->pattern));
			api_free(r);
		}
}

static struct api_resp *call_as(enum party b, const char *method, const char *path,
				const char *json);

/* Controls: every party B has a live session (a refusal is not a mere 401), and A's own
 * parties see the markers (the checks below would find them). */
static void test_controls(void **state)
{
	(void)state;
	for (int b = 0; b < ANONYMOUS; b++) {
		struct api_resp *r = call_as(b, "GET", "/api/v1/auth/me", NULL);
		if (r->status != 200)
			fail_msg("%s: GET /api/v1/auth/me: %ld", party_names[b], r->status);
		api_free(r);
	}
	struct ev_scene *ev = &m.a.ev;
	struct api_resp *r = vs_call("GET", vs_path(m.visit, ""), ev->s.off.bearer, NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, m.m_matter));
	api_free(r);
	r = vs_call("GET", "/api/v1/registration/visits?limit=100", ev->s.off.bearer, NULL);
	assert_non_null(strstr(r->body, m.m_matter));
	api_free(r);
	r = vs_call("GET", ev_path(m.rated_visit, ""), ev->manager, NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, m.m_comment));
	api_free(r);
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/admin/visits/%s", m.visit);
	r = mt_portal_get(&m.a.county.p, path);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, m.m_matter));
	api_free(r);
}

static void test_every_route_every_other_party(void **state)
{
	(void)state;
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (size_t i = 0; i < families[f]->nroutes; i++) {
			const struct rq_route *route = &families[f]->routes[i];
			if (route->flags & RQ_ROUTE_DEV_ONLY)
				continue;
			try_route(route);
		}
	/* A's objects are as they were */
	struct api_resp *r = vs_call("GET", vs_path(m.visit, ""), m.a.ev.s.off.bearer, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_json_str(r, "matter"), m.m_matter);
	api_free(r);
	assert_true(m.routes > 50);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_controls),
	    cmocka_unit_test(test_every_route_every_other_party),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
