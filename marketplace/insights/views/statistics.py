"""The statistics pages: public (aggregates only, small cells hidden), MPS staff's fuller view, and the six goals.
Every figure is a chart + table + CSV (core/charts.py); `?format=csv&table=<name>` downloads one table."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core.charts import (
    ChartTable,
    Column,
    csv_response,
    csv_url,
    horizontal_bars,
    stacked_bars_over_time,
)
from marketplace.insights.permissions import can_view_full_statistics
from marketplace.insights.selectors import statistics as selectors
from marketplace.insights.selectors.statistics_goals import goals_progress

BANDS = {
    "low": gettext_lazy("Lav konsentrasjon"),
    "moderate": gettext_lazy("Moderat konsentrasjon"),
    "high": gettext_lazy("Høy konsentrasjon"),
}


_SPEC_CACHE: OrderedDict[str, dict[str, Any]] = OrderedDict()
_SPEC_CACHE_SIZE = 128


def _spec(
    builder: Callable[..., dict[str, Any]], rows: list[dict[str, Any]], **options: Any
) -> dict[str, Any]:
    """The chart spec for these rows, remembered per process: Altair's schema validation costs ~150 ms a chart and
    the figures change only when call-offs do, so a page shown again with the same figures reuses its spec."""
    key = json.dumps([builder.__name__, rows, options], default=str, sort_keys=True)
    spec = _SPEC_CACHE.get(key)
    if spec is None:
        spec = builder(rows, **options)
        _SPEC_CACHE[key] = spec
        while len(_SPEC_CACHE) > _SPEC_CACHE_SIZE:
            _SPEC_CACHE.popitem(last=False)
    else:
        _SPEC_CACHE.move_to_end(key)
    return spec


chart_spec = _spec  # for the other insights pages (notices)


def _percent_text(value: Any) -> str:
    return "" if value is None else f"{value} %".replace(".", ",")


def _days_text(value: Any) -> str:
    return "" if value is None else str(value).replace(".", ",")


def _groups(dimension: str) -> list[selectors.CallOffGroup]:
    """MPS staff's figures per group, computed once per data version for both pages (and the totals)."""
    return selectors.cached(f"groups:{dimension}", lambda: selectors.calloff_groups(dimension, public=False))


def _concentration(public: bool) -> list[selectors.Concentration]:
    rows = selectors.cached("concentration_rows", selectors.concentration_rows)
    return selectors.supplier_concentration(public=public, rows=rows)


def calloffs_table(request: HttpRequest, dimension: str, *, public: bool) -> ChartTable:
    groups = _groups(dimension)
    if public:
        groups = selectors.suppressed_copy(groups)
    hidden = _("skjult")
    rows = []
    for group in groups:
        row = group.as_row()
        if row["is_suppressed"]:
            row = {"label": f"{group.label} ({hidden})"}
        rows.append(row)
    columns = [
        Column("label", str(selectors.DIMENSIONS[dimension])),
        Column("calloffs", _("Avrop")),
        Column("awarded_value_amount", _("Tildelt verdi (NOK)"), is_money=True),
        Column("median_days", _("Median dager til kontrakt"), display=_days_text),
    ]
    if dimension != "mechanism":
        columns += [
            Column("direct_percent", _("Direkte (%)"), display=_percent_text),
            Column("desk_percent", _("Skrivebord (%)"), display=_percent_text),
            Column("mini_percent", _("Minikonkurranse (%)"), display=_percent_text),
        ]
    columns.append(Column("complaints", _("Klager i karensperioden")))
    if not public:
        columns += [Column("awarded", _("Tildelt")), Column("suppliers", _("Leverandører (minst)"))]
    shown = [row for row in rows if "calloffs" in row]
    title = _("Avrop etter %(dimension)s") % {"dimension": str(selectors.DIMENSIONS[dimension]).lower()}
    if dimension == "month":
        chart_rows = [
            {"period": group.key, "route": str(label), "count": Decimal(getattr(group, route))}
            for group in groups
            if not group.is_suppressed
            for route, label in (
                ("direct", _("Direkte")),
                ("desk", _("Skrivebord")),
                ("mini", _("Minikonkurranse")),
            )
        ]
        spec = _spec(
            stacked_bars_over_time,
            chart_rows,
            grain="month",
            amount_field="count",
            amount_title=_("Avrop"),
            group_field="route",
            group_title=_("Avropsform"),
            period_title=_("Måned"),
            description=_("Antall avrop per måned fordelt på avropsform."),
        )
    else:
        spec = _spec(
            horizontal_bars,
            sorted(shown, key=lambda row: -row["awarded_value_amount"]),
            category_field="label",
            category_title=str(selectors.DIMENSIONS[dimension]),
            amount_field="awarded_value_amount",
            amount_title=_("Tildelt verdi (NOK)"),
            description=_("Tildelt verdi per %(dimension)s.")
            % {"dimension": str(selectors.DIMENSIONS[dimension]).lower()},
        )
    notes = []
    if public:
        notes.append(
            _(
                "Grupper med færre enn 3 avrop eller færre enn 3 leverandører er skjult, og når bare én gruppe er "
                "skjult, skjules også den nest minste, så ingen enkeltvirksomhets tilbud kan leses ut."
            )
        )
    return ChartTable(
        name="calloffs",
        title=title,
        description=_(
            "Avrop som er sendt ut eller tildelt og ikke avlyst. Verdi er tildelt kontraktsverdi; tid er hele "
            "dager fra avropet ble registrert til kontrakten ble signert."
        ),
        columns=columns,
        rows=rows,
        spec=spec if shown else None,
        csv_url=csv_url(request, "calloffs"),
        empty_message=_("Ingen avrop ennå."),
        notes=notes,
    )


