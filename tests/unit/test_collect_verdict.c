/*
 * test_collect_verdict.c - the round's failure rule (collect.h's
 * collect_verdict): which subreddit failures fail a collection round and
 * with which code, and which are only warnings.
 */
#include "collect.h"
#include "unit.h"

#include <string.h>

#define NSUBS 3

static struct collect_sub subs[NSUBS];
static tb_err auth;

/* Three subreddits that collected, and a token that was had. */
static void
reset(void)
{
	static const char *const names[NSUBS] = { "stocks", "investing",
	    "EuropeFIRE" };
	size_t i;

	memset(subs, 0, sizeof subs);
	for (i = 0; i < NSUBS; i++)
		subs[i].name = names[i];
	tb_err_clear(&auth);
}

static int
verdict(tb_err *e)
{
	tb_err_clear(e);
	return collect_verdict(subs, NSUBS, &auth, e);
}

static void
test_warnings(void)
{
	tb_err e;

	reset();
	CHECK(verdict(&e) == 0 && e.code == 0, "every subreddit collected: 0");
	tb_errf(&subs[1].err, TB_EUNAVAIL, "reddit: r/investing: /new "
	    "listing: HTTP 503");
	CHECK(verdict(&e) == 0, "one subreddit Reddit failed (503): a warning");
	tb_errf(&subs[0].err, TB_EDATA, "reddit: r/stocks: malformed JSON in "
	    "the /new listing");
	CHECK(verdict(&e) == 0, "two of three failed at Reddit: still 0");
	tb_errf(&subs[0].err, TB_ECONFIG, "reddit: r/stocks: refused");
	CHECK(verdict(&e) == 0, "a subreddit refused (78 for it): a warning");
}

static void
test_all_failed(void)
{
	tb_err e;
	size_t i;

	reset();
	for (i = 0; i < NSUBS; i++)
		tb_errf(&subs[i].err, TB_EUNAVAIL, "reddit: r/%s: blocked",
		    subs[i].name);
	CHECK(verdict(&e) == TB_EUNAVAIL && e.code == TB_EUNAVAIL,
	    "every subreddit failed at Reddit: 69");
	CHECK_STR(e.msg, "reddit: all 3 subreddits failed; first: reddit: "
	    "r/stocks: blocked", "naming the count and the first error");
	CHECK(collect_verdict(subs, 0, &auth, &e) == 0,
	    "no subreddit at all is not 'all failed'");
	CHECK(collect_verdict(subs, NSUBS, NULL, &e) == TB_EUNAVAIL,
	    "auth may be NULL");
}

static void
test_auth(void)
{
	tb_err e;
	size_t i;

	reset();
	tb_errf(&auth, TB_ECONFIG, "reddit: token refused (HTTP 401)");
	for (i = 0; i < NSUBS; i++)
		subs[i].err = auth;
	CHECK(verdict(&e) == TB_ECONFIG, "credentials refused: 78, not 69");
	CHECK_STR(e.msg, "reddit: token refused (HTTP 401)",
	    "the token's own message");
	reset();
	tb_errf(&auth, TB_EUNAVAIL, "reddit: token: connection refused");
	for (i = 0; i < NSUBS; i++)
		subs[i].err = auth;
	CHECK(verdict(&e) == TB_EUNAVAIL && strcmp(e.msg, auth.msg) == 0,
	    "token endpoint unreachable: 69 with its message");
}

static void
test_local(void)
{
	tb_err e;

	reset();
	tb_errf(&subs[2].err, TB_ECANTCREAT, "store the posts: database or "
	    "disk is full");
	CHECK(verdict(&e) == TB_ECANTCREAT,
	    "one subreddit's posts not stored (disk full): 73");
	CHECK_STR(e.msg, "r/EuropeFIRE: store the posts: database or disk is "
	    "full", "naming the subreddit");
	reset();
	tb_errf(&subs[1].err, TB_ELOCKED, "store the posts: database is "
	    "locked");
	CHECK(verdict(&e) == TB_ELOCKED, "a locked database: 75");
	tb_errf(&subs[0].err, TB_EUNAVAIL, "reddit: r/stocks: HTTP 500");
	tb_errf(&subs[2].err, TB_EUNAVAIL, "reddit: r/EuropeFIRE: HTTP 500");
	CHECK(verdict(&e) == TB_ELOCKED,
	    "the local failure wins over 'all failed'");
	reset();
	tb_errf(&subs[0].err, TB_EINTERNAL, "reddit: out of memory");
	CHECK(verdict(&e) == TB_EINTERNAL, "out of memory: 70");
}

int
main(void)
{
	test_warnings();
	test_all_failed();
	test_auth();
	test_local();
	return unit_done();
}
