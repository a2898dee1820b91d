/*
 * sse.h - server-sent events (text/event-stream), parsed from bytes in
 * whatever pieces they arrive.
 *
 * The format is the WHATWG HTML standard's: lines end with CRLF, LF or
 * CR (a CRLF split between two pieces is still one line end); a line
 * starting with ':' is a comment; "name:value" sets a field, and one
 * space after the colon is not part of the value; a line without a colon
 * is a field with an empty value.  "data" lines append their value and a
 * newline to the event's data, "event" names the event, "id" and "retry"
 * are ignored (tb reads each stream once and never reconnects).  A blank
 * line dispatches the event, without its data's last newline, unless no
 * data line came.  A UTF-8 byte order mark at the very start is skipped.
 *
 * One leniency: sse_finish() dispatches an event whose blank line never
 * came (and takes a last line without its line end), where the standard
 * drops it, because servers end streams right after their final event.
 *
 * The parser knows nothing of what the data means: "[DONE]" and JSON are
 * the caller's business (lib/minimax.c).
 *
 * Memory: the parser owns two growing buffers, freed by sse_free(); the
 * data handed to the callback is valid during the call only.
 */
#ifndef TB_SSE_H
#define TB_SSE_H

#include <stddef.h>

/*
 * Called once per event: its type ("message" unless an event field named
 * it) and its data (len bytes, NUL-terminated).  A non-zero return stops
 * the parse and is returned by sse_feed() or sse_finish().
 */
typedef int (*sse_event_fn)(const char *type, const char *data, size_t len,
    void *arg);

struct sse_parser {
	/* Private. */
	sse_event_fn on_event;
	void *arg;
	char *line;			/* the line being read */
	size_t line_len, line_cap;
	char *data;			/* the event's data so far */
	size_t data_len, data_cap;
	char type[64];			/* the event's type, "" for message */
	int cr;				/* the last line ended with CR */
	int lines;			/* lines read (the BOM is on the first) */
};

void	sse_init(struct sse_parser *p, sse_event_fn on_event, void *arg);

/*
 * Parse len more bytes.  Returns 0, -1 when out of memory, or the
 * callback's non-zero return.  After a non-zero return the parser must
 * not be fed again.
 */
int	sse_feed(struct sse_parser *p, const char *buf, size_t len);

/* The end of the stream (see the leniency above).  Returns as sse_feed. */
int	sse_finish(struct sse_parser *p);

void	sse_free(struct sse_parser *p);

#endif
