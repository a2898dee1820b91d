/*
 * summary.h - money in tb's JSON output: amounts to the cent, prices to
 * four decimals, never a double's binary noise (39.969999999999999).
 *
 * cJSON prints a double with up to 17 significant digits, so an amount
 * computed in floating point (a pick's share of the budget, a virtual
 * trade's value) shows its noise.  Rounding happens once, at the edge:
 * app_finish rounds every run summary before it is printed and stored,
 * and report_day/report_range round the documents tb-status prints.
 *
 * Which numbers are money is said by their key, anywhere in the document:
 *
 *   - EUR amounts: a key ending in "_eur" or starting with "eur_"
 *     (amount_eur, value_eur, eur_real), and the account's money in its
 *     own currency (cash, cash_available, budget): rounded to the cent;
 *   - prices: a key containing "price" (price, price_eur,
 *     decision_price): rounded to 4 decimal places, as brokers quote them.
 *
 * Everything else (quantities, percentages, counts) is left as it is.
 */
#ifndef TB_SUMMARY_H
#define TB_SUMMARY_H

#include <cJSON.h>

/* eur rounded to the nearest cent (half away from zero); NaN and
 * infinities are returned unchanged. */
double summary_cents(double eur);

/* Round, in place, every amount and price of doc (see above). */
void summary_round(cJSON *doc);

/* Add name: v, or name: null when v is not finite (NAN: unknown). */
void summary_number(cJSON *o, const char *name, double v);

/* Add name: "v", or name: null when v is NULL or "". */
void summary_string(cJSON *o, const char *name, const char *v);

#endif
