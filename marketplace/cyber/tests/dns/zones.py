"""Test zones under a private signed `test.` anchor zone (the trust anchor is its DS, given via
ScanContext.trust_anchors):

- good.test   signed, DS in test.; 2 NS with AAAA (both ::1, where the zone server answers over IPv6 too), A+AAAA,
              CAA, MX, SPF -all, DMARC reject, DKIM, MTA-STS, TLS-RPT
- plain.test  unsigned (insecure delegation, proven by test.'s NSEC); 1 NS without AAAA, A only, no CAA, MX,
              no SPF, DMARC p=none, no _domainkey
- bogus.test  signed, DS in test., but the RRSIG over its A record is corrupted
- nullmx.test unsigned, null MX, SPF -all, DMARC reject
- lookups.test unsigned: SPF needing 12 lookups, an include loop (loop.), garbage TXT (garbage.), two DMARC records
"""

from __future__ import annotations

import time

import dns.dnssec
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.DNSKEY
import dns.rrset
import dns.zone
from cryptography.hazmat.primitives.asymmetric import ec

from marketplace.cyber.checks.dns import signatures
from marketplace.cyber.checks.dns.signatures import PRIVATE_KEY_CLASSES
from marketplace.cyber.tests.dns.server import ZoneSet

IN = dns.rdataclass.IN
SOA = "@ 3600 IN SOA ns1.{origin} hostmaster.{origin} 1 7200 3600 1209600 300"

GOOD = """
$TTL 300
{soa}
@ IN NS ns1
@ IN NS ns2
@ IN A 127.0.0.1
@ IN AAAA ::1
@ IN CAA 0 issue "letsencrypt.org"
@ IN CAA 0 issuewild "buypass.com; accounturi=x"
@ IN CAA 0 iodef "mailto:security@good.test"
@ IN MX 10 mx1
@ IN TXT "v=spf1 ip4:127.0.0.1 include:_spf.good.test -all"
_spf IN TXT "v=spf1 a:mx1.good.test ~all"
_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@good.test"
mail._domainkey IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
_mta-sts IN TXT "v=STSv1; id=20261129"
_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:tls@good.test"
mta-sts IN A 127.0.0.1
mx1 IN A 127.0.0.1
_25._tcp.mx1 IN TLSA 3 1 1 8bd1da95272f7fa4ffb24137fc0ed03aae67e5c4d8b3c50734e1050a7920b922
ns1 IN A 127.0.0.1
ns1 IN AAAA ::1
ns2 IN A 127.0.0.2
ns2 IN AAAA ::1
"""

PLAIN = """
$TTL 300
{soa}
@ IN NS ns1
@ IN A 127.0.0.1
@ IN MX 10 mx1
@ IN TXT "google-site-verification=abc"
_dmarc IN TXT "v=DMARC1; p=none"
mx1 IN A 127.0.0.1
ns1 IN A 127.0.0.1
"""

BOGUS = """
$TTL 300
{soa}
@ IN NS ns1
@ IN NS ns2
@ IN A 127.0.0.1
ns1 IN A 127.0.0.1
ns2 IN A 127.0.0.2
"""

NULLMX = """
$TTL 300
{soa}
@ IN NS ns1
@ IN NS ns2
@ IN A 127.0.0.1
@ IN MX 0 .
@ IN TXT "v=spf1 -all"
_dmarc IN TXT "v=DMARC1; p=reject"
ns1 IN A 127.0.0.1
ns2 IN A 127.0.0.2
"""

# SPF and DMARC trouble: 12 lookups through includes, an include loop, three void lookups, garbage and two DMARC
# records.
LOOKUPS = """
$TTL 300
{soa}
@ IN NS ns1
@ IN A 127.0.0.1
@ IN MX 10 mx1
@ IN TXT "v=spf1 include:a.lookups.test include:b.lookups.test -all"
a IN TXT "v=spf1 a mx ptr exists:x.lookups.test include:c.lookups.test ~all"
a IN A 127.0.0.1
a IN MX 10 mx1
b IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
c IN TXT "v=spf1 a a a a a -all"
c IN A 127.0.0.1
void IN MX 10 mx1
void IN TXT "v=spf1 a:mx1.lookups.test a:gone1.lookups.test mx:b.lookups.test exists:gone2.lookups.test -all"
loop IN MX 10 mx1
loop IN TXT "v=spf1 include:loop2.lookups.test -all"
loop2 IN TXT "v=spf1 include:loop.lookups.test -all"
garbage IN MX 10 mx1
garbage IN TXT "\\255\\000\\001"
garbage IN TXT "v=spf1 ip4:300.1.1.1 -all"
_dmarc IN TXT "v=DMARC1; p=reject"
_dmarc IN TXT "v=DMARC1; p=none"
_dmarc.garbage IN TXT "v=DMARC1; p=block"
mx1 IN A 127.0.0.1
ns1 IN A 127.0.0.1
"""

