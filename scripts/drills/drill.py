"""What the drills share: one HTTP call that always answers (a refused or
dropped connection is an answer too), the rule that a drill only ever
targets this machine, and a server of the drill's own (port, database,
first admin) that it can kill and restart."""

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid

EMAIL, PASSWORD = "drill@example.com", "drill-Admin-password-7"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def loopback_target(url):
    """(host, port) of `url`; exits unless it is a loopback address."""
    parsed = urllib.parse.urlparse(url)
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("only loopback targets")
    return parsed.hostname, parsed.port or 80


def request(host, port, method, path, body=None, headers=None, timeout=60, response_headers=None):
    """(status, parsed JSON or None); on no answer, the exception's name as the
    status. `response_headers`, a dict, receives the answer's headers."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        if response_headers is not None:
            response_headers.update((k.lower(), v) for k, v in response.getheaders())
        data = response.read()
        try:
            return response.status, json.loads(data) if data else None
        except ValueError:
            return response.status, None
    except Exception as error:
        return type(error).__name__, None
    finally:
        conn.close()


def error_code(answer):
    """The `error.code` of a JSON answer, or None."""
    return answer.get("error", {}).get("code") if isinstance(answer, dict) else None


def answer_kind(status, answer):
    """An answer as the drills count it: its status, with its error code if
    it has one ("409 CONFLICT")."""
    code = error_code(answer)
    return f"{status} {code}" if code else str(status)


def send_batch(port, body, headers, record, give_up=None):
    """Sends one ingestion batch (`body`) under an Idempotency-Key of its own
    until it is acknowledged (200, or 409 CONFLICT: applied already),
    retrying the same key 0.1 s apart on 409 IDEMPOTENCY_IN_PROGRESS, 5xx and
    no answer, as the platform's backend does; stops on any other answer, or
    on one of those after `give_up` (monotonic). `record(began, ended, kind)`
    sees every attempt. Returns (when it was acknowledged, or None; the last
    status; the last answer)."""
    headers = {**headers, "idempotency-key": str(uuid.uuid4())}
    while True:
        began = time.monotonic()
        status, answer = request("127.0.0.1", port, "POST", "/api/v1/events", body, headers, timeout=30)
        ended = time.monotonic()
        code = error_code(answer)
        record(began, ended, answer_kind(status, answer))
        if status == 200 or (status == 409 and code == "CONFLICT"):
            return ended, status, answer
        retry = (status == 409 and code == "IDEMPOTENCY_IN_PROGRESS") or isinstance(status, str) or status >= 500
        if not retry or (give_up is not None and ended > give_up):
            return None, status, answer
        time.sleep(0.1)


def keep_on_failure(tmp, failed, note):
    """Removes the work directory `tmp`, or, after a failure, keeps it and
    prints `note`."""
    if failed:
        print(note)
    else:
        shutil.rmtree(tmp, ignore_errors=True)


def psql(url, sql):
    """Runs `sql` with psql on `url`; returns the rows as lists of fields."""
    out = subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-AtF", "\t", "-c", sql],
        check=True, capture_output=True, text=True,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def server_env(tmp, port, database):
    """(environment, admin URL, database URL) for a server of the drill's own on
    `port`: a SQLite file in `tmp`, or a Postgres database created for it
    (dropped by the caller) on TEST_POSTGRES_URL's server, which must be local."""
    site, _ = site_root(tmp)
    env = dict(os.environ, PORT=str(port), LEPTOS_SITE_ROOT=site, DEMO_DATA="false", LOG_FORMAT="json",
               ADMIN_EMAIL=EMAIL, ADMIN_PASSWORD=PASSWORD, RATE_LIMIT_PER_MINUTE="1000000")
    env.pop("DATABASE_URL", None)
    if database != "postgres":
        env["DB_PATH"] = os.path.join(tmp, "drill.db")
        return env, None, None
    admin = local_postgres()
    name = f"dreamseed_drill_{os.getpid()}"
    psql(admin, f"create database {name}")
    url = admin.rsplit("/", 1)[0] + "/" + name
    env["DATABASE_URL"] = url
    return env, admin, url


def local_postgres():
    """TEST_POSTGRES_URL (default: the local `test` database); exits unless its
    server is on this machine."""
    admin = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
    if urllib.parse.urlparse(admin).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("TEST_POSTGRES_URL must be a Postgres server on this machine")
    return admin


def site_root(tmp):
    """(the site to serve, whether it is a stand-in): the built one
    (LEPTOS_SITE_ROOT, else target/site), or a copy of public/ in `tmp` with an
    empty pkg/ (pages render; without the WASM they do not hydrate)."""
    site = os.environ.get("LEPTOS_SITE_ROOT", os.path.join(ROOT, "target", "site"))
    if os.path.isdir(os.path.join(site, "pkg")):
        return os.path.abspath(site), False
    copy = os.path.join(tmp, "site")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "public"), copy)
    os.makedirs(os.path.join(copy, "pkg"), exist_ok=True)
    return copy, True


def ingest_key(port):
    """Signs in as the drill's admin and makes an editor key with the ingest scope."""
    status, body = request("127.0.0.1", port, "POST", "/api/v1/auth/login",
                           json.dumps({"email": EMAIL, "password": PASSWORD}), {"content-type": "application/json"})
    if status != 200:
        sys.exit(f"login: {status} {body}")
    bearer = {"content-type": "application/json", "authorization": f"Bearer {body['access_token']}"}
    status, body = request("127.0.0.1", port, "POST", "/api/v1/api-keys",
                           json.dumps({"name": "drill", "role": "editor", "scopes": ["ingest"]}), bearer)
    if status != 201:
        sys.exit(f"create an API key: {status} {body}")
    return body["key"]


class Server:
    """One `dreamseed serve` of ours, killed, restarted and stopped by its PID.
    `start_within` bounds the wait for its first /healthz (seconds): a drill's
    server starts in well under a second, a benchmark's may first migrate and
    index millions of rows."""

    def __init__(self, binary, env, port, log, start_within=12):
        self.binary, self.env, self.port, self.log = binary, env, port, log
        self.start_within = start_within
        self.process = None

    def start(self):
        self.process = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + self.start_within
        while time.monotonic() < deadline:
            status, _ = request("127.0.0.1", self.port, "GET", "/healthz", timeout=2)
            if status == 200:
                return
            if self.process.poll() is not None:
                sys.exit(f"the server exited with {self.process.returncode}; see {self.log.name}")
            time.sleep(0.05)
        sys.exit(f"the server did not answer /healthz within {self.start_within} s")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def memory(self):
        """(VmRSS, VmHWM) in MiB, or (None, None) when it is not running."""
        try:
            with open(f"/proc/{self.process.pid}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            return tuple(int(fields[k].split()[0]) // 1024 for k in ("VmRSS", "VmHWM"))
        except (OSError, KeyError, ValueError, AttributeError):
            return None, None

    def stop(self):
        """SIGTERM, then SIGKILL if it has not stopped within 30 s."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
