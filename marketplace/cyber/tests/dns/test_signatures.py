"""RRSIG verification per algorithm (RSA/SHA-256, ECDSA P-256, Ed25519) and the NSEC/NSEC3 proofs of an unsigned
delegation, on records signed in the test: no network."""

from __future__ import annotations

import base64
import time

import dns.dnssec
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from marketplace.cyber.checks.dns import signatures
from marketplace.cyber.checks.dns.chain import _proves_no_ds
from marketplace.cyber.checks.dns.resolver import Lookup
from marketplace.cyber.checks.dns.signatures import PRIVATE_KEY_CLASSES, ValidationFailure

IN = dns.rdataclass.IN
ZONE = dns.name.from_text("example.test.")
NOW = int(time.time())


def keypair(algorithm: int):
    private = {
        8: lambda: rsa.generate_private_key(65537, 2048),
        13: lambda: ec.generate_private_key(ec.SECP256R1()),
        15: ed25519.Ed25519PrivateKey.generate,
    }[algorithm]()
    dnskey = PRIVATE_KEY_CLASSES[algorithm](key=private).public_key().to_dnskey(flags=257)
    keys = dns.rrset.RRset(ZONE, IN, dns.rdatatype.DNSKEY)
    keys.add(dnskey, 300)
    return private, dnskey, keys


def signed(rrset, private, dnskey, *, inception=NOW - 60, expiration=NOW + 3600, signer=ZONE):
    rrsig = signatures.sign(rrset, private, dnskey, signer, inception=inception, expiration=expiration)
    sigs = dns.rrset.RRset(rrset.name, IN, dns.rdatatype.RRSIG, rrset.rdtype)
    sigs.add(rrsig, rrset.ttl)
    return sigs


A = dns.rrset.from_text("www.example.test.", 300, "IN", "A", "192.0.2.1", "192.0.2.2")


@pytest.mark.parametrize("algorithm", [8, 13, 15])
def test_each_algorithm_validates_and_detects_tampering(algorithm):
    private, dnskey, keys = keypair(algorithm)
    sigs = signed(A, private, dnskey)
    signatures.validate(A, sigs, keys, NOW)
    tampered = dns.rrset.from_text("www.example.test.", 300, "IN", "A", "192.0.2.1", "192.0.2.3")
    with pytest.raises(ValidationFailure, match="signature does not verify"):
        signatures.validate(tampered, sigs, keys, NOW)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"inception": NOW + 600}, "signature not yet valid"),
        ({"expiration": NOW - 1}, "signature expired"),
        ({"signer": dns.name.from_text("other.test.")}, "signer other.test. is not example.test."),
    ],
)
def test_time_window_and_signer(change, reason):
    private, dnskey, keys = keypair(13)
    values = {"inception": NOW - 60, "expiration": NOW + 3600, "signer": ZONE, **change}
    sigs = signed(A, private, dnskey, **values)
    with pytest.raises(ValidationFailure, match=reason):
        signatures.validate(A, sigs, keys, NOW)


def test_other_key_missing_rrsig_and_unsupported_algorithm():
    private, dnskey, _keys = keypair(13)
    _other_private, _other_dnskey, other_keys = keypair(13)
    sigs = signed(A, private, dnskey)
    with pytest.raises(ValidationFailure, match="no DNSKEY with tag"):
        signatures.validate(A, sigs, other_keys, NOW)
    with pytest.raises(ValidationFailure, match="no RRSIG"):
        signatures.validate(A, None, other_keys, NOW)
    rrsig = next(iter(sigs)).replace(algorithm=3)
    dsa = dns.rrset.RRset(A.name, IN, dns.rdatatype.RRSIG, A.rdtype)
    dsa.add(rrsig, 300)
    with pytest.raises(ValidationFailure, match="unsupported algorithm 3"):
        signatures.validate(A, dsa, other_keys, NOW)


CHILD = dns.name.from_text("child.example.test.")


def denial(rrset, private, dnskey) -> Lookup:
    return Lookup("child.example.test", "DS", "NOERROR", authority=(rrset, signed(rrset, private, dnskey)))


@pytest.mark.parametrize(
    ("types", "proves"),
    [("NS RRSIG NSEC", True), ("NS DS RRSIG NSEC", False)],
)
def test_nsec_proof_of_no_ds(types, proves):
    private, dnskey, keys = keypair(13)
    nsec = dns.rrset.from_text(CHILD, 300, "IN", "NSEC", f"z.example.test. {types}")
    reason = _proves_no_ds(CHILD, denial(nsec, private, dnskey), keys, NOW)
    assert (reason == "") is proves


def test_nsec_proof_must_be_signed_by_the_parent():
    private, dnskey, _keys = keypair(13)
    _other, _other_key, other_keys = keypair(13)
    nsec = dns.rrset.from_text(CHILD, 300, "IN", "NSEC", "z.example.test. NS RRSIG NSEC")
    reason = _proves_no_ds(CHILD, denial(nsec, private, dnskey), other_keys, NOW)
    assert reason == "child.example.test.: NSEC/NSEC3 records do not prove that the DS is absent"
    assert _proves_no_ds(CHILD, Lookup("child.example.test", "DS", "NOERROR"), other_keys, NOW) == (
        "child.example.test.: no DS and no NSEC/NSEC3 proof from the signed parent"
    )


def _shift(hashed: str, delta: int) -> str:
    raw = int.from_bytes(base64.b32hexdecode(hashed), "big") + delta
    return base64.b32hexencode(raw.to_bytes(20, "big")).decode()


@pytest.mark.parametrize(
    ("owner_delta", "next_delta", "flags", "types", "proves"),
    [
        (0, 5, 0, "NS", True),  # matching NSEC3 without DS
        (0, 5, 0, "NS DS", False),  # matching NSEC3 with DS: the denial is a lie
        (-5, 5, 1, "NS", True),  # covering opt-out NSEC3: unsigned delegations may hide there
        (-5, 5, 0, "NS", False),  # covering but no opt-out: the child should not exist at all
    ],
)
def test_nsec3_proof_of_no_ds(owner_delta, next_delta, flags, types, proves):
    private, dnskey, keys = keypair(13)
    salt = "aabb"
    hashed = dns.dnssec.nsec3_hash(CHILD, salt, 0, 1)
    owner = dns.name.from_text(_shift(hashed, owner_delta).lower(), ZONE)
    nsec3 = dns.rrset.from_text(
        owner, 300, "IN", "NSEC3", f"1 {flags} 0 {salt} {_shift(hashed, next_delta)} {types}"
    )
    reason = _proves_no_ds(CHILD, denial(nsec3, private, dnskey), keys, NOW)
    assert (reason == "") is proves
