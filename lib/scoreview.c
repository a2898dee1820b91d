/*
 * scoreview.c - the scoreboard as a table and as a page.  See
 * scoreview.h.
 */
#include "scoreview.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define CHART_W		540
#define CHART_H		260
#define CHART_LEFT	64	/* room for the value axis */
#define CHART_RIGHT	16
#define CHART_TOP	16
#define CHART_BOTTOM	36	/* room for the dates */

static const char *const blocks[8] = {
	"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587",
	"\u2588"
};

const char *
scoreview_colour(const char *llm)
{
	if (strcmp(llm, "claude") == 0)
		return "#d9480f";
	if (strcmp(llm, "minimax") == 0)
		return "#1c7ed6";
	return "#2f9e44";
}

/* The lowest and highest finite values of v and w (w may be NULL). */
static int
range_of(const double *v, const double *w, size_t n, double *lo, double *hi)
{
	size_t i;
	int any = 0;

	*lo = INFINITY;
	*hi = -INFINITY;
	for (i = 0; i < n; i++) {
		if (isfinite(v[i])) {
			*lo = fmin(*lo, v[i]);
			*hi = fmax(*hi, v[i]);
			any = 1;
		}
		if (w != NULL && isfinite(w[i])) {
			*lo = fmin(*lo, w[i]);
			*hi = fmax(*hi, w[i]);
			any = 1;
		}
	}
	return any ? 0 : -1;
}

