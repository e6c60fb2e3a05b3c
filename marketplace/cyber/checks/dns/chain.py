"""DNSSEC: fetch the chain of trust from a trust anchor down to a name, then judge it secure, insecure or bogus
(internet.nl web-dnssec / mail-dnssec, cyber-privacy.md §A1.3).

`fetch_chain` is the network part: for each name from the anchor's owner down to the target it asks NS (is it a
zone apex?), and at every apex DS (from the parent) and DNSKEY, then SOA of the deepest zone and A/AAAA of the
target, all with DO+CD so RRSIGs come back. `judge_chain` is pure: it validates the signatures with
`dns.dnssec` against the anchor (DS or DNSKEY) at `now`.

- secure: every link validates (anchor → DNSKEY → DS → DNSKEY … → SOA and the target's A/AAAA);
- insecure: a signed parent proves (validly signed NSEC/NSEC3) that a child zone has no DS, or no anchor covers
  the name;
- bogus: a signature is missing, expired or wrong, a DS matches no DNSKEY, or a missing DS is not proven;
- error: a query timed out or failed (SERVFAIL), so nothing can be said.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field
from typing import Any

import dns.dnssec
import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.DNSKEY
import dns.rdtypes.ANY.DS
import dns.resolver
import dns.rrset

from marketplace.cyber.checks.dns import signatures
from marketplace.cyber.checks.dns.resolver import NOERROR, NXDOMAIN, Lookup, lookup

SECURE = "secure"
INSECURE = "insecure"
BOGUS = "bogus"
ERROR = "error"

# IANA root zone trust anchors (https://data.iana.org/root-anchors/root-anchors.xml): KSK-2017 and KSK-2024.
IANA_ROOT_ANCHORS: tuple[str, ...] = (
    ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",
    ". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16",
)


@dataclass(frozen=True)
class Anchor:
    owner: dns.name.Name
    rdtype: str  # "DS" or "DNSKEY"
    rdata: dns.rdata.Rdata


def parse_anchors(texts: tuple[str, ...]) -> tuple[list[Anchor], list[str]]:
    """Anchors from '<owner> [ttl] [IN] DS|DNSKEY <rdata>' lines; returns (anchors, problems)."""
    anchors: list[Anchor] = []
    problems: list[str] = []
    for text in texts:
        parts = text.split()
        try:
            owner = dns.name.from_text(parts[0])
            rest = parts[1:]
            while rest and (rest[0].isdigit() or rest[0].upper() == "IN"):
                rest = rest[1:]
            rdtype = rest[0].upper()
            if rdtype not in ("DS", "DNSKEY"):
                raise ValueError(f"type {rdtype} is not DS or DNSKEY")
            rdata = dns.rdata.from_text(dns.rdataclass.IN, rdtype, " ".join(rest[1:]))
        except (IndexError, ValueError, dns.exception.DNSException) as exc:
            problems.append(f"{text!r}: {exc}")
            continue
        anchors.append(Anchor(owner, rdtype, rdata))
    return anchors, problems


@dataclass(frozen=True)
class ZoneLink:
    """One zone on the way down: its DNSKEY set, and (except for the anchor zone) the parent's DS answer."""

    zone: dns.name.Name
    dnskey: Lookup
    ds: Lookup | None = None


@dataclass(frozen=True)
class ChainData:
    target: dns.name.Name
    anchors: list[Anchor]
    zones: list[ZoneLink] = field(default_factory=list)
    records: list[Lookup] = field(default_factory=list)  # SOA of the deepest zone, A/AAAA of the target
    problem: str = ""  # why the walk stopped early (time-out, SERVFAIL, no anchor)
    problem_rcode: str = ""


def _closest_anchor(target: dns.name.Name, anchors: list[Anchor]) -> list[Anchor]:
    covering = [a for a in anchors if target.is_subdomain(a.owner)]
    if not covering:
        return []
    deepest = max(len(a.owner.labels) for a in covering)
    return [a for a in covering if len(a.owner.labels) == deepest]


