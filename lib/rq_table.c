#include "rq_table.h"

#include "rq_log.h"
#include "rq_num.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

enum { MAX_COLS = 64, WIDTH_MAX = 60 };

struct rq_table {
	enum rq_table_format format;
	char *path, *title; /* path NULL: a stream the caller keeps (csv) */
	struct rq_col cols[MAX_COLS];
	int ncols;
	long rows;
	FILE *csv;
	lxw_workbook *wb;
	lxw_worksheet *cover, *data;
	lxw_format *bold, *heading, *by_kind[RQ_COL_TIME + 1];
};

/* PostgreSQL type OIDs (pg_type.dat). */
enum {
	OID_INT8 = 20,
	OID_INT2 = 21,
	OID_INT4 = 23,
	OID_FLOAT4 = 700,
	OID_FLOAT8 = 701,
	OID_DATE = 1082,
	OID_TIMESTAMP = 1114,
	OID_TIMESTAMPTZ = 1184,
	OID_NUMERIC = 1700
};

enum rq_col_kind rq_table_kind_of_type(unsigned oid)
{
	switch (oid) {
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
		return RQ_COL_INT;
	case OID_NUMERIC:
	case OID_FLOAT4:
	case OID_FLOAT8:
		return RQ_COL_DECIMAL;
	case OID_DATE:
		return RQ_COL_DATE;
	case OID_TIMESTAMP:
	case OID_TIMESTAMPTZ:
		return RQ_COL_TIME;
	default:
		return RQ_COL_TEXT;
	}
}

const char *rq_table_content_type(enum rq_table_format format)
{
	return format == RQ_TABLE_CSV
		   ? "text/csv; charset=utf-8"
		   : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

bool rq_table_format_parse(const char *name, enum rq_table_format *out)
{
	if (strcmp(name, "csv") == 0)
		*out = RQ_TABLE_CSV;
	else if (strcmp(name, "xlsx") == 0)
		*out = RQ_TABLE_XLSX;
	else
		return false;
	return true;
}

/* Columns a text takes on screen: a CJK character (3 UTF-8 bytes) is two wide. */
static double display_width(const char *s)
{
	double w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x80)
			w += 1;
		else if ((*p & 0xC0) == 0xC0)
			w += 2;
	return w;
}

static double column_width(const struct rq_col *c)
{
	static const double least[] = {
	    [RQ_COL_TEXT] = 16,	  [RQ_COL_INT] = 10,  [RQ_COL_DECIMAL] = 10,
	    [RQ_COL_PERCENT] = 9, [RQ_COL_DATE] = 11, [RQ_COL_TIME] = 17};
	double w = display_width(c->name) + 2;
	if (w < least[c->kind])
		w = least[c->kind];
	return w > WIDTH_MAX ? WIDTH_MAX : w;
}

/* Writes the value as CSV: quoted when it holds a separator, a quote, a line break or
 * surrounding space; a text that a spreadsheet would take for a formula (= + - @ at the
 * start) gets a leading ' so that opening the file never runs anything. */
