#!/usr/bin/env python3
"""A local cluster (issue #17, item 1; `make cluster`): REPLICAS replicas of
`dreamseed serve` on 127.0.0.1 (ports REPLICA_PORT, REPLICA_PORT+1, …), all on
one Postgres database and one Redis, with one SECRET_KEY, behind Debian's nginx
on PORT as the load balancer (deploy/nginx/dreamseed.conf, filled in here).

The database is `dreamseed_cluster` on TEST_POSTGRES_URL's server (default
postgres://postgres@127.0.0.1:5432/test, which must be on this machine), created
on the first run and kept (`--fresh` drops it first), or `--database-url`.
Redis is REDIS_URL (default redis://127.0.0.1:6379), database number 7 unless
the URL names one. The secret key and the first admin's password are made once
and kept in the state directory (target/cluster/), with the generated nginx
configuration and every log. The first replica starts alone, so it alone
migrates the database and, when it has no users, fills it with demo data; the
others start once it is ready.

nginx has no active health checks: this script asks each replica's /ready
every second and keeps only the ready ones in the upstream block, reloading
nginx (SIGHUP) when that changes. When none is ready, every running replica
stays in, so clients get the replicas' own 503 with Retry-After.

Ctrl-C or SIGTERM stops nginx, then every replica (SIGTERM, SIGKILL after
15 s), by PID. Exits 1 when nginx, Postgres or Redis is missing, a replica does
not become ready, or nginx or every replica stops by itself.

Usage: cluster.py [--bin target/release/dreamseed] [--replicas 3] [--port 8080]
                  [--replica-port 18601] [--database-url postgres://…] [--fresh]
                  [--state-dir target/cluster] [--start-within 600]
ADMIN_EMAIL, ADMIN_PASSWORD and SECRET_KEY, when set, are used instead.
"""

import argparse
import collections
import ctypes
import grp
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts", "drills"))

from drill import local_postgres, psql, request  # noqa: E402
from drill import site_root as drill_site_root  # noqa: E402

NGINX = "/usr/sbin/nginx"
TEMPLATE = os.path.join(ROOT, "deploy", "nginx", "dreamseed.conf")
DATABASE = "dreamseed_cluster"
REDIS_DB = 7
# Passive checks per upstream server (see the template). A short fail_timeout:
# when every replica answered 503 at once (the database refusing connections),
# nginx skips them all and answers its own 503 for that long after they are
# well again (10 s made recovery from a 2 s refusal take 9 s); a replica that
# is really gone leaves the upstream through the /ready watcher within ~1 s.
MAX_FAILS, FAIL_TIMEOUT = 3, "3s"
# The replicas finish in-flight requests within 10 s of SIGTERM (serve.rs).
REPLICA_GRACE, NGINX_GRACE = 15, 5
POLL_SECONDS = 1.0
PLACEHOLDER = re.compile(r"\$\{(DREAMSEED_[A-Z_]+)\}")
LIBC = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


class Stop(BaseException):
    """SIGINT or SIGTERM: stop the cluster. A BaseException, so the drills'
    `request`, which turns every Exception into an answer, lets it through."""


def on_signal(signum, _frame):
    raise Stop(signal.Signals(signum).name)


def say(message):
    print(message, flush=True)


