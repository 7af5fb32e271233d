/* The printable poster: an A4 page at 300 dpi whose QR zbarimg reads as exactly the code's
 * URL, and whose texts — from a 1-character to a 200-character enterprise name and a long
 * supervision line — stay inside the frame without touching the QR or each other. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rq_poster.h"
#include "test_common.h"

static const char url[] = "https://127.0.0.1:8443/e/Zx9_-kq3TtVvWw0123456789";
static const char serial[] = "411502-000017";

/* 60 characters. */
static const char name60[] = "信阳市浉河区豫南茶叶种植与加工专业合作社联合社暨信阳毛尖茶文化"
			     "旅游开发（集团）有限责任公司第一分公司驻平桥区办事处联络组";

static const char *font(void)
{
	const char *f = getenv("RUQIMA_FONT_FILE");
	return f != NULL && *f != '\0' ? f : RQ_POSTER_FONT_DEFAULT;
}

static int setup(void **state)
{
	(void)state;
	return rq_poster_font_open(font());
}

static int teardown(void **state)
{
	(void)state;
	rq_poster_font_close();
	return 0;
}

/* Counts UTF-8 characters. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The name repeated to exactly n characters (malloc'd). */
static char *name_of(size_t n)
{
	static const char base[] = "信阳市平桥区明港镇新型建材与绿色食品产业园开发建设有限公司";
	char *s = malloc(n * 3 + 1), *o = s;
	const char *p = base;
	for (size_t i = 0; i < n; i++) {
		if (*p == '\0')
			p = base;
		memcpy(o, p, 3);
		o += 3;
		p += 3;
	}
	*o = '\0';
	assert_int_equal(chars(s), n);
	return s;
}

static bool inside(const struct rq_poster_box *b, const struct rq_poster_box *outer)
{
	return b->x0 >= outer->x0 && b->y0 >= outer->y0 && b->x1 <= outer->x1 &&
	       b->y1 <= outer->y1 && b->x0 < b->x1 && b->y0 < b->y1;
}

