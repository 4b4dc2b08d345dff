#!/usr/bin/env python3
"""The load test (issue #17, item 4; `make loadtest`): the seed's Locust
scenario (scripts/loadtest/locustfile.py: /healthz, /api/dashboard/stats and
/api/dashboard/user-growth, 3 : 5 : 2, each simulated user signed in with its
own JWT) against a target this script starts and stops itself:

  --replicas 1   one `dreamseed serve` on Postgres + Redis behind nginx
  --replicas 3   three of them behind nginx (scripts/cluster.py's functions)
  --compare      1, then 3 (same data, same load), printed side by side
  --url URL      a server already running on this machine (LOADTEST_EMAIL and
                 LOADTEST_PASSWORD: an account of any role; its
                 RATE_LIMIT_PER_MINUTE must allow the load, or the 429s are errors)

A single replica sits behind nginx too, so the two runs differ only in the
number of replicas, not in the proxy hop. nginx listens on 127.0.0.1:18900,
the replicas on 18901, 18902, …; files and logs are in target/loadtest/.

The replicas share the Postgres database `dreamseed_loadtest` on
TEST_POSTGRES_URL's server (kept between runs: `dreamseed seed` fills it when
its row counts are not the ones asked for, --dataset-users/-activities,
100k/1M by default; --fresh drops it first), Redis database 10 (flushed before
each run) and one account, loadtest@loadtest.local (a viewer; created with
`dreamseed create-account` when missing). All the simulated users sign in as
that account, so the replicas run with RATE_LIMIT_PER_MINUTE=1000000: the
limit (100 a minute per account by default) is an abuse guard that cluster-test
checks on its own; here it is still counted on every request (in Redis), just
never reached.

Locust (PyPI, pinned in requirements.txt) runs headless in one process, in
target/loadtest-venv (made, or remade when requirements.txt changes). Then a
table: per endpoint and for the mix, requests, requests per second, p50 and
p99 (exact, in ms) and errors; the CPU that locust, the replicas and nginx used
and the replicas' peak memory. On 2 cores locust competes with the servers for
the CPU, so the figures are about correctness more than speed.

Exits 1 when any request failed (an error status, or a wrong answer: every
replica must give the database's user count) or a replica stopped, never on
speed. Everything started is stopped by PID, on errors and Ctrl-C too.

--smoke: a few seconds with a few users against 1 then 3 replicas of a small
dataset (its own database, dreamseed_loadtest_smoke), for `make test`.

Usage: run.py [--replicas 1|3|N | --compare | --url URL | --smoke] [--bin PATH]
              [--users 100] [--spawn-rate 20] [--seconds 60] [--wait 1-3]
              [--dataset-users 100000] [--dataset-activities 1000000] [--fresh]
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "scripts", "drills"))

import cluster  # noqa: E402
from cluster import say  # noqa: E402
from drill import Server, loopback_target, psql  # noqa: E402

VENV = os.path.join(ROOT, "target", "loadtest-venv")
REQUIREMENTS = os.path.join(HERE, "requirements.txt")
STATE = os.path.join(ROOT, "target", "loadtest")
NGINX_PORT, FIRST_REPLICA_PORT, MAX_REPLICAS = 18900, 18901, 9
REDIS_DB = 10
DATABASE, SMOKE_DATABASE = "dreamseed_loadtest", "dreamseed_loadtest_smoke"
# The load-test database's own viewer (loopback only, like the drills' admin).
EMAIL, PASSWORD = "loadtest@loadtest.local", "loadtest-Viewer-password-7"
RATE_LIMIT = "1000000"
MIX = ["GET /healthz", "GET /api/dashboard/stats", "GET /api/dashboard/user-growth"]
SIGN_IN = ["POST /api/v1/auth/login", "POST /api/v1/auth/login 503, retried", "POST /api/v1/auth/refresh"]
SMOKE = dict(users=5, spawn_rate=5, seconds=4, wait="0.05-0.2", dataset_users=2_000, dataset_activities=20_000,
             dataset_problems=50)
CLK_TCK = os.sysconf("SC_CLK_TCK")


def main():
    args = parse()
    began = time.monotonic()
    ensure_venv()
    signal.signal(signal.SIGINT, cluster.on_signal)
    signal.signal(signal.SIGTERM, cluster.on_signal)
    results = []
    try:
        if args.url:
            host, port = loopback_target(args.url)
            email, password = os.environ.get("LOADTEST_EMAIL"), os.environ.get("LOADTEST_PASSWORD")
            if not email or not password:
                sys.exit("--url needs LOADTEST_EMAIL and LOADTEST_PASSWORD (an account on that server)")
            say(f"target: {args.url} (already running)")
            results.append(run_locust(f"http://{host}:{port}", args, os.path.join(STATE, "url"), email, password,
                                      None, "given server"))
        else:
            binary = server_binary(args.bin)
            target = Target(args, binary)
            target.prepare()
            for count in ([1, 3] if args.compare else [args.replicas]):
                results.append(target.run(count))
    except cluster.Stop as received:
        say(f"\n{received}: stopped")
        sys.exit(130)
    print_table(results)
    errors = sum(r["errors"] for r in results)
    say(f"\n{time.monotonic() - began:.1f} s in all")
    if any("RATE_LIMITED" in m for r in results for row in r["rows"].values() for m in row["messages"]):
        say("(429: every simulated user signs in as one account, and the target's RATE_LIMIT_PER_MINUTE, per "
            "account, is below the load: raise it there, or use fewer --users or a longer --wait)")
    if errors:
        say(f"FAILED: {errors} error(s)")
        sys.exit(1)
    say("load test passed: 0 errors")


def parse():
    parser = argparse.ArgumentParser(description="The seed's Locust scenario against 1 or N replicas behind nginx.")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--replicas", type=int, default=1, help="replicas behind nginx (default 1)")
    target.add_argument("--compare", action="store_true", help="1 replica, then 3")
    target.add_argument("--url", help="a running server on this machine (LOADTEST_EMAIL, LOADTEST_PASSWORD)")
    parser.add_argument("--smoke", action="store_true",
                        help="a few seconds, few users, a small dataset, 1 then 3 replicas (make test)")
    parser.add_argument("--bin", help="the server (default: target/release/dreamseed if built, else target/debug)")
    parser.add_argument("--users", type=int, default=100, help="simulated users (default 100)")
    parser.add_argument("--spawn-rate", type=float, default=20, help="users started per second (default 20)")
    parser.add_argument("--seconds", type=int, default=60, help="how long each run lasts (default 60)")
    parser.add_argument("--wait", default="1-3",
                        help="seconds between a user's requests: MIN-MAX (the seed's 1-3, the default) or one number "
                             "(0: flat out)")
    parser.add_argument("--dataset-users", type=int, default=100_000)
    parser.add_argument("--dataset-activities", type=int, default=1_000_000)
    parser.add_argument("--dataset-problems", type=int, default=300)
    parser.add_argument("--fresh", action="store_true", help="drop the load test's database first (then re-seed)")
    parser.set_defaults(database=DATABASE)
    if "--smoke" in sys.argv[1:]:
        # The smoke run's own defaults (any option given still wins).
        parser.set_defaults(**SMOKE, compare=True, database=SMOKE_DATABASE)
    args = parser.parse_args()
    if args.smoke and args.url:
        sys.exit("--smoke starts its own servers; it takes no --url")
    if not 1 <= args.replicas <= MAX_REPLICAS:
        sys.exit(f"--replicas must be from 1 to {MAX_REPLICAS} (ports {FIRST_REPLICA_PORT}-"
                 f"{FIRST_REPLICA_PORT + MAX_REPLICAS - 1})")
    if args.users < 1 or args.seconds < 1 or args.spawn_rate <= 0:
        sys.exit("--users, --seconds and --spawn-rate must be positive")
    low, _, high = args.wait.partition("-")
    try:
        if float(low) < 0 or (high and float(high) < float(low)):
            raise ValueError
    except ValueError:
        sys.exit(f"--wait must be MIN-MAX or one number of seconds, not {args.wait!r}")
    return args


def ensure_venv():
    """target/loadtest-venv with requirements.txt installed; only when that file changed since."""
    started = time.monotonic()
    subprocess.run([os.path.join(ROOT, "scripts", "bin", "pinned-venv"), VENV, REQUIREMENTS, "locust"], check=True)
    if time.monotonic() - started > 1:
        say(f"  ready in {time.monotonic() - started:.1f} s")


def server_binary(given):
    """The server to start: --bin, else the release build if there is one, else the test build."""
    candidates = [given] if given else [os.path.join(ROOT, "target", "release", "dreamseed"),
                                        os.path.join(ROOT, "target", "debug", "dreamseed")]
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            binary = os.path.abspath(candidate)
            kind = "release build" if os.sep + "release" + os.sep in binary else \
                "test build, unoptimised: its figures are not the release's" if os.sep + "debug" + os.sep in binary \
                else "given"
            built = time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(binary)))
            say(f"server: {os.path.relpath(binary, ROOT)} ({kind}; built {built})")
            return binary
    sys.exit(f"no server binary at {given}" if given else "no server binary: make build (or make test-bin)")


class Target:
    """The servers of a run: the database (seeded once), Redis, N replicas and nginx."""

    def __init__(self, args, binary):
        self.args, self.binary = args, binary
        cluster.require_nginx()
        cluster.require_free([NGINX_PORT] + [FIRST_REPLICA_PORT + i for i in range(3 if args.compare else args.replicas)],
                             " (a load test still running?)")
        self.url = self.redis = None
        self.expect_users = None

    def prepare(self):
        """The database (created, and seeded unless it has the rows asked for) and its account."""
        args = self.args
        os.makedirs(STATE, exist_ok=True)
        self.url, _ = cluster.database(fresh=args.fresh, name=args.database)
        self.redis = cluster.redis_url(REDIS_DB)
        wanted = (args.dataset_users, args.dataset_activities, args.dataset_problems)
        have = self.counts()
        if have == wanted:
            say(f"dataset: {args.database} already has {have[0]:,} users, {have[1]:,} activities, "
                f"{have[2]:,} problems (kept from an earlier run)")
        else:
            reset = any(have)
            say(f"dataset: seeding {args.database} with {wanted[0]:,} users, {wanted[1]:,} activities, "
                f"{wanted[2]:,} problems" + (f" (it had {have[0]:,} / {have[1]:,} / {have[2]:,}: --reset)" if reset else ""))
            started = time.monotonic()
            subprocess.run([self.binary, "seed", "--users", str(wanted[0]), "--activities", str(wanted[1]),
                            "--problems", str(wanted[2]), *(["--reset"] if reset else [])],
                           env=self.env(), check=True)
            say(f"  seeded in {time.monotonic() - started:.1f} s")
            have = self.counts()
            if have != wanted:
                sys.exit(f"after seeding, {args.database} has {have}, not {wanted}")
        self.expect_users = have[0]
        if not psql(self.url, f"select 1 from accounts where email = '{EMAIL}'"):
            subprocess.run([self.binary, "create-account", "--email", EMAIL, "--role", "viewer"],
                           env=dict(self.env(), DREAMSEED_PASSWORD=PASSWORD), check=True, stdout=subprocess.DEVNULL)
            say(f"account: created {EMAIL} (viewer)")

    def counts(self):
        """(users, activities, problems) in the database; zeros before its first migration."""
        if psql(self.url, "select to_regclass('public.users') is null")[0][0] == "t":
            return (0, 0, 0)
        row = psql(self.url, "select (select count(*) from users), (select count(*) from activities), "
                             "(select count(*) from problems)")[0]
        return tuple(int(x) for x in row)

    def env(self):
        """The seed's and create-account's environment: the database and nothing else of a server's."""
        return dict(os.environ, DATABASE_URL=self.url, DB_PATH="", REDIS_URL=self.redis, DEMO_DATA="false")

    def run(self, count):
        """`count` replicas behind nginx, locust against them, everything stopped; the result."""
        state = os.path.join(STATE, f"replicas-{count}")
        os.makedirs(state, exist_ok=True)
        label = f"{count} replica" + ("s" if count > 1 else "")
        say(f"\n== {label} behind nginx")
        cluster.redis_command(self.redis, ["SELECT", REDIS_DB], ["FLUSHDB"])
        site = cluster.site_root(state)
        secret = os.urandom(32).hex()
        replicas, nginx = [], None
        try:
            for number in range(1, count + 1):
                port = FIRST_REPLICA_PORT + number - 1
                env = cluster.replica_env(port, self.url, self.redis, secret, EMAIL, PASSWORD, NGINX_PORT, site,
                                          demo_data=False, RATE_LIMIT_PER_MINUTE=RATE_LIMIT)
                replicas.append(cluster.Replica(number, port, self.binary, env,
                                                os.path.join(state, f"replica-{number}.log")))
            started = time.monotonic()
            cluster.start_replicas(replicas, 600)
            nginx = cluster.Nginx(state, NGINX_PORT)
            nginx.launch([r.port for r in replicas])
            say(f"up in {time.monotonic() - started:.1f} s: nginx 127.0.0.1:{NGINX_PORT}, replicas "
                f"{', '.join(str(r.port) for r in replicas)}")
            result = run_locust(f"http://127.0.0.1:{NGINX_PORT}", self.args, state, EMAIL, PASSWORD,
                                self.expect_users, label, replicas, nginx)
            stopped = [r for r in replicas if not r.alive()]
            for replica in stopped:
                say(f"{replica} stopped during the run (exit {replica.process.returncode}):\n"
                    f"{cluster.tail(replica.log)}")
            result["errors"] += len(stopped)
            return result
        finally:
            # Stopping is bounded (at most ~20 s): let nothing cut it short.
            handlers = signal.signal(signal.SIGINT, signal.SIG_IGN), signal.signal(signal.SIGTERM, signal.SIG_IGN)
            cluster.stop_cluster(replicas, nginx)
            signal.signal(signal.SIGINT, handlers[0])
            signal.signal(signal.SIGTERM, handlers[1])


