#include "rq_copy.h"

#include "rq_csv.h"

enum {
	COPY_CHUNK = 1 << 16, /* bytes sent to COPY at a time */
	/* a chunk and one row: a record turned into UTF-8 (×1.5 at most) and escaped (×2) */
	COPY_BUF_MAX = COPY_CHUNK + 4 * RQ_CSV_MAX_RECORD
};

bool rq_copy_exec(PGconn *c, const char *sql, int n, const char *const *params, PGresult **out)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);
	*out = r;
	return r != NULL && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK);
}

int rq_copy_begin(struct rq_copy *cp, PGconn *c, const char *copy_sql, PGresult **err)
{
	*cp = (struct rq_copy){.c = c, .sent = true};
	PGresult *r = PQexec(c, copy_sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		*err = r;
		return -1;
	}
	PQclear(r);
	rq_buf_init(&cp->b, COPY_BUF_MAX);
	rq_buf_reserve(&cp->b, COPY_CHUNK);
	return 0;
}

void rq_copy_value(struct rq_copy *cp, const char *v)
{
	struct rq_buf *b = &cp->b;
	if (cp->in_row)
		rq_buf_add(b, "\t", 1);
	cp->in_row = true;
	if (v == NULL) {
		rq_buf_add(b, "\\N", 2);
		return;
	}
	const char *run = v;
	for (const char *p = v; *p != '\0'; p++) {
		const char *esc = *p == '\\'   ? "\\\\"
				  : *p == '\t' ? "\\t"
				  : *p == '\n' ? "\\n"
				  : *p == '\r' ? "\\r"
					       : NULL;
		if (esc == NULL)
			continue;
		rq_buf_add(b, run, (size_t)(p - run));
		rq_buf_add(b, esc, 2);
		run = p + 1;
	}
	rq_buf_add_str(b, run);
}

/* Sends the buffered rows; a failed buffer or send leaves cp->sent false for good. */
static void flush(struct rq_copy *cp)
{
	if (cp->sent && rq_buf_len(&cp->b) > 0)
		cp->sent = rq_buf_ok(&cp->b) &&
			   PQputCopyData(cp->c, rq_buf_ptr(&cp->b), (int)rq_buf_len(&cp->b)) == 1;
	rq_buf_clear(&cp->b);
}

void rq_copy_end_row(struct rq_copy *cp)
{
	rq_buf_add(&cp->b, "\n", 1);
	cp->in_row = false;
	if (rq_buf_len(&cp->b) >= COPY_CHUNK - 1024 || !rq_buf_ok(&cp->b))
		flush(cp);
}

int rq_copy_end(struct rq_copy *cp, PGresult **err)
{
	if (!rq_buf_ok(&cp->b))
		cp->sent = false;
	flush(cp);
	rq_buf_free(&cp->b);
	*err = NULL;
	if (PQputCopyEnd(cp->c, cp->sent ? NULL : "client could not send the rows") != 1)
		return -1;
	PGresult *r = PQgetResult(cp->c);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		*err = r;
		return -1;
	}
	PQclear(r);
	/* drain (there is nothing more, but libpq wants the NULL) */
	while ((r = PQgetResult(cp->c)) != NULL)
		PQclear(r);
	return 0;
}

int rq_copy_stage(PGconn *c, const struct rq_copy_stage *s, PGresult **err)
{
	PGresult *r;
	if (!rq_copy_exec(c, s->create_sql, 0, NULL, &r)) {
		*err = r;
		return -1;
	}
	PQclear(r);
	struct rq_copy cp;
	if (rq_copy_begin(&cp, c, s->copy_sql, err) != 0)
		return -1;
	size_t done = 0;
	for (size_t i = 0; i < s->nrows && cp.sent; i++) {
		if (!s->row(s->ctx, i, &cp))
			continue;
		rq_copy_end_row(&cp);
		if (++done % s->every == 0 && s->progress != NULL)
			s->progress(s->progress_ctx, "staged", done, s->total);
	}
	if (rq_copy_end(&cp, err) != 0)
		return -1;
	if (s->progress != NULL && done % s->every != 0)
		s->progress(s->progress_ctx, "staged", done, s->total);
	for (const char *const *sql = s->after_sql; *sql != NULL; sql++) {
		if (!rq_copy_exec(c, *sql, 0, NULL, &r)) {
			*err = r;
			return -1;
		}
		PQclear(r);
	}
	return 0;
}
