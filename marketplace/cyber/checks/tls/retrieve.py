"""Scan TLS endpoints with sslyze (the only module here that touches the network); `convert.py` turns the results
into plain `TlsEvidence`.

Every address comes from `net.resolve_addresses` and passes `net.guard` before sslyze sees it; sslyze then
connects to that address (ServerNetworkLocation.ip_address) and never resolves names itself. Reference:
cyber-privacy.md §A5.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import socket
import ssl
from dataclasses import dataclass, field, replace
from pathlib import Path

from nassl.ssl_client import ClientCertificateRequested
from sslyze import (
    CertificateInfoExtraArgument,
    ProtocolWithOpportunisticTlsEnum,
    ScanCommand,
    ScanCommandsExtraArguments,
    Scanner,
    ServerNetworkConfiguration,
    ServerNetworkLocation,
    ServerScanRequest,
    TlsVersionEnum,
)
from sslyze.connection_helpers.tls_connection import SslConnection
from sslyze.errors import ServerRejectedTlsHandshake, ServerTlsConfigurationNotSupported, TlsHandshakeTimedOut

from marketplace.cyber.checks import net
from marketplace.cyber.checks.base import ScanContext
from marketplace.cyber.checks.tls import ncsc
from marketplace.cyber.checks.tls.convert import PROTOCOL_COMMANDS, accepted_suite, to_evidence
from marketplace.cyber.checks.tls.enumerate import ELIMINATED_VERSIONS, enumerate_suites, first_choice
from marketplace.cyber.checks.tls.evidence import (
    ERROR_NOT_TLS,
    ERROR_REFUSED,
    ERROR_RESOLVE,
    ERROR_SCANNER,
    ERROR_TARGET_REFUSED,
    ERROR_TIMEOUT,
    ERROR_UNREACHABLE,
    AcceptedSuite,
    TlsEvidence,
)

MAX_ADDRESSES = 2  # like internet.nl for mail: a couple of addresses per name, not every one

_COMMON_COMMANDS = {
    ScanCommand.CERTIFICATE_INFO,
    *PROTOCOL_COMMANDS.values(),
    ScanCommand.ELLIPTIC_CURVES,
    ScanCommand.TLS_COMPRESSION,
    ScanCommand.SESSION_RENEGOTIATION,
    ScanCommand.TLS_FALLBACK_SCSV,
    ScanCommand.HEARTBLEED,
    ScanCommand.OPENSSL_CCS_INJECTION,
    ScanCommand.ROBOT,
    ScanCommand.TLS_EXTENDED_MASTER_SECRET,
}
# 0-RTT probing broke SMTP sessions at internet.nl (cyber-privacy.md §A1.4): web only.
_WEB_ONLY_COMMANDS = {ScanCommand.TLS_1_3_EARLY_DATA}

_STARTTLS = {"smtp": ProtocolWithOpportunisticTlsEnum.SMTP}

# Before sslyze runs, SSL 2.0 is probed with one handshake and SSL 3.0 to TLS 1.2 are enumerated by elimination
# (enumerate.py): a handful of handshakes instead of sslyze's one per suite (533 per endpoint). sslyze then runs
# everything else, and the cipher-suite scans of any version the fast way could not settle.
WEAK_LEVELS = frozenset({ncsc.Level.PHASE_OUT, ncsc.Level.INSUFFICIENT})
PROBE_CIPHER_LISTS = (
    "ALL:COMPLEMENTOFALL",
    "HIGH:MEDIUM:-aNULL:-eNULL",
    "LOW:EXP:3DES:RC4:aNULL:eNULL:@SECLEVEL=0",
)


def retrieve(host: str, port: int, context: ScanContext, *, starttls: str | None = None) -> list[TlsEvidence]:
    """Scan every permitted address of `host` (at most MAX_ADDRESSES) on `port`; one TlsEvidence per address.

    Never raises for network trouble: an unresolvable name, a refused address or a failed connection comes back
    as a single TlsEvidence with `error` set."""
    now = dt.datetime.now(dt.UTC)
    try:
        addresses = net.resolve_addresses(host, context)
    except (OSError, UnicodeError) as exc:
        return [
            TlsEvidence(
                host, port, starttls=starttls, scanned_at=now, error=ERROR_RESOLVE, error_detail=str(exc)
            )
        ]
    if not addresses:
        return [TlsEvidence(host, port, starttls=starttls, scanned_at=now, error=ERROR_RESOLVE)]
    try:
        addresses = net.guard(addresses, context, hostname=host)
    except net.TargetRefused as exc:
        return [
            TlsEvidence(
                host,
                port,
                starttls=starttls,
                scanned_at=now,
                error=ERROR_TARGET_REFUSED,
                error_detail=str(exc),
            )
        ]
    addresses = _pick_addresses(addresses)
    requests = []
    settled: dict[str, Settled] = {}
    for address in addresses:
        request = _request(host, port, address, context, starttls=starttls)
        settled[address] = settle_protocols(request)
        skipped = {PROTOCOL_COMMANDS[version] for version in settled[address].protocols}
        requests.append(replace(request, scan_commands=request.scan_commands - skipped))
    # Mail servers throttle parallel connections (internet.nl uses one per IP for mail): be gentler there.
    scanner = Scanner(per_server_concurrent_connections_limit=2 if starttls else 4)
    scanner.queue_scans(requests)
    by_address: dict[str, TlsEvidence] = {}
    for result in scanner.get_results():
        address = result.server_location.ip_address or ""
        try:
            evidence = to_evidence(result, host=host, port=port, starttls=starttls, now=now)
        except Exception as exc:  # a conversion bug must not crash the scan of an organisation
            evidence = TlsEvidence(
                host,
                port,
                address,
                starttls,
                now,
                error=ERROR_SCANNER,
                error_detail=f"{type(exc).__name__}: {exc}",
            )
        # sslyze reports a server that accepts TCP but never answers as "no TLS version supported"
        if (
            evidence.error == ERROR_NOT_TLS
            and not starttls
            and probe_handshake(address, port, context) == ERROR_TIMEOUT
        ):
            evidence = replace(
                evidence,
                error=ERROR_TIMEOUT,
                error_detail=f"no answer to a TLS handshake within {context.timeout} s",
            )
        if not evidence.error and address in settled:
            found = {**evidence.protocols, **settled[address].protocols}
            evidence = replace(
                evidence,
                protocols={v: found[v] for v in PROTOCOL_COMMANDS if v in found},
                cipher_order=dict(settled[address].cipher_order),
            )
        by_address[address] = evidence
    return [by_address[address] for address in addresses if address in by_address]


@dataclass
class Settled:
    """What was settled before sslyze: accepted suites per version, and the server's choice per mixed version."""

    protocols: dict[str, tuple[AcceptedSuite, ...]] = field(default_factory=dict)
    cipher_order: dict[str, str | None] = field(default_factory=dict)


