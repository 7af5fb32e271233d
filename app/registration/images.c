#include "images.h"

#include "codes.h"
#include "rq_config.h"
#include "rq_log.h"
#include "rq_poster.h"
#include "rq_qr.h"

#include <stdlib.h>

/* Pixels per module of the bare QR: a 41-module symbol (version 6, level H, our URLs) plus
 * the quiet zone is 49 × 12 = 588 px, crisp at any integer scale a client applies. */
enum { QR_MODULE_PX = 12 };

/* The image of a token changes only when the enterprise's name is corrected or the code
 * is revoked; a day's caching lets a revocation or a correction reach every client the
 * next day, and the image is the same for everyone ("public"). */
static const char IMAGE_CACHE_CONTROL[] = "public, max-age=86400";

static void free_png(void *p)
{
	free(p);
}

/* Answers 200 with the PNG (freed with the request) and its headers. */
static void answer_png(struct rq_req *req, struct rq_resp *resp, uint8_t *png, size_t len,
		       const char *filename)
{
	rq_arena_cleanup(req->arena, free_png, png);
	resp->status = 200;
	resp->content_type = "image/png";
	resp->body = (const char *)png;
	resp->body_len = len;
	rq_resp_header(resp, "Cache-Control", IMAGE_CACHE_CONTROL);
	/* The serial is digits and a hyphen (rq.codes CHECK): safe in a quoted filename. */
	rq_resp_header(resp, "Content-Disposition",
		       rq_printf(req->arena, "inline; filename=\"%s\"", filename));
}

static void render_failed(struct rq_req *req, struct rq_resp *resp, const char *what)
{
	rq_log_event("error", what, NULL);
	rq_problem(req, resp, 500, "internal", "Internal error", "the image could not be made");
}

void registration_code_qr_png(struct rq_req *req, struct rq_resp *resp)
{
	struct registration_code code;
	if (registration_code_find(req, resp, req->params[0], &code) != 0)
		return;
	uint8_t *png;
	size_t len;
	if (rq_qr_png(code.url, QR_MODULE_PX, &png, &len) != 0) {
		render_failed(req, resp, "could not render the QR code");
		return;
	}
	answer_png(req, resp, png, len, rq_printf(req->arena, "%s-qr.png", code.serial));
}

void registration_code_poster_png(struct rq_req *req, struct rq_resp *resp)
{
	struct registration_code code;
	if (registration_code_find(req, resp, req->params[0], &code) != 0)
		return;
	const struct rq_poster_text text = {
	    .name = code.name,
	    .serial = code.serial,
	    .url = code.url,
	    .footer = req->cfg->poster_footer,
	};
	uint8_t *png;
	size_t len;
	/* The font is opened on the worker's first poster and kept for the next ones. */
	if (rq_poster_png(&text, req->cfg->font_file, &png, &len, NULL) != 0) {
		render_failed(req, resp,
			      "could not render the poster (is RUQIMA_FONT_FILE a font?)");
		return;
	}
	answer_png(req, resp, png, len, rq_printf(req->arena, "%s.png", code.serial));
}
