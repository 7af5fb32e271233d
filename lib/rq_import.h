/* The enterprise register's CSV import, shared by `ruqima import enterprises` and
 * POST /api/v1/admin/enterprises/import.
 *
 * Three steps:
 *   rq_import_parse   bytes → encoding detected (UTF-8, UTF-8 with BOM, GB18030/GBK) →
 *                     RFC 4180 records → header columns recognised by Chinese or English
 *                     names → one normalised row per record, checked on its own (nothing
 *                     running needed; unit-tested);
 *   rq_import_resolve what needs the database's lists: county codes known, credit codes
 *                     whose check digit fails accepted only when allow-listed;
 *   rq_import_run     does both lookups and writes the valid rows on a connection inside
 *                     the caller's transaction (actor context already set): staged with
 *                     COPY, then one upsert per key that leaves unchanged rows alone.
 * Everything is allocated in the caller's arena. */
#ifndef RQ_IMPORT_H
#define RQ_IMPORT_H

#include "rq_attr.h"

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "rq_arena.h"
#include "rq_copy.h"
#include "rq_csv.h"
#include "rq_problems.h"

enum {
	RQ_IMPORT_MAX_RECORD = RQ_CSV_MAX_RECORD, /* bytes in one CSV record (line) at most */
	RQ_IMPORT_PROGRESS_EVERY = 5000,	  /* rows between two progress callbacks */
};

/* The columns of the register, in the staging table's order. */
enum rq_import_field {
	RQ_IMPORT_USCC,		/* 统一社会信用代码 */
	RQ_IMPORT_PROJECT_CODE, /* 项目代码 (在建项目) */
	RQ_IMPORT_NAME,
	RQ_IMPORT_LEGAL_REP,
	RQ_IMPORT_ADDRESS,
	RQ_IMPORT_COUNTY_CODE,
	RQ_IMPORT_INDUSTRY,
	RQ_IMPORT_STATUS, /* business_status, mapped to normal/revoked/... */
	RQ_IMPORT_LATITUDE,
	RQ_IMPORT_LONGITUDE,
	RQ_IMPORT_NFIELDS
};

/* The English field name ("uscc", "business_status"...) as used in reports and the API. */
const char *rq_import_field_name(enum rq_import_field f);

struct rq_import_row {
	long line;			      /* where the record starts in the file (1 = header) */
	const char *value[RQ_IMPORT_NFIELDS]; /* trimmed and normalised; NULL when empty */
	bool rejected;			      /* a problem names this row; it is not written */
	bool uscc_check_failed;		      /* accepted only if allow-listed (resolve) */
};

struct rq_import {
	struct rq_arena *arena;
	const char *encoding;	     /* "UTF-8", "UTF-8 with BOM" or "GB18030" */
	bool has[RQ_IMPORT_NFIELDS]; /* the header has this column */
	struct rq_import_row *rows;
	size_t nrows;
	struct rq_problems problems; /* sorted by line once resolved */
	size_t nrejected;	     /* rows with at least one problem */
	bool fatal; /* the file as a whole is refused (problems say why); no rows */
};

/* Parses and checks len bytes of CSV. Never returns NULL (the arena aborts when out of
 * memory). A file larger than max_bytes, in no supported encoding, without a usable
 * header, or with an unterminated quote is refused as a whole (->fatal). */
struct rq_import *rq_import_parse(struct rq_arena *a, const char *data, size_t len,
				  size_t max_bytes) RQ_MUST_USE;

/* Completes the checks with the database's lists: a row's county code must be one of
 * counties[0..ncounties), a credit code whose check digit fails must be one of
 * allowed[0..nallowed). Sorts the problems by line. Call once, after rq_import_parse. */
void rq_import_resolve(struct rq_import *imp, const char *const *counties, size_t ncounties,
		       const char *const *allowed, size_t nallowed);

/* Maps a business status as registries write it (存续, 在业, 吊销，未注销, 注销, 歇业,
 * 列入经营异常名录...) or an English value (normal, revoked...) to the column's value;
 * NULL when unknown. */
const char *rq_import_status(const char *s);

struct rq_import_counts {
	size_t rows;	  /* data records in the file */
	size_t inserted;  /* new enterprises */
	size_t updated;	  /* existing ones that changed */
	size_t unchanged; /* existing ones identical to their row */
	size_t rejected;  /* rows not written */
	/* of the rows written: individual businesses (个体工商户), imported but out of scope
	 * (no code, not claimable) */
	size_t out_of_scope;
	/* enterprises whose register name the file changed while the name the county verified
	 * or corrected was kept (and flagged register_name_changed for the county) */
	size_t names_kept;
};

enum rq_import_result {
	RQ_IMPORT_OK,
	RQ_IMPORT_REFUSED, /* strict and some row is bad: nothing was written */
	RQ_IMPORT_DB_ERROR,
};

/* Called with phase "staged" every RQ_IMPORT_PROGRESS_EVERY rows copied to the server and
 * once when all are, then "written" after each batch of as many rows is upserted ("compared"
 * once for a dry run). */
typedef rq_copy_progress rq_import_progress;

/* Runs the database half on c, inside a transaction the caller opened with the actor
 * context set (so the writes are audited), and which the caller commits or rolls back:
 * rq_import_resolve with the regions and the allow-list, then, unless strict refuses,
 * stages the valid rows in a temporary table (dropped at commit) and either counts what
 * would change (dry_run: writes nothing) or upserts them (IS DISTINCT FROM: an unchanged
 * row is not updated and leaves no audit row; the file's name is the register's name, and
 * a name the county verified or corrected is kept, the change flagged).
 * Returns RQ_IMPORT_DB_ERROR with *err set to the failed result (NULL when the connection
 * was lost), which the caller must PQclear. */
enum rq_import_result rq_import_run(PGconn *c, struct rq_import *imp, bool dry_run, bool strict,
				    struct rq_import_counts *counts, rq_import_progress progress,
				    void *progress_ctx, PGresult **err) RQ_MUST_USE;

#endif
