"""The one gate for outgoing connections: refuse private, loopback, link-local and other non-public addresses
unless the context allows them (DESIGN.md, 'Network from the server'; SSRF protection)."""

from __future__ import annotations

import ipaddress
import socket

from marketplace.cyber.checks.base import ScanContext


class TargetRefused(Exception):
    """The target resolves to an address the scanner must not connect to."""


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def resolve_addresses(hostname: str, context: ScanContext) -> list[str]:
    """The addresses the scanner would connect to: the override, a literal IP, or the system resolver's answer."""
    if hostname in context.address_overrides:
        return [context.address_overrides[hostname]]
    try:
        return [str(ipaddress.ip_address(hostname.strip("[]")))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(hostname, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def guard(addresses: list[str], context: ScanContext, *, hostname: str = "") -> list[str]:
    """Return the addresses if every one may be contacted; raise TargetRefused naming the first that may not.

    All must pass, not just one: a name that resolves to both a public and a private address is refused (DNS
    rebinding-style tricks otherwise reach the inside)."""
    if context.allow_private:
        return addresses
    for address in addresses:
        if not is_public_address(address):
            raise TargetRefused(f"{hostname or address} resolves to non-public address {address}")
    return addresses
