#!/usr/bin/env python3
"""Benchmark: alerts, the closing figures of the alerts issue.

Starts the release build on a database of its own (optionally seeded with
`--users`/`--activities` through `dreamseed seed`), then:

1. `latency`: `--rounds` times, makes a rule on activities of a type of its
   own (above 0 over 5 minutes, evaluated every `--interval` seconds, firing at
   once) sending to a webhook that this script answers on 127.0.0.1, ingests
   one activity of that type, and measures from the ingestion's answer to the
   webhook's arrival: the time from a threshold crossing to the delivery. It
   prints the median, min and max, next to the rule's interval (a crossing
   waits for the rule's next slot, then the evaluator's tick and the
   dispatcher's).
2. `cost`: evaluates each kind of figure now through
   `POST /api/v1/alert-rules/test` (nothing stored or sent) `--runs` times and
   prints the server's time per evaluation (`X-Processing-Time`, median and
   max) for each metric: the cost of one rule's evaluation at this database's
   size.

Exits 1 when a notification does not arrive within three intervals plus 20 s.
Stops its server by PID and removes its temporary files even on Ctrl-C.

Usage: bench-alerts.py [--database sqlite|postgres] [--users N --activities N]
       [--rounds 5] [--interval 10] [--runs 5]
The binary is $DREAMSEED_BIN or target/release/dreamseed (`make build`).
Only 127.0.0.1 is a target.
"""

import argparse
import http.server
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts", "drills"))

from drill import EMAIL, PASSWORD, Server, psql, request, server_env  # noqa: E402

METRICS = [
    ("users_online", {}),
    ("active_today", {}),
    ("new_signups", {}),
    ("activities", {}),
    ("solve_rate", {}),
    ("error_rate", {}),
    ("latency_p95", {}),
    ("report_failures", {}),
    ("report_duration_p95", {}),
    ("ingestion_lag", {}),
    ("db_pool_waiting", {}),
    ("activities", {"condition": "no_data", "no_data_minutes": 10}),
    ("activities", {"condition": "change_down", "threshold": 50}),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Arrivals(http.server.BaseHTTPRequestHandler):
    """The webhook: notes when each alert's notification arrives, by rule name."""

    seen = {}
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        arrived = time.monotonic()
        try:
            name = json.loads(body)["rule"]["name"]
        except (ValueError, KeyError, TypeError):
            name = None
        with self.lock:
            self.seen.setdefault(name, arrived)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_):
        pass


class Api:
    """Calls as the first admin (its bearer token), and ingestion with an editor key."""

    def __init__(self, port):
        self.port = port
        status, body = self.call("POST", "/api/v1/auth/login", {"email": EMAIL, "password": PASSWORD}, auth=False)
        if status != 200:
            sys.exit(f"login: {status} {body}")
        self.token = body["access_token"]
        status, body = self.call("POST", "/api/v1/api-keys",
                                 {"name": f"bench-alerts {os.getpid()}", "role": "editor", "scopes": ["ingest"]})
        if status != 201:
            sys.exit(f"create an API key: {status} {body}")
        self.key = body["key"]

    def call(self, method, path, body=None, auth=True, key=False, headers_out=None):
        headers = {"content-type": "application/json"}
        if auth:
            headers["authorization"] = f"Bearer {self.key if key else self.token}"
        data = json.dumps(body) if body is not None else None
        return request("127.0.0.1", self.port, method, path, data, headers, response_headers=headers_out)


