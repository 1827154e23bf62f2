/* wsuslog-gen: the line-template engine. Templates (noise bursts, scan and
 * fault blocks, server entries) are compiled once into literal segments and
 * slots, so rendering a line is a few memcpy calls and integer writers. */
#include "gen.h"

/* Slots ($x):
 *   u / l      a new random GUID, upper / lower case
 *   0-3 / 4-7  GUID variable 0-3 of the burst, upper / lower case (mostly
 *              from the machine's update-ID pool, set on first use)
 *   n m k c    random 1..999, 1000..99999, one digit, percent 0..100
 *   w a        the burst's thread number, the burst's repeated number
 *   o p        start an IdleTimer operation (push its number) / end it (pop)
 *   i          the call id of the burst or scan
 *   h e        the HRESULT of the burst or scan, 8 hex digits upper / lower
 *   d r z      tomorrow's local date-time, REPORT EVENT time with zone, zone
 *   x          16 random base64 characters
 *   b          8 decimal digits 80000000..99999999 (a byte count that would
 *              be a failure code if read as hex)
 *   y          32 lower-case hex digits (a Download sandbox directory)
 *   A-Z        string variables set by the renderer (render.c) */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every compiled line, so that a truth row can name the template line it
 * came from (its "shape"). Filled once, before any rendering thread. */
static struct {
	const wl_gen_seg *seg;
	const wl_gen_tline *line;
} shapes[8192];
static unsigned nshapes;

static void die_tpl(const char *why, const char *text)
{
	fprintf(stderr, "wsuslog-gen: bad template (%s): %.80s\n", why, text);
	abort();
}

static int contains(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, needle, k) == 0)
			return 1;
	return 0;
}

static unsigned slot_guess(char c)
{
	switch (c) {
	case 'u':
	case 'l':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
		return 36;
	case 'h':
	case 'e':
		return 8;
	case 'd':
		return 19;
	case 'r':
		return 28;
	case 'x':
		return 16;
	case 'b':
		return 8;
	case 'y':
		return 32;
	default:
		return c >= 'A' && c <= 'Z' ? 40 : 4;
	}
}

