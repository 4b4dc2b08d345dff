#!/usr/bin/env python3
"""Backup and restore drill (issue #17, item 6): the round trip under write load.

SQLite: seeds a database of the drill's own (--users/--activities, the demo
data's size by default), starts `dreamseed serve` on it, and has WRITERS
threads send BATCH-activity ingestion batches one after another, each with its
own Idempotency-Key and its id in every event's description, recording when
each was acknowledged. A third of the way into --seconds, `dreamseed backup
--to copy.db` runs as a separate process. The copy must pass
`integrity_check`, hold every batch acknowledged before the backup started,
no batch in part, none sent after the backup ended, and for each writer a run
of batches without a gap (a writer sends its next batch only once the last
is acknowledged, so a consistent snapshot holds a prefix of each writer's
batches); the writers must see no error at all (their latency before and
during the backup is printed). Refusals, each with a non-zero exit, a message
naming the file, and nothing changed (the file's inode and hash, no file
added or left in the directory): `backup` to an existing file without
--overwrite; `restore` while the server runs (which must go on answering the
same figures); with the server stopped (SIGTERM), `restore` from a text file,
from the copy cut at two thirds, from a SQLite database that is not
DreamSeed's, and from the copy with a migration this binary lacks. Then
`restore --from copy.db` must keep the database it replaces as
`<db>.before-restore-<time>` (sound, with every batch acknowledged before
the stop), and the server started on the restored database must serve the
copy's figures (stat cards, list totals) and take a new batch.

Postgres (TEST_POSTGRES_URL's server, default
postgres://postgres@127.0.0.1:5432/test; skipped with a line when it does
not answer, except under CI=true): a server on a fresh database
`dreamseed_backup_src` (seeded with --pg-users/--pg-activities), the same
writers, `pg_dump --format=custom` while they write, then the writers stop,
`pg_restore` into a fresh, empty `dreamseed_backup_copy` and a second server
on it. The dump must hold every batch acknowledged before pg_dump started,
none in part or with a gap. The figures: the source went on taking batches
after the dump's snapshot, so its figures are compared with the copy's after
those batches are accounted for: the writers touch nothing but activities,
so every user and problem figure must be equal, and every activity count of
the source must exceed the copy's by exactly BATCH x the batches the source
has and the dump does not. `dreamseed backup` and `restore` on Postgres
must refuse, naming pg_dump and pg_restore. pg_dump and pg_restore are the server's major
version (/usr/lib/postgresql/N/bin, else PATH's if it matches). Both
databases are dropped at the end.

Prints the figures of each step; exits 1 on any miss. The work directory
(copies, dump, server logs) is kept after a miss. Servers are stopped by PID
and the databases dropped on any exit, Ctrl-C and SIGTERM included. About
25 s with the defaults (debug build, 2 cores).

Usage: backup-restore.py [--bin target/debug/dreamseed] [--only sqlite|postgres]
                         [--seconds 4] [--writers 4] [--batch 50]
                         [--users 20000] [--activities 200000]
                         [--pg-users 2000] [--pg-activities 20000] [--port 18950]
Ports: --port (SQLite's server), +1 and +2 (Postgres source and copy).
Only 127.0.0.1 is a target.
"""

import argparse
import collections
import functools
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

from drill import (ROOT, Server, answer_kind, ingest_key, keep_on_failure, local_postgres, psql, request,
                   send_batch, server_env)

KIND = "backup_drill"  # the writers' activity_type
BATCH_ROWS_SQL = f"select description, count(*) from activities where activity_type = '{KIND}' group by description"


