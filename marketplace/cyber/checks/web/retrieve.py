"""Retrieval for the web family: the only module here that touches the network.

A deliberately small HTTP/1.1 client over `socket` + `ssl` (not urllib/http.client) so every limit is ours:
the size of the response head (`ScanContext.max_header_bytes`), the body (`MAX_BODY_BYTES`), one deadline per
request (`ScanContext.timeout`, connect + TLS + read), repeated headers kept in order (every `Set-Cookie`), and
every address passed through `net.guard` before connecting, including the targets of redirects.

Nothing here raises for network trouble: a fetch that fails records `error` (one of `ERROR_KINDS`) and `detail`.

Certificates: a hop is first fetched with verification (system trust store plus `ScanContext.ca_file`). When
verification fails the hop is fetched again without it and recorded with `cert_trusted=False` and the
verification error, as internet.nl does: HTTPS exists (the TLS family judges the certificate), while the
Observatory tests that need a valid chain (HSTS, redirection) deduct for it.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from marketplace.cyber.checks import net
from marketplace.cyber.checks.base import ScanContext

MAX_REDIRECTS = 10
MAX_BODY_BYTES = 512 * 1024
MAX_SECURITY_TXT_BYTES = 64 * 1024
USER_AGENT = "Markedsplassen-CyberX/1.0 (+https://markedsplassen.no/cyberx/)"
# The Origin sent on the CORS probe: a name that can never be the scanned site's (RFC 6761 .invalid).
CORS_PROBE_ORIGIN = "https://cors-probe.cyberx.invalid"

# Why a fetch produced no (further) response.
CONNECTION_REFUSED = "connection_refused"  # nothing listens: a finding (no HTTP / no HTTPS), not an error
UNREACHABLE = "unreachable"  # no TCP connection at all (filtered port, no route): also 'nothing listens'
UNRESOLVABLE = "unresolvable"
REFUSED_TARGET = "refused_target"  # net.guard: non-public address
TIMEOUT = "timeout"
GARBAGE = "garbage"  # the answer is not HTTP
HEADERS_TOO_LARGE = "headers_too_large"
TLS_ERROR = "tls_error"  # handshake failed even without certificate verification
REDIRECT_LOOP = "redirect_loop"
TOO_MANY_REDIRECTS = "too_many_redirects"
BAD_REDIRECT = "bad_redirect"  # a Location that is not an http(s) URL
CONNECTION_ERROR = "connection_error"  # reset, unreachable, other OSError
INVALID_TARGET = "invalid_target"
ERROR_KINDS = frozenset(
    {
        CONNECTION_REFUSED,
        UNREACHABLE,
        UNRESOLVABLE,
        REFUSED_TARGET,
        TIMEOUT,
        GARBAGE,
        HEADERS_TOO_LARGE,
        TLS_ERROR,
        REDIRECT_LOOP,
        TOO_MANY_REDIRECTS,
        BAD_REDIRECT,
        CONNECTION_ERROR,
        INVALID_TARGET,
    }
)

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$"
)
_STATUS_LINE = re.compile(r"^HTTP/(\d)\.(\d) (\d{3})(?: (.*))?$")
_PATH_SAFE = "/%?=&;:@!$'()*+,~-._"  # already-escaped and reserved characters stay as they are
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


class FetchError(Exception):
    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Hop:
    """One request and its response. `headers` keeps order and repeats (lower-cased names)."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    address: str = ""
    cert_trusted: bool | None = None  # None for plain HTTP
    cert_error: str = ""

    def header(self, name: str) -> str | None:
        """The first value of a header, or None."""
        name = name.lower()
        return next((value for key, value in self.headers if key == name), None)

    def header_all(self, name: str) -> list[str]:
        name = name.lower()
        return [value for key, value in self.headers if key == name]

    @property
    def location(self) -> str | None:
        return self.header("location") if 300 <= self.status < 400 else None

    def as_dict(self) -> dict[str, object]:
        return {
            "url": self.url,
            "status": self.status,
            "headers": [list(pair) for pair in self.headers],
            "address": self.address,
            "cert_trusted": self.cert_trusted,
            "cert_error": self.cert_error,
        }


