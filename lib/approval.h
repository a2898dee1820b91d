/*
 * approval.h - the human approval of the main trader's picks.
 *
 * tb-decide stores each LLM's validated picks in daily_picks with status
 * 'proposed'.  Only the main trader's picks (the ones that become real
 * orders) are subject to approval; the virtual trader's picks stay
 * 'proposed' whatever is decided, and tb-execute books them regardless.
 *
 * A decision (approve all, reject all, or a subset by pick number) is
 * stored once per date: one approvals row and the status of every main
 * pick ('approved' or 'rejected') are written in ONE transaction, so the
 * two can never disagree.
 *
 * Why two deciders can never both store a decision: approval_store()
 * runs inside BEGIN IMMEDIATE, which takes SQLite's write lock before it
 * reads anything.  The second writer waits for the first to commit (the
 * busy timeout), then reads the decision the first one stored and refuses
 * (or, with force, supersedes it).  The partial unique index
 * approvals_current (one row per date with superseded_at NULL) is the
 * backstop: an insert that would make a second current row fails, and is
 * reported as "already decided", never as a second decision.
 *
 * Nothing may change once execution started: a trades row for the date,
 * or a tb-execute run for the date that was not skipped.  That check is
 * made inside the same transaction, and force does not override it.
 *
 * Errors: TB_EDATA for a decision that cannot be taken (execution
 * started, picks changed meanwhile, over the budget, a bad answer: the
 * message says which), TB_EINTERNAL for database failures.  Every
 * message is one line fit to show the user.
 */
#ifndef TB_APPROVAL_H
#define TB_APPROVAL_H

#include <stddef.h>
#include <sqlite3.h>

#include <cJSON.h>

#include "config.h"
#include "err.h"

enum approval_choice {
	APPROVAL_APPROVE_ALL,
	APPROVAL_REJECT_ALL,
	APPROVAL_SUBSET
};

/* One main pick as tb-approve shows it. */
struct approval_pick {
	long long	 id;		/* daily_picks.id */
	int		 index;		/* daily_picks.pick_index, 1-based */
	char		*ticker;	/* Yahoo-style symbol */
	char		*name;		/* market_data.name, or NULL */
	double		 allocation_pct;
	double		 amount_eur;
	char		*reasoning;	/* the LLM's reason, never NULL */
	int		 has_price;	/* market_data has a price */
	double		 price;		/* last price, in currency */
	char		*currency;	/* market_data.currency, or NULL */
};

/* The main trader's picks of a date, ordered by index. */
struct approval_picks {
	char			*llm_name;
	struct approval_pick	*picks;
	size_t			 npicks;
};

/*
 * A decision.  For APPROVAL_SUBSET, indices holds the approved pick
 * numbers in ascending order (never all of them: a subset naming every
 * pick is approve_all, see approval_check()).  Owned: approval_decision_free.
 */
struct approval_decision {
	enum approval_choice	 choice;
	int			*indices;
	size_t			 nindices;
};

/* A stored approvals row. */
struct approval_record {
	long long		 id;
	char			*llm_name;
	struct approval_decision decision;
	char			*decided_by;	/* cli, flag, timeout, ... */
	char			*decided_at;	/* ISO-8601 UTC */
};

/* What stands in the way of a decision for a date. */
struct approval_state {
	int			 decided;	/* current holds the decision */
	struct approval_record	 current;
	char			*execution;	/* why it started, or NULL */
};

/*
 * Load the picks of llm_name for date (is_main_trader = 1), with name and
 * last price from market_data where present.  *ap is owned by the caller
 * (approval_picks_free); npicks is 0 when there are none.  TB_EDATA when
 * a stored pick has an amount or allocation that is not a finite number
 * >= 0 (tb-decide never writes one).
 */
int	approval_load(sqlite3 *db, const char *date, const char *llm_name,
	    struct approval_picks *ap, tb_err *e);
void	approval_picks_free(struct approval_picks *ap);

