/* The streaming ZIP writer: an archive of a few entries (one with a Chinese name) passes
 * `unzip -t` and lists with the right names and sizes; the bytes are STORED with the right
 * CRC; refused names; a failing sink fails every later call; past 65,535 entries and past
 * 4 GiB of offsets the ZIP64 end records and extra fields are written (checked with unzip,
 * and by parsing the tail of an archive that a counting sink never stores). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "rq_zip.h"
#include "test_common.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* `unzip -t` finds every entry of the archive at path intact. */
static void assert_unzip_tests_ok(const char *path)
{
	char cmd[256];
	int st;
	snprintf(cmd, sizeof(cmd), "unzip -tq %s 2>&1", path);
	char *out = tc_run(cmd, NULL, &st);
	if (st != 0)
		fail_msg("unzip -tq: %s", out);
	assert_non_null(strstr(out, "No errors detected"));
	free(out);
}

/* A new archive writing to a new temporary file made from the template path (its name
 * written back there); the file in *f. */
static struct rq_zip *zip_to_temp(char *path, FILE **f)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	*f = fdopen(fd, "wb");
	assert_non_null(*f);
	struct rq_zip *z = rq_zip_new(rq_zip_file_write, *f, 1700000000);
	assert_non_null(z);
	return z;
}

static void test_zip_small_archive(void **state)
{
	(void)state;
	char path[] = "/tmp/rq-test-zip-XXXXXX";
	FILE *f;
	struct rq_zip *z = zip_to_temp(path, &f);
	static const char hello[] = "hello, zip\n";
	uint8_t big[100000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + i / 251);
	assert_int_equal(rq_zip_add(z, "411502-000001.png", big, sizeof(big)), 0);
	assert_int_equal(rq_zip_add(z, "信阳市测试企业.txt", hello, strlen(hello)), 0);
	assert_int_equal(rq_zip_add(z, "dir/empty", "", 0), 0);
	/* refused names write nothing */
	uint64_t before = rq_zip_bytes(z);
	assert_int_equal(rq_zip_add(z, "", hello, 1), -1);
	assert_int_equal(rq_zip_add(z, "/etc/passwd", hello, 1), -1);
	assert_int_equal(rq_zip_add(z, "a/../../b", hello, 1), -1);
	assert_int_equal(rq_zip_add(z, "..", hello, 1), -1);
	assert_int_equal(rq_zip_add(z, "a\\b", hello, 1), -1);
	assert_int_equal(rq_zip_add(z, "bad\xff", hello, 1), -1);
	assert_true(rq_zip_bytes(z) == before);
	assert_int_equal(rq_zip_add(z, "a..b", hello, 1), 0); /* dots inside a name are fine */
	assert_int_equal(rq_zip_finish(z), 0);
	assert_int_equal(rq_zip_entries(z), 4);
	long size = ftell(f);
	assert_true((uint64_t)size == rq_zip_bytes(z));
	rq_zip_free(z);
	assert_int_equal(fclose(f), 0);

	assert_unzip_tests_ok(path);
	char cmd[256];
	int st;
	snprintf(cmd, sizeof(cmd), "unzip -Z -l %s 2>&1", path);
	char *out = tc_run(cmd, NULL, &st);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "信阳市测试企业.txt")); /* read as UTF-8 (bit 11) */
	assert_non_null(strstr(out, " stor "));		    /* STORED */
	assert_non_null(strstr(out, "100000"));
	assert_non_null(strstr(out, "4 files"));
	free(out);
	snprintf(cmd, sizeof(cmd), "unzip -p %s 信阳市测试企业.txt", path);
	out = tc_run(cmd, NULL, &st);
	assert_int_equal(st, 0);
	assert_string_equal(out, hello);
	free(out);

	/* The first entry's local header: STORED, sizes and zlib's CRC in the header itself. */
	f = fopen(path, "rb");
	assert_non_null(f);
	uint8_t h[30];
	assert_int_equal(fread(h, 1, sizeof(h), f), sizeof(h));
	fclose(f);
	assert_int_equal(le32(h), 0x04034b50);
	assert_int_equal(h[6] | h[7] << 8, 0x0800);
	assert_int_equal(h[8] | h[9] << 8, 0);
	assert_int_equal(le32(h + 14), (uint32_t)crc32(0, big, sizeof(big)));
	assert_int_equal(le32(h + 18), sizeof(big));
	assert_int_equal(le32(h + 22), sizeof(big));
	unlink(path);
}

/* A sink that fails once `budget` bytes went through. */
struct failing {
	size_t budget;
};

static int failing_write(void *sink, const void *buf, size_t len)
{
	(void)buf;
	struct failing *s = sink;
	if (len > s->budget)
		return -1;
	s->budget -= len;
	return 0;
}

static void test_zip_sink_failure_is_sticky(void **state)
{
	(void)state;
	struct failing s = {.budget = 40};
	struct rq_zip *z = rq_zip_new(failing_write, &s, 0);
	assert_non_null(z);
	assert_int_equal(rq_zip_add(z, "a.png", "0123456789", 10), -1);
	s.budget = 1 << 20;
	assert_int_equal(rq_zip_add(z, "b.png", "x", 1), -1);
	assert_int_equal(rq_zip_finish(z), -1);
	rq_zip_free(z);
	rq_zip_free(NULL);
}

