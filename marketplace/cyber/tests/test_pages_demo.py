"""The CyberX demo seeder: assets and three finished scans per demo organisation, scores that improve, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.accounts.models import OrganisationKind
from marketplace.accounts.tests.factories import OrganisationFactory, SupplierFactory
from marketplace.core.demo import DemoResult
from marketplace.cyber import demo, scoring, selectors
from marketplace.cyber.models import Asset, Scan, ScanResult

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC)


def test_seed_builds_a_trend_for_each_demo_organisation_and_is_idempotent():
    nve = OrganisationFactory(orgnr="970205039", name="NVE")
    voss = OrganisationFactory(orgnr="964338442", name="Voss herad", kind=OrganisationKind.MUNICIPALITY)
    nordsky = SupplierFactory(name="Nordsky AS")
    result = DemoResult()
    demo.seed(result, now=NOW)
    assert result.counts == {"cyber_assets": 6, "cyber_scans": 9}
    assert sorted(Asset.objects.filter(organisation=nve).values_list("name", "kind")) == [
        ("nve.no", "domain"),
        ("www.nve.no", "host"),
    ]
    history = selectors.score_history(nve)
    assert [row["date"] for row in history] == [
        dt.date(2026, 1, 17),
        dt.date(2026, 2, 14),
        dt.date(2026, 3, 14),
    ]
    scores = [row["score"] for row in history]
    assert scores == sorted(scores)
    assert scores[0] < scores[-1]
    for organisation in (nve, voss, nordsky):
        latest = selectors.scan_latest(organisation)
        assert latest is not None
        assert latest.grade == scoring.grade_for(latest.score)
        assert ScanResult.objects.filter(scan=latest).count() == len(demo.CHECKS)
    # every demo check has an explanation, and the deductions of NVE's latest scan are the problems left open
    latest = selectors.scan_latest(nve)
    assert {item.result.check_id for item in selectors.deductions(latest)} == {"web.csp", "dns.ns_ipv6"}
    demo.seed(DemoResult(), now=NOW)
    assert Scan.objects.count() == 9


def test_every_demo_check_and_problem_is_explained():
    from marketplace.cyber import explanations

    assert {check_id for check_id, *_rest in demo.CHECKS} <= set(explanations.CHECK_IDS)
    for _domain, problems, first, second in demo.PROFILES.values():
        assert set(first) | set(second) <= set(problems)


def test_score_is_the_weighted_mean_of_category_percentages():
    rows = [
        {
            "target": "a",
            "check_id": "x.check1",
            "category": "email",
            "level": "required",
            "status": "fail",
            "points": 3,
            "max_points": 4,
        },
        {
            "target": "a",
            "check_id": "x.check2",
            "category": "dns",
            "level": "required",
            "status": "pass",
            "points": 10,
            "max_points": 10,
        },
        {
            "target": "a",
            "check_id": "x.check3",
            "category": "dns",
            "level": "recommended",
            "status": "warning",
            "points": 0,
            "max_points": 10,
        },
    ]
    card = demo.score(rows)
    # email 75 % (3 of 4 points) weighs 20, dns 100 % weighs 10 (weights.json): (75 * 20 + 100 * 10) / 30 = 83.3
    assert (card.score, card.grade, card.category_scores) == (83, "B", {"email": 75, "dns": 100})
