#!/usr/bin/env python3
"""SIGKILL durability drill (issue #12, item 1): starts `dreamseed serve` on its
own port and database, has CLIENTS threads send 50-activity ingestion batches,
each with its own Idempotency-Key, retrying the same key on 409 "in progress",
5xx and dropped connections (as the platform's backend does), while the server
is killed with SIGKILL and restarted CYCLES times. Then every batch sent is
counted in the database: a batch acknowledged (200, or 409 "applied") must be
stored exactly once, none twice. SQLite's file must pass `integrity_check`.

Prints the batches, events, kills, the answers by kind, lost, duplicated and
the integrity check; exits 1 when any batch was lost or doubled, a client saw
an unexpected answer, or the check failed.

Usage: kill-restart.py [--bin target/release/dreamseed] [--database sqlite|postgres]
                       [--cycles 20] [--clients 4] [--batch 50] [--port 18520]
Postgres: a dedicated database is created on TEST_POSTGRES_URL's server (default
postgres://postgres@127.0.0.1:5432/test) and dropped afterwards; never the
shared one. Only 127.0.0.1 is a target.
"""

import argparse
import collections
import json
import os
import random
import sqlite3
import sys
import tempfile
import threading
import time

from drill import Server, ingest_key, keep_on_failure, psql, request, send_batch, server_env


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default="target/release/dreamseed")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--port", type=int, default=18520)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="kill-restart-")
    env, pg_admin, pg_url = server_env(tmp, args.port, args.database)
    log = open(os.path.join(tmp, "server.log"), "ab")
    server = Server(args.bin, env, args.port, log)
    failures = 1
    try:
        server.start()
        failures = run(args, server)
        failures += check(args, env, pg_url)
    finally:
        server.stop()
        log.close()
        if pg_admin and pg_url:
            psql(pg_admin, f"drop database if exists {pg_url.rsplit('/', 1)[1]} with (force)")
        keep_on_failure(tmp, failures, f"server log kept in {tmp}/server.log")
    sys.exit(1 if failures else 0)


SENT = {}  # batch id -> "acked" | "pending"
ANSWERS = collections.Counter()
LOCK = threading.Lock()


def run(args, server):
    """The clients and the killer; returns the number of failures seen."""
    host, port = "127.0.0.1", args.port
    headers = {"content-type": "application/json", "authorization": f"Bearer {ingest_key(port)}"}
    users = [{"type": "user_upsert", "email": f"client{c}@drill.test", "username": f"client{c}"}
             for c in range(args.clients)]
    status, body = request(host, port, "POST", "/api/v1/events", json.dumps({"events": users}), headers)
    if status != 200:
        sys.exit(f"create the clients' users: {status} {body}")

    stop = threading.Event()
    unexpected = []

    def client(c):
        n = 0
        while not stop.is_set():
            batch = f"c{c}-{n}"
            n += 1
            events = [{"type": "activity", "user_email": f"client{c}@drill.test", "activity_type": "drill",
                       "description": batch} for _ in range(args.batch)]
            with LOCK:
                SENT[batch] = "pending"
            acked, status, answer = send_batch(port, json.dumps({"events": events}), headers, count)
            if acked is None:
                unexpected.append(f"{batch}: {status} {answer}")
                return
            with LOCK:
                SENT[batch] = "acked"

    def count(began, ended, kind):
        with LOCK:
            ANSWERS[kind] += 1

    threads = [threading.Thread(target=client, args=(c,), daemon=True) for c in range(args.clients)]
    for t in threads:
        t.start()
    started = time.monotonic()
    downtime = 0.0
    for cycle in range(args.cycles):
        time.sleep(random.uniform(0.3, 1.5))
        server.kill()
        down = time.monotonic()
        server.start()
        downtime += time.monotonic() - down
    time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    took = time.monotonic() - started
    stuck = [t for t in threads if t.is_alive()]
    acked = sum(1 for v in SENT.values() if v == "acked")
    print(f"{args.database}: {args.cycles} SIGKILLs in {took:.1f} s (restarts took {downtime:.1f} s in all), "
          f"{args.clients} clients, {len(SENT)} batches of {args.batch} sent, {acked} acknowledged")
    print("answers: " + ", ".join(f"{k} x {v}" for k, v in sorted(ANSWERS.items())))
    for line in unexpected[:10]:
        print(f"FAIL unexpected answer: {line}")
    if stuck:
        print(f"FAIL: {len(stuck)} clients still retrying after 120 s")
    return len(unexpected) + len(stuck)


def check(args, env, pg_url):
    """Counts each batch's rows; returns the number of failures."""
    sql = "select description, count(*) from activities where activity_type = 'drill' group by description"
    if pg_url:
        rows = {d: int(n) for d, n in psql(pg_url, sql)}
        integrity = "n/a (postgres)"
    else:
        with sqlite3.connect(env["DB_PATH"]) as conn:
            rows = dict(conn.execute(sql).fetchall())
            integrity = conn.execute("pragma integrity_check").fetchone()[0]
    lost = [b for b, state in SENT.items() if state == "acked" and rows.get(b, 0) == 0]
    partial = [b for b in SENT if 0 < rows.get(b, 0) < args.batch]
    doubled = [b for b in SENT if rows.get(b, 0) > args.batch]
    unknown = [b for b in rows if b not in SENT]
    events = sum(rows.values())
    print(f"stored: {len(rows)} batches, {events} events; lost {len(lost)}, partial {len(partial)}, "
          f"duplicated {len(doubled)}, unknown {len(unknown)}; integrity_check: {integrity}")
    for b in (lost + partial + doubled + unknown)[:10]:
        print(f"FAIL batch {b}: {rows.get(b, 0)} rows, client saw {SENT.get(b)}")
    bad_integrity = 0 if integrity in ("ok", "n/a (postgres)") else 1
    return len(lost) + len(partial) + len(doubled) + len(unknown) + bad_integrity


if __name__ == "__main__":
    main()
