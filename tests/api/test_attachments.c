/* Credential photos (POST/GET /api/v1/registration/attachments) against the real stack:
 * JPEG and PNG are stored under their SHA-256 and come back byte for byte through nginx;
 * the type is decided by the bytes (an HTML page sent as a JPEG, a mismatch with the
 * declared type, an empty body are refused and store nothing); the size cap, the daily
 * quota, the session; and who may read a photo: its uploader, a manager actively bound to
 * the enterprise of a visit it belongs to, nobody else (404, never 403). */
#include "api.h"
#include "managers_support.h"
#include "visits_support.h"

#include "../data/sample_jpeg.h"
#include "rq_config.h"
#include "rq_png.h"
#include "rq_sha256.h"
#include "rq_token.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define ATTACHMENTS "/api/v1/registration/attachments"

static const char html_page[] = "<!DOCTYPE html>\n<html><head><title>x</title></head><body>"
				"<script>document.location='https://evil.example/'</script>"
				"</body></html>\n";

struct blob {
	unsigned char *data;
	size_t len;
};

/* A PNG no other test uploads: a greyscale image of a random shade plus a private chunk
 * of `pad` random bytes (so it can be made exactly as large as needed). Free with free(). */
static struct blob png_new(size_t pad)
{
	char hex[33];
	assert_int_equal(rq_random_hex(hex, 16), 0);
	struct rq_png_image img;
	assert_int_equal(rq_png_image_init(&img, RQ_PNG_GRAY, 24, 12, (uint8_t)hex[0]), 0);
	uint8_t *png = NULL;
	size_t len = 0;
	assert_int_equal(rq_png_encode(&img, 0, 1 << 20, &png, &len), 0);
	rq_png_image_free(&img);
	/* signature + IHDR, then the chunk "ruQm" (ancillary, private, safe to copy) */
	size_t head = 8 + 25, n = 16 + pad;
	struct blob b = {malloc(len + 12 + n), len + 12 + n};
	assert_non_null(b.data);
	memcpy(b.data, png, head);
	unsigned char *c = b.data + head;
	c[0] = (unsigned char)(n >> 24), c[1] = (unsigned char)(n >> 16);
	c[2] = (unsigned char)(n >> 8), c[3] = (unsigned char)n;
	memcpy(c + 4, "ruQm", 4);
	memcpy(c + 8, hex, 16);
	memset(c + 24, 'p', pad);
	uLong crc = crc32(0L, c + 4, (uInt)(4 + n));
	c[8 + n] = (unsigned char)(crc >> 24), c[9 + n] = (unsigned char)(crc >> 16);
	c[10 + n] = (unsigned char)(crc >> 8), c[11 + n] = (unsigned char)crc;
	memcpy(c + 12 + n, png + head, len - head);
	free(png);
	return b;
}

static struct api_resp *upload(const char *bearer, const char *content_type, const void *data,
			       size_t len)
{
	char auth[256];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer);
	const char *headers[] = {auth, NULL};
	return api_call_bytes("POST", ATTACHMENTS, content_type, data, len,
			      bearer != NULL ? headers : NULL);
}

static struct api_resp *fetch(const char *bearer, const char *id)
{
	char path[256];
	snprintf(path, sizeof(path), ATTACHMENTS "/%s", id);
	return api_get(path, bearer);
}

/* POST that must answer 201; returns the new id (malloc'd) and checks the answer. */
static char *upload_ok(const char *bearer, const char *content_type, const void *data, size_t len,
		       const char *want_type)
{
	struct api_resp *r = upload(bearer, content_type, data, len);
	if (r->status != 201)
		fail_msg("upload: %ld %s", r->status, r->body);
	char sha[RQ_SHA256_HEX_LEN + 1];
	rq_sha256_hex(data, len, sha);
	char *id = strdup(api_json_str(r, "id"));
	assert_string_equal(api_json_str(r, "content_type"), want_type);
	assert_string_equal(api_json_str(r, "sha256"), sha);
	cJSON *size = cJSON_GetObjectItemCaseSensitive(r->json, "size_bytes");
	assert_true(cJSON_IsNumber(size));
	assert_int_equal((size_t)size->valuedouble, len);
	assert_non_null(api_json_str(r, "created_at"));
	char location[256];
	snprintf(location, sizeof(location), ATTACHMENTS "/%s", id);
	api_assert_header(r, "Location", location);
	api_free(r);
	return id;
}

