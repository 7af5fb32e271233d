/* The bare QR code: what zbarimg reads back is exactly the text encoded; the PNG is crisp
 * (every pixel black or white, integer module size, a 4-module white quiet zone); error
 * correction is level H; PNG output is bounded and carries 300 dpi when asked. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <png.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rq_png.h"
#include "rq_qr.h"
#include "test_common.h"

static const char url[] = "https://ruqima.xinyang.gov.cn/e/3q2-7_AbCdEfGhIjKlMnOpQrStUv";

/* The PNG decoded as 8-bit gray (malloc'd), with its size. */
static uint8_t *read_gray(const uint8_t *png, size_t len, int *w, int *h)
{
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_memory(&img, png, len));
	img.format = PNG_FORMAT_GRAY;
	uint8_t *px = malloc(PNG_IMAGE_SIZE(img));
	assert_non_null(px);
	assert_true(png_image_finish_read(&img, NULL, px, 0, NULL));
	*w = (int)img.width;
	*h = (int)img.height;
	return px;
}

/* The QR of the URL at modules of m pixels reads back as exactly the URL. */
static void assert_decodes_at(int m)
{
	uint8_t *png;
	size_t len;
	assert_int_equal(rq_qr_png(url, m, &png, &len), 0);
	char *text = tc_zbar(png, len);
	assert_string_equal(text, url);
	free(text);
	free(png);
}

static void decodes_to_exactly_the_url(void **state)
{
	(void)state;
	assert_decodes_at(12);
}

static void small_modules_still_decode(void **state)
{
	(void)state;
	assert_decodes_at(3);
}

static void image_is_crisp_with_a_quiet_zone(void **state)
{
	(void)state;
	const int m = 12;
	struct rq_qr qr;
	assert_int_equal(rq_qr_encode(&qr, url), 0);
	uint8_t *png;
	size_t len;
	assert_int_equal(rq_qr_png(url, m, &png, &len), 0);
	int w, h;
	uint8_t *px = read_gray(png, len, &w, &h);
	assert_int_equal(w, (qr.width + 8) * m);
	assert_int_equal(h, w);
	assert_int_equal(rq_qr_side(&qr, m), w);
	for (int i = 0; i < w * h; i++)
		if (px[i] != 0 && px[i] != 255)
			fail_msg("pixel %d is gray (%d): not crisp", i, px[i]);
	/* The quiet zone is white all round. */
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			if ((x < 4 * m || y < 4 * m || x >= w - 4 * m || y >= h - 4 * m) &&
			    px[y * w + x] != 255)
				fail_msg("quiet zone pixel (%d, %d) is dark", x, y);
	/* Each module is a whole m × m square that matches the matrix. */
	for (int r = 0; r < qr.width; r++)
		for (int c = 0; c < qr.width; c++) {
			uint8_t want = qr.modules[r * qr.width + c] ? 0 : 255;
			for (int dy = 0; dy < m; dy++)
				for (int dx = 0; dx < m; dx++)
					assert_int_equal(
					    px[((4 + r) * m + dy) * w + (4 + c) * m + dx], want);
		}
	/* The finder pattern's corner is dark. */
	assert_int_equal(px[4 * m * w + 4 * m], 0);
	free(px);
	free(png);
	rq_qr_free(&qr);
}

static void error_correction_is_level_h(void **state)
{
	(void)state;
	struct rq_qr qr;
	assert_int_equal(rq_qr_encode(&qr, url), 0);
	/* The same text at level H with libqrencode directly gives the same symbol. */
	QRcode *ref = QRcode_encodeString(url, 0, QR_ECLEVEL_H, QR_MODE_8, 1);
	assert_non_null(ref);
	assert_int_equal(qr.width, ref->width);
	assert_int_equal(qr.version, ref->version);
	for (int i = 0; i < ref->width * ref->width; i++)
		assert_int_equal(qr.modules[i], ref->data[i] & 1);
	QRcode_free(ref);
	/* A 60-character URL stays small at H: version 6, 41 modules. */
	assert_int_equal(strlen(url), 60);
	assert_true(qr.version <= 7);
	rq_qr_free(&qr);
}

