#include "rq_num.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

int rq_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	/* strtoll would skip leading white space and accept '+': a number is digits only. */
	if (s == NULL || *s == '\0' || isspace((unsigned char)*s) || *s == '+')
		return -1;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int rq_parse_double(const char *s, double *out)
{
	if (s == NULL || *s == '\0' || isspace((unsigned char)*s) || *s == '+')
		return -1;
	char *end = NULL;
	errno = 0;
	double v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}
