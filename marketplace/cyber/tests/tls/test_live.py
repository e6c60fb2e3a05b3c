"""The TLS family against real TLS servers on loopback (Python `ssl` in a thread, certificates from tests/pki.py)
scanned by sslyze. Nine scans in all (about half a second each on an idle machine); never a non-loopback address."""

from __future__ import annotations

import ssl

import pytest

from marketplace.cyber.checks import registry
from marketplace.cyber.checks.base import Category, Level, ScanContext, Status
from marketplace.cyber.checks.tls import run_endpoint
from marketplace.cyber.checks.tls.evaluate import MAIL_CHECKS, WEB_CHECKS
from marketplace.cyber.tests.pki import TestCA
from marketplace.cyber.tests.tls.servers import closed_port, serve, tls_context

HOST = "www.example.test"


class _Sink:
    """An aiosmtpd handler with no hooks: the scanner never sends mail, it only asks for STARTTLS."""


MODERN = "ECDHE+AESGCM:ECDHE+CHACHA20"


@pytest.fixture(scope="module")
def ca(tmp_path_factory) -> TestCA:
    return TestCA(tmp_path_factory.mktemp("pki"))


def context_for(ca: TestCA, **overrides) -> ScanContext:
    values = {
        "address_overrides": {HOST: "127.0.0.1", "mx.example.test": "127.0.0.1"},
        "allow_private": True,
        "ca_file": str(ca.ca_path),
        "timeout": 3,
    }
    values.update(overrides)
    return ScanContext(**values)


def scan(ca: TestCA, issued, host: str = HOST, **tls) -> dict:
    with serve(tls_context(issued.cert_path, issued.key_path, **tls)) as server:
        results = run_endpoint(host, server.port, context_for(ca))
    return {r.check_id: r for r in results}


def outcomes(results: dict) -> dict:
    return {check_id: (r.status, r.points) for check_id, r in results.items()}


@pytest.fixture(scope="module")
def good_results(ca) -> dict:
    """TLS 1.2 + 1.3, ECDHE with AES-GCM/ChaCha20, EC P-256 leaf from the test CA; scanned through the registry."""
    issued = ca.issue(HOST, key="ec", label="good")
    with serve(tls_context(issued.cert_path, issued.key_path, ciphers=MODERN)) as server:
        run = registry.families()["tls"]
        results = run(HOST, context_for(ca, ports={"https": server.port}))
    return {r.check_id: r for r in results}


@pytest.fixture(scope="module")
def tls10_results(ca) -> dict:
    """The same certificate with TLS 1.0 and 1.1 switched on (and the CBC suites they need)."""
    issued = ca.issue(HOST, key="ec", label="tls10")
    return scan(
        ca,
        issued,
        minimum=ssl.TLSVersion.TLSv1,
        ciphers="ECDHE+AESGCM:ECDHE+CHACHA20:ECDHE+AES:!AESCCM:@SECLEVEL=0",
    )


def test_good_server_grades_a(good_results):
    assert list(good_results) == [f"tls.{name}" for name in WEB_CHECKS]
    grade = good_results["tls.grade"]
    assert (grade.status, grade.level) == (Status.INFO, Level.INFORMATIONAL)
    assert grade.evidence == {
        "grade": "A",
        "score": 93,
        "protocol_score": 100,
        "key_exchange_score": 90,
        "cipher_score": 90,
        "score_grade": "A",
        "caps": [],
        "grade_if_trust_ignored": "A",
        "address": "127.0.0.1",
    }
    assert outcomes(good_results) == {
        **{f"tls.{name}": (Status.PASS, 10) for name in WEB_CHECKS},
        "tls.ocsp_stapling": (Status.WARNING, 0),  # nothing to staple from a test CA
        "tls.grade": (Status.INFO, 10),
    }
    assert good_results["tls.protocols"].evidence["versions"] == {"TLSv1.2": "sufficient", "TLSv1.3": "good"}
    assert good_results["tls.certificate_trust"].evidence["trusted_by"] == ["Supplied CA file"]
    assert good_results["tls.certificate_key"].evidence["certificates"] == [
        {"subject": f"CN={HOST}", "key": "EC-256 (secp256r1)", "level": "good"}
    ]
    assert 88 <= good_results["tls.certificate_expiry"].evidence["days_left"] <= 90


def test_tls10_enabled_server_is_capped_at_b_and_scores_less(good_results, tls10_results):
    grade = tls10_results["tls.grade"].evidence
    assert (grade["grade"], grade["score_grade"], grade["caps"]) == (
        "B",
        "A",
        [{"cap": "tls10_or_tls11", "grade": "B"}],
    )
    assert (grade["protocol_score"], grade["key_exchange_score"], grade["cipher_score"], grade["score"]) == (
        95,
        90,
        90,
        92,  # 0.3*95 + 0.3*90 + 0.4*90 = 91.5, rounded half up
    )
    assert grade["score"] < good_results["tls.grade"].evidence["score"]
    protocols = tls10_results["tls.protocols"]
    assert (protocols.status, protocols.points) == (Status.FAIL, 0)
    assert protocols.evidence["versions"] == {
        "TLSv1.0": "insufficient",
        "TLSv1.1": "insufficient",
        "TLSv1.2": "sufficient",
        "TLSv1.3": "good",
    }
    ciphers = tls10_results["tls.ciphers"]
    assert (ciphers.status, ciphers.points) == (Status.FAIL, 0)
    assert "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" in ciphers.evidence["suites"]["insufficient"]


