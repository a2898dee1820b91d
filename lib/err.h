/*
 * err.h - how errors travel in libtb.
 *
 * A library function that can fail returns an int: 0 on success, else one
 * of the sysexits(3) codes below, and fills a caller-provided tb_err with a
 * one-line message saying what failed and why.  Nothing in lib/ calls
 * exit(); only a program's main decides the exit status, usually by
 * returning err.code.
 */
#ifndef TB_ERR_H
#define TB_ERR_H

#include <stddef.h>

enum {
	TB_OK = 0,
	TB_EUSAGE = 64,		/* EX_USAGE: bad command line */
	TB_EDATA = 65,		/* EX_DATAERR: bad input data */
	TB_EUNAVAIL = 69,	/* EX_UNAVAILABLE: upstream down after retries */
	TB_EINTERNAL = 70,	/* EX_SOFTWARE: internal error (db, bug) */
	TB_ECANTCREAT = 73,	/* EX_CANTCREAT: cannot create a file */
	TB_ELOCKED = 75,	/* EX_TEMPFAIL: another instance holds the lock */
	TB_ECONFIG = 78		/* EX_CONFIG: configuration error */
};

typedef struct tb_err {
	int code;		/* TB_OK or one of the codes above */
	char msg[512];		/* one line, no trailing newline */
} tb_err;

/*
 * Fill *e (which may be NULL) with code and a printf-style message;
 * return code, so callers can write `return tb_errf(e, TB_EDATA, ...)`.
 */
int tb_errf(tb_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reset *e to TB_OK with an empty message. */
void tb_err_clear(tb_err *e);

/*
 * Whether code is a failure on this machine's side: the database, the
 * disk, memory (TB_EINTERNAL, TB_ECANTCREAT, TB_ELOCKED), not an upstream
 * service or the data it sent.  A step that goes on when one upstream
 * fails stops at such a failure: the next item would meet it too.
 */
int tb_err_local(int code);

#endif
