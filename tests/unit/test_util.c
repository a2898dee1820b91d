/*
 * test_util.c - the helpers of util.h: monotonic milliseconds and
 * deadlines, growing arrays, mkdir -p.
 */
#include "util.h"
#include "unit.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int
is_dir(const char *path, mode_t *mode)
{
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	*mode = st.st_mode & 07777;
	return 1;
}

static void
test_mkdirs(void)
{
	char base[] = "/tmp/tb-test-util-XXXXXX", path[256], file[256];
	mode_t mode = 0;
	FILE *f;

	if (mkdtemp(base) == NULL) {
		CHECK(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	umask(022);
	snprintf(path, sizeof path, "%s/a/b/c", base);
	CHECK(util_mkdirs(path, 0700) == 0 && is_dir(path, &mode),
	    "mkdir -p creates every missing component");
	CHECK(mode == 0700, "with the mode asked for (got %o)", (unsigned)mode);
	snprintf(path, sizeof path, "%s/a/b", base);
	CHECK(is_dir(path, &mode) && mode == 0700,
	    "the parents get the mode too");
	snprintf(path, sizeof path, "%s/a/b/c/", base);
	CHECK(util_mkdirs(path, 0700) == 0, "existing, trailing '/': fine");
	snprintf(file, sizeof file, "%s/file", base);
	if ((f = fopen(file, "w")) != NULL)
		fclose(f);
	snprintf(path, sizeof path, "%s/file/d", base);
	errno = 0;
	CHECK(util_mkdirs(path, 0700) == -1 && errno == ENOTDIR,
	    "a file in the way fails with ENOTDIR");
	errno = 0;
	CHECK(util_mkdirs("", 0700) == -1 && errno == ENOENT,
	    "an empty path fails with ENOENT");
	snprintf(path, sizeof path, "%s/a/b/c", base);
	rmdir(path);
	snprintf(path, sizeof path, "%s/a/b", base);
	rmdir(path);
	snprintf(path, sizeof path, "%s/a", base);
	rmdir(path);
	unlink(file);
	rmdir(base);
}

int
main(void)
{
	test_clock();
	test_grow();
	test_mkdirs();
	return unit_done();
}
