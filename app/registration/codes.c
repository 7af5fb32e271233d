#include "codes.h"

#include "rq_outcome.h"
#include "rq_config.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_log.h"
#include "rq_poster.h"
#include "rq_qr.h"
#include "rq_sha256.h"

#include <stdlib.h>
#include <string.h>

/* Timestamps as RFC 3339 text in the database's time zone (Asia/Shanghai). */
static struct rq_stmt st_code_by_token =
    RQ_STMT("registration_code_by_token",
	    "SELECT c.serial, c.status, to_json(c.issued_at) #>> '{}' AS issued_at,"
	    " to_json(c.revoked_at) #>> '{}' AS revoked_at, e.name,"
	    " CASE WHEN e.project_code IS NULL THEN 'enterprise' ELSE 'project' END AS kind,"
	    " e.county_code, r.name AS county_name, e.business_status,"
	    " rq.business_status_label(e.business_status) AS business_status_label"
	    " FROM rq.codes c JOIN rq.enterprises e ON e.id = c.enterprise_id"
	    " JOIN rq.regions r ON r.code = e.county_code WHERE c.token = $1",
	    1);

/* 410 with the date of revocation as an extension member. The reason stays internal: it
 * may say "poster leaked" or name the registry status. */
static void problem_revoked(struct rq_req *req, struct rq_resp *resp, const char *revoked_at)
{
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "type", "/problems/code-revoked");
	cJSON_AddStringToObject(p, "title", "Code revoked");
	cJSON_AddNumberToObject(p, "status", 410);
	cJSON_AddStringToObject(
	    p, "detail",
	    revoked_at != NULL
		? rq_printf(req->arena, "该公务入企码已于 %.10s 作废，不能再使用；企业可能已有新码",
			    revoked_at)
		: "该公务入企码已作废，不能再使用；企业可能已有新码");
	if (req->request_id != NULL)
		cJSON_AddStringToObject(p, "request_id", req->request_id);
	if (revoked_at != NULL)
		cJSON_AddStringToObject(p, "revoked_at", revoked_at);
	else
		cJSON_AddNullToObject(p, "revoked_at");
	resp->content_type = "application/problem+json";
	rq_resp_json(req, resp, 410, p);
}

int registration_code_find(struct rq_req *req, struct rq_resp *resp, const char *token,
			   struct registration_code *out)
{
	if (!rq_input_token(token)) {
		rq_outcome_refuse(req, resp, "code-unknown", NULL, NULL);
		return -1;
	}
	const char *params[] = {token};
	PGresult *res = rq_sql(req, &st_code_by_token, params);
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return -1;
	}
	if (PQntuples(res) == 0) {
		rq_outcome_refuse(req, resp, "code-unknown", NULL, NULL);
		return -1;
	}
	/* The enterprise first, as the registration does (rq.visit_register): leaving normal
	 * operation also revoked its code, and "not operating" tells more than "revoked". */
	if (strcmp(rq_sql_val(res, 0, "business_status"), "normal") != 0) {
		const char *args[] = {rq_sql_val(res, 0, "name"),
				      rq_sql_val(res, 0, "business_status_label"), NULL};
		rq_outcome_refuse(req, resp, "enterprise-not-operating", args, NULL);
		return -1;
	}
	if (strcmp(rq_sql_val(res, 0, "status"), "active") != 0) {
		problem_revoked(req, resp, rq_sql_val(res, 0, "revoked_at"));
		return -1;
	}
	out->token = rq_strdup(req->arena, token);
	out->serial = rq_sql_val(res, 0, "serial");
	out->url = rq_printf(req->arena, "%s/e/%s", req->cfg->public_base_url, token);
	out->issued_at = rq_sql_val(res, 0, "issued_at");
	out->name = rq_sql_val(res, 0, "name");
	out->kind = rq_sql_val(res, 0, "kind");
	out->county_code = rq_sql_val(res, 0, "county_code");
	out->county_name = rq_sql_val(res, 0, "county_name");
	out->business_status = rq_sql_val(res, 0, "business_status");
	return 0;
}

RQ_HANDLER(registration_codes_get)
{
	struct registration_code code;
	if (registration_code_find(req, resp, rq_req_param(req, "token"), &code) != 0)
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON *c = cJSON_AddObjectToObject(o, "code");
	cJSON_AddStringToObject(c, "serial", code.serial);
	cJSON_AddStringToObject(c, "status", "active");
	cJSON_AddStringToObject(c, "issued_at", code.issued_at);
	cJSON_AddStringToObject(c, "url", code.url);
	cJSON *e = cJSON_AddObjectToObject(o, "enterprise");
	cJSON_AddStringToObject(e, "name", code.name);
	cJSON_AddStringToObject(e, "kind", code.kind);
	cJSON_AddStringToObject(e, "county_code", code.county_code);
	cJSON_AddStringToObject(e, "county_name", code.county_name);
	cJSON_AddStringToObject(e, "business_status", code.business_status);
	rq_resp_json(req, resp, 200, o);
}

/* --- the images of a code: the bare QR and the printable A4 poster ---------------------- */

