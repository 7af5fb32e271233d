/* The one checked number parser (atoi/strtol are banned elsewhere). */
#ifndef RQ_NUM_H
#define RQ_NUM_H

#include "rq_attr.h"

#include <stdbool.h>
#include <stdint.h>

/* Parses all of s as a base-10 integer in [min, max]. Returns 0 and sets *out on
 * success; -1 when s is empty, has trailing garbage, or is out of range. */
int rq_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out) RQ_MUST_USE;

/* Parses all of s as a finite decimal number (PostgreSQL's numeric and float text: digits, a
 * sign, a point, an exponent). Returns 0 and sets *out, or -1. */
int rq_parse_double(const char *s, double *out) RQ_MUST_USE;

#endif
