/* Reading back the QR of a PNG the way a phone would: zbarimg on the image. Include once per
 * test file (the helper is static). */
#ifndef QR_SUPPORT_H
#define QR_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Asserts that `zbarimg --raw -q` reads exactly want from the PNG (written to a temporary
 * file for it, removed afterwards). */
static void assert_qr_reads(const uint8_t *png, size_t len, const char *want)
{
	char path[] = "/tmp/rq-test-qr-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, png, len), (ssize_t)len);
	close(fd);
	char cmd[512], out[4096];
	snprintf(cmd, sizeof(cmd), "zbarimg --raw -q '%s' 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	pclose(p);
	unlink(path);
	out[n] = '\0';
	while (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	assert_string_equal(out, want);
}

#endif
