#include "rq_http.h"

#include "rq_log.h"
#include "rq_num.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *rq_req_env(const struct rq_req *req, const char *name)
{
	if (req->env == NULL)
		return NULL;
	size_t n = strlen(name);
	for (char **e = req->env; *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static const char *env_or_empty(const struct rq_req *req, const char *name, const char *def)
{
	const char *v = rq_req_env(req, name);
	return v != NULL ? v : def;
}

enum rq_parse_status rq_req_parse(struct rq_req *req, struct rq_arena *arena, char **env,
				  long max_body, rq_body_reader read, void *ctx)
{
	req->arena = arena;
	req->env = env;
	req->method = rq_strdup(arena, env_or_empty(req, "REQUEST_METHOD", "GET"));
	/* nginx sets DOCUMENT_URI to the normalised path ($uri): no query, dots resolved. */
	req->path = rq_strdup(arena, env_or_empty(req, "DOCUMENT_URI", "/"));
	req->query = rq_strdup(arena, env_or_empty(req, "QUERY_STRING", ""));
	req->content_type = rq_strdup(arena, env_or_empty(req, "CONTENT_TYPE", ""));
	req->client_addr = rq_strdup(arena, env_or_empty(req, "REMOTE_ADDR", ""));
	const char *rid = rq_req_env(req, "REQUEST_ID");
	req->request_id = rid != NULL && *rid != '\0' ? rq_strdup(arena, rid) : NULL;
	req->body = "";
	req->body_len = 0;

	const char *cl = rq_req_env(req, "CONTENT_LENGTH");
	if (cl == NULL || *cl == '\0')
		return RQ_PARSE_OK;
	int64_t len;
	if (rq_parse_i64(cl, 0, INT64_MAX, &len) != 0)
		return RQ_PARSE_BAD_LENGTH;
	if (len > max_body)
		return RQ_PARSE_TOO_LARGE;
	char *body = rq_alloc(arena, (size_t)len + 1);
	size_t got = 0;
	while (got < (size_t)len) {
		size_t n = read(ctx, body + got, (size_t)len - got);
		if (n == 0)
			break;
		got += n;
	}
	if (got < (size_t)len)
		return RQ_PARSE_SHORT_BODY;
	body[len] = '\0';
	req->body = body;
	req->body_len = (size_t)len;
	return RQ_PARSE_OK;
}

const char *rq_req_header(const struct rq_req *req, const char *name)
{
	/* Headers reach FastCGI as HTTP_<NAME> with '-' turned into '_'. */
	char key[128];
	size_t n = strlen(name);
	if (n + 6 > sizeof(key))
		return NULL;
	memcpy(key, "HTTP_", 5);
	for (size_t i = 0; i < n; i++)
		key[5 + i] = name[i] == '-' ? '_' : (char)toupper((unsigned char)name[i]);
	key[5 + n] = '\0';
	return rq_req_env(req, key);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes [s, s+n) into the arena ('+' is a space in query strings). */
static char *url_decode(struct rq_arena *a, const char *s, size_t n)
{
	char *out = rq_alloc(a, n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
			   hexval(s[i + 2]) >= 0) {
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

const char *rq_req_query(const struct rq_req *req, const char *key)
{
	size_t klen = strlen(key);
	const char *p = req->query;
	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, '&');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t nlen = eq != NULL ? (size_t)(eq - p) : len;
		if (nlen == klen && memcmp(p, key, klen) == 0) {
			if (eq == NULL)
				return "";
			return url_decode(req->arena, eq + 1, len - nlen - 1);
		}
		p = end != NULL ? end + 1 : NULL;
	}
	return NULL;
}

const char *rq_req_cookie(const struct rq_req *req, const char *name)
{
	const char *c = rq_req_header(req, "Cookie");
	size_t nlen = strlen(name);
	while (c != NULL && *c != '\0') {
		while (*c == ' ' || *c == ';')
			c++;
		const char *end = strchr(c, ';');
		size_t len = end != NULL ? (size_t)(end - c) : strlen(c);
		if (len > nlen && strncmp(c, name, nlen) == 0 && c[nlen] == '=')
			return rq_strndup(req->arena, c + nlen + 1, len - nlen - 1);
		c = end;
	}
	return NULL;
}

void rq_resp_header(struct rq_resp *resp, const char *name, const char *value)
{
	if (resp->nheaders == RQ_MAX_HEADERS)
		return; /* a programming error; the fixed cap keeps responses bounded */
	resp->header_names[resp->nheaders] = name;
	resp->header_values[resp->nheaders] = value;
	resp->nheaders++;
}

static void delete_json(void *p)
{
	cJSON_Delete(p);
}

static void free_json_text(void *p)
{
	cJSON_free(p);
}

void rq_resp_protected_file(struct rq_req *req, struct rq_resp *resp, const char *content_type,
			    const char *path)
{
	resp->status = 200;
	resp->content_type = content_type;
	resp->body = "";
	resp->body_len = 0;
	rq_resp_header(resp, "X-Accel-Redirect", rq_printf(req->arena, "/_protected/%s", path));
}

void rq_resp_protected_download(struct rq_req *req, struct rq_resp *resp, const char *content_type,
				const char *dir, const char *name)
{
	rq_resp_protected_file(req, resp, content_type, rq_printf(req->arena, "%s/%s", dir, name));
	rq_resp_header(resp, "Content-Disposition",
		       rq_printf(req->arena, "attachment; filename=\"%s\"", name));
}

void rq_resp_json(struct rq_req *req, struct rq_resp *resp, int status, cJSON *obj)
{
	rq_arena_cleanup(req->arena, delete_json, obj);
	char *text = cJSON_PrintUnformatted(obj);
	if (text == NULL) {
		resp->status = 500;
		resp->content_type = "application/problem+json";
		resp->body = "{\"type\":\"/problems/internal\",\"title\":\"Internal error\","
			     "\"status\":500}";
		resp->body_len = strlen(resp->body);
		return;
	}
	rq_arena_cleanup(req->arena, free_json_text, text);
	resp->status = status;
	if (resp->content_type == NULL)
		resp->content_type = "application/json; charset=utf-8";
	resp->body = text;
	resp->body_len = strlen(text);
}

static cJSON *problem_object(struct rq_req *req, int status, const char *slug, const char *title,
			     const char *detail)
{
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "type", rq_printf(req->arena, "/problems/%s", slug));
	cJSON_AddStringToObject(p, "title", title);
	cJSON_AddNumberToObject(p, "status", status);
	if (detail != NULL)
		cJSON_AddStringToObject(p, "detail", detail);
	if (req->request_id != NULL)
		cJSON_AddStringToObject(p, "request_id", req->request_id);
	return p;
}

void rq_problem(struct rq_req *req, struct rq_resp *resp, int status, const char *slug,
		const char *title, const char *detail)
{
	resp->content_type = "application/problem+json";
	rq_resp_json(req, resp, status, problem_object(req, status, slug, title, detail));
}

void rq_problem_invalid(struct rq_req *req, struct rq_resp *resp, cJSON *errors)
{
	cJSON *p = problem_object(req, 422, "validation", "Invalid request",
				  "提交的内容有误，请按各项提示修改");
	cJSON_AddItemToObject(p, "errors", errors);
	resp->content_type = "application/problem+json";
	rq_resp_json(req, resp, 422, p);
}

bool rq_problem_if_invalid(struct rq_req *req, struct rq_resp *resp, cJSON *errors)
{
	if (cJSON_GetArraySize(errors) == 0) {
		cJSON_Delete(errors);
		return false;
	}
	rq_problem_invalid(req, resp, errors);
	return true;
}

void rq_problem_errors(struct rq_req *req, struct rq_resp *resp, int status, const char *slug,
		       const char *title, const char *detail, cJSON *errors)
{
	rq_problem_members(req, resp, status, slug, title, detail, errors, NULL);
}

void rq_problem_members(struct rq_req *req, struct rq_resp *resp, int status, const char *slug,
			const char *title, const char *detail, cJSON *errors, cJSON *members)
{
	cJSON *p = problem_object(req, status, slug, title, detail);
	if (cJSON_GetArraySize(errors) > 0)
		cJSON_AddItemToObject(p, "errors", errors);
	else
		cJSON_Delete(errors);
	cJSON *m = members != NULL ? members->child : NULL;
	while (m != NULL) {
		cJSON *next = m->next;
		cJSON_AddItemToObject(p, m->string, cJSON_DetachItemViaPointer(members, m));
		m = next;
	}
	cJSON_Delete(members);
	resp->content_type = "application/problem+json";
	rq_resp_json(req, resp, status, p);
}

void rq_problem_field(struct rq_req *req, struct rq_resp *resp, int status, const char *field,
		      const char *message)
{
	cJSON *p = problem_object(req, status, status == 422 ? "validation" : "bad-request",
				  status == 422 ? "Invalid request" : "Bad request", message);
	cJSON *errors = rq_errors_new();
	rq_errors_add(errors, field, message);
	cJSON_AddItemToObject(p, "errors", errors);
	resp->content_type = "application/problem+json";
	rq_resp_json(req, resp, status, p);
}

void rq_problem_internal(struct rq_req *req, struct rq_resp *resp, const char *why)
{
	rq_problem(req, resp, 500, "internal", "Internal error", "系统内部错误，请求未能完成");
	if (why != NULL)
		rq_log_event("error", "internal error", why);
}

void rq_problem_unavailable(struct rq_req *req, struct rq_resp *resp, int retry_after)
{
	rq_problem(req, resp, 503, "unavailable", "Service unavailable",
		   "暂时无法连接数据库，请稍后重试");
	rq_resp_header(resp, "Retry-After", rq_printf(req->arena, "%d", retry_after));
}

cJSON *rq_errors_new(void)
{
	return cJSON_CreateArray();
}

void rq_errors_add(cJSON *errors, const char *field, const char *message)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "field", field);
	cJSON_AddStringToObject(e, "message", message);
	cJSON_AddItemToArray(errors, e);
}

