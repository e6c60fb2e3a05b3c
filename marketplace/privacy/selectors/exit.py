"""Reads for exit and lock-in: the exit plan, the estimates, the supplier's egress price and the data volume from the
organisation's FinOps data (storage in the latest billing period for the service's provider)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from marketplace.accounts.models import Organisation
from marketplace.catalogue.models import PriceLine, PriceUnit, Service
from marketplace.privacy import exit_rules
from marketplace.privacy.models import ExitCostEstimate, ExitPlan, PriceSource, ServiceInUse


def exit_plan_of(service_in_use: ServiceInUse) -> ExitPlan | None:
    return ExitPlan.objects.filter(service_in_use=service_in_use).prefetch_related("steps").first()


def exit_estimates_of(service_in_use: ServiceInUse) -> QuerySet[ExitCostEstimate]:
    return ExitCostEstimate.objects.filter(service_in_use=service_in_use).order_by("-created_at", "-id")


def exit_estimate_latest(service_in_use: ServiceInUse) -> ExitCostEstimate | None:
    return exit_estimates_of(service_in_use).first()


@dataclass(frozen=True)
class EgressPrice:
    amount: Decimal
    source: str  # PriceSource


def egress_price_for(service: Service | None) -> EgressPrice | None:
    """The catalogue's egress fee per GB of the service, else a price line with the egress unit in the service's
    price list (or the contract's newest one); None when neither is there."""
    if service is None:
        return None
    if service.egress_fee_per_gb_amount is not None:
        return EgressPrice(service.egress_fee_per_gb_amount, PriceSource.CATALOGUE)
    lines = PriceLine.objects.filter(unit=PriceUnit.GB_EGRESS)
    if service.price_list_id is not None:
        line = lines.filter(price_list_id=service.price_list_id).order_by("pk").first()
    else:
        line = (
            lines.filter(price_list__contract_id=service.contract_id)
            .order_by("-price_list__version", "pk")
            .first()
        )
    if line is None:
        return None
    return EgressPrice(line.unit_price_amount, PriceSource.PRICE_LIST)


@dataclass(frozen=True)
class FinopsVolume:
    volume_gb: Decimal
    period: dt.date
    provider_names: tuple[str, ...]


def finops_storage_volume(organisation: Organisation, supplier_name: str) -> FinopsVolume | None:
    """GB stored with the supplier in the organisation's latest billing period with FinOps data: the sum of Usage
    quantities in a GB-month unit, service category Storage, for the ProviderName that names the supplier
    (exit_rules.provider_matches). None when there is no FinOps data or no storage for that provider."""
    from marketplace.finops.analytics.backend import Scope, execute
    from marketplace.finops.analytics.carbon import usage_quantities_expr
    from marketplace.finops.models import BillingPeriodData

    period = (
        BillingPeriodData.objects.filter(organisation=organisation, is_current=True)
        .order_by("-billing_period")
        .values_list("billing_period", flat=True)
        .first()
    )
    if period is None or not supplier_name:
        return None
    scope = Scope(organisation_ids=(organisation.pk,), period_from=period, period_to=period)
    total = Decimal(0)
    providers: set[str] = set()
    for group in execute(usage_quantities_expr(scope)):
        if (group.get("ServiceCategory") or "") != "Storage":
            continue
        if not exit_rules.provider_matches(group.get("ProviderName") or "", supplier_name):
            continue
        gb = exit_rules.storage_gb(group.get("unit"), group.get("quantity"))
        if gb is None:
            continue
        total += gb
        providers.add(group["ProviderName"])
    if not providers:
        return None
    return FinopsVolume(total.quantize(Decimal("0.001")), period, tuple(sorted(providers)))


def supplier_name_of(service_in_use: ServiceInUse) -> str:
    if service_in_use.service is not None:
        return service_in_use.service.contract.supplier.name
    return service_in_use.supplier_name


def exit_overview_rows(organisation: Organisation) -> list[dict[str, Any]]:
    """One row per service in use: whether it has an exit plan and its newest estimate."""
    from marketplace.privacy.selectors.usage import services_in_use_list

    rows = []
    items = list(services_in_use_list(organisation))
    plans = {p.service_in_use_id: p for p in ExitPlan.objects.filter(service_in_use__in=items)}
    latest: dict[int, ExitCostEstimate] = {}
    for estimate in ExitCostEstimate.objects.filter(service_in_use__in=items).order_by("created_at", "id"):
        latest[estimate.service_in_use_id] = estimate
    for siu in items:
        rows.append({"service_in_use": siu, "plan": plans.get(siu.pk), "estimate": latest.get(siu.pk)})
    return rows
