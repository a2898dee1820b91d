/*
 * indicators.c - SMA, EMA, RSI, MACD and percent change (see indicators.h).
 *
 * Each indicator is one streaming pass over the closes.  The pass writes
 * every value to an output array when the caller wants the series, and
 * always keeps the newest value, so the full-series and "_last" functions
 * share one implementation and cannot disagree.  Nothing here allocates.
 */
#include "indicators.h"

#include <math.h>
#include <stddef.h>

/* An EMA seeded with the SMA of the first `period` values fed to it. */
struct ema {
	int	period;
	int	seen;		/* values fed so far, counted up to period */
	double	k;
	double	sum;		/* of the seed window */
	double	value;		/* valid once seen == period */
};

/* Wilder's RSI, fed one close at a time. */
struct rsi {
	int	period;
	int	changes;	/* changes fed so far, counted up to period */
	int	have_prev;
	double	prev;
	double	gain;		/* sum over the seed window, then the average */
	double	loss;
};

static void	ema_init(struct ema *, int);
static int	ema_feed(struct ema *, double);
static void	rsi_init(struct rsi *, int);
static int	rsi_feed(struct rsi *, double, double *);
static void	fill_nan(double *, size_t);
static int	sma_run(const double *, size_t, int, double *, double *);
static int	ema_run(const double *, size_t, int, double *, double *);
static int	rsi_run(const double *, size_t, int, double *, double *);
static int	macd_run(const double *, size_t, int, int, int, double *,
		    double *, double *, double *);
static int	change_run(const double *, size_t, size_t, double *,
		    double *);

static void
ema_init(struct ema *m, int period)
{
	m->period = period;
	m->seen = 0;
	m->k = 2.0 / (period + 1.0);
	m->sum = 0.0;
	m->value = NAN;
}

/* Feed one value; return 1 when m->value holds a valid EMA. */
static int
ema_feed(struct ema *m, double v)
{
	if (m->seen < m->period) {
		m->sum += v;
		if (++m->seen < m->period)
			return 0;
		m->value = m->sum / m->period;
		return 1;
	}
	m->value += m->k * (v - m->value);
	return 1;
}

static void
rsi_init(struct rsi *r, int period)
{
	r->period = period;
	r->changes = 0;
	r->have_prev = 0;
	r->prev = 0.0;
	r->gain = 0.0;
	r->loss = 0.0;
}

/* Feed one close; return 1 and set *out when an RSI value exists. */
static int
rsi_feed(struct rsi *r, double x, double *out)
{
	double change, up, down, total;

	if (!r->have_prev) {
		r->have_prev = 1;
		r->prev = x;
		return 0;
	}
	change = x - r->prev;
	r->prev = x;
	up = change > 0 ? change : 0.0;
	down = change < 0 ? -change : 0.0;
	if (r->changes < r->period) {
		r->gain += up;
		r->loss += down;
		if (++r->changes < r->period)
			return 0;
		r->gain /= r->period;
		r->loss /= r->period;
	} else {
		r->gain = (r->gain * (r->period - 1) + up) / r->period;
		r->loss = (r->loss * (r->period - 1) + down) / r->period;
	}
	total = r->gain + r->loss;
	*out = total == 0.0 ? 0.0 : 100.0 * r->gain / total;
	return 1;
}

static void
fill_nan(double *out, size_t n)
{
	size_t i;

	if (out == NULL)
		return;
	for (i = 0; i < n; i++)
		out[i] = NAN;
}

/*
 * The run functions below write each value to out[] when out is not NULL
 * and return 0 with the newest value in *last, or -1 when the arguments
 * are invalid or the series is too short for one value.
 */
static int
sma_run(const double *x, size_t n, int period, double *out, double *last)
{
	size_t i, p;
	double sum = 0.0;

	fill_nan(out, n);
	if (period < 1 || n < (size_t)period)
		return -1;
	p = (size_t)period;
	for (i = 0; i < n; i++) {
		sum += x[i];
		if (i >= p)
			sum -= x[i - p];
		if (i + 1 < p)
			continue;
		*last = sum / period;
		if (out != NULL)
			out[i] = *last;
	}
	return 0;
}

static int
ema_run(const double *x, size_t n, int period, double *out, double *last)
{
	struct ema m;
	size_t i;

	fill_nan(out, n);
	if (period < 1 || n < (size_t)period)
		return -1;
	ema_init(&m, period);
	for (i = 0; i < n; i++) {
		if (!ema_feed(&m, x[i]))
			continue;
		*last = m.value;
		if (out != NULL)
			out[i] = m.value;
	}
	return 0;
}

