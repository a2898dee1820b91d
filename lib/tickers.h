/*
 * tickers.h - ticker mentions in a Reddit post's text.
 *
 * Pure logic: no network, no database.  One pass over the text, linear in
 * its length; lookups go to the universe's sorted indexes.
 *
 * What counts as a mention:
 *  - A cashtag: '$' + 1 to 6 letters or digits starting with a letter, in
 *    any case ($ASML, $asml, $VOW3), optionally with a class share ($BRK.B,
 *    $BRK-B: Yahoo's "BRK-B") or an explicit Yahoo market suffix ($SHEL.L,
 *    $ASML.AS: that listing).  The '$' must not follow a letter or digit
 *    ("US$100" is money).  A cashtag counts even when its word is on the
 *    stop list: $AI is C3.ai when AI is a root of the universe.
 *  - A bare word of 2 to 5 upper-case ASCII letters (optionally with a
 *    class, "BRK.B", or a market suffix, "SHEL.L") that is a root of the
 *    universe and not on the stop list (YOLO, CEO, ALL, IT, ...).  Single
 *    letters never count bare ("Plan B", "Class A", "X"): write $F.
 *    Lower- or mixed-case words never count ("apple", "tsla", "Tesla").
 *
 * A word must stand alone.  Word characters are ASCII letters and digits,
 * '_' and non-ASCII letters of any script; spaces, punctuation, emoji,
 * and bidirectional marks delimit words ("(NVDA)", "TSLA's", "AAPL/MSFT",
 * "🚀TSLA🚀" and a ticker inside Hebrew or Arabic text all count).  A run
 * that mixes letters and digits ("3M", "Q3", "B2B") or touches a letter of
 * another script is not a ticker.  Never counted: anything inside a URL
 * (from "http://", "https://", "www." or "host.tld/" to the next space or
 * closing bracket; so https://x.com/AAPL is not a mention: links are
 * quoted, not recommended), e-mail addresses and @handles, the name after
 * r/ or u/, and dotted names ("U.S.", "node.JS") other than a class or
 * market suffix.  Leading and trailing underscores of a run (markdown
 * italics, "_TSLA_") are ignored.
 *
 * What a mention resolves to: a root goes through universe_pick_listing
 * with the universe's account currency (ASML -> ASML.AS); an explicit
 * market suffix names that listing if the universe has it, else the root's
 * pick.  With no universe (u == NULL: it could not be loaded) only
 * cashtags count, as their upper-case text: $asml -> ASML, $SHEL.L ->
 * SHEL.L, $BRK.B -> BRK-B.
 */
#ifndef TB_TICKERS_H
#define TB_TICKERS_H

#include <stddef.h>

#include "err.h"
#include "symbols.h"

/* One distinct ticker of a post. */
struct mention {
	char symbol[SYMBOLS_MAX];	/* Yahoo-style symbol: "ASML.AS" */
	int count;			/* its mentions in title + selftext */
	int cashtag;			/* 1 if at least one was a $cashtag */
	int bull;			/* the post's bullish words (tickers_sentiment) */
	int bear;			/* the post's bearish words */
};

/*
 * Extract the distinct tickers of a post (title and selftext may be NULL)
 * in order of first appearance.  *out is a malloc'ed array of *n mentions
 * (NULL when *n is 0) that the caller frees with free().  Return 0, or
 * TB_EINTERNAL when out of memory (*out is then NULL and *n 0).
 */
int tickers_extract(const struct universe *u, const char *title,
    const char *selftext, struct mention **out, size_t *n, tb_err *e);

/*
 * Count bullish and bearish wording in text (NULL is empty): whole words,
 * case-insensitive.  Bullish: buy, calls, long, moon, undervalued,
 * breakout, beat, ... and the emoji 🚀 📈; bearish: sell, puts, short,
 * crash, overvalued, dump, miss, bagholder, ... and 📉 🐻.  Every
 * occurrence counts; negation is not understood ("not bullish" is
 * bullish).
 */
void tickers_sentiment(const char *text, int *bull, int *bear);

/* Whether word (upper case) is on the stop list of bare words. */
int tickers_is_stopword(const char *word);

/* The stop list, sorted; *n is set to its length. */
const char *const *tickers_stopwords(size_t *n);

#endif
