/* Reading a request from a CGI environment and a body stream, and looking up headers,
 * query parameters and cookies in it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "rq_http.h"
#include "arena_fixture.h"

/* A body that arrives at most `chunk` bytes per read, like a slow FastCGI stream. */
struct fake_body {
	const char *data;
	size_t len, pos, chunk;
	int calls;
};

static size_t read_fake(void *ctx, char *buf, size_t n)
{
	struct fake_body *b = ctx;
	b->calls++;
	size_t left = b->len - b->pos;
	size_t k = n < left ? n : left;
	if (k > b->chunk)
		k = b->chunk;
	memcpy(buf, b->data + b->pos, k);
	b->pos += k;
	return k;
}

static enum rq_parse_status parse(struct req_fixture *f, char **env, long max_body,
				  struct fake_body *body)
{
	memset(&f->req, 0, sizeof(f->req));
	return rq_req_parse(&f->req, f->arena, env, max_body, read_fake, body);
}

static void absent_variables_read_as_defaults(void **state)
{
	struct req_fixture *f = *state;
	char *env[] = {NULL};
	struct fake_body b = {"", 0, 0, 1, 0};
	assert_int_equal(parse(f, env, 1024, &b), RQ_PARSE_OK);
	assert_string_equal(f->req.method, "GET");
	assert_string_equal(f->req.path, "/");
	assert_string_equal(f->req.query, "");
	assert_string_equal(f->req.content_type, "");
	assert_string_equal(f->req.client_addr, "");
	assert_null(f->req.request_id);
	assert_non_null(f->req.body);
	assert_string_equal(f->req.body, "");
	assert_int_equal(f->req.body_len, 0);
	assert_int_equal(b.calls, 0); /* no CONTENT_LENGTH: nothing is read */
	assert_ptr_equal(f->req.arena, f->arena);
	assert_null(rq_req_header(&f->req, "Authorization"));
	assert_null(rq_req_cookie(&f->req, "rq_session"));
	assert_null(rq_req_query(&f->req, "page"));
}

static void empty_request_id_reads_as_absent(void **state)
{
	struct req_fixture *f = *state;
	char *env[] = {"REQUEST_ID=", NULL};
	struct fake_body b = {"", 0, 0, 1, 0};
	assert_int_equal(parse(f, env, 1024, &b), RQ_PARSE_OK);
	assert_null(f->req.request_id);
}

static void every_variable_is_copied(void **state)
{
	struct req_fixture *f = *state;
	char method[] = "REQUEST_METHOD=POST";
	char *env[] = {
	    method,
	    "DOCUMENT_URI=/api/v1/admin/units",
	    "QUERY_STRING=page=2&q=%E4%B8%AD",
	    "CONTENT_TYPE=application/json; charset=utf-8",
	    "CONTENT_LENGTH=13",
	    "REQUEST_ID=3f2a9c0d1e8b4a7f9c0d1e8b4a7f9c0d",
	    "REMOTE_ADDR=203.0.113.9",
	    "HTTP_AUTHORIZATION=Bearer abc",
	    "HTTP_COOKIE=rq_session=xyz; theme=dark",
	    NULL,
	};
	struct fake_body b = {"{\"name\":\"x\"}\n", 13, 0, 1000, 0};
	assert_int_equal(parse(f, env, 1024, &b), RQ_PARSE_OK);
	assert_string_equal(f->req.method, "POST");
	assert_string_equal(f->req.path, "/api/v1/admin/units");
	assert_string_equal(f->req.query, "page=2&q=%E4%B8%AD");
	assert_string_equal(f->req.content_type, "application/json; charset=utf-8");
	assert_string_equal(f->req.request_id, "3f2a9c0d1e8b4a7f9c0d1e8b4a7f9c0d");
	assert_string_equal(f->req.client_addr, "203.0.113.9");
	assert_int_equal(f->req.body_len, 13);
	assert_memory_equal(f->req.body, "{\"name\":\"x\"}\n", 13);
	assert_int_equal(f->req.body[13], '\0');
	assert_string_equal(rq_req_header(&f->req, "Authorization"), "Bearer abc");
	assert_string_equal(rq_req_cookie(&f->req, "rq_session"), "xyz");
	assert_string_equal(rq_req_query(&f->req, "q"), "中");
	/* The method is an arena copy: the server may reuse its environment buffers. */
	method[15] = 'X';
	assert_string_equal(f->req.method, "POST");
}

