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

static int	earlier_virtual(sqlite3 *db, const char *date,
		    const char *llm_name, const char *ticker, long long *id,
		    char status[16], tb_err *e);
static int	write_virtual(sqlite3 *db, const char *date,
		    const char *llm_name, const char *ticker, double planned,
		    long long pick_id, const struct market_quote *now,
		    int replace, struct virtual_result *res, tb_err *e);

double
trades_virtual_quantity(double amount_eur, double price_eur)
{
	if (!isfinite(amount_eur) || amount_eur <= 0 || !isfinite(price_eur) ||
	    price_eur <= 0)
		return 0;
	return orders_truncate(amount_eur / price_eur, ORDERS_DECIMALS);
}

/*
 * Size the pick at quote `now` as a real order would be (orders.h):
 * res gets price, currency, price_eur, quantity and amount_eur; or the
 * reason in res->reason when it cannot be booked.
 */
static void
size_virtual(const struct market_quote *now, double amount_eur,
    struct virtual_result *res)
{
	struct orders_quote q;
	money_cents pick = money_down(amount_eur), value;
	char why[300];

	if (now == NULL || !now->ok) {
		snprintf(res->reason, sizeof res->reason, "%s%s", now != NULL &&
		    now->implausible ? "" : "no market price: ", now == NULL ?
		    "the quote could not be fetched" : now->error != NULL ?
		    now->error : "unavailable");
		return;
	}
	if (orders_make_quote(now->price, now->currency, NAN, now->eur_rate,
	    now->price_eur, &q, why, sizeof why) != 0) {
		snprintf(res->reason, sizeof res->reason, "%s", why);
		return;
	}
	res->price = q.price;
	memcpy(res->currency, q.currency, sizeof res->currency);
	res->price_eur = q.price_eur;
	res->quantity = orders_size(pick, &q, ORDERS_DECIMALS);
	value = orders_value(res->quantity, &q);
	if (res->quantity <= 0 || value < 0) {
		snprintf(res->reason, sizeof res->reason, "%.2f EUR at %.4f EUR "
		    "a share truncates to 0 shares", amount_eur, q.price_eur);
		return;
	}
	res->amount_eur = res->quantity * q.price_eur;
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
trades_virtual_earlier(sqlite3 *db, const char *date, const char *llm_name,
    const char *ticker, int force, struct virtual_result *res, tb_err *e)
{
	char earlier[16];
	long long old;
	int rc;

	memset(res, 0, sizeof *res);
	res->price = res->price_eur = res->decision_price = NAN;
	if ((rc = earlier_virtual(db, date, llm_name, ticker, &old, earlier,
	    e)) != 0)
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
trades_book_virtual(sqlite3 *db, const char *date, const char *llm_name,
    const char *ticker, double amount_eur, long long pick_id,
    const struct market_quote *now, int force, int dry_run,
    struct virtual_result *res, tb_err *e)
{
	int rc;

	if ((rc = trades_virtual_earlier(db, date, llm_name, ticker, force,
	    res, e)) != 0 || res->status != NULL)
		return rc;
	res->decision_price = orders_decision_price(db, date, ticker);
	size_virtual(now, amount_eur, res);
	if (res->reason[0] != '\0') {
		res->status = "skipped";
		res->quantity = 0;
		res->amount_eur = 0;
		log_warn("virtual %s %s: skipped: %s", llm_name, ticker,
		    res->reason);
	} else
		res->status = dry_run ? "would_book" : "booked";
	if (dry_run)
		return 0;
	/* With force, the pick's earlier rows give way to this one. */
	return write_virtual(db, date, llm_name, ticker, amount_eur, pick_id,
	    now, force, res, e);
}

static int
delete_virtual(sqlite3 *db, const char *date, const char *llm_name,
    const char *ticker, tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, "DELETE FROM trades WHERE kind = 'virtual' AND "
	    "llm_name = ? AND date = ? AND ticker = ?", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, llm_name);
	db_bind_text(st, 2, date);
	db_bind_text(st, 3, ticker);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "replace a virtual trade",
	    e);
}

static void
bind_real(sqlite3_stmt *st, int i, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static const char insert_sql[] =
	"INSERT INTO trades (date, llm_name, ticker, kind, side, amount_eur, "
	"quantity, price, currency, price_eur, status, error, created_at, "
	"updated_at, pick_id, value_cents, decision_price, price_source, "
	"quoted_at) VALUES (?1, ?2, ?3, 'virtual', 'buy', ?4, ?5, ?6, ?7, "
	"?8, ?9, ?10, ?11, ?11, ?12, ?13, ?14, ?15, ?16)";

static int
insert_virtual(sqlite3 *db, const char *date, const char *llm_name,
    const char *ticker, double planned, long long pick_id,
    const struct market_quote *now, struct virtual_result *res, tb_err *e)
{
	sqlite3_stmt *st;
	char now_iso[21], quoted[21];
	int rc, booked = strcmp(res->status, "booked") == 0;

	if (db_prepare(db, insert_sql, &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, llm_name);
	db_bind_text(st, 3, ticker);
	sqlite3_bind_double(st, 4, booked ? res->amount_eur : planned);
	sqlite3_bind_double(st, 5, res->quantity);
	bind_real(st, 6, res->price);
	db_bind_text(st, 7, res->currency[0] ? res->currency : NULL);
	bind_real(st, 8, res->price_eur);
	db_bind_text(st, 9, res->status);
	db_bind_text(st, 10, booked ? NULL : res->reason);
	db_bind_text(st, 11, clock_iso_utc(time(NULL), now_iso));
	if (pick_id > 0)
		sqlite3_bind_int64(st, 12, pick_id);
	if (booked)
		sqlite3_bind_int64(st, 13, money_up(res->amount_eur));
	bind_real(st, 14, res->decision_price);
	if (isfinite(res->price)) {
		db_bind_text(st, 15, now->source);
		db_bind_text(st, 16, clock_iso_utc(now->fetched_at != 0 ?
		    now->fetched_at : time(NULL), quoted));
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "book a virtual trade", e);
	res->trade_id = sqlite3_last_insert_rowid(db);
	return 0;
}

/* Insert the row (replacing the pick's earlier virtual rows) atomically. */
static int
write_virtual(sqlite3 *db, const char *date, const char *llm_name,
    const char *ticker, double planned, long long pick_id,
    const struct market_quote *now, int replace, struct virtual_result *res,
    tb_err *e)
{
	int rc;

	if ((rc = db_begin(db, e)) != 0)
		return rc;
	if ((replace && delete_virtual(db, date, llm_name, ticker, e) != 0) ||
	    insert_virtual(db, date, llm_name, ticker, planned, pick_id, now,
	    res, e) != 0) {
		db_rollback(db);
		return TB_EINTERNAL;
	}
	return db_commit(db, e);
}
