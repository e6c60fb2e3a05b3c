"""SSL Labs style grading (cyber-privacy.md §A3): sub-scores, letters and every cap, on hand-built evidence."""

from __future__ import annotations

from dataclasses import replace

import pytest

from marketplace.cyber.checks.tls import grade as g
from marketplace.cyber.tests.tls.factories import (
    DHE_1024,
    STATIC_RSA,
    TLS10_CBC,
    TLS12,
    TLS13,
    TRIPLE_DES,
    AcceptedSuite,
    good,
    leaf,
    with_protocols,
)

CBC12 = (
    AcceptedSuite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 128, kex="ECDH", kex_bits=256, curve="secp256r1"),
)


@pytest.mark.parametrize(
    ("score", "letter"),
    [
        (100, "A"),
        (80, "A"),
        (79, "B"),
        (65, "B"),
        (64, "C"),
        (50, "C"),
        (49, "D"),
        (35, "D"),
        (34, "E"),
        (20, "E"),
        (19, "F"),
        (0, "F"),
    ],
)
def test_letter_boundaries(score, letter):
    assert g.letter(score) == letter


@pytest.mark.parametrize(
    ("versions", "score"),
    [
        (["TLSv1.2", "TLSv1.3"], 100),
        (["TLSv1.3"], 100),
        (["TLSv1.0", "TLSv1.3"], 95),
        (["TLSv1.1", "TLSv1.2"], 97.5),
        (["SSLv3", "TLSv1.2"], 90),
        (["SSLv2", "TLSv1.2"], 50),
        ([], 0),
    ],
)
def test_protocol_score(versions, score):
    assert g.protocol_score(versions) == score


@pytest.mark.parametrize(
    ("bits", "score"),
    [(None, 0), (256, 20), (511, 20), (512, 40), (1023, 40), (1024, 80), (2048, 90), (3072, 90), (4096, 100)],
)
def test_key_exchange_score(bits, score):
    assert g.key_exchange_score(bits) == score


def test_anonymous_key_exchange_scores_zero():
    assert g.key_exchange_score(4096, anonymous=True) == 0


@pytest.mark.parametrize(
    ("sizes", "score"),
    [([256], 100), ([128, 256], 90), ([128], 80), ([56, 256], 60), ([0, 128], 40), ([], 0)],
)
def test_cipher_score(sizes, score):
    assert g.cipher_score(sizes) == score


@pytest.mark.parametrize(("bits", "rsa"), [(253, 3072), (256, 3072), (224, 2048), (384, 7680), (521, 15360)])
def test_ec_rsa_equivalent(bits, rsa):
    assert g.ec_rsa_equivalent(bits) == rsa


def test_combine_weights_rounding_and_zero_rule():
    assert g.combine(100, 90, 90) == 93  # 30 + 27 + 36
    assert g.combine(95, 90, 90) == 92  # 91.5 rounds half up
    assert g.combine(100, 0, 100) == 0  # a zero in any category gives an overall zero


def test_good_endpoint_grades_a_with_exact_parts():
    result = g.grade(good())
    assert (result.protocol_score, result.key_exchange_score, result.cipher_score) == (100, 90, 90)
    assert (result.score, result.score_grade, result.caps, result.grade) == (93, "A", (), "A")
    assert result.as_dict() == {
        "grade": "A",
        "score": 93,
        "protocol_score": 100,
        "key_exchange_score": 90,
        "cipher_score": 90,
        "score_grade": "A",
        "caps": [],
        "grade_if_trust_ignored": "A",
    }


@pytest.mark.parametrize(
    ("max_age", "grade"), [(None, "A"), (86400, "A"), (15552000, "A+"), (31536000, "A+")]
)
def test_a_plus_needs_long_hsts(max_age, grade):
    assert g.grade(good(), hsts_max_age=max_age).grade == grade


def test_a_plus_needs_no_warnings():
    only_tls12 = with_protocols(good(), TLSv1_3=())
    assert g.grade(only_tls12, hsts_max_age=31536000).grade == "A-"


