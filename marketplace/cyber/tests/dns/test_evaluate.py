"""DNS family evaluation on hand-built evidence: pure, table-driven, exact statuses and points."""

from __future__ import annotations

import dns.name
import dns.rrset
import pytest

from marketplace.cyber.checks.base import Category, Level, Status
from marketplace.cyber.checks.dns.chain import ChainData, judge_chain, parse_anchors
from marketplace.cyber.checks.dns.evaluate import (
    evaluate,
    evaluate_caa,
    evaluate_ns,
    evaluate_ns_reach,
    evaluate_web_ipv6,
    resolved_records,
)
from marketplace.cyber.checks.dns.resolver import Lookup
from marketplace.cyber.checks.dns.retrieve import DnsEvidence, NsReach, WebReach, normalise_target

T = "example.test"


def answer(name: str, rdtype: str, *values: str, rcode: str = "NOERROR") -> Lookup:
    rrset = dns.rrset.from_text(name + ".", 300, "IN", rdtype, *values) if values else None
    return Lookup(name, rdtype, rcode, rrset=rrset, error="" if rcode in ("NOERROR", "NXDOMAIN") else "boom")


def evidence(**kwargs) -> DnsEvidence:
    values = {
        "target": T,
        "a": answer(T, "A", "192.0.2.1"),
        "aaaa": answer(T, "AAAA", "2001:db8::1"),
    }
    values.update(kwargs)
    return DnsEvidence(**values)


def ns_evidence(ns_aaaa: dict[str, list[str]], *, aaaa_rcode: str = "NOERROR") -> DnsEvidence:
    hosts = list(ns_aaaa)
    return evidence(
        zone=T,
        ns=answer(T, "NS", *(h + "." for h in hosts)),
        ns_addresses={
            host: {"A": answer(host, "A", "192.0.2.53"), "AAAA": answer(host, "AAAA", *v6, rcode=aaaa_rcode)}
            for host, v6 in ns_aaaa.items()
        },
    )


@pytest.mark.parametrize(
    ("ns_aaaa", "expected"),
    [
        ({"ns1.x.test": ["2001:db8::53"], "ns2.x.test": ["2001:db8::54"]}, [("pass", 10), ("pass", 10)]),
        ({"ns1.x.test": ["2001:db8::53"], "ns2.x.test": []}, [("pass", 10), ("fail", 2)]),
        ({"ns1.x.test": ["2001:db8::53"]}, [("fail", 0), ("fail", 2)]),
        ({"ns1.x.test": [], "ns2.x.test": [], "ns3.x.test": []}, [("pass", 10), ("fail", 0)]),
    ],
)
def test_name_servers(ns_aaaa, expected):
    results = evaluate_ns(ns_evidence(ns_aaaa))
    assert [(r.check_id, str(r.status), r.points) for r in results] == [
        ("dns.ns_count", *expected[0]),
        ("dns.ns_ipv6", *expected[1]),
        ("dns.ns_reach", "not_tested", 0),  # not probed (ns_reach=None): judged in the tests below
    ]
    assert results[0].category == Category.DNS
    assert results[1].category == Category.NETWORK
    assert results[0].evidence["count"] == len(ns_aaaa)
    assert results[0].evidence["NS"] == sorted(ns_aaaa)


def test_name_server_aaaa_servfail_is_an_error_not_a_failure():
    results = evaluate_ns(ns_evidence({"ns1.x.test": [], "ns2.x.test": []}, aaaa_rcode="SERVFAIL"))
    assert [(r.check_id, r.status, r.points) for r in results] == [
        ("dns.ns_count", Status.PASS, 10),
        ("dns.ns_ipv6", Status.ERROR, 0),
        ("dns.ns_reach", Status.NOT_TESTED, 0),
    ]
    assert results[1].evidence["lookup"] == {
        "name": "ns1.x.test",
        "type": "AAAA",
        "rcode": "SERVFAIL",
        "error": "boom",
    }


def test_name_server_lookup_timeout_gives_errors():
    results = evaluate_ns(evidence(zone="", ns=answer(T, "NS", rcode="TIMEOUT")))
    assert [(r.check_id, r.status, r.points) for r in results] == [
        ("dns.ns_count", Status.ERROR, 0),
        ("dns.ns_ipv6", Status.ERROR, 0),
        ("dns.ns_reach", Status.ERROR, 0),
    ]
    assert results[0].evidence["lookup"]["rcode"] == "TIMEOUT"


A1, A2, A3 = "2001:db8::53", "2001:db8::54", "2001:db8::55"


