#!/usr/bin/env python3
"""Concurrent writers drill (issue #12, item 2): N writer threads for S seconds
against a running `dreamseed serve`, a quarter each doing ingestion batches
(POST /api/v1/events), problem creates, problem edits (PATCH) and sign-ins.
Prints the requests made, the answers by status, p50/p99 latency per kind and
overall; exits 1 when any answer is a 5xx (a 503 too, unless --max-503 allows
some) or no answer at all; a 503 answered while the wall clock stepped is
reported apart (see CLOCK_STEP). Target: 8 writers x 60 s -> 0 errors, on SQLite
and on Postgres.

Usage: concurrent-writers.py --url http://127.0.0.1:18500 [--writers 8]
                             [--seconds 60] [--max-503 0] [--forwarded]
       concurrent-writers.py --serve sqlite|postgres [--bin target/release/dreamseed]
                             [--forwarded] …  (a server, key and account of its own)
Environment: DRILL_API_KEY  an editor API key with the `ingest` scope (used for
                            ingestion and problem edits);
             DRILL_EMAIL, DRILL_PASSWORD  an account to sign in as (without
                            them the sign-in threads edit problems instead).
--forwarded sends a random X-Forwarded-For per sign-in (for a server started
with TRUST_PROXY_HEADERS=true), so the per-address login limit is not what
the drill measures. Only 127.0.0.1 is a valid target.
"""

import argparse
import collections
import json
import os
import random
import sys
import tempfile
import threading
import time

from drill import (EMAIL, PASSWORD, Server, ingest_key, keep_on_failure, loopback_target, psql, request,
                   server_env)


# How far the wall clock may move against the monotonic one during a request
# before a 503 is put down to the step rather than to the server. Postgres
# times statement_timeout by the wall clock: a step forward (an NTP step, a
# virtual machine resumed from a pause) of about DB_STATEMENT_TIMEOUT_MS
# cancels the statements under way, and the server rightly answers 503 +
# Retry-After. Seen once in 2,932 requests in CI, on a request of 452 ms.
CLOCK_STEP = 1.0


def clock_offset():
    """The wall clock minus the monotonic clock, in seconds: constant unless
    the wall clock was stepped."""
    return time.clock_gettime(time.CLOCK_REALTIME) - time.monotonic()


def percentile(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, round((len(values) - 1) * p))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--serve", choices=["sqlite", "postgres"])
    parser.add_argument("--bin", default="target/release/dreamseed")
    parser.add_argument("--port", type=int, default=18540)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-503", type=int, default=0)
    parser.add_argument("--forwarded", action="store_true")
    args = parser.parse_args()
    if args.serve:
        sys.exit(1 if serve_and_drive(args) else 0)
    if not args.url:
        sys.exit("give --url of a running server, or --serve sqlite|postgres")
    host, port = loopback_target(args.url)
    key = os.environ.get("DRILL_API_KEY") or sys.exit("set DRILL_API_KEY (an editor key with the ingest scope)")
    email, password = os.environ.get("DRILL_EMAIL"), os.environ.get("DRILL_PASSWORD")
    sys.exit(1 if drive(args, host, port, key, email, password) else 0)


def serve_and_drive(args):
    """Starts a server of the drill's own (trusting X-Forwarded-For, so
    --forwarded spreads the sign-ins over addresses), drives it, stops it;
    returns whether a target was missed."""
    tmp = tempfile.mkdtemp(prefix="concurrent-writers-")
    env, admin, url = server_env(tmp, args.port, args.serve)
    env["TRUST_PROXY_HEADERS"] = "true"
    log = open(os.path.join(tmp, "server.log"), "ab")
    server = Server(args.bin, env, args.port, log)
    failed = True
    try:
        server.start()
        failed = drive(args, "127.0.0.1", args.port, ingest_key(args.port), EMAIL, PASSWORD)
    finally:
        server.stop()
        log.close()
        if url:
            psql(admin, f"drop database if exists {url.rsplit('/', 1)[1]} with (force)")
        keep_on_failure(tmp, failed, f"server log kept in {tmp}/server.log")
    return failed


