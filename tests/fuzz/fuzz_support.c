#include "fuzz_support.h"

#include "admin/routes.h"
#include "complaints/routes.h"
#include "evaluation/routes.h"
#include "registration/routes.h"
#include "reporting/routes.h"

#include "rq_app.h"
#include "rq_config.h"
#include "rq_db.h"
#include "rq_input.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ROUTES = 512 };

static const struct rq_app *const families[] = {&registration_app, &evaluation_app, &complaints_app,
						&reporting_app, &admin_app};

static struct {
	bool ready;
	struct rq_config cfg;
	struct rq_db *db;			 /* never connects: its socket does not exist */
	const struct rq_route *real[MAX_ROUTES]; /* the tables' rows */
	struct rq_route probe[MAX_ROUTES], wrapped[MAX_ROUTES];
	size_t n;
	enum fz_mode mode; /* of the request running */
	bool handled;
	const struct fz_request *input; /* for fz_fail */
} fz;

static void probe_handler(struct rq_req *req, struct rq_resp *resp);
static void real_handler(struct rq_req *req, struct rq_resp *resp);

static void setup(void)
{
	if (fz.ready)
		return;
	fz.db = rq_db_new("postgresql:///fuzz?host=/nonexistent/ruqima-fuzz", "fuzz", 5);
	if (rq_config_load(&fz.cfg) != 0 || fz.db == NULL)
		abort();
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (size_t i = 0; i < families[f]->nroutes; i++) {
			if (fz.n == MAX_ROUTES)
				abort();
			fz.real[fz.n] = &families[f]->routes[i];
			fz.probe[fz.n] = families[f]->routes[i];
			fz.probe[fz.n].auth = RQ_AUTH_NONE;
			fz.probe[fz.n].roles = NULL;
			fz.probe[fz.n].handler = probe_handler;
			fz.wrapped[fz.n] = fz.probe[fz.n];
			fz.wrapped[fz.n].handler = real_handler;
			fz.n++;
		}
	fz.ready = true;
}

const struct rq_route *fz_route(size_t i)
{
	setup();
	return i < fz.n ? fz.real[i] : NULL;
}

size_t fz_nroutes(void)
{
	setup();
	return fz.n;
}

void fz_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "\nFUZZ RULE BROKEN: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	const struct fz_request *r = fz.input;
	if (r != NULL)
		fprintf(stderr, "\n  request: %s %s?%s (Content-Type %s), %zu body bytes\n",
			r->method ? r->method : "-", r->uri ? r->uri : "-",
			r->query ? r->query : "-", r->content_type ? r->content_type : "-",
			r->body_len);
	abort();
}

const char *fz_duplicate_key(const cJSON *json)
{
	if (json == NULL)
		return NULL;
	for (const cJSON *a = json->child; a != NULL; a = a->next) {
		if (cJSON_IsObject(json) && a->string != NULL)
			for (const cJSON *b = a->next; b != NULL; b = b->next)
				if (b->string != NULL && strcmp(a->string, b->string) == 0)
					return a->string;
		const char *inner = fz_duplicate_key(a);
		if (inner != NULL)
			return inner;
	}
	return NULL;
}

static size_t route_index(const struct rq_req *req)
{
	const struct rq_route *base = fz.mode == FZ_PROBE ? fz.probe : fz.wrapped;
	size_t i = (size_t)(req->route - base);
	if (req->route < base || i >= fz.n)
		fz_fail("the handler ran for a route outside the table");
	return i;
}

/* What every handler may rely on when it runs: the body is a JSON object without a key twice
 * and, when the route declares its members, with no other. */