def detach():
    """In each child before exec: a session of its own, so a Ctrl-C on the
    terminal reaches only this script, which stops everything in order; and
    SIGTERM should this script die without stopping it (SIGKILL, a crash)."""
    os.setsid()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(argv, env, log):
    """Starts `argv` with signals held, so a Ctrl-C cannot land between the
    start and the moment the process is ours to stop."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        return subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=detach)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def stop(processes, grace):
    """SIGTERM to every process still running, SIGKILL to those left after `grace` s."""
    running = [p for p in processes if p is not None and p.poll() is None]
    for process in running:
        process.terminate()
    deadline = time.monotonic() + grace
    for process in running:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tail(path, lines=15):
    try:
        with open(path, errors="replace") as log:
            return "".join(log.readlines()[-lines:])
    except OSError:
        return ""


def redact(url):
    """`url` without its password, for messages."""
    parsed = urllib.parse.urlparse(url)
    if parsed.password is None:
        return url
    return url.replace(f":{parsed.password}@", ":***@", 1)


def port_free(port):
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def require_free(ports, why=""):
    """Exits unless every one of `ports` is free on 127.0.0.1 (`why`: said after)."""
    busy = [p for p in ports if not port_free(p)]
    if busy:
        sys.exit(f"port(s) {', '.join(map(str, busy))} on 127.0.0.1 already in use{why}")


def require_nginx():
    if not os.access(NGINX, os.X_OK):
        sys.exit(f"nginx is missing at {NGINX}: make nginx installs Debian's")


def wait_answering(name, process, answers, where, log, within=10, every=0.1):
    """Waits until `answers()`; exits when `process` (`name`, logging to `log`)
    exits first or `within` s pass (`where`: what it did not answer, and where)."""
    deadline = time.monotonic() + within
    while not answers():
        if process.poll() is not None:
            sys.exit(f"{name} exited with {process.returncode}:\n{tail(log)}")
        if time.monotonic() > deadline:
            sys.exit(f"{name} did not answer {where} within {within} s; see {log}")
        time.sleep(every)


def kept(path, make):
    """(the value kept in `path`, whether it was made now): made by `make()` and
    written readable by the owner only the first time."""
    try:
        with open(path) as existing:
            value = existing.read().strip()
        if value:
            return value, False
    except FileNotFoundError:
        pass
    value = make()
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as new:
        new.write(value + "\n")
    return value, True


def database(url=None, fresh=False, name=DATABASE):
    """(the replicas' database URL, whether it had been made before this run):
    `name` (kept between runs; dropped first when `fresh`) on
    TEST_POSTGRES_URL's server, or `url` (--database-url)."""
    if not shutil.which("psql"):
        sys.exit("psql is missing (Debian's postgresql-client): it checks and creates the cluster's database")
    if url:
        if fresh:
            sys.exit("--fresh drops only the cluster's own database, not one given with --database-url")
        answers(url)
        return url, True
    admin = local_postgres()
    answers(admin)
    existed = bool(psql(admin, f"select 1 from pg_database where datname = '{name}'"))
    if existed and fresh:
        psql(admin, f"drop database {name} with (force)")
        say(f"dropped the database {name} (--fresh)")
        existed = False
    if not existed:
        psql(admin, f"create database {name}")
    return admin.rsplit("/", 1)[0] + "/" + name, existed


def answers(url):
    try:
        psql(url, "select 1")
    except subprocess.CalledProcessError as error:
        sys.exit(f"PostgreSQL does not answer at {redact(url)} (start it: make services): {error.stderr.strip()}")


def redis_url(db=None):
    """REDIS_URL (or the local default) on database `db`, or without one on
    REDIS_DB unless the URL names one; exits unless Redis answers PING."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379"
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("redis", "rediss"):
        sys.exit(f"REDIS_URL must be a redis:// URL, not {redact(url)}")
    if db is not None:
        url = parsed._replace(path=f"/{db}").geturl()
    elif parsed.path in ("", "/"):
        url = url.rstrip("/") + f"/{REDIS_DB}"
    if parsed.scheme == "redis":
        try:
            redis_command(url, ["PING"])
        except (OSError, RuntimeError) as error:
            sys.exit(f"Redis does not answer at {redact(url)} (start it: make services): {error}")
    return url


def redis_command(url, *commands):
    """Sends RESP commands (each a list of words) to Redis at `url`; returns the raw replies."""
    parsed = urllib.parse.urlparse(url)
    payload = b""
    if parsed.password:
        user = [parsed.username] if parsed.username else []
        commands = (["AUTH", *user, urllib.parse.unquote(parsed.password)], *commands)
    for words in commands:
        payload += f"*{len(words)}\r\n".encode()
        for word in words:
            data = str(word).encode()
            payload += f"${len(data)}\r\n".encode() + data + b"\r\n"
    with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=5) as conn:
        conn.sendall(payload)
        reply = b""
        while reply.count(b"\r\n") < len(commands):
            chunk = conn.recv(4096)
            if not chunk:
                break
            reply += chunk
    if b"-" in [line[:1] for line in reply.split(b"\r\n")]:
        raise RuntimeError(f"Redis refused: {reply!r}")
    return reply


def site_root(state):
    """The built site, or, as the drills do, a stand-in (see drill.site_root)."""
    site, stand_in = drill_site_root(state)
    if stand_in:
        say("no built site: serving a copy of public/ without the WASM (make build makes it)")
    return site


class Replica:
    """One `dreamseed serve` of ours on 127.0.0.1:`port`, stopped by its PID."""

    def __init__(self, number, port, binary, env, log):
        self.number, self.port, self.binary, self.env, self.log = number, port, binary, env, log
        self.process = None
        self.reported_exit = False

    def __str__(self):
        return f"replica {self.number} (127.0.0.1:{self.port})"

    def start(self):
        with open(self.log, "wb") as log:
            self.process = spawn([self.binary, "serve"], self.env, log)

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def ready(self):
        return self.alive() and request("127.0.0.1", self.port, "GET", "/ready", timeout=1)[0] == 200

    def wait_ready(self, within):
        deadline = time.monotonic() + within
        while not self.ready():
            if not self.alive():
                sys.exit(f"{self} exited with {self.process.returncode}:\n{tail(self.log)}(all of it: {self.log})")
            if time.monotonic() > deadline:
                sys.exit(f"{self} was not ready within {within} s; see {self.log}")
            time.sleep(0.2)


class Nginx:
    """Debian's nginx as a process of ours: its prefix, configuration, PID file,
    logs and temporary files all in the state directory."""

    def __init__(self, state, port):
        self.state, self.port = state, port
        self.main_conf = os.path.join(state, "nginx.conf")
        self.site_conf = os.path.join(state, "dreamseed.conf")
        self.error_log = os.path.join(state, "nginx-error.log")
        self.access_log = os.path.join(state, "nginx-access.log")
        self.pid_file = os.path.join(state, "nginx.pid")
        self.temp = os.path.join(state, "nginx-temp")
        with open(TEMPLATE) as template:
            self.template = template.read()
        self.process = None

    def args(self):
        return ["-p", self.state + "/", "-c", self.main_conf, "-e", self.error_log,
                "-g", f'daemon off; pid "{self.pid_file}";']

    def write(self, ports):
        """The configuration with `ports` as the upstream's servers."""
        servers = "\n".join(f"server 127.0.0.1:{port} max_fails={MAX_FAILS} fail_timeout={FAIL_TIMEOUT};"
                            for port in ports)
        values = {"DREAMSEED_LISTEN": f"127.0.0.1:{self.port}", "DREAMSEED_SERVERS": servers,
                  "DREAMSEED_ACCESS_LOG": f'"{self.access_log}"'}
        header = "# Written by scripts/cluster.py from deploy/nginx/dreamseed.conf, again as replicas come and go.\n"
        replace(self.site_conf, header + render(self.template, values))

    def write_main(self):
        os.makedirs(self.temp, exist_ok=True)
        temp = "\n".join(f'    {kind}_temp_path "{self.temp}/{kind}";'
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        # As root, nginx would hand its workers to `nobody`; keep them ours.
        user = ""
        if os.geteuid() == 0:
            user = f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};\n"
        replace(self.main_conf, (
            "# Written by scripts/cluster.py for its own nginx (rewritten at every start).\n"
            f"{user}worker_processes 1;\n"
            # A reload ends old workers' live streams after this (the browsers reconnect).
            "worker_shutdown_timeout 30s;\n"
            f'error_log "{self.error_log}" warn;\n'
            "events {\n    worker_connections 1024;\n}\n"
            f"http {{\n{temp}\n"
            f'    include "{self.site_conf}";\n}}\n'))

    def check(self):
        result = subprocess.run([NGINX, "-t", "-q", *self.args()], capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"nginx refuses the generated configuration ({self.main_conf}):\n{result.stderr}")

    def start(self):
        with open(self.error_log, "ab") as log:
            self.process = spawn([NGINX, *self.args()], None, log)
        wait_answering("nginx", self.process,
                       lambda: request("127.0.0.1", self.port, "GET", "/healthz", timeout=1)[0] == 200,
                       f"/healthz on 127.0.0.1:{self.port}", self.error_log)

    def launch(self, ports):
        """Writes the configuration for `ports`, checks it and starts nginx."""
        self.write_main()
        self.write(ports)
        self.check()
        self.start()

    def reload(self):
        """SIGHUP: the master rereads the configuration, new workers take over."""
        self.process.send_signal(signal.SIGHUP)


def render(template, values):
    """`template` with its ${DREAMSEED_…} placeholders filled in (comment lines
    are left as they are); a value of several lines keeps the placeholder's indent."""
    out = []
    for line in template.splitlines():
        if not line.lstrip().startswith("#"):
            indent = line[: len(line) - len(line.lstrip())]

            def fill(match):
                if match.group(1) not in values:
                    sys.exit(f"{TEMPLATE}: unknown placeholder {match.group(0)}")
                return values[match.group(1)].replace("\n", "\n" + indent)

            line = PLACEHOLDER.sub(fill, line)
        out.append(line)
    return "\n".join(out) + "\n"


def replace(path, text):
    """Writes `path` whole or not at all (a reload never reads half a file)."""
    with open(path + ".next", "w") as new:
        new.write(text)
    os.replace(path + ".next", path)


def main():
    parser = argparse.ArgumentParser(description="Replicas of dreamseed serve behind nginx, on one Postgres and Redis.")
    parser.add_argument("--bin", default="target/release/dreamseed")
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--port", type=int, default=8080, help="nginx's port (the cluster's URL)")
    parser.add_argument("--replica-port", type=int, default=18601, help="the first replica's port")
    parser.add_argument("--database-url", help="use this Postgres database instead of dreamseed_cluster")
    parser.add_argument("--fresh", action="store_true", help="drop dreamseed_cluster first")
    parser.add_argument("--state-dir", default=os.path.join(ROOT, "target", "cluster"))
    parser.add_argument("--start-within", type=int, default=600,
                        help="seconds a replica may take to be ready (the first may fill an empty database)")
    args = parser.parse_args()
    if not 1 <= args.replicas <= 32:
        sys.exit("--replicas must be from 1 to 32")
    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        sys.exit(f"no server binary at {args.bin} (make build, or pass --bin)")
    require_nginx()
    ports = [args.replica_port + i for i in range(args.replicas)]
    require_free([args.port, *ports], f" (a cluster still running? its nginx PID is in {args.state_dir}/nginx.pid)")

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    state = os.path.abspath(args.state_dir)
    os.makedirs(state, exist_ok=True)
    replicas, nginx = [], None
    try:
        url, existed = database(args.database_url, args.fresh)
        redis = redis_url()
        site = site_root(state)
        secret = os.environ.get("SECRET_KEY")
        if not secret:
            secret, _ = kept(os.path.join(state, "secret-key"), lambda: secrets.token_hex(32))
        email = os.environ.get("ADMIN_EMAIL") or "admin@dreamseed.local"
        if os.environ.get("ADMIN_PASSWORD"):
            password, new_password = os.environ["ADMIN_PASSWORD"], False
        else:
            password, new_password = kept(os.path.join(state, "admin-password"), lambda: secrets.token_urlsafe(15))
        for number, port in enumerate(ports, 1):
            env = replica_env(port, url, redis, secret, email, password, args.port, site,
                              # Only the first fills an empty database.
                              demo_data=number == 1)
            replicas.append(Replica(number, port, binary, env, os.path.join(state, f"replica-{number}.log")))

        start_replicas(replicas, args.start_within)
        nginx = Nginx(state, args.port)
        nginx.launch(ports)
        say(f"\nDreamSeed Admin: http://127.0.0.1:{args.port}  ({len(replicas)} replicas behind nginx)")
        say(f"  sign in as {email} with the password {password}")
        if existed and new_password:
            say("  (unless the database already had an admin, from an earlier run: that one keeps its password)")
        say(f"  replicas: {', '.join(f'127.0.0.1:{p}' for p in ports)}; logs {state}/replica-N.log")
        say(f"  database {redact(url)}, Redis {redact(redis)}")
        say(f"  nginx {nginx.main_conf}; logs {nginx.access_log}, {nginx.error_log}")
        say("Ctrl-C stops nginx and every replica.\n")
        watch(replicas, nginx)
    except Stop as received:
        say(f"\n{received}: stopping")
    finally:
        # Stopping is bounded (at most ~20 s): let nothing cut it short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_cluster(replicas, nginx)


