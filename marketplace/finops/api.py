"""FinOps API under /api/v1/finops: imports (list, detail, upload), the cost report, budgets, anomalies and the MPS
aggregates.

Who sees what is the same as on the pages (permissions.py): an organisation's cost data only for its members acting
with the finops-analyst or org-admin role (the token's organisation), 404 for another organisation's import, 403
without the role; MPS staff get the aggregates of /finops/mps/ only. Money is a decimal string (exact, no exponent),
as in `mps finops report --format json`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict

from marketplace.accounts.models import Organisation
from marketplace.accounts.permissions import active_organisation, acts_for
from marketplace.api import token_auth
from marketplace.core.deadlines import OSLO
from marketplace.core.exceptions import PermissionDenied, ValidationFailed
from marketplace.finops.analytics import dashboard as aggregates
from marketplace.finops.analytics.anomalies import (
    NOK_THRESHOLD,
    PCT_THRESHOLD,
    daily_usage_expr,
    detect_anomalies,
    series_frame,
)
from marketplace.finops.analytics.backend import Scope, execute
from marketplace.finops.analytics.report import SECTIONS, Filters, optimisation_sections, report_build
from marketplace.finops.commands.report import to_json
from marketplace.finops.focus.check import VERSIONS
from marketplace.finops.models import BillingPeriodData, FocusImport, ImportFormat
from marketplace.finops.permissions import can_manage_finops, can_view_finops, can_view_finops_aggregates
from marketplace.finops.selectors.budgets import budget_list, budget_status, exchange_rates
from marketplace.finops.selectors.mps import mps_anomaly_summary, mps_budget_summary, mps_licence_summary
from marketplace.finops.services.ingest import import_summary
from marketplace.finops.services.uploads import UploadError, finops_upload_queue

router = Router(tags=["finops"])

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
OPTIMISATION_SECTIONS = ("carbon", "price_compliance", "workload")
ANOMALY_HISTORY_DAYS = 120  # as the anomaly page
UPLOAD_SUFFIXES = (".csv", ".gz", ".parquet")
SNIFF_BYTES = 64 * 1024


# --- schemas ------------------------------------------------------------------------------------------------------


class ErrorItem(Schema):
    field: str | None = None
    message: str | None = None


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem | dict[str, Any]]


_ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ImportOut(Schema):
    id: int
    status: str
    source_format: str
    files: list[str]
    focus_version: str
    rows_loaded: int
    rows_rejected: int
    bytes_total: int
    bytes_done: int
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    status_url: str


class FindingOut(Schema):
    rule_id: str
    severity: str = Field(..., description="error (rows rejected or file refused), warning or info")
    column: str
    rows: int = Field(..., description="number of rows the finding applies to")
    message: str


class PeriodOut(Schema):
    period: str = Field(..., description="billing period, YYYY-MM")
    rows: int
    path: str


class ImportSummaryOut(Schema):
    """The same summary as `mps finops import --format json`."""

    import_id: int
    status: str
    organisation: str
    source_format: str
    files: list[str]
    focus_version: str
    rows_loaded: int
    rows_rejected: int
    periods: list[PeriodOut]
    findings: list[FindingOut]
    error: str


class ImportQueuedOut(Schema):
    import_id: int
    status: str
    status_url: str


class ReportTotalOut(Schema):
    model_config = ConfigDict(extra="allow")
    currency: str | None
    billed_cost: str
    effective_cost: str
    list_cost: str
    contracted_cost: str


class ReportProviderOut(Schema):
    model_config = ConfigDict(extra="allow")
    provider: str | None
    currency: str | None
    billed_cost: str
    effective_cost: str


class ReportOut(Schema):
    """The same document as `mps finops report --format json`: `organisation`, the period, then one key per section
    (totals, by_provider, nok, by_service_category, by_month, by_region, by_sub_account, top_services,
    top_resources, untagged_share, commitments, showback, carbon, price_compliance, workload). Money is a decimal
    string. With `sections`, only those keys."""

    model_config = ConfigDict(extra="allow")
    organisation: str
    period_from: str | None
    period_to: str | None
    totals: list[ReportTotalOut] | None = None
    by_provider: list[ReportProviderOut] | None = None


class ReportQuery(Schema):
    period_from: str | None = Field(None, alias="from", description="first billing month, YYYY-MM")
    period_to: str | None = Field(None, alias="to", description="last billing month, YYYY-MM (inclusive)")
    sections: str | None = Field(None, description="comma-separated section names; default: all")
    provider: str | None = None
    service_category: str | None = None
    service: str | None = None
    sub_account: str | None = None
    region: str | None = None
    tag_key: str | None = None
    tag_value: str | None = None


class BudgetMonthOut(Schema):
    month: str = Field(..., description="YYYY-MM")
    budget: Decimal
    actual: Decimal
    forecast: Decimal = Field(..., description="actual so far plus the forecast for the rest of the month")
    low: Decimal
    high: Decimal
    actual_pct: Decimal | None
    forecast_pct: Decimal | None


class BudgetAlertOut(Schema):
    month: str
    threshold: int = Field(..., description="80 or 100 (%)")
    basis: str = Field(..., description="actual or forecast")
    value_amount: Decimal
    sent_at: dt.datetime


class BudgetOut(Schema):
    id: int
    name: str
    scope_kind: str
    cost_centre: str
    tag_key: str
    tag_value: str
    year: int
    amount: Decimal = Field(..., description="the year's budget in NOK")
    currency: str = "NOK"
    as_of: dt.date = Field(..., description="the last day with actual cost")
    actual: Decimal
    forecast: Decimal = Field(..., description="forecast for the whole year")
    forecast_low: Decimal
    forecast_high: Decimal
    missing_rates: list[dict[str, str]]
    months: list[BudgetMonthOut]
    alerts: list[BudgetAlertOut]


class AnomalyQuery(Schema):
    days: int = Field(30, ge=1, le=365, description="how many days back")
    nok_threshold: Decimal = Field(NOK_THRESHOLD, ge=0, description="smallest deviation in NOK")
    pct_threshold: Decimal = Field(PCT_THRESHOLD * 100, ge=0, description="smallest deviation in %")


class AnomalyOut(Schema):
    day: dt.date
    sub_account: str
    service: str
    expected: Decimal
    actual: Decimal
    delta: Decimal
    delta_pct: Decimal | None
    score: float | None
    kind: str


class AnomaliesOut(Schema):
    days: int
    currency: str = "NOK"
    anomalies: list[AnomalyOut]
    missing_rates: list[dict[str, str]]


class MpsGroupOut(Schema):
    group: str | None
    organisations: int | None = Field(..., description="null when the group is suppressed")
    effective_cost: str | None = Field(..., description="null when the group is suppressed")
    billed_cost: str | None
    is_suppressed: bool


class MpsSummaryOut(Schema):
    """The aggregates of /finops/mps/: no organisation's own amounts; a group of fewer than `minimum_group_size`
    organisations (and one more when exactly one is hidden) has its amounts suppressed."""

    is_empty: bool
    period_from: str | None
    period_to: str | None
    currency: str | None
    currencies: list[str]
    minimum_group_size: int
    total: MpsGroupOut | None
    by_kind: list[MpsGroupOut]
    by_provider: list[MpsGroupOut]


# --- helpers ------------------------------------------------------------------------------------------------------


def _finops_organisation(request: HttpRequest, *, manage: bool = False) -> Organisation:
    organisation = active_organisation(request.user)
    allowed = can_manage_finops if manage else can_view_finops
    if organisation is None or not allowed(request.user, organisation):
        raise PermissionDenied(
            _("Du må handle for en virksomhet med rollen FinOps-analytiker eller administrator.")
        )
    return organisation


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"field": field, "message": message}])


def _month(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    match = MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise _invalid(field, _("Ugyldig måned %(value)s (bruk ÅÅÅÅ-MM).") % {"value": value})
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _period(period_from: str | None, period_to: str | None) -> tuple[dt.date | None, dt.date | None]:
    start, end = _month(period_from, "from"), _month(period_to, "to")
    if start and end and start > end:
        raise _invalid("to", _("Til-måneden kan ikke være før fra-måneden."))
    return start, end


def _plain(value: Any) -> Any:
    """Decimals as plain strings and dates as ISO text, as the CLI's JSON."""
    return json.loads(json.dumps(value, default=to_json))


