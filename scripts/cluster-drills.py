#!/usr/bin/env python3
"""Cluster drills (issue #17, item 3): faults injected into a cluster of the
drills' own, each printing its figures. Started with cluster.py's functions
(clusterlib.Cluster): 3 replicas on 127.0.0.1:18801-18803 behind Debian's nginx
on 18800, the Postgres database dreamseed_cluster_drills on TEST_POSTGRES_URL's
server (default postgres://postgres@127.0.0.1:5432/test, which must be on this
machine; made fresh, dropped at the end) and a redis-server of the drills' own
on 127.0.0.1:16380 (Debian's /usr/bin/redis-server, no persistence, its pid
file and log in a temporary directory; the machine's Redis is never touched),
with RATE_LIMIT_PER_MINUTE=RATE_LIMIT. Authenticated load uses a pool of API
keys that keeps each under the limit (KeyPool).

kill      a replica SIGKILLed under GETs through nginx (4 threads, --seconds s,
          the kill a third of the way in): requests, failures, the last failure
          after the kill, when the balancer took it out of the upstream.
          Targets: under 1 % failed, none sent over 2 s after the kill.
rolling   every replica in turn SIGTERMed, out of the upstream, started, ready
          and back in it, under idempotent ingestion through nginx (each batch
          its own Idempotency-Key, retried on 409 / 5xx / dropped connections):
          batches acknowledged, lost, duplicated. Target: 0 lost, 0 duplicated.
redis     the drills' Redis SIGKILLed while the replicas serve, started again
          on the same port after a few seconds. While it is down: /health says
          degraded (within 2 s), every endpoint still answers (status counts
          per endpoint, no 5xx), and the rate limit holds on each replica
          alone (2 x RATE_LIMIT requests to each by one key: at most RATE_LIMIT
          through on each). After it returns: a problem created on replica 1
          while it was down is in replicas 2 and 3's cached stats within 5 s;
          so is one created on 1 just after it returned (as soon as replica 2
          has cached the stats again, or replica 1 uses Redis again if that
          comes first); /health healthy again, all 3 replicas subscribed again
          (PUBSUB NUMSUB), a change on 1 in 2's next read, and the limit
          shared again (3 x RATE_LIMIT over the 3 replicas: at most RATE_LIMIT
          through).
database  every connection of the drills' database terminated at once
          (pg_terminate_backend) under reads and writes through nginx: status
          counts during and after, every failure a 503 envelope with
          Retry-After (never a 500 or a dropped connection), and the recovery
          time (from the drop to the first second after which every answer is
          2xx). Target: under 10 s. The full run then makes the database refuse
          connections for --refuse-seconds (ALLOW_CONNECTIONS false, sessions
          terminated) and allows them again: recovery under 10 s after that.

A miss on a time target while the wall clock stepped or this script stalled
(a virtual machine paused) is reported apart, not counted (see Clock). Exits 1
on any other miss, with the replicas' last warnings and errors (the logs stay
in target/cluster-drills/, Redis's in its temporary directory); everything this
script started is stopped by its PID, on Ctrl-C too.

Usage: cluster-drills.py [--bin target/release/dreamseed] [--only kill,rolling,redis,database]
                         [--seconds 30] [--refuse-seconds 5] [--quick]
--quick: shorter loads and no refusing variant (about 40 s in all; the full
run about 100 s).
"""

import argparse
import collections
import os
import secrets
import shutil
import math
import signal
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import clusterlib
from clusterlib import api, cluster, error_code, miss, misses, must, psql, say

NGINX_PORT = 18800
PORTS = [18801, 18802, 18803]
REDIS_PORT = 16380
REDIS_SERVER = "/usr/bin/redis-server"
DATABASE = "dreamseed_cluster_drills"
RATE_LIMIT = 300
KEYS = 150
EMAIL, PASSWORD = "admin@cluster-drills.local", "drills-Admin-password-7"
USER = "drill@cluster-drills.local"
STATE = os.path.join(clusterlib.ROOT, "target", "cluster-drills")
RUN = secrets.token_hex(3)
DRILLS = ["kill", "rolling", "redis", "database"]

# Misses on a time target put down to the clock (see Clock), not counted.
excused = []


