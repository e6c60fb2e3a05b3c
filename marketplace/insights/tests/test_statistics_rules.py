from decimal import Decimal

import pytest

from marketplace.insights import statistics as stats


@pytest.mark.parametrize(
    ("histogram", "expected"),
    [
        ({}, None),
        ({0: 0}, None),
        ({7: 1}, Decimal("7.0")),
        ({5: 1, 7: 1, 10: 1, 30: 1, 40: 1}, Decimal("10.0")),
        ({5: 1, 10: 1, 30: 1, 40: 1}, Decimal("20.0")),
        ({3: 2, 8: 1}, Decimal("3.0")),
        ({3: 1, 4: 1}, Decimal("3.5")),
        ({1: 10, 100: 9}, Decimal("1.0")),
        ({1: 10, 100: 10}, Decimal("50.5")),
    ],
)
def test_median_from_histogram(histogram, expected):
    assert stats.median_from_histogram(histogram) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([Decimal(0)], None),
        ([Decimal(100)], 10000),
        ([Decimal(50), Decimal(50)], 5000),
        ([Decimal(25)] * 4, 2500),
        ([Decimal(10)] * 10, 1000),
        ([Decimal(1500000), Decimal(1250000), Decimal(300000)], 4195),
        ([Decimal(60), Decimal(30), Decimal(10), Decimal(0)], 4600),
    ],
)
def test_hhi(values, expected):
    assert stats.hhi(values) == expected


@pytest.mark.parametrize(
    ("index", "band"),
    [
        (None, ""),
        (0, "low"),
        (1499, "low"),
        (1500, "moderate"),
        (2500, "moderate"),
        (2501, "high"),
        (10000, "high"),
    ],
)
def test_hhi_band(index, band):
    assert stats.hhi_band(index) == band


def test_market_shares_largest_first_ties_by_name_zero_left_out():
    shares = stats.market_shares({"B": Decimal(300), "A": Decimal(300), "C": Decimal(400), "D": Decimal(0)})
    assert [(row.supplier, row.value_amount, row.share_percent) for row in shares] == [
        ("C", Decimal(400), Decimal("40.0")),
        ("A", Decimal(300), Decimal("30.0")),
        ("B", Decimal(300), Decimal("30.0")),
    ]
    assert stats.market_shares({}) == []


@pytest.mark.parametrize(
    ("calloffs", "suppliers", "suppressed"),
    [(0, 0, True), (2, 5, True), (5, 2, True), (3, 3, False), (10, 4, False)],
)
def test_small_cell_rule(calloffs, suppliers, suppressed):
    assert stats.is_suppressed(calloffs, suppliers) is suppressed


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 3, Decimal("33.3")),
        (2, 3, Decimal("66.7")),
        (0, 5, Decimal("0.0")),
        (5, 0, None),
        (3, 3, Decimal("100.0")),
    ],
)
def test_percent(part, whole, expected):
    assert stats.percent(part, whole) == expected


@pytest.mark.parametrize(
    ("reference", "actual", "expected"),
    [
        (Decimal(3500000), Decimal(2750000), Decimal("21.4")),
        (Decimal(100), Decimal(110), Decimal("-10.0")),
        (Decimal(0), Decimal(10), None),
    ],
)
def test_saving_percent(reference, actual, expected):
    assert stats.saving_percent(reference, actual) == expected


def test_quarters():
    assert stats.quarter_index(2024, 1) == 8096
    assert stats.quarter_index(2024, 4) - stats.quarter_index(2022, 4) == 8
    assert stats.quarter_label(stats.quarter_index(2025, 3)) == "2025 K3"
    with pytest.raises(ValueError, match="quarter must be 1–4"):
        stats.quarter_index(2024, 5)


def test_to_decimal_reads_sqlite_floats_exactly():
    assert stats.to_decimal(1250000.5) == Decimal("1250000.5")
    assert stats.to_decimal(None) == Decimal(0)
    assert stats.to_decimal(7) == Decimal(7)
