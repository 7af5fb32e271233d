/* In-memory 8-bit images (grayscale or palette-indexed) and their PNG encoding into a
 * bounded, growable memory buffer. */
#ifndef RQ_PNG_H
#define RQ_PNG_H

#include "rq_attr.h"

#include <stddef.h>
#include <stdint.h>

enum rq_png_kind {
	RQ_PNG_GRAY,	/* one byte per pixel: 0 black .. 255 white */
	RQ_PNG_PALETTE, /* one byte per pixel: an index into palette[] */
};

struct rq_png_rgb {
	uint8_t r, g, b;
};

struct rq_png_image {
	enum rq_png_kind kind;
	int width, height;
	uint8_t *pixels; /* width * height bytes, row after row; owned by the image */
	const struct rq_png_rgb *palette; /* RQ_PNG_PALETTE only; not owned */
	int npalette;			  /* 1..256 */
};

/* Allocates a width × height image filled with `fill`. Returns 0, or -1 when the size is
 * out of range (1..20000 per side) or memory is short. Free with rq_png_image_free(). */
int rq_png_image_init(struct rq_png_image *img, enum rq_png_kind kind, int width, int height,
		      uint8_t fill) RQ_MUST_USE;
/* Frees the pixels (the palette is the caller's); safe on a zeroed or freed image. */
void rq_png_image_free(struct rq_png_image *img);

/* Fills the rectangle [x0, x1) × [y0, y1), clipped to the image, with value v. */
void rq_png_fill_rect(struct rq_png_image *img, int x0, int y0, int x1, int y1, uint8_t v);

/* Encodes img as a PNG (no interlace, filter None, fast zlib level: these images are
 * mostly flat areas). dpi > 0 adds a pHYs chunk (pixels per metre). The output never
 * exceeds max_bytes. On success returns 0 and sets *out (malloc'd: the caller frees it
 * with free()) and *out_len; returns -1 when the encoder fails or the PNG would exceed
 * max_bytes (nothing to free then). */
int rq_png_encode(const struct rq_png_image *img, int dpi, size_t max_bytes, uint8_t **out,
		  size_t *out_len) RQ_MUST_USE;

#endif
