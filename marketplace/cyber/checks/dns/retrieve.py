"""DNS family retrieval: the only part that talks to the network (DNS only, through the context's resolver).

Never raises for network trouble: every answer, NXDOMAIN, SERVFAIL or time-out is kept as a `Lookup` for
`evaluate` to judge.
"""

from __future__ import annotations

import errno
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query

from marketplace.cyber.checks import net
from marketplace.cyber.checks.base import ScanContext
from marketplace.cyber.checks.dns.chain import ChainData, fetch_chain
from marketplace.cyber.checks.dns.resolver import ERROR, NOERROR, NXDOMAIN, Lookup, lookup, make_resolver

MAX_NAME_SERVERS = 13  # as many as a referral can carry; more is a misconfiguration we don't chase
MAX_REACH_ADDRESSES = 2  # IPv6 addresses of the target tried for reachability
MAX_REACH_NAME_SERVERS = 4  # name servers (one IPv6 address each) asked over IPv6, at the same time
REACH_PORTS = (("https", 443), ("http", 80))
# connect() outcomes
OPEN, REFUSED, TIMEOUT, NO_ROUTE, UNREACHABLE = "open", "refused", "timeout", "no_route", "unreachable"
# a DNS query to a name server's IPv6 address: a DNS message came back (any rcode), or one of the outcomes above,
# or GARBAGE (bytes that are not a DNS answer to the query)
ANSWERED, GARBAGE = "answered", "garbage"
_NO_ROUTE_ERRNOS = {errno.ENETUNREACH, errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT}


@dataclass(frozen=True)
class WebReach:
    """TCP reachability of the target's web ports: the first IPv4 address and up to two IPv6 addresses, port ->
    outcome (open, refused, timeout, no_route = the scanner itself has no route, unreachable). `refused` is set
    instead when net.guard refused an address (private/loopback without MPS_ALLOW_PRIVATE_TARGETS)."""

    ipv4: dict[str, dict[int, str]] = field(default_factory=dict)
    ipv6: dict[str, dict[int, str]] = field(default_factory=dict)
    refused: str = ""


@dataclass(frozen=True)
class NsReach:
    """Whether the zone's name servers answer DNS over IPv6 (internet.nl `ns_reach`): name server -> {IPv6 address:
    outcome} (answered, timeout, no_route, unreachable, garbage) for up to MAX_REACH_NAME_SERVERS name servers with
    an AAAA record. `refused` is set instead when net.guard refused an address."""

    probes: dict[str, dict[str, str]] = field(default_factory=dict)
    refused: str = ""


@dataclass(frozen=True)
class DnsEvidence:
    target: str
    a: Lookup
    aaaa: Lookup
    zone: str = ""  # the zone apex holding the target ("" when not found)
    ns: Lookup | None = None  # NS at the zone apex (or the failed lookup that stopped the search)
    ns_addresses: dict[str, dict[str, Lookup]] = field(
        default_factory=dict
    )  # NS host -> {"A": .., "AAAA": ..}
    caa: Lookup | None = (
        None  # the first CAA RRset found climbing from the target (RFC 8659 §3), or the last try
    )
    chain: ChainData | None = None
    reach: WebReach | None = None  # None: not probed (the evaluation then judges the AAAA record alone)
    ns_reach: NsReach | None = None  # None: not probed (no zone found)


def normalise_target(target: str) -> str:
    """A bare lower-case ASCII (IDNA) name from a name, URL or host:port; left as typed if it is no DNS name."""
    name = target.strip().lower().rstrip(".")
    if "://" in name:
        name = name.split("://", 1)[1]
    name = name.split("/", 1)[0].split(":", 1)[0]
    try:
        return dns.name.from_text(name).to_text(omit_final_dot=True).lower()
    except (dns.exception.DNSException, ValueError, UnicodeError):
        return name


def _ancestors(name: str, *, min_labels: int) -> list[str]:
    """`name` and its parents while they have at least `min_labels` labels: a.b.example.no → … → example.no."""
    labels = name.split(".")
    return [".".join(labels[i:]) for i in range(len(labels)) if len(labels) - i >= min_labels]


def find_zone(resolver, name: str) -> tuple[str, Lookup]:
    """The closest enclosing zone apex (the first name, climbing, with its own NS RRset) and that NS lookup. On a
    time-out or SERVFAIL the search stops and returns ("", failed lookup)."""
    last: Lookup | None = None
    for candidate in _ancestors(name, min_labels=1):
        result = lookup(resolver, candidate, "NS")
        last = result
        if result.rcode not in (NOERROR, NXDOMAIN):
            return "", result
        if result.rrset is not None and result.rrset.name == dns.name.from_text(candidate):
            return candidate, result
    return "", last or Lookup(name, "NS", ERROR, error="no name")


