#!/usr/bin/python3
"""smtp-sink: a real SMTP server on 127.0.0.1 for the e-mail delivery tests.

The report e-mails go out over SMTP (lettre, tokio + rustls). The tests in
server/tests/ deliver them to this server, a real one (Debian's aiosmtpd 1.4.3
on Debian's /usr/bin/python3; `make smtp-sink` installs it), then read what
arrived from files. Nothing but the standard library and aiosmtpd.

    scripts/smtp-sink.py --dir DIR [--tls none|starttls|tls] [--auth USER:PASSWORD]
                         [--fail-first N [--fail-code 451]] [--reject-code 550]

How a test uses it:
  1. spawn it with stdin and stdout piped (keep the stdin pipe open: the sink
     exits when it reads EOF there, so a test that dies does not leave it behind);
  2. read ONE line from stdout, JSON: {"port": N, "ca": "DIR/ca.pem"} ("ca" is
     null with --tls none); the port is free and already accepting connections;
  3. point the mailer at 127.0.0.1:N (for TLS: trust DIR/ca.pem, the name is
     "localhost" or 127.0.0.1), send, then read DIR/messages.jsonl;
  4. stop it: close its stdin, or SIGTERM/SIGINT. It exits 0 either way.

--tls none       plain SMTP (AUTH, if required, is allowed in the clear: loopback only)
--tls starttls   STARTTLS offered and required before AUTH and MAIL
--tls tls        implicit TLS from the first byte (SMTPS)
    For both TLS modes a throwaway CA (CA:TRUE, keyCertSign) and a leaf signed
    by it (CA:FALSE, serverAuth, SAN DNS:localhost + IP:127.0.0.1; EC P-256;
    3 days) are made at start with the openssl CLI. rustls/webpki rejects a
    self-signed leaf used as its own trust anchor, hence CA + leaf. Only
    DIR/ca.pem, DIR/server.pem and DIR/server.key are kept; the CA key is not.
--auth USER:PASSWORD   AUTH PLAIN or LOGIN required before MAIL (530 without);
                       wrong credentials get 535
--fail-first N         the first N messages (DATA) get --fail-code (default 451,
                       transient) after their data; later ones are accepted
--reject-code C        every RCPT TO gets C (e.g. 550, permanent)

Every accepted message is written raw to DIR/NNN.eml (001, 002, ...), then one
JSON line is appended to DIR/messages.jsonl (created empty at start):
  mail_from, rcpt_tos, peer ("127.0.0.1:port"), tls (bool), auth_user (or null),
  received_at (UTC, RFC 3339), size (bytes), eml ("001.eml"), data_attempt (the
  DATA count on this server, failed ones included), subject (decoded),
  message_id, headers {From, To, Cc, Reply-To, Subject, Date, Message-ID,
  X-Trace-Id, MIME-Version, Content-Type: decoded, or null when absent},
  html, text (the decoded text/html and text/plain bodies, CRLF turned into LF,
  or null),
  attachments [{filename, content_type, disposition, size, sha256}] (every part
  with a filename or Content-Disposition: attachment; size and sha256 of the
  decoded bytes; RFC 2047/2231 names decoded), parse_error (null, or why the
  message could not be parsed: it is still accepted and kept raw).
Errors (a client's bad input, a message that does not parse) never stop the
server; they go to stderr. Self-check: scripts/smtp-sink-selftest.py.
"""

import argparse
import asyncio
import datetime
import email
import email.policy
import hashlib
import json
import logging
import os
import re
import secrets
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import traceback
import warnings
import weakref

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, TLSSetupException
except ImportError:
    sys.exit("smtp-sink: aiosmtpd is missing: `make smtp-sink` (Debian's python3-aiosmtpd), "
             "and run this with /usr/bin/python3")

HOST = "127.0.0.1"
HEADERS = ["From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "X-Trace-Id",
           "MIME-Version", "Content-Type"]

