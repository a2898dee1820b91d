#!/usr/bin/env python3
"""Fill a tb database with a year of trading days, for the tb-status bench.

Usage: gen_year.py DB [LAST_DAY] [DAYS] [INSTRUMENTS]

DB must already hold tb's schema (a tb program created and migrated it).
Writes DAYS (default 260) weekdays ending on LAST_DAY (default 2026-03-30)
of the rows a real day leaves in every table: 6 runs, 3 collection rounds,
about 200 Reddit posts with their rounds and ticker mentions, the digest,
15 market data rows, 2 or 3 LLM runs with raw answers, 3 to 5 picks per
LLM, the approval, real trades with their fills and virtual trades (some
days a virtual sell), the day's closes of every symbol, the benchmark and
the FX pairs (tb-report --refresh's marks); plus the oauth token, an
INSTRUMENTS-row (default 15000) instrument cache, exchanges and the
metadata refresh rows.  Everything is inserted with bound parameters in
one transaction; the output is deterministic.
"""

import datetime
import json
import random
import sqlite3
import sys

SYMBOLS = ["AAPL", "NVDA", "MSFT", "ASML.AS", "AIR.PA", "SHEL.L", "TSLA",
           "SAP.DE", "SPY", "VWCE.DE", "BP.L", "RHM.DE", "AMZN", "GOOGL",
           "META", "AMD", "INTC", "PLTR", "GME", "JPM", "KO", "MC.PA",
           "TTE.PA", "SIE.DE", "ALV.DE", "BMW.DE", "ADYEN.AS", "INGA.AS"]
FX = ["EURUSD=X", "EURGBP=X", "EURCHF=X"]
SUBREDDITS = ["wallstreetbets", "stocks", "investing", "StockMarket",
              "EuropeFIRE"]
POSTS_PER_DAY = 200


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def weekdays(last, n):
    days = []
    d = last
    while len(days) < n:
        if d.weekday() < 5:
            days.append(d)
        d -= datetime.timedelta(days=1)
    return list(reversed(days))


def answer(picks):
    return json.dumps({"picks": [{"ticker": t, "allocation_pct": a,
                                  "reasoning": r} for t, a, r in picks]})


