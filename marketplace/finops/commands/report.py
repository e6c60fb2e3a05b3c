"""Print an organisation's cost report: totals, by provider, NOK, over time, commitments and more.

`mps finops report --org ORGNR [--from YYYY-MM] [--to YYYY-MM] [--format json|text]`. Money in JSON is a string with
the stored decimals (exact). Exit code 2 for bad input (unknown organisation, bad month), with a JSON error
`{"detail": ..., "errors": [...]}` for `--format json`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

from marketplace.accounts.models import Organisation
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.analytics.report import Filters, optimisation_sections, report_build

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def add_arguments(parser: Any) -> None:
    parser.add_argument("--org", required=True, help="organisation number (orgnr)")
    parser.add_argument("--from", dest="period_from", help="first billing month, YYYY-MM")
    parser.add_argument("--to", dest="period_to", help="last billing month, YYYY-MM (inclusive)")
    parser.add_argument("--format", dest="output_format", choices=["json", "text"], default="text")
    parser.add_argument("--provider")
    parser.add_argument("--service-category")
    parser.add_argument("--service")
    parser.add_argument("--sub-account")
    parser.add_argument("--region")
    parser.add_argument("--tag-key")
    parser.add_argument("--tag-value")
    parser.add_argument(
        "--engine", choices=["duckdb", "pyspark"], help="analytics engine (default: the setting)"
    )


def parse_month(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    match = MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"{field}: expected a month as YYYY-MM, got {value!r}")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")  # plain digits, never E-notation
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"Not JSON serialisable: {type(value).__name__}")


def _error(stdout: Any, output_format: str, detail: str, errors: list[dict[str, str]]) -> int:
    if output_format == "json":
        stdout.write(json.dumps({"detail": detail, "errors": errors}, ensure_ascii=False))
    else:
        stdout.write(f"Error: {detail}")
        for error in errors:
            stdout.write(f"  {error['field']}: {error['message']}")
    return 2


def run(options: dict[str, Any], stdout: Any) -> int:
    output_format = options.get("output_format") or "text"
    errors: list[dict[str, str]] = []
    organisation = Organisation.objects.filter(orgnr=options["org"]).first()
    if organisation is None:
        errors.append({"field": "org", "message": f"No organisation with orgnr {options['org']!r}"})
    months: dict[str, dt.date | None] = {}
    for field in ("period_from", "period_to"):
        try:
            months[field] = parse_month(options.get(field), "--from" if field == "period_from" else "--to")
        except ValueError as exc:
            errors.append({"field": field, "message": str(exc)})
    start, end = months.get("period_from"), months.get("period_to")
    if not errors and start and end and start > end:
        errors.append({"field": "period_to", "message": "--to is before --from"})
    if errors or organisation is None:
        return _error(stdout, output_format, "Invalid report request", errors)
    scope = Scope((organisation.pk,), period_from=months["period_from"], period_to=months["period_to"])
    filters = Filters(
        provider=options.get("provider"),
        service_category=options.get("service_category"),
        service=options.get("service"),
        sub_account=options.get("sub_account"),
        region=options.get("region"),
        tag_key=options.get("tag_key"),
        tag_value=options.get("tag_value"),
    )
    report = report_build(scope, options.get("engine"), filters=filters)
    report.update(optimisation_sections(scope, engine=options.get("engine")))
    document = {
        "organisation": organisation.orgnr,
        "period_from": f"{months['period_from']:%Y-%m}" if months["period_from"] else None,
        "period_to": f"{months['period_to']:%Y-%m}" if months["period_to"] else None,
        **report,
    }
    if output_format == "json":
        stdout.write(json.dumps(document, default=to_json, ensure_ascii=False, indent=2))
    else:
        stdout.write(render_text(document))
    return 0


def render_text(document: dict[str, Any]) -> str:
    lines = [f"Cost report for {document['organisation']}"]
    if document.get("period_from") or document.get("period_to"):
        lines.append(
            f"Billing periods {document.get('period_from') or '…'} – {document.get('period_to') or '…'}"
        )
    lines.append("")
    lines.append("Totals (billed / effective / list / contracted):")
    for row in document.get("totals", []):
        lines.append(
            f"  {row['currency']}: {row['billed_cost']} / {row['effective_cost']} / {row['list_cost']} / "
            f"{row['contracted_cost']}"
        )
    nok = document.get("nok")
    if nok:
        lines.append(f"In NOK: billed {nok['billed_cost']}, effective {nok['effective_cost']}")
        for missing in nok["missing_rates"]:
            lines.append(f"  missing exchange rate: {missing['currency']} {missing['month']}")
    lines.append("By provider (billed / effective):")
    for row in document.get("by_provider", []):
        lines.append(f"  {row['provider']} {row['currency']}: {row['billed_cost']} / {row['effective_cost']}")
    lines.append("By month (billed / effective):")
    for row in document.get("by_month", []):
        lines.append(f"  {row['period']} {row['currency']}: {row['billed_cost']} / {row['effective_cost']}")
    return "\n".join(lines)
