#include "managers_support.h"

#include "rq_token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* A valid credit code no one used before: "91" + county + "MB" + 7 random characters +
 * the GB 32100 check character (weights 3^i mod 31; check = (31 - sum mod 31) mod 31). */
static void uscc_new(const char *county, char out[19])
{
	unsigned char raw[7];
	char hex[15];
	assert_int_equal(rq_random_hex(hex, 7), 0);
	for (int i = 0; i < 7; i++) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++) {
			char c = hex[2 * i + k];
			v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
		}
		raw[i] = (unsigned char)v;
	}
	assert_int_equal(snprintf(out, 19, "91%.6sMB", county), 10);
	for (int i = 0; i < 7; i++)
		out[10 + i] = uscc_alphabet[raw[i] % 31];
	int sum = 0, weight = 1;
	for (int i = 0; i < 17; i++) {
		const char *p = strchr(uscc_alphabet, out[i]);
		assert_true(p != NULL && *p != '\0');
		sum += (int)(p - uscc_alphabet) * weight;
		weight = weight * 3 % 31;
	}
	out[17] = uscc_alphabet[(31 - sum % 31) % 31];
	out[18] = '\0';
}

void mt_owner_write(const char *sql, int n, const char *const *params)
{
	api_owner_write(sql, n, params);
}

void mt_enterprise_new(struct mt_enterprise *e, const char *county, const char *status)
{
	memset(e, 0, sizeof(*e));
	uscc_new(county, e->uscc);
	snprintf(e->name, sizeof(e->name), "管理人测试企业%s有限公司", e->uscc + 10);
	snprintf(e->county, sizeof(e->county), "%s", county);
	const char *params[] = {e->uscc, e->name, county, status};
	PGconn *c = api_owner_tx();
	char *id = api_sql_value(c,
				 "INSERT INTO rq.enterprises (uscc, name, legal_rep, county_code,"
				 " business_status, name_verified)"
				 " VALUES ($1, $2, '" MT_LEGAL_REP "', $3, $4, true) RETURNING id",
				 4, params);
	assert_non_null(id);
	snprintf(e->id, sizeof(e->id), "%s", id);
	free(id);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
}

char *mt_activation_code(const struct mt_enterprise *e)
{
	const char *params[] = {e->id};
	PGconn *c = api_owner_tx();
	char *code = api_sql_value(c, "SELECT rq.activation_code_create($1::bigint)", 1, params);
	api_sql_exec(c, "COMMIT", 0, NULL);
	PQfinish(c);
	assert_non_null(code);
	return code;
}

struct api_resp *mt_claim(const char *bearer, const struct mt_enterprise *e, const char *legal_rep,
			  const char *code)
{
	return mt_claim_by(bearer, e->uscc, NULL, legal_rep, code);
}

struct api_resp *mt_claim_by(const char *bearer, const char *uscc, const char *project_code,
			     const char *legal_rep, const char *code)
{
	cJSON *o = cJSON_CreateObject();
	if (uscc != NULL)
		cJSON_AddStringToObject(o, "uscc", uscc);
	if (project_code != NULL)
		cJSON_AddStringToObject(o, "project_code", project_code);
	cJSON_AddStringToObject(o, "legal_rep", legal_rep);
	cJSON_AddStringToObject(o, "name", "李管理");
	cJSON_AddStringToObject(o, "phone", MT_PHONE);
	if (code != NULL)
		cJSON_AddStringToObject(o, "activation_code", code);
	char *body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	struct api_resp *r = api_post_json("/api/v1/evaluation/enterprises/claim", body, bearer);
	free(body);
	return r;
}

char *mt_account(const char *prefix, char **account_id)
{
	char openid[128];
	snprintf(openid, sizeof(openid), "%s", api_unique(prefix));
	char *bearer = api_wx_login(openid);
	if (account_id != NULL)
		*account_id = api_account_id(openid);
	return bearer;
}

void mt_portal_login_with(struct api_portal *p, const char *prefix, const char *role,
			  const char *opt, const char *value)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->username, sizeof(p->username), "%s", api_unique(prefix));
	p->password = api_create_admin_opt(p->username, role, opt, value);
	p->cookie = api_admin_login(p->username, p->password, &p->csrf);
	snprintf(p->cookie_header, sizeof(p->cookie_header), "Cookie: %s", p->cookie);
	snprintf(p->csrf_header, sizeof(p->csrf_header), "X-CSRF-Token: %s", p->csrf);
}

void mt_portal_login(struct api_portal *p, const char *prefix, const char *role, const char *county)
{
	mt_portal_login_with(p, prefix, role, "--county", county);
}

struct api_resp *mt_portal_post(const struct api_portal *p, const char *path, const char *json)
{
	const char *headers[] = {p->cookie_header, p->csrf_header, NULL};
	return api_call("POST", path, json != NULL ? "application/json" : NULL, json, headers);
}

struct api_resp *mt_portal_get(const struct api_portal *p, const char *path)
{
	const char *headers[] = {p->cookie_header, NULL};
	return api_call("GET", path, NULL, NULL, headers);
}
