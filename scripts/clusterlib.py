"""What the cluster's checks (cluster-test.py) and its drills
(cluster-drills.py) share: a cluster of their own started with cluster.py's
functions (a Postgres database made for it, replicas whose logs survive
restarts, nginx, the balancer in a thread), the HTTP helpers, the SIGKILL
under GET load and the rolling restart under idempotent ingestion. Each
function prints its figures and records a miss in `misses`."""

import json
import os
import secrets
import subprocess
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "scripts", "drills"))

import cluster  # noqa: E402
from cluster import say  # noqa: E402,F401 (the scripts' one way to print)
from drill import error_code, local_postgres, psql, request  # noqa: E402,F401 (error_code: for the drills)

misses = []


def miss(message):
    misses.append(message)
    say(f"  MISS: {message}")


def api(port, method, path, body=None, token=None, headers=None, timeout=30, response_headers=None):
    sent = dict(headers or {})
    if body is not None:
        sent["content-type"] = "application/json"
        body = json.dumps(body)
    if token:
        sent["authorization"] = f"Bearer {token}"
    return request("127.0.0.1", port, method, path, body, sent, timeout=timeout, response_headers=response_headers)


def expect(what, got, wanted):
    """Checks `got` (a status) is `wanted` (one or a tuple); a miss otherwise. Returns whether it was."""
    ok = got in wanted if isinstance(wanted, tuple) else got == wanted
    if not ok:
        miss(f"{what}: got {got}, expected {wanted}")
    return ok


def must(what, answer, wanted):
    status, body = answer
    if status != wanted:
        raise RuntimeError(f"{what}: {status} {body}")
    return body


def login(port, email, password):
    return must(f"login {email}", api(port, "POST", "/api/v1/auth/login", {"email": email, "password": password}),
                200)["access_token"]


def api_key(port, token, name, role, scopes=None):
    """A new API key `name` with `role` (and `scopes`, if any), made with the admin's `token`."""
    body = {"name": name, "role": role}
    if scopes:
        body["scopes"] = scopes
    return must(f"the API key {name}", api(port, "POST", "/api/v1/api-keys", body, token), 201)["key"]


def wait_for(what, predicate, within, every=0.05):
    deadline = time.monotonic() + within
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not within {within} s")
        time.sleep(every)


class Replica(cluster.Replica):
    """A replica whose log survives restarts (appended to, not truncated)."""

    def start(self):
        with open(self.log, "ab") as log:
            self.process = cluster.spawn([self.binary, "serve"], self.env, log)
        self.reported_exit = False


class Balancer(threading.Thread):
    """cluster.py's watcher (ready replicas only in nginx's upstream), in the background."""

    def __init__(self, replicas, nginx):
        super().__init__(daemon=True)
        self.watcher = cluster.Watcher(replicas, nginx)
        self.done = threading.Event()
        self.error = None

    def run(self):
        try:
            self.watcher.run(self.done)
        except SystemExit as error:
            self.error = str(error)
            say(f"  balancer stopped: {error}")

    def stop(self):
        self.done.set()
        self.join(timeout=10)

    def settled(self, replica, within=10):
        """Waits for two more looks at every replica, then for `replica` in the upstream."""
        steps = self.watcher.steps
        wait_for("the balancer's next looks", lambda: self.watcher.steps >= steps + 2, within)
        wait_for(f"{replica} in nginx's upstream", lambda: replica.port in self.watcher.upstream, within)

    def out_at(self, port, since):
        """When (monotonic) the upstream first changed to one without `port` after `since`, or None."""
        for at, upstream in list(self.watcher.changes):
            if at >= since and port not in upstream:
                return at
        return None


