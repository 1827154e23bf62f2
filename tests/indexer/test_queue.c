/* Unit tests of the bounded queue between workers and the writer
 * (indexer/queue.c, API in pipeline.h): FIFO order, back-pressure in push
 * while `depth` messages wait, the max_alloc cap in get_blank, close waking
 * blocked pops and pushes, and many producers feeding one consumer. Helper
 * threads only record what happened; the main thread asserts (cmocka's
 * asserts longjmp and belong to the thread that runs the test). Waits are
 * bounded spins with sched_yield, never fixed sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "pipeline.h"

/* ---- bounded waits ---- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* True once *flag is set; false if it stays clear for `seconds`. Used both
 * to wait for something that must happen (a generous bound: a loaded
 * machine is not a failure) and to check that something stays blocked (a
 * short bound: a thread that should block but does not is seen at once). */
static bool becomes_true(atomic_bool *flag, double seconds)
{
	double end = now_s() + seconds;
	while (!atomic_load(flag)) {
		if (now_s() > end)
			return false;
		sched_yield();
	}
	return true;
}

#define MUST_HAPPEN_S 10.0
#define STAYS_BLOCKED_S 0.05

/* ---- a thread that runs one queue call ---- */

typedef enum call_kind { CALL_PUSH, CALL_POP, CALL_GET_BLANK } call_kind;

typedef struct call {
	wl_queue *q;
	call_kind kind;
	wl_msg *m;           /* in: the message to push; out: what pop/get_blank returned */
	atomic_bool started; /* about to make the call */
	atomic_bool done;    /* the call returned */
	pthread_t th;
} call;

static void *call_main(void *arg)
{
	call *c = arg;
	atomic_store(&c->started, true);
	switch (c->kind) {
	case CALL_PUSH:
		wl_queue_push(c->q, c->m);
		break;
	case CALL_POP:
		c->m = wl_queue_pop(c->q);
		break;
	case CALL_GET_BLANK:
		c->m = wl_queue_get_blank(c->q);
		break;
	}
	atomic_store(&c->done, true);
	return NULL;
}

static void call_start(call *c, wl_queue *q, call_kind kind, wl_msg *m)
{
	c->q = q;
	c->kind = kind;
	c->m = m;
	atomic_init(&c->started, false);
	atomic_init(&c->done, false);
	assert_int_equal(pthread_create(&c->th, NULL, call_main, c), 0);
	assert_true(becomes_true(&c->started, MUST_HAPPEN_S));
}

/* The call is blocked: it started and has not returned after a while. */
static void assert_blocked(call *c)
{
	assert_false(becomes_true(&c->done, STAYS_BLOCKED_S));
}

static void assert_returns(call *c)
{
	assert_true(becomes_true(&c->done, MUST_HAPPEN_S));
	pthread_join(c->th, NULL);
}

static wl_msg *blank_with(wl_queue *q, unsigned worker, uint64_t seq)
{
	wl_msg *m = wl_queue_get_blank(q);
	assert_non_null(m);
	m->worker = worker;
	m->bytes = seq;
	return m;
}

/* ---- tests ---- */

static void fifo_order_and_recycling(void **state)
{
	(void)state;
	wl_queue q;
	assert_int_equal(wl_queue_init(&q, 8, 8), WL_OK);
	wl_msg *sent[6];
	for (unsigned i = 0; i < 6; i++) {
		sent[i] = blank_with(&q, 0, i);
		wl_queue_push(&q, sent[i]);
	}
	for (unsigned i = 0; i < 6; i++) {
		wl_msg *m = wl_queue_pop(&q);
		assert_ptr_equal(m, sent[i]);
		assert_int_equal(m->bytes, i);
		wl_queue_put_blank(&q, m);
	}
	/* A returned message is handed out again before a new one is made. */
	wl_msg *again = wl_queue_get_blank(&q);
	assert_non_null(again);
	bool recycled = false;
	for (unsigned i = 0; i < 6; i++)
		recycled |= again == sent[i];
	assert_true(recycled);
	assert_int_equal(q.allocated, 6);
	wl_queue_put_blank(&q, again);
	wl_queue_destroy(&q);
}

/* A batch encoded on its worker is queued without its payload, which the
 * worker's next batch gets: one payload serves every batch in flight. */
