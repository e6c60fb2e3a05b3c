"""The FinOps dashboard of the organisation the user acts for: totals with the change from the previous period, cost
over time, top services and resources, tag breakdown. Filters are GET parameters (kept in the URL); every table
has a CSV export (`?format=csv&table=<name>` with the same filters)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from marketplace.core.forms import AccessibleForm
from marketplace.finops.analytics import dashboard as analysis
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.models import BillingPeriodData
from marketplace.finops.views.charts import (
    ChartTable,
    Column,
    csv_response,
    csv_url,
    horizontal_bars,
    stacked_bars_over_time,
    url_or_none,
)
from marketplace.finops.views.common import finops_organisation_or_403

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
DEFAULT_MONTHS = 12
GROUP_BY_CHOICES = [
    ("provider", gettext_lazy("Leverandør")),
    ("service_category", gettext_lazy("Tjenestekategori")),
]
GRAIN_CHOICES = [("month", gettext_lazy("Måned")), ("day", gettext_lazy("Dag"))]


def parse_month(value: str) -> dt.date | None:
    match = MONTH_PATTERN.match(value or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


class MonthField(forms.CharField):
    """A month as YYYY-MM (`<input type="month">`), cleaned to the first day of the month."""

    widget = forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}", "placeholder": "ÅÅÅÅ-MM"})

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError(_("Skriv måneden som ÅÅÅÅ-MM, for eksempel 2026-03."), code="invalid")
        return month


class DashboardFilterForm(AccessibleForm):
    period_from = MonthField(label=gettext_lazy("Fra måned"), required=False)
    period_to = MonthField(label=gettext_lazy("Til og med måned"), required=False)
    group_by = forms.ChoiceField(
        label=gettext_lazy("Grupper etter"), choices=GROUP_BY_CHOICES, required=False
    )
    grain = forms.ChoiceField(label=gettext_lazy("Tidsoppløsning"), choices=GRAIN_CHOICES, required=False)
    tag_key = forms.ChoiceField(label=gettext_lazy("Tagg-nøkkel"), choices=[], required=False)
    currency = forms.ChoiceField(label=gettext_lazy("Valuta"), choices=[], required=False)

    def __init__(self, *args: Any, tag_keys: list[str], currencies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["tag_key"]).choices = [(key, key) for key in tag_keys]
        cast(forms.ChoiceField, self.fields["currency"]).choices = [(code, code) for code in currencies]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", _("Til-måneden kan ikke være før fra-måneden."))
        return cleaned


def organisation_periods(organisation_id: int) -> list[dt.date]:
    """The billing periods the organisation has current data for, oldest first."""
    return sorted(
        BillingPeriodData.objects.filter(organisation_id=organisation_id, is_current=True)
        .values_list("billing_period", flat=True)
        .distinct()
    )


def default_period(periods: list[dt.date]) -> tuple[dt.date, dt.date]:
    """The last DEFAULT_MONTHS months up to the newest period with data."""
    end = periods[-1]
    return max(periods[0], analysis.add_months(end, -(DEFAULT_MONTHS - 1))), end


def percent_change(current: Decimal, previous: Decimal) -> Decimal | None:
    if previous == 0:
        return None
    return ((current - previous) / previous * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def format_percent(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{number_format(value, 1, use_l10n=True)} %"


def label_or(value: Any, fallback: str) -> str:
    return fallback if value is None or value == "" else str(value)


def month_label(day: dt.date) -> str:
    return f"{day:%Y-%m}"


class Dashboard:
    """The filters in force and the tables of one dashboard request (each built only when asked for)."""

    def __init__(self, request: HttpRequest, organisation: Any, periods: list[dt.date]) -> None:
        self.request = request
        self.organisation = organisation
        self.periods = periods
        scope_all = Scope((organisation.pk,))
        self.currencies = analysis.currencies(scope_all) or ["NOK"]
        self.tag_keys = analysis.tag_keys(scope_all)
        self.form = DashboardFilterForm(
            request.GET or None, tag_keys=self.tag_keys, currencies=self.currencies
        )
        cleaned = self.form.cleaned_data if self.form.is_bound and self.form.is_valid() else {}
        default_from, default_to = default_period(periods)
        self.period_from: dt.date = cleaned.get("period_from") or default_from
        self.period_to: dt.date = cleaned.get("period_to") or default_to
        if self.period_from > self.period_to:
            self.period_from, self.period_to = default_from, default_to
        self.group_by: str = cleaned.get("group_by") or "provider"
        self.grain: str = cleaned.get("grain") or "month"
        self.currency: str = cleaned.get("currency") or (
            "NOK" if "NOK" in self.currencies else self.currencies[0]
        )
        self.tag_key: str | None = cleaned.get("tag_key") or (self.tag_keys[0] if self.tag_keys else None)
        self.scope = Scope((organisation.pk,), period_from=self.period_from, period_to=self.period_to)
        if not self.form.is_bound:
            self.form.initial = {
                "period_from": month_label(self.period_from),
                "period_to": month_label(self.period_to),
                "group_by": self.group_by,
                "grain": self.grain,
                "currency": self.currency,
                "tag_key": self.tag_key,
            }
        self.builders: dict[str, Callable[[], ChartTable]] = {
            "totals": self.totals,
            "over_time": self.over_time,
            "services": self.services,
            "resources": self.resources,
        }
        if self.tag_key is not None:
            self.builders["tags"] = self.tags

    def table(self, name: str) -> ChartTable:
        chart = self.builders[name]()
        chart.csv_url = csv_url(self.request, name)
        chart.csv_filename = f"finops-{name}-{self.organisation.orgnr}-{month_label(self.period_from)}-{month_label(self.period_to)}.csv"
        return chart

    @property
    def group_label(self) -> str:
        return str(dict(GROUP_BY_CHOICES)[self.group_by])

    def totals(self) -> ChartTable:
        current = analysis.cost_totals(self.scope, currency=self.currency)
        previous_scope = analysis.previous_scope(self.scope)
        # Months before the first data are unknown, not zero: with no data at all in the previous period there is
        # nothing to compare with (shown as "–"), and a partly covered one is named in the description.
        covered = months = 0
        previous = None
        if previous_scope and previous_scope.period_from and previous_scope.period_to:
            months = analysis.month_count(previous_scope.period_from, previous_scope.period_to)
            covered = sum(
                1 for p in self.periods if previous_scope.period_from <= p <= previous_scope.period_to
            )
            if covered:
                previous = analysis.cost_totals(previous_scope, currency=self.currency)
        labels = {
            "billed_cost": _("Fakturert kostnad"),
            "effective_cost": _("Effektiv kostnad (amortisert)"),
            "list_cost": _("Listepris"),
            "contracted_cost": _("Avtalepris"),
        }
        rows = []
        for key, label in labels.items():
            before = previous[key] if previous is not None else None
            rows.append(
                {
                    "metric": label,
                    "key": key,
                    "current": current[key],
                    "previous": before,
                    "change": current[key] - before if before is not None else None,
                    "change_percent": percent_change(current[key], before) if before is not None else None,
                }
            )
        description = _(
            "Kostnad i %(currency)s for %(start)s–%(end)s, sammenlignet med like mange måneder før."
        ) % {
            "currency": self.currency,
            "start": month_label(self.period_from),
            "end": month_label(self.period_to),
        }
        if not covered:
            description += " " + _(
                "Det finnes ingen data for månedene før, så det er ingenting å sammenligne med."
            )
        elif covered < months:
            description += " " + _(
                "Bare %(covered)s av de %(months)s månedene før har data; sammenligningen gjelder dem."
            ) % {"covered": covered, "months": months}
        return ChartTable(
            name="totals",
            title=_("Totalt i perioden"),
            description=description,
            columns=[
                Column("metric", _("Kostnadstype")),
                Column("current", _("Denne perioden"), is_money=True),
                Column("previous", _("Forrige periode"), is_money=True),
                Column("change", _("Endring"), is_money=True),
                Column("change_percent", _("Endring i prosent"), display=format_percent),
            ],
            rows=rows,
        )

    def over_time(self) -> ChartTable:
        unknown = _("(ukjent)")
        rows = [
            {**row, "group": label_or(row["group"], unknown)}
            for row in analysis.cost_over_time(
                self.scope, currency=self.currency, group_by=self.group_by, grain=self.grain
            )
        ]
        period_title = _("Måned") if self.grain == "month" else _("Dag")
        if self.grain == "month":
            for row in rows:
                row["period_label"] = month_label(row["period"])
        else:
            for row in rows:
                row["period_label"] = row["period"].isoformat()
        description = _("Effektiv kostnad per %(grain)s, stablet etter %(group)s.") % {
            "grain": period_title.lower(),
            "group": self.group_label.lower(),
        }
        spec = (
            stacked_bars_over_time(
                rows,
                grain=self.grain,
                amount_field="effective_cost",
                amount_title=_("Effektiv kostnad (%(currency)s)") % {"currency": self.currency},
                group_field="group",
                group_title=self.group_label,
                period_title=period_title,
                description=description,
            )
            if rows
            else None
        )
        return ChartTable(
            name="over_time",
            title=_("Kostnad over tid"),
            description=description,
            columns=[
                Column("period_label", period_title),
                Column("group", self.group_label),
                Column("effective_cost", _("Effektiv kostnad"), is_money=True),
                Column("billed_cost", _("Fakturert kostnad"), is_money=True),
            ],
            rows=rows,
            spec=spec,
            empty_message=_("Ingen kostnader i perioden."),
        )

    def services(self) -> ChartTable:
        unknown = _("(ukjent)")
        rows = [
            {
                **row,
                "service_name": label_or(row["service_name"], unknown),
                "provider": label_or(row["provider"], unknown),
                "label": f"{label_or(row['service_name'], unknown)} ({label_or(row['provider'], unknown)})",
            }
            for row in analysis.top_services(self.scope, currency=self.currency, limit=10)
        ]
        description = _("Opptil 10 tjenester med høyest effektiv kostnad i perioden.")
        spec = (
            horizontal_bars(
                rows,
                category_field="label",
                category_title=_("Tjeneste"),
                amount_field="effective_cost",
                amount_title=_("Effektiv kostnad (%(currency)s)") % {"currency": self.currency},
                description=description,
            )
            if rows
            else None
        )
        return ChartTable(
            name="services",
            title=_("Tjenester med høyest kostnad"),
            description=description,
            columns=[
                Column("service_name", _("Tjeneste")),
                Column("service_category", _("Tjenestekategori")),
                Column("provider", _("Leverandør")),
                Column("effective_cost", _("Effektiv kostnad"), is_money=True),
                Column("billed_cost", _("Fakturert kostnad"), is_money=True),
            ],
            rows=rows,
            spec=spec,
            empty_message=_("Ingen kostnader i perioden."),
        )

    def resources(self) -> ChartTable:
        rows = analysis.top_resources(self.scope, currency=self.currency, limit=10)
        return ChartTable(
            name="resources",
            title=_("Ressurser med høyest kostnad"),
            description=_(
                "Opptil 10 ressurser med høyest effektiv kostnad i perioden (rader med ressurs-ID)."
            ),
            columns=[
                Column("resource_id", _("Ressurs-ID")),
                Column("resource_name", _("Ressursnavn")),
                Column("service_name", _("Tjeneste")),
                Column("effective_cost", _("Effektiv kostnad"), is_money=True),
                Column("billed_cost", _("Fakturert kostnad"), is_money=True),
            ],
            rows=rows,
            empty_message=_("Ingen kostnadsrader i perioden har ressurs-ID."),
        )

    def tags(self) -> ChartTable:
        key = self.tag_key or ""
        untagged, no_value = _("(uten denne taggen)"), _("(tagg uten verdi)")
        rows = [
            {
                **row,
                "tag_value": untagged if row["tag_value"] is None else label_or(row["tag_value"], no_value),
            }
            for row in analysis.tag_breakdown(self.scope, currency=self.currency, key=key)
        ]
        description = _("Effektiv kostnad per verdi av taggen «%(key)s».") % {"key": key}
        spec = (
            horizontal_bars(
                rows,
                category_field="tag_value",
                category_title=key,
                amount_field="effective_cost",
                amount_title=_("Effektiv kostnad (%(currency)s)") % {"currency": self.currency},
                description=description,
            )
            if rows
            else None
        )
        return ChartTable(
            name="tags",
            title=_("Kostnad per tagg"),
            description=description,
            columns=[
                Column("tag_value", key),
                Column("effective_cost", _("Effektiv kostnad"), is_money=True),
                Column("billed_cost", _("Fakturert kostnad"), is_money=True),
            ],
            rows=rows,
            spec=spec,
            empty_message=_("Ingen kostnader i perioden."),
        )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    organisation = finops_organisation_or_403(request)
    periods = organisation_periods(organisation.pk)
    context: dict[str, Any] = {
        "organisation": organisation,
        "upload_url": url_or_none("finops:upload"),
    }
    if not periods:
        if request.GET.get("format") == "csv":
            raise Http404(_("Ingen kostnadsdata er importert."))
        return render(request, "finops/dashboard.html", {**context, "is_empty": True})
    board = Dashboard(request, organisation, periods)
    if request.GET.get("format") == "csv":
        name = request.GET.get("table", "")
        if name not in board.builders:
            raise Http404(_("Ukjent tabell."))
        chart = board.table(name)
        return csv_response(chart, chart.csv_filename)
    context.update(
        {
            "is_empty": False,
            "form": board.form,
            "error_items": board.form.error_items() if board.form.is_bound else [],
            "board": board,
            "period_from": month_label(board.period_from),
            "period_to": month_label(board.period_to),
            "first_period": month_label(periods[0]),
            "last_period": month_label(periods[-1]),
            "totals": board.table("totals"),
            "charts": [board.table(name) for name in board.builders if name != "totals"],
        }
    )
    return render(request, "finops/dashboard.html", context)
