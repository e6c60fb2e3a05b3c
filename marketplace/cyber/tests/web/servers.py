"""Loopback servers the web tests start: an HTTP(S) server answering chosen routes, and raw TCP servers that
misbehave (garbage, silence, an endless response head). Everything binds 127.0.0.1 on an ephemeral port."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Reply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    reflect_origin: bool = False  # echo the request's Origin in Access-Control-Allow-Origin (a CORS mistake)


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, Reply] = {}

    def do_GET(self) -> None:
        reply = self.routes.get(self.path, Reply(404, [("Content-Type", "text/plain")], b"not found"))
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        origin = self.headers.get("Origin")
        if reply.reflect_origin and origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Allow-Credentials", "true")
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # scanner closing a failed TLS handshake
        pass


@contextlib.contextmanager
def http_server(
    routes: dict[str, Reply], *, cert: Path | None = None, key: Path | None = None
) -> Iterator[int]:
    """Serve `routes` (path -> Reply); with cert/key it speaks HTTPS. Yields the port."""
    handler = type("Handler", (_Handler,), {"routes": routes})
    server = _Server(("127.0.0.1", 0), handler)
    if cert is not None:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def raw_server(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """Accept connections and give each to `handle` (in its own thread). Yields the port."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()
    connections: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connections.append(connection)
            threading.Thread(target=_run, args=(handle, connection, stop), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        listener.close()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.close()


def _run(handle: Callable[[socket.socket], None], connection: socket.socket, stop: threading.Event) -> None:
    with contextlib.suppress(OSError):
        handle(connection)
    if not stop.is_set():
        with contextlib.suppress(OSError):
            connection.close()


def garbage(connection: socket.socket) -> None:
    connection.recv(4096)
    connection.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\x00\xff\xfe not http at all\r\n\r\n")


def silent(connection: socket.socket) -> None:
    """Accept, then say nothing for far longer than the scanner waits."""
    connection.settimeout(10)
    with contextlib.suppress(OSError):
        while connection.recv(4096):
            pass


def huge_head(connection: socket.socket) -> None:
    connection.recv(4096)
    connection.sendall(b"HTTP/1.1 200 OK\r\n")
    padding = b"X-Padding: " + b"a" * 1000 + b"\r\n"
    for _ in range(200):  # 200 kB of head, never ending with a blank line
        connection.sendall(padding)


def closed_port() -> int:
    """A port nothing listens on (connection refused)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port