char *
scoreview_spark(const double *v, size_t n, size_t max, char *buf,
    size_t bufsz)
{
	double lo, hi, x;
	size_t k, m, i, o = 0;
	int level;

	buf[0] = '\0';
	if (n == 0 || max == 0 || range_of(v, NULL, n, &lo, &hi) != 0)
		return buf;
	m = n < max ? n : max;
	for (k = 0; k < m; k++) {
		i = m == 1 ? n - 1 : (size_t)llround((double)k * (double)(n - 1) /
		    (double)(m - 1));
		if (!isfinite(x = v[i]))
			continue;
		level = hi > lo ? (int)floor((x - lo) / (hi - lo) * 7.999) : 0;
		if (o + 4 > bufsz)
			break;
		memcpy(buf + o, blocks[level], 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* "+1.55%", or "-" when unknown. */
static const char *
pct_text(double v, char buf[16])
{
	if (!isfinite(v))
		return "-";
	snprintf(buf, 16, "%+.2f%%", round(v * 100) / 100 + 0.0);
	return buf;
}

/* A drawdown, a fall: "0.40%". */
static const char *
dd_text(double v, char buf[16])
{
	snprintf(buf, 16, "%.2f%%", fabs(round(v * 100) / 100));
	return buf;
}

static const char *
hit_text(double v, char buf[16])
{
	if (!isfinite(v))
		return "-";
	snprintf(buf, 16, "%.1f%%", v);
	return buf;
}

static double
cents(double v)
{
	return round(v * 100) / 100;
}

static void
table_line(FILE *out, const struct sb_result *r, const struct sb_llm *l)
{
	char ret[16], bench[16], excess[16], hit[16], dd[16];
	char spark[3 * SCOREVIEW_SPARK_MAX + 1];

	fprintf(out, "%4d  %-8s %10.2f %10.2f %9.2f %8s %8s %8s %6.2f %6ld "
	    "%4ld %6s %7s  %s\n", l->rank, l->name, cents(l->all.invested),
	    cents(l->all.value), cents(l->all.pnl), pct_text(l->return_pct,
	    ret), pct_text(l->bench_return_pct, bench),
	    pct_text(l->excess_pct, excess), cents(l->fees), l->trades,
	    l->open_positions, hit_text(l->hit_rate_pct, hit),
	    dd_text(l->max_drawdown_pct, dd), scoreview_spark(l->day_value,
	    r->ndays, SCOREVIEW_SPARK_MAX, spark, sizeof spark));
}

static void
positions_lines(FILE *out, const struct sb_llm *l)
{
	const struct sb_position *p;
	size_t i;

	for (i = 0; i < l->npositions; i++) {
		p = &l->positions[i];
		fprintf(out, "  %-8s %-7s %-10s %12.4f %10.2f %10.2f %9.2f  "
		    "at %.6g %s\n", l->name, p->real ? "real" : "virtual",
		    p->ticker, p->quantity, cents(p->cost_eur),
		    cents(p->value_eur), cents(p->pnl_eur), p->price,
		    p->currency);
	}
}

int
scoreview_table(FILE *out, const struct sb_result *r)
{
	int rank;
	size_t i;

	fprintf(out, "SCOREBOARD %s..%s (EUR)  benchmark %s", r->from, r->to,
	    r->benchmark);
	if (isfinite(r->bench_close))
		fprintf(out, " %.2f %s", r->bench_close, r->bench_currency);
	fprintf(out, "\n%4s  %-8s %10s %10s %9s %8s %8s %8s %6s %6s %4s %6s "
	    "%7s  %s\n", "rank", "llm", "invested", "value", "P&L", "return",
	    "bench", "excess", "fees", "trades", "open", "hit", "maxdd",
	    "value by day");
	for (rank = 1; rank <= (int)r->nllms; rank++)
		for (i = 0; i < r->nllms; i++)
			if (r->llms[i].rank == rank)
				table_line(out, r, &r->llms[i]);
	fprintf(out, "\nPOSITIONS\n  %-8s %-7s %-10s %12s %10s %10s %9s\n",
	    "llm", "kind", "ticker", "quantity", "cost", "value", "P&L");
	for (i = 0; i < r->nllms; i++)
		positions_lines(out, &r->llms[i]);
	return ferror(out) ? -1 : 0;
}

/* ---- HTML. */

static void
put_escaped(FILE *out, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*s, out);
		}
}

static const char style[] =
	"body{font:15px/1.4 system-ui,sans-serif;margin:24px;color:#212529;"
	"background:#fff}h1{font-size:22px;margin:0 0 4px}p{margin:0 0 16px;"
	"color:#495057}.charts{display:flex;flex-wrap:wrap;gap:16px}"
	"figure{margin:0;border:1px solid #dee2e6;border-radius:6px;"
	"padding:8px}figcaption{font-weight:600;margin-bottom:4px}"
	"table{border-collapse:collapse;margin-top:20px}th,td{padding:4px "
	"10px;border-bottom:1px solid #dee2e6;text-align:right}"
	"th:nth-child(2),td:nth-child(2){text-align:left}"
	".axis{stroke:#868e96;stroke-width:1}.grid{stroke:#e9ecef;"
	"stroke-width:1}.label{font-size:11px;fill:#495057}"
	".bench{fill:none;stroke:#495057;stroke-width:2;"
	"stroke-dasharray:6 4}.value{fill:none;stroke-width:3}"
	".key{font-size:12px;fill:#212529}";

static double
x_of(size_t i, size_t n)
{
	double w = CHART_W - CHART_LEFT - CHART_RIGHT;

	return CHART_LEFT + (n > 1 ? w * (double)i / (double)(n - 1) : w / 2);
}

static double
y_of(double v, double lo, double hi)
{
	double h = CHART_H - CHART_TOP - CHART_BOTTOM;

	return CHART_TOP + h - (v - lo) / (hi - lo) * h;
}

/* A series as a polyline (and a dot per point when there are few). */
static void
put_line(FILE *out, const double *v, size_t n, double lo, double hi,
    const char *class, const char *colour)
{
	size_t i;

	fprintf(out, "<polyline class=\"%s\" stroke=\"%s\" points=\"", class,
	    colour);
	for (i = 0; i < n; i++)
		if (isfinite(v[i]))
			fprintf(out, "%.1f,%.1f ", x_of(i, n), y_of(v[i], lo,
			    hi));
	fputs("\"/>\n", out);
	for (i = 0; n <= 31 && i < n; i++)
		if (isfinite(v[i]))
			fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
			    "fill=\"%s\"/>\n", x_of(i, n), y_of(v[i], lo, hi),
			    colour);
}

static void
put_axes(FILE *out, const struct sb_result *r, double lo, double hi)
{
	double v, y;
	int k;

	for (k = 0; k <= 4; k++) {
		v = lo + (hi - lo) * k / 4;
		y = y_of(v, lo, hi);
		fprintf(out, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" "
		    "x2=\"%d\" y2=\"%.1f\"/><text class=\"label\" x=\"%d\" "
		    "y=\"%.1f\" text-anchor=\"end\">%.2f</text>\n", CHART_LEFT,
		    y, CHART_W - CHART_RIGHT, y, CHART_LEFT - 6, y + 4, v);
	}
	fprintf(out, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
	    "y2=\"%d\"/>\n", CHART_LEFT, CHART_H - CHART_BOTTOM,
	    CHART_W - CHART_RIGHT, CHART_H - CHART_BOTTOM);
	fprintf(out, "<text class=\"label\" x=\"%d\" y=\"%d\">%s</text>"
	    "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s"
	    "</text>\n", CHART_LEFT, CHART_H - 12, r->days[0],
	    CHART_W - CHART_RIGHT, CHART_H - 12, r->days[r->ndays - 1]);
}