size_t rq_utf8_next(const unsigned char *p, size_t len, uint32_t *cp)
{
	if (len == 0)
		return 0;
	unsigned char c = p[0];
	size_t n;
	uint32_t v;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		n = 2;
		v = c & 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3;
		v = c & 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (p[k] & 0x3F);
	}
	/* Reject overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 2 && v < 0x80) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000) ||
	    v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

bool rq_utf8_valid(const char *s, size_t len, size_t *chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, count = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = rq_utf8_next(p + i, len - i, &cp);
		if (n == 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r'))
			return false;
		i += n;
		count++;
	}
	if (chars != NULL)
		*chars = count;
	return true;
}

/* True when s is only spaces: ASCII white space or the ideographic space U+3000 that
 * Chinese input methods type. */
static bool is_blank(const char *s)
{
	while (*s != '\0') {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		else if (strncmp(s, "\xe3\x80\x80", 3) == 0)
			s += 3;
		else
			return false;
	}
	return true;
}

const char *rq_length_message(char *buf, size_t size, size_t min_chars, size_t max_chars)
{
	if (min_chars == max_chars)
		snprintf(buf, size, "长度须为 %zu 个字符", max_chars);
	else if (min_chars <= 1)
		snprintf(buf, size, "长度不能超过 %zu 个字符", max_chars);
	else
		snprintf(buf, size, "长度须为 %zu 到 %zu 个字符", min_chars, max_chars);
	return buf;
}

