/* Stage 2, parallel variant: a multi-frame zstd file -> bytes, frames
 * decoded by P threads (frame k by thread k mod P), each with its own
 * ZSTD_DCtx, one frame in flight per thread. The reader hands the frames
 * out in file order. A file this walk cannot vouch for (a single frame,
 * unknown sizes, truncation, damage) is left to the streaming decoder,
 * whose checks then report it. */
#include "frames.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "wsuslog/limits.h"

typedef struct frame {
	uint64_t off, csize, dsize;
} frame;

typedef struct decoder {
	wl_frames_reader *fr;
	unsigned id;
	pthread_t th;
	ZSTD_DCtx *dctx;
	char *in, *out;
	size_t in_cap, out_cap;
	/* The frame ready for the reader (idx), or none (ready = false). */
	bool ready;
	size_t idx;
	size_t n;
	wl_status st;
	char msg[160];
} decoder;

struct wl_frames_reader {
	wl_reader base;
	int fd;
	frame *f;
	size_t nf;
	unsigned p;       /* decoders allocated */
	unsigned started; /* decoder threads running */
	decoder *d;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	size_t cur;     /* frame being read */
	size_t cur_pos; /* bytes of it already handed out */
	wl_cputime *cpu;
};

static bool pread_all(int fd, void *buf, size_t n, uint64_t off)
{
	char *p = buf;
	while (n > 0) {
		ssize_t k = pread(fd, p, n, (off_t)off);
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
		off += (uint64_t)k;
	}
	return true;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Walk the frames of the file: true if it is well formed to its end and
 * every frame records its decompressed size. Skippable frames are dropped. */
static bool scan(int fd, uint64_t size, frame **out, size_t *nout)
{
	frame *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t off = 0;
	while (off < size) {
		unsigned char h[18]; /* the largest frame header */
		size_t hn = size - off < sizeof h ? (size_t)(size - off) : sizeof h;
		if (hn < 8 || !pread_all(fd, h, hn, off))
			goto no;
		uint32_t magic = le32(h);
		if ((magic & 0xFFFFFFF0u) == 0x184D2A50u) {
			off += 8 + (uint64_t)le32(h + 4);
			continue;
		}
		if (magic != 0xFD2FB528u)
			goto no;
		/* Frame_Header_Descriptor (RFC 8878 3.1.1.1.1), parsed here so only
		 * libzstd's stable API is used. */
		unsigned desc = h[4];
		unsigned fcs_flag = desc >> 6, single = (desc >> 5) & 1, checksum = (desc >> 2) & 1;
		static const unsigned did_len[4] = {0, 1, 2, 4};
		static const unsigned fcs_len[4] = {0, 2, 4, 8};
		size_t hsize = 5 + (single ? 0 : 1) + did_len[desc & 3] +
		               (fcs_flag == 0 ? single : fcs_len[fcs_flag]);
		unsigned long long content = ZSTD_getFrameContentSize(h, hn);
		if (hsize > hn || content == ZSTD_CONTENTSIZE_UNKNOWN ||
		    content == ZSTD_CONTENTSIZE_ERROR)
			goto no;
		uint64_t p = off + hsize;
		for (;;) {
			unsigned char b[3];
			if (p + 3 > size || !pread_all(fd, b, 3, p))
				goto no;
			uint32_t bh = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16;
			uint32_t type = (bh >> 1) & 3, bsize = bh >> 3;
			if (type == 3)
				goto no;
			p += 3 + (type == 1 ? 1 : bsize);
			if (bh & 1)
				break;
		}
		if (checksum)
			p += 4;
		if (p > size)
			goto no;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			frame *nv = realloc(v, cap * sizeof *nv);
			if (!nv)
				goto no;
			v = nv;
		}
		v[n++] = (frame){.off = off, .csize = p - off, .dsize = content};
		off = p;
	}
	*out = v;
	*nout = n;
	return true;
no:
	free(v);
	return false;
}

static void *decode_main(void *arg)
{
	decoder *d = arg;
	wl_frames_reader *fr = d->fr;
	pthread_setname_np(pthread_self(), "wl-frames");
	for (size_t k = d->id; k < fr->nf; k += fr->p) {
		pthread_mutex_lock(&fr->mu);
		while (d->ready && !fr->stop)
			pthread_cond_wait(&fr->cv, &fr->mu);
		bool stop = fr->stop;
		pthread_mutex_unlock(&fr->mu);
		if (stop)
			break;
		const frame *f = &fr->f[k];
		wl_status st = WL_OK;
		size_t got = 0;
		if (!pread_all(fr->fd, d->in, (size_t)f->csize, f->off)) {
			st = WL_E_IO;
			snprintf(d->msg, sizeof d->msg, "read error in zstd frame at offset %llu",
			         (unsigned long long)f->off);
		} else {
			got = ZSTD_decompressDCtx(d->dctx, d->out, (size_t)f->dsize, d->in,
			                          (size_t)f->csize);
			if (ZSTD_isError(got)) {
				st = WL_E_ZSTD;
				snprintf(d->msg, sizeof d->msg, "zstd: %s (frame at offset %llu)",
				         ZSTD_getErrorName(got), (unsigned long long)f->off);
				got = 0;
			}
		}
		pthread_mutex_lock(&fr->mu);
		d->idx = k;
		d->n = got;
		d->st = st;
		d->ready = true;
		pthread_cond_broadcast(&fr->cv);
		pthread_mutex_unlock(&fr->mu);
		if (st != WL_OK)
			break;
	}
	wl_cputime_thread_end(fr->cpu, WL_THREAD_FRAMES);
	return NULL;
}

