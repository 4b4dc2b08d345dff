#!/usr/bin/env python3
"""Benchmark: the GraphQL dashboard query against the REST calls it replaces,
and the latency of a subscription, over HTTP against a running server.

1. `cached`: the dashboard's figures with the figure cache warm, `--runs`
   times (30): (a) the one GraphQL `dashboard` query (range 30d, tz kst, every
   panel): wall time and server time (`X-Processing-Time`); (b) the 7 REST
   calls the dashboard page makes, one after another: the sums of their wall
   and server times; (c) the same 7 calls at once on 7 connections, as a
   browser makes them: the wall time until the last one has answered. Median
   and p90 (nearest rank) of each, each REST call's medians, and the bytes of
   (a) against the sum of (b): requests, answer headers, answer bodies as sent
   (gzip, which browsers ask for) and their JSON.
2. `uncached`: the same with the cache emptied (`POST /api/cache/invalidate`,
   not timed) before each of (a), (b) and (c), `--uncached-runs` times (7).
3. `subscription`: one WebSocket on /api/graphql/ws (graphql-transport-ws)
   subscribed to `activityAdded`; `--events` times (20), ingests one activity of
   type `bench_ping` (`POST /api/v1/events`) and measures from the POST's start
   to the arrival of its `next` message: min, median, p95 and max, with the
   POST's own wall and server times. A first, untimed event checks that the
   subscription is live.

Connections are opened before the timed requests and kept alive, as a
browser's are. Wall times are this script's, from sending a request to having
read its whole answer over loopback (so they include Python's client); server
times leave out compression and the network. Only figures are printed: the
answers are checked (2xx, JSON, no GraphQL `errors`, one activity ingested per
event) and the script exits 1 with a message on a wrong one; no timing is
asserted.

Usage: DREAMSEED_API_KEY=ds_… scripts/bench-graphql.py [http://127.0.0.1:8002]
       [--runs 30] [--uncached-runs 7] [--events 20] [--only cached|uncached|subscription]
       [--no-gzip]  (answers uncompressed, for the bytes table)
The key needs the editor role or above (it empties the cache) and the `ingest`
scope; make one on the Settings page. The `bench_ping` activities are written
for the first user of `GET /api/v1/users?per_page=1`. A full run makes about
620 requests with that key: start the server with RATE_LIMIT_PER_MINUTE=1000000
(the default, 100 a minute, answers 429 well before the end).
Only 127.0.0.1 is a target.
"""

import argparse
import base64
import concurrent.futures
import gzip
import hashlib
import http.client
import json
import math
import os
import queue
import socket
import statistics
import struct
import sys
import threading
import time
import urllib.parse

DASHBOARD_QUERY = (
    "query($range: String, $tz: String) { dashboard(range: $range, tz: $tz) { "
    "stats { totalUsers onlineUsers activeToday newToday activitiesToday problemsActive problemsTotal "
    "usersByType { free paid premium } yesterday { totalUsers active newUsers activities } asOf } "
    "userGrowth { days points { date newUsers totalUsers } } "
    "activitySeries { buckets series { activityType counts total } } "
    "activityHeatmap { counts max } "
    "countries { country name users todayActive lat lng } "
    "problemMatrix { subjects difficulties counts total } "
    "recentActivity(limit: 20) { id userId username country activityType description createdAt } } }"
)
DASHBOARD_VARIABLES = {"range": "30d", "tz": "kst"}
DASHBOARD_FIELDS = ["stats", "userGrowth", "activitySeries", "activityHeatmap", "countries", "problemMatrix",
                    "recentActivity"]
# What the dashboard page asks for, in its order.
REST_PATHS = [
    "/api/dashboard/stats?tz=kst",
    "/api/dashboard/user-growth?range=30d&tz=kst",
    "/api/dashboard/activity?range=30d&tz=kst",
    "/api/dashboard/activity-heatmap?range=30d&tz=kst",
    "/api/dashboard/countries?tz=kst",
    "/api/dashboard/problems",
    "/api/dashboard/recent-activity?limit=20",
]
SUBSCRIPTION = "subscription { activityAdded { id activityType createdAt } }"
PING_TYPE = "bench_ping"
WS_PATH = "/api/graphql/ws"
WS_PROTOCOL = "graphql-transport-ws"
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3
EVENT_WAIT = 10.0  # seconds an ingested activity's `next` may take before we give up


