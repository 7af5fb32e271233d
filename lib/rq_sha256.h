/* SHA-256 (FIPS 180-4), one-shot and streaming: the name under which an upload is stored. */
#ifndef RQ_SHA256_H
#define RQ_SHA256_H

#include <stddef.h>
#include <stdint.h>

enum { RQ_SHA256_LEN = 32, RQ_SHA256_HEX_LEN = 64 };

struct rq_sha256 {
	uint32_t h[8];
	uint64_t total; /* bytes hashed so far */
	uint8_t block[64];
	size_t used; /* bytes waiting in block */
};

void rq_sha256_init(struct rq_sha256 *s);
/* Hashes len more bytes; any split of a message gives the same digest. */
void rq_sha256_update(struct rq_sha256 *s, const void *data, size_t len);
/* Writes the digest; s must be initialised again before another use. */
void rq_sha256_final(struct rq_sha256 *s, uint8_t out[RQ_SHA256_LEN]);

/* The digest of data as 64 lower-case hex digits and a NUL. */
void rq_sha256_hex(const void *data, size_t len, char out[RQ_SHA256_HEX_LEN + 1]);

#endif
