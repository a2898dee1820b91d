/*
 * approval.c - reading the main picks, parsing answers, storing a
 * decision once.  See approval.h.
 */
#include "approval.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "db.h"
#include "log.h"
#include "money.h"
#include "util.h"

/* Longest error excerpt of a failed LLM run quoted in a summary. */
#define REASON_EXCERPT 200

/* The largest pick number an answer may name (far above max_picks). */
#define MAX_INDEX 999999

static const char *const choice_names[] = {
	"approve_all", "reject_all", "subset"
};

const char *
approval_choice_name(enum approval_choice c)
{
	return choice_names[c];
}

static int
oom(tb_err *e)
{
	return tb_errf(e, TB_EINTERNAL, "out of memory");
}

static void
pick_free(struct approval_pick *p)
{
	free(p->ticker);
	free(p->name);
	free(p->reasoning);
	free(p->currency);
}

void
approval_picks_free(struct approval_picks *ap)
{
	size_t i;

	for (i = 0; i < ap->npicks; i++)
		pick_free(&ap->picks[i]);
	free(ap->picks);
	free(ap->llm_name);
	memset(ap, 0, sizeof *ap);
}

static int
pick_from_row(sqlite3_stmt *st, struct approval_pick *p, tb_err *e)
{
	int rc;

	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->index = sqlite3_column_int(st, 1);
	p->allocation_pct = sqlite3_column_double(st, 3);
	p->amount_eur = sqlite3_column_double(st, 4);
	p->has_price = sqlite3_column_type(st, 7) != SQLITE_NULL;
	p->price = sqlite3_column_double(st, 7);
	if ((rc = db_column_dup(st, 2, &p->ticker, e)) != 0 ||
	    (rc = db_column_dup(st, 6, &p->name, e)) != 0 ||
	    (rc = db_column_dup(st, 8, &p->currency, e)) != 0)
		return rc;
	if ((p->reasoning = strdup(db_column_text(st, 5))) == NULL ||
	    p->ticker == NULL)
		return oom(e);
	if (p->name != NULL && p->name[0] == '\0') {
		free(p->name);
		p->name = NULL;
	}
	return 0;
}

/* A pick tb-decide could not have written is refused, not shown. */
static int
pick_sane(const struct approval_pick *p, const struct approval_pick *prev,
    const char *llm_name, const char *date, tb_err *e)
{
	if (p->index < 1)
		return tb_errf(e, TB_EDATA, "daily_picks: %s's pick %s for %s "
		    "has number %d (want 1 or more)", llm_name, p->ticker,
		    date, p->index);
	if (prev != NULL && prev->index == p->index)
		return tb_errf(e, TB_EDATA, "daily_picks: %s has two picks "
		    "numbered %d for %s", llm_name, p->index, date);
	if (!isfinite(p->amount_eur) || p->amount_eur < 0 ||
	    !isfinite(p->allocation_pct) || p->allocation_pct < 0)
		return tb_errf(e, TB_EDATA, "daily_picks: %s's pick %d (%s) "
		    "for %s has an invalid amount or allocation", llm_name,
		    p->index, p->ticker, date);
	return 0;
}

int
approval_load(sqlite3 *db, const char *date, const char *llm_name,
    struct approval_picks *ap, tb_err *e)
{
	struct approval_pick *grown;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc = 0, step;

	memset(ap, 0, sizeof *ap);
	if ((ap->llm_name = strdup(llm_name)) == NULL)
		return oom(e);
	if (db_prepare(db, "SELECT p.id, p.pick_index, p.ticker, "
	    "p.allocation_pct, p.amount_eur, p.reasoning, m.name, m.price, "
	    "m.currency FROM daily_picks p LEFT JOIN market_data m "
	    "ON m.date = p.date AND m.symbol = p.ticker "
	    "WHERE p.date = ? AND p.llm_name = ? AND p.is_main_trader = 1 "
	    "ORDER BY p.pick_index, p.id", &st, e) != 0) {
		approval_picks_free(ap);
		return TB_EINTERNAL;
	}
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, llm_name);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((grown = util_grow(ap->picks, &cap, ap->npicks + 1,
		    sizeof *grown)) == NULL) {
			rc = oom(e);
			break;
		}
		ap->picks = grown;
		rc = pick_from_row(st, &ap->picks[ap->npicks], e);
		ap->npicks++;
		if (rc == 0)
			rc = pick_sane(&ap->picks[ap->npicks - 1],
			    ap->npicks > 1 ? &ap->picks[ap->npicks - 2] : NULL,
			    llm_name, date, e);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_fail(db, "read daily_picks", e);
	sqlite3_finalize(st);
	if (rc != 0)
		approval_picks_free(ap);
	return rc;
}