def replica_env(port, url, redis, secret, email, password, public_port, site, demo_data, **extra):
    """The environment of a replica on `port` (`extra`: more variables, e.g. for the tests)."""
    return dict(os.environ, PORT=str(port), HOST="127.0.0.1", DATABASE_URL=url, REDIS_URL=redis,
                SECRET_KEY=secret, ADMIN_EMAIL=email, ADMIN_PASSWORD=password,
                TRUST_PROXY_HEADERS="true", TRUSTED_PROXIES="127.0.0.1/32",
                PUBLIC_URL=f"http://127.0.0.1:{public_port}", LEPTOS_SITE_ROOT=site, LOG_FORMAT="json",
                # Empty is unset (and beats a .env file).
                DEMO_DATA="true" if demo_data else "false", DB_PATH="", METRICS_ADDR="", **extra)


def start_replicas(replicas, within):
    """The first replica alone (it migrates), then the others; each ready within `within` s."""
    say(f"{replicas[0]}: starting alone (it migrates the database, and fills it with demo data if it has no users)")
    replicas[0].start()
    replicas[0].wait_ready(within)
    if len(replicas) > 1:
        others = "replica 2" if len(replicas) == 2 else f"replicas 2-{len(replicas)}"
        say(f"replica 1 ready; starting {others}")
        for replica in replicas[1:]:
            replica.start()
        for replica in replicas[1:]:
            replica.wait_ready(within)