static void body_is_read_fully_in_small_chunks(void **state)
{
	struct req_fixture *f = *state;
	enum { LEN = 1000 };
	static char data[LEN];
	for (size_t i = 0; i < LEN; i++)
		data[i] = (char)(i % 256); /* binary, with NUL bytes inside */
	char *env[] = {"REQUEST_METHOD=POST", "CONTENT_LENGTH=1000", NULL};
	struct fake_body b = {data, LEN, 0, 7, 0};
	assert_int_equal(parse(f, env, 4096, &b), RQ_PARSE_OK);
	assert_int_equal(f->req.body_len, LEN);
	assert_memory_equal(f->req.body, data, LEN);
	assert_int_equal(f->req.body[LEN], '\0');
	assert_int_equal(b.pos, LEN);
	assert_true(b.calls >= LEN / 7);
}

static void body_reads_no_more_than_content_length(void **state)
{
	struct req_fixture *f = *state;
	char *env[] = {"CONTENT_LENGTH=5", NULL};
	struct fake_body b = {"helloEXTRA", 10, 0, 100, 0};
	assert_int_equal(parse(f, env, 1024, &b), RQ_PARSE_OK);
	assert_int_equal(f->req.body_len, 5);
	assert_string_equal(f->req.body, "hello");
	assert_int_equal(b.pos, 5);
}

static void malformed_content_length_is_bad(void **state)
{
	struct req_fixture *f = *state;
	char *bad[] = {
	    "CONTENT_LENGTH=12x", "CONTENT_LENGTH=-1",	 "CONTENT_LENGTH= 12",
	    "CONTENT_LENGTH=+12", "CONTENT_LENGTH=0x10", "CONTENT_LENGTH=1.5",
	    "CONTENT_LENGTH=abc", "CONTENT_LENGTH=12 ",	 "CONTENT_LENGTH=99999999999999999999"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *env[] = {"REQUEST_METHOD=POST", bad[i], NULL};
		struct fake_body b = {"0123456789ab", 12, 0, 100, 0};
		enum rq_parse_status s = parse(f, env, 1024, &b);
		if (s != RQ_PARSE_BAD_LENGTH)
			fail_msg("%s: expected RQ_PARSE_BAD_LENGTH, got %d", bad[i], (int)s);
		assert_int_equal(b.calls, 0);
		assert_int_equal(f->req.body_len, 0);
	}
}

static void empty_or_zero_content_length_is_no_body(void **state)
{
	struct req_fixture *f = *state;
	char *ok[] = {"CONTENT_LENGTH=", "CONTENT_LENGTH=0"};
	for (size_t i = 0; i < 2; i++) {
		char *env[] = {"REQUEST_METHOD=POST", ok[i], NULL};
		struct fake_body b = {"unexpected", 10, 0, 100, 0};
		assert_int_equal(parse(f, env, 1024, &b), RQ_PARSE_OK);
		assert_int_equal(f->req.body_len, 0);
		assert_string_equal(f->req.body, "");
		assert_int_equal(b.pos, 0);
	}
}

