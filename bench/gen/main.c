/* wsuslog-gen: command line and orchestration. Builds the site, measures
 * each file's fixed part (no noise), spreads the byte budget, then renders
 * every file (in parallel where the destination allows) and writes the
 * ground truth. Exit 0 on success, 1 on an I/O error, 2 on a usage error. */
#include "gen.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "civil.h"
#include <unistd.h>
#include <zstd.h>

/* Without --size: the scans and service starts plus 60% as much noise
 * (about 57 MB for the default 4 servers, 300 clients, 30 days). */
#define DEFAULT_SIZE_OVER_FIXED 1.6
#define DEFAULT_BIG_SIZE (256ull << 20)
#define FAILING_DAYS 7

static void usage(FILE *fp)
{
	fputs("usage: wsuslog-gen [--seed N] [--servers S] [--clients C] [--days D]\n"
	      "         [--start YYYY-MM-DD] [--size BYTES[K|M|G|T]] [--encodings|--no-encodings]\n"
	      "         [--threads N] [--profile light|failing]\n"
	      "         (--out DIR | --tar-zst FILE | --zst-dir DIR | --big-log FILE.zst "
	      "[--frame-mib N])\n"
	      "         --truth DIR\n",
	      fp);
}

static int parse_u64(const char *s, uint64_t *out, int suffix)
{
	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	uint64_t mul = 1;
	if (suffix && *end) {
		switch (*end) {
		case 'k':
		case 'K':
			mul = 1ull << 10;
			break;
		case 'm':
		case 'M':
			mul = 1ull << 20;
			break;
		case 'g':
		case 'G':
			mul = 1ull << 30;
			break;
		case 't':
		case 'T':
			mul = 1ull << 40;
			break;
		default:
			return -1;
		}
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'b' || *end == 'B')
			end++;
	}
	if (*end)
		return -1;
	if (v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

static int parse_date(const char *s, int64_t *days)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	if (y < 1980 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*days = wl_days_from_civil(y, m, d);
	int64_t yy;
	unsigned mm, dd;
	wl_civil_from_days(*days, &yy, &mm, &dd);
	return (yy == y && mm == m && dd == d) ? 0 : -1;
}

/* ---- jobs -------------------------------------------------------------- */

typedef struct job {
	int server; /* 1: server index, 0: client index */
	uint32_t idx;
	/* results */
	int rc;
	uint64_t bytes, lines, err_lines, files;
} job;

typedef struct run_ctx {
	wl_gen_site *site;
	wl_gen_dest *dest;
	job *jobs;
	uint32_t njobs;
	int phase;          /* 0: measure fixed parts; 1: write */
	wl_gen_evlist *evs; /* phase 1: per client, its error events */
	atomic_uint next;
	atomic_int failed;
} run_ctx;

typedef struct worker {
	wl_gen_out out;
	ZSTD_CCtx *cctx;
} worker;

static void server_paths(const wl_gen_site *s, uint32_t v, char *log, char *old, size_t n)
{
	snprintf(log, n, "servers/%s/SoftwareDistribution.log", s->srv[v].host);
	snprintf(old, n, "servers/%s/SoftwareDistribution.log.old", s->srv[v].host);
}

static wl_gen_fkind dest_kind(const wl_gen_dest *d)
{
	switch (d->mode) {
	case WL_GEN_MODE_TAR:
		return WL_GEN_F_TAR;
	case WL_GEN_MODE_ZDIR:
		return WL_GEN_F_ZST;
	case WL_GEN_MODE_BIG:
		return WL_GEN_F_BIG;
	default:
		return WL_GEN_F_FD;
	}
}

static int do_server(run_ctx *rc, worker *w, job *j)
{
	wl_gen_site *s = rc->site;
	wl_gen_server *v = &s->srv[j->idx];
	wl_gen_srv_pass *pass = calloc(1, sizeof *pass);
	if (!pass)
		return -1;
	int r = 0;
	if (rc->phase == 0) {
		wl_gen_file f;
		wl_gen_file_open(&f, rc->dest, WL_GEN_F_COUNT, "count", WL_GEN_ENC_PLAIN, 0, NULL);
		wl_gen_out_switch(&w->out, &f);
		pass->mode = WL_GEN_SRV_SINGLE;
		r = wl_gen_render_server(s, j->idx, &w->out, pass, s->faults);
		v->fixed = f.bytes;
		wl_gen_file_close(&f);
		free(pass);
		return r;
	}
	pass->mode = WL_GEN_SRV_MEASURE;
	pass->noise = 1;
	pass->roll_bytes = v->roll_bytes;
	wl_gen_out_switch(&w->out, NULL);
	r = wl_gen_render_server(s, j->idx, &w->out, pass, s->faults);
	if (!r) {
		pass->mode = WL_GEN_SRV_WRITE;
		pass->mark = 1;
		pass->dest = rc->dest;
		pass->cctx = w->cctx;
		pass->kind = dest_kind(rc->dest);
		pass->enc = v->bom ? WL_GEN_ENC_BOM : WL_GEN_ENC_PLAIN;
		server_paths(s, j->idx, pass->log_path, pass->old_path, sizeof pass->log_path);
		r = wl_gen_render_server(s, j->idx, &w->out, pass, s->faults);
		j->files = 1 + (pass->ncut > 0);
		j->bytes = pass->log_file.bytes + (pass->ncut ? pass->old_file.bytes : 0);
		j->lines = pass->log_file.lines + (pass->ncut ? pass->old_file.lines : 0);
		j->err_lines =
		    pass->log_file.err_lines + (pass->ncut ? pass->old_file.err_lines : 0);
	}
	free(pass);
	return r;
}

static int do_client(run_ctx *rc, worker *w, job *j)
{
	wl_gen_site *s = rc->site;
	wl_gen_client *cl = &s->cli[j->idx];
	wl_gen_file f;
	int r;
	if (rc->phase == 0) {
		wl_gen_file_open(&f, rc->dest, WL_GEN_F_COUNT, "count", WL_GEN_ENC_PLAIN, 0, NULL);
		wl_gen_out_switch(&w->out, &f);
		r = wl_gen_render_client(s, j->idx, &w->out, 0, 0, s->faults, NULL);
		cl->fixed = f.bytes;
		wl_gen_file_close(&f);
		return r;
	}
	char path[sizeof rc->dest->root];
	if (rc->dest->mode == WL_GEN_MODE_BIG)
		snprintf(path, sizeof path, "%s", rc->dest->root);
	else
		wl_gen_client_path(s, j->idx, path, sizeof path);
	wl_gen_fkind kind = dest_kind(rc->dest);
	if (kind == WL_GEN_F_TAR) {
		/* tar needs the size first: try memory, else count then write */
		wl_gen_file_open(&f, rc->dest, WL_GEN_F_MEM, path, cl->enc, 0, NULL);
		wl_gen_out_switch(&w->out, &f);
		r = wl_gen_render_client(s, j->idx, &w->out, 1, 1, s->faults, &rc->evs[j->idx]);
		if (r)
			goto out_mem;
		if (!f.too_big) {
			wl_gen_file t;
			r = wl_gen_file_open(&t, rc->dest, WL_GEN_F_TAR, path, WL_GEN_ENC_PLAIN,
			                     f.mem_len, NULL);
			/* the memory copy already holds the encoded bytes */
			if (!r)
				r = wl_gen_file_write(&t, f.mem, f.mem_len);
			if (wl_gen_file_close(&t))
				r = -1;
			j->bytes = f.mem_len;
			j->lines = f.lines;
			j->err_lines = f.err_lines;
			j->files = 1;
			goto out_mem;
		}
		wl_gen_file_close(&f);
		wl_gen_file_open(&f, rc->dest, WL_GEN_F_COUNT, path, cl->enc, 0, NULL);
		wl_gen_out_switch(&w->out, &f);
		r = wl_gen_render_client(s, j->idx, &w->out, 1, 1, s->faults, &rc->evs[j->idx]);
		uint64_t size = f.bytes;
		wl_gen_file_close(&f);
		if (r)
			return r;
		if (wl_gen_file_open(&f, rc->dest, WL_GEN_F_TAR, path, cl->enc, size, NULL)) {
			wl_gen_file_close(&f);
			return -1;
		}
	} else if (wl_gen_file_open(&f, rc->dest, kind, path, cl->enc, 0, w->cctx)) {
		wl_gen_file_close(&f);
		return -1;
	}
	wl_gen_out_switch(&w->out, &f);
	r = wl_gen_render_client(s, j->idx, &w->out, 1, 1, s->faults, &rc->evs[j->idx]);
	if (wl_gen_file_close(&f))
		r = -1;
	j->bytes = f.bytes;
	j->lines = f.lines;
	j->err_lines = f.err_lines;
	j->files = 1;
	return r;
out_mem:
	wl_gen_file_close(&f);
	return r;
}

static void *worker_main(void *arg)
{
	run_ctx *rc = arg;
	worker w;
	memset(&w, 0, sizeof w);
	if (wl_gen_out_init(&w.out) || !(w.cctx = ZSTD_createCCtx())) {
		fprintf(stderr, "wsuslog-gen: out of memory\n");
		atomic_store(&rc->failed, 1);
		goto out;
	}
	for (;;) {
		if (atomic_load(&rc->failed))
			break;
		unsigned i = atomic_fetch_add(&rc->next, 1);
		if (i >= rc->njobs)
			break;
		job *j = &rc->jobs[i];
		j->rc = j->server ? do_server(rc, &w, j) : do_client(rc, &w, j);
		if (j->rc || w.out.err) {
			j->rc = -1;
			atomic_store(&rc->failed, 1);
		}
		w.out.err = 0;
		w.out.len = 0;
	}
out:
	ZSTD_freeCCtx(w.cctx);
	wl_gen_out_free(&w.out);
	return NULL;
}

static int run_jobs(run_ctx *rc, unsigned threads)
{
	atomic_store(&rc->next, 0);
	atomic_store(&rc->failed, 0);
	if (threads > rc->njobs)
		threads = rc->njobs ? rc->njobs : 1;
	if (threads <= 1) {
		worker_main(rc);
	} else {
		pthread_t *tid = calloc(threads, sizeof *tid);
		if (!tid)
			return -1;
		unsigned started = 0;
		for (; started < threads; started++)
			if (pthread_create(&tid[started], NULL, worker_main, rc))
				break;
		if (!started)
			worker_main(rc);
		for (unsigned i = 0; i < started; i++)
			pthread_join(tid[i], NULL);
		free(tid);
	}
	return atomic_load(&rc->failed) ? -1 : 0;
}

/* ---- small extra files --------------------------------------------------- */

static int put_extras(wl_gen_site *s, wl_gen_dest *d, uint32_t v, void *cctx, wl_gen_summary *sm)
{
	const wl_gen_server *sv = &s->srv[v];
	char path[256], buf[4096];
	int n;
	if (sv->has_webconfig) {
		unsigned pre = sv->raised ? 800 : 400;
		unsigned cached = sv->raised ? 44000 : 22000;
		n = snprintf(
		    buf, sizeof buf,
		    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
		    "<configuration>\r\n"
		    "  <appSettings>\r\n"
		    "    <add key=\"maxInstalledPrerequisites\" value=\"%u\"/>\r\n"
		    "    <add key=\"maxCachedUpdates\" value=\"%u\"/>\r\n"
		    "    <add key=\"maxUpdatesPerRequest\" value=\"100\"/>\r\n"
		    "  </appSettings>\r\n"
		    "  <system.web>\r\n"
		    "    <httpRuntime maxRequestLength=\"4096\" executionTimeout=\"3600\"/>\r\n"
		    "    <compilation debug=\"false\"/>\r\n"
		    "  </system.web>\r\n"
		    "</configuration>\r\n",
		    pre, cached);
		snprintf(path, sizeof path, "servers/%s/web.config", sv->host);
		if (wl_gen_dest_put(d, path, buf, (size_t)n, cctx))
			return -1;
		sm->files++;
		sm->bytes += (uint64_t)n;
	}
	if (sv->has_readme) {
		char start[16];
		*wl_gen_put_date(start, s->o.start_day + s->o.days, '-') = 0;
		n = snprintf(buf, sizeof buf,
		             "Logs collected from %s on %s by the patching team.\r\n"
		             "SoftwareDistribution.log is from %%ProgramFiles%%\\Update "
		             "Services\\LogFiles.\r\n"
		             "web.config (if present) is from %%ProgramFiles%%\\Update "
		             "Services\\WebServices\\ClientWebService.\r\n"
		             "Ticket: CHG%06u\r\n",
		             sv->host, start, 100000 + v * 7919);
		snprintf(path, sizeof path, "servers/%s/README.txt", sv->host);
		if (wl_gen_dest_put(d, path, buf, (size_t)n, cctx))
			return -1;
		sm->files++;
		sm->bytes += (uint64_t)n;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int measure_fixed(wl_gen_site *s, wl_gen_dest *d, unsigned threads, uint64_t *fixed_total)
{
	unsigned S = s->o.servers, C = s->o.clients;
	job *jobs = calloc((size_t)S + C, sizeof *jobs);
	if (!jobs)
		return -1;
	uint32_t n = 0;
	if (!s->o.big)
		for (uint32_t v = 0; v < S; v++)
			jobs[n++] = (job){.server = 1, .idx = v};
	for (uint32_t c = 0; c < C; c++)
		if (s->cli[c].collected)
			jobs[n++] = (job){.server = 0, .idx = c};
	run_ctx rc = {.site = s, .dest = d, .jobs = jobs, .njobs = n, .phase = 0};
	int r = run_jobs(&rc, threads);
	*fixed_total = 0;
	for (uint32_t v = 0; v < S && !s->o.big; v++)
		*fixed_total += s->srv[v].fixed;
	for (uint32_t c = 0; c < C; c++)
		if (s->cli[c].collected)
			*fixed_total += s->cli[c].fixed;
	free(jobs);
	return r;
}

int main(int argc, char **argv)
{
	wl_gen_opts o;
	memset(&o, 0, sizeof o);
	o.seed = 1;
	o.servers = 4;
	o.clients = 300;
	o.days = 30;
	o.encodings = 1;
	o.frame_mib = 32;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	o.threads = ncpu > 0 ? (unsigned)(ncpu > 16 ? 16 : ncpu) : 1;
	const char *start = "2026-03-01", *truth = NULL, *target = NULL;
	wl_gen_mode mode = 0;
	int days_given = 0;
	int nmodes = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t u;
#define NEED_VALUE                                                                                 \
	do {                                                                                       \
		if (!v) {                                                                          \
			fprintf(stderr, "wsuslog-gen: %s needs a value\n", a);                     \
			return 2;                                                                  \
		}                                                                                  \
		i++;                                                                               \
	} while (0)
#define BAD_VALUE                                                                                  \
	do {                                                                                       \
		fprintf(stderr, "wsuslog-gen: bad value for %s: %s\n", a, v);                      \
		return 2;                                                                          \
	} while (0)
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--seed")) {
			NEED_VALUE;
			if (parse_u64(v, &o.seed, 0))
				BAD_VALUE;
		} else if (!strcmp(a, "--servers")) {
			NEED_VALUE;
			if (parse_u64(v, &u, 0) || u < 1 || u > 64)
				BAD_VALUE;
			o.servers = (unsigned)u;
		} else if (!strcmp(a, "--clients")) {
			NEED_VALUE;
			if (parse_u64(v, &u, 0) || u < 1 || u > 1000000)
				BAD_VALUE;
			o.clients = (unsigned)u;
			o.clients_given = 1;
		} else if (!strcmp(a, "--days")) {
			NEED_VALUE;
			if (parse_u64(v, &u, 0) || u < 1 || u > 4096)
				BAD_VALUE;
			o.days = (unsigned)u;
			days_given = 1;
		} else if (!strcmp(a, "--start")) {
			NEED_VALUE;
			start = v;
		} else if (!strcmp(a, "--size")) {
			NEED_VALUE;
			if (parse_u64(v, &o.size, 1) || o.size < 1024)
				BAD_VALUE;
			o.size_given = 1;
		} else if (!strcmp(a, "--threads")) {
			NEED_VALUE;
			if (parse_u64(v, &u, 0) || u < 1 || u > 256)
				BAD_VALUE;
			o.threads = (unsigned)u;
		} else if (!strcmp(a, "--encodings")) {
			o.encodings = 1;
		} else if (!strcmp(a, "--no-encodings")) {
			o.encodings = 0;
		} else if (!strcmp(a, "--frame-mib")) {
			NEED_VALUE;
			if (parse_u64(v, &o.frame_mib, 0) || o.frame_mib < 1 || o.frame_mib > 4096)
				BAD_VALUE;
		} else if (!strcmp(a, "--profile")) {
			NEED_VALUE;
			if (!strcmp(v, "light"))
				o.profile = WL_GEN_PROFILE_LIGHT;
			else if (!strcmp(v, "failing"))
				o.profile = WL_GEN_PROFILE_FAILING;
			else
				BAD_VALUE;
		} else if (!strcmp(a, "--truth")) {
			NEED_VALUE;
			truth = v;
		} else if (!strcmp(a, "--out") || !strcmp(a, "--tar-zst") ||
		           !strcmp(a, "--zst-dir") || !strcmp(a, "--big-log")) {
			NEED_VALUE;
			target = v;
			nmodes++;
			mode = !strcmp(a, "--out")       ? WL_GEN_MODE_TREE
			       : !strcmp(a, "--tar-zst") ? WL_GEN_MODE_TAR
			       : !strcmp(a, "--zst-dir") ? WL_GEN_MODE_ZDIR
			                                 : WL_GEN_MODE_BIG;
		} else {
			fprintf(stderr, "wsuslog-gen: unknown option %s\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (nmodes != 1 || !truth || !*target || !*truth) {
		fprintf(stderr, "wsuslog-gen: need exactly one of --out, --tar-zst, "
		                "--zst-dir, --big-log, and --truth\n");
		usage(stderr);
		return 2;
	}
	if (parse_date(start, &o.start_day)) {
		fprintf(stderr, "wsuslog-gen: bad --start date: %s\n", start);
		return 2;
	}
	/* A failing fleet's logs cover days, not a month: the same bytes over
	 * fewer client-days put its loops minutes apart. */
	if (o.profile == WL_GEN_PROFILE_FAILING && !days_given)
		o.days = FAILING_DAYS;
	o.big = mode == WL_GEN_MODE_BIG;
	if (o.big) {
		o.clients = 1;
		if (!o.size_given)
			o.size = DEFAULT_BIG_SIZE;
	}

	if (wl_gen_mkdirs(truth))
		return 1;
	double t0 = now_s();
	wl_gen_noise_init();
	wl_gen_render_init();
	wl_gen_site site;
	wl_gen_dest dest;
	int rc = 1, dest_open = 0;
	wl_gen_evlist *evs = NULL;
	memset(&dest, 0, sizeof dest);
	if (wl_gen_site_build(&site, &o)) {
		fprintf(stderr, "wsuslog-gen: out of memory\n");
		goto out;
	}
	wl_gen_dest mdest;
	memset(&mdest, 0, sizeof mdest);
	uint64_t fixed = 0;
	if (measure_fixed(&site, &mdest, o.threads, &fixed))
		goto out;
	if (o.size_given && !o.clients_given && !o.big && (double)fixed > 0.5 * (double)o.size) {
		/* Too small for this many clients: fewer clients, same days. */
		double f = 0.5 * (double)o.size / (double)fixed;
		unsigned c = (unsigned)((double)o.clients * f);
		o.clients = c < 8 ? 8 : c;
		wl_gen_site_free(&site);
		if (wl_gen_site_build(&site, &o)) {
			fprintf(stderr, "wsuslog-gen: out of memory\n");
			goto out;
		}
		if (measure_fixed(&site, &mdest, o.threads, &fixed))
			goto out;
	}
	if (!o.size_given && !o.big)
		o.size = (uint64_t)((double)fixed * DEFAULT_SIZE_OVER_FIXED);
	if ((double)fixed > 1.05 * (double)o.size)
		fprintf(stderr,
		        "wsuslog-gen: warning: the scans alone take %llu bytes, more "
		        "than --size %llu; use fewer clients or days\n",
		        (unsigned long long)fixed, (unsigned long long)o.size);
	site.o.size = o.size;
	wl_gen_site_budget(&site);

	int64_t mtime = (o.start_day + o.days) * 86400;
	if (wl_gen_dest_open(&dest, mode, target, 3, o.threads, o.frame_mib << 20, mtime))
		goto out;
	dest_open = 1;

	wl_gen_summary sm;
	memset(&sm, 0, sizeof sm);
	unsigned S = o.servers, C = o.clients;
	job *jobs = calloc((size_t)S + C, sizeof *jobs);
	if (!jobs)
		goto out;
	uint32_t n = 0;
	if (!o.big)
		for (uint32_t v = 0; v < S; v++)
			jobs[n++] = (job){.server = 1, .idx = v};
	for (uint32_t c = 0; c < C; c++)
		if (site.cli[c].collected)
			jobs[n++] = (job){.server = 0, .idx = c};
	evs = calloc(C, sizeof *evs);
	if (!evs) {
		free(jobs);
		fprintf(stderr, "wsuslog-gen: out of memory\n");
		goto out;
	}
	run_ctx r = {
	    .site = &site, .dest = &dest, .jobs = jobs, .njobs = n, .phase = 1, .evs = evs};
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	int failed = 0;
	if (!cctx) {
		failed = 1;
	} else if (mode == WL_GEN_MODE_TAR) {
		/* one archive: members in order, servers with their extras */
		worker w;
		memset(&w, 0, sizeof w);
		if (wl_gen_out_init(&w.out)) {
			failed = 1;
		} else {
			for (uint32_t i = 0; i < n && !failed; i++) {
				job *j = &jobs[i];
				j->rc = j->server ? do_server(&r, &w, j) : do_client(&r, &w, j);
				if (j->rc || w.out.err)
					failed = 1;
				if (!failed && j->server &&
				    put_extras(&site, &dest, j->idx, cctx, &sm))
					failed = 1;
			}
			wl_gen_out_free(&w.out);
		}
	} else {
		failed = run_jobs(&r, o.big ? 1 : o.threads) != 0;
		for (uint32_t v = 0; v < S && !failed && !o.big; v++)
			if (put_extras(&site, &dest, v, cctx, &sm))
				failed = 1;
	}
	ZSTD_freeCCtx(cctx);
	for (uint32_t i = 0; i < n; i++) {
		job *j = &jobs[i];
		sm.files += j->files;
		sm.log_files += j->files;
		sm.bytes += j->bytes;
		sm.log_bytes += j->bytes;
		if (j->server) {
			sm.server_bytes += j->bytes;
			sm.server_lines += j->lines;
			sm.server_err += j->err_lines;
		} else {
			sm.client_bytes += j->bytes;
			sm.client_lines += j->lines;
			sm.client_err += j->err_lines;
		}
	}
	free(jobs);
	if (failed)
		goto out;
	if (wl_gen_dest_close(&dest))
		goto out;
	dest_open = 0;
	if (wl_gen_truth_write(&site, truth, &sm, evs, o.big ? target : NULL))
		goto out;
	double dt = now_s() - t0;
	fprintf(stderr,
	        "wsuslog-gen: %llu files, %llu log bytes (target %llu), %llu lines "
	        "in %.2f s (%.0f MB/s of log text)\n",
	        (unsigned long long)sm.files, (unsigned long long)sm.log_bytes,
	        (unsigned long long)o.size, (unsigned long long)(sm.client_lines + sm.server_lines),
	        dt, (double)sm.log_bytes / 1e6 / dt);
	rc = 0;
out:
	if (dest_open)
		wl_gen_dest_close(&dest);
	if (evs)
		for (unsigned c = 0; c < o.clients; c++)
			free(evs[c].v);
	free(evs);
	wl_gen_site_free(&site);
	return rc;
}
