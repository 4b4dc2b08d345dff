#!/usr/bin/python3
"""Self-check of scripts/smtp-sink.py, the SMTP server of the e-mail tests.

Starts the sink in each mode (plain, STARTTLS, implicit TLS; with and without
AUTH; --fail-first 1; --reject-code 550) as a subprocess, sends a message with
a Korean subject, an HTML body and two attachments (one named `주간 요약.csv`)
with smtplib, verifies TLS against the generated ca.pem for "localhost", and
checks DIR/messages.jsonl and DIR/NNN.eml against what was sent. Also: a
message shaped like lettre's (RFC 2231 continuations), a client sending
garbage, the certificate's shape, and a clean exit (0) on SIGTERM and on EOF
on stdin. One line per case; exits 1 on any mismatch.

Usage: /usr/bin/python3 scripts/smtp-sink-selftest.py   (standard library only)
"""

import base64
import hashlib
import json
import os
import select
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import make_msgid, formatdate

HERE = os.path.dirname(os.path.abspath(__file__))
SINK = os.path.join(HERE, "smtp-sink.py")
PYTHON = "/usr/bin/python3"
USER, PASSWORD = "reports@dreamseed.test", "s3cret-비밀-pw"

SUBJECT = "[DreamSeed] 주간 학습 리포트 — 2025년 6월 둘째 주 (활동 1,234건, 신규 가입 56명)"
TEXT = "안녕하세요,\n이번 주 요약입니다. 활동 1,234건.\n"
HTML = "<!doctype html><html><body><h1>주간 리포트</h1><p>활동 <b>1,234</b>건</p></body></html>\n"
CSV = "날짜,활동,신규 가입\n2025-06-09,180,7\n2025-06-10,201,9\n".encode("utf-8")
PNG = bytes(range(256)) * 9 + b"\x89PNG\r\n\x1a\n.\r\n.\n\r\n"  # binary, dots at line starts
ATTACHMENTS = [("주간 요약.csv", "text/csv", CSV), ("chart.png", "image/png", PNG)]


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)


def equal(actual, expected, what):
    if actual != expected:
        raise Failure(f"{what}: expected {expected!r}, got {actual!r}")


class Sink:
    """smtp-sink.py as a child process, in a temporary directory."""

    def __init__(self, *args):
        self.tmp = tempfile.TemporaryDirectory(prefix="smtp-sink-selftest.")
        self.dir = self.tmp.name
        self.stderr = open(os.path.join(self.dir, "sink.stderr"), "w+")
        self.proc = subprocess.Popen([PYTHON, SINK, "--dir", self.dir, *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr)
        ready, _, _ = select.select([self.proc.stdout], [], [], 20)
        line = self.proc.stdout.readline() if ready else b""
        if not line:
            self.stop()
            raise Failure(f"no ready line from the sink; stderr: {self.errors()}")
        self.ready = json.loads(line)
        self.port = self.ready["port"]
        self.ca = self.ready["ca"]

    def errors(self):
        self.stderr.seek(0)
        return self.stderr.read().strip()

    def messages(self):
        with open(os.path.join(self.dir, "messages.jsonl"), encoding="utf-8") as f:
            return [json.loads(line) for line in f]

    def alive(self):
        return self.proc.poll() is None

    def stop(self, how="stdin"):
        """Stops the sink (closing its stdin, or by SIGTERM); returns its exit code."""
        if self.proc.poll() is None:
            if how == "sigterm":
                self.proc.send_signal(signal.SIGTERM)
            else:
                self.proc.stdin.close()
        try:
            return self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Failure(f"the sink did not exit within 10 s ({how})")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if not stream.closed:
                stream.close()
        self.stderr.close()
        self.tmp.cleanup()


def build_message(trace_id):
    msg = EmailMessage()
    msg["From"] = "DreamSeed 리포트 <reports@dreamseed.test>"
    msg["To"] = "관리자 <admin@school.test>, ops@school.test"
    msg["Subject"] = SUBJECT
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="dreamseed.test")
    msg["X-Trace-Id"] = trace_id
    msg.set_content(TEXT)
    msg.add_alternative(HTML, subtype="html")
    for name, content_type, data in ATTACHMENTS:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def client_context(ca):
    return ssl.create_default_context(cafile=ca)


