"""DNS family evaluation: pure, from `DnsEvidence` to CheckResults (internet.nl web-dnssec and the NS/AAAA/reachability
parts of web-ipv6, cyber-privacy.md §A1.3; CAA as RECOMMENDED like internet.nl's `web_caa`).

| check_id       | category | level       | points                                                         |
|----------------|----------|-------------|----------------------------------------------------------------|
| dns.dnssec     | DNS      | REQUIRED    | secure 10 (PASS), insecure 2 (FAIL), bogus 0 (FAIL), error 0   |
| dns.caa        | DNS      | RECOMMENDED | CAA with issue/issuewild 10 (PASS), none 0 (WARNING)          |
| dns.ns_count   | DNS      | REQUIRED    | >= 2 name servers 10 (PASS), fewer 0 (FAIL)                    |
| dns.ns_ipv6    | NETWORK  | REQUIRED    | >= 2 NS with AAAA 10 (PASS), 1 → 2 (FAIL), 0 → 0 (FAIL)        |
| dns.ns_reach   | NETWORK  | REQUIRED    | >= 2 NS answer DNS over IPv6 and every NS with AAAA answers 10  |
|                |          |             | (PASS); one or more answer but not all/only one 2 (FAIL); none  |
|                |          |             | 0 (FAIL); no NS with AAAA, no IPv6 route or refused address    |
|                |          |             | NOT_TESTED (internet.nl ns_reach)                              |
| dns.web_ipv6   | NETWORK  | REQUIRED    | AAAA reaching every web port IPv4 reaches 10 (PASS); AAAA that  |
|                |          |             | does not answer 5 (FAIL); A only 0 (FAIL); no address          |
|                |          |             | NOT_TESTED (internet.nl ws_address + ws_reach)                 |

A lookup that timed out or failed (SERVFAIL, refused, garbage) gives ERROR with 0 points and the rcode in the
evidence; a target that does not exist (NXDOMAIN) gives ERROR on every check.
"""

from __future__ import annotations

from typing import Any

from marketplace.cyber.checks.base import FULL, HALF, LESS, NONE, Category, CheckResult, Level, Status
from marketplace.cyber.checks.dns.chain import BOGUS, INSECURE, SECURE, judge_chain
from marketplace.cyber.checks.dns.resolver import NOERROR, NXDOMAIN, Lookup
from marketplace.cyber.checks.dns.retrieve import ANSWERED, NO_ROUTE, OPEN, DnsEvidence, NsReach, WebReach

CHECKS: dict[str, tuple[Category, Level]] = {
    "dns.dnssec": (Category.DNS, Level.REQUIRED),
    "dns.caa": (Category.DNS, Level.RECOMMENDED),
    "dns.ns_count": (Category.DNS, Level.REQUIRED),
    "dns.ns_ipv6": (Category.NETWORK, Level.REQUIRED),
    "dns.ns_reach": (Category.NETWORK, Level.REQUIRED),
    "dns.web_ipv6": (Category.NETWORK, Level.REQUIRED),
}

DNSSEC_POINTS = {SECURE: FULL, INSECURE: LESS, BOGUS: NONE}


def _result(check_id: str, status: Status, points: int, evidence: dict[str, Any], target: str) -> CheckResult:
    category, level = CHECKS[check_id]
    return CheckResult(check_id, category, status, level, points, FULL, evidence, target)


def _error(check_id: str, failed: Lookup, target: str, **extra: Any) -> CheckResult:
    return _result(check_id, Status.ERROR, NONE, {"lookup": failed.as_evidence(), **extra}, target)


def evaluate_dnssec(evidence: DnsEvidence, now: float | None = None) -> CheckResult:
    target = evidence.target
    if evidence.chain is None:
        return _result(
            "dns.dnssec", Status.ERROR, NONE, {"state": "error", "reason": "not retrieved"}, target
        )
    verdict = judge_chain(evidence.chain, now)
    state = verdict["state"]
    if state == SECURE:
        return _result("dns.dnssec", Status.PASS, FULL, verdict, target)
    if state in DNSSEC_POINTS:
        return _result("dns.dnssec", Status.FAIL, DNSSEC_POINTS[state], verdict, target)
    verdict["rcode"] = evidence.chain.problem_rcode
    return _result("dns.dnssec", Status.ERROR, NONE, verdict, target)


