#!/usr/bin/env python3
"""score_expect.py - the scoreboard worked out independently of tb.

    score_expect.py expect INPUT.json      print the expected document
    score_expect.py compare EXPECTED GOT   compare two documents

INPUT is what a test knows without asking tb:

    {"from": D, "to": D, "holidays": [D...], "benchmark": SYMBOL,
     "llms": ["claude", "minimax"], "fee_pct": 0.15, "account": "EUR",
     "prices": {DAY: {SYMBOL: price as quoted, "EURUSD=X": rate, ...}},
     "currencies": {SYMBOL: "EUR" | "USD" | "GBp"},
     "closes": [DAY, ...]            days a close was stored (refreshes),
     "virtual": [{"date", "llm", "ticker", "side", "amount" | "quantity"}],
     "real": [{"date", "llm", "ticker", "side", "quantity", "net", "taxes"}]}

real trades are the broker's fills (quantity, walletImpact.netValue, the
taxes' sum) attributed to an LLM and a day; virtual trades are the plan
(a buy's pick amount, a sell's shares), sized and charged here the way a
real order is: the largest quantity at 4 decimals whose value rounded up
to the cent fits the amount, the FX fee rounded up to the cent when the
currency is not the account's.  Every figure follows the definitions of
lib/scoreboard.h, written again here from the text, not from the C.

compare exits 1 and prints every difference: numbers may differ by at
most 0.01 (rounding to cents at the edges), everything else must match.
"""

import datetime
import json
import math
import sys

NOISE = 1e-6


def cents_up(eur):
    return math.ceil(eur * 100 - NOISE) / 100


def cents_down(eur):
    return math.floor(eur * 100 + NOISE) / 100


def trunc4(q):
    return math.floor(q * 1e4 + 1e-6) / 1e4


def major(currency):
    return {"GBp": "GBP", "GBX": "GBP"}.get(currency, currency.upper())


def per_eur(inp, day, symbol):
    """Units of symbol's quoted currency per EUR on day."""
    cur = inp["currencies"][symbol]
    if major(cur) == "EUR":
        return 1.0
    rate = inp["prices"][day]["EUR%s=X" % major(cur)]
    return rate * (100 if cur in ("GBp", "GBX") else 1)


def price_eur(inp, day, symbol):
    return inp["prices"][day][symbol] / per_eur(inp, day, symbol)


def is_trading(inp, d):
    return d.weekday() < 5 and d.isoformat() not in inp["holidays"]


def add_trading_days(inp, day, n):
    d = datetime.date.fromisoformat(day)
    step = 1 if n > 0 else -1
    while n != 0:
        d += datetime.timedelta(days=step)
        if is_trading(inp, d):
            n -= step
    return d.isoformat()


def virtual_trade(inp, v):
    """A planned virtual trade sized and charged: (quantity, cash, fees)."""
    p = price_eur(inp, v["date"], v["ticker"])
    if v["side"] == "buy":
        q = trunc4(v["amount"] / p)
        while q > 0 and cents_up(q * p) > v["amount"] + 1e-9:
            q = round(q - 0.0001, 4)
        value = cents_up(q * p)
    else:
        q = trunc4(v["quantity"])
        value = cents_down(q * p)
    fee = 0.0
    if major(inp["currencies"][v["ticker"]]) != inp["account"]:
        fee = cents_up(q * p * inp["fee_pct"] / 100)
    cash = value + fee if v["side"] == "buy" else value - fee
    return q, cash, fee


def ledger(inp):
    trades = []
    for v in inp["virtual"]:
        q, cash, fee = virtual_trade(inp, v)
        trades.append(dict(v, kind="virtual", quantity=q, cash=cash,
                           fees=fee))
    for r in inp["real"]:
        fee = r["taxes"]
        cash = r["net"] + fee if r["side"] == "buy" else r["net"] - fee
        trades.append(dict(r, kind="real", cash=cash, fees=fee))
    trades.sort(key=lambda t: t["date"])
    return trades


def refreshed(inp, trades):
    """{symbol: [days]}: the closes a refresh stores (lib/refresh.h): on
    each refresh day, every symbol held at its end, every one bought in
    its last five trading days, and the benchmark."""
    out = {}
    for day in inp["closes"]:
        held, since = {}, add_trading_days(inp, day, -5)
        symbols = {inp["benchmark"]}
        for t in trades:
            if t["date"] > day:
                continue
            key = (t["llm"], t["kind"], t["ticker"])
            sign = 1 if t["side"] == "buy" else -1
            held[key] = held.get(key, 0.0) + sign * t["quantity"]
            if t["side"] == "buy" and t["date"] >= since:
                symbols.add(t["ticker"])
        symbols |= {k[2] for k, q in held.items() if q > 1e-9}
        for sym in symbols:
            out.setdefault(sym, []).append(day)
    return out