const char *rq_json_string(cJSON *obj, const char *field, bool required, size_t min_chars,
			   size_t max_chars, cJSON *errors)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
	if (v == NULL || cJSON_IsNull(v)) {
		if (required)
			rq_errors_add(errors, field, RQ_MSG_REQUIRED);
		return NULL;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		rq_errors_add(errors, field, "必须是字符串");
		return NULL;
	}
	size_t chars;
	if (!rq_utf8_valid(v->valuestring, strlen(v->valuestring), &chars)) {
		rq_errors_add(errors, field, "必须是有效的 UTF-8 文本，且不含控制字符");
		return NULL;
	}
	if (chars == 0 && min_chars > 0) {
		rq_errors_add(errors, field, "不能为空");
		return NULL;
	}
	if (min_chars > 0 && is_blank(v->valuestring)) {
		rq_errors_add(errors, field, "不能只填空格");
		return NULL;
	}
	if (chars < min_chars || chars > max_chars) {
		char msg[96];
		rq_errors_add(errors, field,
			      rq_length_message(msg, sizeof(msg), min_chars, max_chars));
		return NULL;
	}
	return v->valuestring;
}

const char *rq_http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 410:
		return "Gone";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 423:
		return "Locked";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return "Unknown";
	}
}

/* The status line and headers of resp into an arena buffer of cap bytes with room for
 * extra more; with a Content-Length unless streamed. */