class Cluster:
    """Replicas of `binary` on 127.0.0.1:`ports` behind nginx on `nginx_port`,
    on the Postgres database `database` (created on TEST_POSTGRES_URL's server,
    dropped by `stop`; `fresh`: one left by an earlier run is dropped first)
    and the Redis at `redis`, with one new secret key, no demo data and the
    first admin `email`/`password`; `env`: more variables for every replica.
    Files (logs, nginx's configuration) in `state`."""

    def __init__(self, binary, state, nginx_port, ports, database, redis, email, password, fresh=False, **env):
        self.binary, self.state, self.nginx_port, self.ports = binary, state, nginx_port, ports
        self.name, self.redis, self.email, self.password = database, redis, email, password
        self.fresh, self.env = fresh, env
        self.admin_url = local_postgres()
        self.db = None
        self.replicas, self.nginx, self.balancer, self.created = [], None, None, False

    def start(self, within=120):
        """The database, the replicas (the first alone), nginx, then the balancer."""
        self.db, _ = cluster.database(fresh=self.fresh, name=self.name)
        self.created = True
        site = cluster.site_root(self.state)
        secret = secrets.token_hex(32)
        for number, port in enumerate(self.ports, 1):
            env = cluster.replica_env(port, self.db, self.redis, secret, self.email, self.password, self.nginx_port,
                                      site, demo_data=False, **self.env)
            log = os.path.join(self.state, f"replica-{number}.log")
            open(log, "wb").close()
            self.replicas.append(Replica(number, port, self.binary, env, log))
        cluster.start_replicas(self.replicas, within)
        self.nginx = cluster.Nginx(self.state, self.nginx_port)
        self.nginx.launch(self.ports)
        self.balancer = Balancer(self.replicas, self.nginx)
        self.balancer.start()

    def stop(self, tails=False, warnings_only=False):
        """The balancer, nginx and every replica (their last log lines first
        when `tails`; only those above INFO when `warnings_only`), then the database."""
        if self.balancer is not None:
            self.balancer.stop()
        if tails:
            for replica in self.replicas:
                if warnings_only:
                    say(f"\n---- {replica}: last warnings and errors in {replica.log}")
                    sys.stdout.write("".join(warnings(replica.log)[-25:]))
                else:
                    say(f"\n---- {replica}: last lines of {replica.log}")
                    sys.stdout.write(cluster.tail(replica.log, 25))
            if self.nginx is not None:
                say(f"\n---- nginx: last lines of {self.nginx.error_log}")
                sys.stdout.write(cluster.tail(self.nginx.error_log, 10))
        cluster.stop_cluster(self.replicas, self.nginx)
        if self.created:
            try:
                psql(self.admin_url, f"drop database {self.name} with (force)")
            except subprocess.CalledProcessError as error:
                say(f"could not drop {self.name}: {error.stderr.strip()}")


def warnings(path):
    """The lines of a replica's log (JSON lines) logged above INFO."""
    try:
        with open(path, errors="replace") as log:
            return [line for line in log if '"level":"WARN"' in line or '"level":"ERROR"' in line]
    except OSError:
        return []


def load(threads, seconds, call, at=None, then=None):
    """`call(thread, n)` (`n`: that thread's count) over and over from `threads`
    threads for `seconds` s; `then()` (if given) `at` s in. Returns the start
    (monotonic) and when `then` was called (seconds since the start, or None)."""
    start = time.monotonic()
    end = start + seconds

    def worker(number):
        n = 0
        while time.monotonic() < end:
            call(number, n)
            n += 1

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    called = None
    if then is not None:
        while time.monotonic() - start < at:
            time.sleep(0.01)
        called = time.monotonic() - start
        then()
    for w in workers:
        w.join()
    return start, called


def limit_burst(key, ports, per_port, path, workers, margin):
    """`per_port` GETs of `path` by `key` to each of `ports`, interleaved,
    `workers` at a time, inside one clock minute (the next one when under
    `margin` s of this one are left); returns ({port: accepted}, statuses
    other than 200 and 429, seconds taken)."""
    left = 60 - time.time() % 60
    if left < margin:
        time.sleep(left + 0.5)
    targets = [ports[i % len(ports)] for i in range(per_port * len(ports))]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        answers = list(pool.map(lambda port: (port, api(port, "GET", path, token=key)[0]), targets))
    took = time.monotonic() - started
    accepted = {port: sum(1 for p, s in answers if p == port and s == 200) for port in ports}
    return accepted, [s for _, s in answers if s not in (200, 429)], took


def failover(port, victim, balancer, seconds, threads, kill_at, paths=("/ready", "/login"), least=100):
    """`victim` SIGKILLed `kill_at` s into `threads` threads of GETs through
    nginx on `port` for `seconds` s: under 1 % may fail, none started more
    than 2 s after the kill. Then starts it again and waits until it is back
    in the upstream. Returns the figures."""
    results, lock = [], threading.Lock()

    def get(_, n):
        at = time.monotonic()
        status, _ = request("127.0.0.1", port, "GET", paths[n % len(paths)], timeout=10)
        with lock:
            results.append((at, status))

    start, killed_at = load(threads, seconds, get, kill_at, lambda: (victim.process.kill(), victim.process.wait()))
    results = [(at - start, s) for at, s in results]
    failed = [(at, s) for at, s in results if s != 200]
    late = [(at, s) for at, s in failed if at > killed_at + 2]
    share = 100 * len(failed) / max(1, len(results))
    after = [at - killed_at for at, _ in failed if at >= killed_at]
    out = balancer.out_at(victim.port, start + killed_at)
    say(f"  {len(results)} requests, {len(failed)} failed ({share:.2f} %), {len(late)} of them over 2 s after the kill"
        + (f"; failures: {sorted(set(str(s) for _, s in failed))}" if failed else "")
        + (f"; the last one sent {max(after):.2f} s after the kill" if after else "")
        + (f"; out of nginx's upstream {out - start - killed_at:.2f} s after the kill" if out else ""))
    if share >= 1:
        miss(f"{share:.2f} % of the requests failed (limit: under 1 %)")
    if late:
        miss(f"{len(late)} requests failed more than 2 s after the kill (first at {late[0][0] - killed_at:.1f} s)")
    if len(results) < least:
        miss(f"only {len(results)} requests in {seconds} s")
    victim.start()
    victim.wait_ready(60)
    balancer.settled(victim)
    return {"requests": len(results), "failed": len(failed), "share": share, "late": len(late),
            "last_failure": max(after) if after else None, "out": None if out is None else out - start - killed_at}


