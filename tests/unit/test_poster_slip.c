/* The activation-code slip: an A6 PNG at 300 dpi (1240 × 1748 with pHYs) for short and
 * very long enterprise names; malformed activation codes and missing texts are refused.
 * RQ_TEST_SLIP_OUT=FILE.png keeps the rendered slip of the long name for a look by eye. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rq_poster.h"

static const char *font(void)
{
	const char *f = getenv("RUQIMA_FONT_FILE");
	return f != NULL && *f != '\0' ? f : RQ_POSTER_FONT_DEFAULT;
}

static void check_png(const uint8_t *png, size_t len)
{
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_memory(&img, png, len) != 0);
	assert_int_equal(img.width, RQ_SLIP_WIDTH);
	assert_int_equal(img.height, RQ_SLIP_HEIGHT);
	png_image_free(&img);
	/* pHYs: 11811 pixels per metre = 300 dpi */
	const uint8_t phys[] = {'p', 'H', 'Y', 's', 0, 0, 0x2e, 0x23, 0, 0, 0x2e, 0x23, 1};
	assert_non_null(memmem(png, len, phys, sizeof(phys)));
}

static void test_slip_renders(void **state)
{
	(void)state;
	static const char *const names[] = {
	    "茶",
	    "信阳市浉河区豫南茶叶种植与加工专业合作社",
	    "信阳市浉河区豫南茶叶种植与加工专业合作社联合社暨信阳毛尖茶文化旅游开发（集团）"
	    "有限责任公司第一分公司驻平桥区办事处联络组信阳市浉河区豫南茶叶种植与加工专业合作社"
	    "联合社暨信阳毛尖茶文化旅游开发（集团）有限责任公司",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct rq_poster_slip s = {names[i], "411502-000017", "ABCDE23456"};
		uint8_t *png = NULL;
		size_t len = 0;
		assert_int_equal(rq_poster_slip_png(&s, font(), &png, &len), 0);
		check_png(png, len);
		const char *out = getenv("RQ_TEST_SLIP_OUT");
		if (out != NULL && i == 2) {
			FILE *f = fopen(out, "wb");
			assert_non_null(f);
			assert_int_equal(fwrite(png, 1, len, f), len);
			fclose(f);
		}
		free(png);
	}
}

static void test_slip_refusals(void **state)
{
	(void)state;
	static const char *const bad_codes[] = {
	    "", "ABC", "abcde23456", "ABCDE-23456", "ABCDE23456ABCDE23", "ABCDE 2345"};
	for (size_t i = 0; i < sizeof(bad_codes) / sizeof(bad_codes[0]); i++) {
		struct rq_poster_slip s = {"某企业", "411502-000017", bad_codes[i]};
		uint8_t *png = (uint8_t *)1;
		size_t len = 1;
		assert_int_equal(rq_poster_slip_png(&s, font(), &png, &len), -1);
		assert_null(png);
		assert_int_equal(len, 0);
	}
	uint8_t *png;
	size_t len;
	struct rq_poster_slip no_name = {NULL, "411502-000017", "ABCDE23456"};
	assert_int_equal(rq_poster_slip_png(&no_name, font(), &png, &len), -1);
	struct rq_poster_slip blank = {"   ", "411502-000017", "ABCDE23456"};
	assert_int_equal(rq_poster_slip_png(&blank, font(), &png, &len), -1);
	struct rq_poster_slip ok = {"某企业", "411502-000017", "ABCDE23456"};
	assert_int_equal(rq_poster_slip_png(&ok, "/nonexistent/font.ttc", &png, &len), -1);
}

static int teardown(void **state)
{
	(void)state;
	rq_poster_font_close();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_slip_renders),
	    cmocka_unit_test(test_slip_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
