"""NCSC-NL TLS guideline tables (cyber-privacy.md §A1.6)."""

from __future__ import annotations

import pytest

from marketplace.cyber.checks.tls import ncsc
from marketplace.cyber.checks.tls.ncsc import Level

GOOD, SUFFICIENT, PHASE_OUT, INSUFFICIENT = Level.GOOD, Level.SUFFICIENT, Level.PHASE_OUT, Level.INSUFFICIENT


@pytest.mark.parametrize(
    ("version", "level"),
    [
        ("TLSv1.3", GOOD),
        ("TLSv1.2", SUFFICIENT),
        ("TLSv1.1", INSUFFICIENT),  # phase-out in the 2021 guidelines, insufficient since 2025
        ("TLSv1.0", INSUFFICIENT),
        ("SSLv3", INSUFFICIENT),
        ("SSLv2", INSUFFICIENT),
    ],
)
def test_protocol_levels(version, level):
    assert ncsc.protocol_level(version) == level


@pytest.mark.parametrize(
    ("suite", "level"),
    [
        ("TLS_AES_256_GCM_SHA384", GOOD),
        ("TLS_CHACHA20_POLY1305_SHA256", GOOD),
        ("TLS_AES_128_GCM_SHA256", SUFFICIENT),
        ("TLS_AES_128_CCM_SHA256", SUFFICIENT),
        ("TLS_AES_128_CCM_8_SHA256", INSUFFICIENT),
        ("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", SUFFICIENT),
        ("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", SUFFICIENT),
        ("TLS_ECDHE_RSA_WITH_AES_128_CCM", SUFFICIENT),
        ("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", INSUFFICIENT),
        ("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", PHASE_OUT),
        ("TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", PHASE_OUT),
        ("TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384", PHASE_OUT),
        ("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", PHASE_OUT),
        ("TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", PHASE_OUT),
        ("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", INSUFFICIENT),  # SHA-1 MAC
        ("TLS_RSA_WITH_AES_128_GCM_SHA256", INSUFFICIENT),  # no forward secrecy
        ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", INSUFFICIENT),
        ("TLS_ECDH_anon_WITH_AES_256_CBC_SHA", INSUFFICIENT),
        ("TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", INSUFFICIENT),
    ],
)
def test_cipher_levels(suite, level):
    assert ncsc.cipher_level(suite) == level


def test_table_sizes_match_the_guideline():
    # §A1.6: 2 good, 10 sufficient TLS 1.2 ECDHE suites + 2 TLS 1.3 (internet.nl adds the 2 ECDHE-RSA CCM), 35 phase-out
    levels = list(ncsc.CIPHER_SUITES.values())
    assert (levels.count(GOOD), levels.count(SUFFICIENT), levels.count(PHASE_OUT)) == (2, 12, 35)


@pytest.mark.parametrize(
    ("curve", "level"),
    [
        ("X25519", GOOD),
        ("X448", GOOD),
        ("secp256r1", GOOD),
        ("prime256v1", GOOD),
        ("secp521r1", GOOD),
        ("brainpoolP384r1", GOOD),
        ("secp224r1", PHASE_OUT),
        ("secp192r1", INSUFFICIENT),
        ("sect571r1", INSUFFICIENT),
        ("secp256k1", INSUFFICIENT),
    ],
)
def test_curve_levels(curve, level):
    assert ncsc.curve_level(curve) == level


def test_ffdhe_primes_are_the_rfc_7919_constants():
    # first and last 64 bits of each prime as printed in RFC 7919 appendix A
    tails = {2048: "61285C97", 3072: "66C62E37", 4096: "5E655F6A", 6144: "D0E40E65", 8192: "C5C6424C"}
    for bits, tail in tails.items():
        text = f"{ncsc.ffdhe_prime(bits):X}"
        assert len(text) * 4 == bits
        assert text.startswith("FFFFFFFFFFFFFFFFADF85458A2BB4A9A")
        assert text.endswith(tail + "FFFFFFFFFFFFFFFF")


@pytest.mark.parametrize(
    ("bits", "level"),
    [(2048, INSUFFICIENT), (3072, PHASE_OUT), (4096, PHASE_OUT), (6144, PHASE_OUT), (8192, PHASE_OUT)],
)
def test_dh_group_levels(bits, level):
    prime = ncsc.ffdhe_prime(bits)
    assert ncsc.ffdhe_group_name(prime) == f"ffdhe{bits}"
    assert ncsc.dh_group_level(prime) == level


def test_custom_dh_groups_are_insufficient():
    prime = ncsc.ffdhe_prime(3072) - 2  # same size, not the named group
    assert ncsc.ffdhe_group_name(prime) is None
    assert ncsc.dh_group_level(prime) == INSUFFICIENT
    assert ncsc.dh_group_level(ncsc.ffdhe_prime(3072), generator=5) == INSUFFICIENT


@pytest.mark.parametrize(
    ("key_type", "bits", "curve", "level"),
    [
        ("RSA", 4096, None, GOOD),
        ("RSA", 3072, None, GOOD),
        ("RSA", 3071, None, PHASE_OUT),
        ("RSA", 2048, None, PHASE_OUT),
        ("RSA", 2047, None, INSUFFICIENT),
        ("RSA", 1024, None, INSUFFICIENT),
        ("EC", 256, "secp256r1", GOOD),
        ("EC", 384, "secp384r1", GOOD),
        ("EC", 224, "secp224r1", PHASE_OUT),
        ("EC", 256, "secp256k1", INSUFFICIENT),
        ("Ed25519", 256, None, GOOD),
        ("Ed448", 456, None, GOOD),
        ("DSA", 3072, None, INSUFFICIENT),
    ],
)
def test_certificate_key_levels(key_type, bits, curve, level):
    assert ncsc.certificate_key_level(key_type, bits, curve) == level


@pytest.mark.parametrize(
    ("key_type", "hash_name", "level"),
    [
        ("RSA", "sha256", SUFFICIENT),
        ("RSA", "sha512", SUFFICIENT),
        ("EC", "sha384", SUFFICIENT),
        ("RSA-PSS", "sha256", SUFFICIENT),
        ("Ed25519", None, SUFFICIENT),
        ("RSA", "sha224", PHASE_OUT),
        ("RSA", "sha1", INSUFFICIENT),
        ("RSA", "md5", INSUFFICIENT),
        ("DSA", "sha256", INSUFFICIENT),
    ],
)
def test_certificate_signature_levels(key_type, hash_name, level):
    assert ncsc.certificate_signature_level(key_type, hash_name) == level


def test_worst_and_labels():
    assert ncsc.worst([GOOD, PHASE_OUT, SUFFICIENT]) == PHASE_OUT
    assert ncsc.worst([]) is None
    assert [level.label for level in Level] == ["insufficient", "phase-out", "sufficient", "good"]
