#!/usr/bin/env python3
"""Postgres-refusing drill (issue #12, item 4): starts `dreamseed serve` on a
Postgres database of its own, then makes that database refuse connections
(`ALLOW_CONNECTIONS false` and `pg_terminate_backend` on its sessions; the
shared server keeps running) and sends REQUESTS list requests and a sign-in.
Every answer must be 503 SERVICE_UNAVAILABLE with Retry-After, none slower
than MAX_SECONDS; once connections are allowed again, the server must answer
200 by itself within 10 s (no restart).

Prints the answers by status, the slowest and median times, and the time to
recover; exits 1 when a target is missed.

Usage: postgres-refusing.py [--bin target/release/dreamseed] [--requests 200]
                            [--max-seconds 3] [--port 18530]
Uses TEST_POSTGRES_URL's server (default postgres://postgres@127.0.0.1:5432/test),
which must be on this machine.
"""

import argparse
import collections
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from drill import EMAIL, PASSWORD, Server, answer_kind, ingest_key, keep_on_failure, psql, request, server_env


def timed(port, method, path, body=None, headers=None):
    """(status, JSON answer, seconds taken, whether it said Retry-After)."""
    started = time.monotonic()
    seen = {}
    status, answer = request("127.0.0.1", port, method, path, body, headers, timeout=60, response_headers=seen)
    return status, answer, time.monotonic() - started, "retry-after" in seen


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default="target/release/dreamseed")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--max-seconds", type=float, default=3.0)
    parser.add_argument("--port", type=int, default=18530)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="postgres-refusing-")
    env, admin, url = server_env(tmp, args.port, "postgres")
    name = url.rsplit("/", 1)[1]
    log = open(os.path.join(tmp, "server.log"), "ab")
    server = Server(args.bin, env, args.port, log)
    failures = ["did not finish"]
    try:
        server.start()
        failures = drill(args, admin, name)
    finally:
        server.stop()
        log.close()
        psql(admin, f"alter database {name} allow_connections true")
        psql(admin, f"drop database if exists {name} with (force)")
        for failure in failures:
            print(f"FAIL: {failure}")
        keep_on_failure(tmp, failures, f"server log kept in {tmp}/server.log")
    sys.exit(1 if failures else 0)


def drill(args, admin, name):
    port = args.port
    headers = {"authorization": f"Bearer {ingest_key(port)}"}
    status = timed(port, "GET", "/api/v1/users?per_page=5", headers=headers)[0]
    if status != 200:
        return [f"the list before the fault answered {status}"]

    psql(admin, f"alter database {name} allow_connections false")
    psql(admin, f"select pg_terminate_backend(pid) from pg_stat_activity where datname = '{name}'")

    def one(i):
        path = ["/api/v1/users?per_page=5", "/api/v1/problems?per_page=5", "/api/dashboard/stats"][i % 3]
        return timed(port, "GET", path, headers=headers)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(one, range(args.requests)))
    login = timed(port, "POST", "/api/v1/auth/login", json.dumps({"email": EMAIL, "password": PASSWORD}),
                  {"content-type": "application/json"})
    answers.append(login)

    kinds = collections.Counter()
    for status, answer, _, _ in answers:
        kinds[answer_kind(status, answer)] += 1
    times = [t for _, _, t, _ in answers]
    without_retry_after = sum(1 for status, _, _, retry in answers if status == 503 and not retry)
    print(f"Postgres refusing connections: {len(answers)} requests ({args.requests} lists + 1 sign-in): "
          + ", ".join(f"{k} x {v}" for k, v in sorted(kinds.items())))
    print(f"time per answer: median {statistics.median(times):.2f} s, slowest {max(times):.2f} s; "
          f"sign-in {login[2]:.2f} s")

    psql(admin, f"alter database {name} allow_connections true")
    started = time.monotonic()
    recovered = None
    while time.monotonic() - started < 10:
        status = timed(port, "GET", "/api/v1/users?per_page=5", headers=headers)[0]
        if status == 200:
            recovered = time.monotonic() - started
            break
        time.sleep(0.1)
    print("connections allowed again: " + (f"answering 200 after {recovered:.2f} s" if recovered is not None
                                           else "still failing after 10 s"))

    failures = []
    bad = {k: v for k, v in kinds.items() if k != "503 SERVICE_UNAVAILABLE"}
    if bad:
        failures.append(f"answers other than 503 SERVICE_UNAVAILABLE: {bad}")
    if without_retry_after:
        failures.append(f"{without_retry_after} answers of 503 without Retry-After")
    if max(times) >= args.max_seconds:
        failures.append(f"slowest answer {max(times):.2f} s (target under {args.max_seconds} s)")
    if recovered is None:
        failures.append("no recovery within 10 s")
    return failures


if __name__ == "__main__":
    main()