def fetch_chain(resolver: dns.resolver.Resolver, target: str, anchor_texts: tuple[str, ...]) -> ChainData:
    """Walk from the anchor down to `target` (resolver built with dnssec=True). Never raises."""
    try:
        name = dns.name.from_text(target)
    except (dns.exception.DNSException, ValueError, UnicodeError) as exc:
        return ChainData(dns.name.root, [], problem=f"bad name {target!r}: {exc}", problem_rcode="ERROR")
    anchors, problems = parse_anchors(anchor_texts or IANA_ROOT_ANCHORS)
    chosen = _closest_anchor(name, anchors)
    if not chosen:
        owners = sorted({a.owner.to_text() for a in anchors})
        detail = f"no trust anchor covers the name (anchors: {', '.join(owners) or 'none'})"
        return ChainData(name, [], problem="; ".join([detail, *problems]))
    anchor_owner = chosen[0].owner
    relative = name.relativize(anchor_owner)
    labels = [] if relative == dns.name.empty else list(relative.labels)
    names = [anchor_owner]
    for label in reversed(labels):
        names.append(dns.name.Name((label, *names[-1].labels)))
    zones: list[ZoneLink] = []
    for index, current in enumerate(names):
        ds: Lookup | None = None
        if index > 0:
            ns = lookup(resolver, current, "NS")
            if ns.rcode not in (NOERROR, NXDOMAIN):
                return ChainData(
                    name, chosen, zones, problem=f"NS {current}: {ns.error}", problem_rcode=ns.rcode
                )
            if ns.rcode == NXDOMAIN:
                break
            if ns.rrset is None or ns.rrset.name != current:
                continue  # not a zone apex: the parent zone goes on
            ds = lookup(resolver, current, "DS")
            if not ds.ok:
                return ChainData(
                    name, chosen, zones, problem=f"DS {current}: {ds.error}", problem_rcode=ds.rcode
                )
            if ds.rrset is None:  # no DS: the chain ends here (insecure if the parent proves it)
                zones.append(ZoneLink(current, Lookup(current.to_text(), "DNSKEY", NOERROR), ds))
                break
        dnskey = lookup(resolver, current, "DNSKEY")
        if not dnskey.ok:
            return ChainData(
                name, chosen, zones, problem=f"DNSKEY {current}: {dnskey.error}", problem_rcode=dnskey.rcode
            )
        zones.append(ZoneLink(current, dnskey, ds))
    records = [lookup(resolver, zones[-1].zone, "SOA")] if zones else []
    for rdtype in ("A", "AAAA"):
        records.append(lookup(resolver, name, rdtype))
    return ChainData(name, chosen, zones, records)


# --- pure judgement -------------------------------------------------------------------------------------------


def _key_tag_list(rrset: dns.rrset.RRset | None) -> list[int]:
    if rrset is None:
        return []
    return sorted(dns.dnssec.key_id(rdata) for rdata in rrset)


def _keys_matching_ds(zone: dns.name.Name, dnskeys: dns.rrset.RRset, ds_rdatas: list[Any]) -> list[Any]:
    matched = []
    for key in dnskeys:
        for ds in ds_rdatas:
            if ds.key_tag != dns.dnssec.key_id(key) or ds.algorithm != key.algorithm:
                continue
            try:
                if dns.dnssec.make_ds(zone, key, ds.digest_type) == ds:
                    matched.append(key)
            except (dns.exception.DNSException, ValueError):
                continue
    return matched


def _rrset_of(zone: dns.name.Name, keys: list[Any], ttl: int) -> dns.rrset.RRset:
    rrset = dns.rrset.RRset(zone, dns.rdataclass.IN, dns.rdatatype.DNSKEY)
    for key in keys:
        rrset.add(key, ttl)
    return rrset


def _validate(
    rrset: dns.rrset.RRset, rrsigs: dns.rrset.RRset | None, keys: dns.rrset.RRset, now: float
) -> str:
    """'' when valid, else the reason."""
    try:
        signatures.validate(rrset, rrsigs, keys, now)
    except signatures.ValidationFailure as exc:
        return f"{rrset.name} {dns.rdatatype.to_text(rrset.rdtype)}: {exc}"
    return ""


def _nsec_types(rdata: Any, skip: int) -> set[str]:
    return {token.upper() for token in rdata.to_text().split()[skip:]}


