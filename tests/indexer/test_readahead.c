/* Unit tests of the read-ahead (indexer/readahead.h) over a reader made
 * here that serves known bytes in uneven pieces: the consumer gets exactly
 * those bytes, one block per read and in order; a read error arrives with
 * its message after the blocks before it; an early stop of an endless
 * stream joins; a slow reader never shows the consumer half a block; and a
 * read-ahead is reused for the next stream as ingest does. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "readahead.h"
#include "wsuslog/limits.h"

/* ---- a scripted reader ---- */

/* Serves pieces of the given sizes (each <= WL_BLOCK_SIZE) of a byte
 * pattern that names its offset, then the end of stream, or after
 * fail_after pieces an error. endless: pieces forever. slow: each piece is
 * written in two halves with yields between, so a consumer that saw the
 * slot too early would see the second half stale. */
typedef struct script_reader {
	wl_reader base;
	const size_t *sizes;
	size_t n_sizes;
	size_t next;       /* pieces served */
	uint64_t offset;   /* bytes served */
	size_t fail_after; /* SIZE_MAX: never */
	bool endless, slow;
	atomic_size_t reads; /* read() calls, seen by the main thread */
} script_reader;

static unsigned char byte_at(uint64_t off)
{
	return (unsigned char)(off * 131u + (off >> 9));
}

static wl_status script_read(wl_reader *r, char *buf, size_t cap, size_t *got, char *msg,
                             size_t msglen)
{
	script_reader *sr = (script_reader *)r;
	atomic_fetch_add(&sr->reads, 1);
	*got = 0;
	if (sr->next == sr->fail_after) {
		snprintf(msg, msglen, "disk on fire after %llu bytes",
		         (unsigned long long)sr->offset);
		return WL_E_IO;
	}
	if (!sr->endless && sr->next == sr->n_sizes)
		return WL_OK;
	size_t n = sr->sizes[sr->next % sr->n_sizes];
	if (n > cap)
		n = cap;
	for (size_t i = 0; i < n; i++) {
		if (sr->slow && i == n / 2)
			for (int y = 0; y < 50; y++)
				sched_yield();
		buf[i] = (char)byte_at(sr->offset + i);
	}
	sr->next++;
	sr->offset += n;
	*got = n;
	return WL_OK;
}

static void script_init(script_reader *sr, const size_t *sizes, size_t n_sizes)
{
	*sr = (script_reader){
	    .base.read = script_read, .sizes = sizes, .n_sizes = n_sizes, .fail_after = SIZE_MAX};
	atomic_init(&sr->reads, 0);
}

/* Uneven pieces, more of them than the ring holds, from one byte to a full
 * block. */
static const size_t pieces[] = {1,
                                7,
                                4096,
                                WL_BLOCK_SIZE,
                                3,
                                65537,
                                100,
                                WL_BLOCK_SIZE - 1,
                                2,
                                12345,
                                999,
                                WL_BLOCK_SIZE,
                                17,
                                8191,
                                1,
                                4,
                                77777,
                                31,
                                WL_BLOCK_SIZE,
                                5,
                                200000,
                                6,
                                1000,
                                42};
#define N_PIECES (sizeof pieces / sizeof pieces[0])

/* Takes `blocks` blocks (or all, SIZE_MAX) and checks each is the next
 * piece of the script, byte for byte. Returns the status of the last call;
 * *end is set when the end of stream was seen. */
static wl_status consume(wl_readahead *ra, const size_t *sizes, size_t n_sizes, size_t blocks,
                         uint64_t *offset, char *msg, size_t msglen, bool *end)
{
	*end = false;
	for (size_t b = 0; b < blocks; b++) {
		const char *p = NULL;
		size_t n = 1;
		wl_status st = wl_readahead_next(ra, &p, &n, msg, msglen);
		if (st != WL_OK)
			return st;
		if (n == 0) {
			*end = true;
			return WL_OK;
		}
		assert_int_equal(n, sizes[b % n_sizes]);
		bool same = true;
		for (size_t i = 0; i < n; i++)
			same &= (unsigned char)p[i] == byte_at(*offset + i);
		assert_true(same);
		*offset += n;
	}
	return WL_OK;
}

