/* Pipeline stage 4b: tokenized lines -> events. Most lines only update
 * nothing: the message's first significant byte selects the few patterns
 * worth a closer look, so ordinary lines cost one switch. Context that
 * carries forward lives here, per input, never in statics. */
#include "extract.h"

#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "chars.h"
#include "errline.h"
#include "tokenize.h"
#include "wsuslog/limits.h"

_Static_assert(WL_TID_SLOTS <= 64, "tid_used is one bit per slot");

typedef struct pid_tz {
	uint32_t pid;
	int minutes;
	int used;
} pid_tz;

/* Per-thread state: the Windows 7 SOAP block arrives one field per line,
 * and scan statistics precede the scan's END line. tid_get sets every
 * field of a new slot. */
typedef struct tid_state {
	uint32_t pid, tid;
	char err[WL_FIELD_MAX];
	size_t err_n;
	char msg[WL_FIELD_MAX];
	size_t msg_n;
	int have_err;
	int64_t round_trips, evaluated, deployed;
	int have_exit;
	uint32_t exit_code;
	/* The server this thread last named: a scan's own Server URL, so a
	 * Store or Microsoft Update scan on another thread does not take the
	 * WSUS server's name (or the reverse). */
	char server[WL_HOST_MAX];
	size_t server_n;
} tid_state;

struct wl_extract {
	wl_extract_cfg cfg;
	wl_event_fn on_event;
	wl_bad_line_fn on_bad;
	void *ctx;
	wl_line_audit_fn audit;
	void *audit_ctx;

	wl_format fmt;
	char hint[WL_HOST_MAX];
	size_t hint_n;
	char learned[WL_HOST_MAX]; /* DNS name (client) or actor host (server) */
	size_t learned_n;
	char server[WL_HOST_MAX];
	size_t server_n;
	int has_client;
	wl_guid client;

	pid_tz tz[WL_PID_SLOTS];
	unsigned tz_next;
	unsigned tz_last; /* the slot client_utc found last */
	int has_last_tz;
	int last_tz;

	tid_state tids[WL_TID_SLOTS];
	unsigned tid_next;
	/* (pid << 32 | tid) of each slot, bit i of tid_used set when slot i
	 * is taken, and the slot found last: a look-up reads 64 words, not 64
	 * tid_states. Taken slots have distinct keys. */
	uint64_t tid_key[WL_TID_SLOTS];
	uint64_t tid_used;
	unsigned tid_last;

	/* A server entry waits for its continuation lines. */
	int pending;
	wl_event pend;
	char pend_raw[WL_RAW_MAX];
	size_t pend_raw_n;
	char pend_server[WL_HOST_MAX];
	char pend_fault[WL_FIELD_MAX];
	char pend_param[WL_FIELD_MAX];
	char pend_comp[WL_FIELD_MAX];

	uint64_t bad;
	int64_t first_ts, last_ts;
	/* The line of the last event given out: a line is at most one event,
	 * so the error-line rule (docs/EVENTS.md, rule 3) does not add a
	 * second to a line that a specific shape already took. */
	uint64_t emitted_line;

	/* The last line's header, for the source's time range (lines that are
	 * not candidates are not tokenized). */
	char last_line[64];
	size_t last_line_n;

	/* web.config */
	int64_t file_ts;
	int64_t max_prereq, max_cached;
};

/* ---- small span helpers ---- */

#define STARTS WL_STARTS
#define SKIP WL_SKIP
#define FIND WL_FIND
#define AFTER WL_AFTER
#define hexv wl_hex_value
#define lower wl_ascii_lower

/* An HRESULT printed as hex: exactly this many digits. */
#define HR_DIGITS 8

static bool hex8(const char *p, size_t n, uint32_t *out)
{
	if (n < HR_DIGITS)
		return false;
	uint32_t v = 0;
	for (int i = 0; i < HR_DIGITS; i++) {
		int h = hexv(p[i]);
		if (h < 0)
			return false;
		v = (v << 4) | (uint32_t)h;
	}
	if (n > HR_DIGITS && hexv(p[HR_DIGITS]) >= 0)
		return false; /* more digits: not an HRESULT */
	*out = v;
	return true;
}

static int64_t parse_i64(const char *p, size_t n, size_t *used)
{
	size_t i = 0;
	int64_t v = 0;
	while (i < n && p[i] >= '0' && p[i] <= '9' && i < 18)
		v = v * 10 + (p[i++] - '0');
	*used = i;
	return i ? v : -1;
}

static void skip_blanks(const char **p, size_t *n)
{
	while (*n > 0 && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*n)--;
	}
}

static size_t copy_trim(char *dst, size_t cap, const char *p, size_t n)
{
	while (n > 0 && (p[0] == ' ' || p[0] == '\t' || p[0] == '"' || p[0] == '\''))
		p++, n--;
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '"' ||
	                 p[n - 1] == '\'' || p[n - 1] == '\r'))
		n--;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, p, n); /* p may be NULL when n is 0 (an absent field) */
	dst[n] = 0;
	return n;
}

/* ---- exported helpers ---- */

size_t wl_url_host(const char *p, size_t n, char *out, size_t cap)
{
	const char *s = AFTER(p, n, "://");
	if (!s)
		return 0;
	const char *end = p + n;
	size_t o = 0;
	while (s < end && *s != ':' && *s != '/' && *s != '"' && *s != ' ' && *s != ',' &&
	       *s != '\'' && *s != '\t' && *s != '\\') {
		if (o + 1 < cap)
			out[o++] = lower(*s);
		s++;
	}
	out[o] = 0;
	return o;
}

bool wl_banner_tz(const char *p, size_t n, int *minutes)
{
	const char *t = AFTER(p, n, "tz: ");
	if (!t)
		return false;
	size_t left = (size_t)(p + n - t);
	if (left < 5 || (t[0] != '+' && t[0] != '-'))
		return false;
	int v = 0;
	for (int i = 1; i <= 4; i++) {
		if (t[i] < '0' || t[i] > '9')
			return false;
		v = v * 10 + (t[i] - '0');
	}
	int hh = v / 100, mm = v % 100;
	if (hh > 14 || mm > 59)
		return false;
	*minutes = (t[0] == '-' ? -1 : 1) * (hh * 60 + mm);
	return true;
}

