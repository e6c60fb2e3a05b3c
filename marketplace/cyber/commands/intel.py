"""`mps cyber` sub-commands for threat intelligence and awareness training.

    mps cyber kev-import FILE.json [--format json]
    mps cyber stix-import FILE.json [--format json]
    mps cyber awareness-import ORGNR FILE.csv [--format json]
    mps cyber alerts-match [--orgnr ORGNR] [--format json]

Each function takes the parsed argparse arguments and a stream, prints a summary (or JSON) and returns the exit
code: 0 done, 1 the file was refused (nothing stored; every error printed), 2 bad arguments. `register(subparsers)`
adds the four sub-commands to an argparse sub-parser group with `func` set to the function.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from marketplace.accounts.models import Organisation
from marketplace.core.exceptions import ApplicationError
from marketplace.cyber.services import awareness as awareness_services
from marketplace.cyber.services import intel as intel_services


def _out(stdout: Any, text: str) -> None:
    stdout.write(text if text.endswith("\n") else text + "\n")


def _fail(args: argparse.Namespace, stdout: Any, message: str, errors: list[str], *, code: int = 1) -> int:
    if getattr(args, "format", "text") == "json":
        _out(stdout, json.dumps({"status": "error", "detail": message, "errors": errors}, ensure_ascii=False))
    else:
        _out(stdout, message)
        for error in errors:
            _out(stdout, f"  {error}")
    return code


def _file(args: argparse.Namespace, stdout: Any) -> Path | None:
    path = Path(args.file)
    if not path.is_file():
        _fail(args, stdout, f"{path}: no such file", [], code=2)
        return None
    return path


def _error_list(exc: ApplicationError) -> list[str]:
    return [error.get("message", "") for error in exc.errors]


def kev_import(args: argparse.Namespace, stdout: Any = sys.stdout) -> int:
    path = _file(args, stdout)
    if path is None:
        return 2
    try:
        result = intel_services.kev_import(actor=None, file=path)
    except ApplicationError as exc:
        return _fail(args, stdout, exc.message, _error_list(exc))
    catalogue = result.catalogue
    summary = {
        "status": "imported" if result.created else "unchanged",
        "version": catalogue.version,
        "count": catalogue.count,
        "sha256": catalogue.sha256,
    }
    if args.format == "json":
        _out(stdout, json.dumps(summary))
    else:
        verb = "imported" if result.created else "already imported"
        _out(stdout, f"KEV {catalogue.version}: {catalogue.count} vulnerabilities {verb}")
    return 0


def stix_import(args: argparse.Namespace, stdout: Any = sys.stdout) -> int:
    path = _file(args, stdout)
    if path is None:
        return 2
    try:
        result = intel_services.stix_import(actor=None, file=path)
    except ApplicationError as exc:
        return _fail(args, stdout, exc.message, _error_list(exc))
    bundle = result.bundle
    summary = {
        "status": "imported" if result.created else "unchanged",
        "bundle_id": bundle.bundle_id,
        "version": bundle.version,
        "objects": bundle.object_count,
    }
    if args.format == "json":
        _out(stdout, json.dumps(summary))
    else:
        verb = "imported" if result.created else "already imported"
        _out(stdout, f"STIX {bundle.bundle_id} v{bundle.version}: {bundle.object_count} objects {verb}")
    return 0


def awareness_import(args: argparse.Namespace, stdout: Any = sys.stdout) -> int:
    organisation = Organisation.objects.filter(orgnr=str(args.orgnr).replace(" ", "")).first()
    if organisation is None:
        return _fail(args, stdout, f"No organisation with organisation number {args.orgnr}", [], code=2)
    path = _file(args, stdout)
    if path is None:
        return 2
    try:
        record_import = awareness_services.awareness_import(actor=None, organisation=organisation, file=path)
    except ApplicationError as exc:
        return _fail(args, stdout, exc.message, _error_list(exc))
    if args.format == "json":
        _out(
            stdout,
            json.dumps(
                {
                    "status": "imported",
                    "orgnr": organisation.orgnr,
                    "rows": record_import.rows,
                    "periods": record_import.periods,
                }
            ),
        )
    else:
        _out(
            stdout,
            f"{organisation.name}: {record_import.rows} months imported ({', '.join(record_import.periods)})",
        )
    return 0


def alerts_match(args: argparse.Namespace, stdout: Any = sys.stdout) -> int:
    organisation = None
    if getattr(args, "orgnr", None):
        organisation = Organisation.objects.filter(orgnr=str(args.orgnr).replace(" ", "")).first()
        if organisation is None:
            return _fail(args, stdout, f"No organisation with organisation number {args.orgnr}", [], code=2)
    result = intel_services.alerts_match(organisation=organisation)
    if args.format == "json":
        _out(stdout, json.dumps(result.as_dict()))
    else:
        _out(stdout, f"Alerts: {result.created} new, {result.updated} updated, {result.unchanged} unchanged")
        for orgnr, count in sorted(result.per_organisation.items()):
            _out(stdout, f"  {orgnr}: {count} new")
    return 0


def register(subparsers: Any) -> None:
    """Add the intel sub-commands to an argparse sub-parser group (`parser.add_subparsers()`)."""

    def formatted(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument("--format", choices=["text", "json"], default="text")
        return parser

    parser = formatted(subparsers.add_parser("kev-import", help="Import a CISA KEV catalogue (JSON)"))
    parser.add_argument("file", metavar="FILE.json")
    parser.set_defaults(func=kev_import)
    parser = formatted(subparsers.add_parser("stix-import", help="Import a STIX 2.1 bundle (JSON)"))
    parser.add_argument("file", metavar="FILE.json")
    parser.set_defaults(func=stix_import)
    parser = formatted(
        subparsers.add_parser("awareness-import", help="Import awareness-training figures (CSV)")
    )
    parser.add_argument("orgnr", metavar="ORGNR")
    parser.add_argument("file", metavar="FILE.csv")
    parser.set_defaults(func=awareness_import)
    parser = formatted(
        subparsers.add_parser("alerts-match", help="Match KEV and STIX to software and assets")
    )
    parser.add_argument("--orgnr", default="")
    parser.set_defaults(func=alerts_match)
