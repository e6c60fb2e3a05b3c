"""Pure computations behind the statistics pages (no Django): medians from day histograms, shares, market
concentration (HHI) and the small-cell rule of the public page.

Amounts are Decimal throughout; percentages are Decimal with one decimal place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# The public page shows a cell only when it covers at least this many call-offs and this many suppliers
# (offers or awards); fewer could identify an organisation's bids.
MIN_CALLOFFS = 3
MIN_SUPPLIERS = 3

# HHI bands on the 0–10,000 scale (US DOJ/FTC 2010 horizontal merger guidelines, also used by the CMA).
HHI_MODERATE = 1500
HHI_HIGH = 2500

ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)


def to_decimal(value: object) -> Decimal:
    """A database number (Decimal, int, float from SQLite's SUM, or None) as Decimal."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part/whole in percent, one decimal; None when whole is zero."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def median_from_histogram(histogram: Mapping[int, int]) -> Decimal | None:
    """The median of values given as {value: how many}; the mean of the two middle values for an even count."""
    total = sum(count for count in histogram.values() if count > 0)
    if total == 0:
        return None
    ordered = sorted((value, count) for value, count in histogram.items() if count > 0)
    lower_index, upper_index = (total - 1) // 2, total // 2
    lower = upper = None
    seen = 0
    for value, count in ordered:
        if lower is None and seen + count > lower_index:
            lower = value
        if seen + count > upper_index:
            upper = value
            break
        seen += count
    if lower is None or upper is None:  # pragma: no cover (total > 0 always finds both)
        return None
    return (Decimal(lower + upper) / 2).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def is_suppressed(calloffs: int, suppliers: int) -> bool:
    """The public page's small-cell rule."""
    return calloffs < MIN_CALLOFFS or suppliers < MIN_SUPPLIERS


@dataclass(frozen=True)
class MarketShare:
    supplier: str
    value_amount: Decimal
    share_percent: Decimal


def market_shares(values: Mapping[str, Decimal]) -> list[MarketShare]:
    """Each supplier's share of the total awarded value, largest first (ties by name)."""
    total = sum((value for value in values.values() if value > 0), Decimal(0))
    if total == 0:
        return []
    rows = [
        MarketShare(name, value, (value * HUNDRED / total).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP))
        for name, value in values.items()
        if value > 0
    ]
    return sorted(rows, key=lambda row: (-row.value_amount, row.supplier))


def hhi(values: Iterable[Decimal]) -> int | None:
    """Herfindahl-Hirschman index on the 0–10,000 scale: the sum of squared market shares in percent, computed from
    the exact shares (not the rounded ones), rounded to a whole number. None for an empty market."""
    positive = [Decimal(value) for value in values if value > 0]
    total = sum(positive, Decimal(0))
    if total == 0:
        return None
    index = sum(((value * HUNDRED / total) ** 2 for value in positive), Decimal(0))
    return int(index.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def hhi_band(index: int | None) -> str:
    """ "low" (< 1,500), "moderate" (1,500–2,500) or "high" (> 2,500); "" for None."""
    if index is None:
        return ""
    if index < HHI_MODERATE:
        return "low"
    if index <= HHI_HIGH:
        return "moderate"
    return "high"


def saving_percent(reference_amount: Decimal, actual_amount: Decimal) -> Decimal | None:
    """How much lower `actual` is than `reference`, in percent of the reference (negative: higher)."""
    if not reference_amount:
        return None
    return percent(reference_amount - actual_amount, reference_amount)


def quarter_index(year: int, quarter: int) -> int:
    """Quarters as consecutive integers (2024 Q1 → 8096), for timelines."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1–4, not {quarter}")
    return year * 4 + quarter - 1


def quarter_label(index: int) -> str:
    return f"{index // 4} K{index % 4 + 1}"
