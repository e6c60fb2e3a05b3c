"""NCSC-NL TLS guideline levels (2025-05 version) as data, with small classifiers. Standard library only.

Reference: cyber-privacy.md §A1.6. Every parameter is rated good, sufficient, phase-out or insufficient; the check
family maps insufficient to FAIL and sufficient / phase-out to a pass with advice (internet.nl does the same).
Anything not listed in a table is insufficient.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from functools import cache


class Level(enum.IntEnum):
    """Ordered worst-first so `min(...)` gives the weakest level."""

    INSUFFICIENT = 0
    PHASE_OUT = 1
    SUFFICIENT = 2
    GOOD = 3

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", "-")


def worst(levels: Iterable[Level]) -> Level | None:
    """The weakest level in `levels`, None when empty."""
    found = list(levels)
    return min(found) if found else None


# --- Protocol versions (names as in TlsEvidence: "SSLv2", "SSLv3", "TLSv1.0" ... "TLSv1.3") ---------------------------

PROTOCOL_VERSIONS: tuple[str, ...] = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")

PROTOCOLS: dict[str, Level] = {
    "TLSv1.3": Level.GOOD,
    "TLSv1.2": Level.SUFFICIENT,
    # The 2025 guidelines have no phase-out tier for versions: 1.1, 1.0 and SSL are insufficient.
}


def protocol_level(version: str) -> Level:
    return PROTOCOLS.get(version, Level.INSUFFICIENT)


# --- Cipher suites (IANA names, as sslyze reports them) ----------------------------------------------------------------

_GOOD_SUITES = ("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")

_SUFFICIENT_SUITES = (
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_128_CCM_SHA256",
    *(
        f"TLS_ECDHE_{auth}_WITH_{bulk}"
        for auth in ("ECDSA", "RSA")
        for bulk in (
            "AES_256_GCM_SHA384",
            "AES_128_GCM_SHA256",
            "CHACHA20_POLY1305_SHA256",
            "AES_256_CCM",
            "AES_128_CCM",
        )
    ),
)

_PHASE_OUT_SUITES = (
    *(
        f"TLS_ECDHE_{auth}_WITH_{bulk}"
        for auth in ("ECDSA", "RSA")
        for bulk in (
            "CAMELLIA_256_GCM_SHA384",
            "CAMELLIA_256_CBC_SHA384",
            "CAMELLIA_128_GCM_SHA256",
            "CAMELLIA_128_CBC_SHA256",
            "ARIA_256_GCM_SHA384",
            "ARIA_256_CBC_SHA384",
            "ARIA_128_GCM_SHA256",
            "ARIA_128_CBC_SHA256",
            "AES_256_CBC_SHA384",
            "AES_128_CBC_SHA256",
        )
    ),
    *(
        f"TLS_DHE_RSA_WITH_{bulk}"
        for bulk in (
            "CHACHA20_POLY1305_SHA256",
            "CAMELLIA_256_GCM_SHA384",
            "CAMELLIA_256_CBC_SHA256",
            "CAMELLIA_128_GCM_SHA256",
            "CAMELLIA_128_CBC_SHA256",
            "ARIA_256_GCM_SHA384",
            "ARIA_256_CBC_SHA384",
            "ARIA_128_GCM_SHA256",
            "ARIA_128_CBC_SHA256",
            "AES_256_GCM_SHA384",
            "AES_256_CCM",
            "AES_256_CBC_SHA256",
            "AES_128_GCM_SHA256",
            "AES_128_CCM",
            "AES_128_CBC_SHA256",
        )
    ),
)

CIPHER_SUITES: dict[str, Level] = {
    **dict.fromkeys(_PHASE_OUT_SUITES, Level.PHASE_OUT),
    **dict.fromkeys(_SUFFICIENT_SUITES, Level.SUFFICIENT),
    **dict.fromkeys(_GOOD_SUITES, Level.GOOD),
}


def cipher_level(name: str) -> Level:
    return CIPHER_SUITES.get(name, Level.INSUFFICIENT)


# --- Key exchange: elliptic curves and finite-field DH groups ----------------------------------------------------------

CURVES: dict[str, Level] = {
    **dict.fromkeys(
        (
            "secp256r1",
            "secp384r1",
            "secp521r1",
            "prime256v1",  # the ANSI name of secp256r1
            "brainpoolP256r1",
            "brainpoolP384r1",
            "brainpoolP512r1",
            "X25519",
            "X448",
        ),
        Level.GOOD,
    ),
    "secp224r1": Level.PHASE_OUT,
}


def curve_level(name: str) -> Level:
    return CURVES.get(name, Level.INSUFFICIENT)


# RFC 7919 appendix A: p = 2^b - 2^(b-64) + {[2^(b-130) e] + X} * 2^64 - 1, generator 2.
_FFDHE_X = {2048: 560316, 3072: 2625351, 4096: 5736041, 6144: 15705020, 8192: 10965728}


@cache
def _floor_e_times_power_of_two(bits: int) -> int:
    """floor(e * 2^bits), from the series e = sum 1/n! in integer arithmetic with guard bits."""
    guard = 64
    scale = 1 << (bits + guard)
    total, term, n = 0, scale, 0
    while term:
        total += term
        n += 1
        term //= n
    return total >> guard


@cache
def ffdhe_prime(bits: int) -> int:
    """The RFC 7919 `ffdhe<bits>` prime."""
    return (
        (1 << bits)
        - (1 << (bits - 64))
        + ((_floor_e_times_power_of_two(bits - 130) + _FFDHE_X[bits]) << 64)
        - 1
    )


FFDHE_PHASE_OUT_BITS = (3072, 4096, 6144, 8192)  # ffdhe2048 and every custom group are insufficient


def ffdhe_group_name(prime: int, generator: int = 2) -> str | None:
    """`ffdhe3072` etc. when (prime, generator) is an RFC 7919 group, else None."""
    if generator != 2:
        return None
    bits = prime.bit_length()
    if bits in _FFDHE_X and ffdhe_prime(bits) == prime:
        return f"ffdhe{bits}"
    return None


def dh_group_level(prime: int, generator: int = 2) -> Level:
    name = ffdhe_group_name(prime, generator)
    if name and int(name.removeprefix("ffdhe")) in FFDHE_PHASE_OUT_BITS:
        return Level.PHASE_OUT
    return Level.INSUFFICIENT


# --- Certificates -----------------------------------------------------------------------------------------------------

RSA_GOOD_BITS = 3072
RSA_PHASE_OUT_BITS = 2048

CERTIFICATE_EC_CURVES: dict[str, Level] = {
    **dict.fromkeys(
        ("secp256r1", "secp384r1", "secp521r1", "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1"),
        Level.GOOD,
    ),
    "secp224r1": Level.PHASE_OUT,
}


def certificate_key_level(key_type: str, bits: int, curve: str | None = None) -> Level:
    """`key_type` is "RSA", "EC", "Ed25519", "Ed448" or "DSA" (DSA is insufficient)."""
    if key_type == "RSA":
        if bits >= RSA_GOOD_BITS:
            return Level.GOOD
        return Level.PHASE_OUT if bits >= RSA_PHASE_OUT_BITS else Level.INSUFFICIENT
    if key_type == "EC":
        return CERTIFICATE_EC_CURVES.get(curve or "", Level.INSUFFICIENT)
    if key_type in ("Ed25519", "Ed448"):
        return Level.GOOD
    return Level.INSUFFICIENT


def certificate_signature_level(key_type: str, hash_name: str | None) -> Level:
    """`key_type` is the signer's key type; `hash_name` the lower-case hash ("sha256"), None for EdDSA."""
    if key_type in ("Ed25519", "Ed448"):
        return Level.SUFFICIENT
    if key_type in ("RSA", "RSA-PSS", "EC") and hash_name in ("sha256", "sha384", "sha512"):
        return Level.SUFFICIENT
    if hash_name == "sha224":
        return Level.PHASE_OUT
    return Level.INSUFFICIENT
