"""Background work for call-offs (django-tasks; `mps worker` runs the database backend, tests the immediate one).

Thin and idempotent: load by id, call the service. Running a task twice, or when nothing is due, sends nothing new.

- `calloff_reminders_task(calloff_id)`: send the reminders due now for one call-off;
- `calloffs_sweep_task()`: the same for every call-off (what `mps calloffs tick` runs);
- `calloff_schedule_reminders(calloff)`: enqueue `calloff_reminders_task` to run at each future moment a reminder
  can fall due (24 h before the offer deadline, the questions deadline, the end of the standstill). Call it from
  services that set those times (publish, award notice) with `transaction.on_commit`. On a backend without deferred
  runs (the immediate backend in tests) it schedules nothing; the periodic sweep still catches everything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import default_task_backend, task

from marketplace.calloffs.models import CallOff
from marketplace.calloffs.services.reminders import (
    calloff_reminder_run_times,
    calloff_reminders_send,
    calloffs_reminders_sweep,
)


@task()
def calloff_reminders_task(calloff_id: int) -> list[str]:
    return calloff_reminders_send(calloff_id=calloff_id, now=timezone.now())


@task()
def calloffs_sweep_task() -> dict[str, Any]:
    return calloffs_reminders_sweep(now=timezone.now())


def calloff_schedule_reminders(calloff: CallOff, *, now: dt.datetime | None = None) -> list[dt.datetime]:
    """Enqueue deferred reminder runs for the call-off; return the times scheduled (empty without deferral)."""
    if not default_task_backend.supports_defer:
        return []
    times = calloff_reminder_run_times(calloff, now=now or timezone.now())
    for run_after in times:
        calloff_reminders_task.using(run_after=run_after).enqueue(calloff.pk)
    return times
