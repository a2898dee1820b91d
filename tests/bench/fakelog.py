#!/usr/bin/env python3
"""Match measure's run starts with the fake's request log, for the bench.

Usage:
  fakelog.py first STARTS REQUESTS [SERVICE...]
      per run, the time from the process start to the arrival of its first
      request (of SERVICE..., default any): prints {"runs", "median_ms",
      "max_ms", "first"} ("first": the first request's service and path).
  fakelog.py slowest STARTS REQUESTS SERVICE
      per run, the slowest single request of SERVICE (answered_at -
      arrived_at), and how far apart its first and last request arrived:
      prints {"runs", "median_ms", "spread_ms", "requests"} (medians).
  fakelog.py paths STARTS REQUESTS MARKET_SERVICE LLM_SERVICE...
      per run, the slowest single market request plus the slowest single
      LLM request (each answered_at - arrived_at): the run's slowest
      upstream path.  Prints {"runs", "median_ms", "market_ms", "llm_ms",
      "market_requests", "llm_requests"} (medians over the runs).

STARTS holds one wall-clock start (epoch seconds) per line, as written by
`measure -o`; REQUESTS is the fake's requests.jsonl.  A request belongs to
the latest run that started before it arrived.
"""

import bisect
import json
import statistics
import sys


def load(starts_path, requests_path):
    with open(starts_path) as f:
        starts = sorted(float(line) for line in f if line.strip())
    runs = [[] for _ in starts]
    with open(requests_path) as f:
        for line in f:
            if not line.strip():
                continue
            req = json.loads(line)
            i = bisect.bisect_right(starts, req["arrived_at"]) - 1
            if i >= 0:
                runs[i].append(req)
    for r in runs:
        r.sort(key=lambda q: q["arrived_at"])
    return starts, runs


def first(starts, runs, services):
    delays, what = [], None
    for start, reqs in zip(starts, runs):
        reqs = [q for q in reqs if not services or q["service"] in services]
        if not reqs:
            continue
        delays.append((reqs[0]["arrived_at"] - start) * 1e3)
        what = what or "%s %s" % (reqs[0]["service"], reqs[0]["path"])
    if not delays:
        sys.exit("fakelog: no request matched a run")
    return {"runs": len(delays), "median_ms": round(statistics.median(delays), 2),
            "max_ms": round(max(delays), 2), "first": what}


def duration(q):
    return (q["answered_at"] or q["arrived_at"]) - q["arrived_at"]


def paths(runs, market, llms):
    totals, mk, lm, nm, nl = [], [], [], [], []
    for reqs in runs:
        m = [duration(q) for q in reqs if q["service"] == market]
        l = [duration(q) for q in reqs if q["service"] in llms]
        if not m or not l:
            continue
        mk.append(max(m) * 1e3)
        lm.append(max(l) * 1e3)
        totals.append((max(m) + max(l)) * 1e3)
        nm.append(len(m))
        nl.append(len(l))
    if not totals:
        sys.exit("fakelog: no run made both market and LLM requests")
    return {"runs": len(totals),
            "median_ms": round(statistics.median(totals), 1),
            "market_ms": round(statistics.median(mk), 1),
            "llm_ms": round(statistics.median(lm), 1),
            "market_requests": statistics.median(nm),
            "llm_requests": statistics.median(nl)}


def slowest(runs, service):
    worst, spread, counts = [], [], []
    for reqs in runs:
        mine = [q for q in reqs if q["service"] == service]
        if mine:
            worst.append(max(duration(q) for q in mine) * 1e3)
            spread.append((mine[-1]["arrived_at"] - mine[0]["arrived_at"]) *
                          1e3)
            counts.append(len(mine))
    if not worst:
        sys.exit("fakelog: no run made a %s request" % service)
    return {"runs": len(worst), "median_ms": round(statistics.median(worst),
                                                   1),
            "spread_ms": round(statistics.median(spread), 1),
            "requests": statistics.median(counts)}


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("first", "paths",
                                                 "slowest") or (
            sys.argv[1] == "paths" and len(sys.argv) < 6) or (
            sys.argv[1] == "slowest" and len(sys.argv) != 5):
        sys.exit(__doc__.strip().split("\n\n")[1])
    starts, runs = load(sys.argv[2], sys.argv[3])
    if sys.argv[1] == "first":
        out = first(starts, runs, set(sys.argv[4:]))
    elif sys.argv[1] == "slowest":
        out = slowest(runs, sys.argv[4])
    else:
        out = paths(runs, sys.argv[4], set(sys.argv[5:]))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
