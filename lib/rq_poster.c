#include "rq_poster.h"

#include "rq_png.h"
#include "rq_qr.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include FT_OUTLINE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the font: one FreeType face per process, opened on first use ----------------------- */

static FT_Library ft_lib;
static FT_Face ft_face;
static char *ft_path;

void rq_poster_font_close(void)
{
	if (ft_face != NULL)
		FT_Done_Face(ft_face);
	if (ft_lib != NULL)
		FT_Done_FreeType(ft_lib);
	free(ft_path);
	ft_face = NULL;
	ft_lib = NULL;
	ft_path = NULL;
}

int rq_poster_font_open(const char *font_file)
{
	if (font_file == NULL || *font_file == '\0')
		font_file = RQ_POSTER_FONT_DEFAULT;
	if (ft_face != NULL && strcmp(ft_path, font_file) == 0)
		return 0;
	rq_poster_font_close();
	if (FT_Init_FreeType(&ft_lib) != 0) {
		ft_lib = NULL;
		return -1;
	}
	ft_path = strdup(font_file);
	if (ft_path == NULL || FT_New_Face(ft_lib, font_file, 0, &ft_face) != 0 ||
	    !FT_IS_SCALABLE(ft_face) || ft_face->units_per_EM == 0) {
		rq_poster_font_close();
		return -1;
	}
	return 0;
}

/* --- colours: an indexed page with two ramps ---------------------------------------------
 * Index 0..127 runs from white to ink (near black), 128..255 from white to seal red. A pixel
 * is a ramp and a level; text is anti-aliased by moving the level towards the text's level
 * in proportion to the glyph's coverage, which gives black-on-white, red-on-white and
 * white-on-red with one byte per pixel (a third of RGB's bytes to compress). */

enum { RAMP_INK = 0, RAMP_RED = 128, LEVEL_MAX = 127 };

static const struct rq_png_rgb ink_rgb = {0x1a, 0x1a, 0x1a};
static const struct rq_png_rgb red_rgb = {0xc8, 0x10, 0x2e};

static const struct rq_png_rgb *palette(void)
{
	static struct rq_png_rgb pal[256];
	static int ready;
	if (!ready) {
		for (int i = 0; i <= LEVEL_MAX; i++) {
			const struct rq_png_rgb *c[2] = {&ink_rgb, &red_rgb};
			for (int k = 0; k < 2; k++) {
				struct rq_png_rgb *p = &pal[k * 128 + i];
				p->r = (uint8_t)(255 - (255 - c[k]->r) * i / LEVEL_MAX);
				p->g = (uint8_t)(255 - (255 - c[k]->g) * i / LEVEL_MAX);
				p->b = (uint8_t)(255 - (255 - c[k]->b) * i / LEVEL_MAX);
			}
		}
		ready = 1;
	}
	return pal;
}

static inline void paint(uint8_t *p, int ramp, int level, int coverage)
{
	int old_ramp = *p & 128, old = *p & LEVEL_MAX;
	if (old != 0 && old_ramp != ramp) {
		if (coverage >= 128)
			*p = (uint8_t)(ramp | level);
		return;
	}
	*p = (uint8_t)(ramp | (old + (level - old) * coverage / 255));
}

/* --- text: code points, glyphs and advances ---------------------------------------------- */

struct run {
	uint32_t cp[RQ_POSTER_MAX_TEXT];
	FT_UInt glyph[RQ_POSTER_MAX_TEXT];
	FT_Fixed adv[RQ_POSTER_MAX_TEXT]; /* font units */
	int n;
	bool cut; /* the text had more than RQ_POSTER_MAX_TEXT characters */
};

/* Decodes UTF-8 into r (invalid bytes skipped, controls read as spaces, runs of spaces
 * collapsed, ends trimmed, at most RQ_POSTER_MAX_TEXT characters) and looks up each
 * character's glyph and unhinted advance. */
