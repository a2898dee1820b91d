#!/usr/bin/env python3
"""Write a bigger Reddit fixture day for the benchmark: DIR/reddit/posts_<sub>.json.

Usage: gen_posts.py OUTDIR [POSTS_PER_SUBREDDIT] [DATE]

Each of the five default subreddits gets POSTS_PER_SUBREDDIT posts (default
100) in the shape of tests/fixtures/reddit/posts_*.json (the fake server
serves them as /r/<sub>/new and /hot), newest first, created on DATE
(default 2026-03-30, UTC) between 00:00 and 14:00, so that they are all
older than the bench's TB_NOW.  Titles and self-texts are made of phrases
naming tickers of the fixture universe the way posts write them (cashtags,
bare symbols, Yahoo suffixes, company names) among stop words and the
usual traps (YOLO, DD, CEO, ATH), with self-text lengths from a line to a
few KB, so the extractor does real work.  The output is deterministic.
"""

import datetime
import json
import os
import random
import sys

SUBREDDITS = ["wallstreetbets", "stocks", "investing", "StockMarket",
              "EuropeFIRE"]

# How posts name the instruments of tests/fixtures/t212/instruments.json.
NAMES = ["$AAPL", "AAPL", "$NVDA", "NVDA", "MSFT", "$MSFT", "TSLA", "tsla",
         "$AMZN", "GOOGL", "META", "$AMD", "INTC", "PLTR", "$ASML",
         "ASML.AS", "GME", "BRK.B", "JPM", "KO", "SAP", "SAP.DE", "$RHM",
         "SIE.DE", "ALV", "BMW", "VWCE", "ADYEN", "INGA.AS", "IWDA",
         "AIR.PA", "$AIR", "MC.PA", "TTE.PA", "SHEL", "SHEL.L", "BP",
         "AZN.L", "HSBA", "VUSA", "ENI.MI", "NESN.SW", "Shell", "Airbus"]

FILLER = ["I think", "the market", "is overreacting", "to the earnings",
          "YOLO", "DD inside", "the CEO said", "near ATH", "buy the dip",
          "bag holders", "not financial advice", "my ETF portfolio",
          "EUV demand", "P/E looks stretched", "DAX futures", "in my ISA",
          "guidance was weak", "margins expanded", "loading calls",
          "selling covered calls", "dividend yield", "buybacks",
          "short interest", "to the moon \U0001F680", "diamond hands",
          "Q1 numbers", "rate cuts", "the Fed", "bullish", "bearish",
          "long term hold", "averaging down", "cash is king"]

FLAIRS = ["DD", "Discussion", "YOLO", "Gain", "Loss", "News", "Meme", None]

BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def base36(n):
    s = ""
    while n:
        n, r = divmod(n, 36)
        s = BASE36[r] + s
    return s or "0"


def sentence(rng, tickers):
    words = rng.sample(FILLER, 3)
    words.insert(rng.randrange(4), rng.choice(tickers))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", "!", "?"])


def post(rng, sub, n, created):
    tickers = rng.sample(NAMES, rng.randint(1, 4))
    title = sentence(rng, tickers)[:280]
    # Self-text lengths from one line to a few KB, as on Reddit.
    sentences = min(int(rng.paretovariate(1.2) * 3), 150)
    body = " ".join(sentence(rng, tickers) for _ in range(sentences))
    pid = base36(1700000000 + n)
    slug = "_".join(title.lower().split()[:6])
    return {
        "id": pid,
        "name": "t3_" + pid,
        "subreddit": sub,
        "subreddit_name_prefixed": "r/" + sub,
        "author": "bench_user_%d" % rng.randrange(5000),
        "title": title,
        "selftext": body,
        "score": int(rng.paretovariate(1.0) * 10),
        "num_comments": int(rng.paretovariate(1.1) * 5),
        "upvote_ratio": round(rng.uniform(0.5, 1.0), 2),
        "created_utc": float(created),
        "permalink": "/r/%s/comments/%s/%s/" % (sub, pid, slug),
        "url": "https://www.reddit.com/r/%s/comments/%s/" % (sub, pid),
        "is_self": True,
        "domain": "self." + sub,
        "link_flair_text": rng.choice(FLAIRS),
        "over_18": False,
        "stickied": False,
        "distinguished": None,
        "removed_by_category": None,
    }


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen_posts.py OUTDIR [POSTS_PER_SUBREDDIT] [DATE]")
    out = os.path.join(sys.argv[1], "reddit")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    day = datetime.date.fromisoformat(
        sys.argv[3] if len(sys.argv) > 3 else "2026-03-30")
    start = datetime.datetime(day.year, day.month, day.day,
                              tzinfo=datetime.timezone.utc).timestamp()
    rng = random.Random(20260330)
    os.makedirs(out, exist_ok=True)
    total = count * len(SUBREDDITS)
    span = 14 * 3600
    for i, sub in enumerate(SUBREDDITS):
        posts = []
        for j in range(count):
            # Ids increase with created_utc across subreddits, as Reddit's do.
            n = j * len(SUBREDDITS) + i
            posts.append(post(rng, sub, n, int(start + span * n / total)))
        posts.reverse()
        with open(os.path.join(out, "posts_%s.json" % sub), "w",
                  encoding="utf-8") as f:
            json.dump(posts, f, ensure_ascii=False, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
