"""Loopback servers for the TLS tests: a threaded Python `ssl` server with chosen versions, ciphers and
certificate, a plain TCP server that does not speak TLS, and a closed port. Nothing here touches a non-loopback
address."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import ssl
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

LOOPBACK = "127.0.0.1"


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server = self.server
        assert isinstance(server, _Server)
        with server.lock:
            server.connections += 1
        self.request.settimeout(5)
        if server.tls_context is None:  # a plain server that answers like HTTP and closes
            with contextlib.suppress(OSError):
                self.request.recv(1024)
                self.request.sendall(b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return
        try:
            with (
                server.tls_context.wrap_socket(self.request, server_side=True) as tls,
                contextlib.suppress(OSError),
            ):
                tls.recv(1024)
                tls.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
        except (OSError, ssl.SSLError):
            return  # scanners probe with handshakes the server refuses; that is expected


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    tls_context: ssl.SSLContext | None = None
    connections = 0
    lock = threading.Lock()


@dataclass(frozen=True)
class Running:
    server: _Server

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def connections(self) -> int:
        return self.server.connections


def tls_context(
    cert_path: Path,
    key_path: Path,
    *,
    minimum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2,
    maximum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3,
    ciphers: str | None = None,
) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if ciphers:
        context.set_ciphers(ciphers)  # before the key: SECLEVEL=0 is needed to load a 1024-bit key
    with warnings.catch_warnings():  # TLS 1.0/1.1 are deprecated in `ssl`: serving them is the point here
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = minimum
        context.maximum_version = maximum
    context.load_cert_chain(cert_path, key_path)
    return context


@contextlib.contextmanager
def serve(context: ssl.SSLContext | None) -> Iterator[Running]:
    """Serve `context` (None: a plain TCP server) on an ephemeral loopback port for the with-block."""
    server = _Server((LOOPBACK, 0), _Handler)
    server.tls_context = context
    server.connections = 0
    server.lock = threading.Lock()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Running(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]
