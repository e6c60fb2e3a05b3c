"""Shared shape of `mps finops licences import` and `mps finops metrics import`: read a file for one organisation,
call the import service, print a summary (text or JSON); a refused file prints its errors and exits 1."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from marketplace.accounts.models import Organisation
from marketplace.finops.services.optimise import ImportRejected


def add_import_arguments(parser: Any, help_text: str) -> Any:
    """Adds the `import` sub-action; returns the sub-parsers for more."""
    sub = parser.add_subparsers(dest="subaction", required=True, parser_class=type(parser))
    importer = sub.add_parser("import", help=help_text, called_from_command_line=True)
    importer.add_argument("file", help="CSV file")
    importer.add_argument("--org", required=True, help="organisation number (orgnr)")
    importer.add_argument("--format", choices=["text", "json"], default="text")
    return sub


def write_result(stdout: Any, as_json: bool, payload: dict[str, Any]) -> None:
    if as_json:
        stdout.write(json.dumps(payload, ensure_ascii=False, default=str))
    else:
        stdout.write(", ".join(f"{key}: {value}" for key, value in payload.items()))


def run_import(options: dict[str, Any], stdout: Any, service: Callable[..., dict[str, Any]]) -> int:
    as_json = options["format"] == "json"

    def fail(payload: dict[str, Any]) -> int:
        if as_json:
            stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            stdout.write(str(payload["detail"]))
            for error in payload.get("errors", []):
                stdout.write(f"  linje {error['line']}, {error['column']}: {error['message']}")
        return 1

    organisation = Organisation.objects.filter(orgnr=options["org"]).first()
    if organisation is None:
        return fail(
            {"detail": f"Fant ingen virksomhet med organisasjonsnummer {options['org']}.", "errors": []}
        )
    path = Path(options["file"])
    if not path.is_file():
        return fail({"detail": f"Fant ikke filen {path}.", "errors": []})
    try:
        summary = service(actor=None, organisation=organisation, content=path.read_bytes())
    except ImportRejected as exc:
        return fail(exc.as_dict())
    if as_json:
        stdout.write(json.dumps(summary, ensure_ascii=False, default=str))
    else:
        stdout.write(", ".join(f"{key}: {value}" for key, value in summary.items()))
    return 0
