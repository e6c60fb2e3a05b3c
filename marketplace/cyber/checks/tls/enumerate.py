"""Cipher-suite enumeration by elimination, for SSL 3.0 to TLS 1.2.

sslyze's cipher-suite scan makes one handshake per suite it knows (121 for SSL 3.0, TLS 1.0 and 1.1; 158 for TLS
1.2), accepted or not. Here the client offers every suite still untested; the server picks one; that suite is
accepted (with the ephemeral key of that handshake), dropped from the offer, and the next handshake follows, until
the server refuses. That costs one handshake per accepted suite plus one per chunk, and finds the same set: a suite
the server would accept is never left out, because the server must pick some suite from any offer that contains one
it accepts. The results are sslyze's own `CipherSuiteAcceptedByServer` objects, so `convert.accepted_suite` reads
them unchanged.

Suites are offered in chunks of CHUNK (a ClientHello with every suite is large enough to upset some old servers) and,
for TLS 1.2, split between nassl's legacy and modern OpenSSL exactly as sslyze splits them. Anything unexpected (the
connection fails, a client certificate is requested, the server's choice cannot be read, the server picks a suite
that was not offered) returns None: the caller then lets sslyze enumerate that version the slow way.
"""

from __future__ import annotations

from functools import cache

from nassl.legacy_ssl_client import LegacySslClient
from nassl.ssl_client import ClientCertificateRequested, OpenSslVerifyEnum, OpenSslVersionEnum, SslClient
from sslyze import ServerScanRequest, TlsVersionEnum
from sslyze.connection_helpers.tls_connection import SslConnection
from sslyze.errors import ServerRejectedTlsHandshake, TlsHandshakeTimedOut
from sslyze.plugins.openssl_cipher_suites._test_cipher_suite import CipherSuiteAcceptedByServer
from sslyze.plugins.openssl_cipher_suites.cipher_suites import CipherSuite, CipherSuitesRepository

CHUNK = 40
ELIMINATED_VERSIONS = {
    "SSLv3": TlsVersionEnum.SSL_3_0,
    "TLSv1.0": TlsVersionEnum.TLS_1_0,
    "TLSv1.1": TlsVersionEnum.TLS_1_1,
    "TLSv1.2": TlsVersionEnum.TLS_1_2,
}
_REFUSED = "refused"


@cache
def _legacy_tls12_names() -> frozenset[str]:
    """The TLS 1.2 suites nassl's legacy OpenSSL offers (sslyze's WorkaroundForTls12ForCipherSuites, computed once
    instead of once per suite and scan)."""
    client = LegacySslClient(ssl_version=OpenSslVersionEnum.TLSV1_2, ssl_verify=OpenSslVerifyEnum.NONE)
    client.set_cipher_list("ALL:COMPLEMENTOFALL")
    return frozenset(client.get_cipher_list())


@cache
def _modern_tls12_names() -> frozenset[str]:
    client = SslClient(ssl_version=OpenSslVersionEnum.TLSV1_2, ssl_verify=OpenSslVerifyEnum.NONE)
    client.set_cipher_list("ALL:COMPLEMENTOFALL")
    return frozenset(client.get_cipher_list())


def _groups(tls_version: TlsVersionEnum) -> list[tuple[bool, list[CipherSuite]]]:
    """(use legacy OpenSSL, suites) in a stable order."""
    suites = sorted(CipherSuitesRepository.get_all_cipher_suites(tls_version), key=lambda s: s.name)
    if tls_version != TlsVersionEnum.TLS_1_2:
        return [(True, suites)]
    legacy = _legacy_tls12_names()
    return [
        (True, [s for s in suites if s.openssl_name in legacy]),
        (False, [s for s in suites if s.openssl_name not in legacy]),
    ]


def _handshake(
    request: ServerScanRequest, tls_version: TlsVersionEnum, legacy: bool, offer: list[CipherSuite]
) -> tuple[str, object] | str | None:
    """(picked OpenSSL name, ephemeral key), _REFUSED, or None for anything unexpected."""
    connection = SslConnection(
        server_location=request.server_location,
        network_configuration=request.network_configuration,
        tls_version=tls_version,
        should_ignore_client_auth=False,
        should_use_legacy_openssl=legacy,
    )
    try:
        try:
            connection.ssl_client.set_cipher_list(":".join(s.openssl_name for s in offer))
        except Exception:
            return _REFUSED  # this OpenSSL build can offer none of them (sslyze skips such suites too)
        try:
            connection.connect(should_retry_connection=False)
        except (ServerRejectedTlsHandshake, TlsHandshakeTimedOut):
            return _REFUSED
        except ClientCertificateRequested:
            return None
        except Exception:
            return None
        try:
            return connection.ssl_client.get_current_cipher_name(), connection.ssl_client.get_ephemeral_key()
        except Exception:
            return None
    finally:
        connection.close()


def enumerate_suites(
    request: ServerScanRequest, tls_version: TlsVersionEnum
) -> list[CipherSuiteAcceptedByServer] | None:
    """The suites the server accepts at `tls_version` (sslyze's order: by name, descending), or None when the
    elimination could not be completed."""
    accepted: list[CipherSuiteAcceptedByServer] = []
    for legacy, suites in _groups(tls_version):
        for start in range(0, len(suites), CHUNK):
            remaining = suites[start : start + CHUNK]
            while remaining:
                outcome = _handshake(request, tls_version, legacy, remaining)
                if outcome is None:
                    return None
                if outcome == _REFUSED:
                    break
                name, key = outcome  # type: ignore[misc]
                picked = [s for s in remaining if s.openssl_name == name]
                if not picked:
                    return None
                accepted.append(CipherSuiteAcceptedByServer(cipher_suite=picked[0], ephemeral_key=key))  # type: ignore[arg-type]
                remaining = [s for s in remaining if s.openssl_name != name]
    accepted.sort(key=lambda item: item.cipher_suite.name, reverse=True)
    return accepted


def first_choice(
    request: ServerScanRequest,
    tls_version: TlsVersionEnum,
    offer: list[CipherSuiteAcceptedByServer],
    weak_count: int,
) -> str | None:
    """The RFC name of the suite the server picks when offered `offer` in that order (its first `weak_count` are
    the weak suites), or None when it cannot be told (no OpenSSL build offers weak and strong ones together, a
    failed handshake)."""
    suites = [item.cipher_suite for item in offer]
    legacy = True
    if tls_version == TlsVersionEnum.TLS_1_2:
        # One handshake must offer weak and strong suites together: pick the OpenSSL build that can offer both
        # kinds (modern first: it offers the AEAD and CBC suites alike), narrowing the offer to what it knows.
        weak = {item.cipher_suite.name for item in offer[:weak_count]}
        builds = ((False, _modern_tls12_names()), (True, _legacy_tls12_names()))
        candidates = [(build, [s for s in suites if s.openssl_name in known]) for build, known in builds]
        usable = [
            (build, found)
            for build, found in candidates
            if any(s.name in weak for s in found) and any(s.name not in weak for s in found)
        ]
        if not usable:
            return None
        legacy, suites = usable[0]
    outcome = _handshake(request, tls_version, legacy, suites)
    if outcome is None or outcome == _REFUSED:
        return None
    name = outcome[0]
    return next((s.name for s in suites if s.openssl_name == name), None)
