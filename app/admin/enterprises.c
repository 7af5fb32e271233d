#include "enterprises.h"

#include "rq_outcome.h"
#include "rq_config.h"
#include "rq_db.h"
#include "rq_import.h"
#include "rq_input.h"
#include "rq_page.h"
#include "rq_row_json.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* An enterprise as the portal shows it: the name shown (the county's, once verified or
 * corrected) beside the register's own, whether it is in scope of a code (not 个体工商户),
 * and its active code's serial. */
#define ENTERPRISE_COLUMNS                                                                         \
	"e.id, e.uscc, e.project_code, e.name, e.register_name, e.register_name_changed,"          \
	" e.legal_rep, e.address, e.county_code, e.industry, e.business_status, e.in_scope,"       \
	" e.latitude, e.longitude, e.name_verified, e.disclosure_opt_out, e.updated_at,"           \
	" (SELECT c.serial FROM rq.codes c WHERE c.enterprise_id = e.id AND c.status = 'active')"  \
	" AS serial"

/* Every statement also filters by the county admin's county ($n, NULL for the other roles),
 * on top of the row-level security policies of lib/sql/policies.sql. */
static struct rq_stmt st_import_lock =
    RQ_STMT("admin_enterprises_import_lock",
	    "SELECT pg_advisory_xact_lock(hashtext('rq.import_enterprises'))", 0);
/* The list's filters: after id $1, county $2, verified $3 (false is the queue of names to
 * check: only enterprises that will get a code once checked, in scope and in normal
 * operation), in_scope $5, register_name_changed $6; $4 rows at most. */
#define LIST_FILTERS                                                                               \
	" e.id > $1::bigint AND ($2::text IS NULL OR e.county_code = $2)"                          \
	" AND ($3::boolean IS NULL OR e.name_verified = $3::boolean)"                              \
	" AND ($3::boolean IS DISTINCT FROM false"                                                 \
	" OR (e.in_scope AND e.business_status = 'normal'))"                                       \
	" AND ($5::boolean IS NULL OR e.in_scope = $5::boolean)"                                   \
	" AND ($6::boolean IS NULL OR e.register_name_changed = $6::boolean)"                      \
	" ORDER BY e.id LIMIT $4::int"
static struct rq_stmt st_list =
    RQ_STMT("admin_enterprises_list",
	    "SELECT " ENTERPRISE_COLUMNS " FROM rq.enterprises e WHERE" LIST_FILTERS, 6);
/* The same among the enterprises search $7 finds (app/admin/sql/enterprises.sql). */
static struct rq_stmt st_search =
    RQ_STMT("admin_enterprises_search",
	    "SELECT " ENTERPRISE_COLUMNS " FROM rq.enterprise_search($7) h (id)"
	    " JOIN rq.enterprises e ON e.id = h.id WHERE" LIST_FILTERS,
	    7);
/* The enterprise in full (GET /api/v1/admin/enterprises/{id}): its codes newest first, its
 * managers (active first, then those who left, newest first) and how often it was entered
 * (row-level security counts the visits the admin may see: a county admin's county; a
 * withdrawn registration is no entry, counted apart). */
static struct rq_stmt st_get = RQ_STMT(
    "admin_enterprises_get",
    "SELECT " ENTERPRISE_COLUMNS ","
    " (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id::text, 'serial', c.serial,"
    " 'status', c.status, 'issued_at', c.issued_at, 'printed_at', c.printed_at,"
    " 'revoked_at', c.revoked_at, 'revoke_reason', c.revoke_reason) ORDER BY c.id DESC),"
    " '[]') FROM rq.codes c WHERE c.enterprise_id = e.id) AS codes,"
    " (SELECT coalesce(jsonb_agg(jsonb_build_object('binding_id', b.id::text,"
    " 'account_id', b.account_id::text, 'name', b.claimant_name, 'phone', b.phone,"
    " 'method', b.method, 'status', b.status, 'bound_at', b.bound_at,"
    " 'unbound_at', b.unbound_at, 'ended_by', b.ended_by::text, 'end_reason', b.end_reason)"
    " ORDER BY b.status = 'active' DESC, b.id DESC), '[]')"
    " FROM rq.manager_bindings b WHERE b.enterprise_id = e.id) AS managers,"
    " (SELECT jsonb_build_object('total', count(*),"
    " 'this_year', count(*) FILTER (WHERE v.entered_at >= date_trunc('year', now())),"
    " 'this_month', count(*) FILTER (WHERE v.entered_at >= date_trunc('month', now())),"
    " 'inspections_this_year', count(*) FILTER (WHERE v.activity_type = 'inspection'"
    " AND v.entered_at >= date_trunc('year', now())),"
    " 'disputed', count(*) FILTER (WHERE v.confirmation = 'disputed'),"
    " 'last_entered_at', max(v.entered_at), 'withdrawn', (SELECT count(*) FROM rq.visits w"
    " WHERE w.enterprise_id = e.id AND w.withdrawn_at IS NOT NULL))"
    " FROM rq.visits v WHERE v.enterprise_id = e.id AND v.withdrawn_at IS NULL) AS visits"
    " FROM rq.enterprises e WHERE e.id = $1::bigint AND ($2::text IS NULL OR e.county_code = $2)",
    2);