def find_caa(resolver, name: str) -> Lookup:
    """RFC 8659 §3: the CAA RRset of the name, else of its parents (stopping above the registrable-ish level)."""
    last: Lookup | None = None
    for candidate in _ancestors(name, min_labels=2) or [name]:
        result = lookup(resolver, candidate, "CAA")
        last = result
        if not result.ok or result.rrset is not None:
            return result
    assert last is not None
    return last


def tcp_reach(address: str, port: int, timeout: float) -> str:
    """One TCP connect to an address net.guard has passed."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect((address, port))
        return OPEN
    except TimeoutError:
        return TIMEOUT
    except ConnectionRefusedError:
        return REFUSED
    except OSError as exc:
        return NO_ROUTE if exc.errno in _NO_ROUTE_ERRNOS else UNREACHABLE
    finally:
        sock.close()


def probe_web_reach(name: str, a: Lookup, aaaa: Lookup, context: ScanContext) -> WebReach | None:
    """Connect to the web ports over IPv4 and IPv6 (internet.nl's web_ipv6_ws_reach: IPv6 must reach what IPv4
    reaches). None when the target has no AAAA record."""
    v6 = aaaa.texts[:MAX_REACH_ADDRESSES]
    if not v6:
        return None
    v4 = a.texts[:1]
    try:
        net.guard([*v4, *v6], context, hostname=name)
    except net.TargetRefused as exc:
        return WebReach(refused=str(exc))
    ports = [context.port(service, default) for service, default in REACH_PORTS]
    return WebReach(
        ipv4={address: {port: tcp_reach(address, port, context.timeout) for port in ports} for address in v4},
        ipv6={address: {port: tcp_reach(address, port, context.timeout) for port in ports} for address in v6},
    )


def dns_reach(address: str, zone: str, port: int, timeout: float) -> str:
    """One non-recursive SOA query for the zone over UDP to a name server's address net.guard has passed."""
    query = dns.message.make_query(zone, "SOA")
    query.flags = dns.flags.Flag(0)  # not recursive: the name server itself must answer
    try:
        dns.query.udp(query, address, port=port, timeout=timeout, raise_on_truncation=False)
    except dns.exception.Timeout:
        return TIMEOUT
    except dns.exception.DNSException:  # FormError, BadResponse, UnexpectedSource, ...
        return GARBAGE
    except ConnectionRefusedError:
        return REFUSED
    except OSError as exc:
        return NO_ROUTE if exc.errno in _NO_ROUTE_ERRNOS else UNREACHABLE
    except ValueError:  # a truncated or otherwise broken wire message
        return GARBAGE
    return ANSWERED


def probe_ns_reach(zone: str, ns_addresses: dict[str, dict[str, Lookup]], context: ScanContext) -> NsReach:
    """Ask the first IPv6 address of each name server with an AAAA record (at most MAX_REACH_NAME_SERVERS, in
    parallel) for the zone's SOA, on port 53 (`context.port("dns", 53)`)."""
    targets = {
        host: lookups["AAAA"].texts[0]
        for host, lookups in sorted(ns_addresses.items())
        if lookups["AAAA"].texts
    }
    targets = dict(list(targets.items())[:MAX_REACH_NAME_SERVERS])
    if not targets:
        return NsReach()
    try:
        for host, address in targets.items():
            net.guard([address], context, hostname=host)
    except net.TargetRefused as exc:
        return NsReach(refused=str(exc))
    port = context.port("dns", 53)
    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        outcomes = {
            host: pool.submit(dns_reach, address, zone, port, context.timeout)
            for host, address in targets.items()
        }
        return NsReach(probes={host: {targets[host]: future.result()} for host, future in outcomes.items()})


def retrieve(target: str, context: ScanContext) -> DnsEvidence:
    name = normalise_target(target)
    resolver = make_resolver(context)
    a = lookup(resolver, name, "A")
    aaaa = lookup(resolver, name, "AAAA")
    if a.rcode == NXDOMAIN or (not a.ok and not aaaa.ok):
        return DnsEvidence(name, a, aaaa)
    zone, ns = find_zone(resolver, name)
    ns_addresses: dict[str, dict[str, Lookup]] = {}
    if zone and ns.rrset is not None:
        for host in ns.texts[:MAX_NAME_SERVERS]:
            ns_addresses[host] = {rdtype: lookup(resolver, host, rdtype) for rdtype in ("A", "AAAA")}
    caa = find_caa(resolver, name)
    chain = fetch_chain(make_resolver(context, dnssec=True), name, context.trust_anchors)
    reach = probe_web_reach(name, a, aaaa, context)
    ns_reach = probe_ns_reach(zone, ns_addresses, context) if zone else None
    return DnsEvidence(name, a, aaaa, zone, ns, ns_addresses, caa, chain, reach, ns_reach)
