/*
 * sse.c - server-sent events.  See sse.h.
 */
#include "sse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define SSE_BOM		"\xEF\xBB\xBF"

static int	line_done(struct sse_parser *);
static int	dispatch(struct sse_parser *);

void
sse_init(struct sse_parser *p, sse_event_fn on_event, void *arg)
{
	memset(p, 0, sizeof *p);
	p->on_event = on_event;
	p->arg = arg;
}

void
sse_free(struct sse_parser *p)
{
	free(p->line);
	free(p->data);
	p->line = p->data = NULL;
	p->line_len = p->line_cap = p->data_len = p->data_cap = 0;
}

int
sse_feed(struct sse_parser *p, const char *buf, size_t len)
{
	size_t i = 0, start;
	int rc;

	while (i < len) {
		/* The LF of a CRLF whose CR ended the previous line. */
		if (p->cr) {
			p->cr = 0;
			if (buf[i] == '\n') {
				i++;
				continue;
			}
		}
		start = i;
		while (i < len && buf[i] != '\r' && buf[i] != '\n')
			i++;
		if (util_append(&p->line, &p->line_len, &p->line_cap, buf + start,
		    i - start) != 0)
			return -1;
		if (i == len)
			break;
		p->cr = buf[i++] == '\r';
		if ((rc = line_done(p)) != 0)
			return rc;
	}
	return 0;
}

int
sse_finish(struct sse_parser *p)
{
	int rc;

	if (p->line_len > 0 && (rc = line_done(p)) != 0)
		return rc;
	return dispatch(p);
}

/* One whole line is in p->line: act on it, then forget it. */
static int
line_done(struct sse_parser *p)
{
	const char *line = p->line != NULL ? p->line : "";
	const char *colon, *value;
	size_t len = p->line_len, name_len;
	int rc = 0;

	if (p->lines++ == 0 && len >= 3 && memcmp(line, SSE_BOM, 3) == 0) {
		line += 3;
		len -= 3;
	}
	p->line_len = 0;
	if (len == 0)
		return dispatch(p);
	if (line[0] == ':')
		return 0;
	if ((colon = memchr(line, ':', len)) != NULL) {
		name_len = (size_t)(colon - line);
		value = colon + 1;
		if (value < line + len && *value == ' ')
			value++;
	} else {
		name_len = len;
		value = line + len;
	}
	if (name_len == 4 && memcmp(line, "data", 4) == 0) {
		if (util_append(&p->data, &p->data_len, &p->data_cap, value,
		    (size_t)(line + len - value)) != 0 ||
		    util_append(&p->data, &p->data_len, &p->data_cap, "\n", 1) != 0)
			rc = -1;
	} else if (name_len == 5 && memcmp(line, "event", 5) == 0) {
		len = (size_t)(line + len - value);
		if (len >= sizeof p->type)
			len = sizeof p->type - 1;
		memcpy(p->type, value, len);
		p->type[len] = '\0';
	}
	return rc;
}

/* The end of an event: hand it over if it has data, then start afresh. */
static int
dispatch(struct sse_parser *p)
{
	int rc = 0;

	if (p->data_len > 0) {
		p->data[--p->data_len] = '\0';	/* the last newline */
		rc = p->on_event(p->type[0] != '\0' ? p->type : "message",
		    p->data, p->data_len, p->arg);
	}
	p->data_len = 0;
	p->type[0] = '\0';
	return rc;
}
