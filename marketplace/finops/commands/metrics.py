"""Import monthly business metrics for unit economics: `mps finops metrics import FILE --org ORGNR`.

CSV columns name, unit, month (YYYY-MM), value (> 0). A (name, month) already stored is replaced; an error anywhere
stores nothing."""

from __future__ import annotations

from typing import Any

from marketplace.finops.commands._optimise_import import add_import_arguments, run_import
from marketplace.finops.services.optimise import business_metrics_import


def add_arguments(parser: Any) -> None:
    add_import_arguments(parser, "import business metrics from a CSV file")


def run(options: dict[str, Any], stdout: Any) -> int:
    return run_import(options, stdout, business_metrics_import)
