#include "rq_import.h"

#include "rq_copy.h"
#include "rq_csv.h"
#include "rq_http.h"
#include "rq_num.h"
#include "rq_uscc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---------------------------------------------------------------------------------
 * Fields and their names
 * --------------------------------------------------------------------------------- */

static const char *const field_names[RQ_IMPORT_NFIELDS] = {
    "uscc",	"project_code",	   "name",     "legal_rep", "address", "county_code",
    "industry", "business_status", "latitude", "longitude",
};

const char *rq_import_field_name(enum rq_import_field f)
{
	return (unsigned)f < RQ_IMPORT_NFIELDS ? field_names[f] : "file";
}

/* Header names as government exports and our own template write them. English names are
 * matched without regard to case. */
static const struct rq_csv_alias header_aliases[] = {
    {"统一社会信用代码", RQ_IMPORT_USCC},
    {"社会信用代码", RQ_IMPORT_USCC},
    {"信用代码", RQ_IMPORT_USCC},
    {"uscc", RQ_IMPORT_USCC},
    {"credit_code", RQ_IMPORT_USCC},
    {"项目代码", RQ_IMPORT_PROJECT_CODE},
    {"项目编码", RQ_IMPORT_PROJECT_CODE},
    {"project_code", RQ_IMPORT_PROJECT_CODE},
    {"企业名称", RQ_IMPORT_NAME},
    {"名称", RQ_IMPORT_NAME},
    {"单位名称", RQ_IMPORT_NAME},
    {"项目名称", RQ_IMPORT_NAME},
    {"name", RQ_IMPORT_NAME},
    {"法定代表人", RQ_IMPORT_LEGAL_REP},
    {"法定代表人姓名", RQ_IMPORT_LEGAL_REP},
    {"负责人", RQ_IMPORT_LEGAL_REP},
    /* a construction project's register names its responsible unit instead: what a
     * claimant of the project proves knowledge of (app/evaluation/sql/enterprises.sql) */
    {"项目单位", RQ_IMPORT_LEGAL_REP},
    {"建设单位", RQ_IMPORT_LEGAL_REP},
    {"项目法人", RQ_IMPORT_LEGAL_REP},
    {"legal_rep", RQ_IMPORT_LEGAL_REP},
    {"legal_representative", RQ_IMPORT_LEGAL_REP},
    {"住所", RQ_IMPORT_ADDRESS},
    {"地址", RQ_IMPORT_ADDRESS},
    {"经营场所", RQ_IMPORT_ADDRESS},
    {"项目地址", RQ_IMPORT_ADDRESS},
    {"address", RQ_IMPORT_ADDRESS},
    {"县区代码", RQ_IMPORT_COUNTY_CODE},
    {"区划代码", RQ_IMPORT_COUNTY_CODE},
    {"行政区划代码", RQ_IMPORT_COUNTY_CODE},
    {"county_code", RQ_IMPORT_COUNTY_CODE},
    {"行业", RQ_IMPORT_INDUSTRY},
    {"所属行业", RQ_IMPORT_INDUSTRY},
    {"行业门类", RQ_IMPORT_INDUSTRY},
    {"industry", RQ_IMPORT_INDUSTRY},
    {"经营状态", RQ_IMPORT_STATUS},
    {"登记状态", RQ_IMPORT_STATUS},
    {"企业状态", RQ_IMPORT_STATUS},
    {"business_status", RQ_IMPORT_STATUS},
    {"status", RQ_IMPORT_STATUS},
    {"纬度", RQ_IMPORT_LATITUDE},
    {"latitude", RQ_IMPORT_LATITUDE},
    {"lat", RQ_IMPORT_LATITUDE},
    {"经度", RQ_IMPORT_LONGITUDE},
    {"longitude", RQ_IMPORT_LONGITUDE},
    {"lng", RQ_IMPORT_LONGITUDE},
    {"lon", RQ_IMPORT_LONGITUDE},
};

/* Registry statuses, matched as prefixes in this order ("吊销，未注销" is revoked, not
 * cancelled: the first word decides). */
