"""The seed's load test (its tests/locustfile.py), signed in: each simulated
user signs in once (POST /api/v1/auth/login, a JWT bearer, refreshed before it
expires), then, between waits, asks for the liveness probe, the stat cards'
figures and the user-growth series in the seed's proportions, 3 : 5 : 2.

Every answer is checked, not just its status: /healthz says "healthy", the
stats have a whole `total_users` (equal to LOADTEST_EXPECT_USERS when given:
every replica, cached or not, must agree with the database), the user-growth
series has points. A wrong answer is a failure like a 5xx.

Run by scripts/loadtest/run.py, which sets (all but the first two optional):
  LOADTEST_EMAIL, LOADTEST_PASSWORD  the account to sign in with (any role)
  LOADTEST_WAIT          seconds between a user's requests: "1-3" (the seed's
                         between(1, 3), the default), or one number ("0": flat out)
  LOADTEST_EXPECT_USERS  the database's user count
  LOADTEST_SUMMARY       where to write, at the end, per method and name: the count,
                         the failures (with their first messages) and the exact
                         response times' p50 and p99 (locust's own percentiles
                         are rounded to whole milliseconds); and the run's window
                         and the CPU time this process used in it
"""

import json
import os
import time
from array import array

from locust import FastHttpUser, between, constant, events, task
from locust.exception import StopUser

EMAIL = os.environ.get("LOADTEST_EMAIL", "")
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "")
EXPECT_USERS = int(os.environ["LOADTEST_EXPECT_USERS"]) if os.environ.get("LOADTEST_EXPECT_USERS") else None
SUMMARY = os.environ.get("LOADTEST_SUMMARY")
LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
# A sign-in refused with 503 and Retry-After (too many at once: the password
# checks run one per core) is the documented answer to a burst: retried, and
# counted under a name of its own rather than as a failure.
LOGIN_RETRIED = "/api/v1/auth/login 503, retried"
LOGIN_TRIES = 20
# Refresh this long before the access token expires.
REFRESH_MARGIN = 60


def wait_from(spec):
    low, _, high = spec.partition("-")
    return between(float(low), float(high)) if high else constant(float(low))


