"""The shared chart helpers (views.charts): CSV values, money for people, the section navigation, the specs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from marketplace.finops import nav
from marketplace.finops.views import charts


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (Decimal("12.5"), "12.5"),
        (Decimal("350.6"), "350.6"),
        (dt.date(2026, 1, 2), "2026-01-02"),
        (True, "1"),
        ("Virtual Machines", "Virtual Machines"),
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+47", "'+47"),
        ("-1", "'-1"),
        ("@x", "'@x"),
    ],
)
def test_csv_value(value, expected):
    assert charts.csv_value(value) == expected


def test_money_columns_are_written_with_two_decimals():
    table = charts.ChartTable(
        name="t",
        title="T",
        description="",
        columns=[charts.Column("name", "Navn"), charts.Column("amount", "Beløp", is_money=True)],
        rows=[{"name": "a", "amount": Decimal("1.005")}, {"name": "b", "amount": None}],
    )
    assert table.csv_rows() == [["a", "1.01"], ["b", ""]]
    assert table.header() == ["Navn", "Beløp"]


def test_format_money_in_bokmal_and_english():
    with translation.override("nb"):
        assert charts.format_money(Decimal("1234.5")) == "1\u00a0234,50"
    with translation.override("en"):
        assert charts.format_money(Decimal("1234.5")) == "1,234.50"
    assert charts.format_money(None) == ""


def test_nav_lists_only_pages_that_exist(monkeypatch):
    monkeypatch.setattr(nav, "PAGES", [("finops:dashboard", "Oversikt"), ("finops:not_built_yet", "Senere")])
    assert charts.nav_entries("finops:dashboard") == [
        {"url": "/finops/", "label": "Oversikt", "is_current": True}
    ]


def test_horizontal_bars_spec_keeps_the_order_and_parses_money():
    spec = charts.horizontal_bars(
        [{"label": "b", "amount": Decimal("9"), "extra": 1}, {"label": "a", "amount": Decimal("1.5")}],
        category_field="label",
        category_title="Tjeneste",
        amount_field="amount",
        amount_title="Kostnad",
        description="Beskrivelse",
    )
    assert spec["data"] == {
        "values": [{"label": "b", "amount": "9.00"}, {"label": "a", "amount": "1.50"}],
        "format": {"parse": {"amount": "number"}},
    }
    assert spec["encoding"]["y"]["sort"] == ["b", "a"]
    assert spec["description"] == "Beskrivelse"
    assert spec["mark"]["color"] == charts.PALETTE[0]
