"""Mail family evaluation: pure, from `MailEvidence` to CheckResults (internet.nl mail-auth and the STARTTLS gate of
mail-tls, cyber-privacy.md §A1.4; MTA-STS and TLS-RPT as RECOMMENDED). All in category EMAIL.

| check_id      | level       | points                                                                            |
|---------------|-------------|-----------------------------------------------------------------------------------|
| mail.mx       | REQUIRED    | MX or null MX (RFC 7505) 10 PASS; neither 0 FAIL                                  |
| mail.spf      | REQUIRED    | -all 10 PASS; ~all 5 WARNING (soft fail: common with DMARC, but not a policy);    |
|               |             | ?all, +all, no all 0 FAIL; none / several records / syntax / >10 lookups / >2 void  |
|               |             | lookups (RFC 7208 §4.6.4) / loop /                                                  |
|               |             | include without SPF 0 FAIL. Null MX: only 'v=spf1 -all'-like (nothing allowed) 10 |
| mail.dmarc    | REQUIRED    | effective policy quarantine|reject 10 PASS; none 2 WARNING (internet.nl 10/2/0);  |
|               |             | none / several records / syntax 0 FAIL. Null MX: reject 10, quarantine 2, none 0  |
| mail.dkim     | REQUIRED    | _domainkey.<domain> NOERROR 10 PASS; NXDOMAIN 0 FAIL; null MX NOT_TESTED          |
| mail.mta_sts  | RECOMMENDED | TXT + valid policy, mode enforce, covering every MX 10 PASS; testing 5 WARNING;   |
|               |             | else 0 WARNING; null MX / no MX NOT_TESTED                                        |
| mail.tls_rpt  | RECOMMENDED | valid v=TLSRPTv1 record with rua 10 PASS; else 0 WARNING; null MX NOT_TESTED      |
| mail.starttls | REQUIRED    | every reachable MX address offers STARTTLS and completes the handshake 10 PASS;   |
|               |             | any that does not 0 FAIL; none reachable 0 ERROR; null MX / no MX NOT_TESTED      |

mail.starttls also shows each MX's DANE TLSA records (`dane_tlsa`, not scored here). A DNS time-out or SERVFAIL
where an answer was needed gives ERROR (0 points) with the rcode in the evidence; a domain that does not exist
(NXDOMAIN on MX) or whose DNS does not answer (time-out on MX) gives ERROR on every check.
"""

from __future__ import annotations

from typing import Any

from marketplace.cyber.checks.base import FULL, HALF, LESS, NONE, Category, CheckResult, Level, Status
from marketplace.cyber.checks.dns.resolver import NOERROR, NXDOMAIN, TIMEOUT
from marketplace.cyber.checks.mail import dmarc as dmarc_rules
from marketplace.cyber.checks.mail import spf as spf_rules
from marketplace.cyber.checks.mail.retrieve import MailEvidence

LEVELS: dict[str, Level] = {
    "mail.mx": Level.REQUIRED,
    "mail.spf": Level.REQUIRED,
    "mail.dmarc": Level.REQUIRED,
    "mail.dkim": Level.REQUIRED,
    "mail.mta_sts": Level.RECOMMENDED,
    "mail.tls_rpt": Level.RECOMMENDED,
    "mail.starttls": Level.REQUIRED,
}


def _result(check_id: str, status: Status, points: int, evidence: dict[str, Any], target: str) -> CheckResult:
    return CheckResult(check_id, Category.EMAIL, status, LEVELS[check_id], points, FULL, evidence, target)


def _txt_evidence(name: str, answer: spf_rules.TxtAnswer | None) -> dict[str, Any]:
    if answer is None:
        return {"name": name, "rcode": ""}
    evidence: dict[str, Any] = {"name": name, "rcode": answer.rcode, "records": list(answer.texts)}
    if answer.error:
        evidence["error"] = answer.error
    return evidence


