/*
 * test_util.c - the helpers of util.h: monotonic milliseconds and
 * deadlines, and growing arrays.
 */
#include "util.h"
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>

static void
test_clock(void)
{
	long long a, b;

	a = util_now_ms();
	b = util_now_ms();
	CHECK(a > 0 && b >= a, "the monotonic clock never goes back");
	CHECK(util_ms_left(a - 1) == 0 && util_ms_left(a - 100000) == 0,
	    "a deadline passed has 0 ms left, never less");
	CHECK(util_ms_left(util_now_ms() + 60000) > 0 &&
	    util_ms_left(util_now_ms() + 60000) <= 60000,
	    "a deadline a minute away has at most a minute left");
}

static void
test_grow(void)
{
	int *v = NULL, *n;
	size_t cap = 0, i;

	n = util_grow(v, &cap, 1, sizeof *v);
	CHECK(n != NULL && cap == 8, "the first element makes room for 8");
	v = n;
	CHECK(util_grow(v, &cap, 8, sizeof *v) == v && cap == 8,
	    "room for 8 is enough for the 8th: the same array");
	n = util_grow(v, &cap, 9, sizeof *v);
	CHECK(n != NULL && cap == 16, "the 9th doubles it");
	v = n;
	n = util_grow(v, &cap, 100, sizeof *v);
	CHECK(n != NULL && cap == 128, "doubling until 100 fit: 128");
	v = n;
	for (i = 0; i < 100; i++)
		v[i] = (int)i;
	CHECK(v[0] == 0 && v[99] == 99, "all of it is usable");
	CHECK(util_grow(v, &cap, SIZE_MAX, sizeof *v) == NULL && cap == 128,
	    "an impossible size fails, the array and its capacity unchanged");
	CHECK(v[99] == 99, "and the array is still the caller's");
	free(v);
}

int
main(void)
{
	test_clock();
	test_grow();
	return unit_done();
}
