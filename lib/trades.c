/*
 * trades.c - virtual trades.  See trades.h.
 */
#include "trades.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "log.h"
#include "orders.h"

static int	write_virtual(sqlite3 *db, const struct virtual_book *b,
		    struct virtual_result *res, tb_err *e);

double
trades_virtual_quantity(double amount_eur, double price_eur)
{
	if (!isfinite(amount_eur) || amount_eur <= 0 || !isfinite(price_eur) ||
	    price_eur <= 0)
		return 0;
	return orders_truncate(amount_eur / price_eur, ORDERS_DECIMALS);
}

money_cents
trades_virtual_fee(double value_eur, const char *quoted, const char *account,
    double fee_pct)
{
	char norm[4], major[4], anorm[4], amajor[4];
	double minor;

	if (!isfinite(value_eur) || value_eur < 0 || !isfinite(fee_pct) ||
	    fee_pct < 0 || price_currency(quoted, norm, major, &minor) != 0 ||
	    price_currency(account, anorm, amajor, &minor) != 0)
		return MONEY_INVALID;
	if (strcmp(major, amajor) == 0)
		return 0;
	return money_up(value_eur * fee_pct / 100);
}

int
trades_account_currency(sqlite3 *db, char cur[4], tb_err *e)
{
	sqlite3_stmt *st;
	const char *s;
	int rc;

	snprintf(cur, 4, "EUR");
	if (db_prepare(db, "SELECT coalesce((SELECT fill_currency FROM trades "
	    "WHERE kind = 'real' AND fill_currency IS NOT NULL ORDER BY id "
	    "DESC LIMIT 1), (SELECT json_extract(summary_json, "
	    "'$.account.currency') FROM runs WHERE program = 'tb-execute' AND "
	    "json_valid(summary_json) AND json_type(summary_json, "
	    "'$.account.currency') = 'text' ORDER BY id DESC LIMIT 1))", &st,
	    e) != 0)
		return TB_EINTERNAL;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    strlen(s = db_column_text(st, 0)) == 3)
		snprintf(cur, 4, "%s", s);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, "read the account currency",
	    e);
}

/* Why there is no usable quote, into res->reason. */
static void
no_quote(const struct market_quote *now, struct virtual_result *res)
{
	snprintf(res->reason, sizeof res->reason, "%s%s", now != NULL &&
	    now->implausible ? "" : "no market price: ", now == NULL ?
	    "the quote could not be fetched" : now->error != NULL ?
	    now->error : "unavailable");
}

/*
 * Size the trade at quote b->now as a real order would be (orders.h; a
 * sell: the shares asked) and price its fee: res gets price, currency,
 * price_eur, quantity, amount_eur, fees and cash; or the reason in
 * res->reason when it cannot be booked.
 */
static void
size_virtual(const struct virtual_book *b, struct virtual_result *res)
{
	struct price_quote q;
	money_cents value;
	char why[300];

	if (b->now == NULL || !b->now->ok) {
		no_quote(b->now, res);
		return;
	}
	if (price_quote_make(b->now->price, b->now->currency, NAN,
	    b->now->eur_rate, b->now->price_eur, &q, why, sizeof why) != 0) {
		snprintf(res->reason, sizeof res->reason, "%s", why);
		return;
	}
	res->price = q.price;
	memcpy(res->currency, q.currency, sizeof res->currency);
	res->price_eur = q.price_eur;
	res->quantity = b->sell ? orders_truncate(b->quantity,
	    ORDERS_DECIMALS) : orders_size(money_down(b->amount_eur), &q,
	    ORDERS_DECIMALS);
	value = orders_value(res->quantity, &q);
	if (res->quantity <= 0 || value < 0) {
		snprintf(res->reason, sizeof res->reason, b->sell ? "%.6g "
		    "shares truncate to 0 at 4 decimals" : "%.2f EUR at %.4f "
		    "EUR a share truncates to 0 shares", b->sell ? b->quantity :
		    b->amount_eur, q.price_eur);
		return;
	}
	res->amount_eur = res->quantity * q.price_eur;
	res->fees = trades_virtual_fee(res->amount_eur, b->now->currency,
	    b->account_currency, b->fx_fee_pct);
	if (res->fees < 0) {
		snprintf(res->reason, sizeof res->reason, "no fee for %s in an "
		    "account in \"%s\"", b->now->currency, b->account_currency);
		return;
	}
	/* What was paid is rounded up, what is received down (money.h). */
	res->cash = b->sell ? money_down(res->amount_eur) - res->fees :
	    value + res->fees;
}