def stop_cluster(replicas, nginx):
    """nginx, then every replica started (SIGTERM, SIGKILL after the grace), by PID."""
    stopped = []
    if nginx is not None and nginx.process is not None:
        stop([nginx.process], NGINX_GRACE)
        stopped.append("nginx")
    started = [r.process for r in replicas if r.process is not None]
    stop(started, REPLICA_GRACE)
    if started:
        stopped.append(f"{len(started)} replica(s)")
    if stopped:
        say(f"stopped {' and '.join(stopped)}")


class Watcher:
    """Keeps nginx's upstream to the ready replicas (see `watch`)."""

    def __init__(self, replicas, nginx):
        self.replicas, self.nginx = replicas, nginx
        self.ready = [True] * len(replicas)
        self.upstream = [r.port for r in replicas]
        # Looks taken so far (the tests wait for the next ones).
        self.steps = 0
        # (time.monotonic(), the new upstream) at the latest reloads (the drills time them).
        self.changes = collections.deque(maxlen=100)

    def run(self, done=None):
        """A look every POLL_SECONDS (see `step`) until `done` (a
        threading.Event) is set; without one, until this script is stopped."""
        done = done or threading.Event()
        with ThreadPoolExecutor(max_workers=len(self.replicas)) as pool:
            while not done.is_set():
                started = time.monotonic()
                self.step(pool)
                done.wait(max(0.0, POLL_SECONDS - (time.monotonic() - started)))

    def step(self, pool):
        """One look at nginx and every replica's /ready; rewrites the upstream
        and reloads nginx when the set of ready replicas changed. Exits when
        nginx or every replica has stopped."""
        replicas, nginx = self.replicas, self.nginx
        if nginx.process.poll() is not None:
            sys.exit(f"nginx exited with {nginx.process.returncode}:\n{tail(nginx.error_log)}")
        now = list(pool.map(Replica.ready, replicas))
        for replica, was, is_ready in zip(replicas, self.ready, now):
            if was != is_ready:
                change = "ready: back in the upstream" if is_ready else "not ready: out of the upstream"
                say(f"{time.strftime('%H:%M:%S')} {replica} {change}")
            if not replica.alive() and not replica.reported_exit:
                replica.reported_exit = True
                say(f"{time.strftime('%H:%M:%S')} {replica} exited with {replica.process.returncode}; "
                    f"see {replica.log}")
        self.ready = now
        wanted = [r.port for r, ok in zip(replicas, self.ready) if ok]
        if not wanted:
            # Fail open: with none ready, every running replica answers its
            # own 503 with Retry-After (nginx's would be a bare 502).
            wanted = [r.port for r in replicas if r.alive()]
            if not wanted:
                sys.exit("every replica has stopped")
            if wanted != self.upstream:
                say(f"{time.strftime('%H:%M:%S')} no replica is ready: every running one stays in the upstream")
        if wanted != self.upstream:
            nginx.write(wanted)
            nginx.reload()
            self.upstream = wanted
            self.changes.append((time.monotonic(), wanted))
            say(f"{time.strftime('%H:%M:%S')} nginx reloaded: upstream {', '.join(map(str, wanted))}")
        self.steps += 1


def watch(replicas, nginx):
    """Keeps nginx's upstream to the ready replicas until this script is stopped."""
    Watcher(replicas, nginx).run()


if __name__ == "__main__":
    main()