static void run_load(struct run *r, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	r->n = 0;
	r->cut = false;
	while (*p != '\0') {
		if (r->n == RQ_POSTER_MAX_TEXT) {
			r->cut = true;
			break;
		}
		uint32_t cp;
		int len;
		if (p[0] < 0x80) {
			cp = p[0];
			len = 1;
		} else if ((p[0] & 0xE0) == 0xC0) {
			cp = p[0] & 0x1F;
			len = 2;
		} else if ((p[0] & 0xF0) == 0xE0) {
			cp = p[0] & 0x0F;
			len = 3;
		} else if ((p[0] & 0xF8) == 0xF0) {
			cp = p[0] & 0x07;
			len = 4;
		} else {
			p++;
			continue;
		}
		int k = 1;
		for (; k < len && (p[k] & 0xC0) == 0x80; k++)
			cp = (cp << 6) | (p[k] & 0x3F);
		p += k;
		if (k < len)
			continue;
		if (cp < 0x20 || cp == 0x7F || cp == 0x3000)
			cp = ' ';
		if (cp == ' ' && (r->n == 0 || r->cp[r->n - 1] == ' '))
			continue;
		r->cp[r->n++] = cp;
	}
	while (r->n > 0 && r->cp[r->n - 1] == ' ')
		r->n--;
	for (int i = 0; i < r->n; i++) {
		r->glyph[i] = FT_Get_Char_Index(ft_face, r->cp[i]);
		if (FT_Get_Advance(ft_face, r->glyph[i], FT_LOAD_NO_SCALE, &r->adv[i]) != 0)
			r->adv[i] = ft_face->units_per_EM;
	}
}

static double units(double u, int px)
{
	return u * px / ft_face->units_per_EM;
}

static int ascent(int px)
{
	return (int)(units(ft_face->ascender, px) + 0.999);
}

static int descent(int px)
{
	return (int)(units(-ft_face->descender, px) + 0.999);
}

/* The ellipsis that ends a cut line. */
static const uint32_t ELLIPSIS = 0x2026;

static FT_Fixed ellipsis_units(void)
{
	FT_Fixed a;
	if (FT_Get_Advance(ft_face, FT_Get_Char_Index(ft_face, ELLIPSIS), FT_LOAD_NO_SCALE, &a) !=
	    0)
		a = ft_face->units_per_EM;
	return a;
}

/* One line of a run: characters [a, b), plus an ellipsis when the text was cut. */
struct line {
	int a, b;
	bool ellipsis;
};

static double line_width(const struct run *r, const struct line *l, int px, int tracking)
{
	double u = 0;
	for (int i = l->a; i < l->b; i++)
		u += (double)r->adv[i];
	if (l->ellipsis)
		u += (double)ellipsis_units();
	int glyphs = l->b - l->a + (l->ellipsis ? 1 : 0);
	return units(u, px) + (glyphs > 1 ? (double)tracking * (glyphs - 1) : 0);
}

/* Characters that may not start a line (closing punctuation) or end one (opening). */
static bool no_line_start(uint32_t c)
{
	static const uint32_t set[] = {0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF01, 0xFF1F,
				       0xFF09, 0x300B, 0x300D, 0x300F, 0x3011, 0x201D, 0x2019,
				       ')',    ',',    '.',    ';',    ':',    '!',    '?',
				       ']',    0x00B7, 0x2026, 0x3009};
	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		if (set[i] == c)
			return true;
	return false;
}

static bool no_line_end(uint32_t c)
{
	static const uint32_t set[] = {0xFF08, 0x300A, 0x300C, 0x300E, 0x3010,
				       0x201C, 0x2018, '(',    '[',    0x3008};
	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		if (set[i] == c)
			return true;
	return false;
}

static bool is_word(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       c == '-' || c == '&';
}

static bool can_break_before(const struct run *r, int i)
{
	return !(no_line_start(r->cp[i]) || no_line_end(r->cp[i - 1]) ||
		 (is_word(r->cp[i - 1]) && is_word(r->cp[i])));
}

/* Greedy line breaking of r into lines no wider than max_w pixels. Fills up to max_lines
 * lines and returns how many the whole text needs (may exceed max_lines). */
static int wrap(const struct run *r, int px, int tracking, double max_w, struct line *lines,
		int max_lines)
{
	int n = 0, s = 0;
	while (s < r->n) {
		if (r->cp[s] == ' ') {
			s++;
			continue;
		}
		double w = 0;
		int i = s;
		while (i < r->n) {
			double add = units((double)r->adv[i], px) + (i > s ? tracking : 0);
			if (w + add > max_w && i > s)
				break;
			w += add;
			i++;
		}
		int b = i;
		if (i < r->n) {
			/* Step back to the last allowed break; none: cut where it overflowed. */
			while (b > s + 1 && !can_break_before(r, b))
				b--;
			if (b == s + 1 && !can_break_before(r, b))
				b = i;
		}
		int e = b;
		while (e > s && r->cp[e - 1] == ' ')
			e--;
		if (n < max_lines)
			lines[n] = (struct line){s, e, false};
		n++;
		s = b;
	}
	return n;
}