def _dns_failed(answer: spf_rules.TxtAnswer | None) -> bool:
    return answer is None or answer.rcode not in (NOERROR, NXDOMAIN)


def evaluate_mx(evidence: MailEvidence) -> CheckResult:
    domain = evidence.domain
    record: dict[str, Any] = {
        "MX": [host for _, host in evidence.mx_hosts],
        "mx": [{"preference": pref, "exchange": host} for pref, host in evidence.mx_hosts],
        "null_mx": evidence.null_mx,
        "rcode": evidence.mx.rcode,
    }
    if evidence.mx_problems:
        record["unresolved"] = evidence.mx_problems
    if not evidence.mx.ok:
        return _result("mail.mx", Status.ERROR, NONE, {**record, "error": evidence.mx.error}, domain)
    if evidence.null_mx or evidence.mx_hosts:
        return _result("mail.mx", Status.PASS, FULL, record, domain)
    return _result("mail.mx", Status.FAIL, NONE, record, domain)


SPF_POINTS = {"-": (Status.PASS, FULL), "~": (Status.WARNING, HALF)}


def evaluate_spf(evidence: MailEvidence) -> CheckResult:
    domain = evidence.domain
    analysis = spf_rules.analyse(domain, evidence.spf, evidence.spf_hosts)
    record = analysis.as_evidence()
    if analysis.error == spf_rules.TEMPERROR:
        return _result("mail.spf", Status.ERROR, NONE, record, domain)
    if analysis.error:
        return _result("mail.spf", Status.FAIL, NONE, record, domain)
    if evidence.null_mx:
        record["expected"] = "v=spf1 -all"
        if analysis.all == "-" and not analysis.authorises and not analysis.includes:
            return _result("mail.spf", Status.PASS, FULL, record, domain)
        return _result("mail.spf", Status.FAIL, NONE, record, domain)
    status, points = SPF_POINTS.get(analysis.all, (Status.FAIL, NONE))
    return _result("mail.spf", status, points, record, domain)


DMARC_POINTS = {
    "reject": (Status.PASS, FULL),
    "quarantine": (Status.PASS, FULL),
    "none": (Status.WARNING, LESS),
}
DMARC_POINTS_NULL_MX = {
    "reject": (Status.PASS, FULL),
    "quarantine": (Status.WARNING, LESS),
    "none": (Status.FAIL, NONE),
}


def evaluate_dmarc(evidence: MailEvidence) -> CheckResult:
    domain = evidence.domain
    own = evidence.dmarc
    if _dns_failed(own):
        return _result("mail.dmarc", Status.ERROR, NONE, _txt_evidence(f"_dmarc.{domain}", own), domain)
    assert own is not None
    org = evidence.dmarc_org
    if org is not None and org.rcode not in (NOERROR, NXDOMAIN):
        name = f"_dmarc.{evidence.org_domain}"
        return _result("mail.dmarc", Status.ERROR, NONE, _txt_evidence(name, org), domain)
    analysis = dmarc_rules.analyse(
        domain, own.texts, org_domain=evidence.org_domain, org_texts=org.texts if org is not None else None
    )
    record = analysis.as_evidence()
    if analysis.error:
        return _result("mail.dmarc", Status.FAIL, NONE, record, domain)
    table = DMARC_POINTS_NULL_MX if evidence.null_mx else DMARC_POINTS
    if evidence.null_mx:
        record["expected"] = "p=reject"
    status, points = table[analysis.policy]
    return _result("mail.dmarc", status, points, record, domain)


def evaluate_dkim(evidence: MailEvidence) -> CheckResult:
    domain = evidence.domain
    name = f"_domainkey.{domain}"
    if evidence.null_mx:
        return _result("mail.dkim", Status.NOT_TESTED, NONE, {"name": name, "reason": "null MX"}, domain)
    answer = evidence.dkim
    record = _txt_evidence(name, answer)
    if _dns_failed(answer):
        return _result("mail.dkim", Status.ERROR, NONE, record, domain)
    assert answer is not None
    if answer.rcode == NOERROR:
        return _result("mail.dkim", Status.PASS, FULL, record, domain)
    return _result("mail.dkim", Status.FAIL, NONE, record, domain)


