#include "rq_input.h"

#include "rq_outcome.h"

#include "rq_num.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* An id of 19 digits may pass INT64_MAX: rq_input_row_id parses it to be sure. */
#define MSG_BOOL "必须是 true 或 false"

enum { ENUM_MAX_CHARS = 40, ID_MAX_DIGITS = 19, CODE_TOKEN_MIN = 22, CODE_TOKEN_MAX = 64 };

bool rq_input_one_of(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* "必须是以下之一：a、b、c" into buf; values that do not fit whole are left out, so that no
 * character is cut in two. */
static const char *one_of_message(char *buf, size_t size, const char *const *list)
{
	static const char head[] = "必须是以下之一：", sep[] = "、";
	size_t n = (size_t)snprintf(buf, size, "%s", head);
	for (const char *const *x = list; *x != NULL; x++) {
		const char *s = x == list ? "" : sep;
		if (n + strlen(s) + strlen(*x) >= size)
			break;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", s, *x);
	}
	return buf;
}

const char *rq_input_enum(cJSON *obj, const char *field, const char *const *list, bool required,
			  cJSON *errors)
{
	const char *s = rq_json_string(obj, field, required, 1, ENUM_MAX_CHARS, errors);
	if (s == NULL || rq_input_one_of(s, list))
		return s;
	char msg[256];
	rq_errors_add(errors, field, one_of_message(msg, sizeof(msg), list));
	return NULL;
}

static bool digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);
	return n >= min && n <= max && strspn(s, "0123456789") == n;
}

bool rq_input_id(const char *s, size_t max_digits)
{
	return s != NULL && digits(s, 1, max_digits) && s[0] != '0';
}

bool rq_input_row_id(const char *s)
{
	int64_t v;
	return rq_input_id(s, ID_MAX_DIGITS) && rq_parse_i64(s, 1, INT64_MAX, &v) == 0;
}

bool rq_input_token(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	return n >= CODE_TOKEN_MIN && n <= CODE_TOKEN_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

bool rq_input_cert_no(const char *s)
{
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") ==
	       strlen(s);
}

/* A JSON id: a digit string naming a row, or a whole number of at most 9e15 (exact in a
 * double). NULL when x is neither. */
static const char *json_id(struct rq_req *req, const cJSON *x)
{
	if (cJSON_IsString(x) && rq_input_row_id(x->valuestring))
		return x->valuestring;
	if (cJSON_IsNumber(x) && x->valuedouble >= 1 && x->valuedouble <= 9.0e15 &&
	    x->valuedouble == (double)(long long)x->valuedouble)
		return rq_printf(req->arena, "%lld", (long long)x->valuedouble);
	return NULL;
}

bool rq_input_id_member(struct rq_req *req, cJSON *obj, const char *field, bool required,
			const char *message, const char **out, cJSON *errors)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(obj, field);
	*out = NULL;
	if ((x == NULL || cJSON_IsNull(x)) && !required)
		return true;
	*out = json_id(req, x);
	if (*out == NULL)
		rq_errors_add(errors, field, message);
	return *out != NULL;
}

bool rq_input_date(const char *s)
{
	int64_t y, m, d;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	char buf[11];
	memcpy(buf, s, sizeof(buf));
	buf[4] = buf[7] = '\0';
	if (!digits(buf, 4, 4) || !digits(buf + 5, 2, 2) || !digits(buf + 8, 2, 2) ||
	    rq_parse_i64(buf, 2000, 2100, &y) != 0 || rq_parse_i64(buf + 5, 1, 12, &m) != 0 ||
	    rq_parse_i64(buf + 8, 1, 31, &d) != 0)
		return false;
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

bool rq_input_ids(struct rq_req *req, cJSON *obj, const char *field, int max, bool required,
		  const char **pg, cJSON *errors)
{
	*pg = NULL;
	cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, field);
	if (a == NULL || cJSON_IsNull(a)) {
		if (required)
			rq_errors_add(errors, field, RQ_MSG_REQUIRED);
		return !required;
	}
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > max) {
		rq_errors_add(errors, field,
			      rq_printf(req->arena, "必须是编号列表，最多 %d 个", max));
		return false;
	}
	const char *list = "{";
	cJSON *x;
	cJSON_ArrayForEach(x, a)
	{
		const char *id = json_id(req, x);
		if (id == NULL) {
			rq_errors_add(errors, field, "必须由编号（正整数）组成");
			return false;
		}
		list = rq_printf(req->arena, "%s%s%s", list, list[1] == '\0' ? "" : ",", id);
	}
	*pg = rq_printf(req->arena, "%s}", list);
	return true;
}