/* A block of text fitted into a box: the largest size from max_px down to pref_min_px
 * that needs at most pref_lines lines, else the largest size from there down to min_px
 * with at most max_lines lines, that fits the box's width and height; then rebalanced to
 * the narrowest width that keeps the line count (so a name does not end in one lonely
 * character). Longer texts never get larger type. When even min_px does not fit, as many
 * lines as fit are kept and the last ends in …. */
struct block {
	int px, tracking, lead; /* lead: baseline-to-baseline distance */
	struct line lines[RQ_POSTER_MAX_LINES];
	int n;
	bool truncated;
};

static int block_height(const struct block *b)
{
	return b->n > 0 ? (b->n - 1) * b->lead + ascent(b->px) + descent(b->px) : 0;
}

/* Cuts the last line of b so that it ends in … within box_w. */
static void cut_last_line(const struct run *r, struct block *b, int box_w)
{
	struct line *last = &b->lines[b->n - 1];
	last->b = r->n;
	last->ellipsis = true;
	while (last->b > last->a && line_width(r, last, b->px, b->tracking) > box_w)
		last->b--;
	while (last->b > last->a && r->cp[last->b - 1] == ' ')
		last->b--;
	b->truncated = true;
}

static void fit(const struct run *r, int max_px, int pref_min_px, int min_px, int tracking,
		double spacing, int box_w, int box_h, int pref_lines, int max_lines,
		struct block *out)
{
	memset(out, 0, sizeof(*out));
	out->tracking = tracking;
	if (max_lines > RQ_POSTER_MAX_LINES)
		max_lines = RQ_POSTER_MAX_LINES;
	const int limits[2] = {pref_lines < max_lines ? pref_lines : max_lines, max_lines};
	const int from[2] = {max_px, pref_min_px}, to[2] = {pref_min_px, min_px};
	for (int pass = 0; pass < 2; pass++) {
		for (int px = from[pass]; px >= to[pass]; px -= px > 60 ? 4 : 2) {
			out->px = px;
			out->lead = (int)(px * spacing + 0.5);
			out->n = wrap(r, px, tracking, box_w, out->lines, max_lines);
			if (out->n > limits[pass] || block_height(out) > box_h)
				continue;
			/* Balance: the narrowest width giving the same number of lines. */
			double lo = (double)box_w / (out->n + 1), hi = box_w;
			struct line tmp[RQ_POSTER_MAX_LINES];
			for (int k = 0; k < 14 && out->n > 1; k++) {
				double mid = (lo + hi) / 2;
				if (wrap(r, px, tracking, mid, tmp, max_lines) == out->n)
					hi = mid;
				else
					lo = mid;
			}
			out->n = wrap(r, px, tracking, hi, out->lines, max_lines);
			if (r->cut)
				cut_last_line(r, out, box_w);
			return;
		}
	}
	/* Nothing fits: the smallest size, the lines that fit, the last one cut. */
	out->px = min_px;
	out->lead = (int)(min_px * spacing + 0.5);
	int room = 1 + (box_h - ascent(min_px) - descent(min_px)) / out->lead;
	if (room > max_lines)
		room = max_lines;
	if (room < 1)
		room = 1;
	wrap(r, min_px, tracking, box_w, out->lines, room);
	out->n = room;
	cut_last_line(r, out, box_w);
}

/* --- layout -------------------------------------------------------------------------------- */

/* Page geometry in pixels at 300 dpi (1 mm ≈ 11.8 px). */
enum {
	FRAME_INSET = 118, /* 10 mm white margin: printers do not print to the edge */
	FRAME_THICK = 30,
	FRAME_GAP = 18,
	FRAME_LINE = 6,
	INNER = FRAME_INSET + FRAME_THICK + FRAME_GAP + FRAME_LINE, /* 172 */
	BAND_H = 520,
	TEXT_PAD = 110, /* text keeps this far from the frame's inner line */
	QR_MAX = 1400,
	GAP = 40,
};

static const char TITLE[] = "公务入企码";
static const char RULE[] = "先扫码，后入企";
static const char HINT[] = "入企公务活动人员请使用微信扫码登记";
static const char SERIAL_LABEL[] = "编号：";

struct plan {
	struct rq_poster_layout l;
	struct rq_qr qr;
	struct run name, footer, title, rule, hint, serial;
	struct block name_block, footer_block;
	int title_px, title_track, rule_px, hint_px, serial_px;
};

static struct rq_poster_box box(int x0, int y0, int x1, int y1)
{
	return (struct rq_poster_box){x0, y0, x1, y1};
}

