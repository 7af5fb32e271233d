/* poster-bench: renders posters in-process and reports posters per second (a benchmark,
 * not a test; tests/bench/poster runs it next to `qrencode -o`).
 *
 *   poster-bench [-n COUNT] [--name NAME] [--out FILE.png] [--url URL] [--font FILE]
 *
 * Renders COUNT posters (default 50; one warm-up first, which also opens the font) of a
 * code with a 24-character token, each with its own token so no QR is reused, and prints
 * "posters N seconds S per_second R ms_per_poster M bytes B" on one line. --out writes the
 * last poster to FILE.png, with URL in its QR when given (tests/data/poster-example.png is
 * made this way). */
#include "rq_poster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rq_num.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int64_t count = 50;
	const char *name = "信阳市浉河区豫南茶叶种植与加工专业合作社有限公司";
	const char *out = NULL, *out_url = NULL, *font = getenv("RUQIMA_FONT_FILE");
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			if (rq_parse_i64(argv[++i], 1, 100000, &count) != 0) {
				fprintf(stderr, "poster-bench: -n takes 1..100000\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
			name = argv[++i];
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--url") == 0 && i + 1 < argc) {
			out_url = argv[++i];
		} else if (strcmp(argv[i], "--font") == 0 && i + 1 < argc) {
			font = argv[++i];
		} else {
			fprintf(stderr, "usage: poster-bench [-n COUNT] [--name NAME] [--out FILE] "
					"[--url URL] [--font FILE]\n");
			return 2;
		}
	}
	char url[128];
	struct rq_poster_text t = {.name = name, .serial = "411502-000017", .url = url};
	uint8_t *png = NULL;
	size_t len = 0;
	snprintf(url, sizeof(url), "https://127.0.0.1:8443/e/WarmUpWarmUpWarmUpWarmUp");
	if (rq_poster_png(&t, font, &png, &len, NULL) != 0) {
		fprintf(stderr, "poster-bench: rendering failed (font %s)\n",
			font != NULL ? font : RQ_POSTER_FONT_DEFAULT);
		return 1;
	}
	free(png);
	png = NULL;
	double t0 = now();
	for (int64_t i = 0; i < count; i++) {
		snprintf(url, sizeof(url), "https://127.0.0.1:8443/e/bench-token-%011lld",
			 (long long)i);
		free(png);
		png = NULL;
		if (rq_poster_png(&t, font, &png, &len, NULL) != 0) {
			fprintf(stderr, "poster-bench: rendering failed\n");
			return 1;
		}
	}
	double secs = now() - t0;
	printf("posters %lld seconds %.3f per_second %.1f ms_per_poster %.2f bytes %zu\n",
	       (long long)count, secs, (double)count / secs, secs * 1000 / (double)count, len);
	if (out != NULL && out_url != NULL) {
		snprintf(url, sizeof(url), "%s", out_url);
		free(png);
		png = NULL;
		if (rq_poster_png(&t, font, &png, &len, NULL) != 0) {
			fprintf(stderr, "poster-bench: rendering failed\n");
			return 1;
		}
	}
	if (out != NULL) {
		FILE *f = fopen(out, "wb");
		if (f == NULL || fwrite(png, 1, len, f) != len || fclose(f) != 0) {
			fprintf(stderr, "poster-bench: could not write %s\n", out);
			return 1;
		}
	}
	free(png);
	rq_poster_font_close();
	return 0;
}
