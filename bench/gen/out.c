/* wsuslog-gen: the output layer. Renderers fill a 1 MiB line buffer; it
 * flushes through the file's encoding (UTF-16LE transcoding, BOMs) into one
 * of the destinations: a plain tree, one .zst per file (ZSTD_compressStream2),
 * members of a single .tar.zst (libarchive), a multi-frame .zst, or a byte
 * counter for the sizing and tar-size passes. */
#include "gen.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

void wl_gen_report_io(const char *path, const char *what)
{
	fprintf(stderr, "wsuslog-gen: %s: %s%s%s\n", path, what, errno ? ": " : "",
	        errno ? strerror(errno) : "");
}

int wl_gen_out_init(wl_gen_out *o)
{
	memset(o, 0, sizeof *o);
	o->buf = malloc(WL_GEN_BUF_SIZE);
	return o->buf ? 0 : -1;
}

void wl_gen_out_free(wl_gen_out *o)
{
	free(o->buf);
	o->buf = NULL;
}

int wl_gen_out_flush(wl_gen_out *o)
{
	if (o->len && o->file && !o->err)
		if (wl_gen_file_write(o->file, o->buf, o->len))
			o->err = 1;
	o->len = 0;
	return o->err ? -1 : 0;
}

int wl_gen_out_switch(wl_gen_out *o, wl_gen_file *f)
{
	wl_gen_out_flush(o);
	if (o->file) {
		o->file->lines += o->lines;
		o->file->err_lines += o->err_lines;
	}
	o->lines = o->err_lines = 0;
	o->file = f;
	return o->err ? -1 : 0;
}

/* ---- encodings --------------------------------------------------------- */

uint64_t wl_gen_enc_size(wl_gen_enc enc, const char *p, size_t n)
{
	if (enc != WL_GEN_ENC_UTF16)
		return n;
	uint64_t units = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)p[i];
		if ((b & 0xc0) != 0x80)
			units += b >= 0xf0 ? 2 : 1;
	}
	return units * 2;
}

/* UTF-8 to UTF-16LE; the input holds whole sequences (the caller cuts at
 * lead bytes). Returns bytes written to out (at most 2 * n). */
static size_t to_utf16(const char *p, size_t n, unsigned char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		unsigned char b = (unsigned char)p[i];
		uint32_t cp;
		if (b < 0x80) {
			out[o++] = b;
			out[o++] = 0;
			i++;
			continue;
		}
		if (b >= 0xf0 && i + 3 < n) {
			cp = ((uint32_t)(b & 7) << 18) | ((uint32_t)(p[i + 1] & 0x3f) << 12) |
			     ((uint32_t)(p[i + 2] & 0x3f) << 6) | (uint32_t)(p[i + 3] & 0x3f);
			i += 4;
			cp -= 0x10000;
			uint32_t hi = 0xd800 + (cp >> 10), lo = 0xdc00 + (cp & 0x3ff);
			out[o++] = (unsigned char)hi;
			out[o++] = (unsigned char)(hi >> 8);
			out[o++] = (unsigned char)lo;
			out[o++] = (unsigned char)(lo >> 8);
			continue;
		}
		if (b >= 0xe0 && i + 2 < n) {
			cp = ((uint32_t)(b & 15) << 12) | ((uint32_t)(p[i + 1] & 0x3f) << 6) |
			     (uint32_t)(p[i + 2] & 0x3f);
			i += 3;
		} else if (b >= 0xc0 && i + 1 < n) {
			cp = ((uint32_t)(b & 31) << 6) | (uint32_t)(p[i + 1] & 0x3f);
			i += 2;
		} else {
			cp = '?';
			i++;
		}
		out[o++] = (unsigned char)cp;
		out[o++] = (unsigned char)(cp >> 8);
	}
	return o;
}

/* ---- raw writes per kind ----------------------------------------------- */

