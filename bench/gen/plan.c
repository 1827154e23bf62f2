/* wsuslog-gen: the site model. Decides, from the seed alone, the servers
 * (names, separators, rollover, incidents), the clients (format, zone,
 * encoding, server, whether collected) and every scan of every client-day.
 * plan_day is a pure function of (seed, client, day), so the planner and the
 * renderers agree on each fault without storing the scans. */
#include "gen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const wl_gen_badparam[] = {"ClientInfo", "ComputerSpec", "FilterAppCategoryIds"};
const unsigned wl_gen_nbadparam = 3;
const char *const wl_gen_fkind_name[] = {"limit-prereq", "limit-cached", "configchanged",
                                         "invalidparam-other", "uss"};

static const char *const srv_names[] = {
    "wsus01.corp.example",           "wsus02.corp.example",   "wsus-emea01.emea.corp.example",
    "wsus-apac01.apac.corp.example", "wsus-dmz.corp.example", "wsus03.corp.example",
};

static const int tz_list[] = {-480, -420, -360, -300, 0, 60, 120, 330, 480, 540, 600, -180};

static const char *const depts[] = {"fin", "hr",  "eng", "ops", "mkt", "sls", "it",
                                    "lab", "dev", "qa",  "log", "rnd", "ws",  "kiosk"};
static const char *const kinds[] = {"ws", "lt", "vm", "pc", "nb"};

static void casecopy(char *dst, size_t n, const char *src, int style)
{
	size_t i = 0;
	int label_start = 1, first_label = 1;
	for (; src[i] && i + 1 < n; i++) {
		char ch = src[i];
		int up = 0;
		if (style == 3)
			up = 1;
		else if (style == 1)
			up = first_label;
		else if (style == 2)
			up = label_start;
		if (up && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 32);
		dst[i] = ch;
		label_start = ch == '.';
		if (ch == '.')
			first_label = 0;
	}
	dst[i] = 0;
}

uint32_t wl_gen_client_server(const wl_gen_site *s, uint32_t c, int day)
{
	const wl_gen_client *cl = &s->cli[c];
	if (cl->switch_day >= 0 && day >= cl->switch_day)
		return cl->server1;
	return cl->server0;
}

void wl_gen_url_base(const wl_gen_site *s, uint32_t c, uint32_t sv, char *buf, size_t n)
{
	const wl_gen_client *cl = &s->cli[c];
	char host[64];
	casecopy(host, sizeof host, s->srv[sv].host, cl->case_style);
	if (cl->url_style == 1)
		snprintf(buf, n, "https://%s:8531", host);
	else if (cl->url_style == 2)
		snprintf(buf, n, "http://%s", host);
	else
		snprintf(buf, n, "http://%s:8530", host);
}

void wl_gen_client_path(const wl_gen_site *s, uint32_t c, char *buf, size_t n)
{
	const wl_gen_client *cl = &s->cli[c];
	if (cl->flat_path)
		snprintf(buf, n, "clients/%s-WindowsUpdate.log", cl->host);
	else
		snprintf(buf, n, "clients/%s/WindowsUpdate.log", cl->host);
}

typedef struct fkey {
	int64_t k;
	uint32_t i;
} fkey;

