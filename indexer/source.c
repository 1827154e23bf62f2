/* Pipeline stage 1: command-line inputs -> regular files -> byte readers.
 * The walk never follows a FIFO or device (reading one can hang) and keeps
 * the (device, inode) of each directory on the current path, so a symlink
 * loop is reported instead of followed forever. */
#include "source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wsuslog/limits.h"

static wl_status file_read(wl_reader *r, char *buf, size_t cap, size_t *got, char *msg,
                           size_t msglen)
{
	wl_file_reader *fr = (wl_file_reader *)r;
	for (;;) {
		ssize_t k = read(fr->fd, buf, cap);
		if (k >= 0) {
			*got = (size_t)k;
			fr->offset += (uint64_t)k;
			if (fr->counter)
				atomic_fetch_add_explicit(fr->counter, (uint64_t)k,
				                          memory_order_relaxed);
			return WL_OK;
		}
		if (errno == EINTR)
			continue;
		snprintf(msg, msglen, "read error at offset %llu: %s",
		         (unsigned long long)fr->offset, strerror(errno));
		return WL_E_IO;
	}
}

wl_status wl_file_reader_open(wl_file_reader *fr, const char *path, char *msg, size_t msglen)
{
	memset(fr, 0, sizeof *fr);
	fr->base.read = file_read;
	/* O_NONBLOCK: a path that became a FIFO after the walk must not hang. */
	fr->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fr->fd < 0) {
		snprintf(msg, msglen, "%s", strerror(errno));
		return WL_E_OPEN;
	}
	struct stat st;
	if (fstat(fr->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(msg, msglen, "not a regular file");
		close(fr->fd);
		fr->fd = -1;
		return WL_E_SKIPPED;
	}
	fr->mtime_us = (int64_t)st.st_mtim.tv_sec * 1000000 + st.st_mtim.tv_nsec / 1000;
	fr->size = (uint64_t)st.st_size;
	int fl = fcntl(fr->fd, F_GETFL);
	if (fl >= 0)
		fcntl(fr->fd, F_SETFL, fl & ~O_NONBLOCK);
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(fr->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	return WL_OK;
}

void wl_file_reader_close(wl_file_reader *fr)
{
	if (fr->fd >= 0)
		close(fr->fd);
	fr->fd = -1;
}

/* The next k (<= cap) bytes of the replayed head, or false once it is all
 * handed out. */
static bool peek_head(wl_peek_reader *pr, size_t cap, const char **p, size_t *k)
{
	if (pr->head_pos >= pr->head_n)
		return false;
	*k = pr->head_n - pr->head_pos;
	if (*k > cap)
		*k = cap;
	*p = pr->head + pr->head_pos;
	pr->head_pos += *k;
	return true;
}

static wl_status peek_read(wl_reader *r, char *buf, size_t cap, size_t *got, char *msg,
                           size_t msglen)
{
	wl_peek_reader *pr = (wl_peek_reader *)r;
	const char *p;
	if (peek_head(pr, cap, &p, got)) {
		memcpy(buf, p, *got);
		return WL_OK;
	}
	return pr->under->read(pr->under, buf, cap, got, msg, msglen);
}

wl_status wl_read_borrowed(wl_reader *r, char *buf, size_t cap, size_t *got, char *msg,
                           size_t msglen)
{
	const char *p = NULL;
	wl_status st = r->borrow(r, cap, &p, got, msg, msglen);
	if (st == WL_OK && *got)
		memcpy(buf, p, *got);
	return st;
}

static wl_status peek_borrow(wl_reader *r, size_t cap, const char **p, size_t *got, char *msg,
                             size_t msglen)
{
	wl_peek_reader *pr = (wl_peek_reader *)r;
	if (peek_head(pr, cap, p, got))
		return WL_OK;
	return pr->under->borrow(pr->under, cap, p, got, msg, msglen);
}

void wl_peek_reader_init(wl_peek_reader *pr, wl_reader *under, const char *head, size_t n)
{
	pr->base.read = peek_read;
	pr->base.borrow = under->borrow ? peek_borrow : NULL;
	pr->under = under;
	pr->head = head;
	pr->head_n = n;
	pr->head_pos = 0;
}

wl_status wl_read_head(wl_reader *r, char *buf, size_t *n, char *msg, size_t msglen)
{
	/* A reader that lends its blocks is copied only as far as sniffing
	 * needs; the rest is borrowed later (an archive member's first block
	 * would otherwise be copied whole: 70 % of a typical member). */
	size_t cap = r->borrow ? WL_HEAD_SNIFF : WL_BLOCK_SIZE;
	*n = 0;
	while (*n < 512) {
		size_t got = 0;
		wl_status st = r->read(r, buf + *n, cap - *n, &got, msg, msglen);
		if (st != WL_OK)
			return st;
		if (got == 0)
			break;
		*n += got;
	}
	return WL_OK;
}

/* ---- the walk ---- */

static wl_status push(wl_input_list *list, const char *path, uint64_t size)
{
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 64;
		wl_input *v = realloc(list->v, cap * sizeof *v);
		if (!v)
			return WL_E_NOMEM;
		list->v = v;
		list->cap = cap;
	}
	char *copy = strdup(path);
	if (!copy)
		return WL_E_NOMEM;
	list->v[list->n].path = copy;
	list->v[list->n].size = size;
	list->n++;
	list->total_bytes += size;
	return WL_OK;
}

