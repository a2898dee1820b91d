/*
 * scoreboard.h - which LLM is winning: each one's trades valued at the
 * stored daily closes (marks.h), against buying the benchmark with the
 * same euros on the same days.
 *
 * What counts.  Every trade up to the report's day `to`: real ones that
 * are 'submitted' or 'filled', virtual ones 'booked'; buys and sells.  A
 * trade moved `cash` EUR cents, fees included (trades.h, journal.h): a
 * buy's cost, a sell's proceeds.  A real trade whose fill is not known
 * yet counts at the value it was sized at (value_cents) with no fees.
 *
 * The figures of an LLM as of a day d (every trade dated d or earlier):
 *
 *   invested      the cash of its buys (new money each day: proceeds of
 *                 sells are not reinvested);
 *   value         its holdings at the newest close on or before d (a
 *                 position without any close is valued at its last
 *                 trade's price), plus the proceeds of its sells;
 *   pnl           value - invested; return_pct = pnl / invested x 100
 *                 (0 when nothing was invested);
 *   realised      what sells brought above the average cost of the
 *                 shares they sold (the cost of a position is the cash of
 *                 its buys, less the average cost of what was sold);
 *   unrealised    pnl - realised: holdings' value less their cost;
 *   fees          the fees of its trades; trades, open_positions counts;
 *   real, virtual invested, value and pnl of each kind alone.
 *
 * The benchmark of an LLM buys the benchmark symbol with the cash of each
 * of its buys, at the benchmark's close of the buy's day (the newest on
 * or before it, else the first after it), and sells the proceeds of each
 * of its sells the same way (never more units than it holds; the cash is
 * kept).  No fees.  Its value on d: units x the close on or before d, plus
 * that cash.  excess_vs_benchmark_pct = return_pct - the benchmark's.
 * Without any benchmark close the benchmark figures are unknown (NAN).
 *
 * The series.  days are the trading days from `from` to `to` (and `to`
 * itself when it is not one); each has every LLM's invested, value and
 * benchmark value.  max_drawdown_pct is the largest fall of value /
 * invested from its highest point on an earlier day of the series, in
 * percent.  hit_rate_pct is the share of buys whose close five trading
 * days after their day (the newest on or before it, that day on or before
 * `to`) is above their cost per share (cash / quantity, in EUR); buys
 * without such a close are left out; NAN when there is none.
 *
 * Ranking: by return_pct, then pnl, highest first, then by name.
 *
 * Money is kept in EUR cents where it is money (the trades' cash and
 * fees); values (shares x a close) are computed unrounded and rounded to
 * cents only on output (scoreboard_json), percentages to 2 decimals.
 *
 * scoreboard_compute() is pure: a unit driver table-tests it.
 * scoreboard_load() reads its input from the database, scoreboard_build()
 * does both.
 */
#ifndef TB_SCOREBOARD_H
#define TB_SCOREBOARD_H

#include <stddef.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "clock.h"
#include "config.h"
#include "err.h"
#include "money.h"

#define SB_SYMBOL_MAX	32
#define SB_HIT_DAYS	5	/* trading days to a buy's hit check */

/* The trades that count, as an SQL condition on `trades`. */
#define SB_COUNTED_SQL "((kind = 'real' AND status IN ('submitted', " \
	"'filled')) OR (kind = 'virtual' AND status = 'booked'))"
/* A counted trade's shares: a real one's fill when known. */
#define SB_QUANTITY_SQL "coalesce(CASE WHEN kind = 'real' THEN " \
	"fill_quantity END, quantity)"

/* One counted trade. */
struct sb_trade {
	char date[11];
	size_t llm;			/* index into the input's llms */
	char ticker[SB_SYMBOL_MAX];
	int real;			/* kind real, else virtual */
	int sell;
	double quantity;		/* shares (the fill's when known) */
	money_cents cash;		/* paid or received, fees included */
	money_cents fees;
	double price;			/* its own price per share, as quoted;
					 * NAN when unknown */
	char currency[8];		/* of price */
	double price_eur;		/* its own price in EUR; NAN */
};

/* One daily close. */
struct sb_mark {
	char date[11];
	double close;			/* as quoted */
	double close_eur;
};

