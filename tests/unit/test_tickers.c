/*
 * test_tickers.c - ticker extraction from post text, and sentiment words.
 *
 * The universe is built here from instruments in Trading 212's shapes.
 * The main test is a table: a sentence and the exact set of Yahoo
 * symbols it must yield.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "symbols.h"
#include "tickers.h"
#include "unit.h"

#define I(tick_, ccy_, isin_, sn_, name_) \
	{ .t212_ticker = (tick_), .type = "STOCK", .currency = (ccy_), \
	  .isin = (isin_), .short_name = (sn_), .name = (name_) }

static const struct instrument instruments[] = {
	I("AAPL_US_EQ", "USD", "US0378331005", "AAPL", "Apple"),
	I("MSFT_US_EQ", "USD", "US5949181045", "MSFT", "Microsoft"),
	I("NVDA_US_EQ", "USD", "US67066G1040", "NVDA", "NVIDIA"),
	I("TSLA_US_EQ", "USD", "US88160R1014", "TSLA", "Tesla"),
	I("GME_US_EQ", "USD", "US36467W1099", "GME", "GameStop"),
	I("AMC_US_EQ", "USD", "US00165C3025", "AMC", "AMC Entertainment"),
	I("AMD_US_EQ", "USD", "US0079031078", "AMD", "AMD"),
	I("PLTR_US_EQ", "USD", "US69608A1088", "PLTR", "Palantir"),
	I("ASMLa_EQ", "EUR", "NL0010273215", "ASML", "ASML Holding"),
	I("ASML_US_EQ", "USD", "USN070592100", "ASML", "ASML Holding (ADR)"),
	I("SHELl_EQ", "GBX", "GB00BP6MXD84", "SHEL", "Shell"),
	I("SHEL_US_EQ", "USD", "US7802593050", "SHEL", "Shell (ADR)"),
	I("SAPd_EQ", "EUR", "DE0007164600", "SAP", "SAP"),
	I("SAP_US_EQ", "USD", "US8030542042", "SAP", "SAP (ADR)"),
	I("AIp_EQ", "EUR", "NL0000235190", "AIR", "Airbus"),
	I("AI_US_EQ", "USD", "US12468P1049", "AI", "C3.ai"),
	I("ALL_US_EQ", "USD", "US0200021014", "ALL", "Allstate"),
	I("ON_US_EQ", "USD", "US6821891057", "ON", "ON Semiconductor"),
	I("IT_US_EQ", "USD", "US3666511072", "IT", "Gartner"),
	I("A_US_EQ", "USD", "US00846U1016", "A", "Agilent"),
	I("F_US_EQ", "USD", "US3453708600", "F", "Ford"),
	I("BRK_B_US_EQ", "USD", "US0846707026", "BRK.B", "Berkshire Hathaway B"),
	I("MMM_US_EQ", "USD", "US88579Y1010", "MMM", "3M"),
	I("NESNz_EQ", "CHF", "CH0038863350", "NESN", "Nestle"),
	I("VOW3d_EQ", "EUR", "DE0007664039", "VOW3", "Volkswagen (Pref)"),
	I("MCp_EQ", "EUR", "FR0000121014", "MC", "LVMH"),
	I("SPY_US_EQ", "USD", "US78462F1030", "SPY", "SPDR S&P 500"),
	I("VUSAl_EQ", "GBP", "IE00B3XXRP09", "VUSA", "Vanguard S&P 500"),
	I("DOW_US_EQ", "USD", "US2605571031", "DOW", "Dow"),
	I("OPEN_US_EQ", "USD", "US6837121036", "OPEN", "Opendoor"),
	I("BPl_EQ", "GBX", "GB0007980591", "BP", "BP"),
	I("JPM_US_EQ", "USD", "US46625H1005", "JPM", "JPMorgan Chase"),
};

static struct universe uni;

static void
build_universe(void)
{
	size_t i;
	tb_err e;

	universe_init(&uni);
	for (i = 0; i < sizeof(instruments) / sizeof(instruments[0]); i++)
		if (universe_add(&uni, &instruments[i], &e) != 0)
			printf("# universe_add: %s\n", e.msg);
	if (universe_finish(&uni, &e) != 0)
		printf("# universe_finish: %s\n", e.msg);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The extracted symbols, sorted and joined by spaces; "" for none. */