static void body_over_the_cap_is_too_large(void **state)
{
	struct req_fixture *f = *state;
	char *env[] = {"REQUEST_METHOD=POST", "CONTENT_LENGTH=1025", NULL};
	struct fake_body b = {"x", 1, 0, 100, 0};
	assert_int_equal(parse(f, env, 1024, &b), RQ_PARSE_TOO_LARGE);
	assert_int_equal(b.calls, 0); /* refused before reading (the server drains it) */
	assert_int_equal(f->req.body_len, 0);

	char *huge[] = {"REQUEST_METHOD=POST", "CONTENT_LENGTH=9223372036854775807", NULL};
	assert_int_equal(parse(f, huge, 1024, &b), RQ_PARSE_TOO_LARGE);
	assert_int_equal(b.calls, 0);
}

static void body_at_the_cap_is_accepted(void **state)
{
	struct req_fixture *f = *state;
	static char data[1024];
	memset(data, 'a', sizeof(data));
	char *env[] = {"REQUEST_METHOD=POST", "CONTENT_LENGTH=1024", NULL};
	struct fake_body b = {data, sizeof(data), 0, 100, 0};
	assert_int_equal(parse(f, env, 1024, &b), RQ_PARSE_OK);
	assert_int_equal(f->req.body_len, 1024);
}

static void short_body_is_reported(void **state)
{
	struct req_fixture *f = *state;
	char *env[] = {"REQUEST_METHOD=POST", "CONTENT_LENGTH=10", NULL};
	struct fake_body b = {"abcd", 4, 0, 3, 0};
	assert_int_equal(parse(f, env, 1024, &b), RQ_PARSE_SHORT_BODY);
	/* The handler never sees a partial body. */
	assert_int_equal(f->req.body_len, 0);
	assert_string_equal(f->req.body, "");

	struct fake_body none = {"", 0, 0, 3, 0};
	assert_int_equal(parse(f, env, 1024, &none), RQ_PARSE_SHORT_BODY);
}

static void headers_are_found_by_http_name(void **state)
{
	struct req_fixture *f = *state;
	char *env[] = {
	    "HTTP_AUTHORIZATION_EXTRA=no",
	    "HTTP_AUTHORIZATION=Bearer tok",
	    "HTTP_X_CSRF_TOKEN=csrf123",
	    "HTTP_EMPTY=",
	    NULL,
	};
	struct fake_body b = {"", 0, 0, 1, 0};
	assert_int_equal(parse(f, env, 1024, &b), RQ_PARSE_OK);
	assert_string_equal(rq_req_header(&f->req, "Authorization"), "Bearer tok");
	assert_string_equal(rq_req_header(&f->req, "authorization"), "Bearer tok");
	assert_string_equal(rq_req_header(&f->req, "X-CSRF-Token"), "csrf123");
	assert_string_equal(rq_req_header(&f->req, "x-csrf-token"), "csrf123");
	assert_string_equal(rq_req_header(&f->req, "Empty"), "");
	assert_null(rq_req_header(&f->req, "Authorizatio"));
	assert_null(rq_req_header(&f->req, "Cookie"));
	char longname[300];
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_null(rq_req_header(&f->req, longname));
	assert_string_equal(rq_req_env(&f->req, "HTTP_X_CSRF_TOKEN"), "csrf123");
	assert_null(rq_req_env(&f->req, "HTTP_X_CSRF"));
}

static const char *query(struct req_fixture *f, const char *qs, const char *key)
{
	memset(&f->req, 0, sizeof(f->req));
	f->req.arena = f->arena;
	f->req.query = qs;
	return rq_req_query(&f->req, key);
}

static void query_values_are_percent_decoded(void **state)
{
	struct req_fixture *f = *state;
	const char *qs =
	    "a=1&b=hello%20world&c=x+y&d=%41%42%43&e=%c3%a9%E4%B8%AD&f=%2B1&g=a%26b%3Dc";
	assert_string_equal(query(f, qs, "a"), "1");
	assert_string_equal(query(f, qs, "b"), "hello world");
	assert_string_equal(query(f, qs, "c"), "x y");
	assert_string_equal(query(f, qs, "d"), "ABC");
	assert_string_equal(query(f, qs, "e"), "é中");
	assert_string_equal(query(f, qs, "f"), "+1");
	assert_string_equal(query(f, qs, "g"), "a&b=c");
}

