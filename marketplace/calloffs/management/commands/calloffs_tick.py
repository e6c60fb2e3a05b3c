"""`mps calloffs tick [--format text|json]` (= `manage.py calloffs_tick tick`): send every call-off reminder that
is due. Run it every few minutes from cron or a scheduler; safe to run as often as you like (never sends twice)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from marketplace.calloffs.services.reminders import calloffs_reminders_sweep


class Command(BaseCommand):
    help = "Call-off housekeeping. `mps calloffs tick` sends the reminders that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["tick"])
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        result = calloffs_reminders_sweep()
        if options["format"] == "json":
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(f"Reminders: {result['sent']} sent, {result['checked']} call-offs checked.")
