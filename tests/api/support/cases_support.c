#include "cases_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cs_admin_new(struct cs_admin *a, const char *role, const char *county, const char *unit)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->p.username, sizeof(a->p.username), "%s", api_unique("cs-admin"));
	a->p.password = unit != NULL ? api_create_admin_of_unit(a->p.username, role, unit)
				     : api_create_admin_scoped(a->p.username, role, county);
	a->p.cookie = api_admin_login(a->p.username, a->p.password, &a->p.csrf);
	snprintf(a->p.cookie_header, sizeof(a->p.cookie_header), "Cookie: %s", a->p.cookie);
	snprintf(a->p.csrf_header, sizeof(a->p.csrf_header), "X-CSRF-Token: %s", a->p.csrf);
	const char *p[] = {a->p.username};
	char *id = api_owner_value("SELECT id FROM rq.admin_users WHERE username = $1", 1, p);
	assert_non_null(id);
	snprintf(a->id, sizeof(a->id), "%s", id);
	free(id);
}

void cs_admin_free(struct cs_admin *a)
{
	api_portal_free(&a->p);
}

void cs_scene_new(struct cs_scene *s)
{
	ev_scene_new(&s->ev);
	cs_admin_new(&s->county, "county_admin", s->ev.s.ent.m.county, NULL);
	cs_admin_new(&s->city, "city_admin", NULL, NULL);
	cs_admin_new(&s->unit, "unit_admin", NULL, s->ev.s.unit.id);
	cs_admin_new(&s->discipline, "discipline_inspector", NULL, NULL);
}

void cs_scene_free(struct cs_scene *s)
{
	cs_admin_free(&s->county);
	cs_admin_free(&s->city);
	cs_admin_free(&s->unit);
	cs_admin_free(&s->discipline);
	ev_scene_free(&s->ev);
}

/* The id of the case of source opened about visit (or the newest no-scan case of the
 * enterprise), read as the owner. */
static char *case_of(const struct cs_scene *s, const char *source, const char *visit_id)
{
	const char *p[] = {source, visit_id, s->ev.s.ent.m.id};
	char *id = api_owner_value("SELECT max(id) FROM rq.cases WHERE source = $1"
				   " AND ($2::bigint IS NULL OR visit_id = $2::bigint)"
				   " AND enterprise_id = $3::bigint",
				   3, p);
	assert_non_null(id);
	return id;
}

char *cs_open(const struct cs_scene *s, const char *source, bool anonymous, char **visit_id)
{
	char *visit = NULL;
	struct api_resp *r;
	if (strcmp(source, "rating") == 0) {
		visit = ev_confirmed_visit(&s->ev);
		r = ev_rate(s->ev.manager, visit, "unsatisfied",
			    "检查人员态度粗暴，反复要求提供材料", anonymous, false);
	} else if (strcmp(source, "dispute") == 0) {
		visit = ev_visit(&s->ev);
		r = vs_call("POST", ev_path(visit, "/dispute"), s->ev.manager,
			    "{\"category\":\"never_came\",\"reason\":\"当天无人来企业\"}");
	} else {
		char *at = vs_time("now() - interval '3 hours'");
		char body[512];
		snprintf(body, sizeof(body),
			 "{\"occurred_at\":\"%s\",\"unit_id\":\"%s\",\"people\":\"两名工作人员\","
			 "\"what_happened\":\"未扫码直接进入仓库检查\"}",
			 at, s->ev.s.unit.id);
		free(at);
		r = vs_call("POST", EV_BASE "/no-scan-reports", s->ev.manager, body);
	}
	if (r->status != 200 && r->status != 201)
		fail_msg("opening a %s case: %ld %s", source, r->status, r->body);
	api_free(r);
	char *id = case_of(s, source, visit);
	if (visit_id != NULL)
		*visit_id = visit;
	else
		free(visit);
	return id;
}

const char *cs_path(const char *case_id, const char *suffix)
{
	static char paths[4][256];
	static int next;
	char *p = paths[next++ % 4];
	snprintf(p, 256, CS_BASE "/cases/%s%s", case_id, suffix);
	return p;
}

struct api_resp *cs_act(const struct cs_admin *a, const char *case_id, const char *action,
			const char *json)
{
	char suffix[64];
	snprintf(suffix, sizeof(suffix), "/%s", action);
	return mt_portal_post(&a->p, cs_path(case_id, suffix), json != NULL ? json : "{}");
}