static const struct {
	const char *prefix;
	const char *status;
} status_map[] = {
    {"存续", "normal"},	      {"在业", "normal"},	    {"在营", "normal"},
    {"开业", "normal"},	      {"在册", "normal"},	    {"正常", "normal"},
    {"在建", "normal"},	      {"吊销", "revoked"},	    {"注销", "cancelled"},
    {"停业", "suspended"},    {"歇业", "suspended"},	    {"异常", "abnormal"},
    {"经营异常", "abnormal"}, {"列入经营异常", "abnormal"},
};
static const char *const status_english[] = {"normal", "revoked", "cancelled", "suspended",
					     "abnormal"};

const char *rq_import_status(const char *s)
{
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(status_english) / sizeof(status_english[0]); i++)
		if (strcasecmp(s, status_english[i]) == 0)
			return status_english[i];
	for (size_t i = 0; i < sizeof(status_map) / sizeof(status_map[0]); i++)
		if (strncmp(s, status_map[i].prefix, strlen(status_map[i].prefix)) == 0)
			return status_map[i].status;
	return NULL;
}

/* ---------------------------------------------------------------------------------
 * Problems
 * --------------------------------------------------------------------------------- */

/* The messages are Chinese: the portal's import report shows them as they are (the CLI
 * prints them too). */
#define MSG_EMPTY "不能为空"
#define MSG_STATUSES                                                                               \
	"应为 存续、吊销、注销、停业 或 异常（或 "                               \
	"normal、revoked、cancelled、suspended、abnormal）"

static void reject(struct rq_import *imp, struct rq_import_row *row, enum rq_import_field f,
		   const char *message)
{
	rq_problems_add(&imp->problems, row->line, field_names[f], "%s", message);
	if (!row->rejected) {
		row->rejected = true;
		imp->nrejected++;
	}
}

static void refuse_file(struct rq_import *imp, long line, const char *message)
{
	imp->fatal = true;
	imp->nrows = 0;
	imp->nrejected = 0;
	imp->problems.n = 0;
	rq_problems_add(&imp->problems, line, "file", "%s", message);
}

/* ---------------------------------------------------------------------------------
 * Values
 * --------------------------------------------------------------------------------- */

static void upper_ascii(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

static bool all_of(const char *s, const char *set)
{
	return s[strspn(s, set)] == '\0';
}

#define DIGITS "0123456789"
#define UPPER  "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

static bool project_code_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 64 && all_of(s, DIGITS UPPER "-") && s[0] != '-' && s[n - 1] != '-';
}

/* A decimal number written plainly (-12.345678): at most 3 integer digits and 6 decimals,
 * within [-limit, limit]. */
static bool coordinate_ok(const char *s, int limit)
{
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	size_t ip = strspn(p, DIGITS);
	if (ip == 0 || ip > 3)
		return false;
	long whole = 0;
	for (size_t i = 0; i < ip; i++)
		whole = whole * 10 + (p[i] - '0');
	p += ip;
	bool frac_nonzero = false;
	if (*p == '.') {
		p++;
		size_t fp = strspn(p, DIGITS);
		if (fp == 0 || fp > 6)
			return false;
		for (size_t i = 0; i < fp; i++)
			frac_nonzero |= p[i] != '0';
		p += fp;
	}
	return *p == '\0' && (whole < limit || (whole == limit && !frac_nonzero));
}

/* ---------------------------------------------------------------------------------
 * Rows
 * --------------------------------------------------------------------------------- */

static void check_length(struct rq_import *imp, struct rq_import_row *row, enum rq_import_field f,
			 size_t max)
{
	const char *v = row->value[f];
	if (v != NULL && rq_csv_chars(v) > max) {
		char msg[96];
		reject(imp, row, f, rq_length_message(msg, sizeof(msg), 0, max));
	}
}