/* 70,000 entries: more than the 16-bit count of the classic end record. */
static void test_zip64_many_entries(void **state)
{
	(void)state;
	char path[] = "/tmp/rq-test-zip64-XXXXXX";
	FILE *f;
	struct rq_zip *z = zip_to_temp(path, &f);
	for (int i = 0; i < 70000; i++) {
		char name[32];
		snprintf(name, sizeof(name), "%06d.txt", i);
		assert_int_equal(rq_zip_add(z, name, name, 6), 0);
	}
	assert_int_equal(rq_zip_finish(z), 0);
	rq_zip_free(z);
	assert_int_equal(fclose(f), 0);
	assert_unzip_tests_ok(path);
	char cmd[256];
	int st;
	snprintf(cmd, sizeof(cmd), "unzip -p %s 069999.txt", path);
	char *out = tc_run(cmd, NULL, &st);
	assert_int_equal(st, 0);
	assert_string_equal(out, "069999");
	free(out);
	unlink(path);
}

/* Counts bytes and keeps only those from keep_from on (the directory and end records). */
struct counting {
	uint64_t count, keep_from;
	uint8_t *kept;
	size_t nkept, cap;
};

static int counting_write(void *sink, const void *buf, size_t len)
{
	struct counting *s = sink;
	if (s->count + len > s->keep_from) {
		size_t skip = s->count >= s->keep_from ? 0 : (size_t)(s->keep_from - s->count);
		size_t n = len - skip;
		if (s->nkept + n > s->cap)
			return -1;
		memcpy(s->kept + s->nkept, (const uint8_t *)buf + skip, n);
		s->nkept += n;
	}
	s->count += len;
	return 0;
}

/* Offsets past 4 GiB: 17 entries of 256 MiB (zero pages, never stored), then a small one
 * whose local header lies beyond 4 GiB. */
static void test_zip64_large_offsets(void **state)
{
	(void)state;
	const size_t chunk = (size_t)256 << 20;
	uint8_t *zeros = calloc(1, chunk);
	assert_non_null(zeros);
	struct counting s = {.keep_from = UINT64_MAX, .cap = 4096};
	s.kept = malloc(s.cap);
	assert_non_null(s.kept);
	struct rq_zip *z = rq_zip_new(counting_write, &s, 1700000000);
	assert_non_null(z);
	for (int i = 0; i < 17; i++) {
		char name[32];
		snprintf(name, sizeof(name), "part%02d.bin", i);
		assert_int_equal(rq_zip_add(z, name, zeros, chunk), 0);
	}
	uint64_t last_offset = rq_zip_bytes(z);
	assert_true(last_offset > 0xffffffffu);
	assert_int_equal(rq_zip_add(z, "last.txt", "tail", 4), 0);
	s.keep_from = s.count;
	assert_int_equal(rq_zip_finish(z), 0);
	rq_zip_free(z);
	free(zeros);

	/* The end: ZIP64 end record (56) + locator (20) + classic end record (22). */
	assert_true(s.nkept > 98);
	const uint8_t *end = s.kept + s.nkept - 22, *loc = end - 20, *end64 = loc - 56;
	assert_int_equal(le32(end), 0x06054b50);
	assert_int_equal(le32(end + 16), 0xffffffffu); /* directory offset: see ZIP64 */
	assert_int_equal(end[10] | end[11] << 8, 18);
	assert_int_equal(le32(loc), 0x07064b50);
	assert_true(le64(loc + 8) == s.count - 98);
	assert_int_equal(le32(end64), 0x06064b50);
	assert_true(le64(end64 + 32) == 18);
	uint64_t cd_offset = le64(end64 + 48);
	assert_true(cd_offset == s.keep_from);
	/* The last central header carries its offset in a ZIP64 extra field. */
	const uint8_t *cd = s.kept;
	uint64_t found = 0;
	for (int i = 0; i < 18; i++) {
		assert_int_equal(le32(cd), 0x02014b50);
		size_t name_len = cd[28] | cd[29] << 8, extra_len = cd[30] | cd[31] << 8;
		if (i == 17) {
			assert_int_equal(name_len, 8);
			assert_memory_equal(cd + 46, "last.txt", 8);
			assert_int_equal(le32(cd + 42), 0xffffffffu);
			const uint8_t *x = cd + 46 + name_len;
			assert_int_equal(x[0] | x[1] << 8, 1);
			assert_int_equal(x[2] | x[3] << 8, 8);
			found = le64(x + 4);
		}
		cd += 46 + name_len + extra_len;
	}
	assert_true(found == last_offset);
	free(s.kept);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zip_small_archive),
	    cmocka_unit_test(test_zip_sink_failure_is_sticky),
	    cmocka_unit_test(test_zip64_many_entries),
	    cmocka_unit_test(test_zip64_large_offsets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
