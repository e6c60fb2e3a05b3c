"""Fixtures for the mail family tests: the loopback zone server (tests/dns), aiosmtpd SMTP servers on 127.0.0.1
(one with STARTTLS, one without, one that never greets) and an HTTPS server for MTA-STS policies. Certificates
come from tests/pki.py."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink

from marketplace.cyber.tests.dns.server import dns_zones, zone_server  # noqa: F401  (fixtures)
from marketplace.cyber.tests.pki import Issued, TestCA

GOOD_POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmax_age: 86400\r\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class MailServers:
    ca_file: str
    starttls_port: int
    plain_port: int
    silent_port: int
    https_port: int
    policies: dict[str, tuple[int, str]] = field(default_factory=dict)  # host -> (status, body)


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> tuple[TestCA, Issued]:
    ca = TestCA(tmp_path_factory.mktemp("mail-pki"))
    return ca, ca.issue("mx1.good.test", "mx1.plain.test", "mta-sts.good.test", "mta-sts.lookups.test")


def _policy_handler(policies: dict[str, tuple[int, str]]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").split(":")[0]
            status, body = policies.get(host, (404, "not found"))
            if self.path != "/.well-known/mta-sts.txt":
                status, body = 404, "not found"
            payload = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format, *args):  # quiet
            return

    return Handler


@pytest.fixture(scope="module")
def mail_servers(pki) -> Iterator[MailServers]:
    _ca, issued = pki
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(issued.cert_path, issued.key_path)

    with_tls = Controller(Sink(), hostname="127.0.0.1", port=_free_port(), tls_context=tls)
    without_tls = Controller(Sink(), hostname="127.0.0.1", port=_free_port())
    with_tls.start()
    without_tls.start()

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # the kernel completes the handshake; nobody ever greets

    policies: dict[str, tuple[int, str]] = {}
    https = ThreadingHTTPServer(("127.0.0.1", 0), _policy_handler(policies))
    https.socket = tls.wrap_socket(https.socket, server_side=True)
    thread = threading.Thread(target=https.serve_forever, daemon=True)
    thread.start()
    try:
        yield MailServers(
            str(issued.ca_path),
            with_tls.port,
            without_tls.port,
            silent.getsockname()[1],
            https.server_address[1],
            policies,
        )
    finally:
        https.shutdown()
        https.server_close()
        silent.close()
        with_tls.stop()
        without_tls.stop()


@pytest.fixture
def servers(mail_servers: MailServers) -> MailServers:
    mail_servers.policies.clear()
    mail_servers.policies["mta-sts.good.test"] = (200, GOOD_POLICY)
    return mail_servers
