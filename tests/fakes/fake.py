#!/usr/bin/env python3
"""fake.py - one local HTTP server that impersonates tb's five upstreams.

Reddit, Yahoo Finance, Anthropic, MiniMax and Trading 212 each live under a
path prefix on one port of 127.0.0.1, so tb's base-URL keys can point at
them (see README.md next to this file).  Standard library only.

    fake.py --state DIR [--fixtures DIR]... [--port N] [--verbose]

Invariants a test relies on:
- DIR/port appears (atomically, by rename) only once the socket listens;
  DIR/pid is written before it.  Both are removed on SIGTERM.
- Every request outside /_control becomes one JSON line in
  DIR/requests.jsonl, written under a lock after the answer was sent, with
  credentials replaced by their scheme and a SHA-256 of the full value.
- Fault rules are checked in the order they were added, before a service
  sees the request; the first match applies and counts down its "times".
- State changes (orders, cash, queued LLM answers) happen under one lock;
  nothing sleeps while holding it, so slow answers overlap.
"""

import argparse
import base64
import copy
import datetime
import decimal
import hashlib
import itertools
import json
import os
import re
import select
import signal
import socket
import sys
import threading
import time
import urllib.parse

# The fake speaks plain HTTP: keep http.client (imported by http.server)
# from loading ssl, a good part of the start-up time.
sys.modules.setdefault("ssl", None)
import http.server  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_FIXTURES = os.path.normpath(os.path.join(HERE, "..", "fixtures"))

SERVICES = ("reddit", "reddit-www", "yahoo", "anthropic", "minimax", "t212",
            "eodhd")
MODES = ("status", "malformed", "truncated", "html", "empty", "oversize",
         "refuse", "hang", "pass")
OVERSIZE_BYTES = 20 * 1024 * 1024
HANG_SECONDS = 60.0
SYNC_TIMEOUT = 5.0

STATE_DEFAULTS = {
    "anthropic.response": None,
    "anthropic.responses": [],
    "minimax.response": None,
    "minimax.responses": [],
    "minimax.stream_chunks": 4,
    "minimax.stream_delay": 0,
    "minimax.stream_stall_after": None,
    "minimax.stream_done": False,
    "reddit.rate_limit": 100,
    "reddit.public_rate_limit": 10,
    "reddit.enforce_limits": False,
    "reddit.now": None,
    "yahoo.crumb": None,
    "yahoo.quotes": {},
    "yahoo.require_session": False,
    "eodhd.token": "test-eodhd-key",
    "eodhd.calls_left": 1000,
    "eodhd.closes": {},
    "yahoo.refuse": False,
    "t212.cash": 10000.0,
    "t212.account_currency": "EUR",
    "t212.precision": {},
    "t212.fill_after": 0,
    "t212.final_status": "FILLED",
    "t212.prices": {},
    "t212.enforce_limits": False,
    "t212.limits": {},
    "t212.pending": [],
    "t212.history": [],
    "t212.next_id": 54850200000,
    "t212.fx_fee_pct": 0.0,
    "t212.taxes": {},
}

# Trading 212's per-endpoint limits: (requests, period in seconds).
T212_LIMITS = {
    "orders/market": (50, 60),
    "orders": (1, 5),
    "orders/{id}": (1, 1),
    "history/orders": (6, 60),
    "account/summary": (1, 5),
    "positions": (1, 1),
    "metadata/instruments": (1, 50),
    "metadata/exchanges": (1, 30),
    "other": (60, 60),
}

# Trading 212 ticker suffix -> Yahoo symbol suffix (the root is the
# instrument's shortName, which is how AIp_EQ becomes AIR.PA).
T212_TO_YAHOO = (("_US_EQ", ""), ("l_EQ", ".L"), ("d_EQ", ".DE"),
                 ("a_EQ", ".AS"), ("p_EQ", ".PA"), ("m_EQ", ".MI"),
                 ("z_EQ", ".SW"), ("s_EQ", ".SW"), ("e_EQ", ".MC"))

# Account currency is EUR: instrument currency -> (FX symbol, unit).
FX = {"USD": ("EURUSD=X", 1.0), "GBP": ("EURGBP=X", 1.0),
      "GBX": ("EURGBP=X", 0.01), "CHF": ("EURCHF=X", 1.0)}
FX_MAJOR = {"GBX": "GBP"}

ANTHROPIC_ERRORS = {400: "invalid_request_error",
                    401: "authentication_error", 403: "permission_error",
                    404: "not_found_error", 413: "request_too_large",
                    429: "rate_limit_error", 500: "api_error",
                    529: "overloaded_error"}
MINIMAX_CODES = {401: (1004, "login fail"), 429: (1002, "rate limit"),
                 500: (1024, "internal error"), 502: (1024, "internal error"),
                 503: (1033, "system error"), 504: (1001, "timeout")}

YAHOO_COOKIE = "A3=d=AQABBfake&S=AQAAAfake"

PARDNER_PAGE = """<!doctype html>
<html><head><title>Blocked</title></head>
<body>
<h1>whoa there, pardner!</h1>
<p>Your request has been blocked due to a network policy.</p>
<p>Try logging in or creating an account to get back to browsing.</p>
<p>If you're running a script or application, please register or sign in
with your developer credentials. Additionally make sure your User-Agent is
not empty and is something unique and descriptive and try again.</p>
<p>when contacting us, please include your ip address which is:
<strong>127.0.0.1</strong> and reddit account</p>
</body></html>
"""

PROXY_PAGE = """<html>
<head><title>{status} {reason}</title></head>
<body>
<center><h1>{status} {reason}</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""


class Reply:
    """An answer: status, headers (name -> value) and body bytes."""

    def __init__(self, status, body=b"", headers=None,
                 ctype="application/json"):
        self.status = status
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.body = body
        self.headers = {}
        if ctype:
            self.headers["Content-Type"] = ctype
        self.headers.update(headers or {})


class StreamReply(Reply):
    """Server-sent events, written one chunk each, delay seconds apart;
    after stall_after of them (None: never) nothing more is sent."""

    def __init__(self, events, delay=0, stall_after=None, headers=None):
        events = [e if isinstance(e, bytes) else e.encode("utf-8")
                  for e in events]
        super().__init__(200, b"".join(events), headers,
                         "text/event-stream")
        self.headers["Cache-Control"] = "no-cache"
        self.events = events
        self.delay = delay
        self.stall_after = stall_after


def strict_utf8(body):
    """Whether bytes are strict UTF-8 (Python refuses surrogates,
    overlong forms and code points above U+10FFFF)."""
    try:
        body.decode("utf-8", "strict")
        return True
    except UnicodeDecodeError:
        return False


def json_reply(status, obj, headers=None):
    body = json.dumps(obj, ensure_ascii=False)
    return Reply(status, body, headers)


def text_reply(status, text, headers=None):
    return Reply(status, text, headers, "text/plain; charset=utf-8")


def reason_of(status):
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return {529: "Overloaded"}.get(status, "Error")


def iso_now():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (
        now.microsecond // 1000)


class Request:
    """One parsed request as the services see it."""

    def __init__(self, method, service, path, query, headers, body):
        self.method = method
        self.service = service
        self.path = path              # decoded, without the prefix
        self.query = query            # dict of lists
        self.headers = headers        # email.message.Message
        self.body = body              # bytes
        self.text = body.decode("utf-8", "replace")
        try:
            self.json = json.loads(self.text) if body else None
        except ValueError:
            self.json = None

    def arg(self, name, default=None):
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name):
        return self.headers.get(name)


class Fixtures:
    """Fixture files looked up in each directory in order."""

    def __init__(self, dirs):
        self.dirs = dirs
        self.cache = {}
        self.lock = threading.Lock()

    def path(self, name):
        for d in self.dirs:
            p = os.path.join(d, name)
            if os.path.isfile(p):
                return p
        return None

    def names(self, subdir, prefix):
        """File names under subdir starting with prefix, first dir wins."""
        seen = {}
        for d in self.dirs:
            try:
                entries = os.listdir(os.path.join(d, subdir))
            except OSError:
                continue
            for e in entries:
                if e.startswith(prefix) and e not in seen:
                    seen[e] = os.path.join(d, subdir, e)
        return seen

    def stamp(self, name):
        """(path, mtime, size) of a fixture: changes when the file does."""
        p = self.path(name)
        if p is None:
            return None
        st = os.stat(p)
        return (p, st.st_mtime_ns, st.st_size)

    def read(self, name):
        """The bytes of a fixture, or None when no directory has it."""
        p = self.path(name)
        if p is None:
            return None
        with open(p, "rb") as f:
            return f.read()

    def load(self, name):
        """A fixture parsed as JSON (a private copy), or None."""
        key = self.stamp(name)
        if key is None:
            return None
        with self.lock:
            obj = self.cache.get(key)
        if obj is None:
            with open(key[0], "rb") as f:
                obj = json.loads(f.read().decode("utf-8"))
            with self.lock:
                self.cache[key] = obj
        return copy.deepcopy(obj)


class Recorder:
    """Appends one JSON line per request to requests.jsonl.

    A request is registered when it arrives (its seq is the arrival order)
    and written once answered.  sync() waits for answers being sent, so a
    reader that got its answer also finds its line.
    """

    def __init__(self, path):
        self.path = path
        self.cond = threading.Condition()
        self.sending = 0
        self.inflight = {}
        self.closed = False
        self.seq = 0
        if os.path.exists(path):
            with open(path, "rb") as f:
                self.seq = sum(1 for _ in f)

    def begin(self, rec):
        with self.cond:
            self.seq += 1
            rec["seq"] = self.seq
            self.inflight[rec["seq"]] = rec

    def start_sending(self):
        with self.cond:
            self.sending += 1

    def finish(self, rec, sending):
        rec["answered_at"] = time.time()
        with self.cond:
            if sending:
                self.sending -= 1
            self.inflight.pop(rec["seq"], None)
            if not self.closed:
                self._write(rec)
            self.cond.notify_all()

    def _write(self, rec):
        line = json.dumps(rec, ensure_ascii=False) + "\n"
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(line)

    def sync(self, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while self.sending > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
        return True

    def close(self):
        """Write the requests still unanswered (answered_at null)."""
        with self.cond:
            for seq in sorted(self.inflight):
                rec = self.inflight[seq]
                rec["answered_at"] = None
                rec["unanswered"] = True
                self._write(rec)
            self.inflight.clear()
            self.closed = True


def redact_header(name, value):
    """A credential header's value with everything but its scheme hidden."""
    if name in ("authorization", "proxy-authorization"):
        m = re.match(r"([A-Za-z][A-Za-z0-9_-]*)\s+\S", value)
        if m:
            return m.group(1) + " <redacted>"
    return "<redacted>"


