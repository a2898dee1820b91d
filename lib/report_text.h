/*
 * report_text.h - what happened on a day, as a human reads it: the
 * documents of report.h printed as aligned text tables (tb-status without
 * --json), and the effective configuration.
 *
 * Absent values print as "-", booleans as yes/no; an empty section says
 * "(none)".  Text from the database is printed as stored, cut to 47 bytes
 * per cell.
 */
#ifndef TB_REPORT_TEXT_H
#define TB_REPORT_TEXT_H

#include <stdio.h>

#include <cJSON.h>

#include "config.h"

/*
 * report_day()'s document: the rotation and the price sources, then
 * ROUNDS, DIGEST, LLMS, PICKS, APPROVAL, TRADES, ACCOUNT, TOTALS, RUNS.
 */
void	report_print_day(FILE *f, const cJSON *doc);

/* report_range()'s array: one line per day under DAYS. */
void	report_print_range(FILE *f, const cJSON *days);

/*
 * The effective configuration: TB_HOME (and whether it exists), the
 * files read, every key with its value and source, and every secret as
 * set or unset with its source, never its value.
 */
void	report_print_config(FILE *f, const struct tb_config *c);

#endif