class Clock(threading.Thread):
    """Watches this machine's clocks every 50 ms: a step of the wall clock
    against the monotonic one (an NTP step, a virtual machine resumed: Postgres
    times statements by the wall clock) or a gap of over a second between two
    looks (this process or the machine stalled) disturbs any time measured
    across it."""

    def __init__(self):
        super().__init__(daemon=True)
        self.events = []  # (monotonic time, what)

    def run(self):
        offset, last = self.offset(), time.monotonic()
        while True:
            time.sleep(0.05)
            now, new = time.monotonic(), self.offset()
            if abs(new - offset) > 0.5:
                self.events.append((now, f"the wall clock stepped by {new - offset:+.1f} s"))
            if now - last > 1.0:
                self.events.append((now, f"a stall of {now - last:.1f} s"))
            offset, last = new, now

    @staticmethod
    def offset():
        return time.clock_gettime(time.CLOCK_REALTIME) - time.monotonic()

    def disturbed(self, since):
        """What disturbed the clocks since `since` (monotonic), or None."""
        seen = [what for at, what in list(self.events) if at >= since - 1]
        return ", ".join(seen) if seen else None


CLOCK = Clock()


def timing_miss(message, since):
    """A missed time target: not counted when the clocks were disturbed since `since`."""
    disturbed = CLOCK.disturbed(since)
    if disturbed:
        excused.append(f"{message} ({disturbed})")
        say(f"  not counted ({disturbed} during the measurement): {message}")
    else:
        miss(message)


class KeyPool:
    """Editor API keys with the ingest scope, handed out in turn so that none
    is ever refused by the rate limit: each is used at most 90 % of the limit
    in any 120 s (the server's sliding minute weighs at most the last two clock
    minutes); when all are used up, `take` waits."""

    WINDOW = 120

    def __init__(self, keys, limit):
        self.keys, self.budget = list(keys), int(limit * 0.9)
        self.uses = [collections.deque() for _ in self.keys]
        self.next, self.lock = 0, threading.Lock()
        # Seconds callers waited for a key (the load was held back).
        self.waited = 0.0

    def take(self):
        started = time.monotonic()
        while True:
            with self.lock:
                now = time.monotonic()
                for _ in self.keys:
                    i, self.next = self.next, (self.next + 1) % len(self.keys)
                    uses = self.uses[i]
                    while uses and uses[0] < now - self.WINDOW:
                        uses.popleft()
                    if len(uses) < self.budget:
                        uses.append(now)
                        self.waited += now - started
                        return self.keys[i]
            time.sleep(0.05)


class Redis:
    """A redis-server of the drills' own on 127.0.0.1:`port`: no persistence,
    its pid file and log in `tmp`; killed, restarted and stopped by its PID."""

    def __init__(self, port, tmp):
        self.port, self.tmp = port, tmp
        self.url = f"redis://127.0.0.1:{port}/0"
        self.log = os.path.join(tmp, "redis.log")
        self.process = None

    def start(self):
        argv = [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
                "--dir", self.tmp, "--pidfile", os.path.join(self.tmp, "redis.pid"), "--logfile", self.log,
                "--daemonize", "no"]
        with open(os.path.join(self.tmp, "redis.out"), "ab") as out:
            self.process = cluster.spawn(argv, None, out)
        cluster.wait_answering("redis-server", self.process, self.answers, f"on 127.0.0.1:{self.port}", self.log,
                               every=0.02)

    def answers(self):
        try:
            cluster.redis_command(self.url, ["PING"])
            return True
        except (OSError, RuntimeError):
            return False

    def command(self, *words):
        """One command's reply, raw."""
        return cluster.redis_command(self.url, list(words))

    def subscribers(self):
        """How many connections listen on the replicas' invalidation channel."""
        try:
            reply = self.command("PUBSUB", "NUMSUB", "dreamseed:invalidate").split(b"\r\n")
            return int(reply[-2].lstrip(b":"))
        except (OSError, RuntimeError, ValueError, IndexError):
            return 0

    def keys(self):
        try:
            return int(self.command("DBSIZE").strip().lstrip(b":"))
        except (OSError, RuntimeError, ValueError):
            return None

    def kill(self):
        self.process.kill()
        self.process.wait()

    def stop(self):
        if self.process is not None:
            cluster.stop([self.process], 5)


def authed(keys, port, method, path, body=None, headers=None, timeout=30, response_headers=None):
    """A request with the next key of the pool."""
    return api(port, method, path, body, keys.take(), headers, timeout, response_headers)


def activity(description):
    return {"events": [{"type": "activity", "user_email": USER, "activity_type": "cluster_drill",
                        "description": description}]}


def problem(title):
    return {"title": title, "content": "1 + 1 = ?", "answer": "2", "status": "active"}


