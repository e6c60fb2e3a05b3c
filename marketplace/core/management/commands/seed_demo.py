from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from marketplace.core.demo import format_logins, seed_all


class Command(BaseCommand):
    help = "Load the demo data (idempotent). --format json prints the organisations and users for scripts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed_all()
        if options["format"] == "json":
            self.stdout.write(json.dumps(asdict(result), ensure_ascii=False, indent=2))
            return
        self.stdout.write("Demo data loaded: " + ", ".join(f"{k}: {v}" for k, v in result.counts.items()))
        self.stdout.write(format_logins(result))
