"""Exchange rates for NOK reporting: `mps finops rates import FILE.csv` (currency,month,nok_per_unit,source).

Month is YYYY-MM, nok_per_unit is NOK for one unit of the currency (Norges Bank's monthly average is the usual
source). One bad line stores nothing. `mps finops rates list` prints the loaded rates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from marketplace.finops.models import ExchangeRate
from marketplace.finops.services.rates import RatesError, finops_rates_load


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("rates_action", choices=["import", "list"])
    parser.add_argument("file", nargs="?", metavar="FILE.csv")
    parser.add_argument("--format", dest="output", choices=["json", "text"], default="text")


def run(options: dict[str, Any], stdout: Any) -> int:
    output = options.get("output") or "text"
    if options["rates_action"] == "list":
        rates = [
            {
                "currency": r.currency,
                "month": f"{r.month:%Y-%m}",
                "nok_per_unit": str(r.nok_per_unit),
                "source": r.source,
            }
            for r in ExchangeRate.objects.order_by("currency", "month")
        ]
        if output == "json":
            stdout.write(json.dumps(rates, ensure_ascii=False, indent=2))
        else:
            for r in rates:
                stdout.write(f"{r['currency']} {r['month']} {r['nok_per_unit']}  ({r['source']})")
        return 0
    if not options.get("file"):
        return _fail(stdout, output, ["FILE.csv is required for 'rates import'"], code=2)
    path = Path(options["file"])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(stdout, output, [f"{path}: cannot read the file ({exc})"], code=1)
    try:
        result = finops_rates_load(lines=text.splitlines())
    except RatesError as exc:
        return _fail(stdout, output, exc.errors, code=1)
    if output == "json":
        stdout.write(json.dumps({"status": "done", **result.as_dict()}))
    else:
        stdout.write(f"Rates loaded: {result.created} new, {result.updated} updated")
    return 0


def _fail(stdout: Any, output: str, errors: list[str], *, code: int) -> int:
    if output == "json":
        stdout.write(json.dumps({"status": "failed", "errors": errors}, ensure_ascii=False))
    else:
        stdout.write("Rates not loaded:\n  " + "\n  ".join(errors))
    return code