wl_gen_tpl wl_gen_tpl_compile(const char *text, unsigned max_fields)
{
	size_t tl = strlen(text);
	/* Upper bounds: every '$' and '|' and '\n' starts a segment. */
	size_t nseg_max = 2, nline_max = 1;
	for (size_t i = 0; i < tl; i++) {
		nseg_max += text[i] == '$' || text[i] == '|' || text[i] == '\n';
		nline_max += text[i] == '\n';
	}
	nseg_max *= 2;
	wl_gen_seg *seg = calloc(nseg_max, sizeof *seg);
	wl_gen_tline *line = calloc(nline_max, sizeof *line);
	if (!seg || !line)
		die_tpl("out of memory", text);
	size_t ns = 0, nl = 0;
	unsigned approx = 0;
	const char *p = text, *end = text + tl;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		wl_gen_tline *L = &line[nl++];
		for (;; p++) {
			if (*p == '=')
				L->flags |= WL_GEN_LF_SAME;
			else if (*p == '^')
				L->flags |= WL_GEN_LF_PAUSE;
			else if (*p == '@')
				L->flags |= WL_GEN_LF_ANCHOR;
			else if (*p == '#')
				L->flags |= WL_GEN_LF_MARK;
			else if (*p == '*')
				L->flags |= WL_GEN_LF_PID2;
			else if (*p == '>')
				L->flags |= WL_GEN_LF_RAW;
			else if (*p == '<')
				L->flags |= WL_GEN_LF_BACK;
			else
				break;
		}
		unsigned maxf = (L->flags & WL_GEN_LF_RAW) ? 1 : max_fields;
		approx += 60;
		for (unsigned f = 0; f < maxf; f++) {
			const char *fe = eol;
			if (f + 1 < maxf) {
				fe = memchr(p, '|', (size_t)(eol - p));
				if (!fe)
					die_tpl("missing field", p);
			}
			if (ns > 0xffff)
				die_tpl("too long", text);
			L->field[f] = (uint16_t)ns;
			size_t first = ns;
			const char *q = p;
			while (q < fe) {
				const char *d = memchr(q, '$', (size_t)(fe - q));
				const char *le = d ? d : fe;
				wl_gen_seg *s = &seg[ns++];
				s->lit = q;
				s->len = (uint16_t)(le - q);
				approx += s->len;
				if (!d)
					break;
				if (d + 1 >= fe)
					die_tpl("dangling $", p);
				char c = d[1];
				if (c == '$') {
					s->len++; /* keep one '$' literally */
				} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
				             (c >= 'A' && c <= 'Z'))) {
					die_tpl("bad slot", d);
				} else {
					s->slot = c;
					approx += slot_guess(c);
				}
				q = d + 2;
			}
			L->nseg[f] = (uint16_t)(ns - first);
			if (f == 0 && L->nseg[0] == 1 && !seg[first].slot)
				L->len0 = seg[first].len;
			/* Severity as an indexer sees it: the message text. */
			size_t mlen = (size_t)(fe - p);
			if (f == maxf - 1 && !(L->flags & WL_GEN_LF_RAW) &&
			    (contains(p, mlen, "*FAILED*") || contains(p, mlen, "WARNING:") ||
			     contains(p, mlen, "FATAL:")))
				L->flags |= WL_GEN_LF_ERROR;
			if (f == 0 && max_fields == 4 && mlen == 5 && memcmp(p, "Error", 5) == 0)
				L->flags |= WL_GEN_LF_ERROR;
			p = fe + (f + 1 < maxf);
		}
		L->nfield = (uint8_t)maxf;
		p = eol + 1;
	}
	for (size_t i = 0; i < nl; i++) {
		if (nshapes == sizeof shapes / sizeof *shapes)
			die_tpl("too many template lines", text);
		line[i].shape = (uint16_t)nshapes;
		shapes[nshapes].seg = seg;
		shapes[nshapes++].line = &line[i];
	}
	wl_gen_tpl t = {seg, line, (unsigned)nl, approx};
	return t;
}

size_t wl_gen_shape_text(unsigned id, char *buf, size_t cap)
{
	size_t o = 0;
	if (id >= nshapes || cap == 0)
		return 0;
	const wl_gen_tline *l = shapes[id].line;
	for (unsigned f = 0; f < l->nfield; f++) {
		if (f && o + 1 < cap)
			buf[o++] = '|';
		const wl_gen_seg *s = shapes[id].seg + l->field[f];
		for (unsigned k = 0; k < l->nseg[f]; k++, s++) {
			for (unsigned i = 0; i < s->len && o + 1 < cap; i++)
				buf[o++] = s->lit[i];
			if (s->slot && o + 2 < cap) {
				buf[o++] = '$';
				buf[o++] = s->slot;
			}
		}
	}
	buf[o] = 0;
	return o;
}

static char *put_gv(wl_gen_tctx *c, char *p, unsigned i, int upper)
{
	if (!(c->gv_valid & (1u << i))) {
		if (c->npool && wl_gen_below(c->rng, 10) < 8)
			memcpy(c->gv[i], c->pool[wl_gen_below(c->rng, c->npool)], 16);
		else
			wl_gen_guid_new(c->rng, c->gv[i]);
		c->gv_valid |= 1u << i;
	}
	return wl_gen_put_guid(p, c->gv[i], upper);
}

