/* libFuzzer target: the CSV imports (the enterprise register, lib/rq_import.c; 慧企通's
 * visits, lib/rq_huiqitong.c; the calendar, lib/rq_calendar.c) on the same bytes. Rules: no
 * crash or sanitizer report, and every row an import would write holds UTF-8 text without
 * control characters, from a line of the file. */
#include "fuzz_support.h"

#include "rq_arena.h"
#include "rq_calendar.h"
#include "rq_csv.h"
#include "rq_huiqitong.h"
#include "rq_import.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_BYTES = 1 << 20 };

static void check_text(const char *what, const char *s)
{
	if (s == NULL)
		return;
	if (!rq_utf8_valid(s, strlen(s), NULL))
		fz_fail("%s: a value to write is not UTF-8", what);
	if (rq_csv_has_control(s))
		fz_fail("%s: a value to write has a control character", what);
}

static long lines_of(const uint8_t *data, size_t size)
{
	long n = 1;
	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n' || data[i] == '\r';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rq_arena *a = rq_arena_new();
	if (a == NULL)
		abort();
	const char *text = (const char *)data;
	long lines = lines_of(data, size);

	struct rq_import *imp = rq_import_parse(a, text, size, MAX_BYTES);
	static const char *const counties[] = {"330102", "330105"};
	static const char *const allowed[] = {"91330100MA2XXXXXXX"};
	rq_import_resolve(imp, counties, 2, allowed, 1);
	for (size_t i = 0; i < imp->nrows; i++) {
		const struct rq_import_row *row = &imp->rows[i];
		if (row->line < 2 || row->line > lines)
			fz_fail("import: a row from line %ld of %ld", row->line, lines);
		if (row->rejected)
			continue;
		for (int f = 0; f < RQ_IMPORT_NFIELDS; f++)
			check_text("import", row->value[f]);
		if (row->value[RQ_IMPORT_USCC] == NULL &&
		    row->value[RQ_IMPORT_PROJECT_CODE] == NULL)
			fz_fail("import: a row to write without a credit code or project code");
	}

	struct rq_huiqitong_file *hq = rq_huiqitong_parse(a, text, size, MAX_BYTES);
	if (hq->fatal && hq->nrows != 0)
		fz_fail("huiqitong: rows of a refused file");
	for (size_t i = 0; i < hq->nrows; i++) {
		if (hq->rows[i].line < 2 || hq->rows[i].line > lines)
			fz_fail("huiqitong: a row from line %ld of %ld", hq->rows[i].line, lines);
		if (hq->rows[i].state != RQ_HQ_REJECTED)
			for (int f = 0; f < RQ_HQ_NFIELDS; f++)
				check_text("huiqitong", hq->rows[i].value[f]);
	}

	struct rq_calendar_file *cal = rq_calendar_parse(a, text, size, MAX_BYTES);
	if (cal->fatal != NULL && cal->nrows != 0)
		fz_fail("calendar: rows of a refused file");
	for (size_t i = 0; i < cal->nrows; i++) {
		const struct rq_calendar_row *row = &cal->rows[i];
		if (row->nproblems > 0)
			continue;
		if (row->day == NULL || row->kind == NULL)
			fz_fail("calendar: a row to write without its day or kind");
		/* control characters are the database's refusal (a CHECK), per row */
		if (row->name != NULL && !fz_utf8(row->name))
			fz_fail("calendar: a name to write is not UTF-8");
	}
	rq_arena_free(a);
	return 0;
}