def main():
    parser = argparse.ArgumentParser()
    default_bin = os.path.join(ROOT, "target", "debug", "dreamseed")
    if not os.path.exists(default_bin):
        default_bin = os.path.join(ROOT, "target", "release", "dreamseed")
    parser.add_argument("--bin", default=default_bin)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--seconds", type=float, default=4.0, help="how long the writers write, each part")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--users", type=int, default=20000, help="SQLite: seeded users (0: none)")
    parser.add_argument("--activities", type=int, default=200000)
    parser.add_argument("--pg-users", type=int, default=2000, help="Postgres: seeded users (0: none)")
    parser.add_argument("--pg-activities", type=int, default=20000)
    parser.add_argument("--port", type=int, default=18950)
    args = parser.parse_args()
    args.bin = os.path.abspath(args.bin)
    # Stopped (a CI timeout): unwind, so the servers are stopped and the databases dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))

    started = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="backup-restore-")
    failures = ["did not finish"]
    try:
        found = []
        if args.only in (None, "sqlite"):
            found += sqlite_part(args, os.path.join(tmp, "sqlite"))
        if args.only in (None, "postgres"):
            found += postgres_part(args, os.path.join(tmp, "postgres"))
        failures = found
    finally:
        print(f"took {time.monotonic() - started:.1f} s")
        keep_on_failure(tmp, failures, f"{len(failures)} misses; work directory and server logs kept in {tmp}")
    sys.exit(1 if failures else 0)


class Writers:
    """WRITERS threads sending BATCH-activity ingestion batches one after
    another, each with its own Idempotency-Key and its id (`<tag>-<writer>-<n>`)
    in every event's description, retrying the same key on 409 "in progress",
    5xx and dropped connections, as the platform's backend does. Records each
    batch's first send and acknowledgement (200, or 409 "applied") and every
    attempt (start, end, answer)."""

    def __init__(self, port, key, writers, batch, tag):
        self.port, self.batch, self.tag, self.writers = port, batch, tag, writers
        self.headers = {"content-type": "application/json", "authorization": f"Bearer {key}"}
        self.sent = {}  # batch id -> [first send, acknowledgement or None]
        self.attempts = []  # (start, end, answer kind)
        self.unexpected = []
        self.lock = threading.Lock()
        self.halt = threading.Event()
        self.threads = []
        self.stuck = 0

    def create_users(self):
        users = [{"type": "user_upsert", "email": f"{self.tag}-{w}@drill.test", "username": f"{self.tag} {w}"}
                 for w in range(self.writers)]
        status, body = request("127.0.0.1", self.port, "POST", "/api/v1/events",
                               json.dumps({"events": users}), self.headers)
        if status != 200:
            sys.exit(f"create the writers' users: {status} {body}")

    def start(self):
        self.create_users()
        self.threads = [threading.Thread(target=self.write, args=(w,), daemon=True) for w in range(self.writers)]
        for thread in self.threads:
            thread.start()

    def write(self, w):
        n = 0
        while not self.halt.is_set():
            batch = f"{self.tag}-{w}-{n}"
            n += 1
            events = [{"type": "activity", "user_email": f"{self.tag}-{w}@drill.test", "activity_type": KIND,
                       "description": batch} for _ in range(self.batch)]
            with self.lock:
                self.sent[batch] = [time.monotonic(), None]
            acked, status, answer = send_batch(self.port, json.dumps({"events": events}), self.headers,
                                               self.record, give_up=time.monotonic() + 30)
            with self.lock:
                if acked is None:
                    self.unexpected.append(f"{batch}: {answer_kind(status, answer)} {answer}")
                    return
                self.sent[batch][1] = acked

    def record(self, began, ended, kind):
        with self.lock:
            self.attempts.append((began, ended, kind))

    def around(self, seconds, command):
        """Writes for `seconds`, running `command` (a backup) a third of the
        way in, and on until it has ended and half a second more; then lets
        each writer finish the batch it has under way. Returns the monotonic
        (start, end) of the command and what it returned."""
        self.start()
        began = time.monotonic()
        time.sleep(seconds / 3)
        start = time.monotonic()
        result = command()
        end = time.monotonic()
        time.sleep(max(0.5, began + seconds - end))
        self.halt.set()
        for thread in self.threads:
            thread.join(timeout=40)
        self.stuck = sum(thread.is_alive() for thread in self.threads)
        return (start, end), result

    def acked(self):
        """The batches acknowledged."""
        with self.lock:
            return {b for b, (_, ack) in self.sent.items() if ack is not None}

    def load_report(self, name, window):
        """Prints the answers and latency before and during `window` (start,
        end); returns the misses: any answer not 2xx, a writer that stopped on one."""
        start, end = window
        with self.lock:
            attempts = list(self.attempts)
        during = [a for a in attempts if a[0] < end and a[1] > start]
        before = [a for a in attempts if a[1] <= start]
        answers = collections.Counter(kind for _, _, kind in attempts)
        errors = [a for a in attempts if a[2] not in ("200", "409 CONFLICT")]
        errors_during = [a for a in during if a[2] not in ("200", "409 CONFLICT")]

        def latency(rows):
            values = sorted(e - s for s, e, _ in rows)
            if not values:
                return "none"
            return f"p50 {values[len(values) // 2] * 1000:.0f} ms, max {values[-1] * 1000:.0f} ms"

        print(f"  writers: {self.writers} x {self.batch}-event batches, {len(self.sent)} batches sent, "
              f"{len(self.acked())} acknowledged; answers "
              + ", ".join(f"{k} x {v}" for k, v in sorted(answers.items())))
        slowest = max(during, key=lambda a: a[1] - a[0], default=None)
        at = f", the slowest sent {slowest[0] - start:+.2f} s from its start" if slowest else ""
        print(f"  latency before the {name}: {latency(before)} ({len(before)} requests); "
              f"during it: {latency(during)} ({len(during)} requests{at}), {len(errors_during)} errors")
        misses = [f"writer answer {kind} at {s - start:+.2f} s from the {name}'s start" for s, _, kind in errors[:10]]
        misses += [f"a writer stopped on {line}" for line in self.unexpected[:10]]
        if self.stuck:
            misses.append(f"{self.stuck} writers still busy 40 s after being stopped")
        if not during:
            misses.append(f"no write ran during the {name}: nothing was measured (raise --seconds)")
        return misses


