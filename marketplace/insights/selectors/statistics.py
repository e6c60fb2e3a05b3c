"""Call-off statistics aggregated in the database (one GROUP BY per question, no per-row Python), for the public
statistics page (small cells suppressed) and MPS staff's fuller view.

What counts: a call-off that has left the draft stage (invitation sent or award decided) and is not cancelled.
Value = the awarded contract value. Time from need to contract = whole days from the call-off's registration
(`created_at`) to the signed contract (`contract_signed_at`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Func, IntegerField, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from marketplace.calloffs.models import Award, CallOff, Complaint, Offer
from marketplace.catalogue.models import Mechanism
from marketplace.insights import statistics as stats

DIMENSIONS: dict[str, Any] = {
    "framework": _("Rammeavtale"),
    "lot": _("Delkontrakt"),
    "mechanism": _("Avropsform"),
    "month": _("Måned"),
    "buyer": _("Virksomhet"),
}
CENT = Decimal("0.01")
T = TypeVar("T")
PUBLIC_DIMENSIONS = ("framework", "lot", "mechanism", "month")


class DaysBetween(Func):
    """Whole days elapsed from `start` to `end` (two datetimes), computed in the database."""

    output_field = IntegerField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400) AS INTEGER)",
            arg_joiner=" - ",
            **extra,
        )


CACHE_SECONDS = 300
VERSION_WINDOW = 5000


def statistics_version(*, every_change: bool = False) -> str:
    """Changes whenever the call-off figures can: the call-off services write an audit event about a call-off (or its
    offers, awards, complaints) with every change, and bulk loads add rows. Each part is an index lookup, not a
    scan. Changes elsewhere (an organisation renamed, a meeting registration) no longer make every visitor after
    them wait for the figures again; names then follow within CACHE_SECONDS. `every_change=True` (the goals page,
    which also reads FinOps, cyber, privacy and the catalogue) follows every audit event instead."""
    from marketplace.core.models import AuditEvent

    top = AuditEvent.objects.aggregate(top=Max("pk"))["top"] or 0
    part: object = top
    if not every_change:
        # the latest call-off event among the last VERSION_WINDOW events (a bounded range of the primary key, also
        # after a large notice import); with none there, every event counts, as before
        recent = AuditEvent.objects.filter(
            pk__gt=top - VERSION_WINDOW, target_type__startswith="calloffs."
        ).aggregate(top=Max("pk"))["top"]
        part = recent if recent is not None else f"all{top}"
    parts = [part]
    parts += [
        model.objects.aggregate(top=Max("pk"))["top"] or 0 for model in (CallOff, Award, Offer, Complaint)
    ]
    return "-".join(str(part) for part in parts)


def cached(name: str, compute: Callable[[], T], *, every_change: bool = False) -> T:
    """`compute()`'s result, shared between requests until the data changes (or CACHE_SECONDS pass). The key holds
    the language, since labels are translated."""
    version = statistics_version(every_change=every_change)
    key = f"insights:statistics:{name}:{translation.get_language()}:{version}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def counted_calloffs() -> QuerySet[CallOff]:
    return CallOff.objects.filter(cancelled_at__isnull=True).filter(
        Q(published_at__isnull=False) | Q(award_decided_at__isnull=False)
    )


def _group_fields(dimension: str, prefix: str = "") -> dict[str, Any]:
    """The GROUP BY expressions of a dimension, relative to CallOff (prefix "calloff__" from related models)."""
    if dimension == "framework":
        return {"k1": F(f"{prefix}framework_id"), "label": F(f"{prefix}framework__name")}
    if dimension == "lot":
        return {
            "k1": F(f"{prefix}lot_id"),
            "label": F(f"{prefix}framework__name"),
            "k2": F(f"{prefix}lot__number"),
            "k3": F(f"{prefix}lot__title"),
        }
    if dimension == "mechanism":
        return {"k1": F(f"{prefix}mechanism")}
    if dimension == "month":
        return {"k1": TruncMonth(f"{prefix}created_at")}
    if dimension == "buyer":
        return {"k1": F(f"{prefix}buyer_id"), "label": F(f"{prefix}buyer__name")}
    raise ValueError(f"unknown dimension {dimension!r}")


def _key(row: dict[str, Any]) -> Any:
    value = row["k1"]
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _label(dimension: str, row: dict[str, Any]) -> str:
    if dimension == "lot":
        return f"{row['label']} – {row['k2']}: {row['k3']}"
    if dimension == "mechanism":
        return str(Mechanism(row["k1"]).label) if row["k1"] in Mechanism.values else str(row["k1"])
    if dimension == "month":
        return _key(row).strftime("%Y-%m")
    return str(row["label"])


@dataclass
class CallOffGroup:
    key: Any
    label: str
    calloffs: int = 0
    awarded: int = 0
    awarded_value_amount: Decimal = Decimal(0)
    signed: int = 0
    direct: int = 0
    desk: int = 0
    mini: int = 0
    award_suppliers: int = 0
    offer_suppliers: int = 0
    complaints: int = 0
    median_days: Decimal | None = None
    is_suppressed: bool = False
    # {whole days to contract: signed call-offs}; totals add these up instead of scanning the call-offs again
    histogram: dict[int, int] = field(default_factory=dict)

    @property
    def suppliers(self) -> int:
        """A lower bound of the distinct suppliers involved (offers or awards)."""
        return max(self.award_suppliers, self.offer_suppliers)

    def route_share(self, route: str) -> Decimal | None:
        return stats.percent(getattr(self, route), self.calloffs)

    def as_row(self) -> dict[str, Any]:
        if self.is_suppressed:
            return {"label": self.label, "is_suppressed": True}
        return {
            "label": self.label,
            "calloffs": self.calloffs,
            "awarded": self.awarded,
            "awarded_value_amount": self.awarded_value_amount,
            "median_days": self.median_days,
            "direct_percent": self.route_share("direct"),
            "desk_percent": self.route_share("desk"),
            "mini_percent": self.route_share("mini"),
            "complaints": self.complaints,
            "suppliers": self.suppliers,
            "is_suppressed": False,
        }


def suppress_small_cells(groups: Sequence[CallOffGroup]) -> None:
    """Primary suppression (the small-cell rule) and secondary suppression: when only one cell is hidden, the
    next smallest is hidden too, so it cannot be worked out from a total."""
    for group in groups:
        group.is_suppressed = stats.is_suppressed(group.calloffs, group.suppliers)
    hidden = [group for group in groups if group.is_suppressed]
    shown = sorted((group for group in groups if not group.is_suppressed), key=lambda group: group.calloffs)
    if len(hidden) == 1 and shown:
        shown[0].is_suppressed = True


def suppressed_copy(groups: Sequence[CallOffGroup]) -> list[CallOffGroup]:
    """The public view of MPS staff's groups: copies with the small-cell rule applied (the input is left as is, so
    one computation – cached – serves both pages)."""
    copies = [dataclasses.replace(group, is_suppressed=False) for group in groups]
    suppress_small_cells(copies)
    return copies


def calloff_groups(dimension: str, *, public: bool) -> list[CallOffGroup]:
    """Count, value, routes, suppliers, complaints and median days to contract per group of `dimension`."""
    if public and dimension not in PUBLIC_DIMENSIONS:
        raise ValueError(f"{dimension!r} is not shown on the public page")
    base = counted_calloffs()
    fields = _group_fields(dimension)
    rows = (
        base.values(**fields)
        .annotate(
            n=Count("id"),
            awarded=Count("award"),
            value=Sum("award__value_amount"),
            signed=Count("contract_signed_at"),
            direct=Count("id", filter=Q(mechanism=Mechanism.DIRECT)),
            desk=Count("id", filter=Q(mechanism=Mechanism.DESK)),
            mini=Count("id", filter=Q(mechanism=Mechanism.MINI_COMPETITION)),
            award_suppliers=Count("award__supplier", distinct=True),
        )
        .order_by()
    )
    groups: dict[Any, CallOffGroup] = {}
    for row in rows:
        key = _key(row)
        groups[key] = CallOffGroup(
            key=key,
            label=_label(dimension, row),
            calloffs=row["n"],
            awarded=row["awarded"],
            awarded_value_amount=stats.to_decimal(row["value"]).quantize(CENT),
            signed=row["signed"],
            direct=row["direct"],
            desk=row["desk"],
            mini=row["mini"],
            award_suppliers=row["award_suppliers"],
        )
    related = _group_fields(dimension, "calloff__")
    offers = (
        Offer.objects.filter(calloff__in=base, withdrawn_at__isnull=True)
        .values(**related)
        .annotate(n=Count("supplier", distinct=True))
        .order_by()
    )
    for row in offers:
        if (group := groups.get(_key(row))) is not None:
            group.offer_suppliers = row["n"]
    for row in (
        Complaint.objects.filter(calloff__in=base).values(**related).annotate(n=Count("id")).order_by()
    ):
        if (group := groups.get(_key(row))) is not None:
            group.complaints = row["n"]
    histograms: dict[Any, dict[int, int]] = defaultdict(dict)
    durations = (
        base.filter(contract_signed_at__isnull=False)
        .values(**fields, days=DaysBetween("contract_signed_at", "created_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in durations:
        histograms[_key(row)][row["days"]] = histograms[_key(row)].get(row["days"], 0) + row["n"]
    for key, histogram in histograms.items():
        if key in groups:
            groups[key].histogram = histogram
            groups[key].median_days = stats.median_from_histogram(histogram)
    ordered = sorted(
        groups.values(),
        key=lambda group: (group.key, group.label) if dimension == "month" else (group.label,),
    )
    if public:
        suppress_small_cells(ordered)
    return ordered


@dataclass(frozen=True)
class Totals:
    calloffs: int
    awarded: int
    awarded_value_amount: Decimal
    median_days: Decimal | None
    complaints: int
    complained_calloffs: int


def calloff_totals(framework_groups: Sequence[CallOffGroup] | None = None) -> Totals:
    """The totals, added up from the per-framework groups (every counted call-off has exactly one framework), so a
    page that has them – cached – scans the call-offs no second time. Only the complained call-offs are counted
    here."""
    if framework_groups is None:
        framework_groups = calloff_groups("framework", public=False)
    histogram: Counter[int] = Counter()
    for group in framework_groups:
        histogram.update(group.histogram)
    complaints = Complaint.objects.filter(calloff__in=counted_calloffs()).aggregate(
        n=Count("id"), calloffs=Count("calloff", distinct=True)
    )
    return Totals(
        calloffs=sum(group.calloffs for group in framework_groups),
        awarded=sum(group.awarded for group in framework_groups),
        awarded_value_amount=sum((group.awarded_value_amount for group in framework_groups), Decimal(0)),
        median_days=stats.median_from_histogram(histogram),
        complaints=complaints["n"],
        complained_calloffs=complaints["calloffs"],
    )


@dataclass(frozen=True)
class Concentration:
    framework: str
    awards: int
    suppliers: int
    total_amount: Decimal
    hhi: int | None
    band: str
    shares: list[stats.MarketShare]
    is_suppressed: bool = False


def concentration_rows() -> list[dict[str, Any]]:
    """Awarded value and awards per (framework, supplier): what both views of the concentration are made of."""
    return list(
        Award.objects.filter(calloff__in=counted_calloffs())
        .values("calloff__framework_id", "calloff__framework__name", "supplier__name")
        .annotate(value=Sum("value_amount"), n=Count("id"))
        .order_by()
    )


def supplier_concentration(
    *, public: bool, rows: Sequence[dict[str, Any]] | None = None
) -> list[Concentration]:
    """Market shares by awarded value and HHI per framework. The public page hides frameworks with fewer than
    3 awards or 3 suppliers and never shows the per-supplier shares. `rows`: concentration_rows(), when the caller
    has them (cached)."""
    if rows is None:
        rows = concentration_rows()
    values: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(dict)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for row in rows:
        key = (row["calloff__framework_id"], row["calloff__framework__name"])
        values[key][row["supplier__name"]] = stats.to_decimal(row["value"])
        counts[key] += row["n"]
    result = []
    for key in sorted(values, key=lambda item: item[1]):
        suppliers = values[key]
        index = stats.hhi(suppliers.values())
        suppressed = public and stats.is_suppressed(counts[key], len(suppliers))
        result.append(
            Concentration(
                framework=key[1],
                awards=counts[key],
                suppliers=len(suppliers),
                total_amount=sum(suppliers.values(), Decimal(0)),
                hhi=None if suppressed else index,
                band="" if suppressed else stats.hhi_band(index),
                shares=[] if public else stats.market_shares(suppliers),
                is_suppressed=suppressed,
            )
        )
    return result


@dataclass(frozen=True)
class Savings:
    framework: str
    calloffs: int
    reference_amount: Decimal
    actual_amount: Decimal

    @property
    def saving_percent(self) -> Decimal | None:
        return stats.saving_percent(self.reference_amount, self.actual_amount)


def savings_award_vs_estimate() -> list[Savings]:
    """Desk and mini-competition call-offs with an award: the awarded value against the buyer's estimate (made on
    the framework's list prices before the competition), summed per framework."""
    rows = (
        counted_calloffs()
        .filter(mechanism__in=[Mechanism.DESK, Mechanism.MINI_COMPETITION], award__isnull=False)
        .values("framework__name")
        .annotate(n=Count("id"), estimated=Sum("estimated_value_amount"), awarded=Sum("award__value_amount"))
        .order_by("framework__name")
    )
    return [
        Savings(
            framework=row["framework__name"],
            calloffs=row["n"],
            reference_amount=stats.to_decimal(row["estimated"]),
            actual_amount=stats.to_decimal(row["awarded"]),
        )
        for row in rows
    ]