static void csv_field(FILE *f, const char *v, enum rq_col_kind kind)
{
	if (v == NULL)
		return;
	bool formula = kind == RQ_COL_TEXT && strchr("=+-@\t\r", v[0]) != NULL && v[0] != '\0';
	size_t n = strlen(v);
	bool quote =
	    formula || strpbrk(v, ",\"\r\n") != NULL || (n > 0 && (v[0] == ' ' || v[n - 1] == ' '));
	if (!quote) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (const char *p = v; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

static void csv_row(struct rq_table *t, const char *const *values, bool header)
{
	for (int i = 0; i < t->ncols; i++) {
		if (i > 0)
			fputc(',', t->csv);
		csv_field(t->csv, values[i], header ? RQ_COL_TEXT : t->cols[i].kind);
	}
	fputs("\r\n", t->csv);
}

/* "YYYY-MM-DD[ HH:MM[:SS]]..." as a date-time (the rest, seconds' fraction and offset, is
 * ignored: PostgreSQL printed the local time). */
static bool parse_datetime(const char *s, bool with_time, lxw_datetime *dt)
{
	unsigned d[6] = {0};
	static const int at[] = {0, 5, 8, 11, 14, 17}, len[] = {4, 2, 2, 2, 2, 2};
	int fields = with_time ? 5 : 3;
	size_t n = strlen(s);
	for (int i = 0; i < fields; i++) {
		if ((size_t)(at[i] + len[i]) > n)
			return false;
		for (int k = 0; k < len[i]; k++) {
			char c = s[at[i] + k];
			if (c < '0' || c > '9')
				return false;
			d[i] = d[i] * 10 + (unsigned)(c - '0');
		}
	}
	if (with_time && n >= 19 && s[16] == ':')
		for (int k = 0; k < 2; k++)
			d[5] = d[5] * 10 + (unsigned)(s[17 + k] - '0');
	*dt = (lxw_datetime){(int)d[0], (int)d[1], (int)d[2], (int)d[3], (int)d[4], (double)d[5]};
	return d[1] >= 1 && d[1] <= 12 && d[2] >= 1 && d[2] <= 31;
}

static lxw_error xlsx_cell(struct rq_table *t, lxw_row_t row, int col, const char *v)
{
	enum rq_col_kind kind = t->cols[col].kind;
	lxw_format *fmt = t->by_kind[kind];
	double x;
	lxw_datetime dt;
	if (v == NULL)
		return LXW_NO_ERROR;
	switch (kind) {
	case RQ_COL_INT:
	case RQ_COL_DECIMAL:
	case RQ_COL_PERCENT:
		if (rq_parse_double(v, &x) == 0)
			return worksheet_write_number(t->data, row, (lxw_col_t)col, x, fmt);
		break;
	case RQ_COL_DATE:
	case RQ_COL_TIME:
		if (parse_datetime(v, kind == RQ_COL_TIME, &dt))
			return worksheet_write_datetime(t->data, row, (lxw_col_t)col, &dt, fmt);
		break;
	case RQ_COL_TEXT:
		break;
	}
	return worksheet_write_string(t->data, row, (lxw_col_t)col, v, NULL);
}

static bool xlsx_open(struct rq_table *t)
{
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .use_zip64 = LXW_TRUE};
	t->wb = workbook_new_opt(t->path, &opt);
	if (t->wb == NULL)
		return false;
	/* the cover first (the tab a reader sees), filled in when the row count is known */
	t->cover = workbook_add_worksheet(t->wb, "说明");
	t->data = workbook_add_worksheet(t->wb, "数据");
	t->bold = workbook_add_format(t->wb);
	format_set_bold(t->bold);
	t->heading = workbook_add_format(t->wb);
	format_set_bold(t->heading);
	format_set_font_size(t->heading, 14);
	static const char *const number_formats[] = {[RQ_COL_INT] = "#,##0",
						     [RQ_COL_DECIMAL] = "0.00",
						     [RQ_COL_PERCENT] = "0.0%",
						     [RQ_COL_DATE] = "yyyy-mm-dd",
						     [RQ_COL_TIME] = "yyyy-mm-dd hh:mm"};
	for (int k = RQ_COL_INT; k <= RQ_COL_TIME; k++) {
		t->by_kind[k] = workbook_add_format(t->wb);
		format_set_num_format(t->by_kind[k], number_formats[k]);
	}
	if (t->cover == NULL || t->data == NULL)
		return false;
	worksheet_set_column(t->cover, 0, 0, 14, NULL);
	worksheet_set_column(t->cover, 1, 1, 60, NULL);
	for (int i = 0; i < t->ncols; i++) {
		worksheet_set_column(t->data, (lxw_col_t)i, (lxw_col_t)i, column_width(&t->cols[i]),
				     NULL);
		if (worksheet_write_string(t->data, 0, (lxw_col_t)i, t->cols[i].name, t->bold) !=
		    LXW_NO_ERROR)
			return false;
	}
	worksheet_freeze_panes(t->data, 1, 0);
	return true;
}

struct rq_table *rq_table_open(enum rq_table_format format, const char *path, const char *title,
			       const struct rq_col *cols, int ncols)
{
	if (ncols < 1 || ncols > MAX_COLS) {
		rq_log_event("error", "table: bad column count", path);
		return NULL;
	}
	/* O_EXCL: never over an existing file (a report may hold what another run wrote) */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) {
		rq_log_event("error", "table: cannot create the file", strerror(errno));
		return NULL;
	}
	struct rq_table *t = calloc(1, sizeof(*t));
	if (t == NULL || (t->path = strdup(path)) == NULL || (t->title = strdup(title)) == NULL) {
		close(fd);
		unlink(path);
		if (t != NULL)
			free(t->path);
		free(t);
		return NULL;
	}
	t->format = format;
	t->ncols = ncols;
	memcpy(t->cols, cols, (size_t)ncols * sizeof(*cols));
	const char *names[MAX_COLS];
	for (int i = 0; i < ncols; i++)
		names[i] = cols[i].name;
	bool ok;
	if (format == RQ_TABLE_CSV) {
		t->csv = fdopen(fd, "w");
		ok = t->csv != NULL;
		if (ok) {
			fputs("\xEF\xBB\xBF", t->csv); /* BOM: Excel then reads UTF-8 */
			csv_row(t, names, true);
		} else {
			close(fd);
		}
	} else {
		close(fd); /* libxlsxwriter writes the file when the workbook is closed */
		ok = xlsx_open(t);
	}
	if (!ok) {
		rq_log_event("error", "table: cannot start the file", path);
		rq_table_abort(t);
		return NULL;
	}
	return t;
}

