/*
 * approval_text.h - the main picks and a decision as a human reads them.
 *
 * The table tb-approve shows before it asks or waits, and the sentence
 * that says what a decision does ("Approved 1 (ASML.AS), 3 (NVDA) of
 * claude for 2026-03-30: 65.00 EUR in orders; rejected 2 (SAP.DE).").
 * Text from upstream (an LLM's reason, a company name) is made safe for a
 * terminal before it is shown: an LLM must not be able to send escape
 * sequences to the human who approves its picks.
 */
#ifndef TB_APPROVAL_TEXT_H
#define TB_APPROVAL_TEXT_H

#include <stdio.h>

#include "approval.h"

/* Where reasons are wrapped in the table. */
#define APPROVAL_REASON_WIDTH 72

/*
 * Print the table of ap's picks (ap->llm_name is the main trader of day)
 * to f: who trades for real on which account (live: the live one), every
 * pick with its number, ticker, name, allocation, EUR amount, last price
 * and reason, and the totals.
 */
void	approval_print_table(FILE *f, const struct approval_picks *ap,
	    const char *day, const char *virtual_trader, int live);

/* What d does to ap's picks of day, in one sentence; malloc'ed, or NULL. */
char	*approval_describe(const struct approval_picks *ap,
	    const struct approval_decision *d, const char *day);

/*
 * s with every control character (C0, DEL and UTF-8 C1) replaced by a
 * space, so no escape sequence in it reaches a terminal; malloc'ed, or
 * NULL when out of memory.
 */
char	*approval_printable(const char *s);

#endif
