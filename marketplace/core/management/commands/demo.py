from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from marketplace.core.demo import format_logins, seed_all


class Command(BaseCommand):
    help = "Migrate, load the demo data, print the demo log-ins and serve the app."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Prepare the database only")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        result = seed_all()
        self.stdout.write("Demo data: " + ", ".join(f"{k}: {v}" for k, v in result.counts.items()))
        self.stdout.write(format_logins(result))
        if options["no_serve"]:
            return
        self.stdout.write(f"\nServing http://{options['addrport']}/  (Ctrl-C to stop)\n")
        call_command("runserver", options["addrport"], use_reloader=False)
