#include "rq_huiqitong.h"

#include "rq_buf.h"
#include "rq_calendar.h"
#include "rq_csv.h"
#include "rq_num.h"
#include "rq_uscc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------------------------
 * Fields and their names
 * --------------------------------------------------------------------------------- */

static const char *const field_names[RQ_HQ_NFIELDS] = {
    "record_id",      "entered_at",    "uscc",	 "unit",   "official_name",
    "official_phone", "activity_type", "matter", "rating", "comment",
};

const char *rq_huiqitong_field_name(enum rq_huiqitong_field f)
{
	return (unsigned)f < RQ_HQ_NFIELDS ? field_names[f] : "file";
}

/* Header names as 慧企通's export and our README write them; English ones in any case. */
static const struct rq_csv_alias header_aliases[] = {
    {"记录编号", RQ_HQ_RECORD_ID},
    {"记录ID", RQ_HQ_RECORD_ID},
    {"编号", RQ_HQ_RECORD_ID},
    {"流水号", RQ_HQ_RECORD_ID},
    {"record_id", RQ_HQ_RECORD_ID},
    {"入企时间", RQ_HQ_ENTERED_AT},
    {"扫码时间", RQ_HQ_ENTERED_AT},
    {"时间", RQ_HQ_ENTERED_AT},
    {"entered_at", RQ_HQ_ENTERED_AT},
    {"统一社会信用代码", RQ_HQ_USCC},
    {"社会信用代码", RQ_HQ_USCC},
    {"信用代码", RQ_HQ_USCC},
    {"uscc", RQ_HQ_USCC},
    {"单位名称", RQ_HQ_UNIT},
    {"入企单位", RQ_HQ_UNIT},
    {"执法单位", RQ_HQ_UNIT},
    {"单位", RQ_HQ_UNIT},
    {"unit", RQ_HQ_UNIT},
    {"姓名", RQ_HQ_OFFICIAL_NAME},
    {"人员姓名", RQ_HQ_OFFICIAL_NAME},
    {"入企人员", RQ_HQ_OFFICIAL_NAME},
    {"official_name", RQ_HQ_OFFICIAL_NAME},
    {"手机号", RQ_HQ_PHONE},
    {"手机号码", RQ_HQ_PHONE},
    {"联系电话", RQ_HQ_PHONE},
    {"official_phone", RQ_HQ_PHONE},
    {"活动类型", RQ_HQ_ACTIVITY},
    {"入企类型", RQ_HQ_ACTIVITY},
    {"activity_type", RQ_HQ_ACTIVITY},
    {"入企事项", RQ_HQ_MATTER},
    {"事项", RQ_HQ_MATTER},
    {"事由", RQ_HQ_MATTER},
    {"matter", RQ_HQ_MATTER},
    {"评价", RQ_HQ_RATING},
    {"评价结果", RQ_HQ_RATING},
    {"满意度", RQ_HQ_RATING},
    {"rating", RQ_HQ_RATING},
    {"评价内容", RQ_HQ_COMMENT},
    {"评价意见", RQ_HQ_COMMENT},
    {"comment", RQ_HQ_COMMENT},
};

/* The required columns; the phone, the rating and the comment may be left out. */
static const enum rq_huiqitong_field required[] = {
    RQ_HQ_RECORD_ID,	 RQ_HQ_ENTERED_AT, RQ_HQ_USCC,	 RQ_HQ_UNIT,
    RQ_HQ_OFFICIAL_NAME, RQ_HQ_ACTIVITY,   RQ_HQ_MATTER,
};
static const char *const required_labels[] = {
    "记录编号 / record_id", "入企时间 / entered_at", "统一社会信用代码 / uscc",
    "单位名称 / unit",	    "姓名 / official_name",  "活动类型 / activity_type",
    "入企事项 / matter",
};

