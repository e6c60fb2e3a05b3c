"""Reads for the notice market analysis. Notices are public data: every reader sees every notice; a missing id is a 404.

How the figures are counted (shown on the page too):
- a *notice* counts once, in the year it was published (BT-05); change notices (BT-758) are not counted again;
- the *value* of a notice is its awarded value (BT-161, or the sum of the winning tenders) when it has one, else
  its estimated value (BT-27); only NOK amounts are summed (the count of notices in other currencies is given);
- to count a procedure's value once: prior information, modification and completion notices add no value, and a
  contract notice adds none when an award notice of the same procedure (BT-04) is in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractYear
from django.http import Http404

from marketplace.insights.models import BuyerKind, Notice, NoticeAward, NoticeKind

SINCE_YEAR = 2017
NOK = "NOK"
VALUE_KINDS = (NoticeKind.CONTRACT_NOTICE, NoticeKind.AWARD, NoticeKind.VEAT)
MONEY: DecimalField = DecimalField(max_digits=20, decimal_places=2)


@dataclass(frozen=True)
class NoticeFilters:
    query: str = ""
    year: int | None = None
    kind: str = ""
    buyer_kind: str = ""
    cpv: str = ""  # prefix of the 8 digits, e.g. "72" or "7222"
    relevant_only: bool = True
    framework_only: bool = False


def notice_list(filters: NoticeFilters) -> QuerySet[Notice]:
    notices = Notice.objects.all()
    if filters.relevant_only:
        notices = notices.filter(is_cloud_relevant=True)
    if filters.year is not None:
        notices = notices.filter(issued_on__year=filters.year)
    if filters.kind:
        notices = notices.filter(kind=filters.kind)
    if filters.buyer_kind:
        notices = notices.filter(buyer_kind=filters.buyer_kind)
    if filters.framework_only:
        notices = notices.filter(is_framework=True)
    if filters.cpv:
        notices = notices.filter(main_cpv__startswith=filters.cpv)
    if filters.query:
        notices = notices.filter(
            Q(title__icontains=filters.query)
            | Q(buyer_name__icontains=filters.query)
            | Q(notice_id__iexact=filters.query)
            | Q(buyer_orgnr=filters.query.replace(" ", ""))
        )
    return notices.order_by("-issued_on", "notice_id").only(
        "pk",
        "notice_id",
        "version",
        "kind",
        "issued_on",
        "title",
        "buyer_name",
        "buyer_kind",
        "main_cpv",
        "is_framework",
        "is_cloud_relevant",
        "estimated_amount",
        "estimated_currency",
        "awarded_amount",
        "awarded_currency",
    )


def notice_get_visible_to(user: Any, pk: int) -> Notice:
    """Notices are public; a missing one is a 404."""
    notice = Notice.objects.filter(pk=pk).prefetch_related("lots", "awards").first()
    if notice is None:
        raise Http404
    return notice


def notice_years() -> list[int]:
    return sorted(
        {day.year for day in Notice.objects.dates("issued_on", "year") if day.year >= SINCE_YEAR},
        reverse=True,
    )


# --- the analysis --------------------------------------------------------------------------------------------------


def _value_nok() -> Case:
    return Case(
        When(awarded_amount__isnull=False, awarded_currency=NOK, then=F("awarded_amount")),
        When(
            awarded_amount__isnull=True,
            estimated_amount__isnull=False,
            estimated_currency=NOK,
            then=F("estimated_amount"),
        ),
        default=Value(None),
        output_field=MONEY,
    )


def _other_currency() -> Q:
    return Q(awarded_amount__isnull=False) & ~Q(awarded_currency=NOK) | (
        Q(awarded_amount__isnull=True, estimated_amount__isnull=False) & ~Q(estimated_currency=NOK)
    )


def _base(*, relevant_only: bool, since: int) -> QuerySet[Notice]:
    notices = Notice.objects.filter(issued_on__gte=dt.date(since, 1, 1), changed_notice="")
    return notices.filter(is_cloud_relevant=True) if relevant_only else notices


def _valued(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    """The notices whose value counts (one per procedure, see the module doc)."""
    awarded = Notice.objects.filter(procedure_id=OuterRef("procedure_id"), kind=NoticeKind.AWARD).exclude(
        procedure_id=""
    )
    return (
        notices.filter(kind__in=VALUE_KINDS)
        .annotate(has_award=Exists(awarded))
        .exclude(Q(kind=NoticeKind.CONTRACT_NOTICE) & Q(has_award=True))
    )


@dataclass
class MarketAnalysis:
    since: int
    relevant_only: bool
    total_count: int = 0
    total_value: Decimal = Decimal(0)
    other_currency_count: int = 0
    by_year: list[dict[str, Any]] = field(default_factory=list)
    by_buyer_kind: list[dict[str, Any]] = field(default_factory=list)
    by_supplier: list[dict[str, Any]] = field(default_factory=list)


def market_analysis(*, relevant_only: bool = True, since: int = SINCE_YEAR, top: int = 15) -> MarketAnalysis:
    """Counts and values by year, buyer type and supplier (see the module doc for what counts)."""
    analysis = MarketAnalysis(since=since, relevant_only=relevant_only)
    base = _base(relevant_only=relevant_only, since=since)

    years: dict[int, dict[str, Any]] = {}

    def year_row(year: int) -> dict[str, Any]:
        return years.setdefault(
            year,
            {
                "year": str(year),
                "count": 0,
                "competitions": 0,
                "awards": 0,
                "value_amount": Decimal(0),
            },
        )

    for row in base.annotate(year=ExtractYear("issued_on")).values("year", "kind").annotate(n=Count("id")):
        item = year_row(row["year"])
        item["count"] += row["n"]
        if row["kind"] == NoticeKind.CONTRACT_NOTICE:
            item["competitions"] += row["n"]
        elif row["kind"] in (NoticeKind.AWARD, NoticeKind.VEAT):
            item["awards"] += row["n"]
    valued = _valued(base).annotate(value_nok=_value_nok())
    for row in (
        valued.annotate(year=ExtractYear("issued_on"))
        .values("year")
        .annotate(total=Sum("value_nok"))
        .order_by("year")
    ):
        year_row(row["year"])["value_amount"] = row["total"] or Decimal(0)
    analysis.by_year = [years[year] for year in sorted(years)]
    analysis.total_count = sum(row["count"] for row in analysis.by_year)
    analysis.total_value = sum((row["value_amount"] for row in analysis.by_year), Decimal(0))
    analysis.other_currency_count = _valued(base).filter(_other_currency()).count()

    labels = dict(BuyerKind.choices)
    kinds: dict[str, dict[str, Any]] = {
        kind: {"buyer_kind": str(labels[kind]), "count": 0, "value_amount": Decimal(0)}
        for kind in BuyerKind.values
    }
    for row in base.values("buyer_kind").annotate(n=Count("id")):
        if row["buyer_kind"] in kinds:
            kinds[row["buyer_kind"]]["count"] = row["n"]
    for row in valued.values("buyer_kind").annotate(total=Sum("value_nok")):
        if row["buyer_kind"] in kinds:
            kinds[row["buyer_kind"]]["value_amount"] = row["total"] or Decimal(0)
    analysis.by_buyer_kind = sorted(kinds.values(), key=lambda row: (-row["value_amount"], -row["count"]))

    awards = NoticeAward.objects.filter(
        notice__issued_on__gte=dt.date(since, 1, 1), notice__changed_notice="", currency=NOK
    )
    if relevant_only:
        awards = awards.filter(notice__is_cloud_relevant=True)
    analysis.by_supplier = [
        {
            "supplier": row["winner_name"],
            "orgnr": row["winner_orgnr"],
            "count": row["n"],
            "value_amount": row["total"] or Decimal(0),
        }
        for row in awards.values("winner_name", "winner_orgnr")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by("-total", "-n", "winner_name")[:top]
    ]
    return analysis
