#!/usr/bin/env python3
"""Login flood drill: N concurrent anonymous sign-ins with distinct e-mails
(each a full argon2 check) against a running `dreamseed serve`, while a
"normal" client keeps asking /healthz. Prints the answers by status, the
server's resident memory (VmRSS now, VmHWM peak) before and after, and how the
normal client fared; exits 1 when the peak passes the memory target or a normal
request failed.

Usage: login-flood.py --url http://127.0.0.1:18500 --pid PID [--count 1000]
                      [--max-rss-mb 150] [--forwarded]
--forwarded sends a random X-Forwarded-For per request (for a server started
with TRUST_PROXY_HEADERS=true, as the probe that found the hole did).
Only 127.0.0.1 is a valid target.
"""

import argparse
import collections
import concurrent.futures
import json
import random
import sys
import threading
import time

from drill import loopback_target, request


def vm(pid, field):
    """VmRSS or VmHWM of `pid`, in MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--max-rss-mb", type=float, default=150)
    parser.add_argument("--forwarded", action="store_true")
    args = parser.parse_args()
    host, port = loopback_target(args.url)

    before = vm(args.pid, "VmRSS")
    stop = threading.Event()
    normal = collections.Counter()
    normal_slowest = [0.0]

    def normal_client():
        while not stop.is_set():
            started = time.monotonic()
            status, _ = request(host, port, "GET", "/healthz", timeout=10)
            normal_slowest[0] = max(normal_slowest[0], time.monotonic() - started)
            normal[status] += 1
            time.sleep(0.05)

    def login(i):
        body = json.dumps({"email": f"flood{i}-{random.random()}@example.com", "password": "a wrong password"})
        headers = {"content-type": "application/json"}
        if args.forwarded:
            headers["x-forwarded-for"] = f"{random.randint(1, 223)}.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        return request(host, port, "POST", "/api/v1/auth/login", body, headers)[0]

    watcher = threading.Thread(target=normal_client)
    watcher.start()
    started = time.monotonic()
    peak_during = before
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.count) as pool:
        futures = [pool.submit(login, i) for i in range(args.count)]
        answers = collections.Counter()
        for future in concurrent.futures.as_completed(futures):
            answers[future.result()] += 1
            peak_during = max(peak_during, vm(args.pid, "VmRSS"))
    elapsed = time.monotonic() - started
    time.sleep(1)
    stop.set()
    watcher.join()
    after, hwm = vm(args.pid, "VmRSS"), vm(args.pid, "VmHWM")

    print(f"{args.count} concurrent anonymous logins in {elapsed:.1f} s: {dict(answers)}")
    print(f"server RSS {before:.0f} MiB before, {peak_during:.0f} MiB at most during, {after:.0f} MiB after; VmHWM {hwm:.0f} MiB")
    print(f"normal client meanwhile: {dict(normal)}, slowest {normal_slowest[0] * 1000:.0f} ms")
    failed = False
    if hwm > args.max_rss_mb:
        print(f"FAIL: peak memory {hwm:.0f} MiB is over {args.max_rss_mb:.0f} MiB")
        failed = True
    if set(normal) != {200}:
        print("FAIL: a normal request did not get 200")
        failed = True
    if any(not isinstance(status, int) or status >= 500 and status != 503 for status in answers):
        print("FAIL: a login got a server error or no answer")
        failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
