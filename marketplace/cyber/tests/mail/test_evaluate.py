"""Mail family evaluation on hand-built evidence: points tables, null MX, STARTTLS outcomes, MTA-STS, TLS-RPT and
mx_endpoints. Pure, no network."""

from __future__ import annotations

import dns.rrset
import pytest

from marketplace.cyber.checks.base import Category, Level, Status
from marketplace.cyber.checks.dns.resolver import Lookup
from marketplace.cyber.checks.mail.evaluate import (
    _mx_pattern_matches,
    evaluate,
    evaluate_dkim,
    evaluate_dmarc,
    evaluate_mta_sts,
    evaluate_mx,
    evaluate_spf,
    evaluate_starttls,
    evaluate_tls_rpt,
    mx_endpoints,
)
from marketplace.cyber.checks.mail.probes import HttpFetch, SmtpProbe
from marketplace.cyber.checks.mail.retrieve import MailEvidence
from marketplace.cyber.checks.mail.spf import TxtAnswer

D = "example.test"
POLICY = "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmx: *.backup.example.test\nmax_age: 604800\n"


def mx_lookup(*values: str, rcode: str = "NOERROR") -> Lookup:
    rrset = dns.rrset.from_text(D + ".", 300, "IN", "MX", *values) if values else None
    return Lookup(D, "MX", rcode, rrset=rrset)


def txt(*texts: str, rcode: str = "NOERROR") -> TxtAnswer:
    return TxtAnswer(rcode, texts)


def evidence(**kwargs) -> MailEvidence:
    values = {
        "domain": D,
        "mx": mx_lookup("10 mx1.example.test."),
        "mx_hosts": [(10, "mx1.example.test")],
        "spf": {D: txt("v=spf1 mx -all")},
        "dmarc": txt("v=DMARC1; p=reject"),
        "org_domain": D,
        "dkim": txt(),
        "mta_sts": txt("v=STSv1; id=1"),
        "mta_sts_policy": HttpFetch(
            "https://mta-sts.example.test/.well-known/mta-sts.txt", 200, "text/plain", POLICY
        ),
        "tls_rpt": txt("v=TLSRPTv1; rua=mailto:tls@example.test"),
        "smtp": [
            SmtpProbe(
                "mx1.example.test",
                "192.0.2.25",
                25,
                True,
                "220 hi",
                True,
                "TLSv1.3",
                "TLS_AES_256_GCM_SHA384",
            )
        ],
    }
    values.update(kwargs)
    return MailEvidence(**values)


def test_all_good_and_categories():
    results = evaluate(evidence())
    assert [(r.check_id, str(r.status), r.points) for r in results] == [
        ("mail.mx", "pass", 10),
        ("mail.spf", "pass", 10),
        ("mail.dmarc", "pass", 10),
        ("mail.dkim", "pass", 10),
        ("mail.mta_sts", "pass", 10),
        ("mail.tls_rpt", "pass", 10),
        ("mail.starttls", "pass", 10),
    ]
    assert {r.category for r in results} == {Category.EMAIL}
    assert [r.check_id for r in results if r.level == Level.RECOMMENDED] == ["mail.mta_sts", "mail.tls_rpt"]


@pytest.mark.parametrize(
    ("mx", "hosts", "null_mx", "status", "points"),
    [
        (mx_lookup("10 mx1.example.test."), [(10, "mx1.example.test")], False, Status.PASS, 10),
        (mx_lookup("0 ."), [], True, Status.PASS, 10),
        (mx_lookup(), [], False, Status.FAIL, 0),
        (mx_lookup(rcode="SERVFAIL"), [], False, Status.ERROR, 0),
    ],
)
def test_mx(mx, hosts, null_mx, status, points):
    result = evaluate_mx(evidence(mx=mx, mx_hosts=hosts, null_mx=null_mx))
    assert (result.status, result.points) == (status, points)
    assert result.evidence["null_mx"] is null_mx


@pytest.mark.parametrize(
    ("record", "null_mx", "status", "points"),
    [
        ("v=spf1 mx -all", False, Status.PASS, 10),
        ("v=spf1 mx ~all", False, Status.WARNING, 5),
        ("v=spf1 mx ?all", False, Status.FAIL, 0),
        ("v=spf1 +all", False, Status.FAIL, 0),
        ("v=spf1 mx", False, Status.FAIL, 0),
        ("v=spf1 -all", True, Status.PASS, 10),
        ("v=spf1 ~all", True, Status.FAIL, 0),
        ("v=spf1 ip4:192.0.2.1 -all", True, Status.FAIL, 0),
    ],
)
def test_spf_points(record, null_mx, status, points):
    result = evaluate_spf(evidence(spf={D: txt(record)}, null_mx=null_mx))
    assert (result.status, result.points) == (status, points)


@pytest.mark.parametrize(
    ("record", "null_mx", "status", "points"),
    [
        ("v=DMARC1; p=reject", False, Status.PASS, 10),
        ("v=DMARC1; p=quarantine", False, Status.PASS, 10),
        ("v=DMARC1; p=none", False, Status.WARNING, 2),
        ("v=DMARC1; p=quarantine; t=y", False, Status.WARNING, 2),
        ("v=DMARC1; p=reject", True, Status.PASS, 10),
        ("v=DMARC1; p=quarantine", True, Status.WARNING, 2),
        ("v=DMARC1; p=none", True, Status.FAIL, 0),
    ],
)
def test_dmarc_points(record, null_mx, status, points):
    result = evaluate_dmarc(evidence(dmarc=txt(record), null_mx=null_mx))
    assert (result.status, result.points) == (status, points)