def drive(args, host, port, key, email, password):
    """The writers against host:port; returns whether a target was missed."""
    authed = {"content-type": "application/json", "authorization": f"Bearer {key}"}
    run = f"{int(time.time())}-{random.randint(0, 9999)}"

    lock = threading.Lock()
    statuses = collections.Counter()
    # 503s answered while the wall clock stepped (see `clock_offset`).
    stepped_503 = collections.Counter()
    by_kind = collections.defaultdict(collections.Counter)
    latencies = collections.defaultdict(list)

    def record(kind, status, started, offset_before=None):
        elapsed = time.monotonic() - started
        stepped = offset_before is not None and abs(clock_offset() - offset_before) > CLOCK_STEP
        with lock:
            if status == 503 and stepped:
                stepped_503[kind] += 1
                return
            statuses[status] += 1
            by_kind[kind][status] += 1
            latencies[kind].append(elapsed)

    def new_problem(title):
        body = json.dumps({"title": title, "content": "drill", "status": "draft"})
        return request(host, port, "POST", "/api/v1/problems", body, authed)

    def writer(w, deadline):
        kind = ["ingest", "create", "edit", "login"][w % 4]
        if kind == "login" and not (email and password):
            kind = "edit"
        edited = None
        if kind == "edit":
            status, body = new_problem(f"drill {run} edited by {w}")
            if status != 201:
                print(f"writer {w}: could not create its problem: {status} {body}")
                record("edit", status, time.monotonic())
                return
            edited = body["problem"]["id"]
        i = 0
        while time.monotonic() < deadline:
            i += 1
            started, offset = time.monotonic(), clock_offset()
            if kind == "ingest":
                # Upserts of new and known users (a read, then writes, in one
                # transaction) and their activities.
                events = []
                for j in range(10):
                    user = f"drill-{run}-{w}-{(i * 10 + j) % 50}@example.com"
                    events.append({"type": "user_upsert", "email": user, "username": f"drill {w} {j}"})
                    events.append({"type": "activity", "user_email": user, "activity_type": "login"})
                status, _ = request(host, port, "POST", "/api/v1/events", json.dumps({"events": events}), authed)
            elif kind == "create":
                status, _ = new_problem(f"drill {run} {w} #{i}")
            elif kind == "edit":
                body = json.dumps({"title": f"drill {run} {w} edit {i}"})
                status, _ = request(host, port, "PATCH", f"/api/v1/problems/{edited}", body, authed)
            else:
                headers = {"content-type": "application/json"}
                if args.forwarded:
                    headers["x-forwarded-for"] = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
                body = json.dumps({"email": email, "password": password})
                status, _ = request(host, port, "POST", "/api/v1/auth/login", body, headers)
            record(kind, status, started, offset)

    deadline = time.monotonic() + args.seconds
    threads = [threading.Thread(target=writer, args=(w, deadline)) for w in range(args.writers)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    total = sum(statuses.values())
    every = [x for values in latencies.values() for x in values]
    print(f"{args.writers} writers for {elapsed:.1f} s: {total} requests ({total / elapsed:.0f}/s), by status {dict(statuses)}")
    for kind in sorted(by_kind):
        values = latencies[kind]
        print(
            f"  {kind:6} {len(values):6} requests {dict(by_kind[kind])}, "
            f"p50 {percentile(values, 0.5) * 1000:.0f} ms, p99 {percentile(values, 0.99) * 1000:.0f} ms"
        )
    print(f"  all    p50 {percentile(every, 0.5) * 1000:.0f} ms, p99 {percentile(every, 0.99) * 1000:.0f} ms")

    if stepped_503:
        print(f"  not counted: {sum(stepped_503.values())} answers were 503 while the wall clock stepped "
              f"by over {CLOCK_STEP:.0f} s ({dict(stepped_503)}): Postgres times statements by the wall clock")

    failed = False
    broken = {s: n for s, n in statuses.items() if not isinstance(s, int) or (s >= 500 and s != 503)}
    if broken:
        print(f"FAIL: server errors or no answer: {broken}")
        failed = True
    if statuses[503] > args.max_503:
        print(f"FAIL: {statuses[503]} answers were 503 (allowed: {args.max_503})")
        failed = True
    if total == 0:
        print("FAIL: no request was made")
        failed = True
    return failed


if __name__ == "__main__":
    main()