/* Where the stack keeps the bytes of sha. */
static const char *file_of(const char *sha)
{
	static char path[1024];
	snprintf(path, sizeof(path), "%s/uploads/attachments/%.2s/%s",
		 api_env("RUQIMA_TEST_STATE_DIR"), sha, sha);
	return path;
}

/* GET that must answer the very bytes with their type, served by nginx. */
static void expect_readable(const char *bearer, const char *id, const void *data, size_t len,
			    const char *type)
{
	struct api_resp *r = fetch(bearer, id);
	if (r->status != 200)
		fail_msg("read %s: %ld %s", id, r->status, r->body);
	api_assert_header(r, "Content-Type", type);
	char *cc = api_header(r, "Cache-Control");
	assert_non_null(cc);
	assert_non_null(strstr(cc, "private"));
	free(cc);
	assert_null(api_header(r, "X-Accel-Redirect")); /* nginx acts on it, never passes it */
	/* nothing in a photo may run, and the answer names its request like every other */
	char *csp = api_header(r, "Content-Security-Policy");
	assert_non_null(csp);
	assert_non_null(strstr(csp, "sandbox"));
	free(csp);
	free(api_request_id(r));
	assert_int_equal(r->len, len);
	assert_memory_equal(r->body, data, len);
	api_free(r);
}

static void expect_not_found(const char *bearer, const char *id)
{
	struct api_resp *r = fetch(bearer, id);
	api_assert_problem(r, 404, "not-found");
	api_free(r);
}

static int64_t rows_of_account(const char *account)
{
	const char *p[] = {account};
	return api_owner_int("SELECT count(*) FROM rq.attachments WHERE account_id = $1::bigint", 1,
			     p);
}

static void jpeg_is_stored_and_read_back_through_nginx(void **state)
{
	(void)state;
	char *account = NULL;
	char *bearer = mt_account("att-jpeg", &account);
	char *id = upload_ok(bearer, "image/jpeg", sample_jpeg, sizeof(sample_jpeg), "image/jpeg");

	/* the name is the SHA-256 that PostgreSQL computes too */
	char *hex = malloc(2 * sizeof(sample_jpeg) + 1);
	for (size_t i = 0; i < sizeof(sample_jpeg); i++)
		snprintf(hex + 2 * i, 3, "%02x", sample_jpeg[i]);
	const char *ph[] = {hex};
	char *sha = api_owner_value("SELECT encode(sha256(decode($1, 'hex')), 'hex')", 1, ph);
	free(hex);
	const char *p[] = {id, account, sha};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.attachments WHERE id = $1::bigint"
				       " AND account_id = $2::bigint AND sha256 = $3"
				       " AND content_type = 'image/jpeg' AND size_bytes = 163",
				       3, p),
			 1);
	struct stat st;
	assert_int_equal(stat(file_of(sha), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_size, (off_t)sizeof(sample_jpeg));

	expect_readable(bearer, id, sample_jpeg, sizeof(sample_jpeg), "image/jpeg");
	free(sha);
	free(id);
	free(bearer);
	free(account);
}