/* A single centred line at the largest size up to max_px that fits width w. */
static int single_line_px(const struct run *r, int max_px, int min_px, int tracking, int w)
{
	struct line l = {0, r->n, false};
	int px = max_px;
	while (px > min_px && line_width(r, &l, px, tracking) > w)
		px -= 2;
	return px;
}

static struct rq_poster_box centred_line(const struct run *r, int px, int tracking, int top)
{
	struct line l = {0, r->n, false};
	int w = (int)(line_width(r, &l, px, tracking) + 0.999);
	int x0 = (RQ_POSTER_WIDTH - w) / 2;
	return box(x0, top, x0 + w, top + ascent(px) + descent(px));
}

static int plan_layout(const struct rq_poster_text *t, struct plan *p)
{
	if (ft_face == NULL || t->name == NULL || t->serial == NULL || t->url == NULL)
		return -1;
	struct rq_poster_layout *l = &p->l;
	memset(l, 0, sizeof(*l));
	l->page = box(0, 0, RQ_POSTER_WIDTH, RQ_POSTER_HEIGHT);
	l->inner = box(INNER, INNER, RQ_POSTER_WIDTH - INNER, RQ_POSTER_HEIGHT - INNER);
	const int text_x0 = INNER + TEXT_PAD, text_x1 = RQ_POSTER_WIDTH - INNER - TEXT_PAD;
	const int text_w = text_x1 - text_x0;

	run_load(&p->name, t->name);
	run_load(&p->footer,
		 t->footer != NULL && *t->footer != '\0' ? t->footer : RQ_POSTER_FOOTER_DEFAULT);
	run_load(&p->title, TITLE);
	run_load(&p->rule, RULE);
	run_load(&p->hint, HINT);
	char serial[128];
	snprintf(serial, sizeof(serial), "%s%s", SERIAL_LABEL, t->serial);
	run_load(&p->serial, serial);
	if (p->name.n == 0)
		return -1;

	/* Title band at the top, the title centred in it. */
	l->band = box(INNER, INNER, RQ_POSTER_WIDTH - INNER, INNER + BAND_H);
	p->title_track = 70;
	p->title_px = single_line_px(&p->title, 300, 120, p->title_track, text_w);
	int th = ascent(p->title_px) + descent(p->title_px);
	l->title =
	    centred_line(&p->title, p->title_px, p->title_track, l->band.y0 + (BAND_H - th) / 2);

	/* From the bottom up: supervision line (one or two lines), a rule above it, the hint,
	 * the rule 先扫码，后入企, the serial. */
	int bottom = l->inner.y1 - 44;
	fit(&p->footer, 50, 36, 26, 0, 1.3, text_w, 2 * 34 + 8, 1, 2, &p->footer_block);
	int fy = bottom - block_height(&p->footer_block);
	l->footer_lines = p->footer_block.n;
	for (int i = 0; i < p->footer_block.n; i++) {
		struct rq_poster_box b = centred_line(&p->footer, p->footer_block.px, 0, 0);
		int w =
		    (int)(line_width(&p->footer, &p->footer_block.lines[i], p->footer_block.px, 0) +
			  0.999);
		int y = fy + i * p->footer_block.lead;
		l->footer[i] = box((RQ_POSTER_WIDTH - w) / 2, y, (RQ_POSTER_WIDTH - w) / 2 + w,
				   y + (b.y1 - b.y0));
	}
	int y = fy - 70; /* the thin red rule above the footer sits in this gap */
	p->hint_px = single_line_px(&p->hint, 60, 30, 6, text_w);
	l->hint =
	    centred_line(&p->hint, p->hint_px, 6, y - ascent(p->hint_px) - descent(p->hint_px));
	y = l->hint.y0 - 20;
	p->rule_px = single_line_px(&p->rule, 190, 80, 24, text_w);
	l->rule =
	    centred_line(&p->rule, p->rule_px, 24, y - ascent(p->rule_px) - descent(p->rule_px));
	y = l->rule.y0 - 10;
	p->serial_px = single_line_px(&p->serial, 76, 30, 4, text_w);
	l->serial = centred_line(&p->serial, p->serial_px, 4,
				 y - ascent(p->serial_px) - descent(p->serial_px));

	/* The QR right above the serial, as large as fits up to QR_MAX. */
	if (rq_qr_encode(&p->qr, t->url) != 0)
		return -1;
	int qr_bottom = l->serial.y0 - 24;
	int name_top = l->band.y1 + GAP + 20;
	int room = qr_bottom - name_top - 360; /* at least 360 px stay for the name */
	int cells = p->qr.width + 2 * RQ_QR_QUIET;
	int side_max = room < QR_MAX ? room : QR_MAX;
	l->qr_module_px = side_max / cells;
	if (l->qr_module_px < 8)
		return -1;
	int side = rq_qr_side(&p->qr, l->qr_module_px);
	l->qr = box((RQ_POSTER_WIDTH - side) / 2, qr_bottom - side, (RQ_POSTER_WIDTH + side) / 2,
		    qr_bottom);

	/* The enterprise name in what is left between the band and the QR. */
	l->name_area = box(text_x0, name_top, text_x1, l->qr.y0 - GAP);
	fit(&p->name, 150, 96, 44, 4, 1.28, text_w, l->name_area.y1 - l->name_area.y0, 3,
	    RQ_POSTER_MAX_LINES, &p->name_block);
	struct block *nb = &p->name_block;
	l->name_px = nb->px;
	l->name_lines = nb->n;
	l->name_truncated = nb->truncated;
	int ny = l->name_area.y0 + (l->name_area.y1 - l->name_area.y0 - block_height(nb)) / 2;
	for (int i = 0; i < nb->n; i++) {
		int w = (int)(line_width(&p->name, &nb->lines[i], nb->px, nb->tracking) + 0.999);
		int x0 = (RQ_POSTER_WIDTH - w) / 2, y0 = ny + i * nb->lead;
		l->name[i] = box(x0, y0, x0 + w, y0 + ascent(nb->px) + descent(nb->px));
	}
	return 0;
}

