/* ruqima calendar import FILE [--dry-run] | list [--year YYYY]: the calendar of working days
 * (the holidays and 调休 working weekend days of the State Council's notice), which the city
 * admin imports each December for the next year. An import is one audited transaction and
 * all or nothing: a bad line is printed as "line N: field: message" and nothing is written.
 * Unchanged days are not written again (no audit rows), so an import may be repeated. */
#include "cli.h"

#include "rq_arena.h"
#include "rq_calendar.h"
#include "rq_db.h"
#include "rq_num.h"
#include "rq_outcome.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	STATEMENT_TIMEOUT = 60,
	PROGRESS_EVERY = 1000, /* rows between two progress lines */
	YEARS_MAX = 101,       /* 2000..2100 */
};

/* rq.calendar_day_put's answer, and what it changed. */
static struct rq_stmt st_put = RQ_STMT("cli_calendar_put",
				       "SELECT outcome, args, data->>'change' AS change"
				       " FROM rq.calendar_day_put($1::date, $2, $3, NULL)",
				       3);
static struct rq_stmt st_year =
    RQ_STMT("cli_calendar_year", "SELECT rq.calendar_year_json($1::int) AS calendar", 1);
static struct rq_stmt st_this_year =
    RQ_STMT("cli_calendar_this_year",
	    "SELECT extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')::int AS year", 0);

static int usage(void)
{
	fputs("usage: ruqima calendar import FILE [--dry-run]\n"
	      "       ruqima calendar list [--year YYYY]\n"
	      "  import    CSV with the columns date, kind (holiday or workday) and name;\n"
	      "            nothing is imported if a line is bad\n"
	      "  --dry-run check every line and say what would change; change nothing\n",
	      stderr);
	return EXIT_USAGE;
}

struct counts {
	size_t inserted, updated, unchanged;
	bool years[YEARS_MAX]; /* the years the file has days of */
};

/* Writes the file's good rows (each through rq.calendar_day_put, which may refuse one:
 * the refusal becomes the line's problem). Returns 0, or -1 on a database error. */
static int write_rows(struct rq_db *db, struct rq_arena *a, struct rq_calendar_file *f,
		      struct counts *n)
{
	for (size_t i = 0; i < f->nrows; i++) {
		struct rq_calendar_row *row = &f->rows[i];
		if (row->nproblems > 0)
			continue;
		const char *params[] = {row->day, row->kind, row->name};
		PGresult *r = cli_db_run(db, &st_put, params, "write the calendar");
		if (r == NULL)
			return -1;
		const char *outcome = PQgetvalue(r, 0, 0), *change = PQgetvalue(r, 0, 2);
		if (strcmp(outcome, "ok") != 0) {
			const char *field = NULL;
			const char *text = rq_outcome_text(a, outcome, PQgetvalue(r, 0, 1), &field);
			rq_calendar_reject(f, row, field != NULL ? field : "file",
					   text != NULL ? rq_strdup(a, text)
							: rq_strdup(a, outcome));
		} else if (strcmp(change, "inserted") == 0)
			n->inserted++;
		else if (strcmp(change, "updated") == 0)
			n->updated++;
		else
			n->unchanged++;
		int64_t y = 0;
		if (rq_parse_i64(rq_strndup(a, row->day, 4), 2000, 2100, &y) == 0)
			n->years[y - 2000] = true;
		PQclear(r);
		if ((i + 1) % PROGRESS_EVERY == 0)
			fprintf(stderr, "ruqima: written %zu/%zu rows\n", i + 1, f->nrows);
	}
	return 0;
}

static void print_problems(const struct rq_calendar_file *f)
{
	if (f->fatal != NULL) {
		if (f->fatal_line > 0)
			printf("line %ld: file: %s\n", f->fatal_line, f->fatal);
		else
			printf("file: %s\n", f->fatal);
		return;
	}
	for (size_t i = 0; i < f->nrows; i++)
		for (int k = 0; k < f->rows[i].nproblems; k++)
			printf("line %ld: %s: %s\n", f->rows[i].line, f->rows[i].problems[k].field,
			       f->rows[i].problems[k].message);
}

/* The year's calendar (rq.calendar_year_json), parsed; NULL after saying why. */
static cJSON *year_json(struct rq_db *db, int year)
{
	char y[16];
	snprintf(y, sizeof(y), "%d", year);
	const char *params[] = {y};
	PGresult *r = cli_db_run(db, &st_year, params, "read the calendar");
	if (r == NULL)
		return NULL;
	cJSON *o = rq_sql_json(r, 0, "calendar");
	PQclear(r);
	if (o == NULL)
		fputs("ruqima: could not read the calendar: no answer\n", stderr);
	return o;
}

static int number(const cJSON *o, const char *name)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsNumber(m) ? (int)m->valuedouble : 0;
}

/* "2025: 248 working days (28 holiday rows, 5 workday rows)", and for a year without rows
 * that it counts Monday to Friday only. */
static void print_year(const cJSON *o)
{
	printf("%d: %d working days (%d holiday rows, %d workday rows)%s\n", number(o, "year"),
	       number(o, "working_days"), number(o, "holidays"), number(o, "workdays"),
	       number(o, "holidays") + number(o, "workdays") == 0
		   ? "; no rows: Monday to Friday only, import the State Council's notice"
		   : "");
}