static int fkey_cmp(const void *a, const void *b)
{
	const fkey *x = a, *y = b;
	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static double lognormal(wl_gen_rng *r, double sigma)
{
	double g = 0;
	for (int i = 0; i < 4; i++)
		g += wl_gen_unit(r);
	g = (g - 2.0) * 1.7320508; /* ~N(0,1) */
	return exp(sigma * g);
}

static void build_servers(wl_gen_site *s, wl_gen_rng *r)
{
	unsigned S = s->o.servers, D = s->o.days;
	for (unsigned i = 0; i < S; i++) {
		wl_gen_server *v = &s->srv[i];
		if (i < sizeof srv_names / sizeof *srv_names)
			snprintf(v->host, sizeof v->host, "%s", srv_names[i]);
		else
			snprintf(v->host, sizeof v->host, "wsus%02u.corp.example", i + 1);
		casecopy(v->chost, sizeof v->chost, v->host, (int)wl_gen_below(r, 4));
		v->sep_spaces = i == (S > 1 ? 1u : 0u) || wl_gen_pm(r, 150);
		v->bom = wl_gen_pm(r, 500);
		v->roll = i == 0 ? 2 : i == 1 ? 1 : i == 2 ? 0 : (int)wl_gen_below(r, 3);
		v->asmx_upper = wl_gen_pm(r, 300);
		v->sync_minute = (int)wl_gen_range(r, 60, 300);
		v->w3wp_pid = 4 + 4 * wl_gen_below(r, 60);
		v->weight = 0.6 + 0.8 * wl_gen_unit(r);
		for (int k = 0; k < 2; k++) {
			v->inc_from[k] = v->inc_to[k] = -1;
			int want = k == 0 ? (i == 0 || wl_gen_pm(r, 600))
			                  : (i == (S > 1 ? 1u : 0u) || wl_gen_pm(r, 450));
			if (!want || D < 2)
				continue;
			int from, len;
			if (v->roll == 2 && k == 0) {
				/* early, so its start falls in the lost part */
				from = (int)wl_gen_range(r, 0, D / 6 > 0 ? D / 6 : 0);
				len = (int)wl_gen_range(r, D / 3 > 2 ? D / 3 : 2,
				                        D / 2 > 2 ? D / 2 : 2);
			} else {
				from = (int)wl_gen_range(r, 0, D - 2);
				len = (int)wl_gen_range(r, 2, D / 2 > 2 ? D / 2 : 2);
			}
			int to = from + len - 1;
			if (to > (int)D - 1)
				to = (int)D - 1;
			v->inc_from[k] = from;
			v->inc_to[k] = to;
			if (to < (int)D - 1)
				v->raised = 1; /* the admin raised the limit */
		}
		v->has_webconfig = i == 0 || wl_gen_pm(r, 500);
		v->has_readme = i == S - 1 || wl_gen_pm(r, 500);
	}
}

static void build_client(wl_gen_site *s, wl_gen_rng *r, uint32_t c, const double *srvw,
                         double srvw_sum)
{
	wl_gen_client *cl = &s->cli[c];
	unsigned D = s->o.days, S = s->o.servers;
	const char *d = depts[wl_gen_below(r, sizeof depts / sizeof *depts)];
	unsigned style = wl_gen_below(r, 10);
	if (style < 6)
		snprintf(cl->host, sizeof cl->host, "%s-%s%04u", d, kinds[wl_gen_below(r, 5)],
		         c + 1);
	else if (style < 8)
		snprintf(cl->host, sizeof cl->host, "desktop-%05x%u", wl_gen_below(r, 0xfffff), c);
	else
		snprintf(cl->host, sizeof cl->host, "%s%u", d, 100 + c);

	unsigned f = wl_gen_below(r, 100);
	if (f < 30)
		cl->fmt = wl_gen_pm(r, 650) ? WL_GEN_WIN7 : WL_GEN_WIN8;
	else
		cl->fmt = wl_gen_pm(r, 550) ? WL_GEN_WIN10 : WL_GEN_WIN11;
	cl->tz_min = tz_list[wl_gen_below(r, sizeof tz_list / sizeof *tz_list)];
	cl->dst_day = -1;
	if (!WL_GEN_IS_ETW(cl->fmt) && cl->tz_min <= 60 && cl->tz_min >= -480 && D >= 3 &&
	    wl_gen_pm(r, 250))
		cl->dst_day = (int)wl_gen_range(r, D / 3, 2 * D / 3);
	unsigned sep = wl_gen_below(r, 100);
	cl->date_sep = sep < 55 ? '/' : sep < 85 ? '-' : '.';
	cl->enc = WL_GEN_ENC_PLAIN;
	if (s->o.encodings && WL_GEN_IS_ETW(cl->fmt) && wl_gen_pm(r, 120))
		cl->enc = WL_GEN_ENC_BOM;
	cl->collected = wl_gen_pm(r, 850);
	cl->flat_path = wl_gen_pm(r, 400);
	wl_gen_guid_new(r, cl->susid);
	double x = wl_gen_unit(r) * srvw_sum;
	cl->server0 = S - 1;
	for (unsigned i = 0; i < S; i++) {
		if (x < srvw[i]) {
			cl->server0 = i;
			break;
		}
		x -= srvw[i];
	}
	cl->server1 = cl->server0;
	cl->switch_day = -1;
	if (S >= 2 && D >= 4 && wl_gen_pm(r, 40)) {
		cl->switch_day = (int)wl_gen_range(r, D / 4, 3 * D / 4);
		cl->server1 = (cl->server0 + 1 + wl_gen_below(r, S - 1)) % S;
	}
	unsigned u = wl_gen_below(r, 100);
	cl->url_style = u < 45 ? 0 : u < 90 ? 1 : 2;
	u = wl_gen_below(r, 100);
	cl->case_style = u < 40 ? 0 : u < 70 ? 1 : u < 85 ? 2 : 3;
	cl->asmx_upper = wl_gen_pm(r, 200);
	cl->space_before_http = WL_GEN_IS_ETW(cl->fmt) && wl_gen_pm(r, 200);
	cl->prereq_heavy = wl_gen_pm(r, 100);
	cl->cached_heavy = wl_gen_pm(r, 80);
	cl->nonascii = s->o.encodings && WL_GEN_IS_ETW(cl->fmt) && wl_gen_pm(r, 80);
	cl->scans_per_day_x10 = (int)wl_gen_range(r, 10, 16);
	cl->weight = lognormal(r, 0.6);
}

int wl_gen_site_build(wl_gen_site *s, const wl_gen_opts *o)
{
	memset(s, 0, sizeof *s);
	s->o = *o;
	unsigned S = o->servers, C = o->clients, D = o->days;
	s->srv = calloc(S, sizeof *s->srv);
	s->cli = calloc(C, sizeof *s->cli);
	double *srvw = calloc(S, sizeof *srvw);
	if (!s->srv || !s->cli || !srvw) {
		free(srvw);
		return -1;
	}
	wl_gen_rng r;
	wl_gen_rng_seed(&r, o->seed, 1, 0, 0);
	build_servers(s, &r);
	double sum = 0;
	for (unsigned i = 0; i < S; i++) {
		srvw[i] = 1.0 / (1.0 + 0.35 * i) * (0.7 + 0.6 * wl_gen_unit(&r));
		sum += srvw[i];
	}
	for (uint32_t c = 0; c < C; c++) {
		wl_gen_rng cr;
		wl_gen_rng_seed(&cr, o->seed, 8, c, 0);
		build_client(s, &cr, c, srvw, sum);
		if (o->profile == WL_GEN_PROFILE_FAILING) {
			/* Its own stream: the light profile's draws stay as they are. */
			wl_gen_rng fr;
			wl_gen_rng_seed(&fr, o->seed, 13, c, 0);
			wl_gen_client *cl = &s->cli[c];
			cl->failing = wl_gen_pm(&fr, WL_GEN_FAILING_PM);
			cl->fail_hr = wl_gen_fail_hr[wl_gen_below(&fr, wl_gen_fail_nhr)];
			/* A failing client's log is bigger: it logs its loop on top
			 * of what every client logs. */
			if (cl->failing)
				cl->weight *= 2;
		}
	}
	free(srvw);
	if (o->big) {
		/* One synthetic Windows 10 client, over the prerequisite limit
		 * of its server for the middle third of the period. */
		wl_gen_client *cl = &s->cli[0];
		cl->fmt = WL_GEN_WIN10;
		cl->collected = 1;
		cl->enc = WL_GEN_ENC_PLAIN;
		cl->nonascii = 0;
		cl->server0 = cl->server1 = 0;
		cl->switch_day = -1;
		cl->prereq_heavy = 1;
		cl->cached_heavy = 0;
		s->srv[0].inc_from[0] = (int)(D / 3);
		s->srv[0].inc_to[0] = (int)(2 * D / 3 > D / 3 ? 2 * D / 3 : D / 3);
	} else if (o->encodings) {
		/* One or two collected ETW logs re-saved as UTF-16LE. */
		unsigned want = 1 + wl_gen_below(&r, 2), got = 0;
		uint32_t start = wl_gen_below(&r, C);
		for (uint32_t k = 0; k < C && got < want; k++) {
			wl_gen_client *cl = &s->cli[(start + k * 7919u) % C];
			if (cl->collected && WL_GEN_IS_ETW(cl->fmt) &&
			    cl->enc == WL_GEN_ENC_PLAIN) {
				cl->enc = WL_GEN_ENC_UTF16;
				got++;
			}
		}
	}
	/* Weekends are quieter. 1970-01-01 was a Thursday. */
	for (unsigned d = 0; d < D; d++) {
		int dow = (int)((o->start_day + d + 4) % 7);
		s->dayw[d] = (dow == 0 || dow == 6) ? 0.45 : 1.0;
		s->dayw_sum += s->dayw[d];
	}

	/* Every fault of every client-day (collected or not: an uncollected
	 * client's faults still reach the server log). */
	wl_gen_day pd;
	for (uint32_t c = 0; c < C; c++) {
		s->cli[c].fault_first = s->nfaults;
		for (unsigned d = 0; d < D; d++) {
			wl_gen_plan_day(s, c, (int)d, &pd);
			for (unsigned k = 0; k < pd.nscan; k++) {
				wl_gen_scan *sc = &pd.scan[k];
				if (sc->kind == WL_GEN_SCAN_OK || sc->kind == WL_GEN_SCAN_NETERR)
					continue;
				if (s->nfaults == s->faults_cap) {
					uint32_t cap = s->faults_cap ? 2 * s->faults_cap : 4096;
					wl_gen_fault *nf = realloc(s->faults, cap * sizeof *nf);
					if (!nf)
						return -1;
					s->faults = nf;
					s->faults_cap = cap;
				}
				wl_gen_fault *f = &s->faults[s->nfaults++];
				memset(f, 0, sizeof *f);
				memcpy(f->guid, sc->guid, 16);
				f->t = sc->t;
				f->server_ms = sc->t / WL_GEN_TICKS_MS + sc->delay_ms;
				f->client = c;
				f->server = sc->server;
				f->kind = sc->kind == WL_GEN_SCAN_LIMIT
				              ? (sc->param ? WL_GEN_FK_CACHED : WL_GEN_FK_PREREQ)
				          : sc->kind == WL_GEN_SCAN_CONFIG ? WL_GEN_FK_CONFIG
				                                           : WL_GEN_FK_BADPARAM;
				f->param = sc->param;
				f->on_server = sc->on_server;
				f->url_style = (uint8_t)s->cli[c].url_style;
			}
		}
		s->cli[c].nfaults = s->nfaults - s->cli[c].fault_first;
	}
	/* Upstream sync faults: the server's own daily sync fails sometimes. */
	for (uint32_t v = 0; v < S && !o->big; v++) {
		for (unsigned d = 0; d < D; d++) {
			wl_gen_rng dr;
			wl_gen_rng_seed(&dr, o->seed, 7, v, d);
			if (!wl_gen_pm(&dr, 120))
				continue;
			if (s->nfaults == s->faults_cap) {
				uint32_t cap = s->faults_cap ? 2 * s->faults_cap : 4096;
				wl_gen_fault *nf = realloc(s->faults, cap * sizeof *nf);
				if (!nf)
					return -1;
				s->faults = nf;
				s->faults_cap = cap;
			}
			wl_gen_fault *f = &s->faults[s->nfaults++];
			memset(f, 0, sizeof *f);
			wl_gen_guid_new(&dr, f->guid);
			int64_t day0 = (o->start_day + d) * WL_GEN_TICKS_DAY;
			f->t = day0 + s->srv[v].sync_minute * WL_GEN_TICKS_MIN +
			       wl_gen_range(&dr, 60, 900) * WL_GEN_TICKS_SEC +
			       wl_gen_range(&dr, 0, 999) * WL_GEN_TICKS_MS;
			f->server_ms = f->t / WL_GEN_TICKS_MS;
			f->client = WL_GEN_NONE;
			f->server = v;
			f->kind = WL_GEN_FK_USS;
			f->on_server = 1;
		}
	}
	/* Per-server fault lists in server time order. */
	fkey *keys = malloc((size_t)(s->nfaults ? s->nfaults : 1) * sizeof *keys);
	if (!keys)
		return -1;
	for (uint32_t v = 0; v < S; v++) {
		uint32_t n = 0;
		for (uint32_t i = 0; i < s->nfaults; i++)
			if (s->faults[i].server == v && s->faults[i].on_server)
				keys[n++] = (fkey){s->faults[i].server_ms, i};
		qsort(keys, n, sizeof *keys, fkey_cmp);
		s->srv[v].faults = malloc((n ? n : 1) * sizeof(uint32_t));
		if (!s->srv[v].faults) {
			free(keys);
			return -1;
		}
		for (uint32_t i = 0; i < n; i++)
			s->srv[v].faults[i] = keys[i].i;
		s->srv[v].nfaults = n;
	}
	free(keys);
	return 0;
}

static const uint32_t neterr_hr[] = {0x8024402C, 0x80072EE2, 0x8024401C,
                                     0x80244022, 0x8024402F, 0x80072EFD};

static int in_window(const wl_gen_server *v, int k, int day)
{
	return v->inc_from[k] >= 0 && day >= v->inc_from[k] && day <= v->inc_to[k];
}

void wl_gen_plan_day(const wl_gen_site *s, uint32_t c, int day, wl_gen_day *out)
{
	const wl_gen_client *cl = &s->cli[c];
	wl_gen_rng r;
	wl_gen_rng_seed(&r, s->o.seed, 2, c, (uint64_t)day);
	memset(out, 0, sizeof *out);
	int64_t day0 = (s->o.start_day + day) * WL_GEN_TICKS_DAY;
	uint32_t sv = wl_gen_client_server(s, c, day);
	const wl_gen_server *v = &s->srv[sv];
	int n = cl->scans_per_day_x10 / 10 +
	        (wl_gen_below(&r, 10) < (uint32_t)(cl->scans_per_day_x10 % 10));
	if (n < 1)
		n = 1;
	/* Machines are off some days, more often at weekends; never on the
	 * first day, so every log starts with its client id. */
	if (day > 0 && wl_gen_pm(&r, s->dayw[day] < 1 ? 400 : 80))
		n = 0;
	if (n > WL_GEN_SCANS_MAX)
		n = WL_GEN_SCANS_MAX;
	int classic = !WL_GEN_IS_ETW(cl->fmt);
	out->init_block = day == 0 || day == cl->switch_day || day == cl->dst_day ||
	                  wl_gen_pm(&r, classic ? 450 : 300);
	out->pid_change = out->init_block;
	out->init_t =
	    day0 +
	    (day == 0 ? wl_gen_range(&r, 1, 60) : wl_gen_range(&r, 120, 1200)) * WL_GEN_TICKS_SEC +
	    wl_gen_range(&r, 0, WL_GEN_TICKS_SEC - 1);
	int64_t slot = WL_GEN_TICKS_DAY / (n ? n : 1);
	out->nscan = (unsigned)n;
	for (int k = 0; k < n; k++) {
		wl_gen_scan *sc = &out->scan[k];
		sc->t = day0 + k * slot + 30 * WL_GEN_TICKS_MIN +
		        wl_gen_range(&r, 0, slot - 60 * WL_GEN_TICKS_MIN - 1);
		sc->server = sv;
		int lim = -1;
		if (cl->prereq_heavy && in_window(v, 0, day))
			lim = 0;
		else if (cl->cached_heavy && in_window(v, 1, day))
			lim = 1;
		uint32_t roll = wl_gen_below(&r, 1000);
		if (lim >= 0) {
			sc->kind = roll < 40 ? WL_GEN_SCAN_NETERR : WL_GEN_SCAN_LIMIT;
			sc->param = (uint8_t)lim;
		} else {
			sc->kind = roll < 30   ? WL_GEN_SCAN_NETERR
			           : roll < 46 ? WL_GEN_SCAN_CONFIG
			           : roll < 49 ? WL_GEN_SCAN_BADPARAM
			                       : WL_GEN_SCAN_OK;
			if (sc->kind == WL_GEN_SCAN_BADPARAM)
				sc->param = (uint8_t)wl_gen_below(&r, wl_gen_nbadparam);
		}
		/* the cookie is renewed after a service start (new PID) */
		sc->cookie = (k == 0 && out->init_block) || sc->kind == WL_GEN_SCAN_CONFIG;
		if (sc->kind != WL_GEN_SCAN_OK && sc->kind != WL_GEN_SCAN_NETERR) {
			wl_gen_guid_new(&r, sc->guid);
			sc->delay_ms = (uint16_t)wl_gen_below(&r, 51);
			sc->on_server =
			    sc->kind == WL_GEN_SCAN_CONFIG ? (uint8_t)wl_gen_pm(&r, 500) : 1;
		}
		if (sc->kind == WL_GEN_SCAN_NETERR)
			sc->hr = neterr_hr[wl_gen_below(&r, sizeof neterr_hr / sizeof *neterr_hr)];
		int heavy = cl->prereq_heavy || cl->cached_heavy;
		sc->deployed =
		    (uint32_t)(heavy ? wl_gen_range(&r, 3400, 6500) : wl_gen_range(&r, 1200, 3300));
		sc->evaluated = sc->deployed * (uint32_t)wl_gen_range(&r, 40, 80) / 100;
		sc->found = wl_gen_below(&r, 41);
		sc->cats = (uint32_t)wl_gen_range(&r, 60, 140);
		sc->trips = (uint32_t)(day == 0 && k == 0 ? wl_gen_range(&r, 40, 160)
		                                          : wl_gen_range(&r, 1, 4));
	}
}

void wl_gen_site_budget(wl_gen_site *s)
{
	double target = (double)s->o.size;
	unsigned D = s->o.days;
	if (s->o.big) {
		wl_gen_client *cl = &s->cli[0];
		double noise = target - (double)cl->fixed;
		cl->noise_per_day = noise > 0 ? (uint64_t)(noise / D) : 0;
		return;
	}
	const double srv_share = 0.08;
	double sw = 0, cw = 0;
	for (unsigned v = 0; v < s->o.servers; v++)
		sw += s->srv[v].weight;
	for (unsigned c = 0; c < s->o.clients; c++)
		if (s->cli[c].collected)
			cw += s->cli[c].weight;
	for (unsigned v = 0; v < s->o.servers; v++) {
		wl_gen_server *sv = &s->srv[v];
		double w = srv_share * target * sv->weight / sw;
		sv->target_written = (uint64_t)w;
		double g = w / (sv->roll == 2 ? 0.6 : 1.0);
		double noise = g - (double)sv->fixed;
		sv->noise_per_day = noise > 0 ? (uint64_t)(noise / D) : 0;
		if (g < (double)sv->fixed)
			g = (double)sv->fixed;
		sv->roll_bytes = sv->roll == 1   ? (uint64_t)(g * 0.7)
		                 : sv->roll == 2 ? (uint64_t)(g / 2.5)
		                                 : 0;
	}
	/* Clients: the noise (not the total) is shared by weight, so quiet
	 * clients whose scans alone exceed their share do not overshoot. */
	double fixed_out = 0;
	for (unsigned c = 0; c < s->o.clients; c++) {
		const wl_gen_client *cl = &s->cli[c];
		if (!cl->collected)
			continue;
		double f = cl->enc == WL_GEN_ENC_UTF16 ? 2.0 : 1.0;
		fixed_out += f * (double)cl->fixed + (cl->enc == WL_GEN_ENC_UTF16 ? 2
		                                      : cl->enc == WL_GEN_ENC_BOM ? 3
		                                                                  : 0);
	}
	double noise_total = (1 - srv_share) * target - fixed_out;
	if (noise_total < 0)
		noise_total = 0;
	for (unsigned c = 0; c < s->o.clients; c++) {
		wl_gen_client *cl = &s->cli[c];
		if (!cl->collected)
			continue;
		double n = noise_total * cl->weight / cw;
		if (cl->enc == WL_GEN_ENC_UTF16)
			n /= 2;
		cl->noise_per_day = (uint64_t)(n / D);
	}
}

void wl_gen_site_free(wl_gen_site *s)
{
	if (s->srv)
		for (unsigned v = 0; v < s->o.servers; v++)
			free(s->srv[v].faults);
	free(s->srv);
	free(s->cli);
	free(s->faults);
	memset(s, 0, sizeof *s);
}