/* ---- lifecycle ---- */

wl_extract *wl_extract_new(const wl_extract_cfg *cfg, wl_event_fn on_event, wl_bad_line_fn on_bad,
                           void *ctx)
{
	wl_extract *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->cfg = *cfg;
	x->on_event = on_event;
	x->on_bad = on_bad;
	x->ctx = ctx;
	x->first_ts = x->last_ts = WL_TS_NONE;
	return x;
}

void wl_extract_set_audit(wl_extract *x, wl_line_audit_fn fn, void *ctx)
{
	x->audit = fn;
	x->audit_ctx = ctx;
}

void wl_extract_free(wl_extract *x)
{
	free(x);
}

void wl_extract_begin(wl_extract *x, wl_format fmt, const char *host_hint, size_t host_n)
{
	x->fmt = fmt;
	if (host_n >= WL_HOST_MAX)
		host_n = WL_HOST_MAX - 1;
	memcpy(x->hint, host_hint, host_n);
	x->hint[host_n] = 0;
	x->hint_n = host_n;
	x->learned_n = 0;
	x->learned[0] = 0;
	x->server_n = 0;
	x->server[0] = 0;
	x->has_client = 0;
	memset(x->tz, 0, sizeof x->tz);
	x->tz_next = 0;
	x->tz_last = 0;
	x->has_last_tz = 0;
	/* No slot is taken; tid_get fills a slot when it takes it. */
	x->tid_next = 0;
	x->tid_used = 0;
	x->tid_last = 0;
	x->pending = 0;
	x->bad = 0;
	x->emitted_line = 0;
	x->first_ts = WL_TS_NONE;
	x->last_ts = WL_TS_NONE;
	x->last_line_n = 0;
	x->file_ts = WL_TS_NONE;
	x->max_prereq = -1;
	x->max_cached = -1;
}

void wl_extract_set_file_time(wl_extract *x, int64_t ts_us)
{
	x->file_ts = ts_us;
}

uint64_t wl_extract_bad_lines(const wl_extract *x)
{
	return x->bad;
}

int64_t wl_extract_first_ts(const wl_extract *x)
{
	return x->first_ts;
}

int64_t wl_extract_last_ts(const wl_extract *x)
{
	return x->last_ts;
}

const char *wl_extract_host(const wl_extract *x)
{
	return x->hint_n ? x->hint : x->learned;
}

static wl_span host_span(const wl_extract *x)
{
	if (x->hint_n)
		return (wl_span){x->hint, x->hint_n};
	return (wl_span){x->learned, x->learned_n};
}

static void note_ts(wl_extract *x, int64_t ts)
{
	if (x->first_ts == WL_TS_NONE || ts < x->first_ts)
		x->first_ts = ts;
	if (x->last_ts == WL_TS_NONE || ts > x->last_ts)
		x->last_ts = ts;
}

/* Other GUIDs in the line (update IDs, call IDs): indexed for look-up. */
static void collect_guids(wl_event *ev)
{
	const char *p = ev->raw.p;
	size_t n = ev->raw.n;
	ev->n_other = 0;
	for (size_t i = 0; i + 36 <= n && ev->n_other < WL_EVENT_GUIDS_MAX; i++) {
		/* A GUID's first '-' is its ninth byte: jump to the next '-'. */
		const char *dash = memchr(p + i + 8, '-', n - i - 8);
		if (!dash)
			break;
		i = (size_t)(dash - p) - 8;
		if (i + 36 > n)
			break;
		if (hexv(p[i]) < 0 || (i > 0 && hexv(p[i - 1]) >= 0))
			continue;
		wl_guid g;
		if (wl_guid_parse(p + i, n - i, &g) == 0)
			continue;
		i += 35;
		if (ev->has_fault_guid && memcmp(g.s, ev->fault_guid.s, 36) == 0)
			continue;
		if (ev->has_client_id && memcmp(g.s, ev->client_id.s, 36) == 0)
			continue;
		int dup = 0;
		for (unsigned k = 0; k < ev->n_other; k++)
			dup |= memcmp(ev->other[k].s, g.s, 36) == 0;
		if (!dup)
			ev->other[ev->n_other++] = g;
	}
}

static void emit(wl_extract *x, wl_event *ev)
{
	collect_guids(ev);
	x->emitted_line = ev->line;
	x->on_event(x->ctx, ev);
}

/* ---- client side (WindowsUpdate.log, both formats) ---- */

/* The slot of (pid, tid), or -1. */
static int tid_find(const wl_extract *x, uint32_t pid, uint32_t tid)
{
	const uint64_t k = (uint64_t)pid << 32 | tid;
	if (x->tid_key[x->tid_last] == k && (x->tid_used >> x->tid_last & 1))
		return (int)x->tid_last;
	for (unsigned i = 0; i < WL_TID_SLOTS; i++)
		if (x->tid_key[i] == k && (x->tid_used >> i & 1))
			return (int)i;
	return -1;
}

static tid_state *tid_get(wl_extract *x, uint32_t pid, uint32_t tid)
{
	int i = tid_find(x, pid, tid);
	if (i >= 0) {
		x->tid_last = (unsigned)i;
		return &x->tids[i];
	}
	unsigned slot = x->tid_next++ % WL_TID_SLOTS;
	tid_state *t = &x->tids[slot];
	t->pid = pid;
	t->tid = tid;
	t->err_n = t->msg_n = t->server_n = 0;
	t->err[0] = t->msg[0] = t->server[0] = 0;
	t->have_err = t->have_exit = 0;
	t->exit_code = 0;
	t->round_trips = t->evaluated = t->deployed = -1;
	x->tid_key[slot] = (uint64_t)pid << 32 | tid;
	x->tid_used |= UINT64_C(1) << slot;
	x->tid_last = slot;
	return t;
}