def counts(statuses):
    """`{status: n}` as `200 x 12, 503 x 1`, ordered."""
    return ", ".join(f"{k} x {v}" for k, v in sorted(collections.Counter(statuses).items(), key=lambda kv: str(kv[0])))


# --- kill --------------------------------------------------------------------------------------------


def drill_kill(ctx):
    seconds = ctx["seconds"]
    kill_at = seconds / 3
    say(f"\nkill: replica 2 SIGKILLed {kill_at:.0f} s into {seconds:.0f} s of GETs (/ready, /login) through nginx, "
        f"4 threads")
    before, began = len(misses), time.monotonic()
    figures = clusterlib.failover(NGINX_PORT, ctx["replicas"][1], ctx["balancer"], seconds=seconds, threads=4,
                                  kill_at=kill_at)
    if figures["out"] is None:
        miss("the balancer never took the killed replica out of nginx's upstream")
    if len(misses) > before and CLOCK.disturbed(began):
        for message in misses[before:]:
            excused.append(message)
            say(f"  not counted ({CLOCK.disturbed(began)}): {message}")
        del misses[before:]


# --- rolling -----------------------------------------------------------------------------------------


def drill_rolling(ctx):
    say("\nrolling: every replica restarted in turn under idempotent ingestion through nginx (4 threads)")
    keys = ctx["keys"]
    clusterlib.rolling_restart(
        NGINX_PORT, ctx["replicas"], ctx["balancer"], lambda number, n: keys.take(), ctx["db"], f"cd-{RUN}", USER)


# --- redis -------------------------------------------------------------------------------------------


def health(port):
    status, body = api(port, "GET", "/health", timeout=5)
    return body.get("status") if status == 200 and isinstance(body, dict) else status


def stats(keys, port):
    return must(f"stats on {port}", authed(keys, port, "GET", "/api/dashboard/stats"), 200)["problems_total"]


def cache_status(keys, port):
    return must(f"cache status on {port}", authed(keys, port, "GET", "/api/cache/status"), 200)


def cached_on(keys, ports):
    """Reads the stats on each of `ports` until the read after one comes from
    its cache (an invalidation may still land); returns the figure."""
    figure = None
    for port in ports:
        for _ in range(40):
            stats(keys, port)
            first = cache_status(keys, port)["hits"]
            figure = stats(keys, port)
            if cache_status(keys, port)["hits"] > first:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"replica {port} never served the stats from its cache")
    return figure


def until_fresh(keys, ports, wanted, within, since):
    """Seconds from `since` until each of `ports` reads problems_total `wanted`
    or more ({port: seconds, or None if not within `within` s})."""
    seen = {port: None for port in ports}
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and None in seen.values():
        for port in ports:
            if seen[port] is None and stats(keys, port) >= wanted:
                seen[port] = time.monotonic() - since
        time.sleep(0.05)
    return seen


def limit_burst(key, per_port):
    """`per_port` requests by `key` to each replica (see clusterlib.limit_burst)."""
    return clusterlib.limit_burst(key, PORTS, per_port, "/api/v1/auth/me", workers=8, margin=6)


def mixed_load(keys, seconds, threads=6):
    """Requests to every kind of endpoint, through nginx, for `seconds` s:
    {endpoint: [(status, seconds taken, body)]}."""
    calls = [
        ("GET /api/dashboard/stats", "GET", "/api/dashboard/stats", None),
        ("GET /api/dashboard/countries", "GET", "/api/dashboard/countries", None),
        ("GET /api/v1/users", "GET", "/api/v1/users?per_page=5", None),
        ("GET /api/v1/problems", "GET", "/api/v1/problems?per_page=5", None),
        ("GET /api/v1/auth/me", "GET", "/api/v1/auth/me", None),
        ("GET /api/cache/status", "GET", "/api/cache/status", None),
        ("POST /api/cache/invalidate", "POST", "/api/cache/invalidate", {"pattern": "countries*"}),
        ("POST /api/v1/events", "POST", "/api/v1/events", None),
        ("GET /health", "GET", "/health", None),
    ]
    results = collections.defaultdict(list)
    lock = threading.Lock()

    def call(w, n):
        n = w + n * threads
        name, method, path, body = calls[n % len(calls)]
        if path == "/api/v1/events":
            body = activity(f"cd-redis-{RUN}-{w}-{n}")
        started = time.monotonic()
        status, answer = authed(keys, NGINX_PORT, method, path, body, timeout=10)
        with lock:
            results[name].append((status, time.monotonic() - started, answer))

    clusterlib.load(threads, seconds, call)
    return results


