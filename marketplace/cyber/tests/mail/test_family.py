"""The mail family end to end on loopback: zones from tests/dns/zones.py, aiosmtpd with and without STARTTLS, an
HTTPS server for MTA-STS. Exact statuses and points; network trouble becomes ERROR, never an exception."""

from __future__ import annotations

import json
import time

from marketplace.cyber.checks import mail as mail_family
from marketplace.cyber.checks.base import Status
from marketplace.cyber.checks.dns import resolved_records
from marketplace.cyber.checks.registry import FAMILY_MODULES, families


def summary(results):
    return [(r.check_id, str(r.status), r.points) for r in results]


def context_for(zone_server, servers, *, smtp: int | None = None, **overrides):
    values = {
        "ports": {"smtp": smtp or servers.starttls_port, "https": servers.https_port},
        "ca_file": servers.ca_file,
    }
    values.update(overrides)
    return zone_server.context(**values)


def by_id(results):
    return {r.check_id: r for r in results}


def test_registered():
    assert FAMILY_MODULES["mail"] == "marketplace.cyber.checks.mail"
    assert families()["mail"] is mail_family.run


def test_good_domain(zone_server, servers):
    everything = mail_family.run("good.test", context_for(zone_server, servers))
    results = [r for r in everything if not r.check_id.startswith("mail.starttls_tls.")]
    graded = by_id(r for r in everything if r.check_id.startswith("mail.starttls_tls."))
    # the TLS family graded the MX's STARTTLS endpoint, filed under this domain in the EMAIL category
    assert {r.target for r in graded.values()} == {"good.test"}
    assert {str(r.category) for r in graded.values()} == {"email", "disclosure"}  # expiry is disclosure
    assert str(graded["mail.starttls_tls.certificate_expiry"].category) == "disclosure"
    assert graded["mail.starttls_tls.protocols"].evidence["mx"] == "mx1.good.test"
    assert graded["mail.starttls_tls.protocols"].evidence["port"] == servers.starttls_port
    assert (graded["mail.starttls_tls.protocols"].status, graded["mail.starttls_tls.protocols"].points) == (
        Status.PASS,
        10,
    )
    assert summary(results) == [
        ("mail.mx", "pass", 10),
        ("mail.spf", "pass", 10),
        ("mail.dmarc", "pass", 10),
        ("mail.dkim", "pass", 10),
        ("mail.mta_sts", "pass", 10),
        ("mail.tls_rpt", "pass", 10),
        ("mail.starttls", "pass", 10),
    ]
    found = by_id(results)
    assert found["mail.mx"].evidence["MX"] == ["mx1.good.test"]
    assert found["mail.spf"].evidence["lookups"] == 2  # include:_spf + its a:
    assert found["mail.spf"].evidence["includes"] == ["_spf.good.test"]
    assert found["mail.dmarc"].evidence["policy"] == "reject"
    assert found["mail.dkim"].evidence["rcode"] == "NOERROR"  # _domainkey exists as an empty non-terminal
    assert found["mail.mta_sts"].evidence["mode"] == "enforce"
    assert found["mail.mta_sts"].evidence["policy_mx"] == ["mx1.good.test"]
    assert found["mail.tls_rpt"].evidence["rua"] == ["mailto:tls@good.test"]
    [endpoint] = found["mail.starttls"].evidence["endpoints"]
    assert endpoint["mx"] == "mx1.good.test"
    assert endpoint["address"] == "127.0.0.1"
    assert endpoint["starttls"] is True
    assert endpoint["tls_version"] == "TLSv1.3"
    assert endpoint["cipher"].startswith("TLS_")
    assert mail_family.mx_endpoints(results) == [("mx1.good.test", servers.starttls_port)]
    assert resolved_records(results)["MX"] == ["mx1.good.test"]
    assert found["mail.starttls"].evidence["dane_tlsa"] == {
        "mx1.good.test": {
            "rcode": "NOERROR",
            "records": ["3 1 1 8bd1da95272f7fa4ffb24137fc0ed03aae67e5c4d8b3c50734e1050a7920b922"],
        }
    }
    assert sum(r.points_lost for r in results) == 0
    json.dumps([r.as_dict() for r in results])  # evidence is stored as JSON