static void set_tz(wl_extract *x, uint32_t pid, int minutes)
{
	pid_tz *slot = NULL;
	for (unsigned i = 0; i < WL_PID_SLOTS; i++)
		if (x->tz[i].used && x->tz[i].pid == pid)
			slot = &x->tz[i];
	if (!slot)
		slot = &x->tz[x->tz_next++ % WL_PID_SLOTS];
	slot->used = 1;
	slot->pid = pid;
	slot->minutes = minutes;
	x->has_last_tz = 1;
	x->last_tz = minutes;
}

/* UTC time of a client line. Classic: the tz of the process's banner, else
 * of the last banner, else --tz. ETW: --tz, else the time is UTC. */
static int64_t client_utc(wl_extract *x, const wl_fields *f)
{
	if (x->fmt == WL_FMT_WU_CLASSIC) {
		/* Taken slots have distinct pids: try the one found last first. */
		const pid_tz *z = &x->tz[x->tz_last];
		if (z->used && z->pid == f->pid)
			return f->ts_us - (int64_t)z->minutes * 60000000;
		for (unsigned i = 0; i < WL_PID_SLOTS; i++)
			if (x->tz[i].used && x->tz[i].pid == f->pid) {
				x->tz_last = i;
				return f->ts_us - (int64_t)x->tz[i].minutes * 60000000;
			}
		if (x->has_last_tz)
			return f->ts_us - (int64_t)x->last_tz * 60000000;
	}
	if (x->cfg.has_tz)
		return f->ts_us - (int64_t)x->cfg.tz_minutes * 60000000;
	return f->ts_us;
}

static void set_server_from_url(wl_extract *x, const wl_fields *f, const char *p, size_t n)
{
	char h[WL_HOST_MAX];
	size_t hn = wl_url_host(p, n, h, sizeof h);
	if (hn == 0)
		return;
	memcpy(x->server, h, hn + 1);
	x->server_n = hn;
	tid_state *t = tid_get(x, f->pid, f->tid);
	memcpy(t->server, h, hn + 1);
	t->server_n = hn;
}

/* The server of a line: its thread's, else the file's last. */
static wl_span line_server(const wl_extract *x, const wl_fields *f)
{
	int i = tid_find(x, f->pid, f->tid);
	if (i >= 0 && x->tids[i].server_n)
		return (wl_span){x->tids[i].server, x->tids[i].server_n};
	return (wl_span){x->server, x->server_n};
}

/* Offset of the message in line[0..n): after the header fields and the
 * blanks that pad them; 0 when f's message does not lie in the line. */
static size_t msg_start(const char *line, size_t n, const wl_fields *f)
{
	const char *m = f->message.p;
	if (!m || m < line || m > line + n)
		return 0;
	size_t off = (size_t)(m - line);
	while (off < n && (line[off] == ' ' || line[off] == '\t'))
		off++;
	return off < n ? off : 0;
}

static void client_event(wl_extract *x, wl_event *ev, wl_event_kind kind, const wl_fields *f,
                         const char *line, size_t n, uint64_t lineno)
{
	memset(ev, 0, sizeof *ev);
	ev->kind = kind;
	ev->role = WL_ROLE_CLIENT;
	ev->line = lineno;
	ev->ts_us = client_utc(x, f);
	ev->host = host_span(x);
	ev->server = line_server(x, f);
	ev->component = f->component;
	ev->has_client_id = x->has_client != 0;
	if (x->has_client)
		ev->client_id = x->client;
	ev->raw = (wl_span){line, n};
	ev->msg_off = msg_start(line, n, f);
	ev->round_trips = ev->evaluated = ev->deployed = -1;
	ev->max_prereq = ev->max_cached = -1;
}

static void set_client_from(wl_extract *x, const char *p, size_t n)
{
	/* The first GUID after the keyword ("Old Id: …" comes later). */
	for (size_t i = 0; i + 36 <= n; i++) {
		if (hexv(p[i]) < 0 && p[i] != '{')
			continue;
		wl_guid g;
		if (wl_guid_parse(p + i, n - i, &g)) {
			x->client = g;
			x->has_client = 1;
			return;
		}
		if (p[i] == ',' || p[i] == '.')
			return;
	}
}

/* Value of a SOAP field: "<Tag>v</Tag>" (XML detail); XML_FIELD spells
 * both tags from the name. */
#define XML_FIELD(p, n, tag, v, vn)                                                                \
	xml_field((p), (n), WL_LIT("<" tag ">"), WL_LIT("</" tag ">"), (v), (vn))
static bool xml_field(const char *p, size_t n, const char *open, size_t on, const char *close,
                      size_t cn, const char **v, size_t *vn)
{
	const char *a = wl_find(p, n, open, on);
	if (!a)
		return false;
	a += on;
	const char *b = wl_find(a, (size_t)(p + n - a), close, cn);
	if (!b)
		return false;
	*v = a;
	*vn = (size_t)(b - a);
	return true;
}

/* Value of "key='v'" (Windows 8 "Soap fault detail:" line); key
 * includes the opening quote. */
static bool quoted_field(const char *p, size_t n, const char *key, size_t kn, const char **v,
                         size_t *vn)
{
	const char *a = wl_find(p, n, key, kn);
	if (!a)
		return false;
	a += kn;
	const char *end = p + n;
	const char *b = memchr(a, '\'', (size_t)(end - a));
	if (!b)
		return false;
	*v = a;
	*vn = (size_t)(b - a);
	return true;
}

/* A fault's Message, the parameter it names: "parameters.X" -> "X",
 * "(null)" (the Windows 7 block's empty message) -> "". Copied into x,
 * which outlives the event. */
static wl_span fault_param(wl_extract *x, const char *msg, size_t msg_n)
{
	size_t n = copy_trim(x->pend_param, sizeof x->pend_param, msg, msg_n);
	const char *p = x->pend_param;
	SKIP(p, n, "parameters.");
	if (n == 6 && memcmp(p, "(null)", 6) == 0)
		n = 0;
	return (wl_span){p, n};
}

/* Fills fault_code / parameter / fault guid of a SOAP fault event. The
 * spans must point into storage that outlives the event: x's buffers. */
