#include "rq_png.h"

#include "rq_buf.h"

#include <png.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { RQ_PNG_MAX_SIDE = 20000 };

int rq_png_image_init(struct rq_png_image *img, enum rq_png_kind kind, int width, int height,
		      uint8_t fill)
{
	memset(img, 0, sizeof(*img));
	if (width < 1 || height < 1 || width > RQ_PNG_MAX_SIDE || height > RQ_PNG_MAX_SIDE)
		return -1;
	img->pixels = malloc((size_t)width * (size_t)height);
	if (img->pixels == NULL)
		return -1;
	memset(img->pixels, fill, (size_t)width * (size_t)height);
	img->kind = kind;
	img->width = width;
	img->height = height;
	return 0;
}

void rq_png_image_free(struct rq_png_image *img)
{
	free(img->pixels);
	img->pixels = NULL;
	img->width = img->height = 0;
}

void rq_png_fill_rect(struct rq_png_image *img, int x0, int y0, int x1, int y1, uint8_t v)
{
	if (x0 < 0)
		x0 = 0;
	if (y0 < 0)
		y0 = 0;
	if (x1 > img->width)
		x1 = img->width;
	if (y1 > img->height)
		y1 = img->height;
	if (x0 >= x1)
		return;
	for (int y = y0; y < y1; y++)
		memset(img->pixels + (size_t)y * (size_t)img->width + (size_t)x0, v,
		       (size_t)(x1 - x0));
}

static void write_fn(png_structp png, png_bytep data, size_t n)
{
	struct rq_buf *b = png_get_io_ptr(png);
	rq_buf_add(b, data, n);
	if (!rq_buf_ok(b))
		png_error(png, "output exceeds its size limit or memory is short");
}

static void flush_fn(png_structp png)
{
	(void)png;
}

/* libpng reports through longjmp; the message is not for clients, and the caller sees -1. */
static void error_fn(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

static void warning_fn(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

int rq_png_encode(const struct rq_png_image *img, int dpi, size_t max_bytes, uint8_t **out,
		  size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (img->pixels == NULL ||
	    (img->kind == RQ_PNG_PALETTE &&
	     (img->palette == NULL || img->npalette < 1 || img->npalette > 256)))
		return -1;
	/* on the heap: after png_error's longjmp a changed local would be indeterminate */
	struct rq_buf *b = malloc(sizeof(*b));
	if (b == NULL)
		return -1;
	rq_buf_init(b, max_bytes);
	rq_buf_reserve(b, 64 * 1024);
	png_structp png =
	    png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, error_fn, warning_fn);
	png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
	if (png == NULL || info == NULL) {
		png_destroy_write_struct(&png, &info);
		free(b);
		return -1;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		rq_buf_free(b);
		free(b);
		return -1;
	}
	png_set_write_fn(png, b, write_fn, flush_fn);
	/* Posters are mostly flat colour: no filtering and zlib level 1 with run-length
	 * matching compress them well at a fraction of the default's time. */
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
	png_set_compression_level(png, 1);
	png_set_compression_strategy(png, Z_RLE);
	png_set_IHDR(png, info, (png_uint_32)img->width, (png_uint_32)img->height, 8,
		     img->kind == RQ_PNG_PALETTE ? PNG_COLOR_TYPE_PALETTE : PNG_COLOR_TYPE_GRAY,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
	if (img->kind == RQ_PNG_PALETTE) {
		png_color pal[256];
		for (int i = 0; i < img->npalette; i++) {
			pal[i].red = img->palette[i].r;
			pal[i].green = img->palette[i].g;
			pal[i].blue = img->palette[i].b;
		}
		png_set_PLTE(png, info, pal, img->npalette);
	}
	if (dpi > 0) {
		/* 1 inch = 0.0254 m; rounded to the nearest pixel per metre. */
		png_uint_32 ppm = (png_uint_32)(((long)dpi * 10000 + 127) / 254);
		png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
	}
	png_write_info(png, info);
	for (int y = 0; y < img->height; y++)
		png_write_row(png, img->pixels + (size_t)y * (size_t)img->width);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	*out = rq_buf_take(b, out_len);
	free(b);
	return *out != NULL ? 0 : -1;
}
