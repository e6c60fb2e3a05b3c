"""Scan services end to end on loopback: scan_request (permissions, rules, audit, task after commit) → the worker task
→ scan_run (ScanResult rows, score, grade, category scores, resolved records, audit) and scheduled rescans."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.cyber.checks.base import Category, CheckResult, Level, ScanContext, Status
from marketplace.cyber.models import Asset, AssetKind, Scan, ScanResult, ScanStatus
from marketplace.cyber.services import scans as scan_services
from marketplace.cyber.services.scans import scan_request, scan_run, scans_schedule_due
from marketplace.cyber.tests import echo_family

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline", "no_extra_results")]


@pytest.fixture
def no_extra_results(monkeypatch):
    """The scan machinery alone; the app's own extra results (awareness, alerts) are tested in test_posture.py."""
    monkeypatch.setattr(scan_services, "EXTRA_RESULTS", [])


echo_server = echo_family.echo_server  # the loopback family's fixture
offline = echo_family.offline
NOW = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def loopback(settings):
    settings.MPS_ALLOW_PRIVATE_TARGETS = True
    settings.MPS_CYBER_RESOLVE = {"nve.no": "127.0.0.1", "www.nve.no": "127.0.0.1"}
    settings.MPS_CYBER_TIMEOUT = 2.0
    return settings


@pytest.fixture
def nve_assets(buyer_org):
    return [
        Asset.objects.create(organisation=buyer_org, name="nve.no", kind=AssetKind.DOMAIN),
        Asset.objects.create(organisation=buyer_org, name="www.nve.no", kind=AssetKind.HOST),
        Asset.objects.create(organisation=buyer_org, name="old.nve.no", kind=AssetKind.HOST, is_active=False),
    ]


def test_request_then_worker_runs_the_scan_end_to_end(
    buyer_org, nve_assets, loopback, echo_server, django_capture_on_commit_callbacks
):
    echo_server.scores["www.nve.no"] = 5
    officer = acting(buyer_org, Role.SECURITY_OFFICER)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        scan = scan_request(actor=officer, organisation=buyer_org, now=NOW)
    assert len(callbacks) == 1  # the task is enqueued after the commit (the test backend runs it at once)
    scan.refresh_from_db()
    assert scan.status == ScanStatus.DONE
    assert scan.requested_by == officer
    assert scan.created_at == NOW
    assert sorted(echo_server.seen) == ["nve.no", "www.nve.no"]  # the inactive asset is not scanned
    rows = list(
        ScanResult.objects.filter(scan=scan)
        .order_by("target", "check_id")
        .values_list(
            "target", "asset__name", "check_id", "category", "status", "level", "points", "max_points"
        )
    )
    assert rows == [
        ("nve.no", "nve.no", "echo.banner", "disclosure", "info", "informational", 0, 10),
        ("nve.no", "nve.no", "echo.reachable", "network", "pass", "required", 10, 10),
        ("nve.no", "nve.no", "echo.reply", "web_headers", "pass", "required", 10, 10),
        ("www.nve.no", "www.nve.no", "echo.banner", "disclosure", "info", "informational", 0, 10),
        ("www.nve.no", "www.nve.no", "echo.reachable", "network", "pass", "required", 10, 10),
        ("www.nve.no", "www.nve.no", "echo.reply", "web_headers", "fail", "required", 5, 10),
    ]
    assert ScanResult.objects.get(scan=scan, target="www.nve.no", check_id="echo.reply").evidence == {
        "reply": "5 echo/1.0"
    }
    # network 100 (weight 5), web_headers = the worst host, 50 (weight 10): (500 + 500) / 15 = 66.67 → 66, D
    assert scan.category_scores == {"network": 100, "web_headers": 50}
    assert (scan.score, scan.grade) == (66, "D")
    assert scan.resolved == {
        "nve.no": {"A": ["127.0.0.1"], "AAAA": [], "MX": [], "NS": []},
        "www.nve.no": {"A": ["127.0.0.1"], "AAAA": [], "MX": [], "NS": []},
    }
    assert scan.error == ""
    assert scan.started_at is not None
    assert scan.finished_at is not None
    requested, finished = AuditEvent.objects.order_by("id")
    assert (requested.verb, requested.actor_id, requested.organisation_id, requested.target_id) == (
        "cyber.scan.requested",
        officer.pk,
        buyer_org.pk,
        str(scan.pk),
    )
    assert requested.data == {"assets": ["nve.no", "www.nve.no"]}
    assert (finished.verb, finished.actor_id, finished.actor_label) == ("cyber.scan.finished", None, "system")
    assert finished.data == {
        "score": 66,
        "grade": "D",
        "category_scores": {"network": 100, "web_headers": 50},
        "targets": 2,
        "results": 6,
        "refused": [],
    }