/* A corrected name must be verified again; the same name changes nothing (no audit row). A
 * name that agrees with the register's again is no longer a difference to look at. */
static struct rq_stmt st_rename = RQ_STMT(
    "admin_enterprises_rename",
    "UPDATE rq.enterprises e SET name = $2, name_verified = e.name_verified AND e.name = $2,"
    " register_name_changed = e.register_name_changed AND e.register_name <> $2"
    " WHERE e.id = $1::bigint AND ($3::text IS NULL OR e.county_code = $3)"
    " RETURNING " ENTERPRISE_COLUMNS,
    3);
/* Verifying the name also settles a difference with the register's name (the county looked
 * at it). */
static struct rq_stmt st_verify =
    RQ_STMT("admin_enterprises_verify",
	    "UPDATE rq.enterprises e SET name_verified = true, register_name_changed = false"
	    " WHERE e.id = $1::bigint AND ($2::text IS NULL OR e.county_code = $2)"
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

static void add_bool(cJSON *o, const PGresult *res, int row, const char *col)
{
	const char *v = rq_sql_val(res, row, col);
	cJSON_AddBoolToObject(o, col, v != NULL && strcmp(v, "t") == 0);
}

static cJSON *enterprise_json(const PGresult *res, int row)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "id", rq_sql_val(res, row, "id"));
	add_text_or_null(e, "uscc", rq_sql_val(res, row, "uscc"));
	add_text_or_null(e, "project_code", rq_sql_val(res, row, "project_code"));
	cJSON_AddStringToObject(e, "name", rq_sql_val(res, row, "name"));
	cJSON_AddStringToObject(e, "register_name", rq_sql_val(res, row, "register_name"));
	add_bool(e, res, row, "register_name_changed");
	add_text_or_null(e, "legal_rep", rq_sql_val(res, row, "legal_rep"));
	add_text_or_null(e, "address", rq_sql_val(res, row, "address"));
	cJSON_AddStringToObject(e, "county_code", rq_sql_val(res, row, "county_code"));
	add_text_or_null(e, "industry", rq_sql_val(res, row, "industry"));
	cJSON_AddStringToObject(e, "business_status", rq_sql_val(res, row, "business_status"));
	add_bool(e, res, row, "in_scope");
	add_number_or_null(e, "latitude", rq_sql_val(res, row, "latitude"));
	add_number_or_null(e, "longitude", rq_sql_val(res, row, "longitude"));
	add_bool(e, res, row, "name_verified");
	add_bool(e, res, row, "disclosure_opt_out");
	add_text_or_null(e, "serial", rq_sql_val(res, row, "serial"));
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
	for (size_t i = 0; i < imp->problems.n; i++) {
		const struct rq_problem *p = &imp->problems.items[i];
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
	cJSON_AddNumberToObject(o, "out_of_scope", (double)n.out_of_scope);
	cJSON_AddNumberToObject(o, "names_kept", (double)n.names_kept);
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
	const char *q = rq_req_arg(req, "q");
	const char *params[] = {page.after_s,
				county,
				verified,
				page.limit_s,
				rq_req_arg(req, "in_scope"),
				rq_req_arg(req, "register_name_changed"),
				q};
	PGresult *res = rq_sql(req, q != NULL ? &st_search : &st_list, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	rq_page_respond(req, resp, res, &page, enterprise_json);
}

/* True when res holds the enterprise; else answers (the statement's error, or 404 when no row
 * was visible) and returns false. */
static bool found(struct rq_req *req, struct rq_resp *resp, PGresult *res)
{
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return false;
	}
	if (PQntuples(res) == 0) {
		/* Another county's enterprise is answered exactly like a missing one. */
		rq_outcome_refuse(req, resp, "enterprise-unknown", NULL, NULL);
		return false;
	}
	return true;
}

/* Answers the RETURNING row of an update: 200 with it, or 404 when no row was visible. */
static void answer_row(struct rq_req *req, struct rq_resp *resp, PGresult *res)
{
	if (found(req, resp, res))
		rq_resp_json(req, resp, 200, enterprise_json(res, 0));
}

RQ_HANDLER(admin_enterprises_get)
{
	const char *params[] = {rq_req_param(req, "id"), scope_county(req)};
	PGresult *res = rq_sql(req, &st_get, params);
	if (!found(req, resp, res))
		return;
	cJSON *e = enterprise_json(res, 0);
	static const char *const parts[] = {"codes", "managers", "visits"};
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		cJSON_AddItemToObject(e, parts[i], rq_json_column(res, 0, parts[i]));
	rq_resp_json(req, resp, 200, e);
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
