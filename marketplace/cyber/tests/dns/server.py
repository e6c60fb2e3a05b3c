"""A loopback DNS server for the DNS and mail family tests: dnslib's DNSServer (UDP and TCP on one 127.0.0.1 port)
answering from dnspython zones defined in the test, so signed zones (RRSIG, DNSKEY, DS, NSEC) go out byte-exact.

It answers like a recursive resolver that knows every zone: the deepest zone holding the name answers (DS from the
parent), NODATA and NXDOMAIN carry the SOA and, in signed zones, the NSEC proof with its RRSIG. Names in
`servfail` (name, type) answer SERVFAIL; those in `silent` get no answer at all (a time-out); those in
`garbage` get bytes that do not parse as a DNS message.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone
import pytest
from dnslib.server import DNSHandler, DNSServer

from marketplace.cyber.checks.base import ScanContext

IN = dns.rdataclass.IN


class _QuietLogger:
    def __getattr__(self, name):  # log_recv, log_send, log_request, ... all no-ops
        return lambda *args, **kwargs: None


class ZoneSet:
    def __init__(self, zones: list[dns.zone.Zone]) -> None:
        self.zones = {zone.origin: zone for zone in zones}
        # (name, type) pairs, e.g. ("good.test.", "DNSKEY") or ("good.test.", "*") for every type
        self.servfail: set[tuple[str, str]] = set()
        self.silent: set[tuple[str, str]] = set()
        self.garbage: set[tuple[str, str]] = set()  # answered with bytes that are not a DNS message
        self.queries: list[tuple[str, str]] = []

    def _zone_for(self, qname: dns.name.Name, rdtype: int) -> dns.zone.Zone | None:
        candidates = [
            origin
            for origin in self.zones
            if qname.is_subdomain(origin) and not (rdtype == dns.rdatatype.DS and origin == qname)
        ]
        if not candidates:
            return None
        return self.zones[max(candidates, key=lambda origin: len(origin.labels))]

    @staticmethod
    def _add(section: list, zone: dns.zone.Zone, name: dns.name.Name, rdtype: int, dnssec: bool) -> bool:
        node = zone.get_node(name)
        if node is None:
            return False
        rdataset = node.get_rdataset(IN, rdtype)
        if rdataset is None:
            return False
        section.append(dns.rrset.from_rdata_list(name, rdataset.ttl, list(rdataset)))
        if dnssec:
            sigs = node.get_rdataset(IN, dns.rdatatype.RRSIG, rdtype)
            if sigs is not None:
                rrset = dns.rrset.RRset(name, IN, dns.rdatatype.RRSIG, rdtype)
                rrset.update(sigs)
                section.append(rrset)
        return True

    def _covering_nsec(self, zone: dns.zone.Zone, qname: dns.name.Name) -> dns.name.Name | None:
        for name, node in zone.nodes.items():
            owner = name.derelativize(zone.origin)
            nsec = node.get_rdataset(IN, dns.rdatatype.NSEC)
            if nsec is None:
                continue
            nxt = nsec[0].next  # type: ignore[attr-defined]
            if owner < qname < nxt or (nxt <= owner and (qname > owner or qname < nxt)):
                return owner
        return None

    def answer(self, wire: bytes) -> bytes | None:
        query = dns.message.from_wire(wire)
        question = query.question[0]
        qname, rdtype = question.name, question.rdtype
        self.queries.append((qname.to_text(), dns.rdatatype.to_text(rdtype)))
        response = dns.message.make_response(query)
        keys = {(qname.to_text().lower(), dns.rdatatype.to_text(rdtype)), (qname.to_text().lower(), "*")}
        if keys & self.silent:
            return None
        if keys & self.garbage:
            return query.id.to_bytes(2, "big") + b"\x81\x80 not a dns message"
        if keys & self.servfail:
            response.set_rcode(dns.rcode.SERVFAIL)
            return response.to_wire()
        dnssec = bool(query.ednsflags & dns.flags.DO)
        zone = self._zone_for(qname, rdtype)
        if zone is None:
            response.set_rcode(dns.rcode.REFUSED)
            return response.to_wire()
        response.flags |= dns.flags.AA
        relative = qname.relativize(zone.origin)
        if self._add(response.answer, zone, qname, rdtype, dnssec):
            return response.to_wire(max_size=65535)
        if self._add(response.answer, zone, qname, dns.rdatatype.CNAME, dnssec):
            return response.to_wire(max_size=65535)
        self._add(response.authority, zone, zone.origin, dns.rdatatype.SOA, dnssec)
        node = zone.get_node(relative)
        if node is not None or any(name.derelativize(zone.origin).is_subdomain(qname) for name in zone.nodes):
            if dnssec:
                self._add(response.authority, zone, qname, dns.rdatatype.NSEC, dnssec)
            return response.to_wire(max_size=65535)
        response.set_rcode(dns.rcode.NXDOMAIN)
        if dnssec:
            covering = self._covering_nsec(zone, qname)
            if covering is not None:
                self._add(response.authority, zone, covering, dns.rdatatype.NSEC, dnssec)
        return response.to_wire(max_size=65535)


def _handler_for(zones: ZoneSet) -> type[DNSHandler]:
    class Handler(DNSHandler):
        def handle(self) -> None:
            if self.server.socket_type == socket.SOCK_STREAM:
                data = self.request.recv(65535)
                length = int.from_bytes(data[:2], "big")
                while len(data) - 2 < length:
                    more = self.request.recv(65535)
                    if not more:
                        break
                    data += more
                reply = zones.answer(data[2:])
                if reply is not None:
                    self.request.sendall(len(reply).to_bytes(2, "big") + reply)
            else:
                data, connection = self.request
                reply = zones.answer(data)
                if reply is not None:
                    connection.sendto(reply, self.client_address)

    return Handler


@contextmanager
def serve(zones: ZoneSet) -> Iterator[int]:
    """Serve `zones` on 127.0.0.1 (UDP and TCP) and on ::1 (UDP, for the name servers' IPv6 reachability), all on
    the same ephemeral port; yields the port."""
    handler = _handler_for(zones)
    for _attempt in range(20):
        udp = DNSServer(None, address="127.0.0.1", port=0, handler=handler, logger=_QuietLogger())
        port = udp.server.server_address[1]
        try:
            tcp = DNSServer(
                None, address="127.0.0.1", port=port, tcp=True, handler=handler, logger=_QuietLogger()
            )
        except OSError:
            udp.server.server_close()
            continue
        try:
            udp6 = DNSServer(None, address="::1", port=port, handler=handler, logger=_QuietLogger())
        except OSError:
            udp.server.server_close()
            tcp.server.server_close()
            continue
        break
    else:  # pragma: no cover
        raise RuntimeError("no free port for UDP and TCP on 127.0.0.1 and UDP on ::1")
    servers = (udp, tcp, udp6)
    for server in servers:
        server.start_thread()
    try:
        yield port
    finally:
        for server in servers:
            server.stop()
            server.server.server_close()


@contextmanager
def silent_port() -> Iterator[int]:
    """A UDP port on 127.0.0.1 that receives but never answers: every query there times out."""
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    try:
        yield udp.getsockname()[1]
    finally:
        udp.close()


@contextmanager
def closed_web_port() -> Iterator[int]:
    """A TCP port bound but not listening on both 127.0.0.1 and ::1: every connect there is refused, so the web
    reachability probe sees neither family answer (deterministic whatever else runs on the machine)."""
    for _ in range(50):
        v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        v6.bind(("::1", 0))
        port = v6.getsockname()[1]
        v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            v4.bind(("127.0.0.1", port))
        except OSError:
            v4.close()
            v6.close()
            continue
        try:
            yield port
        finally:
            v4.close()
            v6.close()
        return
    raise RuntimeError("no port free on both 127.0.0.1 and ::1")


# --- pytest fixtures (imported by the dns and mail conftest modules) -----------------------------------------


@dataclass(frozen=True)
class ZoneServer:
    zones: ZoneSet
    port: int
    anchors: tuple[str, ...]
    web_port: int = 9  # closed_web_port() in the fixture

    def context(self, **overrides) -> ScanContext:
        values = {
            "ports": {"https": self.web_port, "http": self.web_port, "dns": self.port},
            "nameservers": ("127.0.0.1",),
            "dns_port": self.port,
            "trust_anchors": self.anchors,
            "allow_private": True,
            "timeout": 2.0,
        }
        values.update(overrides)
        return ScanContext(**values)


@pytest.fixture(scope="module")
def dns_zones() -> Iterator[ZoneServer]:
    """The test zones (zones.py) served on 127.0.0.1 for the whole module."""
    from marketplace.cyber.tests.dns import zones

    zone_set, anchors = zones.build()
    with serve(zone_set) as port, closed_web_port() as web_port:
        yield ZoneServer(zone_set, port, anchors, web_port)


@pytest.fixture
def zone_server(dns_zones: ZoneServer) -> ZoneServer:
    """The served zones with the SERVFAIL/silent sets and the query log reset for this test."""
    zones = dns_zones.zones
    for items in (zones.servfail, zones.silent, zones.garbage, zones.queries):
        items.clear()
    return dns_zones
