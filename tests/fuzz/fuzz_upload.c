/* libFuzzer target: the photo upload (POST /api/v1/registration/attachments, a raw body whose
 * type is decided from its bytes: lib/rq_image.c) through the real handler behind an account
 * (no database: an accepted photo gets 503 from the first statement, before any file is
 * written). Rules: no crash or sanitizer report; only 413, 415, 422 or 503; and what is
 * accepted is a JPEG (FF D8 and a whole first segment) or a PNG (signature, IHDR, IEND
 * last) of the declared type.
 *
 * Input: one '\n'-terminated line (the Content-Type), then the body. */
#include "fuzz_support.h"

#include "rq_image.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char png_iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *ct;
	size_t len;
	const char *body = fz_lines(data, size, &ct, 1, &len);
	char length[24];
	snprintf(length, sizeof(length), "%zu", len);
	struct fz_request r = {
	    "POST", "/api/v1/registration/attachments", "", ct, NULL, NULL, length, body, len};
	struct fz_answer a;
	fz_run(&r, FZ_REAL, &a);
	if (a.status != 413 && a.status != 415 && a.status != 422 && a.status != 503)
		fz_fail("an upload answered %d", a.status);
	enum rq_image_type type = rq_image_sniff(body, len);
	if (a.status == 503 && type == RQ_IMAGE_NONE)
		fz_fail("an upload that is no image was accepted");
	if (type == RQ_IMAGE_JPEG &&
	    (len < 4 || (unsigned char)body[0] != 0xFF || (unsigned char)body[1] != 0xD8))
		fz_fail("taken for a JPEG without its start");
	if (type == RQ_IMAGE_PNG &&
	    (len < 8 + 25 + 12 || memcmp(body, "\x89PNG\r\n\x1a\n", 8) != 0 ||
	     memcmp(body + len - 12, png_iend, 12) != 0))
		fz_fail("taken for a PNG without its signature or IEND");
	if (a.status == 503 && ct != NULL &&
	    ((strncasecmp(ct, "image/png", 9) == 0 && type != RQ_IMAGE_PNG) ||
	     (strncasecmp(ct, "image/jpeg", 10) == 0 && type != RQ_IMAGE_JPEG)))
		fz_fail("an upload accepted under another declared type");
	return 0;
}