static void empty_or_oversized_text_is_refused(void **state)
{
	(void)state;
	struct rq_qr qr;
	assert_int_equal(rq_qr_encode(&qr, ""), -1);
	assert_null(qr.modules);
	assert_int_equal(rq_qr_encode(&qr, NULL), -1);
	/* Level H holds at most 1,273 bytes (version 40). */
	char *big = malloc(1400);
	memset(big, 'a', 1399);
	big[1399] = '\0';
	assert_int_equal(rq_qr_encode(&qr, big), -1);
	uint8_t *png = (uint8_t *)"x";
	size_t len = 1;
	assert_int_equal(rq_qr_png(big, 4, &png, &len), -1);
	assert_null(png);
	assert_int_equal(len, 0);
	assert_int_equal(rq_qr_png(url, 0, &png, &len), -1);
	assert_int_equal(rq_qr_png(url, 65, &png, &len), -1);
	free(big);
}

static void png_output_is_bounded(void **state)
{
	(void)state;
	struct rq_png_image img;
	assert_int_equal(rq_png_image_init(&img, RQ_PNG_GRAY, 500, 500, 255), 0);
	/* Noise does not compress: 250,000 bytes of pixels cannot fit in 10,000. */
	for (int i = 0; i < 500 * 500; i++)
		img.pixels[i] = (uint8_t)((i * 2654435761u) >> 24);
	uint8_t *png = (uint8_t *)"x";
	size_t len = 1;
	assert_int_equal(rq_png_encode(&img, 0, 10000, &png, &len), -1);
	assert_null(png);
	assert_int_equal(len, 0);
	assert_int_equal(rq_png_encode(&img, 0, 1000000, &png, &len), 0);
	assert_true(len > 10000 && len <= 1000000);
	free(png);
	rq_png_image_free(&img);
	assert_int_equal(rq_png_image_init(&img, RQ_PNG_GRAY, 0, 10, 0), -1);
	assert_int_equal(rq_png_image_init(&img, RQ_PNG_GRAY, 10, 20001, 0), -1);
	rq_png_image_free(&img); /* safe on a failed image */
}

/* Reads the pHYs chunk back with libpng. */
static void read_phys(const uint8_t *png, size_t len, png_uint_32 *x, png_uint_32 *y, int *unit)
{
	FILE *f = fmemopen((void *)png, len, "rb");
	assert_non_null(f);
	png_structp p = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(p);
	assert_int_equal(setjmp(png_jmpbuf(p)), 0);
	png_init_io(p, f);
	png_read_info(p, info);
	*x = *y = 0;
	*unit = -1;
	png_get_pHYs(p, info, x, y, unit);
	png_destroy_read_struct(&p, &info, NULL);
	fclose(f);
}

static void dpi_goes_into_phys(void **state)
{
	(void)state;
	struct rq_png_image img;
	assert_int_equal(rq_png_image_init(&img, RQ_PNG_GRAY, 10, 10, 255), 0);
	uint8_t *png;
	size_t len;
	assert_int_equal(rq_png_encode(&img, 300, 100000, &png, &len), 0);
	png_uint_32 x, y;
	int unit;
	read_phys(png, len, &x, &y, &unit);
	assert_int_equal(unit, PNG_RESOLUTION_METER);
	assert_int_equal(x, 11811); /* 300 / 0.0254 */
	assert_int_equal(y, 11811);
	free(png);
	/* Without a dpi there is no pHYs chunk. */
	assert_int_equal(rq_png_encode(&img, 0, 100000, &png, &len), 0);
	read_phys(png, len, &x, &y, &unit);
	assert_int_equal(x, 0);
	free(png);
	rq_png_image_free(&img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(decodes_to_exactly_the_url),
	    cmocka_unit_test(small_modules_still_decode),
	    cmocka_unit_test(image_is_crisp_with_a_quiet_zone),
	    cmocka_unit_test(error_correction_is_level_h),
	    cmocka_unit_test(empty_or_oversized_text_is_refused),
	    cmocka_unit_test(png_output_is_bounded),
	    cmocka_unit_test(dpi_goes_into_phys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