def _status_url(focus_import: FocusImport) -> str:
    return reverse("api:finops_import_detail", kwargs={"import_id": focus_import.pk})


def _import_out(focus_import: FocusImport) -> dict[str, Any]:
    return {
        "id": focus_import.pk,
        "status": focus_import.status,
        "source_format": focus_import.source_format,
        "files": list(focus_import.source_names),
        "focus_version": focus_import.focus_version,
        "rows_loaded": focus_import.rows_loaded,
        "rows_rejected": focus_import.rows_rejected,
        "bytes_total": focus_import.bytes_total,
        "bytes_done": focus_import.bytes_done,
        "error": focus_import.error,
        "created_at": focus_import.created_at,
        "finished_at": focus_import.finished_at,
        "status_url": _status_url(focus_import),
    }


def _sniff_upload(upload: UploadedFile) -> None:
    """Refuse what cannot be a cost file before anything is stored: the name, the size, then the first bytes
    (Parquet magic, gzip magic, or UTF-8 text with a delimited header line)."""
    name = Path(upload.name or "").name
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise _invalid("file", _("Filen må være CSV (.csv, .csv.gz) eller Parquet (.parquet)."))
    limit = int(settings.MPS_FINOPS_UPLOAD_MAX_BYTES)
    if upload.size is None or upload.size > limit:
        raise _invalid(
            "file", _("Filen er for stor. Største tillatte størrelse er %(limit)s byte.") % {"limit": limit}
        )
    if upload.size == 0:
        raise _invalid("file", _("Filen er tom."))
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    lower = name.lower()
    if lower.endswith(".parquet"):
        ok = head[:4] == b"PAR1"
    elif lower.endswith(".gz"):
        ok = head[:2] == b"\x1f\x8b"
    else:
        try:
            text = head.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            # a multi-byte character cut at the end of the sniffed bytes is fine; anything else is not text
            text = head[: exc.start].decode("utf-8-sig", errors="ignore") if exc.start > len(head) - 4 else ""
        first = text.split("\n", 1)[0]
        ok = bool(first.strip()) and ("," in first or ";" in first or "\t" in first) and "\x00" not in text
    if not ok:
        raise _invalid("file", _("Innholdet i filen stemmer ikke med filtypen (CSV, gzip eller Parquet)."))