def close(inp, symbol, day):
    """The newest stored close in EUR on or before day, or None."""
    days = [d for d in inp["marks"].get(symbol, []) if d <= day]
    return price_eur(inp, max(days), symbol) if days else None


def bench_close(inp, day):
    c = close(inp, inp["benchmark"], day)
    if c is None:
        days = sorted(d for d in inp["marks"].get(inp["benchmark"], [])
                      if d > day)
        c = price_eur(inp, days[0], inp["benchmark"]) if days else None
    return c


class Book:
    def __init__(self):
        self.pos = {}          # (kind, ticker) -> [qty, cost, last price]
        self.invested = {"real": 0.0, "virtual": 0.0}
        self.proceeds = {"real": 0.0, "virtual": 0.0}
        self.realised = self.fees = 0.0
        self.trades = 0
        self.units = self.bench_cash = 0.0

    def apply(self, inp, t):
        key = (t["kind"], t["ticker"])
        pos = self.pos.setdefault(key, [0.0, 0.0, None])
        pos[2] = price_eur(inp, t["date"], t["ticker"])
        self.trades += 1
        self.fees += t["fees"]
        b = bench_close(inp, t["date"])
        if t["side"] == "buy":
            self.invested[t["kind"]] += t["cash"]
            pos[0] += t["quantity"]
            pos[1] += t["cash"]
            if b:
                self.units += t["cash"] / b
            return
        self.proceeds[t["kind"]] += t["cash"]
        sold = min(t["quantity"], pos[0])
        part = pos[1] * (sold / pos[0]) if pos[0] > 0 else 0.0
        self.realised += t["cash"] - part
        pos[1] -= part
        pos[0] -= sold
        if pos[0] < 1e-9:
            pos[0] = pos[1] = 0.0
        if b:
            u = min(t["cash"] / b, self.units)
            self.units -= u
            self.bench_cash += u * b

    def price(self, inp, key, day):
        c = close(inp, key[1], day)
        return c if c is not None else self.pos[key][2]

    def value(self, inp, day, kind=None):
        v = sum(p[0] * self.price(inp, k, day) for k, p in self.pos.items()
                if p[0] > 0 and kind in (None, k[0]))
        kinds = [kind] if kind else ["real", "virtual"]
        return v + sum(self.proceeds[k] for k in kinds)

    def bench(self, inp, day):
        b = bench_close(inp, day)
        return None if b is None else self.units * b + self.bench_cash


def series_days(inp):
    d = datetime.date.fromisoformat(inp["from"])
    to = datetime.date.fromisoformat(inp["to"])
    out = []
    while d <= to:
        if is_trading(inp, d) or d == to:
            out.append(d.isoformat())
        d += datetime.timedelta(days=1)
    return out


def pct(part, whole):
    return part / whole * 100 if whole > 0 else 0.0


def hit_rate(inp, trades, llm):
    n = hits = 0
    for t in trades:
        if t["llm"] != llm or t["side"] != "buy":
            continue
        later = add_trading_days(inp, t["date"], 5)
        if later > inp["to"]:
            continue
        c = close(inp, t["ticker"], later)
        if c is None:
            continue
        n += 1
        hits += c > t["cash"] / t["quantity"]
    return hits / n * 100 if n else None


