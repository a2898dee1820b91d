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

static int	price_of(sqlite3 *db, const char *date, const char *ticker,
		    struct virtual_result *res, tb_err *e);
static int	earlier_virtual(sqlite3 *db, const char *date,
		    const char *llm_name, const char *ticker, long long *id,
		    char status[16], tb_err *e);
static int	write_virtual(sqlite3 *db, const char *date,
		    const char *llm_name, const char *ticker, double planned,
		    long long pick_id, int replace, struct virtual_result *res,
		    tb_err *e);

double
trades_virtual_quantity(double amount_eur, double price_eur)
{
	if (!isfinite(amount_eur) || amount_eur <= 0 || !isfinite(price_eur) ||
	    price_eur <= 0)
		return 0;
	return orders_truncate(amount_eur / price_eur, ORDERS_DECIMALS);
}

/*
 * The day's price of ticker into res (price, currency, price_eur):
 * market_data.price_eur when stored, else the price converted with the
 * day's FX row.  0, or TB_EDATA with the reason in res->reason.
 */
static int
price_of(sqlite3 *db, const char *date, const char *ticker,
    struct virtual_result *res, tb_err *e)
{
	struct orders_quote q;
	sqlite3_stmt *st;
	char why[200];
	double stored_eur = NAN;
	int rc;

	if ((rc = orders_load_quote(db, date, ticker, &q, why, sizeof why,
	    e)) == TB_EINTERNAL)
		return rc;
	if (rc != 0) {
		snprintf(res->reason, sizeof res->reason, "%s", why);
		return TB_EDATA;
	}
	if (db_prepare(db, "SELECT price_eur FROM market_data WHERE date = ? "
	    "AND symbol = ?", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, ticker);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		stored_eur = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	res->price = q.price;
	memcpy(res->currency, q.currency, sizeof res->currency);
	res->price_eur = isfinite(stored_eur) && stored_eur > 0 ? stored_eur :
	    q.price_eur;
	return 0;
}

static int
earlier_virtual(sqlite3 *db, const char *date, const char *llm_name,
    const char *ticker, long long *id, char status[16], tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	status[0] = '\0';
	if (db_prepare(db, "SELECT id, status FROM trades WHERE kind = "
	    "'virtual' AND llm_name = ? AND date = ? AND ticker = ? "
	    "ORDER BY id DESC LIMIT 1", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, llm_name);
	db_bind_text(st, 2, date);
	db_bind_text(st, 3, ticker);
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
trades_book_virtual(sqlite3 *db, const char *date, const char *llm_name,
    const char *ticker, double amount_eur, long long pick_id, int force,
    int dry_run, struct virtual_result *res, tb_err *e)
{
	char earlier[16];
	long long old;
	int rc;

	memset(res, 0, sizeof *res);
	res->price = res->price_eur = NAN;
	if ((rc = earlier_virtual(db, date, llm_name, ticker, &old, earlier,
	    e)) != 0)
		return rc;
	if (old != 0 && !force) {
		res->status = "not_repeated";
		res->trade_id = old;
		snprintf(res->reason, sizeof res->reason, "trade %lld is %s; "
		    "--force books it again", old, earlier);
		return 0;
	}
	if ((rc = price_of(db, date, ticker, res, e)) == TB_EINTERNAL)
		return rc;
	if (rc == 0) {
		res->quantity = trades_virtual_quantity(amount_eur,
		    res->price_eur);
		if (res->quantity <= 0)
			snprintf(res->reason, sizeof res->reason, "%.2f EUR "
			    "at %.4f EUR a share truncates to 0 shares",
			    amount_eur, res->price_eur);
	}
	if (res->reason[0] != '\0') {
		res->status = "skipped";
		res->quantity = 0;
		log_warn("virtual %s %s: skipped: %s", llm_name, ticker,
		    res->reason);
	} else {
		res->status = dry_run ? "would_book" : "booked";
		res->amount_eur = res->quantity * res->price_eur;
	}
	if (dry_run)
		return 0;
	return write_virtual(db, date, llm_name, ticker, amount_eur, pick_id,
	    old != 0, res, e);
}

/* Insert the row (replacing the pick's earlier virtual rows) atomically. */
static int
write_virtual(sqlite3 *db, const char *date, const char *llm_name,
    const char *ticker, double planned, long long pick_id, int replace,
    struct virtual_result *res, tb_err *e)
{
	sqlite3_stmt *st;
	char now[21];
	int rc, booked = strcmp(res->status, "booked") == 0;

	if ((rc = db_begin(db, e)) != 0)
		return rc;
	if (replace) {
		if (db_prepare(db, "DELETE FROM trades WHERE kind = 'virtual' "
		    "AND llm_name = ? AND date = ? AND ticker = ?", &st, e) !=
		    0)
			goto fail;
		db_bind_text(st, 1, llm_name);
		db_bind_text(st, 2, date);
		db_bind_text(st, 3, ticker);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			db_fail(db, "replace a virtual trade", e);
			goto fail;
		}
	}
	if (db_prepare(db, "INSERT INTO trades (date, llm_name, ticker, kind, "
	    "side, amount_eur, quantity, price, currency, price_eur, status, "
	    "error, created_at, updated_at, pick_id) VALUES (?, ?, ?, "
	    "'virtual', 'buy', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, e) != 0)
		goto fail;
	clock_iso_utc(time(NULL), now);
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, llm_name);
	db_bind_text(st, 3, ticker);
	sqlite3_bind_double(st, 4, booked ? res->amount_eur : planned);
	sqlite3_bind_double(st, 5, res->quantity);
	if (isfinite(res->price))
		sqlite3_bind_double(st, 6, res->price);
	else
		sqlite3_bind_null(st, 6);
	db_bind_text(st, 7, res->currency[0] ? res->currency : NULL);
	if (isfinite(res->price_eur))
		sqlite3_bind_double(st, 8, res->price_eur);
	else
		sqlite3_bind_null(st, 8);
	db_bind_text(st, 9, res->status);
	db_bind_text(st, 10, booked ? NULL : res->reason);
	db_bind_text(st, 11, now);
	db_bind_text(st, 12, now);
	if (pick_id > 0)
		sqlite3_bind_int64(st, 13, pick_id);
	else
		sqlite3_bind_null(st, 13);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_fail(db, "book a virtual trade", e);
		goto fail;
	}
	res->trade_id = sqlite3_last_insert_rowid(db);
	return db_commit(db, e);
fail:
	db_rollback(db);
	return TB_EINTERNAL;
}