def check_snapshot(name, writers, rows, window):
    """Checks the batches in a snapshot (`rows`: batch id -> events) taken
    within `window` (the command's start and end): every batch acknowledged
    before the start is in it, none in part or twice, none first sent after
    the end, and each writer's batches are a run from its first without a gap.
    Prints the figures; returns the misses."""
    start, end = window
    with writers.lock:
        sent = {b: tuple(v) for b, v in writers.sent.items()}
    acked_before = {b for b, (_, ack) in sent.items() if ack is not None and ack < start}
    acked_during = {b for b, (_, ack) in sent.items() if ack is not None and start <= ack <= end}
    missing = sorted(b for b in acked_before if b not in rows)
    partial = sorted(b for b, n in rows.items() if n != writers.batch)
    unknown = sorted(b for b in rows if b not in sent)
    future = sorted(b for b in rows if b in sent and sent[b][0] > end)
    by_writer = collections.defaultdict(set)
    for b in rows:
        if b in sent:
            by_writer[b.rsplit("-", 2)[1]].add(int(b.rsplit("-", 1)[1]))
    gaps = sorted(w for w, ns in by_writer.items() if ns != set(range(max(ns) + 1)))
    print(f"  {name}: {len(rows)} batches ({sum(rows.values())} events); acknowledged before it started: "
          f"{len(acked_before)}, missing {len(missing)}; acknowledged while it ran: {len(acked_during)}, "
          f"{len(acked_during & rows.keys())} of them in it; partial or doubled {len(partial)}, "
          f"unknown {len(unknown)}, sent after it ended {len(future)}, writers with a gap {len(gaps)}")
    misses = [f"{name}: batch {b} acknowledged before it started is missing" for b in missing[:10]]
    misses += [f"{name}: batch {b} has {rows[b]} of {writers.batch} events" for b in partial[:10]]
    misses += [f"{name}: batch {b} was never sent" for b in unknown[:10]]
    misses += [f"{name}: batch {b} was first sent after it ended" for b in future[:10]]
    misses += [f"{name}: writer {w}'s batches have a gap: {sorted(by_writer[w])[:20]}" for w in gaps]
    if not acked_before:
        misses.append(f"{name}: no batch was acknowledged before it started: nothing was checked")
    return misses