static wl_status frames_read(wl_reader *r, char *buf, size_t cap, size_t *got, char *msg,
                             size_t msglen)
{
	wl_frames_reader *fr = (wl_frames_reader *)r;
	*got = 0;
	if (fr->cur >= fr->nf)
		return WL_OK;
	decoder *d = &fr->d[fr->cur % fr->p];
	pthread_mutex_lock(&fr->mu);
	while (!(d->ready && d->idx == fr->cur))
		pthread_cond_wait(&fr->cv, &fr->mu);
	pthread_mutex_unlock(&fr->mu);
	if (d->st != WL_OK) {
		snprintf(msg, msglen, "%s", d->msg);
		fr->cur = fr->nf;
		return d->st;
	}
	size_t k = d->n - fr->cur_pos;
	if (k > cap)
		k = cap;
	memcpy(buf, d->out + fr->cur_pos, k);
	fr->cur_pos += k;
	*got = k;
	if (fr->cur_pos == d->n) {
		pthread_mutex_lock(&fr->mu);
		d->ready = false;
		pthread_cond_broadcast(&fr->cv);
		pthread_mutex_unlock(&fr->mu);
		fr->cur++;
		fr->cur_pos = 0;
		if (k == 0)
			return frames_read(r, buf, cap, got, msg, msglen); /* empty frame */
	}
	return WL_OK;
}

wl_status wl_frames_open(wl_frames_reader **out, int fd, uint64_t size, unsigned threads,
                         uint64_t max_out, wl_cputime *cpu)
{
	*out = NULL;
	frame *f = NULL;
	size_t nf = 0;
	if (threads < 2 || !scan(fd, size, &f, &nf))
		return WL_OK;
	uint64_t total = 0, per = 0;
	for (size_t i = 0; i < nf; i++) {
		total += f[i].dsize;
		uint64_t need = f[i].dsize + f[i].csize;
		per = need > per ? need : per;
	}
	unsigned p = threads;
	if (per > 0 && WL_FRAMES_MEM_MAX / per < p)
		p = (unsigned)(WL_FRAMES_MEM_MAX / per);
	if (p > nf)
		p = (unsigned)nf;
	if (nf < 2 || p < 2 || total > max_out) {
		free(f);
		return WL_OK; /* the streaming decoder handles (and reports) it */
	}
	wl_frames_reader *fr = calloc(1, sizeof *fr);
	if (!fr) {
		free(f);
		return WL_E_NOMEM;
	}
	fr->base.read = frames_read;
	fr->fd = fd;
	fr->f = f;
	fr->nf = nf;
	fr->p = p;
	fr->cpu = cpu;
	pthread_mutex_init(&fr->mu, NULL);
	pthread_cond_init(&fr->cv, NULL);
	fr->d = calloc(p, sizeof *fr->d);
	if (!fr->d)
		goto nomem;
	for (unsigned i = 0; i < p; i++) {
		decoder *d = &fr->d[i];
		d->fr = fr;
		d->id = i;
		d->in_cap = d->out_cap = 0;
		for (size_t k = i; k < nf; k += p) {
			d->in_cap = f[k].csize > d->in_cap ? (size_t)f[k].csize : d->in_cap;
			d->out_cap = f[k].dsize > d->out_cap ? (size_t)f[k].dsize : d->out_cap;
		}
		d->in = malloc(d->in_cap ? d->in_cap : 1);
		d->out = malloc(d->out_cap ? d->out_cap : 1);
		d->dctx = ZSTD_createDCtx();
		if (!d->in || !d->out || !d->dctx)
			goto nomem;
		ZSTD_DCtx_setParameter(d->dctx, ZSTD_d_windowLogMax, WL_ZSTD_WINDOW_LOG_MAX);
	}
	for (unsigned i = 0; i < p; i++) {
		if (pthread_create(&fr->d[i].th, NULL, decode_main, &fr->d[i]) != 0) {
			wl_frames_close(fr);
			return WL_E_NOMEM;
		}
		fr->started++;
	}
	*out = fr;
	return WL_OK;
nomem:
	for (unsigned i = 0; fr->d && i < p; i++) {
		free(fr->d[i].in);
		free(fr->d[i].out);
		ZSTD_freeDCtx(fr->d[i].dctx);
	}
	free(fr->d);
	pthread_mutex_destroy(&fr->mu);
	pthread_cond_destroy(&fr->cv);
	free(fr->f);
	free(fr);
	return WL_E_NOMEM;
}

wl_reader *wl_frames_base(wl_frames_reader *fr)
{
	return &fr->base;
}

size_t wl_frames_count(const wl_frames_reader *fr)
{
	return fr->nf;
}

unsigned wl_frames_threads(const wl_frames_reader *fr)
{
	return fr->p;
}

void wl_frames_close(wl_frames_reader *fr)
{
	if (!fr)
		return;
	pthread_mutex_lock(&fr->mu);
	fr->stop = true;
	pthread_cond_broadcast(&fr->cv);
	pthread_mutex_unlock(&fr->mu);
	for (unsigned i = 0; i < fr->started; i++)
		pthread_join(fr->d[i].th, NULL);
	for (unsigned i = 0; i < fr->p; i++) {
		free(fr->d[i].in);
		free(fr->d[i].out);
		ZSTD_freeDCtx(fr->d[i].dctx);
	}
	free(fr->d);
	pthread_mutex_destroy(&fr->mu);
	pthread_cond_destroy(&fr->cv);
	free(fr->f);
	free(fr);
}
