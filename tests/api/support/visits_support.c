#include "visits_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vs_unit_new(struct vs_unit *u, const char *discipline_group)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->name, sizeof(u->name), "%s", api_unique("入企测试局"));
	if (discipline_group != NULL)
		snprintf(u->discipline_group, sizeof(u->discipline_group), "%s", discipline_group);
	const char *p[] = {u->name, discipline_group};
	PGconn *c = api_owner_tx();
	char *id = api_sql_value(c,
				 "INSERT INTO rq.units (name, discipline_group) VALUES ($1, $2)"
				 " RETURNING id",
				 2, p);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
	assert_non_null(id);
	snprintf(u->id, sizeof(u->id), "%s", id);
	free(id);
}

void vs_enterprise_new(struct vs_enterprise *e, bool located)
{
	memset(e, 0, sizeof(*e));
	mt_enterprise_new(&e->m, "411502", "normal");
	char lat[32], lon[32];
	snprintf(lat, sizeof(lat), "%.6f", VS_LAT);
	snprintf(lon, sizeof(lon), "%.6f", VS_LON);
	const char *p[] = {e->m.id, located ? lat : NULL, located ? lon : NULL};
	PGconn *c = api_owner_tx();
	api_sql_exec(c,
		     "UPDATE rq.enterprises SET latitude = $2::numeric, longitude = $3::numeric"
		     " WHERE id = $1::bigint",
		     3, p);
	char *code = api_sql_value(c, "SELECT rq.issue_code($1::bigint)", 1, p);
	assert_non_null(code);
	const char *pc[] = {code};
	char *token = api_sql_value(c, "SELECT token FROM rq.codes WHERE id = $1::bigint", 1, pc);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
	assert_non_null(token);
	snprintf(e->code_id, sizeof(e->code_id), "%s", code);
	snprintf(e->token, sizeof(e->token), "%s", token);
	free(code);
	free(token);
}

/* A city admin made once per test program: the verifier of officials. */
static const char *city_admin_id(void)
{
	static char id[24];
	if (id[0] == '\0') {
		char username[128];
		snprintf(username, sizeof(username), "%s", api_unique("vs-city"));
		free(api_create_admin(username, "city_admin"));
		const char *p[] = {username};
		char *v =
		    api_owner_value("SELECT id FROM rq.admin_users WHERE username = $1", 1, p);
		assert_non_null(v);
		snprintf(id, sizeof(id), "%s", v);
		free(v);
	}
	return id;
}

static void verify(const char *account_id)
{
	PGconn *c = api_db("app");
	api_sql_exec(c, "BEGIN", 0, NULL);
	const char *pa[] = {city_admin_id()};
	api_sql_exec(c, "SELECT rq.set_actor('admin', $1, 'city_admin', NULL, NULL, 'test', '')", 1,
		     pa);
	const char *p[] = {account_id};
	char *ok = api_sql_value(
	    c, "SELECT (rq.official_change($1::bigint, 'verify', NULL)).outcome", 1, p);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
	assert_non_null(ok);
	assert_string_equal(ok, "ok");
	free(ok);
}

void vs_account_new(struct vs_official *o)
{
	memset(o, 0, sizeof(*o));
	o->bearer = mt_account("vs-off", &o->account_id);
}

void vs_official_new(struct vs_official *o, const char *unit_id, const char *cert_no, bool verified)
{
	vs_account_new(o);
	snprintf(o->unit_id, sizeof(o->unit_id), "%s", unit_id);
	if (cert_no != NULL)
		snprintf(o->cert_no, sizeof(o->cert_no), "%s", cert_no);
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "name", "入企测试员");
	cJSON_AddStringToObject(b, "unit_id", unit_id);
	cJSON_AddStringToObject(b, "post", "执法科员");
	if (cert_no != NULL)
		cJSON_AddStringToObject(b, "cert_no", cert_no);
	cJSON_AddStringToObject(b, "phone", "13912345678");
	char *json = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	struct api_resp *r = vs_call("PUT", "/api/v1/registration/profile", o->bearer, json);
	free(json);
	if (r->status != 201)
		fail_msg("profile: %ld %s", r->status, r->body);
	api_free(r);
	if (verified)
		verify(o->account_id);
}

void vs_official_free(struct vs_official *o)
{
	free(o->bearer);
	free(o->account_id);
	o->bearer = o->account_id = NULL;
}

char *vs_manager_new(const struct vs_enterprise *e, char **account_id)
{
	char *bearer = mt_account("vs-mgr", account_id);
	char *code = mt_activation_code(&e->m);
	struct api_resp *r = mt_claim(bearer, &e->m, MT_LEGAL_REP, code);
	if (r->status != 201)
		fail_msg("claim: %ld %s", r->status, r->body);
	api_free(r);
	free(code);
	return bearer;
}