/* Pixels per module of the bare QR: a 41-module symbol (version 6, level H, our URLs) plus
 * the quiet zone is 49 × 12 = 588 px, crisp at any integer scale a client applies. */
enum { QR_MODULE_PX = 12 };

/* The image of a token changes only when the enterprise's name is corrected or the code
 * is revoked; a day's caching lets a revocation or a correction reach every client the
 * next day, and the image is the same for everyone ("public"). */
static const char IMAGE_CACHE_CONTROL[] = "public, max-age=86400";

static void free_png(void *p)
{
	free(p);
}

/* What a drawing changes with: the drawing's kind and every text it draws. nginx caches the
 * images by token (nginx/ruqima.conf.template) and, when its copy is older than
 * RQ_NGINX_IMAGE_CACHE_VALID, asks again with If-None-Match: an unchanged image is then a
 * 304 that costs this query and no drawing; a revoked code is a 410, a corrected name a new
 * image. Bump the kind's suffix when the drawing code changes what it draws. */
static const char *image_etag(struct rq_req *req, const char *kind, const char *const *parts,
			      size_t n)
{
	struct rq_sha256 s;
	rq_sha256_init(&s);
	rq_sha256_update(&s, kind, strlen(kind) + 1);
	for (size_t i = 0; i < n; i++) {
		const char *p = parts[i] != NULL ? parts[i] : "";
		rq_sha256_update(&s, p, strlen(p) + 1); /* the NUL separates the parts */
	}
	uint8_t d[RQ_SHA256_LEN];
	rq_sha256_final(&s, d);
	char hex[2 * 16 + 1];
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return rq_printf(req->arena, "\"%s\"", hex);
}

static void image_headers(struct rq_req *req, struct rq_resp *resp, const char *etag,
			  const char *filename)
{
	rq_resp_header(resp, "Cache-Control", IMAGE_CACHE_CONTROL);
	rq_resp_header(resp, "ETag", etag);
	/* The serial is digits and a hyphen (rq.codes CHECK): safe in a quoted filename. */
	rq_resp_header(resp, "Content-Disposition",
		       rq_printf(req->arena, "inline; filename=\"%s\"", filename));
}

/* 304 when the client (nginx revalidating its copy) has this version already. */
static bool image_not_modified(struct rq_req *req, struct rq_resp *resp, const char *etag,
			       const char *filename)
{
	const char *inm = rq_req_header(req, "If-None-Match");
	if (inm == NULL || strstr(inm, etag) == NULL)
		return false;
	resp->status = 304;
	image_headers(req, resp, etag, filename);
	return true;
}

/* Answers 200 with the PNG (freed with the request) and its headers. */
static void answer_png(struct rq_req *req, struct rq_resp *resp, uint8_t *png, size_t len,
		       const char *etag, const char *filename)
{
	rq_arena_cleanup(req->arena, free_png, png);
	resp->status = 200;
	resp->content_type = "image/png";
	resp->body = (const char *)png;
	resp->body_len = len;
	image_headers(req, resp, etag, filename);
}

static void render_failed(struct rq_req *req, struct rq_resp *resp, const char *what)
{
	rq_log_event("error", what, NULL);
	rq_problem(req, resp, 500, "internal", "Internal error", "图片生成失败，请稍后重试");
}

RQ_HANDLER(registration_code_qr_png)
{
	struct registration_code code;
	if (registration_code_find(req, resp, rq_req_param(req, "token"), &code) != 0)
		return;
	const char *filename = rq_printf(req->arena, "%s-qr.png", code.serial);
	const char *parts[] = {code.url};
	const char *etag = image_etag(req, "qr.1", parts, 1);
	if (image_not_modified(req, resp, etag, filename))
		return;
	uint8_t *png;
	size_t len;
	if (rq_qr_png(code.url, QR_MODULE_PX, &png, &len) != 0) {
		render_failed(req, resp, "could not render the QR code");
		return;
	}
	answer_png(req, resp, png, len, etag, filename);
}

RQ_HANDLER(registration_code_poster_png)
{
	struct registration_code code;
	if (registration_code_find(req, resp, rq_req_param(req, "token"), &code) != 0)
		return;
	const struct rq_poster_text text = {
	    .name = code.name,
	    .serial = code.serial,
	    .url = code.url,
	    .footer = req->cfg->poster_footer,
	};
	const char *filename = rq_printf(req->arena, "%s.png", code.serial);
	const char *parts[] = {code.name, code.serial, code.url, req->cfg->poster_footer,
			       req->cfg->font_file};
	const char *etag = image_etag(req, "poster.1", parts, 5);
	if (image_not_modified(req, resp, etag, filename))
		return;
	uint8_t *png;
	size_t len;
	/* The font is opened on the worker's first poster and kept for the next ones. */
	if (rq_poster_png(&text, req->cfg->font_file, &png, &len, NULL) != 0) {
		render_failed(req, resp,
			      "could not render the poster (is RUQIMA_FONT_FILE a font?)");
		return;
	}
	answer_png(req, resp, png, len, etag, filename);
}