struct name_value {
	const char *name, *value;
};
static const struct name_value activities[] = {
    {"visit", "visit"},
    {"参观访问", "visit"},
    {"参观", "visit"},
    {"访问", "visit"},
    {"research", "research"},
    {"调研帮扶", "research"},
    {"调研", "research"},
    {"帮扶", "research"},
    {"inspection", "inspection"},
    {"执法检查", "inspection"},
    {"检查", "inspection"},
    {"执法", "inspection"},
    {NULL, NULL},
};
static const struct name_value ratings[] = {
    {"satisfied", "satisfied"},
    {"满意", "satisfied"},
    {"basically_satisfied", "basically_satisfied"},
    {"基本满意", "basically_satisfied"},
    {"unsatisfied", "unsatisfied"},
    {"不满意", "unsatisfied"},
    {NULL, NULL},
};

/* The value of name s in table (NULL-terminated; English names in any case), or NULL. */
static const char *lookup(const struct name_value *table, const char *s)
{
	for (; table->name != NULL; table++)
		if (strcasecmp(s, table->name) == 0)
			return table->value;
	return NULL;
}

/* ---------------------------------------------------------------------------------
 * Values
 * --------------------------------------------------------------------------------- */

/* A run of 1..max ASCII digits at *p as a number; advances *p. -1 when there is none. */
static int digits(const char **p, int min, int max)
{
	int v = 0, n = 0;
	while (n < max && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n >= min ? v : -1;
}

const char *rq_huiqitong_time(struct rq_arena *a, const char *s)
{
	size_t n = strcspn(s, " T");
	if (s[n] == '\0')
		return NULL; /* a day without its time */
	const char *day = rq_calendar_date(a, rq_strndup(a, s, n));
	const char *p = s + n + strspn(s + n, " T");
	int h = digits(&p, 1, 2), m = -1, sec = 0;
	if (h >= 0 && *p == ':') {
		p++;
		m = digits(&p, 2, 2);
		if (m >= 0 && *p == ':') {
			p++;
			sec = digits(&p, 2, 2);
		}
	}
	if (day == NULL || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59 || *p != '\0')
		return NULL;
	return rq_printf(a, "%s %02d:%02d:%02d+08", day, h, m, sec);
}

const char *rq_huiqitong_phone(struct rq_arena *a, const char *s)
{
	char d[12];
	size_t n = 0;
	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '-')
			continue;
		if (*s < '0' || *s > '9' || n == 11)
			return NULL;
		d[n++] = *s;
	}
	if (n != 11 || d[0] != '1' || d[1] < '3')
		return NULL;
	return rq_printf(a, "%.3s****%.4s", d, d + 7);
}

/* ---------------------------------------------------------------------------------
 * Rows
 * --------------------------------------------------------------------------------- */

static void reject(struct rq_huiqitong_file *f, struct rq_huiqitong_row *row,
		   enum rq_huiqitong_field field, const char *message)
{
	rq_problems_add(&f->problems, row->line, field_names[field], "%s", message);
	if (row->state != RQ_HQ_REJECTED) {
		row->state = RQ_HQ_REJECTED;
		f->nrejected++;
	}
}

static void refuse_file(struct rq_huiqitong_file *f, long line, const char *message)
{
	f->fatal = true;
	f->nrows = f->nrejected = 0;
	f->problems.n = 0;
	rq_problems_add(&f->problems, line, "file", "%s", message);
}

/* A text value: required or not, at most max characters, control characters refused
 * (names) or flattened to a space (free text: a line break inside a cell). */
static void check_text(struct rq_huiqitong_file *f, struct rq_huiqitong_row *row,
		       enum rq_huiqitong_field field, bool needed, size_t max, bool flatten)
{
	char *v = (char *)row->value[field];
	if (v == NULL) {
		if (needed)
			reject(f, row, field, "不能为空");
		return;
	}
	if (flatten)
		rq_csv_flatten_controls(v);
	else if (rq_csv_has_control(v))
		reject(f, row, field, "含有换行符或控制字符");
	size_t n = rq_csv_chars(v);
	if (n > max)
		reject(f, row, field,
		       rq_printf(f->arena, "最多 %zu 个字符，此处有 %zu 个", max, n));
}

