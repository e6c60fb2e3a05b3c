"""Market analysis of published procurement notices under /innsikt/kunngjoringer/.

- `notices_analysis` (public): counts and values by year, buyer type and supplier since 2017, cloud-relevant
  notices by default (`?alle=1` for every notice); every figure is a chart + table + CSV (`?format=csv&table=`).
- `notice_list` (public): the notices with filters, 50 a page; `notice_detail` (public): one notice with its lots,
  winners and why it is relevant; `notice_ocds` (public): the notice as an OCDS release package (JSON).
- `notices_import` (MPS staff): upload eForms XML files; the result page lists what was stored and skipped.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from marketplace.core.charts import ChartTable, Column, csv_response, csv_url, horizontal_bars
from marketplace.insights.forms.notices import NoticeFilterForm, NoticeUploadForm
from marketplace.insights.models import BuyerKind, NoticeKind
from marketplace.insights.ocds import notice_release, notices_release_package
from marketplace.insights.permissions import can_import_notices
from marketplace.insights.selectors import notices as selectors
from marketplace.insights.services.notices import notices_import as notices_import_service
from marketplace.insights.views.statistics import chart_spec

PAGE_SIZE = 50
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP matches (a search for a common word then stops scanning early); beyond that the page
    says "more than 1 000" and asks for a narrower search."""

    cap = COUNT_CAP
    is_capped = False

    @cached_property
    def count(self) -> int:
        found = self.object_list.order_by()[: self.cap + 1].count()  # type: ignore[attr-defined]
        self.is_capped = found > self.cap
        return min(found, self.cap)


MNOK = Decimal(1_000_000)


def _mnok(value: Decimal) -> str:
    return number_format((value / MNOK).quantize(Decimal("0.1")), 1, use_l10n=True, force_grouping=True)


class Analysis:
    """The figures of the analysis page, each a ChartTable."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.relevant_only = request.GET.get("alle") != "1"
        self.data = selectors.cached_market_analysis(relevant_only=self.relevant_only)

    def table(self, name: str) -> ChartTable:
        builders = {
            "aar": self.by_year,
            "oppdragsgivere": self.by_buyer_kind,
            "leverandorer": self.by_supplier,
        }
        if name not in builders:
            raise Http404
        chart = builders[name]()
        chart.csv_url = csv_url(self.request, name)
        chart.csv_filename = f"kunngjoringer-{name}.csv"
        return chart

    def by_year(self) -> ChartTable:
        rows = self.data.by_year
        description = _("Samlet verdi i NOK per år for kunngjøringer publisert siden %(year)s.") % {
            "year": self.data.since
        }
        return ChartTable(
            name="aar",
            title=_("Kunngjøringer og verdi per år"),
            description=description,
            columns=[
                Column("year", _("År")),
                Column("count", _("Kunngjøringer")),
                Column("competitions", _("Konkurranser")),
                Column("awards", _("Tildelinger")),
                Column("value_amount", _("Verdi (NOK)"), is_money=True),
            ],
            rows=rows,
            spec=chart_spec(
                horizontal_bars,
                rows,
                category_field="year",
                category_title=_("År"),
                amount_field="value_amount",
                amount_title=_("Verdi (NOK)"),
                description=description,
            )
            if rows
            else None,
            empty_message=_("Ingen kunngjøringer er importert ennå."),
        )

    def by_buyer_kind(self) -> ChartTable:
        rows = [row for row in self.data.by_buyer_kind if row["count"]]
        description = _("Samlet verdi i NOK per type oppdragsgiver.")
        return ChartTable(
            name="oppdragsgivere",
            title=_("Kunngjøringer per type oppdragsgiver"),
            description=description,
            columns=[
                Column("buyer_kind", _("Oppdragsgivertype")),
                Column("count", _("Kunngjøringer")),
                Column("value_amount", _("Verdi (NOK)"), is_money=True),
            ],
            rows=rows,
            spec=chart_spec(
                horizontal_bars,
                rows,
                category_field="buyer_kind",
                category_title=_("Oppdragsgivertype"),
                amount_field="value_amount",
                amount_title=_("Verdi (NOK)"),
                description=description,
            )
            if rows
            else None,
            empty_message=_("Ingen kunngjøringer er importert ennå."),
        )

    def by_supplier(self) -> ChartTable:
        rows = self.data.by_supplier
        description = _("Leverandørene med høyest tildelt verdi i NOK (de 15 største).")
        return ChartTable(
            name="leverandorer",
            title=_("Tildelinger per leverandør"),
            description=description,
            columns=[
                Column("supplier", _("Leverandør")),
                Column("orgnr", _("Organisasjonsnummer")),
                Column("count", _("Tildelinger")),
                Column("value_amount", _("Tildelt verdi (NOK)"), is_money=True),
            ],
            rows=rows,
            spec=chart_spec(
                horizontal_bars,
                rows,
                category_field="supplier",
                category_title=_("Leverandør"),
                amount_field="value_amount",
                amount_title=_("Tildelt verdi (NOK)"),
                description=description,
            )
            if rows
            else None,
            empty_message=_("Ingen tildelinger med verdi i NOK."),
        )


@require_GET
def notices_analysis(request: HttpRequest) -> HttpResponse:
    analysis = Analysis(request)
    if request.GET.get("format") == "csv":
        chart = analysis.table(request.GET.get("table", ""))
        return csv_response(chart, chart.csv_filename)
    return render(
        request,
        "insights/notices/analysis.html",
        {
            "data": analysis.data,
            "total_mnok": _mnok(analysis.data.total_value),
            "charts": [analysis.table(name) for name in ("aar", "oppdragsgivere", "leverandorer")],
            "relevant_only": analysis.relevant_only,
        },
    )


@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    form = NoticeFilterForm(request.GET or None)
    filters = form.filters()
    page = CappedPaginator(selectors.notice_list(filters), PAGE_SIZE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "insights/notices/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "kind_labels": dict(NoticeKind.choices),
            "buyer_labels": dict(BuyerKind.choices),
        },
    )


@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_visible_to(request.user, pk)
    return render(
        request,
        "insights/notices/detail.html",
        {
            "notice": notice,
            "lots": list(notice.lots.all()),
            "awards": list(notice.awards.all()),
            "has_ocds": notice_release(notice) is not None,
        },
    )


@require_GET
def notice_ocds(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_visible_to(request.user, pk)
    if notice_release(notice) is None:
        raise Http404
    package = notices_release_package(
        [notice], uri=request.build_absolute_uri(reverse("insights:notice_ocds", args=[notice.pk]))
    )
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'inline; filename="ocds-{notice.notice_id}.json"'
    return response


@require_http_methods(["GET", "POST"])
def notices_import(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_import_notices(request.user):
        raise DjangoPermissionDenied
    summary: Any = None
    if request.method == "POST":
        form = NoticeUploadForm(request.POST, request.FILES)
        if form.is_valid():
            files = [(upload.name, upload.read()) for upload in form.cleaned_data["xml_files"]]
            summary = notices_import_service(actor=request.user, files=files)
            form = NoticeUploadForm()
    else:
        form = NoticeUploadForm()
    return render(
        request,
        "insights/notices/import.html",
        {"form": form, "summary": summary, "error_items": form.error_items()},
    )
