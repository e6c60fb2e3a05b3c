"""Every read of the CyberX pages: assets, scans, results, score history, peer distribution, the methodology data.

Organisation scoping lives here: `<noun>_get_visible_to(user, pk)` raises 404 for a missing object and for one the
user may not see alike, so the pages never reveal that another organisation's scan exists.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.cyber import explanations, scoring
from marketplace.cyber.checks.base import Category, CheckResult, Level, Status
from marketplace.cyber.models import Asset, Scan, ScanResult, ScanStatus
from marketplace.cyber.permissions import can_manage_cyber, can_view_cyber

WEIGHTS_FILE = scoring.WEIGHTS_PATH
# The grade bands (reference §A8, SecurityScorecard-like): the lowest score that still gets the grade.
DEFAULT_GRADE_BANDS: tuple[tuple[str, int], ...] = (("A", 90), ("B", 80), ("C", 70), ("D", 60), ("F", 0))
# A peer group's distribution is shown only when it has at least this many organisations with a score.
PEER_MIN_GROUP = 3
PEER_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("state", (OrganisationKind.STATE,)),
    ("municipality", (OrganisationKind.MUNICIPALITY,)),
)
# Results that do not count toward a score (internet.nl: only required subtests that were tested).
NOT_COUNTING_STATUSES = ("not_tested", "info")
CATEGORY_KEYS = frozenset(explanations.CATEGORY_LABELS)


# --- assets ----------------------------------------------------------------------------------------------------


def asset_list(organisation: Organisation) -> QuerySet[Asset]:
    """The organisation's assets, active first, then by name."""
    return Asset.objects.filter(organisation=organisation).order_by("-is_active", "name")


def asset_get_manageable(user: Any, pk: int) -> Asset:
    """An asset the user may change (own organisation, security officer or org admin); 404 otherwise."""
    asset = Asset.objects.select_related("organisation").filter(pk=pk).first()
    if asset is None or not can_manage_cyber(user, asset.organisation):
        raise Http404
    return asset


# --- scans -----------------------------------------------------------------------------------------------------


def scan_list(organisation: Organisation) -> QuerySet[Scan]:
    return Scan.objects.filter(organisation=organisation).select_related("requested_by")


def scan_get_visible_to(user: Any, pk: int) -> Scan:
    scan = Scan.objects.select_related("organisation", "requested_by").filter(pk=pk).first()
    if scan is None or not can_view_cyber(user, scan.organisation):
        raise Http404
    return scan


def scans_done(organisation: Organisation) -> QuerySet[Scan]:
    """Finished scans with a score, oldest first (the trend)."""
    return Scan.objects.filter(
        organisation=organisation, status=ScanStatus.DONE, score__isnull=False, finished_at__isnull=False
    ).order_by("finished_at", "pk")


def scan_latest(organisation: Organisation) -> Scan | None:
    """The newest finished scan with a score, or None."""
    return scans_done(organisation).order_by("-finished_at", "-pk").first()


def has_scan_in_progress(organisation: Organisation) -> bool:
    return Scan.objects.filter(
        organisation=organisation, status__in=(ScanStatus.QUEUED, ScanStatus.RUNNING)
    ).exists()


@dataclass
class TargetResults:
    target: str
    results: list[ScanResult]

    @property
    def points(self) -> int:
        return sum(result.points for result in self.results if counts(result))

    @property
    def max_points(self) -> int:
        return sum(result.max_points for result in self.results if counts(result))


def scan_results_by_target(scan: Scan) -> list[TargetResults]:
    """The scan's results per target (targets by name; within a target by category in the pages' order, then
    check id)."""
    order = list(explanations.CATEGORY_LABELS)
    grouped: dict[str, list[ScanResult]] = defaultdict(list)
    for result in scan.results.all().order_by("target", "check_id"):
        grouped[result.target].append(result)
    for results in grouped.values():
        results.sort(
            key=lambda result: order.index(result.category) if result.category in order else len(order)
        )
    return [TargetResults(target, results) for target, results in grouped.items()]


