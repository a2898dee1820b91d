/*
 * tickers.c - ticker mentions and sentiment words in a post's text.
 *
 * The scanner walks the text once, left to right, one unit at a time: a
 * run of word characters, a URL, an e-mail domain, a cashtag, or one
 * delimiter.  Lookahead never goes past the unit being read, and the URL
 * host test starts only where no earlier host test could have covered the
 * same bytes, so the work is linear in the text length.  Distinct tickers
 * are kept in a small hash set, so a post naming thousands of tickers
 * costs no more than one naming a few.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "symbols.h"
#include "tickers.h"
#include "util.h"

/*
 * Bare words that look like tickers but, on Reddit, almost always mean
 * something else.  Many are real tickers (the comment names the company
 * first); those still count as cashtags.  Sorted for bsearch (the unit
 * test checks the order).
 */
static const char *const stopwords[] = {
	"AB",		/* AllianceBernstein; 'Volvo AB' */
	"ADR",		/* instruments and venues */
	"AG",		/* First Majestic; 'Siemens AG' */
	"AGM",		/* job titles and corporate */
	"AH",		/* options and trading jargon */
	"AI",		/* C3.ai; artificial intelligence */
	"ALL",		/* Allstate; 'went ALL in' */
	"AM",		/* Antero Midstream; 'AM/PM' */
	"AMA",		/* Reddit slang */
	"AMEX",		/* instruments and venues */
	"AN",		/* English word written in capitals */
	"AND",		/* English word written in capitals */
	"ANY",		/* English word written in capitals */
	"APE",		/* 'APE together strong' */
	"APES",		/* Reddit slang */
	"API",		/* programming interface */
	"APP",		/* AppLovin; 'the APP' */
	"APPS",		/* Digital Turbine; 'trading APPS' */
	"AR",		/* Antero Resources; augmented reality */
	"ARE",		/* Alexandria RE; 'we ARE' */
	"AREN",		/* fragment of a contraction (DON'T, I'LL) */
	"AS",		/* English word written in capitals */
	"ASA",		/* 'Equinor ASA' */
	"AT",		/* 'AT open' */
	"ATH",		/* all-time high */
	"ATL",		/* WSB vocabulary */
	"ATM",		/* at the money */
	"ATR",		/* indicator */
	"AUD",		/* currency and crypto */
	"AUM",		/* valuation and accounting */
	"AWS",		/* technology */
	"BAG",		/* 'BAG holder' */
	"BAGS",		/* WSB vocabulary */
	"BAN",		/* Reddit slang */
	"BE",		/* Bloom Energy; 'will BE' */
	"BEAR",		/* bear market */
	"BIG",		/* Big Lots; 'BIG news' */
	"BOD",		/* job titles and corporate */
	"BOE",		/* macro */
	"BOJ",		/* macro */
	"BRO",		/* Reddit slang */
	"BROS",		/* Reddit slang */
	"BS",		/* Reddit slang */
	"BTC",		/* bitcoin */
	"BTFD",		/* Reddit slang */
	"BULL",		/* bull market */
	"BUT",		/* English word written in capitals */
	"BUY",		/* 'BUY the dip' */
	"BY",		/* 'BY Friday' */
	"CAD",		/* currency and crypto */
	"CALL",		/* 'CALL options' */
	"CALLS",	/* WSB vocabulary */
	"CAN",		/* Canaan; 'CAN'T lose' */
	"CASH",		/* Pathward; 'CASH gang' */
	"CC",		/* Chemours; covered call */
	"CDC",		/* place or institution */
	"CEO",		/* chief executive */
	"CFO",		/* job titles and corporate */
	"CGT",		/* regulators and accounts */
	"CHF",		/* currency and crypto */
	"CIA",		/* place or institution */
	"CIO",		/* job titles and corporate */
	"CNY",		/* currency and crypto */
	"CO",		/* '& CO' */
	"COO",		/* job titles and corporate */
	"CORP",		/* legal form in company names */
	"CPI",		/* inflation print */
	"CPU",		/* processor */
	"CSP",		/* options and trading jargon */
	"CTO",		/* job titles and corporate */
	"DAY",		/* Dayforce; 'DAY trade' */
	"DC",		/* Washington DC */
	"DCF",		/* valuation and accounting */
	"DD",		/* due diligence post flair */
	"DID",		/* English word written in capitals */
	"DIDN",		/* fragment of a contraction (DON'T, I'LL) */
	"DIP",		/* 'buy the DIP' */
	"DJIA",		/* instruments and venues */
	"DM",		/* Reddit slang */
	"DO",		/* 'DO it' */
	"DOESN",	/* fragment of a contraction (DON'T, I'LL) */
	"DOJ",		/* place or institution */
	"DON",		/* fragment of a contraction (DON'T, I'LL) */
	"DOW",		/* Dow Inc; the Dow index */
	"DR",		/* the 'DR' of 'TL;DR' */
	"DRS",		/* Leonardo DRS; 'DRS your shares' */
	"DTE",		/* options and trading jargon */
	"DUMP",		/* 'PUMP and DUMP' */
	"DXY",		/* currency and crypto */
	"EBIT",		/* valuation and accounting */
	"ECB",		/* macro */
	"EDIT",		/* 'EDIT:' note */
	"EMA",		/* indicator */
	"EOD",		/* end of day */
	"EOM",		/* options and trading jargon */
	"EOW",		/* options and trading jargon */
	"EOY",		/* options and trading jargon */
	"EPS",		/* earnings per share */
	"ER",		/* earnings report */
	"ETF",		/* fund type */
	"ETFS",		/* instruments and venues */
	"ETH",		/* ether */
	"ETN",		/* instruments and venues */
	"EU",		/* the union */
	"EUR",		/* euro */
	"EV",		/* electric vehicle */
	"EVER",		/* EverQuote; 'best EVER' */
	"FA",		/* options and trading jargon */
	"FAST",		/* Fastenal; 'FAST money' */
	"FBI",		/* place or institution */
	"FCF",		/* valuation and accounting */
	"FD",		/* 'FDs', weekly options */
	"FDA",		/* place or institution */
	"FDIC",		/* regulators and accounts */
	"FDS",		/* options and trading jargon */
	"FED",		/* the central bank */
	"FINRA",	/* regulators and accounts */
	"FL",		/* Foot Locker; Florida */
	"FML",		/* Reddit slang */
	"FOMC",		/* rate meeting */
	"FOMO",		/* fear of missing out */
	"FOR",		/* 'FOR real' */
	"FROM",		/* English word written in capitals */
	"FTC",		/* place or institution */
	"FTD",		/* options and trading jargon */
	"FTDS",		/* options and trading jargon */
	"FUD",		/* fear, uncertainty, doubt */
	"FUN",		/* Six Flags; 'FUN ride' */
	"FX",		/* currency and crypto */
	"FYI",		/* Reddit slang */
	"GAAP",		/* valuation and accounting */
	"GAIN",		/* WSB vocabulary */
	"GAINS",	/* WSB vocabulary */
	"GBP",		/* currency and crypto */
	"GDP",		/* macro figure */
	"GET",		/* English word written in capitals */
	"GG",		/* 'good game' */
	"GO",		/* Grocery Outlet; 'LET'S GO' */
	"GOOD",		/* English word written in capitals */
	"GPT",		/* technology */
	"GPU",		/* graphics chip */
	"GREEN",	/* 'GREEN day' */
	"GUH",		/* Reddit slang */
	"HAS",		/* Hasbro; 'it HAS' */
	"HASN",		/* fragment of a contraction (DON'T, I'LL) */
	"HE",		/* pronoun */
	"HER",		/* English word written in capitals */
	"HFT",		/* options and trading jargon */
	"HIGH",		/* English word written in capitals */
	"HIM",		/* English word written in capitals */
	"HIS",		/* English word written in capitals */
	"HK",		/* Hong Kong */
	"HODL",		/* hold, misspelt on purpose */
	"HOLD",		/* 'HOLD the line' */
	"HOME",		/* 'HOME run' */
	"HOW",		/* English word written in capitals */
	"HR",		/* human resources */
	"HSA",		/* regulators and accounts */
	"HUGE",		/* 'HUGE gains' */
	"IF",		/* English word written in capitals */
	"IIRC",		/* Reddit slang */
	"IMF",		/* macro */
	"IMHO",		/* Reddit slang */
	"IMO",		/* Reddit slang */
	"IN",		/* English word written in capitals */
	"INC",		/* legal form in company names */
	"IOT",		/* technology */
	"IPO",		/* listing */
	"IR",		/* investor relations */
	"IRA",		/* regulators and accounts */
	"IRL",		/* Reddit slang */
	"IRS",		/* regulators and accounts */
	"IS",		/* English word written in capitals */
	"ISA",		/* regulators and accounts */
	"ISN",		/* fragment of a contraction (DON'T, I'LL) */
	"IT",		/* Gartner; 'IT is going up' */
	"ITM",		/* in the money */
	"ITS",		/* English word written in capitals */
	"IV",		/* implied volatility */
	"JK",		/* Reddit slang */
	"JPY",		/* currency and crypto */
	"JUST",		/* English word written in capitals */
	"KEY",		/* KeyCorp; 'KEY level' */
	"KYC",		/* regulators and accounts */
	"LA",		/* Los Angeles */
	"LEAP",		/* options and trading jargon */
	"LEAPS",	/* options and trading jargon */
	"LFG",		/* Reddit slang */
	"LIFE",		/* 'LIFE savings' */
	"LIKE",		/* English word written in capitals */
	"LL",		/* fragment of a contraction (DON'T, I'LL) */
	"LLC",		/* legal form in company names */
	"LLM",		/* technology */
	"LMAO",		/* Reddit slang */
	"LOL",		/* laughter */
	"LONG",		/* 'LONG term' */
	"LOSS",		/* WSB vocabulary */
	"LOVE",		/* Lovesac; 'LOVE this' */
	"LOW",		/* Lowe's; 'buy LOW' */
	"LSE",		/* instruments and venues */
	"LTD",		/* legal form in company names */
	"MACD",		/* indicator */
	"MAN",		/* ManpowerGroup; 'MAN...' */
	"ME",		/* English word written in capitals */
	"MEME",		/* Reddit slang */
	"ML",		/* MoneyLion; machine learning */
	"MM",		/* market maker */
	"MOASS",	/* WSB vocabulary */
	"MOD",		/* Reddit slang */
	"MODS",		/* Reddit slang */
	"MOM",		/* 'my MOM'; month over month */
	"MOON",		/* 'to the MOON' */
	"MORE",		/* English word written in capitals */
	"MOST",		/* English word written in capitals */
	"MY",		/* 'MY portfolio' */
	"NASA",		/* place or institution */
	"NATO",		/* place or institution */
	"NAV",		/* valuation and accounting */
	"NDX",		/* Nasdaq-100 index */
	"NEW",		/* 'NEW high' */
	"NEXT",		/* English word written in capitals */
	"NFP",		/* macro */
	"NFT",		/* currency and crypto */
	"NGL",		/* Reddit slang */
	"NICE",		/* NICE Ltd; 'NICE gain' */
	"NO",		/* English word written in capitals */
	"NOT",		/* English word written in capitals */
	"NOW",		/* ServiceNow; 'buy NOW' */
	"NV",		/* 'ASML NV' */
	"NY",		/* New York */
	"NYC",		/* place or institution */
	"NYSE",		/* instruments and venues */
	"OF",		/* English word written in capitals */
	"OI",		/* options and trading jargon */
	"OK",		/* 'OK boomer' */
	"OLD",		/* English word written in capitals */
	"OMG",		/* Reddit slang */
	"ON",		/* ON Semi; 'ON sale' */
	"ONE",		/* 'ONE more' */
	"ONLY",		/* English word written in capitals */
	"OP",		/* original poster */
	"OPEC",		/* macro */
	"OPEN",		/* Opendoor; 'at OPEN' */
	"OR",		/* 'calls OR puts' */
	"OS",		/* operating system */
	"OTC",		/* over-the-counter market */
	"OTM",		/* out of the money */
	"OUR",		/* English word written in capitals */
	"OUT",		/* Outfront Media; 'get OUT' */
	"OWN",		/* English word written in capitals */
	"PBOC",		/* macro */
	"PC",		/* 'PC sales' */
	"PCE",		/* macro */
	"PDT",		/* options and trading jargon */
	"PE",		/* price/earnings */
	"PEG",		/* valuation and accounting */
	"PLAY",		/* Dave & Buster's; 'options PLAY' */
	"PLC",		/* 'Shell PLC' */
	"PM",		/* Philip Morris; premarket */
	"PNL",		/* options and trading jargon */
	"PORN",		/* Reddit slang */
	"PPI",		/* macro */
	"PR",		/* press release */
	"PSA",		/* Reddit slang */
	"PT",		/* price target */
	"PUMP",		/* 'PUMP and dump' */
	"PUT",		/* 'PUT options' */
	"PUTS",		/* WSB vocabulary */
	"QE",		/* macro */
	"QOQ",		/* options and trading jargon */
	"QT",		/* macro */
	"RAM",		/* technology */
	"RE",		/* fragment of a contraction (DON'T, I'LL) */
	"REAL",		/* TheRealReal; 'for REAL' */
	"RED",		/* 'RED day' */
	"REIT",		/* instruments and venues */
	"RH",		/* RH (Restoration Hardware); Robinhood the broker */
	"RIP",		/* Reddit slang */
	"ROE",		/* valuation and accounting */
	"ROFL",		/* Reddit slang */
	"ROI",		/* valuation and accounting */
	"ROIC",		/* valuation and accounting */
	"RSI",		/* relative strength index */
	"SA",		/* 'Santander SA' */
	"SAAS",		/* technology */
	"SAVE",		/* Spirit Airlines; 'SAVE money' */
	"SAY",		/* English word written in capitals */
	"SE",		/* Sea Ltd; 'SE' in 'Siemens SE' */
	"SEC",		/* the regulator */
	"SEE",		/* Sealed Air; 'SEE you' */
	"SELL",		/* 'SELL now' */
	"SF",		/* Stifel; San Francisco */
	"SHE",		/* English word written in capitals */
	"SHORT",	/* 'SHORT squeeze' */
	"SI",		/* short interest */
	"SIPP",		/* regulators and accounts */
	"SL",		/* options and trading jargon */
	"SMA",		/* indicator */
	"SMH",		/* Reddit slang */
	"SO",		/* Southern Co; 'SO much' */
	"SPA",		/* legal form in company names */
	"SPAC",		/* blank-cheque company */
	"SPX",		/* S&P 500 index */
	"SSD",		/* technology */
	"STOCK",	/* WSB vocabulary */
	"STONK",	/* WSB vocabulary */
	"TA",		/* technical analysis */
	"TBH",		/* Reddit slang */
	"TFSA",		/* regulators and accounts */
	"THE",		/* English word written in capitals */
	"THEY",		/* English word written in capitals */
	"THIS",		/* English word written in capitals */
	"TIL",		/* Reddit slang */
	"TL",		/* the 'TL' of 'TL;DR' */
	"TLDR",		/* 'TL;DR' summary */
	"TO",		/* English word written in capitals */
	"TOO",		/* English word written in capitals */
	"TP",		/* options and trading jargon */
	"TPU",		/* technology */
	"TRUE",		/* TrueCar; 'is it TRUE' */
	"TV",		/* 'on TV' */
	"TWO",		/* English word written in capitals */
	"TX",		/* Texas */
	"UAE",		/* place or institution */
	"UK",		/* the country */
	"UN",		/* place or institution */
	"UP",		/* 'UP 20%' */
	"US",		/* the country */
	"USA",		/* the country */
	"USB",		/* technology */
	"USD",		/* US dollar */
	"VE",		/* fragment of a contraction (DON'T, I'LL) */
	"VERY",		/* English word written in capitals */
	"VIX",		/* volatility index, not tradeable as a share */
	"VP",		/* vice president */
	"VR",		/* virtual reality */
	"VWAP",		/* indicator */
	"WAS",		/* English word written in capitals */
	"WASN",		/* fragment of a contraction (DON'T, I'LL) */
	"WE",		/* 'WE like the stock' */
	"WELL",		/* Welltower; 'oh WELL' */
	"WHAT",		/* English word written in capitals */
	"WHEN",		/* English word written in capitals */
	"WHO",		/* the health agency */
	"WHY",		/* English word written in capitals */
	"WILL",		/* English word written in capitals */
	"WITH",		/* English word written in capitals */
	"WON",		/* fragment of a contraction (DON'T, I'LL) */
	"WORK",		/* 'WORK harder' */
	"WSB",		/* r/wallstreetbets */
	"WTF",		/* Reddit slang */
	"YOLO",		/* 'YOLO'd my savings' */
	"YOU",		/* English word written in capitals */
	"YOUR",		/* English word written in capitals */
	"YOY",		/* options and trading jargon */
	"YTD",		/* year to date */
	"ZIRP",		/* macro */
};
#define NSTOPWORDS (sizeof(stopwords) / sizeof(stopwords[0]))

