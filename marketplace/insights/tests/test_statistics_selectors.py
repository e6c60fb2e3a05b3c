"""Exact figures for the known data set in statistics_world.world()."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.insights.selectors import statistics as selectors
from marketplace.insights.tests.statistics_world import world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The statistics are cached per data version; ids repeat between tests after rollbacks, so start empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def data():
    return world()


def rows(dimension, *, public):
    return {group.label: group for group in selectors.calloff_groups(dimension, public=public)}


def test_totals(data):
    totals = selectors.calloff_totals()
    assert totals.calloffs == 7  # A1–A5, K1, K2 (A6 cancelled, A7 draft)
    assert totals.awarded == 6
    assert totals.awarded_value_amount == Decimal("3350000.00")
    assert totals.median_days == Decimal("10.0")  # 5, 7, 10, 30, 40
    assert totals.complaints == 1
    assert totals.complained_calloffs == 1


def test_by_framework_for_staff(data):
    groups = rows("framework", public=False)
    cips = groups["CIPS"]
    assert (cips.calloffs, cips.awarded, cips.awarded_value_amount, cips.signed) == (
        5,
        4,
        Decimal("3050000.00"),
        4,
    )
    assert cips.median_days == Decimal("20.0")  # 5, 10, 30, 40
    assert (cips.direct, cips.desk, cips.mini) == (2, 1, 2)
    assert (cips.route_share("direct"), cips.route_share("desk"), cips.route_share("mini")) == (
        Decimal("40.0"),
        Decimal("20.0"),
        Decimal("40.0"),
    )
    assert cips.complaints == 1
    assert (cips.award_suppliers, cips.offer_suppliers, cips.suppliers) == (3, 4, 4)
    crs = groups["CRS"]
    assert (crs.calloffs, crs.awarded, crs.awarded_value_amount, crs.median_days) == (
        2,
        2,
        Decimal("300000.00"),
        Decimal("7.0"),
    )
    assert crs.suppliers == 1
    assert not cips.is_suppressed
    assert not crs.is_suppressed


def test_public_hides_small_cells_and_their_complement(data):
    groups = rows("framework", public=True)
    # CRS has one supplier (primary suppression); CIPS would give CRS away from the total (secondary suppression)
    assert groups["CRS"].is_suppressed
    assert groups["CIPS"].is_suppressed
    assert groups["CIPS"].as_row() == {"label": "CIPS", "is_suppressed": True}


def test_secondary_suppression_hides_the_next_smallest_only():
    groups = [
        selectors.CallOffGroup(key=1, label="a", calloffs=10, award_suppliers=4),
        selectors.CallOffGroup(key=2, label="b", calloffs=5, award_suppliers=3),
        selectors.CallOffGroup(key=3, label="c", calloffs=2, award_suppliers=3),
    ]
    selectors.suppress_small_cells(groups)
    assert [group.is_suppressed for group in groups] == [False, True, True]
    groups = [
        selectors.CallOffGroup(key=1, label="a", calloffs=10, award_suppliers=4),
        selectors.CallOffGroup(key=2, label="b", calloffs=1, award_suppliers=1),
        selectors.CallOffGroup(key=3, label="c", calloffs=2, award_suppliers=3),
    ]
    selectors.suppress_small_cells(groups)
    assert [group.is_suppressed for group in groups] == [False, True, True]


def test_by_mechanism_lot_month_and_buyer(data):
    mechanism = rows("mechanism", public=False)
    direct = mechanism["Direkte avrop / tildeling etter rangering"]
    assert (direct.calloffs, direct.awarded, direct.awarded_value_amount, direct.median_days) == (
        4,
        3,
        Decimal("600000.00"),
        Decimal("6.0"),
    )
    mini = mechanism["Minikonkurranse"]
    assert (mini.calloffs, mini.awarded_value_amount, mini.median_days, mini.offer_suppliers) == (
        2,
        Decimal("2300000.00"),
        Decimal("35.0"),
        4,  # S1, S2, S3 (+ S4 rejected) on A1 and S2, S1, S4 on A2: a rejected offer still counts as a bid
    )
    lots = rows("lot", public=False)
    assert lots["CIPS – 1: Infrastruktur"].calloffs == 5
    months = rows("month", public=False)
    assert {label: group.calloffs for label, group in months.items()} == {"2026-01": 3, "2026-02": 4}
    assert list(months) == ["2026-01", "2026-02"]
    buyers = rows("buyer", public=False)
    assert {label: group.calloffs for label, group in buyers.items()} == {
        "Oslo kommune": 3,
        "Statens vegvesen": 4,
    }


def test_buyer_dimension_is_never_public(data):
    with pytest.raises(ValueError, match="not shown on the public page"):
        selectors.calloff_groups("buyer", public=True)


def test_supplier_concentration(data):
    staff = {item.framework: item for item in selectors.supplier_concentration(public=False)}
    assert staff["CIPS"].hhi == 4195
    assert staff["CIPS"].band == "high"
    assert [(share.supplier, share.value_amount, share.share_percent) for share in staff["CIPS"].shares] == [
        ("Leverandør S2 AS", Decimal("1500000.00"), Decimal("49.2")),
        ("Leverandør S1 AS", Decimal("1250000.00"), Decimal("41.0")),
        ("Leverandør S3 AS", Decimal("300000.00"), Decimal("9.8")),
    ]
    assert staff["CRS"].hhi == 10000
    public = {item.framework: item for item in selectors.supplier_concentration(public=True)}
    assert (public["CIPS"].hhi, public["CIPS"].shares, public["CIPS"].is_suppressed) == (4195, [], False)
    assert (public["CRS"].hhi, public["CRS"].band, public["CRS"].is_suppressed) == (None, "", True)


def test_savings(data):
    [estimate] = selectors.savings_award_vs_estimate()
    assert (estimate.framework, estimate.calloffs, estimate.reference_amount, estimate.actual_amount) == (
        "CIPS",
        3,
        Decimal("3500000.00"),
        Decimal("2750000.00"),
    )
    assert estimate.saving_percent == Decimal("21.4")
    [offers] = selectors.savings_best_vs_second()
    # A1: 800k vs 900k (S4's rejected 100k left out); A2: 1.5m vs 1.6m; A6 cancelled
    assert (offers.framework, offers.calloffs, offers.reference_amount, offers.actual_amount) == (
        "CIPS",
        2,
        Decimal("2500000.00"),
        Decimal("2300000.00"),
    )
    assert offers.saving_percent == Decimal("8.0")


def test_query_count_does_not_grow_with_rows(data):
    with CaptureQueriesContext(connection) as queries:
        selectors.calloff_groups("framework", public=True)
    assert len(queries) == 4


def test_the_version_follows_call_off_events_not_every_event(data):
    from django.db import transaction

    from marketplace.core.audit import audit_record

    calloff = data.calloffs["K1"]
    with transaction.atomic():
        audit_record(actor=None, verb="calloffs.published", target=calloff)
    before, before_all = selectors.statistics_version(), selectors.statistics_version(every_change=True)
    with transaction.atomic():
        audit_record(actor=None, verb="accounts.renamed", target=calloff.buyer)
    assert selectors.statistics_version() == before  # the call-off figures stay cached
    assert selectors.statistics_version(every_change=True) != before_all  # the goals page follows everything
    with transaction.atomic():
        event = audit_record(actor=None, verb="calloffs.cancelled", target=calloff)
    assert selectors.statistics_version().split("-")[0] == str(event.pk)