static void soap_fields(wl_extract *x, wl_event *ev, const char *code, size_t code_n,
                        const char *msg, size_t msg_n, const char *id, size_t id_n)
{
	ev->has_hresult = true;
	ev->hresult = 0x80244007u; /* WU_E_PT_SOAPCLIENT_SOAPFAULT by definition */
	size_t cn = copy_trim(x->pend_fault, sizeof x->pend_fault, code, code_n);
	ev->fault_code = (wl_span){x->pend_fault, cn};
	ev->parameter = fault_param(x, msg, msg_n);
	const char *ip = id;
	size_t in = id_n;
	skip_blanks(&ip, &in);
	ev->has_fault_guid = wl_guid_parse(ip, in, &ev->fault_guid) != 0;
}

static void soap_xml(wl_extract *x, const wl_fields *f, const char *line, size_t n, uint64_t lineno,
                     const char *d, size_t dn)
{
	const char *c = "", *m = "", *id = "";
	size_t cn = 0, mn = 0, idn = 0;
	if (!XML_FIELD(d, dn, "ErrorCode", &c, &cn))
		return; /* not a fault detail */
	XML_FIELD(d, dn, "Message", &m, &mn);
	XML_FIELD(d, dn, "ID", &id, &idn);
	wl_event ev;
	client_event(x, &ev, WL_EV_SOAP_FAULT, f, line, n, lineno);
	soap_fields(x, &ev, c, cn, m, mn, id, idn);
	emit(x, &ev);
}

static void soap_win8(wl_extract *x, const wl_fields *f, const char *line, size_t n,
                      uint64_t lineno, const char *d, size_t dn)
{
	const char *c = "", *m = "", *id = "";
	size_t cn = 0, mn = 0, idn = 0;
	if (!quoted_field(d, dn, WL_LIT("errorCode='"), &c, &cn))
		return;
	quoted_field(d, dn, WL_LIT("message='"), &m, &mn);
	quoted_field(d, dn, WL_LIT("id='"), &id, &idn);
	wl_event ev;
	client_event(x, &ev, WL_EV_SOAP_FAULT, f, line, n, lineno);
	soap_fields(x, &ev, c, cn, m, mn, id, idn);
	emit(x, &ev);
}

static void hresult_event(wl_extract *x, wl_event_kind kind, const wl_fields *f, const char *line,
                          size_t n, uint64_t lineno, const char *r, size_t rn)
{
	uint32_t hr;
	if (!wl_find_hresult(r, rn, &hr))
		return;
	wl_event ev;
	client_event(x, &ev, kind, f, line, n, lineno);
	ev.has_hresult = true;
	ev.hresult = hr;
	emit(x, &ev);
}

/* "WARNING: …" / "FATAL: …" (r is the text after the colon). */
static void client_warning(wl_extract *x, wl_event_kind kind, const wl_fields *f, const char *line,
                           size_t n, uint64_t lineno, const char *r, size_t rn)
{
	skip_blanks(&r, &rn);
	if (STARTS(r, rn, "detail:")) {
		soap_xml(x, f, line, n, lineno, r, rn);
		return;
	}
	if (STARTS(r, rn, "Soap fault detail:")) {
		soap_win8(x, f, line, n, lineno, r, rn);
		return;
	}
	tid_state *t = tid_get(x, f->pid, f->tid);
	/* The Windows 7 block's fields; each branch takes the line. */
	if (SKIP(r, rn, "ErrorCode:")) {
		const char *paren = memchr(r, '(', rn); /* "InvalidParameters(7)" */
		t->err_n = copy_trim(t->err, sizeof t->err, r, paren ? (size_t)(paren - r) : rn);
		t->have_err = 1;
		return;
	}
	if (SKIP(r, rn, "Message:")) {
		t->msg_n = copy_trim(t->msg, sizeof t->msg, r, rn);
		return;
	}
	if (SKIP(r, rn, "ID:")) {
		if (!t->have_err)
			return;
		wl_event ev;
		client_event(x, &ev, WL_EV_SOAP_FAULT, f, line, n, lineno);
		soap_fields(x, &ev, t->err, t->err_n, t->msg, t->msg_n, r, rn);
		t->have_err = 0;
		t->msg_n = 0;
		emit(x, &ev);
		return;
	}
	if (STARTS(r, rn, "SOAP Fault:") || STARTS(r, rn, "faultstring:") ||
	    STARTS(r, rn, "Method:"))
		return;
	if (STARTS(r, rn, "SyncUpdates failure")) {
		t->have_err = 0;
		t->msg_n = 0;
	}
	const char *q = AFTER(r, rn, "Exit code = ");
	if (q) {
		uint32_t v;
		size_t qn = (size_t)(r + rn - q);
		if (qn > 2 && q[0] == '0' && (q[1] == 'x' || q[1] == 'X') &&
		    hex8(q + 2, qn - 2, &v)) {
			t->have_exit = 1;
			t->exit_code = v;
		}
	}
	hresult_event(x, kind, f, line, n, lineno, r, rn);
}

static void scan_end(wl_extract *x, const wl_fields *f, const char *line, size_t n, uint64_t lineno,
                     const char *s, size_t sn)
{
	tid_state *t = tid_get(x, f->pid, f->tid);
	wl_event ev;
	client_event(x, &ev, WL_EV_SCAN, f, line, n, lineno);
	const char *ec = AFTER(s, sn, "Exit code = 0x");
	uint32_t v = 0;
	if (ec && hex8(ec, (size_t)(s + sn - ec), &v)) {
		ev.hresult = v;
	} else {
		ev.hresult = t->have_exit ? t->exit_code : 0;
	}
	ev.has_hresult = true;
	ev.round_trips = t->round_trips;
	ev.evaluated = t->evaluated;
	ev.deployed = t->deployed;
	t->round_trips = t->evaluated = t->deployed = -1;
	t->have_exit = 0;
	x->emitted_line = lineno;
	x->on_event(x->ctx, &ev);
}

/* Indentation and a component's own bullet (docs/EVENTS.md): ' ', TAB,
 * '*' (Agent), '#' (AU), '-' (COMAPI), '+' (PT); one test of a 64-bit set. */
