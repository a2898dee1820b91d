/*
 * symbols.h - Trading 212 and Yahoo symbols, and the instrument universe.
 *
 * Trading 212 names an instrument by a ticker with its market folded in:
 * "AAPL_US_EQ", "SAPd_EQ" (the lower-case letter before "_EQ" is the
 * exchange).  Yahoo, which serves the market data, writes "AAPL" and
 * "SAP.DE".  One table in symbols.c serves both directions:
 *
 *	T212 code	Yahoo suffix	currencies	ISIN home	market
 *	d		.DE		EUR		DE		Xetra
 *	a		.AS		EUR		NL		Euronext Amsterdam
 *	p		.PA		EUR		FR		Euronext Paris
 *	m		.MI		EUR		IT		Borsa Italiana
 *	e		.MC		EUR		ES		Bolsa de Madrid
 *	l		.L		GBX GBP USD	GB		London Stock Exchange
 *	s, z		.SW		CHF		CH		SIX Swiss Exchange
 *	_US		(none)		USD		US		NYSE / NASDAQ
 *
 * Other Trading 212 exchange letters (Brussels, Lisbon, Vienna, ...) are
 * left out on purpose: their letters are not confirmed by the fixtures or
 * by Trading 212's documentation, and a wrong guess would send an order to
 * the wrong instrument.  Such tickers are "unknown pattern" here.
 *
 * Class shares: Trading 212 writes "BRK_B_US_EQ", Yahoo "BRK-B".  The
 * class separator '_' (or '.') maps to '-' and back to '_'.
 *
 * The table's order is also the fixed market order used when a choice
 * between markets has no better rule (see universe_pick_listing).
 *
 * Everything here is pure: no network, no database.  Functions that write
 * into a caller's buffer never truncate: a result that does not fit is an
 * error.
 */
#ifndef TB_SYMBOLS_H
#define TB_SYMBOLS_H

#include <stddef.h>

#include "err.h"

/* Longest symbol or ticker handled, including the NUL. */
#define SYMBOLS_MAX 32

/* One market of the mapping table.  Static data, never freed. */
struct symbols_market {
	char t212_code;			/* exchange letter; 0 for the US */
	const char *yahoo_suffix;	/* ".DE"; "" for the US */
	const char *currencies[4];	/* fitting currencies, NULL-ended; [0] is the main one */
	const char *isin_country;	/* ISIN prefix of companies at home here */
	const char *name;
};

/*
 * The market of a Trading 212 ticker ("SAPd_EQ" -> Xetra) or of a Yahoo
 * symbol ("SAP.DE" -> Xetra, "AAPL" and "BRK-B" -> US).  NULL when the
 * ticker or symbol does not follow a known pattern.
 */
const struct symbols_market *symbols_market_t212(const char *t212_ticker);
const struct symbols_market *symbols_market_yahoo(const char *yahoo_symbol);

/* The market whose Yahoo suffix is suffix (".L", "" for the US), or NULL. */
const struct symbols_market *symbols_market_by_suffix(const char *suffix);

/*
 * Write the Yahoo symbol for a Trading 212 ticker into out: AAPL_US_EQ ->
 * AAPL, BRK_B_US_EQ -> BRK-B, SAPd_EQ -> SAP.DE, NESNz_EQ -> NESN.SW.
 * This is the suffix rule alone; the universe may know better (see
 * universe_add).  Return 0, or -1 for an unknown pattern or an out buffer
 * too small (out is then "").
 */
int symbols_t212_to_yahoo(const char *t212_ticker, char *out, size_t outsz);

/*
 * Write into out[0..max-1] the Trading 212 tickers to try for a Yahoo
 * symbol by the suffix rule, in table order: "NESN.SW" -> NESNs_EQ,
 * NESNz_EQ; "BRK-B" -> BRK_B_US_EQ.  The caller must still check that the
 * instrument exists and its currency fits the market (universe_resolve_t212
 * does).  Return the number written, or -1 when the symbol has an unknown
 * suffix, characters Yahoo does not use for equities, or is too long.
 */
int symbols_yahoo_to_t212_candidates(const char *yahoo_symbol,
    char out[][SYMBOLS_MAX], size_t max);

/*
 * Write the root of a Yahoo symbol, the part before the market suffix
 * ("ASML.AS" -> "ASML", "BRK-B" -> "BRK-B").  Return 0, or -1 as above.
 */
int symbols_yahoo_root(const char *yahoo_symbol, char *out, size_t outsz);

/* The main currency of the symbol's market ("GBX" for .L), or NULL. */
const char *symbols_market_currency(const char *yahoo_symbol);

/*
 * Whether an instrument trading in currency fits the market of the Yahoo
 * symbol: GBX, GBP and USD fit .L; EUR fits .DE .AS .PA .MI .MC; CHF fits
 * .SW; USD fits the US.  Return 1 or 0 (0 for an unknown market too).
 */
int symbols_currency_fits(const char *yahoo_symbol, const char *currency);

/*
 * One instrument.  As input to universe_add the caller fills t212_ticker
 * (required), type, currency, isin, short_name, name and
 * working_schedule_id (NULL strings become ""); yahoo_symbol, root and
 * market are ignored and derived.  In the universe every string is a copy
 * owned by the universe and lives until universe_free.
 */
