"""Background work of the core app (django-tasks; `mps worker` runs the database backend)."""

from __future__ import annotations

import json
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
        result = job.run()
        try:
            json.dumps(result)
        except TypeError:  # the queue stores JSON; keep a readable summary of anything else
            result = {"job": name, "result": str(result)[:2000]}
        return result
    finally:
        periodic.periodic_schedule(name, run_after=timezone.now() + job.every, include_running=False)