static bool record_id_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= RQ_HUIQITONG_RECORD_ID_MAX &&
	       s[strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.:-")] ==
		   '\0';
}

static void check_row(struct rq_huiqitong_file *f, struct rq_huiqitong_row *row)
{
	struct rq_arena *a = f->arena;
	const char **v = row->value;

	if (v[RQ_HQ_RECORD_ID] == NULL)
		reject(f, row, RQ_HQ_RECORD_ID, "不能为空");
	else if (!record_id_ok(v[RQ_HQ_RECORD_ID]))
		reject(f, row, RQ_HQ_RECORD_ID,
		       rq_printf(a, "须为 1 到 %d 个字母、数字或 _ . : -",
				 (int)RQ_HUIQITONG_RECORD_ID_MAX));

	const char *t = v[RQ_HQ_ENTERED_AT];
	if (t == NULL)
		reject(f, row, RQ_HQ_ENTERED_AT, "不能为空");
	else if ((v[RQ_HQ_ENTERED_AT] = rq_huiqitong_time(a, t)) == NULL &&
		 t[strcspn(t, " T")] == '\0')
		reject(f, row, RQ_HQ_ENTERED_AT,
		       rq_printf(a, "“%.40s”只有日期：须写明入企的时刻，如 2023-10-12 09:30", t));
	else if (v[RQ_HQ_ENTERED_AT] == NULL)
		reject(f, row, RQ_HQ_ENTERED_AT,
		       rq_printf(a,
				 "“%.40s”不是 2000–2100 年的时间（写作 2023-10-12 09:30、"
				 "2023/10/12 9:30:00 或 2023年10月12日 09:30，本市时间）",
				 t));

	char *uscc = (char *)v[RQ_HQ_USCC];
	if (uscc == NULL)
		reject(f, row, RQ_HQ_USCC, "不能为空");
	else if (!rq_uscc_form(uscc))
		reject(f, row, RQ_HQ_USCC, "须为 18 位数字或大写字母（GB 32100）");
	else
		row->uscc_check_failed = !rq_uscc_valid(uscc); /* the register decides */

	check_text(f, row, RQ_HQ_UNIT, true, RQ_HUIQITONG_UNIT_MAX, false);
	check_text(f, row, RQ_HQ_OFFICIAL_NAME, true, RQ_HUIQITONG_NAME_MAX, false);

	const char *phone = v[RQ_HQ_PHONE];
	if (phone != NULL && (v[RQ_HQ_PHONE] = rq_huiqitong_phone(a, phone)) == NULL)
		reject(f, row, RQ_HQ_PHONE, "须为 11 位手机号码（或不填）");

	const char *activity = v[RQ_HQ_ACTIVITY];
	if (activity == NULL)
		reject(f, row, RQ_HQ_ACTIVITY, "不能为空");
	else if ((v[RQ_HQ_ACTIVITY] = lookup(activities, activity)) == NULL)
		reject(f, row, RQ_HQ_ACTIVITY,
		       rq_printf(a,
				 "“%.40s”不是可识别的活动类型：应为 参观访问、调研帮扶 或 "
				 "执法检查（或 visit、research、inspection）",
				 activity));

	check_text(f, row, RQ_HQ_MATTER, true, RQ_HUIQITONG_TEXT_MAX, true);

	const char *rating = v[RQ_HQ_RATING];
	if (rating != NULL && (v[RQ_HQ_RATING] = lookup(ratings, rating)) == NULL)
		reject(f, row, RQ_HQ_RATING,
		       rq_printf(a,
				 "“%.40s”不是可识别的评价：应为 满意、基本满意 或 不满意（或不填）",
				 rating));
	check_text(f, row, RQ_HQ_COMMENT, false, RQ_HUIQITONG_TEXT_MAX, true);
	/* the platform's own rules of a rating (rq.evaluations) */
	if (rating == NULL && v[RQ_HQ_COMMENT] != NULL)
		reject(f, row, RQ_HQ_COMMENT, "有评价内容而没有评价结果");
	else if (v[RQ_HQ_RATING] != NULL && strcmp(v[RQ_HQ_RATING], "unsatisfied") == 0 &&
		 v[RQ_HQ_COMMENT] == NULL)
		reject(f, row, RQ_HQ_COMMENT, "评价为不满意的，须有评价内容");
}

