/* The bounded queue between workers and the writer. Back-pressure: a worker
 * blocks in push while WL_QUEUE_DEPTH messages wait, and in get_blank while
 * max_alloc messages exist, so memory does not grow with input size.
 *
 * Payloads (event slots and arena, about 1 MiB) are pooled apart from
 * messages: when workers encode their rows (pipeline.c), a queued batch
 * needs only its encoding, and its payload is back in the pool before the
 * batch is queued. So payloads number about two per worker (one filling,
 * one encoding) instead of one per message in existence: at -j16, 82
 * messages could hold 82 MiB of payloads, and an 8.2 GB load peaked at
 * 248-258 MiB RSS against a 256 MiB bound. A message holds a payload only
 * while it is in use (get_blank to put_blank, unless dropped), and a new
 * payload is made only when the pool is empty, so there are never more
 * payloads than messages in use: the max_alloc bound still holds. */
#include <stdlib.h>
#include <string.h>

#include "queue.h"
#include "wsuslog/limits.h"

wl_status wl_queue_init(wl_queue *q, size_t depth, size_t max_alloc)
{
	*q = (wl_queue){.depth = depth, .max_alloc = max_alloc};
	if (pthread_mutex_init(&q->mu, NULL) != 0)
		return WL_E_NOMEM;
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	pthread_cond_init(&q->free_cv, NULL);
	return WL_OK;
}

#define EV_BYTES (WL_BATCH_EVENTS * sizeof(wl_event))

static void msg_free(wl_msg *m)
{
	if (!m)
		return;
	if (m->enc)
		m->enc_free(m->enc);
	free(m->ev); /* the payload */
	free(m);
}

static void attach(wl_msg *m, void *payload)
{
	m->ev = payload;
	m->arena = (char *)payload + EV_BYTES;
}

void wl_queue_destroy(wl_queue *q)
{
	for (wl_msg *m = q->free_list, *next; m; m = next) {
		next = m->next;
		msg_free(m);
	}
	for (wl_msg *m = q->head, *next; m; m = next) {
		next = m->next;
		msg_free(m);
	}
	for (void *p = q->payloads, *next; p; p = next) {
		memcpy(&next, p, sizeof next);
		free(p);
	}
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
	pthread_cond_destroy(&q->free_cv);
}

/* Payload p onto the pool; under q->mu. */
static void pool_put(wl_queue *q, void *p)
{
	memcpy(p, &q->payloads, sizeof q->payloads);
	q->payloads = p;
}

/* A payload off the pool, or NULL when it is empty; under q->mu. */
static void *pool_take(wl_queue *q)
{
	void *p = q->payloads;
	if (p)
		memcpy(&q->payloads, p, sizeof q->payloads);
	return p;
}

/* m's payload, if it has one, onto the pool; under q->mu. */
static void detach(wl_queue *q, wl_msg *m)
{
	if (!m->ev)
		return;
	pool_put(q, m->ev);
	m->ev = NULL;
	m->arena = NULL;
	m->nev = m->arena_n = 0;
}

wl_msg *wl_queue_get_blank(wl_queue *q)
{
	pthread_mutex_lock(&q->mu);
	while (!q->free_list && q->allocated >= q->max_alloc)
		pthread_cond_wait(&q->free_cv, &q->mu);
	wl_msg *m = q->free_list;
	if (m)
		q->free_list = m->next;
	else
		q->allocated++;
	void *payload = pool_take(q);
	pthread_mutex_unlock(&q->mu);
	if (!payload)
		payload = malloc(EV_BYTES + WL_MSG_ARENA);
	if (!m)
		m = calloc(1, sizeof *m);
	if (!m || !payload) {
		pthread_mutex_lock(&q->mu);
		if (payload)
			pool_put(q, payload);
		if (m) {
			m->next = q->free_list;
			q->free_list = m;
		} else {
			q->allocated--;
		}
		pthread_cond_signal(&q->free_cv);
		pthread_mutex_unlock(&q->mu);
		return NULL;
	}
	m->next = NULL;
	attach(m, payload);
	return m;
}

void wl_queue_drop_payload(wl_queue *q, wl_msg *m)
{
	pthread_mutex_lock(&q->mu);
	detach(q, m);
	pthread_mutex_unlock(&q->mu);
}

void wl_queue_put_blank(wl_queue *q, wl_msg *m)
{
	pthread_mutex_lock(&q->mu);
	/* Idle payloads wait in the pool, not on idle messages: a message
	 * taken without one would otherwise make a new payload while others
	 * sat further down the free list. */
	detach(q, m);
	m->next = q->free_list;
	q->free_list = m;
	pthread_cond_signal(&q->free_cv);
	pthread_mutex_unlock(&q->mu);
}

void wl_queue_push(wl_queue *q, wl_msg *m)
{
	m->next = NULL;
	pthread_mutex_lock(&q->mu);
	while (q->n >= q->depth && !q->closed)
		pthread_cond_wait(&q->not_full, &q->mu);
	if (q->tail)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	q->n++;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->mu);
}

wl_msg *wl_queue_pop(wl_queue *q)
{
	pthread_mutex_lock(&q->mu);
	while (!q->head && !q->closed)
		pthread_cond_wait(&q->not_empty, &q->mu);
	wl_msg *m = q->head;
	if (m) {
		q->head = m->next;
		if (!q->head)
			q->tail = NULL;
		q->n--;
		pthread_cond_signal(&q->not_full);
	}
	pthread_mutex_unlock(&q->mu);
	return m;
}

void wl_queue_close(wl_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_broadcast(&q->not_empty);
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->mu);
}
