"""Hand-built TlsEvidence for the pure tests: a good TLS 1.2 + 1.3 endpoint, changed per test with `replace`."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from marketplace.cyber.checks.tls.evidence import AcceptedSuite, CertificateInfo, TlsEvidence

NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)

TLS13 = (
    AcceptedSuite("TLS_AES_256_GCM_SHA384", 256, kex="ECDH", kex_bits=253, curve="X25519"),
    AcceptedSuite("TLS_CHACHA20_POLY1305_SHA256", 256, kex="ECDH", kex_bits=253, curve="X25519"),
    AcceptedSuite("TLS_AES_128_GCM_SHA256", 128, kex="ECDH", kex_bits=253, curve="X25519"),
)
TLS12 = (
    AcceptedSuite("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 256, kex="ECDH", kex_bits=256, curve="secp256r1"),
    AcceptedSuite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 128, kex="ECDH", kex_bits=256, curve="secp256r1"),
)
TLS10_CBC = (
    AcceptedSuite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 128, kex="ECDH", kex_bits=256, curve="secp256r1"),
)
STATIC_RSA = AcceptedSuite("TLS_RSA_WITH_AES_128_GCM_SHA256", 128)
TRIPLE_DES = AcceptedSuite("TLS_RSA_WITH_3DES_EDE_CBC_SHA", 168)
DHE_3072 = AcceptedSuite(
    "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", 256, kex="DH", kex_bits=3072, dh_group="ffdhe3072"
)
DHE_1024 = AcceptedSuite("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 128, kex="DH", kex_bits=1024)

NO_PROTOCOLS: dict[str, tuple[AcceptedSuite, ...]] = {
    "SSLv2": (),
    "SSLv3": (),
    "TLSv1.0": (),
    "TLSv1.1": (),
    "TLSv1.2": (),
    "TLSv1.3": (),
}


def leaf(**overrides: Any) -> CertificateInfo:
    values: dict[str, Any] = {
        "subject": "CN=www.example.test",
        "issuer": "CN=Markedsplassen Test CA",
        "not_before": NOW - dt.timedelta(days=10),
        "not_after": NOW + dt.timedelta(days=80),
        "key_type": "RSA",
        "key_bits": 3072,
        "signature_algorithm": "sha256WithRSAEncryption",
        "signature_hash": "sha256",
        "signature_key_type": "RSA",
        "san_dns": ("www.example.test",),
    }
    values.update(overrides)
    return CertificateInfo(**values)


CA_ROOT = CertificateInfo(
    subject="CN=Markedsplassen Test CA",
    issuer="CN=Markedsplassen Test CA",
    not_before=NOW - dt.timedelta(days=365),
    not_after=NOW + dt.timedelta(days=3650),
    key_type="RSA",
    key_bits=1024,  # a weak root is not judged: only certificates below the root are
    signature_algorithm="sha1WithRSAEncryption",
    signature_hash="sha1",
    is_self_signed=True,
)


def good(**overrides: Any) -> TlsEvidence:
    """TLS 1.2 + 1.3 with AEAD ECDHE suites, RSA-3072 leaf from a trusted CA, nothing vulnerable."""
    values: dict[str, Any] = {
        "host": "www.example.test",
        "port": 443,
        "address": "192.0.2.10",
        "scanned_at": NOW,
        "protocols": {**NO_PROTOCOLS, "TLSv1.2": TLS12, "TLSv1.3": TLS13},
        "supports_ecdh": True,
        "curves": ("X25519", "secp256r1", "secp384r1"),
        "compression": False,
        "secure_renegotiation": True,
        "client_renegotiation_dos": False,
        "fallback_scsv": True,
        "heartbleed": False,
        "ccs_injection": False,
        "robot": "NOT_VULNERABLE_NO_ORACLE",
        "early_data": False,
        "extended_master_secret": True,
        "certificates": (leaf(), CA_ROOT),
        "trusted": True,
        "trusted_by": ("Mozilla",),
        "ocsp_stapled": True,
    }
    values.update(overrides)
    return TlsEvidence(**values)


def with_protocols(evidence: TlsEvidence, **versions: tuple[AcceptedSuite, ...]) -> TlsEvidence:
    """`with_protocols(ev, TLSv1_0=TLS10_CBC)`: keyword names use _ for the dot."""
    protocols = dict(evidence.protocols)
    for key, suites in versions.items():
        protocols[key.replace("_", ".")] = suites
    return replace(evidence, protocols=protocols)