static void check_row(struct rq_import *imp, struct rq_import_row *row)
{
	const char **v = row->value;
	char *uscc = (char *)v[RQ_IMPORT_USCC], *project = (char *)v[RQ_IMPORT_PROJECT_CODE];

	if (uscc != NULL) {
		if (!rq_uscc_form(uscc))
			reject(imp, row, RQ_IMPORT_USCC, "须为 18 位数字或大写字母（GB 32100）");
		else if (!rq_uscc_valid(uscc))
			row->uscc_check_failed = true; /* decided by the allow-list */
	}
	if (project != NULL) {
		upper_ascii(project);
		if (!project_code_ok(project))
			reject(imp, row, RQ_IMPORT_PROJECT_CODE,
			       "须为 1 到 64 位数字、大写字母或连字符（连字符不能在首尾）");
	}
	if (uscc == NULL && project == NULL)
		reject(imp, row, imp->has[RQ_IMPORT_USCC] ? RQ_IMPORT_USCC : RQ_IMPORT_PROJECT_CODE,
		       "为空：每行须有统一社会信用代码（企业）或项目代码（建设项目）");
	else if (uscc != NULL && project != NULL)
		reject(imp, row, RQ_IMPORT_PROJECT_CODE,
		       "统一社会信用代码和项目代码只能填写其中一个");

	if (v[RQ_IMPORT_NAME] == NULL)
		reject(imp, row, RQ_IMPORT_NAME, MSG_EMPTY);
	else if (rq_csv_has_control(v[RQ_IMPORT_NAME]))
		reject(imp, row, RQ_IMPORT_NAME, "含有换行符或控制字符");
	check_length(imp, row, RQ_IMPORT_NAME, 200);
	check_length(imp, row, RQ_IMPORT_LEGAL_REP, 100);
	check_length(imp, row, RQ_IMPORT_ADDRESS, 300);
	check_length(imp, row, RQ_IMPORT_INDUSTRY, 100);

	const char *county = v[RQ_IMPORT_COUNTY_CODE];
	if (county == NULL)
		reject(imp, row, RQ_IMPORT_COUNTY_CODE, MSG_EMPTY);
	else if (strlen(county) != 6 || !all_of(county, DIGITS))
		reject(imp, row, RQ_IMPORT_COUNTY_CODE, "须为 6 位行政区划代码");

	if (imp->has[RQ_IMPORT_STATUS]) {
		const char *s = v[RQ_IMPORT_STATUS];
		const char *mapped = rq_import_status(s);
		if (s == NULL)
			reject(imp, row, RQ_IMPORT_STATUS, "不能为空；" MSG_STATUSES);
		else if (mapped == NULL)
			reject(imp, row, RQ_IMPORT_STATUS,
			       rq_printf(imp->arena, "“%s”不是可识别的经营状态；" MSG_STATUSES, s));
		v[RQ_IMPORT_STATUS] = mapped;
	}

	const char *lat = v[RQ_IMPORT_LATITUDE], *lon = v[RQ_IMPORT_LONGITUDE];
	if ((lat == NULL) != (lon == NULL)) {
		reject(imp, row, lat == NULL ? RQ_IMPORT_LATITUDE : RQ_IMPORT_LONGITUDE,
		       "为空：纬度和经度须同时填写或同时不填");
	} else if (lat != NULL) {
		if (!coordinate_ok(lat, 90))
			reject(imp, row, RQ_IMPORT_LATITUDE,
			       "须为 -90 到 90 之间的数值，最多 6 位小数");
		if (!coordinate_ok(lon, 180))
			reject(imp, row, RQ_IMPORT_LONGITUDE,
			       "须为 -180 到 180 之间的数值，最多 6 位小数");
	}
}

/* Header → column index of each field (-1 when absent). Returns 0, or -1 after refusing
 * the file. */
static int map_header(struct rq_import *imp, const struct rq_csv *c, int col[RQ_IMPORT_NFIELDS])
{
	const char *twice = rq_csv_columns(imp->arena, c, header_aliases,
					   sizeof(header_aliases) / sizeof(header_aliases[0]),
					   field_names, col, RQ_IMPORT_NFIELDS);
	if (twice != NULL) {
		refuse_file(imp, c->record_line, twice);
		return -1;
	}
	for (int f = 0; f < RQ_IMPORT_NFIELDS; f++)
		imp->has[f] = col[f] >= 0;
	const char *missing = NULL;
	if (col[RQ_IMPORT_USCC] < 0 && col[RQ_IMPORT_PROJECT_CODE] < 0)
		missing = "表头缺少统一社会信用代码列（统一社会信用代码 / uscc）或项目代码列"
			  "（项目代码 / project_code）";
	else if (col[RQ_IMPORT_NAME] < 0)
		missing = "表头缺少企业名称列（企业名称 / name）";
	else if (col[RQ_IMPORT_COUNTY_CODE] < 0)
		missing = "表头缺少县区代码列（县区代码 / county_code）";
	else if ((col[RQ_IMPORT_LATITUDE] < 0) != (col[RQ_IMPORT_LONGITUDE] < 0))
		missing =
		    "表头须同时有纬度列（纬度 / latitude）和经度列（经度 / longitude），或都没有";
	if (missing != NULL) {
		refuse_file(imp, c->record_line, missing);
		return -1;
	}
	return 0;
}