static const char *
extract(const struct universe *u, const char *title, const char *selftext)
{
	static char joined[4096];
	const char *sym[256];
	struct mention *m;
	size_t n, i;
	tb_err e;

	joined[0] = '\0';
	if (tickers_extract(u, title, selftext, &m, &n, &e) != 0)
		return "(error)";
	for (i = 0; i < n && i < 256; i++)
		sym[i] = m[i].symbol;
	qsort(sym, i, sizeof(sym[0]), cmp_str);
	for (i = 0; i < n && i < 256; i++) {
		if (i > 0)
			strcat(joined, " ");
		strcat(joined, sym[i]);
	}
	free(m);
	return joined;
}

static const struct {
	const char *text;
	const char *want;	/* sorted Yahoo symbols */
} cases[] = {
	/* Cashtags, any case, with punctuation around. */
	{ "Just bought more $AAPL today", "AAPL" },
	{ "$asml is the best chip stock", "ASML.AS" },
	{ "Buy $aapl now!", "AAPL" },
	{ "$AAPL, $MSFT, and $NVDA.", "AAPL MSFT NVDA" },
	{ "\\$PLTR escaped by the markdown editor", "PLTR" },
	/* Class shares and explicit listings. */
	{ "$BRK.B is boring but it works", "BRK-B" },
	{ "BRK.B and BRK-B written bare", "BRK-B" },
	{ "BRK alone is not a root here", "" },
	{ "$SHEL.L vs $SHEL", "SHEL.L" },
	{ "ASML.AS or ASML? Same listing for a EUR account", "ASML.AS" },
	{ "SAP.DE earnings, and SAP itself", "SAP.DE" },
	{ "$SAP.L is not listed, so the company's pick", "SAP.DE" },
	{ "NESN is Swiss", "NESN.SW" },
	{ "VOW3 bare has a digit, $VOW3 does not matter", "VOW3.DE" },
	{ "MC and $MC are LVMH", "MC.PA" },
	{ "AIR and $AIR are Airbus", "AIR.PA" },
	{ "I like SPY and VUSA", "SPY VUSA.L" },
	{ "BP plc is an oil major", "BP.L" },
	/* Stop words, and tickers that are also words. */
	{ "YOLO on TSLA calls", "TSLA" },
	{ "The CEO said the DD on NVDA is solid", "NVDA" },
	{ "I put ALL my money in GME", "GME" },
	{ "$ALL is an insurer", "ALL" },
	{ "ON Semi? I mean $ON", "ON" },
	{ "IT is going up", "" },
	{ "$IT Gartner earnings", "IT" },
	{ "A stock I like is $A", "A" },
	{ "A great day for F and X", "" },
	{ "AI is the future, $AI is not", "AI" },
	{ "AI stocks like NVDA", "NVDA" },
	{ "DOW is down, $DOW is Dow Inc", "DOW" },
	{ "OPEN at the OPEN, or $OPEN", "OPEN" },
	{ "EOD YTD ATH FOMO HODL IMO TLDR WSB", "" },
	{ "I'M ALL IN ON IT, DON'T YOU SEE? CAN'T LOSE", "" },
	/* Lower and mixed case never count bare. */
	{ "apple and tesla and tsla and nvda", "" },
	{ "Tesla (TSLA) and Apple (AAPL)", "AAPL TSLA" },
	{ "Nvda Msft Aapl", "" },
	/* Delimiters. */
	{ "TSLA's delivery numbers", "TSLA" },
	{ "TSLA\xe2\x80\x99s numbers, curly apostrophe", "TSLA" },
	{ "AAPL/MSFT pair trade", "AAPL MSFT" },
	{ "**GME** to the moon", "GME" },
	{ "_AMC_ squeeze in italics", "AMC" },
	{ "MAX_SIZE and GME_US_EQ are code", "" },
	{ "AMD's AMD-related news", "AMD" },
	{ "I bought AAPL.", "AAPL" },
	{ "TSLAQ NVDAAA AAPLE JPMX", "" },
	{ "3M is not a ticker, MMM is", "MMM" },
	{ "Q3 EPS beat, FY24 guidance, B2B sales", "" },
	{ "U.S. markets and the E.U. and node.JS", "" },
	{ "AAPL.com is a site, not a ticker", "" },
	/* Emoji. */
	{ "NVDA \xf0\x9f\x9a\x80\xf0\x9f\x9a\x80\xf0\x9f\x9a\x80", "NVDA" },
	{ "\xf0\x9f\x9a\x80TSLA\xf0\x9f\x9a\x80", "TSLA" },
	{ "\xf0\x9f\x92\x8e\xf0\x9f\x99\x8cGME\xf0\x9f\x92\x8e", "GME" },
	/* URLs, e-mail, handles, subreddits: never mentions. */
	{ "check https://x.com/AAPL for news", "" },
	{ "see www.reddit.com/r/NVDA/comments", "" },
	{ "finance.yahoo.com/quote/MSFT is down", "" },
	{ "[AAPL](https://finance.yahoo.com/quote/TSLA) looks good", "AAPL" },
	{ "https://x.com/AAPL then $TSLA", "TSLA" },
	{ "(source: HTTPS://EXAMPLE.COM/NVDA) and GME", "GME" },
	{ "mail ir@TSLA.com or ask @NVDA", "" },
	{ "r/GME and u/AMC and /r/PLTR are not tickers", "" },
	/* Money is not a cashtag. */
	{ "Price US$100 for $PLTR", "PLTR" },
	{ "$100 target, $5 puts, $ 7", "" },
	{ "$YOLO $ZZZZ $TOOLONG", "" },
	/* Right-to-left text. */
	{ "\xd7\x90\xd7\xa0\xd7\x99 \xd7\xa7\xd7\x95\xd7\xa0\xd7\x94 AAPL "
	  "\xd7\x94\xd7\x99\xd7\x95\xd7\x9d", "AAPL" },
	{ "\xd8\xb3\xd9\x87\xd9\x85 TSLA \xd9\x85\xd9\x85\xd8\xaa\xd8\xa7\xd8\xb2",
	  "TSLA" },
	{ "\xe2\x80\x8fNVDA\xe2\x80\x8f with RLM marks", "NVDA" },
	{ "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d" "AAPL glued to Hebrew letters", "" },
	{ "\xd7\x91\xd6\xbe" "MSFT after a maqaf", "MSFT" },
	/* Malformed UTF-8 never splits a word into a ticker. */
	{ "\xff" "AAPL\xc3 and \xe2\x82", "" },
	{ "", "" },
};

