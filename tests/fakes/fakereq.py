#!/usr/bin/env python3
"""fakereq.py - filter the requests the fake server recorded.

    fakereq.py [-f FILE] [-s SERVICE] [-m METHOD] [-p REGEX] [-q REGEX]
               [-F FIELD] [-c | -l]

Reads FILE (default $FAKE_STATE/requests.jsonl), keeps the requests that
match every filter given (-p and -q are Python regular expressions searched
in the path and in the query string rebuilt from the recorded parameters,
e.g. 'after=t3_'), oldest (lowest seq) first, and prints them as JSON
lines.  -F prints one field per request instead, by a dotted path:
json.messages.0.content, query.after.0, headers.authorization.  Strings
print as they are, other values as compact JSON, a missing field as "null"
(as jq -r does).  -c prints the number of matches; -l keeps only the
newest match.

Exit status: 0, or 1 when -F found no matching request, or 2 on bad usage.
"""

import argparse
import json
import os
import re
import sys
import urllib.parse


def field(obj, dotted):
    """obj's value at a dotted path (list items by index), or None."""
    for part in dotted.split("."):
        if isinstance(obj, dict):
            obj = obj.get(part)
        elif isinstance(obj, list) and re.fullmatch(r"-?\d+", part):
            i = int(part)
            obj = obj[i] if -len(obj) <= i < len(obj) else None
        else:
            return None
        if obj is None:
            return None
    return obj


def show(value):
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def query_string(rec):
    return urllib.parse.urlencode(rec.get("query") or {}, doseq=True)


def load(path):
    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                records.append(json.loads(line))
    records.sort(key=lambda r: r.get("seq", 0))
    return records


def main():
    p = argparse.ArgumentParser(description="Filter recorded requests.")
    p.add_argument("-f", "--file")
    p.add_argument("-s", "--service")
    p.add_argument("-m", "--method")
    p.add_argument("-p", "--path", help="regex searched in the path")
    p.add_argument("-q", "--query", help="regex searched in the query")
    p.add_argument("-F", "--field", help="dotted path of a field to print")
    p.add_argument("-c", "--count", action="store_true")
    p.add_argument("-l", "--last", action="store_true")
    args = p.parse_args()

    path = args.file
    if path is None:
        state = os.environ.get("FAKE_STATE")
        if not state:
            p.error("no -f FILE and FAKE_STATE is not set")
        path = os.path.join(state, "requests.jsonl")
    try:
        path_re = re.compile(args.path) if args.path else None
        query_re = re.compile(args.query) if args.query else None
    except re.error as e:
        p.error("bad regex: %s" % e)
    try:
        records = load(path) if os.path.exists(path) else []
    except (OSError, ValueError) as e:
        sys.stderr.write("fakereq: %s: %s\n" % (path, e))
        return 2

    matches = [r for r in records
               if (not args.service or r.get("service") == args.service)
               and (not args.method or
                    r.get("method") == args.method.upper())
               and (not path_re or path_re.search(r.get("path") or ""))
               and (not query_re or query_re.search(query_string(r)))]
    if args.last:
        matches = matches[-1:]
    if args.count:
        print(len(matches))
        return 0
    for r in matches:
        print(show(field(r, args.field)) if args.field else
              json.dumps(r, ensure_ascii=False))
    return 1 if args.field and not matches else 0


if __name__ == "__main__":
    sys.exit(main())