SECRET_HEADERS = ("authorization", "proxy-authorization", "x-api-key",
                  "cookie")


def sha256_hex(s):
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def record_headers(message):
    """(headers dict with lower-case names, auth hash, cookie hash)."""
    out = {}
    for name, value in message.items():
        name = name.lower()
        out[name] = out[name] + ", " + value if name in out else value
    auth = out.get("authorization", out.get("x-api-key"))
    cookie = out.get("cookie")
    for name in SECRET_HEADERS:
        if name in out:
            out[name] = redact_header(name, out[name])
    return (out, sha256_hex(auth) if auth is not None else None,
            sha256_hex(cookie) if cookie is not None else None)


class Faults:
    """Fault rules, checked in the order they were added."""

    def __init__(self):
        self.rules = []
        self.lock = threading.Lock()
        self.next_id = 1

    def add(self, spec):
        rule = validate_rule(spec)
        with self.lock:
            rule["id"] = self.next_id
            self.next_id += 1
            self.rules.append(rule)
        return rule

    def clear(self):
        with self.lock:
            self.rules = []

    def listing(self):
        with self.lock:
            return [{k: v for k, v in r.items() if k[0] != "_"}
                    for r in self.rules]

    def match(self, service, method, path, query_string):
        with self.lock:
            for rule in self.rules:
                if rule["service"] not in ("*", service):
                    continue
                if rule["method"] and rule["method"] != method:
                    continue
                if not rule["_path"].search(path):
                    continue
                if rule["_query"] and not rule["_query"].search(
                        query_string):
                    continue
                if rule["times"] is not None:
                    rule["times"] -= 1
                    if rule["times"] <= 0:
                        self.rules.remove(rule)
                return dict(rule)
        return None


def validate_rule(spec):
    """A fault rule from its JSON form; ValueError says what is wrong."""
    if not isinstance(spec, dict):
        raise ValueError("a rule is a JSON object")
    known = {"service", "path", "method", "query", "status", "body",
             "body_base64", "headers", "delay", "mode", "times", "apply",
             "size"}
    unknown = set(spec) - known
    if unknown:
        raise ValueError("unknown rule keys: " + ", ".join(sorted(unknown)))
    rule = {
        "service": spec.get("service") or "*",
        "path": spec.get("path") or "",
        "method": (spec.get("method") or "").upper() or None,
        "query": spec.get("query"),
        "status": spec.get("status"),
        "body": spec.get("body"),
        "headers": spec.get("headers") or {},
        "delay": spec.get("delay", 0),
        "mode": spec.get("mode") or "status",
        "times": spec.get("times"),
        "apply": bool(spec.get("apply", False)),
        "size": spec.get("size", OVERSIZE_BYTES),
    }
    if rule["service"] != "*" and rule["service"] not in SERVICES:
        raise ValueError("unknown service: %r" % rule["service"])
    if rule["mode"] not in MODES:
        raise ValueError("unknown mode: %r" % rule["mode"])
    try:
        rule["_path"] = re.compile(rule["path"])
        rule["_query"] = re.compile(rule["query"]) if rule["query"] else None
    except re.error as e:
        raise ValueError("bad regex: %s" % e)
    if rule["status"] is not None and (
            not isinstance(rule["status"], int) or
            not 100 <= rule["status"] <= 599):
        raise ValueError("status must be an HTTP status code")
    if not isinstance(rule["delay"], (int, float)) or rule["delay"] < 0:
        raise ValueError("delay must be a number of seconds >= 0")
    if rule["times"] is not None and (not isinstance(rule["times"], int) or
                                      rule["times"] < 1):
        raise ValueError("times must be an integer >= 1")
    if rule["body"] is not None and not isinstance(rule["body"], str):
        raise ValueError("body must be a string")
    if spec.get("body_base64") is not None:
        # Bytes a JSON string cannot carry (invalid UTF-8, for tests).
        try:
            rule["body"] = base64.b64decode(spec["body_base64"],
                                            validate=True)
        except (TypeError, ValueError):
            raise ValueError("body_base64 must be base64")
    if not isinstance(rule["headers"], dict) or not all(
            isinstance(v, str) for v in rule["headers"].values()):
        raise ValueError("headers must map names to strings")
    if not isinstance(rule["size"], int) or rule["size"] < 16:
        raise ValueError("size must be an integer >= 16")
    return rule