def run_locust(base, args, state, email, password, expect_users, label, replicas=(), nginx=None):
    """Locust headless against `base`; the result: per request name and for the
    mix, with the CPU each side used and the replicas' peak memory."""
    os.makedirs(state, exist_ok=True)
    summary_path = os.path.join(state, "locust-summary.json")
    log_path = os.path.join(state, "locust.log")
    if os.path.exists(summary_path):
        os.remove(summary_path)
    env = dict(os.environ, LOADTEST_EMAIL=email, LOADTEST_PASSWORD=password, LOADTEST_WAIT=args.wait,
               LOADTEST_SUMMARY=summary_path, LOADTEST_EXPECT_USERS="" if expect_users is None else str(expect_users))
    argv = [os.path.join(VENV, "bin", "locust"), "-f", os.path.join(HERE, "locustfile.py"), "--headless",
            "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.seconds}s", "--host", base,
            "--only-summary", "--exit-code-on-error", "0"]
    say(f"locust: {args.users} users (+{args.spawn_rate:g}/s), wait {args.wait} s, {args.seconds} s "
        f"(log {os.path.relpath(log_path, ROOT)})")
    servers = [r.process.pid for r in replicas]
    proxies = nginx_pids(nginx)
    before = cpu_seconds(servers), cpu_seconds(proxies), machine_busy()
    started = time.monotonic()
    with open(log_path, "wb") as log:
        locust = cluster.spawn(argv, env, log)
    try:
        # Locust stops its users at -t and exits; the margin covers its start and a slow stop.
        locust.wait(timeout=args.seconds + 120)
    except subprocess.TimeoutExpired:
        sys.exit(f"locust was still running {args.seconds + 120} s after starting; see {log_path}")
    finally:
        cluster.stop([locust], 10)
    wall = time.monotonic() - started
    after = cpu_seconds(servers), cpu_seconds(proxies | nginx_pids(nginx)), machine_busy()
    if locust.returncode != 0 or not os.path.exists(summary_path):
        sys.exit(f"locust exited with {locust.returncode}:\n{cluster.tail(log_path, 30)}")
    with open(summary_path) as summary_file:
        summary = json.load(summary_file)
    seconds = max(1e-9, (summary["stop"] or time.time()) - summary["start"])
    rows = {}
    for name, data in summary["requests"].items():
        rows[name] = dict(data, rate=data["count"] / seconds)
    mix = [rows[n] for n in MIX if n in rows]
    total = {"count": sum(r["count"] for r in mix), "failures": sum(r["failures"] for r in mix),
             **(summary["mix"] or {"p50": None, "p99": None})}
    total["rate"] = total["count"] / seconds
    errors = sum(r["failures"] for r in rows.values())
    memory = [Server.memory(r)[1] for r in replicas]  # a Replica has the `process` that Server.memory reads
    return {"label": label, "rows": rows, "total": total, "errors": errors, "seconds": seconds, "wall": wall,
            "locust_cpu": summary["cpu"], "server_cpu": after[0] - before[0],
            "nginx_cpu": after[1] - before[1], "machine_cpu": after[2] - before[2], "peak_mib": memory, "users": args.users, "wait": args.wait}


