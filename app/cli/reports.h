/* The judicial bureau's report definitions, app/reporting/reports/<name>.sql, compiled into
 * the CLI (app/reporting/embed_reports.cmake). */
#ifndef CLI_REPORTS_H
#define CLI_REPORTS_H

struct report_source {
	const char *name; /* the file name without .sql */
	const char *sql;  /* its text: the header comment, then one SELECT */
};

extern const struct report_source report_sources[];
extern const int report_sources_count;

#endif
