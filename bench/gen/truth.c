/* wsuslog-gen: the ground truth. Computed after rendering from the fault
 * table, whose client/server fields the renderers filled with the times as
 * written; a fault nobody wrote (uncollected client, rolled-out server log)
 * does not exist for the truth. */
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const param_name[2] = {"InstalledNonLeafUpdateIDs", "OtherCachedUpdateIDs"};
static const char *const limit_name[2] = {"maxInstalledPrerequisites", "maxCachedUpdates"};

static int written(const wl_gen_fault *f)
{
	return f->client_written || f->server_written;
}

static int64_t fault_time(const wl_gen_fault *f)
{
	if (f->client_written && f->server_written)
		return f->client_ticks < f->server_ticks ? f->client_ticks : f->server_ticks;
	return f->client_written ? f->client_ticks : f->server_ticks;
}

static const char *fault_server(const wl_gen_site *s, const wl_gen_fault *f)
{
	if (f->kind == WL_GEN_FK_USS)
		return "fe2.update.microsoft.com";
	return s->srv[f->server].host;
}

static int open_out(const char *dir, const char *name, FILE **fp)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	*fp = fopen(path, "wb");
	if (!*fp) {
		wl_gen_report_io(path, "cannot create");
		return -1;
	}
	return 0;
}

static int close_out(const char *dir, const char *name, FILE *fp)
{
	int bad = ferror(fp);
	if (fclose(fp) || bad) {
		char path[4200];
		snprintf(path, sizeof path, "%s/%s", dir, name);
		wl_gen_report_io(path, "write failed");
		return -1;
	}
	return 0;
}

typedef struct lrow {
	const char *host;
	uint32_t server;
	int param;
	uint64_t hits, clients;
	int64_t first, last;
} lrow;

static int lrow_cmp(const void *a, const void *b)
{
	const lrow *x = a, *y = b;
	int c = strcmp(x->host, y->host);
	if (c)
		return c;
	return strcmp(param_name[x->param], param_name[y->param]);
}

typedef struct frow {
	int64_t t;
	uint32_t i;
	uint8_t guid[16];
} frow;

static int frow_cmp(const void *a, const void *b)
{
	const frow *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return memcmp(x->guid, y->guid, 16);
}

static int write_limits(const wl_gen_site *s, const char *dir, FILE *sum)
{
	unsigned S = s->o.servers, C = s->o.clients;
	lrow *rows = calloc((size_t)S * 2, sizeof *rows);
	unsigned char *seen = calloc((size_t)S * 2 * C, 1);
	if (!rows || !seen) {
		free(rows);
		free(seen);
		return -1;
	}
	for (unsigned v = 0; v < S; v++)
		for (int k = 0; k < 2; k++) {
			rows[v * 2 + k].server = v;
			rows[v * 2 + k].host = s->srv[v].host;
			rows[v * 2 + k].param = k;
		}
	for (uint32_t i = 0; i < s->nfaults; i++) {
		const wl_gen_fault *f = &s->faults[i];
		if (!written(f) || (f->kind != WL_GEN_FK_PREREQ && f->kind != WL_GEN_FK_CACHED))
			continue;
		int k = f->kind == WL_GEN_FK_CACHED;
		lrow *r = &rows[f->server * 2 + k];
		int64_t t = fault_time(f);
		if (!r->hits || t < r->first)
			r->first = t;
		if (!r->hits || t > r->last)
			r->last = t;
		r->hits++;
		unsigned char *sn = &seen[((size_t)f->server * 2 + k) * C + f->client];
		if (!*sn) {
			*sn = 1;
			r->clients++;
		}
	}
	qsort(rows, (size_t)S * 2, sizeof *rows, lrow_cmp);
	FILE *fp;
	int rc = open_out(dir, "limits.csv", &fp);
	if (!rc) {
		fputs("server,parameter,limit,hits,clients,first_seen,last_seen\n", fp);
		for (unsigned i = 0; i < S * 2; i++) {
			const lrow *r = &rows[i];
			if (!r->hits)
				continue;
			char a[32], b[32];
			*wl_gen_put_iso_s(a, r->first) = 0;
			*wl_gen_put_iso_s(b, r->last) = 0;
			fprintf(fp, "%s,%s,%s,%llu,%llu,%s,%s\n", s->srv[r->server].host,
			        param_name[r->param], limit_name[r->param],
			        (unsigned long long)r->hits, (unsigned long long)r->clients, a, b);
			fprintf(sum, "limit_hits: %s %s hits=%llu clients=%llu first=%s last=%s\n",
			        s->srv[r->server].host, param_name[r->param],
			        (unsigned long long)r->hits, (unsigned long long)r->clients, a, b);
		}
		rc = close_out(dir, "limits.csv", fp);
	}
	free(rows);
	free(seen);
	return rc;
}

