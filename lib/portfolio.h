/*
 * portfolio.h - what one LLM holds: its positions, their cost and their
 * current value, from that LLM's own trades.
 *
 * Each LLM trades real money on its main days and virtual money on the
 * others; both count, and each position says which kind it is (an LLM
 * may hold AAPL for real and AAPL virtually).  Trades counted: real ones
 * 'submitted' or 'filled', virtual ones 'booked', dated up to and
 * including the date asked.  A trade still 'pending' or 'unknown' is not
 * counted: it is not known to have happened.
 *
 * A buy adds its quantity and its amount_eur to the position's cost; a
 * sell removes its quantity and the average cost of what it sold.  A
 * position sold down to nothing disappears.  A trade without a quantity
 * (an order the broker has not filled yet) adds its cost but no shares.
 *
 * Value: quantity times the newest EUR price in market_data on or before
 * the date; NAN when no price is known or no shares are held yet (the
 * prompt says so, and nunvalued counts them).
 */
#ifndef TB_PORTFOLIO_H
#define TB_PORTFOLIO_H

#include <stddef.h>
#include <sqlite3.h>

#include "err.h"

struct position {
	char	*ticker;		/* Yahoo-style symbol */
	int	 real;			/* 1 real, 0 virtual */
	double	 quantity;		/* shares */
	double	 cost_eur;		/* what was paid for what is held */
	double	 price_eur;		/* newest known price, NAN if none */
	double	 value_eur;		/* quantity * price_eur, or NAN */
	char	 price_date[11];	/* the price's date, "" if none */
};

struct portfolio {
	struct position *positions;	/* by kind (real first), then ticker */
	size_t	 n;
	size_t	 ntrades;		/* trades counted */
	double	 cost_eur;		/* sums over positions */
	double	 value_eur;		/* over those with a value */
	size_t	 nunvalued;		/* positions without a price */
};

/*
 * Load llm_name's portfolio as of date.  On success *p owns everything
 * (portfolio_free); an LLM without trades has n = 0.  Errors: TB_EINTERNAL
 * (database, memory), with *p empty.
 */
int	portfolio_load(sqlite3 *db, const char *llm_name, const char *date,
	    struct portfolio *p, tb_err *e);

void	portfolio_free(struct portfolio *p);

#endif