# --- imports ------------------------------------------------------------------------------------------------------


@router.get(
    "/finops/imports",
    response={200: list[ImportOut], **_ERRORS},
    auth=token_auth,
    summary="The organisation's cost imports, newest first",
)
def finops_imports_list(request: HttpRequest) -> list[dict[str, Any]]:
    organisation = _finops_organisation(request)
    return [_import_out(i) for i in FocusImport.objects.filter(organisation=organisation)[:200]]


@router.get(
    "/finops/imports/{import_id}",
    response={200: ImportSummaryOut, **_ERRORS},
    auth=token_auth,
    url_name="finops_import_detail",
    summary="One import: status, counts, billing periods and conformance findings",
)
def finops_import_detail(request: HttpRequest, import_id: int) -> dict[str, Any]:
    """404 for another organisation's import (and a missing one), 403 without the FinOps role."""
    focus_import = FocusImport.objects.select_related("organisation").filter(pk=import_id).first()
    if focus_import is None or not acts_for(request.user, focus_import.organisation):
        raise Http404
    _finops_organisation(request)
    return import_summary(focus_import)


@router.post(
    "/finops/imports",
    response={202: ImportQueuedOut, **_ERRORS},
    auth=token_auth,
    summary="Upload a cost file (CSV, CSV.gz or Parquet); it is imported by the worker",
)
def finops_import_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    format: Form[ImportFormat] = ImportFormat.FOCUS,
    focus_version: Form[str] = "",
) -> Status[dict[str, Any]]:
    """Multipart: `file`, `format` (focus, aws-cur, azure-ea, oci), `focus_version` (1.0–1.3; empty = detect).
    The file is checked (size up to MPS_FINOPS_UPLOAD_MAX_BYTES, type, first bytes) before anything is stored;
    202 with the import id and the URL to poll (`status` queued → running → done/failed)."""
    organisation = _finops_organisation(request, manage=True)
    version = focus_version.strip()
    if version and version not in VERSIONS:
        raise _invalid(
            "focus_version",
            _("Ukjent FOCUS-versjon %(value)s (en av %(known)s).")
            % {"value": version, "known": ", ".join(VERSIONS)},
        )
    _sniff_upload(file)
    try:
        focus_import = finops_upload_queue(
            organisation=organisation,
            upload=file,
            source_format=str(format),
            user=request.user,
            focus_version=version,
        )
    except UploadError as exc:
        raise _invalid("file", _("Filen kunne ikke tas imot. Kontroller størrelse og innhold.")) from exc
    return Status(
        202,
        {
            "import_id": focus_import.pk,
            "status": focus_import.status,
            "status_url": _status_url(focus_import),
        },
    )