/* print_year for each year of the file, as the transaction sees it. Returns 0, or -1 after
 * saying why. */
static int print_years(struct rq_db *db, const struct counts *n)
{
	for (int i = 0; i < YEARS_MAX; i++) {
		if (!n->years[i])
			continue;
		cJSON *o = year_json(db, 2000 + i);
		if (o == NULL)
			return -1;
		print_year(o);
		cJSON_Delete(o);
	}
	return 0;
}

static int import_db(const struct rq_config *cfg, struct rq_arena *a, const char *path,
		     struct rq_calendar_file *f, bool dry_run)
{
	struct rq_db *db = cli_db_connect_owner(cfg, STATEMENT_TIMEOUT);
	if (db == NULL)
		return EXIT_FAILED;
	int rc = EXIT_FAILED;
	struct counts n = {0};
	if (cli_db_begin(db, "cli-calendar-import") != 0)
		goto out;
	if (write_rows(db, a, f, &n) != 0) {
		fputs("ruqima: nothing was imported\n", stderr);
		goto out;
	}
	print_problems(f);
	if (f->nrejected > 0) {
		printf("refused: %zu of %zu rows rejected; nothing was imported\n", f->nrejected,
		       f->nrows);
		goto out;
	}
	if (print_years(db, &n) != 0)
		goto out;
	if (dry_run) {
		printf("dry run of %s (%s, %zu rows): would insert %zu, update %zu; unchanged %zu;"
		       " nothing was changed\n",
		       path, f->encoding, f->nrows, n.inserted, n.updated, n.unchanged);
		rc = EXIT_OK;
		goto out;
	}
	if (cli_exec(rq_db_conn(db), "COMMIT") != 0)
		goto out;
	printf("imported %s (%s, %zu rows): inserted %zu, updated %zu, unchanged %zu\n", path,
	       f->encoding, f->nrows, n.inserted, n.updated, n.unchanged);
	rc = EXIT_OK;
out:
	cli_db_rollback(db); /* a dry run, a refused file, an error: nothing stays */
	rq_db_close(db);
	return rc;
}

static int import_file(const struct rq_config *cfg, const char *path, struct rq_arena *a,
		       const char *data, size_t len, double start, void *ctx)
{
	(void)start;
	const bool *dry_run = ctx;
	struct rq_calendar_file *f = rq_calendar_parse(a, data, len, (size_t)cfg->import_max_bytes);
	if (f->fatal != NULL) {
		print_problems(f);
		printf("refused: %s cannot be imported; nothing was changed\n", path);
		return EXIT_FAILED;
	}
	return import_db(cfg, a, path, f, *dry_run);
}

static int cmd_import(const struct rq_config *cfg, int argc, char **argv)
{
	static const char *const flags[] = {"--dry-run", NULL};
	bool dry_run;
	const char *path;
	if (cli_file_args(argc, argv, flags, &dry_run, &path) != 0)
		return usage();
	return cli_import_file(cfg, path, import_file, &dry_run);
}

/* A plain table, the name last (Chinese of any width cannot break the alignment). */
static void print_days(const cJSON *o)
{
	printf("%-10s  %-7s  %-7s  %s\n", "DAY", "WEEKDAY", "KIND", "NAME");
	static const char *const weekdays[] = {"", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "items"))
	{
		int wd = number(it, "weekday");
		printf("%-10s  %-7s  %-7s  %s\n",
		       cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "day")),
		       weekdays[wd >= 1 && wd <= 7 ? wd : 0],
		       cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "kind")),
		       cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name")));
	}
	print_year(o);
}

static int cmd_list(const struct rq_config *cfg, int argc, char **argv)
{
	int64_t year = 0;
	if (argc == 2 && strcmp(argv[0], "--year") == 0) {
		if (rq_parse_i64(argv[1], 2000, 2100, &year) != 0) {
			fputs("ruqima: --year must be a year from 2000 to 2100\n", stderr);
			return EXIT_USAGE;
		}
	} else if (argc != 0) {
		return usage();
	}
	struct rq_db *db = cli_db_connect_owner(cfg, STATEMENT_TIMEOUT);
	if (db == NULL)
		return EXIT_FAILED;
	int rc = EXIT_FAILED;
	if (year == 0) {
		PGresult *r = cli_db_run(db, &st_this_year, NULL, "read the date");
		if (r == NULL || rq_parse_i64(PQgetvalue(r, 0, 0), 2000, 2100, &year) != 0) {
			PQclear(r);
			goto out;
		}
		PQclear(r);
	}
	cJSON *o = year_json(db, (int)year);
	if (o != NULL) {
		print_days(o);
		cJSON_Delete(o);
		rc = EXIT_OK;
	}
out:
	rq_db_close(db);
	return rc;
}

int cli_calendar(const struct rq_config *cfg, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "import") == 0)
		return cmd_import(cfg, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "list") == 0)
		return cmd_list(cfg, argc - 1, argv + 1);
	return usage();
}
