/* A small streaming ZIP writer: entries go out one after another through a write callback
 * (a FILE*, a pipe, anything), nothing is ever sought back to, and only the central
 * directory (a few dozen bytes plus the name per entry) stays in memory until the end.
 *
 * Entries are STORED (method 0): what goes in here is PNG, already deflate-compressed, so a
 * second deflate would cost time and gain nothing. Each entry is given whole, so its CRC-32
 * (zlib's crc32()) and size are known before its local header is written: they go into the
 * header itself and no data descriptor follows. (General purpose bit 3 would be needed only
 * for data of unknown length, and STORED entries with a descriptor cannot be read by
 * streaming readers such as Java's ZipInputStream.) Names are UTF-8 (bit 11). Past the
 * classic limits (an entry or offset of 4 GiB - 1 or more, 65,535 entries or more) the
 * ZIP64 extra fields and end records are written, so a file may hold any number of posters. */
#ifndef RQ_ZIP_H
#define RQ_ZIP_H

#include "rq_attr.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct rq_zip;

/* Writes len bytes of buf to the sink; returns 0, or -1 when not all were written. */
typedef int (*rq_zip_write_fn)(void *sink, const void *buf, size_t len);

/* A sink for rq_zip_new(): sink is a FILE * open for writing. */
int rq_zip_file_write(void *sink, const void *buf, size_t len) RQ_MUST_USE;

/* Starts an archive written to sink through write; every entry gets mtime (local time) as
 * its modification time. Returns NULL when memory is short. Free with rq_zip_free(). */
struct rq_zip *rq_zip_new(rq_zip_write_fn write, void *sink, time_t mtime) RQ_MUST_USE;

/* Writes one entry: name (UTF-8, 1..1024 bytes, relative: no leading '/', no '\\', no ".."
 * component) holding the len bytes of data. Returns 0, or -1 when the name is refused,
 * memory is short or the sink failed; after a sink failure every later call fails too
 * (what was written stays written: the archive is then unusable without its directory). */
int rq_zip_add(struct rq_zip *z, const char *name, const void *data, size_t len) RQ_MUST_USE;

/* Writes the central directory and the end records (ZIP64 ones when needed). Returns 0, or
 * -1 when the sink failed (or an earlier call did). Call once; add nothing after it. */
int rq_zip_finish(struct rq_zip *z) RQ_MUST_USE;

/* Entries added so far, and bytes written to the sink so far. */
size_t rq_zip_entries(const struct rq_zip *z);
uint64_t rq_zip_bytes(const struct rq_zip *z);

/* Frees the writer and its directory (not the sink); safe with NULL. */
void rq_zip_free(struct rq_zip *z);

#endif
