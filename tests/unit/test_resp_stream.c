/* A streamed answer (rq_resp_stream_begin/write/abort, the auditors' export): the status and
 * headers go out first without a Content-Length, then the body as written; HEAD writes no
 * body; a client that is gone marks the answer aborted and stops every later write; a request
 * without a writer (no FastCGI) cannot stream. */
#include "resp_support.h"

#include <stdio.h>

/* What the fake client received, and whether it hangs up now. */
static struct {
	char data[4096];
	size_t len;
	bool gone;
} client;

static int client_write(void *ctx, const char *buf, size_t n)
{
	(void)ctx;
	if (client.gone || client.len + n > sizeof(client.data))
		return -1;
	memcpy(client.data + client.len, buf, n);
	client.len += n;
	return 0;
}

static struct fixture *streaming(void **state, const char *method)
{
	struct fixture *f = *state;
	memset(&client, 0, sizeof(client));
	f->req.method = method;
	f->req.write = client_write;
	f->resp.content_type = "text/csv; charset=utf-8";
	rq_resp_header(&f->resp, "Content-Disposition", "attachment; filename=\"x.csv\"");
	return f;
}

static void head_then_body_without_length(void **state)
{
	struct fixture *f = streaming(state, "GET");
	assert_int_equal(rq_resp_stream_begin(&f->req, &f->resp), 0);
	assert_int_equal(rq_resp_stream_write(&f->req, &f->resp, "a,b\r\n", 5), 0);
	assert_int_equal(rq_resp_stream_write(&f->req, &f->resp, "1,2\r\n", 5), 0);
	client.data[client.len] = '\0';
	const char *end = strstr(client.data, "\r\n\r\n");
	assert_non_null(end);
	assert_memory_equal(client.data, "Status: 200 OK\r\n", 16);
	assert_non_null(strstr(client.data, "Content-Type: text/csv; charset=utf-8\r\n"));
	assert_non_null(
	    strstr(client.data, "Content-Disposition: attachment; filename=\"x.csv\"\r\n"));
	assert_non_null(strstr(client.data, "X-Request-Id: req-0123456789abcdef\r\n"));
	assert_null(strstr(client.data, "Content-Length"));
	assert_string_equal(end + 4, "a,b\r\n1,2\r\n");
	assert_true(f->resp.streamed);
	assert_false(f->resp.aborted);
	assert_int_equal(f->resp.streamed_bytes, 10);
	/* once only */
	assert_int_equal(rq_resp_stream_begin(&f->req, &f->resp), -1);
}

static void head_request_gets_no_body(void **state)
{
	struct fixture *f = streaming(state, "HEAD");
	assert_int_equal(rq_resp_stream_begin(&f->req, &f->resp), 0);
	size_t head = client.len;
	assert_int_equal(rq_resp_stream_write(&f->req, &f->resp, "a,b\r\n", 5), 0);
	assert_int_equal(client.len, head);
}

static void client_gone_aborts(void **state)
{
	struct fixture *f = streaming(state, "GET");
	assert_int_equal(rq_resp_stream_begin(&f->req, &f->resp), 0);
	client.gone = true;
	assert_int_equal(rq_resp_stream_write(&f->req, &f->resp, "a", 1), -1);
	assert_true(f->resp.aborted);
	client.gone = false;
	assert_int_equal(rq_resp_stream_write(&f->req, &f->resp, "b", 1), -1);
}

static void without_writer_nothing_streams(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(rq_resp_stream_begin(&f->req, &f->resp), -1);
	assert_false(f->resp.streamed);
	assert_int_equal(rq_resp_stream_write(&f->req, &f->resp, "a", 1), -1);
}

static void abort_marks_it(void **state)
{
	struct fixture *f = streaming(state, "GET");
	assert_int_equal(rq_resp_stream_begin(&f->req, &f->resp), 0);
	rq_resp_stream_abort(&f->req, &f->resp, "the query failed");
	assert_true(f->resp.aborted);
	assert_int_equal(rq_resp_stream_write(&f->req, &f->resp, "a", 1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(head_then_body_without_length, setup, teardown),
	    cmocka_unit_test_setup_teardown(head_request_gets_no_body, setup, teardown),
	    cmocka_unit_test_setup_teardown(client_gone_aborts, setup, teardown),
	    cmocka_unit_test_setup_teardown(without_writer_nothing_streams, setup, teardown),
	    cmocka_unit_test_setup_teardown(abort_marks_it, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
