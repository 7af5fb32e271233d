/* The printable poster (打印张贴版): an A4 page at 300 dpi with the title 公务入企码 on a red
 * band, the enterprise name, the QR code, its serial, the rule 先扫码，后入企, a hint for
 * officials and the supervision line, inside a red double frame. Text is set with
 * FreeType (WenQuanYi Micro Hei); the page is an indexed-colour PNG. */
#ifndef RQ_POSTER_H
#define RQ_POSTER_H

#include "rq_attr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	RQ_POSTER_WIDTH = 2480, /* A4 at 300 dpi: 210 mm × 297 mm */
	RQ_POSTER_HEIGHT = 3508,
	RQ_POSTER_DPI = 300,
	RQ_POSTER_MAX_LINES = 12, /* of the enterprise name */
	RQ_POSTER_MAX_TEXT = 400, /* characters of any text; longer input is cut */
};

#define RQ_POSTER_FONT_DEFAULT	 "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
#define RQ_POSTER_FOOTER_DEFAULT "信阳市优化营商环境工作领导小组办公室 监制 · 监督电话 12345"

/* What the poster shows; nothing else about the enterprise is printed. */
struct rq_poster_text {
	const char *name;   /* enterprise name, UTF-8 */
	const char *serial; /* printed serial, e.g. "411502-000017" */
	const char *url;    /* what the QR encodes: <public base URL>/e/<token> */
	const char *footer; /* supervision line; NULL or "" = RQ_POSTER_FOOTER_DEFAULT */
};

/* A rectangle [x0, x1) × [y0, y1) in pixels. */
struct rq_poster_box {
	int x0, y0, x1, y1;
};

/* Where everything goes. Text boxes are line boxes: pen start to end of the last advance,
 * ascender to descender. */
struct rq_poster_layout {
	struct rq_poster_box page;  /* the whole sheet */
	struct rq_poster_box inner; /* inside the frame: every box below lies within it */
	struct rq_poster_box band;  /* the red title band */
	struct rq_poster_box title;
	struct rq_poster_box name_area; /* room given to the enterprise name */
	struct rq_poster_box name[RQ_POSTER_MAX_LINES];
	int name_lines;
	int name_px;		 /* font size of the name, pixels per em */
	bool name_truncated;	 /* even the smallest size could not hold it: cut with … */
	struct rq_poster_box qr; /* the symbol with its quiet zone */
	int qr_module_px;
	struct rq_poster_box serial, rule, hint;
	struct rq_poster_box footer[2];
	int footer_lines;
};

/* Opens font_file (face 0) with FreeType once per process and keeps it for later calls;
 * a later call with another path reopens. Returns 0, or -1 when the file cannot be read as
 * a font. Nothing to free: the face lives until rq_poster_font_close() or exit. */
int rq_poster_font_open(const char *font_file) RQ_MUST_USE;
void rq_poster_font_close(void);

/* Lays out the poster for t with the open font (measured with FreeType). Returns 0, or -1
 * when no font is open, the QR cannot encode t->url or the texts are not usable. */
int rq_poster_layout(const struct rq_poster_text *t, struct rq_poster_layout *layout) RQ_MUST_USE;

/* Renders the poster of t as a PNG (2480 × 3508, 300 dpi pHYs), opening font_file first if
 * needed. Returns 0 and sets *png (malloc'd: the caller frees it with free()) and *len;
 * fills *layout when it is not NULL. Returns -1 on failure (nothing to free). */
int rq_poster_png(const struct rq_poster_text *t, const char *font_file, uint8_t **png, size_t *len,
		  struct rq_poster_layout *layout) RQ_MUST_USE;

/* The activation-code slip (激活码单) that is printed with the poster and handed to the
 * enterprise: an A6 page at 300 dpi (105 mm × 148 mm) with the enterprise name, the code's
 * serial, the one-time activation code in large type, one character per cell, and how to
 * use it. Same font and colours as the poster. */
enum {
	RQ_SLIP_WIDTH = 1240, /* A6 at 300 dpi */
	RQ_SLIP_HEIGHT = 1748,
	RQ_SLIP_CODE_MAX = 16, /* characters of the activation code */
};

struct rq_poster_slip {
	const char *name;	     /* enterprise name, UTF-8 */
	const char *serial;	     /* the poster's serial */
	const char *activation_code; /* 4..16 characters of [0-9A-Z], printed in groups of 5 */
};

/* Renders the slip of s as a PNG (1240 × 1748, 300 dpi pHYs), opening font_file first if
 * needed. Returns 0 and sets *png (malloc'd: the caller frees it with free()) and *len, or
 * -1 when the font cannot be opened, a text is missing or the code is malformed. */
int rq_poster_slip_png(const struct rq_poster_slip *s, const char *font_file, uint8_t **png,
		       size_t *len) RQ_MUST_USE;

#endif