class BenchError(Exception):
    """A wrong answer: the script stops with its message."""


def say(line=""):
    print(line, flush=True)


def percentile(values, p):
    """The nearest-rank percentile `p` of `values`, or None."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def median(values):
    return statistics.median(values) if values else None


def fmt_ms(value):
    return "n/a" if value is None else f"{value:.2f}"


def fmt_bytes(value):
    return f"{value:,}"


def total(values):
    """The sum of `values`, or None when one of them is unknown."""
    return None if any(v is None for v in values) else sum(values)


# ---- HTTP ---------------------------------------------------------------------

class Target:
    """The server: where it is, the key, whether answers may come gzipped."""

    def __init__(self, base_url, key, use_gzip):
        url = urllib.parse.urlparse(base_url)
        if url.scheme != "http" or url.hostname not in ("127.0.0.1", "localhost"):
            raise BenchError(f"{base_url}: only http://127.0.0.1:PORT (or localhost) is a target")
        self.base_url = base_url.rstrip("/")
        self.port = url.port or 80
        self.host_header = f"{url.hostname}:{self.port}"
        self.prefix = url.path.rstrip("/")
        self.key = key
        self.use_gzip = use_gzip


class Answer:
    """One request's answer and its figures."""

    def __init__(self, method, path, status, reason, header_list, raw, started, ended, sent):
        self.method, self.path, self.status, self.reason = method, path, status, reason
        self.headers = headers = {k.lower(): v for k, v in header_list}
        self.raw = raw  # the body as it came (gzip or not)
        self.started, self.ended = started, ended  # time.perf_counter()
        self.sent = sent  # ≈ request bytes
        try:
            self.server_ms = float(headers["x-processing-time"])
        except (KeyError, ValueError):
            self.server_ms = None
        encoding = headers.get("content-encoding", "identity").lower()
        if encoding == "gzip":
            self.body = gzip.decompress(raw)
        elif encoding in ("identity", ""):
            self.body = raw
        else:
            raise BenchError(f"{method} {path}: answered in {encoding}, which was not asked for")
        self.header_bytes = len(f"HTTP/1.1 {status} {reason}\r\n") + 2 + sum(
            len(k) + len(v) + 4 for k, v in header_list)

    @property
    def wall_ms(self):
        return (self.ended - self.started) * 1000.0

    def what(self):
        return f"{self.method} {self.path}"

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            raise BenchError(f"{self.what()}: {self.status}, not JSON: {self.body[:300]!r}") from None

    def check(self):
        """The parsed JSON of a 2xx answer; a clear error otherwise."""
        if self.status == 429:
            raise BenchError(f"{self.what()}: 429 rate limited (Retry-After {self.headers.get('retry-after')}): "
                             "start the server with RATE_LIMIT_PER_MINUTE=1000000")
        if self.status in (401, 403):
            raise BenchError(f"{self.what()}: {self.status} {self.body[:300]!r}: DREAMSEED_API_KEY must be "
                             "a valid API key of role editor or above with the ingest scope")
        if not 200 <= self.status < 300:
            raise BenchError(f"{self.what()}: {self.status} {self.body[:500]!r}")
        return self.json()


