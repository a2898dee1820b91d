/*
 * scoreview.h - the scoreboard (scoreboard.h) for people: a terminal
 * table and a self-contained HTML page.
 *
 * scoreview_table() prints the LLMs by rank, one line each (invested,
 * value, P&L, return, the benchmark's return, the excess, fees, trades,
 * open positions, hit rate, max drawdown) ending with a Unicode sparkline
 * of its value over the days (at most SCOREVIEW_SPARK_MAX characters:
 * the days are sampled evenly), then the open positions.
 *
 * scoreview_html() writes one HTML5 document: inline CSS, one inline SVG
 * chart per LLM of its value (a solid line in the LLM's colour) against
 * its benchmark (a dashed grey line) over the days, and the table.  No
 * script, no external resource: it opens from a file anywhere.  Every
 * text from the database is escaped.
 *
 * Both return 0, or -1 when writing failed (errno says why).
 */
#ifndef TB_SCOREVIEW_H
#define TB_SCOREVIEW_H

#include <stddef.h>
#include <stdio.h>

#include "scoreboard.h"

#define SCOREVIEW_SPARK_MAX	40

/* The line colour of an LLM's curve ("#d9480f" for claude). */
const char *scoreview_colour(const char *llm);

/*
 * A sparkline of v[0..n-1] (NAN values skipped) into buf: one of the
 * eight block characters per value, lowest to highest; a flat series is
 * all the lowest.  At most max characters (the values sampled evenly).
 * buf needs 3 * max + 1 bytes.  Returns buf.
 */
char *scoreview_spark(const double *v, size_t n, size_t max, char *buf,
    size_t bufsz);

int scoreview_table(FILE *out, const struct sb_result *r);
int scoreview_html(FILE *out, const struct sb_result *r);

#endif
