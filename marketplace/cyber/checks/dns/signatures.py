"""RRSIG verification (RFC 4035 §5.3) and signing, on dnspython's per-algorithm key classes.

Why not `dns.dnssec.validate`/`sign_zone`: dnspython 2.9 switches its whole DNSSEC crypto layer on only with
cryptography >= 50 (it imports ML-DSA), while sslyze 6.3 pins cryptography < 47. The per-algorithm classes in
`dns.dnssecalgs.{rsa,ecdsa,eddsa}` and the canonical signature data (`_make_rrsig_signature_data`) work with the
cryptography we have, so this module uses them directly. When the pins allow cryptography >= 50 this can become
`dns.dnssec.validate`.
"""

from __future__ import annotations

import time
from typing import Any

import dns.dnssec
import dns.exception
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from dns.dnssecalgs import ecdsa, eddsa, rsa
from dns.rdtypes.ANY.RRSIG import RRSIG

# RFC 8624 algorithm numbers a validator must (or may) support. RSAMD5/DSA (1, 3, 6) are treated as unsupported.
PUBLIC_KEY_CLASSES: dict[int, Any] = {
    5: rsa.PublicRSASHA1,
    7: rsa.PublicRSASHA1NSEC3SHA1,
    8: rsa.PublicRSASHA256,
    10: rsa.PublicRSASHA512,
    13: ecdsa.PublicECDSAP256SHA256,
    14: ecdsa.PublicECDSAP384SHA384,
    15: eddsa.PublicED25519,
    16: eddsa.PublicED448,
}
PRIVATE_KEY_CLASSES: dict[int, Any] = {
    8: rsa.PrivateRSASHA256,
    13: ecdsa.PrivateECDSAP256SHA256,
    15: eddsa.PrivateED25519,
}


class ValidationFailure(Exception):
    """The RRset does not validate with any of the given keys and signatures."""


def signature_data(rrset: dns.rrset.RRset, rrsig: RRSIG) -> bytes:
    return dns.dnssec._make_rrsig_signature_data(rrset, rrsig)


def _verify_one(rrset: dns.rrset.RRset, rrsig: RRSIG, keys: dns.rrset.RRset, now: float) -> None:
    if rrsig.type_covered != rrset.rdtype or rrsig.rdclass != rrset.rdclass:
        raise ValidationFailure("RRSIG does not cover the RRset")
    if rrsig.signer != keys.name:
        raise ValidationFailure(f"signer {rrsig.signer} is not {keys.name}")
    if rrsig.expiration < now:
        raise ValidationFailure("signature expired")
    if rrsig.inception > now:
        raise ValidationFailure("signature not yet valid")
    public_cls = PUBLIC_KEY_CLASSES.get(rrsig.algorithm)
    if public_cls is None:
        raise ValidationFailure(f"unsupported algorithm {rrsig.algorithm}")
    candidates = [
        key for key in keys if key.algorithm == rrsig.algorithm and dns.dnssec.key_id(key) == rrsig.key_tag
    ]
    if not candidates:
        raise ValidationFailure(f"no DNSKEY with tag {rrsig.key_tag}")
    try:
        data = signature_data(rrset, rrsig)
    except (dns.exception.DNSException, ValueError) as exc:
        raise ValidationFailure(str(exc)) from exc
    for key in candidates:
        try:
            public_cls.from_dnskey(key).verify(rrsig.signature, data)
            return
        except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError, dns.exception.DNSException):
            continue  # a key that cannot verify this signature: try the next
    raise ValidationFailure("signature does not verify")


def validate(
    rrset: dns.rrset.RRset, rrsigs: dns.rrset.RRset | None, keys: dns.rrset.RRset, now: float | None = None
) -> None:
    """Return if any RRSIG in `rrsigs` verifies `rrset` with a key in `keys` (a DNSKEY RRset); else raise
    ValidationFailure naming the last reason."""
    now = time.time() if now is None else now
    if not rrsigs:
        raise ValidationFailure("no RRSIG")
    if rrsigs.name != rrset.name:
        raise ValidationFailure("RRSIG owner differs")
    reason = "no RRSIG"
    for rrsig in rrsigs:
        try:
            _verify_one(rrset, rrsig, keys, now)
            return
        except ValidationFailure as exc:
            reason = str(exc)
    raise ValidationFailure(reason)


def sign(
    rrset: dns.rrset.RRset,
    private_key: Any,
    dnskey: Any,
    signer: dns.name.Name,
    *,
    inception: int,
    expiration: int,
) -> RRSIG:
    """An RRSIG over `rrset` (used by the tests to sign zones; `private_key` a cryptography private key)."""
    labels = len(rrset.name) - 1 - (1 if rrset.name.is_wild() else 0)
    template = RRSIG(
        rdclass=dns.rdataclass.IN,
        rdtype=dns.rdatatype.RRSIG,
        type_covered=rrset.rdtype,
        algorithm=dnskey.algorithm,
        labels=labels,
        original_ttl=rrset.ttl,
        expiration=expiration,
        inception=inception,
        key_tag=dns.dnssec.key_id(dnskey),
        signer=signer,
        signature=b"",
    )
    key = PRIVATE_KEY_CLASSES[dnskey.algorithm](key=private_key)
    signature = key.sign(signature_data(rrset, template), verify=False)
    return template.replace(signature=signature)  # type: ignore[return-value]