def test_scan_run_is_idempotent(buyer_org, nve_assets, loopback, echo_server):
    scan = Scan.objects.create(organisation=buyer_org)
    assert scan_run(scan.pk).status == ScanStatus.DONE
    assert scan_run(scan.pk) is None
    assert scan_run(999_999) is None
    assert ScanResult.objects.filter(scan=scan).count() == 6
    assert AuditEvent.objects.filter(verb="cyber.scan.finished").count() == 1


def test_scan_run_with_explicit_context_and_refused_private_target(buyer_org, nve_assets, echo_server):
    scan = Scan.objects.create(organisation=buyer_org)
    context = ScanContext(address_overrides={"nve.no": "127.0.0.1", "www.nve.no": "127.0.0.1"})  # not allowed
    scan_run(scan.pk, context=context, now=NOW)
    scan.refresh_from_db()
    assert scan.status == ScanStatus.DONE
    assert (scan.score, scan.grade, scan.category_scores) == (None, "", {})
    assert scan.error == (
        "nve.no: nve.no resolves to non-public address 127.0.0.1\n"
        "www.nve.no: www.nve.no resolves to non-public address 127.0.0.1"
    )
    assert ScanResult.objects.filter(scan=scan).count() == 0
    assert echo_server.seen == []
    assert AuditEvent.objects.get(verb="cyber.scan.finished").data["refused"] == ["nve.no", "www.nve.no"]


def test_slow_family_is_stored_as_error_result(buyer_org, nve_assets, loopback, monkeypatch):
    import threading

    release = threading.Event()

    def hang(target: str, context: ScanContext) -> list[CheckResult]:
        release.wait(10)
        return []

    module = type(echo_family)("slow_family")
    module.run = hang  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "slow_family", module)
    monkeypatch.setattr("marketplace.cyber.checks.registry.FAMILY_MODULES", {"tls": "slow_family"})
    loopback.MPS_CYBER_TARGET_TIMEOUT = 0.2
    scan = Scan.objects.create(organisation=buyer_org)
    try:
        scan_run(scan.pk)
    finally:
        release.set()
    scan.refresh_from_db()
    assert scan.status == ScanStatus.DONE
    assert list(
        ScanResult.objects.filter(scan=scan).values_list("target", "check_id", "status", "level")
    ) == [
        ("nve.no", "tls.error", "error", "informational"),
        ("www.nve.no", "tls.error", "error", "informational"),
    ]
    assert (scan.score, scan.category_scores) == (None, {})


def test_extra_results_are_scored_and_a_failure_ends_as_failed(
    buyer_org, nve_assets, loopback, echo_server, monkeypatch
):
    def awareness(organisation):
        return [
            CheckResult(
                "human.training", Category.HUMAN, Status.FAIL, Level.REQUIRED, 2, target=organisation.orgnr
            )
        ]

    monkeypatch.setattr(scan_services, "EXTRA_RESULTS", [awareness])
    scan = scan_run(Scan.objects.create(organisation=buyer_org).pk)
    assert scan.category_scores == {"human": 20, "network": 100, "web_headers": 100}
    # (5·100 + 10·100 + 5·20) / 20 = 80 → B
    assert (scan.score, scan.grade) == (80, "B")
    assert ScanResult.objects.get(scan=scan, check_id="human.training").asset is None

    def broken(organisation):
        raise RuntimeError("tracker down")

    monkeypatch.setattr(scan_services, "EXTRA_RESULTS", [broken])
    failed = scan_run(Scan.objects.create(organisation=buyer_org).pk, now=NOW)
    failed.refresh_from_db()
    assert (failed.status, failed.error, failed.finished_at) == (
        ScanStatus.FAILED,
        "RuntimeError: tracker down",
        NOW,
    )
    assert ScanResult.objects.filter(scan=failed).count() == 0
    event = AuditEvent.objects.get(verb="cyber.scan.failed")
    assert (event.target_id, event.data) == (str(failed.pk), {"error": "RuntimeError: tracker down"})


# --- request rules and permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("other_org_officer", False),
        ("same_org_buyer", False),
        ("same_org_finops", False),
        ("security_officer", True),
        ("org_admin", True),
        ("mps_staff", True),
    ],
)
def test_permission_matrix_for_scan_request(
    who, allowed, buyer_org, other_buyer_org, mps_org, nve_assets, django_capture_on_commit_callbacks
):
    actors = {
        "anonymous": lambda: AnonymousUser(),
        "other_org_officer": lambda: acting(other_buyer_org, Role.SECURITY_OFFICER),
        "same_org_buyer": lambda: acting(buyer_org, Role.BUYER),
        "same_org_finops": lambda: acting(buyer_org, Role.FINOPS_ANALYST),
        "security_officer": lambda: acting(buyer_org, Role.SECURITY_OFFICER),
        "org_admin": lambda: acting(buyer_org, Role.ORG_ADMIN),
        "mps_staff": lambda: acting(mps_org, Role.CATEGORY_MANAGER),
    }
    actor = actors[who]()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        if allowed:
            scan = scan_request(actor=actor, organisation=buyer_org, now=NOW)
            assert (scan.status, scan.organisation) == (ScanStatus.QUEUED, buyer_org)
        else:
            with pytest.raises(PermissionDenied):
                scan_request(actor=actor, organisation=buyer_org, now=NOW)
    assert Scan.objects.count() == (1 if allowed else 0)
    assert AuditEvent.objects.count() == (1 if allowed else 0)
    assert len(callbacks) == (1 if allowed else 0)