/* The closes of one symbol, oldest first. */
struct sb_series {
	char symbol[SB_SYMBOL_MAX];
	char currency[8];		/* as quoted */
	struct sb_mark *marks;
	size_t n;
};

struct sb_input {
	const struct tb_config *cfg;	/* holidays: the trading days */
	struct tb_date from, to;
	const char *benchmark;		/* symbol */
	const char *const *llms;	/* names */
	size_t nllms;
	const struct sb_trade *trades;	/* by date, then as made */
	size_t ntrades;
	const struct sb_series *series;	/* by symbol (strcmp) */
	size_t nseries;
};

/* Invested, value and pnl, in EUR (unrounded). */
struct sb_money {
	double invested, value, pnl;
};

/* An open position at `to`. */
struct sb_position {
	char ticker[SB_SYMBOL_MAX];
	int real;
	double quantity;
	double cost_eur;		/* what its shares still held cost */
	double price;			/* the close used, as quoted */
	char currency[8];
	double value_eur;
	double pnl_eur;
};

struct sb_llm {
	const char *name;		/* the input's */
	int rank;			/* 1 = best */
	struct sb_money all, real, virt, bench;
	double return_pct;
	double realised, unrealised, fees;
	long trades, open_positions;
	double bench_return_pct;	/* NAN without a benchmark close */
	double excess_pct;		/* NAN likewise */
	double max_drawdown_pct;
	double hit_rate_pct;		/* NAN when no buy qualifies */
	struct sb_position *positions;	/* by ticker, real first */
	size_t npositions;
	double *day_invested, *day_value, *day_bench;	/* per day */
};

struct sb_result {
	char from[11], to[11];
	char (*days)[11];		/* the series' days */
	size_t ndays;
	char benchmark[SB_SYMBOL_MAX];
	double bench_close;		/* at `to`, as quoted; NAN */
	char bench_currency[8];
	struct sb_llm *llms;		/* in the input's order */
	size_t nllms;
};

/* Compute *out from *in (see above).  0, or TB_EINTERNAL out of memory. */
int scoreboard_compute(const struct sb_input *in, struct sb_result *out,
    tb_err *e);
void scoreboard_free(struct sb_result *r);

/*
 * The newest close of s dated on or before day with a close in EUR, or
 * NULL; after = 1 lets it fall back to the oldest one after day.
 */
const struct sb_mark *scoreboard_mark(const struct sb_series *s,
    const char *day, int after);

/* d moved by n trading days (n > 0 forward, < 0 back; cfg's holidays). */
void scoreboard_trading_days(const struct tb_config *cfg, struct tb_date *d,
    int n);

/* What scoreboard_load() read; scoreboard_input_free() frees it. */
struct sb_loaded {
	struct sb_input in;
	struct sb_trade *trades;
	struct sb_series *series;
};

/*
 * Read the trades up to `to` and the closes up to it (the benchmark is
 * cfg->benchmark_symbol) into *out, for llms[0..nllms-1]
 * (trades of other names are left out).  from NULL: the first day with a
 * trade (or `to`).  0 or TB_EINTERNAL.
 */
int scoreboard_load(sqlite3 *db, const struct tb_config *cfg,
    const struct tb_date *from, const struct tb_date *to,
    const char *const *llms, size_t nllms, struct sb_loaded *out,
    tb_err *e);
void scoreboard_loaded_free(struct sb_loaded *l);

/*
 * The scoreboard of claude and minimax from..to (from NULL as above), as
 * scoreboard_load and scoreboard_compute make it.  0 or TB_EINTERNAL.
 */
int scoreboard_build(sqlite3 *db, const struct tb_config *cfg,
    const struct tb_date *from, const struct tb_date *to,
    struct sb_result *out, tb_err *e);

/*
 * The JSON document of DESIGN section 11 (the keys of the scoreboard
 * issue): date, from, to, currency, benchmark, llms[] by rank, days[].
 * EUR amounts rounded to cents, percentages to 2 decimals, unknown ones
 * null.  NULL when out of memory; the caller cJSON_Delete()s it.
 */
cJSON *scoreboard_json(const struct sb_result *r);

#endif