static void check_body(const struct rq_req *req)
{
	if (req->json == NULL)
		return;
	if (!cJSON_IsObject(req->json))
		fz_fail("a handler got a JSON body that is not an object");
	const char *dup = fz_duplicate_key(req->json);
	if (dup != NULL)
		fz_fail("a handler got a body with the key \"%s\" twice", dup);
	const struct rq_param *in = req->route->in;
	bool declares = false;
	for (const struct rq_param *p = in; p != NULL && p->name != NULL; p++)
		declares |= p->in == RQ_IN_BODY;
	if (!declares)
		return;
	for (const cJSON *m = req->json->child; m != NULL; m = m->next) {
		bool known = false;
		for (const struct rq_param *p = in; p->name != NULL; p++)
			known |= p->in == RQ_IN_BODY && strcmp(p->name, m->string) == 0;
		if (!known)
			fz_fail("a handler got the undeclared member \"%s\"", m->string);
	}
}

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Reads every declared input as a handler would and holds it to its type. */
static void probe_handler(struct rq_req *req, struct rq_resp *resp)
{
	fz.handled = true;
	(void)route_index(req);
	check_body(req);
	for (const struct rq_param *p = req->route->in; p != NULL && p->name != NULL; p++) {
		if (p->in == RQ_IN_BODY)
			continue;
		const char *v =
		    p->in == RQ_IN_PATH ? rq_req_param(req, p->name) : rq_req_arg(req, p->name);
		if (p->in == RQ_IN_PATH && v == NULL)
			fz_fail("path parameter %s missing after the checks", p->name);
		if (v == NULL)
			continue;
		bool ok = true;
		switch (p->type) {
		case RQ_PARAM_ID:
			ok = all_digits(v) && v[0] != '0' && rq_req_param_id(req, p->name) > 0;
			if (p->in == RQ_IN_QUERY)
				ok = all_digits(v) && v[0] != '0';
			break;
		case RQ_PARAM_DATE:
			ok = rq_input_date(v);
			break;
		case RQ_PARAM_BOOL:
			ok = strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
			break;
		case RQ_PARAM_ENUM:
			ok = rq_input_one_of(v, p->values);
			break;
		case RQ_PARAM_REGION:
			ok = all_digits(v) && strlen(v) == 6;
			break;
		case RQ_PARAM_TOKEN:
			ok = rq_input_token(v);
			break;
		case RQ_PARAM_SEARCH:
			ok = rq_utf8_valid(v, strlen(v), NULL) && *v != '\0';
			break;
		case RQ_PARAM_INT:
		case RQ_PARAM_KEY:
			break;
		}
		if (!ok)
			fz_fail("declared input %s reached the handler as \"%s\"", p->name, v);
		(void)rq_req_query(req, p->name);
	}
	(void)rq_req_cookie(req, "rq_session");
	(void)rq_req_header(req, "X-CSRF-Token");
	resp->status = 204;
}

/* The real handler, behind the actor its route needs (no session lookup: no database). */
static void real_handler(struct rq_req *req, struct rq_resp *resp)
{
	fz.handled = true;
	const struct rq_route *real = fz.real[route_index(req)];
	check_body(req);
	struct rq_actor *a = &req->actor;
	a->id = "1";
	if (real->auth == RQ_AUTH_ADMIN) {
		a->kind = "admin";
		a->role = real->roles != NULL ? real->roles[0] : "city_admin";
		a->county = "330102";
		a->unit = "1";
	} else if (real->auth != RQ_AUTH_NONE) {
		a->kind = "account";
		a->role = "account";
	} else {
		a->id = NULL;
	}
	real->handler(req, resp);
}

struct body_src {
	const char *p;
	size_t left;
};

static size_t read_body(void *ctx, char *buf, size_t n)
{
	struct body_src *b = ctx;
	size_t k = n < b->left ? n : b->left;
	memcpy(buf, b->p, k);
	b->p += k;
	b->left -= k;
	return k;
}

/* The serialised answer: a Status line, then header lines of printable text each, a blank
 * line, and exactly the body. */
static void check_wire(const char *out, size_t len, const struct rq_resp *resp)
{
	if (len < 12 || strncmp(out, "Status: ", 8) != 0)
		fz_fail("the answer does not begin with a Status line");
	const char *end = memmem(out, len, "\r\n\r\n", 4);
	if (end == NULL)
		fz_fail("the answer has no end of headers");
	for (const char *p = out; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		bool line_end = c == '\r' && p[1] == '\n';
		if (line_end) {
			p++;
			continue;
		}
		if (c < 0x20 && c != '\t')
			fz_fail("a header of the answer holds the control byte 0x%02x", c);
	}
	if ((size_t)(out + len - (end + 4)) != resp->body_len)
		fz_fail("the answer's body length differs from its response");
}

bool fz_utf8(const char *s)
{
	size_t len = strlen(s);
	uint32_t cp;
	for (size_t i = 0, k; i < len; i += k)
		if ((k = rq_utf8_next((const unsigned char *)s + i, len - i, &cp)) == 0)
			return false;
	return true;
}

