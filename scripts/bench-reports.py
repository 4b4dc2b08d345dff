#!/usr/bin/env python3
"""Benchmark: scheduled reports, the closing figures of the reports issue.

Part 1 (`formats`): seeds a large database (default 1M users / 10M
activities / 2,000 problems), starts the release build on it, makes one paused
report per output format from the built-in weekly summary template (and one
with every format), runs each `--runs` times one after the other ("run now"
over the API, polled until it ends) and prints, per format: the run's own
`duration_ms` and the wall time from the POST to "completed" (median, min,
max), the render time of that format alone (from the run's stored timings) and
the file's size. Formats the server was built without (PDF) print "n/a".

Part 2 (`due`): on a small database (the demo data's size), makes `--reports`
active reports whose cron pattern (`M H * * *`, UTC) fires in the same minute,
2–3 minutes ahead, each delivering to a webhook on 127.0.0.1 that this script
answers; waits for the minute and prints, from the runs' own timestamps, when
the first and the last run were claimed, started (the headline) and finished,
counted from the slot. The server runs with its default `REPORTS_*` settings
unless they are set in the environment; the output names them.

Exits 1 on a failed run, a duplicate or missing run for the slot, or a report
that could not be made. Stops its server by PID and removes its temporary
files and databases even on Ctrl-C; the server log is kept on failure.

Usage: bench-reports.py --database sqlite|postgres [--users N --activities N
       --problems N] [--runs 3] [--reports 1000] [--keep-data DIR] [--only formats|due]
The binary is $DREAMSEED_BIN or target/release/dreamseed (`make build`).
--keep-data DIR keeps the seeded SQLite file in DIR (and the Postgres database
`dreamseed_bench_reports`) and reuses it when its row counts match, since
seeding 10M activities takes minutes. Postgres: databases are created on
TEST_POSTGRES_URL's server (default postgres://postgres@127.0.0.1:5432/test),
which must be on this machine: `dreamseed_bench_reports` (Part 1 with
--keep-data) or `dreamseed_bench_reports_<pid>` (Part 1 without it, dropped),
and `dreamseed_bench_reports_due_<pid>` (Part 2, dropped). Only 127.0.0.1 is a target.
"""

import argparse
import concurrent.futures
import datetime
import http.server
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts", "drills"))
sys.dont_write_bytecode = True
from drill import Server, psql, request  # noqa: E402  (the drills' server, HTTP call and psql helper)

EMAIL, PASSWORD = "bench-reports@example.com", "bench-Reports-password-7"
FORMATS = ["html", "markdown", "csv", "pdf"]
# Kept with --keep-data; otherwise each run has databases of its own, dropped at the end.
PG_KEPT_DB = "dreamseed_bench_reports"
PG_RUN_DB = f"dreamseed_bench_reports_{os.getpid()}"
PG_DUE_DB = f"dreamseed_bench_reports_due_{os.getpid()}"
# The server's defaults (server/src/config.rs), shown when the variable is unset.
REPORT_DEFAULTS = {"REPORTS_TICK_SECONDS": "10", "REPORTS_MAX_ACTIVE": "32",
                   "REPORTS_RENDER_THREADS": str(os.cpu_count()), "REPORTS_LEASE_SECONDS": "60"}
SUMMARY = []  # the closing tables, printed at the end