def test_expired_certificate_grades_t(ca):
    results = scan(ca, ca.issue(HOST, key="ec", days=-2, label="expired"), ciphers=MODERN)
    expiry = results["tls.certificate_expiry"]
    assert (expiry.status, expiry.points, expiry.category) == (Status.FAIL, 0, Category.DISCLOSURE)
    assert (expiry.evidence["days_left"], expiry.evidence["expired"]) == (-2, True)
    trust = results["tls.certificate_trust"]
    assert (trust.status, trust.points, trust.evidence["trusted"]) == (Status.FAIL, 0, False)
    assert any(error.startswith("Supplied CA file:") for error in trust.evidence["errors"])
    grade = results["tls.grade"].evidence
    assert (grade["grade"], grade["grade_if_trust_ignored"], grade["score"]) == ("T", "A", 93)
    assert outcomes(results)["tls.certificate_name"] == (Status.PASS, 10)


def test_wrong_host_grades_m(ca):
    results = scan(ca, ca.issue("other.example.test", key="ec", label="wronghost"), ciphers=MODERN)
    name = results["tls.certificate_name"]
    assert (name.status, name.points, name.evidence["names"]) == (Status.FAIL, 0, ["other.example.test"])
    assert outcomes(results)["tls.certificate_trust"] == (Status.PASS, 10)  # the chain itself is fine
    assert (
        results["tls.grade"].evidence["grade"],
        results["tls.grade"].evidence["grade_if_trust_ignored"],
    ) == (
        "M",
        "A",
    )


def test_rsa_1024_key_fails_and_caps_at_b(ca):
    results = scan(ca, ca.issue(HOST, bits=1024, label="rsa1024"), ciphers="ECDHE+AESGCM:@SECLEVEL=0")
    key = results["tls.certificate_key"]
    assert (key.status, key.points) == (Status.FAIL, 0)
    assert key.evidence["certificates"] == [
        {"subject": f"CN={HOST}", "key": "RSA-1024", "level": "insufficient"}
    ]
    grade = results["tls.grade"].evidence
    assert (grade["key_exchange_score"], grade["score"], grade["grade"]) == (80, 90, "B")
    assert grade["caps"] == [{"cap": "rsa_key_below_2048", "grade": "B"}]


def test_self_signed_certificate_is_untrusted(ca):
    results = scan(ca, ca.issue(HOST, key="ec", self_signed=True, label="selfsigned"), ciphers=MODERN)
    trust = results["tls.certificate_trust"]
    assert (trust.status, trust.points) == (Status.FAIL, 0)
    assert results["tls.grade"].evidence["grade"] == "T"
    assert outcomes(results)["tls.certificate_name"] == (Status.PASS, 10)


def test_closed_port_and_non_tls_server_are_errors(ca):
    refused = run_endpoint(HOST, closed_port(), context_for(ca))
    assert [r.check_id for r in refused] == [f"tls.{name}" for name in WEB_CHECKS]
    assert {(r.status, r.points, r.evidence["error"]) for r in refused} == {(Status.NOT_TESTED, 0, "refused")}
    with serve(None) as plain:
        not_tls = run_endpoint(HOST, plain.port, context_for(ca))
    assert {(r.status, r.points, r.evidence["error"]) for r in not_tls} == {(Status.ERROR, 0, "not_tls")}
    assert plain.connections >= 1


def test_private_address_is_refused_without_connecting(ca):
    issued = ca.issue(HOST, key="ec", label="guarded")
    with serve(tls_context(issued.cert_path, issued.key_path)) as server:
        results = run_endpoint(HOST, server.port, context_for(ca, allow_private=False))
        assert server.connections == 0
    assert len(results) == len(WEB_CHECKS)
    assert {(r.status, r.evidence["error"]) for r in results} == {(Status.ERROR, "target_refused")}
    assert "127.0.0.1" in results[0].evidence["detail"]


def test_unresolvable_name_is_an_error(ca):
    results = run_endpoint("nowhere.invalid", 443, context_for(ca, address_overrides={}))
    assert {(r.status, r.evidence["error"]) for r in results} == {(Status.ERROR, "resolve")}


