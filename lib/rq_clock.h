/* The monotonic clock: durations, rates and time-outs (never the date or the time of day). */
#ifndef RQ_CLOCK_H
#define RQ_CLOCK_H

#include <time.h>

/* Seconds on CLOCK_MONOTONIC, with their fraction. */
static inline double rq_clock_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
