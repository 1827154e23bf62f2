/* Between stage 2 (decompress) and stage 3 (decode): a ring of
 * WL_READAHEAD_BLOCKS blocks filled by a producer thread. The worker reads
 * blocks in place (no copy) and hands a slot back when it asks for the
 * next one. */
#include "readahead.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsuslog/limits.h"

typedef struct slot {
	char *buf;
	size_t n;
	wl_status st;
	char msg[WL_MSG_BUF];
} slot;

struct wl_readahead {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	slot s[WL_READAHEAD_BLOCKS];
	unsigned head, count; /* next slot to consume; filled slots */
	bool holding;         /* the worker holds s[head] */
	bool stop, running, done;
	pthread_t th;
	wl_reader *r;
	wl_cputime *cpu;
};

wl_readahead *wl_readahead_new(wl_cputime *cpu)
{
	wl_readahead *ra = calloc(1, sizeof *ra);
	if (!ra)
		return NULL;
	ra->cpu = cpu;
	for (int i = 0; i < WL_READAHEAD_BLOCKS; i++) {
		ra->s[i].buf = malloc(WL_BLOCK_SIZE);
		if (!ra->s[i].buf) {
			wl_readahead_free(ra);
			return NULL;
		}
	}
	pthread_mutex_init(&ra->mu, NULL);
	pthread_cond_init(&ra->cv, NULL);
	return ra;
}

void wl_readahead_free(wl_readahead *ra)
{
	if (!ra)
		return;
	for (int i = 0; i < WL_READAHEAD_BLOCKS; i++)
		free(ra->s[i].buf);
	pthread_mutex_destroy(&ra->mu);
	pthread_cond_destroy(&ra->cv);
	free(ra);
}

static void *producer(void *arg)
{
	wl_readahead *ra = arg;
	pthread_setname_np(pthread_self(), "wl-read");
	for (;;) {
		pthread_mutex_lock(&ra->mu);
		while (ra->count == WL_READAHEAD_BLOCKS && !ra->stop)
			pthread_cond_wait(&ra->cv, &ra->mu);
		if (ra->stop) {
			pthread_mutex_unlock(&ra->mu);
			break;
		}
		unsigned i = (ra->head + ra->count) % WL_READAHEAD_BLOCKS;
		pthread_mutex_unlock(&ra->mu);

		slot *s = &ra->s[i];
		s->n = 0;
		s->msg[0] = 0;
		s->st = ra->r->read(ra->r, s->buf, WL_BLOCK_SIZE, &s->n, s->msg, sizeof s->msg);
		bool last = s->st != WL_OK || s->n == 0;

		pthread_mutex_lock(&ra->mu);
		ra->count++;
		pthread_cond_broadcast(&ra->cv);
		pthread_mutex_unlock(&ra->mu);
		if (last)
			break;
	}
	wl_cputime_thread_end(ra->cpu, WL_THREAD_READ);
	return NULL;
}

wl_status wl_readahead_start(wl_readahead *ra, wl_reader *r)
{
	ra->head = ra->count = 0;
	ra->holding = false;
	ra->stop = false;
	ra->done = false;
	ra->r = r;
	if (pthread_create(&ra->th, NULL, producer, ra) != 0)
		return WL_E_NOMEM;
	ra->running = true;
	return WL_OK;
}

wl_status wl_readahead_next(wl_readahead *ra, const char **p, size_t *n, char *msg, size_t msglen)
{
	*p = NULL;
	*n = 0;
	if (ra->done)
		return WL_OK;
	pthread_mutex_lock(&ra->mu);
	if (ra->holding) {
		ra->holding = false;
		ra->head = (ra->head + 1) % WL_READAHEAD_BLOCKS;
		ra->count--;
		pthread_cond_broadcast(&ra->cv);
	}
	while (ra->count == 0)
		pthread_cond_wait(&ra->cv, &ra->mu);
	slot *s = &ra->s[ra->head];
	ra->holding = true;
	pthread_mutex_unlock(&ra->mu);
	if (s->st != WL_OK) {
		snprintf(msg, msglen, "%s", s->msg);
		ra->done = true;
		return s->st;
	}
	if (s->n == 0)
		ra->done = true;
	*p = s->buf;
	*n = s->n;
	return WL_OK;
}

void wl_readahead_stop(wl_readahead *ra)
{
	if (!ra->running)
		return;
	pthread_mutex_lock(&ra->mu);
	ra->stop = true;
	pthread_cond_broadcast(&ra->cv);
	pthread_mutex_unlock(&ra->mu);
	pthread_join(ra->th, NULL);
	ra->running = false;
}