static void
test_table(void)
{
	size_t i;

	CHECK(sizeof(cases) / sizeof(cases[0]) >= 45, "at least 45 sentences");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_STR(extract(&uni, cases[i].text, NULL), cases[i].want,
		    "extract \"%s\"", cases[i].text);
}

static void
test_counts(void)
{
	struct mention *m;
	size_t n;
	tb_err e;

	CHECK(tickers_extract(&uni, "$AAPL to the moon",
	    "AAPL AAPL and TSLA, then calls. Sell? No.", &m, &n, &e) == 0,
	    "extract title + selftext");
	CHECK(n == 2, "two distinct tickers");
	if (n == 2) {
		CHECK_STR(m[0].symbol, "AAPL", "first appearance first");
		CHECK(m[0].count == 3 && m[0].cashtag == 1,
		    "AAPL: 3 mentions, one a cashtag (%d, %d)", m[0].count,
		    m[0].cashtag);
		CHECK_STR(m[1].symbol, "TSLA", "then TSLA");
		CHECK(m[1].count == 1 && m[1].cashtag == 0,
		    "TSLA: 1 bare mention");
		CHECK(m[0].bull == 2 && m[0].bear == 1 && m[1].bull == 2 &&
		    m[1].bear == 1, "every mention carries the post's sentiment");
	}
	free(m);

	CHECK(tickers_extract(&uni, "ASML", "$ASML", &m, &n, &e) == 0 &&
	    n == 1 && strcmp(m[0].symbol, "ASML.AS") == 0 && m[0].count == 2 &&
	    m[0].cashtag == 1, "title and selftext add up");
	free(m);

	CHECK(tickers_extract(&uni, "nothing here", NULL, &m, &n, &e) == 0 &&
	    n == 0 && m == NULL, "no mention: NULL and 0");
	CHECK(tickers_extract(&uni, NULL, NULL, &m, &n, &e) == 0 && n == 0,
	    "NULL texts are empty");
	CHECK_STR(extract(&uni, "GME", "ME"), "GME",
	    "title and selftext are not joined into one word");
}

