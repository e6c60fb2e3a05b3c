"""Run the periodic FinOps work now: check every budget and send the alerts due (80 % and 100 %, actual and
forecast), and fail imports whose worker died (running longer than MPS_FINOPS_IMPORT_STALE_MINUTES). Idempotent
(never sends an alert twice); run it from cron, e.g. hourly: `mps finops tick`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from marketplace.finops.services.budgets import budgets_check
from marketplace.finops.services.recovery import finops_imports_recover


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--format", choices=["text", "json"], default="text")


def run(options: dict[str, Any], stdout: Any) -> int:
    result = {"budgets": budgets_check(), "imports": finops_imports_recover()}
    if options["format"] == "json":
        stdout.write(json.dumps(result))
    else:
        stdout.write(
            f"Budgets: {result['budgets']['checked']} checked, {result['budgets']['sent']} alerts sent. "
            f"Stopped imports marked failed: {result['imports']['recovered']}."
        )
    return 0