static uint64_t sum_of(const size_t *sizes, size_t n)
{
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += sizes[i];
	return s;
}

/* ---- tests ---- */

static void delivers_the_same_bytes_in_order(void **state)
{
	(void)state;
	wl_readahead *ra = wl_readahead_new(NULL);
	assert_non_null(ra);
	script_reader sr;
	script_init(&sr, pieces, N_PIECES);
	assert_int_equal(wl_readahead_start(ra, &sr.base), WL_OK);
	uint64_t off = 0;
	char msg[200] = "";
	bool end;
	assert_int_equal(consume(ra, pieces, N_PIECES, SIZE_MAX, &off, msg, sizeof msg, &end),
	                 WL_OK);
	assert_true(end);
	assert_int_equal(off, sum_of(pieces, N_PIECES));
	/* After the end, more calls keep saying so. */
	const char *p;
	size_t n = 1;
	assert_int_equal(wl_readahead_next(ra, &p, &n, msg, sizeof msg), WL_OK);
	assert_int_equal(n, 0);
	wl_readahead_stop(ra);
	assert_int_equal(atomic_load(&sr.reads), N_PIECES + 1);
	wl_readahead_free(ra);
}

static void empty_stream(void **state)
{
	(void)state;
	wl_readahead *ra = wl_readahead_new(NULL);
	assert_non_null(ra);
	script_reader sr;
	script_init(&sr, pieces, 0);
	assert_int_equal(wl_readahead_start(ra, &sr.base), WL_OK);
	const char *p;
	size_t n = 1;
	char msg[64];
	assert_int_equal(wl_readahead_next(ra, &p, &n, msg, sizeof msg), WL_OK);
	assert_int_equal(n, 0);
	wl_readahead_stop(ra);
	wl_readahead_free(ra);
}

static void error_arrives_after_the_bytes_before_it(void **state)
{
	(void)state;
	wl_readahead *ra = wl_readahead_new(NULL);
	assert_non_null(ra);
	script_reader sr;
	script_init(&sr, pieces, N_PIECES);
	sr.fail_after = 13; /* more than the ring holds */
	assert_int_equal(wl_readahead_start(ra, &sr.base), WL_OK);
	uint64_t off = 0;
	char msg[200] = "";
	bool end;
	assert_int_equal(consume(ra, pieces, N_PIECES, SIZE_MAX, &off, msg, sizeof msg, &end),
	                 WL_E_IO);
	assert_false(end);
	uint64_t before = sum_of(pieces, 13);
	assert_int_equal(off, before);
	char want[200];
	snprintf(want, sizeof want, "disk on fire after %llu bytes", (unsigned long long)before);
	assert_string_equal(msg, want);
	/* Nothing more comes after the error. */
	const char *p;
	size_t n = 1;
	assert_int_equal(wl_readahead_next(ra, &p, &n, msg, sizeof msg), WL_OK);
	assert_int_equal(n, 0);
	wl_readahead_stop(ra);
	assert_int_equal(atomic_load(&sr.reads), 14);
	wl_readahead_free(ra);
}

static void error_message_is_cut_to_the_callers_buffer(void **state)
{
	(void)state;
	wl_readahead *ra = wl_readahead_new(NULL);
	assert_non_null(ra);
	script_reader sr;
	script_init(&sr, pieces, N_PIECES);
	sr.fail_after = 0;
	assert_int_equal(wl_readahead_start(ra, &sr.base), WL_OK);
	const char *p;
	size_t n = 1;
	char msg[8];
	memset(msg, 'x', sizeof msg);
	assert_int_equal(wl_readahead_next(ra, &p, &n, msg, sizeof msg), WL_E_IO);
	assert_string_equal(msg, "disk on");
	wl_readahead_stop(ra);
	wl_readahead_free(ra);
}