def settle_protocols(request: ServerScanRequest) -> Settled:
    """The accepted suites of every version settled without sslyze's per-suite scan: SSL 2.0 when refused (one
    probe), SSL 3.0 to TLS 1.2 by elimination, and for a version that accepts both weak (phase-out or worse) and
    good-or-sufficient suites, which one the server chooses when the weak ones are offered first (internet.nl's
    tls_cipher_order). Stops at the first connection trouble (sslyze then reports it)."""
    settled = Settled()
    sslv2 = accepts_version(request, TlsVersionEnum.SSL_2_0)
    if sslv2 is None:
        return settled
    if sslv2 is False:
        settled.protocols["SSLv2"] = ()
    for version, tls_version in ELIMINATED_VERSIONS.items():
        accepted = enumerate_suites(request, tls_version)
        if accepted is None:
            break
        settled.protocols[version] = tuple(accepted_suite(item) for item in accepted)
        weak = [a for a in accepted if ncsc.cipher_level(a.cipher_suite.name) in WEAK_LEVELS]
        strong = [a for a in accepted if ncsc.cipher_level(a.cipher_suite.name) not in WEAK_LEVELS]
        if weak and strong:
            settled.cipher_order[version] = first_choice(request, tls_version, weak + strong, len(weak))
    return settled


