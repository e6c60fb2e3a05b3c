"""An SSL Labs style grade for one TLS endpoint (cyber-privacy.md §A3). Pure: standard library only.

1. Three sub-scores 0..100: protocol support = (best + worst) / 2 over the versions offered; key exchange = the
   weaker of the certificate key and the weakest ephemeral key, in RSA-equivalent bits; cipher strength =
   (strongest + weakest) / 2 over the symmetric key sizes offered.
2. score = 0.3 protocol + 0.3 key exchange + 0.4 cipher, rounded half up; a zero sub-score makes the score 0.
3. Letter: >=80 A, >=65 B, >=50 C, >=35 D, >=20 E, else F.
4. Caps (the worst applies), each named in `caps` with the grade it imposes:
   F  sslv2, heartbleed, ccs_injection, robot, insecure_renegotiation, rsa_key_below_1024, md5_signature
   C  sslv3, no_tls12 (neither 1.2 nor 1.3), compression, 64bit_block_cipher (3DES etc. with TLS 1.1+)
   B  tls10_or_tls11 (since 2020), rsa_key_below_2048, dh_below_2048, no_forward_secrecy
   A- no_tls13, no_aead (criteria 2009r; marked [mem] in the reference, so they only ever lower A to A-)
5. A+ needs grade A with no cap at all and HSTS with max-age >= 180 days; the TLS family has no HSTS answer
   (the web family owns it), so `grade()` gives A+ only when `hsts_max_age` is passed in.
6. Certificate not trusted (including expired) -> T; name mismatch -> M. `grade_if_trust_ignored` keeps the
   letter SSL Labs shows as "if trust issues are ignored".
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from marketplace.cyber.checks.tls.evidence import TlsEvidence

GRADES = ("A+", "A", "A-", "B", "C", "D", "E", "F")  # best first
HSTS_MIN_MAX_AGE = 180 * 24 * 3600

PROTOCOL_SCORES = {"SSLv2": 0, "SSLv3": 80, "TLSv1.0": 90, "TLSv1.1": 95, "TLSv1.2": 100, "TLSv1.3": 100}
WEIGHTS = (0.3, 0.3, 0.4)

CAP_GRADES: dict[str, str] = {
    "sslv2": "F",
    "heartbleed": "F",
    "ccs_injection": "F",
    "robot": "F",
    "insecure_renegotiation": "F",
    "rsa_key_below_1024": "F",
    "md5_signature": "F",
    "sslv3": "C",
    "no_tls12": "C",
    "compression": "C",
    "64bit_block_cipher": "C",
    "tls10_or_tls11": "B",
    "rsa_key_below_2048": "B",
    "dh_below_2048": "B",
    "no_forward_secrecy": "B",
    "no_tls13": "A-",
    "no_aead": "A-",
}

ROBOT_VULNERABLE = ("VULNERABLE_WEAK_ORACLE", "VULNERABLE_STRONG_ORACLE")


def protocol_score(versions: Iterable[str]) -> float:
    scores = [PROTOCOL_SCORES[v] for v in versions if v in PROTOCOL_SCORES]
    return (max(scores) + min(scores)) / 2 if scores else 0.0


def key_exchange_score(rsa_equivalent_bits: int | None, *, anonymous: bool = False) -> int:
    if anonymous or not rsa_equivalent_bits:
        return 0
    for limit, score in ((512, 20), (1024, 40), (2048, 80), (4096, 90)):
        if rsa_equivalent_bits < limit:
            return score
    return 100


def cipher_bits_score(bits: int) -> int:
    if bits <= 0:
        return 0
    if bits < 128:
        return 20
    return 80 if bits < 256 else 100


def cipher_score(key_sizes: Iterable[int]) -> float:
    sizes = list(key_sizes)
    if not sizes:
        return 0.0
    return (cipher_bits_score(max(sizes)) + cipher_bits_score(min(sizes))) / 2


def ec_rsa_equivalent(bits: int) -> int:
    """NIST SP 800-57 comparable strengths: an EC key of `bits` ~ an RSA key of the returned size."""
    for limit, equivalent in ((512, 15360), (384, 7680), (250, 3072), (224, 2048), (160, 1024)):
        if bits >= limit:
            return equivalent
    return 512


def combine(protocol: float, key_exchange: float, cipher: float) -> int:
    if min(protocol, key_exchange, cipher) <= 0:
        return 0
    total = WEIGHTS[0] * protocol + WEIGHTS[1] * key_exchange + WEIGHTS[2] * cipher
    return math.floor(total + 0.5 + 1e-9)


def letter(score: int) -> str:
    for limit, grade in ((80, "A"), (65, "B"), (50, "C"), (35, "D"), (20, "E")):
        if score >= limit:
            return grade
    return "F"


def worse(a: str, b: str) -> str:
    return a if GRADES.index(a) >= GRADES.index(b) else b


def apply_caps(grade: str, caps: Iterable[str]) -> str:
    for cap in caps:
        grade = worse(grade, CAP_GRADES[cap])
    return grade


@dataclass(frozen=True)
class Grade:
    protocol_score: float
    key_exchange_score: int
    cipher_score: float
    score: int
    score_grade: str  # the letter from the score alone
    caps: tuple[str, ...]  # cap names, see CAP_GRADES
    grade_if_trust_ignored: str
    grade: str  # final: A+ .. F, or T / M
    trusted: bool | None = None
    name_matches: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "grade": self.grade,
            "score": self.score,
            "protocol_score": self.protocol_score,
            "key_exchange_score": self.key_exchange_score,
            "cipher_score": self.cipher_score,
            "score_grade": self.score_grade,
            "caps": [{"cap": cap, "grade": CAP_GRADES[cap]} for cap in self.caps],
            "grade_if_trust_ignored": self.grade_if_trust_ignored,
        }


def certificate_rsa_equivalent(evidence: TlsEvidence) -> int | None:
    leaf = evidence.leaf
    if leaf is None:
        return None
    if leaf.key_type == "EC":
        return ec_rsa_equivalent(leaf.key_bits)
    if leaf.key_type in ("Ed25519", "Ed448"):
        return ec_rsa_equivalent(leaf.key_bits)
    return leaf.key_bits


def key_exchange_bits(evidence: TlsEvidence) -> int | None:
    """The weaker of the certificate key and the weakest ephemeral key, in RSA-equivalent bits."""
    candidates = []
    certificate_bits = certificate_rsa_equivalent(evidence)
    if certificate_bits:
        candidates.append(certificate_bits)
    for suite in evidence.accepted_suites:
        if suite.kex == "DH" and suite.kex_bits:
            candidates.append(suite.kex_bits)
        elif suite.kex == "ECDH" and suite.kex_bits:
            candidates.append(ec_rsa_equivalent(suite.kex_bits))
    return min(candidates) if candidates else None


def caps_for(evidence: TlsEvidence) -> tuple[str, ...]:
    versions = set(evidence.supported_versions)
    suites = evidence.accepted_suites
    caps: list[str] = []

    def add(cap: str, when: bool | None) -> None:
        if when:
            caps.append(cap)

    add("sslv2", "SSLv2" in versions)
    add("heartbleed", evidence.heartbleed)
    add("ccs_injection", evidence.ccs_injection)
    add("robot", evidence.robot in ROBOT_VULNERABLE)
    renegotiation_applies = bool(versions - {"TLSv1.3"})
    add("insecure_renegotiation", renegotiation_applies and evidence.secure_renegotiation is False)
    leaf = evidence.leaf
    rsa_bits = leaf.key_bits if leaf is not None and leaf.key_type == "RSA" else None
    add("rsa_key_below_1024", rsa_bits is not None and rsa_bits < 1024)
    add("md5_signature", any(cert.signature_hash == "md5" for cert in evidence.certificates))
    add("sslv3", "SSLv3" in versions)
    add("no_tls12", bool(versions) and not versions & {"TLSv1.2", "TLSv1.3"})
    add("compression", evidence.compression)
    modern = {s for v in ("TLSv1.1", "TLSv1.2") for s in evidence.protocols.get(v, ())}
    add("64bit_block_cipher", any(suite.is_64bit_block for suite in modern))
    add("tls10_or_tls11", bool(versions & {"TLSv1.0", "TLSv1.1"}))
    add("rsa_key_below_2048", rsa_bits is not None and 1024 <= rsa_bits < 2048)
    add("dh_below_2048", any(s.kex == "DH" and (s.kex_bits or 0) < 2048 for s in suites))
    add("no_forward_secrecy", bool(suites) and not any(suite.is_forward_secret for suite in suites))
    add("no_tls13", bool(versions) and "TLSv1.3" not in versions)
    add("no_aead", bool(suites) and not any(suite.is_aead for suite in suites))
    return tuple(caps)


def grade(evidence: TlsEvidence, *, hsts_max_age: int | None = None) -> Grade:
    """Grade an endpoint that was scanned (evidence.error is None)."""
    suites = evidence.accepted_suites
    p = protocol_score(evidence.supported_versions)
    k = key_exchange_score(key_exchange_bits(evidence), anonymous=any(s.is_anonymous for s in suites))
    c = cipher_score(s.key_size for s in suites)
    score = combine(p, k, c)
    score_grade = letter(score)
    caps = caps_for(evidence)
    capped = apply_caps(score_grade, caps)
    if capped == "A" and not caps and hsts_max_age is not None and hsts_max_age >= HSTS_MIN_MAX_AGE:
        capped = "A+"
    name_matches = evidence.leaf.matches(evidence.host) if evidence.leaf is not None else None
    final = capped
    if evidence.trusted is False:
        final = "T"
    elif name_matches is False:
        final = "M"
    return Grade(
        protocol_score=p,
        key_exchange_score=k,
        cipher_score=c,
        score=score,
        score_grade=score_grade,
        caps=caps,
        grade_if_trust_ignored=capped,
        grade=final,
        trusted=evidence.trusted,
        name_matches=name_matches,
    )
