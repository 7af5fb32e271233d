#include "rq_image.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <zlib.h>

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* SOI, then a marker that may open a JPEG (APPn, DQT, DHT, SOFn, DRI, COM) whose length
 * field covers at least itself and ends inside the data. */
static bool is_jpeg(const uint8_t *p, size_t len)
{
	if (len < 6 || p[0] != 0xFF || p[1] != 0xD8 || p[2] != 0xFF)
		return false;
	uint8_t m = p[3];
	bool opener = (m >= 0xE0 && m <= 0xEF) || m == 0xDB || m == 0xC4 || m == 0xDD ||
		      m == 0xFE || (m >= 0xC0 && m <= 0xCF && m != 0xC8 && m != 0xCC);
	size_t seg = (size_t)p[4] << 8 | p[5];
	return opener && seg >= 2 && 4 + seg <= len;
}

/* Bit depths allowed for each PNG colour type (PNG spec, table 11.1). */
static bool png_depth_ok(uint8_t color, uint8_t depth)
{
	switch (color) {
	case 0: /* greyscale */
		return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
	case 3: /* palette */
		return depth == 1 || depth == 2 || depth == 4 || depth == 8;
	case 2: /* RGB */
	case 4: /* greyscale + alpha */
	case 6: /* RGBA */
		return depth == 8 || depth == 16;
	default:
		return false;
	}
}

static bool is_png(const uint8_t *p, size_t len)
{
	static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	static const uint8_t iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
	/* signature, IHDR (4 length + 4 type + 13 data + 4 CRC), IEND */
	if (len < 8 + 25 + 12 || memcmp(p, sig, 8) != 0)
		return false;
	const uint8_t *ihdr = p + 8;
	if (be32(ihdr) != 13 || memcmp(ihdr + 4, "IHDR", 4) != 0)
		return false;
	const uint8_t *f = ihdr + 8;
	uint32_t width = be32(f), height = be32(f + 4);
	if (width == 0 || height == 0 || width > INT32_MAX || height > INT32_MAX ||
	    !png_depth_ok(f[9], f[8]) || f[10] != 0 || f[11] != 0 || f[12] > 1)
		return false;
	/* the CRC covers the chunk type and data */
	if (crc32(0L, ihdr + 4, 17) != be32(ihdr + 21))
		return false;
	return memcmp(p + len - 12, iend, 12) == 0;
}

enum rq_image_type rq_image_sniff(const void *data, size_t len)
{
	const uint8_t *p = data;
	if (p == NULL)
		return RQ_IMAGE_NONE;
	if (is_jpeg(p, len))
		return RQ_IMAGE_JPEG;
	if (is_png(p, len))
		return RQ_IMAGE_PNG;
	return RQ_IMAGE_NONE;
}

const char *rq_image_mime(enum rq_image_type type)
{
	switch (type) {
	case RQ_IMAGE_JPEG:
		return "image/jpeg";
	case RQ_IMAGE_PNG:
		return "image/png";
	case RQ_IMAGE_NONE:
		break;
	}
	return NULL;
}
