/*
 * util.h - small helpers every module may need.
 *
 * Time here is the monotonic clock, in milliseconds: for deadlines and
 * durations only (it does not jump when the wall clock is set, and it is
 * not a date; dates are clock.h's).  A deadline is a util_now_ms() value
 * plus a duration.
 *
 * util_mkdirs() is `mkdir -p`: for TB_HOME, its locks/ and logs/.
 */
#ifndef TB_UTIL_H
#define TB_UTIL_H

#include <stddef.h>

/* Milliseconds of CLOCK_MONOTONIC. */
long long util_now_ms(void);

/*
 * Milliseconds from now until deadline (a util_now_ms() value), 0 once it
 * passed.
 */
long long util_ms_left(long long deadline);

/*
 * Room for need (at least 1) elements of size bytes in the array items,
 * whose capacity is *cap: items itself when it has room, else the array
 * grown (doubling, from 8) with *cap updated.  NULL when out of memory;
 * items is then unchanged and still the caller's.  Typical use:
 *
 *	if ((n = util_grow(a->v, &a->cap, a->n + 1, sizeof *n)) == NULL)
 *		return oom(e);
 *	a->v = n;
 */
void *util_grow(void *items, size_t *cap, size_t need, size_t size);

/*
 * Append n bytes of data to the NUL-terminated growing buffer *buf (NULL
 * to start) of length *len and capacity *cap, doubling from 256.  0, or
 * -1 when out of memory (the buffer is then unchanged and still the
 * caller's to free).
 */
int util_append(char **buf, size_t *len, size_t *cap, const void *data,
    size_t n);

/*
 * mkdir -p: create path and every missing parent with mode (as mkdir(2)
 * applies the umask).  Components that exist already are fine.  0, or -1
 * with errno set (ENAMETOOLONG for a path of PATH_MAX bytes or more).
 */
int util_mkdirs(const char *path, int mode);

#endif