# --- report -------------------------------------------------------------------------------------------------------


def report_section_names() -> list[str]:
    report_build(Scope(()), sections=[])  # registers the sections other areas add
    return [*SECTIONS, *OPTIMISATION_SECTIONS]


@router.get(
    "/finops/report",
    response={200: ReportOut, **_ERRORS},
    auth=token_auth,
    summary="The cost report (the same JSON as `mps finops report --format json`)",
)
def finops_report(request: HttpRequest, query: Query[ReportQuery]) -> HttpResponse:
    """The document is returned as the CLI prints it (every section's own keys; ReportOut documents the main
    ones), so it is sent as is rather than through the schema."""
    organisation = _finops_organisation(request)
    start, end = _period(query.period_from, query.period_to)
    known = report_section_names()
    wanted: list[str] | None = None
    if query.sections:
        wanted = [name.strip() for name in query.sections.split(",") if name.strip()]
        unknown = [name for name in wanted if name not in known]
        if unknown or not wanted:
            raise _invalid(
                "sections",
                _("Ukjent del av rapporten: %(names)s. Gyldige: %(known)s.")
                % {"names": ", ".join(unknown) or "–", "known": ", ".join(known)},
            )
    if query.tag_value and not query.tag_key:
        raise _invalid("tag_value", _("Oppgi taggnøkkel sammen med taggverdi."))
    scope = Scope((organisation.pk,), period_from=start, period_to=end)
    filters = Filters(
        provider=query.provider,
        service_category=query.service_category,
        service=query.service,
        sub_account=query.sub_account,
        region=query.region,
        tag_key=query.tag_key,
        tag_value=query.tag_value,
    )
    core = None if wanted is None else [name for name in wanted if name in SECTIONS]
    document: dict[str, Any] = {
        "organisation": organisation.orgnr,
        "period_from": f"{start:%Y-%m}" if start else None,
        "period_to": f"{end:%Y-%m}" if end else None,
        **report_build(scope, filters=filters, sections=core),
    }
    if wanted is None or any(name in OPTIMISATION_SECTIONS for name in wanted):
        extra = optimisation_sections(scope)
        document.update({k: v for k, v in extra.items() if wanted is None or k in wanted})
    return JsonResponse(_plain(document), json_dumps_params={"ensure_ascii": False})


# --- budgets and anomalies ----------------------------------------------------------------------------------------


def _missing(pairs: Any) -> list[dict[str, str]]:
    return [{"currency": currency, "month": f"{month:%Y-%m}"} for currency, month in pairs]


@router.get(
    "/finops/budgets",
    response={200: list[BudgetOut], **_ERRORS},
    auth=token_auth,
    summary="Budgets with actual, forecast per month and the alerts sent (NOK)",
)
def finops_budgets(request: HttpRequest) -> list[dict[str, Any]]:
    organisation = _finops_organisation(request)
    today = timezone.now().astimezone(OSLO).date()
    result = []
    for budget in budget_list(organisation).prefetch_related("alerts"):
        status = budget_status(budget, today=today)
        result.append(
            {
                "id": budget.pk,
                "name": budget.name,
                "scope_kind": budget.scope_kind,
                "cost_centre": budget.cost_centre,
                "tag_key": budget.tag_key,
                "tag_value": budget.tag_value,
                "year": budget.year,
                "amount": budget.amount,
                "as_of": status.as_of,
                "actual": status.forecast.actual,
                "forecast": status.forecast.forecast,
                "forecast_low": status.forecast.low,
                "forecast_high": status.forecast.high,
                "missing_rates": _missing(status.missing_rates),
                "months": [
                    {
                        "month": f"{m.month:%Y-%m}",
                        "budget": m.budget,
                        "actual": m.actual,
                        "forecast": m.forecast,
                        "low": m.low,
                        "high": m.high,
                        "actual_pct": m.actual_pct,
                        "forecast_pct": m.forecast_pct,
                    }
                    for m in status.months
                ],
                "alerts": [
                    {
                        "month": f"{a.month:%Y-%m}",
                        "threshold": a.threshold,
                        "basis": a.basis,
                        "value_amount": a.value_amount,
                        "sent_at": a.sent_at,
                    }
                    for a in sorted(budget.alerts.all(), key=lambda a: (a.sent_at, a.pk), reverse=True)
                ],
            }
        )
    return result


