/* Serialising a response for FastCGI: status line, headers, blank line, body, with the
 * Content-Length always that of the body actually sent. */
#include "resp_support.h"

/* The serialised response, split at the blank line. */
struct wire {
	char *head; /* every header line, each ending in CRLF, NUL-terminated */
	const char *body;
	size_t body_len;
};

static struct wire serialize(struct fixture *f)
{
	size_t len = 0;
	char *out = rq_resp_serialize(&f->req, &f->resp, &len);
	assert_non_null(out);
	struct wire w = {NULL, NULL, 0};
	for (size_t i = 0; i + 3 < len; i++) {
		if (out[i] == '\0')
			fail_msg(
			    "NUL byte at %zu in the header block: it was cut short (KNOWN "
			    "BUG lib/rq_http.c rq_resp_serialize when the Content-Type is long)",
			    i);
		if (memcmp(out + i, "\r\n\r\n", 4) == 0) {
			w.head = rq_strndup(f->arena, out, i + 2);
			w.body = out + i + 4;
			w.body_len = len - i - 4;
			break;
		}
	}
	assert_non_null(w.head);
	return w;
}

static void has_line(const struct wire *w, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = w->head; (p = strstr(p, line)) != NULL; p++)
		if ((p == w->head || p[-1] == '\n') && p[n] == '\r' && p[n + 1] == '\n')
			return;
	fail_msg("no header line \"%s\" in:\n%s", line, w->head);
}

static void lacks(const struct wire *w, const char *prefix)
{
	if (strstr(w->head, prefix) != NULL)
		fail_msg("unexpected \"%s\" in:\n%s", prefix, w->head);
}

static void no_content_has_no_content_type(void **state)
{
	struct fixture *f = *state;
	f->resp.status = 204;
	struct wire w = serialize(f);
	assert_int_equal(strncmp(w.head, "Status: 204 No Content\r\n", 24), 0);
	has_line(&w, "Content-Length: 0");
	has_line(&w, "X-Request-Id: req-0123456789abcdef");
	has_line(&w, "Cache-Control: no-store");
	lacks(&w, "Content-Type");
	assert_int_equal(w.body_len, 0);
}

static void json_body_is_sent_whole(void **state)
{
	struct fixture *f = *state;
	f->resp.status = 200;
	f->resp.content_type = "application/json; charset=utf-8";
	f->resp.body = "{\"name\":\"中文\"}";
	f->resp.body_len = strlen(f->resp.body);
	struct wire w = serialize(f);
	assert_int_equal(strncmp(w.head, "Status: 200 OK\r\n", 16), 0);
	has_line(&w, "Content-Type: application/json; charset=utf-8");
	has_line(&w, rq_printf(f->arena, "Content-Length: %zu", f->resp.body_len));
	assert_int_equal(w.body_len, f->resp.body_len);
	assert_memory_equal(w.body, f->resp.body, w.body_len);
}

static void binary_body_keeps_its_nul_bytes(void **state)
{
	struct fixture *f = *state;
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
	f->resp.status = 200;
	f->resp.content_type = "image/png";
	f->resp.body = png;
	f->resp.body_len = sizeof(png) - 1;
	struct wire w = serialize(f);
	has_line(&w, "Content-Type: image/png");
	has_line(&w, rq_printf(f->arena, "Content-Length: %zu", sizeof(png) - 1));
	assert_int_equal(w.body_len, sizeof(png) - 1);
	assert_memory_equal(w.body, png, sizeof(png) - 1);
}

static void own_cache_control_replaces_no_store(void **state)
{
	struct fixture *f = *state;
	f->resp.status = 200;
	f->resp.content_type = "image/png";
	f->resp.body = "x";
	f->resp.body_len = 1;
	rq_resp_header(&f->resp, "Cache-Control", "public, max-age=86400");
	struct wire w = serialize(f);
	has_line(&w, "Cache-Control: public, max-age=86400");
	lacks(&w, "no-store");
	/* exactly one Cache-Control line */
	const char *first = strstr(w.head, "Cache-Control");
	assert_null(strstr(first + 1, "Cache-Control"));
}

static void body_without_content_type_is_octet_stream(void **state)
{
	struct fixture *f = *state;
	f->resp.status = 200;
	f->resp.body = "raw";
	f->resp.body_len = 3;
	struct wire w = serialize(f);
	has_line(&w, "Content-Type: application/octet-stream");
}

