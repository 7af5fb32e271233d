/* The images of an active code through nginx: qr.png and poster.png are PNGs whose QR
 * zbarimg reads as exactly <RUQIMA_PUBLIC_BASE_URL>/e/<token>; the poster is A4 at 300 dpi
 * (2480 × 3508) even with a 60-character name; both are public, cacheable, named after the
 * serial, and carry nothing about the enterprise but what is drawn (name, serial, QR). */
#include "api.h"
#include "images_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 60 characters. */
static const char name60[] = "信阳市浉河区豫南茶叶种植与加工专业合作社联合社暨信阳毛尖茶文化"
			     "旅游开发（集团）有限责任公司第一分公司驻平桥区办事处联络组";

static const unsigned char png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

static struct api_resp *get_image(const struct img_code *c, const char *which)
{
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/registration/codes/%s/%s", c->token, which);
	return api_get(path, NULL);
}

/* 200, image/png, public caching instead of no-store, inline with the serial as name. */
static void assert_png_answer(const struct api_resp *r, const char *filename)
{
	if (r->status != 200)
		fail_msg("status %ld: %s", r->status, r->body);
	assert_true(r->len > sizeof(png_signature));
	assert_memory_equal(r->body, png_signature, sizeof(png_signature));
	char *ct = api_header(r, "Content-Type");
	char *cc = api_header(r, "Cache-Control");
	char *cd = api_header(r, "Content-Disposition");
	char *cl = api_header(r, "Content-Length");
	char *rid = api_header(r, "X-Request-Id");
	assert_non_null(ct);
	assert_string_equal(ct, "image/png");
	assert_non_null(cc);
	assert_string_equal(cc, "public, max-age=86400");
	assert_null(strstr(r->headers, "no-store"));
	assert_non_null(cd);
	char want[128];
	snprintf(want, sizeof(want), "inline; filename=\"%s\"", filename);
	assert_string_equal(cd, want);
	if (cl != NULL) /* nginx may answer HTTP/2 chunk-free with the length */
		assert_int_equal(strtoul(cl, NULL, 10), r->len);
	assert_non_null(rid);
	free(ct);
	free(cc);
	free(cd);
	free(cl);
	free(rid);
}

/* The image says nothing in metadata: no text chunks (tEXt, zTXt, iTXt), and the credit
 * code appears nowhere in the bytes. */
static void assert_no_metadata(const struct api_resp *r, const struct img_code *c)
{
	static const char *chunks[] = {"tEXt", "zTXt", "iTXt", "eXIf"};
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++)
		assert_null(memmem(r->body, r->len, chunks[i], 4));
	assert_null(memmem(r->body, r->len, c->uscc, strlen(c->uscc)));
}

static void test_qr_png_decodes_to_the_code_url(void **state)
{
	(void)state;
	struct img_code c;
	img_code_new(&c, "信阳市浉河区茶韵商贸有限公司");
	struct api_resp *r = get_image(&c, "qr.png");
	char filename[64];
	snprintf(filename, sizeof(filename), "%s-qr.png", c.serial);
	assert_png_answer(r, filename);
	assert_no_metadata(r, &c);
	char *text = tc_zbar(r->body, r->len);
	assert_string_equal(text, c.url);
	/* crisp and square: 12 px per module, whole modules plus the quiet zone */
	unsigned w, h;
	img_png_size(r->body, r->len, &w, &h);
	assert_int_equal(w, h);
	assert_int_equal(w % 12, 0);
	free(text);
	api_free(r);
}

static void test_poster_png_is_a4_and_decodes_with_a_60_character_name(void **state)
{
	(void)state;
	struct img_code c;
	img_code_new(&c, name60);
	struct api_resp *r = get_image(&c, "poster.png");
	char filename[64];
	snprintf(filename, sizeof(filename), "%s.png", c.serial);
	assert_png_answer(r, filename);
	assert_no_metadata(r, &c);
	unsigned w, h;
	img_png_size(r->body, r->len, &w, &h);
	assert_int_equal(w, 2480);
	assert_int_equal(h, 3508);
	char *text = tc_zbar(r->body, r->len);
	assert_string_equal(text, c.url);
	free(text);
	api_free(r);
}

static void test_poster_of_a_one_character_name(void **state)
{
	(void)state;
	struct img_code c;
	img_code_new(&c, "鑫");
	struct api_resp *r = get_image(&c, "poster.png");
	char filename[64];
	snprintf(filename, sizeof(filename), "%s.png", c.serial);
	assert_png_answer(r, filename);
	char *text = tc_zbar(r->body, r->len);
	assert_string_equal(text, c.url);
	free(text);
	api_free(r);
}

static void test_images_are_public_and_read_only(void **state)
{
	(void)state;
	struct img_code c;
	img_code_new(&c, "信阳市平桥区明港镇建材有限公司");
	/* no session needed (above); a bogus bearer token does not matter either */
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/registration/codes/%s/qr.png", c.token);
	struct api_resp *r = api_get(path, "not-a-session");
	assert_int_equal(r->status, 200);
	api_free(r);
	/* HEAD answers like GET without the body */
	r = api_call("HEAD", path, NULL, NULL, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(r->len, 0);
	api_free(r);
	/* nothing else than GET/HEAD */
	r = api_call("POST", path, "application/json", "{}", NULL);
	assert_int_equal(r->status, 405);
	api_free(r);
	/* serving images changes nothing: the code is not marked printed */
	PGconn *db = api_db("owner");
	const char *p[] = {c.token};
	char *printed =
	    api_sql_value(db, "SELECT printed_at IS NULL FROM rq.codes WHERE token = $1", 1, p);
	assert_string_equal(printed, "t");
	free(printed);
	PQfinish(db);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_qr_png_decodes_to_the_code_url),
	    cmocka_unit_test(test_poster_png_is_a4_and_decodes_with_a_60_character_name),
	    cmocka_unit_test(test_poster_of_a_one_character_name),
	    cmocka_unit_test(test_images_are_public_and_read_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
