/*
 * test_sse - the server-sent events parser: every stream is fed whole,
 * byte by byte, and split in two at every position, and must give the
 * same events each time.
 */
#include <stdlib.h>
#include <string.h>

#include "sse.h"
#include "unit.h"

/* The events seen, as "type=data|" one after another. */
struct seen {
	char buf[4096];
	size_t len;
	int stop_after;			/* return 7 on this event (0: never) */
	int n;
};

static int
on_event(const char *type, const char *data, size_t len, void *arg)
{
	struct seen *s = arg;
	int w;

	if (strlen(data) != len)
		return 99;		/* the length must be the string's */
	w = snprintf(s->buf + s->len, sizeof s->buf - s->len, "%s=%s|",
	    type, data);
	if (w > 0 && (size_t)w < sizeof s->buf - s->len)
		s->len += (size_t)w;
	return ++s->n == s->stop_after ? 7 : 0;
}

/* Parse text fed in pieces of at most step bytes after a first cut. */
static int
parse(const char *text, size_t cut, size_t step, struct seen *s)
{
	struct sse_parser p;
	size_t len = strlen(text), at, n;
	int rc = 0;

	s->len = 0;
	s->n = 0;
	s->buf[0] = '\0';
	sse_init(&p, on_event, s);
	if (cut > len)
		cut = len;
	rc = sse_feed(&p, text, cut);
	for (at = cut; rc == 0 && at < len; at += n) {
		n = len - at < step ? len - at : step;
		rc = sse_feed(&p, text + at, n);
	}
	if (rc == 0)
		rc = sse_finish(&p);
	sse_free(&p);
	return rc;
}

/* Every way of cutting text gives want. */
static void
check_stream(const char *what, const char *text, const char *want)
{
	struct seen s;
	size_t len = strlen(text), cut;
	int rc, bad = 0;

	memset(&s, 0, sizeof s);
	rc = parse(text, len, len, &s);
	CHECK(rc == 0, "%s: parsed whole", what);
	CHECK_STR(s.buf, want, "%s: events", what);
	rc = parse(text, 0, 1, &s);
	CHECK(rc == 0 && strcmp(s.buf, want) == 0, "%s: byte by byte", what);
	for (cut = 0; cut <= len; cut++) {
		rc = parse(text, cut, len, &s);
		if (rc != 0 || strcmp(s.buf, want) != 0) {
			if (!bad++)
				printf("# cut at %zu: got \"%s\"\n", cut, s.buf);
		}
	}
	CHECK(bad == 0, "%s: split in two anywhere", what);
}

int
main(void)
{
	struct seen s;
	char big[100000];

	check_stream("one event", "data: hello\n\n", "message=hello|");
	check_stream("two events",
	    "data: {\"a\":1}\n\ndata: {\"b\":2}\n\n",
	    "message={\"a\":1}|message={\"b\":2}|");
	check_stream("CRLF line ends", "data: a\r\n\r\ndata: b\r\n\r\n",
	    "message=a|message=b|");
	check_stream("CR line ends", "data: a\r\rdata: b\r\r",
	    "message=a|message=b|");
	check_stream("mixed line ends", "data: a\r\n\ndata: b\n\r\n",
	    "message=a|message=b|");
	check_stream("comments are skipped",
	    ": keep-alive\n\n:another\ndata: x\n: inside\n\n", "message=x|");
	check_stream("data without a space", "data:x\n\ndata:  two\n\n",
	    "message=x|message= two|");
	check_stream("multi-line data", "data: a\ndata: b\ndata:\n\n",
	    "message=a\nb\n|");
	check_stream("a final event without its blank line",
	    "data: a\n\ndata: [DONE]\n", "message=a|message=[DONE]|");
	check_stream("a last line without its line end",
	    "data: a\n\ndata: last", "message=a|message=last|");
	check_stream("[DONE] is only data", "data: [DONE]\n\n",
	    "message=[DONE]|");
	check_stream("event names the type",
	    "event: error\ndata: boom\n\ndata: next\n\n",
	    "error=boom|message=next|");
	check_stream("id and retry are ignored",
	    "id: 7\nretry: 100\ndata: x\n\n", "message=x|");
	check_stream("an event without data is not dispatched",
	    "event: ping\n\ndata: x\n\n", "message=x|");
	check_stream("a field without a colon", "data\n\n", "message=|");
	check_stream("empty data is an event", "data:\n\n", "message=|");
	check_stream("blank lines between events",
	    "\n\n\ndata: x\n\n\n\n", "message=x|");
	check_stream("a byte order mark first", "\xEF\xBB\xBF" "data: x\n\n",
	    "message=x|");
	check_stream("colons in the value",
	    "data: {\"k\":\"a:b\"}\n\n", "message={\"k\":\"a:b\"}|");
	check_stream("nothing at all", "", "");
	check_stream("only a comment without a line end", ": hi", "");

	/* The callback's non-zero return stops the parse. */
	memset(&s, 0, sizeof s);
	s.stop_after = 1;
	CHECK(parse("data: a\n\ndata: b\n\n", 100, 100, &s) == 7 &&
	    strcmp(s.buf, "message=a|") == 0,
	    "a callback's non-zero return stops at that event");

	/* A long line arriving in small pieces. */
	memset(big, 'x', sizeof big - 1);
	memcpy(big, "data: ", 6);
	big[sizeof big - 3] = '\n';
	big[sizeof big - 2] = '\n';
	big[sizeof big - 1] = '\0';
	memset(&s, 0, sizeof s);
	CHECK(parse(big, 5, 997, &s) == 0 && s.n == 1,
	    "a 100 kB event in 997-byte pieces");
	return unit_done();
}