static int
earlier_virtual(sqlite3 *db, const char *date, const char *llm_name,
    const char *ticker, int sell, long long *id, char status[16], tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	status[0] = '\0';
	if (db_prepare(db, "SELECT id, status FROM trades WHERE kind = "
	    "'virtual' AND llm_name = ? AND date = ? AND ticker = ? AND "
	    "side = ? ORDER BY id DESC LIMIT 1", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, llm_name);
	db_bind_text(st, 2, date);
	db_bind_text(st, 3, ticker);
	db_bind_text(st, 4, sell ? "sell" : "buy");
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		snprintf(status, 16, "%s", db_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "read earlier virtual trades", e);
	return 0;
}

int
trades_virtual_earlier(sqlite3 *db, const char *date, const char *llm_name,
    const char *ticker, int sell, int force, struct virtual_result *res,
    tb_err *e)
{
	char earlier[16];
	long long old;
	int rc;

	memset(res, 0, sizeof *res);
	res->price = res->price_eur = res->decision_price = NAN;
	res->cash = MONEY_INVALID;
	if ((rc = earlier_virtual(db, date, llm_name, ticker, sell, &old,
	    earlier, e)) != 0)
		return rc;
	if (old != 0 && !force) {
		res->status = "not_repeated";
		res->trade_id = old;
		snprintf(res->reason, sizeof res->reason, "trade %lld is %s; "
		    "--force books it again", old, earlier);
	}
	return 0;
}

int
trades_book_virtual(sqlite3 *db, const struct virtual_book *b,
    struct virtual_result *res, tb_err *e)
{
	int rc;

	if ((rc = trades_virtual_earlier(db, b->date, b->llm_name, b->ticker,
	    b->sell, b->force, res, e)) != 0 || res->status != NULL)
		return rc;
	res->decision_price = orders_decision_price(db, b->date, b->ticker);
	size_virtual(b, res);
	if (res->reason[0] != '\0') {
		res->status = "skipped";
		res->quantity = 0;
		res->amount_eur = 0;
		res->fees = 0;
		res->cash = MONEY_INVALID;
		log_warn("virtual %s %s %s: skipped: %s", b->sell ? "sell" :
		    "buy", b->llm_name, b->ticker, res->reason);
	} else
		res->status = b->dry_run ? "would_book" : "booked";
	if (b->dry_run)
		return 0;
	/* With force, the trade's earlier rows give way to this one. */
	return write_virtual(db, b, res, e);
}

static int
delete_virtual(sqlite3 *db, const struct virtual_book *b, tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, "DELETE FROM trades WHERE kind = 'virtual' AND "
	    "llm_name = ? AND date = ? AND ticker = ? AND side = ?", &st,
	    e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, b->llm_name);
	db_bind_text(st, 2, b->date);
	db_bind_text(st, 3, b->ticker);
	db_bind_text(st, 4, b->sell ? "sell" : "buy");
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "replace a virtual trade",
	    e);
}

static const char insert_sql[] =
	"INSERT INTO trades (date, llm_name, ticker, kind, side, amount_eur, "
	"quantity, price, currency, price_eur, status, error, created_at, "
	"updated_at, pick_id, value_cents, decision_price, price_source, "
	"quoted_at, fees_cents, cash_cents) VALUES (?1, ?2, ?3, 'virtual', "
	"?17, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13, ?14, ?15, ?16, "
	"?18, ?19)";

/* The row's value in cents: a buy's cost rounded up, a sell's down. */
static money_cents
row_value(const struct virtual_book *b, const struct virtual_result *res)
{
	return b->sell ? money_down(res->amount_eur) :
	    money_up(res->amount_eur);
}

static int
insert_virtual(sqlite3 *db, const struct virtual_book *b,
    struct virtual_result *res, tb_err *e)
{
	sqlite3_stmt *st;
	char now_iso[21], quoted[21];
	int rc, booked = strcmp(res->status, "booked") == 0;

	if (db_prepare(db, insert_sql, &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, b->date);
	db_bind_text(st, 2, b->llm_name);
	db_bind_text(st, 3, b->ticker);
	db_bind_real(st, 4, booked ? res->amount_eur : b->sell ? NAN :
	    b->amount_eur);
	sqlite3_bind_double(st, 5, res->quantity);
	db_bind_real(st, 6, res->price);
	db_bind_text(st, 7, res->currency[0] ? res->currency : NULL);
	db_bind_real(st, 8, res->price_eur);
	db_bind_text(st, 9, res->status);
	db_bind_text(st, 10, booked ? NULL : res->reason);
	db_bind_text(st, 11, clock_iso_utc(time(NULL), now_iso));
	if (b->pick_id > 0)
		sqlite3_bind_int64(st, 12, b->pick_id);
	if (booked) {
		sqlite3_bind_int64(st, 13, row_value(b, res));
		sqlite3_bind_int64(st, 18, res->fees);
		sqlite3_bind_int64(st, 19, res->cash);
	}
	db_bind_real(st, 14, res->decision_price);
	if (isfinite(res->price)) {
		db_bind_text(st, 15, b->now->source);
		db_bind_text(st, 16, clock_iso_utc(b->now->fetched_at != 0 ?
		    b->now->fetched_at : time(NULL), quoted));
	}
	db_bind_text(st, 17, b->sell ? "sell" : "buy");
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "book a virtual trade", e);
	res->trade_id = sqlite3_last_insert_rowid(db);
	return 0;
}

/* Insert the row (replacing the trade's earlier rows) atomically. */
static int
write_virtual(sqlite3 *db, const struct virtual_book *b,
    struct virtual_result *res, tb_err *e)
{
	int rc;

	if ((rc = db_begin(db, e)) != 0)
		return rc;
	if ((b->force && delete_virtual(db, b, e) != 0) ||
	    insert_virtual(db, b, res, e) != 0) {
		db_rollback(db);
		return TB_EINTERNAL;
	}
	return db_commit(db, e);
}