/* Same credit code or project code on two rows: the later ones are rejected. */
struct twice_ctx {
	struct rq_import *imp;
	enum rq_import_field f;
};

static const char *key_of(void *ctx, size_t i)
{
	const struct twice_ctx *t = ctx;
	return t->imp->rows[i].value[t->f];
}

static void reject_twice(void *ctx, size_t i, size_t first)
{
	const struct twice_ctx *t = ctx;
	struct rq_import *imp = t->imp;
	reject(imp, &imp->rows[i], t->f,
	       rq_printf(imp->arena, "重复：%s %s 已在第 %ld 行出现",
			 t->f == RQ_IMPORT_USCC ? "统一社会信用代码" : "项目代码",
			 imp->rows[i].value[t->f], imp->rows[first].line));
}

static void find_duplicates(struct rq_import *imp, enum rq_import_field f)
{
	struct twice_ctx t = {imp, f};
	rq_problems_twice(imp->nrows, key_of, reject_twice, &t);
}

struct rq_import *rq_import_parse(struct rq_arena *a, const char *data, size_t len,
				  size_t max_bytes)
{
	struct rq_import *imp = rq_alloc(a, sizeof(*imp));
	imp->arena = a;
	imp->encoding = "UTF-8";
	rq_problems_init(&imp->problems, a);
	struct rq_csv c;
	long at;
	const char *refused = rq_csv_open(a, data, len, max_bytes, "文件为空：须有表头行和数据行",
					  &c, &imp->encoding, &at);
	if (refused != NULL) {
		refuse_file(imp, at, refused);
		return imp;
	}
	int col[RQ_IMPORT_NFIELDS];
	if (map_header(imp, &c, col) != 0)
		return imp;
	size_t header_fields = c.nfields, cap = 0;
	int rc;
	while ((rc = rq_csv_next_record(&c)) == 1) {
		imp->rows = rq_grow(a, imp->rows, imp->nrows, &cap, sizeof(*imp->rows));
		struct rq_import_row *row = &imp->rows[imp->nrows++];
		row->line = c.record_line;
		const char *problem = rq_csv_record_problem(a, &c, header_fields);
		if (problem != NULL) {
			rq_problems_add(&imp->problems, row->line, "file", "%s", problem);
			row->rejected = true;
			imp->nrejected++;
			continue;
		}
		for (int f = 0; f < RQ_IMPORT_NFIELDS; f++) {
			if (col[f] < 0)
				continue;
			char *v = rq_csv_trimmed(a, rq_csv_field(&c, (size_t)col[f]));
			if (v != NULL && f != RQ_IMPORT_NAME)
				rq_csv_flatten_controls(v);
			row->value[f] = v;
		}
		check_row(imp, row);
	}
	if (rc == -1) {
		refuse_file(imp, c.record_line, RQ_CSV_MSG_QUOTE_OPEN);
		return imp;
	}
	find_duplicates(imp, RQ_IMPORT_USCC);
	find_duplicates(imp, RQ_IMPORT_PROJECT_CODE);
	return imp;
}

/* ---------------------------------------------------------------------------------
 * Database lists
 * --------------------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool in_sorted(const char *const *set, size_t n, const char *s)
{
	return n > 0 && bsearch(&s, set, n, sizeof(*set), cmp_str) != NULL;
}

static const char **sorted_copy(struct rq_arena *a, const char *const *v, size_t n)
{
	const char **out = rq_alloc(a, (n + 1) * sizeof(*out));
	if (n > 0)
		memcpy(out, v, n * sizeof(*out));
	qsort(out, n, sizeof(*out), cmp_str);
	return out;
}

void rq_import_resolve(struct rq_import *imp, const char *const *counties, size_t ncounties,
		       const char *const *allowed, size_t nallowed)
{
	if (imp->fatal)
		return;
	const char **cs = sorted_copy(imp->arena, counties, ncounties);
	const char **as = sorted_copy(imp->arena, allowed, nallowed);
	for (size_t i = 0; i < imp->nrows; i++) {
		struct rq_import_row *row = &imp->rows[i];
		const char *county = row->value[RQ_IMPORT_COUNTY_CODE];
		if (county != NULL && strlen(county) == 6 && all_of(county, DIGITS) &&
		    !in_sorted(cs, ncounties, county))
			reject(imp, row, RQ_IMPORT_COUNTY_CODE,
			       rq_printf(imp->arena, "%s 不是本市的县区代码", county));
		if (row->uscc_check_failed && !in_sorted(as, nallowed, row->value[RQ_IMPORT_USCC]))
			reject(
			    imp, row, RQ_IMPORT_USCC,
			    "不是有效的统一社会信用代码（校验位不符），也不在已确认代码的白名单中");
	}
	rq_problems_sort(&imp->problems);
}

/* ---------------------------------------------------------------------------------
 * Writing
 * --------------------------------------------------------------------------------- */