static char *serialize_head(struct rq_req *req, const struct rq_resp *resp, bool length,
			    size_t extra, size_t *len)
{
	size_t cap = 256 + extra;
	if (resp->content_type != NULL)
		cap += strlen(resp->content_type);
	for (size_t i = 0; i < resp->nheaders; i++)
		cap += strlen(resp->header_names[i]) + strlen(resp->header_values[i]) + 4;
	if (req->request_id != NULL)
		cap += strlen(req->request_id);
	char *out = rq_alloc(req->arena, cap + 1);
	size_t n = 0;
	n += (size_t)snprintf(out + n, cap - n, "Status: %d %s\r\n", resp->status,
			      rq_http_reason(resp->status));
	if (resp->body_len > 0 || resp->content_type != NULL)
		n += (size_t)snprintf(out + n, cap - n, "Content-Type: %s\r\n",
				      resp->content_type != NULL ? resp->content_type
								 : "application/octet-stream");
	if (length)
		n += (size_t)snprintf(out + n, cap - n, "Content-Length: %zu\r\n", resp->body_len);
	if (req->request_id != NULL)
		n += (size_t)snprintf(out + n, cap - n, "X-Request-Id: %s\r\n", req->request_id);
	/* Nothing is cached unless the handler says otherwise with its own Cache-Control. */
	bool own_cache_control = false;
	for (size_t i = 0; i < resp->nheaders; i++)
		if (strcasecmp(resp->header_names[i], "Cache-Control") == 0)
			own_cache_control = true;
	if (!own_cache_control)
		n += (size_t)snprintf(out + n, cap - n, "Cache-Control: no-store\r\n");
	for (size_t i = 0; i < resp->nheaders; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s: %s\r\n", resp->header_names[i],
				      resp->header_values[i]);
	n += (size_t)snprintf(out + n, cap - n, "\r\n");
	*len = n;
	return out;
}

char *rq_resp_serialize(struct rq_req *req, const struct rq_resp *resp, size_t *len)
{
	size_t n;
	char *out = serialize_head(req, resp, true, resp->body_len, &n);
	if (resp->body_len > 0) {
		memcpy(out + n, resp->body, resp->body_len);
		n += resp->body_len;
	}
	*len = n;
	return out;
}

int rq_resp_stream_begin(struct rq_req *req, struct rq_resp *resp)
{
	if (req->write == NULL || resp->streamed)
		return -1;
	if (resp->status == 0)
		resp->status = 200;
	resp->body = "";
	resp->body_len = 0;
	size_t n;
	char *head = serialize_head(req, resp, false, 0, &n);
	resp->streamed = true;
	if (req->write(req->write_ctx, head, n) != 0) {
		resp->aborted = true;
		return -1;
	}
	return 0;
}

int rq_resp_stream_write(struct rq_req *req, struct rq_resp *resp, const void *buf, size_t n)
{
	if (!resp->streamed || resp->aborted)
		return -1;
	if (n == 0 || strcmp(req->method, "HEAD") == 0)
		return 0;
	if (req->write(req->write_ctx, buf, n) != 0) {
		resp->aborted = true;
		return -1;
	}
	resp->streamed_bytes += n;
	return 0;
}

void rq_resp_stream_abort(struct rq_req *req, struct rq_resp *resp, const char *why)
{
	(void)req;
	rq_log_event("error", "streamed answer broken off", why);
	resp->aborted = true;
}
