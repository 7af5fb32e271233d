#include "rq_zip.h"

#include "rq_http.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum {
	SIG_LOCAL = 0x04034b50,
	SIG_CENTRAL = 0x02014b50,
	SIG_END = 0x06054b50,
	SIG_END64 = 0x06064b50,
	SIG_LOCATOR64 = 0x07064b50,
	FLAG_UTF8 = 0x0800,    /* general purpose bit 11: the name is UTF-8 */
	VERSION_PLAIN = 20,    /* 2.0: what a STORED entry needs */
	VERSION_ZIP64 = 45,    /* 4.5: ZIP64 extensions */
	MADE_BY_UNIX = 3 << 8, /* upper byte of "version made by": external attributes are Unix */
	EXTRA_ZIP64 = 0x0001,  /* header id of the ZIP64 extended information extra field */
	NAME_MAX_BYTES = 1024,
};

static const uint32_t MAX32 = 0xffffffffu;
static const uint16_t MAX16 = 0xffffu;

/* What the central directory needs of an entry. */
struct entry {
	char *name;
	uint64_t size, offset;
	uint32_t crc;
};

struct rq_zip {
	rq_zip_write_fn write;
	void *sink;
	uint64_t written;
	uint16_t dos_time, dos_date;
	struct entry *entries;
	size_t n, cap;
	bool failed, finished;
};

int rq_zip_file_write(void *sink, const void *buf, size_t len)
{
	return len == 0 || fwrite(buf, 1, len, (FILE *)sink) == len ? 0 : -1;
}

/* --- little-endian fields into a small header buffer ---------------------------------- */

struct hdr {
	uint8_t b[128];
	size_t n;
};

static void put16(struct hdr *h, uint16_t v)
{
	h->b[h->n++] = (uint8_t)v;
	h->b[h->n++] = (uint8_t)(v >> 8);
}

static void put32(struct hdr *h, uint32_t v)
{
	put16(h, (uint16_t)v);
	put16(h, (uint16_t)(v >> 16));
}

static void put64(struct hdr *h, uint64_t v)
{
	put32(h, (uint32_t)v);
	put32(h, (uint32_t)(v >> 32));
}

static int emit(struct rq_zip *z, const void *buf, size_t len)
{
	if (z->failed)
		return -1;
	if (len > 0 && z->write(z->sink, buf, len) != 0) {
		z->failed = true;
		return -1;
	}
	z->written += len;
	return 0;
}

/* ------------------------------------------------------------------------------------------ */