class Client:
    """One kept-alive HTTP/1.1 connection to the server, for one thread at a time."""

    def __init__(self, target):
        self.target = target
        self.conn = None

    def connect(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.target.port, timeout=60)
            try:
                self.conn.connect()
            except OSError as error:
                self.conn = None
                raise BenchError(f"cannot connect to {self.target.base_url}: {error}; is the server running?") \
                    from None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def call(self, method, path, body=None):
        """Sends one request and reads its whole answer (not checked)."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Host": self.target.host_header, "Authorization": f"Bearer {self.target.key}",
                   "Accept": "application/json", "Accept-Encoding": "gzip" if self.target.use_gzip else "identity"}
        if data is not None:
            headers["Content-Type"] = "application/json"
            headers["Content-Length"] = str(len(data))
        url = self.target.prefix + path
        sent = len(f"{method} {url} HTTP/1.1\r\n") + 2 + sum(len(k) + len(v) + 4 for k, v in headers.items()) \
            + len(data or b"")
        for attempt in range(2):
            reused = self.conn is not None
            self.connect()  # not timed: a browser's connections are open already
            try:
                started = time.perf_counter()
                self.conn.request(method, url, body=data, headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
                ended = time.perf_counter()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                # The server closed a kept-alive connection between two requests: once more on a new one.
                self.close()
                if reused and attempt == 0:
                    continue
                raise BenchError(f"{method} {path}: no answer ({error!r})") from None
            except OSError as error:
                self.close()
                raise BenchError(f"{method} {path}: no answer ({error!r})") from None
            answer = Answer(method, path, response.status, response.reason, response.getheaders(), raw, started,
                            ended, sent)
            if response.will_close:
                self.close()
            return answer
        raise AssertionError("unreachable")


def graphql(client, query, variables=None):
    """(answer, data) of one GraphQL request, checked: 200 and no `errors`."""
    answer = client.call("POST", "/api/graphql", {"query": query, "variables": variables or {}})
    body = answer.check() if answer.status != 200 else answer.json()
    if not isinstance(body, dict):
        raise BenchError(f"POST /api/graphql: not a GraphQL answer: {answer.body[:300]!r}")
    if body.get("errors"):
        messages = "; ".join(f"{e.get('message')} {e.get('extensions') or ''}".strip() for e in body["errors"])
        raise BenchError(f"POST /api/graphql: errors: {messages}")
    return answer, body.get("data")


def invalidate(client):
    answer = client.call("POST", "/api/cache/invalidate", {})
    if answer.status == 403:
        raise BenchError(f"POST /api/cache/invalidate: 403 {answer.body[:300]!r}: the key needs the editor role "
                         "or above")
    answer.check()


# ---- the dashboard: GraphQL, REST one after another, REST in parallel ------------

class Dashboard:
    """The three ways of fetching the dashboard, each checked."""

    def __init__(self, target):
        self.main = Client(target)
        self.parallel = [Client(target) for _ in REST_PATHS]
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(REST_PATHS))

    def close(self):
        self.pool.shutdown()
        for client in [self.main] + self.parallel:
            client.close()

    def graphql(self):
        answer, data = graphql(self.main, DASHBOARD_QUERY, DASHBOARD_VARIABLES)
        dashboard = (data or {}).get("dashboard")
        if not isinstance(dashboard, dict):
            raise BenchError(f"POST /api/graphql: no `dashboard` in {answer.body[:300]!r}")
        missing = [f for f in DASHBOARD_FIELDS if dashboard.get(f) is None]
        if missing:
            raise BenchError(f"POST /api/graphql: `dashboard` without {', '.join(missing)}")
        if not isinstance(dashboard["stats"], dict) or dashboard["stats"].get("totalUsers") is None:
            raise BenchError(f"POST /api/graphql: no stats.totalUsers in {answer.body[:300]!r}")
        return answer

    def sequential(self):
        answers = []
        for path in REST_PATHS:
            answer = self.main.call("GET", path)
            answer.check()
            answers.append(answer)
        return answers

    def at_once(self):
        """The 7 calls in parallel; (wall ms until the last answer, the answers)."""
        started = time.perf_counter()
        futures = [self.pool.submit(client.call, "GET", path) for client, path in zip(self.parallel, REST_PATHS)]
        answers = [future.result() for future in futures]
        for answer in answers:
            answer.check()
        return (max(a.ended for a in answers) - started) * 1000.0, answers

    def warm(self):
        """One of each, untimed: fills the cache, opens the 8 connections and the pool's threads."""
        self.graphql()
        self.sequential()
        self.at_once()