static char *put_local(wl_gen_tctx *c, char *p, int64_t t, int ms)
{
	t += (int64_t)c->tz_min * WL_GEN_TICKS_MIN;
	int64_t days = t / WL_GEN_TICKS_DAY;
	int64_t tod = t % WL_GEN_TICKS_DAY;
	unsigned sec = (unsigned)(tod / WL_GEN_TICKS_SEC);
	p = wl_gen_put_date(p, days, '-');
	*p++ = ' ';
	p = wl_gen_put_2d(p, sec / 3600);
	*p++ = ':';
	p = wl_gen_put_2d(p, sec / 60 % 60);
	*p++ = ':';
	p = wl_gen_put_2d(p, sec % 60);
	if (ms) {
		*p++ = ':';
		p = wl_gen_put_3d(p, (unsigned)(tod % WL_GEN_TICKS_SEC / WL_GEN_TICKS_MS));
	}
	return p;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *wl_gen_tpl_field(wl_gen_tctx *c, char *p, const wl_gen_tpl *t, const wl_gen_tline *l,
                       unsigned f)
{
	const wl_gen_seg *s = t->seg + l->field[f];
	const wl_gen_seg *e = s + l->nseg[f];
	uint8_t g[16];
	for (; s < e; s++) {
		memcpy(p, s->lit, s->len);
		p += s->len;
		switch (s->slot) {
		case 0:
			break;
		case 'u':
		case 'l':
			wl_gen_guid_new(c->rng, g);
			p = wl_gen_put_guid(p, g, s->slot == 'u');
			break;
		case '0':
		case '1':
		case '2':
		case '3':
			p = put_gv(c, p, (unsigned)(s->slot - '0'), 1);
			break;
		case '4':
		case '5':
		case '6':
		case '7':
			p = put_gv(c, p, (unsigned)(s->slot - '4'), 0);
			break;
		case 'n':
			p = wl_gen_put_u(p, 1 + wl_gen_below(c->rng, 999));
			break;
		case 'm':
			p = wl_gen_put_u(p, 1000 + wl_gen_below(c->rng, 99000));
			break;
		case 'k':
			*p++ = (char)('0' + wl_gen_below(c->rng, 10));
			break;
		case 'w':
			p = wl_gen_put_u(p, c->thr);
			break;
		case 'a':
			p = wl_gen_put_u(p, c->bnum);
			break;
		case 'c': /* percent */
			p = wl_gen_put_u(p, wl_gen_below(c->rng, 101));
			break;
		case 'o':
			c->op_next++;
			if (c->nops < 16)
				c->ops[c->nops++] = c->op_next;
			p = wl_gen_put_u(p, c->op_next);
			break;
		case 'p':
			p = wl_gen_put_u(p, c->nops ? c->ops[--c->nops] : c->op_next);
			break;
		case 'i':
			p = wl_gen_put_u(p, c->call_id);
			break;
		case 'h':
		case 'e':
			p = wl_gen_put_hex8(p, c->hr, s->slot == 'h');
			break;
		case 'd': /* AU "next sqm report" time: tomorrow */
			p = put_local(c, p, c->now + WL_GEN_TICKS_DAY - c->now % WL_GEN_TICKS_HOUR,
			              0);
			break;
		case 'r': /* REPORT EVENT inner time with zone */
			p = put_local(c, p, c->now - 5 * WL_GEN_TICKS_SEC, 1);
			p = wl_gen_put_tz(p, c->tz_min);
			break;
		case 'z':
			p = wl_gen_put_tz(p, c->tz_min);
			break;
		case 'x':
			for (int i = 0; i < 16; i++)
				*p++ = b64[wl_gen_below(c->rng, 64)];
			break;
		case 'b':
			p = wl_gen_put_u(p, 80000000u + wl_gen_below(c->rng, 20000000u));
			break;
		case 'y':
			for (int i = 0; i < 32; i++)
				*p++ = "0123456789abcdef"[wl_gen_below(c->rng, 16)];
			break;
		default:
			if (s->slot >= 'A' && s->slot <= 'Z') {
				const wl_gen_span *v = &c->var[s->slot - 'A'];
				if (v->n)
					memcpy(p, v->p, v->n);
				p += v->n;
			}
			break;
		}
	}
	return p;
}