def evaluate_caa(evidence: DnsEvidence) -> CheckResult:
    caa = evidence.caa
    target = evidence.target
    if caa is None:
        return _result("dns.caa", Status.ERROR, NONE, {"reason": "not retrieved"}, target)
    if not caa.ok:
        return _error("dns.caa", caa, target)
    issue: list[str] = []
    issuewild: list[str] = []
    iodef: list[str] = []
    other: list[str] = []
    for rdata in caa.rrset or []:
        tag = rdata.tag.decode(errors="replace").lower()
        value = rdata.value.decode(errors="replace")
        {"issue": issue, "issuewild": issuewild, "iodef": iodef}.get(tag, other).append(value)
    record = {
        "found_at": caa.name if caa.rrset is not None else "",
        "issuers": sorted({v.split(";")[0].strip() for v in issue}),
        "issuewild": sorted({v.split(";")[0].strip() for v in issuewild}),
        "iodef": sorted(iodef),
        "records": caa.texts,
    }
    if issue or issuewild:
        return _result("dns.caa", Status.PASS, FULL, record, target)
    return _result("dns.caa", Status.WARNING, NONE, record, target)


def _ns_evidence(evidence: DnsEvidence) -> dict[str, Any]:
    return {
        "zone": evidence.zone,
        "NS": evidence.ns.texts if evidence.ns is not None else [],
        "name_servers": {
            host: {rdtype: found.texts for rdtype, found in lookups.items()}
            for host, lookups in evidence.ns_addresses.items()
        },
    }


def evaluate_ns(evidence: DnsEvidence) -> list[CheckResult]:
    target = evidence.target
    ns = evidence.ns
    if ns is None or not evidence.zone:
        failed = ns or Lookup(target, "NS", "ERROR", error="no zone found")
        if failed.ok:
            failed = Lookup(target, "NS", failed.rcode, error="no zone apex with NS records found")
        return [
            _error("dns.ns_count", failed, target),
            _error("dns.ns_ipv6", failed, target),
            _error("dns.ns_reach", failed, target),
        ]
    record = _ns_evidence(evidence)
    hosts = record["NS"]
    count_status, count_points = (Status.PASS, FULL) if len(hosts) >= 2 else (Status.FAIL, NONE)
    results = [_result("dns.ns_count", count_status, count_points, {**record, "count": len(hosts)}, target)]
    failed_aaaa = [lookups["AAAA"] for lookups in evidence.ns_addresses.values() if not lookups["AAAA"].ok]
    with_aaaa = sorted(host for host, lookups in evidence.ns_addresses.items() if lookups["AAAA"].texts)
    ipv6 = {**record, "with_aaaa": with_aaaa}
    if len(with_aaaa) >= 2:
        results.append(_result("dns.ns_ipv6", Status.PASS, FULL, ipv6, target))
    elif failed_aaaa and not with_aaaa:
        results.append(_error("dns.ns_ipv6", failed_aaaa[0], target, **ipv6))
    else:
        results.append(_result("dns.ns_ipv6", Status.FAIL, LESS if with_aaaa else NONE, ipv6, target))
    results.append(
        evaluate_ns_reach(evidence.ns_reach, {"zone": evidence.zone, "with_aaaa": with_aaaa}, target)
    )
    return results


def evaluate_ns_reach(reach: NsReach | None, record: dict[str, Any], target: str) -> CheckResult:
    """internet.nl `ns_reach`: the name servers with an AAAA record must answer DNS over IPv6, at least two of them.
    Not judged when no name server has an AAAA record (dns.ns_ipv6 already deducts), when the scanner itself has
    no IPv6 route, or when an address was refused (private/loopback)."""
    if reach is None or reach.refused or not reach.probes:
        reason = reach.refused if reach is not None and reach.refused else "no name server has an AAAA record"
        return _result("dns.ns_reach", Status.NOT_TESTED, NONE, {**record, "reason": reason}, target)
    record = {**record, "reach": reach.probes}
    outcomes = [outcome for found in reach.probes.values() for outcome in found.values()]
    if all(outcome == NO_ROUTE for outcome in outcomes):
        reason = "the scanner has no IPv6 route: reachability not tested"
        return _result("dns.ns_reach", Status.NOT_TESTED, NONE, {**record, "reason": reason}, target)
    answering = sorted(host for host, found in reach.probes.items() if ANSWERED in found.values())
    silent = sorted(host for host, found in reach.probes.items() if ANSWERED not in found.values())
    record = {**record, "answering": answering, "not_answering": silent}
    if len(answering) >= 2 and not silent:
        return _result("dns.ns_reach", Status.PASS, FULL, record, target)
    return _result("dns.ns_reach", Status.FAIL, LESS if answering else NONE, record, target)