static void
test_no_universe(void)
{
	CHECK_STR(extract(NULL, "$asml and ASML and $SHEL.L and $BRK.B", NULL),
	    "ASML BRK-B SHEL.L", "no universe: cashtags as written, upper case");
	CHECK_STR(extract(NULL, "NVDA is great and so is TSLA", NULL), "",
	    "no universe: bare words never count");
	CHECK_STR(extract(NULL, "$YOLO $vow3 $AAPL-B", NULL), "AAPL-B VOW3 YOLO",
	    "no universe: no stop list, digits kept, class kept");
	CHECK_STR(extract(NULL, "https://x.com/$AAPL", NULL), "",
	    "no universe: cashtags in URLs still ignored");
}

static void
test_unfinished(void)
{
	struct universe u;
	struct mention *m;
	size_t n;
	tb_err e;

	universe_init(&u);
	CHECK(tickers_extract(&u, "$AAPL", NULL, &m, &n, &e) == TB_EINTERNAL &&
	    m == NULL && n == 0, "an unfinished universe is an error");
	universe_free(&u);
}

static void
test_stoplist(void)
{
	const char *const *w;
	size_t n, i, bad_order = 0, bad_shape = 0, not_found = 0;

	w = tickers_stopwords(&n);
	CHECK(n >= 150, "the stop list has %zu words", n);
	for (i = 0; i < n; i++) {
		size_t len = strlen(w[i]), k;

		if (i > 0 && strcmp(w[i - 1], w[i]) >= 0)
			bad_order++;
		if (len < 2 || len > 5)
			bad_shape++;
		for (k = 0; k < len; k++)
			if (w[i][k] < 'A' || w[i][k] > 'Z')
				bad_shape++;
		if (!tickers_is_stopword(w[i]))
			not_found++;
	}
	CHECK(bad_order == 0, "stop list sorted and unique");
	CHECK(bad_shape == 0, "stop words are 2-5 upper-case letters");
	CHECK(not_found == 0, "every stop word is found");
	CHECK(tickers_is_stopword("YOLO") && tickers_is_stopword("CEO") &&
	    tickers_is_stopword("ALL") && tickers_is_stopword("AI"),
	    "YOLO, CEO, ALL, AI are stop words");
	CHECK(!tickers_is_stopword("AAPL") && !tickers_is_stopword("GME") &&
	    !tickers_is_stopword("yolo") && !tickers_is_stopword(NULL),
	    "AAPL, GME, lower case and NULL are not");
}

static void
check_sentiment(const char *text, int want_bull, int want_bear)
{
	int bull = -1, bear = -1;

	tickers_sentiment(text, &bull, &bear);
	CHECK(bull == want_bull && bear == want_bear,
	    "sentiment \"%s\": %d/%d, want %d/%d", text ? text : "(null)",
	    bull, bear, want_bull, want_bear);
}