@router.get(
    "/finops/anomalies",
    response={200: AnomaliesOut, **_ERRORS},
    auth=token_auth,
    summary="Days where a (sub-account, service) cost far more or less than usual, largest impact first",
)
def finops_anomalies(request: HttpRequest, query: Query[AnomalyQuery]) -> dict[str, Any]:
    organisation = _finops_organisation(request)
    end = timezone.now().astimezone(OSLO).date()  # exclusive: up to yesterday, as the page
    start = end - dt.timedelta(days=ANOMALY_HISTORY_DAYS + query.days)
    scope = Scope((organisation.pk,), period_from=start.replace(day=1), period_to=end.replace(day=1))
    rows = execute(daily_usage_expr(scope, start=start, end=end))
    frame, missing = series_frame(rows, exchange_rates(start.replace(day=1), end.replace(day=1)))
    anomalies = detect_anomalies(
        frame,
        since=end - dt.timedelta(days=query.days),
        nok_threshold=query.nok_threshold,
        pct_threshold=query.pct_threshold / Decimal(100),
    )
    return {
        "days": query.days,
        "anomalies": [
            {
                "day": a.day,
                "sub_account": a.sub_account,
                "service": a.service,
                "expected": a.expected,
                "actual": a.actual,
                "delta": a.delta,
                "delta_pct": a.delta_pct,
                "score": a.score,
                "kind": a.kind,
            }
            for a in anomalies
        ],
        "missing_rates": _missing(missing),
    }


# --- MPS aggregates -----------------------------------------------------------------------------------------------


class MpsQuery(Schema):
    period_from: str | None = Field(None, alias="from", description="first billing month, YYYY-MM")
    period_to: str | None = Field(None, alias="to", description="last billing month, YYYY-MM (inclusive)")
    currency: str | None = Field(None, description="billing currency; default NOK when present")


def _group(row: dict[str, Any]) -> dict[str, Any]:
    return _plain(
        {
            "group": row.get("group"),
            "organisations": row["organisations"],
            "effective_cost": row["effective_cost"],
            "billed_cost": row["billed_cost"],
            "is_suppressed": row["is_suppressed"],
        }
    )


@router.get(
    "/finops/mps/summary",
    response={200: MpsSummaryOut, **_ERRORS},
    auth=token_auth,
    summary="MPS staff: cost across organisations by organisation kind and provider (aggregates only)",
)
def finops_mps_summary(request: HttpRequest, query: Query[MpsQuery]) -> dict[str, Any]:
    if not can_view_finops_aggregates(request.user):
        raise PermissionDenied(_("Bare MPS-ansatte ser samlede kostnadstall."))
    start, end = _period(query.period_from, query.period_to)
    periods = sorted(
        BillingPeriodData.objects.filter(is_current=True).values_list("billing_period", flat=True).distinct()
    )
    result: dict[str, Any] = {
        "is_empty": not periods,
        "period_from": None,
        "period_to": None,
        "currency": None,
        "currencies": [],
        "minimum_group_size": aggregates.MINIMUM_GROUP_SIZE,
        "total": None,
        "by_kind": [],
        "by_provider": [],
    }
    if not periods:
        return result
    currencies = aggregates.currencies(Scope(None)) or ["NOK"]
    if query.currency and query.currency not in currencies:
        raise _invalid(
            "currency",
            _("Ingen kostnader i valutaen %(value)s (finnes: %(known)s).")
            % {"value": query.currency, "known": ", ".join(currencies)},
        )
    default_to = periods[-1]
    default_from = max(periods[0], aggregates.add_months(default_to, -11))
    period_from, period_to = start or default_from, end or default_to
    if period_from > period_to:
        raise _invalid("from", _("Fra-måneden kan ikke være etter til-måneden."))
    currency = query.currency or ("NOK" if "NOK" in currencies else currencies[0])
    scope = Scope(None, period_from=period_from, period_to=period_to)
    kinds = dict(Organisation.objects.values_list("orgnr", "kind"))
    result.update(
        {
            "period_from": f"{period_from:%Y-%m}",
            "period_to": f"{period_to:%Y-%m}",
            "currency": currency,
            "currencies": currencies,
            "total": _group(aggregates.mps_cost_total(scope, currency=currency)),
            "by_kind": [
                _group(r) for r in aggregates.mps_cost_by_kind(scope, currency=currency, kinds=kinds)
            ],
            "by_provider": [_group(r) for r in aggregates.mps_cost_by_provider(scope, currency=currency)],
        }
    )
    return result