static const char sql_stage[] =
    "CREATE TEMPORARY TABLE rq_import_rows ("
    " line int NOT NULL, uscc text, project_code text, name text NOT NULL, legal_rep text,"
    " address text, county_code text NOT NULL, industry text, business_status text,"
    " latitude numeric(9, 6), longitude numeric(9, 6)) ON COMMIT DROP";
static const char sql_copy[] =
    "COPY pg_temp.rq_import_rows (line, uscc, project_code, name, legal_rep, address,"
    " county_code, industry, business_status, latitude, longitude) FROM STDIN";

/* The register's values of an enterprise, and what a staged row (x = EXCLUDED or r) makes
 * of them. A column the file does not have ($1 legal_rep, $2 address, $3 industry,
 * $4 business_status, $5 the coordinates) keeps its value. The file's name is the
 * register's name (register_name); the name shown (name) is decided by NAME_X and FLAG_X. */
#define OLD_VALUES                                                                                 \
	"e.register_name, e.legal_rep, e.address, e.county_code, e.industry, e.business_status,"   \
	" e.latitude, e.longitude"
#define NEW_VALUES(x)                                                                              \
	x ".name, CASE WHEN $1 THEN " x ".legal_rep ELSE e.legal_rep END,"                         \
	  " CASE WHEN $2 THEN " x ".address ELSE e.address END, " x ".county_code,"                \
	  " CASE WHEN $3 THEN " x ".industry ELSE e.industry END,"                                 \
	  " CASE WHEN $4 THEN " x ".business_status ELSE e.business_status END,"                   \
	  " CASE WHEN $5 THEN " x ".latitude ELSE e.latitude END,"                                 \
	  " CASE WHEN $5 THEN " x ".longitude ELSE e.longitude END"

/* The county's name (app/DESIGN.md §6): a name the county verified, or corrected and not
 * verified yet, is theirs, and an import never overwrites it; otherwise the name shown
 * follows the register. */
#define COUNTYS_NAME "(e.name_verified OR e.name <> e.register_name)"
/* The file changes the register's name of an enterprise whose name is the county's, to
 * something other than that name: the county's name is kept and the difference flagged. */
#define NAME_KEPT(x) "(" x ".name <> e.register_name AND " COUNTYS_NAME " AND " x ".name <> e.name)"

/* What the statements below use, for the staged row r or the upsert's EXCLUDED row. */
#define NEW_R  NEW_VALUES("r")
#define NEW_X  NEW_VALUES("EXCLUDED")
#define KEPT_R NAME_KEPT("r")
#define KEPT_X NAME_KEPT("EXCLUDED")
#define NAME_X "CASE WHEN " COUNTYS_NAME " THEN e.name ELSE EXCLUDED.name END"
/* Set when a name is kept; kept while the register's name still differs from the county's;
 * cleared when they agree (and by the county's verification, app/admin/enterprises.c). */
#define FLAG_X                                                                                     \
	"CASE WHEN " KEPT_X " THEN true WHEN " COUNTYS_NAME " AND EXCLUDED.name <> e.name"         \
	" THEN e.register_name_changed ELSE false END"
/* Rows of the file out of scope (个体工商户): imported, never given a code. */
#define OUT_OF_SCOPE_R "NOT rq.enterprise_in_scope(r.uscc)"

