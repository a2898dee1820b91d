/*
 * test_lineread.c - lines from a pipe or a terminal with a deadline
 * (lineread.h): lines in pieces, CRLF, the last line without a newline,
 * lines too long, deadlines, signals, read errors, a terminal hanging up.
 */
#include "lineread.h"
#include "util.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/* A deadline far enough away never to be reached by a test that passes. */
#define FAR (util_now_ms() + 10000)

static int fds[2];

static void
open_pipe(void)
{
	if (pipe(fds) != 0) {
		printf("Bail out! pipe: %s\n", strerror(errno));
		exit(1);
	}
}

static void
put(const char *s)
{
	if (write(fds[1], s, strlen(s)) != (ssize_t)strlen(s)) {
		printf("Bail out! write: %s\n", strerror(errno));
		exit(1);
	}
}

static void
close_pipe(void)
{
	if (fds[1] >= 0)
		close(fds[1]);
	close(fds[0]);
	fds[1] = -1;
}

/* The next line as text, or the status's name when there is none. */
static const char *
next(struct lineread *r, long long deadline, char *buf, size_t bufsz)
{
	static const char *const names[] = {
		"(line)", "(timeout)", "(eof)", "(toolong)", "(error)"
	};
	enum lineread_status st;
	char *line;

	st = lineread_next(r, deadline, &line);
	if (st == LINEREAD_LINE) {
		snprintf(buf, bufsz, "%s", line);
		free(line);
	} else
		snprintf(buf, bufsz, "%s", line == NULL ? names[st] :
		    "(line set without LINEREAD_LINE)");
	return buf;
}

static void
test_pieces(void)
{
	struct lineread r;
	char buf[64];

	open_pipe();
	lineread_init(&r, fds[0], 16);
	put("1,");
	CHECK_STR(next(&r, util_now_ms(), buf, sizeof buf), "(timeout)",
	    "half a line and a deadline passed: no line yet");
	put("3\nr\n");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "1,3",
	    "the two pieces are one line");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "r",
	    "the next line of the same read");
	put("a\nb");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "a", "a line, then");
	CHECK_STR(next(&r, util_now_ms() + 20, buf, sizeof buf), "(timeout)",
	    "no newline and the pipe open: wait, then time out");
	put("c\n");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "bc",
	    "what was read before the timeout is kept");
	CHECK_STR(next(&r, util_now_ms(), buf, sizeof buf), "(timeout)",
	    "nothing more: a passed deadline does not block");
	close_pipe();
	lineread_free(&r);
}

static void
test_crlf_and_eof(void)
{
	struct lineread r;
	char buf[64];

	open_pipe();
	lineread_init(&r, fds[0], 16);
	put("a\r\n\r\nx\ry\n\nlast\r");
	close(fds[1]);
	fds[1] = -1;
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "a", "CRLF: the CR goes too");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "", "an empty CRLF line");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "x\ry",
	    "a CR inside a line stays");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "", "an empty line");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "last",
	    "the last line needs no newline (a trailing CR goes)");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "(eof)", "then the end");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "(eof)",
	    "and the end again");
	close_pipe();
	lineread_free(&r);

	open_pipe();
	lineread_init(&r, fds[0], 16);
	close(fds[1]);
	fds[1] = -1;
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "(eof)",
	    "empty input is the end at once");
	close_pipe();
	lineread_free(&r);
}

static void
test_too_long(void)
{
	struct lineread r;
	char buf[64], big[100];

	open_pipe();
	lineread_init(&r, fds[0], 8);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	put("12345678\n12345678\r\n123456789\n");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "12345678",
	    "a line of max bytes is taken");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "12345678",
	    "a line of max bytes and CRLF is taken");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "(toolong)",
	    "max + 1 bytes is too long");
	put(big);
	CHECK_STR(next(&r, util_now_ms() + 20, buf, sizeof buf), "(timeout)",
	    "a long line without its end: wait for the end");
	put(big);
	put("\n2\n");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "(toolong)",
	    "a line many times the buffer is too long once, whole");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "2",
	    "the line after it is read as it is");
	put(big);
	close(fds[1]);
	fds[1] = -1;
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "(toolong)",
	    "a long last line without a newline is too long");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "(eof)",
	    "and is reported once: then the end");
	close_pipe();
	lineread_free(&r);
}