static void
test_sentiment(void)
{
	check_sentiment("Buying calls, to the moon \xf0\x9f\x9a\x80\xf0\x9f\x9a\x80",
	    5, 0);
	check_sentiment("Puts on TSLA, this will crash. Overvalued. Bagholder here",
	    0, 4);
	check_sentiment("BUY BUY SELL", 2, 1);
	check_sentiment("Undervalued, breakout, beat estimates; bullish and long",
	    5, 0);
	check_sentiment("short, dump, missed, bearish, sold", 0, 5);
	check_sentiment("buyback shortly moonlight callsign", 0, 0);
	check_sentiment("\xf0\x9f\x93\x89\xf0\x9f\x90\xbb\xf0\x9f\x93\x88", 1, 2);
	check_sentiment("not bullish", 1, 0);
	check_sentiment("", 0, 0);
	check_sentiment(NULL, 0, 0);
}

static double
seconds_since(clock_t t0)
{
	return (double)(clock() - t0) / CLOCKS_PER_SEC;
}

/* Fill buf (size n + 1) with pattern repeated. */
static void
repeat(char *buf, size_t n, const char *pattern)
{
	size_t plen = strlen(pattern), i;

	for (i = 0; i < n; i++)
		buf[i] = pattern[i % plen];
	buf[n] = '\0';
}

static void
test_speed(void)
{
	static const char *patterns[] = {
		"a.", "a-", "x.com", "$", "_", "AAPL.", "@a.", "http", "\xd7\x90",
		"\xf0\x9f\x9a\x80", "A.B.C.D.", "r/", "$AAPL.",
	};
	const size_t size = 100 * 1024;
	char *buf, cashtags[15000 * 7 + 1], *p;
	struct mention *m;
	size_t n, i, k;
	clock_t t0;
	tb_err e;

	if ((buf = malloc(size + 1)) == NULL)
		return;
	/* Worst cases for any quadratic scan: 100 KB of one pattern. */
	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		repeat(buf, size, patterns[i]);
		t0 = clock();
		k = tickers_extract(&uni, NULL, buf, &m, &n, &e);
		free(m);
		CHECK(k == 0 && seconds_since(t0) < 2.0,
		    "100 KB of \"%s\" in %.3f s", patterns[i], seconds_since(t0));
	}

	/* A round: 500 posts of 100 KB of prose naming a few tickers. */
	repeat(buf, size, "Thinking about AAPL and $TSLA, DD inside. YOLO! ");
	t0 = clock();
	for (i = 0, k = 0; i < 500; i++) {
		if (tickers_extract(&uni, "Daily thread", buf, &m, &n, &e) == 0 &&
		    n == 2 && m[0].count > 1000)
			k++;
		free(m);
	}
	printf("# 500 posts of 100 KB in %.2f s\n", seconds_since(t0));
	CHECK(k == 500, "500 posts of 100 KB extracted (%zu right)", k);
	free(buf);

	/* 15,000 distinct cashtags in one post: the set grows, no duplicates. */
	for (i = 0, p = cashtags; i < 15000; i++) {
		*p++ = '$';
		*p++ = (char)('A' + i / 676 % 26);
		*p++ = (char)('A' + i / 26 % 26);
		*p++ = (char)('A' + i % 26);
		*p++ = 'Q';
		*p++ = ' ';
	}
	*p = '\0';
	t0 = clock();
	CHECK(tickers_extract(NULL, cashtags, cashtags, &m, &n, &e) == 0 &&
	    n == 15000 && m[0].count == 2 && m[14999].count == 2 &&
	    strcmp(m[0].symbol, "AAAQ") == 0 &&
	    strncmp(m[14999].symbol, cashtags + 14999 * 6 + 1, 4) == 0,
	    "15000 distinct cashtags, each counted twice (%.3f s)",
	    seconds_since(t0));
	free(m);
}

int
main(void)
{
	/* Whole lines, so a warning on stderr never splits a TAP line. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	build_universe();
	test_table();
	test_counts();
	test_no_universe();
	test_unfinished();
	test_stoplist();
	test_sentiment();
	test_speed();
	universe_free(&uni);
	return unit_done();
}
