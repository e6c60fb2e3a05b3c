"""MPS aggregates of budgets, anomalies and SaaS licences across organisations (pure: no Django, no queries).

The same anonymity rule as the cost aggregates (analytics.dashboard): a group of fewer than MINIMUM_GROUP_SIZE
organisations has its figures hidden, and when exactly one group is hidden the smallest shown group is hidden too,
so the hidden figures cannot be worked out from a total minus the others. A hidden group keeps its name but not its
organisation count. The budget counts are one group (all organisations with a budget for the month): they are hidden
when fewer than MINIMUM_GROUP_SIZE organisations have one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marketplace.finops.analytics.dashboard import MINIMUM_GROUP_SIZE

ZERO = Decimal(0)
BUDGET_THRESHOLDS = (80, 100)


def suppress_groups(
    rows: Iterable[dict[str, Any]], figures: Sequence[str], *, minimum: int = MINIMUM_GROUP_SIZE
) -> list[dict[str, Any]]:
    """Rows with `group` and `organisations`; `figures` (the first one ranks) are set to None in hidden groups.
    Shown rows come first, largest first figure first; then the hidden ones by name."""
    result = [dict(row, is_suppressed=row["organisations"] < minimum) for row in rows]
    hidden = [row for row in result if row["is_suppressed"]]
    shown = [row for row in result if not row["is_suppressed"]]
    if len(hidden) == 1 and shown:
        smallest = min(shown, key=lambda row: (row["organisations"], abs(row[figures[0]]), str(row["group"])))
        smallest["is_suppressed"] = True
    for row in result:
        if row["is_suppressed"]:
            row["organisations"] = None
            for name in figures:
                row[name] = None
    shown = sorted(
        (row for row in result if not row["is_suppressed"]),
        key=lambda row: (-abs(row[figures[0]]), str(row["group"])),
    )
    hidden = sorted((row for row in result if row["is_suppressed"]), key=lambda row: str(row["group"]))
    return shown + hidden


# --- budgets --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetMonth:
    """One budget's figures for the month (NOK)."""

    budget: Decimal
    actual: Decimal
    forecast: Decimal


def reached(amount: Decimal, budget: Decimal, threshold: int) -> bool:
    """As the budget alerts: the amount has reached `threshold` % of a positive budget."""
    return budget > 0 and amount >= budget * threshold / 100


def budget_counts(
    per_organisation: Mapping[Any, Sequence[BudgetMonth]], *, minimum: int = MINIMUM_GROUP_SIZE
) -> dict[str, Any]:
    """How many organisations have at least one budget at or over 80 % and 100 % of the month's budget, by actual
    cost so far and by the month's forecast. An organisation counts once however many of its budgets are over."""
    organisations = [org for org, months in per_organisation.items() if months]
    counts: dict[str, Any] = {
        "organisations": len(organisations),
        "budgets": sum(len(per_organisation[org]) for org in organisations),
    }
    for basis in ("actual", "forecast"):
        for threshold in BUDGET_THRESHOLDS:
            counts[f"{basis}_{threshold}"] = sum(
                any(reached(getattr(m, basis), m.budget, threshold) for m in per_organisation[org])
                for org in organisations
            )
    counts["is_suppressed"] = len(organisations) < minimum
    if counts["is_suppressed"]:
        counts = dict.fromkeys(counts) | {"is_suppressed": True}
    return counts


# --- anomalies ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnomalyFact:
    """One anomaly of one organisation, with the service's category and provider; `delta` = actual − expected
    (NOK): positive for a spike, negative for a drop."""

    category: str
    provider: str
    delta: Decimal


def anomaly_groups(
    per_organisation: Mapping[Any, Sequence[AnomalyFact]], by: str, *, minimum: int = MINIMUM_GROUP_SIZE
) -> list[dict[str, Any]]:
    """Per service category (`by="category"`) or provider (`by="provider"`): organisations with anomalies there,
    the number of anomalies, the extra cost of the spikes and the missing cost of the drops (NOK)."""
    groups: dict[str, dict[str, Any]] = {}
    for org, facts in per_organisation.items():
        for fact in facts:
            name = getattr(fact, by)
            group = groups.setdefault(
                name, {"group": name, "orgs": set(), "anomalies": 0, "increase": ZERO, "decrease": ZERO}
            )
            group["orgs"].add(org)
            group["anomalies"] += 1
            if fact.delta >= 0:
                group["increase"] += fact.delta
            else:
                group["decrease"] += fact.delta
    rows = [
        {
            "group": g["group"],
            "organisations": len(g["orgs"]),
            "anomalies": g["anomalies"],
            "impact": g["increase"] + g["decrease"],
            "increase": g["increase"],
            "decrease": g["decrease"],
        }
        for g in groups.values()
    ]
    return suppress_groups(rows, ("impact", "anomalies", "increase", "decrease"), minimum=minimum)


# --- licences -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LicenceFact:
    """One organisation's seats of one product; `unused_yearly_cost` None when the organisation has no price."""

    product: str
    seats: int
    unused: int
    unused_yearly_cost: Decimal | None
    currency: str = "NOK"


def licence_groups(
    per_organisation: Mapping[Any, Sequence[LicenceFact]], *, minimum: int = MINIMUM_GROUP_SIZE
) -> list[dict[str, Any]]:
    """Per product: organisations, seats, unused seats and the yearly cost of the unused seats in NOK, summed over
    the organisations whose seat price is in NOK (`priced_organisations` says how many; a price in another currency
    or none leaves the organisation's seats out of the cost, not out of the counts)."""
    groups: dict[str, dict[str, Any]] = {}
    for org, facts in per_organisation.items():
        for fact in facts:
            group = groups.setdefault(
                fact.product, {"orgs": set(), "priced": set(), "seats": 0, "unused": 0, "cost": ZERO}
            )
            group["orgs"].add(org)
            group["seats"] += fact.seats
            group["unused"] += fact.unused
            if fact.unused_yearly_cost is not None and fact.currency == "NOK":
                group["priced"].add(org)
                group["cost"] += fact.unused_yearly_cost
    rows = [
        {
            "group": product,
            "organisations": len(g["orgs"]),
            "priced_organisations": len(g["priced"]),
            "seats": g["seats"],
            "unused": g["unused"],
            "unused_yearly_cost": g["cost"].quantize(Decimal("0.01")),
        }
        for product, g in groups.items()
    ]
    return suppress_groups(
        rows, ("unused_yearly_cost", "priced_organisations", "seats", "unused"), minimum=minimum
    )