static void dropped_payloads_serve_the_next_batches(void **state)
{
	(void)state;
	wl_queue q;
	assert_int_equal(wl_queue_init(&q, 8, 8), WL_OK);
	wl_msg *m = blank_with(&q, 0, 0);
	wl_event *payload = m->ev;
	/* Slots, then the arena, both whole (ASan checks the bounds). */
	assert_ptr_equal(m->arena, (char *)(m->ev + WL_BATCH_EVENTS));
	m->ev[WL_BATCH_EVENTS - 1].line = 7;
	m->arena[WL_MSG_ARENA - 1] = 'x';
	for (uint64_t i = 0; i < 5; i++) {
		if (i)
			m = blank_with(&q, 0, i);
		assert_ptr_equal(m->ev, payload);
		m->nev = 3;
		wl_queue_drop_payload(&q, m);
		assert_null(m->ev);
		assert_null(m->arena);
		assert_int_equal(m->nev, 0);
		wl_queue_push(&q, m);
	}
	assert_int_equal(q.allocated, 5);
	for (uint64_t i = 0; i < 5; i++) {
		m = wl_queue_pop(&q);
		assert_int_equal(m->bytes, i);
		assert_null(m->ev);
		wl_queue_put_blank(&q, m);
	}
	/* A recycled message without a payload takes the pooled one; a
	 * second batch at the same time gets one of its own. */
	wl_msg *a = wl_queue_get_blank(&q), *b = wl_queue_get_blank(&q);
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_equal(a->ev, payload);
	assert_non_null(b->ev);
	assert_ptr_not_equal(b->ev, payload);
	assert_int_equal(q.allocated, 5);
	wl_queue_put_blank(&q, a);
	wl_queue_put_blank(&q, b);
	wl_queue_destroy(&q);
}

static void push_blocks_while_depth_messages_wait(void **state)
{
	(void)state;
	wl_queue q;
	assert_int_equal(wl_queue_init(&q, 2, 8), WL_OK);
	wl_queue_push(&q, blank_with(&q, 0, 0));
	wl_queue_push(&q, blank_with(&q, 0, 1));

	call pusher;
	call_start(&pusher, &q, CALL_PUSH, blank_with(&q, 0, 2));
	assert_blocked(&pusher);

	/* One pop makes room: the blocked push completes, behind the others. */
	wl_msg *m = wl_queue_pop(&q);
	assert_int_equal(m->bytes, 0);
	wl_queue_put_blank(&q, m);
	assert_returns(&pusher);
	assert_int_equal(q.n, 2);
	for (uint64_t want = 1; want <= 2; want++) {
		m = wl_queue_pop(&q);
		assert_int_equal(m->bytes, want);
		wl_queue_put_blank(&q, m);
	}
	wl_queue_destroy(&q);
}

static void get_blank_blocks_at_max_alloc(void **state)
{
	(void)state;
	wl_queue q;
	assert_int_equal(wl_queue_init(&q, 8, 2), WL_OK);
	wl_msg *a = wl_queue_get_blank(&q), *b = wl_queue_get_blank(&q);
	assert_non_null(a);
	assert_non_null(b);

	call getter;
	call_start(&getter, &q, CALL_GET_BLANK, NULL);
	assert_blocked(&getter);

	/* The message put back is the one handed out: no third is made. */
	wl_queue_put_blank(&q, b);
	assert_returns(&getter);
	assert_ptr_equal(getter.m, b);
	assert_int_equal(q.allocated, 2);
	wl_queue_put_blank(&q, a);
	wl_queue_put_blank(&q, b);
	wl_queue_destroy(&q);
}

static void close_wakes_a_blocked_pop(void **state)
{
	(void)state;
	wl_queue q;
	assert_int_equal(wl_queue_init(&q, 4, 4), WL_OK);
	call popper;
	call_start(&popper, &q, CALL_POP, NULL);
	assert_blocked(&popper);
	wl_queue_close(&q);
	assert_returns(&popper);
	assert_null(popper.m);
	wl_queue_destroy(&q);
}

