"""DNS check family: DNSSEC (secure/insecure/bogus), CAA, name-server redundancy and IPv6 (AAAA records and
whether the name servers answer DNS over IPv6), web IPv6.

`run(target, context)` retrieves (`retrieve.py`, DNS only, through the resolver from `resolver.py`) and evaluates
(`evaluate.py`, pure). The results' evidence carries the resolved A/AAAA (dns.web_ipv6) and NS (dns.ns_count);
`evaluate.resolved_records(results)` collects them in the shape of `Scan.resolved`.
"""

from __future__ import annotations

from marketplace.cyber.checks.base import CheckResult, ScanContext
from marketplace.cyber.checks.dns.evaluate import evaluate, resolved_records
from marketplace.cyber.checks.dns.retrieve import retrieve

__all__ = ["resolved_records", "run"]


def run(target: str, context: ScanContext) -> list[CheckResult]:
    return evaluate(retrieve(target, context))
