"""Rate optimisation: commitment discount utilisation and coverage from the FOCUS CommitmentDiscount* columns.

Per FOCUS 1.2 (EffectiveCost, CommitmentDiscountStatus), for each CommitmentDiscountId:
- the purchase is Σ BilledCost of its `Purchase` rows (EffectiveCost 0 there when it covers future charges);
- its amortisation is Σ EffectiveCost of its `Usage` rows = Σ EffectiveCost(Used) + Σ EffectiveCost(Unused), and the
  spec requires that to equal the purchase over the commitment's term;
- **utilisation** = Used / (Used + Unused) EffectiveCost;
- **savings** = on-demand equivalent of the Used rows − their EffectiveCost.

**Coverage** (per currency) = on-demand-equivalent cost of usage covered by a commitment (rows with status Used) /
on-demand-equivalent cost of all eligible usage (the covered rows plus the `Standard` usage rows without a commitment
in services where a commitment applied in the scope). The on-demand equivalent of a row is its ContractedCost (the
price before commitment discounts, FOCUS "commitment savings = ContractedCost − EffectiveCost"), or ListCost when a
partial data set has no ContractedCost. Rows with neither are left out of both sides.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from marketplace.finops.analytics.backend import Scope, execute
from marketplace.finops.analytics.report import ZERO, Filters, Rows, exact, ratio, scoped


def _on_demand(t: ir.Table) -> ir.Value:
    return ibis.coalesce(t.ContractedCost, t.ListCost)


def utilisation(scope: Scope, filters: Filters | None = None, *, engine: str | None = None) -> Rows:
    """One row per (CommitmentDiscountId, currency): purchased, used, unused, amortised cost, utilisation, savings."""
    t = scoped(scope, filters, engine=engine)
    t = t.filter(t.CommitmentDiscountId.notnull())
    usage = t.ChargeCategory == "Usage"
    used = usage & (t.CommitmentDiscountStatus == "Used")
    unused = usage & (t.CommitmentDiscountStatus == "Unused")
    expr = (
        t.group_by(commitment_discount_id=t.CommitmentDiscountId, currency=t.BillingCurrency)
        .aggregate(
            name=t.CommitmentDiscountName.max(),
            category=t.CommitmentDiscountCategory.max(),
            type=t.CommitmentDiscountType.max(),
            purchased_cost=t.BilledCost.sum(where=t.ChargeCategory == "Purchase"),
            used_cost=t.EffectiveCost.sum(where=used),
            unused_cost=t.EffectiveCost.sum(where=unused),
            amortised_cost=t.EffectiveCost.sum(where=usage),
            used_on_demand_cost=_on_demand(t).sum(where=used),
        )
        .order_by(["commitment_discount_id", "currency"])
    )
    rows = execute(expr, engine=engine)
    for row in rows:
        for key in ("purchased_cost", "used_cost", "unused_cost", "amortised_cost", "used_on_demand_cost"):
            if row[key] is None:
                row[key] = ZERO
        with exact():
            row["utilisation"] = ratio(row["used_cost"], row["used_cost"] + row["unused_cost"])
            row["savings_cost"] = row["used_on_demand_cost"] - row["used_cost"]
            row["unamortised_cost"] = row["purchased_cost"] - row["amortised_cost"]
    return rows


def coverage(scope: Scope, filters: Filters | None = None, *, engine: str | None = None) -> Rows:
    """One row per currency: covered and eligible on-demand-equivalent cost and coverage (None when nothing is
    eligible)."""
    t = scoped(scope, filters, engine=engine)
    service = ibis.coalesce(t.ServiceName, "")
    committed = execute(
        t.filter(t.CommitmentDiscountId.notnull()).select(service=service).distinct().order_by("service"),
        engine=engine,
    )
    services = [r["service"] for r in committed]
    if not services:
        return []
    usage = t.filter((t.ChargeCategory == "Usage") & service.isin(services))
    on_demand = _on_demand(usage)
    covered = usage.CommitmentDiscountStatus == "Used"
    uncovered = usage.CommitmentDiscountId.isnull() & (usage.PricingCategory == "Standard")
    expr = (
        usage.group_by(currency=usage.BillingCurrency)
        .aggregate(
            covered_cost=on_demand.sum(where=covered),
            eligible_cost=on_demand.sum(where=covered | uncovered),
        )
        .order_by("currency")
    )
    rows = execute(expr, engine=engine)
    for row in rows:
        row["covered_cost"] = row["covered_cost"] if row["covered_cost"] is not None else ZERO
        row["eligible_cost"] = row["eligible_cost"] if row["eligible_cost"] is not None else ZERO
        row["coverage"] = ratio(row["covered_cost"], row["eligible_cost"])
    return rows


def commitments(scope: Scope, filters: Filters | None = None, *, engine: str | None = None) -> dict[str, Any]:
    return {
        "utilisation": utilisation(scope, filters, engine=engine),
        "coverage": coverage(scope, filters, engine=engine),
    }