static void without_request_id_there_is_no_request_id_header(void **state)
{
	struct fixture *f = *state;
	f->req.request_id = NULL;
	f->resp.status = 204;
	struct wire w = serialize(f);
	lacks(&w, "X-Request-Id");
}

static void extra_headers_follow_in_order(void **state)
{
	struct fixture *f = *state;
	f->resp.status = 201;
	rq_resp_header(&f->resp, "Location", "/api/v1/admin/units/42");
	rq_resp_header(&f->resp, "Set-Cookie", "rq_session=x; Path=/api/; HttpOnly");
	struct wire w = serialize(f);
	assert_int_equal(strncmp(w.head, "Status: 201 Created\r\n", 21), 0);
	has_line(&w, "Location: /api/v1/admin/units/42");
	has_line(&w, "Set-Cookie: rq_session=x; Path=/api/; HttpOnly");
	assert_true(strstr(w.head, "Location:") < strstr(w.head, "Set-Cookie:"));
}

static void long_header_values_are_not_cut(void **state)
{
	struct fixture *f = *state;
	char *v = rq_alloc(f->arena, 5001);
	memset(v, 'v', 5000);
	f->resp.status = 200;
	rq_resp_header(&f->resp, "X-Long", v);
	char *rid = rq_alloc(f->arena, 3001);
	memset(rid, 'r', 3000);
	f->req.request_id = rid;
	struct wire w = serialize(f);
	has_line(&w, rq_printf(f->arena, "X-Long: %s", v));
	has_line(&w, rq_printf(f->arena, "X-Request-Id: %s", rid));
}

static void sixteen_headers_fit(void **state)
{
	struct fixture *f = *state;
	f->resp.status = 204;
	for (int i = 0; i < RQ_MAX_HEADERS; i++)
		rq_resp_header(&f->resp, rq_printf(f->arena, "X-H%d", i),
			       rq_printf(f->arena, "%d", i));
	assert_int_equal(f->resp.nheaders, RQ_MAX_HEADERS);
	/* One more is dropped rather than overflowing the fixed arrays. */
	rq_resp_header(&f->resp, "X-Dropped", "1");
	assert_int_equal(f->resp.nheaders, RQ_MAX_HEADERS);
	struct wire w = serialize(f);
	has_line(&w, "X-H0: 0");
	has_line(&w, "X-H15: 15");
	lacks(&w, "X-Dropped");
}

static void unknown_status_still_has_a_reason(void **state)
{
	struct fixture *f = *state;
	f->resp.status = 418;
	struct wire w = serialize(f);
	assert_int_equal(strncmp(w.head, "Status: 418 Unknown\r\n", 21), 0);
}

/* The buffer must be sized for the Content-Type value too: otherwise a long content type
 * truncates the header block and later snprintf calls get a wrapped-around size. */
static void long_content_type_is_not_cut(void **state)
{
	struct fixture *f = *state;
	char *param = rq_alloc(f->arena, 201);
	memset(param, 'a', 200);
	const char *ct = rq_printf(f->arena, "text/plain; charset=utf-8; x-note=\"%s\"", param);
	f->resp.status = 200;
	f->resp.content_type = ct;
	f->resp.body = "hi";
	f->resp.body_len = 2;
	struct wire w = serialize(f);
	has_line(&w, rq_printf(f->arena, "Content-Type: %s", ct));
	has_line(&w, "Content-Length: 2");
	has_line(&w, "X-Request-Id: req-0123456789abcdef");
	assert_int_equal(w.body_len, 2);
	assert_memory_equal(w.body, "hi", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(no_content_has_no_content_type, setup, teardown),
	    cmocka_unit_test_setup_teardown(json_body_is_sent_whole, setup, teardown),
	    cmocka_unit_test_setup_teardown(binary_body_keeps_its_nul_bytes, setup, teardown),
	    cmocka_unit_test_setup_teardown(own_cache_control_replaces_no_store, setup, teardown),
	    cmocka_unit_test_setup_teardown(body_without_content_type_is_octet_stream, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(without_request_id_there_is_no_request_id_header, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(extra_headers_follow_in_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(long_header_values_are_not_cut, setup, teardown),
	    cmocka_unit_test_setup_teardown(sixteen_headers_fit, setup, teardown),
	    cmocka_unit_test_setup_teardown(unknown_status_still_has_a_reason, setup, teardown),
	    cmocka_unit_test_setup_teardown(long_content_type_is_not_cut, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