def latency(api, args, hook):
    say(f"## Threshold crossing to webhook delivery ({args.rounds} rounds, rules evaluated every {args.interval} s)")
    waits = []
    for n in range(args.rounds):
        kind = f"bench_alert_{os.getpid()}_{n}"
        name = f"bench latency {os.getpid()} {n}"
        rule = {"name": name, "metric": "activities", "filter": kind, "window_minutes": 5, "condition": "above",
                "threshold": 0, "interval_seconds": args.interval, "pending_seconds": 0, "channels": [hook]}
        status, body = api.call("POST", "/api/v1/alert-rules", rule)
        if status != 201:
            sys.exit(f"create a rule: {status} {body}")
        # A round starts at a random point of the rule's interval, as a real crossing does.
        time.sleep((n * 0.37 % 1) * args.interval)
        event = {"events": [
            {"type": "user_upsert", "email": "bench-alerts@example.com", "username": "bench"},
            {"type": "activity", "user_email": "bench-alerts@example.com", "activity_type": kind},
        ]}
        status, body = api.call("POST", "/api/v1/events", event, key=True)
        if status != 200 or not body or body.get("activities") != 1:
            sys.exit(f"ingest: {status} {body}")
        crossed = time.monotonic()
        deadline = crossed + 3 * args.interval + 20
        while time.monotonic() < deadline:
            with Arrivals.lock:
                arrived = Arrivals.seen.get(name)
            if arrived is not None:
                break
            time.sleep(0.05)
        else:
            sys.exit(f"round {n}: no notification within {deadline - crossed:.0f} s")
        waits.append(arrived - crossed)
        say(f"round {n + 1}: {arrived - crossed:.2f} s")
    say(f"median {statistics.median(waits):.2f} s, min {min(waits):.2f} s, max {max(waits):.2f} s")


def cost(api, args):
    say(f"## Evaluation cost per rule (server time of `POST /api/v1/alert-rules/test`, {args.runs} runs each)")
    say("| metric | condition | value | median ms | max ms |")
    say("|---|---|---|---|---|")
    for metric, extra in METRICS:
        rule = {"name": "bench cost", "metric": metric, "condition": "above", "threshold": 1e12}
        rule.update(extra)
        times, value = [], None
        for _ in range(args.runs):
            headers = {}
            status, body = api.call("POST", "/api/v1/alert-rules/test", rule, headers_out=headers)
            if status != 200:
                sys.exit(f"test {metric}: {status} {body}")
            times.append(float(headers.get("x-processing-time", "nan")))
            value = body.get("value")
        value = "no data" if value is None else "never any" if value > 1e12 else f"{value:.6g}"
        say(f"| {metric} | {rule['condition']} | {value} | {statistics.median(times):.2f} | {max(times):.2f} |")


def say(line=""):
    print(line, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--users", type=int, default=0)
    parser.add_argument("--activities", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--interval", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    binary = os.environ.get("DREAMSEED_BIN", os.path.join(ROOT, "target", "release", "dreamseed"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = tempfile.mkdtemp(prefix="bench-alerts-")
    port = free_port()
    env, admin, url = server_env(tmp, port, args.database)
    env["CHANNELS_ALLOW_PRIVATE"] = "true"  # the webhook is this script, on 127.0.0.1
    log = open(os.path.join(tmp, "server.log"), "w")
    server = Server(binary, env, port, log, start_within=600)
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Arrivals)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    ok = False
    try:
        if args.users or args.activities:
            say(f"seeding {args.users} users and {args.activities} activities …")
            subprocess.run([binary, "seed", "--users", str(args.users), "--activities", str(args.activities)],
                           env=env, stdout=log, stderr=log, check=True)
        server.start()
        api = Api(port)
        hook_url = f"http://127.0.0.1:{receiver.server_address[1]}/alerts"
        status, body = api.call("POST", "/api/v1/channels", {"name": "bench hook", "kind": "webhook", "url": hook_url})
        if status != 201:
            sys.exit(f"create the channel: {status} {body}")
        say(f"# DreamSeed alerts benchmark: {args.database}, {args.users} users, {args.activities} activities")
        cost(api, args)
        say()
        latency(api, args, body["channel"]["id"])
        ok = True
    finally:
        server.stop()
        receiver.shutdown()
        log.close()
        if admin:
            psql(admin, f"drop database if exists {url.rsplit('/', 1)[1]} with (force)")
        if ok:
            subprocess.run(["rm", "-rf", tmp], check=False)
        else:
            print(f"server log kept in {tmp}/server.log", file=sys.stderr)


if __name__ == "__main__":
    main()
