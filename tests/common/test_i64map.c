/* common/i64map.c: keys found again after the table grows, new keys' values
 * start as WL_I64_NULL, `added` says which, empty keeps the slots and
 * forgets the last key looked up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "i64map.h"

/* 10,000 keys of three int64s (two equal parts: only the whole key
 * distinguishes them) through several doublings. */
static void test_grow_and_find(void **state)
{
	(void)state;
	wl_i64map m = {.nk = 3, .nv = 2};
	for (int64_t i = 0; i < 10000; i++) {
		int64_t key[3] = {7, i, -i};
		int added = -1;
		int64_t *v = wl_i64map_at(&m, key, &added);
		assert_non_null(v);
		assert_int_equal(added, 1);
		assert_true(v[0] == WL_I64_NULL && v[1] == WL_I64_NULL);
		v[0] = i * 2;
		v[1] = i * 3;
	}
	assert_int_equal(m.used, 10000);
	assert_true(m.cap >= 2 * m.used);
	for (int64_t i = 0; i < 10000; i++) {
		int64_t key[3] = {7, i, -i};
		const int64_t *v = wl_i64map_find(&m, key);
		assert_non_null(v);
		assert_int_equal(v[0], i * 2);
		assert_int_equal(v[1], i * 3);
		int added = -1;
		assert_ptr_equal(wl_i64map_at(&m, key, &added), v);
		assert_int_equal(added, 0);
	}
	int64_t absent[3] = {7, 1, 1};
	assert_null(wl_i64map_find(&m, absent));
	assert_int_equal(m.used, 10000);
	wl_i64map_free(&m);
	assert_null(m.v);
	assert_int_equal(m.nk, 3);
}

/* WL_I64_NULL is a key like any other; empty forgets every key. */
static void test_null_key_and_empty(void **state)
{
	(void)state;
	wl_i64map m = {.nk = 1, .nv = 1};
	int64_t k = WL_I64_NULL, z = 0;
	assert_null(wl_i64map_find(&m, &k));
	*wl_i64map_at(&m, &k, NULL) = 5;
	*wl_i64map_at(&m, &z, NULL) = 6;
	assert_int_equal(*wl_i64map_find(&m, &k), 5);
	assert_int_equal(*wl_i64map_find(&m, &z), 6);
	size_t cap = m.cap;
	/* The key looked up last is 0, as every emptied slot's: emptying
	 * must forget it, or the next look-up would find a ghost. */
	assert_int_equal(*wl_i64map_at(&m, &z, NULL), 6);
	wl_i64map_empty(&m);
	int fresh = 0;
	assert_int_equal(*wl_i64map_at(&m, &z, &fresh), WL_I64_NULL);
	assert_int_equal(fresh, 1);
	wl_i64map_empty(&m);
	assert_int_equal(m.used, 0);
	assert_int_equal(m.cap, cap);
	assert_null(wl_i64map_find(&m, &k));
	int added = 0;
	assert_int_equal(*wl_i64map_at(&m, &k, &added), WL_I64_NULL);
	assert_int_equal(added, 1);
	wl_i64map_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_grow_and_find),
	    cmocka_unit_test(test_null_key_and_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
