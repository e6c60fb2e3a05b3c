"""The one place that builds a DNS resolver from a ScanContext, and a query helper that never raises.

Both the DNS and the mail family use it. `lookup()` turns every outcome (answer, NODATA, NXDOMAIN, SERVFAIL,
time-out, refused, garbage) into a `Lookup` value, so retrieval code records trouble instead of crashing.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.resolver
import dns.rrset

from marketplace.cyber.checks.base import ScanContext

NOERROR = "NOERROR"
NXDOMAIN = "NXDOMAIN"
SERVFAIL = "SERVFAIL"
TIMEOUT = "TIMEOUT"
ERROR = "ERROR"

EDNS_PAYLOAD = 1232


def make_resolver(context: ScanContext, *, dnssec: bool = False) -> dns.resolver.Resolver:
    """A dnspython resolver for the context: its nameservers and port (empty = the system resolver), the context's
    time-out per query, no search list. With `dnssec=True` queries carry DO (so RRSIG/NSEC come back) and CD (so a
    validating upstream hands over bogus data for us to judge instead of answering SERVFAIL)."""
    resolver = dns.resolver.Resolver(configure=not context.nameservers)
    if context.nameservers:
        resolver.nameservers = list(context.nameservers)
        resolver.port = context.dns_port
    resolver.timeout = context.timeout
    resolver.lifetime = context.timeout
    resolver.search = []
    resolver.use_search_by_default = False
    resolver.cache = None
    if dnssec:
        resolver.use_edns(0, dns.flags.DO, EDNS_PAYLOAD)
        resolver.flags = dns.flags.RD | dns.flags.CD
    return resolver


@dataclass(frozen=True)
class Lookup:
    """The outcome of one query. `rcode` is NOERROR, NXDOMAIN, SERVFAIL, TIMEOUT or ERROR (`error` says more).
    `rrset` is the answer for the asked name and type (None for NODATA/errors); `rrsigs` the RRSIGs covering it;
    `authority` the authority section (SOA, NSEC/NSEC3 and their RRSIGs for denial of existence)."""

    name: str
    rdtype: str
    rcode: str
    rrset: dns.rrset.RRset | None = None
    rrsigs: dns.rrset.RRset | None = None
    authority: tuple[dns.rrset.RRset, ...] = field(default_factory=tuple)
    error: str = ""

    @property
    def ok(self) -> bool:
        """The server answered authoritatively about the name (records, NODATA or NXDOMAIN)."""
        return self.rcode in (NOERROR, NXDOMAIN)

    @property
    def exists(self) -> bool:
        return self.rcode == NOERROR

    @property
    def texts(self) -> list[str]:
        """The records in presentation format (names without the trailing dot)."""
        if self.rrset is None:
            return []
        if _is_name_type(self.rdtype):
            return sorted({rdata.to_text().rstrip(".").lower() for rdata in self.rrset})
        return sorted(rdata.to_text() for rdata in self.rrset)

    def as_evidence(self) -> dict[str, object]:
        evidence: dict[str, object] = {"name": self.name, "type": self.rdtype, "rcode": self.rcode}
        if self.error:
            evidence["error"] = self.error
        return evidence


def _is_name_type(rdtype: str) -> bool:
    return rdtype in ("NS", "CNAME", "PTR")


def lookup(resolver: dns.resolver.Resolver, name: str | dns.name.Name, rdtype: str) -> Lookup:
    """Ask `resolver` for `name`/`rdtype`; never raises."""
    text = name.to_text().rstrip(".") if isinstance(name, dns.name.Name) else name.rstrip(".")
    try:
        qname = name if isinstance(name, dns.name.Name) else dns.name.from_text(text or ".")
    except (dns.exception.DNSException, ValueError, UnicodeError) as exc:
        return Lookup(text, rdtype, ERROR, error=f"bad name: {exc}")
    try:
        answer = resolver.resolve(qname, rdtype, raise_on_no_answer=False, search=False)
    except dns.resolver.NXDOMAIN as exc:
        responses = list(exc.responses().values())
        authority = tuple(responses[0].authority) if responses else ()
        return Lookup(text, rdtype, NXDOMAIN, authority=authority)
    except dns.resolver.LifetimeTimeout as exc:
        return Lookup(text, rdtype, TIMEOUT, error=str(exc))
    except dns.exception.Timeout as exc:
        return Lookup(text, rdtype, TIMEOUT, error=str(exc))
    except dns.resolver.NoNameservers as exc:
        return Lookup(text, rdtype, SERVFAIL, error=str(exc))
    except dns.resolver.YXDOMAIN as exc:
        return Lookup(text, rdtype, ERROR, error=str(exc))
    except (dns.exception.DNSException, OSError, ValueError, UnicodeError, EOFError) as exc:
        return Lookup(text, rdtype, ERROR, error=f"{type(exc).__name__}: {exc}")
    response = answer.response
    rrset = answer.rrset
    rrsigs = None
    rdtype_value = dns.rdatatype.from_text(rdtype)
    owner = rrset.name if rrset is not None else qname
    for section_rrset in response.answer:
        if (
            section_rrset.rdtype == dns.rdatatype.RRSIG
            and section_rrset.covers == rdtype_value
            and section_rrset.name == owner
        ):
            rrsigs = section_rrset
    return Lookup(text, rdtype, NOERROR, rrset=rrset, rrsigs=rrsigs, authority=tuple(response.authority))


def host_addresses(
    resolver: dns.resolver.Resolver, hostname: str, context: ScanContext
) -> tuple[list[str], str]:
    """The addresses to connect to for `hostname`: the context's override, a literal IP, or A + AAAA through the
    resolver. Returns (addresses, problem) where problem is "" or the rcode/error that left nothing to connect to."""
    if hostname in context.address_overrides:
        return [context.address_overrides[hostname]], ""
    try:
        return [str(ipaddress.ip_address(hostname.strip("[]")))], ""
    except ValueError:
        pass
    addresses: list[str] = []
    problems: list[str] = []
    for rdtype in ("A", "AAAA"):
        result = lookup(resolver, hostname, rdtype)
        if result.rcode == NOERROR:
            addresses.extend(result.texts)
        else:
            problems.append(f"{rdtype} {result.rcode}")
    if addresses:
        return addresses, ""
    return [], ", ".join(problems) or "no A/AAAA records"