@dataclass(frozen=True)
class Fetch:
    """A GET of `start_url` following redirects: every hop, the final body, or why it stopped."""

    start_url: str
    hops: tuple[Hop, ...] = ()
    body: str = ""  # of the last hop, decoded, at most MAX_BODY_BYTES
    body_truncated: bool = False
    error: str = ""  # one of ERROR_KINDS, empty when the last hop is a final (non-redirect) response
    detail: str = ""

    @property
    def final(self) -> Hop | None:
        """The final response (not a redirect), when the fetch completed."""
        return self.hops[-1] if self.hops and not self.error else None

    @property
    def first(self) -> Hop | None:
        return self.hops[0] if self.hops else None

    @property
    def cert_trusted(self) -> bool:
        """Every HTTPS hop had a trusted certificate."""
        return all(hop.cert_trusted is not False for hop in self.hops)

    def as_dict(self) -> dict[str, object]:
        return {
            "start_url": self.start_url,
            "hops": [hop.as_dict() for hop in self.hops],
            "body_truncated": self.body_truncated,
            "error": self.error,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class WebEvidence:
    host: str
    fetched_at: dt.datetime
    http: Fetch
    https: Fetch
    cors: Fetch | None = None  # https (or http) final URL again, with an Origin header
    security_txt: Fetch | None = None
    error: str = ""  # set when the target itself was unusable (invalid name): nothing was fetched
    detail: str = ""


def normalise_target(target: str) -> str:
    """`https://www.example.no/path` or `www.example.no.` -> `www.example.no`; raises FetchError if not a name."""
    value = target.strip()
    if "://" in value:
        value = urlsplit(value).hostname or ""
    value = value.split("/")[0].strip().lower().rstrip(".")
    if not value:
        raise FetchError(INVALID_TARGET, f"not a hostname: {target!r}")
    try:
        value = value.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise FetchError(INVALID_TARGET, f"not a hostname: {target!r}") from exc
    if not _HOSTNAME.match(value):
        raise FetchError(INVALID_TARGET, f"not a hostname: {target!r}")
    return value


def retrieve(target: str, context: ScanContext) -> WebEvidence:
    now = dt.datetime.now(dt.UTC)
    try:
        host = normalise_target(target)
    except FetchError as exc:
        empty = Fetch(start_url="", error=exc.kind, detail=exc.detail)
        return WebEvidence(
            host=target, fetched_at=now, http=empty, https=empty, error=exc.kind, detail=exc.detail
        )
    https = fetch(f"https://{host}/", context)
    http = fetch(f"http://{host}/", context)
    auto = https if https.final else (http if http.final else None)
    cors = None
    if auto is not None and auto.final is not None:
        cors = fetch(auto.final.url, context, extra_headers={"Origin": CORS_PROBE_ORIGIN}, max_redirects=0)
    security_txt = None
    if https.hops:
        security_txt = fetch(
            f"https://{host}/.well-known/security.txt", context, max_body=MAX_SECURITY_TXT_BYTES
        )
    return WebEvidence(
        host=host, fetched_at=now, http=http, https=https, cors=cors, security_txt=security_txt
    )


def fetch(
    url: str,
    context: ScanContext,
    *,
    extra_headers: dict[str, str] | None = None,
    max_redirects: int = MAX_REDIRECTS,
    max_body: int = MAX_BODY_BYTES,
) -> Fetch:
    """GET `url`, following up to `max_redirects` redirects; never raises."""
    hops: list[Hop] = []
    seen: set[str] = set()
    current = url
    while True:
        if current in seen:
            return Fetch(url, tuple(hops), error=REDIRECT_LOOP, detail=f"{current} visited twice")
        seen.add(current)
        try:
            hop, body, truncated = _request(current, context, extra_headers or {}, max_body)
        except FetchError as exc:
            return Fetch(url, tuple(hops), error=exc.kind, detail=exc.detail)
        hops.append(hop)
        location = hop.location
        if location is None or max_redirects == 0:
            return Fetch(url, tuple(hops), body=body, body_truncated=truncated)
        if len(hops) > max_redirects:
            return Fetch(url, tuple(hops), error=TOO_MANY_REDIRECTS, detail=f"more than {max_redirects}")
        following = urljoin(current, location.strip())
        if urlsplit(following).scheme not in ("http", "https"):
            return Fetch(url, tuple(hops), error=BAD_REDIRECT, detail=f"Location {location[:200]!r}")
        current = following


def _request(
    url: str, context: ScanContext, extra_headers: dict[str, str], max_body: int
) -> tuple[Hop, str, bool]:
    parts = urlsplit(url)
    scheme = parts.scheme
    host = (parts.hostname or "").lower()
    try:
        explicit_port = parts.port
    except ValueError as exc:
        raise FetchError(BAD_REDIRECT, f"bad port in {url[:200]!r}") from exc
    if not host:
        raise FetchError(BAD_REDIRECT, f"no host in {url[:200]!r}")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError as exc:
        raise FetchError(BAD_REDIRECT, f"bad host in {url[:200]!r}") from exc
    default_port = 443 if scheme == "https" else 80
    port = context.port(scheme, default_port) if explicit_port is None else explicit_port
    try:
        addresses = net.resolve_addresses(host, context)
    except (OSError, UnicodeError) as exc:
        raise FetchError(UNRESOLVABLE, f"{host}: {exc}") from exc
    if not addresses:
        raise FetchError(UNRESOLVABLE, f"{host}: no addresses")
    try:
        net.guard(addresses, context, hostname=host)
    except net.TargetRefused as exc:
        raise FetchError(REFUSED_TARGET, str(exc)) from exc
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_PATH_SAFE)
    host_header = host if explicit_port is None else f"{host}:{explicit_port}"
    lines = [f"GET {path} HTTP/1.1", f"Host: {host_header}", f"User-Agent: {USER_AGENT}", "Accept: */*"]
    lines += [f"{name}: {value}" for name, value in extra_headers.items()]
    lines += ["Accept-Encoding: identity", "Connection: close", "", ""]
    request = "\r\n".join(lines).encode("ascii", "replace")

    # IPv4 first: the IPv6 family is judged elsewhere; here any working address will do
    ordered = sorted(addresses, key=lambda a: (":" in a, a))
    cert_trusted: bool | None = None
    cert_error = ""
    if scheme == "https":
        try:
            address, raw = _exchange(ordered, port, host, request, context, max_body, verify=True)
            cert_trusted = True
        except ssl.SSLCertVerificationError as exc:
            cert_trusted = False
            cert_error = exc.verify_message or str(exc)
            address, raw = _exchange(ordered, port, host, request, context, max_body, verify=False)
    else:
        address, raw = _exchange(ordered, port, host, request, context, max_body, verify=None)
    status, headers, body, truncated = _parse(raw, context.max_header_bytes, max_body)
    hop = Hop(url, status, headers, address=address, cert_trusted=cert_trusted, cert_error=cert_error)
    return hop, _decode(body, hop.header("content-type")), truncated