PARENT = """
$TTL 300
{soa}
@ IN NS ns1
ns1 IN A 127.0.0.1
good IN NS ns1.good
bogus IN NS ns1.bogus
plain IN NS ns1.plain
nullmx IN NS ns1.nullmx
lookups IN NS ns1.lookups
"""


def zone(text: str, origin: str) -> dns.zone.Zone:
    return dns.zone.from_text(text.format(soa=SOA.format(origin=origin)), origin=origin, relativize=False)


def sign(z: dns.zone.Zone, *, lifetime: int = 86400) -> dns.rdtypes.ANY.DNSKEY.DNSKEY:
    """Sign the zone like an authoritative signer: a DNSKEY (ECDSA P-256, KSK flag) at the apex, an NSEC chain,
    RRSIGs over every authoritative RRset (not over delegation NS). Returns the DNSKEY (for the parent's DS)."""
    private = ec.generate_private_key(ec.SECP256R1())
    dnskey = PRIVATE_KEY_CLASSES[13](key=private).public_key().to_dnskey(flags=257)
    origin = z.origin
    now = int(time.time())
    with z.writer() as txn:
        txn.add(origin, 300, dnskey)
    owners = sorted(name.derelativize(origin) for name in z.nodes)
    with z.writer() as txn:
        for index, owner in enumerate(owners):
            node = z.get_node(owner)
            types = {dns.rdatatype.to_text(rds.rdtype) for rds in node} | {"RRSIG", "NSEC"}
            nxt = owners[(index + 1) % len(owners)]
            nsec = dns.rdata.from_text(IN, "NSEC", f"{nxt} {' '.join(sorted(types))}")
            txn.add(owner, 300, nsec)
    with z.writer() as txn:
        for name, node in list(z.nodes.items()):
            owner = name.derelativize(origin)
            for rdataset in list(node):
                if rdataset.rdtype == dns.rdatatype.RRSIG:
                    continue
                if rdataset.rdtype == dns.rdatatype.NS and owner != origin:
                    continue  # delegation: the child signs its own NS
                rrset = dns.rrset.from_rdata_list(owner, rdataset.ttl, list(rdataset))
                rrsig = signatures.sign(
                    rrset, private, dnskey, origin, inception=now - 3600, expiration=now + lifetime
                )
                txn.add(name, rdataset.ttl, rrsig)
    return dnskey


def add_ds(parent: dns.zone.Zone, child: str, dnskey: dns.rdtypes.ANY.DNSKEY.DNSKEY) -> None:
    ds = dns.dnssec.make_ds(child, dnskey, "SHA256")
    with parent.writer() as txn:
        txn.add(dns.name.from_text(child), 300, ds)


def corrupt_rrsig(z: dns.zone.Zone, name: str, covered: str) -> None:
    """Flip bytes in the signature over `name`/`covered`: the record now fails validation (bogus)."""
    node = z.get_node(name)
    covers = dns.rdatatype.from_text(covered)
    sigs = node.get_rdataset(IN, dns.rdatatype.RRSIG, covers)
    broken = [sig.replace(signature=bytes(b ^ 0xFF for b in sig.signature)) for sig in sigs]
    node.delete_rdataset(IN, dns.rdatatype.RRSIG, covers)
    new = node.get_rdataset(IN, dns.rdatatype.RRSIG, covers, create=True)
    for sig in broken:
        new.add(sig, sigs.ttl)


def build() -> tuple[ZoneSet, tuple[str, ...]]:
    """The zone set and the trust anchor (DS of test.)."""
    good = zone(GOOD, "good.test.")
    plain = zone(PLAIN, "plain.test.")
    bogus = zone(BOGUS, "bogus.test.")
    nullmx = zone(NULLMX, "nullmx.test.")
    lookups = zone(LOOKUPS, "lookups.test.")
    parent = zone(PARENT, "test.")
    add_ds(parent, "good.test.", sign(good))
    add_ds(parent, "bogus.test.", sign(bogus))
    corrupt_rrsig(bogus, "bogus.test.", "A")
    parent_key = sign(parent)
    anchor = dns.dnssec.make_ds("test.", parent_key, "SHA256")
    return ZoneSet([parent, good, plain, bogus, nullmx, lookups]), (f"test. IN DS {anchor.to_text()}",)