/* One statement per identifier (an ON CONFLICT names one unique key), for the staged rows of
 * lines $6..$7. An unchanged row fails the WHERE: not updated, not audited. "kept" reads the
 * rows as they were before the upsert (one snapshot for the whole statement). */
#define UPSERT(key)                                                                                \
	"WITH kept AS (SELECT count(*) AS n FROM pg_temp.rq_import_rows r"                         \
	" JOIN rq.enterprises e ON e." key " = r." key                                             \
	" WHERE r.line BETWEEN $6::int AND $7::int AND " KEPT_R "),"                               \
	" scope AS (SELECT count(*) AS n FROM pg_temp.rq_import_rows r"                            \
	" WHERE r." key " IS NOT NULL AND r.line BETWEEN $6::int AND $7::int"                      \
	" AND " OUT_OF_SCOPE_R "),"                                                                \
	" up AS (INSERT INTO rq.enterprises AS e (uscc, project_code, name, register_name,"        \
	" legal_rep, address, county_code, industry, business_status, latitude, longitude)"        \
	" SELECT uscc, project_code, name, name, legal_rep, address, county_code, industry,"       \
	" coalesce(business_status, 'normal'), latitude, longitude"                                \
	" FROM pg_temp.rq_import_rows WHERE " key " IS NOT NULL"                                   \
	" AND line BETWEEN $6::int AND $7::int ORDER BY line"                                      \
	" ON CONFLICT (" key ") DO UPDATE SET (register_name, legal_rep, address, county_code,"    \
	" industry, business_status, latitude, longitude, name, register_name_changed)"            \
	" = (" NEW_X ", " NAME_X ", " FLAG_X ")"                                                   \
	" WHERE (" OLD_VALUES ") IS DISTINCT FROM (" NEW_X ")"                                     \
	" RETURNING (xmax = 0) AS fresh)"                                                          \
	" SELECT count(*) FILTER (WHERE fresh) AS inserted,"                                       \
	" count(*) FILTER (WHERE NOT fresh) AS updated, (SELECT n FROM kept) AS kept,"             \
	" (SELECT n FROM scope) AS out_of_scope FROM up"

/* The same decision without writing (dry run). */
#define COUNT(key)                                                                                 \
	"SELECT count(*) FILTER (WHERE e.id IS NULL) AS inserted,"                                 \
	" count(*) FILTER (WHERE e.id IS NOT NULL AND (" OLD_VALUES ") IS DISTINCT FROM"           \
	" (" NEW_R ")) AS updated,"                                                                \
	" count(*) FILTER (WHERE e.id IS NOT NULL AND " KEPT_R ") AS kept,"                        \
	" count(*) FILTER (WHERE " OUT_OF_SCOPE_R ") AS out_of_scope"                              \
	" FROM pg_temp.rq_import_rows r LEFT JOIN rq.enterprises e ON e." key " = r." key          \
	" WHERE r." key " IS NOT NULL"

static const char *const sql_write[2][2] = {
    {UPSERT("uscc"), UPSERT("project_code")},
    {COUNT("uscc"), COUNT("project_code")},
};

/* The first column of every row, as arena strings. */
static const char **column_list(struct rq_arena *a, PGresult *r, size_t *n)
{
	int rows = PQntuples(r);
	const char **out = rq_alloc(a, ((size_t)rows + 1) * sizeof(*out));
	for (int i = 0; i < rows; i++)
		out[i] = rq_strdup(a, PQgetvalue(r, i, 0));
	*n = (size_t)rows;
	return out;
}

/* The values of a row that is not rejected, for COPY (rq_copy_stage). */
static bool stage_row(void *ctx, size_t i, struct rq_copy *cp)
{
	const struct rq_import_row *row = &((const struct rq_import *)ctx)->rows[i];
	if (row->rejected)
		return false;
	char line[24];
	snprintf(line, sizeof(line), "%ld", row->line);
	rq_copy_value(cp, line);
	for (int f = 0; f < RQ_IMPORT_NFIELDS; f++)
		rq_copy_value(cp, row->value[f]);
	return true;
}

