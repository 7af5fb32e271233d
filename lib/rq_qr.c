#include "rq_qr.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

int rq_qr_encode(struct rq_qr *qr, const char *text)
{
	memset(qr, 0, sizeof(*qr));
	if (text == NULL || *text == '\0')
		return -1;
	QRcode *code = QRcode_encodeString(text, 0, QR_ECLEVEL_H, QR_MODE_8, 1);
	if (code == NULL)
		return -1;
	size_t n = (size_t)code->width * (size_t)code->width;
	qr->modules = malloc(n);
	if (qr->modules == NULL) {
		QRcode_free(code);
		return -1;
	}
	/* libqrencode's bit 0 of each byte is "dark"; the other bits describe the module's
	 * role (finder, timing, data...). */
	for (size_t i = 0; i < n; i++)
		qr->modules[i] = code->data[i] & 1;
	qr->width = code->width;
	qr->version = code->version;
	QRcode_free(code);
	return 0;
}

void rq_qr_free(struct rq_qr *qr)
{
	free(qr->modules);
	memset(qr, 0, sizeof(*qr));
}

int rq_qr_side(const struct rq_qr *qr, int module_px)
{
	return (qr->width + 2 * RQ_QR_QUIET) * module_px;
}

void rq_qr_draw(const struct rq_qr *qr, struct rq_png_image *img, int x, int y, int module_px,
		uint8_t dark, uint8_t light)
{
	int side = rq_qr_side(qr, module_px);
	rq_png_fill_rect(img, x, y, x + side, y + side, light);
	int x0 = x + RQ_QR_QUIET * module_px, y0 = y + RQ_QR_QUIET * module_px;
	for (int r = 0; r < qr->width; r++)
		for (int c = 0; c < qr->width; c++)
			if (qr->modules[(size_t)r * (size_t)qr->width + (size_t)c])
				rq_png_fill_rect(img, x0 + c * module_px, y0 + r * module_px,
						 x0 + (c + 1) * module_px, y0 + (r + 1) * module_px,
						 dark);
}

int rq_qr_png(const char *text, int module_px, uint8_t **png, size_t *len)
{
	*png = NULL;
	*len = 0;
	if (module_px < 1 || module_px > 64)
		return -1;
	struct rq_qr qr;
	if (rq_qr_encode(&qr, text) != 0)
		return -1;
	struct rq_png_image img;
	int side = rq_qr_side(&qr, module_px);
	if (rq_png_image_init(&img, RQ_PNG_GRAY, side, side, 255) != 0) {
		rq_qr_free(&qr);
		return -1;
	}
	rq_qr_draw(&qr, &img, 0, 0, module_px, 0, 255);
	rq_qr_free(&qr);
	int rc = rq_png_encode(&img, 0, 4u * 1024 * 1024, png, len);
	rq_png_image_free(&img);
	return rc;
}
