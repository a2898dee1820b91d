/*
 * sell.h - tb-sell's step: close (part of) one LLM's position in one
 * instrument, real or virtual.
 *
 * sell_position() works in this order:
 *
 *   1. the kind: as asked, else the kind of the LLM's buys of that
 *      instrument (both kinds: the caller must say which, TB_EUSAGE; no
 *      buy at all: TB_EDATA);
 *   2. real: under the order journal's lock (journal.h) the journal is
 *      reconciled with the broker first and refreshed, exactly as
 *      tb-execute does; when that cannot be done nothing is sent;
 *   3. the never-twice rules of a buy (orders.h): a sell of that LLM,
 *      day and instrument that may exist at the broker is never sent
 *      again, a refused one only with force (a virtual one is booked
 *      again only with force, replacing it): status "not_repeated";
 *   4. the quantity: as asked, else the whole position, truncated to 4
 *      decimals; never more than the LLM holds (its real buys that are
 *      submitted or filled, at the fill's quantity when known, less its
 *      real sells that may exist; or its booked virtual buys less its
 *      booked virtual sells: SELL_QTY_EPSILON of slack) nor, for a real
 *      sell, than the broker's position in the instrument (GET
 *      /equity/positions); more is refused, TB_EDATA, naming both;
 *   5. a quote fetched now (market_fetch_now: plausible or refused);
 *   6. real: place_sell_order() (the journal row committed 'pending'
 *      before the order leaves, the broker check for an unclaimed sell,
 *      quantity retries, a negative quantity on the wire); the quote only
 *      values it.  Virtual: booked at the quote, paying the fee model
 *      (trades.h); without a plausible quote nothing is booked
 *      (TB_EUNAVAIL, or TB_EDATA for an implausible price).
 *
 * A dry run reads what it must and writes and sends nothing.
 *
 * Returns 0 when the sell was sent, booked, would be (dry run) or stands
 * already ("not_repeated"); else TB_EUSAGE, TB_EDATA (refused: the
 * quantity, the broker's refusal, not tradable), TB_EUNAVAIL (the broker
 * or the feed unavailable, an answer that did not settle it: the row
 * stays 'pending' for the next run's reconciliation, or a trade left
 * 'unknown'), TB_ECONFIG (no T212_API_KEY for a real sell, or the key
 * refused), TB_ELOCKED (the journal is busy), TB_EINTERNAL.  *out is
 * filled either way: sell_result_free() it.
 */
#ifndef TB_SELL_H
#define TB_SELL_H

#include <time.h>

#include <sqlite3.h>

#include "config.h"
#include "err.h"
#include "orders.h"
#include "trades.h"

#define SELL_QTY_EPSILON	1e-6	/* shares this much over are held */

enum sell_kind { SELL_ANY, SELL_REAL, SELL_VIRTUAL };

struct sell_input {
	sqlite3 *db;
	const struct tb_config *cfg;
	const char *day;		/* the trade's day, "YYYY-MM-DD" */
	time_t now;			/* TB_NOW or the wall clock */
	const char *llm;		/* "claude" or "minimax" */
	const char *ticker;		/* Yahoo symbol */
	double quantity;		/* NAN: the whole position */
	enum sell_kind kind;
	int dry_run, force;
};

struct sell_result {
	enum sell_kind kind;		/* as settled in step 1 */
	const char *status;		/* the order's or booking's status, or
					 * "refused" */
	double held;			/* the LLM's position; NAN unknown */
	double broker_held;		/* the broker's; NAN unknown or virtual */
	double quantity;		/* shares to sell */
	struct orders_reconciled reconciled;
	struct orders_refreshed refreshed;
	struct order_result real;	/* a real sell's outcome */
	struct virtual_result virt;	/* a virtual one's */
	char reason[512];		/* why refused; "" */
};

int sell_position(const struct sell_input *in, struct sell_result *out,
    tb_err *e);
void sell_result_free(struct sell_result *out);

/* "real", "virtual", "any". */
const char *sell_kind_name(enum sell_kind k);

#endif
