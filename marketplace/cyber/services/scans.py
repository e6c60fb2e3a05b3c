"""Scans of an organisation's assets: request (queued, run by `mps worker`), run, and scheduled rescans.

- `scan_request`: a security officer / org admin of the organisation, or MPS staff, queues a scan; the task is
  enqueued after the commit. Refused while another scan of the organisation is queued or running (unless that one
  is older than SCAN_STALE_AFTER: a worker that died must not block scans for ever) and when no asset is active.
- `scan_run(scan_id)`: claims a queued scan (idempotent: anything not queued is left alone), runs the scanner on
  the active assets outside any transaction, then stores the ScanResult rows, score, grade, category scores and
  resolved records in one transaction with the audit event. Whatever goes wrong ends as FAILED with the error.
- `scans_schedule_due(now)`: queues a scan for each organisation with active assets whose last finished scan is
  older than MPS_CYBER_RESCAN_DAYS (default 7) or that was never scanned, and has none queued or running.

Other areas add results that are not outside-in (awareness completion, threat-intel matches) by appending a
function `(organisation) -> list[CheckResult]` to `EXTRA_RESULTS` from their AppConfig.ready().
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.cyber import scoring
from marketplace.cyber.checks.base import CheckResult, ScanContext
from marketplace.cyber.models import Asset, Scan, ScanResult, ScanStatus
from marketplace.cyber.permissions import can_scan_cyber
from marketplace.cyber.scanner import (
    ScanTarget,
    limits_from_settings,
    scan_context_from_settings,
    scan_targets,
)

__all__ = ["EXTRA_RESULTS", "SCAN_STALE_AFTER", "scan_request", "scan_run", "scans_schedule_due"]

logger = logging.getLogger(__name__)

SCAN_STALE_AFTER = dt.timedelta(hours=6)
EXTRA_RESULTS: list[Callable[[Organisation], list[CheckResult]]] = []
_OPEN = (ScanStatus.QUEUED, ScanStatus.RUNNING)


def _enqueue(scan_id: int) -> None:
    from marketplace.cyber.tasks import cyber_scan_task

    transaction.on_commit(lambda: cyber_scan_task.enqueue(scan_id))


def _open_scan(organisation: Organisation, now: dt.datetime) -> Scan | None:
    return (
        Scan.objects.filter(
            organisation=organisation, status__in=_OPEN, created_at__gte=now - SCAN_STALE_AFTER
        )
        .order_by("-created_at")
        .first()
    )


def _create(
    *, actor: Any, organisation: Organisation, verb: str, now: dt.datetime, data: dict[str, Any]
) -> Scan:
    scan = Scan.objects.create(organisation=organisation, requested_by=actor, status=ScanStatus.QUEUED)
    Scan.objects.filter(pk=scan.pk).update(created_at=now)  # auto_now_add ignores a given value
    scan.created_at = now
    audit_record(actor=actor, verb=verb, target=scan, organisation=organisation, data=data, now=now)
    _enqueue(scan.pk)
    return scan


def scan_request(*, actor: Any, organisation: Organisation, now: dt.datetime | None = None) -> Scan:
    if not can_scan_cyber(actor, organisation):
        raise PermissionDenied(_("Du har ikke tilgang til å starte skanning for denne virksomheten."))
    now = now or timezone.now()
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # one request at a time
        assets = list(
            Asset.objects.filter(organisation=organisation, is_active=True).values_list("name", flat=True)
        )
        if not assets:
            raise ValidationFailed(_("Registrer minst én aktiv ressurs før du starter en skanning."))
        if _open_scan(organisation, now) is not None:
            raise Conflict(_("En skanning av denne virksomheten står allerede i kø eller pågår."))
        return _create(
            actor=actor,
            organisation=organisation,
            verb="cyber.scan.requested",
            now=now,
            data={"assets": assets},
        )


def _claim(scan_id: int, now: dt.datetime) -> Scan | None:
    claimed = Scan.objects.filter(pk=scan_id, status=ScanStatus.QUEUED).update(
        status=ScanStatus.RUNNING, started_at=now
    )
    if not claimed:
        return None
    return Scan.objects.select_related("organisation").get(pk=scan_id)


def _dedupe(results: list[tuple[Asset | None, CheckResult]]) -> list[tuple[Asset | None, CheckResult]]:
    """One row per (target, check_id): a family that reports a check twice for a target keeps the worse one."""
    kept: dict[tuple[str, str], tuple[Asset | None, CheckResult]] = {}
    for asset, result in results:
        key = (result.target, result.check_id)
        if key not in kept or result.points < kept[key][1].points:
            kept[key] = (asset, result)
    return list(kept.values())


def scan_run(
    scan_id: int, *, context: ScanContext | None = None, now: dt.datetime | None = None
) -> Scan | None:
    """Run a queued scan; None when the scan is missing or no longer queued (already run, or running)."""
    started_at = now or timezone.now()
    scan = _claim(scan_id, started_at)
    if scan is None:
        return None
    organisation = scan.organisation
    try:
        assets = {a.name: a for a in Asset.objects.filter(organisation=organisation, is_active=True)}
        concurrency, target_timeout = limits_from_settings()
        scanned = scan_targets(
            [ScanTarget(name, kind=asset.kind) for name, asset in assets.items()],
            context or scan_context_from_settings(),
            concurrency=concurrency,
            target_timeout=target_timeout,
        )
        pairs: list[tuple[Asset | None, CheckResult]] = []
        refused = {}
        for item in scanned:
            if item.refused:
                refused[item.target] = item.refused
            pairs.extend((assets.get(item.target), r) for r in item.results)
        for provider in EXTRA_RESULTS:
            pairs.extend((None, r) for r in provider(organisation))
        pairs = _dedupe(pairs)
        card = scoring.score_results([r for _a, r in pairs])
    except Exception as exc:
        logger.exception("cyber scan %s failed", scan_id)
        return _fail(scan, f"{type(exc).__name__}: {exc}", now)
    finished_at = now or timezone.now()
    with transaction.atomic():
        ScanResult.objects.bulk_create(
            [
                ScanResult(
                    scan=scan,
                    asset=asset,
                    target=result.target[:300],
                    check_id=result.check_id[:80],
                    category=str(result.category),
                    status=str(result.status),
                    level=str(result.level),
                    points=result.points,
                    max_points=result.max_points,
                    evidence=result.evidence,
                )
                for asset, result in pairs
            ]
        )
        scan.status = ScanStatus.DONE
        scan.finished_at = finished_at
        scan.score = card.score
        scan.grade = card.grade
        scan.category_scores = card.category_scores
        scan.resolved = {item.target: item.resolved for item in scanned if item.resolved}
        scan.error = "\n".join(f"{target}: {reason}" for target, reason in sorted(refused.items()))
        scan.save(
            update_fields=["status", "finished_at", "score", "grade", "category_scores", "resolved", "error"]
        )
        audit_record(
            actor=None,
            verb="cyber.scan.finished",
            target=scan,
            organisation=organisation,
            data={
                "score": card.score,
                "grade": card.grade,
                "category_scores": card.category_scores,
                "targets": len(scanned),
                "results": len(pairs),
                "refused": sorted(refused),
            },
            now=finished_at,
        )
    _observe_software(organisation, pairs, finished_at)
    return scan


def _observe_software(
    organisation: Organisation, pairs: list[tuple[Asset | None, CheckResult]], now: dt.datetime
) -> None:
    """Record the products the web responses named (`web.software`), for the threat-intelligence matching."""
    from marketplace.cyber.services.intel import software_observe

    for _asset, result in pairs:
        if result.check_id != "web.software":
            continue
        for source, text in result.evidence.get("software", []):
            try:
                software_observe(
                    organisation=organisation,
                    hostname=result.target,
                    source=source,
                    product_string=text,
                    now=now,
                )
            except Exception:  # a banner we cannot record must not fail the finished scan
                logger.warning("could not record software %r seen on %s", text, result.target, exc_info=True)


def _fail(scan: Scan, error: str, now: dt.datetime | None) -> Scan:
    with transaction.atomic():
        scan.status = ScanStatus.FAILED
        scan.finished_at = now or timezone.now()
        scan.error = error[:2000]
        scan.save(update_fields=["status", "finished_at", "error"])
        audit_record(
            actor=None,
            verb="cyber.scan.failed",
            target=scan,
            organisation=scan.organisation,
            data={"error": scan.error},
            now=scan.finished_at,
        )
    return scan


def scans_schedule_due(now: dt.datetime | None = None) -> list[Scan]:
    """Queue rescans that are due (see the module text); returns the scans created."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=int(getattr(settings, "MPS_CYBER_RESCAN_DAYS", 7)))
    candidates = (
        Organisation.objects.filter(cyber_assets__is_active=True)
        .distinct()
        .annotate(
            last_finished_at=Max("cyber_scans__finished_at", filter=Q(cyber_scans__status=ScanStatus.DONE))
        )
        .filter(Q(last_finished_at__isnull=True) | Q(last_finished_at__lt=cutoff))
        .order_by("pk")
    )
    created = []
    for organisation in candidates:
        with transaction.atomic():
            Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
            if _open_scan(organisation, now) is not None:
                continue
            last = organisation.last_finished_at
            created.append(
                _create(
                    actor=None,
                    organisation=organisation,
                    verb="cyber.scan.scheduled",
                    now=now,
                    data={"last_finished_at": last.isoformat() if last else None},
                )
            )
    return created
