"""Workload optimisation: resources that cost money for little or no use, found from the FOCUS rows alone.

Each finding says which heuristic found it (the texts below are shown with the finding):
- cost_no_usage: a resource (ResourceId) whose Usage rows in the scope cost money (Σ EffectiveCost > 0) while its
  ConsumedQuantity is 0 or empty on every one of them.
- idle: a resource billed in a non-time unit (not hours) on at least `idle_min_days` (7) days with the same daily
  ConsumedQuantity every day, at most `idle_max_daily_quantity` (1) unit a day, and a cost > 0: a flat trickle, such
  as a database or gateway that is kept running but barely used. Resources billed by the hour are left out: an
  always-on machine bills 24 hours a day whether busy or not, so billing data cannot tell idle from busy.
- unattached_storage: a block-storage resource (ServiceSubcategory "Block", or a ResourceType containing "disk" or
  "volume") with cost > 0 in a sub-account (SubAccountId) that has no Compute usage rows in the scope: a disk with
  no virtual machine to attach to.
Costs are Σ EffectiveCost in the billing currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ibis
from django.utils.translation import gettext_lazy as _

from marketplace.finops.analytics.backend import Scope, costs, execute

COST_NO_USAGE, IDLE, UNATTACHED = "cost_no_usage", "idle", "unattached_storage"
HEURISTICS = {
    COST_NO_USAGE: _("Ressursen har kostnad på bruksrader, men forbrukt mengde er 0 eller tom på alle."),
    IDLE: _(
        "Ressursen har samme lave daglige forbruk (høyst %(max)s enhet) hver dag i minst %(days)s dager, i en enhet "
        "som ikke er timer."
    ),
    UNATTACHED: _(
        "Blokklagring (disk/volum) med kostnad i et underkonto uten bruk av databehandling (Compute) i perioden."
    ),
}
TIME_UNITS = ["hours", "hour", "hrs", "hr", "h", "1 hour"]


@dataclass(frozen=True)
class Finding:
    kind: str
    resource_id: str
    resource_name: str
    sub_account_id: str
    service_name: str
    cost: Decimal
    currency: str
    heuristic: str


def _resource_rows(scope: Scope, engine: str | None) -> Any:
    t = costs(scope, engine=engine)
    return t.filter(t.ChargeCategory == "Usage", t.ResourceId.notnull(), t.ResourceId != "")


def _group(rows: Any, *extra: str) -> Any:
    return rows.group_by(
        "ResourceId",
        *extra,
        currency=rows.BillingCurrency,
        resource_name=ibis.coalesce(rows.ResourceName, ""),
        sub_account=ibis.coalesce(rows.SubAccountId, ""),
        service=rows.ServiceName,
    )


def cost_no_usage_expr(scope: Scope, *, engine: str | None = None) -> Any:
    rows = _resource_rows(scope, engine)
    grouped = _group(rows).aggregate(
        cost=rows.EffectiveCost.sum(),
        used=(ibis.coalesce(rows.ConsumedQuantity, 0) != 0).cast("int64").sum(),
    )
    return (
        grouped.filter(grouped.cost > 0, grouped.used == 0)
        .drop("used")
        .order_by(ibis.desc("cost"), "ResourceId")
    )


def idle_expr(
    scope: Scope, *, min_days: int = 7, max_daily_quantity: Decimal = Decimal(1), engine: str | None = None
) -> Any:
    rows = _resource_rows(scope, engine)
    rows = rows.filter(
        rows.ConsumedUnit.notnull(),
        ~rows.ConsumedUnit.lower().strip().isin(TIME_UNITS),
        ~rows.ConsumedUnit.lower().contains("hour"),
    )
    base = rows.mutate(day=rows.ChargePeriodStart.date(), unit=rows.ConsumedUnit)
    daily = _group(base, "day", "unit").aggregate(
        day_qty=ibis.coalesce(base.ConsumedQuantity, 0).sum(), day_cost=base.EffectiveCost.sum()
    )
    per_resource = daily.group_by(
        "ResourceId", "currency", "resource_name", "sub_account", "service", "unit"
    ).aggregate(
        days=daily.day.nunique(), low=daily.day_qty.min(), high=daily.day_qty.max(), cost=daily.day_cost.sum()
    )
    found = per_resource.filter(
        per_resource.days >= min_days,
        per_resource.low == per_resource.high,
        per_resource.high > 0,
        per_resource.high <= max_daily_quantity,
        per_resource.cost > 0,
    )
    return found.select("ResourceId", "currency", "resource_name", "sub_account", "service", "cost").order_by(
        ibis.desc("cost"), "ResourceId"
    )


def unattached_storage_expr(scope: Scope, *, engine: str | None = None) -> Any:
    rows = _resource_rows(scope, engine)
    t = costs(scope, engine=engine)
    compute = (
        t.filter(t.ChargeCategory == "Usage", t.ServiceCategory == "Compute")
        .select(c_sub=ibis.coalesce(t.SubAccountId, ""))
        .distinct()
    )
    resource_type = ibis.coalesce(rows.ResourceType, "").lower()
    disks = rows.filter(
        (ibis.coalesce(rows.ServiceSubcategory, "") == "Block")
        | resource_type.contains("disk")
        | resource_type.contains("volume")
    )
    grouped = _group(disks).aggregate(cost=disks.EffectiveCost.sum())
    joined = grouped.join(compute, grouped.sub_account == compute.c_sub, how="left")
    return (
        joined.filter(joined.c_sub.isnull(), joined.cost > 0)
        .select("ResourceId", "currency", "resource_name", "sub_account", "service", "cost")
        .order_by(ibis.desc("cost"), "ResourceId")
    )


def workload_findings(
    scope: Scope,
    *,
    idle_min_days: int = 7,
    idle_max_daily_quantity: Decimal = Decimal(1),
    engine: str | None = None,
) -> list[Finding]:
    """Every finding, by kind (cost without usage, idle, unattached storage), most expensive first."""
    exprs = [
        (COST_NO_USAGE, cost_no_usage_expr(scope, engine=engine), str(HEURISTICS[COST_NO_USAGE])),
        (
            IDLE,
            idle_expr(
                scope, min_days=idle_min_days, max_daily_quantity=idle_max_daily_quantity, engine=engine
            ),
            str(HEURISTICS[IDLE]) % {"max": idle_max_daily_quantity, "days": idle_min_days},
        ),
        (UNATTACHED, unattached_storage_expr(scope, engine=engine), str(HEURISTICS[UNATTACHED])),
    ]
    findings = []
    for kind, expr, text in exprs:
        for row in execute(expr, engine=engine):
            findings.append(
                Finding(
                    kind=kind,
                    resource_id=row["ResourceId"],
                    resource_name=row["resource_name"],
                    sub_account_id=row["sub_account"],
                    service_name=row["service"] or "",
                    cost=row["cost"],
                    currency=row["currency"],
                    heuristic=text,
                )
            )
    return findings
