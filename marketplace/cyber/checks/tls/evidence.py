"""What one TLS endpoint showed: plain frozen dataclasses (standard library only), filled by `retrieve.py` from
sslyze's results and read by `evaluate.py` and `grade.py`. Tests build them by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# Why an endpoint could not be scanned (TlsEvidence.error).
ERROR_RESOLVE = "resolve"  # no address for the name
ERROR_TARGET_REFUSED = "target_refused"  # net.guard refused the address (private/loopback/link-local)
ERROR_REFUSED = "refused"  # TCP connection refused
ERROR_TIMEOUT = "timeout"
ERROR_UNREACHABLE = "unreachable"  # other network failure
ERROR_NOT_TLS = "not_tls"  # something answered, but no TLS handshake could be completed
ERROR_STARTTLS = "starttls_failed"  # the SMTP server did not offer or accept STARTTLS
ERROR_SCANNER = "scanner_error"  # the scanner itself failed


@dataclass(frozen=True)
class AcceptedSuite:
    """One cipher suite the server accepted for one protocol version."""

    name: str  # IANA name, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    key_size: int  # symmetric key bits (0 for NULL ciphers)
    is_anonymous: bool = False
    openssl_name: str = ""
    kex: str | None = None  # "ECDH" or "DH" when an ephemeral key was negotiated, else None
    kex_bits: int | None = None  # size of the ephemeral key
    curve: str | None = None  # ECDH curve name (X25519, secp256r1, ...)
    dh_group: str | None = None  # "ffdhe3072" etc. for an RFC 7919 group; None for a custom DH group

    @property
    def is_forward_secret(self) -> bool:
        if self.kex in ("ECDH", "DH"):
            return True
        # TLS 1.3 suites always use (EC)DHE; TLS 1.2 suites name their key exchange.
        return "_WITH_" not in self.name or "_DHE_" in self.name or "_ECDHE_" in self.name

    @property
    def is_aead(self) -> bool:
        return any(mode in self.name for mode in ("_GCM", "_CCM", "CHACHA20_POLY1305"))

    @property
    def is_64bit_block(self) -> bool:
        return any(algo in self.name for algo in ("3DES", "_DES_", "DES40", "IDEA", "RC2"))

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "key_size": self.key_size}
        if self.kex:
            data["kex"] = self.kex
            data["kex_bits"] = self.kex_bits
        if self.curve:
            data["curve"] = self.curve
        if self.kex == "DH":
            data["dh_group"] = self.dh_group or "custom"
        return data


@dataclass(frozen=True)
class CertificateInfo:
    """One certificate of the chain the server sent (index 0 is the leaf)."""

    subject: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    key_type: str  # RSA, EC, Ed25519, Ed448, DSA
    key_bits: int
    key_curve: str | None = None  # for EC keys
    signature_algorithm: str = ""  # e.g. sha256WithRSAEncryption
    signature_hash: str | None = None  # lower-case hash name, None for EdDSA
    signature_key_type: str = "RSA"  # the signer's key type as named by the signature algorithm
    san_dns: tuple[str, ...] = ()
    san_ip: tuple[str, ...] = ()
    is_self_signed: bool = False
    sha256: str = ""

    def matches(self, host: str) -> bool:
        """RFC 6125 name check against the subjectAltName (the subject CN is not consulted, as in browsers):
        case-insensitive; a wildcard stands for exactly one whole left-most label."""
        host = host.strip("[]").rstrip(".").lower()
        if host in self.san_ip:
            return True
        for name in self.san_dns:
            name = name.rstrip(".").lower()
            if name == host:
                return True
            if name.startswith("*.") and "." in host:
                label, rest = host.split(".", 1)
                if label and rest == name[2:] and "." in rest:
                    return True
        return False

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "key": f"{self.key_type}-{self.key_bits}" + (f" ({self.key_curve})" if self.key_curve else ""),
            "signature_algorithm": self.signature_algorithm,
            "san": [*self.san_dns, *self.san_ip],
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class TlsEvidence:
    """Everything the TLS checks need about one endpoint (host, port, address). None = not measured."""

    host: str
    port: int
    address: str = ""
    starttls: str | None = None
    scanned_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    error: str | None = None  # one of the ERROR_* kinds; everything else is then empty
    error_detail: str = ""
    # protocol version ("SSLv2" ... "TLSv1.3") -> accepted suites; a version whose probe failed is absent and named
    # in command_errors; a version probed with no accepted suite maps to ().
    protocols: dict[str, tuple[AcceptedSuite, ...]] = field(default_factory=dict)
    # version -> the suite the server chose when offered its accepted suites worst first; only for versions that
    # accept both phase-out-or-worse and good-or-sufficient suites (elsewhere the order cannot matter).
    cipher_order: dict[str, str | None] = field(default_factory=dict)
    supports_ecdh: bool | None = None
    curves: tuple[str, ...] | None = None  # ECDH groups the server accepts
    compression: bool | None = None
    secure_renegotiation: bool | None = None
    client_renegotiation_dos: bool | None = None  # accepts many client-initiated renegotiations
    fallback_scsv: bool | None = None
    heartbleed: bool | None = None
    ccs_injection: bool | None = None
    robot: str | None = None  # sslyze's RobotScanResultEnum value
    early_data: bool | None = None
    extended_master_secret: bool | None = None
    certificates: tuple[CertificateInfo, ...] = ()
    trusted: bool | None = None  # the chain validates against some trust store (name not considered)
    trusted_by: tuple[str, ...] = ()
    trust_errors: tuple[str, ...] = ()
    ocsp_stapled: bool | None = None
    must_staple: bool = False
    command_errors: dict[str, str] = field(default_factory=dict)

    @property
    def target(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def supported_versions(self) -> list[str]:
        return [version for version, suites in self.protocols.items() if suites]

    @property
    def accepted_suites(self) -> list[AcceptedSuite]:
        return [suite for suites in self.protocols.values() for suite in suites]

    @property
    def leaf(self) -> CertificateInfo | None:
        return self.certificates[0] if self.certificates else None