/* Waits until the producer has made `reads` calls; false if it has not
 * within a bound generous enough for a loaded machine. */
static bool reads_reach(script_reader *sr, size_t reads)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (atomic_load(&sr->reads) < reads) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 10)
			return false;
		sched_yield();
	}
	return true;
}

/* An endless stream stopped after a few blocks, while the producer waits
 * for a free slot: stop wakes and joins it, and it read no further. Then
 * the same read-ahead serves a second stream from its start. */
static void early_stop_joins_and_restarts(void **state)
{
	(void)state;
	wl_readahead *ra = wl_readahead_new(NULL);
	assert_non_null(ra);
	script_reader endless;
	script_init(&endless, pieces, N_PIECES);
	endless.endless = true;
	assert_int_equal(wl_readahead_start(ra, &endless.base), WL_OK);
	uint64_t off = 0;
	char msg[200] = "";
	bool end;
	assert_int_equal(consume(ra, pieces, N_PIECES, 3, &off, msg, sizeof msg, &end), WL_OK);
	assert_false(end);
	/* The consumer holds the third block; the ring fills behind it. */
	assert_true(reads_reach(&endless, 2 + WL_READAHEAD_BLOCKS));
	wl_readahead_stop(ra);
	size_t reads = atomic_load(&endless.reads);
	assert_int_equal(reads, 2 + WL_READAHEAD_BLOCKS);

	script_reader second;
	script_init(&second, pieces + 5, 4);
	assert_int_equal(wl_readahead_start(ra, &second.base), WL_OK);
	off = 0;
	assert_int_equal(consume(ra, pieces + 5, 4, SIZE_MAX, &off, msg, sizeof msg, &end), WL_OK);
	assert_true(end);
	assert_int_equal(off, sum_of(pieces + 5, 4));
	wl_readahead_stop(ra);
	wl_readahead_free(ra);
}

/* Stop right after start, before anything was taken. */
static void stop_before_any_block(void **state)
{
	(void)state;
	wl_readahead *ra = wl_readahead_new(NULL);
	assert_non_null(ra);
	script_reader endless;
	script_init(&endless, pieces, N_PIECES);
	endless.endless = true;
	assert_int_equal(wl_readahead_start(ra, &endless.base), WL_OK);
	wl_readahead_stop(ra);
	assert_true(atomic_load(&endless.reads) <= WL_READAHEAD_BLOCKS);
	wl_readahead_stop(ra); /* a second stop is a no-op */
	wl_readahead_free(ra);
}

static void slow_reader_never_shows_half_a_block(void **state)
{
	(void)state;
	wl_readahead *ra = wl_readahead_new(NULL);
	assert_non_null(ra);
	script_reader sr;
	script_init(&sr, pieces, N_PIECES);
	sr.slow = true;
	/* Two rounds of the script, so the ring wraps several times. */
	size_t sizes[2 * N_PIECES];
	for (size_t i = 0; i < 2 * N_PIECES; i++)
		sizes[i] = pieces[i % N_PIECES];
	sr.sizes = sizes;
	sr.n_sizes = 2 * N_PIECES;
	assert_int_equal(wl_readahead_start(ra, &sr.base), WL_OK);
	uint64_t off = 0;
	char msg[200] = "";
	bool end;
	assert_int_equal(consume(ra, sizes, 2 * N_PIECES, SIZE_MAX, &off, msg, sizeof msg, &end),
	                 WL_OK);
	assert_true(end);
	assert_int_equal(off, 2 * sum_of(pieces, N_PIECES));
	wl_readahead_stop(ra);
	wl_readahead_free(ra);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(delivers_the_same_bytes_in_order),
	    cmocka_unit_test(empty_stream),
	    cmocka_unit_test(error_arrives_after_the_bytes_before_it),
	    cmocka_unit_test(error_message_is_cut_to_the_callers_buffer),
	    cmocka_unit_test(early_stop_joins_and_restarts),
	    cmocka_unit_test(stop_before_any_block),
	    cmocka_unit_test(slow_reader_never_shows_half_a_block),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
