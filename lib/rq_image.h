/* The type of an uploaded image, decided from its bytes alone: a client's file name or
 * Content-Type header is never trusted. Nothing is decoded (no decompression bombs). */
#ifndef RQ_IMAGE_H
#define RQ_IMAGE_H

#include <stddef.h>

enum rq_image_type {
	RQ_IMAGE_NONE, /* neither JPEG nor PNG, or cut short */
	RQ_IMAGE_JPEG,
	RQ_IMAGE_PNG,
};

/* JPEG: SOI (FF D8), then a first marker segment that lies wholly inside the data (an
 * end FF D9 is not required: phones append their own trailers after it).
 * PNG: the 8-byte signature, an IHDR chunk first with sane fields and a correct CRC, and
 * the IEND chunk as the last 12 bytes (so a file cut short is refused). */
enum rq_image_type rq_image_sniff(const void *data, size_t len);

/* "image/jpeg", "image/png", or NULL for RQ_IMAGE_NONE. */
const char *rq_image_mime(enum rq_image_type type);

#endif