def concentration_table(request: HttpRequest, *, public: bool) -> ChartTable:
    rows = [
        {
            "framework": item.framework + (f" ({_('skjult')})" if item.is_suppressed else ""),
            "awards": None if item.is_suppressed else item.awards,
            "suppliers": None if item.is_suppressed else item.suppliers,
            "hhi": item.hhi,
            "band": str(BANDS[item.band]) if item.band else "",
        }
        for item in _concentration(public)
    ]
    return ChartTable(
        name="concentration",
        title=_("Leverandørkonsentrasjon per rammeavtale"),
        description=_(
            "Herfindahl-Hirschman-indeksen (HHI) av leverandørenes andel av tildelt verdi: summen av kvadrerte "
            "markedsandeler i prosent, 0–10 000. Under 1 500 er lav, 1 500–2 500 moderat og over 2 500 høy "
            "konsentrasjon."
        ),
        columns=[
            Column("framework", _("Rammeavtale")),
            Column("awards", _("Tildelinger")),
            Column("suppliers", _("Leverandører")),
            Column("hhi", _("HHI")),
            Column("band", _("Vurdering")),
        ],
        rows=rows,
        spec=_spec(
            horizontal_bars,
            [
                {"framework": row["framework"], "hhi": Decimal(row["hhi"])}
                for row in rows
                if row["hhi"] is not None
            ],
            category_field="framework",
            category_title=_("Rammeavtale"),
            amount_field="hhi",
            amount_title=_("HHI (0–10 000)"),
            description=_("HHI per rammeavtale."),
        )
        if any(row["hhi"] is not None for row in rows)
        else None,
        csv_url=csv_url(request, "concentration"),
        empty_message=_("Ingen tildelinger ennå."),
    )


def shares_table(request: HttpRequest) -> ChartTable:
    rows = [
        {
            "framework": item.framework,
            "supplier": share.supplier,
            "value_amount": share.value_amount,
            "share_percent": share.share_percent,
        }
        for item in _concentration(False)
        for share in item.shares
    ]
    return ChartTable(
        name="shares",
        title=_("Markedsandeler per rammeavtale"),
        description=_("Hver leverandørs andel av tildelt verdi innenfor rammeavtalen."),
        columns=[
            Column("framework", _("Rammeavtale")),
            Column("supplier", _("Leverandør")),
            Column("value_amount", _("Tildelt verdi (NOK)"), is_money=True),
            Column("share_percent", _("Andel (%)"), display=_percent_text),
        ],
        rows=rows,
        csv_url=csv_url(request, "shares"),
        empty_message=_("Ingen tildelinger ennå."),
    )


def _savings_rows(items: list[selectors.Savings]) -> list[dict[str, Any]]:
    return [
        {
            "framework": item.framework,
            "calloffs": item.calloffs,
            "reference_amount": item.reference_amount,
            "actual_amount": item.actual_amount,
            "saving_percent": item.saving_percent,
        }
        for item in items
    ]


