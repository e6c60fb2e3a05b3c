"""sslyze's scan results -> plain `TlsEvidence` (used by retrieve.py). Imports sslyze, nassl and cryptography; no
network access of its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from traceback import TracebackException
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from nassl.ephemeral_key_info import DhEphemeralKeyInfo, EcDhEphemeralKeyInfo
from sslyze import (
    ScanCommand,
    ScanCommandAttemptStatusEnum,
    ServerScanResult,
    ServerScanStatusEnum,
)

from marketplace.cyber.checks.tls import ncsc
from marketplace.cyber.checks.tls.evidence import (
    ERROR_NOT_TLS,
    ERROR_REFUSED,
    ERROR_STARTTLS,
    ERROR_TIMEOUT,
    ERROR_UNREACHABLE,
    AcceptedSuite,
    CertificateInfo,
    TlsEvidence,
)

PROTOCOL_COMMANDS: dict[str, ScanCommand] = {
    "SSLv2": ScanCommand.SSL_2_0_CIPHER_SUITES,
    "SSLv3": ScanCommand.SSL_3_0_CIPHER_SUITES,
    "TLSv1.0": ScanCommand.TLS_1_0_CIPHER_SUITES,
    "TLSv1.1": ScanCommand.TLS_1_1_CIPHER_SUITES,
    "TLSv1.2": ScanCommand.TLS_1_2_CIPHER_SUITES,
    "TLSv1.3": ScanCommand.TLS_1_3_CIPHER_SUITES,
}

# sslyze's exception class names -> our error kinds
_ERROR_KINDS = {
    "ConnectionToServerTimedOut": ERROR_TIMEOUT,
    "TlsHandshakeTimedOut": ERROR_TIMEOUT,
    "ServerRejectedConnection": ERROR_REFUSED,
    "ServerRejectedOpportunisticTlsNegotiation": ERROR_STARTTLS,
    "OpportunisticTlsError": ERROR_STARTTLS,
    "ServerRejectedTlsHandshake": ERROR_NOT_TLS,
    "ServerTlsConfigurationNotSupported": ERROR_NOT_TLS,
    "TlsHandshakeFailed": ERROR_NOT_TLS,
}


# --- sslyze result -> TlsEvidence --------------------------------------------------------------------------------------


def _exception_name(trace: TracebackException | None) -> str:
    if trace is None:
        return ""
    name = getattr(trace, "exc_type_str", None)
    if name:
        return str(name).rsplit(".", 1)[-1]
    exc_type = getattr(trace, "exc_type", None)
    return exc_type.__name__ if exc_type is not None else ""


def _exception_text(trace: TracebackException | None) -> str:
    return "".join(trace.format_exception_only()).strip() if trace is not None else ""


def error_kind(exception_name: str, text: str = "") -> str:
    """Map a sslyze connectivity exception to one of our error kinds."""
    if exception_name in _ERROR_KINDS:
        return _ERROR_KINDS[exception_name]
    lowered = text.lower()
    if "timed out" in lowered:
        return ERROR_TIMEOUT
    if "rejected the connection" in lowered or "refused" in lowered:
        return ERROR_REFUSED
    if "tls" in lowered or "handshake" in lowered or "ssl" in lowered:
        return ERROR_NOT_TLS
    return ERROR_UNREACHABLE


def to_evidence(
    result: ServerScanResult, *, host: str, port: int, starttls: str | None, now: dt.datetime
) -> TlsEvidence:
    address = result.server_location.ip_address or ""
    if result.scan_status != ServerScanStatusEnum.COMPLETED or result.scan_result is None:
        trace = result.connectivity_error_trace
        text = _exception_text(trace)
        return TlsEvidence(
            host,
            port,
            address,
            starttls,
            now,
            error=error_kind(_exception_name(trace), text),
            error_detail=text,
        )
    scan = result.scan_result
    errors: dict[str, str] = {}

    def completed(name: str) -> Any:
        attempt = getattr(scan, name)
        if attempt.status == ScanCommandAttemptStatusEnum.COMPLETED:
            return attempt.result
        if attempt.status == ScanCommandAttemptStatusEnum.ERROR:
            errors[name] = f"{attempt.error_reason}: {_exception_text(attempt.error_trace)}"[:500]
        return None

    protocols: dict[str, tuple[AcceptedSuite, ...]] = {}
    for version, command in PROTOCOL_COMMANDS.items():
        suites = completed(command.value)
        if suites is not None:
            protocols[version] = tuple(accepted_suite(accepted) for accepted in suites.accepted_cipher_suites)

    values: dict[str, Any] = {}
    if (curves := completed("elliptic_curves")) is not None:
        values["supports_ecdh"] = curves.supports_ecdh_key_exchange
        values["curves"] = tuple(curve.name for curve in curves.supported_curves or ())
    if (compression := completed("tls_compression")) is not None:
        values["compression"] = compression.supports_compression
    if (renegotiation := completed("session_renegotiation")) is not None:
        values["secure_renegotiation"] = renegotiation.supports_secure_renegotiation
        values["client_renegotiation_dos"] = renegotiation.is_vulnerable_to_client_renegotiation_dos
    if (fallback := completed("tls_fallback_scsv")) is not None:
        values["fallback_scsv"] = fallback.supports_fallback_scsv
    if (heartbleed := completed("heartbleed")) is not None:
        values["heartbleed"] = heartbleed.is_vulnerable_to_heartbleed
    if (ccs := completed("openssl_ccs_injection")) is not None:
        values["ccs_injection"] = ccs.is_vulnerable_to_ccs_injection
    if (robot := completed("robot")) is not None:
        values["robot"] = str(robot.robot_result.value)
    if not starttls and (early := completed("tls_1_3_early_data")) is not None:
        values["early_data"] = early.supports_early_data
    if (ems := completed("tls_extended_master_secret")) is not None:
        values["extended_master_secret"] = ems.supports_ems_extension
    if (certificate_info := completed("certificate_info")) is not None:
        values.update(_certificate_values(certificate_info, now=now))
    return TlsEvidence(
        host, port, address, starttls, now, protocols=protocols, command_errors=errors, **values
    )


def accepted_suite(accepted: Any) -> AcceptedSuite:
    suite = accepted.cipher_suite
    key = accepted.ephemeral_key
    kex = curve = group = None
    bits = None
    if isinstance(key, EcDhEphemeralKeyInfo):
        kex, bits, curve = "ECDH", key.size, key.curve_name
    elif isinstance(key, DhEphemeralKeyInfo):
        kex, bits = "DH", key.size
        group = ncsc.ffdhe_group_name(int.from_bytes(key.prime, "big"), int.from_bytes(key.generator, "big"))
    return AcceptedSuite(
        name=suite.name,
        key_size=suite.key_size,
        is_anonymous=suite.is_anonymous,
        openssl_name=suite.openssl_name,
        kex=kex,
        kex_bits=bits,
        curve=curve,
        dh_group=group,
    )


def _certificate_values(info: Any, *, now: dt.datetime) -> dict[str, Any]:
    if not info.certificate_deployments:
        return {}
    deployment = info.certificate_deployments[0]
    chain: list[x509.Certificate] = list(deployment.received_certificate_chain)
    stores = {id(result.trust_store): result.trust_store for result in deployment.path_validation_results}
    trusted_by, trust_errors = _validate_ignoring_name(chain, stores.values(), now=now)
    return {
        "certificates": tuple(_certificate(cert) for cert in chain),
        "trusted": bool(trusted_by),
        "trusted_by": tuple(trusted_by),
        "trust_errors": tuple(trust_errors),
        "ocsp_stapled": deployment.ocsp_response is not None,
        "must_staple": bool(deployment.leaf_certificate_has_must_staple_extension),
    }


def _validate_ignoring_name(
    chain: list[x509.Certificate], stores: Iterable[Any], *, now: dt.datetime
) -> tuple[list[str], list[str]]:
    """Validate the received chain against each trust store for a name the leaf itself carries, so that 'trusted'
    (SSL Labs grade T) is told apart from 'wrong name' (grade M). Expiry and a bad chain still fail."""
    subject = _leaf_subject(chain[0])
    if subject is None:
        return [], ["leaf certificate has no subjectAltName"]
    pems = [cert.public_bytes(serialization.Encoding.PEM).decode("ascii") for cert in chain]
    trusted: list[str] = []
    errors: list[str] = []
    for store in stores:
        try:
            outcome = store.verify_certificate_chain(pems, subject, validation_time=now)
        except Exception as exc:  # the verifier refuses some malformed chains outright
            errors.append(f"{store.name}: {type(exc).__name__}: {exc}")
            continue
        if outcome.was_validation_successful:
            trusted.append(store.name)
        elif outcome.validation_error:
            errors.append(f"{store.name}: {outcome.validation_error}")
    return trusted, sorted(set(errors))[:10]


def _leaf_subject(leaf: x509.Certificate) -> x509.GeneralName | None:
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None
    for name in san.get_values_for_type(x509.DNSName):
        return x509.DNSName("x." + name[2:] if name.startswith("*.") else name)
    for ip in san.get_values_for_type(x509.IPAddress):
        return x509.IPAddress(ip)
    return None


def _certificate(cert: x509.Certificate) -> CertificateInfo:
    key = cert.public_key()
    curve = None
    if isinstance(key, rsa.RSAPublicKey):
        key_type, bits = "RSA", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key_type, bits, curve = "EC", key.key_size, key.curve.name
    elif isinstance(key, ed25519.Ed25519PublicKey):
        key_type, bits = "Ed25519", 256
    elif isinstance(key, ed448.Ed448PublicKey):
        key_type, bits = "Ed448", 456
    elif isinstance(key, dsa.DSAPublicKey):
        key_type, bits = "DSA", key.key_size
    else:
        key_type, bits = type(key).__name__, 0
    try:
        hash_algorithm = cert.signature_hash_algorithm
        hash_name = hash_algorithm.name.lower() if hash_algorithm is not None else None
    except Exception:  # unsupported/unknown hash (e.g. MD2): insufficient by definition
        hash_name = "unknown"
    algorithm = getattr(cert.signature_algorithm_oid, "_name", cert.signature_algorithm_oid.dotted_string)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        san_dns = tuple(san.get_values_for_type(x509.DNSName))
        san_ip = tuple(str(ip) for ip in san.get_values_for_type(x509.IPAddress))
    except x509.ExtensionNotFound:
        san_dns, san_ip = (), ()
    return CertificateInfo(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key_type=key_type,
        key_bits=bits,
        key_curve=curve,
        signature_algorithm=str(algorithm),
        signature_hash=hash_name,
        signature_key_type=signature_key_type(str(algorithm)),
        san_dns=san_dns,
        san_ip=san_ip,
        is_self_signed=cert.subject == cert.issuer,
        sha256=cert.fingerprint(hashes.SHA256()).hex(),
    )


def signature_key_type(algorithm: str) -> str:
    lowered = algorithm.lower()
    if "ed25519" in lowered:
        return "Ed25519"
    if "ed448" in lowered:
        return "Ed448"
    if "ecdsa" in lowered:
        return "EC"
    if "pss" in lowered:
        return "RSA-PSS"
    if "dsa" in lowered and "rsa" not in lowered:
        return "DSA"
    return "RSA"
