"""Fixtures for the DNS family tests: the loopback zone server (see server.py, zones.py)."""

from __future__ import annotations

from marketplace.cyber.tests.dns.server import dns_zones, zone_server  # noqa: F401  (fixtures)
