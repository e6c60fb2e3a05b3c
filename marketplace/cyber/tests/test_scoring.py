"""Scoring: internet.nl category percentages (required results only, worst target), weighted total with
renormalisation, grade bands from the weights file, deductions ordered by impact. Exact values throughout."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from marketplace.cyber import scoring
from marketplace.cyber.checks.base import FULL, HALF, LESS, NONE, Category, CheckResult, Level, Status
from marketplace.cyber.scoring import GradeBand

C = Category
EQUAL = {str(c): Fraction(1) for c in Category}


def r(
    check_id: str,
    category: Category,
    points: int,
    *,
    max_points: int = FULL,
    level: Level = Level.REQUIRED,
    status: Status | None = None,
    target: str = "www.example.no",
) -> CheckResult:
    if status is None:
        status = Status.PASS if points == max_points else Status.FAIL
    return CheckResult(check_id, category, status, level, points, max_points=max_points, target=target)


def results_for(category: Category, points: int, max_points: int) -> list[CheckResult]:
    """Results of one category summing to points/max_points (in tens)."""
    out = []
    for n in range(max_points // FULL):
        got = min(FULL, max(0, points - n * FULL))
        out.append(r(f"{category}.{n}", category, got))
    return out


def test_internet_nl_example_30_of_40_and_100_of_100_gives_87():
    results = results_for(C.WEB_TRANSPORT, 30, 40) + results_for(C.DNS, 100, 100)
    card = scoring.score_results(results, weights=EQUAL)
    assert card.category_scores == {"dns": 100, "web_transport": 75}
    assert card.score == 87  # int(mean(75, 100)) = int(87.5), not 130/140 = 92
    assert card.grade == "B"


@pytest.mark.parametrize(
    ("points", "max_points", "expected"),
    [
        (10, 10, 100),
        (0, 10, 0),
        (5, 10, 50),
        (2, 10, 20),
        (17, 30, 56),  # int(56.67): rounded down
        (29, 30, 96),  # int(96.67)
        (1, 3, 33),
    ],
)
def test_category_percentage_rounds_down(points, max_points, expected):
    result = CheckResult(
        "x", C.DNS, Status.FAIL, Level.REQUIRED, points, max_points=max_points, target="a.no"
    )
    assert scoring.category_scores([result]) == {"dns": expected}


def test_only_required_tested_results_count():
    results = [
        r("web.hsts", C.WEB_TRANSPORT, FULL),
        r("web.redirect", C.WEB_TRANSPORT, NONE),
        r("web.csp", C.WEB_TRANSPORT, NONE, level=Level.RECOMMENDED, status=Status.WARNING),
        r("web.xfo", C.WEB_TRANSPORT, NONE, level=Level.INFORMATIONAL, status=Status.INFO),
        r("web.hsts_preload", C.WEB_TRANSPORT, NONE, status=Status.NOT_TESTED),
        r("web.info", C.WEB_TRANSPORT, NONE, status=Status.INFO),
        r("web.broken", C.WEB_TRANSPORT, NONE, status=Status.ERROR),  # required + error counts as 0
    ]
    assert scoring.category_scores(results) == {"web_transport": 33}  # 10 / 30


def test_category_without_counting_results_is_left_out_and_weights_renormalised():
    weights = {"web_transport": Fraction(20), "email": Fraction(20), "dns": Fraction(10)}
    results = [
        r("tls.a", C.WEB_TRANSPORT, FULL),
        r("dns.a", C.DNS, LESS),  # 20 %
        r("mail.spf", C.EMAIL, NONE, level=Level.RECOMMENDED, status=Status.WARNING),  # email: nothing counts
    ]
    card = scoring.score_results(results, weights=weights)
    assert card.category_scores == {"dns": 20, "web_transport": 100}
    # (20·100 + 10·20) / 30 = 73.33 → 73; email's weight is not in the denominator
    assert card.score == 73
    assert card.grade == "C"


def test_category_without_weight_is_shown_but_not_in_total():
    card = scoring.score_results(
        [r("a", C.WEB_TRANSPORT, FULL), r("b", C.HUMAN, NONE)], weights={"web_transport": Fraction(1)}
    )
    assert card.category_scores == {"human": 0, "web_transport": 100}
    assert card.score == 100


def test_no_counting_result_gives_no_score_and_no_grade():
    card = scoring.score_results([r("x", C.DNS, NONE, level=Level.RECOMMENDED, status=Status.WARNING)])
    assert (card.category_scores, card.score, card.grade, card.deductions) == ({}, None, "", [])


def test_lowest_target_per_category_counts():
    results = [
        r("tls.versions", C.WEB_TRANSPORT, FULL, target="www.example.no"),
        r("tls.ciphers", C.WEB_TRANSPORT, FULL, target="www.example.no"),
        r("tls.versions", C.WEB_TRANSPORT, HALF, target="mx1.example.no"),
        r("tls.ciphers", C.WEB_TRANSPORT, FULL, target="mx1.example.no"),  # 75 %
        r("tls.versions", C.WEB_TRANSPORT, NONE, target="mx2.example.no"),
        r("tls.ciphers", C.WEB_TRANSPORT, FULL, target="mx2.example.no"),  # 50 %
    ]
    assert scoring.category_percentages(results) == {
        "web_transport": {"www.example.no": 100, "mx1.example.no": 75, "mx2.example.no": 50}
    }
    assert scoring.category_scores(results) == {"web_transport": 50}


def test_weighted_mean_with_the_shipped_weights():
    results = (
        results_for(C.WEB_TRANSPORT, 30, 40)  # 75, weight 20
        + results_for(C.EMAIL, 50, 100)  # 50, weight 20
        + results_for(C.DNS, 100, 100)  # 100, weight 10
    )
    card = scoring.score_results(results)
    # (20·75 + 20·50 + 10·100) / 50 = 3500 / 50 = 70
    assert card.category_scores == {"dns": 100, "email": 50, "web_transport": 75}
    assert card.score == 70
    assert card.grade == "C"


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "A"),
        (90, "A"),
        (89, "B"),
        (80, "B"),
        (79, "C"),
        (70, "C"),
        (69, "D"),
        (60, "D"),
        (59, "F"),
        (0, "F"),
    ],
)
def test_grade_bands(score, grade):
    assert scoring.grade_for(score) == grade


def test_grade_bands_are_data():
    bands = (GradeBand("X", 50), GradeBand("Y", 0))
    assert scoring.grade_for(50, bands) == "X"
    assert scoring.grade_for(49, bands) == "Y"
    assert scoring.grade_for(None, bands) == ""


def test_weights_file_lists_every_category_with_source_and_justification():
    data = json.loads(scoring.WEIGHTS_PATH.read_text(encoding="utf-8"))
    assert [e["category"] for e in data["categories"]] == [str(c) for c in Category]
    for entry in data["categories"]:
        assert entry["weight"] > 0
        assert entry["source"].strip()
        assert entry["justification"].strip()
    assert sum(e["weight"] for e in data["categories"]) == 100
    assert [(b["grade"], b["min_score"]) for b in data["grades"]] == [
        ("A", 90),
        ("B", 80),
        ("C", 70),
        ("D", 60),
        ("F", 0),
    ]


def test_deductions_ordered_by_impact_on_the_total():
    weights = {"web_transport": Fraction(20), "dns": Fraction(10)}
    results = [
        r("tls.versions", C.WEB_TRANSPORT, HALF),  # loses 5 of 20 → 25 % of the category × 2/3 = 16.67
        r("tls.ciphers", C.WEB_TRANSPORT, FULL),
        r("dns.dnssec", C.DNS, NONE),  # loses 10 of 10 → 100 % × 1/3 = 33.33
        r(
            "dns.caa", C.DNS, NONE, level=Level.RECOMMENDED, status=Status.WARNING
        ),  # not counted: no deduction
    ]
    found = scoring.deductions(results, weights)
    assert [(d.check_id, d.points_lost, d.impact) for d in found] == [
        ("dns.dnssec", 10, 33.33),
        ("tls.versions", 5, 16.67),
    ]
    # The total is what the deductions say: 100 − 33.33 − 16.67 = 50
    assert scoring.total_score(scoring.category_scores(results), weights) == 50


def test_deduction_carries_evidence_and_target():
    result = CheckResult(
        "web.hsts",
        C.WEB_TRANSPORT,
        Status.FAIL,
        Level.REQUIRED,
        LESS,
        evidence={"max_age": 300},
        target="www.example.no",
    )
    (found,) = scoring.deductions([result], EQUAL)
    assert found.as_dict() == {
        "check_id": "web.hsts",
        "category": "web_transport",
        "target": "www.example.no",
        "status": "fail",
        "points": 2,
        "max_points": 10,
        "points_lost": 8,
        "impact": 80.0,
        "category_impact": 80.0,
        "evidence": {"max_age": 300},
    }


def test_total_is_clamped_and_none_without_weighted_categories():
    assert scoring.total_score({"dns": 100}, {"dns": Fraction(1)}) == 100
    assert scoring.total_score({"dns": 100}, {"email": Fraction(1)}) is None
    assert scoring.total_score({}, EQUAL) is None