static int
rsi_run(const double *x, size_t n, int period, double *out, double *last)
{
	struct rsi r;
	size_t i;
	double v;

	fill_nan(out, n);
	if (period < 1 || n <= (size_t)period)
		return -1;
	rsi_init(&r, period);
	for (i = 0; i < n; i++) {
		if (!rsi_feed(&r, x[i], &v))
			continue;
		*last = v;
		if (out != NULL)
			out[i] = v;
	}
	return 0;
}

/*
 * The fast EMA starts being fed at bar slow - fast so that its seed window
 * ends on the same bar as the slow one (bar slow - 1), where the MACD line
 * begins; the signal EMA is fed the MACD line from there on.  last[] gets
 * the newest MACD, signal and histogram.
 */
static int
macd_run(const double *x, size_t n, int fast, int slow, int signal,
    double *macd, double *sig, double *hist, double *last)
{
	struct ema f, s, g;
	size_t i, first;
	double m;

	fill_nan(macd, n);
	fill_nan(sig, n);
	fill_nan(hist, n);
	if (fast < 1 || slow <= fast || signal < 1)
		return -1;
	first = (size_t)slow + (size_t)signal - 2;
	if (n <= first)
		return -1;
	ema_init(&f, fast);
	ema_init(&s, slow);
	ema_init(&g, signal);
	for (i = 0; i < n; i++) {
		ema_feed(&s, x[i]);
		if (i < (size_t)(slow - fast))
			continue;
		ema_feed(&f, x[i]);
		if (i + 1 < (size_t)slow)
			continue;
		m = f.value - s.value;
		if (!ema_feed(&g, m))
			continue;
		last[0] = m;
		last[1] = g.value;
		last[2] = m - g.value;
		if (macd != NULL)
			macd[i] = last[0];
		if (sig != NULL)
			sig[i] = last[1];
		if (hist != NULL)
			hist[i] = last[2];
	}
	return 0;
}

static int
change_run(const double *x, size_t n, size_t k, double *out, double *last)
{
	size_t i;
	double v = NAN;

	fill_nan(out, n);
	if (k < 1 || n <= k)
		return -1;
	for (i = k; i < n; i++) {
		v = x[i - k] == 0.0 ? NAN : 100.0 * (x[i] / x[i - k] - 1.0);
		if (out != NULL)
			out[i] = v;
	}
	*last = v;
	return 0;
}

int
ind_sma(const double *x, size_t n, int period, double *out)
{
	double last;

	return sma_run(x, n, period, out, &last);
}

int
ind_sma_last(const double *x, size_t n, int period, double *out)
{
	return sma_run(x, n, period, NULL, out);
}

int
ind_ema(const double *x, size_t n, int period, double *out)
{
	double last;

	return ema_run(x, n, period, out, &last);
}

int
ind_ema_last(const double *x, size_t n, int period, double *out)
{
	return ema_run(x, n, period, NULL, out);
}

int
ind_rsi(const double *x, size_t n, int period, double *out)
{
	double last;

	return rsi_run(x, n, period, out, &last);
}

int
ind_rsi_last(const double *x, size_t n, int period, double *out)
{
	return rsi_run(x, n, period, NULL, out);
}

int
ind_macd(const double *x, size_t n, int fast, int slow, int signal,
    double *macd, double *signal_line, double *hist)
{
	double last[3];

	return macd_run(x, n, fast, slow, signal, macd, signal_line, hist,
	    last);
}

int
ind_macd_last(const double *x, size_t n, int fast, int slow, int signal,
    double *macd, double *signal_line, double *hist)
{
	double last[3];

	if (macd_run(x, n, fast, slow, signal, NULL, NULL, NULL, last) != 0)
		return -1;
	if (macd != NULL)
		*macd = last[0];
	if (signal_line != NULL)
		*signal_line = last[1];
	if (hist != NULL)
		*hist = last[2];
	return 0;
}

int
ind_change_pct(const double *x, size_t n, size_t k, double *out)
{
	double last;

	return change_run(x, n, k, out, &last);
}

int
ind_change_pct_last(const double *x, size_t n, size_t k, double *out)
{
	double last;

	/* A zero base gives NAN, which is "no value" to this caller. */
	if (change_run(x, n, k, NULL, &last) != 0 || isnan(last))
		return -1;
	*out = last;
	return 0;
}
