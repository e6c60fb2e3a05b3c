"""evaluate.py on hand-built TlsEvidence: one test per rule branch, exact statuses, points and evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from marketplace.cyber.checks.base import Category, Level, Status
from marketplace.cyber.checks.tls import evaluate as ev
from marketplace.cyber.checks.tls.evidence import ERROR_REFUSED, AcceptedSuite
from marketplace.cyber.tests.tls.factories import (
    CA_ROOT,
    DHE_1024,
    DHE_3072,
    NOW,
    STATIC_RSA,
    TLS10_CBC,
    TLS12,
    TLS13,
    good,
    leaf,
    with_protocols,
)


def by_id(results):
    return {r.check_id: r for r in results}


def outcome(result):
    return (result.status, result.points)


def test_good_endpoint_passes_every_check():
    results = ev.evaluate(good())
    assert [r.check_id for r in results] == [f"tls.{name}" for name in ev.WEB_CHECKS]
    assert {r.check_id: outcome(r) for r in results} == {
        **{f"tls.{name}": (Status.PASS, 10) for name in ev.WEB_CHECKS},
        "tls.certificate_key": (Status.PASS, 10),
        "tls.grade": (Status.INFO, 10),
    }
    assert {r.target for r in results} == {"www.example.test:443"}
    assert all(r.evidence["address"] == "192.0.2.10" for r in results)


def test_categories_and_levels():
    results = by_id(ev.evaluate(good()))
    assert results["tls.certificate_expiry"].category == Category.DISCLOSURE
    assert {r.category for k, r in results.items() if k != "tls.certificate_expiry"} == {
        Category.WEB_TRANSPORT
    }
    assert results["tls.ocsp_stapling"].level == Level.RECOMMENDED
    assert results["tls.grade"].level == Level.INFORMATIONAL
    assert results["tls.grade"].counts is False
    assert results["tls.protocols"].level == Level.REQUIRED


def test_mail_prefix_category_and_levels():
    results = by_id(
        ev.evaluate(good(starttls="smtp", port=25), check_prefix="mail.starttls_tls", category=Category.EMAIL)
    )
    assert list(results) == [f"mail.starttls_tls.{name}" for name in ev.MAIL_CHECKS]
    assert "mail.starttls_tls.zero_rtt" not in results
    assert "mail.starttls_tls.ocsp_stapling" not in results
    assert results["mail.starttls_tls.ciphers"].category == Category.EMAIL
    assert results["mail.starttls_tls.certificate_expiry"].category == Category.DISCLOSURE
    assert results["mail.starttls_tls.certificate_trust"].level == Level.INFORMATIONAL
    assert results["mail.starttls_tls.certificate_name"].level == Level.INFORMATIONAL
    assert results["mail.starttls_tls.certificate_key"].level == Level.REQUIRED


def test_protocols_insufficient_version_fails():
    status, points, evidence = ev.check_protocols(with_protocols(good(), TLSv1_0=TLS10_CBC))
    assert (status, points) == (Status.FAIL, 0)
    assert evidence == {
        "versions": {"TLSv1.0": "insufficient", "TLSv1.2": "sufficient", "TLSv1.3": "good"},
        "fallback_scsv": True,
    }


def test_protocols_tls12_only_passes():
    status, points, evidence = ev.check_protocols(with_protocols(good(), TLSv1_3=()))
    assert (status, points, evidence["versions"]) == (Status.PASS, 10, {"TLSv1.2": "sufficient"})


def test_protocols_names_versions_not_measured():
    protocols = dict(good().protocols)
    del protocols["SSLv2"]
    status, points, evidence = ev.check_protocols(replace(good(), protocols=protocols))
    assert (status, points, evidence["not_measured"]) == (Status.PASS, 10, ["SSLv2"])


def test_protocols_error_when_nothing_measured():
    assert ev.check_protocols(replace(good(), protocols={}))[:2] == (Status.ERROR, 0)


def test_ciphers_grouped_by_level():
    evidence = with_protocols(good(), TLSv1_2=(*TLS12, DHE_3072))
    status, points, data = ev.check_ciphers(evidence)
    assert (status, points) == (Status.WARNING, 10)
    assert data["suites"] == {
        "sufficient": [
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_AES_128_GCM_SHA256",
        ],
        "phase-out": ["TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"],
        "good": ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"],
    }


def test_ciphers_insufficient_suite_fails():
    status, points, data = ev.check_ciphers(with_protocols(good(), TLSv1_2=(*TLS12, STATIC_RSA)))
    assert (status, points) == (Status.FAIL, 0)
    assert data["suites"]["insufficient"] == ["TLS_RSA_WITH_AES_128_GCM_SHA256"]


@pytest.mark.parametrize(
    ("extra", "status", "points", "groups"),
    [
        ((), Status.PASS, 10, {"good": ["secp256r1", "X25519"]}),
        ((DHE_3072,), Status.WARNING, 10, {"good": ["secp256r1", "X25519"], "phase-out": ["ffdhe3072"]}),
        ((DHE_1024,), Status.FAIL, 0, {"good": ["secp256r1", "X25519"], "insufficient": ["custom DH-1024"]}),
        (
            (
                AcceptedSuite(
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 128, kex="ECDH", kex_bits=224, curve="secp224r1"
                ),
            ),
            Status.WARNING,
            10,
            {"good": ["secp256r1", "X25519"], "phase-out": ["secp224r1"]},
        ),
    ],
)
def test_key_exchange_groups(extra, status, points, groups):
    result = ev.check_key_exchange(with_protocols(good(), TLSv1_2=(*TLS12, *extra)))
    assert result == (status, points, {"groups": groups, "forward_secrecy": True})


def test_key_exchange_without_forward_secrecy_fails():
    evidence = replace(good(), protocols={"TLSv1.2": (STATIC_RSA,)})
    assert ev.check_key_exchange(evidence) == (Status.FAIL, 0, {"groups": {}, "forward_secrecy": False})


@pytest.mark.parametrize(
    ("curves", "supports", "status", "points"),
    [
        (("X25519", "secp384r1"), True, Status.PASS, 10),
        (("X25519", "secp224r1"), True, Status.WARNING, 10),
        (("X25519", "sect163k1"), True, Status.FAIL, 0),
        ((), False, Status.NOT_TESTED, 0),
        (None, None, Status.ERROR, 0),
    ],
)
def test_curves(curves, supports, status, points):
    assert ev.check_curves(good(curves=curves, supports_ecdh=supports))[:2] == (status, points)


@pytest.mark.parametrize(
    ("value", "status", "points"), [(False, Status.PASS, 10), (True, Status.FAIL, 0), (None, Status.ERROR, 0)]
)
def test_compression(value, status, points):
    assert ev.check_compression(good(compression=value))[:2] == (status, points)


@pytest.mark.parametrize(
    ("secure", "dos", "status", "points"),
    [
        (True, False, Status.PASS, 10),
        (True, True, Status.WARNING, 10),
        (False, False, Status.FAIL, 0),
        (None, None, Status.ERROR, 0),
    ],
)
def test_renegotiation(secure, dos, status, points):
    evidence = good(secure_renegotiation=secure, client_renegotiation_dos=dos)
    assert ev.check_renegotiation(evidence)[:2] == (status, points)


def test_tls13_only_has_no_renegotiation_or_ems_to_judge():
    tls13_only = replace(
        good(secure_renegotiation=None, extended_master_secret=False), protocols={"TLSv1.3": TLS13}
    )
    assert ev.check_renegotiation(tls13_only) == (Status.PASS, 10, {"applicable": False})
    assert ev.check_extended_master_secret(tls13_only) == (Status.PASS, 10, {"applicable": False})


@pytest.mark.parametrize(
    ("value", "status", "points"), [(True, Status.PASS, 10), (False, Status.FAIL, 0), (None, Status.ERROR, 0)]
)
def test_extended_master_secret(value, status, points):
    assert ev.check_extended_master_secret(good(extended_master_secret=value))[:2] == (status, points)


def test_zero_rtt():
    assert ev.check_zero_rtt(good(early_data=True)) == (Status.FAIL, 0, {"early_data": True})
    assert ev.check_zero_rtt(good(early_data=False))[:2] == (Status.PASS, 10)
    assert ev.check_zero_rtt(good(early_data=None))[:2] == (Status.ERROR, 0)
    no_tls13 = with_protocols(good(early_data=None), TLSv1_3=())
    assert ev.check_zero_rtt(no_tls13) == (Status.PASS, 10, {"applicable": False})


def test_certificate_trust():
    assert ev.check_certificate_trust(good()) == (
        Status.PASS,
        10,
        {"trusted": True, "trusted_by": ["Mozilla"]},
    )
    untrusted = good(trusted=False, trusted_by=(), trust_errors=("Mozilla: validation failed",))
    assert ev.check_certificate_trust(untrusted) == (
        Status.FAIL,
        0,
        {"trusted": False, "errors": ["Mozilla: validation failed"]},
    )
    assert ev.check_certificate_trust(good(trusted=None))[:2] == (Status.ERROR, 0)


@pytest.mark.parametrize(
    ("host", "names", "matches"),
    [
        ("www.example.test", ("www.example.test",), True),
        ("WWW.Example.TEST.", ("www.example.test",), True),
        ("shop.example.test", ("www.example.test",), False),
        ("shop.example.test", ("*.example.test",), True),
        ("example.test", ("*.example.test",), False),
        ("a.b.example.test", ("*.example.test",), False),
        ("www.test", ("*.test",), False),  # a wildcard never covers a whole public suffix label
    ],
)
def test_certificate_name(host, names, matches):
    status, points, data = ev.check_certificate_name(good(host=host, certificates=(leaf(san_dns=names),)))
    assert (status, points) == ((Status.PASS, 10) if matches else (Status.FAIL, 0))
    assert data == {"host": host, "names": list(names)}


def test_certificate_name_by_ip_address():
    evidence = good(host="192.0.2.10", certificates=(leaf(san_dns=(), san_ip=("192.0.2.10",)),))
    assert ev.check_certificate_name(evidence)[:2] == (Status.PASS, 10)


def test_certificate_key_skips_the_self_signed_root_and_grades_the_rest():
    intermediate = leaf(subject="CN=Intermediate", key_bits=2048)
    evidence = good(
        certificates=(leaf(key_type="EC", key_bits=256, key_curve="secp256r1"), intermediate, CA_ROOT)
    )
    assert ev.check_certificate_key(evidence) == (
        Status.WARNING,
        10,
        {
            "certificates": [
                {"subject": "CN=www.example.test", "key": "EC-256 (secp256r1)", "level": "good"},
                {"subject": "CN=Intermediate", "key": "RSA-2048", "level": "phase-out"},
            ]
        },
    )


def test_certificate_key_rsa_1024_fails():
    assert ev.check_certificate_key(good(certificates=(leaf(key_bits=1024),)))[:2] == (Status.FAIL, 0)


def test_self_signed_leaf_is_judged():
    self_signed = leaf(issuer="CN=www.example.test", is_self_signed=True, key_bits=1024)
    assert ev.check_certificate_key(good(certificates=(self_signed,)))[:2] == (Status.FAIL, 0)


@pytest.mark.parametrize(
    ("hash_name", "status", "points", "level"),
    [
        ("sha256", Status.PASS, 10, "sufficient"),
        ("sha224", Status.WARNING, 10, "phase-out"),
        ("sha1", Status.FAIL, 0, "insufficient"),
    ],
)
def test_certificate_signature(hash_name, status, points, level):
    cert = leaf(signature_hash=hash_name, signature_algorithm=f"{hash_name}WithRSAEncryption")
    assert ev.check_certificate_signature(good(certificates=(cert, CA_ROOT))) == (
        status,
        points,
        {
            "certificates": [
                {
                    "subject": "CN=www.example.test",
                    "signature_algorithm": f"{hash_name}WithRSAEncryption",
                    "level": level,
                }
            ]
        },
    )


@pytest.mark.parametrize(
    ("not_after", "status", "points", "days"),
    [
        (NOW + dt.timedelta(days=80), Status.PASS, 10, 80),
        (NOW + dt.timedelta(days=30), Status.PASS, 10, 30),
        (NOW + dt.timedelta(days=29, hours=23), Status.WARNING, 5, 29),
        (NOW + dt.timedelta(hours=1), Status.WARNING, 5, 0),
        (NOW, Status.FAIL, 0, 0),
        (NOW - dt.timedelta(seconds=1), Status.FAIL, 0, 0),
        (NOW - dt.timedelta(days=3, hours=5), Status.FAIL, 0, -3),
    ],
)
def test_certificate_expiry(not_after, status, points, days):
    cert = leaf(not_after=not_after)
    result_status, result_points, data = ev.check_certificate_expiry(good(certificates=(cert,)), NOW)
    assert (result_status, result_points, data["days_left"]) == (status, points, days)
    assert data["not_after"] == not_after.isoformat()
    assert data.get("expired", False) is (status == Status.FAIL)


def test_certificate_not_yet_valid_fails():
    cert = leaf(not_before=NOW + dt.timedelta(days=2))
    status, points, data = ev.check_certificate_expiry(good(certificates=(cert,)), NOW)
    assert (status, points, data["not_yet_valid"]) == (Status.FAIL, 0, True)


def test_ocsp_stapling():
    assert ev.check_ocsp_stapling(good()) == (Status.PASS, 10, {"ocsp_stapled": True, "must_staple": False})
    assert ev.check_ocsp_stapling(good(ocsp_stapled=False))[:2] == (Status.WARNING, 0)
    assert ev.check_ocsp_stapling(good(ocsp_stapled=None))[:2] == (Status.ERROR, 0)


@pytest.mark.parametrize(
    ("overrides", "status", "vulnerable"),
    [
        ({}, Status.PASS, []),
        ({"heartbleed": True}, Status.FAIL, ["heartbleed"]),
        (
            {"ccs_injection": True, "robot": "VULNERABLE_STRONG_ORACLE"},
            Status.FAIL,
            ["ccs_injection", "robot"],
        ),
        ({"robot": "UNKNOWN_INCONSISTENT_RESULTS"}, Status.PASS, []),
        ({"robot": None}, Status.ERROR, None),
    ],
)
def test_vulnerabilities(overrides, status, vulnerable):
    result_status, points, data = ev.check_vulnerabilities(good(**overrides))
    assert (result_status, points) == (status, 10 if status == Status.PASS else 0)
    assert data.get("vulnerable") == vulnerable


def test_grade_result_carries_the_parts():
    status, points, data = ev.check_grade(with_protocols(good(), TLSv1_0=TLS10_CBC))
    assert (status, points) == (Status.INFO, 5)
    assert data == {
        "grade": "B",
        "score": 92,
        "protocol_score": 95,
        "key_exchange_score": 90,
        "cipher_score": 90,
        "score_grade": "A",
        "caps": [{"cap": "tls10_or_tls11", "grade": "B"}],
        "grade_if_trust_ignored": "B",
    }


def test_nothing_on_the_https_port_is_not_tested_other_failures_are_errors():
    failed = good(error=ERROR_REFUSED, error_detail="Server rejected the connection", protocols={})
    results = ev.evaluate(failed)
    assert [r.check_id for r in results] == [f"tls.{name}" for name in ev.WEB_CHECKS]
    # no HTTPS at all: web.https_exists fails it, the TLS checks do not count it again
    assert {(r.status, r.points, r.counts) for r in results} == {(Status.NOT_TESTED, 0, False)}
    timed_out = ev.evaluate(good(error="timeout", error_detail="no answer", protocols={}))
    assert {(r.status, r.points, r.level == "required" and r.counts) for r in timed_out} >= {
        (Status.ERROR, 0, True)
    }
    assert results[0].evidence == {
        "error": "refused",
        "detail": "Server rejected the connection",
        "address": "192.0.2.10",
    }


def test_worst_address_wins():
    v4 = good()
    v6 = replace(with_protocols(good(), TLSv1_0=TLS10_CBC), address="2001:db8::10", compression=None)
    merged = by_id(ev.evaluate_endpoint([v4, v6]))
    assert outcome(merged["tls.protocols"]) == (Status.FAIL, 0)
    assert merged["tls.protocols"].evidence["address"] == "2001:db8::10"
    assert outcome(merged["tls.compression"]) == (Status.ERROR, 0)
    assert outcome(merged["tls.ciphers"]) == (Status.FAIL, 0)
    assert outcome(merged["tls.curves"]) == (Status.PASS, 10)
    assert len(merged) == len(ev.WEB_CHECKS)


def test_results_are_json_ready():
    import json

    for result in ev.evaluate(with_protocols(good(), TLSv1_2=(*TLS12, DHE_3072, DHE_1024))):
        json.dumps(result.as_dict())


WEAK_12 = TLS10_CBC[0]  # ECDHE AES-CBC-SHA: insufficient


@pytest.mark.parametrize(
    ("protocols", "order", "expected"),
    [
        # one kind of suite per version: the order cannot matter
        ({"TLSv1.3": TLS13}, {}, (Status.PASS, 10, {})),
        ({"TLSv1.2": TLS12, "TLSv1.3": TLS13}, {}, (Status.PASS, 10, {})),
        ({"TLSv1.0": TLS10_CBC, "TLSv1.2": TLS12}, {}, (Status.PASS, 10, {})),
        # weak and strong in one version: the server's choice with the weak offered first decides
        (
            {"TLSv1.2": (*TLS12, WEAK_12)},
            {"TLSv1.2": TLS12[0].name},
            (Status.PASS, 10, {"TLSv1.2": {"first_choice": TLS12[0].name, "level": "sufficient"}}),
        ),
        (
            {"TLSv1.2": (*TLS12, WEAK_12)},
            {"TLSv1.2": WEAK_12.name},
            (Status.FAIL, 0, {"TLSv1.2": {"first_choice": WEAK_12.name, "level": "insufficient"}}),
        ),
        ({"TLSv1.2": (*TLS12, WEAK_12)}, {}, (Status.NOT_TESTED, 0, {"TLSv1.2": {"first_choice": None}})),
    ],
)
def test_cipher_order(protocols, order, expected):
    evidence = replace(with_protocols(good()), protocols=protocols, cipher_order=order)
    status, points, data = ev.check_cipher_order(evidence)
    assert (status, points, data["versions"]) == expected