def counts(result: ScanResult) -> bool:
    """Whether the result counts toward the score (mirrors checks.base.CheckResult.counts)."""
    return result.level == "required" and result.status not in NOT_COUNTING_STATUSES


def points_lost(result: ScanResult) -> int:
    return result.max_points - result.points if counts(result) else 0


# --- methodology: weights and grade bands ------------------------------------------------------------------------


@dataclass(frozen=True)
class Weight:
    category: str
    weight: float
    source: str = ""
    justification: str = ""


@dataclass
class Methodology:
    """weights.json as the pages show it (scoring.methodology() reads and validates the file)."""

    weights: list[Weight] = field(default_factory=list)
    grade_bands: tuple[tuple[str, int], ...] = DEFAULT_GRADE_BANDS
    version: str = ""
    description: str = ""
    source: str = ""
    grade_source: str = ""

    def weight_of(self, category: str) -> float | None:
        for item in self.weights:
            if item.category == category:
                return item.weight
        return None


def methodology(path: Path | None = None) -> Methodology:
    """The weights and grade bands the scores are computed with."""
    path = path or WEIGHTS_FILE
    data = scoring.methodology(path)
    return Methodology(
        weights=[
            Weight(
                str(entry["category"]),
                float(entry["weight"]),
                str(entry.get("source") or ""),
                str(entry.get("justification") or ""),
            )
            for entry in data["categories"]
        ],
        grade_bands=tuple((band.grade, band.min_score) for band in scoring.load_grade_bands(path)),
        version=str(data.get("version", "")),
        description=str(data.get("description") or ""),
        source=str(data.get("source") or ""),
        grade_source=str(data.get("grade_source") or ""),
    )


# --- deductions ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deduction:
    """A point lost: the result, what it costs its category and the total (percentage points), and why."""

    result: ScanResult
    points_lost: int
    category_impact: float
    total_impact: float
    explanation: explanations.Explanation


def deductions(scan: Scan, method: Methodology | None = None) -> list[Deduction]:
    """Every counting result with points lost, the largest effect on the total first (scoring.deductions over the
    stored results, with the methodology's weights)."""
    method = method or methodology()
    rows = {(result.target, result.check_id): result for result in scan.results.all()}
    checks = [
        CheckResult(
            check_id=result.check_id,
            category=Category(result.category),
            status=Status(result.status),
            level=Level(result.level),
            points=result.points,
            max_points=result.max_points,
            target=result.target,
        )
        for result in rows.values()
    ]
    weights = {item.category: Fraction(str(item.weight)) for item in method.weights}
    return [
        Deduction(
            result=rows[(item.target, item.check_id)],
            points_lost=item.points_lost,
            category_impact=round(item.category_impact, 1),
            total_impact=round(item.impact, 1),
            explanation=explanations.explain_result(
                item.check_id,
                str(item.status),
                rows[(item.target, item.check_id)].evidence,
                item.target,
            ),
        )
        for item in scoring.deductions(checks, weights)
    ]


@dataclass(frozen=True)
class Unscannable:
    """A host of a scan on which nothing could be tested: every counting result is ERROR (no DNS name, no answer)."""

    host: str
    reason: str
    checks: int  # counting checks that could not run


def host_of(target: str) -> str:
    """'www.nve.no:443' -> 'www.nve.no' (TLS endpoints are targets of their own)."""
    host, _sep, port = target.rpartition(":")
    return host if host and port.isdigit() and not host.endswith(":") else target


def unscannable_hosts(scan: Scan, results: Iterable[ScanResult] | None = None) -> list[Unscannable]:
    """The hosts of the scan where every counting result is ERROR, by name, with the first result's reason
    (`results`: the scan's results when already loaded)."""
    by_host: dict[str, list[ScanResult]] = {}
    for result in scan.results.all() if results is None else results:
        if counts(result):
            by_host.setdefault(host_of(result.target), []).append(result)
    found = []
    for host, results in sorted(by_host.items()):
        if results and all(result.status == "error" for result in results):
            first = min(results, key=lambda result: (result.target, result.check_id))
            found.append(
                Unscannable(
                    host,
                    explanations.error_reason(first.evidence or {}, first.target),
                    len(results),
                )
            )
    return found