int rq_poster_layout(const struct rq_poster_text *t, struct rq_poster_layout *layout)
{
	struct plan *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -1;
	int rc = plan_layout(t, p);
	if (rc == 0)
		*layout = p->l;
	rq_qr_free(&p->qr);
	free(p);
	return rc;
}

/* --- drawing --------------------------------------------------------------------------------- */

/* Text weight: the font has no bold face, so outlines are emboldened by px / weight
 * pixels (0: regular). */
enum { WEIGHT_REGULAR = 0, WEIGHT_MEDIUM = 48, WEIGHT_BOLD = 26 };

/* Draws glyphs [a, b) of r (and an ellipsis) from x on the baseline, unhinted (the sizes
 * are large and the positions must match the measurements). */
static void draw_line(struct rq_png_image *img, const struct run *r, const struct line *ln, int px,
		      int tracking, int x, int baseline, int ramp, int level, int weight)
{
	if (FT_Set_Pixel_Sizes(ft_face, 0, (FT_UInt)px) != 0)
		return;
	double pen = x;
	int count = ln->b - ln->a + (ln->ellipsis ? 1 : 0);
	for (int k = 0; k < count; k++) {
		int i = ln->a + k;
		FT_UInt g = i < ln->b ? r->glyph[i] : FT_Get_Char_Index(ft_face, ELLIPSIS);
		FT_Fixed adv = i < ln->b ? r->adv[i] : ellipsis_units();
		if (FT_Load_Glyph(ft_face, g, FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP) == 0) {
			FT_GlyphSlot s = ft_face->glyph;
			int grow = weight > 0 ? px * 64 / weight : 0; /* 26.6 */
			if (grow > 0 && s->format == FT_GLYPH_FORMAT_OUTLINE)
				FT_Outline_Embolden(&s->outline, grow);
			if (FT_Render_Glyph(s, FT_RENDER_MODE_NORMAL) == 0 &&
			    s->bitmap.pixel_mode == FT_PIXEL_MODE_GRAY) {
				/* Emboldening grows the outline rightwards: recentre it. */
				int gx = (int)(pen + 0.5) + s->bitmap_left - grow / 128;
				int gy = baseline - s->bitmap_top;
				for (unsigned row = 0; row < s->bitmap.rows; row++) {
					int yy = gy + (int)row;
					if (yy < 0 || yy >= img->height)
						continue;
					const uint8_t *src =
					    s->bitmap.buffer + (long)row * s->bitmap.pitch;
					uint8_t *dst =
					    img->pixels + (size_t)yy * (size_t)img->width;
					for (unsigned col = 0; col < s->bitmap.width; col++) {
						int xx = gx + (int)col;
						if (src[col] != 0 && xx >= 0 && xx < img->width)
							paint(dst + xx, ramp, level, src[col]);
					}
				}
			}
		}
		pen += units((double)adv, px) + tracking;
	}
}

