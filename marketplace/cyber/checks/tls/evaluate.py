"""TlsEvidence -> CheckResults. Pure: standard library and this package (`ncsc`, `grade`, `certificates`).

Check ids (after the prefix, `tls` for the web family, `mail.starttls_tls` for the mail family):

| id | level (web) | what |
|---|---|---|
| protocols | required | NCSC versions: insufficient -> FAIL 0, phase-out -> WARNING 5, else PASS 10 |
| ciphers | required | NCSC suites: insufficient -> FAIL, phase-out -> WARNING (full points) |
| cipher_order | required | with weak and strong suites in one version, the server picks a strong one when the weak are offered first |
| key_exchange | required | forward secrecy offered; DH groups (only ffdhe3072+ are phase-out) and ECDH curves negotiated |
| curves | required | the ECDH groups the server accepts (NOT_TESTED without ECDH) |
| compression | required | TLS compression (CRIME) -> FAIL |
| renegotiation | required | no secure renegotiation -> FAIL; client-initiated renegotiation flood accepted -> WARNING |
| extended_master_secret | required | RFC 7627; not applicable (PASS) to TLS 1.3-only servers |
| zero_rtt | required | TLS 1.3 early data accepted -> FAIL (web only; 0-RTT probing breaks SMTP) |
| certificate_trust | required (mail: informational) | chain validates against a trust store, name aside; expired fails |
| certificate_name | required (mail: informational) | the host name is in the leaf's subjectAltName |
| certificate_key | required | NCSC key sizes for every certificate sent except a self-signed root |
| certificate_signature | required | NCSC signature hashes, same certificates |
| certificate_expiry | required, category DISCLOSURE | expired/not yet valid -> FAIL 0, < 30 days -> WARNING 5 |
| ocsp_stapling | recommended (web only) | a stapled OCSP response |
| vulnerabilities | required | Heartbleed, OpenSSL CCS injection, ROBOT -> FAIL |
| grade | informational | SSL Labs score parts, caps and grade (grade.py), status INFO |

`grade` is informational because the required checks above already score the same facts: counting it too would
count them twice. Its points (A+/A/A- 10, B 5, C 2, else 0) are for display only.

An endpoint that could not be scanned gives ERROR for every id, with the reason (`error`) in the evidence. With
several addresses per name the worst result per id is kept (internet.nl: the lowest score of all IPs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from marketplace.cyber.checks.base import FULL, HALF, LESS, NONE, Category, CheckResult, Level, Status
from marketplace.cyber.checks.tls import grade as grading
from marketplace.cyber.checks.tls import ncsc
from marketplace.cyber.checks.tls.certificates import (
    EXPIRY_WARNING_DAYS,
    check_certificate_expiry,
    check_certificate_key,
    check_certificate_name,
    check_certificate_signature,
    check_certificate_trust,
    check_ocsp_stapling,
    days_left,
)
from marketplace.cyber.checks.tls.evidence import ERROR_REFUSED, TlsEvidence
from marketplace.cyber.checks.tls.levels import Outcome, by_level, grouped

__all__ = [
    "EXPIRY_WARNING_DAYS",
    "MAIL_CHECKS",
    "WEB_CHECKS",
    "check_certificate_expiry",
    "check_certificate_key",
    "check_certificate_name",
    "check_certificate_signature",
    "check_certificate_trust",
    "check_cipher_order",
    "check_ocsp_stapling",
    "days_left",
    "error_results",
    "evaluate",
    "evaluate_endpoint",
    "worst_per_check",
]

WEB_CHECKS = (
    "protocols",
    "ciphers",
    "cipher_order",
    "key_exchange",
    "curves",
    "compression",
    "renegotiation",
    "extended_master_secret",
    "zero_rtt",
    "certificate_trust",
    "certificate_name",
    "certificate_key",
    "certificate_signature",
    "certificate_expiry",
    "ocsp_stapling",
    "vulnerabilities",
    "grade",
)
MAIL_CHECKS = tuple(c for c in WEB_CHECKS if c not in ("zero_rtt", "ocsp_stapling"))

_SEVERITY = {
    Status.FAIL: 0,
    Status.ERROR: 1,
    Status.WARNING: 2,
    Status.NOT_TESTED: 3,
    Status.INFO: 4,
    Status.PASS: 5,
}

GRADE_POINTS = {"A+": FULL, "A": FULL, "A-": FULL, "B": HALF, "C": LESS}


def check_names(starttls: str | None) -> tuple[str, ...]:
    return MAIL_CHECKS if starttls else WEB_CHECKS


def _level(check: str, starttls: str | None) -> Level:
    if check == "grade":
        return Level.INFORMATIONAL
    if check == "ocsp_stapling":
        return Level.RECOMMENDED
    if starttls and check in ("certificate_trust", "certificate_name"):
        return Level.INFORMATIONAL  # internet.nl §A1.4: MX certificates are rarely validated by senders
    return Level.REQUIRED


def check_protocols(ev: TlsEvidence) -> Outcome:
    versions = ev.supported_versions
    evidence: dict[str, Any] = {
        "versions": {v: ncsc.protocol_level(v).label for v in versions},
        "fallback_scsv": ev.fallback_scsv,
    }
    missing = [v for v in ncsc.PROTOCOL_VERSIONS if v not in ev.protocols]
    if missing:
        evidence["not_measured"] = missing
    if not versions:
        return Status.ERROR, NONE, evidence
    status, points = by_level((ncsc.protocol_level(v) for v in versions), phase_out_points=HALF)
    return status, points, evidence


def check_ciphers(ev: TlsEvidence) -> Outcome:
    pairs = [(s.name, ncsc.cipher_level(s.name)) for s in ev.accepted_suites]
    if not pairs:
        return Status.ERROR, NONE, {}
    status, points = by_level(level for _, level in pairs)
    return status, points, {"suites": grouped(pairs)}


def check_cipher_order(ev: TlsEvidence) -> Outcome:
    """internet.nl tls_cipher_order: where a version accepts both weak (phase-out or insufficient) and good or
    sufficient suites, the server must choose a good or sufficient one even when the client offers the weak ones
    first. A version with suites of one kind only (and TLS 1.3, whose suites are all good or sufficient) passes."""
    if not ev.accepted_suites:
        return Status.ERROR, NONE, {}
    versions: dict[str, Any] = {}
    bad = untested = False
    for version, suites in ev.protocols.items():
        levels = {ncsc.cipher_level(suite.name) for suite in suites}
        weak = levels & {ncsc.Level.PHASE_OUT, ncsc.Level.INSUFFICIENT}
        if not weak or not levels - weak:
            continue
        choice = ev.cipher_order.get(version)
        if choice is None:
            untested = True
            versions[version] = {"first_choice": None}
            continue
        level = ncsc.cipher_level(choice)
        versions[version] = {"first_choice": choice, "level": level.label}
        bad = bad or level in (ncsc.Level.PHASE_OUT, ncsc.Level.INSUFFICIENT)
    if bad:
        return Status.FAIL, NONE, {"versions": versions}
    if untested:
        return (
            Status.NOT_TESTED,
            NONE,
            {"versions": versions, "reason": "the server's choice could not be read"},
        )
    return Status.PASS, FULL, {"versions": versions}


def check_key_exchange(ev: TlsEvidence) -> Outcome:
    suites = ev.accepted_suites
    if not suites:
        return Status.ERROR, NONE, {}
    pairs: list[tuple[str, ncsc.Level]] = []
    for suite in suites:
        if suite.kex == "DH":
            group = suite.dh_group or f"custom DH-{suite.kex_bits}"
            level = (
                ncsc.Level.PHASE_OUT
                if suite.dh_group in {f"ffdhe{bits}" for bits in ncsc.FFDHE_PHASE_OUT_BITS}
                else ncsc.Level.INSUFFICIENT
            )
            pairs.append((group, level))
        elif suite.kex == "ECDH" and suite.curve:
            pairs.append((suite.curve, ncsc.curve_level(suite.curve)))
    evidence: dict[str, Any] = {"groups": grouped(pairs)}
    if not any(suite.is_forward_secret for suite in suites):
        evidence["forward_secrecy"] = False
        return Status.FAIL, NONE, evidence
    evidence["forward_secrecy"] = True
    if not pairs:
        return Status.PASS, FULL, evidence
    status, points = by_level(level for _, level in pairs)
    return status, points, evidence


def check_curves(ev: TlsEvidence) -> Outcome:
    if ev.curves is None:
        return Status.ERROR, NONE, {}
    if not ev.supports_ecdh or not ev.curves:
        return Status.NOT_TESTED, NONE, {"supports_ecdh": bool(ev.supports_ecdh)}
    pairs = [(curve, ncsc.curve_level(curve)) for curve in ev.curves]
    status, points = by_level(level for _, level in pairs)
    return status, points, {"curves": grouped(pairs)}


def _only_tls13(ev: TlsEvidence) -> bool:
    return ev.supported_versions == ["TLSv1.3"]


def check_compression(ev: TlsEvidence) -> Outcome:
    if ev.compression is None:
        return Status.ERROR, NONE, {}
    if ev.compression:
        return Status.FAIL, NONE, {"compression": True}
    return Status.PASS, FULL, {"compression": False}


def check_renegotiation(ev: TlsEvidence) -> Outcome:
    if _only_tls13(ev):
        return Status.PASS, FULL, {"applicable": False}
    if ev.secure_renegotiation is None:
        return Status.ERROR, NONE, {}
    evidence = {
        "secure_renegotiation": ev.secure_renegotiation,
        "client_renegotiation_dos": ev.client_renegotiation_dos,
    }
    if not ev.secure_renegotiation:
        return Status.FAIL, NONE, evidence
    if ev.client_renegotiation_dos:
        return Status.WARNING, FULL, evidence
    return Status.PASS, FULL, evidence


def check_extended_master_secret(ev: TlsEvidence) -> Outcome:
    if _only_tls13(ev):
        return Status.PASS, FULL, {"applicable": False}
    if ev.extended_master_secret is None:
        return Status.ERROR, NONE, {}
    if not ev.extended_master_secret:
        return Status.FAIL, NONE, {"extended_master_secret": False}
    return Status.PASS, FULL, {"extended_master_secret": True}


def check_zero_rtt(ev: TlsEvidence) -> Outcome:
    if "TLSv1.3" not in ev.supported_versions:
        return Status.PASS, FULL, {"applicable": False}
    if ev.early_data is None:
        return Status.ERROR, NONE, {}
    if ev.early_data:
        return Status.FAIL, NONE, {"early_data": True}
    return Status.PASS, FULL, {"early_data": False}


def check_vulnerabilities(ev: TlsEvidence) -> Outcome:
    evidence = {"heartbleed": ev.heartbleed, "ccs_injection": ev.ccs_injection, "robot": ev.robot}
    vulnerable = [
        name
        for name, hit in (
            ("heartbleed", ev.heartbleed),
            ("ccs_injection", ev.ccs_injection),
            ("robot", ev.robot in grading.ROBOT_VULNERABLE),
        )
        if hit
    ]
    if vulnerable:
        return Status.FAIL, NONE, {**evidence, "vulnerable": vulnerable}
    if ev.heartbleed is None or ev.ccs_injection is None or ev.robot is None:
        return Status.ERROR, NONE, evidence
    return Status.PASS, FULL, {**evidence, "vulnerable": []}


def check_grade(ev: TlsEvidence) -> Outcome:
    if not ev.accepted_suites:
        return Status.ERROR, NONE, {}
    result = grading.grade(ev)
    return Status.INFO, GRADE_POINTS.get(result.grade, NONE), result.as_dict()


# --- assembly -----------------------------------------------------------------------------------------------------------


def evaluate(
    evidence: TlsEvidence,
    *,
    check_prefix: str = "tls",
    category: Category = Category.WEB_TRANSPORT,
    now: dt.datetime | None = None,
) -> list[CheckResult]:
    """All checks for one scanned address, in WEB_CHECKS / MAIL_CHECKS order."""
    names = check_names(evidence.starttls)
    if evidence.error:
        return error_results(
            evidence.target,
            evidence.error,
            evidence.error_detail,
            check_prefix=check_prefix,
            category=category,
            starttls=evidence.starttls,
            address=evidence.address,
        )
    moment = now or evidence.scanned_at
    outcomes: dict[str, Outcome] = {
        "protocols": check_protocols(evidence),
        "ciphers": check_ciphers(evidence),
        "cipher_order": check_cipher_order(evidence),
        "key_exchange": check_key_exchange(evidence),
        "curves": check_curves(evidence),
        "compression": check_compression(evidence),
        "renegotiation": check_renegotiation(evidence),
        "extended_master_secret": check_extended_master_secret(evidence),
        "zero_rtt": check_zero_rtt(evidence),
        "certificate_trust": check_certificate_trust(evidence),
        "certificate_name": check_certificate_name(evidence),
        "certificate_key": check_certificate_key(evidence),
        "certificate_signature": check_certificate_signature(evidence),
        "certificate_expiry": check_certificate_expiry(evidence, moment),
        "ocsp_stapling": check_ocsp_stapling(evidence),
        "vulnerabilities": check_vulnerabilities(evidence),
        "grade": check_grade(evidence),
    }
    results = []
    for name in names:
        status, points, data = outcomes[name]
        if evidence.address:
            data = {**data, "address": evidence.address}
        results.append(
            CheckResult(
                check_id=f"{check_prefix}.{name}",
                category=Category.DISCLOSURE if name == "certificate_expiry" else category,
                status=status,
                level=_level(name, evidence.starttls),
                points=points,
                evidence=data,
                target=evidence.target,
            )
        )
    return results


def error_results(
    target: str,
    error: str,
    detail: str = "",
    *,
    check_prefix: str = "tls",
    category: Category = Category.WEB_TRANSPORT,
    starttls: str | None = None,
    address: str = "",
) -> list[CheckResult]:
    data: dict[str, Any] = {"error": error}
    if detail:
        data["detail"] = detail[:500]
    if address:
        data["address"] = address
    # Nothing listens on the HTTPS port: not a TLS error but no HTTPS at all, which the web family's
    # web.https_exists fails (as internet.nl's TLS tests are not run without HTTPS); counting every TLS check as 0
    # as well would punish the same fact twice.
    status = Status.NOT_TESTED if error == ERROR_REFUSED and starttls is None else Status.ERROR
    return [
        CheckResult(
            check_id=f"{check_prefix}.{name}",
            category=Category.DISCLOSURE if name == "certificate_expiry" else category,
            status=status,
            level=_level(name, starttls),
            points=NONE,
            evidence=data,
            target=target,
        )
        for name in check_names(starttls)
    ]


def worst_per_check(result_lists: Iterable[list[CheckResult]]) -> list[CheckResult]:
    """Merge the results of several addresses: per check id the lowest points, then the most severe status."""
    chosen: dict[str, CheckResult] = {}
    for results in result_lists:
        for result in results:
            current = chosen.get(result.check_id)
            if current is None or (result.points, _SEVERITY[result.status]) < (
                current.points,
                _SEVERITY[current.status],
            ):
                chosen[result.check_id] = result
    return list(chosen.values())


def evaluate_endpoint(
    evidences: list[TlsEvidence],
    *,
    check_prefix: str = "tls",
    category: Category = Category.WEB_TRANSPORT,
    now: dt.datetime | None = None,
) -> list[CheckResult]:
    return worst_per_check(
        evaluate(ev, check_prefix=check_prefix, category=category, now=now) for ev in evidences
    )
