/* 浉河区's earlier scan records (慧企通) as a CSV file, imported as visits of source
 * "huiqitong" by `ruqima import huiqitong` (app/cli/import_huiqitong.c).
 *
 * Two steps, like the register's import (lib/rq_import.h), whose reading of spreadsheet CSV
 * (lib/rq_csv), problem list (lib/rq_problems) and staging (lib/rq_copy) it shares:
 *   rq_huiqitong_parse  bytes → records → one normalised row per record, checked on its own
 *                       (nothing running needed; unit-tested): the record id, the time, the
 *                       credit code's form, lengths, the activity type and the rating;
 *   rq_huiqitong_run    on a connection inside the caller's transaction: stages the rows,
 *                       matches them to enterprises (credit code) and units (rq.unit_mappings,
 *                       never by a guess), finds the records imported before, and inserts
 *                       the new ones with their unit and rating, applying no rule.
 * Everything is allocated in the caller's arena. */
#ifndef RQ_HUIQITONG_H
#define RQ_HUIQITONG_H

#include "rq_attr.h"

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "rq_arena.h"
#include "rq_copy.h"
#include "rq_problems.h"

enum {
	RQ_HUIQITONG_MAX_ROWS = 500000,	      /* data records in one file at most */
	RQ_HUIQITONG_PROGRESS_EVERY = 5000,   /* rows between two progress callbacks */
	RQ_HUIQITONG_RECORD_ID_MAX = 64,      /* characters of a record id */
	RQ_HUIQITONG_UNIT_MAX = 100,	      /* characters of a unit name */
	RQ_HUIQITONG_NAME_MAX = 50,	      /* characters of an official's name */
	RQ_HUIQITONG_TEXT_MAX = 500,	      /* characters of the matter and the comment */
	RQ_HUIQITONG_UNKNOWN_UNITS_SHOWN = 20 /* unit names listed in the summary */
};

/* The columns of a record, in the staging table's order. */
enum rq_huiqitong_field {
	RQ_HQ_RECORD_ID,     /* 记录编号: the record's id in 慧企通, unique */
	RQ_HQ_ENTERED_AT,    /* 入企时间, normalised to "YYYY-MM-DD HH:MM:SS+08" */
	RQ_HQ_USCC,	     /* 统一社会信用代码 */
	RQ_HQ_UNIT,	     /* 单位名称, as 慧企通 wrote it */
	RQ_HQ_OFFICIAL_NAME, /* 姓名 */
	RQ_HQ_PHONE,	     /* 手机号, kept masked: 138****0000 */
	RQ_HQ_ACTIVITY,	     /* 活动类型 → visit, research, inspection */
	RQ_HQ_MATTER,	     /* 入企事项 */
	RQ_HQ_RATING,	     /* 评价 → satisfied, basically_satisfied, unsatisfied */
	RQ_HQ_COMMENT,	     /* 评价内容 */
	RQ_HQ_NFIELDS
};

/* The English field name ("record_id", "entered_at"...) as the report names it. */
const char *rq_huiqitong_field_name(enum rq_huiqitong_field f);

/* What became of a row. */
enum rq_huiqitong_state {
	RQ_HQ_NEW,	 /* to be inserted (or inserted) */
	RQ_HQ_REJECTED,	 /* a problem names it; not written */
	RQ_HQ_UNCHANGED, /* imported before, the same: nothing written */
	RQ_HQ_CHANGED,	 /* imported before, different now: reported, the first import kept */
};

struct rq_huiqitong_row {
	long line;			  /* where the record starts in the file (1 = header) */
	const char *value[RQ_HQ_NFIELDS]; /* trimmed and normalised; NULL when empty */
	enum rq_huiqitong_state state;
	bool uscc_check_failed; /* accepted only if the register has it (allow-listed) */
};

struct rq_huiqitong_file {
	struct rq_arena *arena;
	const char *encoding; /* "UTF-8", "UTF-8 with BOM" or "GB18030" */
	struct rq_huiqitong_row *rows;
	size_t nrows;
	struct rq_problems problems; /* sorted by line once run */
	size_t nrejected;	     /* rows with at least one problem */
	bool fatal; /* the file as a whole is refused (problems say why); no rows */
};

/* Parses and checks len bytes of CSV. Never returns NULL. A file larger than max_bytes, in
 * no supported encoding, without a usable header, with an unterminated quote or more than
 * RQ_HUIQITONG_MAX_ROWS records is refused as a whole (->fatal). */
struct rq_huiqitong_file *rq_huiqitong_parse(struct rq_arena *a, const char *data, size_t len,
					     size_t max_bytes) RQ_MUST_USE;

/* "2023-10-12 09:30:00+08" for a time as 慧企通 and spreadsheets write it (2023-10-12 09:30,
 * 2023/10/12 9:30:00, 2023年10月12日 09:30, a T between; the city's time), else NULL. */
const char *rq_huiqitong_time(struct rq_arena *a, const char *s) RQ_MUST_USE;
/* "138****0000" for an 11-digit mainland mobile number (blanks and hyphens between its
 * digits allowed), else NULL. */
const char *rq_huiqitong_phone(struct rq_arena *a, const char *s) RQ_MUST_USE;

struct rq_huiqitong_unit {
	const char *name;
	size_t rows;
};

struct rq_huiqitong_counts {
	size_t rows;	  /* data records in the file */
	size_t inserted;  /* new visits (a dry run: that would be) */
	size_t rated;	  /* of which with a rating */
	size_t unchanged; /* records imported before, identical */
	size_t changed;	  /* records imported before that the file has otherwise: kept */
	size_t rejected;  /* rows not written */
	/* the unit names without a mapping, most rows first (at most
	 * RQ_HUIQITONG_UNKNOWN_UNITS_SHOWN), and how many there are */
	struct rq_huiqitong_unit unknown_units[RQ_HUIQITONG_UNKNOWN_UNITS_SHOWN];
	size_t nunknown_units;
};

/* Runs the database half on c, inside a transaction the caller opened with the actor context
 * set (so the writes are audited) and commits or rolls back: stages the rows, reports the
 * ones whose enterprise, unit or time the database refuses and the records imported before
 * (unchanged, or changed: reported, never overwritten), and unless dry_run inserts the rest
 * (visit, its lead unit, its rating). Returns 0, or -1 with *err the failed result (NULL
 * when the connection was lost), which the caller must PQclear. */
int rq_huiqitong_run(PGconn *c, struct rq_huiqitong_file *f, bool dry_run,
		     struct rq_huiqitong_counts *counts, rq_copy_progress progress,
		     void *progress_ctx, PGresult **err) RQ_MUST_USE;

#endif