/* Header → column of each field. Returns 0, or -1 after refusing the file. */
static int map_header(struct rq_huiqitong_file *f, const struct rq_csv *c, int col[RQ_HQ_NFIELDS])
{
	const char *twice = rq_csv_columns(f->arena, c, header_aliases,
					   sizeof(header_aliases) / sizeof(header_aliases[0]),
					   field_names, col, RQ_HQ_NFIELDS);
	if (twice != NULL) {
		refuse_file(f, c->record_line, twice);
		return -1;
	}
	for (size_t k = 0; k < sizeof(required) / sizeof(required[0]); k++)
		if (col[required[k]] < 0) {
			refuse_file(f, c->record_line,
				    rq_printf(f->arena, "表头缺少%s列", required_labels[k]));
			return -1;
		}
	if (col[RQ_HQ_COMMENT] >= 0 && col[RQ_HQ_RATING] < 0) {
		refuse_file(f, c->record_line, "表头有评价内容列而没有评价列（评价 / rating）");
		return -1;
	}
	return 0;
}

/* Same record id on two rows: the later ones are rejected. */
static const char *record_id_of(void *ctx, size_t i)
{
	return ((struct rq_huiqitong_file *)ctx)->rows[i].value[RQ_HQ_RECORD_ID];
}

static void reject_twice(void *ctx, size_t i, size_t first)
{
	struct rq_huiqitong_file *f = ctx;
	reject(f, &f->rows[i], RQ_HQ_RECORD_ID,
	       rq_printf(f->arena, "重复：记录编号 %s 已在第 %ld 行出现",
			 f->rows[i].value[RQ_HQ_RECORD_ID], f->rows[first].line));
}

struct rq_huiqitong_file *rq_huiqitong_parse(struct rq_arena *a, const char *data, size_t len,
					     size_t max_bytes)
{
	struct rq_huiqitong_file *f = rq_alloc(a, sizeof(*f));
	*f = (struct rq_huiqitong_file){.arena = a, .encoding = "UTF-8"};
	rq_problems_init(&f->problems, a);
	struct rq_csv c;
	long at;
	const char *refused = rq_csv_open(a, data, len, max_bytes, "文件为空：须有表头行和数据行",
					  &c, &f->encoding, &at);
	int col[RQ_HQ_NFIELDS];
	if (refused != NULL)
		refuse_file(f, at, refused);
	if (refused != NULL || map_header(f, &c, col) != 0)
		return f;
	size_t header_fields = c.nfields, cap = 0;
	int rc;
	while ((rc = rq_csv_next_record(&c)) == 1) {
		if (f->nrows == RQ_HUIQITONG_MAX_ROWS) {
			refuse_file(f, c.record_line,
				    rq_printf(a, "文件超过 %d 行记录，请分成几个文件导入",
					      (int)RQ_HUIQITONG_MAX_ROWS));
			return f;
		}
		f->rows = rq_grow(a, f->rows, f->nrows, &cap, sizeof(*f->rows));
		struct rq_huiqitong_row *row = &f->rows[f->nrows++];
		*row = (struct rq_huiqitong_row){.line = c.record_line};
		const char *problem = rq_csv_record_problem(a, &c, header_fields);
		if (problem != NULL) {
			rq_problems_add(&f->problems, row->line, "file", "%s", problem);
			row->state = RQ_HQ_REJECTED;
			f->nrejected++;
			continue;
		}
		for (int k = 0; k < RQ_HQ_NFIELDS; k++)
			row->value[k] =
			    col[k] < 0 ? NULL : rq_csv_trimmed(a, rq_csv_field(&c, (size_t)col[k]));
		check_row(f, row);
	}
	if (rc == -1) {
		refuse_file(f, c.record_line, RQ_CSV_MSG_QUOTE_OPEN);
		return f;
	}
	rq_problems_twice(f->nrows, record_id_of, reject_twice, f);
	return f;
}

