/* libFuzzer target: a FastCGI request as nginx hands it over (method, normalised path, query
 * string, Content-Type, Cookie, Authorization, Content-Length and body) through the parser,
 * the router of every family's routes, the declared path and query checks and the JSON body
 * checks. The routes answer without a session (RQ_AUTH_NONE) and a handler that reads every
 * declared input: no crash, no sanitizer report, no 5xx, and no input reaching a handler
 * outside its declared type (fuzz_support.c).
 *
 * Input: seven '\n'-terminated lines (method, path, query, Content-Type, Cookie,
 * Authorization, Content-Length; an absent line is an absent variable), then the body. */
#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *l[7];
	size_t body_len;
	const char *body = fz_lines(data, size, l, 7, &body_len);
	struct fz_request r = {l[0], l[1], l[2], l[3], l[4], l[5], l[6], body, body_len};
	struct fz_answer a;
	fz_run(&r, FZ_PROBE, &a);
	return 0;
}
