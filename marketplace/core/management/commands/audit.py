from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from marketplace.core.audit import audit_chain_verify


class Command(BaseCommand):
    help = "Audit chain tools. `mps audit verify` walks the chain and names the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        count, broken = audit_chain_verify()
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "events": count,
                        "ok": broken is None,
                        "first_broken_id": broken.id if broken else None,
                        "reason": broken.reason if broken else None,
                    }
                )
            )
        elif broken is None:
            self.stdout.write(f"OK: {count} events, chain intact.")
        if broken is not None:
            raise CommandError(f"Broken at event {broken.id}: {broken.reason} ({count} events read).")