def _tls_context(context: ScanContext, *, verify: bool) -> ssl.SSLContext:
    if verify:
        tls = ssl.create_default_context()
        if context.ca_file:
            tls.load_verify_locations(cafile=context.ca_file)
        return tls
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    tls.check_hostname = False
    tls.verify_mode = ssl.CERT_NONE
    return tls


def _connect(addresses: list[str], port: int, deadline: float) -> tuple[str, socket.socket]:
    """The first address that accepts a TCP connection. Raises CONNECTION_REFUSED when every address refused,
    UNREACHABLE when none answered at all (filtered port, no route)."""
    refused: list[str] = []
    failures: list[str] = []
    for address in addresses:
        try:
            return address, socket.create_connection((address, port), timeout=_remaining(deadline))
        except ConnectionRefusedError:
            refused.append(f"{address}:{port}")
        except OSError as exc:  # TimeoutError included
            failures.append(f"{address}:{port} ({exc or 'timed out'})")
    if refused and not failures:
        raise FetchError(CONNECTION_REFUSED, f"{', '.join(refused)} refused the connection")
    raise FetchError(UNREACHABLE, "no connection to " + ", ".join(refused + failures))


def _exchange(
    addresses: list[str],
    port: int,
    host: str,
    request: bytes,
    context: ScanContext,
    max_body: int,
    *,
    verify: bool | None,
) -> tuple[str, bytes]:
    """Connect, send `request`, read the response (head + at most max_body of body). Raises FetchError, or
    ssl.SSLCertVerificationError when `verify` is True and the chain is not trusted."""
    deadline = time.monotonic() + context.timeout
    limit = context.max_header_bytes + max_body + 64 * 1024  # chunk framing slack
    address, sock = _connect(addresses, port, deadline)
    where = f"{address}:{port}"
    try:
        if verify is not None:
            tls = _tls_context(context, verify=verify)
            sock.settimeout(_remaining(deadline))
            try:
                sock = tls.wrap_socket(sock, server_hostname=host)
            except ssl.SSLCertVerificationError:
                raise
            except ssl.SSLError as exc:
                raise FetchError(TLS_ERROR, f"TLS handshake with {where} failed: {exc}") from exc
        sock.settimeout(_remaining(deadline))
        sock.sendall(request)
        data = bytearray()
        head_end = -1
        while True:
            sock.settimeout(_remaining(deadline))
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            if head_end < 0:
                head_end = _head_end(data)
                if (
                    head_end < 0 and len(data) > context.max_header_bytes
                ) or head_end > context.max_header_bytes:
                    raise FetchError(
                        HEADERS_TOO_LARGE, f"response head exceeds {context.max_header_bytes} bytes"
                    )
                if head_end < 0 and len(data) >= 5 and not data.startswith(b"HTTP/"):
                    raise FetchError(GARBAGE, f"not an HTTP response: {bytes(data[:40])!r}")
            if head_end >= 0 and _complete(bytes(data), head_end):
                break
            if len(data) > limit:
                break
        return address, bytes(data)
    except (FetchError, ssl.SSLCertVerificationError):
        raise
    except TimeoutError as exc:
        raise FetchError(TIMEOUT, f"{where} did not answer within {context.timeout} s") from exc
    except ssl.SSLError as exc:
        raise FetchError(TLS_ERROR, f"{where}: {exc}") from exc
    except OSError as exc:
        raise FetchError(CONNECTION_ERROR, f"{where}: {exc}") from exc
    finally:
        sock.close()


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("deadline passed")
    return left