static void
put_chart(FILE *out, const struct sb_result *r, const struct sb_llm *l)
{
	const char *colour = scoreview_colour(l->name);
	double lo, hi, pad;

	if (range_of(l->day_value, l->day_bench, r->ndays, &lo, &hi) != 0)
		lo = hi = 0;
	pad = hi > lo ? (hi - lo) * 0.08 : fmax(1, fabs(hi) * 0.01);
	lo -= pad;
	hi += pad;
	fputs("<figure><figcaption>", out);
	put_escaped(out, l->name);
	fprintf(out, ": value against the benchmark (EUR)</figcaption>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", CHART_W,
	    CHART_H, CHART_W, CHART_H);
	put_axes(out, r, lo, hi);
	put_line(out, l->day_bench, r->ndays, lo, hi, "bench", "#495057");
	put_line(out, l->day_value, r->ndays, lo, hi, "value", colour);
	fprintf(out, "<text class=\"key\" x=\"%d\" y=\"%d\" fill=\"%s\">",
	    CHART_LEFT + 8, CHART_TOP + 12, colour);
	put_escaped(out, l->name);
	fprintf(out, "</text><text class=\"key\" x=\"%d\" y=\"%d\">- - "
	    "benchmark</text>\n</svg></figure>\n", CHART_LEFT + 100,
	    CHART_TOP + 12);
}

static void
put_cell(FILE *out, double v, int pct)
{
	char buf[16];

	if (pct)
		fprintf(out, "<td>%s</td>", pct_text(v, buf));
	else
		fprintf(out, "<td>%.2f</td>", cents(v));
}

static void
put_row(FILE *out, const struct sb_llm *l)
{
	char hit[16];

	fprintf(out, "<tr><td>%d</td><td>", l->rank);
	put_escaped(out, l->name);
	fputs("</td>", out);
	put_cell(out, l->all.invested, 0);
	put_cell(out, l->all.value, 0);
	put_cell(out, l->all.pnl, 0);
	put_cell(out, l->return_pct, 1);
	put_cell(out, l->bench_return_pct, 1);
	put_cell(out, l->excess_pct, 1);
	put_cell(out, l->fees, 0);
	fprintf(out, "<td>%ld</td><td>%ld</td><td>%s</td>", l->trades,
	    l->open_positions, hit_text(l->hit_rate_pct, hit));
	fprintf(out, "<td>%s</td>", dd_text(l->max_drawdown_pct, hit));
	fputs("</tr>\n", out);
}

int
scoreview_html(FILE *out, const struct sb_result *r)
{
	int rank;
	size_t i;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<title>tb scoreboard</title><style>", out);
	fputs(style, out);
	fputs("</style></head><body>\n<h1>tb scoreboard</h1><p>", out);
	fprintf(out, "%s to %s, in EUR. Benchmark ", r->from, r->to);
	put_escaped(out, r->benchmark);
	fputs(": the same euros on the same days.</p>\n<div class=\"charts\">"
	    "\n", out);
	for (i = 0; i < r->nllms; i++)
		put_chart(out, r, &r->llms[i]);
	fputs("</div>\n<table><thead><tr><th>rank</th><th>llm</th>"
	    "<th>invested</th><th>value</th><th>P&amp;L</th><th>return</th>"
	    "<th>benchmark</th><th>excess</th><th>fees</th><th>trades</th>"
	    "<th>open</th><th>hit rate</th><th>max drawdown</th></tr></thead>"
	    "<tbody>\n", out);
	for (rank = 1; rank <= (int)r->nllms; rank++)
		for (i = 0; i < r->nllms; i++)
			if (r->llms[i].rank == rank)
				put_row(out, &r->llms[i]);
	fputs("</tbody></table>\n</body></html>\n", out);
	return ferror(out) ? -1 : 0;
}