static int write_faults(const wl_gen_site *s, const char *dir)
{
	frow *rows = malloc((size_t)(s->nfaults ? s->nfaults : 1) * sizeof *rows);
	if (!rows)
		return -1;
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->nfaults; i++)
		if (written(&s->faults[i])) {
			rows[n].t = fault_time(&s->faults[i]);
			rows[n].i = i;
			memcpy(rows[n].guid, s->faults[i].guid, 16);
			n++;
		}
	qsort(rows, n, sizeof *rows, frow_cmp);
	FILE *fp;
	int rc = open_out(dir, "faults.csv", &fp);
	if (!rc) {
		fputs("guid,server,parameter,fault_code,client_id,time,client_side,server_side\n",
		      fp);
		for (uint32_t k = 0; k < n; k++) {
			const wl_gen_fault *f = &s->faults[rows[k].i];
			char g[40], cid[40] = "", t[40];
			*wl_gen_put_guid(g, f->guid, 0) = 0;
			if (f->client != WL_GEN_NONE)
				*wl_gen_put_guid(cid, s->cli[f->client].susid, 0) = 0;
			*wl_gen_put_iso_us(t, rows[k].t) = 0;
			const char *param = f->kind == WL_GEN_FK_PREREQ   ? param_name[0]
			                    : f->kind == WL_GEN_FK_CACHED ? param_name[1]
			                    : f->kind == WL_GEN_FK_BADPARAM
			                        ? wl_gen_badparam[f->param]
			                        : "";
			const char *code = f->kind == WL_GEN_FK_CONFIG ? "ConfigChanged"
			                   : f->kind == WL_GEN_FK_USS  ? "InternalServerError"
			                                               : "InvalidParameters";
			fprintf(fp, "%s,%s,%s,%s,%s,%s,%d,%d\n", g, fault_server(s, f), param, code,
			        cid, t, f->client_written, f->server_written);
		}
		rc = close_out(dir, "faults.csv", fp);
	}
	free(rows);
	return rc;
}

/* events.csv: every client line that the grammar of docs/EVENTS.md makes an
 * error event of kind 1, 2, 3 or 9, client by client in line order. */
static int write_events(const wl_gen_site *s, const char *dir, const wl_gen_evlist *evs,
                        const char *big_path, FILE *sum)
{
	FILE *fp;
	if (open_out(dir, "events.csv", &fp))
		return -1;
	fputs("file,line,kind,code,format,shape\n", fp);
	uint64_t by_kind[10] = {0}, total = 0;
	int rc = 0;
	char path[4200], shape[2048];
	for (unsigned c = 0; c < s->o.clients; c++) {
		const wl_gen_client *cl = &s->cli[c];
		const wl_gen_evlist *v = &evs[c];
		if (!cl->collected || !v->n)
			continue;
		if (v->oom) {
			fprintf(stderr, "wsuslog-gen: out of memory for the events of client %u\n",
			        c);
			rc = -1;
		}
		if (big_path)
			snprintf(path, sizeof path, "%s", big_path);
		else
			wl_gen_client_path(s, c, path, sizeof path);
		const char *fmt = WL_GEN_IS_ETW(cl->fmt) ? "etw" : "classic";
		for (size_t i = 0; i < v->n; i++) {
			const wl_gen_ev *e = &v->v[i];
			size_t n = wl_gen_shape_text(e->shape, shape, sizeof shape);
			fprintf(fp, "%s,%u,%u,%08X,%s,", path, e->line, e->kind, e->code, fmt);
			for (size_t k = 0; k < n; k++) /* TABs of REPORT EVENT lines */
				if (shape[k] == '\t')
					fputs("\\t", fp);
				else
					fputc(shape[k], fp);
			fputc('\n', fp);
			by_kind[e->kind]++;
			total++;
		}
	}
	fprintf(sum, "client_events: %llu (kind 1: %llu, 2: %llu, 3: %llu, 9: %llu)\n",
	        (unsigned long long)total, (unsigned long long)by_kind[1],
	        (unsigned long long)by_kind[2], (unsigned long long)by_kind[3],
	        (unsigned long long)by_kind[9]);
	if (close_out(dir, "events.csv", fp))
		rc = -1;
	return rc;
}