static void draw_boxed(struct rq_png_image *img, const struct run *r, const struct line *ln, int px,
		       int tracking, const struct rq_poster_box *b, int ramp, int level, int weight)
{
	draw_line(img, r, ln, px, tracking, b->x0, b->y0 + ascent(px), ramp, level, weight);
}

static void frame(struct rq_png_image *img, int inset, int thick, uint8_t v)
{
	int w = img->width, h = img->height;
	rq_png_fill_rect(img, inset, inset, w - inset, inset + thick, v);
	rq_png_fill_rect(img, inset, h - inset - thick, w - inset, h - inset, v);
	rq_png_fill_rect(img, inset, inset, inset + thick, h - inset, v);
	rq_png_fill_rect(img, w - inset - thick, inset, w - inset, h - inset, v);
}

static void corner_marks(struct rq_png_image *img, const struct rq_poster_box *b, int len,
			 int thick, int out, uint8_t v)
{
	int x0 = b->x0 - out, y0 = b->y0 - out, x1 = b->x1 + out, y1 = b->y1 + out;
	rq_png_fill_rect(img, x0, y0, x0 + len, y0 + thick, v);
	rq_png_fill_rect(img, x0, y0, x0 + thick, y0 + len, v);
	rq_png_fill_rect(img, x1 - len, y0, x1, y0 + thick, v);
	rq_png_fill_rect(img, x1 - thick, y0, x1, y0 + len, v);
	rq_png_fill_rect(img, x0, y1 - thick, x0 + len, y1, v);
	rq_png_fill_rect(img, x0, y1 - len, x0 + thick, y1, v);
	rq_png_fill_rect(img, x1 - len, y1 - thick, x1, y1, v);
	rq_png_fill_rect(img, x1 - thick, y1 - len, x1, y1, v);
}

int rq_poster_png(const struct rq_poster_text *t, const char *font_file, uint8_t **png, size_t *len,
		  struct rq_poster_layout *layout)
{
	*png = NULL;
	*len = 0;
	if (rq_poster_font_open(font_file) != 0)
		return -1;
	struct plan *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -1;
	struct rq_png_image img = {0};
	int rc = -1;
	if (plan_layout(t, p) != 0)
		goto out;
	if (rq_png_image_init(&img, RQ_PNG_PALETTE, RQ_POSTER_WIDTH, RQ_POSTER_HEIGHT,
			      RAMP_INK | 0) != 0)
		goto out;
	img.palette = palette();
	img.npalette = 256;
	const struct rq_poster_layout *l = &p->l;
	const uint8_t red = RAMP_RED | LEVEL_MAX, ink = RAMP_INK | LEVEL_MAX;

	/* Frame: a heavy red border and a thin red line inside it; the band joins the line. */
	frame(&img, FRAME_INSET, FRAME_THICK, red);
	frame(&img, FRAME_INSET + FRAME_THICK + FRAME_GAP, FRAME_LINE, red);
	rq_png_fill_rect(&img, l->band.x0, l->band.y0, l->band.x1, l->band.y1, red);
	/* A thin white line inside the band's lower edge, like a ribbon's hem. */
	rq_png_fill_rect(&img, l->band.x0 + 40, l->band.y1 - 40, l->band.x1 - 40, l->band.y1 - 34,
			 RAMP_RED | 0);
	struct line whole = {0, p->title.n, false};
	draw_boxed(&img, &p->title, &whole, p->title_px, p->title_track, &l->title, RAMP_RED, 0,
		   WEIGHT_BOLD);

	for (int i = 0; i < p->name_block.n; i++)
		draw_boxed(&img, &p->name, &p->name_block.lines[i], p->name_block.px,
			   p->name_block.tracking, &l->name[i], RAMP_INK, LEVEL_MAX, WEIGHT_MEDIUM);

	rq_qr_draw(&p->qr, &img, l->qr.x0, l->qr.y0, l->qr_module_px, ink, RAMP_INK | 0);
	corner_marks(&img, &l->qr, 110, 12, 6, red);

	whole = (struct line){0, p->serial.n, false};
	draw_boxed(&img, &p->serial, &whole, p->serial_px, 4, &l->serial, RAMP_INK, 100,
		   WEIGHT_REGULAR);
	whole = (struct line){0, p->rule.n, false};
	draw_boxed(&img, &p->rule, &whole, p->rule_px, 24, &l->rule, RAMP_RED, LEVEL_MAX,
		   WEIGHT_BOLD);
	whole = (struct line){0, p->hint.n, false};
	draw_boxed(&img, &p->hint, &whole, p->hint_px, 6, &l->hint, RAMP_INK, 110, WEIGHT_REGULAR);

