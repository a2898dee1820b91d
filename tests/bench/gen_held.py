#!/usr/bin/env python3
"""Set up N held instruments for the tb-report --refresh bench.

Usage: gen_held.py FIXTURES DB N DAY

Writes FIXTURES/yahoo/chart_SYMBOL.json for N synthetic symbols (two
thirds Xetra in EUR, the rest split between US in USD and London in
pence, copied from the SAP.DE, AAPL and SHEL.L fixtures with their symbol
changed) and books, in DB (a tb database), one virtual buy of each on
DAY for claude and minimax in turn: every one is held at the day's end,
so the refresh asks for all of them, the benchmark and two FX pairs.
"""

import json
import os
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
YAHOO = os.path.join(HERE, "..", "fixtures", "yahoo")


def symbols(n):
    us = n // 6
    london = n // 6
    xetra = n - us - london
    return ([("BE%02d.DE" % i, "SAP.DE", "EUR") for i in range(xetra)] +
            [("BU%02d" % i, "AAPL", "USD") for i in range(us)] +
            [("BL%02d.L" % i, "SHEL.L", "GBp") for i in range(london)])


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip().split("\n\n")[0])
    out, db_path, n, day = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        sys.argv[4]
    os.makedirs(os.path.join(out, "yahoo"), exist_ok=True)
    db = sqlite3.connect(db_path)
    with db:
        for i, (sym, template, cur) in enumerate(symbols(n)):
            with open(os.path.join(YAHOO, "chart_%s.json" % template)) as f:
                chart = json.load(f)
            chart["chart"]["result"][0]["meta"]["symbol"] = sym
            with open(os.path.join(out, "yahoo", "chart_%s.json" % sym),
                      "w") as f:
                json.dump(chart, f)
            price = chart["chart"]["result"][0]["meta"]["regularMarketPrice"]
            db.execute(
                "INSERT INTO trades (date, llm_name, ticker, kind, side, "
                "amount_eur, quantity, price, currency, status, created_at, "
                "value_cents, fees_cents, cash_cents) VALUES "
                "(?,?,?,'virtual','buy',10,?,?,?,'booked',?,1000,0,1000)",
                (day, ("claude", "minimax")[i % 2], sym, 10 / price, price,
                 cur, day + "T15:10:00Z"))
    db.close()


if __name__ == "__main__":
    main()
