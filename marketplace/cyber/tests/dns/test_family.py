"""The DNS family end to end against the loopback zone server (zones.py): DNSSEC secure/insecure/bogus validated
against the test anchor, name servers, CAA, IPv6; SERVFAIL, time-out and NXDOMAIN become ERROR results."""

from __future__ import annotations

import json
import socket
import time

import dns.dnssec
import dns.rdata
import pytest

from marketplace.cyber.checks import dns as dns_family
from marketplace.cyber.checks.base import Status
from marketplace.cyber.checks.dns.chain import fetch_chain, judge_chain
from marketplace.cyber.checks.dns.resolver import make_resolver
from marketplace.cyber.checks.registry import FAMILY_MODULES, families
from marketplace.cyber.tests.dns.server import silent_port


def summary(results):
    return [(r.check_id, str(r.status), r.points) for r in results]


def test_registered():
    assert FAMILY_MODULES["dns"] == "marketplace.cyber.checks.dns"
    assert families()["dns"] is dns_family.run


def test_good_domain(zone_server):
    results = dns_family.run("good.test", zone_server.context())
    assert summary(results) == [
        ("dns.dnssec", "pass", 10),
        ("dns.caa", "pass", 10),
        ("dns.ns_count", "pass", 10),
        ("dns.ns_ipv6", "pass", 10),
        ("dns.ns_reach", "pass", 10),
        ("dns.web_ipv6", "pass", 10),
    ]
    by_id = {r.check_id: r for r in results}
    assert all(r.target == "good.test" for r in results)
    dnssec = by_id["dns.dnssec"].evidence
    assert dnssec["state"] == "secure"
    assert dnssec["anchor"] == "test."
    assert [z["zone"] for z in dnssec["zones"]] == ["test.", "good.test."]
    assert len(dnssec["zones"][1]["ds"]) == 1
    assert by_id["dns.caa"].evidence["issuers"] == ["letsencrypt.org"]
    assert by_id["dns.caa"].evidence["issuewild"] == ["buypass.com"]
    assert by_id["dns.caa"].evidence["iodef"] == ["mailto:security@good.test"]
    assert by_id["dns.ns_count"].evidence["NS"] == ["ns1.good.test", "ns2.good.test"]
    assert by_id["dns.ns_ipv6"].evidence["name_servers"] == {
        "ns1.good.test": {"A": ["127.0.0.1"], "AAAA": ["::1"]},
        "ns2.good.test": {"A": ["127.0.0.2"], "AAAA": ["::1"]},
    }
    assert dns_family.resolved_records(results) == {
        "A": ["127.0.0.1"],
        "AAAA": ["::1"],
        "MX": [],
        "NS": ["ns1.good.test", "ns2.good.test"],
    }
    assert by_id["dns.ns_reach"].evidence == {
        "zone": "good.test",
        "with_aaaa": ["ns1.good.test", "ns2.good.test"],
        "reach": {"ns1.good.test": {"::1": "answered"}, "ns2.good.test": {"::1": "answered"}},
        "answering": ["ns1.good.test", "ns2.good.test"],
        "not_answering": [],
    }
    assert by_id["dns.web_ipv6"].evidence["reach"] == {
        "ipv4": {"127.0.0.1": {str(port): "refused" for port in {zone_server.web_port}}},
        "ipv6": {"::1": {str(port): "refused" for port in {zone_server.web_port}}},
    }
    assert sum(r.points_lost for r in results) == 0
    json.dumps([r.as_dict() for r in results])  # evidence is stored as JSON


def test_bad_domain_exact_deductions(zone_server):
    results = dns_family.run("plain.test", zone_server.context())
    assert summary(results) == [
        ("dns.dnssec", "fail", 2),  # insecure: test. proves (signed NSEC) there is no DS
        ("dns.caa", "warning", 0),  # recommended: shown, not scored
        ("dns.ns_count", "fail", 0),
        ("dns.ns_ipv6", "fail", 0),
        ("dns.ns_reach", "not_tested", 0),  # no name server with AAAA: ns_ipv6 already deducts
        ("dns.web_ipv6", "fail", 0),
    ]
    assert [(r.check_id, r.points_lost) for r in results if r.points_lost] == [
        ("dns.dnssec", 8),
        ("dns.ns_count", 10),
        ("dns.ns_ipv6", 10),
        ("dns.web_ipv6", 10),
    ]
    assert results[0].evidence["state"] == "insecure"
    assert results[0].evidence["reason"] == "plain.test.: unsigned delegation (no DS)"
    assert results[2].evidence["NS"] == ["ns1.plain.test"]


