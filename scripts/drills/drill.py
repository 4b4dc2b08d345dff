"""What the drills share: one HTTP call that always answers (a refused or
dropped connection is an answer too), and the rule that a drill only ever
targets this machine."""

import http.client
import json
import sys
import urllib.parse


def loopback_target(url):
    """(host, port) of `url`; exits unless it is a loopback address."""
    parsed = urllib.parse.urlparse(url)
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("only loopback targets")
    return parsed.hostname, parsed.port or 80


def request(host, port, method, path, body=None, headers=None, timeout=60):
    """(status, parsed JSON or None); on no answer, the exception's name as the status."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        try:
            return response.status, json.loads(data) if data else None
        except ValueError:
            return response.status, None
    except Exception as error:
        return type(error).__name__, None
    finally:
        conn.close()
