/*
 * lineread.h - read a terminal or a pipe line by line, with a deadline.
 *
 * A reader owns a buffer of max + 2 bytes (a line, a CR and a LF) and
 * waits for input with poll(2), so a human who types nothing or a pipe
 * that stays silent never holds the caller past its deadline.  What was
 * read before a deadline passed is kept for the next call, so a line may
 * arrive in any number of pieces.
 *
 * Lines end with LF; a CR before the LF is dropped too (an answer typed
 * on a CRLF terminal or piped from a Windows file).  At the end of the
 * input the last line needs no newline.  A line longer than max bytes is
 * read to its end and reported as too long, never cut: a cut line could
 * decide something its writer did not mean.
 *
 * The reader does not own fd: it neither sets it non-blocking nor closes
 * it.  EINTR is retried (with the same deadline); EAGAIN waits again; EIO
 * (a terminal that went away) is the end of the input.
 */
#ifndef TB_LINEREAD_H
#define TB_LINEREAD_H

#include <stddef.h>

enum lineread_status {
	LINEREAD_LINE,		/* *line holds the next line */
	LINEREAD_TIMEOUT,	/* no whole line before the deadline */
	LINEREAD_EOF,		/* the end of the input; every call after, too */
	LINEREAD_TOOLONG,	/* a line over max bytes was read and dropped */
	LINEREAD_ERROR		/* poll, read or malloc failed: errno says why */
};

struct lineread {
	int	 fd;
	size_t	 max;		/* the longest line taken, in bytes */
	char	*buf;		/* max + 2 bytes once the first read is due */
	size_t	 len, cap;
	int	 eof;
	int	 discarding;	/* inside a line longer than max */
};

/* A reader of fd for lines of at most max (1 or more) bytes. */
void	lineread_init(struct lineread *r, int fd, size_t max);

/*
 * The next line, waiting no later than deadline (a util_now_ms() value;
 * one already passed still takes what is ready to read).  On
 * LINEREAD_LINE *line is the line without its newline, malloc'ed (the
 * caller frees it); otherwise *line is NULL.
 */
enum lineread_status lineread_next(struct lineread *r, long long deadline,
	    char **line);

/* Free the buffer (not fd); r may be reused after lineread_init. */
void	lineread_free(struct lineread *r);

#endif
