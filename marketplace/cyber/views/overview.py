"""An organisation's Cyber Risk Score: latest score and grade, category scores, the trend over scans (chart + table
+ CSV), the anonymised comparison with state bodies and municipalities, and every deduction with its explanation.

`overview` is the page of the organisation the user acts for; MPS staff open any organisation's page from the MPS
list (`organisation_overview`). Every table has a CSV export (`?format=csv&table=<name>`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from marketplace.accounts.models import Organisation
from marketplace.accounts.permissions import is_mps_staff
from marketplace.core.charts import ChartTable, Column, csv_response, csv_url, horizontal_bars, line_over_time
from marketplace.cyber import explanations, selectors
from marketplace.cyber.models import Scan
from marketplace.cyber.permissions import can_scan_cyber, can_view_cyber
from marketplace.cyber.views.common import cyber_organisation_or_403


def _number(value: Any) -> str:
    return "" if value is None else f"{value:g}".replace(".", ",")


class Overview:
    """The tables of one organisation's overview (each built only when asked for)."""

    def __init__(self, request: HttpRequest, organisation: Organisation) -> None:
        self.request = request
        self.organisation = organisation
        self.method = selectors.methodology()
        self.latest: Scan | None = selectors.scan_latest(organisation)
        self._deductions: list[selectors.Deduction] | None = None
        self._unscannable: list[selectors.Unscannable] | None = None
        self.builders: dict[str, Callable[[], ChartTable]] = {
            "trend": self.trend,
            "categories": self.categories,
            "peers": self.peers,
            "deductions": self.deductions,
        }

    def table(self, name: str) -> ChartTable:
        chart = self.builders[name]()
        chart.csv_url = csv_url(self.request, name)
        chart.csv_filename = f"cyberx-{name}-{self.organisation.orgnr}.csv"
        return chart

    def trend(self) -> ChartTable:
        rows = selectors.score_history(self.organisation)
        description = _("Cyber Risk Score (0–100) for hver ferdige skanning, eldste først.")
        spec = (
            line_over_time(
                rows,
                date_field="date",
                date_title=_("Dato"),
                value_field="score",
                value_title=_("Poengsum"),
                description=description,
                domain=(0, 100),
            )
            if rows
            else None
        )
        return ChartTable(
            name="trend",
            title=_("Utvikling over tid"),
            description=description,
            columns=[
                Column("date", _("Dato")),
                Column("score", _("Poengsum")),
                Column("grade", _("Karakter")),
                Column("scan_id", _("Skanning")),
            ],
            rows=rows,
            spec=spec,
            empty_message=_("Ingen ferdige skanninger ennå."),
        )

    def categories(self) -> ChartTable:
        scores = (self.latest.category_scores or {}) if self.latest else {}
        order = list(explanations.CATEGORY_LABELS)
        keys = sorted(scores, key=lambda key: (order.index(key) if key in order else len(order), key))
        rows = [
            {
                "category": key,
                "label": explanations.category_label(key),
                "score": scores[key],
                "weight": self.method.weight_of(key),
            }
            for key in keys
            if isinstance(scores[key], int | float)
        ]
        description = _("Prosent av oppnåelige poeng per kategori i siste skanning.")
        spec = (
            horizontal_bars(
                rows,
                category_field="label",
                category_title=_("Kategori"),
                amount_field="score",
                amount_title=_("Prosent"),
                description=description,
            )
            if rows
            else None
        )
        return ChartTable(
            name="categories",
            title=_("Kategorier"),
            description=description,
            columns=[
                Column("label", _("Kategori")),
                Column("score", _("Prosent")),
                Column("weight", _("Vekt"), display=_number),
            ],
            rows=rows,
            spec=spec,
            empty_message=_("Ingen kategorier er målt ennå."),
        )

    def peers(self) -> ChartTable:
        own = self.latest.score if self.latest else None
        rows = []
        for group in selectors.peer_groups(self.organisation, own):
            row: dict[str, Any] = {
                "group": group.label,
                "count": group.count,
                "p25": group.p25,
                "median": group.median,
                "p75": group.p75,
                "mean": group.mean,
                "share_below": group.share_below,
                "is_shown": group.is_shown,
                "is_own_group": group.is_own_group,
            }
            for grade, _minimum in selectors.DEFAULT_GRADE_BANDS:
                row[f"grade_{grade}"] = group.grade_counts.get(grade) if group.is_shown else None
            rows.append(row)
        grade_columns = [
            Column(f"grade_{grade}", _("Antall %(grade)s") % {"grade": grade})
            for grade, _minimum in selectors.DEFAULT_GRADE_BANDS
        ]
        return ChartTable(
            name="peers",
            title=_("Sammenligning med andre virksomheter"),
            description=_(
                "Fordelingen av siste poengsum blant statlige virksomheter og kommuner. Ingen virksomhet navngis, og "
                "grupper med færre enn %(min)s virksomheter vises bare med antall."
            )
            % {"min": selectors.PEER_MIN_GROUP},
            columns=[
                Column("group", _("Gruppe")),
                Column("count", _("Virksomheter")),
                Column("p25", _("Nedre kvartil"), display=_number),
                Column("median", _("Median"), display=_number),
                Column("p75", _("Øvre kvartil"), display=_number),
                Column("mean", _("Gjennomsnitt"), display=_number),
                *grade_columns,
                Column("share_below", _("Andel i gruppen med lavere poengsum (%)"), display=_number),
            ],
            rows=rows,
        )

    def _latest_with_results(self) -> Scan | None:
        """The latest scan with its results loaded once for the deductions and the unscannable hosts."""
        if self.latest is not None and not getattr(self.latest, "_prefetched_objects_cache", {}).get(
            "results"
        ):
            prefetch_related_objects([self.latest], "results")
        return self.latest

    def unscannable(self) -> list[selectors.Unscannable]:
        """Hosts of the latest scan where nothing could be tested: shown once each instead of a deduction per
        check (whose own advice would not help)."""
        if self._unscannable is None:
            latest = self._latest_with_results()
            self._unscannable = selectors.unscannable_hosts(latest) if latest else []
        return self._unscannable

    def deduction_list(self) -> list[selectors.Deduction]:
        if self._deductions is None:
            hosts = {item.host for item in self.unscannable()}
            latest = self._latest_with_results()
            found = selectors.deductions(latest, self.method) if latest else []
            self._deductions = [
                item
                for item in found
                if not (item.result.status == "error" and selectors.host_of(item.result.target) in hosts)
            ]
        return self._deductions

    def deductions(self) -> ChartTable:
        rows = [
            {
                "target": item.result.target,
                "check_id": item.result.check_id,
                "title": str(item.explanation.title),
                "category": explanations.category_label(item.result.category),
                "status": explanations.status_label(item.result.status),
                "points": item.result.points,
                "max_points": item.result.max_points,
                "points_lost": item.points_lost,
                "total_impact": item.total_impact,
                "fix": str(item.explanation.fix),
            }
            for item in self.deduction_list()
        ]
        return ChartTable(
            name="deductions",
            title=_("Fradrag"),
            description=_("Hvert poeng som er trukket i siste skanning, størst virkning på totalen først."),
            columns=[
                Column("target", _("Mål")),
                Column("check_id", _("Kontroll")),
                Column("title", _("Navn")),
                Column("category", _("Kategori")),
                Column("status", _("Status")),
                Column("points", _("Poeng")),
                Column("max_points", _("Maks")),
                Column("total_impact", _("Omtrentlig virkning på totalen"), display=_number),
                Column("fix", _("Slik retter du det")),
            ],
            rows=rows,
            empty_message=_("Ingen fradrag."),
        )