bool rq_input_bool(cJSON *obj, const char *field, bool dflt, bool *out, cJSON *errors)
{
	*out = dflt;
	cJSON *b = cJSON_GetObjectItemCaseSensitive(obj, field);
	if (b == NULL || cJSON_IsNull(b))
		return true;
	if (!cJSON_IsBool(b)) {
		rq_errors_add(errors, field, MSG_BOOL);
		return false;
	}
	*out = cJSON_IsTrue(b);
	return true;
}

/* --- declared inputs of a route (struct rq_param) ----------------------------------------- */

/* Keys are [a-z][a-z0-9_]{0,39} (rq.policy's CHECK). */
static bool key_ok(const char *k)
{
	size_t n = strlen(k);
	return n >= 1 && n <= 40 && k[0] >= 'a' && k[0] <= 'z' &&
	       strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* A search text: v without surrounding blanks (ASCII and the ideographic space U+3000),
 * when that is 1 to 100 characters of UTF-8 without control characters; else NULL. */
static const char *search_text(struct rq_req *req, const char *v)
{
	static const char ideographic_space[] = "\xe3\x80\x80";
	const size_t wide = sizeof(ideographic_space) - 1;
	size_t len = strlen(v);
	for (;;) {
		if (len > 0 && (*v == ' ' || *v == '\t')) {
			v++, len--;
		} else if (len >= wide && memcmp(v, ideographic_space, wide) == 0) {
			v += wide, len -= wide;
		} else if (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t')) {
			len--;
		} else if (len >= wide && memcmp(v + len - wide, ideographic_space, wide) == 0) {
			len -= wide;
		} else {
			break;
		}
	}
	size_t chars = 0;
	if (len == 0 || !rq_utf8_valid(v, len, &chars) || chars > 100)
		return NULL;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return NULL;
	return rq_strndup(req->arena, v, len);
}

/* The checked form of v for p, or NULL when v is not one; *message says why. */
static const char *checked(struct rq_req *req, const struct rq_param *p, const char *v,
			   const char **message)
{
	int64_t n;
	char buf[256];
	switch (p->type) {
	case RQ_PARAM_ID:
		*message = "必须是正整数编号";
		return rq_input_row_id(v) ? v : NULL;
	case RQ_PARAM_INT:
		*message = rq_printf(req->arena, "必须是 %lld 到 %lld 之间的整数",
				     (long long)p->min, (long long)p->max);
		return rq_parse_i64(v, p->min, p->max, &n) == 0 ? v : NULL;
	case RQ_PARAM_ENUM:
		*message = rq_strdup(req->arena, one_of_message(buf, sizeof(buf), p->values));
		return rq_input_one_of(v, p->values) ? v : NULL;
	case RQ_PARAM_DATE:
		*message = "必须是 YYYY-MM-DD 格式的日期";
		return rq_input_date(v) ? v : NULL;
	case RQ_PARAM_BOOL:
		*message = MSG_BOOL;
		if (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0)
			return "true";
		return strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0 ? "false" : NULL;
	case RQ_PARAM_REGION:
		*message = "必须是 6 位行政区划代码";
		return strlen(v) == 6 && strspn(v, "0123456789") == 6 ? v : NULL;
	case RQ_PARAM_KEY:
		*message = "必须是以小写字母开头、由小写字母、数字和下划线组成的键名";
		return key_ok(v) ? v : NULL;
	case RQ_PARAM_TOKEN:
		*message = "必须是 22 到 64 个字符（A-Z a-z 0-9 - _）的码令牌";
		return rq_input_token(v) ? v : NULL;
	case RQ_PARAM_SEARCH:
		*message = "必须是 1 到 100 个字的文字（不能含换行等控制字符）";
		return search_text(req, v);
	}
	*message = "无法识别";
	return NULL;
}

/* The position of {name} among the {…} segments of pattern, or -1. */
static int path_position(const char *pattern, const char *name)
{
	size_t len = strlen(name);
	int i = 0;
	for (const char *b = strchr(pattern, '{'); b != NULL; b = strchr(b + 1, '{'), i++)
		if (strncmp(b + 1, name, len) == 0 && b[len + 1] == '}')
			return i;
	return -1;
}

int rq_input_check(struct rq_req *req, struct rq_resp *resp)
{
	const struct rq_param *in = req->route != NULL ? req->route->in : NULL;
	size_t n = 0;
	while (in != NULL && in[n].name != NULL)
		n++;
	req->in = n > 0 ? rq_alloc(req->arena, n * sizeof(*req->in)) : NULL;
	for (size_t i = 0; i < n; i++) {
		const struct rq_param *p = &in[i];
		const char *message = NULL;
		if (p->in == RQ_IN_BODY) /* checked with the body (rq_input_body_check) */
			continue;
		if (p->in == RQ_IN_PATH) {
			int at = path_position(req->route->pattern, p->name);
			const char *v = at >= 0 && (size_t)at < req->nparams ? req->params[at] : "";
			req->in[i] = checked(req, p, v, &message);
			if (req->in[i] == NULL) {
				cJSON *errors = rq_errors_new();
				rq_errors_add(errors, p->name, message);
				rq_outcome_refuse(req, resp, p->unknown, NULL, errors);
				return -1;
			}
			continue;
		}
		const char *v = rq_req_query(req, p->name);
		if (v == NULL || *v == '\0') {
			req->in[i] = p->dflt;
			continue;
		}
		req->in[i] = checked(req, p, v, &message);
		if (req->in[i] == NULL) {
			rq_problem_field(req, resp, 400, p->name,
					 p->message != NULL ? p->message : message);
			return -1;
		}
	}
	return 0;
}

/* The checked value of the declared input name of kind in; NULL when not declared. */
static const char *input(const struct rq_req *req, const char *name, enum rq_param_in kind)
{
	size_t i;
	const struct rq_param *p =
	    req->route != NULL && req->in != NULL ? rq_route_input(req->route, name, &i) : NULL;
	return p != NULL && p->in == kind ? req->in[i] : NULL;
}

const char *rq_req_param(const struct rq_req *req, const char *name)
{
	return input(req, name, RQ_IN_PATH);
}

int64_t rq_req_param_id(const struct rq_req *req, const char *name)
{
	int64_t id = 0;
	const char *v = input(req, name, RQ_IN_PATH);
	if (v == NULL || rq_parse_i64(v, 1, INT64_MAX, &id) != 0)
		return 0;
	return id;
}

const char *rq_req_arg(const struct rq_req *req, const char *name)
{
	return input(req, name, RQ_IN_QUERY);
}

bool rq_req_arg_true(const struct rq_req *req, const char *name)
{
	const char *v = input(req, name, RQ_IN_QUERY);
	return v != NULL && strcmp(v, "true") == 0;
}

/* --- the JSON body: duplicate keys, undeclared members ------------------------------------ */

struct key_at {
	const char *key;
	size_t at; /* position among the object's members */
};

static int key_at_cmp(const void *a, const void *b)
{
	const struct key_at *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c != 0 ? c : (x->at > y->at) - (x->at < y->at);
}

/* The key object o has twice whose second occurrence comes first, or NULL. Sorted, not
 * compared pairwise: an object of many members costs n log n, never n². */
static const char *key_twice(struct rq_arena *a, const cJSON *o)
{
	size_t n = 0;
	for (const cJSON *c = o->child; c != NULL; c = c->next)
		n++;
	if (n < 2)
		return NULL;
	struct key_at *k = rq_alloc(a, n * sizeof(*k));
	size_t i = 0;
	for (const cJSON *c = o->child; c != NULL; c = c->next, i++)
		k[i] = (struct key_at){c->string != NULL ? c->string : "", i};
	qsort(k, n, sizeof(*k), key_at_cmp);
	const char *dup = NULL;
	size_t first = SIZE_MAX;
	for (i = 1; i < n; i++)
		if (strcmp(k[i].key, k[i - 1].key) == 0 && k[i].at < first) {
			dup = k[i].key;
			first = k[i].at;
		}
	return dup;
}

/* Depth first from j, found at path ("" for the body itself). */
static const char *duplicate_below(struct rq_arena *a, const cJSON *j, const char *path)
{
	bool object = cJSON_IsObject(j);
	const char *dup = object ? key_twice(a, j) : NULL;
	if (dup != NULL)
		return *path == '\0' ? dup : rq_printf(a, "%s.%s", path, dup);
	size_t i = 0;
	for (const cJSON *c = j->child; c != NULL; c = c->next, i++) {
		if (!cJSON_IsObject(c) && !cJSON_IsArray(c))
			continue;
		const char *sub = !object	  ? rq_printf(a, "%s[%zu]", path, i)
				  : *path == '\0' ? c->string
						  : rq_printf(a, "%s.%s", path, c->string);
		if ((dup = duplicate_below(a, c, sub)) != NULL)
			return dup;
	}
	return NULL;
}

const char *rq_input_duplicate_key(struct rq_arena *a, const cJSON *json)
{
	return json != NULL ? duplicate_below(a, json, "") : NULL;
}

int rq_input_body_check(struct rq_req *req, struct rq_resp *resp)
{
	const char *dup = rq_input_duplicate_key(req->arena, req->json);
	if (dup != NULL) {
		const char *args[] = {dup, NULL};
		cJSON *errors = rq_errors_new();
		rq_errors_add(errors, dup, "字段重复：每个字段只能出现一次");
		rq_outcome_refuse(req, resp, "duplicate-key", args, errors);
		return -1;
	}
	const struct rq_param *in = req->route != NULL ? req->route->in : NULL;
	const char *accepted = NULL;
	for (size_t i = 0; in != NULL && in[i].name != NULL; i++)
		if (in[i].in == RQ_IN_BODY)
			accepted = accepted == NULL
				       ? in[i].name
				       : rq_printf(req->arena, "%s、%s", accepted, in[i].name);
	if (accepted == NULL) /* the route declares no members: its handler checks them */
		return 0;
	cJSON *errors = NULL;
	const char *unknown = NULL;
	for (const cJSON *c = req->json != NULL ? req->json->child : NULL; c != NULL; c = c->next) {
		const struct rq_param *p = rq_route_input(req->route, c->string, NULL);
		if (p != NULL && p->in == RQ_IN_BODY)
			continue;
		if (errors == NULL)
			errors = rq_errors_new();
		rq_errors_add(
		    errors, c->string,
		    rq_printf(req->arena, "此接口不接受这个字段；可提交的字段：%s", accepted));
		unknown = unknown == NULL ? c->string
					  : rq_printf(req->arena, "%s、%s", unknown, c->string);
	}
	if (errors == NULL)
		return 0;
	const char *args[] = {unknown, accepted, NULL};
	rq_outcome_refuse(req, resp, "unknown-field", args, errors);
	return -1;
}