class DashboardViewer(FastHttpUser):
    """One person with the dashboard open (the seed's DreamSeedUser)."""

    wait_time = wait_from(os.environ.get("LOADTEST_WAIT", "1-3"))

    def on_start(self):
        self.token, self.refresh_token, self.expires = None, None, 0.0
        self.sign_in()

    def sign_in(self):
        for attempt in range(LOGIN_TRIES):
            with self.client.post(LOGIN, json={"email": EMAIL, "password": PASSWORD},
                                  name=LOGIN, catch_response=True) as response:
                if response.status_code == 200 and self.keep_tokens(response):
                    response.success()
                    return
                if response.status_code == 503 and attempt + 1 < LOGIN_TRIES:
                    response.request_meta["name"] = LOGIN_RETRIED
                    response.success()
                    retry_after = float(response.headers.get("retry-after") or 1)
                else:
                    response.failure(f"sign-in: {refusal(response)}")
                    retry_after = None
            if retry_after is None:
                # Without a token every request would fail: this user stops.
                raise StopUser()
            time.sleep(min(retry_after, 5))

    def keep_tokens(self, response):
        try:
            body = response.json()
            self.token, self.refresh_token = body["access_token"], body["refresh_token"]
            self.expires = time.monotonic() + float(body["expires_in"])
            return True
        except (ValueError, KeyError, TypeError):
            return False

    def bearer(self):
        if time.monotonic() > self.expires - REFRESH_MARGIN:
            with self.client.post(REFRESH, json={"refresh_token": self.refresh_token},
                                  name=REFRESH, catch_response=True) as response:
                if response.status_code == 200 and self.keep_tokens(response):
                    response.success()
                else:
                    response.failure(f"refresh: {refusal(response)}")
        return {"authorization": f"Bearer {self.token}"}

    def get(self, path, check, signed_in=True):
        headers = self.bearer() if signed_in else {}
        with self.client.get(path, headers=headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(refusal(response))
                return
            try:
                problem = check(response.json())
            except (ValueError, KeyError, TypeError, IndexError) as error:
                problem = f"unexpected body ({type(error).__name__}: {error}): {short(response.text)}"
            if problem:
                response.failure(problem)

    # The seed's three tasks, with its weights.

    @task(3)
    def healthz(self):
        # The probe needs no credentials (the seed's sent none).
        self.get("/healthz", lambda body: None if body["status"] == "healthy" else f"status {body['status']!r}",
                 signed_in=False)

    @task(5)
    def stats(self):
        self.get("/api/dashboard/stats", check_stats)

    @task(2)
    def user_growth(self):
        self.get("/api/dashboard/user-growth", check_growth)


def check_stats(body):
    return check_total("total_users", body["total_users"])


def check_growth(body):
    points = body["points"]
    return check_total("the last point's total_users", points[-1]["total_users"]) if points else "no points"


def check_total(what, total):
    """None when `total` is a user count (the database's, when known), else what is wrong."""
    if not isinstance(total, int) or total < 0:
        return f"{what} {total!r}"
    if EXPECT_USERS is not None and total != EXPECT_USERS:
        return f"{what} {total}, the database has {EXPECT_USERS}"
    return None


def refusal(response):
    """An error answer in a few words that group alike answers: the status and
    the envelope's code and message (not its trace id and time), or the body's start."""
    try:
        error = response.json()["error"]
        return f"{response.status_code} {error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        return f"{response.status_code} {short(response.text)}"


def short(text, limit=160):
    text = (text or "").replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


# Exact figures for run.py, kept here as the requests come in.
times, failures, messages = {}, {}, {}
# The run's wall-clock window and this process's CPU time in it (locust's own load).
window = {"start": None, "stop": None, "cpu_start": None, "cpu_stop": None}


@events.request.add_listener
def on_request(request_type, name, response_time, exception, **_):
    name = f"{request_type} {name}"
    times.setdefault(name, array("d")).append(response_time)
    if exception is not None:
        failures[name] = failures.get(name, 0) + 1
        seen = messages.setdefault(name, {})
        text = str(exception)
        if text in seen or len(seen) < 5:
            seen[text] = seen.get(text, 0) + 1


@events.test_start.add_listener
def on_test_start(**_):
    window["start"], window["cpu_start"] = time.time(), time.process_time()


@events.test_stop.add_listener
def on_test_stop(**_):
    window["stop"], window["cpu_stop"] = time.time(), time.process_time()


@events.quitting.add_listener
def on_quitting(**_):
    if not SUMMARY:
        return
    stop, cpu_stop = window["stop"] or time.time(), window["cpu_stop"] or time.process_time()
    summary = {"start": window["start"], "stop": stop, "cpu": cpu_stop - (window["cpu_start"] or 0.0),
               "requests": {}}
    for name, values in times.items():
        ordered = sorted(values)
        summary["requests"][name] = {
            "count": len(ordered),
            "failures": failures.get(name, 0),
            "messages": messages.get(name, {}),
            "p50": percentile(ordered, 50),
            "p99": percentile(ordered, 99),
            "max": ordered[-1],
        }
    # The mix's totals need every time at once, not the per-name percentiles.
    mix = sorted(v for name, values in times.items() if name.startswith("GET ") for v in values)
    summary["mix"] = {"p50": percentile(mix, 50), "p99": percentile(mix, 99)} if mix else None
    with open(SUMMARY + ".next", "w") as out:
        json.dump(summary, out)
    os.replace(SUMMARY + ".next", SUMMARY)


def percentile(ordered, p):
    """The nearest-rank percentile of sorted values."""
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]