static inline bool is_bullet(char c)
{
	const uint64_t set = UINT64_C(1) << ' ' | UINT64_C(1) << '\t' | UINT64_C(1) << '*' |
	                     UINT64_C(1) << '+' | UINT64_C(1) << '#' | UINT64_C(1) << '-';
	unsigned u = (unsigned char)c;
	return u < 64 && (set >> u & 1);
}

/* Does a message (after its bullets) start like a line worth parsing? */
static bool trigger(const char *s, size_t n)
{
	if (n < 3)
		return false;
	switch (s[0]) {
	case 'F':
		return STARTS(s, n, "FAILED* [") || STARTS(s, n, "FATAL:") ||
		       STARTS(s, n, "Found ");
	case 'W':
		return STARTS(s, n, "WARNING:") || STARTS(s, n, "WS error:") ||
		       STARTS(s, n, "WSUS server:");
	case 'S':
		return STARTS(s, n, "ServiceId = ") || STARTS(s, n, "Server URL =") ||
		       STARTS(s, n, "SyncUpdates round trips: ") || STARTS(s, n, "SusClientId");
	case 'I':
		return STARTS(s, n, "Initializing simple targeting cookie");
	case 'C':
		return STARTS(s, n, "Created new random SusClientId");
	case 'G':
		return STARTS(s, n, "Got WSUS Client/Server URL:");
	case 'E':
		/* Only a scan's END: most END lines close other work. */
		if (!SKIP(s, n, "END"))
			return false;
		while (n > 0 && (*s == '*' || *s == ' ')) {
			s++;
			n--;
		}
		return STARTS(s, n, "Finding updates") || STARTS(s, n, "Agent: Finding updates");
	case '=':
		return true; /* "===========  Logging initialized" */
	default:
		return false;
	}
}

/* The message of a line whose layout is not one of the fixed ones below:
 * after its first five blank-separated fields. */
static size_t skip_fields(const char *line, size_t n)
{
	size_t i = 0;
	for (int field = 0; field < 5; field++) {
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		while (i < n && line[i] != ' ' && line[i] != '\t')
			i++;
	}
	return i;
}

/* Columns of the fixed layouts (../shared/FORMATS.md). ETW: "YYYY/MM/DD
 * HH:MM:SS.fffffff " is 28 bytes, then pid and tid left-aligned in 5
 * columns and a blank each, then the component in 15 and a blank. Classic:
 * "YYYY-MM-DD\tHH:MM:SS:mmm\t", then pid, tid and component end in tabs. */
enum {
	ETW_PID_END = 27,  /* the blank after the time */
	ETW_TID_END = 33,  /* after a pid of at most 5 digits */
	ETW_COMP_END = 39, /* after a tid of at most 5 digits */
	ETW_COMP = ETW_COMP_END + 1,
	ETW_MSG_END = 55, /* after a component of at most 15 characters */
	ETW_MSG = ETW_MSG_END + 1,
	CLASSIC_DATE_TAB = 10,
	CLASSIC_TIME_TAB = 23,
	CLASSIC_PID = CLASSIC_TIME_TAB + 1,
	CLASSIC_TAB_SCAN = 32, /* bytes searched for the three tabs after the time */
};

/* The hot path: most lines carry nothing, so find the message without
 * tokenizing. An ETW line with pid and tid of at most 5 digits and a
 * component of at most 15 characters has its message at column ETW_MSG; a
 * classic line with tabs after its date and time has it after the fifth
 * tab; any other line skips its first five blank-separated fields. */
static inline bool candidate(const wl_extract *x, const char *line, size_t n)
{
	size_t i;
	if (x->fmt == WL_FMT_WU_ETW && n > ETW_MSG + 1 && line[ETW_PID_END] == ' ' &&
	    line[ETW_TID_END] == ' ' && line[ETW_COMP_END] == ' ' && line[ETW_COMP] != ' ' &&
	    line[ETW_MSG_END] == ' ') {
		i = ETW_MSG;
	} else if (x->fmt == WL_FMT_WU_CLASSIC && n > CLASSIC_PID + 6 &&
	           line[CLASSIC_DATE_TAB] == '\t' && line[CLASSIC_TIME_TAB] == '\t') {
		/* Tab-separated, as wl_tok_classic reads it first: the message
		 * follows the fifth tab (pid, tid and component after time). */
		i = CLASSIC_PID;
#if defined(__SSE2__)
		if (n >= CLASSIC_PID + CLASSIC_TAB_SCAN) {
			/* The third tab from the pid, among the next 32 bytes. */
			const __m128i tab = _mm_set1_epi8('\t');
			const __m128i *v = (const __m128i *)(const void *)(line + CLASSIC_PID);
			uint32_t m =
			    (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(v), tab)) |
			    (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(v + 1), tab))
			        << 16;
			m &= m - 1;
			m &= m - 1;
			if (m) {
				i = CLASSIC_PID + (size_t)__builtin_ctz(m) + 1;
				goto message;
			}
		}
#endif
		for (int tabs = 0; tabs < 3 && i <= n; tabs++) {
			while (i < n && line[i] != '\t')
				i++;
			i++;
		}
		if (i > n) /* fewer tabs: read it as blank-separated below */
			i = skip_fields(line, n);
	} else {
		i = skip_fields(line, n);
	}
#if defined(__SSE2__)
message:
#endif
	while (i < n && is_bullet(line[i]))
		i++;
	if (trigger(line + i, n - i))
		return true;
	/* Rule 3 (docs/EVENTS.md): the code first, a vector walk that most
	 * lines leave at once; the words only for lines that spell a code. */
	return wl_find_hresult(line + i, n - i, &(uint32_t){0}) && wl_error_word(line + i, n - i);
}

static void client_parse(wl_extract *x, const char *line, size_t n, uint64_t lineno);
static void client_message(wl_extract *x, const wl_fields *f, const char *line, size_t n,
                           uint64_t lineno, const char *s, size_t sn);