# The figures compared between a copy and a server: the same SQL on SQLite
# and Postgres, and where each server shows it.
COUNTS = {
    "users": "select count(*) from users",
    "free": "select count(*) from users where user_type = 'free'",
    "paid": "select count(*) from users where user_type = 'paid'",
    "premium": "select count(*) from users where user_type = 'premium'",
    "problems_active": "select count(*) from problems where archived_at is null and status = 'active'",
    "problems_total": "select count(*) from problems where archived_at is null",
    "activities": "select count(*) from activities",
    "drill_events": f"select count(*) from activities where activity_type = '{KIND}'",
}
# Figures only the writers change (all else must be equal between a source
# and its copy).
ACTIVITY_FIGURES = ("activities", "drill_events", "activities_today")


def served_figures(port, key):
    """The figures a server serves: the stat cards (`tz=utc`) and the lists'
    totals, keyed as COUNTS (`users_listed`: the users list's total;
    `activities_today` and `day`: the stat card and its UTC day)."""
    headers = {"authorization": f"Bearer {key}"}

    def get(path):
        status, body = request("127.0.0.1", port, "GET", path, headers=headers, timeout=30)
        if status != 200:
            sys.exit(f"GET {path} on port {port}: {status} {body}")
        return body

    stats = get("/api/dashboard/stats?tz=utc")
    return {
        "users": stats["total_users"],
        "users_listed": get("/api/v1/users?per_page=1")["meta"]["total"],
        **{t: stats["users_by_type"][t] for t in ("free", "paid", "premium")},
        "problems_active": stats["problems_active"],
        "problems_total": stats["problems_total"],
        "activities": get("/api/v1/activities?per_page=1")["meta"]["total"],
        "drill_events": get(f"/api/v1/activities?per_page=1&activity_type={KIND}")["meta"]["total"],
        "activities_today": stats["activities_today"],
        "day": str(stats["as_of"])[:10],
    }


def expected_from_counts(counts):
    """What a server on a database with these COUNTS must serve."""
    return {**{k: counts[k] for k in COUNTS}, "users_listed": counts["users"]}


def compare(name, served, expected):
    """Prints and compares the figures `expected` names; returns the misses."""
    print(f"  {name}: " + ", ".join(f"{k} {served[k]}" for k in expected))
    return [f"{name}: {k} is {served[k]}, expected {v}" for k, v in expected.items() if served[k] != v]


def run_bin(args, env, *argv):
    return subprocess.run([args.bin, *argv], env=env, capture_output=True, text=True, timeout=300)