@pytest.mark.parametrize(
    ("probes", "status", "points", "answering", "not_answering"),
    [
        # two name servers answer over IPv6, none silent: full points
        ({"ns1": {A1: "answered"}, "ns2": {A2: "answered"}}, Status.PASS, 10, ["ns1", "ns2"], []),
        (
            {"ns1": {A1: "answered"}, "ns2": {A2: "answered"}, "ns3": {A3: "answered"}},
            Status.PASS,
            10,
            ["ns1", "ns2", "ns3"],
            [],
        ),
        # AAAA records alone are not enough: one answers, one times out (internet.nl ns_reach)
        ({"ns1": {A1: "answered"}, "ns2": {A2: "timeout"}}, Status.FAIL, 2, ["ns1"], ["ns2"]),
        # two answer but a third with AAAA is silent: still a failure
        (
            {"ns1": {A1: "answered"}, "ns2": {A2: "answered"}, "ns3": {A3: "garbage"}},
            Status.FAIL,
            2,
            ["ns1", "ns2"],
            ["ns3"],
        ),
        # only one name server has AAAA and it answers: fewer than two
        ({"ns1": {A1: "answered"}}, Status.FAIL, 2, ["ns1"], []),
        # none answers (refused, unreachable, time-out)
        (
            {"ns1": {A1: "refused"}, "ns2": {A2: "unreachable"}, "ns3": {A3: "timeout"}},
            Status.FAIL,
            0,
            [],
            ["ns1", "ns2", "ns3"],
        ),
        # no route from the scanner for one, the other answers: the silent one counts against
        ({"ns1": {A1: "answered"}, "ns2": {A2: "no_route"}}, Status.FAIL, 2, ["ns1"], ["ns2"]),
    ],
)
def test_name_servers_answer_over_ipv6(probes, status, points, answering, not_answering):
    result = evaluate_ns_reach(NsReach(probes=probes), {"zone": T}, T)
    assert (result.check_id, result.status, result.points) == ("dns.ns_reach", status, points)
    assert (result.category, result.level) == (Category.NETWORK, Level.REQUIRED)
    assert result.evidence == {
        "zone": T,
        "reach": probes,
        "answering": answering,
        "not_answering": not_answering,
    }


@pytest.mark.parametrize(
    ("reach", "reason"),
    [
        (None, "no name server has an AAAA record"),
        (NsReach(), "no name server has an AAAA record"),
        (NsReach(refused="ns1 resolves to non-public address ::1"), "ns1 resolves to non-public address ::1"),
        (
            NsReach(probes={"ns1": {A1: "no_route"}, "ns2": {A2: "no_route"}}),
            "the scanner has no IPv6 route: reachability not tested",
        ),
    ],
)
def test_name_servers_over_ipv6_not_judged(reach, reason):
    result = evaluate_ns_reach(reach, {"zone": T}, T)
    assert (result.status, result.points, result.counts) == (Status.NOT_TESTED, 0, False)
    assert result.evidence["reason"] == reason


@pytest.mark.parametrize(
    ("a", "aaaa", "status", "points"),
    [
        (["192.0.2.1"], ["2001:db8::1"], Status.PASS, 10),
        ([], ["2001:db8::1"], Status.PASS, 10),
        (["192.0.2.1"], [], Status.FAIL, 0),
        ([], [], Status.NOT_TESTED, 0),
    ],
)
def test_web_ipv6(a, aaaa, status, points):
    result = evaluate_web_ipv6(evidence(a=answer(T, "A", *a), aaaa=answer(T, "AAAA", *aaaa)))
    assert (result.status, result.points, result.level) == (status, points, Level.REQUIRED)
    assert result.evidence["A"] == a
    assert result.evidence["AAAA"] == aaaa


V4, V6A, V6B = "192.0.2.1", "2001:db8::1", "2001:db8::2"


@pytest.mark.parametrize(
    ("ipv4", "ipv6", "status", "points", "unreachable"),
    [
        # IPv6 answers on every port IPv4 answers on
        ({V4: {443: "open", 80: "open"}}, {V6A: {443: "open", 80: "open"}}, Status.PASS, 10, None),
        ({V4: {443: "open", 80: "refused"}}, {V6A: {443: "open", 80: "timeout"}}, Status.PASS, 10, None),
        # the AAAA is published but does not answer where IPv4 does: half
        (
            {V4: {443: "open", 80: "open"}},
            {V6A: {443: "open", 80: "refused"}},
            Status.FAIL,
            5,
            [f"[{V6A}]:80"],
        ),
        (
            {V4: {443: "open", 80: "refused"}},
            {V6A: {443: "open", 80: "open"}, V6B: {443: "timeout", 80: "open"}},
            Status.FAIL,
            5,
            [f"[{V6B}]:443"],
        ),
        # no web service over IPv4 either: nothing to require
        (
            {V4: {443: "refused", 80: "refused"}},
            {V6A: {443: "refused", 80: "refused"}},
            Status.PASS,
            10,
            None,
        ),
        # IPv6-only: some web port must answer
        ({}, {V6A: {443: "refused", 80: "open"}}, Status.PASS, 10, None),
        ({}, {V6A: {443: "refused", 80: "timeout"}}, Status.FAIL, 5, [f"[{V6A}]"]),
        # the scanner has no IPv6 route: not held against the target
        ({V4: {443: "open", 80: "open"}}, {V6A: {443: "no_route", 80: "no_route"}}, Status.PASS, 10, None),
        (
            {V4: {443: "open", 80: "open"}},
            {V6A: {443: "no_route", 80: "unreachable"}},
            Status.FAIL,
            5,
            [f"[{V6A}]:80", f"[{V6A}]:443"],
        ),
    ],
)
def test_web_ipv6_reachability(ipv4, ipv6, status, points, unreachable):
    result = evaluate_web_ipv6(evidence(reach=WebReach(ipv4=ipv4, ipv6=ipv6)))
    assert (result.status, result.points) == (status, points)
    assert result.evidence.get("unreachable") == unreachable
    assert result.evidence["reach"]["ipv6"] == {
        address: {str(port): outcome for port, outcome in ports.items()} for address, ports in ipv6.items()
    }