static void client_line(wl_extract *x, const char *line, size_t n, uint64_t lineno)
{
	if (x->first_ts == WL_TS_NONE) {
		wl_fields f0;
		bool ok = x->fmt == WL_FMT_WU_CLASSIC ? wl_tok_classic(line, n, &f0)
		                                      : wl_tok_etw(line, n, &f0);
		if (ok)
			note_ts(x, client_utc(x, &f0));
	}
	/* The last line's header, for the time range. A constant-size copy
	 * compiles to a few vector moves; only short lines take the call. */
	if (n >= sizeof x->last_line) {
		memcpy(x->last_line, line, sizeof x->last_line);
		x->last_line_n = sizeof x->last_line;
	} else {
		memcpy(x->last_line, line, n);
		x->last_line_n = n;
	}
	if (candidate(x, line, n))
		client_parse(x, line, n, lineno);
	if (x->audit)
		x->audit(x->audit_ctx, line, n, lineno, x->emitted_line == lineno);
}

/* A candidate line: tokenize it and act on its message. */
static void client_parse(wl_extract *x, const char *line, size_t n, uint64_t lineno)
{
	wl_fields f;
	bool ok =
	    x->fmt == WL_FMT_WU_CLASSIC ? wl_tok_classic(line, n, &f) : wl_tok_etw(line, n, &f);
	if (!ok) {
		x->bad++;
		if (x->on_bad)
			x->on_bad(x->ctx, lineno,
			          "line does not match the WindowsUpdate.log grammar");
		return;
	}
	const char *m = f.message.p;
	size_t mn = f.message.n;
	skip_blanks(&m, &mn);
	if (mn == 0)
		return;
	const char *h = m;
	size_t hn = mn;
	if (SKIP(h, hn, "*FAILED* [")) {
		uint32_t hr;
		note_ts(x, client_utc(x, &f));
		if (hn > HR_DIGITS && h[HR_DIGITS] == ']' && hex8(h, HR_DIGITS, &hr)) {
			wl_event ev;
			client_event(x, &ev, WL_EV_FAILED, &f, line, n, lineno);
			ev.has_hresult = true;
			ev.hresult = hr;
			emit(x, &ev);
		}
		return;
	}
	if (m[0] == '=') {
		int tz;
		if (FIND(m, mn, "Logging initialized") && wl_banner_tz(m, mn, &tz))
			set_tz(x, f.pid, tz);
		note_ts(x, client_utc(x, &f));
		return;
	}
	note_ts(x, client_utc(x, &f));
	/* Bullets and banners: "  * ", "  # ", "  - ", "  + ", "** END **". */
	const char *s = m;
	size_t sn = mn;
	while (sn > 0 && is_bullet(*s)) {
		s++;
		sn--;
	}
	if (sn > 0)
		client_message(x, &f, line, n, lineno, s, sn);
	/* Rule 3: any other line that says an error and spells a code. */
	uint32_t hr;
	if (x->emitted_line != lineno && wl_find_hresult(m, mn, &hr) && wl_error_word(m, mn)) {
		wl_event ev;
		client_event(x, &ev, WL_EV_ERROR, &f, line, n, lineno);
		ev.has_hresult = true;
		ev.hresult = hr;
		emit(x, &ev);
	}
}

/* A candidate's message after its bullets: the shapes that carry an event
 * or a change of context. Each branch takes the line: SKIP moves s past
 * the shape's words to the value that follows them. */
static void client_message(wl_extract *x, const wl_fields *f, const char *line, size_t n,
                           uint64_t lineno, const char *s, size_t sn)
{
	const char *end = s + sn;
	const char *v;
	size_t used;
	switch (s[0]) {
	case 'W':
		if (SKIP(s, sn, "WARNING:"))
			client_warning(x, WL_EV_WARNING, f, line, n, lineno, s, sn);
		else if (STARTS(s, sn, "WS error:")) {
			if ((v = FIND(s, sn, "<detail>")) != NULL)
				soap_xml(x, f, line, n, lineno, v, (size_t)(end - v));
		} else if (SKIP(s, sn, "WSUS server:"))
			set_server_from_url(x, f, s, sn);
		break;
	case 'F':
		if (SKIP(s, sn, "FATAL:"))
			client_warning(x, WL_EV_FATAL, f, line, n, lineno, s, sn);
		else if (STARTS(s, sn, "Found ") &&
		         (v = AFTER(s, sn, "evaluated appl. rules of ")) != NULL) {
			/* "... evaluated appl. rules of X out of Y deployed entities" */
			tid_state *t = tid_get(x, f->pid, f->tid);
			t->evaluated = parse_i64(v, (size_t)(end - v), &used);
			if ((v = AFTER(v, (size_t)(end - v), " out of ")) != NULL)
				t->deployed = parse_i64(v, (size_t)(end - v), &used);
		}
		break;
	case 'S':
		if (STARTS(s, sn, "ServiceId = ") || STARTS(s, sn, "Server URL =")) {
			if ((v = FIND(s, sn, "Server URL =")) != NULL)
				set_server_from_url(x, f, v, (size_t)(end - v));
		} else if (SKIP(s, sn, "SyncUpdates round trips: ")) {
			tid_get(x, f->pid, f->tid)->round_trips = parse_i64(s, sn, &used);
		} else if (SKIP(s, sn, "SusClientId")) {
			set_client_from(x, s, sn);
		}
		break;
	case 'I':
		if (!STARTS(s, sn, "Initializing simple targeting cookie"))
			break;
		if ((v = AFTER(s, sn, "clientId = ")) != NULL)
			set_client_from(x, v, (size_t)(end - v));
		if ((v = AFTER(s, sn, "DNS name = ")) != NULL && x->learned_n == 0) {
			size_t o = 0;
			while (v + o < end && o + 1 < WL_HOST_MAX && v[o] != ' ' && v[o] != ',') {
				x->learned[o] = lower(v[o]);
				o++;
			}
			x->learned[o] = 0;
			x->learned_n = o;
		}
		break;
	case 'C':
		if (SKIP(s, sn, "Created new random SusClientId"))
			set_client_from(x, s, sn);
		break;
	case 'G':
		if (SKIP(s, sn, "Got WSUS Client/Server URL:"))
			set_server_from_url(x, f, s, sn);
		break;
	case 'E':
		if (SKIP(s, sn, "END")) {
			while (sn > 0 && (*s == '*' || *s == ' ')) {
				s++;
				sn--;
			}
			if (STARTS(s, sn, "Finding updates") ||
			    STARTS(s, sn, "Agent: Finding updates"))
				scan_end(x, f, line, n, lineno, s, sn);
		}
		break;
	default:
		break;
	}
}

