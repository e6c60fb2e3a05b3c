import datetime as dt

import pytest

from marketplace.calloffs.models import Award, CallOff, Offer
from marketplace.core.demo import DemoResult
from marketplace.insights import demo_programmes, demo_statistics
from marketplace.insights.models import Programme, ProgrammePhase
from marketplace.insights.selectors.programmes import programme_list, programme_timeline
from marketplace.insights.tests.statistics_world import world

pytestmark = pytest.mark.django_db


def test_programme_board_seed_is_idempotent_and_follows_the_facts():
    result = DemoResult()
    demo_programmes.seed(result)
    demo_programmes.seed(result)
    assert result.counts["insights_programmes"] == 7
    assert list(Programme.objects.values_list("name", "status")) == [
        ("Programmet", "on_plan"),
        ("Kontrakter", "on_plan"),
        ("CIPS", "on_plan"),
        ("FinOps", "on_plan"),
        ("CyberX", "ahead"),
        ("Cloud R&A", "starting"),
        ("Digital", "behind"),
    ]
    assert ProgrammePhase.objects.count() == 31  # 3 + 3 + 6 + 5 + 5 + 5 + 4
    timeline = programme_timeline(list(programme_list()))
    assert timeline is not None
    assert [quarter["label"] for quarter in timeline.quarters][:2] == ["K4", "K1"]  # 2022 K4 to 2025 K4
    assert len(timeline.quarters) == 13
    assert [year["label"] for year in timeline.years] == ["2022", "2023", "2024", "2025"]
    first = timeline.bars[0]
    assert (first.programme, first.title, first.period, first.x, first.width) == (
        "Programmet",
        "Etablering av Markedsplassen",
        "2022 K4 – 2023 K4",
        292,
        5 * 56 - 4,
    )


def test_history_generator_builds_consistent_call_offs():
    world()
    before = CallOff.objects.count()
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    assert demo_statistics.generate(60, prefix="AV-T-", seed=7, now=now, batch_size=25) == 60
    made = CallOff.objects.filter(reference__startswith="AV-T-")
    assert made.count() == 60
    assert CallOff.objects.count() == before + 60
    for award in Award.objects.filter(calloff__in=made).select_related("contract", "calloff"):
        assert award.contract.lot_id == award.calloff.lot_id
        assert award.supplier_id == award.contract.supplier_id
        assert award.calloff.cancelled_at is None
    assert not Offer.objects.filter(calloff__in=made).exclude(calloff__mechanism="mini_competition").exists()
    assert not made.filter(contract_signed_at__gt=now).exists()


def test_history_seed_runs_once():
    world()
    result = DemoResult()
    demo_statistics.seed(result)
    demo_statistics.seed(result)
    assert result.counts["insights_history_calloffs"] == 400