static void pop_drains_after_close(void **state)
{
	(void)state;
	wl_queue q;
	assert_int_equal(wl_queue_init(&q, 4, 4), WL_OK);
	for (unsigned i = 0; i < 3; i++)
		wl_queue_push(&q, blank_with(&q, 0, i));
	wl_queue_close(&q);
	for (unsigned i = 0; i < 3; i++) {
		wl_msg *m = wl_queue_pop(&q);
		assert_non_null(m);
		assert_int_equal(m->bytes, i);
		wl_queue_put_blank(&q, m);
	}
	assert_null(wl_queue_pop(&q));
	assert_null(wl_queue_pop(&q));
	wl_queue_destroy(&q);
}

/* A worker blocked on a full queue is released by close (the writer is
 * gone); its message is still queued, so nothing leaks. */
static void close_wakes_a_blocked_push(void **state)
{
	(void)state;
	wl_queue q;
	assert_int_equal(wl_queue_init(&q, 1, 4), WL_OK);
	wl_queue_push(&q, blank_with(&q, 0, 0));
	call pusher;
	call_start(&pusher, &q, CALL_PUSH, blank_with(&q, 0, 1));
	assert_blocked(&pusher);
	wl_queue_close(&q);
	assert_returns(&pusher);
	for (uint64_t want = 0; want < 2; want++) {
		wl_msg *m = wl_queue_pop(&q);
		assert_non_null(m);
		assert_int_equal(m->bytes, want);
		wl_queue_put_blank(&q, m);
	}
	assert_null(wl_queue_pop(&q));
	wl_queue_destroy(&q);
}

/* ---- many producers, one consumer ---- */

#define PRODUCERS 4
#define PER_PRODUCER 5000

typedef struct producer {
	wl_queue *q;
	unsigned id;
	bool blank_failed;
	pthread_t th;
} producer;

static void *producer_main(void *arg)
{
	producer *p = arg;
	for (uint64_t seq = 0; seq < PER_PRODUCER; seq++) {
		wl_msg *m = wl_queue_get_blank(p->q);
		if (!m) {
			p->blank_failed = true;
			break;
		}
		m->worker = p->id;
		m->bytes = seq;
		wl_queue_push(p->q, m);
	}
	return NULL;
}

static void many_producers_one_consumer(void **state)
{
	(void)state;
	wl_queue q;
	/* Small depth and allocation cap: producers block in both places. */
	assert_int_equal(wl_queue_init(&q, 3, 6), WL_OK);
	producer p[PRODUCERS];
	for (unsigned i = 0; i < PRODUCERS; i++) {
		p[i] = (producer){.q = &q, .id = i};
		assert_int_equal(pthread_create(&p[i].th, NULL, producer_main, &p[i]), 0);
	}
	uint64_t next[PRODUCERS] = {0};
	bool in_order = true, known_worker = true;
	for (size_t got = 0; got < (size_t)PRODUCERS * PER_PRODUCER; got++) {
		wl_msg *m = wl_queue_pop(&q);
		assert_non_null(m);
		if (m->worker >= PRODUCERS) {
			known_worker = false;
		} else {
			in_order &= m->bytes == next[m->worker];
			next[m->worker] = m->bytes + 1;
		}
		wl_queue_put_blank(&q, m);
	}
	for (unsigned i = 0; i < PRODUCERS; i++) {
		pthread_join(p[i].th, NULL);
		assert_false(p[i].blank_failed);
	}
	assert_true(known_worker);
	assert_true(in_order);
	for (unsigned i = 0; i < PRODUCERS; i++)
		assert_int_equal(next[i], PER_PRODUCER);
	/* Exactly once: nothing is left over after every message was seen. */
	wl_queue_close(&q);
	assert_null(wl_queue_pop(&q));
	assert_true(q.allocated <= 6);
	wl_queue_destroy(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fifo_order_and_recycling),
	    cmocka_unit_test(dropped_payloads_serve_the_next_batches),
	    cmocka_unit_test(push_blocks_while_depth_messages_wait),
	    cmocka_unit_test(get_blank_blocks_at_max_alloc),
	    cmocka_unit_test(close_wakes_a_blocked_pop),
	    cmocka_unit_test(pop_drains_after_close),
	    cmocka_unit_test(close_wakes_a_blocked_push),
	    cmocka_unit_test(many_producers_one_consumer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
