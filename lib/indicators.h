/*
 * indicators.h - technical indicators over a series of closes.
 *
 * Every function reads x[0..n-1], the closes oldest first, with no NaNs
 * (the caller skips the null bars of a chart before calling).  The
 * definitions are TA-Lib's, so that values can be checked against any
 * TA-Lib based tool:
 *
 *   SMA(p)   mean of the last p closes.
 *   EMA(p)   k = 2 / (p + 1), seeded with the SMA of the first p closes,
 *            then ema = ema + k * (x - ema).
 *   RSI(p)   Wilder: the first average gain and loss are the simple means
 *            of the first p changes, then avg = (prev * (p - 1) + cur) / p;
 *            RSI = 100 * G / (G + L), and 0 when G + L is 0.
 *   MACD(f, s, g)  EMA(f) - EMA(s), both SMA-seeded with windows ending on
 *            bar s - 1; the signal line is EMA(g) of the MACD line seeded
 *            with the SMA of its first g values; histogram = MACD - signal.
 *   change   percent change over k bars: 100 * (x[i] / x[i-k] - 1).
 *
 * Full-series functions write n values to out[] (which must not overlap
 * x) and return 0, or -1 when the arguments are invalid (period < 1) or
 * the series is too short for even one value.  Entries before the first
 * valid index are NAN; the first valid index is:
 *
 *   SMA, EMA    period - 1
 *   RSI         period            (the first close has no change)
 *   MACD        slow + signal - 2 (33 for 12, 26, 9), for all three lines,
 *               as TA-Lib reports them
 *   change      k
 *
 * The "_last" functions compute only the newest value without allocating:
 * they return 0 and set *out, or -1 (leaving *out untouched) when there is
 * not enough data or the arguments are invalid.
 */
#ifndef TB_INDICATORS_H
#define TB_INDICATORS_H

#include <stddef.h>

/* The usual parameters. */
#define IND_RSI_PERIOD		14
#define IND_MACD_FAST		12
#define IND_MACD_SLOW		26
#define IND_MACD_SIGNAL		9

int ind_sma(const double *x, size_t n, int period, double *out);
int ind_sma_last(const double *x, size_t n, int period, double *out);

int ind_ema(const double *x, size_t n, int period, double *out);
int ind_ema_last(const double *x, size_t n, int period, double *out);

int ind_rsi(const double *x, size_t n, int period, double *out);
int ind_rsi_last(const double *x, size_t n, int period, double *out);

/*
 * MACD with periods fast < slow and signal >= 1 (else -1).  Any of the
 * output arrays may be NULL when that line is not wanted.
 */
int ind_macd(const double *x, size_t n, int fast, int slow, int signal,
    double *macd, double *signal_line, double *hist);
int ind_macd_last(const double *x, size_t n, int fast, int slow, int signal,
    double *macd, double *signal_line, double *hist);

/*
 * Percent change over k >= 1 bars.  A change from a base of 0 is
 * undefined: that entry is NAN, and the _last function returns -1.
 */
int ind_change_pct(const double *x, size_t n, size_t k, double *out);
int ind_change_pct_last(const double *x, size_t n, size_t k, double *out);

#endif
