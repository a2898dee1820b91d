/*
 * test_decide_outcome.c - tb-decide's exit rule (decide.h's
 * decide_outcome) and the seat words of its summary.
 */
#include "decide.h"
#include "unit.h"

#include <string.h>

static struct decide_seat seats[2];

/* Claude the main trader, MiniMax the virtual one; both asked, both ok. */
static void
reset(void)
{
	memset(seats, 0, sizeof seats);
	seats[0].llm = llm_find("claude");
	seats[0].is_main = 1;
	seats[1].llm = llm_find("minimax");
	seats[0].ask = seats[1].ask = 1;
	seats[0].job.ran = seats[1].job.ran = 1;
	seats[0].job.ok = seats[1].job.ok = 1;
}

/* Seat s failed in its request with code and message. */
static void
fail(struct decide_seat *s, int code, const char *msg)
{
	s->job.ok = 0;
	tb_errf(&s->job.err, code, "%s", msg);
}

static void
test_main_trader(void)
{
	tb_err e;

	reset();
	CHECK(decide_outcome(seats, 2, &e) == 0, "both succeeded: 0");
	fail(&seats[1], TB_EUNAVAIL, "minimax: HTTP 500");
	CHECK(decide_outcome(seats, 2, &e) == 0,
	    "the virtual trader failed, the main one succeeded: 0");
	reset();
	fail(&seats[0], TB_EUNAVAIL, "anthropic: HTTP 529: Overloaded");
	CHECK(decide_outcome(seats, 2, &e) == TB_EUNAVAIL,
	    "the main trader failed: 69, though the other succeeded");
	CHECK_STR(e.msg, "claude, the main trader, failed: anthropic: HTTP "
	    "529: Overloaded", "saying who and why");
	reset();
	fail(&seats[0], TB_ECONFIG, "ANTHROPIC_API_KEY is not set");
	CHECK(decide_outcome(seats, 2, &e) == TB_ECONFIG,
	    "the main trader's key missing: 78");
	reset();
	seats[0].job.ran = 0;
	seats[0].job.ok = 0;
	tb_errf(&seats[0].err, TB_EDATA, "prompt: too big");
	CHECK(decide_outcome(seats, 2, &e) == TB_EUNAVAIL,
	    "a failure before the request is the main trader's failure: 69");
	CHECK_STR(e.msg, "claude, the main trader, failed: prompt: too big",
	    "with the error from before the request");
	reset();
	seats[0].ask = 0;
	seats[0].done = 1;
	seats[0].job.ran = seats[0].job.ok = 0;
	fail(&seats[1], TB_EUNAVAIL, "minimax: HTTP 500");
	CHECK(decide_outcome(seats, 2, &e) == 0,
	    "the main trader decided before, the other failed now: 0");
}

static void
test_without_main(void)
{
	tb_err e;

	/* --llm minimax on a claude day: only the virtual seat. */
	reset();
	fail(&seats[1], TB_EUNAVAIL, "minimax: HTTP 500");
	CHECK(decide_outcome(&seats[1], 1, &e) == TB_EUNAVAIL,
	    "without the main trader, every LLM asked failed: 69");
	CHECK_STR(e.msg, "minimax failed: minimax: HTTP 500",
	    "naming the first that failed");
	fail(&seats[1], TB_ECONFIG, "MINIMAX_API_KEY is not set");
	CHECK(decide_outcome(&seats[1], 1, &e) == TB_ECONFIG,
	    "and 78 when that was its key");
	reset();
	CHECK(decide_outcome(&seats[1], 1, &e) == 0,
	    "without the main trader, the one asked succeeded: 0");
	seats[1].ask = 0;
	CHECK(decide_outcome(&seats[1], 1, &e) == 0, "nobody asked: 0");
	CHECK(decide_outcome(seats, 0, &e) == 0, "no seat at all: 0");
}

static void
test_words(void)
{
	reset();
	CHECK_STR(decide_seat_status(&seats[0]), "ok", "asked, succeeded: ok");
	fail(&seats[0], TB_EUNAVAIL, "x");
	CHECK_STR(decide_seat_status(&seats[0]), "failed", "asked, failed");
	seats[0].ask = 0;
	CHECK_STR(decide_seat_status(&seats[0]), "not asked",
	    "not asked (no tickers)");
	seats[0].done = 1;
	CHECK_STR(decide_seat_status(&seats[0]), "skipped",
	    "decided before: skipped");
	reset();
	seats[0].job.answered = 5;
	seats[0].job.picks.npicks = 3;
	seats[0].stored.skipped = 1;
	CHECK(decide_seat_dropped(&seats[0]) == 3,
	    "dropped: 2 invalid + 1 kept pick's ticker");
	seats[0].job.ok = 0;
	CHECK(decide_seat_dropped(&seats[0]) == 0, "a failed answer drops 0");
}

int
main(void)
{
	test_main_trader();
	test_without_main();
	test_words();
	return unit_done();
}
