#include "rq_input.h"

#include "rq_num.h"

#include <stdint.h>
#include <string.h>

enum { ENUM_MAX_CHARS = 40, ID_MAX_DIGITS = 18 };

bool rq_input_one_of(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

const char *rq_input_enum(cJSON *obj, const char *field, const char *const *list, bool required,
			  cJSON *errors)
{
	const char *s = rq_json_string(obj, field, required, 1, ENUM_MAX_CHARS, errors);
	if (s == NULL || rq_input_one_of(s, list))
		return s;
	char msg[256] = "must be one of:";
	for (const char *const *p = list; *p != NULL; p++) {
		strncat(msg, " ", sizeof(msg) - strlen(msg) - 1);
		strncat(msg, *p, sizeof(msg) - strlen(msg) - 1);
	}
	rq_errors_add(errors, field, msg);
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
			rq_errors_add(errors, field, "is required");
		return !required;
	}
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > max) {
		rq_errors_add(errors, field,
			      rq_printf(req->arena, "must be a list of at most %d ids", max));
		return false;
	}
	const char *list = "{";
	cJSON *x;
	cJSON_ArrayForEach(x, a)
	{
		const char *id = NULL;
		if (cJSON_IsString(x) && rq_input_id(x->valuestring, ID_MAX_DIGITS))
			id = x->valuestring;
		else if (cJSON_IsNumber(x) && x->valuedouble >= 1 && x->valuedouble <= 9.0e15 &&
			 x->valuedouble == (double)(long long)x->valuedouble)
			id = rq_printf(req->arena, "%lld", (long long)x->valuedouble);
		if (id == NULL) {
			rq_errors_add(errors, field, "must hold ids (positive whole numbers)");
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
		rq_errors_add(errors, field, "must be true or false");
		return false;
	}
	*out = cJSON_IsTrue(b);
	return true;
}