def test_dmarc_fallback_lookup_failure_is_an_error():
    result = evaluate_dmarc(
        evidence(domain="a.example.test", dmarc=txt(rcode="NXDOMAIN"), dmarc_org=txt(rcode="TIMEOUT"))
    )
    assert (result.status, result.evidence["name"], result.evidence["rcode"]) == (
        Status.ERROR,
        "_dmarc.example.test",
        "TIMEOUT",
    )


@pytest.mark.parametrize(
    ("answer", "null_mx", "status", "points"),
    [
        (txt(), False, Status.PASS, 10),
        (txt(rcode="NXDOMAIN"), False, Status.FAIL, 0),
        (txt(rcode="SERVFAIL"), False, Status.ERROR, 0),
        (txt(rcode="NXDOMAIN"), True, Status.NOT_TESTED, 0),
    ],
)
def test_dkim(answer, null_mx, status, points):
    result = evaluate_dkim(evidence(dkim=answer, null_mx=null_mx))
    assert (result.status, result.points) == (status, points)


def probe(address: str, *, connected=True, offered=True, version="TLSv1.3", error="") -> SmtpProbe:
    return SmtpProbe(
        "mx1.example.test", address, 25, connected, "", offered, version, "X" if version else "", error
    )


@pytest.mark.parametrize(
    ("probes", "status"),
    [
        ([probe("192.0.2.25"), probe("2001:db8::25")], Status.PASS),
        (
            [probe("192.0.2.25"), probe("2001:db8::25", connected=False, version="", error="timed out")],
            Status.PASS,
        ),
        ([probe("192.0.2.25"), probe("2001:db8::25", offered=False, version="")], Status.FAIL),
        ([probe("192.0.2.25", version="", error="SSLError: handshake failure")], Status.FAIL),
        ([probe("192.0.2.25", connected=False, version="", error="timed out")], Status.ERROR),
        ([], Status.ERROR),
    ],
)
def test_starttls(probes, status):
    result = evaluate_starttls(evidence(smtp=probes))
    assert result.status == status
    assert result.points == (10 if status == Status.PASS else 0)
    assert len(result.evidence["endpoints"]) == len(probes)


def test_starttls_not_tested_without_mx():
    assert evaluate_starttls(evidence(mx_hosts=[], smtp=[])).status == Status.NOT_TESTED
    assert evaluate_starttls(evidence(mx_hosts=[], null_mx=True, smtp=[])).evidence["reason"] == "null MX"


@pytest.mark.parametrize(
    ("host", "pattern", "matches"),
    [
        ("mx1.example.test", "mx1.example.test", True),
        ("MX1.example.test.", "mx1.example.test", True),
        ("a.backup.example.test", "*.backup.example.test", True),
        ("a.b.backup.example.test", "*.backup.example.test", False),
        ("backup.example.test", "*.backup.example.test", False),
        ("mx2.example.test", "mx1.example.test", False),
    ],
)
def test_mta_sts_mx_patterns(host, pattern, matches):
    assert _mx_pattern_matches(host, pattern) is matches


@pytest.mark.parametrize(
    ("kwargs", "status", "points", "problem"),
    [
        ({}, Status.PASS, 10, None),
        ({"mta_sts": txt(rcode="NXDOMAIN")}, Status.WARNING, 0, "no MTA-STS record"),
        ({"mta_sts": txt("v=STSv1; id=1", "v=STSv1; id=2")}, Status.WARNING, 0, "several records"),
        ({"mta_sts": txt(rcode="TIMEOUT")}, Status.ERROR, 0, None),
        (
            {"mta_sts_policy": HttpFetch("u", 200, "text/plain", "garbage")},
            Status.WARNING,
            0,
            "policy: Line 1: Not a key: value pair.",
        ),
        (
            {"mta_sts_policy": HttpFetch("u", error="TimeoutError: timed out")},
            Status.WARNING,
            0,
            "policy: TimeoutError: timed out",
        ),
        ({"mta_sts_policy": HttpFetch("u", 301, "text/html", "")}, Status.WARNING, 0, "policy: HTTP 301"),
        ({"mx_hosts": [(10, "mx1.example.test"), (20, "x.backup.example.test")]}, Status.PASS, 10, None),
        ({"mx_hosts": [(10, "other.example.test")]}, Status.WARNING, 0, "MX not in policy"),
    ],
)
def test_mta_sts(kwargs, status, points, problem):
    result = evaluate_mta_sts(evidence(**kwargs))
    assert (result.status, result.points, result.evidence.get("problem")) == (status, points, problem)


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (txt("v=TLSRPTv1; rua=mailto:tls@example.test"), Status.PASS),
        (txt("v=TLSRPTv1"), Status.WARNING),
        (txt("v=TLSRPTv1; rua=mailto:a@x.test", "v=TLSRPTv1; rua=mailto:b@x.test"), Status.WARNING),
        (txt(rcode="NXDOMAIN"), Status.WARNING),
        (txt(rcode="SERVFAIL"), Status.ERROR),
    ],
)
def test_tls_rpt(answer, status):
    assert evaluate_tls_rpt(evidence(tls_rpt=answer)).status == status


def test_mx_endpoints_lists_working_starttls_hosts_once():
    probes = [
        SmtpProbe("mx1.example.test", "192.0.2.25", 2525, True, "", True, "TLSv1.2", "X"),
        SmtpProbe("mx1.example.test", "2001:db8::25", 2525, True, "", True, "TLSv1.3", "X"),
        SmtpProbe("mx2.example.test", "192.0.2.26", 2525, True, "", False, error="STARTTLS not offered"),
        SmtpProbe("mx3.example.test", "192.0.2.27", 2525, True, "", True, "TLSv1.3", "X"),
    ]
    results = evaluate(evidence(smtp=probes))
    assert mx_endpoints(results) == [("mx1.example.test", 2525), ("mx3.example.test", 2525)]
