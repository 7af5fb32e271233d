#include "enterprises.h"

#include "rq_outcome.h"
#include "rq_config.h"
#include "rq_db.h"
#include "rq_import.h"
#include "rq_input.h"
#include "rq_page.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ENTERPRISE_COLUMNS                                                                         \
	"id, uscc, project_code, name, legal_rep, address, county_code, industry,"                 \
	" business_status, latitude, longitude, name_verified, updated_at"

/* Every statement also filters by the county admin's county ($n, NULL for the other roles),
 * on top of the row-level security policies of lib/sql/policies.sql. */
static struct rq_stmt st_import_lock =
    RQ_STMT("admin_enterprises_import_lock",
	    "SELECT pg_advisory_xact_lock(hashtext('rq.import_enterprises'))", 0);
static struct rq_stmt st_list =
    RQ_STMT("admin_enterprises_list",
	    "SELECT " ENTERPRISE_COLUMNS " FROM rq.enterprises"
	    " WHERE id > $1::bigint AND ($2::text IS NULL OR county_code = $2)"
	    " AND ($3::boolean IS NULL OR name_verified = $3::boolean)"
	    " ORDER BY id LIMIT $4::int",
	    4);
/* A corrected name must be verified again; the same name changes nothing (no audit row). */
static struct rq_stmt st_rename =
    RQ_STMT("admin_enterprises_rename",
	    "UPDATE rq.enterprises SET name = $2, name_verified = name_verified AND name = $2"
	    " WHERE id = $1::bigint AND ($3::text IS NULL OR county_code = $3)"
	    " RETURNING " ENTERPRISE_COLUMNS,
	    3);
static struct rq_stmt st_verify =
    RQ_STMT("admin_enterprises_verify",
	    "UPDATE rq.enterprises SET name_verified = true"
	    " WHERE id = $1::bigint AND ($2::text IS NULL OR county_code = $2)"
	    " RETURNING " ENTERPRISE_COLUMNS,
	    2);

/* The county a county admin is confined to; NULL for roles that see every county. */
static const char *scope_county(const struct rq_req *req)
{
	if (req->actor.role != NULL && strcmp(req->actor.role, "county_admin") == 0)
		return req->actor.county != NULL ? req->actor.county : "";
	return NULL;
}

static void add_text_or_null(cJSON *o, const char *key, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_number_or_null(cJSON *o, const char *key, const char *v)
{
	/* numeric(9,6) text from PostgreSQL is a valid JSON number */
	if (v != NULL)
		cJSON_AddRawToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *enterprise_json(const PGresult *res, int row)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "id", rq_sql_val(res, row, "id"));
	add_text_or_null(e, "uscc", rq_sql_val(res, row, "uscc"));
	add_text_or_null(e, "project_code", rq_sql_val(res, row, "project_code"));
	cJSON_AddStringToObject(e, "name", rq_sql_val(res, row, "name"));
	add_text_or_null(e, "legal_rep", rq_sql_val(res, row, "legal_rep"));
	add_text_or_null(e, "address", rq_sql_val(res, row, "address"));
	cJSON_AddStringToObject(e, "county_code", rq_sql_val(res, row, "county_code"));
	add_text_or_null(e, "industry", rq_sql_val(res, row, "industry"));
	cJSON_AddStringToObject(e, "business_status", rq_sql_val(res, row, "business_status"));
	add_number_or_null(e, "latitude", rq_sql_val(res, row, "latitude"));
	add_number_or_null(e, "longitude", rq_sql_val(res, row, "longitude"));
	cJSON_AddBoolToObject(e, "name_verified",
			      strcmp(rq_sql_val(res, row, "name_verified"), "t") == 0);
	rq_json_add_column(e, res, row, "updated_at");
	return e;
}

/* ?flag=1|0|true|false. Returns 0 and sets *out (false when absent), or -1 after answering
 * 400. */
/* text/csv, with any parameters (the encoding is detected from the bytes, not declared). */
static bool content_type_is_csv(const char *ct)
{
	static const char csv[] = "text/csv";
	if (strncasecmp(ct, csv, sizeof(csv) - 1) != 0)
		return false;
	const char *rest = ct + sizeof(csv) - 1;
	while (*rest == ' ')
		rest++;
	return *rest == '\0' || *rest == ';';
}

static cJSON *problems_json(const struct rq_import *imp)
{
	cJSON *list = cJSON_CreateArray();
	for (size_t i = 0; i < imp->nproblems; i++) {
		const struct rq_import_problem *p = &imp->problems[i];
		cJSON *e = cJSON_CreateObject();
		if (p->line > 0)
			cJSON_AddNumberToObject(e, "line", (double)p->line);
		else
			cJSON_AddNullToObject(e, "line");
		cJSON_AddStringToObject(e, "field", p->field);
		cJSON_AddStringToObject(e, "message", p->message);
		cJSON_AddItemToArray(list, e);
	}
	return list;
}