def say(line=""):
    print(line, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ms(seconds):
    return seconds * 1000.0


def spread(values):
    """'median / min / max' of `values`, or n/a."""
    if not values:
        return "n/a"
    return f"{statistics.median(values):.0f} / {min(values):.0f} / {max(values):.0f}"


def table(headers, rows):
    """Lines of a plain-text table, columns padded to their widest cell."""
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    return [line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows]


def load():
    """The 1-minute load average: other work on the machine skews the figures."""
    return f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


# ---- databases --------------------------------------------------------------

def pg_admin_url():
    url = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
    if urllib.parse.urlparse(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("only a Postgres server on this machine")
    return url


def pg_url(name):
    return pg_admin_url().rsplit("/", 1)[0] + "/" + name


def pg_exists(name):
    return bool(psql(pg_admin_url(), f"select 1 from pg_database where datname = '{name}'"))


def pg_drop(name):
    psql(pg_admin_url(), f"drop database if exists {name} with (force)")


def row_counts(env):
    """(users, activities, problems) in the database of `env`, or None when there is none."""
    sql = ("select (select count(*) from users), (select count(*) from activities), "
           "(select count(*) from problems), (select count(*) from pending_indexes)")
    try:
        if "DATABASE_URL" in env:
            users, activities, problems, pending = (int(v) for v in psql(env["DATABASE_URL"], sql)[0])
        else:
            if not os.path.exists(env["DB_PATH"]):
                return None
            with sqlite3.connect(env["DB_PATH"]) as conn:
                users, activities, problems, pending = conn.execute(sql).fetchone()
    except (subprocess.CalledProcessError, sqlite3.Error):
        return None
    # Indexes a load dropped and never rebuilt: not a database to measure.
    return None if pending else (users, activities, problems)


def newest_activity(env):
    """When the newest activity happened (a reused database ages: the weekly
    summary covers last week)."""
    sql = "select max(created_at) from activities"
    try:
        if "DATABASE_URL" in env:
            return psql(env["DATABASE_URL"], sql)[0][0][:16]
        with sqlite3.connect(f"file:{env['DB_PATH']}?mode=ro", uri=True) as conn:
            secs = conn.execute(sql).fetchone()[0]
        return datetime.datetime.fromtimestamp(secs, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    except (subprocess.CalledProcessError, sqlite3.Error, IndexError, TypeError, ValueError):
        return "unknown"


def run_timings(env, run_ids):
    """Each run's per-format render time {run id: {format: ms}}, read from the
    database (the API does not show it)."""
    if not run_ids:
        return {}
    sql = f"select id, timings from report_runs where id in ({','.join(str(i) for i in run_ids)})"
    try:
        if "DATABASE_URL" in env:
            rows = psql(env["DATABASE_URL"], sql)
        else:
            with sqlite3.connect(f"file:{env['DB_PATH']}?mode=ro", uri=True) as conn:
                rows = conn.execute(sql).fetchall()
    except (subprocess.CalledProcessError, sqlite3.Error):
        return {}
    out = {}
    for run_id, timings in rows:
        try:
            out[int(run_id)] = {f: t["ms"] for f, t in json.loads(timings or "{}").items()}
        except (ValueError, TypeError, KeyError):
            pass
    return out


def seed(binary, env, log, users, activities, problems):
    """Runs `dreamseed seed`; returns its wall time in seconds."""
    env = dict(env)
    if "DATABASE_URL" in env and "DB_STATEMENT_TIMEOUT_MS" not in os.environ:
        # The seed rebuilds each index of 10M rows in one statement, under the
        # requests' statement_timeout (10 s by default), which it can exceed: the
        # largest value allowed.
        env["DB_STATEMENT_TIMEOUT_MS"] = "29000"
    timeout = f", DB_STATEMENT_TIMEOUT_MS={env['DB_STATEMENT_TIMEOUT_MS']}" if "DATABASE_URL" in env else ""
    say(f"seeding {users:,} users, {activities:,} activities, {problems:,} problems{timeout} …")
    started = time.monotonic()
    result = subprocess.run([binary, "seed", "--users", str(users), "--activities", str(activities),
                             "--problems", str(problems)], env=env, stdout=log, stderr=log)
    took = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"seed exited with {result.returncode}; see {log.name}")
    say(f"seeded in {took:.1f} s")
    return took


# ---- the server ---------------------------------------------------------------

def base_env(tmp, port):
    """The environment of a server of our own on `port` (its database is added by the caller)."""
    site = os.environ.get("LEPTOS_SITE_ROOT", os.path.join(ROOT, "target", "site"))
    if not os.path.isdir(os.path.join(site, "pkg")):
        site = os.path.join(tmp, "site")
        shutil.copytree(os.path.join(ROOT, "public"), site)
        os.makedirs(os.path.join(site, "pkg"), exist_ok=True)
    env = dict(os.environ, PORT=str(port), LEPTOS_SITE_ROOT=site, DEMO_DATA="false", LOG_FORMAT="json",
               ADMIN_EMAIL=EMAIL, ADMIN_PASSWORD=PASSWORD,
               # One client making 1,000 reports is not what the per-key limit guards against.
               RATE_LIMIT_PER_MINUTE="1000000")
    env.pop("DATABASE_URL", None)
    env.pop("DB_PATH", None)
    return env


class Api:
    """Signed-in calls to our server with an editor API key."""

    def __init__(self, port):
        self.port = port
        status, body = self.call("POST", "/api/v1/auth/login", {"email": EMAIL, "password": PASSWORD}, auth=False)
        if status != 200:
            raise SystemExit(f"login: {status} {body}")
        self.headers = {"content-type": "application/json", "authorization": f"Bearer {body['access_token']}"}
        status, body = self.call("POST", "/api/v1/api-keys",
                                 {"name": f"bench-reports {os.getpid()}", "role": "editor", "scopes": []})
        if status != 201:
            raise SystemExit(f"create an API key: {status} {body}")
        self.headers["authorization"] = f"Bearer {body['key']}"

    def call(self, method, path, body=None, auth=True, timeout=60):
        headers = self.headers if auth else {"content-type": "application/json"}
        data = json.dumps(body) if body is not None else None
        return request("127.0.0.1", self.port, method, path, data, headers, timeout=timeout)

    def template_id(self, builtin):
        status, body = self.call("GET", "/api/v1/templates")
        if status != 200:
            raise SystemExit(f"list templates: {status} {body}")
        for template in body["templates"]:
            if template.get("builtin") == builtin:
                return template["id"]
        raise SystemExit(f"no built-in {builtin!r} template")

    def all_runs(self):
        """Every run (newest first), a page of 100 at a time."""
        runs, cursor = [], None
        while True:
            path = "/api/v1/runs?per_page=100" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
            status, body = self.call("GET", path)
            if status != 200:
                raise SystemExit(f"list runs: {status} {body}")
            runs += body["runs"]
            cursor = body["meta"].get("next_cursor")
            if not cursor:
                return runs

    def total_runs(self, status=None):
        path = "/api/v1/runs?per_page=1" + (f"&status={status}" if status else "")
        code, body = self.call("GET", path)
        return body["meta"]["total"] if code == 200 else None


# ---- Part 1: time per format --------------------------------------------------

def prepare_formats_db(args, tmp, env, log):
    """Adds the seeded database to `env`; returns (what, seconds seeding took or None)."""
    want = (args.users, args.activities, args.problems)
    if args.database == "postgres":
        name = PG_KEPT_DB if args.keep_data else PG_RUN_DB
        env["DATABASE_URL"] = pg_url(name)
        if args.keep_data and pg_exists(name) and row_counts(env) == want:
            return f"Postgres database {name}", None
        pg_drop(name)
        psql(pg_admin_url(), f"create database {name}")
    else:
        folder = args.keep_data or tmp
        os.makedirs(folder, exist_ok=True)
        env["DB_PATH"] = os.path.join(folder, f"sqlite-{args.users}-{args.activities}-{args.problems}.db")
        if args.keep_data and row_counts(env) == want:
            return f"SQLite file {env['DB_PATH']}", None
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(env["DB_PATH"] + suffix):
                os.remove(env["DB_PATH"] + suffix)
    took = seed(args.binary, env, log, *want)
    got = row_counts(env)
    if got != want:
        raise SystemExit(f"the seeded database holds {got}, not {want}")
    what = env["DATABASE_URL"].rsplit("/", 1)[1] if args.database == "postgres" else env["DB_PATH"]
    return ("Postgres database " if args.database == "postgres" else "SQLite file ") + what, took


def wait_run(api, run_id, timeout=3600):
    """Polls a run until it ends; returns it and the monotonic time it was seen ended."""
    started = time.monotonic()
    while time.monotonic() < started + timeout:
        status, body = api.call("GET", f"/api/v1/runs/{run_id}")
        if status == 200 and body["run"]["status"] in ("completed", "failed"):
            return body["run"], time.monotonic()
        # Every 10 ms at first (short runs), then less often (long runs: less load while measuring).
        time.sleep(min(0.05, max(0.01, (time.monotonic() - started) / 20)))
    raise SystemExit(f"run {run_id} did not end within {timeout} s")


def bench_formats(args, tmp):
    port = free_port()
    env = base_env(tmp, port)
    log = open(os.path.join(tmp, "formats.log"), "ab")
    server, failures, reports, api = None, 0, {}, None
    try:
        what, seed_seconds = prepare_formats_db(args, tmp, env, log)
        server = Server(args.binary, env, port, log, start_within=300)
        started = time.monotonic()
        server.start()
        say(f"server up in {time.monotonic() - started:.1f} s on port {port} ({what})")
        # The report worker starts 2–3 s after the server: a run asked for before waits for it.
        time.sleep(3.5)
        rss_start, _ = server.memory()
        load_start = load()
        api = Api(port)
        template = api.template_id("weekly")
        stamp = time.strftime("%Y%m%d-%H%M%S")
        offered = []
        for fmt in FORMATS + ["all"]:
            formats = offered if fmt == "all" else [fmt]
            body = {"name": f"bench {fmt} {stamp}", "template_id": template, "cron": "0 9 * * 1",
                    "timezone": "UTC", "formats": formats, "status": "paused"}
            status, answer = api.call("POST", "/api/v1/reports", body)
            if status == 201:
                reports[fmt] = answer["report"]["id"]
                if fmt != "all":
                    offered.append(fmt)
            elif status == 400 and fmt != "all" and (bad := [
                    f["message"] for f in ((answer["error"].get("details") or {}).get("fields") or [])
                    if f.get("field") == "formats"]):
                say(f"{fmt}: not offered by this server ({bad[0]})")
            else:
                raise SystemExit(f"create the {fmt} report: {status} {answer}")
        results = {fmt: [] for fmt in reports}
        for n in range(args.runs):
            for fmt, report_id in reports.items():
                posted = time.monotonic()
                status, answer = api.call("POST", f"/api/v1/reports/{report_id}/generate", {})
                if status != 202:
                    raise SystemExit(f"generate {fmt}: {status} {answer}")
                run, ended = wait_run(api, answer["run"]["id"])
                results[fmt].append((run, ended - posted))
                rss, _ = server.memory()
                outcome = run["status"] if run["status"] == "completed" else f"FAILED: {run.get('error')}"
                say(f"run {n + 1}/{args.runs} {fmt:8} {run['duration_ms'] or 0:7d} ms (wall {ms(ended - posted):7.0f} ms) "
                    f"{outcome}; server RSS {rss} MiB")
                failures += run["status"] != "completed"
        timings = run_timings(env, [run["id"] for runs in results.values() for run, _ in runs])
        rss_end, peak = server.memory()
        rows = []
        for fmt in FORMATS + ["all"]:
            if fmt not in results:
                rows.append([fmt, "n/a", "n/a", "n/a", "n/a"])
                continue
            runs = results[fmt]
            durations = [run["duration_ms"] for run, _ in runs if run["duration_ms"] is not None]
            walls = [ms(wall) for _, wall in runs]
            renders = [sum(timings.get(run["id"], {}).values()) for run, _ in runs if run["id"] in timings]
            last = runs[-1][0]
            sizes = ", ".join(f"{o['format']} {o['size_bytes']:,}" for o in last["outputs"]) or "none"
            rows.append([fmt if fmt != "all" else "all (" + "+".join(offered) + ")", spread(durations),
                         spread(walls), spread(renders), sizes])
        scale = f"{args.users:,} users / {args.activities:,} activities / {args.problems:,} problems"
        lines = [f"Part 1, {args.database}: the weekly summary at {scale}, {args.runs} runs each "
                 f"(run now over the API, one at a time)",
                 "seeding: " + (f"{seed_seconds:.1f} s" if seed_seconds is not None else f"none, reused {what}")
                 + f"; newest activity {newest_activity(env)}",
                 ""]
        lines += table(["format", "run duration_ms med/min/max", "wall POST→completed ms", "render ms", "output bytes"],
                       rows)
        lines += ["", f"server RSS: {rss_start} MiB after start, {rss_end} MiB at the end, peak (VmHWM) {peak} MiB",
                  f"load average: {load_start} before the runs, {load()} after",
                  "(run duration = figures + render; render = the format's own rendering, from the run's timings)"]
        SUMMARY.append(lines)
    finally:
        if api and args.keep_data:
            # Leave the kept database as seeded: our reports go with their runs and files.
            for report_id in reports.values():
                api.call("DELETE", f"/api/v1/reports/{report_id}")
        if server:
            server.stop()
        log.close()
        if args.database == "postgres" and not args.keep_data:
            pg_drop(PG_RUN_DB)
    return failures


# ---- Part 2: 1,000 reports due in the same minute -----------------------------

class Sink(http.server.BaseHTTPRequestHandler):
    """The webhook the reports deliver to: counts what arrives, answers 204."""
    received = []  # (Unix time, webhook-id)
    lock = threading.Lock()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length") or 0))
        with Sink.lock:
            Sink.received.append((time.time(), self.headers.get("webhook-id")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_):
        pass


def bench_due(args, tmp):
    port = free_port()
    env = base_env(tmp, port)
    env["CHANNELS_ALLOW_PRIVATE"] = "true"  # the webhook is this script, on 127.0.0.1
    log = open(os.path.join(tmp, "due.log"), "ab")
    sink = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    server, failures = None, 0
    try:
        if args.database == "postgres":
            pg_drop(PG_DUE_DB)
            psql(pg_admin_url(), f"create database {PG_DUE_DB}")
            env["DATABASE_URL"] = pg_url(PG_DUE_DB)
        else:
            env["DB_PATH"] = os.path.join(tmp, "due.db")
        seed_seconds = seed(args.binary, env, log, 20_000, 200_000, 300)  # the demo data's size
        server = Server(args.binary, env, port, log, start_within=300)
        server.start()
        api = Api(port)
        template = api.template_id("weekly")
        status, body = api.call("POST", "/api/v1/channels", {
            "name": "bench sink", "kind": "webhook", "url": f"http://127.0.0.1:{sink.server_address[1]}/hook"})
        if status != 201:
            raise SystemExit(f"create the webhook channel: {status} {body}")
        channel = body["channel"]["id"]

        now = datetime.datetime.now(datetime.timezone.utc)
        slot = (now + datetime.timedelta(seconds=120)).replace(second=0, microsecond=0)
        if slot < now + datetime.timedelta(seconds=120):
            slot += datetime.timedelta(minutes=1)
        cron = f"{slot.minute} {slot.hour} * * *"
        say(f"making {args.reports} active reports on '{cron}' (UTC), due at {slot:%H:%M:%S} UTC, "
            f"{(slot - now).total_seconds():.0f} s from now …")

        def create(n):
            body = {"name": f"bench due {n:04d}", "template_id": template, "cron": cron, "timezone": "UTC",
                    "status": "active", "destinations": [channel]}
            for _ in range(5):
                status, answer = api.call("POST", "/api/v1/reports", body)
                if status == 201:
                    return answer["report"]
                if not (isinstance(status, str) or status >= 500):
                    break
                time.sleep(0.2)
            raise RuntimeError(f"report {n}: {status} {answer}")

        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            created = list(pool.map(create, range(args.reports)))
        made_in = time.monotonic() - started
        ids = {r["id"] for r in created}
        wrong = [r for r in created if parse_time(r["next_run_at"]) != slot]
        after = (datetime.datetime.now(datetime.timezone.utc) - slot).total_seconds()
        say(f"made {len(ids)} reports in {made_in:.1f} s ({made_in / max(1, len(ids)) * 1000:.1f} ms each, "
            f"8 clients); {-after:.0f} s left before the slot")
        if wrong or after > 0:
            raise SystemExit(f"{len(wrong)} reports are not due at the slot (made too late?): "
                             f"{wrong[0]['next_run_at'] if wrong else 'the slot passed while making them'}")

        time.sleep(max(0.0, (slot - datetime.datetime.now(datetime.timezone.utc)).total_seconds()))
        load_start = load()
        say("slot reached; waiting for every run to end …")
        # What polling sees, second by second, besides the runs' own timestamps
        # (which are whole seconds, and stamped with the time a scheduler pass began).
        seen = {}
        deadline, polls = time.monotonic() + 3600, 0
        while time.monotonic() < deadline:
            time.sleep(1)
            total, pending, running = api.total_runs(), api.total_runs("pending"), api.total_runs("running")
            if None in (total, pending, running):
                continue
            elapsed = (datetime.datetime.now(datetime.timezone.utc) - slot).total_seconds()
            for name, reached in [("first claimed", total > 0), ("all claimed", total >= len(ids)),
                                  ("first started", total - pending > 0),
                                  ("all started", total >= len(ids) and pending == 0),
                                  ("all ended", total >= len(ids) and pending == 0 and running == 0)]:
                if reached and name not in seen:
                    seen[name] = elapsed
            polls += 1
            if polls % 3 == 0 or "all ended" in seen:
                rss, _ = server.memory()
                say(f"  +{elapsed:5.0f} s: {total} runs, {pending} pending, {running} running; server RSS {rss} MiB")
            if "all ended" in seen:
                break
        else:
            say("FAIL: the runs did not end within an hour")
            failures += 1
        # Deliveries trail the runs: give them a little while.
        wait_until = time.monotonic() + 120
        while time.monotonic() < wait_until and len({w for _, w in Sink.received}) < len(ids):
            time.sleep(1)

        runs = [r for r in api.all_runs() if r["report_id"] in ids]
        for_slot = [r for r in runs if r["trigger"] == "schedule" and parse_time(r["slot_at"]) == slot]
        others = [r for r in runs if r not in for_slot]
        per_report = {}
        for run in for_slot:
            per_report[run["report_id"]] = per_report.get(run["report_id"], 0) + 1
        duplicates = sum(n - 1 for n in per_report.values())
        missing = len(ids) - len(per_report)
        failed = [r for r in for_slot if r["status"] == "failed"]
        unfinished = [r for r in for_slot if r["status"] not in ("completed", "failed")]
        offset = lambda t: (t - slot).total_seconds()
        claimed = sorted(offset(parse_time(r["created_at"])) for r in for_slot)
        starts = sorted(offset(parse_time(r["started_at"])) for r in for_slot if r["started_at"])
        ends = sorted(offset(parse_time(r["finished_at"])) for r in for_slot if r["finished_at"])
        durations = [r["duration_ms"] for r in for_slot if r["duration_ms"] is not None]
        delivered = {w for _, w in Sink.received}
        last_delivery = max((t for t, _ in Sink.received), default=None)
        _, peak = server.memory()
        watched = lambda name: f"≤ {seen[name]:.1f} s" if name in seen else "n/a"
        first = lambda xs: f"{xs[0]:.1f} s" if xs else "n/a"
        last = lambda xs: f"{xs[-1]:.1f} s" if xs else "n/a"
        settings = ", ".join(f"{k}={os.environ[k]}" if k in os.environ else f"{k}={v} (default)"
                             for k, v in REPORT_DEFAULTS.items())
        rows = [
            ["reports made (active, one webhook each)", f"{len(ids)} in {made_in:.1f} s"],
            ["runs for the slot", f"{len(for_slot)} (expected {len(ids)})"],
            ["duplicate runs / reports without a run", f"{duplicates} / {missing}"],
            ["other runs of these reports", str(len(others))],
            ["failed / unfinished runs", f"{len(failed)} / {len(unfinished)}"],
            ["slot → first / last claimed: runs' created_at", f"{first(claimed)} / {last(claimed)}"],
            ["  seen by polling every 1 s", f"{watched('first claimed')} / {watched('all claimed')}"],
            ["slot → first start: runs' started_at", first(starts)],
            ["  seen by polling", watched("first started")],
            ["slot → LAST START: runs' started_at", last(starts)],
            ["  seen by polling", watched("all started")],
            ["slot → first / last completion: finished_at", f"{first(ends)} / {last(ends)}"],
            ["  last seen by polling", watched("all ended")],
            ["run duration_ms med/min/max", spread(durations)],
            ["webhook deliveries received (distinct)", f"{len(delivered)} of {len(ids)}"
             + (f", the last at {last_delivery - slot.timestamp():.1f} s" if last_delivery else "")],
            ["server RSS peak (VmHWM)", f"{peak} MiB"],
            ["load average at the slot / at the end", f"{load_start} / {load()}"],
        ]
        lines = [f"Part 2, {args.database}: {len(ids)} reports due at {slot:%H:%M} UTC "
                 f"(weekly summary template, HTML; small database: 20,000 users / 200,000 activities, "
                 f"seeded in {seed_seconds:.1f} s)",
                 f"server settings: {settings}; CHANNELS_ALLOW_PRIVATE=true (the webhook is on 127.0.0.1)", ""]
        lines += table(["", "value"], rows)
        lines.append("(the runs' timestamps are whole seconds, truncated; polling sees a state up to 1 s late)")
        for run in (failed + unfinished)[:10]:
            lines.append(f"FAIL run {run['id']} of report {run['report_id']}: {run['status']} {run.get('error')}")
        SUMMARY.append(lines)
        failures += len(failed) + len(unfinished) + duplicates + missing + len(others)
    finally:
        if server:
            server.stop()
        sink.shutdown()
        log.close()
        if args.database == "postgres":
            pg_drop(PG_DUE_DB)
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=10_000_000)
    parser.add_argument("--problems", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reports", type=int, default=1_000)
    parser.add_argument("--keep-data", metavar="DIR")
    parser.add_argument("--only", choices=["formats", "due"])
    args = parser.parse_args()
    args.binary = os.environ.get("DREAMSEED_BIN", os.path.join(ROOT, "target", "release", "dreamseed"))
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"{args.binary} is not there: make build")
    if args.keep_data:
        args.keep_data = os.path.abspath(args.keep_data)

    # SIGTERM ends us like Ctrl-C does: through the `finally` blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = tempfile.mkdtemp(prefix="bench-reports-")
    failures, ok = 0, False
    try:
        if args.only in (None, "formats"):
            failures += bench_formats(args, tmp)
        if args.only in (None, "due"):
            failures += bench_due(args, tmp)
        ok = failures == 0
    finally:
        for lines in SUMMARY:
            say()
            for line in lines:
                say(line)
        if ok:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            # Keep the logs, not the databases.
            for name in os.listdir(tmp):
                path = os.path.join(tmp, name)
                if os.path.isdir(path):
                    shutil.rmtree(path, ignore_errors=True)
                elif not name.endswith(".log"):
                    os.remove(path)
            say(f"server and seed logs kept in {tmp}")
    if args.keep_data:
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(args.keep_data) for f in fs)
        say(f"kept data in {args.keep_data}: {size / 2**30:.2f} GiB")
        if args.database == "postgres" and pg_exists(PG_KEPT_DB):
            size = psql(pg_admin_url(), f"select pg_database_size('{PG_KEPT_DB}')")[0][0]
            say(f"kept Postgres database {PG_KEPT_DB}: {int(size) / 2**30:.2f} GiB")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