static int write_fd(wl_gen_file *f, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(f->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			wl_gen_report_io(f->path, "write failed");
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int zst_drive(wl_gen_file *f, const char *p, size_t n, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = {p, n, 0};
	for (;;) {
		ZSTD_outBuffer out = {f->zbuf, f->zcap, 0};
		size_t r = ZSTD_compressStream2(f->cctx, &out, &in, mode);
		if (ZSTD_isError(r)) {
			errno = 0;
			fprintf(stderr, "wsuslog-gen: %s: zstd: %s\n", f->path,
			        ZSTD_getErrorName(r));
			return -1;
		}
		if (out.pos && write_fd(f, f->zbuf, out.pos))
			return -1;
		if (mode == ZSTD_e_continue ? in.pos == in.size : r == 0)
			return 0;
	}
}

static int raw_write_kind(wl_gen_file *f, const char *p, size_t n);

static int raw_write(wl_gen_file *f, const char *p, size_t n)
{
	if (f->failed)
		return -1;
	if (raw_write_kind(f, p, n)) {
		f->failed = 1;
		return -1;
	}
	return 0;
}

static int raw_write_kind(wl_gen_file *f, const char *p, size_t n)
{
	f->bytes += n;
	switch (f->kind) {
	case WL_GEN_F_COUNT:
		return 0;
	case WL_GEN_F_FD:
		return write_fd(f, p, n);
	case WL_GEN_F_ZST:
		return zst_drive(f, p, n, ZSTD_e_continue);
	case WL_GEN_F_BIG:
		while (n) {
			uint64_t room = f->dest->frame_bytes - f->frame_in;
			size_t take = n < room ? n : (size_t)room;
			if (zst_drive(f, p, take, ZSTD_e_continue))
				return -1;
			f->frame_in += take;
			p += take;
			n -= take;
			if (f->frame_in == f->dest->frame_bytes) {
				if (zst_drive(f, NULL, 0, ZSTD_e_end))
					return -1;
				f->frame_in = 0;
			}
		}
		return 0;
	case WL_GEN_F_TAR: {
		la_ssize_t w = archive_write_data(f->dest->archive, p, n);
		if (w < 0 || (size_t)w != n) {
			errno = 0;
			fprintf(stderr, "wsuslog-gen: %s: %s\n", f->path,
			        archive_error_string(f->dest->archive));
			return -1;
		}
		return 0;
	}
	case WL_GEN_F_MEM:
		if (f->too_big || f->mem_len + n > WL_GEN_MEM_FILE_MAX) {
			f->too_big = 1;
			return 0;
		}
		if (f->mem_len + n > f->mem_cap) {
			size_t cap = f->mem_cap ? f->mem_cap * 2 : (256u << 10);
			while (cap < f->mem_len + n)
				cap *= 2;
			char *m = realloc(f->mem, cap);
			if (!m) {
				f->too_big = 1;
				return 0;
			}
			f->mem = m;
			f->mem_cap = cap;
		}
		memcpy(f->mem + f->mem_len, p, n);
		f->mem_len += n;
		return 0;
	}
	return -1;
}

int wl_gen_file_write(wl_gen_file *f, const char *p, size_t n)
{
	if (f->enc != WL_GEN_ENC_UTF16)
		return raw_write(f, p, n);
	unsigned char tmp[1u << 16];
	while (n) {
		size_t take = n < sizeof tmp / 2 - 4 ? n : sizeof tmp / 2 - 4;
		/* never split a UTF-8 sequence */
		while (take < n && ((unsigned char)p[take] & 0xc0) == 0x80)
			take--;
		size_t w = to_utf16(p, take, tmp);
		if (raw_write(f, (const char *)tmp, w))
			return -1;
		p += take;
		n -= take;
	}
	return 0;
}

/* ---- files ------------------------------------------------------------- */

static int mkdirs(char *path)
{
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		int r = mkdir(path, 0755);
		*s = '/';
		if (r && errno != EEXIST)
			return -1;
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

static int open_under(wl_gen_file *f, const char *root, const char *rel, int flatten)
{
	char *full = f->path;
	int n = snprintf(full, sizeof f->path, "%s/%s%s", root, rel, flatten ? ".zst" : "");
	if (n < 0 || (size_t)n >= sizeof f->path) {
		errno = ENAMETOOLONG;
		wl_gen_report_io(rel, "path too long");
		return -1;
	}
	char *base = full + strlen(root) + 1;
	if (flatten) {
		for (char *s = base; *s; s++)
			if (*s == '/')
				*s = '_';
	} else {
		char *slash = strrchr(full, '/');
		*slash = 0;
		if (mkdirs(full)) {
			wl_gen_report_io(full, "cannot create directory");
			return -1;
		}
		*slash = '/';
	}
	f->fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		wl_gen_report_io(full, "cannot create");
		return -1;
	}
	return 0;
}

static int setup_zstd(wl_gen_file *f, void *cctx, int level, unsigned workers)
{
	f->cctx = cctx;
	f->zcap = ZSTD_CStreamOutSize();
	f->zbuf = malloc(f->zcap);
	if (!f->zbuf)
		return -1;
	ZSTD_CCtx_reset(cctx, ZSTD_reset_session_only);
	size_t r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
	if (ZSTD_isError(r))
		return -1;
	r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_nbWorkers, (int)workers);
	if (ZSTD_isError(r) && workers)
		return -1;
	return 0;
}

int wl_gen_file_open(wl_gen_file *f, wl_gen_dest *d, wl_gen_fkind kind, const char *path,
                     wl_gen_enc enc, uint64_t size, void *cctx)
{
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->enc = enc;
	f->dest = d;
	f->fd = -1;
	if (kind != WL_GEN_F_FD && kind != WL_GEN_F_ZST)
		snprintf(f->path, sizeof f->path, "%s", path);
	switch (kind) {
	case WL_GEN_F_COUNT:
	case WL_GEN_F_MEM:
		break;
	case WL_GEN_F_FD:
		if (open_under(f, d->root, path, 0))
			return -1;
		break;
	case WL_GEN_F_ZST:
		if (open_under(f, d->root, path, 1) || setup_zstd(f, cctx, d->level, 0))
			return -1;
		break;
	case WL_GEN_F_BIG:
		f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (f->fd < 0) {
			wl_gen_report_io(path, "cannot create");
			return -1;
		}
		if (setup_zstd(f, cctx, d->level, d->workers))
			return -1;
		break;
	case WL_GEN_F_TAR: {
		struct archive_entry *e = archive_entry_new();
		if (!e)
			return -1;
		archive_entry_set_pathname(e, path);
		archive_entry_set_size(e, (la_int64_t)size);
		f->declared = size;
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_mtime(e, d->mtime, 0);
		int r = archive_write_header(d->archive, e);
		archive_entry_free(e);
		if (r != ARCHIVE_OK) {
			errno = 0;
			fprintf(stderr, "wsuslog-gen: %s: %s\n", path,
			        archive_error_string(d->archive));
			return -1;
		}
		break;
	}
	}
	static const char bom8[] = "\xef\xbb\xbf", bom16[] = "\xff\xfe";
	if (enc == WL_GEN_ENC_BOM)
		return raw_write(f, bom8, 3);
	if (enc == WL_GEN_ENC_UTF16)
		return raw_write(f, bom16, 2);
	return 0;
}

int wl_gen_file_close(wl_gen_file *f)
{
	int rc = 0;
	switch (f->kind) {
	case WL_GEN_F_COUNT:
	case WL_GEN_F_MEM:
		break;
	case WL_GEN_F_FD:
		break;
	case WL_GEN_F_ZST:
		rc = f->failed ? -1 : zst_drive(f, NULL, 0, ZSTD_e_end);
		break;
	case WL_GEN_F_BIG:
		if (f->failed)
			rc = -1;
		else if (f->frame_in)
			rc = zst_drive(f, NULL, 0, ZSTD_e_end);
		break;
	case WL_GEN_F_TAR:
		if (f->failed) {
			rc = -1;
		} else if (f->bytes != f->declared) {
			/* a bug: the counting pass and the writing pass differ */
			errno = 0;
			fprintf(stderr,
			        "wsuslog-gen: %s: internal error: wrote %llu "
			        "bytes, header says %llu\n",
			        f->path, (unsigned long long)f->bytes,
			        (unsigned long long)f->declared);
			rc = -1;
		}
		if (archive_write_finish_entry(f->dest->archive) != ARCHIVE_OK) {
			errno = 0;
			fprintf(stderr, "wsuslog-gen: %s: %s\n", f->path,
			        archive_error_string(f->dest->archive));
			rc = -1;
		}
		break;
	}
	if (f->fd >= 0 && close(f->fd) && !rc) {
		wl_gen_report_io(f->path, "close failed");
		rc = -1;
	}
	f->fd = -1;
	free(f->zbuf);
	f->zbuf = NULL;
	free(f->mem);
	f->mem = NULL;
	return rc;
}

int wl_gen_mkdirs(const char *dir)
{
	char tmp[4200];
	int n = snprintf(tmp, sizeof tmp, "%s", dir);
	if (n < 0 || (size_t)n >= sizeof tmp || mkdirs(tmp)) {
		wl_gen_report_io(dir, "cannot create directory");
		return -1;
	}
	return 0;
}

int wl_gen_dest_put(wl_gen_dest *d, const char *path, const char *data, size_t n, void *cctx)
{
	wl_gen_file f;
	wl_gen_fkind k = d->mode == WL_GEN_MODE_TAR    ? WL_GEN_F_TAR
	                 : d->mode == WL_GEN_MODE_ZDIR ? WL_GEN_F_ZST
	                                               : WL_GEN_F_FD;
	if (wl_gen_file_open(&f, d, k, path, WL_GEN_ENC_PLAIN, n, cctx)) {
		wl_gen_file_close(&f);
		return -1;
	}
	int rc = raw_write(&f, data, n);
	if (wl_gen_file_close(&f))
		rc = -1;
	return rc;
}

/* ---- destinations ------------------------------------------------------ */

int wl_gen_dest_open(wl_gen_dest *d, wl_gen_mode mode, const char *target, int level,
                     unsigned workers, uint64_t frame_bytes, int64_t mtime)
{
	memset(d, 0, sizeof *d);
	d->mode = mode;
	d->level = level;
	d->workers = workers ? workers : 1;
	d->frame_bytes = frame_bytes;
	d->mtime = mtime;
	snprintf(d->root, sizeof d->root, "%s", target);
	if (mode == WL_GEN_MODE_TREE || mode == WL_GEN_MODE_ZDIR)
		return wl_gen_mkdirs(target);
	if (mode != WL_GEN_MODE_TAR)
		return 0;
	struct archive *a = archive_write_new();
	if (!a)
		return -1;
	d->archive = a;
	char lv[16];
	snprintf(lv, sizeof lv, "%d", level);
	if (archive_write_add_filter_zstd(a) != ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "zstd", "compression-level", lv) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(a, 1 << 16) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_open_filename(a, target) != ARCHIVE_OK) {
		errno = 0;
		fprintf(stderr, "wsuslog-gen: %s: %s\n", target, archive_error_string(a));
		return -1;
	}
	return 0;
}

int wl_gen_dest_close(wl_gen_dest *d)
{
	int rc = 0;
	if (d->archive) {
		if (archive_write_close(d->archive) != ARCHIVE_OK) {
			errno = 0;
			fprintf(stderr, "wsuslog-gen: %s: %s\n", d->root,
			        archive_error_string(d->archive));
			rc = -1;
		}
		archive_write_free(d->archive);
		d->archive = NULL;
	}
	return rc;
}
