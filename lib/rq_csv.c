#include "rq_csv.h"

#include "rq_http.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------------------------
 * Encoding
 * --------------------------------------------------------------------------------- */

/* Well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF). Control
 * characters are allowed here: they are a matter for the fields, not for the encoding. */
static bool utf8_wellformed(const unsigned char *p, size_t len)
{
	uint32_t cp;
	for (size_t i = 0, n; i < len; i += n)
		if ((n = rq_utf8_next(p + i, len - i, &cp)) == 0)
			return false;
	return true;
}

static long line_at(const char *data, size_t offset)
{
	long line = 1;
	for (size_t i = 0; i < offset; i++)
		if (data[i] == '\n')
			line++;
	return line;
}

static int refuse(struct rq_csv_text *out, long line, const char *message)
{
	out->error_line = line;
	out->error = message;
	return -1;
}

/* Sets out->text and out->len to the UTF-8 text of the file (without a BOM). */
static int decode(struct rq_arena *a, const char *data, size_t len, struct rq_csv_text *out)
{
	const unsigned char *u = (const unsigned char *)data;
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return refuse(out, 0, "文件为 UTF-16 编码，请另存为 UTF-8 或 GBK 编码的 CSV 文件");
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		if (!utf8_wellformed(u + 3, len - 3))
			return refuse(
			    out, 0, "文件以 UTF-8 字节顺序标记（BOM）开头，但内容不是有效的 UTF-8");
		out->encoding = "UTF-8 with BOM";
		out->text = data + 3;
		out->len = len - 3;
		return 0;
	}
	if (utf8_wellformed(u, len)) {
		out->encoding = "UTF-8";
		out->text = data;
		out->len = len;
		return 0;
	}
	/* Not UTF-8: GB18030, the superset of GBK and GB2312 that Chinese spreadsheets save.
	 * A GBK character takes 2 bytes and becomes 3 in UTF-8; a 4-byte GB18030 one becomes
	 * at most 4; so 2 × len is always enough. */
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return refuse(out, 0, "文件不是 UTF-8 编码，且本系统无法转换 GB18030 编码");
	size_t cap = len * 2 + 16;
	char *buf = rq_alloc(a, cap);
	char *in = (char *)data, *o = buf;
	size_t inleft = len, outleft = cap;
	size_t rc = iconv(cd, &in, &inleft, &o, &outleft);
	int err = errno;
	iconv_close(cd);
	if (rc == (size_t)-1) {
		size_t at = (size_t)(in - data);
		return refuse(
		    out, line_at(data, at),
		    rq_printf(a, "第 %zu 个字节（0x%02x）既不是 UTF-8 也不是 GB18030/GBK 编码%s",
			      at + 1, at < len ? u[at] : 0,
			      err == EINVAL ? "（文件在字符中间截断）" : ""));
	}
	size_t n = cap - outleft;
	/* GB18030's own byte order mark (84 31 95 33) converts to U+FEFF. */
	if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		buf += 3;
		n -= 3;
	}
	out->encoding = "GB18030";
	out->text = buf;
	out->len = n;
	return 0;
}

int rq_csv_decode(struct rq_arena *a, const char *data, size_t len, size_t max_bytes,
		  struct rq_csv_text *out)
{
	*out = (struct rq_csv_text){.text = "", .encoding = "UTF-8"};
	if (len > max_bytes)
		return refuse(
		    out, 0, rq_printf(a, "文件有 %zu 字节，此处最多接受 %zu 字节", len, max_bytes));
	if (decode(a, data, len, out) != 0)
		return -1;
	const char *nul = memchr(out->text, '\0', out->len);
	if (nul != NULL)
		return refuse(out, line_at(out->text, (size_t)(nul - out->text)),
			      "文件含有 NUL 字节，不是文本（CSV）文件");
	return 0;
}

/* ---------------------------------------------------------------------------------
 * RFC 4180 records
 * --------------------------------------------------------------------------------- */

