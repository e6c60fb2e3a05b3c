"""Check FOCUS cost files for conformance without storing anything.

`mps finops check PATH... [--focus-version V] [--format text|json]` reads CSV (plain or gzip) or Parquet files or
folders, runs the conformance checker and prints the summary. Exit code 0: every row usable; 1: rows rejected or
the file cannot be used at all; 2: the input cannot be read (or an unknown version was asked for).
"""

from __future__ import annotations

import json
from typing import Any

import duckdb

from marketplace.finops.focus.check import VERSIONS, CheckResult, check_relation
from marketplace.finops.reader import SourceError, open_sources

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def add_arguments(parser: Any) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="CSV, CSV.gz or Parquet file, or a folder of them"
    )
    parser.add_argument(
        "--focus-version",
        choices=VERSIONS,
        default=None,
        help="check against this FOCUS version (default: detect)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")


def summary(result: CheckResult) -> dict[str, Any]:
    findings = sorted(result.findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.rule_id, f.column))
    return {
        "focus_version": result.focus_version,
        "rows": result.rows,
        "rows_rejected": result.rows_rejected,
        "fatal": result.fatal,
        "findings": [f.as_dict() for f in findings],
    }


def run(options: dict[str, Any], stdout: Any) -> int:
    con = duckdb.connect()
    try:
        try:
            # as the ingest reads FOCUS files: CSV rows numbered by the checker, a clean typed source not copied
            open_sources(con, options["paths"], number_csv_rows=False)
            result = check_relation(con, "source", version=options.get("focus_version"), direct=True)
        except SourceError as exc:
            _error(stdout, options["format"], str(exc))
            return 2
        except duckdb.Error as exc:
            _error(stdout, options["format"], f"Could not read the file(s): {str(exc).splitlines()[0]}")
            return 2
    finally:
        con.close()
    data = summary(result)
    if options["format"] == "json":
        stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        stdout.write(_text(data))
    return 1 if result.fatal or result.rows_rejected else 0


def _error(stdout: Any, fmt: str, message: str) -> None:
    if fmt == "json":
        stdout.write(json.dumps({"detail": message, "errors": [message]}, ensure_ascii=False))
    else:
        stdout.write(f"Error: {message}")


def _text(data: dict[str, Any]) -> str:
    verdict = (
        "the file cannot be used"
        if data["fatal"]
        else "conformant enough to import"
        if not data["rows_rejected"]
        else f"{data['rows_rejected']} row(s) would be rejected"
    )
    lines = [
        f"FOCUS {data['focus_version']}: {data['rows']} rows, {data['rows_rejected']} rejected ({verdict})",
    ]
    for f in data["findings"]:
        column = f" [{f['column']}]" if f["column"] else ""
        lines.append(f"{f['severity'].upper():7} {f['rule_id']}{column}: {f['message']}")
    return "\n".join(lines)
