"""The TLS check family: protocol versions, cipher suites, key exchange, certificate and an SSL Labs style grade.

`run(target, context)` scans the HTTPS port of a host (context.port("https", 443)); `run_endpoint()` scans any
TLS endpoint, also SMTP with STARTTLS (the mail family calls it with starttls="smtp",
check_prefix="mail.starttls_tls", category=Category.EMAIL). Retrieval: `retrieve.py` (sslyze, network) and
`convert.py` (sslyze objects -> TlsEvidence). Pure: `ncsc.py`, `grade.py`, `evaluate.py`, `certificates.py`.
Check ids and levels: see `evaluate.py`.
"""

from __future__ import annotations

from marketplace.cyber.checks.base import Category, CheckResult, ScanContext
from marketplace.cyber.checks.tls.evaluate import error_results, evaluate_endpoint
from marketplace.cyber.checks.tls.evidence import ERROR_SCANNER

__all__ = ["run", "run_endpoint"]

STARTTLS_PROTOCOLS = ("smtp",)


def run(target: str, context: ScanContext) -> list[CheckResult]:
    return run_endpoint(target, context.port("https", 443), context)


def run_endpoint(
    host: str,
    port: int,
    context: ScanContext,
    *,
    starttls: str | None = None,
    check_prefix: str = "tls",
    category: Category = Category.WEB_TRANSPORT,
) -> list[CheckResult]:
    """Scan one TLS endpoint and evaluate it. Never raises for network trouble: those are ERROR results."""
    if starttls is not None and starttls not in STARTTLS_PROTOCOLS:
        raise ValueError(
            f"unsupported STARTTLS protocol {starttls!r}; supported: {', '.join(STARTTLS_PROTOCOLS)}"
        )
    # sslyze is imported only here, so the pure modules (ncsc, grade, evaluate) load without it.
    from marketplace.cyber.checks.tls.retrieve import retrieve

    try:
        evidences = retrieve(host, port, context, starttls=starttls)
    except Exception as exc:  # the scanner itself failed; one target must not stop an organisation's scan
        return error_results(
            f"{host}:{port}",
            ERROR_SCANNER,
            f"{type(exc).__name__}: {exc}",
            check_prefix=check_prefix,
            category=category,
            starttls=starttls,
        )
    return evaluate_endpoint(evidences, check_prefix=check_prefix, category=category)