def _render(request: HttpRequest, organisation: Organisation, *, is_own: bool) -> HttpResponse:
    board = Overview(request, organisation)
    if request.GET.get("format") == "csv":
        name = request.GET.get("table", "")
        if name not in board.builders:
            raise Http404(_("Ukjent tabell."))
        chart = board.table(name)
        return csv_response(chart, chart.csv_filename)
    peers = board.table("peers")
    context = {
        "organisation": organisation,
        "is_own": is_own,
        "board": board,
        "latest": board.latest,
        "categories": board.table("categories"),
        "trend": board.table("trend"),
        "peers": peers,
        "own_peer_group": next((row for row in peers.rows if row["is_own_group"]), None),
        "deductions": board.deduction_list(),
        "unscannable": board.unscannable(),
        "deductions_table": board.table("deductions"),
        "in_progress": selectors.has_scan_in_progress(organisation),
        "can_scan": can_scan_cyber(request.user, organisation),
        "has_assets": selectors.asset_list(organisation).filter(is_active=True).exists(),
    }
    return render(request, "cyber/overview.html", context)


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    if is_mps_staff(request.user):
        return redirect("cyber:mps")
    organisation = cyber_organisation_or_403(request)
    return _render(request, organisation, is_own=True)


@login_required
@require_GET
def organisation_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """Any organisation's overview for MPS staff, the own one for its security officer and org admin; 404 for
    everyone else (the page does not reveal which organisations have scores)."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not can_view_cyber(request.user, organisation):
        raise Http404
    return _render(request, organisation, is_own=not is_mps_staff(request.user))
