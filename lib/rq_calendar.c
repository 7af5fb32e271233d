#include "rq_calendar.h"

#include "rq_csv.h"
#include "rq_input.h"
#include "rq_problems.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A run of 1..max ASCII digits at *p as a number; advances *p. -1 when there is none. */
static int digits(const char **p, int max)
{
	int v = 0, n = 0;
	while (n < max && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n > 0 ? v : -1;
}

/* Consumes sep at *p; true when it was there. */
static bool skip(const char **p, const char *sep)
{
	size_t n = strlen(sep);
	if (strncmp(*p, sep, n) != 0)
		return false;
	*p += n;
	return true;
}

const char *rq_calendar_date(struct rq_arena *a, const char *s)
{
	static const char *const seps[] = {"-", "/", "."};
	const char *p = s;
	int y = digits(&p, 4);
	if (y < 0 || p - s != 4)
		return NULL;
	int m = -1, d = -1;
	if (skip(&p, "年")) { /* 2025年1月1日 */
		m = digits(&p, 2);
		if (m < 0 || !skip(&p, "月") || (d = digits(&p, 2)) < 0)
			return NULL;
		(void)skip(&p, "日");
	} else {
		for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]) && m < 0; i++) {
			const char *q = p;
			if (!skip(&q, seps[i]) || (m = digits(&q, 2)) < 0 || !skip(&q, seps[i]) ||
			    (d = digits(&q, 2)) < 0) {
				m = -1;
				continue;
			}
			p = q;
		}
	}
	if (m < 0 || d < 0 || *p != '\0')
		return NULL;
	const char *iso = rq_printf(a, "%04d-%02d-%02d", y, m, d);
	return rq_input_date(iso) ? iso : NULL;
}

const char *rq_calendar_kind(const char *s)
{
	static const struct {
		const char *name, *kind;
	} kinds[] = {
	    {"holiday", "holiday"},  {"放假", "holiday"},   {"休", "holiday"},
	    {"休息", "holiday"},     {"节假日", "holiday"}, {"workday", "workday"},
	    {"上班", "workday"},     {"班", "workday"},	    {"补班", "workday"},
	    {"调休上班", "workday"}, {"工作日", "workday"},
	};
	for (size_t i = 0; s != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcasecmp(s, kinds[i].name) == 0)
			return kinds[i].kind;
	return NULL;
}

void rq_calendar_reject(struct rq_calendar_file *f, struct rq_calendar_row *row, const char *field,
			const char *message)
{
	if (row->nproblems == 0)
		f->nrejected++;
	if (row->nproblems < RQ_CALENDAR_ROW_PROBLEMS)
		row->problems[row->nproblems++] = (struct rq_calendar_problem){field, message};
}

enum { COL_DATE, COL_KIND, COL_NAME, NCOLS };
static const char *const col_fields[NCOLS] = {"date", "kind", "name"};

/* Header names; English ones in any case. */
static const struct rq_csv_alias headers[] = {
    {"date", COL_DATE}, {"日期", COL_DATE}, {"kind", COL_KIND}, {"类型", COL_KIND},
    {"安排", COL_KIND}, {"name", COL_NAME}, {"名称", COL_NAME}, {"节日", COL_NAME},
};

static int refuse(struct rq_calendar_file *f, long line, const char *message)
{
	f->fatal = message;
	f->fatal_line = line;
	f->nrows = f->nrejected = 0;
	return -1;
}

/* Header → column of each field. Returns 0, or -1 after refusing the file. */
static int map_header(struct rq_arena *a, struct rq_calendar_file *f, const struct rq_csv *c,
		      int col[NCOLS])
{
	const char *twice = rq_csv_columns(a, c, headers, sizeof(headers) / sizeof(headers[0]),
					   col_fields, col, NCOLS);
	if (twice != NULL)
		return refuse(f, c->record_line, twice);
	if (col[COL_DATE] < 0 || col[COL_KIND] < 0 || col[COL_NAME] < 0)
		return refuse(
		    f, c->record_line,
		    "表头须有日期列（日期 / date）、类型列（类型 / kind）和名称列（名称 / "
		    "name），如：date,kind,name");
	return 0;
}

static void check_row(struct rq_arena *a, struct rq_calendar_file *f, struct rq_calendar_row *row,
		      const char *v[NCOLS])
{
	if (v[COL_DATE] == NULL)
		rq_calendar_reject(f, row, "date", "不能为空");
	else if ((row->day = rq_calendar_date(a, v[COL_DATE])) == NULL)
		rq_calendar_reject(f, row, "date",
				   rq_printf(a,
					     "“%s”不是 2000–2100 年的日期（写作 2025-10-01、"
					     "2025/10/1 或 2025年10月1日）",
					     v[COL_DATE]));
	if (v[COL_KIND] == NULL)
		rq_calendar_reject(f, row, "kind", "不能为空");
	else if ((row->kind = rq_calendar_kind(v[COL_KIND])) == NULL)
		rq_calendar_reject(
		    f, row, "kind",
		    rq_printf(a, "“%s”不是可识别的类型：应为 holiday（放假）或 workday（调休上班）",
			      v[COL_KIND]));
	row->name = v[COL_NAME];
	if (row->name == NULL)
		rq_calendar_reject(f, row, "name", "不能为空");
}

/* The same day on two lines: the later ones are rejected. */
struct twice_ctx {
	struct rq_arena *a;
	struct rq_calendar_file *f;
};

static const char *day_of(void *ctx, size_t i)
{
	return ((struct twice_ctx *)ctx)->f->rows[i].day;
}

static void reject_twice(void *ctx, size_t i, size_t first)
{
	const struct twice_ctx *t = ctx;
	rq_calendar_reject(t->f, &t->f->rows[i], "date",
			   rq_printf(t->a, "重复：%s 已在第 %ld 行出现", t->f->rows[i].day,
				     t->f->rows[first].line));
}

struct rq_calendar_file *rq_calendar_parse(struct rq_arena *a, const char *data, size_t len,
					   size_t max_bytes)
{
	struct rq_calendar_file *f = rq_alloc(a, sizeof(*f));
	*f = (struct rq_calendar_file){.encoding = "UTF-8"};
	struct rq_csv c;
	long at;
	const char *refused =
	    rq_csv_open(a, data, len, max_bytes, "文件为空：须有表头行（date,kind,name）和数据行",
			&c, &f->encoding, &at);
	int col[NCOLS];
	if (refused != NULL)
		refuse(f, at, refused);
	if (refused != NULL || map_header(a, f, &c, col) != 0)
		return f;
	size_t header_fields = c.nfields, cap = 0;
	int rc;
	while ((rc = rq_csv_next_record(&c)) == 1) {
		f->rows = rq_grow(a, f->rows, f->nrows, &cap, sizeof(*f->rows));
		struct rq_calendar_row *row = &f->rows[f->nrows++];
		*row = (struct rq_calendar_row){.line = c.record_line};
		const char *problem = rq_csv_record_problem(a, &c, header_fields);
		if (problem != NULL) {
			rq_calendar_reject(f, row, "file", problem);
			continue;
		}
		const char *v[NCOLS];
		for (int k = 0; k < NCOLS; k++)
			v[k] = rq_csv_trimmed(a, rq_csv_field(&c, (size_t)col[k]));
		check_row(a, f, row, v);
	}
	if (rc == -1) {
		refuse(f, c.record_line, RQ_CSV_MSG_QUOTE_OPEN);
		return f;
	}
	struct twice_ctx tw = {a, f};
	rq_problems_twice(f->nrows, day_of, reject_twice, &tw);
	return f;
}
