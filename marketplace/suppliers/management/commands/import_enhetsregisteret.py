"""`mps import-enhetsregisteret FILE [--skip-invalid] [--format json]`.

Loads organisations (public bodies and suppliers) from an Enhetsregisteret bulk file: a JSON array of `Enhet`
(data.brreg.no/enhetsregisteret/api/enheter/lastned), plain or gzip-compressed. Creates or updates by orgnr.
Positions are reported as `line` (where the element starts) and `index` (0-based position in the array); in
Brønnøysund's one-line bulk file the line is always 1 and the index identifies the element.
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from marketplace.suppliers.services import ImportIssue, ImportRejected, ImportSummary, enhetsregisteret_import


def _issue_line(issue: ImportIssue) -> str:
    orgnr = f", orgnr {issue.orgnr}" if issue.orgnr else ""
    return f"  linje {issue.line}, indeks {issue.index}{orgnr}: {issue.reason}"


class Command(BaseCommand):
    help = "Import organisations from an Enhetsregisteret JSON bulk file (.json or .json.gz)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Store the valid rows and report the invalid ones (default: store nothing if any row is invalid).",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def _write(self, summary: ImportSummary, fmt: str) -> None:
        if fmt == "json":
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
            return
        state = "lagret" if summary.stored else "IKKE lagret"
        self.stdout.write(
            f"{os.path.basename(summary.file)} ({state}): {summary.created} opprettet, {summary.updated} oppdatert, "
            f"{summary.unchanged} uendret, {len(summary.skipped)} hoppet over, {len(summary.invalid)} ugyldige."
        )
        if summary.invalid:
            self.stdout.write("Ugyldige rader:")
            for issue in summary.invalid:
                self.stdout.write(_issue_line(issue))
        if summary.skipped:
            self.stdout.write("Hoppet over:")
            for issue in summary.skipped:
                self.stdout.write(_issue_line(issue))

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        if not os.path.isfile(path):
            raise CommandError(f"Fant ikke filen {path}.")
        try:
            summary = enhetsregisteret_import(actor=None, path=path, skip_invalid=options["skip_invalid"])
        except ImportRejected as exc:
            self._write(exc.summary, options["format"])
            raise CommandError(exc.message) from exc
        self._write(summary, options["format"])
