/*
 * lock.c - flock(2)-based single-instance lock.  See lock.h.
 */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "util.h"

/* The pid the holder wrote, or 0. */
static long
lock_holder(int fd)
{
	char buf[32];
	ssize_t n;
	long pid = 0;

	if ((n = pread(fd, buf, sizeof buf - 1, 0)) > 0) {
		buf[n] = '\0';
		if (sscanf(buf, "%ld", &pid) != 1)
			pid = 0;
	}
	return pid;
}

int
lock_acquire(const char *home, const char *program, int *fd, tb_err *e)
{
	char dir[4096], path[4200], pid[32];
	long holder;
	int f;

	snprintf(dir, sizeof dir, "%s/locks", home);
	snprintf(path, sizeof path, "%s/%s.lock", dir, program);
	if (util_mkdirs(dir, 0700) != 0 ||
	    (f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return tb_errf(e, TB_ECANTCREAT, "cannot create lock file %s: "
		    "%s", path, strerror(errno));
	if (flock(f, LOCK_EX | LOCK_NB) != 0) {
		int saved = errno;

		holder = lock_holder(f);
		close(f);
		if (saved != EWOULDBLOCK)
			return tb_errf(e, TB_ECANTCREAT, "cannot lock %s: %s",
			    path, strerror(saved));
		if (holder > 0)
			return tb_errf(e, TB_ELOCKED, "another %s is running "
			    "(pid %ld holds %s); try again later", program,
			    holder, path);
		return tb_errf(e, TB_ELOCKED, "another %s is running (it "
		    "holds %s); try again later", program, path);
	}
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(f, 0) != 0 ||
	    pwrite(f, pid, strlen(pid), 0) != (ssize_t)strlen(pid)) {
		/* The pid is only informative; the lock is what matters. */
	}
	*fd = f;
	return 0;
}

void
lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
