"""The demo seeder: SDK examples plus generated Norwegian notices 2017–2026, idempotent."""

from __future__ import annotations

import pytest

from marketplace.core.demo import DemoResult
from marketplace.insights.demo_notices import generated_specs, seed
from marketplace.insights.models import Notice
from marketplace.insights.selectors.notices import market_analysis

pytestmark = pytest.mark.django_db


def test_generated_notices_are_deterministic_and_cover_every_year():
    specs = generated_specs()
    assert [spec.notice_id for spec in specs] == [spec.notice_id for spec in generated_specs()]
    assert {spec.issued_on.year for spec in specs} == set(range(2017, 2027))


def test_seed_twice_stores_once():
    first = DemoResult()
    seed(first)
    count = Notice.objects.count()
    assert count == 38 + len(generated_specs())
    assert first.counts["notices"] == count
    second = DemoResult()
    seed(second)
    assert Notice.objects.count() == count
    assert second.counts["notices_imported"] == 0
    data = market_analysis()
    assert [row["year"] for row in data.by_year] == [str(year) for year in range(2017, 2027)]
    assert data.by_supplier