int wl_gen_truth_write(const wl_gen_site *s, const char *dir, const wl_gen_summary *sm,
                       const wl_gen_evlist *evs, const char *big_path)
{
	if (wl_gen_mkdirs(dir))
		return -1;
	FILE *sum;
	if (open_out(dir, "summary.txt", &sum))
		return -1;
	const wl_gen_opts *o = &s->o;
	char start[16];
	*wl_gen_put_date(start, o->start_day, '-') = 0;
	unsigned collected = 0;
	for (unsigned c = 0; c < o->clients; c++)
		collected += s->cli[c].collected;
	fprintf(sum, "seed: %llu\n", (unsigned long long)o->seed);
	fprintf(sum, "profile: %s\n", o->profile == WL_GEN_PROFILE_FAILING ? "failing" : "light");
	fprintf(sum, "servers: %u\nclients: %u\nclients_collected: %u\n", o->servers, o->clients,
	        o->big ? 1u : collected);
	fprintf(sum, "days: %u\nstart: %s\n", o->days, start);
	fprintf(sum, "target_log_bytes: %llu\n", (unsigned long long)o->size);
	fprintf(sum, "files: %llu\nlog_files: %llu\n", (unsigned long long)sm->files,
	        (unsigned long long)sm->log_files);
	fprintf(sum, "bytes: %llu\nlog_bytes: %llu\n", (unsigned long long)sm->bytes,
	        (unsigned long long)sm->log_bytes);
	fprintf(sum, "client_log_bytes: %llu\nserver_log_bytes: %llu\n",
	        (unsigned long long)sm->client_bytes, (unsigned long long)sm->server_bytes);
	uint64_t lines = sm->client_lines + sm->server_lines;
	fprintf(sum, "lines: %llu\nclient_lines: %llu\nserver_lines: %llu\n",
	        (unsigned long long)lines, (unsigned long long)sm->client_lines,
	        (unsigned long long)sm->server_lines);
	fprintf(
	    sum,
	    "error_lines: %llu\nclient_error_lines: %llu (%.2f%%)\nserver_error_entries: %llu\n",
	    (unsigned long long)(sm->client_err + sm->server_err),
	    (unsigned long long)sm->client_err,
	    sm->client_lines ? 100.0 * (double)sm->client_err / (double)sm->client_lines : 0.0,
	    (unsigned long long)sm->server_err);
	for (unsigned k = 0; k < WL_GEN_FK_N; k++) {
		uint64_t planned = 0, w = 0, cs = 0, ss = 0, both = 0;
		for (uint32_t i = 0; i < s->nfaults; i++) {
			const wl_gen_fault *f = &s->faults[i];
			if (f->kind != k)
				continue;
			planned++;
			w += (uint64_t)written(f);
			cs += f->client_written;
			ss += f->server_written;
			both += (uint64_t)(f->client_written && f->server_written);
		}
		fprintf(sum,
		        "faults %s: planned=%llu written=%llu client_side=%llu server_side=%llu "
		        "both=%llu client_only=%llu server_only=%llu\n",
		        wl_gen_fkind_name[k], (unsigned long long)planned, (unsigned long long)w,
		        (unsigned long long)cs, (unsigned long long)ss, (unsigned long long)both,
		        (unsigned long long)(cs - both), (unsigned long long)(ss - both));
	}
	unsigned failing = 0;
	for (unsigned c = 0; c < o->clients; c++)
		failing += s->cli[c].collected && s->cli[c].failing;
	fprintf(sum, "clients_failing: %u\n", failing);
	int rc = write_events(s, dir, evs, big_path, sum);
	if (write_limits(s, dir, sum))
		rc = -1;
	if (close_out(dir, "summary.txt", sum))
		rc = -1;
	if (!rc)
		rc = write_faults(s, dir);
	return rc;
}