def _mx_pattern_matches(host: str, pattern: str) -> bool:
    """RFC 8461 §4.1: exact, or '*.' matching exactly one leftmost label."""
    host, pattern = host.lower().rstrip("."), pattern.lower().rstrip(".")
    if pattern.startswith("*."):
        return "." in host and host.split(".", 1)[1] == pattern[2:]
    return host == pattern


def evaluate_mta_sts(evidence: MailEvidence) -> CheckResult:
    from checkdmarc.mta_sts import MTASTSError, parse_mta_sts_policy, parse_mta_sts_record

    domain = evidence.domain
    name = f"_mta-sts.{domain}"
    if evidence.null_mx or not evidence.mx_hosts:
        reason = "null MX" if evidence.null_mx else "no MX"
        return _result("mail.mta_sts", Status.NOT_TESTED, NONE, {"name": name, "reason": reason}, domain)
    answer = evidence.mta_sts
    record = _txt_evidence(name, answer)
    if _dns_failed(answer):
        return _result("mail.mta_sts", Status.ERROR, NONE, record, domain)
    assert answer is not None
    records = [t for t in answer.texts if t.lower().startswith("v=stsv1")]
    if not records:
        return _result(
            "mail.mta_sts", Status.WARNING, NONE, {**record, "problem": "no MTA-STS record"}, domain
        )
    if len(records) > 1:
        return _result("mail.mta_sts", Status.WARNING, NONE, {**record, "problem": "several records"}, domain)
    try:
        parse_mta_sts_record(records[0])
    except (MTASTSError, ValueError) as exc:
        return _result("mail.mta_sts", Status.WARNING, NONE, {**record, "problem": f"record: {exc}"}, domain)
    fetch = evidence.mta_sts_policy
    if fetch is None:
        return _result(
            "mail.mta_sts", Status.WARNING, NONE, {**record, "problem": "policy not fetched"}, domain
        )
    record["policy_url"] = fetch.url
    record["http_status"] = fetch.status
    if fetch.error or fetch.status != 200:
        problem = f"policy: {fetch.error or f'HTTP {fetch.status}'}"
        return _result("mail.mta_sts", Status.WARNING, NONE, {**record, "problem": problem}, domain)
    try:
        policy = parse_mta_sts_policy(fetch.body)["policy"]
    except (MTASTSError, ValueError, KeyError) as exc:
        return _result("mail.mta_sts", Status.WARNING, NONE, {**record, "problem": f"policy: {exc}"}, domain)
    patterns = [str(p) for p in policy.get("mx", [])]
    uncovered = [
        host for _, host in evidence.mx_hosts if not any(_mx_pattern_matches(host, p) for p in patterns)
    ]
    record.update(
        {
            "mode": policy.get("mode"),
            "max_age": policy.get("max_age"),
            "policy_mx": patterns,
            "uncovered_mx": uncovered,
        }
    )
    if uncovered:
        return _result(
            "mail.mta_sts", Status.WARNING, NONE, {**record, "problem": "MX not in policy"}, domain
        )
    if policy.get("mode") == "enforce":
        return _result("mail.mta_sts", Status.PASS, FULL, record, domain)
    if policy.get("mode") == "testing":
        return _result("mail.mta_sts", Status.WARNING, HALF, record, domain)
    return _result("mail.mta_sts", Status.WARNING, NONE, record, domain)


