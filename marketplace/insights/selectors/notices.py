"""Reads for the notice market analysis. Notices are public data: every reader sees every notice; a missing id is a 404.

How the figures are counted (shown on the page too): a notice counts once, in the year it was published (BT-05);
change notices (BT-758) are not counted again; its value and whether the value counts are kept on the notice by the
import (notice_rules.py): awarded value, else estimated, NOK only, one value per procedure.
The analysis is one grouped query over (year, kind, buyer type) and one over the winners, cached until the notices
change (`cached_market_analysis`: notices change only through the import, which stamps `updated_at`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import Http404
from django.utils import translation

from marketplace.insights.models import BuyerKind, Notice, NoticeAward, NoticeKind

SINCE_YEAR = 2017
NOK = "NOK"


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


CACHE_SECONDS = 3600
GENERATION_KEY = "insights:notices:generation"


def notices_changed() -> None:
    """Called by the import once its notices are committed: every cached analysis is stale."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def notices_version() -> str:
    """Changes whenever the analysis can: a notice added (a new primary key) or replaced by a newer version (the
    import stamps updated_at, and bumps the generation when it stores anything). Two index lookups, not a scan (so no count: notices are never deleted by the app)."""
    top = Notice.objects.aggregate(top=Max("pk"))["top"]
    changed = Notice.objects.aggregate(changed=Max("updated_at"))["changed"]
    generation = cache.get(GENERATION_KEY) or ""
    return f"{generation}-{top or 0}-{changed.isoformat() if changed else ''}"


def cached_market_analysis(*, relevant_only: bool = True) -> MarketAnalysis:
    """market_analysis(), shared between requests until the notices change. The key holds the language, since the
    buyer types are translated labels."""
    key = f"insights:notices:analysis:{relevant_only}:{translation.get_language()}:{notices_version()}"
    analysis = cache.get(key)
    if analysis is None:
        analysis = market_analysis(relevant_only=relevant_only)
        cache.set(key, analysis, CACHE_SECONDS)
    return analysis


def market_analysis(*, relevant_only: bool = True, since: int = SINCE_YEAR, top: int = 15) -> MarketAnalysis:
    """Counts and values by year, buyer type and supplier (see the module doc for what counts)."""
    analysis = MarketAnalysis(since=since, relevant_only=relevant_only)
    notices = Notice.objects.filter(issued_year__gte=since, changed_notice="")
    if relevant_only:
        notices = notices.filter(is_cloud_relevant=True)
    groups = (
        notices.values("issued_year", "kind", "buyer_kind")
        .annotate(
            n=Count("id"),
            total=Sum("value_amount", filter=Q(is_value_counted=True)),
            foreign=Count("id", filter=Q(is_value_counted=True, has_foreign_value=True)),
        )
        .order_by()
    )
    years: dict[int, dict[str, Any]] = {}
    labels = dict(BuyerKind.choices)
    kinds: dict[str, dict[str, Any]] = {
        kind: {"buyer_kind": str(labels[kind]), "count": 0, "value_amount": Decimal(0)}
        for kind in BuyerKind.values
    }
    for group in groups:
        year = years.setdefault(
            group["issued_year"],
            {
                "year": str(group["issued_year"]),
                "count": 0,
                "competitions": 0,
                "awards": 0,
                "value_amount": Decimal(0),
            },
        )
        value = group["total"] or Decimal(0)
        year["count"] += group["n"]
        year["value_amount"] += value
        if group["kind"] == NoticeKind.CONTRACT_NOTICE:
            year["competitions"] += group["n"]
        elif group["kind"] in (NoticeKind.AWARD, NoticeKind.VEAT):
            year["awards"] += group["n"]
        if group["buyer_kind"] in kinds:
            kinds[group["buyer_kind"]]["count"] += group["n"]
            kinds[group["buyer_kind"]]["value_amount"] += value
        analysis.other_currency_count += group["foreign"]
    analysis.by_year = [years[year] for year in sorted(years)]
    analysis.total_count = sum(row["count"] for row in analysis.by_year)
    analysis.total_value = sum((row["value_amount"] for row in analysis.by_year), Decimal(0))
    analysis.by_buyer_kind = sorted(kinds.values(), key=lambda row: (-row["value_amount"], -row["count"]))

    awards = NoticeAward.objects.filter(
        notice__issued_year__gte=since, notice__changed_notice="", currency=NOK
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