def savings_tables(request: HttpRequest) -> list[ChartTable]:
    estimate = _savings_rows(selectors.cached("savings_estimate", selectors.savings_award_vs_estimate))
    offers = _savings_rows(selectors.cached("savings_offers", selectors.savings_best_vs_second))
    return [
        ChartTable(
            name="savings_estimate",
            title=_("Tildelt verdi mot anslått verdi"),
            description=_(
                "Skrivebords- og minikonkurranser med tildeling: oppdragsgivernes anslag på rammeavtalens "
                "listepriser mot tildelt verdi, summert per rammeavtale."
            ),
            columns=[
                Column("framework", _("Rammeavtale")),
                Column("calloffs", _("Avrop")),
                Column("reference_amount", _("Anslått verdi (NOK)"), is_money=True),
                Column("actual_amount", _("Tildelt verdi (NOK)"), is_money=True),
                Column("saving_percent", _("Besparelse (%)"), display=_percent_text),
            ],
            rows=estimate,
            spec=_spec(
                horizontal_bars,
                [
                    {"framework": row["framework"], "saving": row["saving_percent"]}
                    for row in estimate
                    if row["saving_percent"] is not None
                ],
                category_field="framework",
                category_title=_("Rammeavtale"),
                amount_field="saving",
                amount_title=_("Besparelse (%)"),
                description=_("Besparelse i prosent av anslått verdi per rammeavtale."),
            )
            if estimate
            else None,
            csv_url=csv_url(request, "savings_estimate"),
            empty_message=_("Ingen tildelte skrivebords- eller minikonkurranser ennå."),
        ),
        ChartTable(
            name="savings_offers",
            title=_("Beste mot nest beste tilbud"),
            description=_(
                "Minikonkurranser med minst to gyldige åpnede tilbud: summen av nest beste pris mot summen av "
                "beste pris per rammeavtale. Ingen enkeltpriser vises."
            ),
            columns=[
                Column("framework", _("Rammeavtale")),
                Column("calloffs", _("Avrop")),
                Column("reference_amount", _("Nest beste (NOK)"), is_money=True),
                Column("actual_amount", _("Beste (NOK)"), is_money=True),
                Column("saving_percent", _("Forskjell (%)"), display=_percent_text),
            ],
            rows=offers,
            csv_url=csv_url(request, "savings_offers"),
            empty_message=_("Ingen minikonkurranser med to eller flere åpnede tilbud ennå."),
        ),
    ]


def _dimension(request: HttpRequest, allowed: tuple[str, ...]) -> str:
    dimension = request.GET.get("by") or "framework"
    if dimension not in allowed:
        raise Http404(_("Ukjent inndeling."))
    return dimension


def _dimension_links(request: HttpRequest, allowed: tuple[str, ...], current: str) -> list[dict[str, Any]]:
    return [
        {
            "key": key,
            "label": str(selectors.DIMENSIONS[key]),
            "url": f"{request.path}?by={key}",
            "is_current": key == current,
        }
        for key in allowed
    ]


def _totals(request: HttpRequest) -> dict[str, Any]:
    totals = selectors.cached("totals", lambda: selectors.calloff_totals(_groups("framework")))
    mnok = (totals.awarded_value_amount / Decimal(1_000_000)).quantize(Decimal("0.1"))
    return {"totals": totals, "totals_mnok": number_format(mnok, 1, use_l10n=True, force_grouping=True)}


def _respond(
    request: HttpRequest, charts: list[ChartTable], template: str, context: dict[str, Any], filename: str
) -> HttpResponse:
    if request.GET.get("format") == "csv":
        for chart in charts:
            if chart.name == request.GET.get("table"):
                return csv_response(chart, f"{filename}-{chart.name}.csv")
        raise Http404(_("Ukjent tabell."))
    return render(request, template, {**context, "charts": charts})


def index(request: HttpRequest) -> HttpResponse:
    """Public: aggregates only."""
    dimension = _dimension(request, selectors.PUBLIC_DIMENSIONS)
    charts = [calloffs_table(request, dimension, public=True), concentration_table(request, public=True)]
    context = {
        **_totals(request),
        "dimensions": _dimension_links(request, selectors.PUBLIC_DIMENSIONS, dimension),
        "can_view_full": can_view_full_statistics(request.user),
    }
    return _respond(request, charts, "insights/statistics/index.html", context, "innsikt")


def full(request: HttpRequest) -> HttpResponse:
    """MPS staff: every dimension (also per organisation), no suppression, savings and market shares."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_view_full_statistics(request.user):
        raise PermissionDenied(_("Den fulle statistikken er for MPS."))
    allowed = tuple(selectors.DIMENSIONS)
    dimension = _dimension(request, allowed)
    charts = [
        calloffs_table(request, dimension, public=False),
        concentration_table(request, public=False),
        shares_table(request),
        *savings_tables(request),
    ]
    context = {**_totals(request), "dimensions": _dimension_links(request, allowed, dimension)}
    return _respond(request, charts, "insights/statistics/full.html", context, "innsikt-mps")


def goals(request: HttpRequest) -> HttpResponse:
    """Public: progress against MPS's six business goals."""
    return render(
        request,
        "insights/statistics/goals.html",
        {"goals": selectors.cached("goals", goals_progress, every_change=True)},
    )