# --- MPS aggregates: budgets, anomalies, licences -----------------------------------------------------------------


class MpsBudgetQuery(Schema):
    month: str | None = Field(None, description="the budget month, YYYY-MM; default the current month")


class MpsBudgetsOut(Schema):
    """Organisations with at least one budget that reached 80 % / 100 % of the month's budget, by actual cost so far
    and by the month's forecast. Every count is null (`is_suppressed`) when fewer than `minimum_group_size`
    organisations have a budget for the month."""

    month: str
    minimum_group_size: int
    is_suppressed: bool
    organisations: int | None
    budgets: int | None
    actual_80: int | None
    actual_100: int | None
    forecast_80: int | None
    forecast_100: int | None


class MpsAnomalyQuery(Schema):
    days: int = Field(30, ge=1, le=90, description="anomalies of the last N days (up to yesterday)")


class MpsAnomalyGroupOut(Schema):
    group: str
    organisations: int | None = Field(..., description="null when the group is suppressed")
    anomalies: int | None
    increase: str | None = Field(..., description="NOK: the spikes' actual minus expected")
    decrease: str | None = Field(..., description="NOK: the drops' actual minus expected (negative)")
    impact: str | None = Field(..., description="NOK: increase + decrease")
    is_suppressed: bool


class MpsAnomaliesOut(Schema):
    since: str
    until: str
    days: int
    minimum_group_size: int
    by_category: list[MpsAnomalyGroupOut]
    by_provider: list[MpsAnomalyGroupOut]


class MpsLicenceQuery(Schema):
    unused_days: int = Field(90, ge=1, le=730, description="a seat is unused after N days without activity")


class MpsLicenceGroupOut(Schema):
    group: str = Field(..., description="the product")
    organisations: int | None = Field(..., description="null when the group is suppressed")
    seats: int | None
    unused: int | None
    unused_yearly_cost: str | None = Field(
        ..., description="NOK per year, over the organisations priced in NOK"
    )
    priced_organisations: int | None
    is_suppressed: bool


class MpsLicencesOut(Schema):
    as_of: str
    unused_days: int
    minimum_group_size: int
    by_product: list[MpsLicenceGroupOut]


def _require_aggregates(request: HttpRequest) -> None:
    if not can_view_finops_aggregates(request.user):
        raise PermissionDenied(_("Bare MPS-ansatte ser samlede kostnadstall."))


def _oslo_today() -> dt.date:
    return timezone.now().astimezone(OSLO).date()


@router.get(
    "/finops/mps/budgets",
    response={200: MpsBudgetsOut, **_ERRORS},
    auth=token_auth,
    summary="MPS staff: how many organisations reached 80 % / 100 % of a month's budget (counts only)",
)
def finops_mps_budgets(request: HttpRequest, query: Query[MpsBudgetQuery]) -> dict[str, Any]:
    _require_aggregates(request)
    today = _oslo_today()
    month = _month(query.month, "month") or today.replace(day=1)
    summary = mps_budget_summary(month=month, today=today)
    return {"minimum_group_size": aggregates.MINIMUM_GROUP_SIZE, **summary}


@router.get(
    "/finops/mps/anomalies",
    response={200: MpsAnomaliesOut, **_ERRORS},
    auth=token_auth,
    summary="MPS staff: cost anomalies counted and summed by service category and provider (aggregates only)",
)
def finops_mps_anomalies(request: HttpRequest, query: Query[MpsAnomalyQuery]) -> dict[str, Any]:
    _require_aggregates(request)
    summary = mps_anomaly_summary(today=_oslo_today(), days=query.days)
    return _plain({"minimum_group_size": aggregates.MINIMUM_GROUP_SIZE, **summary})


@router.get(
    "/finops/mps/licences",
    response={200: MpsLicencesOut, **_ERRORS},
    auth=token_auth,
    summary="MPS staff: SaaS seats, unused seats and their yearly cost by product (aggregates only)",
)
def finops_mps_licences(request: HttpRequest, query: Query[MpsLicenceQuery]) -> dict[str, Any]:
    _require_aggregates(request)
    summary = mps_licence_summary(today=_oslo_today(), unused_days=query.unused_days)
    return _plain({"minimum_group_size": aggregates.MINIMUM_GROUP_SIZE, **summary})