/* application/octet-stream: the bytes say PNG. */
static void png_is_stored_and_read_back_through_nginx(void **state)
{
	(void)state;
	char *bearer = mt_account("att-png", NULL);
	struct blob png = png_new(100);
	char *id = upload_ok(bearer, "application/octet-stream", png.data, png.len, "image/png");
	expect_readable(bearer, id, png.data, png.len, "image/png");
	free(id);
	id = upload_ok(bearer, "image/png", png.data, png.len, "image/png");
	expect_readable(bearer, id, png.data, png.len, "image/png");
	free(id);
	free(png.data);
	free(bearer);
}

/* Refused with 422 naming field: no row, no file, no audit row. */
static void expect_refused(const char *content_type, const void *data, size_t len,
			   const char *field)
{
	char *account = NULL;
	char *bearer = mt_account("att-bad", &account);
	char sha[RQ_SHA256_HEX_LEN + 1];
	rq_sha256_hex(data, len, sha);
	struct api_resp *r = upload(bearer, content_type, data, len);
	api_assert_problem(r, 422, "validation");
	api_assert_error_field(r, field);
	assert_int_equal(api_audit_rows_of(r), 0);
	api_free(r);
	assert_int_equal(rows_of_account(account), 0);
	struct stat st;
	assert_int_not_equal(stat(file_of(sha), &st), 0);
	free(bearer);
	free(account);
}

static void html_sent_as_jpeg_is_refused(void **state)
{
	(void)state;
	expect_refused("image/jpeg", html_page, sizeof(html_page) - 1, "body");
	expect_refused("application/octet-stream", html_page, sizeof(html_page) - 1, "body");
}

static void gif_is_refused(void **state)
{
	(void)state;
	static const char gif[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00"
				  ",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00;";
	expect_refused("application/octet-stream", gif, sizeof(gif) - 1, "body");
}

static void declared_type_must_match_the_bytes(void **state)
{
	(void)state;
	/* bytes no other test stores (a JPEG with a random trailer): no file may exist */
	unsigned char jpeg[sizeof(sample_jpeg) + 32];
	memcpy(jpeg, sample_jpeg, sizeof(sample_jpeg));
	assert_int_equal(rq_random_hex((char *)jpeg + sizeof(sample_jpeg), 15), 0);
	expect_refused("image/png", jpeg, sizeof(jpeg) - 1, "Content-Type");
	struct blob png = png_new(0);
	expect_refused("image/jpeg", png.data, png.len, "Content-Type");
	free(png.data);
}

static void empty_body_is_refused(void **state)
{
	(void)state;
	expect_refused("image/jpeg", "", 0, "body");
}

/* A PNG cut short (its IEND missing) is not taken for one. */
static void truncated_png_is_refused(void **state)
{
	(void)state;
	struct blob png = png_new(0);
	expect_refused("image/png", png.data, png.len - 20, "body");
	free(png.data);
}

static void other_media_types_are_415(void **state)
{
	(void)state;
	char *account = NULL;
	char *bearer = mt_account("att-415", &account);
	static const char *const types[] = {"text/html", "image/gif", "multipart/form-data",
					    "application/json", NULL};
	for (const char *const *t = types; *t != NULL; t++) {
		struct api_resp *r = upload(bearer, *t, sample_jpeg, sizeof(sample_jpeg));
		api_assert_problem(r, 415, "unsupported-media-type");
		api_free(r);
	}
	/* no Content-Type at all */
	char auth[256];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer);
	const char *headers[] = {auth, "Content-Type:", NULL};
	struct api_resp *r =
	    api_call_bytes("POST", ATTACHMENTS, NULL, sample_jpeg, sizeof(sample_jpeg), headers);
	api_assert_problem(r, 415, "unsupported-media-type");
	api_free(r);
	assert_int_equal(rows_of_account(account), 0);
	free(bearer);
	free(account);
}

/* Exactly RUQIMA_ATTACHMENT_MAX_BYTES is taken (although over RUQIMA_MAX_BODY and nginx's
 * 2 MiB elsewhere); one byte more is 413 and stores nothing. */