void rq_csv_init(struct rq_csv *c, struct rq_arena *a, const struct rq_csv_text *t)
{
	*c = (struct rq_csv){.p = t->text, .end = t->text + t->len, .line = 1};
	c->scratch = rq_alloc(a, RQ_CSV_MAX_RECORD + RQ_CSV_MAX_FIELDS + 1);
}

static void csv_put(struct rq_csv *c, char ch)
{
	if (c->used >= RQ_CSV_MAX_RECORD) {
		c->too_long = true;
		return;
	}
	c->scratch[c->used++] = ch;
}

static void csv_end_field(struct rq_csv *c)
{
	/* The NUL always fits: scratch has one byte per field more than the cap. */
	if (c->used < RQ_CSV_MAX_RECORD + RQ_CSV_MAX_FIELDS)
		c->scratch[c->used++] = '\0';
	if (c->nfields + 1 < RQ_CSV_MAX_FIELDS)
		c->start[++c->nfields] = c->used;
	else
		c->too_many = true;
}

/* Consumes a line end (\r\n, \n or a lone \r) at c->p, if any. */
static bool csv_eol(struct rq_csv *c)
{
	if (c->p < c->end && *c->p == '\r') {
		c->p++;
		if (c->p < c->end && *c->p == '\n')
			c->p++;
		c->line++;
		return true;
	}
	if (c->p < c->end && *c->p == '\n') {
		c->p++;
		c->line++;
		return true;
	}
	return false;
}