typedef struct walk_ctx {
	wl_input_list *list;
	wl_walk_problem_fn on_problem;
	void *ctx;
	dev_t dev[WL_DIR_DEPTH_MAX];
	ino_t ino[WL_DIR_DEPTH_MAX];
	int depth;
} walk_ctx;

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static wl_status walk(walk_ctx *w, const char *path);

static wl_status walk_dir(walk_ctx *w, const char *path, const struct stat *st)
{
	for (int i = 0; i < w->depth; i++) {
		if (w->dev[i] == st->st_dev && w->ino[i] == st->st_ino) {
			w->on_problem(w->ctx, WL_E_SKIPPED, path, "directory loop (symbolic link)");
			return WL_OK;
		}
	}
	if (w->depth >= WL_DIR_DEPTH_MAX) {
		w->on_problem(w->ctx, WL_E_SKIPPED, path, "directories nested too deep");
		return WL_OK;
	}
	DIR *d = opendir(path);
	if (!d) {
		w->on_problem(w->ctx, WL_E_OPEN, path, strerror(errno));
		return WL_OK;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	wl_status rc = WL_OK;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **nn = realloc(names, cap * sizeof *nn);
			if (!nn) {
				rc = WL_E_NOMEM;
				goto out;
			}
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			rc = WL_E_NOMEM;
			goto out;
		}
		n++;
	}
	if (n) /* an empty folder has no array: qsort's pointer must not be NULL */
		qsort(names, n, sizeof *names, cmp_names);
	w->dev[w->depth] = st->st_dev;
	w->ino[w->depth] = st->st_ino;
	w->depth++;
	for (size_t i = 0; i < n && rc == WL_OK; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;
		char *child = malloc(len);
		if (!child) {
			rc = WL_E_NOMEM;
			break;
		}
		snprintf(child, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
		         names[i]);
		rc = walk(w, child);
		free(child);
	}
	w->depth--;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

static wl_status walk(walk_ctx *w, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		w->on_problem(w->ctx, errno == ELOOP ? WL_E_SKIPPED : WL_E_OPEN, path,
		              strerror(errno));
		return WL_OK;
	}
	if (S_ISDIR(st.st_mode))
		return walk_dir(w, path, &st);
	if (S_ISREG(st.st_mode))
		return push(w->list, path, (uint64_t)st.st_size);
	w->on_problem(w->ctx, WL_E_SKIPPED, path,
	              S_ISFIFO(st.st_mode) ? "FIFO skipped" : "not a regular file; skipped");
	return WL_OK;
}

wl_status wl_walk(wl_input_list *list, const char *path, wl_walk_problem_fn on_problem, void *ctx)
{
	walk_ctx w = {.list = list, .on_problem = on_problem, .ctx = ctx, .depth = 0};
	return walk(&w, path);
}

void wl_input_list_free(wl_input_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->v[i].path);
	free(list->v);
	memset(list, 0, sizeof *list);
}