def rolling_restart(port, replicas, balancer, key_for, db, prefix, user_email, workers=4, least=20):
    """Each of `replicas` in turn SIGTERMed, left down until the balancer took
    it out of nginx's upstream, started again, ready and back in the upstream,
    while `workers` threads send one-activity batches (by `user_email`) through
    nginx on `port`, each with its own Idempotency-Key, retried on 409 in
    progress, 5xx and dropped connections; the key of worker `number`'s `n`th
    batch is `key_for(number, n)`. Then every acknowledged batch (descriptions
    `prefix`-…) must be in the database `db` exactly once. Returns the figures."""
    stop = threading.Event()
    acked, given_up, lock = [], [], threading.Lock()
    retries = {}

    def send(marker, key):
        batch = {"events": [{"type": "activity", "user_email": user_email,
                             "activity_type": "cluster_test", "description": marker}]}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status, body = api(port, "POST", "/api/v1/events", batch, key, {"idempotency-key": marker}, timeout=30)
            code = error_code(body)
            if status in (200, 201) or (status == 409 and code == "CONFLICT"):
                return True
            with lock:
                retries[str(status)] = retries.get(str(status), 0) + 1
            if status in (400, 401, 403, 404, 413, 415, 422):
                say(f"  batch {marker}: {status} {body}")
                return False
            time.sleep(0.2 if status != 429 else 1)
        return False

    def worker(number):
        n = 0
        while not stop.is_set():
            marker = f"{prefix}-{number}-{n}"
            ok = send(marker, key_for(number, n))
            with lock:
                (acked if ok else given_up).append(marker)
            n += 1
            time.sleep(0.1)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
    started = time.monotonic()
    for w in threads:
        w.start()
    try:
        time.sleep(2)
        for replica in replicas:
            t0 = time.monotonic()
            replica.process.terminate()
            replica.process.wait(timeout=cluster.REPLICA_GRACE)
            stopped = time.monotonic() - t0
            # As a deploy would be: down until the balancer has taken it out.
            wait_for(f"{replica} out of nginx's upstream",
                     lambda r=replica: r.port not in balancer.watcher.upstream, 10)
            out = time.monotonic() - t0
            replica.start()
            replica.wait_ready(60)
            balancer.settled(replica)
            say(f"  {replica}: stopped in {stopped:.1f} s, out of the upstream at {out:.1f} s, started again, "
                f"ready and back in it {time.monotonic() - t0:.1f} s after the SIGTERM")
        time.sleep(1)
    finally:
        stop.set()
        for w in threads:
            w.join()
    took = time.monotonic() - started
    rows = psql(db, f"select description, count(*) from activities where description like '{prefix}-%' "
                    f"group by description")
    stored = {d: int(n) for d, n in rows}
    lost = [m for m in acked if m not in stored]
    duplicated = {d: n for d, n in stored.items() if n > 1}
    say(f"  {len(acked)} batches acknowledged in {took:.1f} s ({len(given_up)} given up), retries by status: "
        f"{retries or 'none'}; in the database: {len(stored)} batches, {len(lost)} lost, {len(duplicated)} duplicated")
    if lost:
        miss(f"{len(lost)} acknowledged batches are not in the database: {lost[:5]}")
    if duplicated:
        miss(f"{len(duplicated)} batches are in the database more than once: {list(duplicated.items())[:5]}")
    if given_up:
        miss(f"{len(given_up)} batches were never acknowledged: {given_up[:5]}")
    if len(acked) < least:
        miss(f"only {len(acked)} batches acknowledged")
    return {"acked": len(acked), "given_up": len(given_up), "stored": len(stored), "lost": len(lost),
            "duplicated": len(duplicated), "retries": retries, "seconds": took}


def run_checks(checks, ctx, balancer):
    """Each of `checks` (functions of `ctx`) in turn; one that raises is a
    miss, and a broken cluster (the balancer stopped) ends the run."""
    for check in checks:
        try:
            check(ctx)
        except Exception as error:  # noqa: BLE001 - a check that cannot run is a miss
            miss(f"{check.__name__}: {error}")
            traceback.print_exc()
        if balancer.error:
            miss(f"the cluster broke: {balancer.error}")
            break


def conclude(began, passed):
    """The time taken and the misses; exits 1 if there were any, else says `passed`."""
    say(f"\n{time.monotonic() - began:.0f} s in all")
    if misses:
        say(f"FAILED: {len(misses)} miss(es):")
        for m in misses:
            say(f"  - {m}")
        sys.exit(1)
    say(passed)