# --- history, peers, MPS overview ------------------------------------------------------------------------------


def score_history(organisation: Organisation) -> list[dict[str, Any]]:
    """One row per finished scan, oldest first: date, score, grade and the category percentages."""
    return [
        {
            "scan_id": scan.pk,
            "finished_at": scan.finished_at,
            "date": scan.finished_at.date() if scan.finished_at else None,
            "score": scan.score,
            "grade": scan.grade,
            "category_scores": scan.category_scores or {},
        }
        for scan in scans_done(organisation)
    ]


def latest_scans(kinds: tuple[str, ...] | None = None) -> list[Scan]:
    """The newest finished scan of every organisation (of the given kinds) that has one, by organisation name."""
    newest = (
        Scan.objects.filter(
            organisation=OuterRef("pk"),
            status=ScanStatus.DONE,
            score__isnull=False,
            finished_at__isnull=False,
        )
        .order_by("-finished_at", "-pk")
        .values("pk")[:1]
    )
    organisations = Organisation.objects.annotate(latest_scan_id=Subquery(newest)).filter(
        latest_scan_id__isnull=False
    )
    if kinds is not None:
        organisations = organisations.filter(kind__in=kinds)
    ids = list(organisations.values_list("latest_scan_id", flat=True))
    return list(Scan.objects.filter(pk__in=ids).select_related("organisation").order_by("organisation__name"))


@dataclass(frozen=True)
class PeerGroup:
    key: str
    label: str
    count: int
    is_shown: bool
    mean: float | None = None
    p25: float | None = None
    median: float | None = None
    p75: float | None = None
    grade_counts: dict[str, int] = field(default_factory=dict)
    share_below: int | None = (
        None  # percent of the group scoring below the organisation (when it is a member)
    )
    is_own_group: bool = False


def _quartiles(values: list[int]) -> tuple[float, float, float]:
    if len(values) == 1:
        return float(values[0]), float(values[0]), float(values[0])
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return round(q1, 1), round(q2, 1), round(q3, 1)


def peer_groups(organisation: Organisation | None, own_score: int | None) -> list[PeerGroup]:
    """The anonymised distribution of latest scores among state bodies and municipalities: counts, quartiles, mean
    and grade counts; no organisation is named, and a group with fewer than PEER_MIN_GROUP organisations shows only
    its size."""
    labels = {
        "state": str(OrganisationKind.STATE.label),
        "municipality": str(OrganisationKind.MUNICIPALITY.label),
    }
    groups = []
    for key, kinds in PEER_GROUPS:
        scans = latest_scans(kinds)
        scores = [scan.score for scan in scans if scan.score is not None]
        is_own = organisation is not None and organisation.kind in kinds
        if len(scores) < PEER_MIN_GROUP:
            groups.append(PeerGroup(key, labels[key], len(scores), False, is_own_group=is_own))
            continue
        p25, median, p75 = _quartiles(sorted(scores))
        grade_counts = {grade: 0 for grade, _minimum in DEFAULT_GRADE_BANDS}
        for scan in scans:
            if scan.grade in grade_counts:
                grade_counts[scan.grade] += 1
        share_below = None
        if is_own and own_score is not None:
            others = [
                scan.score
                for scan in scans
                if scan.score is not None
                and organisation is not None
                and scan.organisation_id != organisation.pk
            ]
            if others:
                share_below = round(100 * sum(1 for score in others if score < own_score) / len(others))
        groups.append(
            PeerGroup(
                key,
                labels[key],
                len(scores),
                True,
                mean=round(statistics.fmean(scores), 1),
                p25=p25,
                median=median,
                p75=p75,
                grade_counts=grade_counts,
                share_below=share_below,
                is_own_group=is_own,
            )
        )
    return groups


# --- the catalogue panel ---------------------------------------------------------------------------------------


def supplier_score(supplier: Organisation) -> Scan | None:
    """The supplier's latest finished scan (its Cyber Risk Score), or None."""
    return scan_latest(supplier)