/* Problem answers are JSON naming their type and status. */
static const char *problem_type(const struct rq_resp *resp)
{
	if (resp->content_type == NULL ||
	    strncmp(resp->content_type, "application/problem+json", 24) != 0)
		return "";
	cJSON *o = cJSON_ParseWithLength(resp->body, resp->body_len);
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(o, "status");
	const cJSON *detail = cJSON_GetObjectItemCaseSensitive(o, "detail");
	if (!cJSON_IsString(type) || strncmp(type->valuestring, "/problems/", 10) != 0)
		fz_fail("a problem answer without a /problems/ type");
	if (!cJSON_IsNumber(status) || status->valueint != resp->status)
		fz_fail("a problem answer whose status member is not its status");
	if (detail != NULL && (!cJSON_IsString(detail) || !fz_utf8(detail->valuestring)))
		fz_fail("a problem detail that is not UTF-8 text");
	const cJSON *errors = cJSON_GetObjectItemCaseSensitive(o, "errors");
	const cJSON *e;
	cJSON_ArrayForEach(e, errors)
	{
		const cJSON *field = cJSON_GetObjectItemCaseSensitive(e, "field");
		if (cJSON_IsString(field) && !fz_utf8(field->valuestring))
			fz_fail("a problem names a field that is not UTF-8 text");
	}
	static char slug[64];
	snprintf(slug, sizeof(slug), "%s", type->valuestring + 10);
	cJSON_Delete(o);
	return slug;
}

void fz_run(const struct fz_request *r, enum fz_mode mode, struct fz_answer *a)
{
	setup();
	fz.mode = mode;
	fz.handled = false;
	fz.input = r;
	const struct rq_app app = {"fuzz", mode == FZ_PROBE ? fz.probe : fz.wrapped, fz.n};

	char *env[16];
	size_t ne = 0;
	struct {
		const char *name, *value;
	} vars[] = {{"REQUEST_METHOD", r->method},     {"DOCUMENT_URI", r->uri},
		    {"QUERY_STRING", r->query},	       {"CONTENT_TYPE", r->content_type},
		    {"HTTP_COOKIE", r->cookie},	       {"HTTP_AUTHORIZATION", r->authorization},
		    {"CONTENT_LENGTH", r->length},     {"REMOTE_ADDR", "127.0.0.1"},
		    {"REQUEST_ID", "0123456789abcdef"}};
	struct rq_arena *arena = rq_arena_new();
	if (arena == NULL)
		abort();
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (vars[i].value != NULL)
			env[ne++] = rq_printf(arena, "%s=%s", vars[i].name, vars[i].value);
	env[ne] = NULL;

	struct rq_req req;
	struct rq_resp resp;
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.cfg = &fz.cfg;
	req.db = fz.db;
	struct body_src src = {r->body != NULL ? r->body : "", r->body_len};
	enum rq_parse_status ps =
	    rq_req_parse(&req, arena, env, rq_app_max_body(&app, &fz.cfg), read_body, &src);
	rq_app_handle(&app, &req, &resp, ps);

	if (resp.status < 200 || resp.status > 599)
		fz_fail("status %d", resp.status);
	/* without a database the one server error is 503: anything else is a bug */
	if (resp.status >= 500 && resp.status != 503)
		fz_fail("status %d", resp.status);
	if (!resp.streamed) {
		size_t len;
		const char *out = rq_resp_serialize(&req, &resp, &len);
		check_wire(out, len, &resp);
	}
	a->status = resp.status;
	a->type = problem_type(&resp);
	a->handled = fz.handled;
	a->route = req.route != NULL ? fz.real[route_index(&req)] : NULL;
	rq_arena_free(arena);
	fz.input = NULL;
}

const char *fz_lines(const uint8_t *data, size_t size, char **lines, size_t n_lines,
		     size_t *rest_len)
{
	static char *copies[16];
	const char *p = (const char *)data, *end = p + size;
	for (size_t i = 0; i < n_lines && i < 16; i++) {
		free(copies[i]);
		copies[i] = NULL;
		lines[i] = NULL;
		if (p >= end)
			continue;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		copies[i] = strndup(p, len);
		if (copies[i] == NULL)
			abort();
		lines[i] = copies[i];
		p += len + (nl != NULL ? 1 : 0);
	}
	*rest_len = (size_t)(end - p);
	return p;
}