def nginx_pids(nginx):
    """nginx's master and its workers (a reload replaces the workers)."""
    if nginx is None or nginx.process is None:
        return set()
    master = nginx.process.pid
    pids = {master}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = proc_stat(int(entry))
            if stat and int(stat[1]) == master:
                pids.add(int(entry))
    return pids


def proc_stat(pid):
    """/proc/PID/stat's fields after the command's name (state first), or None."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def cpu_seconds(pids):
    """User + system CPU seconds of the processes still running in `pids`."""
    total = 0.0
    for pid in pids:
        stat = proc_stat(pid)
        if stat:
            total += (int(stat[11]) + int(stat[12])) / CLK_TCK
    return total


def machine_busy():
    """CPU seconds this machine spent busy (every process, Postgres and Redis included), from /proc/stat."""
    with open("/proc/stat") as stat:
        ticks = [int(x) for x in stat.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest time is in user already)
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / CLK_TCK


def print_table(results):
    if not results:
        return
    say("")
    say(f"{'endpoint':<37} {'target':>12} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    names = MIX + ["mix"] + [n for n in SIGN_IN if any(n in r["rows"] for r in results)]
    for name in names:
        for i, result in enumerate(results):
            row = result["total"] if name == "mix" else result["rows"].get(name)
            if row is None:
                continue
            shown = ("all three (the mix)" if name == "mix" else name) if i == 0 else ""
            say(f"{shown:<37} {result['label']:>12} {row['count']:>9,} {row['rate']:>8.1f} {ms(row['p50']):>8} "
                f"{ms(row['p99']):>8} {row['failures']:>7,}")
    for result in results:
        memory = ", ".join(f"{m} MiB" for m in result["peak_mib"] if m is not None)
        # Locust's CPU over the run's window (it measures itself); the servers' over locust's whole life.
        say(f"\n{result['label']}: {result['users']} users, wait {result['wait']} s, {result['seconds']:.1f} s; "
            f"CPU (% of one core): locust {result['locust_cpu'] * 100 / result['seconds']:.0f} %"
            + (f", replicas {result['server_cpu'] * 100 / result['wall']:.0f} %, "
               f"nginx {result['nginx_cpu'] * 100 / result['wall']:.0f} %" if result["peak_mib"] else "")
            + f", the whole machine {result['machine_cpu'] * 100 / result['wall']:.0f} % of {os.cpu_count()} cores"
            + (f"; replicas' peak RSS {memory}" if memory else ""))
        for name, row in result["rows"].items():
            for message, times in row["messages"].items():
                say(f"  {name}: {times} x {message}")


def ms(value):
    if value is None:
        return "-"
    return f"{value:.2f}" if value < 9.995 else f"{value:.1f}" if value < 99.95 else f"{value:.0f}"


if __name__ == "__main__":
    main()
