/*
 * lineread.c - lines from a terminal or a pipe, with a deadline.  See
 * lineread.h.
 */
#include "lineread.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Room after a line's max bytes: its CR and its LF. */
#define LINE_END 2

void
lineread_init(struct lineread *r, int fd, size_t max)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->max = max;
}

void
lineread_free(struct lineread *r)
{
	free(r->buf);
	r->buf = NULL;
	r->len = r->cap = 0;
}

/* Drop the first n bytes of the buffer and the newline after them. */
static void
consume(struct lineread *r, size_t n)
{
	size_t skip = n < r->len ? n + 1 : n;

	memmove(r->buf, r->buf + skip, r->len - skip);
	r->len -= skip;
}

/* The n bytes at the start of the buffer are a whole line: take it. */
static enum lineread_status
take(struct lineread *r, size_t n, char **line)
{
	size_t k = n;

	if (k > 0 && r->buf[k - 1] == '\r')
		k--;
	if (r->discarding || k > r->max) {
		r->discarding = 0;
		consume(r, n);
		return LINEREAD_TOOLONG;
	}
	if ((*line = strndup(r->buf, k)) == NULL)
		return LINEREAD_ERROR;
	consume(r, n);
	return LINEREAD_LINE;
}

/*
 * Wait for input until the deadline and read what is there: 1 when the
 * caller should look at the buffer again (something read, the end of the
 * input, a signal), 0 when the deadline passed, -1 on an error.
 */
static int
fill(struct lineread *r, long long deadline)
{
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	long long left;
	ssize_t k;
	int n;

	if (r->buf == NULL) {
		if ((r->buf = malloc(r->max + LINE_END)) == NULL)
			return -1;
		r->cap = r->max + LINE_END;
	}
	left = util_ms_left(deadline);
	if ((n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left)) < 0)
		return errno == EINTR ? 1 : -1;
	if (n == 0)
		return util_ms_left(deadline) > 0;
	k = read(r->fd, r->buf + r->len, r->cap - r->len);
	if (k > 0)
		r->len += (size_t)k;
	else if (k == 0 || errno == EIO)
		r->eof = 1;	/* EIO: the terminal went away */
	else if (errno != EINTR && errno != EAGAIN)
		return -1;
	return 1;
}

enum lineread_status
lineread_next(struct lineread *r, long long deadline, char **line)
{
	char *nl;
	int got;

	*line = NULL;
	for (;;) {
		if (r->len > 0 && (nl = memchr(r->buf, '\n', r->len)) != NULL)
			return take(r, (size_t)(nl - r->buf), line);
		if (r->cap > 0 && r->len == r->cap) {
			/* No newline in max + 2 bytes: too long, whatever follows. */
			r->discarding = 1;
			r->len = 0;
		}
		if (r->eof)
			return r->len > 0 || r->discarding ?
			    take(r, r->len, line) : LINEREAD_EOF;
		if ((got = fill(r, deadline)) <= 0)
			return got == 0 ? LINEREAD_TIMEOUT : LINEREAD_ERROR;
	}
}
