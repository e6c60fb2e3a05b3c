"""Periodic work that `mps worker` runs on its own: reminder sweeps, budget checks, rescans.

An app registers from its `AppConfig.ready()`:

    periodic.register("finops.tick", dt.timedelta(hours=1), finops_tick)

`mps worker` (`core/management/commands/worker.py`) makes sure each registered job has one run waiting in the task
queue when it starts (`periodic_bootstrap`). Each run (`periodic_task`) does the work and, whatever happens, queues
the next run `every` later, so the chain survives failures and a restarted worker does not add a second chain.
Jobs must be idempotent (they all are: they only act on what is due), and the `mps <app> tick` commands run the same
functions from cron for set-ups without a worker.

Only a task backend that can defer (the database backend of `mps worker`) runs periodic work; with the immediate
backend of the tests nothing is queued.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

__all__ = ["Periodic", "periodic_bootstrap", "periodic_schedule", "register", "registered"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: dt.timedelta
    run: Callable[[], Any]


_REGISTRY: dict[str, Periodic] = {}


def register(name: str, every: dt.timedelta, run: Callable[[], Any]) -> None:
    if every <= dt.timedelta(0):
        raise ValueError(f"periodic job {name}: the interval must be positive")
    _REGISTRY[name] = Periodic(name, every, run)


def registered() -> list[Periodic]:
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def get(name: str) -> Periodic | None:
    return _REGISTRY.get(name)


def _can_defer() -> bool:
    from django_tasks import default_task_backend

    return bool(getattr(default_task_backend, "supports_defer", False))


def _waiting(name: str, *, include_running: bool) -> bool:
    """Whether a run of the job is already queued (or running)."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from marketplace.core.tasks import periodic_task

    statuses = [TaskResultStatus.READY] + ([TaskResultStatus.RUNNING] if include_running else [])
    return DBTaskResult.objects.filter(
        task_path=periodic_task.module_path, status__in=statuses, args_kwargs__args__0=name
    ).exists()


def periodic_schedule(
    name: str, *, run_after: dt.datetime | None = None, include_running: bool = True
) -> bool:
    """Queue a run of the job unless one is waiting; True when one was queued."""
    if not _can_defer() or name not in _REGISTRY or _waiting(name, include_running=include_running):
        return False
    from marketplace.core.tasks import periodic_task

    task = periodic_task.using(run_after=run_after) if run_after is not None else periodic_task
    task.enqueue(name)
    return True


def periodic_bootstrap(*, now: dt.datetime | None = None) -> list[str]:
    """Queue a first run (now) of every registered job that has none waiting or running; returns their names."""
    now = now or timezone.now()
    queued = [job.name for job in registered() if periodic_schedule(job.name, run_after=now)]
    if queued:
        logger.info("periodic jobs queued: %s", ", ".join(queued))
    return queued