/* ---------------------------------------------------------------------------------
 * The database half
 * --------------------------------------------------------------------------------- */

static const char sql_stage[] =
    "CREATE TEMPORARY TABLE rq_huiqitong_rows (line int PRIMARY KEY, record_id text NOT NULL,"
    " entered_at timestamptz NOT NULL, uscc text NOT NULL, unit_name text NOT NULL,"
    " official_name text NOT NULL, official_phone text, activity_type text NOT NULL,"
    " matter text NOT NULL, rating text, comment text, uscc_check_failed boolean NOT NULL)"
    " ON COMMIT DROP";
static const char sql_copy[] =
    "COPY pg_temp.rq_huiqitong_rows (line, record_id, entered_at, uscc, unit_name,"
    " official_name, official_phone, activity_type, matter, rating, comment,"
    " uscc_check_failed) FROM STDIN";
static const char *const sql_after_stage[] = {"ANALYZE pg_temp.rq_huiqitong_rows", NULL};

/* Every staged row the database has something to say about, in line order: its enterprise
 * (by credit code) or its unit name's mapping is missing, its time is in the future, or its
 * record was imported before — then which of its values the stored visit has otherwise (the
 * first import is kept: reports already counted it). */
static const char sql_check[] =
    "SELECT r.line, e.id IS NULL AS no_enterprise, r.uscc_check_failed,"
    " m.unit_id IS NULL AS no_unit, r.unit_name, r.entered_at > now() AS future,"
    " v.id AS visit_id,"
    " concat_ws('、',"
    "  CASE WHEN v.enterprise_id IS DISTINCT FROM e.id THEN 'uscc' END,"
    "  CASE WHEN v.unit_id IS DISTINCT FROM m.unit_id THEN 'unit' END,"
    "  CASE WHEN v.entered_at <> r.entered_at THEN 'entered_at' END,"
    "  CASE WHEN v.official_name <> r.official_name THEN 'official_name' END,"
    "  CASE WHEN v.official_phone IS DISTINCT FROM r.official_phone THEN 'official_phone' END,"
    "  CASE WHEN v.activity_type <> r.activity_type THEN 'activity_type' END,"
    "  CASE WHEN v.matter <> r.matter THEN 'matter' END,"
    "  CASE WHEN ev.value IS DISTINCT FROM r.rating THEN 'rating' END,"
    "  CASE WHEN ev.comment IS DISTINCT FROM r.comment THEN 'comment' END) AS differs"
    " FROM pg_temp.rq_huiqitong_rows r"
    " LEFT JOIN rq.enterprises e ON e.uscc = r.uscc"
    " LEFT JOIN rq.unit_mappings m ON m.source = 'huiqitong' AND m.name = r.unit_name"
    " LEFT JOIN rq.visits v ON v.source = 'huiqitong' AND v.source_record_id = r.record_id"
    " LEFT JOIN rq.evaluations ev ON ev.visit_id = v.id"
    " WHERE e.id IS NULL OR m.unit_id IS NULL OR r.entered_at > now() OR v.id IS NOT NULL"
    " ORDER BY r.line";