def evaluate_web_ipv6(evidence: DnsEvidence) -> CheckResult:
    target = evidence.target
    record = {"A": evidence.a.texts, "AAAA": evidence.aaaa.texts}
    if not evidence.aaaa.ok:
        return _error("dns.web_ipv6", evidence.aaaa, target, **record)
    if evidence.aaaa.texts:
        return _web_ipv6_reach(evidence.reach, record, target)
    if not evidence.a.ok:
        return _error("dns.web_ipv6", evidence.a, target, **record)
    if evidence.a.texts:
        return _result("dns.web_ipv6", Status.FAIL, NONE, record, target)
    return _result(
        "dns.web_ipv6", Status.NOT_TESTED, NONE, {**record, "reason": "no A or AAAA record"}, target
    )


def _web_ipv6_reach(reach: WebReach | None, record: dict[str, Any], target: str) -> CheckResult:
    """An AAAA record: IPv6 must reach every web port IPv4 reaches (any, for an IPv6-only name). Half the points
    when the address is published but does not answer; not judged when the scanner itself has no IPv6 route."""
    if reach is None:
        return _result("dns.web_ipv6", Status.PASS, FULL, record, target)
    if reach.refused:
        return _result("dns.web_ipv6", Status.NOT_TESTED, NONE, {**record, "reason": reach.refused}, target)
    record = {
        **record,
        "reach": {
            family: {
                address: {str(port): outcome for port, outcome in ports.items()}
                for address, ports in found.items()
            }
            for family, found in (("ipv4", reach.ipv4), ("ipv6", reach.ipv6))
        },
    }
    outcomes = [outcome for ports in reach.ipv6.values() for outcome in ports.values()]
    if outcomes and all(outcome == NO_ROUTE for outcome in outcomes):
        return _result(
            "dns.web_ipv6",
            Status.PASS,
            FULL,
            {**record, "reason": "the scanner has no IPv6 route: reachability not tested"},
            target,
        )
    ports_v4 = {port for ports in reach.ipv4.values() for port, outcome in ports.items() if outcome == OPEN}
    missing = []
    for address, ports in reach.ipv6.items():
        if ports_v4:
            missing += [f"[{address}]:{port}" for port in sorted(ports_v4) if ports.get(port) != OPEN]
        elif not reach.ipv4 and OPEN not in ports.values():
            missing.append(f"[{address}]")  # an IPv6-only name must answer on some web port
    if missing:
        return _result("dns.web_ipv6", Status.FAIL, HALF, {**record, "unreachable": missing}, target)
    return _result("dns.web_ipv6", Status.PASS, FULL, record, target)


def evaluate(evidence: DnsEvidence, now: float | None = None) -> list[CheckResult]:
    """All six DNS checks for one target, in a fixed order."""
    target = evidence.target
    if evidence.a.rcode == NXDOMAIN or (evidence.a.rcode != NOERROR and not evidence.aaaa.ok):
        failed = evidence.a
        return [_error(check_id, failed, target) for check_id in CHECKS]
    return [
        evaluate_dnssec(evidence, now),
        evaluate_caa(evidence),
        *evaluate_ns(evidence),
        evaluate_web_ipv6(evidence),
    ]


def resolved_records(results: list[CheckResult]) -> dict[str, list[str]]:
    """{'A': [...], 'AAAA': [...], 'NS': [...], 'MX': [...]} as recorded in the evidence of dns.web_ipv6,
    dns.ns_count and mail.mx (the shape of `Scan.resolved[target]`)."""
    records: dict[str, list[str]] = {"A": [], "AAAA": [], "MX": [], "NS": []}
    for result in results:
        for key in records:
            values = result.evidence.get(key)
            if isinstance(values, list) and all(isinstance(v, str) for v in values):
                records[key] = sorted(set(records[key]) | set(values))
    return records