def test_request_needs_an_active_asset(buyer_org, django_capture_on_commit_callbacks):
    officer = acting(buyer_org, Role.SECURITY_OFFICER)
    Asset.objects.create(organisation=buyer_org, name="nve.no", is_active=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises(ValidationFailed):
        scan_request(actor=officer, organisation=buyer_org, now=NOW)
    assert (Scan.objects.count(), AuditEvent.objects.count(), len(callbacks)) == (0, 0, 0)


def test_request_refused_while_a_scan_is_open_unless_stale(
    buyer_org, nve_assets, django_capture_on_commit_callbacks
):
    officer = acting(buyer_org, Role.SECURITY_OFFICER)
    with django_capture_on_commit_callbacks(execute=False):
        first = scan_request(actor=officer, organisation=buyer_org, now=NOW)
        with pytest.raises(Conflict):
            scan_request(actor=officer, organisation=buyer_org, now=NOW + dt.timedelta(hours=1))
        assert Scan.objects.count() == 1
        # a worker that died must not block scans for ever
        second = scan_request(actor=officer, organisation=buyer_org, now=NOW + dt.timedelta(hours=7))
    assert first.pk != second.pk
    assert Scan.objects.count() == 2


# --- scheduled rescans -------------------------------------------------------------------------------------------


def _finished(organisation, days_ago: int, status: str = ScanStatus.DONE) -> Scan:
    return Scan.objects.create(
        organisation=organisation,
        status=status,
        finished_at=NOW - dt.timedelta(days=days_ago),
        score=90,
        grade="A",
    )


def test_schedule_due(settings, django_capture_on_commit_callbacks):
    settings.MPS_CYBER_RESCAN_DAYS = 7
    due = OrganisationFactory(name="Due")
    recent = OrganisationFactory(name="Recent")
    never = OrganisationFactory(name="Never")
    no_assets = OrganisationFactory(name="No assets")
    queued = OrganisationFactory(name="Queued")
    for organisation in (due, recent, never, queued):
        Asset.objects.create(organisation=organisation, name=f"{organisation.orgnr}.no")
    Asset.objects.create(organisation=no_assets, name="gone.no", is_active=False)
    _finished(due, 8)
    _finished(due, 9)
    _finished(due, 1, status=ScanStatus.FAILED)  # a failed scan is not a finished one
    _finished(recent, 6)
    _finished(no_assets, 30)
    _finished(queued, 30)
    open_scan = Scan.objects.create(organisation=queued)
    Scan.objects.filter(pk=open_scan.pk).update(created_at=NOW - dt.timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = scans_schedule_due(now=NOW)
    assert sorted(s.organisation.name for s in created) == ["Due", "Never"]
    assert len(callbacks) == 2
    assert all(s.status == ScanStatus.QUEUED and s.requested_by is None for s in created)
    events = {e.organisation_id: e for e in AuditEvent.objects.filter(verb="cyber.scan.scheduled")}
    assert events[due.pk].data == {"last_finished_at": (NOW - dt.timedelta(days=8)).isoformat()}
    assert events[never.pk].data == {"last_finished_at": None}
    assert events[due.pk].actor_id is None

    with django_capture_on_commit_callbacks(execute=False):
        assert scans_schedule_due(now=NOW) == []  # the new scans are open now


def test_tasks_are_thin_and_idempotent(
    buyer_org, nve_assets, loopback, echo_server, django_capture_on_commit_callbacks
):
    from marketplace.cyber.tasks import cyber_scan_task, cyber_schedule_task

    scan = Scan.objects.create(organisation=buyer_org)
    done = cyber_scan_task.call(scan.pk)
    scan.refresh_from_db()
    assert done == {"scan_id": scan.pk, "status": "done", "score": 100, "grade": "A"}
    assert cyber_scan_task.call(scan.pk) == {"scan_id": scan.pk, "skipped": True}
    Scan.objects.filter(pk=scan.pk).update(finished_at=NOW - dt.timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=False):
        scheduled = cyber_schedule_task.call()
    assert scheduled == {"scheduled": [Scan.objects.latest("pk").pk]}
