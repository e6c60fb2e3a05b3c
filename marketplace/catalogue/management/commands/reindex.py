"""`mps reindex`: rebuild the full-text index of every published service."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from marketplace.catalogue.search import services_reindex


class Command(BaseCommand):
    help = "Bygg søkeindeksen for alle publiserte tjenester på nytt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        count = services_reindex()
        if options["format"] == "json":
            self.stdout.write(json.dumps({"indexed": count}))
        else:
            self.stdout.write(f"Indekserte {count} publiserte tjenester.")