enum {
	CK_LINE,
	CK_NO_ENTERPRISE,
	CK_CHECK_FAILED,
	CK_NO_UNIT,
	CK_UNIT,
	CK_FUTURE,
	CK_VISIT,
	CK_DIFFERS
};

/* The unit names no mapping knows, most rows first. */
static const char sql_unknown_units[] =
    "SELECT r.unit_name, count(*) FROM pg_temp.rq_huiqitong_rows r"
    " WHERE NOT EXISTS (SELECT 1 FROM rq.unit_mappings m"
    " WHERE m.source = 'huiqitong' AND m.name = r.unit_name)"
    " GROUP BY r.unit_name ORDER BY count(*) DESC, r.unit_name";

/* What is not to be written leaves the staging table ($1: their lines). */
static const char sql_drop[] = "DELETE FROM pg_temp.rq_huiqitong_rows WHERE line = ANY ($1::int[])";

/* The staged rows of lines $1..$2 as visits of source huiqitong, each with its lead unit and
 * its rating. Written as the rows are, by the owner: no rule is applied, no flag set, no
 * filing, notification, case or idempotency record made (rq.visit_register does those for a
 * registration; a record of 慧企通 is history). */
static const char sql_insert[] =
    "WITH r AS (SELECT r.*, e.id AS enterprise_id, e.county_code, m.unit_id"
    " FROM pg_temp.rq_huiqitong_rows r"
    " JOIN rq.enterprises e ON e.uscc = r.uscc"
    " JOIN rq.unit_mappings m ON m.source = 'huiqitong' AND m.name = r.unit_name"
    " WHERE r.line BETWEEN $1::int AND $2::int),"
    " v AS (INSERT INTO rq.visits (source, source_record_id, enterprise_id, county_code,"
    " unit_id, official_name, official_phone, official_verified, activity_type, matter,"
    " registered_at, entered_at, location_refused)"
    " SELECT 'huiqitong', r.record_id, r.enterprise_id, r.county_code, r.unit_id,"
    " r.official_name, r.official_phone, false, r.activity_type, r.matter, r.entered_at,"
    " r.entered_at, false FROM r ORDER BY r.line"
    " RETURNING id, source_record_id, enterprise_id, unit_id, county_code, entered_at,"
    " activity_type),"
    " u AS (INSERT INTO rq.visit_units (visit_id, unit_id, role, enterprise_id, entered_at,"
    " activity_type)"
    " SELECT v.id, v.unit_id, 'lead', v.enterprise_id, v.entered_at, v.activity_type FROM v),"
    " ev AS (INSERT INTO rq.evaluations (visit_id, enterprise_id, unit_id, county_code, value,"
    " comment, anonymous, rated_at)"
    " SELECT v.id, v.enterprise_id, v.unit_id, v.county_code, r.rating, r.comment, false,"
    " v.entered_at FROM v JOIN r ON r.record_id = v.source_record_id"
    " WHERE r.rating IS NOT NULL RETURNING 1)"
    " SELECT (SELECT count(*) FROM v) AS inserted, (SELECT count(*) FROM ev) AS rated";

static bool stage_row(void *ctx, size_t i, struct rq_copy *cp)
{
	const struct rq_huiqitong_row *row = &((const struct rq_huiqitong_file *)ctx)->rows[i];
	if (row->state == RQ_HQ_REJECTED)
		return false;
	char line[24];
	snprintf(line, sizeof(line), "%ld", row->line);
	rq_copy_value(cp, line);
	for (int k = 0; k < RQ_HQ_NFIELDS; k++)
		rq_copy_value(cp, row->value[k]);
	rq_copy_value(cp, row->uscc_check_failed ? "t" : "f");
	return true;
}

