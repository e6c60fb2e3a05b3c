"""Import FOCUS cost files (CSV, CSV.gz, Parquet; files or folders) for an organisation.

`--format` takes either a source format (focus, aws-cur, azure-ea, oci) or an output format (json, text), as the
issue writes both; `--format json` therefore means "JSON summary, source format focus". Use `--source-format` and
`--output` to give both explicitly (e.g. `--source-format aws-cur --output json`).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from marketplace.accounts.models import Organisation
from marketplace.finops.models import ImportFormat, ImportStatus
from marketplace.finops.services.ingest import finops_import, import_summary

OUTPUTS = ("json", "text")

EPILOG = (
    "--format accepts a source format (focus, aws-cur, azure-ea, oci) or an output format (json, text): "
    "'--format json' prints the JSON summary of a FOCUS import. --source-format and --output set each one explicitly "
    "and win over --format. Exit code 0 when the import is done, 1 when it failed (nothing stored), 2 for bad "
    "arguments."
)


def add_arguments(parser: CommandParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="CSV, CSV.gz or Parquet file, or a folder of them"
    )
    parser.add_argument("--org", required=True, metavar="ORGNR", help="organisation number of the buyer")
    parser.add_argument(
        "--format",
        dest="import_format",
        choices=[*ImportFormat.values, *OUTPUTS],
        default=None,
        help="source format (default focus), or json/text for the summary format (see below)",
    )
    parser.add_argument("--source-format", choices=ImportFormat.values, default=None, help="source format")
    parser.add_argument("--output", choices=OUTPUTS, default=None, help="summary format (default text)")
    parser.add_argument("--focus-version", choices=["1.0", "1.1", "1.2", "1.3"], default=None)


def resolve_formats(options: dict[str, Any]) -> tuple[str, str]:
    """(source format, output format) from --format, --source-format and --output."""
    given = options.get("import_format")
    source = options.get("source_format") or (given if given in ImportFormat.values else None) or "focus"
    output = options.get("output") or (given if given in OUTPUTS else None) or "text"
    return source, output


def _error(stdout: Any, output: str, message: str) -> None:
    if output == "json":
        stdout.write(json.dumps({"status": "failed", "error": message}, ensure_ascii=False))
    else:
        stdout.write(f"Import failed: {message}")


def run(options: dict[str, Any], stdout: Any) -> int:
    source_format, output = resolve_formats(options)
    organisation = Organisation.objects.filter(orgnr=str(options["org"]).replace(" ", "")).first()
    if organisation is None:
        _error(stdout, output, f"No organisation with organisation number {options['org']}")
        return 2
    focus_import = finops_import(
        organisation=organisation,
        paths=options["paths"],
        source_format=source_format,
        focus_version=options.get("focus_version"),
    )
    summary = import_summary(focus_import)
    if output == "json":
        stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _write_text(stdout, summary)
    return 0 if focus_import.status == ImportStatus.DONE else 1


def _write_text(stdout: Any, summary: dict[str, Any]) -> None:
    if summary["status"] == ImportStatus.DONE:
        stdout.write(
            f"Import {summary['import_id']} done: {summary['rows_loaded']} rows loaded, "
            f"{summary['rows_rejected']} rejected (FOCUS {summary['focus_version']}); periods "
            + ", ".join(f"{p['period']} ({p['rows']})" for p in summary["periods"])
        )
    else:
        stdout.write(f"Import {summary['import_id']} failed: {summary['error']}")
    for finding in summary["findings"]:
        column = f" [{finding['column']}]" if finding["column"] else ""
        stdout.write(
            f"  {finding['severity']:<7} {finding['rule_id']}{column}: {finding['rows']} rows — {finding['message']}"
        )