def drill_redis(ctx):
    keys, redis = ctx["keys"], ctx["redis"]
    first, others = PORTS[0], PORTS[1:]
    down_for = ctx["redis_load"]
    say("\nredis: the drills' Redis SIGKILLed while 3 replicas serve, then started again on the same port")
    statuses = [cache_status(keys, port) for port in PORTS]
    healths = [health(port) for port in PORTS]
    backends = ", ".join(f"{s['backend']} connected={s['connected']}" for s in statuses)
    say(f"  before: cache {backends}; "
        f"/health {', '.join(map(str, healths))}; {redis.keys()} keys in Redis, "
        f"{redis.subscribers()} replicas subscribed")
    if not all(s["connected"] for s in statuses) or healths != ["healthy"] * 3:
        miss("the replicas did not all use Redis before the kill")
    rate_keys = [clusterlib.api_key(first, ctx["admin"], f"limit-{RUN}-{i}", "viewer") for i in range(2)]

    # Down.
    killed, wall = time.monotonic(), stamp()
    redis.kill()
    degraded = {}
    while len(degraded) < 3 and time.monotonic() - killed < 10:
        for port in PORTS:
            if port not in degraded and health(port) == "degraded":
                degraded[port] = time.monotonic() - killed
        time.sleep(0.05)
    say(f"  Redis SIGKILLed at {wall} UTC; /health 'degraded' on {len(degraded)} of 3 replicas, after "
        + ", ".join(f"{degraded[p]:.2f} s" if p in degraded else "never" for p in PORTS))
    if len(degraded) < 3:
        miss("a replica's /health never said degraded with Redis down")
    elif max(degraded.values()) > 2:
        timing_miss(f"/health said degraded {max(degraded.values()):.2f} s after the kill (target: 2 s)", killed)

    began = time.monotonic()
    results = mixed_load(keys, down_for)
    took = time.monotonic() - began
    total = sum(len(v) for v in results.values())
    say(f"  with Redis down, {total} requests through nginx in {took:.1f} s (6 threads), by endpoint:")
    bad = []
    for name, answers in results.items():
        times = [t for _, t, _ in answers]
        note = ""
        if name == "GET /health":
            note = f"; status {counts(b.get('status') for _, _, b in answers if isinstance(b, dict))}"
        elif name == "GET /api/cache/status":
            note = f"; connected {counts(b.get('connected') for _, _, b in answers if isinstance(b, dict))}"
        say(f"    {name:30} {counts(s for s, _, _ in answers)}; median {statistics.median(times) * 1000:.0f} ms, "
            f"slowest {max(times) * 1000:.0f} ms{note}")
        bad += [s for s, _, _ in answers if s not in (200, 201)]
    if bad:
        miss(f"with Redis down, answers other than 200/201: {counts(bad)}")
    slow = max(t for v in results.values() for _, t, _ in v)
    if slow > 1:
        timing_miss(f"with Redis down, the slowest answer took {slow:.2f} s", began)

    accepted, other, took = limit_burst(rate_keys[0], 2 * RATE_LIMIT)
    say(f"  rate limit with Redis down: one key, {2 * RATE_LIMIT} requests to each replica in {took:.1f} s: "
        f"{sum(accepted.values())} accepted ({', '.join(f'{p}: {n}' for p, n in accepted.items())}; "
        f"at most {RATE_LIMIT} each, {3 * RATE_LIMIT} in all), {len(other)} other")
    if other:
        miss(f"rate limit with Redis down: statuses other than 200/429: {counts(other)}")
    for port, n in accepted.items():
        if n > RATE_LIMIT:
            miss(f"replica {port} let {n} requests of one key through with Redis down (limit {RATE_LIMIT})")
        if n < RATE_LIMIT * 0.9:
            miss(f"replica {port} let only {n} requests through with Redis down (limit {RATE_LIMIT})")

    # A change while it is down: its replica cannot tell the others.
    time.sleep(0.7)  # the activity tails' invalidations after the load's ingestion
    before = cached_on(keys, others)
    must("a problem on 1", authed(keys, first, "POST", "/api/v1/problems", problem(f"redis down {RUN}")), 201)
    changed = time.monotonic()
    stale = [stats(keys, port) for port in others]
    say(f"  a problem created on replica 1 with Redis down: problems_total on 2 and 3 "
        f"{' and '.join(map(str, stale))} (was {before}; as documented, each replica keeps what it cached, "
        f"up to 30 s, while it cannot hear the others)")

    # Back.
    time.sleep(max(0.0, 3 - (time.monotonic() - killed)))
    down = time.monotonic() - killed
    redis.start()
    back = time.monotonic()
    say(f"  Redis started again on port {REDIS_PORT} after {down:.1f} s down (at {stamp()} UTC)")
    recovery = Recovery(keys, redis, back)
    race = just_after_return(ctx, back)
    fresh = until_fresh(keys, others, before + 1, 35, back)
    say("  the problem created while Redis was down is in replicas 2 and 3's stats "
        + ", ".join(seconds_or_never(fresh[p]) for p in others)
        + f" after Redis returned (it was created {back - changed:.1f} s before that)")
    if None in fresh.values() or max(fresh.values()) > 5:
        late = max((v for v in fresh.values() if v is not None), default=None)
        timing_miss(f"a change made while Redis was down reached replicas 2 and 3 "
                    f"{'never' if late is None else f'{late:.1f} s'} after Redis returned (target: 5 s)", killed)
    if race["created"]:
        seen = until_fresh(keys, others, before + 2, 35, race["at"])
        say(f"  the problem created just after Redis returned ({race['when']}) is in replicas 2 and 3's stats "
            + ", ".join(seconds_or_never(seen[p]) for p in others) + " after it was created")
        if None in seen.values() or max(seen.values()) > 5:
            late = max((v for v in seen.values() if v is not None), default=None)
            miss(f"a change made on replica 1 {race['when']} reached replicas 2 and 3 "
                 f"{'never' if late is None else f'{late:.1f} s'} after it was made (target: 5 s): replica 1, "
                 f"not yet using Redis again, told no one, and replica 2 had already dropped its cache on "
                 f"subscribing again and cached the old figure")
    recovery.join()
    say("  after the return: replicas 1, 2, 3 used Redis again (cache status connected) after "
        + ", ".join(seconds_or_never(recovery.connected.get(p)) for p in PORTS)
        + "; /health 'healthy' after " + ", ".join(seconds_or_never(recovery.healthy.get(p)) for p in PORTS)
        + "; 1, 2, 3 replicas subscribed to invalidations after "
        + ", ".join(seconds_or_never(recovery.subscribed.get(n)) for n in (1, 2, 3)))
    if len(recovery.healthy) < 3:
        miss("a replica's /health did not say healthy again within 10 s of Redis's return")
    if 3 not in recovery.subscribed:
        miss(f"only {redis.subscribers()} of 3 replicas listen for invalidations 10 s after Redis returned")

    before = cached_on(keys, [PORTS[1]])
    must("a problem on 1", authed(keys, first, "POST", "/api/v1/problems", problem(f"redis back {RUN}")), 201)
    after = stats(keys, PORTS[1])
    say(f"  cross-replica invalidation again: a problem created on 1, replica 2's next read of its cached stats: "
        f"problems_total {before} -> {after}")
    if after != before + 1:
        miss(f"after Redis returned, replica 2's next read showed problems_total {after}, not {before + 1}")
    accepted, other, took = limit_burst(rate_keys[1], RATE_LIMIT)
    total = sum(accepted.values())
    say(f"  rate limit shared again: one key, {RATE_LIMIT} requests to each replica in {took:.1f} s: {total} accepted "
        f"({', '.join(f'{p}: {n}' for p, n in accepted.items())}; limit {RATE_LIMIT} in all), {len(other)} other; "
        f"{redis.keys()} keys in Redis")
    if other:
        miss(f"rate limit after Redis returned: statuses other than 200/429: {counts(other)}")
    if total > RATE_LIMIT:
        miss(f"{total} requests of one key accepted over 3 replicas after Redis returned (limit {RATE_LIMIT}): "
             f"the count is not shared again")


