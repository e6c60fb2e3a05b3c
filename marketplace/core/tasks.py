"""Background work of the core app (django-tasks; `mps worker` runs the database backend)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from marketplace.core import periodic


@task()
def periodic_task(name: str) -> Any:
    """Run one periodic job, then queue its next run (`every` later), even when the job failed."""
    job = periodic.get(name)
    if job is None:
        return {"skipped": name}
    try:
        return job.run()
    finally:
        periodic.periodic_schedule(name, run_after=timezone.now() + job.every, include_running=False)
