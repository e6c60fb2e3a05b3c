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
from dataclasses import replace
from pathlib import Path

from sslyze import (
    CertificateInfoExtraArgument,
    ProtocolWithOpportunisticTlsEnum,
    ScanCommand,
    ScanCommandsExtraArguments,
    Scanner,
    ServerNetworkConfiguration,
    ServerNetworkLocation,
    ServerScanRequest,
)

from marketplace.cyber.checks import net
from marketplace.cyber.checks.base import ScanContext
from marketplace.cyber.checks.tls.convert import PROTOCOL_COMMANDS, to_evidence
from marketplace.cyber.checks.tls.evidence import (
    ERROR_NOT_TLS,
    ERROR_REFUSED,
    ERROR_RESOLVE,
    ERROR_SCANNER,
    ERROR_TARGET_REFUSED,
    ERROR_TIMEOUT,
    ERROR_UNREACHABLE,
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
    requests = [_request(host, port, address, context, starttls=starttls) for address in addresses]
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
        by_address[address] = evidence
    return [by_address[address] for address in addresses if address in by_address]


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