struct instrument {
	const char *t212_ticker;	/* "ASMLa_EQ" */
	const char *yahoo_symbol;	/* "ASML.AS" */
	const char *root;		/* yahoo_symbol without the suffix: "ASML" */
	const char *type;		/* "STOCK", "ETF", ... */
	const char *currency;		/* "EUR", "GBX", ... */
	const char *isin;		/* "" when unknown */
	const char *short_name;		/* Trading 212's shortName: "ASML" */
	const char *name;		/* "ASML Holding" */
	long working_schedule_id;	/* 0 when unknown */
	const struct symbols_market *market;
};

struct universe_chunk;

/*
 * The instruments Trading 212 offers, in memory, indexed by T212 ticker,
 * by Yahoo symbol and by root (all O(log n) binary searches).  Fill it
 * with universe_init, universe_add for each instrument, then
 * universe_finish; look it up only after universe_finish and add nothing
 * after it.  The fields are read-only for callers.
 */
struct universe {
	struct instrument *items;	/* sorted by t212_ticker once finished */
	size_t n;
	size_t cap;
	const struct instrument **by_yahoo;	/* sorted by yahoo_symbol */
	const struct instrument **by_root;	/* sorted by root */
	struct universe_chunk *strings;		/* owns every string */
	char account_currency[4];	/* default "EUR" */
	int finished;
};

void universe_init(struct universe *u);

/* Currency of the trading account (3 upper-case letters); TB_EUSAGE if not. */
int universe_set_account_currency(struct universe *u, const char *currency);

/*
 * Copy one instrument into the universe and derive its Yahoo symbol.
 * The Yahoo symbol is the suffix rule's, except when Trading 212's
 * shortName is a well-formed symbol that differs from the T212 root: then
 * shortName + the market's suffix (AIp_EQ with shortName "AIR" is
 * AIR.PA, not AI.PA, which is another company).  Return 0; TB_EDATA for a
 * ticker of unknown pattern (the caller skips it); TB_EINTERNAL when out of
 * memory or after universe_finish.  *e is filled on error.
 */
int universe_add(struct universe *u, const struct instrument *in,
    tb_err *e);

/*
 * Sort and index.  A T212 ticker added twice keeps its first copy (the
 * later ones are dropped with a warning).  Return 0, or TB_EINTERNAL when
 * out of memory.
 */
int universe_finish(struct universe *u, tb_err *e);

/* Free everything the universe owns; it may be initialised again. */
void universe_free(struct universe *u);

/* The instrument with that T212 ticker, or NULL. */
const struct instrument *universe_by_t212(const struct universe *u,
    const char *t212_ticker);

/*
 * The instrument with that Yahoo symbol, or NULL.  When several share it
 * (NESNs_EQ and NESNz_EQ are both NESN.SW) the first by table order, then
 * T212 ticker, is returned.
 */
const struct instrument *universe_by_yahoo(const struct universe *u,
    const char *yahoo_symbol);

/*
 * All listings of a root ("ASML": ASMLa_EQ and ASML_US_EQ), ordered by
 * table order then T212 ticker.  Sets *n; returns NULL when there is none.
 * The array belongs to the universe.
 */
const struct instrument *const *universe_by_root(const struct universe *u,
    const char *root, size_t *n);

/*
 * The multi-listing rule: a root listed on several markets maps to ONE
 * listing, chosen in this order:
 *  1. a listing in account_currency (GBX counts as GBP); among several,
 *     the home market of its ISIN (NL -> .AS, DE -> .DE, FR -> .PA,
 *     IT -> .MI, ES -> .MC), else the first by the table's market order
 *     (.DE, .AS, .PA, .MI, .MC);
 *  2. the primary listing: the market of the ISIN's country (US -> US,
 *     GB -> .L, CH -> .SW, ...);
 *  3. the US listing;
 *  4. the first listing by table order.
 * Where a rule matches several listings, the table order decides (an ADR
 * with a US ISIN is "home" in the US too, and the US comes last).
 * So ASML (ASMLa_EQ in EUR, ASML_US_EQ in USD) is ASML.AS for a EUR
 * account.  NULL when the root is not in the universe.
 */
const struct instrument *universe_pick_listing(const struct universe *u,
    const char *root, const char *account_currency);

/*
 * Find the Trading 212 ticker for a Yahoo symbol, in this order:
 *  1. the symbol is itself a T212 ticker of the universe;
 *  2. the suffix rule's candidates (symbols_yahoo_to_t212_candidates), each
 *     accepted only if the instrument exists, its currency fits the market
 *     and the universe does not know it as another Yahoo symbol (AI.PA is
 *     not AIp_EQ when AIp_EQ's shortName says AIR);
 *  3. isin, when the caller has one (may be NULL): an instrument with that
 *     ISIN on the symbol's market in a fitting currency;
 *  4. shortName equal to the symbol's root, on the symbol's market, in a
 *     fitting currency (AIR.PA -> AIp_EQ); several different companies
 *     are ambiguous and refused;
 *  else refuse.
 * Return 0 with the ticker in out and how it was found in why; TB_EDATA
 * with the reason for refusing in why; TB_EINTERNAL when out is too small
 * for the ticker (out is then "").  why is always NUL-terminated
 * (shortened to whysz if need be; it is only a message).
 */
int universe_resolve_t212(const struct universe *u, const char *yahoo_symbol,
    const char *isin, char *out, size_t outsz, char *why, size_t whysz);

#endif