def bench_dashboard(dash, runs, cached):
    figures = {"gql_wall": [], "gql_server": [], "seq_wall": [], "seq_server": [], "par_wall": []}
    per_call = {path: ([], []) for path in REST_PATHS}
    last = None
    for _ in range(runs):
        if not cached:
            invalidate(dash.main)
        gql = dash.graphql()
        if not cached:
            invalidate(dash.main)
        seq = dash.sequential()
        if not cached:
            invalidate(dash.main)
        par_wall, _ = dash.at_once()
        figures["gql_wall"].append(gql.wall_ms)
        figures["gql_server"].append(gql.server_ms)
        figures["seq_wall"].append(sum(a.wall_ms for a in seq))
        figures["seq_server"].append(total([a.server_ms for a in seq]))
        figures["par_wall"].append(par_wall)
        for answer in seq:
            per_call[answer.path][0].append(answer.wall_ms)
            per_call[answer.path][1].append(answer.server_ms)
        last = (gql, seq)

    def both(key):
        values = [v for v in figures[key] if v is not None]
        if len(values) < len(figures[key]):
            return "n/a", "n/a"
        return fmt_ms(median(values)), fmt_ms(percentile(values, 90))

    state = "cached (the cache warmed first)" if cached else "uncached (the cache emptied before each of a, b, c)"
    say(f"## Dashboard, {state}: {runs} runs, ms")
    say("| | requests | wall median | wall p90 | server median | server p90 |")
    say("|---|---|---|---|---|---|")
    say(f"| (a) GraphQL `dashboard` query | 1 | {' | '.join(both('gql_wall'))} | {' | '.join(both('gql_server'))} |")
    say(f"| (b) REST, one after another (sums) | {len(REST_PATHS)} | {' | '.join(both('seq_wall'))} | "
        f"{' | '.join(both('seq_server'))} |")
    say(f"| (c) REST, {len(REST_PATHS)} in parallel (until the last answer) | {len(REST_PATHS)} | "
        f"{' | '.join(both('par_wall'))} | — | — |")
    say()
    say("Each REST call of (b), median ms:")
    say("| call | wall | server |")
    say("|---|---|---|")
    for path, (walls, servers) in per_call.items():
        server = median(servers) if None not in servers else None
        say(f"| `GET {path}` | {fmt_ms(median(walls))} | {fmt_ms(server)} |")
    if cached:
        gql, seq = last
        encoding = "gzip" if dash.main.target.use_gzip else "identity"
        say()
        say(f"Bytes of one dashboard (the last run; answers asked for with Accept-Encoding: {encoding}; "
            "headers counted as HTTP/1.1 text, ≈):")
        say("| | requests | request bytes ≈ | answer headers ≈ | answer bodies as sent | their JSON |")
        say("|---|---|---|---|---|---|")
        say(f"| (a) GraphQL | 1 | {fmt_bytes(gql.sent)} | {fmt_bytes(gql.header_bytes)} | {fmt_bytes(len(gql.raw))} | "
            f"{fmt_bytes(len(gql.body))} |")
        say(f"| (b) REST, sum of {len(seq)} | {len(seq)} | {fmt_bytes(sum(a.sent for a in seq))} | "
            f"{fmt_bytes(sum(a.header_bytes for a in seq))} | {fmt_bytes(sum(len(a.raw) for a in seq))} | "
            f"{fmt_bytes(sum(len(a.body) for a in seq))} |")


# ---- WebSocket (RFC 6455, the client side) -------------------------------------

class WsClosed(Exception):
    def __init__(self, code, reason):
        super().__init__(f"closed by the server: {code} {reason}".strip())
        self.code, self.reason = code, reason


