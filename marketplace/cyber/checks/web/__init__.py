"""The web check family: HTTPS, HTTP->HTTPS redirect, HSTS, the Observatory header tests, security.txt.

`retrieve` touches the network (through `net.guard`), `evaluate`, `observatory` and `securitytxt` are pure.
"""

from __future__ import annotations

import logging

from marketplace.cyber.checks.base import CheckResult, ScanContext
from marketplace.cyber.checks.web.evaluate import CHECK_IDS, error, evaluate
from marketplace.cyber.checks.web.retrieve import WebEvidence, retrieve

__all__ = ["CHECK_IDS", "WebEvidence", "evaluate", "retrieve", "run"]

logger = logging.getLogger(__name__)


def run(target: str, context: ScanContext) -> list[CheckResult]:
    """Retrieve and evaluate one host. Never raises: an unexpected failure gives ERROR results."""
    try:
        return evaluate(retrieve(target, context))
    except Exception as exc:  # the registry contract: network trouble and bad answers never crash a scan
        logger.exception("web checks crashed for %s", target)
        return [
            error(check_id, target, "internal_error", f"{type(exc).__name__}: {exc}")
            for check_id in CHECK_IDS
        ]
