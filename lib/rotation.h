/*
 * rotation.h - which LLM trades for real on a day, and which days trade.
 *
 * DESIGN section 4: by the date's weekday, Mon/Wed/Fri claude is the main
 * trader (real orders) and minimax the virtual one; Tue/Thu the reverse.
 * Saturdays, Sundays and the configured holidays are not trading days.
 *
 * A date's weekday is a calendar fact, so nothing here depends on a zone:
 * the caller settles the date in the orchestrator timezone first
 * (clock.h).  The names returned are static strings.
 */
#ifndef TB_ROTATION_H
#define TB_ROTATION_H

#include "clock.h"
#include "config.h"

/* "claude" on Mon/Wed/Fri, "minimax" on Tue/Thu, NULL on Sat/Sun. */
const char *get_main_trader(const struct tb_date *d);

/* The other one: "minimax" on Mon/Wed/Fri, "claude" on Tue/Thu, NULL. */
const char *get_virtual_trader(const struct tb_date *d);

/* A weekday that is not one of c's holidays (c may be NULL: none). */
int is_trading_day(const struct tb_config *c, const struct tb_date *d);

#endif