static int stage(PGconn *c, struct rq_import *imp, size_t valid, rq_import_progress progress,
		 void *ctx, PGresult **err)
{
	static const char *const after[] = {"CREATE INDEX ON pg_temp.rq_import_rows (line)",
					    "ANALYZE pg_temp.rq_import_rows", NULL};
	const struct rq_copy_stage s = {
	    .create_sql = sql_stage,
	    .copy_sql = sql_copy,
	    .after_sql = after,
	    .nrows = imp->nrows,
	    .total = valid,
	    .row = stage_row,
	    .ctx = imp,
	    .progress = progress,
	    .every = RQ_IMPORT_PROGRESS_EVERY,
	    .progress_ctx = ctx,
	};
	return rq_copy_stage(c, &s, err);
}

enum rq_import_result rq_import_run(PGconn *c, struct rq_import *imp, bool dry_run, bool strict,
				    struct rq_import_counts *counts, rq_import_progress progress,
				    void *progress_ctx, PGresult **err)
{
	*err = NULL;
	memset(counts, 0, sizeof(*counts));
	PGresult *r;
	if (imp->fatal)
		return RQ_IMPORT_REFUSED;
	/* COPY and the parameters carry UTF-8, whatever the session was set to. */
	if (!rq_copy_exec(c, "SET LOCAL client_encoding = 'UTF8'", 0, NULL, &r))
		goto fail;
	PQclear(r);
	if (!rq_copy_exec(c, "SELECT code FROM rq.regions", 0, NULL, &r))
		goto fail;
	size_t ncounties, nallowed;
	const char **counties = column_list(imp->arena, r, &ncounties);
	PQclear(r);
	if (!rq_copy_exec(c, "SELECT code FROM rq.uscc_allowlist", 0, NULL, &r))
		goto fail;
	const char **allowed = column_list(imp->arena, r, &nallowed);
	PQclear(r);
	rq_import_resolve(imp, counties, ncounties, allowed, nallowed);

	counts->rows = imp->nrows;
	counts->rejected = imp->nrejected;

	if (strict && imp->nrejected > 0)
		return RQ_IMPORT_REFUSED;
	size_t valid = imp->nrows - imp->nrejected;
	if (valid == 0)
		return RQ_IMPORT_OK;
	if (stage(c, imp, valid, progress, progress_ctx, err) != 0)
		return RQ_IMPORT_DB_ERROR;

	const char *const keep[5] = {
	    imp->has[RQ_IMPORT_LEGAL_REP] ? "t" : "f", imp->has[RQ_IMPORT_ADDRESS] ? "t" : "f",
	    imp->has[RQ_IMPORT_INDUSTRY] ? "t" : "f",  imp->has[RQ_IMPORT_STATUS] ? "t" : "f",
	    imp->has[RQ_IMPORT_LATITUDE] ? "t" : "f",
	};
	/* A dry run compares everything at once; a real run writes RQ_IMPORT_PROGRESS_EVERY rows
	 * per statement (by line range, in file order), so progress can be shown. */
	size_t i = 0, done = 0;
	while (i < imp->nrows) {
		size_t first = i, n = 0;
		for (; i < imp->nrows && (dry_run || n < RQ_IMPORT_PROGRESS_EVERY); i++)
			n += !imp->rows[i].rejected;
		char from[24], to[24];
		snprintf(from, sizeof(from), "%ld", imp->rows[first].line);
		snprintf(to, sizeof(to), "%ld", imp->rows[i - 1].line);
		const char *params[7] = {keep[0], keep[1], keep[2], keep[3], keep[4], from, to};
		for (int k = 0; k < 2; k++) {
			if (!rq_copy_exec(c, sql_write[dry_run ? 1 : 0][k], dry_run ? 5 : 7, params,
					  &r))
				goto fail;
			/* inserted, updated, kept, out_of_scope */
			int64_t v[4];
			for (int col = 0; col < 4; col++)
				if (rq_parse_i64(PQgetvalue(r, 0, col), 0, INT64_MAX, &v[col]) != 0)
					goto fail; /* not counts: never from these statements */
			PQclear(r);
			counts->inserted += (size_t)v[0];
			counts->updated += (size_t)v[1];
			counts->names_kept += (size_t)v[2];
			counts->out_of_scope += (size_t)v[3];
		}
		done += n;
		if (progress != NULL && n > 0)
			progress(progress_ctx, dry_run ? "compared" : "written", done, valid);
	}
	counts->unchanged = valid - counts->inserted - counts->updated;
	return RQ_IMPORT_OK;
fail:
	*err = r;
	return RQ_IMPORT_DB_ERROR;
}
