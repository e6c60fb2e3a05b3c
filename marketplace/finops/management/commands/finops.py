"""`mps finops <action> ...` (= `manage.py finops <action>`). Each action lives in its own module under
`marketplace.finops.commands` exposing `add_arguments(parser)` and `run(options, stdout) -> int` (exit code)."""

from __future__ import annotations

import importlib
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

# action -> module (append one line per action)
ACTIONS: dict[str, str] = {
    "tick": "marketplace.finops.commands.tick",
    "report": "marketplace.finops.commands.report",
    "check": "marketplace.finops.commands.check",
    "licences": "marketplace.finops.commands.licences",
    "metrics": "marketplace.finops.commands.metrics",
    "skumap": "marketplace.finops.commands.skumap",
    "import": "marketplace.finops.commands.import_",
    "rates": "marketplace.finops.commands.rates",
}


class Command(BaseCommand):
    help = "FinOps: import, check and report FOCUS cost data."
    # No system checks before each run: they import every URL conf and view (5.6 s of the 10.9 s that
    # `mps finops check` took on a 2-row file, measured); the data commands need the models only.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        for action, module in ACTIONS.items():
            mod = importlib.import_module(module)
            action_parser = sub.add_parser(
                action,
                help=(mod.__doc__ or "").strip().splitlines()[0].replace("%", "%%"),
                called_from_command_line=True,
            )
            mod.add_arguments(action_parser)

    def handle(self, *args: Any, **options: Any) -> None:
        mod = importlib.import_module(ACTIONS[options["action"]])
        code = mod.run(options, self.stdout)
        if code:
            sys.exit(code)
