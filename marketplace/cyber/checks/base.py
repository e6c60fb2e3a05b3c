"""Result types shared by every check family. Standard library only.

Scoring follows internet.nl (reference: cyber-privacy.md §A1.2): each subtest has points FULL=10, HALF=5, LESS=2,
NONE=0 and a level. Only REQUIRED subtests count toward a category's percentage; RECOMMENDED and INFORMATIONAL
ones are shown (with their advice) but do not change the score.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

FULL = 10
HALF = 5
LESS = 2
NONE = 0


class Status(enum.StrEnum):
    PASS = "pass"  # noqa: S105  # internet.nl SUCCESS
    FAIL = "fail"
    WARNING = "warning"  # internet.nl NOTICE: recommended, not met
    INFO = "info"
    NOT_TESTED = "not_tested"  # a precondition failed (e.g. no HTTPS, so no HSTS test)
    ERROR = "error"  # the test could not be run (time-out, garbage answer); never a crash


class Level(enum.StrEnum):
    REQUIRED = "required"
    RECOMMENDED = "recommended"
    INFORMATIONAL = "informational"


class Category(enum.StrEnum):
    """The platform's outside-in categories (cyber-privacy.md §A4, 'proposed platform category model')."""

    WEB_TRANSPORT = "web_transport"  # HTTPS, redirect, HSTS, TLS versions/ciphers, certificate
    WEB_HEADERS = "web_headers"  # CSP, XFO, XCTO, Referrer-Policy, cookies, CORS, SRI, COOP/COEP/CORP
    EMAIL = "email"  # MX, STARTTLS, SPF, DKIM, DMARC, MTA-STS, TLS-RPT
    DNS = "dns"  # DNSSEC, CAA, name-server redundancy
    NETWORK = "network"  # IPv6 reachability
    VULNERABILITIES = "vulnerabilities"  # software versions matched to KEV
    DISCLOSURE = "disclosure"  # security.txt, certificate expiry window
    HUMAN = "human"  # awareness-training completion (from the tracker, not outside-in)
    THREAT_INTEL = "threat_intel"  # STIX indicators matching the organisation's assets


@dataclass(frozen=True)
class CheckResult:
    """One subtest's outcome for one target (host, mail domain or TLS endpoint).

    `check_id` is stable and dotted (`web.hsts`, `tls.protocols`, `mail.dmarc_policy`); the app maps it to the
    Norwegian/English explanation and fix text. `evidence` is JSON-serialisable: what was seen (header value, record
    text, protocol list), enough to explain the points without re-running the scan. `points` is in 0..max_points.
    """

    check_id: str
    category: Category
    status: Status
    level: Level
    points: int
    max_points: int = FULL
    evidence: dict[str, Any] = field(default_factory=dict)
    target: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.points <= self.max_points:
            raise ValueError(f"{self.check_id}: points {self.points} outside 0..{self.max_points}")

    @property
    def counts(self) -> bool:
        """Whether it counts toward the category percentage (internet.nl: only 'required' subtests)."""
        return self.level == Level.REQUIRED and self.status not in (Status.NOT_TESTED, Status.INFO)

    @property
    def points_lost(self) -> int:
        return self.max_points - self.points if self.counts else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id,
            "category": str(self.category),
            "status": str(self.status),
            "level": str(self.level),
            "points": self.points,
            "max_points": self.max_points,
            "evidence": self.evidence,
            "target": self.target,
        }


@dataclass(frozen=True)
class ScanContext:
    """How retrieval reaches the network. Tests point everything at loopback servers they start themselves.

    - `nameservers`/`dns_port`: the resolver to use (empty = system resolver).
    - `address_overrides`: hostname -> IP address to connect to without DNS (like curl --resolve).
    - `ports`: service -> port overrides (`https`, `http`, `smtp`), for servers on ephemeral ports.
    - `ca_file`: an extra trust anchor (PEM) for certificate validation; public trust stores still decide
      'trusted by the public stores'.
    - `trust_anchors`: DNSSEC root/test trust anchors as DS/DNSKEY text, empty = the IANA root.
    - `allow_private`: connect to private/loopback/link-local addresses (MPS_ALLOW_PRIVATE_TARGETS).
    - `timeout`: seconds per connection or query; `max_header_bytes`: refuse larger responses (a finding).
    """

    nameservers: tuple[str, ...] = ()
    dns_port: int = 53
    address_overrides: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    ca_file: str | None = None
    trust_anchors: tuple[str, ...] = ()
    allow_private: bool = False
    timeout: float = 5.0
    max_header_bytes: int = 64 * 1024

    def port(self, service: str, default: int) -> int:
        return self.ports.get(service, default)