def test_bad_domain_exact_deductions(zone_server, servers):
    results = mail_family.run("plain.test", context_for(zone_server, servers, smtp=servers.plain_port))
    assert summary(results) == [
        ("mail.mx", "pass", 10),
        ("mail.spf", "fail", 0),
        ("mail.dmarc", "warning", 2),
        ("mail.dkim", "fail", 0),
        ("mail.mta_sts", "warning", 0),
        ("mail.tls_rpt", "warning", 0),
        ("mail.starttls", "fail", 0),
    ]
    assert [(r.check_id, r.points_lost) for r in results if r.points_lost] == [
        ("mail.spf", 10),
        ("mail.dmarc", 8),
        ("mail.dkim", 10),
        ("mail.starttls", 10),
    ]
    found = by_id(results)
    assert found["mail.spf"].evidence["error"] == "missing"
    assert found["mail.dmarc"].evidence["policy"] == "none"
    assert found["mail.dkim"].evidence["rcode"] == "NXDOMAIN"
    [endpoint] = found["mail.starttls"].evidence["endpoints"]
    assert (endpoint["connected"], endpoint["starttls"], endpoint["error"]) == (
        True,
        False,
        "STARTTLS not offered",
    )
    assert mail_family.mx_endpoints(results) == []


def test_good_scores_clearly_higher_than_bad(zone_server, servers):
    good = mail_family.run("good.test", context_for(zone_server, servers))
    bad = mail_family.run("plain.test", context_for(zone_server, servers, smtp=servers.plain_port))

    def percentage(results):
        counting = [r for r in results if r.counts]
        return int(100 * sum(r.points for r in counting) / sum(r.max_points for r in counting))

    assert (percentage(good), percentage(bad)) == (100, 24)  # bad: (10 + 0 + 2 + 0 + 0) / 50


def test_null_mx_domain(zone_server, servers):
    results = mail_family.run("nullmx.test", context_for(zone_server, servers))
    assert summary(results) == [
        ("mail.mx", "pass", 10),
        ("mail.spf", "pass", 10),
        ("mail.dmarc", "pass", 10),
        ("mail.dkim", "not_tested", 0),
        ("mail.mta_sts", "not_tested", 0),
        ("mail.tls_rpt", "not_tested", 0),
        ("mail.starttls", "not_tested", 0),
    ]
    assert by_id(results)["mail.mx"].evidence["null_mx"] is True


def test_spf_with_too_many_lookups_and_two_dmarc_records(zone_server, servers):
    found = by_id(mail_family.run("lookups.test", context_for(zone_server, servers)))
    spf = found["mail.spf"]
    assert (spf.status, spf.points) == (Status.FAIL, 0)
    assert spf.evidence["error"] == "too_many_lookups"
    assert spf.evidence["lookups"] == 11
    assert spf.evidence["detail"] == "more than 10 DNS lookups (at c.lookups.test: a)"
    dmarc = found["mail.dmarc"]
    assert (dmarc.status, dmarc.points, dmarc.evidence["error"]) == (Status.FAIL, 0, "multiple")


def test_spf_with_three_void_lookups(zone_server, servers):
    """a:gone1 (NXDOMAIN), mx:b (a name without MX) and exists:gone2 (NXDOMAIN) are three void lookups; a:mx1
    answers and is not void (RFC 7208 §4.6.4: more than two is a permerror)."""
    spf = by_id(mail_family.run("void.lookups.test", context_for(zone_server, servers)))["mail.spf"]
    assert (spf.status, spf.points, spf.evidence["error"]) == (Status.FAIL, 0, "too_many_void_lookups")
    assert (spf.evidence["lookups"], spf.evidence["void_lookups"]) == (4, 3)
    assert spf.evidence["detail"] == (
        "more than 2 void DNS lookups (at void.lookups.test: exists:gone2.lookups.test)"
    )


def test_spf_include_loop(zone_server, servers):
    spf = by_id(mail_family.run("loop.lookups.test", context_for(zone_server, servers)))["mail.spf"]
    assert (spf.status, spf.points, spf.evidence["error"]) == (Status.FAIL, 0, "loop")
    assert spf.evidence["detail"] == (
        "include loop: loop.lookups.test → loop2.lookups.test → loop.lookups.test"
    )


def test_garbage_txt_and_bad_dmarc(zone_server, servers):
    found = by_id(mail_family.run("garbage.lookups.test", context_for(zone_server, servers)))
    assert (found["mail.spf"].status, found["mail.spf"].evidence["error"]) == (Status.FAIL, "syntax")
    assert found["mail.spf"].evidence["detail"] == "garbage.lookups.test: bad ip4 '300.1.1.1'"
    assert (found["mail.dmarc"].status, found["mail.dmarc"].evidence["error"]) == (Status.FAIL, "syntax")