void vs_scene_new(struct vs_scene *s)
{
	vs_unit_new(&s->unit, "派驻入企测试纪检监察组");
	vs_enterprise_new(&s->ent, true);
	vs_official_new(&s->off, s->unit.id, "HN-ZF-0001", true);
}

void vs_scene_free(struct vs_scene *s)
{
	vs_official_free(&s->off);
}

const char *vs_key(void)
{
	return api_unique("vkey");
}

cJSON *vs_body(const char *token, const char *activity_type)
{
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "token", token);
	cJSON_AddStringToObject(b, "activity_type", activity_type);
	cJSON_AddStringToObject(b, "matter", "了解企业用工情况");
	if (strcmp(activity_type, "inspection") == 0)
		cJSON_AddStringToObject(b, "legal_basis", "《安全生产法》第六十五条");
	/* 0.0009° of latitude: about 100 m north of the enterprise */
	vs_body_location(b, VS_LAT + 0.0009, VS_LON);
	return b;
}

void vs_body_location(cJSON *body, double latitude, double longitude)
{
	cJSON *loc = cJSON_CreateObject();
	cJSON_AddNumberToObject(loc, "latitude", latitude);
	cJSON_AddNumberToObject(loc, "longitude", longitude);
	cJSON_AddNumberToObject(loc, "accuracy", 15);
	if (cJSON_HasObjectItem(body, "location"))
		cJSON_ReplaceItemInObjectCaseSensitive(body, "location", loc);
	else
		cJSON_AddItemToObject(body, "location", loc);
}

void vs_body_str(cJSON *body, const char *field, const char *value)
{
	cJSON_DeleteItemFromObjectCaseSensitive(body, field);
	cJSON_AddStringToObject(body, field, value);
}

void vs_body_exemption(cJSON *body, const char *category)
{
	cJSON *ex = cJSON_CreateObject();
	cJSON_AddStringToObject(ex, "category", category);
	cJSON_AddStringToObject(ex, "reason", "群众实名举报存在重大安全隐患");
	cJSON_DeleteItemFromObjectCaseSensitive(body, "exemption");
	cJSON_AddItemToObject(body, "exemption", ex);
}

struct api_resp *vs_post(const char *bearer, const char *key, const char *json)
{
	char auth[256], idem[256];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer);
	snprintf(idem, sizeof(idem), "Idempotency-Key: %s", key != NULL ? key : "");
	const char *headers[] = {auth, key != NULL ? idem : NULL, NULL};
	return api_call("POST", VS_VISITS, "application/json", json, headers);
}

struct api_resp *vs_register(const char *bearer, const cJSON *body)
{
	char *json = cJSON_PrintUnformatted(body);
	struct api_resp *r = vs_post(bearer, vs_key(), json);
	free(json);
	return r;
}

char *vs_register_ok(const char *bearer, const cJSON *body)
{
	struct api_resp *r = vs_register(bearer, body);
	if (r->status != 201)
		fail_msg("register: %ld %s", r->status, r->body);
	const char *id = api_json_str(r, "id");
	assert_non_null(id);
	char *out = strdup(id);
	api_free(r);
	return out;
}

void vs_assert_refused(const char *bearer, const cJSON *body, long status, const char *slug,
		       const char *field, const char *what)
{
	struct api_resp *r = vs_register(bearer, body);
	if (r->status != status)
		fail_msg("%s: expected %ld, got %ld %s", what, status, r->status, r->body);
	api_assert_problem(r, status, slug);
	if (field != NULL)
		api_assert_error_field(r, field);
	api_free(r);
}

struct api_resp *vs_call(const char *method, const char *path, const char *bearer, const char *json)
{
	char auth[256];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer);
	const char *headers[] = {auth, NULL};
	return api_call(method, path, json != NULL ? "application/json" : NULL, json, headers);
}

const char *vs_path(const char *visit_id, const char *suffix)
{
	static char path[256];
	snprintf(path, sizeof(path), VS_VISITS "/%s%s", visit_id, suffix);
	return path;
}

char *vs_attachment_new(const char *account_id)
{
	const char *p[] = {account_id};
	return api_owner_insert(
	    "INSERT INTO rq.attachments (account_id, sha256, content_type,"
	    " size_bytes) VALUES ($1::bigint, encode(sha256(random()::text::bytea),"
	    " 'hex'), 'image/jpeg', 1234) RETURNING id",
	    1, p);
}

bool vs_has_flag(const struct api_resp *r, const char *flag)
{
	cJSON *f;
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(r->json, "flags"))
	{
		if (cJSON_IsString(f) && strcmp(f->valuestring, flag) == 0)
			return true;
	}
	return false;
}