def _head_end(data: bytes | bytearray) -> int:
    """Index of the blank line ending the response head (CRLF, or bare LF from sloppy servers), or -1."""
    crlf = data.find(b"\r\n\r\n")
    lf = data.find(b"\n\n")
    if lf >= 0 and (crlf < 0 or lf < crlf):
        return lf
    return crlf


def _body_start(data: bytes, head_end: int) -> int:
    return head_end + (2 if data[head_end : head_end + 2] == b"\n\n" else 4)


def _complete(data: bytes, head_end: int) -> bool:
    """Whether the response is complete without waiting for the server to close: a bodiless status, the
    Content-Length reached, or the last chunk of a chunked body. Otherwise read to EOF."""
    head = data[:head_end].decode("latin-1").lower()
    body = data[_body_start(data, head_end) :]
    match = _STATUS_LINE.match(head.split("\n", 1)[0].rstrip("\r").upper())
    if match and match.group(3) in ("204", "304"):
        return True
    if re.search(r"^transfer-encoding:.*chunked", head, re.MULTILINE):
        return body == b"0\r\n\r\n" or body.endswith(b"\r\n0\r\n\r\n")
    length = re.search(r"^content-length:\s*(\d+)\s*$", head, re.MULTILINE)
    return length is not None and len(body) >= int(length.group(1))


def _parse(
    raw: bytes, max_header_bytes: int, max_body: int
) -> tuple[int, tuple[tuple[str, str], ...], bytes, bool]:
    head_end = _head_end(raw)
    if head_end < 0:
        if len(raw) > max_header_bytes:
            raise FetchError(HEADERS_TOO_LARGE, f"response head exceeds {max_header_bytes} bytes")
        if not raw:
            raise FetchError(GARBAGE, "empty answer")
        raise FetchError(GARBAGE, f"no complete HTTP response head: {raw[:40]!r}")
    head = raw[:head_end].decode("latin-1")
    lines = [line.rstrip("\r") for line in head.split("\n")]
    match = _STATUS_LINE.match(lines[0])
    if match is None:
        raise FetchError(GARBAGE, f"not an HTTP status line: {lines[0][:80]!r}")
    status = int(match.group(3))
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:  # obsolete line folding
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
            continue
        name, sep, value = line.partition(":")
        if not sep or not _HEADER_NAME.match(name):
            raise FetchError(GARBAGE, f"malformed header line: {line[:80]!r}")
        headers.append((name.lower(), value.strip()))
    body = raw[_body_start(raw, head_end) :]
    is_chunked = any(n == "transfer-encoding" and "chunked" in v.lower() for n, v in headers)
    if is_chunked:
        body = _dechunk(body)
    truncated = len(body) > max_body
    return status, tuple(headers), body[:max_body], truncated


def _dechunk(body: bytes) -> bytes:
    out = bytearray()
    position = 0
    while position < len(body):
        line_end = body.find(b"\r\n", position)
        if line_end < 0:
            break
        size_text = body[position:line_end].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            break
        if size == 0:
            break
        start = line_end + 2
        out += body[start : start + size]
        position = start + size + 2
    return bytes(out)


def _decode(body: bytes, content_type: str | None) -> str:
    charset = "utf-8"
    if content_type:
        match = re.search(r"charset=\"?([A-Za-z0-9_.:-]+)", content_type)
        if match:
            charset = match.group(1)
    try:
        return body.decode(charset, "replace")
    except LookupError:
        return body.decode("utf-8", "replace")
