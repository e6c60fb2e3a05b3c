"""The chart component pages reuse (FinOps, CyberX): a Vega-Lite spec (built with Altair) + the same data as a table +
a CSV export of that table. Render it with `{% include "core/_chart.html" with chart=... %}` and load the chart
scripts once per page with `{% include "core/_chart_scripts.html" %}`. Moved here from finops/views/charts.py,
which re-exports it; the section navigation (`nav_entries`) stays with FinOps.

Money stays Decimal: the spec carries amounts as strings and Vega parses them (`format.parse`), the table shows
them formatted for the language, the CSV writes them as plain decimals with a point (machine-readable).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import altair as alt
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format

# Designsystemet (Digdir theme) colours: accent, brand and status colours, then neutrals.
PALETTE = [
    "#0062BA",
    "#E5AA20",
    "#068718",
    "#C01B1B",
    "#1E98F5",
    "#7A3E9D",
    "#F45F63",
    "#1E2B3C",
    "#5C7290",
    "#A36C00",
]
FONT = "Inter, 'Helvetica Neue', Arial, sans-serif"
CENT = Decimal("0.01")

__all__ = [
    "CENT",
    "FONT",
    "PALETTE",
    "ChartTable",
    "Column",
    "csv_response",
    "csv_url",
    "csv_value",
    "display_value",
    "format_money",
    "horizontal_bars",
    "line_over_time",
    "money",
    "stacked_bars_over_time",
    "url_or_none",
]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    is_money: bool = False
    # shows a cell value (the raw value stays in the CSV); None/"" get `empty`
    display: Callable[[Any], str] | None = None
    empty: str = "–"


@dataclass
class ChartTable:
    """One figure on a page: `name` is its id in the page and its `table=` in the CSV link."""

    name: str
    title: str
    description: str
    columns: Sequence[Column]
    rows: list[dict[str, Any]]
    spec: dict[str, Any] | None = None
    csv_url: str = ""
    empty_message: str = ""
    csv_filename: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def spec_id(self) -> str:
        return f"{self.name}-spec"

    def header(self) -> list[str]:
        return [str(column.label) for column in self.columns]

    def display_rows(self) -> list[list[dict[str, Any]]]:
        """Cells for the HTML table: text plus whether the cell is a number (right-aligned)."""
        return [
            [
                {"text": display_value(column, row.get(column.key)), "is_number": column.is_money}
                for column in self.columns
            ]
            for row in self.rows
        ]

    def csv_rows(self) -> list[list[str]]:
        return [
            [
                csv_value(money(row.get(column.key)) if column.is_money else row.get(column.key))
                for column in self.columns
            ]
            for row in self.rows
        ]


def money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal | None) -> str:
    """NOK amount for people: two decimals, grouped, in the active language ("1 234,50" in Bokmål)."""
    amount = money(value)
    if amount is None:
        return ""
    return number_format(amount, 2, use_l10n=True, force_grouping=True)


def display_value(column: Column, value: Any) -> str:
    if column.display is not None:
        shown = column.display(value)
        return shown if shown not in (None, "") else str(column.empty)
    if value is None or value == "":
        return str(column.empty)
    if column.is_money:
        return format_money(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_value(value: Any) -> str:
    """Plain, machine-readable values; a leading = + - @ in text is neutralised (CSV formula injection)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def csv_response(chart: ChartTable, filename: str) -> HttpResponse:
    """The chart's table as CSV (UTF-8 with BOM so spreadsheets read æøå, CRLF lines)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(chart.header())
    writer.writerows(chart.csv_rows())
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_url(request: HttpRequest, table: str) -> str:
    """The current page's URL with its filters and `format=csv&table=<table>`."""
    query = request.GET.copy()
    query["format"] = "csv"
    query["table"] = table
    return f"{request.path}?{query.urlencode()}"


