/*
 * trade.h - the states of a trade (a `trades` row) and the moves between
 * them, in one table.
 */
#ifndef TB_TRADE_H
#define TB_TRADE_H

/*
 * A trade's status.  A row moves only along these lines; the trigger
 * trades_status_moves (sql/006_money.sql) refuses any other UPDATE, so a
 * bug or a hand edit cannot revive a refused order as 'pending'.  A new
 * row may start in any state.
 *
 *   from       to          performed by (orders.c, journal.c)
 *   pending    pending     journal_retry: a quantity refusal, fewer decimals
 *   pending    submitted   record_answer, settle_row: the broker has it
 *   pending    filled      settle_row: reconciled as filled
 *   pending    rejected    record_refusal: a proven refusal;
 *                          record_answer, settle_row: the order ended dead
 *   pending    failed      record_no_answer: no connection was made
 *   pending    unknown     reconcile_unknown: the broker has no such order
 *   submitted  filled      settle_row (refresh)
 *   submitted  rejected    settle_row (refresh): cancelled or rejected
 *   unknown    failed      a human who checked the account: not there
 *   unknown    submitted,  a human who found the order
 *              filled, rejected
 *
 * New rows: 'pending' (journal_insert, before sending), 'skipped'
 * (skip_pick; trades.h for virtual ones), 'unknown' (broker_check: an
 * unclaimed order at the broker), 'booked' (a virtual trade).
 */
enum trade_status {
	TRADE_PENDING, TRADE_SUBMITTED, TRADE_FILLED, TRADE_REJECTED,
	TRADE_FAILED, TRADE_SKIPPED, TRADE_UNKNOWN, TRADE_BOOKED,
	TRADE_NSTATUS
};

/* "pending", ...; NULL out of range. */
const char *trade_status_name(enum trade_status s);

/* The status named s: 0, or -1 when s names none. */
int trade_status_parse(const char *s, enum trade_status *out);

/* Whether an UPDATE may move a row from `from` to `to` (the table above;
 * staying in the same state is always allowed). */
int trade_status_may_move(enum trade_status from, enum trade_status to);

/* Whether a real row in state s may stand for an order at the broker: its
 * pick is never sent again. */
int trade_status_holds(enum trade_status s);

#endif