void vs_assert_flags(const struct api_resp *r, const char *const *flags)
{
	cJSON *have = cJSON_GetObjectItemCaseSensitive(r->json, "flags");
	if (!cJSON_IsArray(have))
		fail_msg("no flags[]: %ld %s", r->status, r->body);
	int n = 0;
	for (const char *const *f = flags; *f != NULL; f++, n++)
		if (!vs_has_flag(r, *f))
			fail_msg("flag %s missing: %s", *f, r->body);
	if (cJSON_GetArraySize(have) != n)
		fail_msg("expected %d flags: %s", n, r->body);
}

cJSON *vs_warning(const struct api_resp *r, const char *rule, const char *unit_id)
{
	cJSON *w;
	cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(r->json, "warnings"))
	{
		cJSON *ru = cJSON_GetObjectItemCaseSensitive(w, "rule");
		if (!cJSON_IsString(ru) || strcmp(ru->valuestring, rule) != 0)
			continue;
		if (unit_id != NULL) {
			/* ids are strings everywhere in the API */
			cJSON *u = cJSON_GetObjectItemCaseSensitive(w, "unit_id");
			if (!cJSON_IsString(u) || strcmp(u->valuestring, unit_id) != 0)
				continue;
		}
		cJSON *m = cJSON_GetObjectItemCaseSensitive(w, "message");
		if (!cJSON_IsString(m) || m->valuestring[0] == '\0')
			fail_msg("warning %s without a message: %s", rule, r->body);
		return w;
	}
	return NULL;
}

long vs_num(const cJSON *o, const char *field)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);
	if (!cJSON_IsNumber(v))
		fail_msg("no number %s", field);
	return (long)v->valuedouble;
}

char *vs_time(const char *sql_expr)
{
	char sql[2048];
	snprintf(sql, sizeof(sql),
		 "SELECT to_char((%s) AT TIME ZONE 'Asia/Shanghai',"
		 " 'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')",
		 sql_expr);
	char *t = api_owner_value(sql, 0, NULL);
	assert_non_null(t);
	return t;
}

void vs_visit_move(const char *visit_id, const char *entered_at)
{
	const char *p[] = {visit_id, entered_at};
	PGconn *c = api_owner_tx();
	api_sql_exec(c, "UPDATE rq.visits SET entered_at = $2::timestamptz WHERE id = $1::bigint",
		     2, p);
	api_sql_exec(c,
		     "UPDATE rq.visit_units SET entered_at = $2::timestamptz"
		     " WHERE visit_id = $1::bigint",
		     2, p);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
}

int64_t vs_rows(const char *table, const char *column, const char *id)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE %s = $1::bigint", table, column);
	const char *p[] = {id};
	return api_owner_int(sql, 1, p);
}

int64_t vs_account_visit_rows(const char *account_id)
{
	const char *p[] = {account_id};
	return api_owner_int(
	    "WITH v AS (SELECT id FROM rq.visits WHERE account_id = $1::bigint)"
	    " SELECT (SELECT count(*) FROM v)"
	    " + (SELECT count(*) FROM rq.visit_units WHERE visit_id IN (SELECT id FROM v))"
	    " + (SELECT count(*) FROM rq.filings WHERE visit_id IN (SELECT id FROM v))"
	    " + (SELECT count(*) FROM rq.outbox WHERE visit_id IN (SELECT id FROM v))"
	    " + (SELECT count(*) FROM rq.visit_attachments WHERE visit_id IN (SELECT id FROM v))"
	    " + (SELECT count(*) FROM rq.idempotency_keys WHERE account_id = $1::bigint)",
	    1, p);
}

/* The first value of each key changed by vs_policy_set, to put back. */
static struct {
	char key[48];
	int value;
} saved[16];
static int nsaved;

static void policy_write(const char *key, int value)
{
	char v[16];
	snprintf(v, sizeof(v), "%d", value);
	const char *p[] = {key, v};
	PGconn *c = api_owner_tx();
	assert_int_equal(
	    api_sql_exec(c, "UPDATE rq.policy SET value = $2::int WHERE key = $1", 2, p), 1);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
}

void vs_policy_set(const char *key, int value)
{
	int i = 0;
	while (i < nsaved && strcmp(saved[i].key, key) != 0)
		i++;
	if (i == nsaved) {
		assert_true(nsaved < (int)(sizeof(saved) / sizeof(saved[0])));
		const char *p[] = {key};
		saved[i].value =
		    (int)api_owner_int("SELECT value FROM rq.policy WHERE key = $1", 1, p);
		snprintf(saved[i].key, sizeof(saved[i].key), "%s", key);
		nsaved++;
	}
	policy_write(key, value);
}

void vs_policy_restore(void)
{
	for (int i = nsaved - 1; i >= 0; i--)
		policy_write(saved[i].key, saved[i].value);
	nsaved = 0;
}

int vs_policy_teardown(void **state)
{
	(void)state;
	vs_policy_restore();
	return 0;
}