/* ---- server side (SoftwareDistribution.log) ---- */

/* "key=value," with key at a token boundary; value up to ',' or end. */
static bool kv(const char *p, size_t n, const char *key, size_t kn, const char **v, size_t *vn)
{
	const char *s = p;
	const char *end = p + n;
	for (;;) {
		const char *a = wl_find(s, (size_t)(end - s), key, kn);
		if (!a)
			return false;
		if (a == p || a[-1] == ' ' || a[-1] == ',' || a[-1] == '\t') {
			a += kn;
			while (a < end && *a == ' ')
				a++;
			const char *b = a;
			while (b < end && *b != ',')
				b++;
			*v = a;
			*vn = (size_t)(b - a);
			return true;
		}
		s = a + kn;
	}
}

static void flush_pending(wl_extract *x)
{
	if (!x->pending)
		return;
	x->pending = 0;
	x->pend.raw = (wl_span){x->pend_raw, x->pend_raw_n};
	x->on_event(x->ctx, &x->pend);
}

static bool ieq(const char *p, size_t n, const char *lit)
{
	size_t ln = strlen(lit);
	if (n != ln)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(p[i]) != lower(lit[i]))
			return false;
	return true;
}

static bool icontains(const char *p, size_t n, const char *lit)
{
	size_t ln = strlen(lit);
	for (size_t i = 0; i + ln <= n; i++) {
		size_t k = 0;
		while (k < ln && lower(p[i + k]) == lower(lit[k]))
			k++;
		if (k == ln)
			return true;
	}
	return false;
}

static void server_header(wl_extract *x, const wl_fields *f, const char *line, size_t n,
                          uint64_t lineno)
{
	const char *m = f->message.p;
	size_t mn = f->message.n;
	const char *thr = AFTER(m, mn, "ThrowException:");
	bool is_error = ieq(f->level.p, f->level.n, "Error");
	if (!thr && !is_error)
		return;

	wl_event *ev = &x->pend;
	memset(ev, 0, sizeof *ev);
	ev->role = WL_ROLE_SERVER;
	ev->line = lineno;
	ev->ts_us = f->ts_us;
	ev->kind = thr ? WL_EV_THROW : WL_EV_SERVER_ERROR;
	ev->round_trips = ev->evaluated = ev->deployed = -1;
	size_t rn = n < WL_RAW_MAX ? n : WL_RAW_MAX;
	memcpy(x->pend_raw, line, rn);
	x->pend_raw_n = rn;
	size_t cn = copy_trim(x->pend_comp, sizeof x->pend_comp, f->component.p, f->component.n);
	ev->component = (wl_span){x->pend_comp, cn};

	size_t sn = 0;
	if (thr) {
		const char *r = thr;
		size_t rl = (size_t)(m + mn - r);
		const char *v;
		size_t vn;
		if (kv(r, rl, WL_LIT("actor ="), &v, &vn) ||
		    kv(r, rl, WL_LIT("Actor ="), &v, &vn) || kv(r, rl, WL_LIT("actor="), &v, &vn) ||
		    kv(r, rl, WL_LIT("Actor="), &v, &vn)) {
			char h[WL_HOST_MAX];
			size_t hn = wl_url_host(v, vn, h, sizeof h);
			if (hn && icontains(v, vn, "ClientWebService")) {
				memcpy(x->pend_server, h, hn + 1);
				sn = hn;
				if (x->learned_n == 0) {
					memcpy(x->learned, h, hn + 1);
					x->learned_n = hn;
				}
			}
		}
		const char *c = "", *msg = "", *id = "";
		size_t c_n = 0, msg_n = 0, id_n = 0;
		kv(r, rl, WL_LIT("ErrorCode="), &c, &c_n);
		kv(r, rl, WL_LIT("Message="), &msg, &msg_n);
		kv(r, rl, WL_LIT("ID="), &id, &id_n);
		size_t fc = copy_trim(x->pend_fault, sizeof x->pend_fault, c, c_n);
		ev->fault_code = (wl_span){x->pend_fault, fc};
		ev->parameter = fault_param(x, msg, msg_n);
		ev->has_fault_guid = id_n && wl_guid_parse(id, id_n, &ev->fault_guid) != 0;
		if (kv(r, rl, WL_LIT("Client="), &v, &vn))
			ev->has_client_id = wl_guid_parse(v, vn, &ev->client_id) != 0;
	}
	if (sn == 0) {
		wl_span h = host_span(x);
		sn = h.n < WL_HOST_MAX ? h.n : WL_HOST_MAX - 1;
		memcpy(x->pend_server, h.p ? h.p : "", sn);
		x->pend_server[sn] = 0;
	}
	ev->server = (wl_span){x->pend_server, sn};
	ev->host = host_span(x);
	/* GUIDs are collected from the header line only (stack traces hold
	 * none worth indexing). */
	ev->raw = (wl_span){x->pend_raw, x->pend_raw_n};
	ev->msg_off = msg_start(line, rn, f);
	collect_guids(ev);
	x->pending = 1;
	x->emitted_line = lineno;
}

static void server_line(wl_extract *x, const char *line, size_t n, uint64_t lineno)
{
	if (!wl_tok_sdist_is_header(line, n)) {
		/* Continuation (stack trace) of the entry above. */
		if (x->pending && x->pend_raw_n + 1 < WL_RAW_MAX) {
			size_t room = WL_RAW_MAX - x->pend_raw_n - 1;
			size_t k = n < room ? n : room;
			x->pend_raw[x->pend_raw_n++] = '\n';
			memcpy(x->pend_raw + x->pend_raw_n, line, k);
			x->pend_raw_n += k;
		}
		return;
	}
	flush_pending(x);
	wl_fields f;
	if (!wl_tok_sdist(line, n, &f)) {
		x->bad++;
		if (x->on_bad)
			x->on_bad(x->ctx, lineno,
			          "line does not match the SoftwareDistribution.log grammar");
		return;
	}
	note_ts(x, f.ts_us);
	server_header(x, &f, line, n, lineno);
	if (x->audit)
		x->audit(x->audit_ctx, line, n, lineno, x->emitted_line == lineno);
}

