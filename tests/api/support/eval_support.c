#include "eval_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ev_scene_new(struct ev_scene *sc)
{
	vs_scene_new(&sc->s);
	sc->manager = vs_manager_new(&sc->s.ent, &sc->manager_id);
}

void ev_scene_free(struct ev_scene *sc)
{
	vs_scene_free(&sc->s);
	free(sc->manager);
	free(sc->manager_id);
	sc->manager = sc->manager_id = NULL;
}

char *ev_visit(const struct ev_scene *sc)
{
	cJSON *b = vs_body(sc->s.ent.token, "visit");
	char *id = vs_register_ok(sc->s.off.bearer, b);
	cJSON_Delete(b);
	return id;
}

char *ev_confirmed_visit(const struct ev_scene *sc)
{
	char *id = ev_visit(sc);
	struct api_resp *r = vs_call("POST", ev_path(id, "/confirm"), sc->manager, NULL);
	if (r->status != 200)
		fail_msg("confirm: %ld %s", r->status, r->body);
	api_free(r);
	return id;
}

void ev_edit_and_finish(const struct ev_scene *sc, const char *visit_id, const char *matter,
			const char *done)
{
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "matter", matter);
	char *json = cJSON_PrintUnformatted(b);
	struct api_resp *r = vs_call("PATCH", vs_path(visit_id, ""), sc->s.off.bearer, json);
	if (r->status != 200)
		fail_msg("edit: %ld %s", r->status, r->body);
	api_free(r);
	free(json);
	cJSON_Delete(b);
	b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "done", done);
	json = cJSON_PrintUnformatted(b);
	r = vs_call("POST", vs_path(visit_id, "/finish"), sc->s.off.bearer, json);
	if (r->status != 200)
		fail_msg("finish: %ld %s", r->status, r->body);
	api_free(r);
	free(json);
	cJSON_Delete(b);
}

const char *ev_path(const char *visit_id, const char *suffix)
{
	static char path[256];
	snprintf(path, sizeof(path), EV_BASE "/visits/%s%s", visit_id, suffix);
	return path;
}

struct api_resp *ev_rate(const char *bearer, const char *visit_id, const char *value,
			 const char *comment, bool anonymous, bool change)
{
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "value", value);
	if (comment != NULL)
		cJSON_AddStringToObject(b, "comment", comment);
	cJSON_AddBoolToObject(b, "anonymous", anonymous);
	char *json = cJSON_PrintUnformatted(b);
	struct api_resp *r =
	    vs_call(change ? "PUT" : "POST", ev_path(visit_id, "/rating"), bearer, json);
	free(json);
	cJSON_Delete(b);
	return r;
}

char *ev_county_admin(const char *county)
{
	char name[128];
	snprintf(name, sizeof(name), "%s", api_unique("ev-county"));
	free(api_create_admin_scoped(name, "county_admin", county));
	const char *p[] = {name};
	char *id = api_owner_value("SELECT id FROM rq.admin_users WHERE username = $1", 1, p);
	assert_non_null(id);
	return id;
}

int64_t ev_admin_notices(const char *admin_id, const char *case_id)
{
	const char *p[] = {admin_id, case_id};
	return api_owner_int("SELECT count(*) FROM rq.outbox WHERE admin_user_id = $1::bigint"
			     " AND case_id = $2::bigint AND kind = 'case_opened'",
			     2, p);
}

PGconn *ev_app_as(const char *kind, const char *id, const char *role, const char *county,
		  const char *unit)
{
	PGconn *c = api_db("app");
	api_sql_exec(c, "BEGIN", 0, NULL);
	const char *p[] = {kind, id, role, county, unit};
	api_sql_exec(c, "SELECT rq.set_actor($1, $2, $3, $4, $5, 'test', '')", 5, p);
	return c;
}

const char *ev_joined(const struct api_resp *r, const char *member)
{
	static char out[1024];
	out[0] = '\0';
	cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
	{
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, member);
		assert_true(cJSON_IsString(v));
		if (out[0] != '\0')
			strncat(out, ",", sizeof(out) - strlen(out) - 1);
		strncat(out, v->valuestring, sizeof(out) - strlen(out) - 1);
	}
	return out;
}

const char *ev_next_after(const struct api_resp *r)
{
	static char out[32];
	const cJSON *next = cJSON_GetObjectItemCaseSensitive(r->json, "next_after");
	if (cJSON_IsString(next))
		snprintf(out, sizeof(out), "%s", next->valuestring);
	else if (cJSON_IsNumber(next))
		snprintf(out, sizeof(out), "%.0f", next->valuedouble);
	else
		fail_msg("no next_after in %s", r->body);
	return out;
}