def test_web_ipv6_refused_address_is_not_tested():
    result = evaluate_web_ipv6(evidence(reach=WebReach(refused="x resolves to non-public address ::1")))
    assert (result.status, result.points, result.evidence["reason"]) == (
        Status.NOT_TESTED,
        0,
        "x resolves to non-public address ::1",
    )


def test_web_ipv6_timeout_is_error():
    result = evaluate_web_ipv6(evidence(aaaa=answer(T, "AAAA", rcode="TIMEOUT")))
    assert (result.status, result.points) == (Status.ERROR, 0)
    assert result.evidence["lookup"]["rcode"] == "TIMEOUT"


@pytest.mark.parametrize(
    ("records", "status", "points", "issuers"),
    [
        (
            ['0 issue "letsencrypt.org"', '0 issue "buypass.com; accounturi=x"'],
            Status.PASS,
            10,
            ["buypass.com", "letsencrypt.org"],
        ),
        (['0 issuewild "sectigo.com"'], Status.PASS, 10, []),
        (['0 issue ";"'], Status.PASS, 10, [""]),  # 'no CA may issue' is a policy too
        (['0 iodef "mailto:sec@example.test"'], Status.WARNING, 0, []),
        (['128 tbs "x"'], Status.WARNING, 0, []),
        ([], Status.WARNING, 0, []),
    ],
)
def test_caa(records, status, points, issuers):
    result = evaluate_caa(evidence(caa=answer(T, "CAA", *records)))
    assert (result.status, result.points, result.level) == (status, points, Level.RECOMMENDED)
    assert result.evidence["issuers"] == issuers


def test_caa_servfail_is_error():
    result = evaluate_caa(evidence(caa=answer(T, "CAA", rcode="SERVFAIL")))
    assert (result.status, result.points) == (Status.ERROR, 0)


def test_nxdomain_target_gives_errors_on_every_check():
    results = evaluate(evidence(a=answer(T, "A", rcode="NXDOMAIN"), aaaa=answer(T, "AAAA", rcode="NXDOMAIN")))
    assert [(r.check_id, r.status, r.points) for r in results] == [
        ("dns.dnssec", Status.ERROR, 0),
        ("dns.caa", Status.ERROR, 0),
        ("dns.ns_count", Status.ERROR, 0),
        ("dns.ns_ipv6", Status.ERROR, 0),
        ("dns.ns_reach", Status.ERROR, 0),
        ("dns.web_ipv6", Status.ERROR, 0),
    ]
    assert all(r.evidence["lookup"]["rcode"] == "NXDOMAIN" for r in results)


def test_chain_without_covering_anchor_is_insecure_and_walk_errors_are_errors():
    anchors, problems = parse_anchors(("other. IN DS 1 13 2 " + "00" * 32, "junk line", "x. IN A 192.0.2.1"))
    assert [a.owner.to_text() for a in anchors] == ["other."]
    assert len(problems) == 2
    verdict = judge_chain(ChainData(dns.name.from_text(T), [], problem="no trust anchor covers the name"))
    assert verdict["state"] == "insecure"
    verdict = judge_chain(ChainData(dns.name.from_text(T), anchors, problem="DNSKEY .: timed out"))
    assert verdict["state"] == "error"


def test_resolved_records_collects_from_evidence():
    results = [
        *evaluate_ns(ns_evidence({"ns1.x.test": ["2001:db8::53"], "ns2.x.test": []})),
        evaluate_web_ipv6(evidence()),
    ]
    assert resolved_records(results) == {
        "A": ["192.0.2.1"],
        "AAAA": ["2001:db8::1"],
        "MX": [],
        "NS": ["ns1.x.test", "ns2.x.test"],
    }


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Example.Test.", "example.test"),
        ("https://www.example.test:8443/path", "www.example.test"),
        (" a.test ", "a.test"),
        ("blåbær.test", "xn--blbr-roah.test"),
        ("bad..name", "bad..name"),
    ],
)
def test_normalise_target(raw, name):
    assert normalise_target(raw) == name
