"""Imports whose worker died: `mps finops tick` fails them, removes their leftover files, keeps current data."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.core.models import AuditEvent
from marketplace.finops.models import BillingPeriodData, FocusImport, ImportStatus
from marketplace.finops.services.ingest import finops_import
from marketplace.finops.services.recovery import STALE_MESSAGE, finops_imports_recover
from marketplace.finops.services.uploads import upload_path
from marketplace.finops.storage import absolute, period_relpath
from marketplace.finops.tests.ingest_files import usage, write_csv

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def _running(org, *, started_minutes_ago: int) -> FocusImport:
    return FocusImport.objects.create(
        organisation=org,
        source_format="focus",
        source_names=["costs.csv"],
        status=ImportStatus.RUNNING,
        started_at=NOW - dt.timedelta(minutes=started_minutes_ago),
    )


def _touch(relpath_or_path) -> object:
    path = absolute(relpath_or_path) if isinstance(relpath_or_path, str) else relpath_or_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PAR1 partial")
    return path


def test_a_stale_import_fails_and_its_leftovers_are_removed(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MPS_FINOPS_IMPORT_STALE_MINUTES = 60
    org = OrganisationFactory()
    done = finops_import(organisation=org, paths=[write_csv(tmp_path / "c.csv", [usage("2026-09-01", "10")])])
    assert done.status == ImportStatus.DONE, done.error
    current = absolute(BillingPeriodData.objects.get(is_current=True).path)
    stale = _running(org, started_minutes_ago=61)
    fresh = _running(org, started_minutes_ago=59)
    leftover = _touch(period_relpath(org.orgnr, dt.date(2026, 9, 1), stale.pk))
    temp = _touch(leftover.parent / f".{leftover.name}.abc123.tmp")
    upload = _touch(upload_path(stale))
    fresh_file = _touch(period_relpath(org.orgnr, dt.date(2026, 9, 1), fresh.pk))
    events = AuditEvent.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        assert finops_imports_recover(now=NOW) == {"recovered": 1}

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, stale.error, stale.finished_at) == (ImportStatus.FAILED, STALE_MESSAGE, NOW)
    assert fresh.status == ImportStatus.RUNNING
    assert (leftover.exists(), temp.exists(), upload.exists()) == (False, False, False)
    assert fresh_file.exists()
    assert current.exists()
    assert list(BillingPeriodData.objects.filter(is_current=True).values_list("focus_import", flat=True)) == [
        done.pk
    ]
    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == events + 1
    assert (event.verb, event.data["status"], event.data["error"]) == (
        "finops.import",
        "failed",
        STALE_MESSAGE,
    )

    # idempotent: nothing more to do
    assert finops_imports_recover(now=NOW) == {"recovered": 0}
    assert AuditEvent.objects.count() == events + 1


def test_queued_and_finished_imports_are_left_alone(settings):
    settings.MPS_FINOPS_IMPORT_STALE_MINUTES = 1
    org = OrganisationFactory()
    queued = FocusImport.objects.create(organisation=org, source_format="focus", status=ImportStatus.QUEUED)
    failed = FocusImport.objects.create(
        organisation=org,
        source_format="focus",
        status=ImportStatus.FAILED,
        started_at=NOW - dt.timedelta(days=3),
        error="bad file",
    )
    assert finops_imports_recover(now=NOW) == {"recovered": 0}
    queued.refresh_from_db()
    failed.refresh_from_db()
    assert (queued.status, failed.status, failed.error) == (
        ImportStatus.QUEUED,
        ImportStatus.FAILED,
        "bad file",
    )


def test_tick_reports_the_recovered_imports(settings, django_capture_on_commit_callbacks):
    settings.MPS_FINOPS_IMPORT_STALE_MINUTES = 30
    org = OrganisationFactory()
    stale = FocusImport.objects.create(
        organisation=org,
        source_format="focus",
        status=ImportStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=31),
    )
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("finops", "tick", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["imports"] == {"recovered": 1}
    stale.refresh_from_db()
    assert stale.status == ImportStatus.FAILED
