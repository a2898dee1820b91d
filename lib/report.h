/*
 * report.h - what happened on a day, read from the database: the
 * document tb-status prints and tb-daily ends with.
 *
 * report_day() builds one cJSON object for a date:
 *   date, weekday, trading_day, reason (when not), main_trader,
 *   virtual_trader, price_sources {primary: "yahoo", second: "eodhd",
 *   second_on, second_off_because (when off)}, t212_environment,
 *   rounds   [{round, started_at, finished_at, posts_fetched, posts_new,
 *              posts_updated, errors}]
 *   digest   {tickers, posts, top: [{symbol, mentions, weight}] (5)} or null
 *   llms     {claude: {status, model, attempts, input_tokens,
 *              output_tokens, latency_ms, error}, minimax: {...}}
 *   picks    {claude: [{index, ticker, allocation_pct, amount_eur, status,
 *              is_main_trader}], minimax: [...]}
 *   approval {decision, indices, decided_by, decided_at} or null
 *   trades   [{id, llm_name, kind, ticker, broker_ticker, side, quantity,
 *              price, currency, amount_eur, status, broker_order_id, error,
 *              fill_price, fill_quantity, fill_value, fill_currency,
 *              fill_fx_rate, fill_fees, filled_at, fill_final (the
 *              broker's fill of a real order, journal.h), fees_eur,
 *              cash_eur (what the trade paid or brought, fees included)}]
 *   totals   {orders_placed, orders_skipped, orders_failed, orders_unknown,
 *              virtual_booked, eur_real, eur_virtual}
 *   account  {currency, cash_available, budget, seen_at}: the account as
 *            the day's last tb-execute read it before its orders, or null
 *   runs     [{program, started_at, finished_at, status, exit_code, error}]
 *
 * report_range() builds one short object per day from..to (inclusive):
 *   {date, weekday, trading_day, main_trader, picks: {claude, minimax},
 *    approval, orders_placed, virtual_booked, eur_real, failed_runs}
 *
 * report_config() builds the effective configuration, from the loaded
 * configuration alone (no database):
 *   {home, file, env_file (null when none),
 *    keys [{key, value, source}], secrets [{name, set, source}]}
 * where a secret's value is never included, only whether it is set and
 * where from (source null when unset).
 *
 * lib/report_text.h prints these documents as text tables.
 *
 * Amounts are rounded to the cent and prices to 4 decimals (summary.h).
 * The caller owns the returned objects (cJSON_Delete).  Statements are
 * prepared once per call, so a year of days is a few hundred fast
 * lookups on indexed columns.
 */
#ifndef TB_REPORT_H
#define TB_REPORT_H

#include <sqlite3.h>

#include <cJSON.h>

#include "clock.h"
#include "config.h"
#include "err.h"

int report_day(sqlite3 *db, const struct tb_config *cfg,
    const struct tb_date *date, cJSON **out, tb_err *e);

int report_range(sqlite3 *db, const struct tb_config *cfg,
    const struct tb_date *from, const struct tb_date *to, cJSON **out,
    tb_err *e);

/* TB_EINTERNAL when out of memory. */
int report_config(const struct tb_config *cfg, cJSON **out, tb_err *e);

#endif