def _proves_no_ds(child: dns.name.Name, ds: Lookup, parent_keys: dns.rrset.RRset, now: float) -> str:
    """'' when the parent's signed NSEC/NSEC3 proves the child has no DS, else the reason it does not."""
    authority = list(ds.authority)
    sigs = {(rrset.name, rrset.covers): rrset for rrset in authority if rrset.rdtype == dns.rdatatype.RRSIG}
    proofs = [rrset for rrset in authority if rrset.rdtype in (dns.rdatatype.NSEC, dns.rdatatype.NSEC3)]
    if not proofs:
        return f"{child}: no DS and no NSEC/NSEC3 proof from the signed parent"
    for proof in proofs:
        reason = _validate(proof, sigs.get((proof.name, proof.rdtype)), parent_keys, now)
        if reason:
            continue
        for rdata in proof:
            if proof.rdtype == dns.rdatatype.NSEC:
                if proof.name == child and "DS" not in _nsec_types(rdata, 1):
                    return ""
            else:
                params = rdata  # NSEC3: algorithm flags iterations salt next types
                try:
                    hashed = dns.dnssec.nsec3_hash(
                        child, params.salt or None, params.iterations, params.algorithm
                    )
                except (dns.exception.DNSException, ValueError):
                    continue
                owner_hash = proof.name.labels[0].decode().upper()
                next_hash = base64.b32hexencode(params.next).decode().upper()
                if owner_hash == hashed.upper() and "DS" not in _nsec_types(rdata, 5):
                    return ""
                opt_out = params.flags & 1
                covers = owner_hash < hashed.upper() < next_hash or (
                    next_hash < owner_hash and (hashed.upper() > owner_hash or hashed.upper() < next_hash)
                )
                if opt_out and covers:
                    return ""
    return f"{child}: NSEC/NSEC3 records do not prove that the DS is absent"


def judge_chain(data: ChainData, now: float | None = None) -> dict[str, Any]:
    """{'state': secure|insecure|bogus|error, 'reason', 'anchor', 'zones': [...]} (JSON-serialisable)."""
    now = time.time() if now is None else now
    out: dict[str, Any] = {
        "anchor": data.anchors[0].owner.to_text() if data.anchors else "",
        "zones": [
            {
                "zone": link.zone.to_text(),
                "dnskey_tags": _key_tag_list(link.dnskey.rrset),
                "ds": [rdata.to_text() for rdata in link.ds.rrset] if link.ds and link.ds.rrset else [],
            }
            for link in data.zones
        ],
    }

    def verdict(state: str, reason: str = "") -> dict[str, Any]:
        return {"state": state, "reason": reason, **out}

    if not data.anchors:
        return verdict(INSECURE, data.problem)
    if not data.zones:
        return verdict(ERROR, data.problem or "no zones found")
    trusted: dns.rrset.RRset | None = None
    for index, link in enumerate(data.zones):
        dnskeys = link.dnskey.rrset
        if index == 0:
            if dnskeys is None:
                return verdict(BOGUS, f"{link.zone}: the anchored zone has no DNSKEY")
            ds_anchors = [a.rdata for a in data.anchors if a.rdtype == "DS"]
            key_anchors = [a.rdata for a in data.anchors if a.rdtype == "DNSKEY"]
            matched = _keys_matching_ds(link.zone, dnskeys, ds_anchors) + [
                k for k in dnskeys if k in key_anchors
            ]
            if not matched:
                return verdict(BOGUS, f"{link.zone}: no DNSKEY matches the trust anchor")
        else:
            assert link.ds is not None
            assert trusted is not None
            if link.ds.rrset is None:
                reason = _proves_no_ds(link.zone, link.ds, trusted, now)
                if reason:
                    return verdict(BOGUS, reason)
                return verdict(INSECURE, f"{link.zone}: unsigned delegation (no DS)")
            reason = _validate(link.ds.rrset, link.ds.rrsigs, trusted, now)
            if reason:
                return verdict(BOGUS, reason)
            if dnskeys is None:
                return verdict(BOGUS, f"{link.zone}: DS published but no DNSKEY")
            matched = _keys_matching_ds(link.zone, dnskeys, list(link.ds.rrset))
            if not matched:
                return verdict(BOGUS, f"{link.zone}: no DNSKEY matches the DS")
        reason = _validate(dnskeys, link.dnskey.rrsigs, _rrset_of(link.zone, matched, dnskeys.ttl), now)
        if reason:
            return verdict(BOGUS, reason)
        trusted = dnskeys
    if data.problem:
        return verdict(ERROR, data.problem)
    assert trusted is not None
    for record in data.records:
        if not record.ok:
            return verdict(ERROR, f"{record.rdtype} {record.name}: {record.rcode} {record.error}".strip())
        if record.rrset is None:
            continue
        if not record.rrset.name.is_subdomain(trusted.name):
            continue  # a CNAME out of the zone: another chain, not judged here
        reason = _validate(record.rrset, record.rrsigs, trusted, now)
        if reason:
            return verdict(BOGUS, reason)
    return verdict(SECURE)