static void size_cap_is_the_attachment_setting(void **state)
{
	(void)state;
	struct rq_config cfg;
	assert_int_equal(rq_config_load(&cfg), 0);
	assert_true(cfg.attachment_max_bytes > cfg.max_body);
	char *account = NULL;
	char *bearer = mt_account("att-big", &account);
	struct blob small = png_new(0);
	size_t pad = (size_t)cfg.attachment_max_bytes - small.len;
	free(small.data);
	struct blob png = png_new(pad);
	assert_int_equal(png.len, (size_t)cfg.attachment_max_bytes);
	char *id = upload_ok(bearer, "image/png", png.data, png.len, "image/png");
	expect_readable(bearer, id, png.data, png.len, "image/png");
	free(id);
	free(png.data);

	png = png_new(pad + 1);
	struct api_resp *r = upload(bearer, "image/png", png.data, png.len);
	assert_int_equal(r->status, 413);
	char *ct = api_header(r, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "application/problem+json"));
	free(ct);
	api_free(r);
	char sha[RQ_SHA256_HEX_LEN + 1];
	rq_sha256_hex(png.data, png.len, sha);
	struct stat st;
	assert_int_not_equal(stat(file_of(sha), &st), 0);
	free(png.data);
	assert_int_equal(rows_of_account(account), 1);
	free(bearer);
	free(account);
}

static void without_a_session_is_401(void **state)
{
	(void)state;
	struct api_resp *r = upload(NULL, "image/jpeg", sample_jpeg, sizeof(sample_jpeg));
	api_assert_problem(r, 401, "unauthenticated");
	api_free(r);
	r = upload("not-a-token", "image/jpeg", sample_jpeg, sizeof(sample_jpeg));
	api_assert_problem(r, 401, "unauthenticated");
	api_free(r);
	char *bearer = mt_account("att-401", NULL);
	char *id = upload_ok(bearer, "image/jpeg", sample_jpeg, sizeof(sample_jpeg), "image/jpeg");
	r = fetch(NULL, id);
	api_assert_problem(r, 401, "unauthenticated");
	api_free(r);
	free(id);
	free(bearer);
}

/* Another account gets the same 404 for someone's photo as for no photo at all. */
static void another_account_cannot_read_it(void **state)
{
	(void)state;
	char *owner = mt_account("att-own", NULL);
	char *other = mt_account("att-other", NULL);
	struct blob png = png_new(0);
	char *id = upload_ok(owner, "image/png", png.data, png.len, "image/png");
	expect_readable(owner, id, png.data, png.len, "image/png");
	expect_not_found(other, id);
	expect_not_found(owner, "999999999999");
	expect_not_found(owner, "abc");
	expect_not_found(owner, "0");
	free(id);
	free(png.data);
	free(owner);
	free(other);
}

