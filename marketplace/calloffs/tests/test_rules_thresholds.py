"""The dated threshold table, FOA part classification and the 12-month splitting check (exact values)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.calloffs.models import ProcurementPart
from marketplace.calloffs.rules import thresholds as t

ON = dt.date(2026, 6, 15)

D = Decimal


@pytest.mark.parametrize(
    ("value", "state", "part", "above_eea"),
    [
        (D("0.01"), True, t.BELOW, False),
        (D("99999.99"), True, t.BELOW, False),
        (D("100000"), True, t.PART_I, False),
        (D("1299999.99"), True, t.PART_I, False),
        (D("1300000"), True, t.PART_II, False),
        (D("1489999.99"), True, t.PART_II, False),
        (D("1490000"), True, t.PART_III, True),
        (D("1490000"), False, t.PART_II, False),
        (D("2299999.99"), False, t.PART_II, False),
        (D("2300000"), False, t.PART_III, True),
        (D("50000000"), False, t.PART_III, True),
    ],
)
def test_classify(value, state, part, above_eea):
    result = t.classify(value, state, ON)
    assert result.part == part
    assert result.is_above_eea is above_eea
    assert result.national_amount == D("1300000")
    assert result.eea_amount == (D("1490000") if state else D("2300000"))


def test_parts_match_the_model_choices():
    assert {t.BELOW, t.PART_I, t.PART_II, t.PART_III} == set(ProcurementPart.values)


def test_table_starts_on_14_march_2024_and_is_open_ended():
    with pytest.raises(t.NoThresholdRow):
        t.classify(D("1"), True, dt.date(2024, 3, 13))
    assert t.threshold_row(dt.date(2024, 3, 14)).valid_from == dt.date(2024, 3, 14)
    assert t.threshold_row(dt.date(2030, 1, 1)).valid_to is None
    with pytest.raises(t.NoThresholdRow):
        t.threshold_row(ON, contract_type="works")


def test_dated_rows_pick_the_one_in_force():
    table = (
        t.ThresholdRow(
            dt.date(2024, 3, 14),
            dt.date(2025, 12, 31),
            t.GOODS_SERVICES,
            D("1300000"),
            D("1490000"),
            D("2300000"),
        ),
        t.ThresholdRow(dt.date(2026, 1, 1), None, t.GOODS_SERVICES, D("1300000"), D("1600000"), D("2500000")),
    )
    assert t.classify(D("1500000"), True, dt.date(2025, 12, 31), table=table).part == t.PART_III
    assert t.classify(D("1500000"), True, dt.date(2026, 1, 1), table=table).part == t.PART_II
    assert t.classify(D("1500000"), True, dt.date(2026, 1, 1), table=table).eea_amount == D("1600000")


@pytest.mark.parametrize(
    ("on", "start"),
    [
        (dt.date(2026, 6, 15), dt.date(2025, 6, 15)),
        (dt.date(2028, 2, 29), dt.date(2027, 2, 28)),
        (dt.date(2026, 1, 1), dt.date(2025, 1, 1)),
    ],
)
def test_aggregation_window_start(on, start):
    assert t.aggregation_window_start(on) == start


@pytest.mark.parametrize(
    ("value", "earlier", "state", "expected"),
    [
        # single value already above the national threshold: no splitting warning for it
        (D("1400000"), D("0"), True, []),
        (D("400000"), D("899999.99"), True, []),
        (D("400000"), D("900000"), True, [("national", D("1300000"), D("1300000"))]),
        (
            D("400000"),
            D("1100000"),
            True,
            [("national", D("1300000"), D("1500000")), ("eea", D("1490000"), D("1500000"))],
        ),
        (D("400000"), D("1100000"), False, [("national", D("1300000"), D("1500000"))]),
        (D("1400000"), D("100000"), True, [("eea", D("1490000"), D("1500000"))]),
        (D("1500000"), D("5000000"), True, []),
    ],
)
def test_splitting_warnings(value, earlier, state, expected):
    found = t.splitting_warnings(value, earlier, state, ON)
    assert [(w.threshold, w.threshold_amount, w.aggregate_amount) for w in found] == expected