static void
test_deadline(void)
{
	struct lineread r;
	char buf[64];

	open_pipe();
	lineread_init(&r, fds[0], 16);
	CHECK_STR(next(&r, util_now_ms() + 30, buf, sizeof buf), "(timeout)",
	    "a silent pipe times out at the deadline");
	put("now\n");
	CHECK_STR(next(&r, util_now_ms() - 1000, buf, sizeof buf), "now",
	    "a passed deadline still takes a line that is there");
	close_pipe();
	lineread_free(&r);
}

static volatile sig_atomic_t alarms;

/* Every tick interrupts the wait; the fifth one writes the line. */
static void
on_alarm(int sig)
{
	(void)sig;
	if (++alarms == 5 && write(fds[1], "late\n", 5) != 5)
		_exit(3);
}

static void
test_signals(void)
{
	struct itimerval tick = { { 0, 2000 }, { 0, 2000 } }, off;
	struct sigaction sa;
	struct lineread r;
	char buf[64];

	memset(&sa, 0, sizeof sa);
	memset(&off, 0, sizeof off);
	sa.sa_handler = on_alarm;	/* no SA_RESTART: poll gets EINTR */
	sigemptyset(&sa.sa_mask);
	open_pipe();
	lineread_init(&r, fds[0], 16);
	if (sigaction(SIGALRM, &sa, NULL) != 0 ||
	    setitimer(ITIMER_REAL, &tick, NULL) != 0) {
		printf("Bail out! cannot set a timer: %s\n", strerror(errno));
		exit(1);
	}
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "late",
	    "signals during the wait (EINTR) do not end it");
	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_DFL);
	CHECK(alarms >= 5, "the wait was interrupted %d times",
	    (int)alarms);
	close_pipe();
	lineread_free(&r);
}

static void
test_errors(void)
{
	struct lineread r;
	char *line = (char *)"unset";
	int fd;

	if ((fd = open("/dev/null", O_RDONLY)) < 0 || close(fd) != 0) {
		printf("Bail out! /dev/null: %s\n", strerror(errno));
		exit(1);
	}
	lineread_init(&r, fd, 16);	/* closed: EBADF */
	errno = 0;
	CHECK(lineread_next(&r, FAR, &line) == LINEREAD_ERROR &&
	    line == NULL && errno == EBADF,
	    "a descriptor that is not open is an error, errno EBADF");
	lineread_free(&r);
}

/* A terminal whose other side goes away: read(2) says EIO, the end. */
static void
test_terminal_hangup(void)
{
	struct lineread r;
	char buf[64], *name;
	int master, slave;

	if ((master = posix_openpt(O_RDWR | O_NOCTTY)) < 0 ||
	    grantpt(master) != 0 || unlockpt(master) != 0 ||
	    (name = ptsname(master)) == NULL ||
	    (slave = open(name, O_RDWR | O_NOCTTY)) < 0) {
		printf("ok %d - # SKIP no pseudo-terminal: %s\n", ++unit_count,
		    strerror(errno));
		return;
	}
	lineread_init(&r, slave, 16);
	if (write(master, "typed\n", 6) != 6)
		printf("Bail out! cannot type into the terminal\n");
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "typed",
	    "a line typed at a terminal");
	close(master);
	CHECK_STR(next(&r, FAR, buf, sizeof buf), "(eof)",
	    "the terminal hung up (EIO) is the end of the input");
	close(slave);
	lineread_free(&r);
}

int
main(void)
{
	fds[1] = -1;
	test_pieces();
	test_crlf_and_eof();
	test_too_long();
	test_deadline();
	test_signals();
	test_errors();
	test_terminal_hangup();
	return unit_done();
}