	int rule_y = l->footer[0].y0 - 40;
	rq_png_fill_rect(&img, INNER + TEXT_PAD, rule_y, RQ_POSTER_WIDTH - INNER - TEXT_PAD,
			 rule_y + 4, red);
	for (int i = 0; i < p->footer_block.n; i++)
		draw_boxed(&img, &p->footer, &p->footer_block.lines[i], p->footer_block.px, 0,
			   &l->footer[i], RAMP_INK, 105, WEIGHT_REGULAR);

	if (rq_png_encode(&img, RQ_POSTER_DPI, 16u * 1024 * 1024, png, len) != 0)
		goto out;
	if (layout != NULL)
		*layout = p->l;
	rc = 0;
out:
	rq_png_image_free(&img);
	rq_qr_free(&p->qr);
	free(p);
	return rc;
}

/* --- the activation-code slip ------------------------------------------------------------ */

enum {
	SLIP_INSET = 59, /* 5 mm */
	SLIP_FRAME = 12,
	SLIP_PAD = 70, /* text keeps this far from the frame */
	SLIP_BAND_H = 190,
	SLIP_CODE_BOX_PAD = 36,
	SLIP_NAME_H = 380, /* room for the enterprise name */
};

static const char SLIP_TITLE[] = "公务入企码 · 激活码";
static const char SLIP_CODE_LABEL[] = "激活码（仅限一次使用）";
static const char SLIP_HOW[] = "在微信小程序“企业认证”中扫码并输入激活码";
static const char SLIP_NOTE[] = "请妥善保管；重新打印后，原激活码作废";

struct slip_plan {
	struct run title, name, serial, label, code, how, note;
	struct block name_block, how_block;
};

/* The code as printed: groups of five separated by a space (claimants may type the spaces:
 * rq.activation_code_normalise() drops them). Returns -1 when the code is malformed. */
static int slip_code_text(const char *code, char *out, size_t cap)
{
	size_t n = strlen(code), k = 0;
	if (n < 4 || n > RQ_SLIP_CODE_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = code[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) || k + 3 > cap)
			return -1;
		if (i > 0 && i % 5 == 0)
			out[k++] = ' ';
		out[k++] = c;
	}
	out[k] = '\0';
	return 0;
}

/* Draws each character of r centred in its own cell of width cell, from x, on baseline. */
static void draw_cells(struct rq_png_image *img, const struct run *r, int px, int cell, int x,
		       int baseline, int ramp, int level, int weight)
{
	for (int i = 0; i < r->n; i++) {
		struct line one = {i, i + 1, false};
		int w = (int)(line_width(r, &one, px, 0) + 0.5);
		if (r->cp[i] != ' ')
			draw_line(img, r, &one, px, 0, x + (cell - w) / 2, baseline, ramp, level,
				  weight);
		x += cell;
	}
}

static void draw_block(struct rq_png_image *img, const struct run *r, const struct block *b,
		       int top, int ramp, int level, int weight)
{
	for (int i = 0; i < b->n; i++) {
		int w = (int)(line_width(r, &b->lines[i], b->px, b->tracking) + 0.999);
		draw_line(img, r, &b->lines[i], b->px, b->tracking, (RQ_SLIP_WIDTH - w) / 2,
			  top + i * b->lead + ascent(b->px), ramp, level, weight);
	}
}

static void draw_centred(struct rq_png_image *img, const struct run *r, int px, int tracking,
			 int top, int ramp, int level, int weight)
{
	struct line l = {0, r->n, false};
	int w = (int)(line_width(r, &l, px, tracking) + 0.999);
	draw_line(img, r, &l, px, tracking, (RQ_SLIP_WIDTH - w) / 2, top + ascent(px), ramp, level,
		  weight);
}