/* `<add key="maxInstalledPrerequisites" value="800" />`: keys are matched
 * as written by Microsoft; the value is the first number after value=. */
static void config_line(wl_extract *x, const char *p, size_t n)
{
	int64_t *slot = NULL;
	if (FIND(p, n, "\"maxInstalledPrerequisites\""))
		slot = &x->max_prereq;
	else if (FIND(p, n, "\"maxCachedUpdates\""))
		slot = &x->max_cached;
	if (!slot)
		return;
	const char *v = FIND(p, n, "value=");
	if (!v)
		return;
	v += 6;
	size_t left = (size_t)(p + n - v), used;
	while (left > 0 && (*v == '"' || *v == '\'' || *v == ' ')) {
		v++;
		left--;
	}
	int64_t val = parse_i64(v, left, &used);
	if (used > 0)
		*slot = val;
}

void wl_extract_line(wl_extract *x, const char *p, size_t n, uint64_t lineno)
{
	if (x->fmt == WL_FMT_WEBCONFIG) {
		config_line(x, p, n);
		return;
	}
	if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
	    (unsigned char)p[2] == 0xBF) {
		/* A UTF-8 BOM inside the text: files concatenated by hand. */
		p += 3;
		n -= 3;
	}
	if (n == 0 || (n == 1 && p[0] == '\r'))
		return;
	if (x->fmt == WL_FMT_SDIST)
		server_line(x, p, n, lineno);
	else
		client_line(x, p, n, lineno);
}

/* Bits set where p[0..63] holds '\n'. */
static inline uint64_t nl_bits(const char *p)
{
#if defined(__SSE2__)
	const __m128i nl = _mm_set1_epi8('\n');
	const __m128i *v = (const __m128i *)(const void *)p;
	uint64_t a = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(v), nl));
	uint64_t b = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(v + 1), nl));
	uint64_t c = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(v + 2), nl));
	uint64_t d = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(v + 3), nl));
	return a | b << 16 | c << 32 | d << 48;
#else
	uint64_t m = 0;
	for (int k = 0; k < 64; k++)
		m |= (uint64_t)(p[k] == '\n') << k;
	return m;
#endif
}

/* One line of a block, as wl_extract_line and client_line would take it;
 * false: the line is longer than WL_LINE_MAX (the splitter cuts and
 * reports it). */
static inline bool block_line(wl_extract *x, const char *s, const char *nl, uint64_t lineno,
                              const char **last, size_t *last_n)
{
	size_t n = (size_t)(nl - s);
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n > WL_LINE_MAX)
		return false;
	if (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
	    (unsigned char)s[2] == 0xBF) {
		s += 3;
		n -= 3;
	}
	if (n == 0 || (n == 1 && s[0] == '\r'))
		return true;
	if (x->fmt == WL_FMT_SDIST) {
		server_line(x, s, n, lineno);
		return true;
	}
	*last = s;
	*last_n = n;
	if (candidate(x, s, n))
		client_parse(x, s, n, lineno);
	if (x->audit)
		x->audit(x->audit_ctx, s, n, lineno, x->emitted_line == lineno);
	return true;
}

size_t wl_extract_block(wl_extract *x, const char *p, size_t n, uint64_t *lineno)
{
	/* A client log's first line goes through client_line, which takes the
	 * start of its time range. */
	if (x->fmt != WL_FMT_SDIST &&
	    ((x->fmt != WL_FMT_WU_ETW && x->fmt != WL_FMT_WU_CLASSIC) || x->first_ts == WL_TS_NONE))
		return 0;
	const char *end = p + n, *s = p, *base = p;
	const char *last = NULL;
	size_t last_n = 0;
	uint64_t ln = *lineno;
	for (; end - base >= 64; base += 64) {
		for (uint64_t m = nl_bits(base); m; m &= m - 1) {
			const char *nl = base + __builtin_ctzll(m);
			if (!block_line(x, s, nl, ln + 1, &last, &last_n))
				goto out;
			ln++;
			s = nl + 1;
		}
	}
	/* The tail; every line end before base has been taken. */
	for (const char *nl; (nl = memchr(base, '\n', (size_t)(end - base))) != NULL;
	     base = nl + 1) {
		if (!block_line(x, s, nl, ln + 1, &last, &last_n))
			goto out;
		ln++;
		s = nl + 1;
	}
out:
	if (last) {
		size_t k = last_n < sizeof x->last_line ? last_n : sizeof x->last_line;
		memcpy(x->last_line, last, k);
		x->last_line_n = k;
	}
	*lineno = ln;
	return (size_t)(s - p);
}

void wl_extract_end(wl_extract *x)
{
	flush_pending(x);
	if (x->last_line_n && (x->fmt == WL_FMT_WU_CLASSIC || x->fmt == WL_FMT_WU_ETW)) {
		/* The header fields fit in 64 bytes; the message may be cut. */
		wl_fields f;
		bool ok = x->fmt == WL_FMT_WU_CLASSIC
		              ? wl_tok_classic(x->last_line, x->last_line_n, &f)
		              : wl_tok_etw(x->last_line, x->last_line_n, &f);
		if (ok)
			note_ts(x, client_utc(x, &f));
	}
	if (x->fmt == WL_FMT_WEBCONFIG) {
		wl_event ev;
		memset(&ev, 0, sizeof ev);
		ev.kind = WL_EV_CONFIG;
		ev.role = WL_ROLE_SERVER;
		ev.line = 1;
		ev.ts_us = x->file_ts;
		ev.host = host_span(x);
		ev.server = host_span(x);
		ev.round_trips = ev.evaluated = ev.deployed = -1;
		ev.max_prereq = x->max_prereq;
		ev.max_cached = x->max_cached;
		x->on_event(x->ctx, &ev);
	}
}