struct rq_zip *rq_zip_new(rq_zip_write_fn write, void *sink, time_t mtime)
{
	struct rq_zip *z = calloc(1, sizeof(*z));
	if (z == NULL)
		return NULL;
	z->write = write;
	z->sink = sink;
	struct tm tm;
	/* DOS dates start in 1980; anything earlier (or unconvertible) becomes 1980-01-01. */
	if (localtime_r(&mtime, &tm) == NULL || tm.tm_year < 80 || tm.tm_year > 80 + 127) {
		z->dos_date = (0 << 9) | (1 << 5) | 1;
		z->dos_time = 0;
	} else {
		z->dos_date =
		    (uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
		z->dos_time = (uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
	}
	return z;
}

void rq_zip_free(struct rq_zip *z)
{
	if (z == NULL)
		return;
	for (size_t i = 0; i < z->n; i++)
		free(z->entries[i].name);
	free(z->entries);
	free(z);
}

size_t rq_zip_entries(const struct rq_zip *z)
{
	return z->n;
}

uint64_t rq_zip_bytes(const struct rq_zip *z)
{
	return z->written;
}

static bool name_ok(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len > NAME_MAX_BYTES || name[0] == '/' || strchr(name, '\\') != NULL ||
	    !rq_utf8_valid(name, len, NULL))
		return false;
	/* No ".." component: an archive must not write outside the directory it is unpacked in. */
	for (const char *p = name; p != NULL; p = strchr(p, '/'), p = p != NULL ? p + 1 : NULL)
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return false;
	return true;
}

/* zlib's crc32() takes uInt lengths: feed it in pieces. */
static uint32_t crc_of(const uint8_t *data, size_t len)
{
	uLong crc = crc32(0L, Z_NULL, 0);
	while (len > 0) {
		uInt piece = len > 0x40000000u ? 0x40000000u : (uInt)len;
		crc = crc32(crc, data, piece);
		data += piece;
		len -= piece;
	}
	return (uint32_t)crc;
}

int rq_zip_add(struct rq_zip *z, const char *name, const void *data, size_t len)
{
	if (z->failed || z->finished || !name_ok(name))
		return -1;
	if (z->n == z->cap) {
		size_t cap = z->cap == 0 ? 64 : z->cap * 2;
		struct entry *e = realloc(z->entries, cap * sizeof(*e));
		if (e == NULL)
			return -1;
		z->entries = e;
		z->cap = cap;
	}
	struct entry *e = &z->entries[z->n];
	e->name = strdup(name);
	if (e->name == NULL)
		return -1;
	e->size = len;
	e->offset = z->written;
	e->crc = crc_of(data, len);
	z->n++;

	size_t name_len = strlen(name);
	bool big = e->size >= MAX32; /* the local header's sizes move into its ZIP64 field */
	struct hdr h = {.n = 0};
	put32(&h, SIG_LOCAL);
	put16(&h, big ? VERSION_ZIP64 : VERSION_PLAIN);
	put16(&h, FLAG_UTF8);
	put16(&h, 0); /* STORED */
	put16(&h, z->dos_time);
	put16(&h, z->dos_date);
	put32(&h, e->crc);
	put32(&h, big ? MAX32 : (uint32_t)e->size); /* compressed size */
	put32(&h, big ? MAX32 : (uint32_t)e->size); /* uncompressed size */
	put16(&h, (uint16_t)name_len);
	put16(&h, big ? 20 : 0);
	if (emit(z, h.b, h.n) != 0 || emit(z, name, name_len) != 0)
		return -1;
	if (big) {
		h.n = 0;
		put16(&h, EXTRA_ZIP64);
		put16(&h, 16);
		put64(&h, e->size); /* uncompressed, then compressed */
		put64(&h, e->size);
		if (emit(z, h.b, h.n) != 0)
			return -1;
	}
	return emit(z, data, len);
}

/* One central directory header, with a ZIP64 extra field holding the values that do not
 * fit their classic fields (in the order the specification gives: sizes, then offset). */
static int central_header(struct rq_zip *z, const struct entry *e)
{
	bool big_size = e->size >= MAX32, big_offset = e->offset >= MAX32;
	uint16_t extra = (uint16_t)((big_size ? 16 : 0) + (big_offset ? 8 : 0));
	size_t name_len = strlen(e->name);
	struct hdr h = {.n = 0};
	put32(&h, SIG_CENTRAL);
	put16(&h, MADE_BY_UNIX | VERSION_ZIP64);
	put16(&h, extra > 0 ? VERSION_ZIP64 : VERSION_PLAIN);
	put16(&h, FLAG_UTF8);
	put16(&h, 0); /* STORED */
	put16(&h, z->dos_time);
	put16(&h, z->dos_date);
	put32(&h, e->crc);
	put32(&h, big_size ? MAX32 : (uint32_t)e->size);
	put32(&h, big_size ? MAX32 : (uint32_t)e->size);
	put16(&h, (uint16_t)name_len);
	put16(&h, extra > 0 ? (uint16_t)(extra + 4) : 0);
	put16(&h, 0);		   /* comment */
	put16(&h, 0);		   /* disk */
	put16(&h, 0);		   /* internal attributes */
	put32(&h, 0100644u << 16); /* external: a regular file, rw-r--r-- */
	put32(&h, big_offset ? MAX32 : (uint32_t)e->offset);
	if (emit(z, h.b, h.n) != 0 || emit(z, e->name, name_len) != 0)
		return -1;
	if (extra == 0)
		return 0;
	h.n = 0;
	put16(&h, EXTRA_ZIP64);
	put16(&h, extra);
	if (big_size) {
		put64(&h, e->size);
		put64(&h, e->size);
	}
	if (big_offset)
		put64(&h, e->offset);
	return emit(z, h.b, h.n);
}

int rq_zip_finish(struct rq_zip *z)
{
	if (z->failed || z->finished)
		return -1;
	z->finished = true;
	uint64_t cd_offset = z->written;
	for (size_t i = 0; i < z->n; i++)
		if (central_header(z, &z->entries[i]) != 0)
			return -1;
	uint64_t cd_size = z->written - cd_offset, count = z->n;
	bool zip64 = count >= MAX16 || cd_size >= MAX32 || cd_offset >= MAX32;
	struct hdr h = {.n = 0};
	if (zip64) {
		uint64_t end64_offset = z->written;
		put32(&h, SIG_END64);
		put64(&h, 44); /* size of the rest of this record */
		put16(&h, MADE_BY_UNIX | VERSION_ZIP64);
		put16(&h, VERSION_ZIP64);
		put32(&h, 0); /* this disk */
		put32(&h, 0); /* disk of the central directory */
		put64(&h, count);
		put64(&h, count);
		put64(&h, cd_size);
		put64(&h, cd_offset);
		put32(&h, SIG_LOCATOR64);
		put32(&h, 0);
		put64(&h, end64_offset);
		put32(&h, 1); /* disks in all */
	}
	put32(&h, SIG_END);
	put16(&h, 0);
	put16(&h, 0);
	put16(&h, count >= MAX16 ? MAX16 : (uint16_t)count);
	put16(&h, count >= MAX16 ? MAX16 : (uint16_t)count);
	put32(&h, cd_size >= MAX32 ? MAX32 : (uint32_t)cd_size);
	put32(&h, cd_offset >= MAX32 ? MAX32 : (uint32_t)cd_offset);
	put16(&h, 0); /* comment */
	return emit(z, h.b, h.n);
}