_BEST_VS_SECOND_SQL = """
WITH ranked AS (
    SELECT o.calloff_id, c.framework_id, o.opened_price_amount AS price,
           ROW_NUMBER() OVER (PARTITION BY o.calloff_id ORDER BY o.opened_price_amount, o.id) AS position
    FROM {offer} o JOIN {calloff} c ON c.id = o.calloff_id
    WHERE o.opened_price_amount IS NOT NULL AND o.rejected_at IS NULL AND o.withdrawn_at IS NULL
      AND c.cancelled_at IS NULL AND c.mechanism = %s
), pairs AS (
    SELECT calloff_id, framework_id,
           MAX(CASE WHEN position = 1 THEN price END) AS best,
           MAX(CASE WHEN position = 2 THEN price END) AS second
    FROM ranked WHERE position <= 2 GROUP BY calloff_id, framework_id
)
SELECT f.name, COUNT(*), SUM(pairs.best), SUM(pairs.second)
FROM pairs JOIN {framework} f ON f.id = pairs.framework_id
WHERE pairs.second IS NOT NULL
GROUP BY f.name ORDER BY f.name
"""


def savings_best_vs_second() -> list[Savings]:
    """Mini-competitions with at least two valid opened offers: the best price against the second best, summed per
    framework (value-weighted). Opened prices only; never a single offer's price."""
    from marketplace.catalogue.models import FrameworkAgreement

    sql = _BEST_VS_SECOND_SQL.format(
        offer=connection.ops.quote_name(Offer._meta.db_table),
        calloff=connection.ops.quote_name(CallOff._meta.db_table),
        framework=connection.ops.quote_name(FrameworkAgreement._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Mechanism.MINI_COMPETITION.value])
        fetched = cursor.fetchall()
    return [
        Savings(
            framework=name,
            calloffs=count,
            reference_amount=stats.to_decimal(second).quantize(CENT),
            actual_amount=stats.to_decimal(best).quantize(CENT),
        )
        for name, count, best, second in fetched
    ]