int rq_csv_next(struct rq_csv *c)
{
	if (c->p >= c->end)
		return 0;
	c->used = 0;
	c->nfields = 0;
	c->start[0] = 0;
	c->record_line = c->line;
	c->too_long = c->bad_quote = c->too_many = false;
	for (;;) {
		/* at the start of a field */
		if (c->p < c->end && *c->p == '"') {
			long opened = c->line;
			c->p++;
			for (;;) {
				if (c->p >= c->end) {
					c->record_line = opened;
					return -1;
				}
				char ch = *c->p++;
				if (ch == '"') {
					if (c->p < c->end && *c->p == '"') {
						c->p++;
						csv_put(c, '"');
						continue;
					}
					break;
				}
				if (ch == '\n' || (ch == '\r' && (c->p >= c->end || *c->p != '\n')))
					c->line++;
				csv_put(c, ch);
			}
			/* after the closing quote: a separator, a line end or the end */
			while (c->p < c->end && *c->p != ',' && *c->p != '\r' && *c->p != '\n') {
				c->bad_quote = true;
				csv_put(c, *c->p++);
			}
		} else {
			while (c->p < c->end && *c->p != ',' && *c->p != '\r' && *c->p != '\n')
				csv_put(c, *c->p++);
		}
		csv_end_field(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		csv_eol(c);
		return 1;
	}
}

int rq_csv_header(struct rq_csv *c)
{
	int rc;
	while ((rc = rq_csv_next(c)) == 1 && rq_csv_blank_record(c))
		;
	return rc;
}

const char *rq_csv_open(struct rq_arena *a, const char *data, size_t len, size_t max_bytes,
			const char *empty, struct rq_csv *c, const char **encoding, long *line)
{
	struct rq_csv_text t;
	*line = 0;
	if (rq_csv_decode(a, data, len, max_bytes, &t) != 0) {
		*line = t.error_line;
		return t.error;
	}
	*encoding = t.encoding;
	rq_csv_init(c, a, &t);
	int rc = rq_csv_header(c);
	if (rc == 1)
		return NULL;
	if (rc == 0)
		return empty;
	*line = c->record_line;
	return RQ_CSV_MSG_QUOTE_OPEN;
}

int rq_csv_next_record(struct rq_csv *c)
{
	int rc;
	while ((rc = rq_csv_next(c)) == 1 && !c->too_long && !c->too_many && rq_csv_blank_record(c))
		;
	return rc;
}

const char *rq_csv_field(const struct rq_csv *c, size_t i)
{
	return i < c->nfields ? c->scratch + c->start[i] : "";
}

bool rq_csv_blank_record(const struct rq_csv *c)
{
	for (size_t i = 0; i < c->nfields; i++)
		if (!rq_csv_blank(rq_csv_field(c, i)))
			return false;
	return true;
}

const char *rq_csv_record_problem(struct rq_arena *a, const struct rq_csv *c, size_t header_fields)
{
	if (c->too_long)
		return rq_printf(a, "该行超过 %d 字节", (int)RQ_CSV_MAX_RECORD);
	if (c->too_many)
		return rq_printf(a, "该行超过 %d 个字段", (int)RQ_CSV_MAX_FIELDS - 1);
	if (c->bad_quote)
		return "引号格式错误：右引号后还有文字（引号内的引号请写作 \"\"）";
	for (size_t i = header_fields; i < c->nfields; i++)
		if (!rq_csv_blank(rq_csv_field(c, i)))
			return rq_printf(a, "该行有 %zu 个字段，而表头只有 %zu 个", c->nfields,
					 header_fields);
	return NULL;
}

const char *rq_csv_columns(struct rq_arena *a, const struct rq_csv *c,
			   const struct rq_csv_alias *aliases, size_t naliases,
			   const char *const *names, int *col, int ncols)
{
	for (int k = 0; k < ncols; k++)
		col[k] = -1;
	for (size_t i = 0; i < c->nfields; i++) {
		char *h = rq_csv_trimmed(a, rq_csv_field(c, i));
		if (h == NULL)
			continue;
		size_t n = strlen(h);
		while (n > 0 && h[n - 1] == '*')
			h[--n] = '\0';
		for (size_t k = 0; k < naliases; k++) {
			if (strcasecmp(h, aliases[k].name) != 0)
				continue;
			int which = aliases[k].col;
			if (col[which] >= 0)
				return rq_printf(a, "表头中有两个 %s 列（“%s”）", names[which], h);
			col[which] = (int)i;
			break;
		}
	}
	return NULL;
}

/* ---------------------------------------------------------------------------------
 * Values
 * --------------------------------------------------------------------------------- */

/* Length of the white space at s: ASCII blanks, NBSP (C2 A0), ideographic space (E3 80 80). */
static size_t space_at(const char *s, const char *end)
{
	if (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		return 1;
	if (end - s >= 2 && memcmp(s, "\xC2\xA0", 2) == 0)
		return 2;
	if (end - s >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

bool rq_csv_blank(const char *s)
{
	const char *end = s + strlen(s);
	size_t n;
	while ((n = space_at(s, end)) > 0)
		s += n;
	return s == end;
}

/* The trimmed value as an arena string, or NULL when empty. */
char *rq_csv_trimmed(struct rq_arena *a, const char *s)
{
	const char *end = s + strlen(s);
	size_t n;
	while ((n = space_at(s, end)) > 0)
		s += n;
	for (;;) {
		const char *t = end;
		if (t > s && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r' || t[-1] == '\n'))
			t--;
		else if (t - s >= 2 && memcmp(t - 2, "\xC2\xA0", 2) == 0)
			t -= 2;
		else if (t - s >= 3 && memcmp(t - 3, "\xE3\x80\x80", 3) == 0)
			t -= 3;
		if (t == end)
			break;
		end = t;
	}
	return end > s ? rq_strndup(a, s, (size_t)(end - s)) : NULL;
}

size_t rq_csv_chars(const char *s)
{
	size_t n = 0;
	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static bool is_control(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f;
}

bool rq_csv_has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if (is_control(*s))
			return true;
	return false;
}

void rq_csv_flatten_controls(char *s)
{
	char *o = s;
	bool in_run = false;
	for (; *s != '\0'; s++) {
		bool ctl = is_control(*s);
		if (ctl && !in_run)
			*o++ = ' ';
		else if (!ctl)
			*o++ = *s;
		in_run = ctl;
	}
	*o = '\0';
}
