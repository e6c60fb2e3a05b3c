"""`mps worker`: the django-tasks database worker, plus the periodic jobs (`marketplace.core.periodic`)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from marketplace.core.periodic import periodic_bootstrap


class Command(DbWorkerCommand):
    help = "Run the background worker: queued tasks and the periodic jobs (reminders, budget checks, rescans)"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-periodic",
            action="store_false",
            dest="periodic",
            help="Do not queue the periodic jobs (run `mps <app> tick` from cron instead).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.pop("periodic", True):
            queued = periodic_bootstrap()
            if queued:
                self.stdout.write(f"Periodic jobs queued: {', '.join(queued)}")
        super().handle(*args, **options)