def evaluate_tls_rpt(evidence: MailEvidence) -> CheckResult:
    from checkdmarc.smtp_tls_reporting import parse_smtp_tls_reporting_record

    domain = evidence.domain
    name = f"_smtp._tls.{domain}"
    if evidence.null_mx or not evidence.mx_hosts:
        reason = "null MX" if evidence.null_mx else "no MX"
        return _result("mail.tls_rpt", Status.NOT_TESTED, NONE, {"name": name, "reason": reason}, domain)
    answer = evidence.tls_rpt
    record = _txt_evidence(name, answer)
    if _dns_failed(answer):
        return _result("mail.tls_rpt", Status.ERROR, NONE, record, domain)
    assert answer is not None
    records = [t for t in answer.texts if t.lower().startswith("v=tlsrptv1")]
    if len(records) != 1:
        problem = "no TLS-RPT record" if not records else "several records"
        return _result("mail.tls_rpt", Status.WARNING, NONE, {**record, "problem": problem}, domain)
    try:
        parsed = parse_smtp_tls_reporting_record(records[0])
    except Exception as exc:  # checkdmarc raises several unrelated classes for a bad record
        return _result("mail.tls_rpt", Status.WARNING, NONE, {**record, "problem": str(exc)}, domain)
    rua = parsed.get("tags", {}).get("rua", {}).get("value", [])
    return _result("mail.tls_rpt", Status.PASS, FULL, {**record, "rua": rua}, domain)


def evaluate_starttls(evidence: MailEvidence) -> CheckResult:
    domain = evidence.domain
    base: dict[str, Any] = {"port": evidence.smtp_port}
    if evidence.null_mx or not evidence.mx_hosts:
        reason = "null MX" if evidence.null_mx else "no MX"
        return _result("mail.starttls", Status.NOT_TESTED, NONE, {**base, "reason": reason}, domain)
    endpoints = [probe.as_evidence() for probe in evidence.smtp]
    dane = {host: {"rcode": found.rcode, "records": found.texts} for host, found in evidence.tlsa.items()}
    record = {**base, "endpoints": endpoints, "unresolved": evidence.mx_problems, "dane_tlsa": dane}
    reached = [probe for probe in evidence.smtp if probe.connected]
    failing = [probe for probe in reached if not probe.handshake_ok]
    if failing:
        return _result("mail.starttls", Status.FAIL, NONE, record, domain)
    if not reached:
        return _result("mail.starttls", Status.ERROR, NONE, record, domain)
    return _result("mail.starttls", Status.PASS, FULL, record, domain)


def evaluate(evidence: MailEvidence) -> list[CheckResult]:
    """All seven mail checks for one domain, in a fixed order."""
    if evidence.mx.rcode in (NXDOMAIN, TIMEOUT):
        failed = {"name": evidence.domain, "type": "MX", "rcode": evidence.mx.rcode}
        return [
            _result(check_id, Status.ERROR, NONE, {"lookup": failed}, evidence.domain) for check_id in LEVELS
        ]
    return [
        evaluate_mx(evidence),
        evaluate_spf(evidence),
        evaluate_dmarc(evidence),
        evaluate_dkim(evidence),
        evaluate_mta_sts(evidence),
        evaluate_tls_rpt(evidence),
        evaluate_starttls(evidence),
    ]


def mx_endpoints(results: list[CheckResult]) -> list[tuple[str, int]]:
    """(MX host, SMTP port) for every MX that completed a STARTTLS handshake, in preference order, from the
    mail.starttls evidence. The lead wires these to the TLS family's `run_endpoint(host, port, context,
    starttls="smtp", check_prefix="mail.starttls_tls", category=EMAIL)` for the deeper TLS grading; MX hosts
    without working STARTTLS are left out (mail.starttls has already failed them)."""
    endpoints: list[tuple[str, int]] = []
    for result in results:
        if result.check_id != "mail.starttls":
            continue
        for endpoint in result.evidence.get("endpoints", []):
            pair = (str(endpoint["mx"]), int(endpoint["port"]))
            if endpoint.get("tls_version") and pair not in endpoints:
                endpoints.append(pair)
    return endpoints