class Year:
    def __init__(self, db, rng):
        self.db = db
        self.rng = rng
        self.post_seq = 1600000000
        self.order_seq = 54000000000
        self.closes = {s: rng.uniform(20, 900) for s in SYMBOLS}
        self.fx = {"EURUSD=X": 1.08, "EURGBP=X": 0.85, "EURCHF=X": 0.95}
        self.bought = []        # (llm, ticker, quantity) of virtual buys

    def day(self, d, main, other):
        rng = self.rng
        ds = d.isoformat()
        t0 = datetime.datetime(d.year, d.month, d.day, 6, 0, 0)
        self.runs(ds, t0)
        top = rng.sample(SYMBOLS, 12)
        self.reddit(ds, t0, top)
        self.digest(ds, t0, top)
        self.market(ds, t0, top)
        picks = {}
        for llm in (main, other):
            picks[llm] = self.llm(ds, t0, llm, top, llm == main)
        self.approval(ds, t0, main, picks[main])
        self.trades(ds, t0, main, other, picks)
        self.sell(ds, t0, other)
        self.marks(ds, t0)

    def marks(self, ds, t0):
        """The day's closes (EUR), then tomorrow's prices: a random walk."""
        at = iso(t0 + datetime.timedelta(hours=16.5))
        for s, c in sorted(self.closes.items()):
            self.db.execute(
                "INSERT INTO marks VALUES (?,?,?,'EUR',?,1,'yahoo',?)",
                (ds, s, c, c, at))
        for s, r in sorted(self.fx.items()):
            self.db.execute(
                "INSERT INTO marks VALUES (?,?,?,?,NULL,NULL,'yahoo',?)",
                (ds, s, r, s[3:6], at))
        for s in self.closes:
            self.closes[s] *= self.rng.uniform(0.98, 1.021)

    def sell(self, ds, t0, llm):
        """Some days the virtual trader sells half of an earlier buy."""
        mine = [b for b in self.bought if b[0] == llm]
        if not mine or self.rng.random() > 0.3:
            return
        b = self.rng.choice(mine)
        self.bought.remove(b)
        q = round(b[2] / 2, 4)
        value = q * self.closes[b[1]]
        at = iso(t0 + datetime.timedelta(hours=9.4))
        self.db.execute(
            "INSERT INTO trades (date, llm_name, ticker, kind, side, "
            "amount_eur, quantity, price, currency, price_eur, status, "
            "created_at, updated_at, value_cents, fees_cents, cash_cents) "
            "VALUES (?,?,?,'virtual','sell',?,?,?,'EUR',?,'booked',?,?,?,0,?)",
            (ds, llm, b[1], value, q, self.closes[b[1]], self.closes[b[1]],
             at, at, int(value * 100), int(value * 100)))

    def runs(self, ds, t0):
        for prog, hour in (("tb-collect", 0), ("tb-collect", 4),
                           ("tb-collect", 8.5), ("tb-decide", 9.2),
                           ("tb-approve", 9.25), ("tb-execute", 9.3)):
            start = t0 + datetime.timedelta(hours=hour)
            end = start + datetime.timedelta(seconds=self.rng.randint(1, 40))
            status = "ok" if self.rng.random() > 0.02 else "failed"
            summary = json.dumps({"program": prog, "date": ds,
                                  "status": status, "exit_code":
                                  0 if status == "ok" else 69})
            self.db.execute(
                "INSERT INTO runs (program, date, started_at, finished_at, "
                "status, exit_code, summary_json) VALUES (?,?,?,?,?,?,?)",
                (prog, ds, iso(start), iso(end), status,
                 0 if status == "ok" else 69, summary))

    def reddit(self, ds, t0, top):
        rng = self.rng
        per_round = POSTS_PER_DAY // 3
        for rnd in (1, 2, 3):
            start = t0 + datetime.timedelta(hours=(0, 4, 8.5)[rnd - 1])
            new = 0
            for _ in range(per_round):
                self.post_seq += 1
                pid = "%x" % self.post_seq
                sub = rng.choice(SUBREDDITS)
                tickers = rng.sample(top, rng.randint(1, 3))
                text = " ".join("%s looks %s." % (t, rng.choice(
                    ("cheap", "expensive", "bullish", "bearish")))
                    for t in tickers) * rng.randint(1, 12)
                self.db.execute(
                    "INSERT INTO reddit_posts (id, subreddit, title, "
                    "selftext, author, score, num_comments, upvote_ratio, "
                    "created_utc, permalink, flair, first_seen_date, "
                    "first_seen_round, last_seen_date, last_seen_round, "
                    "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (pid, sub, "What about %s?" % tickers[0], text,
                     "user%d" % rng.randrange(9999), rng.randrange(3000),
                     rng.randrange(500), round(rng.uniform(0.5, 1), 2),
                     start.replace(tzinfo=datetime.timezone.utc).timestamp()
                     - rng.randrange(14400), "/r/%s/comments/%s/" % (sub, pid),
                     rng.choice(("DD", "Discussion", None)), ds, rnd, ds, rnd,
                     iso(start)))
                self.db.execute("INSERT INTO post_rounds VALUES (?,?,?)",
                                (pid, ds, rnd))
                for t in tickers:
                    self.db.execute(
                        "INSERT INTO ticker_mentions VALUES (?,?,?,?,?,?)",
                        (pid, t, rng.randint(1, 4), rng.randint(0, 1),
                         rng.randint(0, 2), rng.randint(0, 1)))
                new += 1
            self.db.execute(
                "INSERT INTO collection_rounds (date, round, started_at, "
                "finished_at, posts_fetched, posts_new, posts_updated, "
                "errors_json) VALUES (?,?,?,?,?,?,?,?)",
                (ds, rnd, iso(start), iso(start + datetime.timedelta(
                    seconds=3)), new + 40, new, 40, None))

    def digest(self, ds, t0, top):
        doc = {"date": ds, "posts": POSTS_PER_DAY, "tickers": [
            {"symbol": s, "mentions": 60 - 4 * i, "posts": 30 - 2 * i,
             "bullish": 10, "bearish": 3,
             "sample_titles": ["What about %s?" % s] * 3}
            for i, s in enumerate(top)]}
        self.db.execute("INSERT INTO digests VALUES (?,?,?,?,?)",
                        (ds, iso(t0 + datetime.timedelta(hours=9.2)),
                         len(top), POSTS_PER_DAY, json.dumps(doc)))

    def market(self, ds, t0, top):
        rng = self.rng
        for s in top + FX:
            p = rng.uniform(5, 900)
            self.db.execute(
                "INSERT INTO market_data (date, symbol, status, name, "
                "currency, price, price_eur, eur_rate, previous_close, "
                "change_1d_pct, change_5d_pct, change_1m_pct, high_52w, "
                "low_52w, avg_volume, sma20, sma50, ema12, ema26, macd, "
                "macd_signal, macd_hist, rsi14, fetched_at) VALUES "
                "(?,?,'ok',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (ds, s, s + " Inc", "USD", p, p / 1.08, 1.08, p * 0.99,
                 1.0, 2.0, -3.0, p * 1.3, p * 0.7, 1e6, p, p, p, p, 0.1,
                 0.05, 0.05, rng.uniform(20, 80),
                 iso(t0 + datetime.timedelta(hours=9.2))))

    def llm(self, ds, t0, llm, top, main):
        rng = self.rng
        n = rng.randint(3, 5)
        chosen = rng.sample(top, n)
        alloc = [round(100 / n, 2)] * n
        picks = [(t, a, "Momentum and Reddit interest in %s; " % t * 8)
                 for t, a in zip(chosen, alloc)]
        attempts = 2 if rng.random() < 0.05 else 1
        run_id = None
        for attempt in range(1, attempts + 1):
            cur = self.db.execute(
                "INSERT INTO llm_runs (date, llm_name, provider, model, "
                "attempt, status, http_status, latency_ms, input_tokens, "
                "output_tokens, error, raw_answer, notes_json, started_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (ds, llm, "anthropic" if llm == "claude" else "minimax",
                 "claude-sonnet-4-5" if llm == "claude" else "MiniMax-M2",
                 attempt, "ok", 200, rng.randint(4000, 40000), 2400, 400,
                 None, answer(picks), "[]",
                 iso(t0 + datetime.timedelta(hours=9.2))))
            run_id = cur.lastrowid
        ids = []
        for i, (t, a, r) in enumerate(picks, 1):
            cur = self.db.execute(
                "INSERT INTO daily_picks (date, llm_name, ticker, "
                "allocation_pct, amount_eur, reasoning, is_main_trader, "
                "status, pick_index, llm_run_id, created_at) VALUES "
                "(?,?,?,?,?,?,?,?,?,?,?)",
                (ds, llm, t, a, a, r, 1 if main else 0,
                 "approved" if main else "proposed", i, run_id,
                 iso(t0 + datetime.timedelta(hours=9.21))))
            ids.append((cur.lastrowid, t, a))
        return ids

    def approval(self, ds, t0, main, picks):
        self.db.execute(
            "INSERT INTO approvals (date, llm_name, decision, indices, "
            "decided_by, decided_at) VALUES (?,?,?,?,?,?)",
            (ds, main, "approve_all", None,
             self.rng.choice(("cli", "timeout", "await")),
             iso(t0 + datetime.timedelta(hours=9.25))))

    def trades(self, ds, t0, main, other, picks):
        rng = self.rng
        at = iso(t0 + datetime.timedelta(hours=9.3))
        for llm, kind in ((main, "real"), (other, "virtual")):
            for pick_id, t, amount in picks[llm]:
                price = self.closes[t]
                q = int(amount / price * 1e4) / 1e4
                if q <= 0:
                    continue
                value = int(q * price * 100 + 0.999999)
                fees = int(value * 0.0015 + 0.999999)
                if kind == "real":
                    self.order_seq += 1
                    status = rng.choice(("filled",) * 8 + ("rejected",
                                                            "unknown"))
                    oid = str(self.order_seq)
                    broker = t.split(".")[0] + "_EQ"
                else:
                    status, oid, broker = "booked", None, None
                    self.bought.append((llm, t, q))
                filled = status == "filled"
                self.db.execute(
                    "INSERT INTO trades (date, llm_name, ticker, "
                    "broker_ticker, kind, side, amount_eur, quantity, price, "
                    "currency, price_eur, status, broker_order_id, error, "
                    "created_at, sent_at, updated_at, pick_id, value_cents, "
                    "fill_price, fill_quantity, fill_value, fill_currency, "
                    "fill_fx_rate, fill_fees, filled_at, fill_final, "
                    "fees_cents, cash_cents) VALUES "
                    "(?,?,?,?,?,'buy',?,?,?,'EUR',?,?,?,?,?,?,?,?,?,?,?,?,?,"
                    "?,?,?,?,?,?)",
                    (ds, llm, t, broker, kind, value / 100, q, price, price,
                     status, oid, None, at, at, at, pick_id, value,
                     price if filled else None, q if filled else None,
                     value / 100 if filled else None,
                     "EUR" if filled else None, 1.0 if filled else None,
                     fees / 100 if filled else None, at if filled else None,
                     1 if filled else 0,
                     fees if filled or kind == "virtual" else None,
                     value + fees if filled or kind == "virtual" else None))

    def metadata(self, last, instruments):
        rng = self.rng
        rows = []
        for i in range(instruments):
            rows.append(("ZQ%05d_US_EQ" % i, "ZQ%05d" % i, "STOCK",
                         rng.choice(("USD", "EUR", "GBX")),
                         "US%010d" % i, "ZQ%05d" % i,
                         "Synthetic %d Inc" % i, rng.randrange(80),
                         1e6, "2020-01-01T00:00:00.000+00:00"))
        self.db.executemany("INSERT INTO instruments VALUES "
                            "(?,?,?,?,?,?,?,?,?,?)", rows)
        for i in range(20):
            self.db.execute("INSERT INTO exchanges VALUES (?,?,?)",
                            (i, "Exchange %d" % i, json.dumps(
                                {"id": i, "name": "Exchange %d" % i,
                                 "workingSchedules": []})))
        fetched = int(datetime.datetime(last.year, last.month, last.day, 6,
                                        tzinfo=datetime.timezone.utc)
                      .timestamp())
        self.db.execute("INSERT INTO metadata_refresh VALUES (?,?,?)",
                        ("instruments", fetched, instruments))
        self.db.execute("INSERT INTO metadata_refresh VALUES (?,?,?)",
                        ("exchanges", fetched, 20))
        self.db.execute("INSERT INTO oauth_tokens VALUES (?,?,?)",
                        ("reddit", "bench-token-not-a-secret",
                         fetched + 86400))


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen_year.py DB [LAST_DAY] [DAYS] [INSTRUMENTS]")
    last = datetime.date.fromisoformat(
        sys.argv[2] if len(sys.argv) > 2 else "2026-03-30")
    days = int(sys.argv[3]) if len(sys.argv) > 3 else 260
    instruments = int(sys.argv[4]) if len(sys.argv) > 4 else 15000
    db = sqlite3.connect(sys.argv[1])
    year = Year(db, random.Random(365))
    with db:
        for d in weekdays(last, days):
            # Rotation: Mon/Wed/Fri claude, Tue/Thu minimax.
            if d.weekday() in (0, 2, 4):
                year.day(d, "claude", "minimax")
            else:
                year.day(d, "minimax", "claude")
        year.metadata(last, instruments)
    db.close()


if __name__ == "__main__":
    main()