struct rq_table *rq_table_open_csv_stream(FILE *f, const struct rq_col *cols, int ncols)
{
	if (ncols < 1 || ncols > MAX_COLS)
		return NULL;
	struct rq_table *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->format = RQ_TABLE_CSV;
	t->ncols = ncols;
	t->csv = f;
	memcpy(t->cols, cols, (size_t)ncols * sizeof(*cols));
	const char *names[MAX_COLS];
	for (int i = 0; i < ncols; i++)
		names[i] = cols[i].name;
	fputs("\xEF\xBB\xBF", f);
	csv_row(t, names, true);
	return t;
}

int rq_table_row(struct rq_table *t, const char *const *values)
{
	if (t->format == RQ_TABLE_CSV) {
		csv_row(t, values, false);
		if (ferror(t->csv))
			return -1;
	} else {
		if (t->rows + 1 >= LXW_ROW_MAX)
			return -1;
		lxw_row_t row = (lxw_row_t)(t->rows + 1);
		for (int i = 0; i < t->ncols; i++)
			if (xlsx_cell(t, row, i, values[i]) != LXW_NO_ERROR)
				return -1;
	}
	t->rows++;
	return 0;
}

long rq_table_rows(const struct rq_table *t)
{
	return t->rows;
}

static void table_free(struct rq_table *t)
{
	free(t->path);
	free(t->title);
	free(t);
}

int rq_table_close(struct rq_table *t, const char *const *cover)
{
	int rc = 0;
	if (t->format == RQ_TABLE_CSV && t->path == NULL) {
		rc = fflush(t->csv) == 0 && !ferror(t->csv) ? 0 : -1;
	} else if (t->format == RQ_TABLE_CSV) {
		rc = fclose(t->csv) == 0 ? 0 : -1;
	} else {
		worksheet_write_string(t->cover, 0, 0, t->title, t->heading);
		lxw_row_t row = 2;
		for (int i = 0; cover != NULL && cover[i] != NULL && cover[i + 1] != NULL; i += 2) {
			worksheet_write_string(t->cover, row, 0, cover[i], t->bold);
			worksheet_write_string(t->cover, row++, 1, cover[i + 1], NULL);
		}
		lxw_error e = workbook_close(t->wb);
		if (e != LXW_NO_ERROR) {
			rq_log_event("error", "table: cannot write the XLSX", lxw_strerror(e));
			rc = -1;
		} else if (chmod(t->path, 0640) != 0) {
			rc = -1;
		}
	}
	if (rc != 0 && t->path != NULL)
		unlink(t->path);
	table_free(t);
	return rc;
}

void rq_table_abort(struct rq_table *t)
{
	if (t->path == NULL) { /* the caller's stream */
		table_free(t);
		return;
	}
	if (t->csv != NULL)
		fclose(t->csv);
	if (t->wb != NULL)
		workbook_close(t->wb);
	unlink(t->path);
	table_free(t);
}
