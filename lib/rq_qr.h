/* QR codes (libqrencode) as module matrices and as crisp grayscale PNGs. */
#ifndef RQ_QR_H
#define RQ_QR_H

#include "rq_attr.h"

#include <stddef.h>
#include <stdint.h>

#include "rq_png.h"

/* Quiet zone around every rendered symbol, in modules (ISO/IEC 18004 asks for 4). */
enum { RQ_QR_QUIET = 4 };

struct rq_qr {
	int width;	  /* modules per side, without the quiet zone (21 for version 1) */
	int version;	  /* 1..40 */
	uint8_t *modules; /* width * width bytes, 1 = dark; owned, freed by rq_qr_free() */
};

/* Encodes text (8-bit mode, case kept) at error-correction level H: the printed code must
 * still scan from a worn, stained or partly torn sticker, H restores up to ~30 % of the
 * codewords (Q ~25 %), and for our ~60-character URLs it costs only one version step
 * (41 instead of 37 modules), which a poster-sized symbol absorbs easily.
 * Returns 0, or -1 (text empty or too long, or out of memory). Free with rq_qr_free(). */
int rq_qr_encode(struct rq_qr *qr, const char *text) RQ_MUST_USE;
void rq_qr_free(struct rq_qr *qr);

/* Side in pixels of the symbol plus its quiet zone at module_px pixels per module. */
int rq_qr_side(const struct rq_qr *qr, int module_px);

/* Draws the symbol with its quiet zone at (x, y) into img (any kind): every module is a
 * module_px × module_px square of value `dark` or `light`. Clipped to the image. */
void rq_qr_draw(const struct rq_qr *qr, struct rq_png_image *img, int x, int y, int module_px,
		uint8_t dark, uint8_t light);

/* The bare QR of text as a grayscale PNG with module_px pixels per module (1..64) and the
 * quiet zone. Returns 0 and sets *png (malloc'd: the caller frees it with free()) and
 * *len, or -1. */
int rq_qr_png(const char *text, int module_px, uint8_t **png, size_t *len) RQ_MUST_USE;

#endif