class WebSocket:
    """A minimal client: the upgrade, masked frames out, unmasked frames in
    (7/16/64-bit lengths, fragments), ping answered with pong, close echoed."""

    def __init__(self, target, path, protocol, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", target.port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()
        self.send_lock = threading.Lock()
        self.closing = False
        nonce = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {target.prefix}{path} HTTP/1.1\r\n"
                           f"Host: {target.host_header}\r\n"
                           "Upgrade: websocket\r\n"
                           "Connection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {nonce}\r\n"
                           "Sec-WebSocket-Version: 13\r\n"
                           f"Sec-WebSocket-Protocol: {protocol}\r\n"
                           f"Authorization: Bearer {target.key}\r\n\r\n").encode())
        while b"\r\n\r\n" not in self.buffer:
            if len(self.buffer) > 65536:
                raise BenchError(f"WebSocket {path}: no end to the upgrade answer's headers")
            self.fill(f"WebSocket {path}: the server closed the connection during the upgrade")
        end = self.buffer.index(b"\r\n\r\n")
        head = self.buffer[:end].decode("latin-1").split("\r\n")
        del self.buffer[:end + 4]
        status_line = head[0].split(" ", 2)
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
        if status != 101:
            # The refusal's body, for the message (what fits in a moment).
            try:
                want = int(headers.get("content-length", "0"))
                self.sock.settimeout(1)
                while len(self.buffer) < min(want, 4096):
                    self.fill("")
            except (OSError, ValueError, BenchError):
                pass
            hint = {401: ": check DREAMSEED_API_KEY", 403: ": check DREAMSEED_API_KEY",
                    404: ": no WebSocket route there", 429: ": start the server with RATE_LIMIT_PER_MINUTE=1000000"}
            raise BenchError(f"WebSocket upgrade of {path}: {head[0]} {bytes(self.buffer[:300])!r}"
                             f"{hint.get(status, '')}")
        accept = base64.b64encode(hashlib.sha1((nonce + WS_GUID).encode()).digest()).decode()
        if headers.get("sec-websocket-accept") != accept:
            raise BenchError(f"WebSocket upgrade of {path}: Sec-WebSocket-Accept is "
                             f"{headers.get('sec-websocket-accept')!r}, not {accept!r}")
        if headers.get("upgrade", "").lower() != "websocket":
            raise BenchError(f"WebSocket upgrade of {path}: Upgrade is {headers.get('upgrade')!r}")
        chosen = headers.get("sec-websocket-protocol")
        if chosen is not None and chosen != protocol:
            raise BenchError(f"WebSocket upgrade of {path}: the server chose the subprotocol {chosen!r}")
        self.sock.settimeout(None)  # the reader blocks; close() ends it

    def fill(self, closed_message):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise BenchError(closed_message or "the server closed the connection")
        self.buffer += chunk

    def read_exact(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise WsClosed(1006, "(the connection ended without a close frame)")
            self.buffer += chunk
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        return data

    def send_frame(self, opcode, payload):
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        mask = os.urandom(4)
        with self.send_lock:
            self.sock.sendall(header + mask + unmask(payload, mask))

    def send_text(self, text):
        self.send_frame(0x1, text.encode())

    def read_frame(self):
        """(fin, opcode, payload) of the next frame."""
        first, second = self.read_exact(2)
        if first & 0x70:
            raise BenchError(f"WebSocket: a frame with reserved bits {first & 0x70:#x} (no extension was agreed)")
        length = second & 0x7F
        if length == 126:
            length = struct.unpack("!H", self.read_exact(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self.read_exact(8))[0]
        mask = self.read_exact(4) if second & 0x80 else None  # a server must not mask; read it anyway
        payload = self.read_exact(length)
        return bool(first & 0x80), first & 0x0F, unmask(payload, mask) if mask else payload

    def receive(self):
        """The next text message; control frames are answered on the way."""
        message, kind = None, None
        while True:
            fin, opcode, payload = self.read_frame()
            if opcode == 0x9:  # ping
                self.send_frame(0xA, payload)
                continue
            if opcode == 0xA:  # pong
                continue
            if opcode == 0x8:  # close
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                reason = payload[2:].decode("utf-8", "replace")
                if not self.closing:
                    self.closing = True
                    try:
                        self.send_frame(0x8, payload[:2])
                    except OSError:
                        pass
                raise WsClosed(code, reason)
            if opcode in (0x1, 0x2):
                if message is not None:
                    raise BenchError("WebSocket: a new message inside a fragmented one")
                message, kind = bytearray(payload), opcode
            elif opcode == 0x0:
                if message is None:
                    raise BenchError("WebSocket: a continuation frame with no message begun")
                message += payload
            else:
                raise BenchError(f"WebSocket: unknown opcode {opcode:#x}")
            if fin:
                if kind != 0x1:
                    raise BenchError("WebSocket: a binary message (the protocol sends text frames only)")
                return message.decode("utf-8")

    def close(self, code=1000):
        """Sends a close frame (the reader sees the server's answer)."""
        if not self.closing:
            self.closing = True
            try:
                self.send_frame(0x8, struct.pack("!H", code))
            except OSError:
                pass

    def shutdown(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def unmask(data, mask):
    """`data` XOR the 4-byte `mask`, repeated (masking and unmasking are the same)."""
    if not data:
        return b""
    key = int.from_bytes((mask * (len(data) // 4 + 1))[:len(data)], "big")
    return (int.from_bytes(data, "big") ^ key).to_bytes(len(data), "big")


class Subscription:
    """graphql-transport-ws on a WebSocket; a thread reads every message as it
    arrives (stamped with time.perf_counter()), answers pings and queues the rest."""

    def __init__(self, target, query):
        self.ws = WebSocket(target, WS_PATH, WS_PROTOCOL)
        self.messages = queue.Queue()
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()
        self.send({"type": "connection_init"})
        self.expect("connection_ack", 10)
        self.send({"id": "1", "type": "subscribe", "payload": {"query": query}})

    def send(self, message):
        self.ws.send_text(json.dumps(message))

    def read(self):
        try:
            while True:
                text = self.ws.receive()
                arrived = time.perf_counter()
                try:
                    message = json.loads(text)
                except ValueError:
                    message = {"type": "(not JSON)", "text": text[:300]}
                if not isinstance(message, dict):
                    message = {"type": "(not an object)", "text": text[:300]}
                if message.get("type") == "ping":
                    self.send({"type": "pong"})
                    continue
                if message.get("type") == "pong":
                    continue
                self.messages.put((arrived, message))
        except (WsClosed, BenchError, OSError, UnicodeDecodeError, struct.error) as error:
            self.messages.put((time.perf_counter(), {"type": "(closed)", "error": error}))

    def get(self, timeout):
        """The next (arrival, message), or None after `timeout` s; a clear error
        on a closed socket or a GraphQL error."""
        try:
            arrived, message = self.messages.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None
        kind = message.get("type")
        if kind == "(closed)":
            raise BenchError(f"subscription: the WebSocket ended: {message['error']}")
        if kind == "error":
            raise BenchError(f"subscription: error {json.dumps(message.get('payload'))}")
        if kind == "complete":
            raise BenchError("subscription: the server completed it")
        if kind == "next" and (message.get("payload") or {}).get("errors"):
            raise BenchError(f"subscription: errors {json.dumps(message['payload']['errors'])}")
        if kind not in ("next", "connection_ack"):
            raise BenchError(f"subscription: unexpected message {json.dumps(message, default=str)[:300]}")
        return arrived, message

    def expect(self, kind, timeout):
        deadline = time.monotonic() + timeout
        while True:
            got = self.get(deadline - time.monotonic())
            if got is None:
                raise BenchError(f"subscription: no {kind} within {timeout} s")
            if got[1].get("type") == kind:
                return got

    def drain(self):
        while self.get(0) is not None:
            pass

    def close(self):
        try:
            self.send({"id": "1", "type": "complete"})
        except OSError:
            pass
        self.ws.close()
        self.reader.join(2)  # until the server's close frame ends the reader
        self.ws.shutdown()
        self.reader.join(2)


def activity_id(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def bench_subscription(target, events):
    client = Client(target)
    users = client.call("GET", "/api/v1/users?per_page=1").check()
    try:
        user_id = users["users"][0]["id"]
    except (KeyError, IndexError, TypeError):
        raise BenchError("GET /api/v1/users?per_page=1: no user to write the activities for") from None
    batch = {"events": [{"type": "activity", "user_id": user_id, "activity_type": PING_TYPE}]}

    def ingest():
        answer = client.call("POST", "/api/v1/events", batch)
        if answer.status == 403:
            raise BenchError(f"POST /api/v1/events: 403 {answer.body[:300]!r}: the key needs the ingest scope")
        result = answer.check()
        if not isinstance(result, dict) or result.get("activities") != 1:
            raise BenchError(f"POST /api/v1/events: no activity written: {answer.body[:500]!r}")
        return answer

    def wait_for(since, after_id, timeout):
        """(arrival, id) of the first `bench_ping` activityAdded that arrived at
        or after `since` with an id above `after_id`, or None."""
        deadline = time.perf_counter() + timeout
        while True:
            got = sub.get(deadline - time.perf_counter())
            if got is None:
                return None
            arrived, message = got
            if message.get("type") != "next" or message.get("id") != "1":
                continue
            added = ((message.get("payload") or {}).get("data") or {}).get("activityAdded") or {}
            if added.get("activityType") != PING_TYPE or arrived < since:
                continue
            number = activity_id(added.get("id"))
            if after_id is not None and number is not None and number <= after_id:
                continue  # an earlier event's message
            return arrived, number

    opened = time.perf_counter()
    sub = Subscription(target, SUBSCRIPTION)
    try:
        acked = time.perf_counter()
        # Untimed: a `next` for an event of ours says the subscription is live
        # (graphql-transport-ws does not acknowledge a subscribe).
        last_id, live = None, None
        for _ in range(5):
            since = time.perf_counter()
            ingest()
            live = wait_for(since, None, 2)
            if live:
                last_id = live[1]
                break
        if not live:
            raise BenchError(f"subscription: no activityAdded of type {PING_TYPE} within 2 s of each of 5 "
                             "ingested activities")
        time.sleep(0.2)
        say(f"## Subscription `activityAdded` on {WS_PATH} ({WS_PROTOCOL}), {events} events, ms")
        say(f"upgrade + connection_ack: {(acked - opened) * 1000:.2f} ms; events written for user {user_id}")
        latencies, post_walls, post_servers = [], [], []
        for n in range(events):
            sub.drain()
            since = time.perf_counter()
            answer = ingest()
            got = wait_for(since, last_id, EVENT_WAIT)
            if got is None:
                raise BenchError(f"event {n + 1}: no activityAdded of type {PING_TYPE} within {EVENT_WAIT:.0f} s "
                                 "of its POST")
            arrived, last_id = got[0], got[1] if got[1] is not None else last_id
            latencies.append((arrived - answer.started) * 1000.0)
            post_walls.append(answer.wall_ms)
            post_servers.append(answer.server_ms)
            say(f"event {n + 1:2}: next after {latencies[-1]:7.2f} ms (POST {answer.wall_ms:.2f} ms, "
                f"server {fmt_ms(answer.server_ms)} ms)")
            time.sleep(0.05)
    finally:
        sub.close()
        client.close()
    say()
    say("| | min | median | p95 | max |")
    say("|---|---|---|---|---|")
    for label, values in [("POST start → its `next` arrived", latencies), ("the POST, wall", post_walls),
                          ("the POST, server", post_servers)]:
        if any(v is None for v in values):
            say(f"| {label} | n/a | n/a | n/a | n/a |")
            continue
        say(f"| {label} | {fmt_ms(min(values))} | {fmt_ms(median(values))} | {fmt_ms(percentile(values, 95))} | "
            f"{fmt_ms(max(values))} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8002")
    parser.add_argument("--runs", type=int, default=30, help="cached runs (30)")
    parser.add_argument("--uncached-runs", type=int, default=7, help="uncached runs (7)")
    parser.add_argument("--events", type=int, default=20, help="subscription events (20)")
    parser.add_argument("--only", choices=["cached", "uncached", "subscription"])
    parser.add_argument("--no-gzip", action="store_true", help="ask for uncompressed answers")
    args = parser.parse_args()
    if min(args.runs, args.uncached_runs, args.events) < 1:
        sys.exit("--runs, --uncached-runs and --events are at least 1")
    key = os.environ.get("DREAMSEED_API_KEY")
    if not key:
        sys.exit("set DREAMSEED_API_KEY to an API key of role editor or above with the ingest scope")
    try:
        target = Target(args.base_url, key, not args.no_gzip)
        say(f"# DreamSeed GraphQL benchmark: {target.base_url}, load average {os.getloadavg()[0]:.2f} "
            f"on {os.cpu_count()} cores")
        if args.only != "subscription":
            dash = Dashboard(target)
            try:
                dash.warm()
                if args.only in (None, "cached"):
                    say()
                    bench_dashboard(dash, args.runs, cached=True)
                if args.only in (None, "uncached"):
                    say()
                    bench_dashboard(dash, args.uncached_runs, cached=False)
            finally:
                dash.close()
        if args.only in (None, "subscription"):
            say()
            bench_subscription(target, args.events)
    except BenchError as error:
        sys.exit(f"FAIL: {error}")


if __name__ == "__main__":
    main()