def message(done):
    """The error a command logged (the log is on stdout: its JSON line's
    message), else its last line of output."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in (done.stdout + "\n" + done.stderr).splitlines()
             if line.strip()]
    for line in reversed(lines):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("level") == "ERROR":
            return entry.get("message") or entry.get("fields", {}).get("message", line)
    return lines[-1] if lines else ""


def said(done):
    """What a command printed besides its log lines (JSON)."""
    return " / ".join(line for line in done.stdout.splitlines() if line.strip() and not line.startswith("{"))


def seeded_server(args, env, server, users, activities):
    """`dreamseed seed` (the demo data's kind: 300 problems, users of every
    tier) into the empty database `env` names, unless `users` is 0; then
    starts `server` on it and makes an ingest key. Prints what each took;
    returns the key, or None when the seed failed."""
    if users:
        began = time.monotonic()
        done = run_bin(args, env, "seed", "--users", str(users), "--activities", str(activities))
        if done.returncode != 0:
            print(f"  seed exited with {done.returncode}: {message(done)}")
            return None
        print(f"  seeded {users:,} users, {activities:,} activities in {time.monotonic() - began:.1f} s")
    began = time.monotonic()
    server.start()
    key = ingest_key(server.port)
    print(f"  server on port {server.port} ready in {time.monotonic() - began:.1f} s")
    return key


PART_STARTED = {}  # part -> monotonic start


def report(part, misses):
    for miss in misses:
        print(f"FAIL {part}: {miss}")
    took = f" in {time.monotonic() - PART_STARTED[part]:.1f} s" if part in PART_STARTED else ""
    print(f"{part}: {'passed' if not misses else f'{len(misses)} misses'}{took}")
    return misses


# --- SQLite ---------------------------------------------------------------

def sqlite_counts(path):
    """integrity_check, COUNTS and the writers' batches (id -> events) of the
    SQLite file at `path`, opened read-only."""
    conn = sqlite3.connect(f"file:{urllib.parse.quote(path)}?mode=ro", uri=True)
    try:
        found = {"integrity": "; ".join(r[0] for r in conn.execute("pragma integrity_check").fetchall()[:5])}
        for name, sql in COUNTS.items():
            found[name] = conn.execute(sql).fetchone()[0]
        found["batches"] = dict(conn.execute(BATCH_ROWS_SQL).fetchall())
    except sqlite3.DatabaseError as error:
        return {"integrity": f"{type(error).__name__}: {error}", "batches": {}}
    finally:
        conn.close()
    return found


def fingerprint(files, work):
    """(the names in `work`, the inode and SHA-256 of each of `files`)."""
    def sha(path):
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()[:16]
    return sorted(os.listdir(work)), [(os.stat(f).st_ino, sha(f)) for f in files]


def refused(what, command, expect, files, work):
    """Runs `command`, which must be refused: a non-zero exit, a message
    containing `expect`, and nothing changed: `files` keep their inode and
    contents, no file appears in or leaves `work`. Returns the misses."""
    before = fingerprint(files, work)
    done = command()
    after = fingerprint(files, work)
    why = message(done)
    print(f"  refused {what}: exit {done.returncode}: {why}")
    misses = []
    if done.returncode == 0:
        misses.append(f"{what}: exit 0 (must be refused)")
    if expect.lower() not in why.lower() or not why:
        misses.append(f"{what}: the message does not say {expect!r}: {why!r}")
    if before != after:
        misses.append(f"{what}: changed the files: before {before}, after {after}")
    if "panicked" in done.stdout + done.stderr:
        misses.append(f"{what}: panicked: {(done.stdout + done.stderr)[-500:]}")
    return misses


def sqlite_part(args, work):
    PART_STARTED["SQLite"] = time.monotonic()
    os.makedirs(work)
    print(f"SQLite ({args.bin})")
    env, _, _ = server_env(work, args.port, "sqlite")
    db = env["DB_PATH"]
    copy = os.path.join(work, "copy.db")
    log = open(os.path.join(work, "server.log"), "ab")
    server = Server(args.bin, env, args.port, log, start_within=60)
    writers = None
    misses = []
    try:
        key = seeded_server(args, env, server, args.users, args.activities)
        if not key:
            return report("SQLite", ["seed failed"])

        writers = Writers(args.port, key, args.writers, args.batch, "sqlite")
        window, backup = writers.around(args.seconds, lambda: run_bin(args, env, "backup", "--to", copy))
        misses += writers.load_report("backup", window)
        if backup.returncode != 0 or not os.path.exists(copy):
            return report("SQLite", misses + [f"backup exited with {backup.returncode}: {message(backup)}"])
        print(f"  backup: exit 0 in {window[1] - window[0]:.2f} s (the process, start to end), "
              f"{os.path.getsize(copy):,} bytes; it said: {said(backup)}")
        leftovers = [name for name in os.listdir(work) if name.startswith(".")]
        if leftovers:
            misses.append(f"backup: work files left beside the copy: {leftovers}")
        counted = sqlite_counts(copy)
        print(f"  copy: integrity_check {counted['integrity']}; {counted.get('users')} users, "
              f"{counted.get('activities')} activities, {counted.get('problems_total')} problems")
        if counted["integrity"] != "ok":
            return report("SQLite", misses + [f"copy: integrity_check says {counted['integrity']}"])
        misses += check_snapshot("copy", writers, counted["batches"], window)

        misses += refused("backup to an existing file without --overwrite",
                          lambda: run_bin(args, env, "backup", "--to", copy), "--overwrite", [copy], work)
        serving = served_figures(args.port, key)
        misses += refused("restore while the server runs",
                          lambda: run_bin(args, env, "restore", "--from", copy), "stop", [db], work)
        status, _ = request("127.0.0.1", args.port, "GET", "/healthz", timeout=5)
        if status != 200 or served_figures(args.port, key) != serving:
            misses.append(f"after the refused restore the server answers {status} or other figures")

        server.stop()
        acked = writers.acked()
        stored = sqlite_counts(db)["batches"]
        lost = sorted(acked - stored.keys())
        print(f"  server stopped (SIGTERM): {len(acked)} batches acknowledged in all, {len(lost)} not in the database")
        misses += [f"database: acknowledged batch {b} is missing after the stop" for b in lost[:10]]

        for what, source in unrestorable(work, copy):
            # A clear message names the file it refuses.
            restore = functools.partial(run_bin, args, env, "restore", "--from", source)
            misses += refused(f"restore from {what}", restore, os.path.basename(source), [db], work)

        misses += restore_and_serve(args, env, server, key, copy, counted, acked)
    finally:
        if writers:
            writers.halt.set()
        server.stop()
        log.close()
    return report("SQLite", misses)


def unrestorable(work, copy):
    """(what, path) of files `restore` must refuse: a text file, the copy cut
    at two thirds, a SQLite database that is not DreamSeed's, and the copy
    with a migration this binary does not have (from a newer version)."""
    notes = os.path.join(work, "notes.txt")
    with open(notes, "w") as f:
        f.write("not a database\n" * 100)
    truncated = os.path.join(work, "truncated.db")
    with open(copy, "rb") as src, open(truncated, "wb") as dst:
        dst.write(src.read(os.path.getsize(copy) * 2 // 3))
    foreign = os.path.join(work, "foreign.db")
    with sqlite3.connect(foreign) as conn:
        conn.execute("create table notes (id integer primary key, body text)")
    conn.close()
    newer = os.path.join(work, "newer.db")
    shutil.copyfile(copy, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("insert into _sqlx_migrations (version, description, success, checksum, execution_time) "
                     "values (99990101000000, 'from a newer dreamseed', 1, x'00', 0)")
    conn.close()
    return [("a text file", notes), ("a truncated copy", truncated), ("a SQLite database not DreamSeed's", foreign),
            ("a copy from a newer version", newer)]


def restore_and_serve(args, env, server, key, copy, counted, acked):
    """`restore --from copy` with the server stopped, the database it replaced
    kept, then the server on the restored database; returns the misses."""
    db = env["DB_PATH"]
    inode = os.stat(db).st_ino
    began = time.monotonic()
    done = run_bin(args, env, "restore", "--from", copy)
    took = time.monotonic() - began
    if done.returncode != 0:
        return [f"restore --from the copy exited with {done.returncode}: {message(done)}"]
    print(f"  restore: exit 0 in {took:.2f} s; it said: {said(done)}")
    misses = []
    kept = [k for k in glob.glob(db + ".before-restore-*") if not k.endswith(("-wal", "-shm"))]
    if len(kept) != 1:
        return [f"restore: expected one {db}.before-restore-* file, found {kept}"]
    before = sqlite_counts(kept[0])
    lost = sorted(acked - before["batches"].keys())
    print(f"  kept {os.path.basename(kept[0])}: integrity_check {before['integrity']}, "
          f"{len(before['batches'])} batches, {len(lost)} of those acknowledged before the stop missing")
    if before["integrity"] != "ok":
        misses.append(f"{kept[0]}: integrity_check says {before['integrity']}")
    misses += [f"{kept[0]}: acknowledged batch {b} is missing" for b in lost[:10]]
    misses += [f"{kept[0]}: batch {b} has {n} events" for b, n in before["batches"].items() if n != args.batch][:10]
    restored = sqlite_counts(db)
    leftovers = [name for name in os.listdir(os.path.dirname(db)) if name.startswith(".")]
    if leftovers:
        misses.append(f"restore: work files left beside the database: {leftovers}")
    if os.stat(db).st_ino == inode:
        misses.append("restore: the database is still the file it was")
    if restored["integrity"] != "ok" or restored["batches"] != counted["batches"]:
        misses.append(f"restored database: integrity_check {restored['integrity']}, "
                      f"{len(restored['batches'])} batches (the copy: {len(counted['batches'])})")

    began = time.monotonic()
    server.start()
    print(f"  server started on the restored database in {time.monotonic() - began:.1f} s")
    misses += compare("restored server serves", served_figures(args.port, key), expected_from_counts(counted))
    status, body = request("127.0.0.1", args.port, "POST", "/api/v1/events", json.dumps({"events": [
        {"type": "activity", "user_email": "sqlite-0@drill.test", "activity_type": "after_restore"}]}),
        {"content-type": "application/json", "authorization": f"Bearer {key}", "idempotency-key": str(uuid.uuid4())})
    print(f"  a new batch on the restored server: {status}")
    if status != 200:
        misses.append(f"restored server: a new batch got {status} {body}")
    return misses


# --- Postgres -------------------------------------------------------------

def pg_tools(major):
    """(pg_dump, pg_restore) of Postgres `major`, or None."""
    for folder in (f"/usr/lib/postgresql/{major}/bin", None):
        tools = [os.path.join(folder, t) if folder else shutil.which(t) for t in ("pg_dump", "pg_restore")]
        if not all(t and os.access(t, os.X_OK) for t in tools):
            continue
        versions = [subprocess.run([t, "--version"], capture_output=True, text=True).stdout for t in tools]
        if all(re.search(rf"\) {major}\.", v) for v in versions):
            return tools
    return None


def pg_counts(url):
    found = {name: int(psql(url, sql)[0][0]) for name, sql in COUNTS.items()}
    found["batches"] = {d: int(n) for d, n in psql(url, BATCH_ROWS_SQL)}
    return found


def postgres_part(args, work):
    PART_STARTED["Postgres"] = time.monotonic()
    os.makedirs(work)
    admin = local_postgres()
    probe = subprocess.run(["psql", admin, "-Atc", "show server_version_num"], capture_output=True, text=True,
                           env=dict(os.environ, PGCONNECT_TIMEOUT="3"))
    if probe.returncode != 0:
        why = f"Postgres at {admin} does not answer: {' '.join(probe.stderr.split())}"
        if os.environ.get("CI") == "true":
            return report("Postgres", [f"CI=true but {why}"])
        print(f"Postgres: skipped: {why}")
        return []
    major = int(probe.stdout.strip()) // 10000
    tools = pg_tools(major)
    if not tools:
        return report("Postgres", [f"no pg_dump and pg_restore of version {major} (the server's) "
                                   f"in /usr/lib/postgresql/{major}/bin or on PATH"])
    pg_dump, pg_restore = tools
    print(f"Postgres {major} ({os.path.dirname(pg_dump)}), {args.bin}")
    base = admin.rsplit("/", 1)[0]
    names = ("dreamseed_backup_src", "dreamseed_backup_copy")
    src_url, copy_url = (f"{base}/{name}" for name in names)

    def serve(port, url, log):
        env, _, _ = server_env(work, port, "sqlite")
        del env["DB_PATH"]
        env["DATABASE_URL"] = url
        return env, Server(args.bin, env, port, log, start_within=60)

    logs = [open(os.path.join(work, f"{n}.log"), "ab") for n in ("source", "copy")]
    src_env, source = serve(args.port + 1, src_url, logs[0])
    _, copy = serve(args.port + 2, copy_url, logs[1])
    writers = None
    misses = []
    try:
        for name in names:
            psql(admin, f"drop database if exists {name} with (force)")
        psql(admin, f"create database {names[0]}")
        key = seeded_server(args, src_env, source, args.pg_users, args.pg_activities)
        if not key:
            return report("Postgres", ["seed failed"])

        dump = os.path.join(work, "source.dump")
        writers = Writers(source.port, key, args.writers, args.batch, "pg")
        window, dumped = writers.around(args.seconds, lambda: subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", "--file", dump, src_url],
            capture_output=True, text=True, timeout=300))
        misses += writers.load_report("pg_dump", window)
        if dumped.returncode != 0:
            return report("Postgres", misses + [f"pg_dump exited with {dumped.returncode}: {dumped.stderr.strip()}"])
        print(f"  pg_dump --format=custom: exit 0 in {window[1] - window[0]:.2f} s, {os.path.getsize(dump):,} bytes")

        misses += refused("dreamseed backup on Postgres", lambda: run_bin(
            args, src_env, "backup", "--to", os.path.join(work, "backup.db")), "pg_dump", [dump], work)
        misses += refused("dreamseed restore on Postgres", lambda: run_bin(
            args, src_env, "restore", "--from", dump), "pg_restore", [dump], work)

        # The source's figures, the writers stopped: from the database (not a cache).
        status, body = request("127.0.0.1", source.port, "POST", "/api/cache/invalidate", "{}",
                               {"content-type": "application/json", "authorization": f"Bearer {key}"})
        if status != 200:
            return report("Postgres", misses + [f"POST /api/cache/invalidate on the source: {status} {body}"])
        source_figures = served_figures(source.port, key)
        source_batches = pg_counts(src_url)["batches"]

        psql(admin, f"create database {names[1]}")
        began = time.monotonic()
        restored = subprocess.run([pg_restore, "--no-owner", "--dbname", copy_url, dump],
                                  capture_output=True, text=True, timeout=300)
        if restored.returncode != 0:
            return report("Postgres", misses + [f"pg_restore exited with {restored.returncode}: "
                                                f"{restored.stderr.strip()[-1000:]}"])
        print(f"  pg_restore into an empty database: exit 0 in {time.monotonic() - began:.2f} s")
        counted = pg_counts(copy_url)
        misses += check_snapshot("dump", writers, counted["batches"], window)

        began = time.monotonic()
        copy.start()
        print(f"  server on the restored database ready in {time.monotonic() - began:.1f} s")
        copy_figures = served_figures(copy.port, key)
        misses += compare("restored server serves", copy_figures, expected_from_counts(counted))

        # The source took batches after the dump's snapshot: exactly those
        # (in the source, not in the dump) make up every activity difference;
        # the writers change nothing else.
        later = set(source_batches) - set(counted["batches"])
        strays = set(counted["batches"]) - set(source_batches)
        extra = sum(source_batches[b] for b in later)
        expected = {}
        for k, v in source_figures.items():
            if k == "day" or (k == "activities_today" and source_figures["day"] != copy_figures["day"]):
                continue
            expected[k] = v - extra if k in ACTIVITY_FIGURES else v
        print(f"  the source took {len(later)} batches ({extra} events) after the dump's snapshot")
        misses += compare("source's figures less those", copy_figures, expected)
        if strays:
            misses.append(f"the dump has batches the source does not: {sorted(strays)[:10]}")
    finally:
        if writers:
            writers.halt.set()
        copy.stop()
        source.stop()
        for log in logs:
            log.close()
        for name in names:
            psql(admin, f"drop database if exists {name} with (force)")
    return report("Postgres", misses)


if __name__ == "__main__":
    main()