/* s with every registered secret redacted, cut to REASON_EXCERPT bytes. */
static char *
error_excerpt(const char *s)
{
	size_t n = strlen(s) * 3 + 16, cut;
	char *clean;

	if ((clean = malloc(n)) == NULL)
		return NULL;
	log_redact(s, clean, n);
	if (strlen(clean) > REASON_EXCERPT) {
		cut = REASON_EXCERPT;
		/* Never cut a UTF-8 sequence in half. */
		while (cut > 0 && ((unsigned char)clean[cut] & 0xC0) == 0x80)
			cut--;
		memcpy(clean + cut, "...", 4);
	}
	return clean;
}

/* 1 when the day's digest exists and holds no ticker, else 0 (or error). */
static int
digest_empty(sqlite3 *db, const char *date, int *empty, tb_err *e)
{
	sqlite3_stmt *st;
	int step;

	*empty = 0;
	if (db_prepare(db, "SELECT ticker_count FROM digests WHERE date = ?",
	    &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	if ((step = sqlite3_step(st)) == SQLITE_ROW)
		*empty = sqlite3_column_int64(st, 0) == 0;
	sqlite3_finalize(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? 0 :
	    db_fail(db, "read digests", e);
}

/*
 * The last llm_runs row of llm_name for date: *found, *failed and (for a
 * failure) *excerpt, the error redacted and shortened (caller frees).
 */
static int
last_llm_run(sqlite3 *db, const char *date, const char *llm_name,
    int *found, int *failed, char **excerpt, tb_err *e)
{
	sqlite3_stmt *st;
	int step, rc = 0;

	*found = *failed = 0;
	*excerpt = NULL;
	if (db_prepare(db, "SELECT status, error FROM llm_runs "
	    "WHERE date = ? AND llm_name = ? ORDER BY id DESC LIMIT 1",
	    &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, llm_name);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		*found = 1;
		*failed = strcmp(db_column_text(st, 0), "failed") == 0;
		if (*failed && (*excerpt = error_excerpt(db_column_text(st,
		    1))) == NULL)
			rc = oom(e);
	} else if (step != SQLITE_DONE)
		rc = db_fail(db, "read llm_runs", e);
	sqlite3_finalize(st);
	return rc;
}

int
approval_no_picks_reason(sqlite3 *db, const char *date, const char *llm_name,
    char **reason, tb_err *e)
{
	char *excerpt;
	int rc, found, failed, empty = 0, n;

	*reason = NULL;
	if ((rc = last_llm_run(db, date, llm_name, &found, &failed, &excerpt,
	    e)) != 0 || (!found && (rc = digest_empty(db, date, &empty, e)) !=
	    0))
		return rc;
	if (failed)
		n = asprintf(reason, "nothing to approve: %s (main trader) "
		    "failed%s%s", llm_name, excerpt[0] ? ": " : "", excerpt);
	else if (found)
		n = asprintf(reason, "nothing to approve: %s (main trader) "
		    "proposed no picks", llm_name);
	else if (empty)
		n = asprintf(reason, "nothing to approve: the digest of %s has "
		    "no tickers, no LLM was asked", date);
	else
		n = asprintf(reason, "nothing to approve: no picks from %s "
		    "(main trader) for %s; has tb-decide run?", llm_name, date);
	free(excerpt);
	if (n < 0) {
		*reason = NULL;
		return oom(e);
	}
	return 0;
}

int
approval_decision_copy(struct approval_decision *dst,
    const struct approval_decision *src, tb_err *e)
{
	memset(dst, 0, sizeof *dst);
	dst->choice = src->choice;
	if (src->nindices == 0)
		return 0;
	if ((dst->indices = calloc(src->nindices, sizeof *dst->indices)) ==
	    NULL)
		return oom(e);
	memcpy(dst->indices, src->indices, src->nindices *
	    sizeof *dst->indices);
	dst->nindices = src->nindices;
	return 0;
}

void
approval_decision_free(struct approval_decision *d)
{
	free(d->indices);
	d->indices = NULL;
	d->nindices = 0;
}

void
approval_record_free(struct approval_record *r)
{
	free(r->llm_name);
	free(r->decided_by);
	free(r->decided_at);
	approval_decision_free(&r->decision);
	memset(r, 0, sizeof *r);
}

void
approval_state_free(struct approval_state *s)
{
	approval_record_free(&s->current);
	free(s->execution);
	memset(s, 0, sizeof *s);
}

static int
record_from_row(sqlite3_stmt *st, struct approval_record *r, tb_err *e)
{
	const char *decision = db_column_text(st, 2);
	int rc;

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	if ((rc = db_column_dup(st, 1, &r->llm_name, e)) != 0 ||
	    (rc = db_column_dup(st, 4, &r->decided_by, e)) != 0 ||
	    (rc = db_column_dup(st, 5, &r->decided_at, e)) != 0)
		return rc;
	if (strcmp(decision, "approve_all") == 0)
		r->decision.choice = APPROVAL_APPROVE_ALL;
	else if (strcmp(decision, "reject_all") == 0)
		r->decision.choice = APPROVAL_REJECT_ALL;
	else if ((rc = approval_parse_indices(db_column_text(st, 3),
	    &r->decision, e)) != 0)
		return tb_errf(e, TB_EDATA, "approvals row %lld: %s", r->id,
		    e->msg);
	return 0;
}

static int
read_current(sqlite3 *db, const char *date, struct approval_state *s, tb_err *e)
{
	sqlite3_stmt *st;
	int rc = 0, step;

	if (db_prepare(db, "SELECT id, llm_name, decision, indices, "
	    "decided_by, decided_at FROM approvals "
	    "WHERE date = ? AND superseded_at IS NULL", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		s->decided = 1;
		rc = record_from_row(st, &s->current, e);
	} else if (step != SQLITE_DONE)
		rc = db_fail(db, "read approvals", e);
	sqlite3_finalize(st);
	return rc;
}

/*
 * Execution started: a real trade is recorded for the date (tb-execute
 * writes one only for decided picks), or tb-execute is running for it now.
 * Virtual trades and finished runs that placed nothing (no decision yet,
 * main trader failed) do not count: a decision can still follow them.
 */
static int
read_execution(sqlite3 *db, const char *date, struct approval_state *s,
    tb_err *e)
{
	sqlite3_stmt *st;
	long long n = 0, run = 0;
	char *status = NULL;
	int rc = 0, step;

	if (db_prepare(db, "SELECT "
	    "(SELECT count(*) FROM trades WHERE date = ?1 AND kind = 'real'), "
	    "(SELECT id FROM runs WHERE program = 'tb-execute' AND date = ?1 "
	    "AND status = 'running' ORDER BY id LIMIT 1), "
	    "(SELECT status FROM runs WHERE program = 'tb-execute' AND "
	    "date = ?1 AND status = 'running' ORDER BY id LIMIT 1)", &st,
	    e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 0);
		run = sqlite3_column_int64(st, 1);
		rc = db_column_dup(st, 2, &status, e);
	} else
		rc = db_fail(db, "read trades and runs", e);
	sqlite3_finalize(st);
	if (rc != 0)
		return rc;
	if (n > 0 && asprintf(&s->execution, "%lld real order(s) are recorded for "
	    "%s", n, date) < 0)
		rc = oom(e);
	else if (n == 0 && run != 0 && asprintf(&s->execution, "tb-execute "
	    "ran for %s (run %lld, %s)", date, run, status) < 0)
		rc = oom(e);
	if (rc != 0)
		s->execution = NULL;
	free(status);
	return rc;
}

int
approval_read_state(sqlite3 *db, const char *date, struct approval_state *s,
    tb_err *e)
{
	int rc;

	memset(s, 0, sizeof *s);
	if ((rc = read_current(db, date, s, e)) != 0 ||
	    (rc = read_execution(db, date, s, e)) != 0)
		approval_state_free(s);
	return rc;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int
is_separator(int c)
{
	return c == ',' || c == ' ' || c == '\t';
}

/* A user's token quoted safely (no control bytes) into buf. */
static const char *
quote_token(const char *s, size_t n, char *buf, size_t bufsz)
{
	size_t i, o = 0, shown = n > 32 ? 32 : n;

	for (i = 0; i < shown && o + 1 < bufsz; i++)
		buf[o++] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (shown < n && o + 4 < bufsz) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* One token of digits into *v; TB_EDATA when it is not a pick number. */
static int
parse_number(const char *s, size_t n, int *v, tb_err *e)
{
	char shown[48];
	long x = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return tb_errf(e, TB_EDATA, "\"%s\" is not a pick "
			    "number", quote_token(s, n, shown, sizeof shown));
		if (x <= MAX_INDEX)
			x = x * 10 + (s[i] - '0');
	}
	if (x == 0)
		return tb_errf(e, TB_EDATA, "there is no pick 0: pick numbers "
		    "start at 1");
	if (x > MAX_INDEX)
		return tb_errf(e, TB_EDATA, "\"%s\" is out of range",
		    quote_token(s, n, shown, sizeof shown));
	*v = (int)x;
	return 0;
}

static int
add_index(struct approval_decision *d, size_t *cap, int v, tb_err *e)
{
	size_t i;
	int *n;

	for (i = 0; i < d->nindices; i++)
		if (d->indices[i] == v)
			return tb_errf(e, TB_EDATA, "pick %d is listed twice",
			    v);
	if ((n = util_grow(d->indices, cap, d->nindices + 1, sizeof *n)) ==
	    NULL)
		return oom(e);
	d->indices = n;
	d->indices[d->nindices++] = v;
	return 0;
}

int
approval_parse_indices(const char *text, struct approval_decision *d,
    tb_err *e)
{
	const char *p = text, *start;
	size_t cap = 0;
	int v = 0, rc = 0;

	memset(d, 0, sizeof *d);
	d->choice = APPROVAL_SUBSET;
	while (rc == 0 && *p != '\0') {
		while (is_separator((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		for (start = p; *p != '\0' && !is_separator((unsigned char)*p);)
			p++;
		if ((rc = parse_number(start, (size_t)(p - start), &v, e)) == 0)
			rc = add_index(d, &cap, v, e);
	}
	if (rc == 0 && d->nindices == 0)
		rc = tb_errf(e, TB_EDATA, "no pick numbers given");
	if (rc != 0) {
		approval_decision_free(d);
		return rc;
	}
	qsort(d->indices, d->nindices, sizeof *d->indices, cmp_int);
	return 0;
}

/* "1 to 3" when the picks are numbered 1..n, else "1, 2, 5". */
static void
describe_indices(const struct approval_picks *ap, char *buf, size_t bufsz)
{
	size_t i, o = 0;
	int n;

	if (ap->npicks > 0 && ap->picks[0].index == 1 &&
	    ap->picks[ap->npicks - 1].index == (int)ap->npicks) {
		snprintf(buf, bufsz, "1 to %zu", ap->npicks);
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < ap->npicks && o < bufsz; i++) {
		n = snprintf(buf + o, bufsz - o, "%s%d", i ? ", " : "",
		    ap->picks[i].index);
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

static int
has_index(const struct approval_picks *ap, int index)
{
	size_t i;

	for (i = 0; i < ap->npicks; i++)
		if (ap->picks[i].index == index)
			return 1;
	return 0;
}

int
approval_check(struct approval_decision *d, const struct approval_picks *ap,
    tb_err *e)
{
	char known[256];
	size_t i;

	if (d->choice != APPROVAL_SUBSET)
		return 0;
	for (i = 0; i < d->nindices; i++) {
		if (has_index(ap, d->indices[i]))
			continue;
		describe_indices(ap, known, sizeof known);
		return tb_errf(e, TB_EDATA, "pick %d is out of range: the "
		    "picks are %s", d->indices[i], known);
	}
	/* The numbers are distinct and all known, so this many is all. */
	if (d->nindices == ap->npicks) {
		approval_decision_free(d);
		d->choice = APPROVAL_APPROVE_ALL;
	}
	return 0;
}

/* Whether the trimmed answer s (length n) is word or its first letter. */
static int
answer_is(const char *s, size_t n, const char *word)
{
	return (n == 1 && tolower((unsigned char)s[0]) == word[0]) ||
	    (n == strlen(word) && strncasecmp(s, word, n) == 0);
}

int
approval_parse_answer(const char *answer, const struct approval_picks *ap,
    struct approval_decision *d, tb_err *e)
{
	const char *s = answer;
	size_t n;
	int rc;

	memset(d, 0, sizeof *d);
	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0)
		return tb_errf(e, TB_EDATA, "empty answer");
	if (answer_is(s, n, "approve")) {
		d->choice = APPROVAL_APPROVE_ALL;
		return 0;
	}
	if (answer_is(s, n, "reject")) {
		d->choice = APPROVAL_REJECT_ALL;
		return 0;
	}
	if ((rc = approval_parse_indices(s, d, e)) != 0)
		return rc;
	if ((rc = approval_check(d, ap, e)) != 0)
		approval_decision_free(d);
	return rc;
}

void
approval_policy(enum approval_action action, struct approval_decision *d)
{
	memset(d, 0, sizeof *d);
	d->choice = action == REJECT_ALL ? APPROVAL_REJECT_ALL :
	    APPROVAL_APPROVE_ALL;
}

int
approval_approves(const struct approval_decision *d, int index)
{
	size_t i;

	switch (d->choice) {
	case APPROVAL_APPROVE_ALL:
		return 1;
	case APPROVAL_REJECT_ALL:
		return 0;
	default:
		for (i = 0; i < d->nindices; i++)
			if (d->indices[i] == index)
				return 1;
		return 0;
	}
}

char *
approval_indices_text(const struct approval_decision *d)
{
	char *s, *t;
	size_t i;

	if (d->choice != APPROVAL_SUBSET || d->nindices == 0)
		return NULL;
	if (asprintf(&s, "%d", d->indices[0]) < 0)
		return NULL;
	for (i = 1; i < d->nindices; i++) {
		if (asprintf(&t, "%s,%d", s, d->indices[i]) < 0) {
			free(s);
			return NULL;
		}
		free(s);
		s = t;
	}
	return s;
}

double
approval_amount(const struct approval_picks *ap,
    const struct approval_decision *d, size_t *napproved)
{
	money_cents cents = 0;
	size_t i, n = 0;

	for (i = 0; i < ap->npicks; i++) {
		if (!approval_approves(d, ap->picks[i].index))
			continue;
		if (money_down(ap->picks[i].amount_eur) > 0)
			cents += money_down(ap->picks[i].amount_eur);
		n++;
	}
	if (napproved != NULL)
		*napproved = n;
	return money_major(cents);
}

int
approval_check_budget(const struct approval_picks *ap,
    const struct approval_decision *d, double budget_eur, tb_err *e)
{
	double *amounts;
	money_cents total;
	size_t i, n = 0;
	int fits;

	if ((amounts = calloc(ap->npicks + 1, sizeof *amounts)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "approval: out of memory");
	for (i = 0; i < ap->npicks; i++)
		if (approval_approves(d, ap->picks[i].index))
			amounts[n++] = ap->picks[i].amount_eur;
	fits = money_fits(amounts, n, budget_eur, &total) == 0;
	free(amounts);
	if (!fits)
		return tb_errf(e, TB_EDATA, "the approved picks of %s total "
		    "%.2f EUR, more than daily_budget_eur %.2f: refusing to "
		    "approve them", ap->llm_name, money_major(total),
		    budget_eur);
	return 0;
}

/* Whether the database still holds exactly the picks that were shown. */
static int
same_picks(const struct approval_picks *a, const struct approval_picks *b)
{
	size_t i;

	if (a->npicks != b->npicks)
		return 0;
	for (i = 0; i < a->npicks; i++)
		if (a->picks[i].id != b->picks[i].id ||
		    a->picks[i].index != b->picks[i].index ||
		    strcmp(a->picks[i].ticker, b->picks[i].ticker) != 0 ||
		    a->picks[i].amount_eur != b->picks[i].amount_eur)
			return 0;
	return 1;
}

static int
supersede(sqlite3 *db, long long id, const char *now, tb_err *e)
{
	sqlite3_stmt *st;
	int step;

	if (db_prepare(db, "UPDATE approvals SET superseded_at = ? "
	    "WHERE id = ?", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	step = sqlite3_step(st);
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : db_fail(db, "supersede approval", e);
}

/* insert_approval's answer when approvals_current has a row already. */
#define STORE_RACED (-1)

/*
 * Insert the approvals row.  Returns STORE_RACED when approvals_current
 * already has a row for the date.
 */
static int
insert_approval(sqlite3 *db, const char *date, const char *llm_name,
    const struct approval_decision *d, const char *decided_by,
    const char *now, long long *id, tb_err *e)
{
	sqlite3_stmt *st;
	char *indices = approval_indices_text(d);
	int rc;

	if (d->choice == APPROVAL_SUBSET && indices == NULL)
		return oom(e);
	if (db_prepare(db, "INSERT INTO approvals (date, llm_name, decision, "
	    "indices, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)", &st,
	    e) != 0) {
		free(indices);
		return TB_EINTERNAL;
	}
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, llm_name);
	db_bind_text(st, 3, approval_choice_name(d->choice));
	db_bind_text(st, 4, indices);
	db_bind_text(st, 5, decided_by);
	db_bind_text(st, 6, now);
	free(indices);
	if (sqlite3_step(st) == SQLITE_DONE) {
		*id = sqlite3_last_insert_rowid(db);
		rc = 0;
	} else if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE)
		rc = STORE_RACED;
	else
		rc = db_fail(db, "insert approval", e);
	sqlite3_finalize(st);
	return rc;
}

static int
set_statuses(sqlite3 *db, const struct approval_picks *ap,
    const struct approval_decision *d, tb_err *e)
{
	sqlite3_stmt *st;
	size_t i;
	int step = SQLITE_DONE;

	if (db_prepare(db, "UPDATE daily_picks SET status = ? WHERE id = ?",
	    &st, e) != 0)
		return TB_EINTERNAL;
	for (i = 0; i < ap->npicks && step == SQLITE_DONE; i++) {
		sqlite3_reset(st);
		db_bind_text(st, 1, approval_approves(d, ap->picks[i].index) ?
		    "approved" : "rejected");
		sqlite3_bind_int64(st, 2, ap->picks[i].id);
		step = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : db_fail(db, "update daily_picks", e);
}

/* The new row as a record (copies of what was written). */
static int
fill_record(struct approval_record *r, long long id, const char *llm_name,
    const struct approval_decision *d, const char *decided_by,
    const char *now, tb_err *e)
{
	memset(r, 0, sizeof *r);
	r->id = id;
	if ((r->llm_name = strdup(llm_name)) == NULL ||
	    (r->decided_by = strdup(decided_by)) == NULL ||
	    (r->decided_at = strdup(now)) == NULL ||
	    approval_decision_copy(&r->decision, d, e) != 0) {
		approval_record_free(r);
		return oom(e);
	}
	return 0;
}

/* The checks and writes of approval_store; the caller holds the transaction. */
static int
store_locked(sqlite3 *db, const char *date, const struct approval_picks *ap,
    const struct approval_decision *d, const char *decided_by, int force,
    struct approval_state *s, long long *id, const char *now, tb_err *e)
{
	struct approval_picks fresh;
	int rc, same;

	if ((rc = approval_read_state(db, date, s, e)) != 0)
		return rc;
	if (s->execution != NULL)
		return tb_errf(e, TB_EDATA, "execution started for %s (%s): "
		    "the approval can no longer change, not even with --force",
		    date, s->execution);
	if ((rc = approval_load(db, date, ap->llm_name, &fresh, e)) != 0)
		return rc;
	same = same_picks(ap, &fresh);
	approval_picks_free(&fresh);
	if (!same)
		return tb_errf(e, TB_EDATA, "the picks of %s for %s changed "
		    "while they were shown (tb-decide ran again): run "
		    "tb-approve again", ap->llm_name, date);
	if (s->decided && !force)
		return 0;
	if (s->decided && (rc = supersede(db, s->current.id, now, e)) != 0)
		return rc;
	if ((rc = insert_approval(db, date, ap->llm_name, d, decided_by, now,
	    id, e)) != 0)
		return rc;
	return set_statuses(db, ap, d, e);
}

int
approval_store(sqlite3 *db, const char *date,
    const struct approval_picks *ap, const struct approval_decision *d,
    const char *decided_by, int force, int *stored,
    struct approval_record *current, tb_err *e)
{
	struct approval_state s;
	char now[21];
	long long id = 0;
	int rc;

	*stored = 0;
	memset(current, 0, sizeof *current);
	memset(&s, 0, sizeof s);
	clock_iso_utc(time(NULL), now);
	if ((rc = db_begin(db, e)) != 0)
		return rc;
	rc = store_locked(db, date, ap, d, decided_by, force, &s, &id, now, e);
	if (rc == STORE_RACED) {
		/* Only possible if the transaction did not serialize us. */
		db_rollback(db);
		approval_state_free(&s);
		if ((rc = approval_read_state(db, date, &s, e)) != 0)
			return rc;
		if (!s.decided) {
			approval_state_free(&s);
			return tb_errf(e, TB_EINTERNAL, "database: approvals "
			    "for %s: a decision exists and does not", date);
		}
		*current = s.current;
		memset(&s.current, 0, sizeof s.current);
		approval_state_free(&s);
		return 0;
	}
	if (rc != 0 || id == 0) {
		db_rollback(db);
		if (rc == 0) {
			/* Decided before us, not forced: report that one. */
			*current = s.current;
			memset(&s.current, 0, sizeof s.current);
		}
		approval_state_free(&s);
		return rc;
	}
	approval_state_free(&s);
	if ((rc = db_commit(db, e)) != 0) {
		db_rollback(db);
		return rc;
	}
	*stored = 1;
	return fill_record(current, id, ap->llm_name, d, decided_by, now, e);
}

cJSON *
approval_picks_json(const struct approval_picks *ap, const char *date)
{
	const struct approval_pick *p;
	cJSON *doc, *arr, *o;
	size_t i;
	int ok;

	if ((doc = cJSON_CreateObject()) == NULL)
		return NULL;
	ok = cJSON_AddStringToObject(doc, "date", date) != NULL &&
	    cJSON_AddStringToObject(doc, "llm_name", ap->llm_name) != NULL &&
	    (arr = cJSON_AddArrayToObject(doc, "picks")) != NULL;
	for (i = 0; ok && i < ap->npicks; i++) {
		p = &ap->picks[i];
		ok = (o = cJSON_CreateObject()) != NULL &&
		    cJSON_AddItemToArray(arr, o) &&
		    cJSON_AddNumberToObject(o, "index", p->index) != NULL &&
		    cJSON_AddStringToObject(o, "ticker", p->ticker) != NULL &&
		    (p->name ? cJSON_AddStringToObject(o, "name", p->name) :
		    cJSON_AddNullToObject(o, "name")) != NULL &&
		    cJSON_AddNumberToObject(o, "allocation_pct",
		    p->allocation_pct) != NULL &&
		    cJSON_AddNumberToObject(o, "amount_eur", p->amount_eur) !=
		    NULL &&
		    cJSON_AddStringToObject(o, "reasoning", p->reasoning) !=
		    NULL &&
		    (p->has_price ? cJSON_AddNumberToObject(o, "price",
		    p->price) : cJSON_AddNullToObject(o, "price")) != NULL &&
		    (p->currency ? cJSON_AddStringToObject(o, "currency",
		    p->currency) : cJSON_AddNullToObject(o, "currency")) !=
		    NULL;
	}
	if (!ok) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}