static void clear_result(void *p)
{
	PQclear(p);
}

RQ_HANDLER(admin_enterprises_import)
{
	bool dry_run = rq_req_arg_true(req, "dry_run"), strict = rq_req_arg_true(req, "strict");
	if (!content_type_is_csv(req->content_type)) {
		rq_problem(req, resp, 415, "unsupported-media-type", "Unsupported media type",
			   "请以 text/csv 格式（UTF-8 或 GBK "
			   "编码）上传文件；超过大小上限的文件请由运维人员用 "
			   "`ruqima import enterprises` 导入");
		return;
	}
	struct rq_import *imp =
	    rq_import_parse(req->arena, req->body, req->body_len, (size_t)req->cfg->max_body);
	if (imp->fatal) {
		rq_problem_invalid(req, resp, problems_json(imp));
		return;
	}
	/* Opens the request's transaction (actor context set: the writes are audited) and
	 * waits for any other import to finish. */
	PGresult *res = rq_sql(req, &st_import_lock, NULL);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	struct rq_import_counts n;
	PGresult *err = NULL;
	switch (rq_import_run(rq_db_conn(req->db), imp, dry_run, strict, &n, NULL, NULL, &err)) {
	case RQ_IMPORT_OK:
		break;
	case RQ_IMPORT_REFUSED:
		rq_problem_invalid(req, resp, problems_json(imp));
		return;
	case RQ_IMPORT_DB_ERROR:
		if (err != NULL)
			rq_arena_cleanup(req->arena, clear_result, err);
		rq_problem_sql(req, resp, err);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "dry_run", dry_run);
	cJSON_AddStringToObject(o, "encoding", imp->encoding);
	cJSON_AddNumberToObject(o, "rows", (double)n.rows);
	cJSON_AddNumberToObject(o, "inserted", (double)n.inserted);
	cJSON_AddNumberToObject(o, "updated", (double)n.updated);
	cJSON_AddNumberToObject(o, "unchanged", (double)n.unchanged);
	cJSON_AddItemToObject(o, "rejected", problems_json(imp));
	rq_resp_json(req, resp, 200, o);
}

RQ_HANDLER(admin_enterprises_list)
{
	struct rq_page page;
	if (rq_page_parse(req, resp, &page) != 0)
		return;
	const char *verified = rq_req_arg(req, "verified");
	const char *county = rq_req_arg(req, "county");
	const char *scope = scope_county(req);
	if (scope != NULL) {
		if (county != NULL && strcmp(county, scope) != 0) {
			rq_problem(req, resp, 403, "forbidden", "Forbidden",
				   "县区营商办只能查看本县区的企业");
			return;
		}
		county = scope;
	}
	const char *params[] = {page.after_s, county, verified, page.limit_s};
	PGresult *res = rq_sql(req, &st_list, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	rq_page_respond(req, resp, res, &page, enterprise_json);
}

/* Answers the RETURNING row of an update: 200 with it, or 404 when no row was visible. */
static void answer_row(struct rq_req *req, struct rq_resp *resp, PGresult *res)
{
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	if (PQntuples(res) == 0) {
		/* Another county's enterprise is answered exactly like a missing one. */
		rq_outcome_refuse(req, resp, "enterprise-unknown", NULL, NULL);
		return;
	}
	rq_resp_json(req, resp, 200, enterprise_json(res, 0));
}

RQ_HANDLER(admin_enterprises_patch)
{
	const char *id = rq_req_param(req, "id");
	cJSON *errors = rq_errors_new();
	const char *name = rq_json_string(req->json, "name", true, 1, 200, errors);
	if (name != NULL && strpbrk(name, "\t\r\n") != NULL)
		rq_errors_add(errors, "name", "须为一行文字（不能含制表符或换行）");
	if (rq_problem_if_invalid(req, resp, errors))
		return;
	/* Leading and trailing blanks are never part of a registered name. */
	while (*name == ' ')
		name++;
	size_t len = strlen(name);
	while (len > 0 && name[len - 1] == ' ')
		len--;
	const char *params[] = {id, rq_strndup(req->arena, name, len), scope_county(req)};
	answer_row(req, resp, rq_sql(req, &st_rename, params));
}

RQ_HANDLER(admin_enterprises_verify)
{
	const char *id = rq_req_param(req, "id");
	const char *params[] = {id, scope_county(req)};
	answer_row(req, resp, rq_sql(req, &st_verify, params));
}
