/*
 * util.c - small helpers every module may need.  See util.h.
 */
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

long long
util_now_ms(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail on Linux with a valid pointer. */
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
util_ms_left(long long deadline)
{
	long long left = deadline - util_now_ms();

	return left > 0 ? left : 0;
}

void *
util_grow(void *items, size_t *cap, size_t need, size_t size)
{
	size_t want = *cap ? *cap : 8;
	void *grown;

	if (need <= *cap && items != NULL)
		return items;
	while (want < need) {
		if (want > SIZE_MAX / 2)
			return NULL;
		want *= 2;
	}
	if ((grown = reallocarray(items, want, size)) == NULL)
		return NULL;
	*cap = want;
	return grown;
}

int
util_mkdirs(const char *path, int mode)
{
	char buf[PATH_MAX];
	size_t i, n = strlen(path);

	if (n == 0) {
		errno = ENOENT;
		return -1;
	}
	if (n >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	/* Each prefix ending before a '/' (and the whole path) in turn. */
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, (mode_t)mode) != 0 && errno != EEXIST)
			return -1;
		buf[i] = path[i];
	}
	return 0;
}

int
util_append(char **buf, size_t *len, size_t *cap, const void *data,
    size_t n)
{
	size_t want, ncap;
	char *nbuf;

	if (n > SIZE_MAX - *len - 1)
		return -1;
	want = *len + n + 1;
	if (*buf == NULL || want > *cap) {
		ncap = *cap > 0 ? *cap : 256;
		while (ncap < want)
			ncap = ncap > SIZE_MAX / 2 ? want : ncap * 2;
		if ((nbuf = realloc(*buf, ncap)) == NULL)
			return -1;
		*buf = nbuf;
		*cap = ncap;
	}
	if (n > 0)
		memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}