def url_or_none(name: str, *args: Any) -> str | None:
    """reverse() that answers None for a page that does not exist (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- Vega-Lite specs -----------------------------------------------------------------------------------------------


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT, background="transparent")
        .configure_axis(
            labelFontSize=12,
            titleFontSize=13,
            gridColor="#E1E5EB",
            domainColor="#5C7290",
            tickColor="#5C7290",
        )
        .configure_legend(labelFontSize=12, titleFontSize=13, orient="bottom", columns=3)
        .configure_view(stroke=None)
    )


def _values(
    rows: Iterable[dict[str, Any]], fields: Sequence[str], money_fields: Sequence[str]
) -> list[dict[str, Any]]:
    """The chart's fields of the rows for the spec's inline data: money as strings (parsed to numbers by Vega),
    dates as ISO strings."""
    values = []
    for row in rows:
        value: dict[str, Any] = {}
        for key in fields:
            item = row.get(key)
            if key in money_fields:
                value[key] = f"{money(item):f}" if item is not None else None
            elif isinstance(item, dt.date):
                value[key] = item.isoformat()
            else:
                value[key] = item
        values.append(value)
    return values


def _data(rows: Iterable[dict[str, Any]], fields: Sequence[str], money_fields: Sequence[str]) -> alt.Data:
    return alt.Data(
        values=_values(rows, fields, money_fields),
        format=alt.DataFormat(parse=dict.fromkeys(money_fields, "number")),
    )


def stacked_bars_over_time(
    rows: Iterable[dict[str, Any]],
    *,
    grain: str,
    amount_field: str,
    amount_title: str,
    group_field: str,
    group_title: str,
    period_title: str,
    description: str,
) -> dict[str, Any]:
    """Bars per month (or day), stacked by group; `rows` have `period` (date), `group_field` and `amount_field`."""
    time_unit: Literal["yearmonth", "yearmonthdate"] = "yearmonth" if grain == "month" else "yearmonthdate"
    label_format = "%b %Y" if grain == "month" else "%d.%m."
    chart = (
        alt.Chart(_data(rows, ["period", group_field, amount_field], [amount_field]), description=description)
        .mark_bar()
        .encode(
            x=alt.X(
                "period:O",
                timeUnit=time_unit,
                title=period_title,
                axis=alt.Axis(
                    format=label_format,
                    formatType="time",
                    labelAngle=0 if grain == "month" else -45,
                    labelOverlap=True,
                ),
            ),
            y=alt.Y(f"{amount_field}:Q", title=amount_title, stack="zero", axis=alt.Axis(format=",.0f")),
            color=alt.Color(f"{group_field}:N", title=group_title, scale=alt.Scale(range=PALETTE)),
            order=alt.Order(f"{group_field}:N"),
            tooltip=[
                alt.Tooltip("period:T", timeUnit=time_unit, title=period_title),
                alt.Tooltip(f"{group_field}:N", title=group_title),
                alt.Tooltip(f"{amount_field}:Q", title=amount_title, format=",.2f"),
            ],
        )
        .properties(width="container", height=300)
    )
    return _config(chart).to_dict()


def horizontal_bars(
    rows: Iterable[dict[str, Any]],
    *,
    category_field: str,
    category_title: str,
    amount_field: str,
    amount_title: str,
    description: str,
) -> dict[str, Any]:
    """One bar per category, in the order of `rows` (highest first).

    The category axis has no title: its labels are the categories, the figure's heading says what they are, and
    a rotated title beside long labels was drawn over them (vega places it from measured label widths).
    """
    rows = list(rows)
    order = [row[category_field] for row in rows]
    chart = (
        alt.Chart(_data(rows, [category_field, amount_field], [amount_field]), description=description)
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y(f"{category_field}:N", title=None, sort=order, axis=alt.Axis(labelLimit=260)),
            x=alt.X(f"{amount_field}:Q", title=amount_title, axis=alt.Axis(format=",.0f")),
            tooltip=[
                alt.Tooltip(f"{category_field}:N", title=category_title),
                alt.Tooltip(f"{amount_field}:Q", title=amount_title, format=",.2f"),
            ],
        )
        .properties(width="container", height=max(60, 28 * len(rows)))
    )
    return _config(chart).to_dict()


def line_over_time(
    rows: Iterable[dict[str, Any]],
    *,
    date_field: str,
    date_title: str,
    value_field: str,
    value_title: str,
    description: str,
    group_field: str | None = None,
    group_title: str = "",
    domain: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """A line with points per date (one line per group when `group_field` is given); `rows` have `date_field` (date
    or datetime) and a number in `value_field`. `domain` fixes the y axis (e.g. 0-100 for scores)."""
    fields = [date_field, value_field] + ([group_field] if group_field else [])
    values = []
    for row in rows:
        item: dict[str, Any] = {}
        for key in fields:
            value = row.get(key)
            item[key] = value.isoformat() if isinstance(value, dt.date) else value
        values.append(item)
    y_scale = alt.Scale(domain=list(domain)) if domain is not None else alt.Undefined
    encoding: dict[str, Any] = {
        "x": alt.X(
            f"{date_field}:T",
            title=date_title,
            axis=alt.Axis(format="%d.%m.%Y", formatType="time", labelAngle=0, labelOverlap=True),
        ),
        "y": alt.Y(f"{value_field}:Q", title=value_title, scale=y_scale),
        "tooltip": [
            alt.Tooltip(f"{date_field}:T", title=date_title, format="%d.%m.%Y"),
            alt.Tooltip(f"{value_field}:Q", title=value_title),
        ],
    }
    if group_field:
        encoding["color"] = alt.Color(f"{group_field}:N", title=group_title, scale=alt.Scale(range=PALETTE))
        encoding["tooltip"].insert(1, alt.Tooltip(f"{group_field}:N", title=group_title))
    base = alt.Chart(alt.Data(values=values), description=description)
    mark = base.mark_line(point=True) if group_field else base.mark_line(point=True, color=PALETTE[0])
    chart = mark.encode(**encoding).properties(width="container", height=260)
    return _config(chart).to_dict()