static struct rq_huiqitong_row *row_at(struct rq_huiqitong_file *f, long line)
{
	size_t lo = 0, hi = f->nrows;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->rows[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->nrows && f->rows[lo].line == line ? &f->rows[lo] : NULL;
}

/* One row of sql_check's answer: its problems, or what became of a record imported before. */
static void judge(struct rq_huiqitong_file *f, const PGresult *r, int i)
{
	struct rq_arena *a = f->arena;
	int64_t line = 0;
	if (rq_parse_i64(PQgetvalue(r, i, CK_LINE), 1, INT32_MAX, &line) != 0)
		return;
	struct rq_huiqitong_row *row = row_at(f, (long)line);
	if (row == NULL)
		return;
	bool yes[CK_DIFFERS + 1];
	for (int k = CK_NO_ENTERPRISE; k <= CK_FUTURE; k++)
		yes[k] = strcmp(PQgetvalue(r, i, k), "t") == 0;
	if (yes[CK_NO_ENTERPRISE])
		reject(
		    f, row, RQ_HQ_USCC,
		    yes[CK_CHECK_FAILED]
			? "不是有效的统一社会信用代码（校验位不符），也不在企业名录中"
			: rq_printf(a,
				    "企业名录中没有统一社会信用代码为 %s 的企业（先导入企业名录："
				    "ruqima import enterprises）",
				    row->value[RQ_HQ_USCC]));
	if (yes[CK_NO_UNIT])
		reject(f, row, RQ_HQ_UNIT,
		       rq_printf(a,
				 "单位“%s”尚未对应到平台的单位（ruqima units map set --name "
				 "单位名称 --unit 单位ID，或在门户中设置），不按名称猜测",
				 PQgetvalue(r, i, CK_UNIT)));
	if (yes[CK_FUTURE])
		reject(f, row, RQ_HQ_ENTERED_AT, "入企时间晚于现在");
	if (row->state == RQ_HQ_REJECTED || PQgetisnull(r, i, CK_VISIT))
		return;
	const char *differs = PQgetvalue(r, i, CK_DIFFERS);
	if (*differs == '\0') {
		row->state = RQ_HQ_UNCHANGED;
		return;
	}
	row->state = RQ_HQ_CHANGED;
	rq_problems_add(&f->problems, row->line, field_names[RQ_HQ_RECORD_ID],
			"记录 %s 已导入（入企记录 %s），本行的 %s 与之不同：保留已导入的内容，"
			"本行未导入",
			row->value[RQ_HQ_RECORD_ID], PQgetvalue(r, i, CK_VISIT), differs);
}

/* Classifies every staged row (judge) and removes from the staging table the rows that are
 * not to be written. */
static int check(PGconn *c, struct rq_huiqitong_file *f, struct rq_huiqitong_counts *n,
		 PGresult **err)
{
	PGresult *r;
	if (!rq_copy_exec(c, sql_check, 0, NULL, &r)) {
		*err = r;
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++)
		judge(f, r, i);
	PQclear(r);
	if (!rq_copy_exec(c, sql_unknown_units, 0, NULL, &r)) {
		*err = r;
		return -1;
	}
	n->nunknown_units = (size_t)PQntuples(r);
	for (int i = 0; i < PQntuples(r) && i < RQ_HUIQITONG_UNKNOWN_UNITS_SHOWN; i++) {
		int64_t rows = 0;
		if (rq_parse_i64(PQgetvalue(r, i, 1), 0, INT64_MAX, &rows) != 0)
			rows = 0; /* a count: never */
		n->unknown_units[i] = (struct rq_huiqitong_unit){
		    rq_strdup(f->arena, PQgetvalue(r, i, 0)), (size_t)rows};
	}
	PQclear(r);
	struct rq_buf lines;
	rq_buf_init(&lines, (size_t)f->nrows * 12 + 16);
	rq_buf_add(&lines, "{", 1);
	for (size_t i = 0; i < f->nrows; i++) {
		const struct rq_huiqitong_row *row = &f->rows[i];
		if (row->state == RQ_HQ_NEW)
			continue;
		char num[24];
		int k = snprintf(num, sizeof(num), "%s%ld", rq_buf_len(&lines) > 1 ? "," : "",
				 row->line);
		rq_buf_add(&lines, num, (size_t)k);
	}
	rq_buf_add(&lines, "}", 1);
	if (!rq_buf_ok(&lines)) {
		rq_buf_free(&lines);
		return -1; /* *err NULL: out of memory */
	}
	const char *params[] = {rq_buf_ptr(&lines)};
	bool ok = rq_copy_exec(c, sql_drop, 1, params, &r);
	rq_buf_free(&lines);
	if (!ok) {
		*err = r;
		return -1;
	}
	PQclear(r);
	return 0;
}

int rq_huiqitong_run(PGconn *c, struct rq_huiqitong_file *f, bool dry_run,
		     struct rq_huiqitong_counts *n, rq_copy_progress progress, void *progress_ctx,
		     PGresult **err)
{
	*err = NULL;
	memset(n, 0, sizeof(*n));
	n->rows = f->nrows;
	if (f->fatal)
		return 0;
	PGresult *r;
	/* COPY and the parameters carry UTF-8, whatever the session was set to. */
	if (!rq_copy_exec(c, "SET LOCAL client_encoding = 'UTF8'", 0, NULL, &r))
		goto fail;
	PQclear(r);
	size_t valid = f->nrows - f->nrejected;
	if (valid > 0) {
		const struct rq_copy_stage s = {
		    .create_sql = sql_stage,
		    .copy_sql = sql_copy,
		    .after_sql = sql_after_stage,
		    .nrows = f->nrows,
		    .total = valid,
		    .row = stage_row,
		    .ctx = f,
		    .progress = progress,
		    .every = RQ_HUIQITONG_PROGRESS_EVERY,
		    .progress_ctx = progress_ctx,
		};
		if (rq_copy_stage(c, &s, err) != 0 || check(c, f, n, err) != 0)
			return -1;
	}
	rq_problems_sort(&f->problems);
	size_t todo = 0;
	for (size_t i = 0; i < f->nrows; i++) {
		enum rq_huiqitong_state st = f->rows[i].state;
		n->rejected += st == RQ_HQ_REJECTED;
		n->unchanged += st == RQ_HQ_UNCHANGED;
		n->changed += st == RQ_HQ_CHANGED;
		todo += st == RQ_HQ_NEW;
		n->rated += st == RQ_HQ_NEW && f->rows[i].value[RQ_HQ_RATING] != NULL;
	}
	if (dry_run) {
		n->inserted = todo;
		return 0;
	}
	n->rated = 0;
	/* RQ_HUIQITONG_PROGRESS_EVERY rows per statement, by line range in file order, so that
	 * progress can be shown */
	for (size_t i = 0; i < f->nrows;) {
		size_t first = i, k = 0;
		for (; i < f->nrows && k < RQ_HUIQITONG_PROGRESS_EVERY; i++)
			k += f->rows[i].state == RQ_HQ_NEW;
		if (k == 0)
			continue;
		char from[24], to[24];
		snprintf(from, sizeof(from), "%ld", f->rows[first].line);
		snprintf(to, sizeof(to), "%ld", f->rows[i - 1].line);
		const char *params[] = {from, to};
		if (!rq_copy_exec(c, sql_insert, 2, params, &r))
			goto fail;
		int64_t inserted = 0, rated = 0;
		if (rq_parse_i64(PQgetvalue(r, 0, 0), 0, INT64_MAX, &inserted) != 0 ||
		    rq_parse_i64(PQgetvalue(r, 0, 1), 0, INT64_MAX, &rated) != 0)
			goto fail; /* not counts: never from this statement */
		PQclear(r);
		n->inserted += (size_t)inserted;
		n->rated += (size_t)rated;
		if (progress != NULL)
			progress(progress_ctx, "written", n->inserted, todo);
	}
	return 0;
fail:
	*err = r;
	return -1;
}
