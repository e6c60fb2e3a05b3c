"""Import SaaS licence assignments: `mps finops licences import FILE --org ORGNR [--format json]`.

CSV columns user, product, assigned_on, last_active_on (empty = never active). The file replaces the
organisation's seats of the products it lists; an error anywhere stores nothing."""

from __future__ import annotations

from typing import Any

from marketplace.finops.commands._optimise_import import add_import_arguments, run_import
from marketplace.finops.services.optimise import licences_import


def add_arguments(parser: Any) -> None:
    add_import_arguments(parser, "import licence assignments from a CSV file")


def run(options: dict[str, Any], stdout: Any) -> int:
    return run_import(options, stdout, licences_import)
