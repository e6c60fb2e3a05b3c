"""A tiny real check family for the scanner and service tests: it connects over TCP to a loopback 'echo' server the
test starts (`EchoServer`), sends the target name and scores the reply. The network edge is real; nothing of ours
is mocked.

Results per target:
- `echo.reachable` (network, required): 10 when the connection worked, else FAIL 0 with the error as evidence;
- `echo.reply` (web_headers, required): the points the server answers for this name (default 10);
- `echo.banner` (disclosure, informational): the server's banner, never counted.
"""

from __future__ import annotations

import socket
import socketserver
import sys
import threading

import pytest

from marketplace.cyber.checks import registry
from marketplace.cyber.checks.base import FULL, Category, CheckResult, Level, ScanContext, Status
from marketplace.cyber.checks.net import guard, resolve_addresses

PORT = 0  # set by the fixture; context.ports["echo"] wins


def run(target: str, context: ScanContext) -> list[CheckResult]:
    port = context.port("echo", PORT)
    try:
        addresses = guard(resolve_addresses(target, context), context, hostname=target)
        with socket.create_connection((addresses[0], port), timeout=context.timeout) as conn:
            conn.sendall(target.encode() + b"\n")
            reply = conn.makefile("rb").readline(1024).decode().strip()
    except OSError as exc:
        return [
            CheckResult(
                "echo.reachable",
                Category.NETWORK,
                Status.FAIL,
                Level.REQUIRED,
                0,
                evidence={"error": type(exc).__name__},
                target=target,
            )
        ]
    points_text, _, banner = reply.partition(" ")
    points = int(points_text)
    return [
        CheckResult("echo.reachable", Category.NETWORK, Status.PASS, Level.REQUIRED, FULL, target=target),
        CheckResult(
            "echo.reply",
            Category.WEB_HEADERS,
            Status.PASS if points == FULL else Status.FAIL,
            Level.REQUIRED,
            points,
            evidence={"reply": reply},
            target=target,
        ),
        CheckResult(
            "echo.banner",
            Category.DISCLOSURE,
            Status.INFO,
            Level.INFORMATIONAL,
            0,
            evidence={"banner": banner},
        ),
    ]


class EchoServer:
    """Threaded TCP server on 127.0.0.1 and an ephemeral port: reads a name, answers '<points> <banner>'."""

    def __init__(self, scores: dict[str, int] | None = None) -> None:
        self.scores = dict(scores or {})
        self.seen: list[str] = []
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                name = self.rfile.readline(1024).decode().strip()
                owner.seen.append(name)
                self.wfile.write(f"{owner.scores.get(name, FULL)} echo/1.0\n".encode())

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> EchoServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def echo_server(monkeypatch):
    """Starts the echo server and registers the echo family as the only family the scanner runs. Import it into a
    test module (`from marketplace.cyber.tests.echo_family import echo_server`)."""
    with EchoServer() as server:
        monkeypatch.setattr(registry, "FAMILY_MODULES", {"echo": __name__})
        monkeypatch.setattr(sys.modules[__name__], "PORT", server.port)
        yield server


@pytest.fixture
def offline(monkeypatch):
    """Fails the test if anything asks the system resolver for a name (tests must never reach the internet); IP
    literals and localhost are fine."""
    import ipaddress

    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        text = host.decode() if isinstance(host, bytes) else str(host)
        try:
            ipaddress.ip_address(text.strip("[]"))
        except ValueError:
            if text not in ("localhost", ""):
                asked.append(text)
                raise OSError(f"test tried to resolve {text}") from None
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield asked
    assert asked == [], f"names sent to the system resolver: {asked}"