def test_servfail_on_dmarc_is_an_error(zone_server, servers):
    zone_server.zones.servfail.add(("_dmarc.good.test.", "TXT"))
    found = by_id(mail_family.run("good.test", context_for(zone_server, servers)))
    assert (found["mail.dmarc"].status, found["mail.dmarc"].points) == (Status.ERROR, 0)
    assert found["mail.dmarc"].evidence["rcode"] == "SERVFAIL"
    assert found["mail.spf"].status == Status.PASS


def test_timeout_on_spf_is_an_error(zone_server, servers):
    zone_server.zones.silent.add(("good.test.", "TXT"))
    found = by_id(mail_family.run("good.test", context_for(zone_server, servers, timeout=0.3)))
    assert (found["mail.spf"].status, found["mail.spf"].evidence["error"]) == (Status.ERROR, "temperror")
    assert found["mail.spf"].evidence["detail"].startswith("good.test: TIMEOUT")


def test_missing_domain(zone_server, servers):
    results = mail_family.run("absent.test", context_for(zone_server, servers))
    assert [str(r.status) for r in results] == ["error"] * 7
    assert results[0].evidence["lookup"] == {"name": "absent.test", "type": "MX", "rcode": "NXDOMAIN"}


def test_dns_timeout_on_mx_gives_errors_without_waiting_for_every_query(servers):
    from marketplace.cyber.checks.base import ScanContext
    from marketplace.cyber.tests.dns.server import silent_port

    with silent_port() as port:
        context = ScanContext(nameservers=("127.0.0.1",), dns_port=port, timeout=0.3, allow_private=True)
        started = time.monotonic()
        results = mail_family.run("good.test", context)
        elapsed = time.monotonic() - started
    assert [str(r.status) for r in results] == ["error"] * 7
    assert results[0].evidence["lookup"]["rcode"] == "TIMEOUT"
    assert elapsed < 1.5


def test_smtp_server_that_never_greets_is_an_error(zone_server, servers):
    context = context_for(zone_server, servers, smtp=servers.silent_port, timeout=0.5)
    starttls = by_id(mail_family.run("good.test", context))["mail.starttls"]
    assert (starttls.status, starttls.points) == (Status.ERROR, 0)
    [endpoint] = starttls.evidence["endpoints"]
    assert endpoint["connected"] is False
    assert "timed out" in endpoint["error"]


def test_private_mx_address_is_refused_by_the_guard(zone_server, servers):
    context = context_for(zone_server, servers, allow_private=False)
    found = by_id(mail_family.run("good.test", context))
    starttls = found["mail.starttls"]
    assert starttls.status == Status.ERROR
    assert (
        starttls.evidence["endpoints"][0]["error"] == "mx1.good.test resolves to non-public address 127.0.0.1"
    )
    assert found["mail.mta_sts"].evidence["problem"] == (
        "policy: mta-sts.good.test resolves to non-public address 127.0.0.1"
    )


def test_mta_sts_policy_problems(zone_server, servers):
    context = context_for(zone_server, servers)
    servers.policies["mta-sts.good.test"] = (200, GOOD_POLICY_TESTING)
    mta_sts = by_id(mail_family.run("good.test", context))["mail.mta_sts"]
    assert (mta_sts.status, mta_sts.points, mta_sts.evidence["mode"]) == (Status.WARNING, 5, "testing")

    servers.policies["mta-sts.good.test"] = (200, GOOD_POLICY_OTHER_MX)
    mta_sts = by_id(mail_family.run("good.test", context))["mail.mta_sts"]
    assert (mta_sts.status, mta_sts.evidence["uncovered_mx"]) == (Status.WARNING, ["mx1.good.test"])

    servers.policies["mta-sts.good.test"] = (404, "gone")
    mta_sts = by_id(mail_family.run("good.test", context))["mail.mta_sts"]
    assert (mta_sts.status, mta_sts.evidence["problem"]) == (Status.WARNING, "policy: HTTP 404")


def test_mta_sts_untrusted_certificate(zone_server, servers):
    context = context_for(zone_server, servers, ca_file=None)
    mta_sts = by_id(mail_family.run("good.test", context))["mail.mta_sts"]
    assert mta_sts.status == Status.WARNING
    assert "CERTIFICATE_VERIFY_FAILED" in mta_sts.evidence["problem"]


GOOD_POLICY_TESTING = "version: STSv1\nmode: testing\nmx: *.good.test\nmax_age: 86400\n"
GOOD_POLICY_OTHER_MX = "version: STSv1\nmode: enforce\nmx: mx.elsewhere.test\nmax_age: 86400\n"
