/* Fixtures of the image API tests (tests/api/test_images_*.c): an enterprise with an
 * issued code, made directly in the database as the owner, and QR decoding with zbarimg.
 * Header-only (static inline) so that it needs no change to the shared support library. */
#ifndef IMAGES_FIXTURE_H
#define IMAGES_FIXTURE_H

#include "api.h"

#include "rq_config.h"
#include "test_common.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct img_code {
	char enterprise_id[32];
	char uscc[19];
	char token[80];
	char serial[32];
	char url[400]; /* <RUQIMA_PUBLIC_BASE_URL>/e/<token>, what the QR must say */
};

/* A fresh valid credit code in county (GB 32100 check character computed here). */
static inline void img_uscc_new(const char *county, char out[19])
{
	static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static unsigned counter;
	unsigned long long x = (unsigned long long)getpid() * 1000003ull +
			       (unsigned long long)time(NULL) * 7919ull + counter++ * 104729ull;
	snprintf(out, 19, "91%.6s", county);
	for (int i = 8; i < 17; i++) {
		out[i] = alphabet[x % 31];
		x /= 31;
	}
	int sum = 0, w = 1;
	for (int i = 0; i < 17; i++) {
		sum += (int)(strchr(alphabet, out[i]) - alphabet) * w;
		w = w * 3 % 31;
	}
	out[17] = alphabet[(31 - sum % 31) % 31];
	out[18] = '\0';
}

static inline void img_exec(PGconn *c, const char *sql, int n, const char *const *params, char *out,
			    size_t out_size)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	if (out != NULL) {
		assert_int_equal(PQntuples(r), 1);
		snprintf(out, out_size, "%s", PQgetvalue(r, 0, 0));
	}
	PQclear(r);
}

/* What the pools print in QR codes: the stack's RUQIMA_PUBLIC_BASE_URL, read the way the
 * pools read it (the stack's env file is loaded by api_init()). */
static inline const char *img_public_base_url(void)
{
	static struct rq_config cfg;
	assert_int_equal(rq_config_load(&cfg), 0);
	return cfg.public_base_url;
}

/* Issues a code to c's enterprise in db's open transaction (actor set) and reads it into
 * c: token, serial, URL. */
static inline void img_code_issue(PGconn *db, struct img_code *c)
{
	char code_id[32];
	const char *q[] = {c->enterprise_id};
	img_exec(db, "SELECT rq.issue_code($1::bigint)", 1, q, code_id, sizeof(code_id));
	const char *r[] = {code_id};
	img_exec(db, "SELECT token FROM rq.codes WHERE id = $1::bigint", 1, r, c->token,
		 sizeof(c->token));
	img_exec(db, "SELECT serial FROM rq.codes WHERE id = $1::bigint", 1, r, c->serial,
		 sizeof(c->serial));
	snprintf(c->url, sizeof(c->url), "%s/e/%s", img_public_base_url(), c->token);
}

/* A verified enterprise in normal operation named name (county 411502) with an issued
 * code, made as the owner with an actor context, as the import and `codes issue` do. */
static inline void img_code_new(struct img_code *c, const char *name)
{
	memset(c, 0, sizeof(*c));
	img_uscc_new("411502", c->uscc);
	PGconn *db = api_db("owner");
	img_exec(db, "BEGIN", 0, NULL, NULL, 0);
	img_exec(db, "SELECT rq.set_actor('system','test','owner',NULL,NULL,'test','')", 0, NULL,
		 NULL, 0);
	const char *p[] = {c->uscc, name};
	img_exec(db,
		 "INSERT INTO rq.enterprises (uscc, name, county_code, name_verified)"
		 " VALUES ($1, $2, '411502', true) RETURNING id",
		 2, p, c->enterprise_id, sizeof(c->enterprise_id));
	img_code_issue(db, c);
	img_exec(db, "COMMIT", 0, NULL, NULL, 0);
	PQfinish(db);
}

/* Revokes the enterprise's active code, then (when reissue) issues a new one into c. */
static inline void img_code_revoke(struct img_code *c, bool reissue)
{
	PGconn *db = api_db("owner");
	img_exec(db, "BEGIN", 0, NULL, NULL, 0);
	img_exec(db, "SELECT rq.set_actor('system','test','owner',NULL,NULL,'test','')", 0, NULL,
		 NULL, 0);
	const char *q[] = {c->enterprise_id};
	img_exec(db, "SELECT rq.revoke_code($1::bigint, 'poster lost')", 1, q, NULL, 0);
	if (reissue) {
		img_code_issue(db, c);
	}
	img_exec(db, "COMMIT", 0, NULL, NULL, 0);
	PQfinish(db);
}

/* Width and height of a PNG in memory (libpng's simplified reader). */
static inline void img_png_size(const char *data, size_t len, unsigned *w, unsigned *h)
{
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_memory(&img, data, len));
	*w = img.width;
	*h = img.height;
	png_image_free(&img);
}

#endif
