"""Periodic jobs: `mps worker` queues one run of each, each run queues the next, failures keep the chain."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from marketplace.core import periodic
from marketplace.core.tasks import periodic_task

pytestmark = pytest.mark.django_db(transaction=True)

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def jobs(monkeypatch):
    calls: list[str] = []

    def ok():
        calls.append("ok")
        return {"done": 1}

    def broken():
        calls.append("broken")
        raise RuntimeError("boom")

    monkeypatch.setattr(periodic, "_REGISTRY", {})
    periodic.register("test.ok", dt.timedelta(minutes=10), ok)
    periodic.register("test.broken", dt.timedelta(hours=2), broken)
    return calls


def _waiting():
    return sorted(
        (r.args_kwargs["args"][0], r.status)
        for r in DBTaskResult.objects.filter(task_path=periodic_task.module_path).exclude(
            status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
        )
    )


def test_the_apps_register_their_jobs():
    names = {job.name for job in periodic.registered()}
    assert {"calloffs.reminders", "finops.budgets", "finops.stale_imports"} <= names


def test_nothing_is_queued_on_a_backend_that_cannot_defer(jobs):
    assert periodic.periodic_bootstrap() == []  # the tests' immediate backend
    assert jobs == []
    assert DBTaskResult.objects.count() == 0


def test_worker_runs_each_job_and_queues_the_next_run(jobs, settings):
    settings.TASKS = DB_BACKEND
    started = timezone.now()
    assert periodic.periodic_bootstrap() == ["test.broken", "test.ok"]
    assert periodic.periodic_bootstrap() == []  # a second worker adds no second chain
    assert _waiting() == [("test.broken", "READY"), ("test.ok", "READY")]

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "--no-periodic", verbosity=0)

    assert sorted(jobs) == ["broken", "ok"]
    assert _waiting() == [
        ("test.broken", "READY"),
        ("test.ok", "READY"),
    ]  # the next runs, even after the failure
    next_runs = {
        r.args_kwargs["args"][0]: r.run_after - started
        for r in DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    }
    assert dt.timedelta(minutes=10) <= next_runs["test.ok"] < dt.timedelta(minutes=11)
    assert dt.timedelta(hours=2) <= next_runs["test.broken"] < dt.timedelta(hours=2, minutes=1)
    finished = dict(
        DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
        ).values_list("args_kwargs__args__0", "status")
    )
    assert finished == {"test.ok": "SUCCESSFUL", "test.broken": "FAILED"}


def test_worker_command_queues_the_jobs_at_start(jobs, settings):
    settings.TASKS = DB_BACKEND
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert sorted(jobs) == ["broken", "ok"]  # queued at start, run at once
    assert _waiting() == [("test.broken", "READY"), ("test.ok", "READY")]
    assert not DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, run_after__lte=timezone.now()
    ).exists()


def test_an_unknown_job_is_skipped(jobs, settings):
    settings.TASKS = DB_BACKEND
    assert periodic.periodic_schedule("test.missing") is False
    assert periodic_task.call("test.missing") == {"skipped": "test.missing"}
    assert DBTaskResult.objects.count() == 0


def test_the_interval_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        periodic.register("test.never", dt.timedelta(0), lambda: None)
