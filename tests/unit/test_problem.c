/* RFC 9457 problem responses and the validation of JSON string fields that feeds them. */
#include "resp_support.h"

static void problem_has_type_title_status_detail(void **state)
{
	struct fixture *f = *state;
	rq_problem(&f->req, &f->resp, 404, "not-found", "Not found", "no such endpoint");
	assert_int_equal(f->resp.status, 404);
	assert_string_equal(f->resp.content_type, "application/problem+json");
	cJSON *j = body_json(f);
	assert_string_equal(str_member(j, "type"), "/problems/not-found");
	assert_string_equal(str_member(j, "title"), "Not found");
	assert_int_equal(num_member(j, "status"), 404);
	assert_string_equal(str_member(j, "detail"), "no such endpoint");
	assert_string_equal(str_member(j, "request_id"), "req-0123456789abcdef");
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "errors"));
}

static void problem_without_detail_or_request_id(void **state)
{
	struct fixture *f = *state;
	f->req.request_id = NULL;
	rq_problem(&f->req, &f->resp, 409, "conflict", "Conflict", NULL);
	assert_int_equal(f->resp.status, 409);
	cJSON *j = body_json(f);
	assert_string_equal(str_member(j, "type"), "/problems/conflict");
	assert_int_equal(num_member(j, "status"), 409);
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "detail"));
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "request_id"));
}

static void problem_text_is_escaped_json(void **state)
{
	struct fixture *f = *state;
	rq_problem(&f->req, &f->resp, 400, "bad-request", "Bad \"request\"",
		   "line\nbreak \\ and 中文");
	cJSON *j = body_json(f);
	assert_string_equal(str_member(j, "title"), "Bad \"request\"");
	assert_string_equal(str_member(j, "detail"), "line\nbreak \\ and 中文");
}

static void invalid_lists_every_field_error(void **state)
{
	struct fixture *f = *state;
	cJSON *errors = rq_errors_new();
	rq_errors_add(errors, "name", "is required");
	rq_errors_add(errors, "uscc", "is not a valid unified social credit code");
	rq_problem_invalid(&f->req, &f->resp, errors);
	assert_int_equal(f->resp.status, 422);
	assert_string_equal(f->resp.content_type, "application/problem+json");
	cJSON *j = body_json(f);
	assert_string_equal(str_member(j, "type"), "/problems/validation");
	assert_string_equal(str_member(j, "title"), "Invalid request");
	assert_int_equal(num_member(j, "status"), 422);
	assert_non_null(cJSON_GetObjectItemCaseSensitive(j, "detail"));
	cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "errors");
	assert_true(cJSON_IsArray(e));
	assert_int_equal(cJSON_GetArraySize(e), 2);
	assert_string_equal(str_member(cJSON_GetArrayItem(e, 0), "field"), "name");
	assert_string_equal(str_member(cJSON_GetArrayItem(e, 0), "message"), "is required");
	assert_string_equal(str_member(cJSON_GetArrayItem(e, 1), "field"), "uscc");
	assert_string_equal(str_member(cJSON_GetArrayItem(e, 1), "message"),
			    "is not a valid unified social credit code");
}

static void field_problem_names_the_field(void **state)
{
	struct fixture *f = *state;
	rq_problem_field(&f->req, &f->resp, 400, "page", "must be a whole number");
	assert_int_equal(f->resp.status, 400);
	assert_string_equal(f->resp.content_type, "application/problem+json");
	cJSON *j = body_json(f);
	assert_string_equal(str_member(j, "type"), "/problems/bad-request");
	assert_string_equal(str_member(j, "title"), "Bad request");
	assert_int_equal(num_member(j, "status"), 400);
	assert_string_equal(str_member(j, "detail"), "must be a whole number");
	cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "errors");
	assert_true(cJSON_IsArray(e));
	assert_int_equal(cJSON_GetArraySize(e), 1);
	assert_string_equal(str_member(cJSON_GetArrayItem(e, 0), "field"), "page");
	assert_string_equal(str_member(cJSON_GetArrayItem(e, 0), "message"),
			    "must be a whole number");
}

static void field_problem_with_422_is_a_validation_problem(void **state)
{
	struct fixture *f = *state;
	rq_problem_field(&f->req, &f->resp, 422, "uscc", "is not valid");
	assert_int_equal(f->resp.status, 422);
	cJSON *j = body_json(f);
	assert_string_equal(str_member(j, "type"), "/problems/validation");
	assert_string_equal(str_member(j, "title"), "Invalid request");
}

