/* Opaque random tokens (sessions, CSRF, request ids). */
#ifndef RQ_TOKEN_H
#define RQ_TOKEN_H

#include "rq_attr.h"

#include <stdbool.h>
#include <stddef.h>

enum { RQ_TOKEN_BYTES = 32, RQ_TOKEN_LEN = 43 }; /* 256 bits, base64url without padding */

/* Fills out (RQ_TOKEN_LEN + 1 bytes) with a new token from the kernel's CSPRNG.
 * Returns 0, or -1 if no randomness could be had (never falls back to a weak source). */
int rq_token_new(char *out) RQ_MUST_USE;
/* True when s has the exact shape of a token (cheap rejection before any query). */
bool rq_token_wellformed(const char *s);
/* Writes nbytes random bytes as lower-case hex into out (2*nbytes+1). Returns 0 or -1. */
int rq_random_hex(char *out, size_t nbytes) RQ_MUST_USE;
/* base64url without padding of n bytes into out (4*ceil(n/3)+1 bytes). */
void rq_base64url(const unsigned char *in, size_t n, char *out);

#endif
