"""`mps notices import PATH... [--format text|json]` (= `manage.py notices import ...`).

Reads eForms UBL XML notices from files and folders (every *.xml below a folder) and stores them: new notices are
imported, newer versions replace older ones, the same version is left unchanged, invalid notices are skipped with
their file and reason. Exit code 1 when any notice was invalid (the valid ones are stored all the same); 2 when a
path does not exist (nothing read).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Procurement notices (eForms): import."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importing = sub.add_parser(
            "import", help="Import eForms XML notices from files or folders.", called_from_command_line=True
        )
        importing.add_argument("paths", nargs="+", metavar="PATH", help="XML file or folder")
        importing.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        from marketplace.insights.services.notices import notices_import_paths

        try:
            summary = notices_import_paths(actor=None, paths=options["paths"])
        except FileNotFoundError as exc:
            raise CommandError(f"Finner ikke {exc}", returncode=2) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(
                f"Importert: {len(summary.imported)}, oppdatert: {len(summary.updated)}, "
                f"uendret: {len(summary.unchanged)}, hoppet over: {len(summary.skipped)}."
            )
            for item in summary.skipped:
                label = "ugyldig" if item.is_invalid else "ikke støttet"
                self.stdout.write(f"  {item.file}: {label}: {item.reason}")
        if summary.has_invalid:
            sys.exit(1)