static void unavailable_says_when_to_retry(void **state)
{
	struct fixture *f = *state;
	rq_problem_unavailable(&f->req, &f->resp, 7);
	assert_int_equal(f->resp.status, 503);
	assert_string_equal(f->resp.content_type, "application/problem+json");
	assert_string_equal(header(&f->resp, "Retry-After"), "7");
	cJSON *j = body_json(f);
	assert_string_equal(str_member(j, "type"), "/problems/unavailable");
	assert_int_equal(num_member(j, "status"), 503);
}

static void json_response_defaults_to_json_content_type(void **state)
{
	struct fixture *f = *state;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", "42");
	rq_resp_json(&f->req, &f->resp, 201, o);
	assert_int_equal(f->resp.status, 201);
	assert_string_equal(f->resp.content_type, "application/json; charset=utf-8");
	cJSON *j = body_json(f);
	assert_string_equal(str_member(j, "id"), "42");
}

/* Splits a serialised response at the blank line; returns the header block (with its
 * final CRLF) and points *body at the rest. */
static char *split_response(struct fixture *f, const char *out, size_t len, const char **body,
			    size_t *body_len)
{
	const char *sep = NULL;
	for (size_t i = 0; i + 3 < len; i++)
		if (memcmp(out + i, "\r\n\r\n", 4) == 0) {
			sep = out + i;
			break;
		}
	assert_non_null(sep);
	*body = sep + 4;
	*body_len = len - (size_t)(sep + 4 - out);
	return rq_strndup(f->arena, out, (size_t)(sep - out) + 2);
}

static void serialized_problem_has_status_line_and_headers(void **state)
{
	struct fixture *f = *state;
	cJSON *errors = rq_errors_new();
	rq_errors_add(errors, "name", "is required");
	rq_problem_invalid(&f->req, &f->resp, errors);
	size_t len = 0;
	char *out = rq_resp_serialize(&f->req, &f->resp, &len);
	assert_non_null(out);
	const char *body;
	size_t body_len;
	char *head = split_response(f, out, len, &body, &body_len);
	assert_int_equal(strncmp(head, "Status: 422 Unprocessable Content\r\n", 35), 0);
	assert_non_null(strstr(head, "\r\nContent-Type: application/problem+json\r\n"));
	char *cl = rq_printf(f->arena, "\r\nContent-Length: %zu\r\n", body_len);
	assert_non_null(strstr(head, cl));
	assert_int_equal(body_len, f->resp.body_len);
	assert_memory_equal(body, f->resp.body, body_len);
	assert_non_null(strstr(head, "\r\nX-Request-Id: req-0123456789abcdef\r\n"));
	assert_non_null(strstr(head, "\r\nCache-Control: no-store\r\n"));
}

static void serialized_unavailable_carries_retry_after(void **state)
{
	struct fixture *f = *state;
	rq_problem_unavailable(&f->req, &f->resp, 3);
	size_t len = 0;
	char *out = rq_resp_serialize(&f->req, &f->resp, &len);
	const char *body;
	size_t body_len;
	char *head = split_response(f, out, len, &body, &body_len);
	assert_int_equal(strncmp(head, "Status: 503 Service Unavailable\r\n", 33), 0);
	assert_non_null(strstr(head, "\r\nRetry-After: 3\r\n"));
	assert_int_equal(body_len, f->resp.body_len);
}

static void reasons_are_the_rfc_9110_phrases(void **state)
{
	(void)state;
	assert_string_equal(rq_http_reason(200), "OK");
	assert_string_equal(rq_http_reason(204), "No Content");
	assert_string_equal(rq_http_reason(404), "Not Found");
	assert_string_equal(rq_http_reason(405), "Method Not Allowed");
	assert_string_equal(rq_http_reason(413), "Content Too Large");
	assert_string_equal(rq_http_reason(415), "Unsupported Media Type");
	assert_string_equal(rq_http_reason(422), "Unprocessable Content");
	assert_string_equal(rq_http_reason(503), "Service Unavailable");
}

/* rq_json_string on a parsed body; errors go to the fixture's list. */
struct json_case {
	cJSON *obj;
	cJSON *errors;
};

static int json_setup(void **state)
{
	static struct json_case c;
	c.obj = NULL;
	c.errors = rq_errors_new();
	*state = &c;
	return c.errors != NULL ? 0 : -1;
}

static int json_teardown(void **state)
{
	struct json_case *c = *state;
	cJSON_Delete(c->obj);
	cJSON_Delete(c->errors);
	return 0;
}

static const char *field_of(struct json_case *c, const char *json, const char *field, bool required,
			    size_t min, size_t max)
{
	cJSON_Delete(c->obj);
	c->obj = cJSON_Parse(json);
	assert_non_null(c->obj);
	return rq_json_string(c->obj, field, required, min, max, c->errors);
}

