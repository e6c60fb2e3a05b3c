"""Selectors of the CyberX pages: scoping, latest scan, deductions in order of impact, peer groups (anonymised,
minimum size), the weights.json reader and the grade bands."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.http import Http404

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.accounts.tests.factories import OrganisationFactory, member
from marketplace.cyber import scoring, selectors
from marketplace.cyber.checks.base import Category, CheckResult, Level, Status
from marketplace.cyber.models import ScanStatus
from marketplace.cyber.tests.pages_helpers import CATEGORY_SCORES, RESULTS, UTC, make_scan

pytestmark = pytest.mark.django_db


def when(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, 10, 0, tzinfo=UTC)


def test_latest_and_history_ignore_unfinished_scans():
    org = OrganisationFactory()
    first = make_scan(org, score=60, grade="D", finished_at=when(1))
    second = make_scan(org, score=75, grade="C", finished_at=when(8))
    make_scan(org, status=ScanStatus.QUEUED)
    make_scan(org, status=ScanStatus.FAILED)
    assert selectors.scan_latest(org) == second
    assert [
        (row["scan_id"], row["score"], row["grade"], row["date"]) for row in selectors.score_history(org)
    ] == [
        (first.pk, 60, "D", dt.date(2026, 3, 1)),
        (second.pk, 75, "C", dt.date(2026, 3, 8)),
    ]
    assert selectors.has_scan_in_progress(org) is True


def test_scan_get_visible_to_is_404_for_other_organisations_and_missing():
    org, other = OrganisationFactory(), OrganisationFactory()
    scan = make_scan(org)
    officer = member(org, Role.SECURITY_OFFICER)
    outsider = member(other, Role.SECURITY_OFFICER)
    buyer = member(org, Role.BUYER)
    staff = member(OrganisationFactory(kind=OrganisationKind.MPS), Role.CATEGORY_MANAGER)
    for user in (officer, outsider, buyer, staff):
        user.active_organisation = user.memberships.first().organisation
        user.active_roles = frozenset(user.memberships.values_list("role", flat=True))
    assert selectors.scan_get_visible_to(officer, scan.pk) == scan
    assert selectors.scan_get_visible_to(staff, scan.pk) == scan
    for user, pk in ((outsider, scan.pk), (buyer, scan.pk), (officer, scan.pk + 1000)):
        with pytest.raises(Http404):
            selectors.scan_get_visible_to(user, pk)


def test_results_grouped_by_target_with_counting_points():
    scan = make_scan(OrganisationFactory(), results=RESULTS)
    groups = selectors.scan_results_by_target(scan)
    assert [group.target for group in groups] == ["eksempel.no", "www.eksempel.no"]
    assert (groups[0].points, groups[0].max_points) == (20, 20)  # dns.caa not tested: does not count
    assert (groups[1].points, groups[1].max_points) == (
        25,
        40,
    )  # ocsp stapling is recommended: does not count


def _weights_file(tmp_path, weights, grades=None):
    path = tmp_path / "weights.json"
    content = {
        "version": 1,
        "categories": [{"category": category, "weight": weight} for category, weight in weights.items()],
        "grades": grades
        or [{"grade": grade, "min_score": minimum} for grade, minimum in selectors.DEFAULT_GRADE_BANDS],
    }
    path.write_text(json.dumps(content))
    scoring.methodology.cache_clear()
    return path


def test_deductions_ordered_by_impact_with_equal_weights(tmp_path):
    scan = make_scan(OrganisationFactory(), results=RESULTS, category_scores=CATEGORY_SCORES)
    method = selectors.methodology(
        _weights_file(tmp_path, {"web_transport": 1, "web_headers": 1, "email": 1})
    )
    items = selectors.deductions(scan, method)
    # web.csp: 10/10 lost in web_headers -> 100 % of the category, a third of the total; hsts: 5/30 -> 16.7 %
    assert [
        (item.result.check_id, item.points_lost, item.category_impact, item.total_impact) for item in items
    ] == [
        ("web.csp", 10, 100.0, 33.3),
        ("web.hsts", 5, 16.7, 5.6),
    ]
    assert str(items[0].explanation.title) == "Content-Security-Policy"


def test_deductions_use_published_weights(tmp_path):
    path = _weights_file(tmp_path, {"web_transport": 3, "web_headers": 1, "email": 1})
    scan = make_scan(OrganisationFactory(), results=RESULTS, category_scores=CATEGORY_SCORES)
    items = selectors.deductions(scan, selectors.methodology(path))
    assert [(item.result.check_id, item.total_impact) for item in items] == [
        ("web.csp", 20.0),
        ("web.hsts", 10.0),
    ]


def test_deductions_are_the_scorers_own(tmp_path):
    """The page lists exactly what scoring.deductions finds over the same results (one computation)."""
    scan = make_scan(OrganisationFactory(), results=RESULTS, category_scores=CATEGORY_SCORES)
    items = selectors.deductions(scan)
    checks = [
        CheckResult(
            check_id=row.check_id,
            category=Category(row.category),
            status=Status(row.status),
            level=Level(row.level),
            points=row.points,
            max_points=row.max_points,
            target=row.target,
        )
        for row in scan.results.all()
    ]
    expected = scoring.deductions(checks)
    assert [(i.result.check_id, i.total_impact) for i in items] == [
        (d.check_id, round(d.impact, 1)) for d in expected
    ]


def test_methodology_reads_the_weights_file(tmp_path):
    """The shape marketplace/cyber/data/weights.json has (categories list, grades with min_score)."""
    path = tmp_path / "weights.json"
    content = {
        "version": 1,
        "description": "Cyber Risk Score: the weighted mean of the category percentages.",
        "source": "cyber-privacy.md A8",
        "categories": [
            {
                "category": "web_transport",
                "weight": 20,
                "source": "internet.nl web-tls",
                "justification": "Baseline.",
            },
            {
                "category": "human",
                "weight": 5,
                "source": "SSC Social Engineering",
                "justification": "Reported.",
            },
        ],
        "grade_source": "SecurityScorecard grade bands",
        "grades": [
            {"grade": "B", "min_score": 80},
            {"grade": "A", "min_score": 90},
            {"grade": "F", "min_score": 0},
        ],
    }
    path.write_text(json.dumps(content))
    method = selectors.methodology(path)
    assert [(item.category, item.weight, item.source, item.justification) for item in method.weights] == [
        ("web_transport", 20.0, "internet.nl web-tls", "Baseline."),
        ("human", 5.0, "SSC Social Engineering", "Reported."),
    ]
    assert method.grade_bands == (("A", 90), ("B", 80), ("F", 0))
    assert (method.version, method.source, method.grade_source) == (
        "1",
        "cyber-privacy.md A8",
        "SecurityScorecard grade bands",
    )
    assert method.weight_of("human") == 5.0
    assert method.weight_of("dns") is None


def test_methodology_refuses_an_unknown_category(tmp_path):
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"categories": [{"category": "astrology", "weight": 1}], "grades": []}))
    with pytest.raises(ValueError, match="unknown category 'astrology'"):
        selectors.methodology(path)


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "A"),
        (90, "A"),
        (89, "B"),
        (80, "B"),
        (79, "C"),
        (70, "C"),
        (60, "D"),
        (59, "F"),
        (0, "F"),
        (None, ""),
    ],
)
def test_grade_bands(score, grade):
    assert scoring.grade_for(score) == grade


def test_peer_groups_are_anonymised_and_hide_small_groups():
    states = [OrganisationFactory(kind=OrganisationKind.STATE) for _ in range(4)]
    for org, score, grade in zip(states, (55, 70, 85, 95), ("F", "C", "B", "A"), strict=True):
        make_scan(org, score=10, grade="F", finished_at=when(1))  # older scans do not count
        make_scan(org, score=score, grade=grade, finished_at=when(5))
    municipalities = [OrganisationFactory(kind=OrganisationKind.MUNICIPALITY) for _ in range(2)]
    for org in municipalities:
        make_scan(org, score=50, grade="F")
    make_scan(OrganisationFactory(kind=OrganisationKind.SUPPLIER), score=99, grade="A")

    state, municipality = selectors.peer_groups(states[2], 85)
    assert (state.key, state.count, state.is_shown, state.is_own_group) == ("state", 4, True, True)
    assert (state.p25, state.median, state.p75, state.mean) == (66.2, 77.5, 87.5, 76.2)
    assert state.grade_counts == {"A": 1, "B": 1, "C": 1, "D": 0, "F": 1}
    assert state.share_below == 67  # 2 of the 3 others score lower than 85
    assert (municipality.count, municipality.is_shown, municipality.median, municipality.grade_counts) == (
        2,
        False,
        None,
        {},
    )
    assert municipality.is_own_group is False


def test_latest_scans_one_per_organisation():
    org, other = OrganisationFactory(name="A-etat"), OrganisationFactory(name="B-etat")
    make_scan(org, score=10, finished_at=when(1))
    newest = make_scan(org, score=20, finished_at=when(2))
    other_scan = make_scan(other, score=30, finished_at=when(1))
    make_scan(other, status=ScanStatus.RUNNING)
    assert selectors.latest_scans() == [newest, other_scan]
    assert selectors.latest_scans((OrganisationKind.MUNICIPALITY,)) == []