/* The same bytes twice: two rows, one file, the first one kept (same inode). */
static void same_bytes_twice_are_one_file(void **state)
{
	(void)state;
	char *account = NULL;
	char *bearer = mt_account("att-dedup", &account);
	struct blob png = png_new(50);
	char sha[RQ_SHA256_HEX_LEN + 1];
	rq_sha256_hex(png.data, png.len, sha);
	char *first = upload_ok(bearer, "image/png", png.data, png.len, "image/png");
	struct stat st1, st2;
	assert_int_equal(stat(file_of(sha), &st1), 0);
	char *second =
	    upload_ok(bearer, "application/octet-stream", png.data, png.len, "image/png");
	assert_string_not_equal(first, second);
	assert_int_equal(stat(file_of(sha), &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);
	const char *p[] = {account, sha};
	assert_int_equal(api_owner_int("SELECT count(*) FROM rq.attachments"
				       " WHERE account_id = $1::bigint AND sha256 = $2",
				       2, p),
			 2);
	/* one entry for this content in its directory: no temporary file left behind */
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s", file_of(sha));
	*strrchr(dir, '/') = '\0';
	DIR *d = opendir(dir);
	assert_non_null(d);
	int entries = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		entries += strstr(e->d_name, sha) != NULL;
	closedir(d);
	assert_int_equal(entries, 1);
	expect_readable(bearer, second, png.data, png.len, "image/png");
	free(first);
	free(second);
	free(png.data);
	free(bearer);
	free(account);
}

/* RUQIMA_ATTACHMENT_DAILY_MAX (200) photos in the last 24 hours: the next is 429; older
 * ones do not count. */
static void daily_quota_is_429(void **state)
{
	(void)state;
	struct rq_config cfg;
	assert_int_equal(rq_config_load(&cfg), 0);
	char *account = NULL;
	char *bearer = mt_account("att-quota", &account);
	char max[16];
	snprintf(max, sizeof(max), "%d", cfg.attachment_daily_max);
	const char *p[] = {account, max};
	api_owner_write("INSERT INTO rq.attachments (account_id, sha256, content_type, size_bytes)"
			" SELECT $1::bigint, repeat('0', 64), 'image/jpeg', 1"
			" FROM generate_series(1, $2::int)",
			2, p);
	struct blob png = png_new(0);
	char sha[RQ_SHA256_HEX_LEN + 1];
	rq_sha256_hex(png.data, png.len, sha);
	struct api_resp *r = upload(bearer, "image/png", png.data, png.len);
	api_assert_problem(r, 429, "attachment-quota");
	assert_non_null(strstr(api_json_str(r, "detail"), max));
	api_free(r);
	assert_int_equal(rows_of_account(account), cfg.attachment_daily_max);
	struct stat st;
	assert_int_not_equal(stat(file_of(sha), &st), 0);

	/* one of them a day old: room for one more */
	api_owner_write("UPDATE rq.attachments SET created_at = now() - interval '25 hours'"
			" WHERE id = (SELECT min(id) FROM rq.attachments"
			" WHERE account_id = $1::bigint)",
			1, p);
	char *id = upload_ok(bearer, "image/png", png.data, png.len, "image/png");
	free(id);
	r = upload(bearer, "image/jpeg", sample_jpeg, sizeof(sample_jpeg));
	api_assert_problem(r, 429, "attachment-quota");
	api_free(r);
	free(png.data);
	free(bearer);
	free(account);
}

/* A manager bound to the enterprise of a visit the photo belongs to may read it; a
 * stranger, a manager of another enterprise, and the manager once unbound may not. The
 * photo is attached the real way: POST /visits with attachment_ids. */
static void managers_of_the_visited_enterprise_can_read_it(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s);
	struct blob png = png_new(10);
	char *id = upload_ok(s.off.bearer, "image/png", png.data, png.len, "image/png");

	char *manager_id = NULL;
	char *manager = vs_manager_new(&s.ent, &manager_id);
	struct vs_enterprise other_e;
	vs_enterprise_new(&other_e, true);
	char *other_manager = vs_manager_new(&other_e, NULL);
	char *stranger = mt_account("att-str", NULL);
	/* before any visit: the uploader only */
	expect_not_found(manager, id);

	cJSON *body = vs_body(s.ent.token, "visit");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(body, "attachment_ids"),
			     cJSON_CreateString(id));
	char *visit = vs_register_ok(s.off.bearer, body);
	cJSON_Delete(body);

	expect_readable(manager, id, png.data, png.len, "image/png");
	expect_readable(s.off.bearer, id, png.data, png.len, "image/png");
	expect_not_found(stranger, id);
	expect_not_found(other_manager, id);

	/* unbinding ends the access at once */
	const char *pb[] = {manager_id, s.ent.m.id};
	api_owner_write("UPDATE rq.manager_bindings SET status = 'unbound', unbound_at = now()"
			" WHERE account_id = $1::bigint AND enterprise_id = $2::bigint",
			2, pb);
	expect_not_found(manager, id);
	expect_readable(s.off.bearer, id, png.data, png.len, "image/png");

	free(visit);
	free(stranger);
	free(other_manager);
	free(manager);
	free(manager_id);
	free(id);
	free(png.data);
	vs_scene_free(&s);
}