def accepts_version(request: ServerScanRequest, tls_version: TlsVersionEnum) -> bool | None:
    """Whether the server completes a handshake at `tls_version` with any cipher suite: True, False (every probe
    refused), or None when the connection itself failed (then the full enumeration decides)."""
    for cipher_list in PROBE_CIPHER_LISTS:
        connection = SslConnection(
            server_location=request.server_location,
            network_configuration=request.network_configuration,
            tls_version=tls_version,
            should_ignore_client_auth=True,
            should_use_legacy_openssl=True,
        )
        try:
            connection.ssl_client.set_cipher_list(cipher_list)
        except (
            Exception
        ):  # nassl refuses a list none of whose suites this OpenSSL build knows for the version
            connection.close()
            continue
        try:
            connection.connect(should_retry_connection=False)
            return True
        except (ServerTlsConfigurationNotSupported, ClientCertificateRequested):
            return True  # the server accepted the version; only the client side objected
        except (ServerRejectedTlsHandshake, TlsHandshakeTimedOut):
            continue
        except Exception:
            return None
        finally:
            connection.close()
    return False


def probe_handshake(address: str, port: int, context: ScanContext) -> str | None:
    """One permissive TLS handshake (no validation, any version or cipher) to tell a silent server from one that
    answers without TLS: an ERROR_* kind, or None when the handshake completes. `address` has passed net.guard."""
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    tls.check_hostname = False
    tls.verify_mode = ssl.CERT_NONE  # only asking whether it speaks TLS at all; nothing is trusted or sent
    with contextlib.suppress(ssl.SSLError):
        tls.set_ciphers("ALL:@SECLEVEL=0")
    try:
        with (
            socket.create_connection((address, port), timeout=context.timeout) as raw,
            tls.wrap_socket(raw, server_hostname=None),
        ):
            return None
    except TimeoutError:
        return ERROR_TIMEOUT
    except ConnectionRefusedError:
        return ERROR_REFUSED
    except ssl.SSLError:
        return ERROR_NOT_TLS
    except OSError:
        return ERROR_UNREACHABLE


def _pick_addresses(addresses: list[str]) -> list[str]:
    """One IPv4 and one IPv6 address when both exist, else the first MAX_ADDRESSES."""
    v4 = [a for a in addresses if ":" not in a]
    v6 = [a for a in addresses if ":" in a]
    picked = v4[:1] + v6[:1]
    for address in addresses:
        if len(picked) >= MAX_ADDRESSES:
            break
        if address not in picked:
            picked.append(address)
    return picked[:MAX_ADDRESSES]


def _request(
    host: str, port: int, address: str, context: ScanContext, *, starttls: str | None
) -> ServerScanRequest:
    network = ServerNetworkConfiguration(
        tls_server_name_indication=host,
        tls_opportunistic_encryption=_STARTTLS[starttls] if starttls else None,
        network_timeout=max(1, math.ceil(context.timeout)),
        network_max_retries=1,
    )
    commands = set(_COMMON_COMMANDS) | (set() if starttls else _WEB_ONLY_COMMANDS)
    extra = ScanCommandsExtraArguments(
        certificate_info=CertificateInfoExtraArgument(custom_ca_file=Path(context.ca_file))
        if context.ca_file
        else None
    )
    return ServerScanRequest(
        server_location=ServerNetworkLocation(hostname=host, port=port, ip_address=address),
        network_configuration=network,
        scan_commands=commands,
        scan_commands_extra_arguments=extra,
    )
