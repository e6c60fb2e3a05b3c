"""Rows for the CyberX page tests: finished scans with results, built directly (no scanner, no network)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marketplace.cyber.models import Asset, AssetKind, Scan, ScanResult, ScanStatus

UTC = dt.UTC


def make_scan(
    organisation: Any,
    *,
    score: int | None = 80,
    grade: str = "B",
    finished_at: dt.datetime | None = None,
    status: str = ScanStatus.DONE,
    category_scores: dict[str, int] | None = None,
    results: list[dict[str, Any]] | None = None,
) -> Scan:
    finished_at = finished_at or dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    scan = Scan.objects.create(
        organisation=organisation,
        status=status,
        started_at=finished_at - dt.timedelta(minutes=2) if status == ScanStatus.DONE else None,
        finished_at=finished_at if status == ScanStatus.DONE else None,
        score=score if status == ScanStatus.DONE else None,
        grade=grade if status == ScanStatus.DONE else "",
        category_scores=category_scores if category_scores is not None else {},
    )
    for row in results or []:
        ScanResult.objects.create(scan=scan, **{"level": "required", "max_points": 10, "evidence": {}, **row})
    return scan


def asset(organisation: Any, name: str, kind: str = AssetKind.DOMAIN, *, is_active: bool = True) -> Asset:
    return Asset.objects.create(organisation=organisation, name=name, kind=kind, is_active=is_active)


# A scan of one domain + host: web_transport 25/30 (hsts partial), web_headers 0/10 (no CSP), email 20/20.
RESULTS = [
    {
        "target": "www.eksempel.no",
        "check_id": "web.https_forced",
        "category": "web_transport",
        "status": "pass",
        "points": 10,
    },
    {
        "target": "www.eksempel.no",
        "check_id": "web.hsts",
        "category": "web_transport",
        "status": "fail",
        "points": 5,
        "evidence": {"header": "max-age=86400"},
    },
    {
        "target": "www.eksempel.no",
        "check_id": "tls.protocols",
        "category": "web_transport",
        "status": "pass",
        "points": 10,
    },
    {
        "target": "www.eksempel.no",
        "check_id": "web.csp",
        "category": "web_headers",
        "status": "fail",
        "points": 0,
        "evidence": {"header": None},
    },
    {
        "target": "www.eksempel.no",
        "check_id": "tls.ocsp_stapling",
        "category": "web_transport",
        "status": "warning",
        "points": 0,
        "level": "recommended",
    },
    {"target": "eksempel.no", "check_id": "mail.spf", "category": "email", "status": "pass", "points": 10},
    {"target": "eksempel.no", "check_id": "mail.dmarc", "category": "email", "status": "pass", "points": 10},
    {"target": "eksempel.no", "check_id": "dns.caa", "category": "dns", "status": "not_tested", "points": 0},
]
CATEGORY_SCORES = {"web_transport": 83, "web_headers": 0, "email": 100}