/* The message of the only error recorded so far for field, then clears the list. */
static void expect_error(struct json_case *c, const char *field, const char *message)
{
	assert_int_equal(cJSON_GetArraySize(c->errors), 1);
	cJSON *e = cJSON_GetArrayItem(c->errors, 0);
	assert_string_equal(str_member(e, "field"), field);
	assert_string_equal(str_member(e, "message"), message);
	cJSON_DeleteItemFromArray(c->errors, 0);
}

static void expect_no_error(struct json_case *c)
{
	assert_int_equal(cJSON_GetArraySize(c->errors), 0);
}

static void string_present_and_valid_is_returned(void **state)
{
	struct json_case *c = *state;
	assert_string_equal(field_of(c, "{\"name\":\"城关镇卫生院\"}", "name", true, 1, 64),
			    "城关镇卫生院");
	expect_no_error(c);
}

static void missing_required_string_is_an_error(void **state)
{
	struct json_case *c = *state;
	assert_null(field_of(c, "{\"other\":\"x\"}", "name", true, 1, 64));
	expect_error(c, "name", "必须填写");
	assert_null(field_of(c, "{\"name\":null}", "name", true, 1, 64));
	expect_error(c, "name", "必须填写");
	/* Names are case-sensitive. */
	assert_null(field_of(c, "{\"Name\":\"x\"}", "name", true, 1, 64));
	expect_error(c, "name", "必须填写");
}

static void blank_string_is_an_error(void **state)
{
	struct json_case *c = *state;
	assert_null(field_of(c, "{\"name\":\"   \"}", "name", true, 1, 64));
	expect_error(c, "name", "不能只填空格");
	assert_null(field_of(c, "{\"name\":\"\\u3000\\t\"}", "name", true, 1, 64));
	expect_error(c, "name", "不能只填空格");
	/* Spaces inside a name are fine. */
	assert_string_equal(field_of(c, "{\"name\":\" 信阳 市 \"}", "name", true, 1, 64),
			    " 信阳 市 ");
	expect_no_error(c);
}

static void missing_optional_string_is_silent(void **state)
{
	struct json_case *c = *state;
	assert_null(field_of(c, "{}", "note", false, 0, 64));
	expect_no_error(c);
	assert_null(field_of(c, "{\"note\":null}", "note", false, 0, 64));
	expect_no_error(c);
	/* Present but wrong is still an error when optional. */
	assert_null(field_of(c, "{\"note\":5}", "note", false, 0, 64));
	expect_error(c, "note", "必须是字符串");
}

static void wrong_type_is_an_error(void **state)
{
	struct json_case *c = *state;
	const char *bodies[] = {"{\"name\":42}", "{\"name\":true}", "{\"name\":false}",
				"{\"name\":{}}", "{\"name\":[\"x\"]}"};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		assert_null(field_of(c, bodies[i], "name", true, 1, 64));
		expect_error(c, "name", "必须是字符串");
	}
}

static void invalid_utf8_or_control_characters_are_errors(void **state)
{
	struct json_case *c = *state;
	/* cJSON passes raw bytes through without checking them. */
	const char *bodies[] = {
	    "{\"name\":\"ab\xff\"}",	   /* not UTF-8 at all */
	    "{\"name\":\"\xc0\xaf\"}",	   /* overlong '/' */
	    "{\"name\":\"\xed\xa0\x80\"}", /* a surrogate */
	    "{\"name\":\"\xe4\xb8\"}",	   /* truncated 中 */
	    "{\"name\":\"a\\u0001b\"}",	   /* a control character, escaped */
	    "{\"name\":\"a\\u001bb\"}",	   /* ESC */
	};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		assert_null(field_of(c, bodies[i], "name", true, 1, 64));
		expect_error(c, "name", "必须是有效的 UTF-8 文本，且不含控制字符");
	}
	/* Tab and newline are text. */
	assert_string_equal(field_of(c, "{\"name\":\"a\\tb\\nc\"}", "name", true, 1, 64),
			    "a\tb\nc");
	expect_no_error(c);
}

static void length_is_counted_in_characters(void **state)
{
	struct json_case *c = *state;
	/* 4 characters, 12 bytes: fits a limit of 4 characters. */
	assert_string_equal(field_of(c, "{\"name\":\"中文名字\"}", "name", true, 1, 4), "中文名字");
	expect_no_error(c);
	/* 5 characters does not. */
	assert_null(field_of(c, "{\"name\":\"中文名字长\"}", "name", true, 1, 4));
	expect_error(c, "name", "长度不能超过 4 个字符");
	/* A 4-byte character counts once too. */
	assert_non_null(field_of(c, "{\"name\":\"\xf0\x9f\x98\x80\"}", "name", true, 1, 1));
	expect_no_error(c);
	assert_null(field_of(c, "{\"name\":\"abcde\"}", "name", true, 1, 4));
	expect_error(c, "name", "长度不能超过 4 个字符");
}