CASES = [
    # (name, evidence, score, caps, grade)
    ("tls10", with_protocols(good(), TLSv1_0=TLS10_CBC), 92, ("tls10_or_tls11",), "B"),
    ("tls11", with_protocols(good(), TLSv1_1=TLS10_CBC), 92, ("tls10_or_tls11",), "B"),
    ("no_tls13", with_protocols(good(), TLSv1_3=()), 93, ("no_tls13",), "A-"),
    ("no_aead", replace(good(), protocols={"TLSv1.2": CBC12}), 89, ("no_tls13", "no_aead"), "A-"),
    ("sslv3", with_protocols(good(), SSLv3=TLS10_CBC), 90, ("sslv3",), "C"),
    ("sslv2", with_protocols(good(), SSLv2=TLS10_CBC), 78, ("sslv2",), "F"),
    (
        "only_tls10",
        replace(good(), protocols={"TLSv1.0": TLS10_CBC}),
        86,
        ("no_tls12", "tls10_or_tls11", "no_tls13", "no_aead"),
        "C",
    ),
    ("heartbleed", good(heartbleed=True), 93, ("heartbleed",), "F"),
    ("ccs", good(ccs_injection=True), 93, ("ccs_injection",), "F"),
    ("robot", good(robot="VULNERABLE_STRONG_ORACLE"), 93, ("robot",), "F"),
    ("robot_weak", good(robot="VULNERABLE_WEAK_ORACLE"), 93, ("robot",), "F"),
    ("insecure_reneg", good(secure_renegotiation=False), 93, ("insecure_renegotiation",), "F"),
    ("compression", good(compression=True), 93, ("compression",), "C"),
    ("3des", with_protocols(good(), TLSv1_2=(*TLS12, TRIPLE_DES)), 93, ("64bit_block_cipher",), "C"),
    ("rsa1024", good(certificates=(leaf(key_bits=1024),)), 90, ("rsa_key_below_2048",), "B"),
    ("rsa512", good(certificates=(leaf(key_bits=512),)), 78, ("rsa_key_below_1024",), "F"),
    ("md5", good(certificates=(leaf(signature_hash="md5"),)), 93, ("md5_signature",), "F"),
    ("dh1024", with_protocols(good(), TLSv1_2=(*TLS12, DHE_1024)), 90, ("dh_below_2048",), "B"),
    (
        "no_forward_secrecy",
        replace(good(), protocols={"TLSv1.2": (STATIC_RSA,)}),
        89,
        ("no_forward_secrecy", "no_tls13"),
        "B",
    ),
    (
        "anonymous",
        with_protocols(
            good(), TLSv1_2=(*TLS12, AcceptedSuite("TLS_ECDH_anon_WITH_AES_256_CBC_SHA", 256, True))
        ),
        0,
        (),
        "F",
    ),
]


@pytest.mark.parametrize(
    ("evidence", "score", "caps", "grade"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_caps(evidence, score, caps, grade):
    result = g.grade(evidence)
    assert (result.score, result.caps, result.grade) == (score, caps, grade)


def test_renegotiation_cap_does_not_apply_to_tls13_only_servers():
    tls13_only = replace(good(secure_renegotiation=False), protocols={"TLSv1.3": TLS13})
    result = g.grade(tls13_only)
    assert (result.score, result.caps, result.grade) == (93, (), "A")


def test_worst_cap_wins():
    evidence = with_protocols(good(compression=True, heartbleed=True), TLSv1_0=TLS10_CBC)
    result = g.grade(evidence)
    assert result.caps == ("heartbleed", "compression", "tls10_or_tls11")
    assert result.grade == "F"


def test_untrusted_certificate_is_t_and_keeps_the_grade_if_trust_ignored():
    result = g.grade(good(trusted=False))
    assert (result.grade, result.grade_if_trust_ignored, result.score) == ("T", "A", 93)


def test_name_mismatch_is_m():
    result = g.grade(good(host="shop.example.test"))
    assert (result.grade, result.grade_if_trust_ignored, result.name_matches) == ("M", "A", False)


def test_trust_is_judged_before_the_name():
    assert g.grade(good(host="shop.example.test", trusted=False)).grade == "T"


def test_trust_unknown_is_not_t():
    assert g.grade(good(trusted=None)).grade == "A"


def test_ecdsa_certificate_key_exchange():
    ec = good(certificates=(leaf(key_type="EC", key_bits=256, key_curve="secp256r1"),))
    assert g.key_exchange_bits(ec) == 3072
    ec384 = replace(ec, certificates=(leaf(key_type="EC", key_bits=384, key_curve="secp384r1"),))
    assert g.key_exchange_bits(ec384) == 3072  # the X25519 / P-256 ephemeral keys are weaker


def test_cap_table_is_ordered_and_complete():
    assert set(g.CAP_GRADES.values()) <= set(g.GRADES)
    assert g.apply_caps("A", ["no_tls13", "tls10_or_tls11"]) == "B"
    assert g.worse("A-", "B") == "B"