/* The portal reads a visit's photo through GET /api/v1/admin/attachments/{id}: the city
 * admin and the county admin of the enterprise's county get the bytes as the mini-program
 * does; a county admin of another county gets 404 (row-level security of the visit, the
 * photo's existence not revealed) and market supervision, which reads no visits, 403. */
static void portal_readers_of_the_visit_read_it(void **state)
{
	(void)state;
	struct vs_scene s;
	vs_scene_new(&s); /* an enterprise of county 411502 */
	struct blob png = png_new(12);
	char *id = upload_ok(s.off.bearer, "image/png", png.data, png.len, "image/png");
	cJSON *body = vs_body(s.ent.token, "visit");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(body, "attachment_ids"),
			     cJSON_CreateString(id));
	char *visit = vs_register_ok(s.off.bearer, body);
	cJSON_Delete(body);
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/admin/attachments/%s", id);

	struct api_portal city, county, other, market;
	mt_portal_login(&city, "att-city", "city_admin", NULL);
	mt_portal_login(&county, "att-county", "county_admin", "411502");
	mt_portal_login(&other, "att-other", "county_admin", "411503");
	mt_portal_login(&market, "att-market", "market_supervision", NULL);
	const struct api_portal *readers[] = {&city, &county};
	for (int i = 0; i < 2; i++) {
		struct api_resp *r = mt_portal_get(readers[i], path);
		if (r->status != 200)
			fail_msg("read %s: %ld %s", path, r->status, r->body);
		api_assert_header(r, "Content-Type", "image/png");
		char *cc = api_header(r, "Cache-Control");
		assert_non_null(cc);
		assert_non_null(strstr(cc, "private"));
		free(cc);
		assert_int_equal(r->len, png.len);
		assert_memory_equal(r->body, png.data, png.len);
		api_free(r);
	}
	struct api_resp *r = mt_portal_get(&other, path);
	api_assert_problem(r, 404, "not-found");
	assert_int_equal(r->len == png.len && memcmp(r->body, png.data, png.len) == 0, 0);
	api_free(r);
	r = mt_portal_get(&market, path);
	api_assert_problem(r, 403, "forbidden");
	api_free(r);
	/* an unknown photo answers the same 404 as one not seen */
	r = mt_portal_get(&city, "/api/v1/admin/attachments/999999999999");
	api_assert_problem(r, 404, "not-found");
	api_free(r);

	api_portal_free(&city);
	api_portal_free(&county);
	api_portal_free(&other);
	api_portal_free(&market);
	free(visit);
	free(id);
	free(png.data);
	vs_scene_free(&s);
}

int main(void)
{
	api_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(jpeg_is_stored_and_read_back_through_nginx),
	    cmocka_unit_test(png_is_stored_and_read_back_through_nginx),
	    cmocka_unit_test(html_sent_as_jpeg_is_refused),
	    cmocka_unit_test(gif_is_refused),
	    cmocka_unit_test(declared_type_must_match_the_bytes),
	    cmocka_unit_test(empty_body_is_refused),
	    cmocka_unit_test(truncated_png_is_refused),
	    cmocka_unit_test(other_media_types_are_415),
	    cmocka_unit_test(size_cap_is_the_attachment_setting),
	    cmocka_unit_test(without_a_session_is_401),
	    cmocka_unit_test(another_account_cannot_read_it),
	    cmocka_unit_test(same_bytes_twice_are_one_file),
	    cmocka_unit_test(daily_quota_is_429),
	    cmocka_unit_test(managers_of_the_visited_enterprise_can_read_it),
	    cmocka_unit_test(portal_readers_of_the_visit_read_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