static void empty_and_short_strings(void **state)
{
	struct json_case *c = *state;
	assert_null(field_of(c, "{\"name\":\"\"}", "name", true, 1, 64));
	expect_error(c, "name", "不能为空");
	assert_null(field_of(c, "{\"code\":\"ab\"}", "code", true, 3, 64));
	expect_error(c, "code", "长度须为 3 到 64 个字符");
	assert_string_equal(field_of(c, "{\"code\":\"abc\"}", "code", true, 3, 64), "abc");
	expect_no_error(c);
	/* Empty is fine when the minimum is 0. */
	assert_string_equal(field_of(c, "{\"note\":\"\"}", "note", false, 0, 64), "");
	expect_no_error(c);
}

static void errors_accumulate_across_fields(void **state)
{
	struct json_case *c = *state;
	cJSON_Delete(c->obj);
	c->obj = cJSON_Parse("{\"username\":\"\",\"password\":7}");
	assert_null(rq_json_string(c->obj, "username", true, 1, 64, c->errors));
	assert_null(rq_json_string(c->obj, "password", true, 1, 256, c->errors));
	assert_null(rq_json_string(c->obj, "unit", true, 1, 64, c->errors));
	assert_int_equal(cJSON_GetArraySize(c->errors), 3);
	assert_string_equal(str_member(cJSON_GetArrayItem(c->errors, 0), "field"), "username");
	assert_string_equal(str_member(cJSON_GetArrayItem(c->errors, 1), "field"), "password");
	assert_string_equal(str_member(cJSON_GetArrayItem(c->errors, 2), "field"), "unit");
}

/* rq_problem_if_invalid: an empty list answers nothing (the handler goes on), a list with
 * errors answers 422 with them. */
static void invalid_only_when_there_are_errors(void **state)
{
	struct fixture *f = *state;
	assert_false(rq_problem_if_invalid(&f->req, &f->resp, rq_errors_new()));
	assert_int_equal(f->resp.status, 0);
	assert_null(f->resp.body);
	cJSON *errors = rq_errors_new();
	rq_errors_add(errors, "name", "不能为空");
	assert_true(rq_problem_if_invalid(&f->req, &f->resp, errors));
	assert_int_equal(f->resp.status, 422);
	cJSON *j = body_json(f);
	const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "errors"), 0);
	assert_string_equal(str_member(e, "field"), "name");
	assert_string_equal(str_member(e, "message"), "不能为空");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(problem_has_type_title_status_detail, setup, teardown),
	    cmocka_unit_test_setup_teardown(invalid_only_when_there_are_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(problem_without_detail_or_request_id, setup, teardown),
	    cmocka_unit_test_setup_teardown(problem_text_is_escaped_json, setup, teardown),
	    cmocka_unit_test_setup_teardown(invalid_lists_every_field_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(field_problem_names_the_field, setup, teardown),
	    cmocka_unit_test_setup_teardown(field_problem_with_422_is_a_validation_problem, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(unavailable_says_when_to_retry, setup, teardown),
	    cmocka_unit_test_setup_teardown(json_response_defaults_to_json_content_type, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(serialized_problem_has_status_line_and_headers, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(serialized_unavailable_carries_retry_after, setup,
					    teardown),
	    cmocka_unit_test(reasons_are_the_rfc_9110_phrases),
	    cmocka_unit_test_setup_teardown(string_present_and_valid_is_returned, json_setup,
					    json_teardown),
	    cmocka_unit_test_setup_teardown(missing_required_string_is_an_error, json_setup,
					    json_teardown),
	    cmocka_unit_test_setup_teardown(blank_string_is_an_error, json_setup, json_teardown),
	    cmocka_unit_test_setup_teardown(missing_optional_string_is_silent, json_setup,
					    json_teardown),
	    cmocka_unit_test_setup_teardown(wrong_type_is_an_error, json_setup, json_teardown),
	    cmocka_unit_test_setup_teardown(invalid_utf8_or_control_characters_are_errors,
					    json_setup, json_teardown),
	    cmocka_unit_test_setup_teardown(length_is_counted_in_characters, json_setup,
					    json_teardown),
	    cmocka_unit_test_setup_teardown(empty_and_short_strings, json_setup, json_teardown),
	    cmocka_unit_test_setup_teardown(errors_accumulate_across_fields, json_setup,
					    json_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