def figures(inp, trades, llm, days):
    book = Book()
    mine = [t for t in trades if t["llm"] == llm]
    i = 0
    per_day = []
    for day in days:
        while i < len(mine) and mine[i]["date"] <= day:
            book.apply(inp, mine[i])
            i += 1
        inv = sum(book.invested.values())
        per_day.append((inv, book.value(inp, day), book.bench(inp, day)))
    to = days[-1]
    inv = sum(book.invested.values())
    value = book.value(inp, to)
    bench = book.bench(inp, to)
    ret = pct(value - inv, inv)
    bret = pct(bench - inv, inv) if bench is not None else None
    peak, worst = 0.0, 0.0
    for dinv, dval, _ in per_day:
        if dinv > 0:
            r = dval / dinv
            if r > peak:
                peak = r
            elif peak > 0:
                worst = max(worst, (peak - r) / peak * 100)
    positions = []
    for (kind, ticker), p in sorted(book.pos.items(),
                                     key=lambda kv: (kv[0][1],
                                                     kv[0][0] != "real")):
        if p[0] > 0:
            v = p[0] * book.price(inp, (kind, ticker), to)
            days = [d for d in inp["marks"].get(ticker, []) if d <= to]
            positions.append({"ticker": ticker, "kind": kind,
                              "quantity": p[0], "cost_eur": p[1],
                              "price": inp["prices"][max(days)][ticker],
                              "currency": inp["currencies"][ticker],
                              "value_eur": v, "pnl_eur": v - p[1]})
    out = {"llm": llm, "invested_eur": inv, "value_eur": value,
           "pnl_eur": value - inv, "return_pct": ret,
           "realised_eur": book.realised,
           "unrealised_eur": value - inv - book.realised,
           "fees_eur": book.fees, "trades": book.trades,
           "open_positions": len(positions),
           "real": {"invested_eur": book.invested["real"],
                    "value_eur": book.value(inp, to, "real"),
                    "pnl_eur": book.value(inp, to, "real") -
                    book.invested["real"]},
           "virtual": {"invested_eur": book.invested["virtual"],
                       "value_eur": book.value(inp, to, "virtual"),
                       "pnl_eur": book.value(inp, to, "virtual") -
                       book.invested["virtual"]},
           "benchmark": {"invested_eur": inv, "value_eur": bench,
                         "return_pct": bret},
           "excess_vs_benchmark_pct": None if bret is None else ret - bret,
           "max_drawdown_pct": worst,
           "hit_rate_pct": hit_rate(inp, mine, llm),
           "positions": positions}
    return out, per_day


def expect(inp):
    trades = ledger(inp)
    inp["marks"] = refreshed(inp, trades)
    days = series_days(inp)
    llms, per = [], {}
    for llm in inp["llms"]:
        fig, per[llm] = figures(inp, trades, llm, days)
        llms.append(fig)
    llms.sort(key=lambda f: (-f["return_pct"], -f["pnl_eur"], f["llm"]))
    for rank, f in enumerate(llms, 1):
        f["rank"] = rank
    last = max(d for d in inp["closes"] if d <= inp["to"])
    return {"date": inp["to"], "from": inp["from"], "to": inp["to"],
            "currency": "EUR",
            "benchmark": {"symbol": inp["benchmark"],
                          "close": inp["prices"][last][inp["benchmark"]],
                          "close_currency":
                          inp["currencies"][inp["benchmark"]]},
            "llms": llms,
            "days": [{"date": d, "llms": {
                llm: {"invested_eur": per[llm][k][0],
                      "value_eur": per[llm][k][1],
                      "benchmark_value_eur": per[llm][k][2]}
                for llm in inp["llms"]}} for k, d in enumerate(days)]}


def compare(want, got, path, diffs):
    if isinstance(want, dict):
        if not isinstance(got, dict):
            diffs.append("%s: want an object, got %r" % (path, got))
            return
        for k in want:
            if k not in got:
                diffs.append("%s.%s: missing" % (path, k))
            else:
                compare(want[k], got[k], "%s.%s" % (path, k), diffs)
    elif isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            diffs.append("%s: want %d items, got %r" % (
                path, len(want), got if not isinstance(got, list)
                else len(got)))
            return
        for i, (w, g) in enumerate(zip(want, got)):
            compare(w, g, "%s[%d]" % (path, i), diffs)
    elif isinstance(want, float) or (isinstance(want, int) and
                                     not isinstance(want, bool) and
                                     isinstance(got, float)):
        if not isinstance(got, (int, float)) or isinstance(got, bool) or \
                abs(got - want) > 0.01 + 1e-9:
            diffs.append("%s: want %.6f, got %r" % (path, want, got))
    elif want != got:
        diffs.append("%s: want %r, got %r" % (path, want, got))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "expect":
        with open(sys.argv[2]) as f:
            print(json.dumps(expect(json.load(f))))
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "compare":
        with open(sys.argv[2]) as f:
            want = json.load(f)
        with open(sys.argv[3]) as f:
            got = json.load(f)
        diffs = []
        compare(want, got, "", diffs)
        for d in diffs:
            print(d)
        return 1 if diffs else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