static void malformed_percent_escapes_stay_literal(void **state)
{
	struct req_fixture *f = *state;
	assert_string_equal(query(f, "p=100%", "p"), "100%");
	assert_string_equal(query(f, "p=%4", "p"), "%4");
	assert_string_equal(query(f, "p=%zz1", "p"), "%zz1");
	assert_string_equal(query(f, "p=%%41", "p"), "%A");
	assert_string_equal(query(f, "p=%41", "p"), "A"); /* an escape that ends the string */
}

static void query_absent_versus_empty(void **state)
{
	struct req_fixture *f = *state;
	const char *qs = "empty=&flag&x=1";
	assert_string_equal(query(f, qs, "empty"), "");
	assert_string_equal(query(f, qs, "flag"), "");
	assert_null(query(f, qs, "missing"));
	assert_null(query(f, "", "x"));
	assert_null(query(f, "=1", "x"));
}

static void query_keys_match_whole(void **state)
{
	struct req_fixture *f = *state;
	/* A key that is a prefix of another, in either order. */
	assert_string_equal(query(f, "page_size=50&page=2", "page"), "2");
	assert_string_equal(query(f, "page=2&page_size=50", "page_size"), "50");
	assert_null(query(f, "page_size=50", "page"));
	assert_null(query(f, "page=2", "pag"));
	assert_null(query(f, "xpage=2", "page"));
	/* The first of repeated keys. */
	assert_string_equal(query(f, "a=1&a=2", "a"), "1");
}

static const char *cookie(struct req_fixture *f, char *header, const char *name)
{
	char *env[] = {header, NULL};
	struct fake_body b = {"", 0, 0, 1, 0};
	assert_int_equal(parse(f, env, 1024, &b), RQ_PARSE_OK);
	return rq_req_cookie(&f->req, name);
}

static void cookies_are_found_by_name(void **state)
{
	struct req_fixture *f = *state;
	char h[] = "HTTP_COOKIE=theme=dark; rq_session=abc123; lang=zh";
	assert_string_equal(cookie(f, h, "rq_session"), "abc123");
	assert_string_equal(cookie(f, h, "theme"), "dark");
	assert_string_equal(cookie(f, h, "lang"), "zh");
	assert_null(cookie(f, h, "missing"));
	assert_null(cookie(f, h, "rq_sess"));

	char tight[] = "HTTP_COOKIE=a=1;b=2";
	assert_string_equal(cookie(f, tight, "b"), "2");

	char prefix[] = "HTTP_COOKIE=rq_session2=no; xrq_session=no; rq_session=yes";
	assert_string_equal(cookie(f, prefix, "rq_session"), "yes");

	char eq[] = "HTTP_COOKIE=t=a=b";
	assert_string_equal(cookie(f, eq, "t"), "a=b");

	char trailing[] = "HTTP_COOKIE=a=1; ";
	assert_string_equal(cookie(f, trailing, "a"), "1");
	assert_null(cookie(f, trailing, "b"));

	char none[] = "HTTP_OTHER=1";
	assert_null(cookie(f, none, "a"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(absent_variables_read_as_defaults, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(empty_request_id_reads_as_absent, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(every_variable_is_copied, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(body_is_read_fully_in_small_chunks, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(body_reads_no_more_than_content_length,
					    req_fixture_setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(malformed_content_length_is_bad, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(empty_or_zero_content_length_is_no_body,
					    req_fixture_setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(body_over_the_cap_is_too_large, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(body_at_the_cap_is_accepted, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(short_body_is_reported, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(headers_are_found_by_http_name, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(query_values_are_percent_decoded, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(malformed_percent_escapes_stay_literal,
					    req_fixture_setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(query_absent_versus_empty, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(query_keys_match_whole, req_fixture_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(cookies_are_found_by_name, req_fixture_setup,
					    arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