class Fake:
    """The services, their state and the control API."""

    def __init__(self, state_dir, fixture_dirs, verbose):
        self.fixtures = Fixtures(fixture_dirs)
        self.verbose = verbose
        self.lock = threading.RLock()
        self.state = copy.deepcopy(STATE_DEFAULTS)
        self.countdown = {}       # pending order id -> requests left
        self.reserved = {}        # pending buy order id -> EUR reserved
        self.crumbs_fetched = set()
        self.t212_windows = {}    # endpoint -> [window start, used]
        self.reddit_windows = {}  # bucket -> [minute, used]
        self.generated = None     # (key, instruments, bytes)
        self.faults = Faults()
        self.recorder = Recorder(os.path.join(state_dir, "requests.jsonl"))
        self.stopping = threading.Event()
        n = os.environ.get("FAKE_INSTRUMENTS", "")
        self.instrument_count = int(n) if n.strip() else 0

    def log(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("fake: " + (fmt % args) + "\n")

    # ---- the fixture universe

    def instruments(self):
        """(list, by-ticker dict, serialized bytes) of the instruments."""
        key = (self.fixtures.stamp("t212/instruments.json"),
               self.instrument_count)
        with self.lock:
            if self.generated and self.generated[0] == key:
                return self.generated[1:]
        base = self.fixtures.load("t212/instruments.json") or []
        items = base
        if self.instrument_count > len(base):
            items = base + synthetic_instruments(
                self.instrument_count - len(base))
        body = json.dumps(items, ensure_ascii=False).encode("utf-8")
        result = (items, {i["ticker"]: i for i in items}, body)
        with self.lock:
            self.generated = (key,) + result
        return result

    def yahoo_chart(self, symbol):
        """A chart fixture with the test's yahoo.quotes changes, or None.

        {"scale": F} multiplies every price of the chart (a day that moved
        for real: the broker fills at it too), {"at": P} likewise scales
        it so that meta.regularMarketPrice is P; {"price": P} sets only
        meta.regularMarketPrice and {"currency": C} meta.currency (the
        feed's own mistakes, which the broker does not share)."""
        chart = self.fixtures.load("yahoo/chart_%s.json" % symbol)
        with self.lock:
            change = dict(self.state["yahoo.quotes"].get(symbol) or {})
        if chart is None or not change:
            return chart
        try:
            result = chart["chart"]["result"][0]
            meta, quote = result["meta"], result["indicators"]["quote"][0]
        except (TypeError, KeyError, IndexError):
            return chart
        scale = float(change.get("scale", 1.0))
        if "at" in change and meta.get("regularMarketPrice"):
            scale = float(change["at"]) / float(meta["regularMarketPrice"])
        for key in ("regularMarketPrice", "previousClose",
                    "chartPreviousClose", "fiftyTwoWeekHigh",
                    "fiftyTwoWeekLow", "regularMarketDayHigh",
                    "regularMarketDayLow"):
            if isinstance(meta.get(key), (int, float)):
                meta[key] = meta[key] * scale
        for key in ("open", "high", "low", "close"):
            quote[key] = [v * scale if isinstance(v, (int, float)) else v
                          for v in quote.get(key) or []]
        if "price" in change:
            meta["regularMarketPrice"] = change["price"]
        if "currency" in change:
            meta["currency"] = change["currency"]
        return chart

    def last_close(self, symbol):
        """The last non-null close of a Yahoo chart (as served), or None."""
        chart = self.yahoo_chart(symbol)
        try:
            closes = chart["chart"]["result"][0]["indicators"]["quote"][0][
                "close"]
        except (TypeError, KeyError, IndexError):
            return None
        closes = [c for c in closes if isinstance(c, (int, float))]
        return float(closes[-1]) if closes else None

    # ---- request handling

    def handle(self, h):
        split = urllib.parse.urlsplit(h.path)
        body = read_body(h)
        if split.path == "/_control" or split.path.startswith("/_control/"):
            self.send(h, self.control(h.command, split, body), None)
            return
        parts = split.path.split("/", 2)
        prefix = parts[1] if len(parts) > 1 else ""
        service = prefix if prefix in SERVICES else None
        rest = "/" + parts[2] if len(parts) > 2 else "/"
        path = urllib.parse.unquote(rest) if service else split.path
        query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        req = Request(h.command, service, path, query, h.headers, body)
        headers, auth_hash, cookie_hash = record_headers(h.headers)
        if "api_token" in query:
            # A key in the query string is a credential like a header's.
            auth_hash = hashlib.sha256(
                query["api_token"][0].encode()).hexdigest()
            query = dict(query, api_token=["<redacted>"])
        rec = {"seq": 0, "service": service, "method": h.command,
               "path": path, "query": query, "headers": headers,
               "auth_sha256": auth_hash, "cookie_sha256": cookie_hash,
               "body": req.text, "json": req.json,
               "utf8": strict_utf8(body),
               "arrived_at": time.time(), "answered_at": None,
               "status": None, "fault": None}
        self.recorder.begin(rec)
        rule = None
        if service:
            rule = self.faults.match(service, h.command, path, split.query)
        if rule is None:
            reply = self.dispatch(req)
            self.send(h, reply, rec)
            return
        rec["fault"] = rule["mode"]
        self.log("fault %s on %s %s %s", rule["mode"], service, h.command,
                 path)
        self.apply_fault(h, req, rule, rec)

    def dispatch(self, req):
        if req.service is None:
            return text_reply(404, "no such service\n")
        fn = getattr(self, "svc_" + req.service.replace("-", "_"))
        try:
            return fn(req)
        except Exception as e:  # a fake bug must still answer
            sys.stderr.write("fake: %s %s: %r\n" % (req.method, req.path, e))
            return text_reply(500, "fake server error: %r\n" % e)

    def apply_fault(self, h, req, rule, rec):
        mode = rule["mode"]
        normal = None
        if mode in ("pass", "truncated") or rule["apply"]:
            if not (mode == "truncated" and rule["body"] is not None):
                normal = self.dispatch(req)
        if mode == "hang":
            self.stopping.wait(rule["delay"] or HANG_SECONDS)
            self.close(h, rec)
            return
        if rule["delay"]:
            self.stopping.wait(rule["delay"])
        if mode == "refuse":
            self.close(h, rec)
            return
        if mode == "pass":
            reply = normal
        else:
            reply = fault_reply(rule, req.service, normal)
        reply.headers.update(rule["headers"])
        if mode == "truncated":
            self.send(h, reply, rec, cut=len(reply.body) // 2)
        elif mode == "oversize":
            self.send_oversize(h, reply, rule["size"], rec)
        else:
            self.send(h, reply, rec)

    def send(self, h, reply, rec, cut=None):
        """Write a reply (cut: only that many body bytes, then close)."""
        if isinstance(reply, StreamReply) and cut is None:
            self.send_stream(h, reply, rec)
            return
        if rec is not None:
            rec["status"] = reply.status
            self.recorder.start_sending()
        try:
            h.send_response(reply.status)
            for name, value in reply.headers.items():
                h.send_header(name, value)
            h.send_header("Content-Length", str(len(reply.body)))
            h.send_header("Connection", "close")
            h.end_headers()
            h.wfile.write(reply.body if cut is None else reply.body[:cut])
            h.wfile.flush()
        except OSError as e:
            self.log("client went away: %r", e)
        finally:
            h.close_connection = True
            if cut is not None:
                shutdown(h)
            if rec is not None:
                self.recorder.finish(rec, True)

    def send_stream(self, h, reply, rec):
        """Events as HTTP/1.1 chunks, as they are ready; rec["stream"]
        says how many were sent and whether the stream was finished."""
        rec["status"] = reply.status
        sent, complete = 0, False
        self.recorder.start_sending()
        try:
            h.send_response(reply.status)
            for name, value in reply.headers.items():
                h.send_header(name, value)
            h.send_header("Transfer-Encoding", "chunked")
            h.send_header("Connection", "close")
            h.end_headers()
            h.wfile.flush()
            for event in reply.events:
                if reply.stall_after is not None and \
                        sent >= reply.stall_after:
                    wait_for_hangup(h, HANG_SECONDS, self.stopping)
                    break
                if sent and reply.delay:
                    self.stopping.wait(reply.delay)
                h.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                h.wfile.flush()
                sent += 1
            else:
                h.wfile.write(b"0\r\n\r\n")
                h.wfile.flush()
                complete = True
        except OSError as e:
            self.log("client went away: %r", e)
        finally:
            rec["stream"] = {"events": sent, "complete": complete}
            h.close_connection = True
            shutdown(h)
            self.recorder.finish(rec, True)

    def send_oversize(self, h, reply, size, rec):
        """A valid JSON document of exactly size bytes, streamed."""
        head = b'{"fake":"oversize","items":['
        item = b'"' + b"x" * 1021 + b'",'
        tail_min = len(b'""]}')
        count = (size - len(head) - tail_min) // len(item)
        pad = size - len(head) - count * len(item) - tail_min
        tail = b'"' + b"y" * pad + b'"]}'
        rec["status"] = reply.status
        self.recorder.start_sending()
        try:
            h.send_response(reply.status)
            for name, value in reply.headers.items():
                h.send_header(name, value)
            h.send_header("Content-Length", str(size))
            h.send_header("Connection", "close")
            h.end_headers()
            h.wfile.write(head)
            block = item * 64
            left = count
            while left >= 64:
                h.wfile.write(block)
                left -= 64
            h.wfile.write(item * left + tail)
            h.wfile.flush()
        except OSError as e:
            self.log("client went away: %r", e)
        finally:
            h.close_connection = True
            self.recorder.finish(rec, True)

    def close(self, h, rec):
        """Close the connection without an answer."""
        h.close_connection = True
        shutdown(h)
        self.recorder.finish(rec, False)

    # ---- control API (not recorded)

    def control(self, method, split, body):
        what = split.path[len("/_control"):].strip("/")
        try:
            data = json.loads(body.decode("utf-8")) if body.strip() else {}
        except ValueError as e:
            return json_reply(400, {"error": "body is not JSON: %s" % e})
        try:
            if method == "POST" and what == "fault":
                return json_reply(200, {"ok": True,
                                        "id": self.faults.add(data)["id"]})
            if method == "POST" and what == "clear":
                self.faults.clear()
                return json_reply(200, {"ok": True})
            if method == "GET" and what == "faults":
                return json_reply(200, self.faults.listing())
            if method == "POST" and what == "state":
                self.set_state(data)
                return json_reply(200, self.get_state())
            if method == "GET" and what == "state":
                return json_reply(200, self.get_state())
            if what == "sync":
                ok = self.recorder.sync(SYNC_TIMEOUT)
                return json_reply(200 if ok else 504, {"ok": ok})
        except ValueError as e:
            return json_reply(400, {"error": str(e)})
        return json_reply(404, {"error": "no such control endpoint"})

    def get_state(self):
        with self.lock:
            return copy.deepcopy(self.state)

    def set_state(self, data):
        if not isinstance(data, dict):
            raise ValueError("state is a JSON object")
        unknown = [k for k in data if k not in STATE_DEFAULTS]
        if unknown:
            raise ValueError("unknown state keys: " + ", ".join(unknown))
        with self.lock:
            for key, value in data.items():
                if key == "t212.history":
                    value = [self.seed_history(v) for v in value]
                elif key == "t212.pending":
                    value = [self.seed_pending(v) for v in value]
                    self.countdown = {}
                    self.reserved = {}
                elif key.endswith(".responses") and not isinstance(
                        value, list):
                    raise ValueError(key + " must be a list")
                self.state[key] = value

    # ---- Reddit

    def svc_reddit(self, req):
        m = re.match(r"^/r/([^/]+)/(new|hot)(?:\.json)?/?$", req.path)
        if req.method != "GET" or not m:
            return json_reply(404, {"message": "Not Found", "error": 404})
        token = (self.fixtures.load("reddit/token.json") or {}).get(
            "access_token", "")
        auth = req.header("Authorization") or ""
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "bearer" or value.strip() != token:
            return json_reply(401, {"message": "Unauthorized", "error": 401},
                              {"www-authenticate": 'Bearer realm="reddit", '
                               'error="invalid_token"'})
        if not (req.header("User-Agent") or "").strip():
            return json_reply(403, {"message": "Forbidden", "error": 403})
        return self.reddit_listing(req, m.group(1), m.group(2), "oauth")

    def svc_reddit_www(self, req):
        if req.path.rstrip("/") == "/api/v1/access_token":
            return self.reddit_token(req)
        m = re.match(r"^/r/([^/]+)/(new|hot)\.json$", req.path)
        if req.method != "GET" or not m:
            return json_reply(404, {"message": "Not Found", "error": 404})
        return self.reddit_listing(req, m.group(1), m.group(2), "public")

    def reddit_token(self, req):
        if req.method != "POST":
            return json_reply(405, {"message": "Method Not Allowed",
                                    "error": 405})
        auth = req.header("Authorization") or ""
        scheme, _, value = auth.partition(" ")
        try:
            user = base64.b64decode(value.strip(), validate=True).decode(
                "utf-8")
        except (ValueError, UnicodeDecodeError):
            user = ""
        client_id, colon, _ = user.partition(":")
        if scheme.lower() != "basic" or not client_id or not colon:
            return json_reply(401, {"message": "Unauthorized", "error": 401})
        form = urllib.parse.parse_qs(req.text)
        if form.get("grant_type") != ["client_credentials"]:
            # Reddit answers a bad grant with HTTP 200 and an error key.
            return json_reply(200, {"error": "unsupported_grant_type"})
        body = self.fixtures.read("reddit/token.json")
        if body is None:
            return text_reply(500, "fixture reddit/token.json missing\n")
        return Reply(200, body)

    def reddit_posts(self, sub):
        posts = self.fixtures.load("reddit/posts_%s.json" % sub)
        if posts is None:
            for name, path in self.fixtures.names("reddit", "posts_").items():
                if name.lower() == ("posts_%s.json" % sub).lower():
                    posts = self.fixtures.load("reddit/" + name)
                    break
        if posts is None:
            listing = self.fixtures.load("reddit/listing_new.json") or {}
            posts = [c["data"] for c in
                     listing.get("data", {}).get("children", [])]
        return posts

    def reddit_listing(self, req, sub, sort, bucket):
        headers, limited = self.reddit_rate(bucket)
        if limited:
            return json_reply(429, {"message": "Too Many Requests",
                                    "error": 429}, headers)
        posts = self.reddit_posts(sub)
        with self.lock:
            now = self.state["reddit.now"]
        if now is not None:
            # Reddit at that instant: later posts do not exist yet.
            posts = [p for p in posts if p.get("created_utc", 0) <= now]
        if sort == "hot":
            posts.sort(key=lambda p: p.get("score", 0), reverse=True)
        try:
            limit = min(max(int(req.arg("limit", "25")), 1), 100)
        except ValueError:
            limit = 25
        after = req.arg("after")
        if after:
            names = [p.get("name") for p in posts]
            posts = posts[names.index(after) + 1:] if after in names else []
        page = posts[:limit]
        more = len(posts) > limit
        if req.arg("raw_json") != "1":
            page = [html_escape_strings(p) for p in page]
        return json_reply(200, {"kind": "Listing", "data": {
            "after": page[-1]["name"] if page and more else None,
            "dist": len(page), "modhash": "", "geo_filter": "",
            "children": [{"kind": "t3", "data": p} for p in page],
            "before": None}}, headers)

    def reddit_rate(self, bucket):
        """Rate headers for one listing request, and whether it is over."""
        now = time.time()
        minute = int(now // 60)
        key = ("reddit.rate_limit" if bucket == "oauth"
               else "reddit.public_rate_limit")
        with self.lock:
            limit = self.state[key]
            enforce = self.state["reddit.enforce_limits"]
            w = self.reddit_windows.get(bucket)
            if w is None or w[0] != minute:
                w = self.reddit_windows[bucket] = [minute, 0]
            limited = enforce and w[1] >= limit
            if not limited:
                w[1] += 1
            used = w[1]
        headers = {"X-Ratelimit-Used": str(used),
                   "X-Ratelimit-Remaining": "%.1f" % max(limit - used, 0),
                   "X-Ratelimit-Reset": str(60 - int(now) % 60)}
        return headers, limited

    # ---- Yahoo

    def svc_yahoo(self, req):
        if req.method != "GET":
            return text_reply(405, "Method Not Allowed\n")
        if not (req.header("User-Agent") or "").strip():
            return text_reply(429, "Too Many Requests\r\n")
        m = re.match(r"^/v8/finance/chart/([^/]+)$", req.path)
        if m:
            refusal = self.yahoo_refusal(req)
            if refusal is not None:
                return refusal
            with self.lock:
                changed = m.group(1) in self.state["yahoo.quotes"]
            body = self.fixtures.read("yahoo/chart_%s.json" % m.group(1))
            if body is None:
                body = self.fixtures.read("yahoo/chart_not_found.json")
                return Reply(404, body, ctype="application/json;"
                             "charset=utf-8")
            if changed:
                body = json.dumps(self.yahoo_chart(m.group(1)))
            return Reply(200, body, ctype="application/json;charset=utf-8")
        if req.path == "/v1/test/getcrumb":
            with self.lock:
                crumb = self.state["yahoo.crumb"]
                crumb = str(crumb) if crumb is not None else None
                if crumb:
                    self.crumbs_fetched.add(crumb)
            if not crumb:
                return text_reply(401, "Unauthorized")
            return text_reply(200, crumb)
        m = re.match(r"^/v10/finance/quoteSummary/([^/]+)$", req.path)
        if m:
            return self.yahoo_quote_summary(req, m.group(1))
        if req.path == "/":
            # Like fc.yahoo.com: a 404 that sets the session cookie.
            return text_reply(404, "Not Found\n", {
                "Set-Cookie": YAHOO_COOKIE + "; Path=/; "
                              "SameSite=None; HttpOnly"})
        return json_reply(404, {"finance": {"result": None, "error": {
            "code": "Not Found", "description": "HTTP 404 Not Found"}}})

    def yahoo_refusal(self, req):
        """Yahoo refusing a browser-less client: yahoo.refuse refuses every
        chart; yahoo.require_session refuses one without the session's
        cookie and crumb (as fc.yahoo.com and getcrumb hand them out)."""
        with self.lock:
            refuse = bool(self.state["yahoo.refuse"])
            need = bool(self.state["yahoo.require_session"])
            crumb = self.state["yahoo.crumb"]
            fetched = set(self.crumbs_fetched)
        cookie = req.header("Cookie") or ""
        ok = (YAHOO_COOKIE in cookie and crumb is not None and
              req.arg("crumb") == str(crumb) and str(crumb) in fetched)
        if refuse or (need and not ok):
            return text_reply(429, "Edge: Too Many Requests\r\n")
        return None

    def yahoo_quote_summary(self, req, symbol):
        crumb = req.arg("crumb")
        with self.lock:
            valid = crumb is not None and crumb in self.crumbs_fetched \
                and crumb == str(self.state["yahoo.crumb"])
        if not valid:
            return json_reply(401, {"finance": {"result": None, "error": {
                "code": "Unauthorized", "description": "Invalid Crumb"}}})
        doc = self.fixtures.load("yahoo/quotesummary_%s.json" % symbol)
        if doc is None:
            return json_reply(404, {"quoteSummary": {"result": None,
                              "error": {"code": "Not Found", "description":
                                        "Quote not found for symbol: " +
                                        symbol}}})
        modules = [m for m in (req.arg("modules") or "").split(",") if m]
        if modules:
            for result in doc["quoteSummary"]["result"] or []:
                for name in list(result):
                    if name not in modules:
                        del result[name]
        return json_reply(200, doc)

    # ---- EODHD (the second price source)

    def svc_eodhd(self, req):
        """GET /api/eod/{CODE}.{EXCHANGE}: a Yahoo chart fixture's days as
        EOD rows (closes as the fake Yahoo serves them, yahoo.quotes'
        scale included; eodhd.closes {symbol: close} sets the last one)."""
        m = re.match(r"^/api/eod/([^/]+)$", req.path)
        if req.method != "GET" or not m:
            return json_reply(404, {"error": "Not found"})
        with self.lock:
            token = self.state["eodhd.token"]
            left = int(self.state["eodhd.calls_left"])
            if req.arg("api_token") == token and left > 0:
                self.state["eodhd.calls_left"] = left - 1
        if req.arg("api_token") != token:
            return json_reply(401, {"error": "Unauthenticated"})
        if left <= 0:
            return json_reply(402, {"error": "You exceeded your daily API "
                                             "requests limit"})
        symbol = eodhd_to_yahoo(m.group(1))
        chart = self.yahoo_chart(symbol) if symbol else None
        if chart is None:
            return json_reply(404, {"error": "Ticker Not Found."})
        rows = eod_rows(chart)
        with self.lock:
            close = self.state["eodhd.closes"].get(symbol)
        if close is not None and rows:
            rows[-1]["close"] = rows[-1]["adjusted_close"] = close
        return json_reply(200, rows)

    # ---- Anthropic

    def svc_anthropic(self, req):
        if req.method != "POST" or req.path != "/v1/messages":
            return anthropic_error(404, "Not found")
        if not (req.header("x-api-key") or "").strip():
            return anthropic_error(401, "x-api-key header is required")
        if not strict_utf8(req.body):
            return anthropic_error(400, "The request body is not valid "
                                   "UTF-8")
        if not (req.header("anthropic-version") or "").strip():
            return anthropic_error(401, "anthropic-version header is "
                                   "required")
        body = req.json
        if not isinstance(body, dict):
            return anthropic_error(400, "There was an error parsing the "
                                   "body of your request")
        for field in ("model", "max_tokens", "messages"):
            if field not in body:
                return anthropic_error(400, field + ": Field required")
        if not isinstance(body["messages"], list) or not body["messages"]:
            return anthropic_error(400, "messages: at least one message is "
                                   "required")
        thinking = body.get("thinking") or {}
        choice = body.get("tool_choice") or {}
        if thinking.get("type") == "enabled" and choice.get("type") in (
                "tool", "any"):
            return anthropic_error(400, "Thinking may not be enabled when "
                                   "tool_choice forces tool use.")
        answer = self.next_answer("anthropic",
                                  "anthropic/response_tool_use.json")
        if isinstance(answer, dict) and answer.get("type") == "message":
            usage = answer.setdefault("usage", {})
            usage.setdefault("input_tokens", max(1, len(req.body) // 4))
            usage.setdefault("output_tokens", max(1, len(json.dumps(
                answer.get("content"))) // 4))
        return llm_reply(answer, {
            "request-id": request_id(),
            "anthropic-ratelimit-requests-limit": "50",
            "anthropic-ratelimit-requests-remaining": "49",
            "anthropic-ratelimit-requests-reset": iso_now()})

    def next_answer(self, service, fixture):
        """The next queued answer, else the set one, else the fixture."""
        with self.lock:
            queue = self.state[service + ".responses"]
            if queue:
                return copy.deepcopy(queue.pop(0))
            if self.state[service + ".response"] is not None:
                return copy.deepcopy(self.state[service + ".response"])
        return self.fixtures.load(fixture)

    # ---- MiniMax

    def svc_minimax(self, req):
        native = req.path == "/v1/text/chatcompletion_v2"
        if req.method != "POST" or not (
                native or req.path == "/v1/chat/completions"):
            return json_reply(404, {"base_resp": {
                "status_code": 404, "status_msg": "not found"}})
        scheme, _, key = (req.header("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            body = self.fixtures.read("minimax/response_base_resp_error.json")
            return Reply(200, body)
        body = req.json
        problem = None
        if not strict_utf8(req.body):
            return json_reply(200, {"base_resp": {
                "status_code": 2013, "status_msg": "invalid params, the "
                "request body is not valid UTF-8"}})
        if not isinstance(body, dict):
            problem = "invalid params, body is not JSON"
        elif "model" not in body or not isinstance(body.get("messages"),
                                                   list):
            problem = "invalid params, model and messages are required"
        elif "temperature" in body and not (
                isinstance(body["temperature"], (int, float)) and
                0 < body["temperature"] <= 1):
            problem = "invalid params, temperature must be in (0, 1]"
        if problem:
            if native:
                return json_reply(200, {
                    "id": "", "choices": None, "created": 0, "model": "",
                    "object": "", "usage": None, "base_resp": {
                        "status_code": 2013, "status_msg": problem}})
            return json_reply(400, {"error": {
                "message": problem + " (2013)", "type": "bad_request_error"}})
        answer = self.next_answer("minimax", "minimax/response_ok.json")
        if isinstance(answer, dict) and answer.get("choices"):
            usage = answer.get("usage") or {}
            usage.setdefault("prompt_tokens", max(1, len(req.body) // 4))
            usage.setdefault("completion_tokens", max(1, len(json.dumps(
                answer["choices"])) // 4))
            usage.setdefault("total_tokens", usage["prompt_tokens"] +
                             usage["completion_tokens"])
            answer["usage"] = usage
        if body.get("stream") is True and isinstance(answer, dict):
            return self.minimax_stream(answer)
        return llm_reply(answer, {})

    def minimax_stream(self, answer):
        """An answer as MiniMax streams it: reasoning and content deltas
        with zero usage placeholders, then the whole message with the real
        usage (object "chat.completion"), then [DONE] if so set.  An
        error answer is one event."""
        with self.lock:
            pieces = max(1, int(self.state["minimax.stream_chunks"]))
            delay = float(self.state["minimax.stream_delay"] or 0)
            stall = self.state["minimax.stream_stall_after"]
            done = bool(self.state["minimax.stream_done"])
        events = []
        choice = (answer.get("choices") or [None])[0]
        message = choice.get("message") if isinstance(choice, dict) else None
        if isinstance(message, dict):
            head = {k: answer[k] for k in ("id", "created", "model")
                    if k in answer}
            for field in ("reasoning_content", "content"):
                text = message.get(field)
                if not isinstance(text, str):
                    continue
                for part in split_text(text, pieces):
                    events.append(sse_event(dict(head, **{
                        "object": "chat.completion.chunk",
                        "choices": [{"index": 0, "delta": {
                            field: part, "role": "assistant",
                            "name": "MiniMax AI", "audio_content": ""}}],
                        "usage": {"total_tokens": 0, "prompt_tokens": 0,
                                  "completion_tokens": 0},
                        "input_sensitive": False,
                        "output_sensitive": False})))
        last = dict(answer)
        if isinstance(message, dict):
            last["object"] = "chat.completion"
        events.append(sse_event(last))
        if done:
            events.append(b"data: [DONE]\n\n")
        return StreamReply(events, delay, stall)

    # ---- Trading 212

    def svc_t212(self, req):
        prefix = "/api/v0/equity/"
        if not req.path.startswith(prefix):
            return t212_error(404, "Not Found", "No such endpoint")
        route = req.path[len(prefix):].strip("/")
        endpoint, handler, arg = self.t212_route(req.method, route)
        if not t212_authorized(req.header("Authorization")):
            return t212_error(401, "Unauthorized", "Invalid API key",
                              self.t212_rate(endpoint, count=False)[0])
        headers, limited = self.t212_rate(endpoint, count=True)
        if limited:
            limit, period = self.t212_limit(endpoint)
            return text_reply(429, "Limited: %d / %s" % (
                limit, go_duration(period)), headers)
        with self.lock:
            self.t212_tick()
            if handler is None:
                reply = t212_error(404, "Not Found", "No such endpoint")
            else:
                reply = handler(req, arg)
        reply.headers.update(headers)
        return reply

    def t212_route(self, method, route):
        """(rate-limit endpoint, handler, path argument) of a request."""
        fixed = {
            ("POST", "orders/market"): self.t212_order_market,
            ("GET", "orders"): self.t212_orders,
            ("GET", "history/orders"): self.t212_history,
            ("GET", "account/summary"): self.t212_summary,
            ("GET", "positions"): self.t212_positions,
            ("GET", "metadata/instruments"): self.t212_instruments,
            ("GET", "metadata/exchanges"): self.t212_exchanges,
        }
        if (method, route) in fixed:
            return route, fixed[(method, route)], None
        m = re.match(r"^orders/(\d+)$", route)
        if method == "GET" and m:
            return "orders/{id}", self.t212_order_get, int(m.group(1))
        return "other", None, None

    def t212_limit(self, endpoint):
        with self.lock:
            override = self.state["t212.limits"].get(endpoint)
        if override:
            return int(override[0]), float(override[1])
        return T212_LIMITS[endpoint]

    def t212_rate(self, endpoint, count):
        """Rate headers for a request, and whether it is over the limit."""
        limit, period = self.t212_limit(endpoint)
        now = time.time()
        with self.lock:
            w = self.t212_windows.get(endpoint)
            if w is None or now >= w[0] + period:
                w = self.t212_windows[endpoint] = [now, 0]
            limited = (count and self.state["t212.enforce_limits"] and
                       w[1] >= limit)
            if count and not limited:
                w[1] += 1
            used = w[1]
            reset = int(w[0] + period)
        headers = {"x-ratelimit-limit": str(limit),
                   "x-ratelimit-period": str(int(period)),
                   "x-ratelimit-remaining": str(max(limit - used, 0)),
                   "x-ratelimit-reset": str(reset),
                   "x-ratelimit-used": str(used)}
        return headers, limited

    def t212_tick(self):
        """One broker request went by: move due pending orders on."""
        for order in list(self.state["t212.pending"]):
            left = self.countdown.get(order["id"])
            if left is None or left < 0:
                continue
            if left == 0:
                self.t212_settle(order)
            else:
                self.countdown[order["id"]] = left - 1

    def t212_price(self, inst):
        prices = self.state["t212.prices"]
        if inst["ticker"] in prices:
            return float(prices[inst["ticker"]])
        close = self.last_close(yahoo_symbol(inst))
        return close if close is not None else 100.0

    def t212_fx(self, currency):
        """(EUR -> currency rate, minor-unit factor) for a currency."""
        symbol, unit = FX.get(currency, (None, 1.0))
        rate = self.last_close(symbol) if symbol else None
        return (rate or 1.0), unit

    def t212_eur(self, inst, quantity, price):
        rate, unit = self.t212_fx(inst.get("currencyCode", "EUR"))
        return abs(quantity) * price * unit / rate

    def t212_account_ccy(self):
        return str(self.state["t212.account_currency"])

    def t212_acct(self, inst, quantity, price):
        """An amount in the account's currency (t212.account_currency)."""
        eur = self.t212_eur(inst, quantity, price)
        ccy = self.t212_account_ccy()
        if ccy == "EUR":
            return eur
        return eur * (self.last_close("EUR%s=X" % ccy) or 1.0)

    def t212_order_market(self, req, _):
        try:
            body = json.loads(req.text, parse_float=decimal.Decimal)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return t212_error(400, "The request is invalid",
                              "Invalid payload")
        ticker = body.get("ticker")
        qty = body.get("quantity")
        if (not isinstance(ticker, str) or isinstance(qty, bool) or
                not isinstance(qty, (int, decimal.Decimal)) or
                not decimal.Decimal(qty).is_finite() or qty == 0):
            return t212_error(400, "The request is invalid",
                              "Invalid payload")
        inst = self.instruments()[1].get(ticker)
        if inst is None:
            return t212_error(400, "The request is invalid",
                              "Ticker '%s' is not valid" % ticker)
        places = int(self.state["t212.precision"].get(ticker, 4))
        if decimal_places(qty) > places:
            return json_reply(400, {
                "code": "QuantityPrecisionMismatch",
                "clarification": "Quantity precision mismatch: %s accepts "
                                 "at most %d decimal places" % (ticker,
                                                                places)})
        quantity = float(qty)
        price = self.t212_price(inst)
        value = self.t212_acct(inst, quantity, price)
        if quantity > 0:
            value += sum(t["quantity"] for t in self.t212_taxes(
                inst, quantity, round(value, 2)))
        if quantity > 0 and value > float(self.state["t212.cash"]) + 1e-9:
            return json_reply(400, {
                "code": "InsufficientResources",
                "clarification": "Insufficient funds to place the order"})
        if quantity < 0 and -quantity > self.t212_sellable(ticker) + 1e-9:
            return json_reply(400, {
                "code": "SellingEquityNotOwned",
                "clarification": "Not enough shares of %s to sell" % ticker})
        order = self.t212_new_order(inst, quantity,
                                    bool(body.get("extendedHours", False)))
        answer = copy.deepcopy(order)
        if quantity > 0:
            self.state["t212.cash"] = float(self.state["t212.cash"]) - value
            self.reserved[order["id"]] = value
        self.state["t212.pending"].append(order)
        after = int(self.state["t212.fill_after"])
        if after == 0:
            self.t212_settle(order)
        else:
            self.countdown[order["id"]] = after
        return json_reply(200, answer)

    def t212_new_order(self, inst, quantity, extended, oid=None):
        """A new order; ids count up and stay above any seeded one."""
        if oid is None:
            oid = int(self.state["t212.next_id"])
        self.state["t212.next_id"] = max(int(self.state["t212.next_id"]),
                                         oid + 1)
        return {"id": oid, "type": "MARKET", "ticker": inst["ticker"],
                "instrument": instrument_ref(inst), "quantity": quantity,
                "filledQuantity": 0, "status": "NEW",
                "side": "BUY" if quantity > 0 else "SELL",
                "strategy": "QUANTITY", "initiatedFrom": "API",
                "extendedHours": extended, "createdAt": iso_now()}

    def t212_settle(self, order):
        """Move a pending order to history as t212.final_status."""
        self.state["t212.pending"].remove(order)
        self.countdown.pop(order["id"], None)
        reserved = self.reserved.pop(order["id"], 0.0)
        status = self.state["t212.final_status"]
        done = dict(order)
        done["status"] = status
        item = {"order": done}
        if status != "FILLED":
            self.state["t212.cash"] = float(self.state["t212.cash"]) + \
                reserved
            self.state["t212.history"].append(item)
            return
        inst = self.instruments()[1].get(order["ticker"]) or {
            "ticker": order["ticker"], "currencyCode": "EUR"}
        price = self.t212_price(inst)
        item["fill"] = self.t212_fill(inst, order["quantity"], price)
        done["filledQuantity"] = order["quantity"]
        done["filledValue"] = round(abs(order["quantity"]) * price, 2)
        if order["quantity"] < 0:
            wallet = item["fill"]["walletImpact"]
            self.state["t212.cash"] = float(self.state["t212.cash"]) + \
                wallet["netValue"] - sum(t["quantity"]
                                         for t in wallet["taxes"])
        self.state["t212.history"].append(item)

    def t212_taxes(self, inst, quantity, value):
        """walletImpact.taxes of a fill worth value (account currency,
        before fees): Trading 212's FX fee (t212.fx_fee_pct) when the
        instrument's currency is not the account's, and on buys the
        ticker's t212.taxes; each rounded to the cent, charged on top."""
        account = self.t212_account_ccy()
        currency = inst.get("currencyCode", "EUR")
        rates = []
        if (FX_MAJOR.get(currency, currency) != account and
                float(self.state["t212.fx_fee_pct"]) > 0):
            rates.append(("CURRENCY_CONVERSION_FEE",
                          float(self.state["t212.fx_fee_pct"])))
        if quantity > 0:
            rates += sorted((self.state["t212.taxes"].get(inst["ticker"])
                             or {}).items())
        return [{"name": name, "quantity": round(value * float(pct) / 100,
                                                 2),
                 "currency": account, "chargedAt": iso_now()}
                for name, pct in rates if round(value * float(pct) / 100,
                                                 2) > 0]

    def t212_fill(self, inst, quantity, price):
        rate, unit = self.t212_fx(inst.get("currencyCode", "EUR"))
        fill_id = 9123456 + len(self.state["t212.history"])
        value = round(self.t212_acct(inst, quantity, price), 2)
        return {"id": fill_id, "type": "TRADE", "quantity": quantity,
                "price": price, "filledAt": iso_now(),
                "tradingMethod": "TOTV",
                "walletImpact": {"currency": self.t212_account_ccy(),
                                 "fxRate": rate, "netValue": value,
                                 "realisedProfitLoss": 0,
                                 "taxes": self.t212_taxes(inst, quantity,
                                                          value)}}

    def seed_history(self, item):
        """A history item from a test: full {order, fill} or order fields."""
        if not isinstance(item, dict):
            raise ValueError("t212.history items are objects")
        if "order" in item:
            return item
        order = self.seed_order(item, "FILLED")
        result = {"order": order}
        if order["status"] == "FILLED":
            inst = self.instruments()[1].get(order["ticker"]) or {
                "ticker": order["ticker"], "currencyCode": "EUR"}
            price = float(item.get("fillPrice", self.t212_price(inst)))
            order.pop("fillPrice", None)
            if "filledQuantity" not in item:
                order["filledQuantity"] = order["quantity"]
            if "filledValue" not in item:
                order["filledValue"] = round(abs(order["filledQuantity"]) *
                                             price, 2)
            result["fill"] = self.t212_fill(inst, order["filledQuantity"],
                                            price)
            result["fill"]["filledAt"] = order["createdAt"]
        return result

    def seed_pending(self, item):
        """A pending order from a test; it is never filled on its own."""
        if not isinstance(item, dict):
            raise ValueError("t212.pending items are objects")
        order = self.seed_order(item, "NEW")
        order.pop("instrument", None)
        return order

    def seed_order(self, item, status):
        if not isinstance(item.get("ticker"), str) or not isinstance(
                item.get("quantity"), (int, float)):
            raise ValueError("a seeded order needs ticker and quantity")
        inst = self.instruments()[1].get(item["ticker"]) or {
            "ticker": item["ticker"], "name": item["ticker"], "isin": "",
            "currencyCode": "EUR"}
        order = self.t212_new_order(inst, item["quantity"], False,
                                    item.get("id"))
        order["status"] = status
        order.update(item)
        return order

    def t212_orders(self, req, _):
        return json_reply(200, [pending_view(o)
                                for o in self.state["t212.pending"]])

    def t212_order_get(self, req, oid):
        for o in self.state["t212.pending"]:
            if o["id"] == oid:
                return json_reply(200, pending_view(o))
        return t212_error(404, "Not Found", "Order %d not found" % oid)

    def t212_history(self, req, _):
        try:
            limit = int(req.arg("limit", "20"))
            cursor = req.arg("cursor")
            cursor = int(cursor) if cursor not in (None, "") else None
        except ValueError:
            return t212_error(400, "The request is invalid",
                              "limit and cursor must be integers")
        if not 1 <= limit <= 50:
            return t212_error(400, "The request is invalid",
                              "limit must be between 1 and 50")
        ticker = req.arg("ticker") or None
        items = sorted(self.state["t212.history"],
                       key=lambda i: i["order"]["id"], reverse=True)
        items = [i for i in items
                 if (ticker is None or i["order"].get("ticker") == ticker)
                 and (cursor is None or i["order"]["id"] < cursor)]
        page = items[:limit]
        next_path = None
        if len(items) > limit:
            params = [("limit", str(limit)),
                      ("cursor", str(page[-1]["order"]["id"]))]
            if ticker:
                params.append(("ticker", ticker))
            next_path = "/api/v0/equity/history/orders?" + \
                urllib.parse.urlencode(params)
        return json_reply(200, {"items": copy.deepcopy(page),
                                "nextPagePath": next_path})

    def t212_sellable(self, ticker):
        held = self.t212_holdings().get(ticker, {}).get("quantity", 0.0)
        selling = sum(-o["quantity"] for o in self.state["t212.pending"]
                      if o["ticker"] == ticker and o["quantity"] < 0)
        return held - selling

    def t212_holdings(self):
        """ticker -> quantity, cost (instrument currency), first fill."""
        out = {}
        for item in sorted(self.state["t212.history"],
                           key=lambda i: i["order"]["id"]):
            order, fill = item["order"], item.get("fill")
            if order.get("status") != "FILLED" or not fill:
                continue
            h = out.setdefault(order["ticker"], {
                "quantity": 0.0, "cost": 0.0, "since": fill["filledAt"]})
            q = float(fill["quantity"])
            if q > 0:
                h["cost"] += q * float(fill["price"])
            elif h["quantity"] > 0:
                h["cost"] *= max(h["quantity"] + q, 0.0) / h["quantity"]
            h["quantity"] += q
        return {t: h for t, h in out.items() if abs(h["quantity"]) > 1e-9}

    def t212_positions(self, req, _):
        return json_reply(200, self.t212_position_list())

    def t212_position_list(self):
        by_ticker = self.instruments()[1]
        out = []
        for ticker, h in sorted(self.t212_holdings().items()):
            inst = by_ticker.get(ticker) or {"ticker": ticker,
                                             "currencyCode": "EUR"}
            price = self.t212_price(inst)
            avg = h["cost"] / h["quantity"] if h["quantity"] else 0.0
            cost = self.t212_acct(inst, h["quantity"], avg)
            value = self.t212_acct(inst, h["quantity"], price)
            out.append({"instrument": instrument_ref(inst),
                        "createdAt": h["since"], "quantity": h["quantity"],
                        "quantityAvailableForTrading": h["quantity"],
                        "quantityInPies": 0, "currentPrice": price,
                        "averagePricePaid": round(avg, 4),
                        "walletImpact": {
                            "currency": self.t212_account_ccy(),
                            "totalCost": round(cost, 2),
                            "currentValue": round(value, 2),
                            "unrealizedProfitLoss": round(value - cost, 2),
                            "fxImpact": None}})
        return out

    def t212_summary(self, req, _):
        positions = self.t212_position_list()
        cash = float(self.state["t212.cash"])
        reserved = sum(self.reserved.values())
        value = sum(p["walletImpact"]["currentValue"] for p in positions)
        cost = sum(p["walletImpact"]["totalCost"] for p in positions)
        return json_reply(200, {
            "id": 31337, "currency": self.t212_account_ccy(),
            "totalValue": round(cash + reserved + value, 2),
            "cash": {"availableToTrade": round(cash, 2),
                     "reservedForOrders": round(reserved, 2), "inPies": 0},
            "investments": {"currentValue": round(value, 2),
                            "totalCost": round(cost, 2),
                            "realizedProfitLoss": 0,
                            "unrealizedProfitLoss": round(value - cost, 2)}})

    def t212_instruments(self, req, _):
        return Reply(200, self.instruments()[2])

    def t212_exchanges(self, req, _):
        body = self.fixtures.read("t212/exchanges.json")
        if body is None:
            return t212_error(500, "Internal error", "fixture missing")
        return Reply(200, body)


# ---- helpers shared by the services

def read_body(h):
    """The request body: Content-Length or chunked."""
    if "chunked" in (h.headers.get("Transfer-Encoding") or "").lower():
        chunks = []
        while True:
            line = h.rfile.readline(65537)
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while h.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(h.rfile.read(size))
            h.rfile.readline(65537)
    n = int(h.headers.get("Content-Length") or 0)
    return h.rfile.read(n) if n > 0 else b""


def split_text(text, n):
    """text in at most n pieces of about equal length, none empty."""
    size = max(1, -(-len(text) // n))
    return [text[i:i + size] for i in range(0, len(text), size)]


def sse_event(obj):
    return ("data: " + json.dumps(obj, ensure_ascii=False) +
            "\n\n").encode("utf-8")


def wait_for_hangup(h, seconds, stopping):
    """Send nothing until the client closes, stopping is set, or seconds
    pass."""
    deadline = time.monotonic() + seconds
    while not stopping.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        try:
            ready, _, _ = select.select([h.connection], [], [],
                                        min(left, 0.1))
            if ready and not h.connection.recv(4096):
                return
        except OSError:
            return


def shutdown(h):
    try:
        h.wfile.flush()
    except OSError:
        pass
    try:
        h.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def html_escape_strings(obj):
    """Reddit without raw_json=1: &, < and > arrive as HTML entities."""
    if isinstance(obj, str):
        return obj.replace("&", "&amp;").replace("<", "&lt;").replace(
            ">", "&gt;")
    if isinstance(obj, list):
        return [html_escape_strings(x) for x in obj]
    if isinstance(obj, dict):
        return {k: html_escape_strings(v) for k, v in obj.items()}
    return obj


REQUEST_IDS = itertools.count(1)


def request_id():
    return "req_fake%012d" % next(REQUEST_IDS)


def anthropic_error(status, message):
    return json_reply(status, {"type": "error", "error": {
        "type": ANTHROPIC_ERRORS.get(status, "api_error"),
        "message": message}, "request_id": request_id()})


def llm_reply(answer, headers):
    """An LLM answer: a JSON body, or a string sent verbatim."""
    if answer is None:
        return text_reply(500, "fake: no answer fixture\n")
    if isinstance(answer, str):
        return Reply(200, answer, headers)
    return json_reply(200, answer, headers)


EODHD_EXCHANGES = {"US": "", "XETRA": ".DE", "F": ".F", "LSE": ".L",
                   "AS": ".AS", "PA": ".PA", "MI": ".MI", "MC": ".MC",
                   "BR": ".BR", "SW": ".SW"}


def eodhd_to_yahoo(code):
    """"SAP.XETRA" -> "SAP.DE", "EURGBP.FOREX" -> "EURGBP=X", or None."""
    root, _, exchange = code.rpartition(".")
    if exchange == "FOREX":
        return root + "=X"
    if not root or exchange not in EODHD_EXCHANGES:
        return None
    return root + EODHD_EXCHANGES[exchange]


def eod_rows(chart):
    """A Yahoo chart's bars as EODHD's rows, oldest first."""
    try:
        result = chart["chart"]["result"][0]
        quote = result["indicators"]["quote"][0]
        stamps = result["timestamp"]
    except (TypeError, KeyError, IndexError):
        return []
    rows = []
    for i, t in enumerate(stamps):
        close = (quote.get("close") or [None] * len(stamps))[i]
        if not isinstance(close, (int, float)):
            continue
        day = datetime.datetime.fromtimestamp(
            t, datetime.timezone.utc).strftime("%Y-%m-%d")
        bar = {k: (quote.get(k) or [close] * len(stamps))[i]
               for k in ("open", "high", "low")}
        rows.append({"date": day, "open": bar["open"], "high": bar["high"],
                     "low": bar["low"], "close": close,
                     "adjusted_close": close,
                     "volume": (quote.get("volume") or [0] * len(stamps))[i]})
    return rows


def t212_error(status, title, detail, headers=None):
    """Trading 212's 2026 error shape."""
    kind = {400: "invalid-request", 401: "unauthorized", 404: "not-found"}
    return json_reply(status, {
        "type": "/api-errors/" + kind.get(status, "internal-error"),
        "title": title, "status": status, "detail": detail}, headers)


def t212_authorized(value):
    """Basic base64(key:secret) with both parts, or a bare key."""
    value = (value or "").strip()
    if not value:
        return False
    scheme, _, rest = value.partition(" ")
    if not rest:
        return True
    if scheme.lower() != "basic":
        return False
    try:
        pair = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return False
    key, colon, secret = pair.partition(":")
    return bool(key and colon and secret)


def go_duration(seconds):
    """Seconds as Go prints a time.Duration: 60 -> 1m0s, 5 -> 5s."""
    s = int(seconds)
    if s >= 60:
        return "%dm%ds" % (s // 60, s % 60)
    return "%ds" % s


def decimal_places(qty):
    if isinstance(qty, int):
        return 0
    exponent = qty.normalize().as_tuple().exponent
    return max(0, -exponent)


def instrument_ref(inst):
    return {"ticker": inst["ticker"], "name": inst.get("name", ""),
            "isin": inst.get("isin", ""),
            "currency": inst.get("currencyCode", "")}


def pending_view(order):
    """A pending order as GET /orders lists it (no instrument object)."""
    return {k: v for k, v in order.items() if k != "instrument"}


def yahoo_symbol(inst):
    """The Yahoo symbol of a Trading 212 instrument (for its price)."""
    ticker = inst["ticker"]
    for suffix, yahoo in T212_TO_YAHOO:
        if ticker.endswith(suffix):
            root = inst.get("shortName") or ticker[:-len(suffix)]
            return re.sub(r"[. ]", "-", root) + yahoo
    return ticker


def synthetic_instruments(n):
    """n made-up instruments in the real shape, spread over exchanges."""
    venues = (("_US_EQ", "USD", 71), ("_US_EQ", "USD", 69),
              ("l_EQ", "GBX", 73), ("d_EQ", "EUR", 54), ("p_EQ", "EUR", 58),
              ("a_EQ", "EUR", 60), ("m_EQ", "EUR", 62))
    out = []
    for i in range(n):
        root, k = "", i
        for _ in range(4):
            k, r = divmod(k, 26)
            root = chr(ord("A") + r) + root
        root = "ZQ" + root
        suffix, currency, schedule = venues[i % len(venues)]
        out.append({
            "ticker": root + suffix, "type": "ETF" if i % 7 == 0 else "STOCK",
            "workingScheduleId": schedule, "isin": "XS%010d" % i,
            "currencyCode": currency, "name": "Synthetic Holdings %d" % i,
            "shortName": root, "maxOpenQuantity": 10000.0,
            "extendedHours": suffix == "_US_EQ",
            "addedOn": "2021-01-04T09:00:00.000+02:00"})
    return out


def fault_reply(rule, service, normal):
    """The answer a fault rule gives instead of the service's."""
    mode = rule["mode"]
    body = rule["body"]
    if mode == "truncated":
        reply = normal or Reply(200, b"")
        if body is not None:
            reply = Reply(rule["status"] or 200, body)
        return reply
    if mode == "malformed":
        return Reply(rule["status"] or 200, body if body is not None else
                     '{"fake": "malformed", "items": [1, 2,, {"unterminated'
                     '": "str')
    if mode == "empty":
        return Reply(rule["status"] or 200, b"")
    if mode == "oversize":
        return Reply(rule["status"] or 200, b"")
    if mode == "html":
        reddit = service in ("reddit", "reddit-www")
        status = rule["status"] or (403 if reddit else 502)
        if body is None:
            if reddit and status == 403:
                body = PARDNER_PAGE
            else:
                body = PROXY_PAGE.format(status=status,
                                         reason=reason_of(status))
        return Reply(status, body, ctype="text/html; charset=utf-8")
    status = rule["status"] or 500
    if body is not None:
        ctype = "application/json"
        raw = body if isinstance(body, bytes) else body.encode()
        if not raw.lstrip().startswith((b"{", b"[")):
            ctype = "text/plain; charset=utf-8"
        return Reply(status, body, ctype=ctype)
    return default_error(service, status)


def default_error(service, status):
    """An error body in the service's own shape."""
    reason = reason_of(status)
    if service == "anthropic":
        messages = {529: "Overloaded", 429: "Number of request tokens has "
                    "exceeded your per-minute rate limit"}
        return anthropic_error(status, messages.get(status, reason))
    if service == "minimax":
        code, msg = MINIMAX_CODES.get(status, (1000, "unknown error"))
        return json_reply(status, {"base_resp": {"status_code": code,
                                                 "status_msg": msg}})
    if service == "t212":
        if status == 429:
            return text_reply(429, "Limited: 50 / 1m0s")
        return t212_error(status, reason, reason)
    if service == "yahoo":
        if status == 429:
            return text_reply(429, "Too Many Requests\r\n")
        return json_reply(status, {"finance": {"result": None, "error": {
            "code": reason, "description": reason}}})
    return json_reply(status, {"message": reason, "error": status})


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake/1"
    timeout = 300

    def do_any(self):
        self.server.fake.handle(self)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_any

    def log_message(self, fmt, *args):
        self.server.fake.log("%s " + fmt, self.address_string(), *args)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # A client that disconnects must not take the server down.
        e = sys.exc_info()[1]
        if not isinstance(e, OSError):
            sys.stderr.write("fake: error answering %s: %r\n" % (
                client_address, e))


def write_atomic(path, text):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def remove_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def main():
    p = argparse.ArgumentParser(prog="fake.py",
                                description="Fake upstreams for tb tests.")
    p.add_argument("--state", required=True, help="state directory")
    p.add_argument("--fixtures", action="append", default=[],
                   help="fixture directory, searched before the default")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()

    os.makedirs(args.state, exist_ok=True)
    dirs = [os.path.abspath(d) for d in args.fixtures] + [DEFAULT_FIXTURES]
    fake = Fake(args.state, dirs, args.verbose)
    server = Server(("127.0.0.1", args.port), Handler)
    server.fake = fake

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pid_path = os.path.join(args.state, "pid")
    port_path = os.path.join(args.state, "port")
    write_atomic(pid_path, "%d\n" % os.getpid())
    write_atomic(port_path, "%d\n" % server.server_address[1])
    sys.stderr.write("fake: listening on 127.0.0.1:%d, pid %d, start-up "
                     "took %.3f s of CPU\n" % (server.server_address[1],
                                               os.getpid(),
                                               time.process_time()))
    sys.stderr.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        fake.recorder.close()
        fake.stopping.set()
        remove_quietly(port_path)
        remove_quietly(pid_path)


if __name__ == "__main__":
    main()