def test_smtp_starttls(ca):
    from aiosmtpd.controller import Controller

    issued = ca.issue("mx.example.test", key="ec", label="mx")
    port = closed_port()
    controller = Controller(
        _Sink(),
        hostname="127.0.0.1",
        port=port,
        tls_context=tls_context(issued.cert_path, issued.key_path, ciphers=MODERN),
        require_starttls=False,
        server_hostname="mx.example.test",
    )
    controller.start()
    try:
        results = run_endpoint(
            "mx.example.test",
            port,
            context_for(ca),
            starttls="smtp",
            check_prefix="mail.starttls_tls",
            category=Category.EMAIL,
        )
    finally:
        controller.stop()
    by_id = {r.check_id: r for r in results}
    assert list(by_id) == [f"mail.starttls_tls.{name}" for name in MAIL_CHECKS]
    assert outcomes(by_id) == {
        **{f"mail.starttls_tls.{name}": (Status.PASS, 10) for name in MAIL_CHECKS},
        "mail.starttls_tls.grade": (Status.INFO, 10),
    }
    assert {r.category for r in results} == {Category.EMAIL, Category.DISCLOSURE}
    assert by_id["mail.starttls_tls.certificate_trust"].level == Level.INFORMATIONAL
    assert by_id["mail.starttls_tls.grade"].evidence["grade"] == "A"
    assert {r.target for r in results} == {f"mx.example.test:{port}"}


def test_smtp_without_starttls_is_an_error(ca):
    from aiosmtpd.controller import Controller

    port = closed_port()
    controller = Controller(_Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        results = run_endpoint(
            "mx.example.test", port, context_for(ca), starttls="smtp", check_prefix="mail.starttls_tls"
        )
    finally:
        controller.stop()
    assert {(r.status, r.evidence["error"]) for r in results} == {(Status.ERROR, "starttls_failed")}


def test_unknown_starttls_protocol_is_a_programming_error(ca):
    with pytest.raises(ValueError, match="unsupported STARTTLS protocol 'imap'"):
        run_endpoint("mx.example.test", 143, context_for(ca), starttls="imap")


@pytest.mark.parametrize(
    ("minimum", "ciphers"),
    [
        (ssl.TLSVersion.TLSv1_2, "ECDHE+AESGCM:ECDHE+CHACHA20"),
        (ssl.TLSVersion.TLSv1, "ECDHE+AESGCM:ECDHE+AES:!AESCCM:@SECLEVEL=0"),
        (ssl.TLSVersion.TLSv1_2, "ECDHE+AESGCM:DHE+AESGCM:AES256-SHA:@SECLEVEL=0"),
    ],
)
def test_elimination_finds_what_sslyze_finds(ca, minimum, ciphers):
    """Suites settled by elimination (a few handshakes) equal sslyze's one-handshake-per-suite scan of the same
    server, version by version, including the ephemeral key sizes."""
    from sslyze import Scanner

    from marketplace.cyber.checks.tls.convert import PROTOCOL_COMMANDS, accepted_suite
    from marketplace.cyber.checks.tls.retrieve import _request, settle_protocols

    issued = ca.issue(HOST, key="ec", label=f"elim-{minimum.name}-{len(ciphers)}")
    context = context_for(ca)
    with serve(tls_context(issued.cert_path, issued.key_path, minimum=minimum, ciphers=ciphers)) as server:
        request = _request(HOST, server.port, "127.0.0.1", context, starttls=None)
        settled = settle_protocols(request).protocols
        scanner = Scanner()
        scanner.queue_scans([request])
        [result] = list(scanner.get_results())
    assert sorted(settled) == ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2"]
    attempts = result.scan_result
    for version in settled:
        full = getattr(attempts, PROTOCOL_COMMANDS[version].value).result
        assert settled[version] == tuple(accepted_suite(a) for a in full.accepted_cipher_suites), version
    assert settled["TLSv1.2"]  # the server does accept some
    assert bool(settled["TLSv1.0"]) is (minimum == ssl.TLSVersion.TLSv1)


def test_settling_stops_at_connection_trouble(ca):
    from marketplace.cyber.checks.tls.retrieve import _request, settle_protocols

    request = _request(HOST, closed_port(), "127.0.0.1", context_for(ca), starttls=None)
    assert (
        settle_protocols(request).protocols == {}
    )  # sslyze's own connectivity check then reports the refused port


@pytest.mark.parametrize(
    ("server_order", "status", "choice"),
    [
        (True, Status.PASS, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
        (False, Status.FAIL, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
    ],
)
def test_cipher_order_live(ca, server_order, status, choice):
    """TLS 1.2 with AES-GCM (sufficient) and AES-CBC-SHA (weak): offered the weak suites first, a server that
    enforces its own order still picks GCM; one that follows the client does not."""
    issued = ca.issue(HOST, key="ec", label=f"order-{server_order}")
    context = tls_context(
        issued.cert_path, issued.key_path, ciphers="ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA"
    )
    if not server_order:
        context.options &= ~ssl.OP_CIPHER_SERVER_PREFERENCE
    with serve(context) as server:
        results = {r.check_id: r for r in run_endpoint(HOST, server.port, context_for(ca))}
    order = results["tls.cipher_order"]
    assert (order.status, order.points) == (status, 10 if status == Status.PASS else 0)
    assert order.evidence["versions"]["TLSv1.2"] == {
        "first_choice": choice,
        "level": "sufficient" if server_order else "insufficient",
    }
