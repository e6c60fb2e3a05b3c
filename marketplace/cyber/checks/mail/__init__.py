"""Mail check family: MX / null MX, SPF, DMARC, DKIM, MTA-STS, TLS-RPT and STARTTLS on each MX.

`run(target, context)` retrieves (`retrieve.py`: DNS through `checks.dns.resolver`, SMTP and HTTPS through
`probes.py`, every address through `net.guard`) and evaluates (`evaluate.py`, pure; SPF and DMARC rules in
`spf.py` and `dmarc.py`). Then the TLS family grades the STARTTLS endpoints of the first MX hosts that offer it
(`mx_endpoints`, at most MAX_GRADED_MX of them): its results are filed as `mail.starttls_tls.*` checks of this
domain in the EMAIL category, the MX named in the evidence; with several MX the scan keeps the worst per check.
"""

from __future__ import annotations

import dataclasses

from marketplace.cyber.checks.base import Category, CheckResult, ScanContext
from marketplace.cyber.checks.mail.evaluate import evaluate, mx_endpoints
from marketplace.cyber.checks.mail.retrieve import retrieve

__all__ = ["MAX_GRADED_MX", "mx_endpoints", "run"]

MAX_GRADED_MX = 2


def run(target: str, context: ScanContext) -> list[CheckResult]:
    results = evaluate(retrieve(target, context))
    from marketplace.cyber.checks import tls  # sslyze is loaded only when a domain has mail

    # connect where the STARTTLS probe connected (the MX address from our resolver, not the system's)
    addresses = {
        endpoint["mx"]: endpoint["address"]
        for r in results
        if r.check_id == "mail.starttls"
        for endpoint in r.evidence.get("endpoints", [])
        if endpoint.get("starttls") and endpoint.get("address")
    }
    for host, port in mx_endpoints(results)[:MAX_GRADED_MX]:
        mx_context = dataclasses.replace(
            context, address_overrides={**context.address_overrides, host: addresses.get(host, host)}
        )
        graded = tls.run_endpoint(
            host, port, mx_context, starttls="smtp", check_prefix="mail.starttls_tls", category=Category.EMAIL
        )
        results += [
            dataclasses.replace(r, target=target, evidence={**r.evidence, "mx": host, "port": port})
            for r in graded
        ]
    return results