/*
 * Why llm_name has no picks for date, for the summary, from its last
 * llm_runs row and the digest: "nothing to approve: claude (main trader)
 * failed: <the error, redacted, cut to 200 bytes>", "... proposed no
 * picks", "... the digest of D has no tickers, ...", or "... no picks
 * from claude (main trader) for D; has tb-decide run?".  *reason is
 * malloc'ed (caller frees).
 */
int	approval_no_picks_reason(sqlite3 *db, const char *date,
	    const char *llm_name, char **reason, tb_err *e);

/*
 * Read the current decision and whether execution started.  *s is owned
 * by the caller (approval_state_free).
 */
int	approval_read_state(sqlite3 *db, const char *date,
	    struct approval_state *s, tb_err *e);
void	approval_state_free(struct approval_state *s);

/*
 * Parse a prompt answer: "a"/"approve", "r"/"reject" (any case), or pick
 * numbers such as "1,3" or "1 3", checked against ap.  TB_EDATA with a
 * message saying what is wrong (garbage, a duplicate, a number out of
 * range) for the user to try again.
 */
int	approval_parse_answer(const char *answer,
	    const struct approval_picks *ap,
	    struct approval_decision *d, tb_err *e);

/*
 * Parse a list of pick numbers ("1,3") into a subset, checking only its
 * form: positive numbers, no duplicates.  TB_EDATA when malformed.
 */
int	approval_parse_indices(const char *text, struct approval_decision *d,
	    tb_err *e);

/*
 * Check a decision against the picks: every number of a subset must be a
 * pick's index (TB_EDATA names the first that is not).  A subset naming
 * every pick becomes approve_all.
 */
int	approval_check(struct approval_decision *d,
	    const struct approval_picks *ap,
	    tb_err *e);

/* The decision approval_timeout_action makes (nothing to free). */
void	approval_policy(enum approval_action action,
	    struct approval_decision *d);

/* Whether the pick numbered index is approved by d. */
int	approval_approves(const struct approval_decision *d, int index);

/* "approve_all", "reject_all", "subset". */
const char *approval_choice_name(enum approval_choice c);

/* "1,3" for a subset (malloc'ed), NULL otherwise or when out of memory. */
char	*approval_indices_text(const struct approval_decision *d);

/* EUR total of the picks d approves; *napproved gets their count. */
double	approval_amount(const struct approval_picks *ap,
	    const struct approval_decision *d, size_t *napproved);

/*
 * Refuse (TB_EDATA) to approve picks whose amounts add up to more than
 * budget_eur: tb-decide scales them to fit, so more means a bug or an
 * edited database, and no real order may exceed the budget.
 */
int	approval_check_budget(const struct approval_picks *ap,
	    const struct approval_decision *d, double budget_eur, tb_err *e);

/* A deep copy of src into *dst (approval_decision_free); TB_EINTERNAL. */
int	approval_decision_copy(struct approval_decision *dst,
	    const struct approval_decision *src, tb_err *e);

void	approval_decision_free(struct approval_decision *d);
void	approval_record_free(struct approval_record *r);

/*
 * Store decision d for date in one transaction: the approvals row (with
 * decided_by and the wall-clock time) and the statuses of ap's picks.
 * Inside the transaction it refuses with TB_EDATA when execution started
 * or when the main picks in the database are no longer those in ap
 * (tb-decide --force ran meanwhile).  When a decision already exists:
 * without force nothing is written, *stored is 0 and *current holds the
 * existing decision; with force the existing row gets superseded_at and
 * the new one is stored.  On success *stored is 1 and *current holds the
 * new row.  *current is owned by the caller (approval_record_free) and is
 * filled only when the return is 0.
 */
int	approval_store(sqlite3 *db, const char *date,
	    const struct approval_picks *ap, const struct approval_decision *d,
	    const char *decided_by, int force, int *stored,
	    struct approval_record *current, tb_err *e);

/*
 * The picks as one JSON object for approval_notify_command's stdin:
 * {"date", "llm_name", "picks": [{"index", "ticker", "name",
 * "allocation_pct", "amount_eur", "reasoning", "price", "currency"}]}
 * (name, price and currency null when unknown).  NULL when out of memory.
 */
cJSON	*approval_picks_json(const struct approval_picks *ap, const char *date);

#endif