OPENSSL_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = smtp-sink
[ca_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""


def log_error(message):
    print(f"smtp-sink: {message}", file=sys.stderr, flush=True)


def status_code(text):
    code = int(text)
    if not 400 <= code <= 599:
        raise argparse.ArgumentTypeError("an SMTP failure code is 400 to 599")
    return code


def user_password(text):
    user, sep, password = text.partition(":")
    if not sep or not user:
        raise argparse.ArgumentTypeError("expected USER:PASSWORD")
    return user, password


def serial():
    """A positive serial number of 16 random bytes (webpki wants 1 to 20 bytes)."""
    return "0x" + (bytes([secrets.randbelow(0x7F) + 1]) + secrets.token_bytes(15)).hex()


def make_certificates(directory):
    """A throwaway CA and a leaf for localhost/127.0.0.1 signed by it; returns the
    paths of the CA certificate, the leaf and its key."""
    ca_pem = os.path.join(directory, "ca.pem")
    leaf_pem = os.path.join(directory, "server.pem")
    leaf_key = os.path.join(directory, "server.key")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    with tempfile.TemporaryDirectory(prefix="smtp-sink-ca.") as work:
        config = os.path.join(work, "openssl.cnf")
        with open(config, "w") as f:
            f.write(OPENSSL_CONFIG)
        ca_key = os.path.join(work, "ca.key")
        csr = os.path.join(work, "server.csr")
        steps = [
            ["req", "-x509", "-new", *ec, "-keyout", ca_key, "-out", ca_pem, "-days", "3",
             "-sha256", "-config", config, "-extensions", "ca_ext", "-set_serial", serial(),
             "-subj", "/O=DreamSeed tests/CN=smtp-sink throwaway CA"],
            ["req", "-new", *ec, "-keyout", leaf_key, "-out", csr, "-config", config,
             "-subj", "/O=DreamSeed tests/CN=localhost"],
            ["x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key, "-set_serial", serial(),
             "-days", "3", "-sha256", "-extfile", config, "-extensions", "leaf_ext",
             "-out", leaf_pem],
        ]
        for step in steps:
            done = subprocess.run(["openssl", *step], stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"openssl {step[0]} failed: {done.stderr.strip()}")
    return ca_pem, leaf_pem, leaf_key


def clean(value):
    """JSON-safe strings: undecodable bytes kept by the email package as lone
    surrogates become U+FFFD (serde_json refuses lone surrogates)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
            return value
        except UnicodeEncodeError:
            try:
                return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            except UnicodeEncodeError:
                return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def part_text(part):
    try:
        content = part.get_content()
        if isinstance(content, bytes):
            content = content.decode("utf-8", "replace")
        return content
    except Exception:  # an unknown charset, a broken transfer encoding
        payload = part.get_payload(decode=True) or b""
        try:
            return payload.decode(part.get_content_charset() or "utf-8", "replace")
        except LookupError:
            return payload.decode("utf-8", "replace")


def parse_message(raw):
    """The parsed fields of one message; never raises."""
    fields = {"subject": None, "message_id": None, "headers": {name: None for name in HEADERS},
              "html": None, "text": None, "attachments": [], "parse_error": None}
    problems = []
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception as error:
        fields["parse_error"] = f"{type(error).__name__}: {error}"
        return fields
    legacy = None
    for name in HEADERS:
        try:
            value = msg.get(name)
            fields["headers"][name] = None if value is None else str(value)
        except Exception as error:  # a header the new parser chokes on: keep it raw
            problems.append(f"header {name}: {type(error).__name__}: {error}")
            if legacy is None:
                legacy = email.message_from_bytes(raw, policy=email.policy.compat32)
            value = legacy.get(name)
            fields["headers"][name] = None if value is None else str(value)
    fields["subject"] = fields["headers"]["Subject"]
    message_id = fields["headers"]["Message-ID"]
    fields["message_id"] = message_id.strip() if message_id else None
    for key, kind in (("html", "html"), ("text", "plain")):
        try:
            body = msg.get_body(preferencelist=(kind,))
            if body is not None:
                fields[key] = part_text(body).replace("\r\n", "\n")
        except Exception as error:
            problems.append(f"{kind} body: {type(error).__name__}: {error}")
    try:
        for part in msg.walk():
            if part.is_multipart():
                continue
            filename = part.get_filename()
            disposition = part.get_content_disposition()
            if filename is None and disposition != "attachment":
                continue
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                payload = b""
            fields["attachments"].append({
                "filename": filename,
                "content_type": part.get_content_type(),
                "disposition": disposition,
                "size": len(payload),
                "sha256": hashlib.sha256(payload).hexdigest(),
            })
    except Exception as error:
        problems.append(f"attachments: {type(error).__name__}: {error}")
    if problems:
        fields["parse_error"] = "; ".join(problems)
    return fields


def reply(code, detail, what):
    """An SMTP reply with an enhanced status code of the same class."""
    return f"{code} {code // 100}.{detail} {what}"


class Sink:
    """The aiosmtpd handler: refuses as told, else keeps each message."""

    def __init__(self, directory, offer_auth, fail_first, fail_code, reject_code):
        self.directory = directory
        self.offer_auth = offer_auth
        self.fail_first = fail_first
        self.fail_code = fail_code
        self.reject_code = reject_code
        self.data_attempts = 0
        self.journal = os.path.join(directory, "messages.jsonl")
        open(self.journal, "ab").close()
        numbers = [int(m.group(1)) for m in map(re.compile(r"^(\d+)\.eml$").match, os.listdir(directory)) if m]
        self.last_number = max(numbers, default=0)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname  # this hook's duty (aiosmtpd's new-style EHLO hook)
        if not self.offer_auth:  # without --auth, no AUTH line (any AUTH gets 535)
            responses = [line for line in responses if not line.startswith("250-AUTH")]
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_code:
            return reply(self.reject_code, "1.1", f"<{address}>: recipient refused (smtp-sink --reject-code)")
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_attempts += 1
        attempt = self.data_attempts
        if attempt <= self.fail_first:
            return reply(self.fail_code, "3.0", f"try again later (smtp-sink --fail-first, {attempt} of {self.fail_first})")
        raw = envelope.original_content if isinstance(envelope.original_content, bytes) else envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        self.last_number += 1
        name = f"{self.last_number:03d}.eml"
        with open(os.path.join(self.directory, name), "wb") as f:
            f.write(raw)
        peer = session.peer
        encrypted = session.ssl is not None or (
            server.transport is not None and server.transport.get_extra_info("ssl_object") is not None)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "peer": f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer),
            "tls": bool(encrypted),
            "auth_user": session.auth_data if session.authenticated else None,
            "received_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "size": len(raw),
            "eml": name,
            "data_attempt": attempt,
        }
        record.update(parse_message(raw))
        if record["parse_error"]:
            log_error(f"{name}: kept, but parsing failed in part: {record['parse_error']}")
        line = json.dumps(clean(record), ensure_ascii=False) + "\n"
        with open(self.journal, "a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
        return f"250 2.0.0 OK: queued as {name}"

    async def handle_exception(self, error):
        if isinstance(error, TLSSetupException):  # the client's doing, e.g. it distrusts the CA
            log_error(f"TLS handshake failed after STARTTLS: {error.__cause__ or error}")
            return reply(454, "7.0", "TLS handshake failed")
        log_error("error in a session:\n" + "".join(traceback.format_exception(error)).rstrip())
        return reply(451, "3.0", f"smtp-sink internal error ({type(error).__name__})")


def authenticator_for(credentials):
    def authenticate(server, session, envelope, mechanism, auth_data):
        if credentials is None or not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = credentials
        if auth_data.login == user.encode() and auth_data.password == password.encode():
            return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False)  # aiosmtpd answers 535 5.7.8
    return authenticate


def watch_stdin(loop, stop):
    """Stop at EOF on stdin: the parent (a test) closed it or died."""
    try:
        while os.read(0, 65536):
            pass
    except OSError as error:
        log_error(f"cannot read stdin ({error}); stop me with SIGTERM")
        return
    loop.call_soon_threadsafe(stop.set)


async def serve(args):
    directory = os.path.abspath(args.dir)
    os.makedirs(directory, exist_ok=True)
    ca_pem = tls_context = None
    if args.tls != "none":
        ca_pem, leaf_pem, leaf_key = make_certificates(directory)
        tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_context.load_cert_chain(leaf_pem, leaf_key)
    handler = Sink(directory, args.auth is not None, args.fail_first, args.fail_code, args.reject_code)
    loop = asyncio.get_running_loop()
    sessions = weakref.WeakSet()

    def new_session():
        smtp = SMTP(
            handler,
            hostname="localhost",  # not socket.getfqdn(): no DNS look-up per connection
            loop=loop,
            enable_SMTPUTF8=True,
            tls_context=tls_context if args.tls == "starttls" else None,
            require_starttls=args.tls == "starttls",
            auth_required=args.auth is not None,
            # aiosmtpd counts only STARTTLS as TLS: over implicit TLS it would
            # refuse AUTH with 538. Plain SMTP: allowed, loopback only.
            auth_require_tls=args.tls == "starttls",
            authenticator=authenticator_for(args.auth),
        )
        sessions.add(smtp)
        return smtp

    server = await loop.create_server(
        new_session, host=HOST, port=args.port,
        ssl=tls_context if args.tls == "tls" else None)
    port = server.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    if not args.ignore_stdin:
        threading.Thread(target=watch_stdin, args=(loop, stop), daemon=True).start()
    print(json.dumps({"port": port, "ca": ca_pem}), flush=True)
    await stop.wait()
    server.close()
    for smtp in list(sessions):
        if smtp.transport is not None:
            smtp.transport.close()
    await asyncio.sleep(0)


class QuietAiosmtpd(logging.Filter):
    """Drops aiosmtpd's warnings about its own choices: AUTH without TLS (asked
    for, on loopback) and its deprecated Session.login_data (set by aiosmtpd)."""

    def filter(self, record):
        message = record.getMessage()
        return "auth_require_tls == False" not in message and "login_data is deprecated" not in message


def main():
    parser = argparse.ArgumentParser(description="A real SMTP server on 127.0.0.1 for the e-mail tests.")
    parser.add_argument("--dir", required=True, help="where ca.pem, NNN.eml and messages.jsonl go")
    parser.add_argument("--tls", choices=["none", "starttls", "tls"], default="none")
    parser.add_argument("--auth", type=user_password, metavar="USER:PASSWORD")
    parser.add_argument("--fail-first", type=int, default=0, metavar="N")
    parser.add_argument("--fail-code", type=status_code, default=451)
    parser.add_argument("--reject-code", type=status_code, default=None)
    parser.add_argument("--port", type=int, default=0, help="default 0: a free one")
    parser.add_argument("--ignore-stdin", action="store_true",
                        help="do not exit at EOF on stdin (for a run by hand in the background)")
    parser.add_argument("--verbose", action="store_true", help="log every session on stderr")
    args = parser.parse_args()

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                        format="smtp-sink: %(levelname)s %(name)s: %(message)s")
    logging.getLogger("mail.log").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    logging.getLogger("mail.log").addFilter(QuietAiosmtpd())
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    try:
        asyncio.run(serve(args))
    except Exception as error:
        log_error(f"cannot start: {error}")
        sys.exit(2)


if __name__ == "__main__":
    main()