def stamp():
    """The wall clock (UTC) as the replicas' logs write it, to find their lines of a moment."""
    now = time.time()
    return time.strftime("%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}"


def seconds_or_never(value):
    return "never" if value is None else f"{value:.2f} s"


class Recovery(threading.Thread):
    """From `back` (Redis started again), for at most 10 s: when each replica
    counts Redis as up again (cache status `connected`) and says healthy on
    /health, and when 1, 2 and 3 replicas listen on the invalidation channel."""

    def __init__(self, keys, redis, back):
        super().__init__(daemon=True)
        self.keys, self.redis, self.back = keys, redis, back
        self.connected, self.healthy, self.subscribed = {}, {}, {}
        self.start()

    def run(self):
        while time.monotonic() - self.back < 10:
            for port in PORTS:
                if port not in self.connected and cache_status(self.keys, port)["connected"]:
                    self.connected[port] = time.monotonic() - self.back
                if port not in self.healthy and health(port) == "healthy":
                    self.healthy[port] = time.monotonic() - self.back
            for n in range(1, self.redis.subscribers() + 1):
                self.subscribed.setdefault(n, time.monotonic() - self.back)
            if len(self.connected) == len(self.healthy) == len(self.subscribed) == 3:
                return
            time.sleep(0.05)


def just_after_return(ctx, back):
    """Right after Redis returns, replica 1's probe (once a second) may not
    have found it yet while the others have already subscribed again and
    dropped their cache: a change on replica 1 then is not published. Creates
    a problem on 1 at the first moment replica 2 has cached the stats again
    (a cache miss since the return) while replica 1 still counts Redis as down,
    or, if replica 1 finds it first, then. Returns what was done."""
    keys, first, second = ctx["keys"], PORTS[0], PORTS[1]
    misses_before = cache_status(keys, second)["misses"]
    while time.monotonic() - back < 5:
        stats(keys, second)
        recached = cache_status(keys, second)["misses"] > misses_before
        connected = cache_status(keys, first)["connected"]
        if recached or connected:
            when = ("while replica 1 still counted Redis as down and replica 2 had cached the stats again"
                    if recached and not connected else "once replica 1 used Redis again")
            at, wall = time.monotonic(), stamp()
            must("a problem on 1", authed(keys, first, "POST", "/api/v1/problems", problem(f"redis return {RUN}")),
                 201)
            return {"created": 1, "at": at, "when": f"{at - back:.2f} s after, at {wall} UTC, {when}"}
        time.sleep(0.02)
    return {"created": 0, "at": None, "when": "never"}


# --- database ----------------------------------------------------------------------------------------


class Load:
    """Reads and writes through nginx from `threads` threads until `stop`:
    every answer with its start (seconds since `start`), status, error code and
    whether it said Retry-After."""

    READS = ["/api/v1/users?per_page=5", "/api/v1/problems?per_page=5", "/api/dashboard/stats"]

    def __init__(self, keys, readers=4, writers=2):
        self.keys, self.results, self.lock = keys, [], threading.Lock()
        self.done = threading.Event()
        self.start = time.monotonic()
        self.threads = [threading.Thread(target=self.read, args=(i,)) for i in range(readers)]
        self.threads += [threading.Thread(target=self.write, args=(i,)) for i in range(writers)]
        for thread in self.threads:
            thread.start()

    def record(self, at, status, body, seen):
        took = time.monotonic() - at
        with self.lock:
            self.results.append((at - self.start, status, error_code(body), "retry-after" in seen,
                                 isinstance(body, dict), took))
        if not ok(status):
            # As a client would, though sooner than Retry-After says: the drill times the recovery.
            time.sleep(0.1)

    def read(self, i):
        n = i
        while not self.done.is_set():
            seen, at = {}, time.monotonic()
            status, body = authed(self.keys, NGINX_PORT, "GET", self.READS[n % len(self.READS)], timeout=30,
                                  response_headers=seen)
            self.record(at, status, body, seen)
            n += 1

    def write(self, i):
        n = 0
        while not self.done.is_set():
            seen, at = {}, time.monotonic()
            if n % 2:
                status, body = authed(self.keys, NGINX_PORT, "POST", "/api/v1/problems",
                                      problem(f"db drill {RUN} {i} {n}"), timeout=30, response_headers=seen)
            else:
                status, body = authed(self.keys, NGINX_PORT, "POST", "/api/v1/events",
                                      activity(f"cd-db-{RUN}-{i}-{n}"), timeout=30, response_headers=seen)
            self.record(at, status, body, seen)
            n += 1

    def stop(self):
        self.done.set()
        for thread in self.threads:
            thread.join()

    def now(self):
        return time.monotonic() - self.start

    def last_failure(self):
        with self.lock:
            return max((at for at, status, *_ in self.results if not ok(status)), default=None)


def ok(status):
    return isinstance(status, int) and 200 <= status < 300


def database_fault(ctx, name, fault, before, after, most=20):
    """`fault()` (returns what it did) `before` s into the load; the load goes
    on at least `after` s past the moment the fault ended, and until 3 s pass
    without a failure (at most `most` s). Prints and checks the answers."""
    load = Load(ctx["keys"])
    try:
        time.sleep(before)
        began = load.now()
        did = fault()
        ref = load.now()  # the fault's end: recovery counts from here
        while True:
            time.sleep(0.1)
            last = load.last_failure()
            quiet = last is None or load.now() - last >= 3
            if (load.now() - ref >= after and quiet) or load.now() - ref >= most:
                break
    finally:
        load.stop()
    results = load.results
    end = max(at for at, *_ in results)
    last = load.last_failure()
    # The first whole second (counted from the fault's end) after the last failure.
    recovery = 0 if last is None else max(0, int(last - ref) + 1 if last >= ref else 0)
    early = [r for r in results if r[0] < began]
    during = [r for r in results if began <= r[0] < ref + recovery]
    later = [r for r in results if r[0] >= ref + recovery]
    say(f"  {did}; {len(results)} requests (4 readers, 2 writers through nginx)")
    say(f"    before the fault: {counts(kind(r) for r in early)}")
    say(f"    from the fault to the recovery: {counts(kind(r) for r in during) or 'none'}")
    say(f"    after the recovery: {counts(kind(r) for r in later) or 'none'}")
    per_second = collections.defaultdict(list)
    for r in results:
        if r[0] >= began:
            per_second[math.floor(r[0] - ref)].append(r)
    line = " ".join(f"{s:+d}: {sum(1 for r in rs if not ok(r[1]))}/{len(rs)}"
                    for s, rs in sorted(per_second.items()) if s <= recovery + 1)
    say(f"    failed/answered by second from the fault's end (negative: while it lasted): {line}")
    slowest = max(r[5] for r in results if r[0] >= began)
    say(f"    slowest answer from the fault on: {slowest:.2f} s")
    say(f"    recovery: every answer 2xx from {recovery} s after the fault's end"
        + (f" (the last failure was sent {last - ref:+.2f} s from it)" if last is not None else " (nothing failed)"))
    broken = [r for r in results if not ok(r[1]) and not (r[1] == 503 and r[2] and r[3] and r[4])]
    if broken:
        miss(f"{name}: failures other than a 503 envelope with Retry-After: {counts(kind(r) for r in broken)}")
    if last is not None and last >= end - 2:
        miss(f"{name}: requests still failed at the end of the load ({end - ref:.0f} s after the fault)")
    elif recovery >= 10:
        timing_miss(f"{name}: recovery took {recovery} s (target: under 10 s)", load.start + began)
    if not later:
        miss(f"{name}: no request answered after the recovery")
    return {"requests": len(results), "failed": sum(1 for r in results if not ok(r[1])), "recovery": recovery,
            "broken": len(broken)}


def kind(result):
    """`2xx`, or the status, its error code and what the envelope lacks."""
    _, status, code, retry_after, envelope, _ = result
    if ok(status):
        return "2xx"
    lacks = [what for what, has in (("not JSON", envelope), ("no Retry-After", retry_after)) if not has]
    return " ".join([str(status), code or "", *(f"({what})" for what in lacks)]).replace("  ", " ").strip()


def terminate(ctx):
    rows = psql(ctx["admin_url"], f"select count(pg_terminate_backend(pid)) from pg_stat_activity "
                                  f"where datname = '{DATABASE}' and pid <> pg_backend_pid()")
    return int(rows[0][0])


def drill_database(ctx):
    say("\ndatabase: every connection of the drills' database terminated at once, under load through nginx")
    database_fault(ctx, "connections terminated", lambda: f"{terminate(ctx)} connections terminated",
                   before=ctx["db_before"], after=ctx["db_after"])
    refuse = ctx["refuse_seconds"]
    if refuse:
        say(f"\ndatabase, refusing: the database refuses connections for {refuse:.0f} s (ALLOW_CONNECTIONS false, "
            f"its sessions terminated), then allows them")

        def refusing():
            ctx["refusing"] = True
            psql(ctx["admin_url"], f"alter database {DATABASE} allow_connections false")
            n = terminate(ctx)
            time.sleep(refuse)
            psql(ctx["admin_url"], f"alter database {DATABASE} allow_connections true")
            ctx["refusing"] = False
            return f"refused for {refuse:.0f} s ({n} connections terminated), then allowed"

        database_fault(ctx, "refusing", refusing, before=ctx["db_before"], after=ctx["db_after"], most=30)


# --- main --------------------------------------------------------------------------------------------


def noting_waits(drill):
    """`drill`, saying afterwards how long the key pool held its load back, if it did."""

    def run(ctx):
        before = ctx["keys"].waited
        try:
            drill(ctx)
        finally:
            if ctx["keys"].waited - before > 0.5:
                say(f"  (the key pool held requests back {ctx['keys'].waited - before:.1f} s in all, "
                    f"to keep each key under the rate limit)")

    run.__name__ = drill.__name__
    return run


def setup(ctx):
    """The admin's token, the key pool and the ingestion's user."""
    first = PORTS[0]
    ctx["admin"] = clusterlib.login(first, EMAIL, PASSWORD)

    def new_key(i):
        return clusterlib.api_key(first, ctx["admin"], f"drill-{i}", "editor", ["ingest"])

    with ThreadPoolExecutor(max_workers=6) as pool:
        ctx["keys"] = KeyPool(pool.map(new_key, range(KEYS)), RATE_LIMIT)
    must("the ingestion's user", authed(ctx["keys"], first, "POST", "/api/v1/events",
                                        {"events": [{"type": "user_upsert", "email": USER, "username": "drill"}]}),
         200)


def main():
    parser = argparse.ArgumentParser(description="Cluster drills: faults in 3 replicas behind nginx.")
    parser.add_argument("--bin", help="default: target/release/dreamseed, else target/debug/dreamseed")
    parser.add_argument("--only", help=f"some of {','.join(DRILLS)}")
    parser.add_argument("--seconds", type=float, help="the kill drill's load (30; --quick: 6)")
    parser.add_argument("--refuse-seconds", type=float, help="the database drill's refusing variant (5; --quick: 0)")
    parser.add_argument("--quick", action="store_true", help="shorter loads, no refusing variant")
    args = parser.parse_args()
    if args.bin is None:
        release = os.path.join(clusterlib.ROOT, "target", "release", "dreamseed")
        args.bin = release if os.access(release, os.X_OK) else os.path.join(clusterlib.ROOT, "target", "debug",
                                                                             "dreamseed")
    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        sys.exit(f"no server binary at {args.bin} (make build, or pass --bin)")
    only = args.only.split(",") if args.only else DRILLS
    unknown = [name for name in only if name not in DRILLS]
    if unknown:
        sys.exit(f"--only: unknown drill(s) {', '.join(unknown)}; choose from {', '.join(DRILLS)}")
    for tool, what in [(cluster.NGINX, "make nginx installs Debian's"), (REDIS_SERVER, "Debian's redis-server")]:
        if not os.access(tool, os.X_OK):
            sys.exit(f"{tool} is missing: {what}")
    cluster.require_free([NGINX_PORT, *PORTS, REDIS_PORT])
    seconds = args.seconds or (6 if args.quick else 30)
    ctx = {"seconds": seconds,
           "refuse_seconds": args.refuse_seconds if args.refuse_seconds is not None else (0 if args.quick else 5),
           "redis_load": 1.5 if args.quick else max(1.5, seconds / 6),
           "db_before": 2 if args.quick else 5, "db_after": 5 if args.quick else max(5.0, seconds / 2)}

    signal.signal(signal.SIGINT, cluster.on_signal)
    signal.signal(signal.SIGTERM, cluster.on_signal)
    os.makedirs(STATE, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="cluster-drills-redis-")
    redis = Redis(REDIS_PORT, tmp)
    own = clusterlib.Cluster(binary, STATE, NGINX_PORT, PORTS, DATABASE, redis.url, EMAIL, PASSWORD, fresh=True,
                             RATE_LIMIT_PER_MINUTE=str(RATE_LIMIT))
    cluster.answers(own.admin_url)
    CLOCK.start()
    began = time.monotonic()
    try:
        redis.start()
        own.start()
        say(f"cluster up in {time.monotonic() - began:.1f} s: replicas {', '.join(map(str, PORTS))}, nginx "
            f"{NGINX_PORT}, database {DATABASE}, Redis 127.0.0.1:{REDIS_PORT} (its own), "
            f"{os.path.relpath(binary, clusterlib.ROOT)}, RATE_LIMIT_PER_MINUTE={RATE_LIMIT}")
        ctx.update(db=own.db, admin_url=own.admin_url, replicas=own.replicas, balancer=own.balancer, redis=redis)
        setup(ctx)
        drills = {"kill": drill_kill, "rolling": drill_rolling, "redis": drill_redis, "database": drill_database}
        clusterlib.run_checks([noting_waits(drills[name]) for name in DRILLS if name in only], ctx, own.balancer)
    except cluster.Stop as received:
        miss(f"{received}: stopped")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if ctx.get("refusing"):
            psql(own.admin_url, f"alter database {DATABASE} allow_connections true")
        own.stop(tails=bool(misses), warnings_only=True)
        redis.stop()
        if misses:
            say(f"Redis's log kept in {redis.log}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for message in excused:
        say(f"not counted: {message}")
    clusterlib.conclude(began, "cluster drills passed")


if __name__ == "__main__":
    main()
