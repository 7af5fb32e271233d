#include "test_common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

char *tc_read_all(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap);
	assert_non_null(buf);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

char *tc_run(const char *cmd, size_t *len, int *status)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *out = tc_read_all(p, len);
	int st = pclose(p);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return out;
}

char *tc_zbar(const void *image, size_t len)
{
	char path[] = "/tmp/rq-test-image-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, image, len), (ssize_t)len);
	close(fd);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "zbarimg --raw -q '%s' 2>/dev/null", path);
	int status;
	char *out = tc_run(cmd, NULL, &status);
	unlink(path);
	size_t n = strlen(out);
	while (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	return out;
}

void tc_remove_tree(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	int status;
	free(tc_run(cmd, NULL, &status));
	assert_int_equal(status, 0);
}
