"""Connections the mail family makes besides DNS: SMTP STARTTLS to each MX, and the MTA-STS policy over HTTPS.
Every address passes `net.guard` first; every failure is recorded, never raised."""

from __future__ import annotations

import contextlib
import http.client
import smtplib
import socket
import ssl
from dataclasses import dataclass

from marketplace.cyber.checks.base import ScanContext
from marketplace.cyber.checks.net import TargetRefused, guard

EHLO_NAME = "localhost"
MAX_POLICY_BYTES = 64 * 1024  # RFC 8461 §3.3: senders may refuse larger policies


@dataclass(frozen=True)
class SmtpProbe:
    """One MX address: did it offer STARTTLS after EHLO, and did the TLS handshake succeed?"""

    mx: str
    address: str
    port: int
    connected: bool = False
    banner: str = ""
    starttls_offered: bool = False
    tls_version: str = ""
    cipher: str = ""
    error: str = ""  # "" or what went wrong (refused by guard, time-out, handshake failure)
    refused: bool = False  # the guard refused the address (private/loopback)

    @property
    def handshake_ok(self) -> bool:
        return bool(self.tls_version)

    def as_evidence(self) -> dict[str, object]:
        return {
            "mx": self.mx,
            "address": self.address,
            "port": self.port,
            "connected": self.connected,
            "starttls": self.starttls_offered,
            "tls_version": self.tls_version,
            "cipher": self.cipher,
            "error": self.error,
        }


def _lenient_tls_context() -> ssl.SSLContext:
    """Opportunistic SMTP TLS: no certificate check (internet.nl treats mail cert trust as informational) and old
    protocols allowed, so the handshake test says 'TLS works'; the TLS family grades versions and ciphers."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    with contextlib.suppress(ssl.SSLError):  # depends on the OpenSSL build
        context.set_ciphers("ALL:@SECLEVEL=0")
    return context


def probe_starttls(mx: str, address: str, context: ScanContext) -> SmtpProbe:
    port = context.port("smtp", 25)
    try:
        guard([address], context, hostname=mx)
    except TargetRefused as exc:
        return SmtpProbe(mx, address, port, error=str(exc), refused=True)
    except ValueError as exc:
        return SmtpProbe(mx, address, port, error=f"bad address: {exc}")
    smtp = smtplib.SMTP(local_hostname=EHLO_NAME, timeout=context.timeout)
    connected = False
    banner = ""
    offered = False
    try:
        code, message = smtp.connect(address, port)
        connected = True
        banner = message.decode(errors="replace")[:200]
        if code != 220:
            return SmtpProbe(mx, address, port, True, banner, error=f"greeting {code}")
        smtp.ehlo()
        offered = smtp.has_extn("starttls")
        if not offered:
            return SmtpProbe(mx, address, port, True, banner, error="STARTTLS not offered")
        smtp._host = mx  # type: ignore[attr-defined]  # SNI: the MX name, not the address we connected to
        smtp.starttls(context=_lenient_tls_context())
        tls = smtp.sock
        version = tls.version() if isinstance(tls, ssl.SSLSocket) else None
        cipher = tls.cipher() if isinstance(tls, ssl.SSLSocket) else None
        return SmtpProbe(
            mx, address, port, True, banner, True, version or "", cipher[0] if cipher else "", ""
        )
    except (smtplib.SMTPException, OSError, ssl.SSLError, ValueError, UnicodeError) as exc:
        return SmtpProbe(mx, address, port, connected, banner, offered, error=f"{type(exc).__name__}: {exc}")
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError, ssl.SSLError):
            smtp.close()


@dataclass(frozen=True)
class HttpFetch:
    url: str
    status: int | None = None
    content_type: str = ""
    body: str = ""
    error: str = ""


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to `host` (SNI and certificate name) at an address the guard already approved."""

    def __init__(self, host: str, address: str, port: int, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def fetch_https(host: str, path: str, addresses: list[str], context: ScanContext) -> HttpFetch:
    """GET https://host/path from the first address, certificate validated (public roots + context.ca_file), no
    redirects followed (RFC 8461 §3.3), body capped at 64 KiB."""
    port = context.port("https", 443)
    url = f"https://{host}{path}"
    if not addresses:
        return HttpFetch(url, error="no address")
    try:
        guard(addresses, context, hostname=host)
    except TargetRefused as exc:
        return HttpFetch(url, error=str(exc))
    tls = ssl.create_default_context()
    if context.ca_file:
        tls.load_verify_locations(context.ca_file)
    connection = _PinnedHTTPSConnection(host, addresses[0], port, context.timeout, tls)
    try:
        connection.request(
            "GET", path, headers={"User-Agent": "Markedsplassen-CyberX", "Accept": "text/plain"}
        )
        response = connection.getresponse()
        body = response.read(MAX_POLICY_BYTES + 1)
        if len(body) > MAX_POLICY_BYTES:
            return HttpFetch(url, response.status, error=f"policy larger than {MAX_POLICY_BYTES} bytes")
        return HttpFetch(
            url,
            response.status,
            response.getheader("Content-Type", ""),
            body.decode("utf-8", errors="replace"),
        )
    except (OSError, ssl.SSLError, http.client.HTTPException, ValueError) as exc:
        return HttpFetch(url, error=f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()