def connect(sink, mode):
    """An smtplib client for the sink's mode, TLS verified for "localhost"."""
    if mode == "tls":
        smtp = smtplib.SMTP_SSL("localhost", sink.port, timeout=10, context=client_context(sink.ca))
        smtp.ehlo()
        return smtp
    smtp = smtplib.SMTP("localhost", sink.port, timeout=10)
    smtp.ehlo()
    if mode == "starttls":
        check(smtp.has_extn("starttls"), "STARTTLS not offered")
        equal(smtp.mail("early@dreamseed.test")[0], 530, "MAIL before STARTTLS")
        smtp.rset()
        smtp.starttls(context=client_context(sink.ca))
        smtp.ehlo()
    else:
        check(not smtp.has_extn("starttls"), "STARTTLS offered in plain mode")
    return smtp


def login(smtp, mechanism, user, password):
    """AUTH PLAIN or LOGIN by hand: smtplib's own sends ASCII only, and the
    password here is not."""
    b64 = lambda text: base64.b64encode(text.encode("utf-8")).decode()
    if mechanism == "PLAIN":
        code, answer = smtp.docmd("AUTH", "PLAIN " + b64(f"\0{user}\0{password}"))
    else:
        equal(smtp.docmd("AUTH", "LOGIN")[0], 334, "AUTH LOGIN")
        equal(smtp.docmd(b64(user))[0], 334, "AUTH LOGIN user name")
        code, answer = smtp.docmd(b64(password))
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


def send(smtp, trace_id):
    msg = build_message(trace_id)
    raw = msg.as_bytes(policy=SMTP_POLICY)
    recipients = ["admin@school.test", "ops@school.test"]
    smtp.sendmail("reports@dreamseed.test", recipients, raw)
    return msg, raw, recipients