static bool overlap(const struct rq_poster_box *a, const struct rq_poster_box *b)
{
	return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

#define BOX_FMT	    "(%d,%d)-(%d,%d)"
#define BOX_ARGS(b) (b).x0, (b).y0, (b).x1, (b).y1

/* Every text box and the QR lie inside the frame, and no two of them overlap. */
static void assert_layout_sound(const struct rq_poster_layout *l)
{
	struct rq_poster_box boxes[RQ_POSTER_MAX_LINES + 8];
	const char *what[RQ_POSTER_MAX_LINES + 8];
	int n = 0;
	boxes[n] = l->title, what[n++] = "title";
	for (int i = 0; i < l->name_lines; i++)
		boxes[n] = l->name[i], what[n++] = "name line";
	boxes[n] = l->qr, what[n++] = "qr";
	boxes[n] = l->serial, what[n++] = "serial";
	boxes[n] = l->rule, what[n++] = "rule";
	boxes[n] = l->hint, what[n++] = "hint";
	for (int i = 0; i < l->footer_lines; i++)
		boxes[n] = l->footer[i], what[n++] = "footer line";
	assert_true(inside(&l->inner, &l->page));
	assert_true(inside(&l->title, &l->band));
	for (int i = 0; i < l->name_lines; i++)
		if (!inside(&l->name[i], &l->name_area))
			fail_msg("name line %d " BOX_FMT " leaves its area " BOX_FMT, i,
				 BOX_ARGS(l->name[i]), BOX_ARGS(l->name_area));
	for (int i = 0; i < n; i++) {
		if (!inside(&boxes[i], &l->inner))
			fail_msg("%s " BOX_FMT " is not inside the frame " BOX_FMT, what[i],
				 BOX_ARGS(boxes[i]), BOX_ARGS(l->inner));
		for (int j = i + 1; j < n; j++)
			if (overlap(&boxes[i], &boxes[j]))
				fail_msg("%s " BOX_FMT " overlaps %s " BOX_FMT, what[i],
					 BOX_ARGS(boxes[i]), what[j], BOX_ARGS(boxes[j]));
	}
	assert_false(overlap(&l->name_area, &l->qr));
	assert_false(overlap(&l->name_area, &l->band));
	assert_in_range(l->footer_lines, 1, 2);
}

static struct rq_poster_layout layout_of(const char *name, const char *footer)
{
	struct rq_poster_text t = {.name = name, .serial = serial, .url = url, .footer = footer};
	struct rq_poster_layout l;
	assert_int_equal(rq_poster_layout(&t, &l), 0);
	assert_layout_sound(&l);
	return l;
}

static void sixty_character_name_stays_inside(void **state)
{
	(void)state;
	assert_int_equal(chars(name60), 60);
	struct rq_poster_layout l = layout_of(name60, NULL);
	assert_false(l.name_truncated);
	assert_in_range(l.name_lines, 2, 6);
	/* Still large enough to read from the door: at least 44 px (3.7 mm). */
	assert_true(l.name_px >= 44);
	/* Balanced lines: none is less than half as wide as the widest. */
	int widest = 0;
	for (int i = 0; i < l.name_lines; i++)
		if (l.name[i].x1 - l.name[i].x0 > widest)
			widest = l.name[i].x1 - l.name[i].x0;
	for (int i = 0; i < l.name_lines; i++)
		assert_true(2 * (l.name[i].x1 - l.name[i].x0) >= widest);
}

static void one_character_name_is_large_and_centred(void **state)
{
	(void)state;
	struct rq_poster_layout l = layout_of("鑫", NULL);
	assert_int_equal(l.name_lines, 1);
	assert_int_equal(l.name_px, 150);
	int centre = (l.name[0].x0 + l.name[0].x1) / 2;
	assert_in_range(centre, RQ_POSTER_WIDTH / 2 - 2, RQ_POSTER_WIDTH / 2 + 2);
}

static void long_names_shrink_and_wrap_never_overflow(void **state)
{
	(void)state;
	int last_px = 1000;
	for (size_t n = 5; n <= 200; n += 15) {
		char *name = name_of(n);
		struct rq_poster_layout l = layout_of(name, NULL);
		/* Longer names never get larger type. */
		assert_true(l.name_px <= last_px);
		last_px = l.name_px;
		free(name);
	}
	char *name = name_of(200);
	struct rq_poster_layout l = layout_of(name, NULL);
	assert_false(l.name_truncated); /* 200 characters, the database's limit, fit whole */
	assert_true(l.name_lines > 3);
	free(name);
}

static void longer_than_any_real_name_is_cut_with_an_ellipsis(void **state)
{
	(void)state;
	char *name = name_of(RQ_POSTER_MAX_TEXT + 50);
	struct rq_poster_layout l = layout_of(name, NULL);
	assert_true(l.name_truncated);
	free(name);
}

static void unbreakable_latin_and_odd_characters_stay_inside(void **state)
{
	(void)state;
	char latin[201];
	memset(latin, 'W', 200);
	latin[200] = '\0';
	layout_of(latin, NULL);
	layout_of("XINYANG MAOJIAN TEA & CULTURE TOURISM DEVELOPMENT GROUP CO., LTD. "
		  "(HENAN) 信阳毛尖茶文化旅游开发集团有限公司",
		  NULL);
	/* Control characters, invalid UTF-8 and a character the font lacks (U+20BB7). */
	layout_of("信阳\n\t市\xff\xfe茶叶\xe4\xb8有限公司\xf0\xa0\xae\xb7", NULL);
	/* Only blanks is not a name. */
	struct rq_poster_text t = {.name = " \n ", .serial = serial, .url = url};
	struct rq_poster_layout l;
	assert_int_equal(rq_poster_layout(&t, &l), -1);
}

static void long_supervision_line_wraps_or_shrinks(void **state)
{
	(void)state;
	struct rq_poster_layout l = layout_of(name60, "");
	assert_int_equal(l.footer_lines, 1);
	l = layout_of(name60, "信阳市优化营商环境工作领导小组办公室、信阳市市场监督管理局、"
			      "信阳市司法局、信阳市行政审批和政务信息管理局 联合监制 · "
			      "监督电话 12345 · 0376-12345678 · 举报邮箱 ruqima@xinyang.gov.cn");
	assert_layout_sound(&l);
	char *huge = name_of(RQ_POSTER_MAX_TEXT);
	l = layout_of(name60, huge);
	free(huge);
}

/* Renders, checks the PNG header (size, 300 dpi) with libpng and the QR with zbarimg. */
static void render_and_check(const char *name)
{
	struct rq_poster_text t = {.name = name, .serial = serial, .url = url};
	uint8_t *png;
	size_t len;
	struct rq_poster_layout l;
	assert_int_equal(rq_poster_png(&t, font(), &png, &len, &l), 0);
	assert_layout_sound(&l);
	assert_true(len > 10000 && len < 4 * 1024 * 1024);

	FILE *f = fmemopen(png, len, "rb");
	png_structp p = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(p);
	assert_int_equal(setjmp(png_jmpbuf(p)), 0);
	png_init_io(p, f);
	png_read_info(p, info);
	assert_int_equal(png_get_image_width(p, info), 2480);
	assert_int_equal(png_get_image_height(p, info), 3508);
	png_uint_32 rx = 0, ry = 0;
	int unit = -1;
	assert_true(png_get_pHYs(p, info, &rx, &ry, &unit) != 0);
	assert_int_equal(unit, PNG_RESOLUTION_METER);
	assert_int_equal(rx, 11811);
	assert_int_equal(ry, 11811);
	png_destroy_read_struct(&p, &info, NULL);
	fclose(f);

	char *text = tc_zbar(png, len);
	assert_string_equal(text, url);
	free(text);
	free(png);
}

static void poster_is_a4_at_300_dpi_and_its_qr_decodes(void **state)
{
	(void)state;
	render_and_check(name60);
}

static void one_and_two_hundred_character_posters_decode(void **state)
{
	(void)state;
	render_and_check("鑫");
	char *name = name_of(200);
	render_and_check(name);
	free(name);
}

static void missing_font_fails_cleanly(void **state)
{
	(void)state;
	struct rq_poster_text t = {.name = "鑫", .serial = serial, .url = url};
	uint8_t *png = (uint8_t *)"x";
	size_t len = 1;
	assert_int_equal(rq_poster_png(&t, "/nonexistent/font.ttc", &png, &len, NULL), -1);
	assert_null(png);
	assert_int_equal(len, 0);
	/* Not a font either. */
	assert_int_equal(rq_poster_png(&t, "/etc/hostname", &png, &len, NULL), -1);
	/* And the right font again works. */
	assert_int_equal(rq_poster_png(&t, font(), &png, &len, NULL), 0);
	free(png);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sixty_character_name_stays_inside),
	    cmocka_unit_test(one_character_name_is_large_and_centred),
	    cmocka_unit_test(long_names_shrink_and_wrap_never_overflow),
	    cmocka_unit_test(longer_than_any_real_name_is_cut_with_an_ellipsis),
	    cmocka_unit_test(unbreakable_latin_and_odd_characters_stay_inside),
	    cmocka_unit_test(long_supervision_line_wraps_or_shrinks),
	    cmocka_unit_test(poster_is_a4_at_300_dpi_and_its_qr_decodes),
	    cmocka_unit_test(one_and_two_hundred_character_posters_decode),
	    cmocka_unit_test(missing_font_fails_cleanly),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