/* Whole words for tickers_sentiment, lower case, sorted for bsearch. */
static const char *const bullish_words[] = {
	"beat", "beats", "bought", "breakout", "bull", "bullish", "bulls",
	"buy", "buying", "calls", "long", "moon", "mooning", "outperform",
	"rally", "rocket", "rockets", "squeeze", "tendies", "undervalued",
	"upgrade", "upgraded", "upside", "uptrend",
};

static const char *const bearish_words[] = {
	"bagholder", "bagholders", "bagholding", "bear", "bearish", "bears",
	"bubble", "crash", "crashed", "crashing", "downgrade", "downgraded",
	"downside", "downtrend", "drilling", "dump", "dumped", "dumping",
	"miss", "missed", "misses", "overvalued", "puts", "sell", "selling",
	"short", "shorted", "shorting", "shorts", "sold", "tank", "tanked",
	"tanking", "underperform",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Longest bare word and cashtag body, in letters and digits. */
#define BARE_MAX 5
#define CASHTAG_MAX 6
/* Longest word tickers_sentiment compares. */
#define SENTIMENT_WORD_MAX 15

static int
cmp_word(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static int
in_list(const char *word, const char *const *list, size_t n)
{
	return bsearch(word, list, n, sizeof(*list), cmp_word) != NULL;
}

int
tickers_is_stopword(const char *word)
{
	return word != NULL && in_list(word, stopwords, NSTOPWORDS);
}

const char *const *
tickers_stopwords(size_t *n)
{
	*n = NSTOPWORDS;
	return stopwords;
}

/*
 * Decode the UTF-8 sequence at s into *cp and return its length.  A
 * malformed byte decodes alone as U+FFFD, which counts as a letter: it
 * never makes a ticker out of the bytes around it.  The NUL terminator
 * stops a truncated sequence, since it is not a continuation byte.
 */
static size_t
utf8_decode(const unsigned char *s, uint32_t *cp)
{
	size_t len, k;
	uint32_t v;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4;
	else {
		*cp = 0xFFFD;
		return 1;
	}
	v = s[0] & (0x7F >> len);
	for (k = 1; k < len; k++) {
		if ((s[k] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[k] & 0x3F);
	}
	*cp = v;
	return len;
}

/*
 * Non-ASCII code points that separate words: Latin-1 punctuation and
 * symbols, general punctuation (including zero-width and bidirectional
 * marks), currency and other symbol blocks, CJK punctuation, variation
 * selectors, Hebrew and Arabic punctuation, emoji and tag characters.
 * Every other code point is taken as a letter of some script.
 */
static int
cp_is_delim(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
	    cp == 0x05BE || cp == 0x05C0 || cp == 0x05C3 ||
	    cp == 0x05F3 || cp == 0x05F4 ||
	    cp == 0x060C || cp == 0x061B || cp == 0x061F ||
	    (cp >= 0x066A && cp <= 0x066D) || cp == 0x06D4 ||
	    cp == 0x1680 || (cp >= 0x2000 && cp <= 0x2BFF) ||
	    (cp >= 0x3000 && cp <= 0x303F) ||
	    (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF ||
	    (cp >= 0xFF01 && cp <= 0xFF0F) ||
	    (cp >= 0x1F000 && cp <= 0x1FAFF) ||
	    (cp >= 0xE0000 && cp <= 0xE007F);
}

static int
ascii_word(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* Whether the character at s starts with a word character; *len its size. */
static int
word_char(const unsigned char *s, size_t *len)
{
	uint32_t cp;

	if (s[0] < 0x80) {
		*len = 1;
		return s[0] != '\0' && ascii_word(s[0]);
	}
	*len = utf8_decode(s, &cp);
	return !cp_is_delim(cp);
}

static int
word_at(const unsigned char *s)
{
	size_t len;

	return word_char(s, &len);
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/*
 * Whether a token that ended just before s is delimited: no word
 * character follows, no e-mail '@', and no '.' that joins another word.
 */
static int
ends_token(const unsigned char *s)
{
	if (word_at(s) || s[0] == '@')
		return 0;
	return !(s[0] == '.' && word_at(s + 1));
}

/* The set of distinct mentions of one post. */
struct mset {
	struct mention *v;
	size_t n;
	size_t cap;
	size_t *slots;		/* index + 1 into v; 0 is empty */
	size_t nslots;		/* a power of two */
	int oom;
};

static uint64_t
hash_symbol(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int
mset_grow_slots(struct mset *ms)
{
	size_t nslots = ms->nslots ? ms->nslots * 2 : 64, i, j;
	size_t *slots;

	if ((slots = calloc(nslots, sizeof(*slots))) == NULL)
		return -1;
	for (i = 0; i < ms->n; i++) {
		j = hash_symbol(ms->v[i].symbol) & (nslots - 1);
		while (slots[j] != 0)
			j = (j + 1) & (nslots - 1);
		slots[j] = i + 1;
	}
	free(ms->slots);
	ms->slots = slots;
	ms->nslots = nslots;
	return 0;
}

/* Count one mention of symbol; a new symbol gets its own entry. */
static void
mset_add(struct mset *ms, const char *symbol, int cashtag)
{
	size_t j, len = strlen(symbol);
	struct mention *m;

	if (ms->oom || len == 0 || len >= SYMBOLS_MAX)
		return;
	if ((ms->n + 1) * 2 > ms->nslots && mset_grow_slots(ms) == -1) {
		ms->oom = 1;
		return;
	}
	j = hash_symbol(symbol) & (ms->nslots - 1);
	for (; ms->slots[j] != 0; j = (j + 1) & (ms->nslots - 1)) {
		m = &ms->v[ms->slots[j] - 1];
		if (strcmp(m->symbol, symbol) == 0) {
			m->count++;
			m->cashtag |= cashtag;
			return;
		}
	}
	if ((m = util_grow(ms->v, &ms->cap, ms->n + 1, sizeof(*m))) == NULL) {
		ms->oom = 1;
		return;
	}
	ms->v = m;
	m = &ms->v[ms->n];
	memset(m, 0, sizeof(*m));
	memcpy(m->symbol, symbol, len + 1);
	m->count = 1;
	m->cashtag = cashtag;
	ms->slots[j] = ++ms->n;
}

/* How a ticker token was written. */
enum form { F_ROOT, F_CLASS, F_MARKET };

struct token {
	char root[CASHTAG_MAX + 1];	/* upper case: "BRK", "SHEL" */
	char suffix[4];			/* "B" (class) or "L" (market) */
	enum form form;
	int cashtag;
};

/* Resolve a token against the universe (or without one) and count it. */
static void
record(struct mset *ms, const struct universe *u, const struct token *t)
{
	const struct instrument *it = NULL;
	char sym[SYMBOLS_MAX];

	if (t->form == F_CLASS)
		(void)snprintf(sym, sizeof(sym), "%s-%s", t->root, t->suffix);
	else if (t->form == F_MARKET)
		(void)snprintf(sym, sizeof(sym), "%s.%s", t->root, t->suffix);
	else
		(void)snprintf(sym, sizeof(sym), "%s", t->root);
	if (u == NULL) {
		if (t->cashtag)
			mset_add(ms, sym, 1);
		return;
	}
	if (t->form == F_CLASS)
		it = universe_pick_listing(u, sym, u->account_currency);
	else if (t->form == F_MARKET)
		it = universe_by_yahoo(u, sym);
	/*
	 * A root, or a listing the universe lacks, goes to the company's
	 * pick; written bare it needs two letters and no stop word.
	 */
	if (it == NULL && t->form != F_CLASS && (t->cashtag ||
	    (strlen(t->root) >= 2 && !tickers_is_stopword(t->root))))
		it = universe_pick_listing(u, t->root, u->account_currency);
	if (it != NULL)
		mset_add(ms, it->yahoo_symbol, t->cashtag);
}

static void
upper_copy(char *dst, const unsigned char *src, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		dst[i] = (char)toupper(src[i]);
	dst[len] = '\0';
}

/*
 * A class or market suffix after root: '.' or '-' then 1 or 2 letters of
 * the accepted case, then the end of the token.  Fill t and return the
 * length consumed from s (which points at the separator), or 0.
 */
static size_t
parse_suffix(const unsigned char *s, int any_case, struct token *t)
{
	const struct symbols_market *m;
	char suf[4];
	size_t k = 1;

	if (s[0] != '.' && s[0] != '-')
		return 0;
	while (k <= 3 && ((s[k] >= 'A' && s[k] <= 'Z') ||
	    (any_case && s[k] >= 'a' && s[k] <= 'z')))
		k++;
	if (k == 1 || k > 3 || !ends_token(s + k))
		return 0;
	suf[0] = '.';
	upper_copy(suf + 1, s + 1, k - 1);
	m = symbols_market_by_suffix(suf);
	if (s[0] == '.' && m != NULL && m->t212_code != 0) {
		t->form = F_MARKET;
		memcpy(t->suffix, suf + 1, k);
		return k;
	}
	if (k == 2) {
		t->form = F_CLASS;
		memcpy(t->suffix, suf + 1, 2);
		return k;
	}
	return 0;
}

/*
 * A cashtag body at s (just after the '$').  Return the bytes consumed, 0
 * when it is not a cashtag ("$100", "$ 5", "$TOOLONGNAME").
 */
static size_t
scan_cashtag(struct mset *ms, const struct universe *u, const unsigned char *s)
{
	struct token t;
	size_t j = 0, k;

	if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return 0;
	while (j <= CASHTAG_MAX && s[j] < 0x80 && isalnum(s[j]))
		j++;
	if (j > CASHTAG_MAX || word_at(s + j))
		return 0;
	memset(&t, 0, sizeof(t));
	upper_copy(t.root, s, j);
	t.cashtag = 1;
	t.form = F_ROOT;
	/* "$AAPL." ends a sentence: the root stands alone. */
	k = parse_suffix(s + j, 1, &t);
	record(ms, u, &t);
	return j + k;
}

/* The end of a URL starting at s, or s itself when none starts there. */
static const unsigned char *
url_end(const unsigned char *s)
{
	const unsigned char *p = s, *label;
	int labels = 0, tld_ok = 0;

	if (strncasecmp((const char *)s, "http://", 7) != 0 &&
	    strncasecmp((const char *)s, "https://", 8) != 0 &&
	    strncasecmp((const char *)s, "www.", 4) != 0) {
		/* A bare host followed by a path: x.com/AAPL. */
		for (;;) {
			label = p;
			tld_ok = 1;
			while ((*p < 0x80 && isalnum(*p)) || *p == '-') {
				if (!(*p >= 'a' && *p <= 'z'))
					tld_ok = 0;
				p++;
			}
			if (p == label)
				return s;
			labels++;
			if (*p != '.')
				break;
			p++;
		}
		if (labels < 2 || !tld_ok || p - label < 2 || *p != '/')
			return s;
	}
	while (*p != '\0' && *p < 0x80 && !is_space(*p) &&
	    strchr("<>\"'()[]`|", *p) == NULL)
		p++;
	return p;
}

/* Scanner state: what the previous unit was. */
struct scan {
	const struct universe *u;
	struct mset *ms;
	int prev_byte;		/* last ASCII byte; 0x80 after non-ASCII */
	int prev_word;		/* the previous unit was a word or cashtag */
	int dot_after_word;	/* prev_byte is a '.' that followed a word */
	int ru_run;		/* the last run was "r" or "u" */
	int slash_after_ru;	/* prev_byte is the '/' of r/ or u/ */
};

/*
 * Process the run of word characters [s, end) as a bare word; return
 * where scanning goes on (past a class or market suffix it consumed).
 */
static const unsigned char *
scan_run(struct scan *sc, const unsigned char *s, const unsigned char *end)
{
	const unsigned char *a = s, *b = end;
	struct token t, st;
	size_t i, n, k;
	int skip;

	skip = (sc->prev_byte == '.' && sc->dot_after_word) ||
	    (sc->prev_byte == '/' && sc->slash_after_ru) || end[0] == '@';
	sc->ru_run = end - s == 1 && strchr("rRuU", s[0]) != NULL;
	while (a < b && *a == '_')
		a++;
	while (b > a && b[-1] == '_')
		b--;
	if (skip || sc->u == NULL || b - a < 1 || b - a > BARE_MAX)
		return end;
	for (i = 0; a + i < b; i++)
		if (!(a[i] >= 'A' && a[i] <= 'Z'))
			return end;
	memset(&t, 0, sizeof(t));
	upper_copy(t.root, a, (size_t)(b - a));
	t.form = F_ROOT;
	if (b == end && (end[0] == '.' || end[0] == '-')) {
		st = t;
		k = parse_suffix(end, 0, &st);
		if (k > 0 && st.form == F_CLASS) {
			char cls[SYMBOLS_MAX];

			(void)snprintf(cls, sizeof(cls), "%s-%s", st.root,
			    st.suffix);
			if (universe_by_root(sc->u, cls, &n) == NULL)
				k = 0;
		}
		if (k > 0) {
			record(sc->ms, sc->u, &st);
			return end + k;
		}
		/* A dotted name: U.S., node.JS, e.g. */
		if (end[0] == '.' && word_at(end + 1))
			return end;
	}
	record(sc->ms, sc->u, &t);
	return end;
}

static int
host_char(int c)
{
	return (c < 0x80 && isalnum(c)) || c == '.' || c == '-' || c == '_';
}

/* Walk one text, unit by unit, counting mentions into sc->ms. */
static void
scan_text(struct scan *sc, const char *text)
{
	const unsigned char *s = (const unsigned char *)text, *end, *next;
	size_t len, taglen;
	int c;

	sc->prev_byte = ' ';
	sc->prev_word = sc->dot_after_word = sc->ru_run = 0;
	sc->slash_after_ru = 0;
	if (s == NULL)
		return;
	while ((c = *s) != '\0') {
		if (word_char(s, &len)) {
			/* A host test never starts inside an earlier one. */
			if (sc->prev_byte != '.' && sc->prev_byte != '-' &&
			    (next = url_end(s)) != s) {
				s = next;
				sc->prev_byte = ' ';
				sc->prev_word = 0;
				continue;
			}
			for (end = s; word_char(end, &len); end += len)
				;
			s = scan_run(sc, s, end);
			sc->prev_byte = s[-1] < 0x80 ? s[-1] : 0x80;
			sc->prev_word = 1;
			continue;
		}
		if (c == '$' && !sc->prev_word &&
		    (taglen = scan_cashtag(sc->ms, sc->u, s + 1)) > 0) {
			s += 1 + taglen;
			sc->prev_byte = s[-1];
			sc->prev_word = 1;
			sc->ru_run = 0;
			continue;
		}
		if (c == '@') {
			/* An e-mail domain or a handle: never a ticker. */
			for (s++; host_char(*s); s++)
				;
			sc->prev_byte = '@';
			sc->prev_word = 0;
			continue;
		}
		sc->dot_after_word = c == '.' && sc->prev_word;
		sc->slash_after_ru = c == '/' && sc->prev_word && sc->ru_run;
		sc->prev_byte = c < 0x80 ? c : 0x80;
		sc->prev_word = 0;
		s += len;
	}
}

/* Look a lower-cased word up in both lists. */
static void
sentiment_word(const unsigned char *w, size_t len, int *bull, int *bear)
{
	char word[SENTIMENT_WORD_MAX + 1];
	size_t i;

	if (len > SENTIMENT_WORD_MAX)
		return;
	for (i = 0; i < len; i++) {
		if (!((w[i] >= 'A' && w[i] <= 'Z') || (w[i] >= 'a' && w[i] <= 'z')))
			return;
		word[i] = (char)tolower(w[i]);
	}
	word[len] = '\0';
	if (in_list(word, bullish_words, NELEM(bullish_words)))
		(*bull)++;
	else if (in_list(word, bearish_words, NELEM(bearish_words)))
		(*bear)++;
}

void
tickers_sentiment(const char *text, int *bull, int *bear)
{
	const unsigned char *s = (const unsigned char *)text, *end;
	size_t len;
	uint32_t cp;

	*bull = *bear = 0;
	if (s == NULL)
		return;
	while (*s != '\0') {
		if (word_char(s, &len)) {
			for (end = s; word_char(end, &len); end += len)
				;
			sentiment_word(s, (size_t)(end - s), bull, bear);
			s = end;
			continue;
		}
		if (*s >= 0x80) {
			(void)utf8_decode(s, &cp);
			if (cp == 0x1F680 || cp == 0x1F4C8)	/* rocket, chart up */
				(*bull)++;
			else if (cp == 0x1F4C9 || cp == 0x1F43B) /* chart down, bear */
				(*bear)++;
		}
		s += len;
	}
}

int
tickers_extract(const struct universe *u, const char *title,
    const char *selftext, struct mention **out, size_t *n, tb_err *e)
{
	struct mset ms;
	struct scan sc;
	int bull[2], bear[2];
	size_t i;

	*out = NULL;
	*n = 0;
	if (u != NULL && !u->finished)
		return tb_errf(e, TB_EINTERNAL,
		    "tickers_extract: universe not finished");
	memset(&ms, 0, sizeof(ms));
	memset(&sc, 0, sizeof(sc));
	sc.u = u;
	sc.ms = &ms;
	/* Title and selftext are scanned apart: no word spans the two. */
	scan_text(&sc, title);
	scan_text(&sc, selftext);
	free(ms.slots);
	if (ms.oom) {
		free(ms.v);
		return tb_errf(e, TB_EINTERNAL, "tickers_extract: out of memory");
	}
	tickers_sentiment(title, &bull[0], &bear[0]);
	tickers_sentiment(selftext, &bull[1], &bear[1]);
	for (i = 0; i < ms.n; i++) {
		ms.v[i].bull = bull[0] + bull[1];
		ms.v[i].bear = bear[0] + bear[1];
	}
	*out = ms.v;
	*n = ms.n;
	return 0;
}