char *cs_act_ok(const struct cs_admin *a, const char *case_id, const char *action, const char *json,
		const char *status)
{
	struct api_resp *r = cs_act(a, case_id, action, json);
	if (r->status != 200 || api_json_str(r, "status") == NULL ||
	    strcmp(api_json_str(r, "status"), status) != 0)
		fail_msg("%s of case %s: %ld %s", action, case_id, r->status, r->body);
	char *rid = api_request_id(r);
	api_free(r);
	return rid;
}

struct api_resp *cs_get(const struct cs_admin *a, const char *case_id)
{
	return mt_portal_get(&a->p, cs_path(case_id, ""));
}

const char *cs_joined(const struct api_resp *r, const char *member)
{
	static char out[512];
	out[0] = '\0';
	const cJSON *o = r->json;
	char path[128];
	snprintf(path, sizeof(path), "%s", member);
	for (char *dot = strchr(path, '.'), *name = path; o != NULL;
	     name = dot + 1, dot = strchr(name, '.')) {
		if (dot == NULL) {
			o = cJSON_GetObjectItemCaseSensitive(o, name);
			break;
		}
		*dot = '\0';
		o = cJSON_GetObjectItemCaseSensitive(o, name);
	}
	if (!cJSON_IsArray(o))
		fail_msg("no array %s in %s", member, r->body);
	const cJSON *it;
	cJSON_ArrayForEach(it, o)
	{
		assert_true(cJSON_IsString(it));
		if (out[0] != '\0')
			strncat(out, ",", sizeof(out) - strlen(out) - 1);
		strncat(out, it->valuestring, sizeof(out) - strlen(out) - 1);
	}
	return out;
}

void cs_assert_refused(const struct api_resp *r, long status, const char *slug, const char *allowed)
{
	if (r->status != status)
		fail_msg("expected %ld %s, got %ld %s", status, slug, r->status, r->body);
	api_assert_problem(r, status, slug);
	assert_string_equal(cs_joined(r, "allowed_actions"), allowed);
	const char *detail = api_json_str(r, "detail");
	assert_non_null(detail);
	assert_int_equal(api_audit_rows_of(r), 0);
}

int64_t cs_events(const char *case_id)
{
	const char *p[] = {case_id};
	return api_owner_int("SELECT count(*) FROM rq.case_events WHERE case_id = $1::bigint", 1,
			     p);
}

char *cs_status(const char *case_id)
{
	const char *p[] = {case_id};
	return api_owner_value("SELECT status FROM rq.cases WHERE id = $1::bigint", 1, p);
}

void cs_case_age(const char *case_id, const char *interval)
{
	const char *p[] = {case_id, interval};
	api_owner_write("UPDATE rq.cases SET closed_at = closed_at - $2::interval,"
			" step_started_at = step_started_at - $2::interval WHERE id = $1::bigint",
			2, p);
}

void cs_follow_up(const struct cs_admin *a, const char *case_id, const char *contact_person,
		  const char *says, const char *wish)
{
	char *at = vs_time("now() - interval '1 hour'");
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "method", "phone");
	cJSON_AddStringToObject(b, "contacted_at", at);
	cJSON_AddStringToObject(b, "contact_person", contact_person);
	cJSON_AddStringToObject(b, "enterprise_says", says);
	cJSON_AddStringToObject(b, "wish", wish);
	char *json = cJSON_PrintUnformatted(b);
	free(cs_act_ok(a, case_id, "follow-up", json, "analysis"));
	free(json);
	cJSON_Delete(b);
	free(at);
}

void cs_take_to_determination(const struct cs_scene *s, const char *case_id,
			      const char *classification)
{
	char body[256];
	snprintf(body, sizeof(body),
		 "{\"classification\":\"%s\",\"question\":\"请说明当日入企检查经过\"}",
		 classification);
	free(cs_act_ok(&s->county, case_id, "investigate", body, "investigation"));
	free(cs_act_ok(&s->unit, case_id, "statement",
		       "{\"text\":\"经核实，当日检查人员言语不当，已批评教育\"}", "investigation"));
	free(cs_act_ok(&s->county, case_id, "refer", "{\"summary\":\"单位已说明情况\"}",
		       "determination"));
}

void cs_take_to_closed(const struct cs_scene *s, const char *case_id, const char *outcome)
{
	free(cs_act_ok(&s->county, case_id, "accept", "{}", "follow_up"));
	cs_follow_up(&s->county, case_id, "王经理", "希望单位说明情况", "investigation");
	cs_take_to_determination(s, case_id, "attitude");
	char body[256];
	snprintf(body, sizeof(body), "{\"outcome\":\"%s\",\"measures\":\"责令单位整改并回访企业\"}",
		 outcome);
	free(cs_act_ok(&s->city, case_id, "determine", body, "closed"));
}
