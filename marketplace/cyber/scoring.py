"""From check results to category percentages, the Cyber Risk Score (0-100) and its grade (A-F). Pure: standard
library only, no Django, no I/O except reading the weights file.

- Category percentage, internet.nl style (cyber-privacy.md §A1.2): `int(100 / max × Σ points)` over the results that
  count (required, not NOT_TESTED/INFO). With several targets (hosts, MX hosts, IPs) the **lowest** percentage per
  category is used, as internet.nl does for TLS over several IPs. A category with no counting result is left out.
- Total: the weighted mean of the category percentages (weights from `data/weights.json`, §A8), weights
  renormalised over the categories present, rounded down like internet.nl's `int(mean)`. Equal weights give
  internet.nl's total: 30/40 and 100/100 → 87.
- Grade: the first band whose `min_score` the total reaches (A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F), from the file.
- Deductions: every result that lost points, ordered by its impact on the total (percentage points), so the page
  can explain each point lost.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from marketplace.cyber.checks.base import Category, CheckResult

WEIGHTS_PATH = Path(__file__).resolve().parent / "data" / "weights.json"

__all__ = [
    "WEIGHTS_PATH",
    "Deduction",
    "GradeBand",
    "ScoreCard",
    "category_percentages",
    "category_scores",
    "deductions",
    "grade_for",
    "load_grade_bands",
    "load_weights",
    "methodology",
    "score_results",
    "total_score",
]


@dataclass(frozen=True)
class GradeBand:
    grade: str
    min_score: int


@dataclass(frozen=True)
class Deduction:
    """One result that lost points, with its share of the total lost (`impact`, in percentage points)."""

    check_id: str
    category: str
    target: str
    status: str
    points: int
    max_points: int
    points_lost: int
    impact: float
    category_impact: float = 0.0  # points lost / the category's maximum on that target, in percent
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id,
            "category": self.category,
            "target": self.target,
            "status": self.status,
            "points": self.points,
            "max_points": self.max_points,
            "points_lost": self.points_lost,
            "impact": self.impact,
            "category_impact": self.category_impact,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class ScoreCard:
    category_scores: dict[str, int]
    score: int | None  # None when no category has a counting result
    grade: str  # "" when score is None
    deductions: list[Deduction]

    def as_dict(self) -> dict[str, Any]:
        return {
            "category_scores": dict(self.category_scores),
            "score": self.score,
            "grade": self.grade,
            "deductions": [d.as_dict() for d in self.deductions],
        }


# --- data ----------------------------------------------------------------------------------------------------


@cache
def methodology(path: Path = WEIGHTS_PATH) -> dict[str, Any]:
    """The weights file as read (categories with weight, source and justification; grade bands)."""
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    known = {str(c) for c in Category}
    for entry in data["categories"]:
        if entry["category"] not in known:
            raise ValueError(f"{path}: unknown category {entry['category']!r}")
        if float(entry["weight"]) < 0:
            raise ValueError(f"{path}: negative weight for {entry['category']}")
    return data


def load_weights(path: Path = WEIGHTS_PATH) -> dict[str, Fraction]:
    return {e["category"]: Fraction(str(e["weight"])) for e in methodology(path)["categories"]}


def load_grade_bands(path: Path = WEIGHTS_PATH) -> tuple[GradeBand, ...]:
    bands = [GradeBand(str(b["grade"]), int(b["min_score"])) for b in methodology(path)["grades"]]
    return tuple(sorted(bands, key=lambda b: -b.min_score))


# --- computation ---------------------------------------------------------------------------------------------


def _percentage(points: int, max_points: int) -> int:
    return int(Fraction(100, max_points) * points)


def category_percentages(results: Iterable[CheckResult]) -> dict[str, dict[str, int]]:
    """category -> target -> percentage, over counting results only (a target without any is absent)."""
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for result in results:
        if not result.counts or result.max_points <= 0:
            continue
        pair = sums[(str(result.category), result.target)]
        pair[0] += result.points
        pair[1] += result.max_points
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for (category, target), (points, max_points) in sums.items():
        table[category][target] = _percentage(points, max_points)
    return dict(table)


def category_scores(results: Iterable[CheckResult]) -> dict[str, int]:
    """category -> the lowest percentage over the targets (internet.nl's worst-IP rule)."""
    return {
        category: min(per_target.values())
        for category, per_target in sorted(category_percentages(results).items())
    }


def _normalised(scores: Mapping[str, int], weights: Mapping[str, Fraction]) -> dict[str, Fraction]:
    present = {c: Fraction(weights.get(c, 0)) for c in scores if weights.get(c, 0) > 0}
    total = sum(present.values(), Fraction(0))
    return {c: w / total for c, w in present.items()} if total else {}


def total_score(scores: Mapping[str, int], weights: Mapping[str, Fraction] | None = None) -> int | None:
    """Weighted mean of the category percentages (weights renormalised over the categories present), rounded
    down and clamped to 0..100; None when no weighted category is present."""
    shares = _normalised(scores, load_weights() if weights is None else weights)
    if not shares:
        return None
    mean = sum((share * scores[c] for c, share in shares.items()), Fraction(0))
    return max(0, min(100, int(mean)))


def grade_for(score: int | None, bands: Sequence[GradeBand] | None = None) -> str:
    if score is None:
        return ""
    for band in sorted(load_grade_bands() if bands is None else bands, key=lambda b: -b.min_score):
        if score >= band.min_score:
            return band.grade
    return ""


def deductions(
    results: Iterable[CheckResult], weights: Mapping[str, Fraction] | None = None
) -> list[Deduction]:
    """Every result with points_lost > 0, biggest impact on the total first.

    Impact = points lost / the category's maximum on that target × 100 × the category's renormalised weight: how
    many percentage points of the total the finding costs (exact for one target per category)."""
    results = list(results)
    weights = load_weights() if weights is None else weights
    max_per_target: dict[tuple[str, str], int] = defaultdict(int)
    for result in results:
        if result.counts:
            max_per_target[(str(result.category), result.target)] += result.max_points
    shares = _normalised(category_scores(results), weights)
    found = []
    for result in results:
        if result.points_lost <= 0:
            continue
        category = str(result.category)
        category_max = max_per_target[(category, result.target)]
        category_impact = Fraction(result.points_lost * 100, category_max)
        impact = category_impact * shares.get(category, Fraction(0))
        found.append(
            Deduction(
                check_id=result.check_id,
                category=category,
                target=result.target,
                status=str(result.status),
                points=result.points,
                max_points=result.max_points,
                points_lost=result.points_lost,
                impact=round(float(impact), 2),
                category_impact=round(float(category_impact), 2),
                evidence=dict(result.evidence),
            )
        )
    found.sort(key=lambda d: (-d.impact, -d.points_lost, d.category, d.target, d.check_id))
    return found


def score_results(
    results: Iterable[CheckResult],
    *,
    weights: Mapping[str, Fraction] | None = None,
    bands: Sequence[GradeBand] | None = None,
) -> ScoreCard:
    results = list(results)
    weights = load_weights() if weights is None else weights
    scores = category_scores(results)
    score = total_score(scores, weights)
    return ScoreCard(
        category_scores=scores,
        score=score,
        grade=grade_for(score, bands),
        deductions=deductions(results, weights),
    )
