/* Image type from the bytes (rq_image_sniff): real JPEG and PNG files are recognised;
 * an HTML page named .jpg, a GIF, an empty body, and PNGs cut short or damaged are not. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../data/sample_jpeg.h"
#include "rq_image.h"
#include "rq_png.h"

/* A real 16 × 8 greyscale PNG from the project's own encoder (malloc'd). */
static uint8_t *make_png(size_t *len)
{
	struct rq_png_image img;
	assert_int_equal(rq_png_image_init(&img, RQ_PNG_GRAY, 16, 8, 200), 0);
	uint8_t *png = NULL;
	assert_int_equal(rq_png_encode(&img, 0, 1 << 20, &png, len), 0);
	rq_png_image_free(&img);
	return png;
}

static void jpeg_and_png_are_recognised(void **state)
{
	(void)state;
	assert_int_equal(rq_image_sniff(sample_jpeg, sizeof(sample_jpeg)), RQ_IMAGE_JPEG);
	size_t len;
	uint8_t *png = make_png(&len);
	assert_int_equal(rq_image_sniff(png, len), RQ_IMAGE_PNG);
	free(png);
	assert_string_equal(rq_image_mime(RQ_IMAGE_JPEG), "image/jpeg");
	assert_string_equal(rq_image_mime(RQ_IMAGE_PNG), "image/png");
	assert_null(rq_image_mime(RQ_IMAGE_NONE));
}

/* Phones append trailers after the JPEG's end marker: still a JPEG. */
static void jpeg_with_a_trailer_is_a_jpeg(void **state)
{
	(void)state;
	uint8_t buf[sizeof(sample_jpeg) + 16];
	memcpy(buf, sample_jpeg, sizeof(sample_jpeg));
	memcpy(buf + sizeof(sample_jpeg), "SEFHtrailer.....", 16);
	assert_int_equal(rq_image_sniff(buf, sizeof(buf)), RQ_IMAGE_JPEG);
}

static void html_named_jpg_is_refused(void **state)
{
	(void)state;
	static const char html[] = "<!doctype html><html><body><script>alert(1)</script>"
				   "</body></html>\n";
	assert_int_equal(rq_image_sniff(html, sizeof(html) - 1), RQ_IMAGE_NONE);
	/* an HTML page behind a JPEG's first three bytes, with no marker segment */
	char fake[64] = "\xFF\xD8\xFF<html>";
	assert_int_equal(rq_image_sniff(fake, sizeof(fake)), RQ_IMAGE_NONE);
}

static void gif_is_refused(void **state)
{
	(void)state;
	static const unsigned char gif[] = {
	    'G',  'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0, 0,	0, 0, 0xFF, 0xFF,
	    0xFF, ',', 0,   0,	 0,   0,   1, 0, 1, 0, 0,    2, 2, 'D', 1, 0, ';'};
	assert_int_equal(rq_image_sniff(gif, sizeof(gif)), RQ_IMAGE_NONE);
}

static void empty_body_is_refused(void **state)
{
	(void)state;
	assert_int_equal(rq_image_sniff("", 0), RQ_IMAGE_NONE);
	assert_int_equal(rq_image_sniff(NULL, 0), RQ_IMAGE_NONE);
	assert_int_equal(rq_image_sniff(sample_jpeg, 3), RQ_IMAGE_NONE);
}

/* Every prefix of a PNG is refused: cut inside the signature, the IHDR, the data, or
 * the IEND chunk. */
static void truncated_png_is_refused(void **state)
{
	(void)state;
	size_t len;
	uint8_t *png = make_png(&len);
	for (size_t cut = 0; cut < len; cut++)
		if (rq_image_sniff(png, cut) != RQ_IMAGE_NONE)
			fail_msg("a PNG cut to %zu of %zu bytes was taken for an image", cut, len);
	free(png);
}

/* A JPEG whose first marker segment is cut short. */
static void truncated_jpeg_header_is_refused(void **state)
{
	(void)state;
	/* FF D8 FF E0 00 10: the APP0 segment needs 4 + 16 bytes */
	for (size_t cut = 0; cut < 20; cut++)
		assert_int_equal(rq_image_sniff(sample_jpeg, cut), RQ_IMAGE_NONE);
	assert_int_equal(rq_image_sniff(sample_jpeg, 20), RQ_IMAGE_JPEG);
}

static void damaged_png_header_is_refused(void **state)
{
	(void)state;
	size_t len;
	uint8_t *png = make_png(&len);
	/* a changed width no longer matches the IHDR's CRC */
	png[16 + 3] ^= 1;
	assert_int_equal(rq_image_sniff(png, len), RQ_IMAGE_NONE);
	png[16 + 3] ^= 1;
	assert_int_equal(rq_image_sniff(png, len), RQ_IMAGE_PNG);
	/* a first chunk that is not IHDR */
	png[12] = 'X';
	assert_int_equal(rq_image_sniff(png, len), RQ_IMAGE_NONE);
	free(png);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(jpeg_and_png_are_recognised),
	    cmocka_unit_test(jpeg_with_a_trailer_is_a_jpeg),
	    cmocka_unit_test(html_named_jpg_is_refused),
	    cmocka_unit_test(gif_is_refused),
	    cmocka_unit_test(empty_body_is_refused),
	    cmocka_unit_test(truncated_png_is_refused),
	    cmocka_unit_test(truncated_jpeg_header_is_refused),
	    cmocka_unit_test(damaged_png_header_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