def check_record(sink, record, msg, raw, recipients, tls, auth_user):
    equal(record["mail_from"], "reports@dreamseed.test", "mail_from")
    equal(record["rcpt_tos"], recipients, "rcpt_tos")
    check(record["peer"].startswith("127.0.0.1:"), f"peer {record['peer']!r}")
    equal(record["tls"], tls, "tls")
    equal(record["auth_user"], auth_user, "auth_user")
    check(record["received_at"].endswith("Z"), "received_at in UTC")
    equal(record["parse_error"], None, "parse_error")
    equal(record["subject"], SUBJECT, "subject")
    equal(record["message_id"], msg["Message-ID"], "message_id")
    headers = record["headers"]
    equal(headers["X-Trace-Id"], msg["X-Trace-Id"], "X-Trace-Id")
    equal(headers["From"], str(msg["From"]), "From")
    equal(headers["To"], str(msg["To"]), "To")
    equal(headers["Date"], str(msg["Date"]), "Date")
    check(headers["Content-Type"].startswith("multipart/mixed"), f"Content-Type {headers['Content-Type']!r}")
    equal(record["html"], HTML, "html")
    equal(record["text"], TEXT, "text")
    expected = [{"filename": name, "content_type": content_type, "disposition": "attachment",
                 "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                for name, content_type, data in ATTACHMENTS]
    equal(record["attachments"], expected, "attachments")
    with open(os.path.join(sink.dir, record["eml"]), "rb") as f:
        kept = f.read()
    equal(record["size"], len(kept), "size")
    check(kept == raw, f"{record['eml']} differs from the bytes sent ({len(kept)} vs {len(raw)})")


def check_certificates(sink, smtp):
    """The served leaf: signed by ca.pem (which is a separate CA), CA:FALSE,
    serverAuth, SAN localhost + 127.0.0.1; and verification really happens."""
    leaf = ssl.DER_cert_to_PEM_cert(smtp.sock.getpeercert(binary_form=True))
    with open(sink.ca) as f:
        check(f.read().strip() != leaf.strip(), "the leaf is the CA itself")
    leaf_path = os.path.join(sink.dir, "served-leaf.pem")
    with open(leaf_path, "w") as f:
        f.write(leaf)

    def openssl(*args):
        done = subprocess.run(["openssl", *args], capture_output=True, text=True)
        check(done.returncode == 0, f"openssl {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    openssl("verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", sink.ca, leaf_path)
    leaf_ext = openssl("x509", "-in", leaf_path, "-noout", "-ext", "basicConstraints,extendedKeyUsage,subjectAltName")
    for needle in ("CA:FALSE", "TLS Web Server Authentication", "DNS:localhost", "IP Address:127.0.0.1"):
        check(needle in leaf_ext, f"leaf certificate lacks {needle}: {leaf_ext}")
    ca_ext = openssl("x509", "-in", sink.ca, "-noout", "-ext", "basicConstraints,keyUsage")
    for needle in ("CA:TRUE", "Certificate Sign"):
        check(needle in ca_ext, f"CA certificate lacks {needle}: {ca_ext}")
    # The IP address in the SAN, and a refusal without the CA.
    implicit = isinstance(smtp, smtplib.SMTP_SSL)
    tls_handshake(sink.port, implicit, "127.0.0.1", client_context(sink.ca))
    try:
        tls_handshake(sink.port, implicit, "localhost", ssl.create_default_context())
        raise Failure("TLS verified without ca.pem")
    except ssl.SSLCertVerificationError:
        pass


def tls_handshake(port, implicit, host, context):
    if implicit:
        smtplib.SMTP_SSL(host, port, timeout=10, context=context).quit()
    else:
        smtp = smtplib.SMTP(host, port, timeout=10)
        try:
            smtp.starttls(context=context)
            smtp.quit()
        finally:
            smtp.close()


def case_send(mode, auth=None, mechanism="PLAIN", stop="stdin"):
    args = ["--tls", mode] + (["--auth", f"{auth[0]}:{auth[1]}"] if auth else [])
    sink = Sink(*args)
    try:
        if mode == "none":
            equal(sink.ca, None, "ca with --tls none")
        else:
            equal(sink.ca, os.path.join(sink.dir, "ca.pem"), "ca")
            check(os.path.exists(sink.ca), "ca.pem written")
        smtp = connect(sink, mode)
        if not auth:
            check(not smtp.has_extn("auth"), "AUTH offered without --auth")
        if auth:
            check(smtp.has_extn("auth"), "AUTH not offered")
            equal(smtp.mail("reports@dreamseed.test")[0], 530, "MAIL without AUTH")
            smtp.rset()
            try:
                login(smtp, mechanism, auth[0], "wrong")
                raise Failure("a wrong password was accepted")
            except smtplib.SMTPAuthenticationError as error:
                equal(error.smtp_code, 535, "wrong password")
            login(smtp, mechanism, *auth)
        if mode != "none":
            check_certificates(sink, smtp)
        trace_id = os.urandom(8).hex()
        msg, raw, recipients = send(smtp, trace_id)
        smtp.quit()
        records = sink.messages()
        equal(len(records), 1, "messages in messages.jsonl")
        check_record(sink, records[0], msg, raw, recipients, mode != "none", auth[0] if auth else None)
        equal(sink.stop(stop), 0, f"exit code after {stop}")
        # The refusal without ca.pem above is logged; nothing else may be.
        unexpected = [line for line in sink.errors().splitlines()
                      if "TLS handshake failed" not in line]
        equal(unexpected, [], "stderr")
    finally:
        sink.close()


def case_fail_first():
    sink = Sink("--tls", "starttls", "--fail-first", "1", "--fail-code", "451")
    try:
        smtp = connect(sink, "starttls")
        try:
            send(smtp, "first")
            raise Failure("the first message was accepted")
        except smtplib.SMTPDataError as error:
            equal(error.smtp_code, 451, "first DATA")
        equal(sink.messages(), [], "messages after the failure")
        msg, raw, recipients = send(smtp, "second")
        smtp.quit()
        records = sink.messages()
        equal(len(records), 1, "messages")
        check_record(sink, records[0], msg, raw, recipients, True, None)
        equal(records[0]["data_attempt"], 2, "data_attempt")
        equal(sink.stop("sigterm"), 0, "exit code after SIGTERM")
    finally:
        sink.close()


def case_reject():
    sink = Sink("--reject-code", "550")
    try:
        smtp = connect(sink, "none")
        try:
            send(smtp, "rejected")
            raise Failure("the recipients were accepted")
        except smtplib.SMTPRecipientsRefused as error:
            codes = {code for code, _ in error.recipients.values()}
            equal(codes, {550}, "RCPT codes")
        smtp.quit()
        equal(sink.messages(), [], "messages")
        equal(sink.stop(), 0, "exit code")
    finally:
        sink.close()


def lettre_shaped():
    """A message laid out the way lettre 0.11 writes one: RFC 2047 subject,
    RFC 2231 continued filename, quoted-printable HTML, base64 attachment."""
    name = "2025년 6월 둘째 주 학습 활동 상세 보고서 (전체 학급, 교사용).pdf"
    pieces = [""]  # like lettre: whole characters per piece, percent-encoded
    for char in name:
        if len(pieces[-1]) > 50:
            pieces.append("")
        pieces[-1] += urllib.parse.quote(char, safe="")
    disposition = "attachment;\r\n" + ";\r\n".join(
        f" filename*{i}*={'utf-8' + chr(39) * 2 if i == 0 else ''}{piece}" for i, piece in enumerate(pieces))
    subject = "=?utf-8?b?" + base64.b64encode("주간 리포트 (lettre)".encode()).decode() + "?="
    pdf = b"%PDF-1.4\n" + os.urandom(3000)
    html_qp = "<p>=EC=95=88=EB=85=95</p>"  # <p>안녕</p>
    b64 = base64.encodebytes(pdf).decode().replace("\n", "\r\n")
    raw = (
        "From: reports@dreamseed.test\r\nTo: admin@school.test\r\n"
        f"Subject: {subject}\r\nMessage-ID: <lettre-1@dreamseed.test>\r\n"
        "Date: Mon, 09 Jun 2025 08:00:00 +0000\r\nX-Trace-Id: 0af7651916cd43dd8448eb211c80319c\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n boundary=\"outer\"\r\n\r\n"
        "--outer\r\nContent-Type: multipart/alternative;\r\n boundary=\"inner\"\r\n\r\n"
        "--inner\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "안녕\r\n"
        "--inner\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        f"{html_qp}\r\n--inner--\r\n"
        f"--outer\r\nContent-Disposition: {disposition}\r\nContent-Type: application/pdf\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{b64}--outer--\r\n"
    ).encode()
    return raw, name, pdf


def case_lettre_and_garbage():
    sink = Sink()
    try:
        # Garbage first: binary, a line far too long, invalid UTF-8, a dropped connection.
        for junk in (os.urandom(2000), b"X" * 5000 + b"\r\n", b"EHLO \xff\xfe\r\nMAIL FROM:<\xc3>\r\n",
                     b"EHLO a\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nhalf a message"):
            with socket.create_connection(("127.0.0.1", sink.port), timeout=10) as s:
                s.recv(1024)
                s.sendall(junk)
                time.sleep(0.05)
        # A broken message: accepted, kept, parsed as far as it goes.
        broken = (b"Subject: =?x-unknown?q?=FF?= \xed\x95\x9c\xff\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                  b"--b\r\nContent-Type: text/html; charset=no-such-charset\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                  b"!!!not base64\r\n--b\r\nContent-Disposition: attachment; filename*=bogus''%ZZ\r\n\r\nabc\r\n")
        smtp = smtplib.SMTP("127.0.0.1", sink.port, timeout=10)
        smtp.sendmail("x@y.test", ["z@y.test"], broken)
        raw, name, pdf = lettre_shaped()
        smtp.sendmail("reports@dreamseed.test", ["admin@school.test"], raw)
        smtp.quit()
        check(sink.alive(), "the sink died")
        records = sink.messages()
        equal(len(records), 2, "messages")
        equal(records[0]["size"], len(broken), "broken message size")
        json.dumps(records[0], ensure_ascii=False).encode("utf-8")  # no lone surrogates
        lettre = records[1]
        equal(lettre["subject"], "주간 리포트 (lettre)", "lettre subject")
        equal(lettre["text"], "안녕", "lettre text")
        equal(lettre["html"], "<p>안녕</p>", "lettre html")
        equal(lettre["attachments"], [{"filename": name, "content_type": "application/pdf", "disposition": "attachment",
                                       "size": len(pdf), "sha256": hashlib.sha256(pdf).hexdigest()}], "lettre attachment")
        equal(lettre["headers"]["X-Trace-Id"], "0af7651916cd43dd8448eb211c80319c", "lettre X-Trace-Id")
        equal(sink.stop(), 0, "exit code")
    finally:
        sink.close()


CASES = [
    ("plain", lambda: case_send("none")),
    ("plain + AUTH LOGIN", lambda: case_send("none", (USER, PASSWORD), "LOGIN", stop="sigterm")),
    ("starttls", lambda: case_send("starttls")),
    ("starttls + AUTH PLAIN", lambda: case_send("starttls", (USER, PASSWORD), "PLAIN")),
    ("implicit tls", lambda: case_send("tls", stop="sigterm")),
    ("implicit tls + AUTH LOGIN", lambda: case_send("tls", (USER, PASSWORD), "LOGIN")),
    ("--fail-first 1 --fail-code 451 (starttls)", case_fail_first),
    ("--reject-code 550", case_reject),
    ("lettre-shaped message, garbage and a broken message", case_lettre_and_garbage),
]


def main():
    started = time.monotonic()
    failed = 0
    for name, run in CASES:
        t = time.monotonic()
        try:
            run()
            print(f"ok    {name} ({time.monotonic() - t:.2f} s)", flush=True)
        except Exception as error:
            failed += 1
            detail = str(error) if isinstance(error, Failure) else traceback.format_exc().rstrip()
            print(f"FAIL  {name}: {detail}", flush=True)
    print(f"{len(CASES) - failed} of {len(CASES)} cases passed in {time.monotonic() - started:.1f} s")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