int rq_poster_slip_png(const struct rq_poster_slip *s, const char *font_file, uint8_t **png,
		       size_t *len)
{
	*png = NULL;
	*len = 0;
	char code[2 * RQ_SLIP_CODE_MAX + 1], serial[128];
	if (s->name == NULL || s->serial == NULL || s->activation_code == NULL ||
	    slip_code_text(s->activation_code, code, sizeof(code)) != 0)
		return -1;
	if (rq_poster_font_open(font_file) != 0)
		return -1;
	struct slip_plan *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -1;
	struct rq_png_image img = {0};
	int rc = -1;
	run_load(&p->title, SLIP_TITLE);
	run_load(&p->name, s->name);
	snprintf(serial, sizeof(serial), "%s%s", SERIAL_LABEL, s->serial);
	run_load(&p->serial, serial);
	run_load(&p->label, SLIP_CODE_LABEL);
	run_load(&p->code, code);
	run_load(&p->how, SLIP_HOW);
	run_load(&p->note, SLIP_NOTE);
	if (p->name.n == 0)
		goto out;
	if (rq_png_image_init(&img, RQ_PNG_PALETTE, RQ_SLIP_WIDTH, RQ_SLIP_HEIGHT, RAMP_INK | 0) !=
	    0)
		goto out;
	img.palette = palette();
	img.npalette = 256;
	const uint8_t red = RAMP_RED | LEVEL_MAX;
	const int x0 = SLIP_INSET + SLIP_FRAME + SLIP_PAD;
	const int text_w = RQ_SLIP_WIDTH - 2 * x0;

	frame(&img, SLIP_INSET, SLIP_FRAME, red);
	const int band_y0 = SLIP_INSET + SLIP_FRAME;
	rq_png_fill_rect(&img, band_y0, band_y0, RQ_SLIP_WIDTH - band_y0, band_y0 + SLIP_BAND_H,
			 red);
	int px = single_line_px(&p->title, 84, 40, 8, text_w);
	draw_centred(&img, &p->title, px, 8, band_y0 + (SLIP_BAND_H - ascent(px) - descent(px)) / 2,
		     RAMP_RED, 0, WEIGHT_BOLD);

	/* The enterprise name: up to four lines, shrinking before it wraps past two. */
	int y = band_y0 + SLIP_BAND_H + 80;
	fit(&p->name, 76, 52, 34, 2, 1.3, text_w, SLIP_NAME_H, 2, 4, &p->name_block);
	int name_h = block_height(&p->name_block);
	draw_block(&img, &p->name, &p->name_block, y + (SLIP_NAME_H - name_h) / 2, RAMP_INK,
		   LEVEL_MAX, WEIGHT_MEDIUM);
	y += SLIP_NAME_H + 50;
	px = single_line_px(&p->serial, 46, 28, 2, text_w);
	draw_centred(&img, &p->serial, px, 2, y, RAMP_INK, 100, WEIGHT_REGULAR);
	y += ascent(px) + descent(px) + 80;

	/* The code: its label, then one cell per character inside a thin red box. */
	px = single_line_px(&p->label, 48, 28, 4, text_w);
	draw_centred(&img, &p->label, px, 4, y, RAMP_RED, LEVEL_MAX, WEIGHT_REGULAR);
	y += ascent(px) + descent(px) + 40;
	int code_px = 150, cell = 0;
	for (; code_px > 40; code_px -= 4) {
		cell = code_px * 3 / 4;
		if (cell * p->code.n <= text_w - 2 * SLIP_CODE_BOX_PAD)
			break;
	}
	int code_w = cell * p->code.n, code_h = ascent(code_px) + descent(code_px);
	int bx0 = (RQ_SLIP_WIDTH - code_w) / 2 - SLIP_CODE_BOX_PAD;
	int bx1 = (RQ_SLIP_WIDTH + code_w) / 2 + SLIP_CODE_BOX_PAD;
	int by1 = y + code_h + 2 * SLIP_CODE_BOX_PAD;
	rq_png_fill_rect(&img, bx0, y, bx1, by1, red);
	rq_png_fill_rect(&img, bx0 + 6, y + 6, bx1 - 6, by1 - 6, RAMP_INK | 0);
	draw_cells(&img, &p->code, code_px, cell, (RQ_SLIP_WIDTH - code_w) / 2,
		   y + SLIP_CODE_BOX_PAD + ascent(code_px), RAMP_INK, LEVEL_MAX, WEIGHT_BOLD);
	y = by1 + 120;

	/* How to use it, and the note. */
	fit(&p->how, 52, 40, 30, 2, 1.35, text_w, 160, 1, 3, &p->how_block);
	draw_block(&img, &p->how, &p->how_block, y, RAMP_INK, LEVEL_MAX, WEIGHT_REGULAR);
	y += block_height(&p->how_block) + 60;
	px = single_line_px(&p->note, 38, 24, 2, text_w);
	draw_centred(&img, &p->note, px, 2, y, RAMP_INK, 100, WEIGHT_REGULAR);

	if (rq_png_encode(&img, RQ_POSTER_DPI, 4u * 1024 * 1024, png, len) == 0)
		rc = 0;
out:
	rq_png_image_free(&img);
	free(p);
	return rc;
}
