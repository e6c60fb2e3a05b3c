"""Mail check family: MX / null MX, SPF, DMARC, DKIM, MTA-STS, TLS-RPT and STARTTLS on each MX.

`run(target, context)` retrieves (`retrieve.py`: DNS through `checks.dns.resolver`, SMTP and HTTPS through
`probes.py`, every address through `net.guard`) and evaluates (`evaluate.py`, pure; SPF and DMARC rules in
`spf.py` and `dmarc.py`). `mx_endpoints(results)` lists the MX endpoints for the TLS family's deeper grading.
"""

from __future__ import annotations

from marketplace.cyber.checks.base import CheckResult, ScanContext
from marketplace.cyber.checks.mail.evaluate import evaluate, mx_endpoints
from marketplace.cyber.checks.mail.retrieve import retrieve

__all__ = ["mx_endpoints", "run"]


def run(target: str, context: ScanContext) -> list[CheckResult]:
    return evaluate(retrieve(target, context))
