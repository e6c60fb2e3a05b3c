"""The certificate checks of the TLS family (trust, name, key, signature, expiry, OCSP stapling). Pure; see
`evaluate.py` for the table of check ids and levels."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marketplace.cyber.checks.base import FULL, HALF, NONE, Status
from marketplace.cyber.checks.tls import ncsc
from marketplace.cyber.checks.tls.evidence import CertificateInfo, TlsEvidence
from marketplace.cyber.checks.tls.levels import Outcome, by_level

EXPIRY_WARNING_DAYS = 30


def check_certificate_trust(ev: TlsEvidence) -> Outcome:
    if ev.trusted is None:
        return Status.ERROR, NONE, {}
    if ev.trusted:
        return Status.PASS, FULL, {"trusted": True, "trusted_by": list(ev.trusted_by)}
    return Status.FAIL, NONE, {"trusted": False, "errors": list(ev.trust_errors)}


def check_certificate_name(ev: TlsEvidence) -> Outcome:
    leaf = ev.leaf
    if leaf is None:
        return Status.ERROR, NONE, {}
    evidence = {"host": ev.host, "names": [*leaf.san_dns, *leaf.san_ip]}
    if leaf.matches(ev.host):
        return Status.PASS, FULL, evidence
    return Status.FAIL, NONE, evidence


def _checked_certificates(ev: TlsEvidence) -> list[CertificateInfo]:
    """Every certificate sent except a self-signed root (NCSC: 'every certificate except the root')."""
    return [cert for i, cert in enumerate(ev.certificates) if i == 0 or not cert.is_self_signed]


def check_certificate_key(ev: TlsEvidence) -> Outcome:
    certs = _checked_certificates(ev)
    if not certs:
        return Status.ERROR, NONE, {}
    rows = [(c, ncsc.certificate_key_level(c.key_type, c.key_bits, c.key_curve)) for c in certs]
    status, points = by_level(level for _, level in rows)
    return (
        status,
        points,
        {
            "certificates": [
                {
                    "subject": c.subject,
                    "key": f"{c.key_type}-{c.key_bits}" + (f" ({c.key_curve})" if c.key_curve else ""),
                    "level": level.label,
                }
                for c, level in rows
            ]
        },
    )


def check_certificate_signature(ev: TlsEvidence) -> Outcome:
    certs = _checked_certificates(ev)
    if not certs:
        return Status.ERROR, NONE, {}
    rows = [(c, ncsc.certificate_signature_level(c.signature_key_type, c.signature_hash)) for c in certs]
    status, points = by_level(level for _, level in rows)
    return (
        status,
        points,
        {
            "certificates": [
                {"subject": c.subject, "signature_algorithm": c.signature_algorithm, "level": level.label}
                for c, level in rows
            ]
        },
    )


def days_left(not_after: dt.datetime, now: dt.datetime) -> int:
    """Whole days until `not_after`, truncated toward zero: 29.9 days -> 29, expired 2.5 days ago -> -2."""
    seconds = (not_after - now).total_seconds()
    return int(seconds / 86400)


def check_certificate_expiry(ev: TlsEvidence, now: dt.datetime) -> Outcome:
    leaf = ev.leaf
    if leaf is None:
        return Status.ERROR, NONE, {}
    left = days_left(leaf.not_after, now)
    evidence: dict[str, Any] = {
        "not_before": leaf.not_before.isoformat(),
        "not_after": leaf.not_after.isoformat(),
        "days_left": left,
    }
    if leaf.not_before > now:
        evidence["not_yet_valid"] = True
        return Status.FAIL, NONE, evidence
    if leaf.not_after <= now:
        evidence["expired"] = True
        return Status.FAIL, NONE, evidence
    if left < EXPIRY_WARNING_DAYS:
        return Status.WARNING, HALF, evidence
    return Status.PASS, FULL, evidence


def check_ocsp_stapling(ev: TlsEvidence) -> Outcome:
    if ev.ocsp_stapled is None:
        return Status.ERROR, NONE, {}
    evidence = {"ocsp_stapled": ev.ocsp_stapled, "must_staple": ev.must_staple}
    return (Status.PASS, FULL, evidence) if ev.ocsp_stapled else (Status.WARNING, NONE, evidence)