def test_insecure_delegation_needs_nothing_from_the_child(zone_server):
    zone_server.zones.servfail.add(("plain.test.", "DNSKEY"))
    result = dns_family.run("plain.test", zone_server.context())[0]
    assert (result.status, result.points, result.evidence["state"]) == (Status.FAIL, 2, "insecure")
    assert ("plain.test.", "DNSKEY") not in zone_server.zones.queries


def test_corrupted_rrsig_is_bogus(zone_server):
    result = dns_family.run("bogus.test", zone_server.context())[0]
    assert (result.check_id, result.status, result.points) == ("dns.dnssec", Status.FAIL, 0)
    assert result.evidence["state"] == "bogus"
    assert result.evidence["reason"] == "bogus.test. A: signature does not verify"


def test_wrong_trust_anchor_is_bogus(zone_server):
    other = dns.rdata.from_text("IN", "DS", "12345 13 2 " + "ab" * 32)
    result = dns_family.run("good.test", zone_server.context(trust_anchors=(f"test. IN DS {other}",)))[0]
    assert result.evidence["state"] == "bogus"
    assert result.evidence["reason"] == "test.: no DNSKEY matches the trust anchor"


def test_dnskey_anchor_and_anchor_at_the_zone_itself(zone_server):
    resolver = make_resolver(zone_server.context(), dnssec=True)
    key = next(iter(fetch_chain(resolver, "good.test", zone_server.anchors).zones[1].dnskey.rrset))
    anchors = (f"good.test. 300 IN DNSKEY {key}",)
    verdict = judge_chain(fetch_chain(resolver, "good.test", anchors))
    assert verdict["state"] == "secure"
    assert [z["zone"] for z in verdict["zones"]] == ["good.test."]


def test_expired_signatures_are_bogus(zone_server):
    resolver = make_resolver(zone_server.context(), dnssec=True)
    chain = fetch_chain(resolver, "good.test", zone_server.anchors)
    assert judge_chain(chain)["state"] == "secure"
    later = judge_chain(chain, now=time.time() + 3 * 86400)
    assert later["state"] == "bogus"
    assert later["reason"] == "test. DNSKEY: signature expired"


def test_no_anchor_for_the_name_is_insecure(zone_server):
    key = dns.dnssec.make_ds(
        "elsewhere.",
        next(
            iter(
                fetch_chain(
                    make_resolver(zone_server.context(), dnssec=True), "good.test", zone_server.anchors
                )
                .zones[0]
                .dnskey.rrset
            )
        ),
        "SHA256",
    )
    result = dns_family.run("good.test", zone_server.context(trust_anchors=(f"elsewhere. IN DS {key}",)))[0]
    assert (result.status, result.points, result.evidence["state"]) == (Status.FAIL, 2, "insecure")


def test_servfail_on_dnskey_is_an_error(zone_server):
    zone_server.zones.servfail.add(("good.test.", "DNSKEY"))
    results = dns_family.run("good.test", zone_server.context())
    assert summary(results)[0] == ("dns.dnssec", "error", 0)
    assert results[0].evidence["rcode"] == "SERVFAIL"
    assert summary(results)[1:] == [
        ("dns.caa", "pass", 10),
        ("dns.ns_count", "pass", 10),
        ("dns.ns_ipv6", "pass", 10),
        ("dns.ns_reach", "pass", 10),
        ("dns.web_ipv6", "pass", 10),
    ]


def test_servfail_on_the_name_gives_errors(zone_server):
    zone_server.zones.servfail.add(("good.test.", "*"))
    results = dns_family.run("good.test", zone_server.context())
    assert [str(r.status) for r in results] == ["error"] * 6
    assert results[0].evidence["lookup"]["rcode"] == "SERVFAIL"


