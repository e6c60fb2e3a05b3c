"""Exit and lock-in, pure: the exit-cost estimate (data volume × egress price + migration hours × rate, Decimal NOK),
the CMA lock-in flags (cyber-privacy.md B6) and the matching of a FinOps provider name to a catalogue supplier.

No Django here. Errors come back as (field, code); the services put Norwegian words on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
GIB_PER_GB = Decimal("1.073741824")

MAX_VOLUME_GB = Decimal("100000000")  # 100 PB
MAX_PRICE_PER_GB = Decimal("1000")
MAX_HOURS = Decimal("100000")
MAX_RATE = Decimal("100000")

# The CMA topics in the order they are shown (data/terms_baseline.json "cma_flags" has title and source of each).
EGRESS_FEES, TECHNICAL_BARRIERS, COMMITTED_SPEND, LICENSING = (
    "egress_fees",
    "technical_barriers",
    "committed_spend",
    "licensing",
)
CMA_FLAGS = (EGRESS_FEES, TECHNICAL_BARRIERS, COMMITTED_SPEND, LICENSING)


def decimal_or_none(value: object) -> Decimal | None:
    """A Decimal from a number or text with a comma or point ("1 234,5"); None when it is not a finite number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    return number if number.is_finite() else None


@dataclass(frozen=True)
class ExitCostInput:
    volume_gb: object
    egress_price_per_gb: object
    migration_hours: object
    hourly_rate: object


@dataclass(frozen=True)
class ExitCost:
    volume_gb: Decimal
    egress_price_per_gb: Decimal
    migration_hours: Decimal
    hourly_rate: Decimal
    egress_amount: Decimal
    migration_amount: Decimal
    total_amount: Decimal


_LIMITS = {
    "volume_gb": MAX_VOLUME_GB,
    "egress_price_per_gb": MAX_PRICE_PER_GB,
    "migration_hours": MAX_HOURS,
    "hourly_rate": MAX_RATE,
}


def exit_cost(data: ExitCostInput) -> tuple[ExitCost | None, list[tuple[str, str]]]:
    """The estimate, or None with every (field, code) error: "required", "not_a_number", "negative", "too_large"."""
    values: dict[str, Decimal] = {}
    errors: list[tuple[str, str]] = []
    for name, limit in _LIMITS.items():
        raw = getattr(data, name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors.append((name, "required"))
            continue
        number = decimal_or_none(raw)
        if number is None:
            errors.append((name, "not_a_number"))
        elif number < 0:
            errors.append((name, "negative"))
        elif number > limit:
            errors.append((name, "too_large"))
        else:
            values[name] = number
    if errors:
        return None, errors
    egress = (values["volume_gb"] * values["egress_price_per_gb"]).quantize(CENT, rounding=ROUND_HALF_UP)
    migration = (values["migration_hours"] * values["hourly_rate"]).quantize(CENT, rounding=ROUND_HALF_UP)
    return (
        ExitCost(
            volume_gb=values["volume_gb"],
            egress_price_per_gb=values["egress_price_per_gb"],
            migration_hours=values["migration_hours"],
            hourly_rate=values["hourly_rate"],
            egress_amount=egress,
            migration_amount=migration,
            total_amount=egress + migration,
        ),
        [],
    )


def cma_flags(
    *,
    egress_price_per_gb: Decimal | None,
    has_open_export_formats: bool,
    has_technical_barriers: bool,
    has_committed_spend: bool,
    has_licence_restrictions: bool,
) -> tuple[str, ...]:
    """The CMA lock-in topics that apply (cyber-privacy.md B6), in CMA_FLAGS order.

    Egress fees: a price per GB above zero. Technical barriers: no open export formats, or the buyer names a barrier.
    Committed-spend discounts and licensing restrictions: the buyer's answer (the contract says so).
    """
    found = set()
    if egress_price_per_gb is not None and egress_price_per_gb > 0:
        found.add(EGRESS_FEES)
    if has_technical_barriers or not has_open_export_formats:
        found.add(TECHNICAL_BARRIERS)
    if has_committed_spend:
        found.add(COMMITTED_SPEND)
    if has_licence_restrictions:
        found.add(LICENSING)
    return tuple(flag for flag in CMA_FLAGS if flag in found)


# --- FinOps data volume ---------------------------------------------------------------------------------------------

_LEGAL_SUFFIXES = {
    "as",
    "asa",
    "sa",
    "ltd",
    "limited",
    "inc",
    "llc",
    "gmbh",
    "ab",
    "oy",
    "bv",
    "plc",
    "corp",
    "sarl",
}
_COUNTRY_WORDS = {"norge", "norway", "norden", "nordic", "europe", "emea"}
_GB_MONTH = re.compile(r"^(1 )?(gb|gib)[ -/]?(mo|month|months)$")


def provider_words(name: str) -> tuple[str, ...]:
    words = re.findall(r"[0-9a-zæøå]+", (name or "").casefold())
    while words and words[-1] in _LEGAL_SUFFIXES | _COUNTRY_WORDS:
        words.pop()
    return tuple(words)


def provider_matches(provider_name: str, supplier_name: str) -> bool:
    """A FOCUS ProviderName ("Atlanterhavet Sky") names the catalogue supplier ("Atlanterhavet Sky Norge AS"):
    the same words once legal-form and country words at the end are dropped."""
    provider, supplier = provider_words(provider_name), provider_words(supplier_name)
    return bool(provider) and provider == supplier


def storage_gb(unit: str | None, quantity: Decimal | None) -> Decimal | None:
    """GB stored on average over the period from a GB-month quantity (GiB-months converted); None for other units."""
    if quantity is None:
        return None
    match = _GB_MONTH.match(re.sub(r"\s+", " ", (unit or "").strip().lower()))
    if not match:
        return None
    return quantity * GIB_PER_GB if match.group(2) == "gib" else quantity
