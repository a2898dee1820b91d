/*
 * lock.h - one instance of a program at a time.
 *
 * Each program holds a non-blocking flock(2) on $TB_HOME/locks/<program>.lock
 * for its whole run.  The kernel releases it when the process exits, even
 * on SIGKILL, so a crash never leaves a stale lock; the file itself is
 * never unlinked (unlinking would let two processes lock two different
 * inodes).  The holder writes its pid into the file, for the message the
 * next instance prints.
 */
#ifndef TB_LOCK_H
#define TB_LOCK_H

#include "err.h"

/*
 * Take the lock for `program` under home.  On success *fd holds it (close
 * it, or exit, to release).  TB_ELOCKED when another process holds it (the
 * message names the lock file and the holder's pid), TB_ECANTCREAT when
 * the file cannot be created.
 */
int lock_acquire(const char *home, const char *program, int *fd, tb_err *e);

/* Release a lock taken with lock_acquire (closes fd). */
void lock_release(int fd);

#endif