def test_garbage_answer_is_an_error(zone_server):
    zone_server.zones.garbage.add(("good.test.", "CAA"))
    results = dns_family.run("good.test", zone_server.context(timeout=0.5))
    assert summary(results)[1] == ("dns.caa", "error", 0)
    # dnspython drops an unparsable UDP answer and keeps listening, so garbage ends like silence
    assert results[1].evidence["lookup"]["rcode"] == "TIMEOUT"
    assert summary(results)[2:] == [
        ("dns.ns_count", "pass", 10),
        ("dns.ns_ipv6", "pass", 10),
        ("dns.ns_reach", "pass", 10),
        ("dns.web_ipv6", "pass", 10),
    ]


def test_missing_name_is_nxdomain_error(zone_server):
    results = dns_family.run("nothing.good.test", zone_server.context())
    assert [str(r.status) for r in results] == ["error"] * 6
    assert results[5].evidence["lookup"] == {"name": "nothing.good.test", "type": "A", "rcode": "NXDOMAIN"}


def test_timeout_gives_errors_quickly():
    from marketplace.cyber.checks.base import ScanContext

    with silent_port() as port:
        context = ScanContext(nameservers=("127.0.0.1",), dns_port=port, timeout=0.3, allow_private=True)
        started = time.monotonic()
        results = dns_family.run("good.test", context)
        elapsed = time.monotonic() - started
    assert [str(r.status) for r in results] == ["error"] * 6
    assert results[0].evidence["lookup"]["rcode"] == "TIMEOUT"
    assert elapsed < 2.0


def test_name_servers_silent_over_ipv6(zone_server):
    """good.test's name servers have AAAA ::1, but on that port ::1 only receives (a bound socket that never
    answers): AAAA records alone do not pass dns.ns_reach."""
    silent = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    silent.bind(("::1", 0))
    try:
        ports = {"https": zone_server.web_port, "http": zone_server.web_port, "dns": silent.getsockname()[1]}
        results = dns_family.run("good.test", zone_server.context(ports=ports, timeout=0.5))
    finally:
        silent.close()
    by_id = {r.check_id: r for r in results}
    assert summary([by_id["dns.ns_ipv6"], by_id["dns.ns_reach"]]) == [
        ("dns.ns_ipv6", "pass", 10),
        ("dns.ns_reach", "fail", 0),
    ]
    assert by_id["dns.ns_reach"].evidence["reach"] == {
        "ns1.good.test": {"::1": "timeout"},
        "ns2.good.test": {"::1": "timeout"},
    }
    assert by_id["dns.ns_reach"].points_lost == 10


def test_name_servers_over_ipv6_need_permission_for_private_addresses(zone_server):
    results = dns_family.run("good.test", zone_server.context(allow_private=False))
    reach = {r.check_id: r for r in results}["dns.ns_reach"]
    assert (reach.status, reach.points) == (Status.NOT_TESTED, 0)
    assert reach.evidence["reason"] == "ns1.good.test resolves to non-public address ::1"


@pytest.mark.parametrize("target", ["good.test", "GOOD.test.", "https://good.test/"])
def test_target_forms(zone_server, target):
    assert dns_family.run(target, zone_server.context())[0].target == "good.test"


@pytest.fixture
def web_listeners():
    """A TCP listener on 127.0.0.1 and, optionally, the same port on ::1 (loopback only)."""
    opened = []

    def start(*, ipv6: bool) -> int:
        v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        v4.bind(("127.0.0.1", 0))
        v4.listen(8)
        opened.append(v4)
        port = v4.getsockname()[1]
        if ipv6:
            v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            v6.bind(("::1", port))
            v6.listen(8)
            opened.append(v6)
        return port

    yield start
    for sock in opened:
        sock.close()


@pytest.mark.parametrize(("ipv6", "status", "points"), [(True, "pass", 10), (False, "fail", 5)])
def test_web_ipv6_reachability_over_loopback(zone_server, web_listeners, ipv6, status, points):
    """good.test has A 127.0.0.1 and AAAA ::1: the web port must answer over IPv6 as it does over IPv4."""
    port = web_listeners(ipv6=ipv6)
    results = dns_family.run("good.test", zone_server.context(ports={"https": port, "http": port}))
    web = {r.check_id: r for r in results}["dns.web_ipv6"]
    assert (str(web.status), web.points) == (status, points)
    assert web.evidence["reach"]["ipv4"] == {"127.0.0.1": {str(port): "open"}}
    assert web.evidence["reach"]["ipv6"] == {"::1": {str(port): "open" if ipv6 else "refused"}}
    assert web.evidence.get("unreachable") == (None if ipv6 else [f"[::1]:{port}"])
