"""Estimated energy (kWh) and emissions (kg CO2e) of the cost rows, by the Cloud Carbon Footprint method.

The coefficients are data with their source (`marketplace/finops/data/carbon.json`, from the CCF methodology as
summarised in shared/reference/finops.md §3.6). The Ibis expression sums the usage quantities of the scope per
provider, region, service category, subcategory and unit; the (few) groups are then classified and multiplied by the
coefficients in Python with Decimal arithmetic, so the numbers are exact and identical on DuckDB and PySpark.

Heuristics (what counts as what), on Usage rows, quantity = ConsumedQuantity (PricingQuantity when null) in
ConsumedUnit (PricingUnit when null):
- compute: a time unit (Hours, Hrs, Hour, vCPU-Hours, Instance Hours …) in service category Compute or Databases,
  read as vCPU-hours (one vCPU per instance-hour unless the unit says vCPU; FOCUS rows rarely carry the core count).
  Energy = (min W + utilisation × (max W − min W)) × vCPU-hours, utilisation 50 %.
- storage: a GB-month unit (GB-Mo, GB-Month(s), GB/Month, GiB-Month …) → TB-hours = GB-months × 730 / 1000
  (GiB × 1.073741824). HDD for subcategories Object and Backup, SSD otherwise.
- network: a GB unit (GB, GiB) in service category Networking → 0.001 kWh per GB.
- memory: a GB-hour unit (GB-Hours, GiB-Hours) in Compute or Databases → 0.000392 kWh per GB-hour.
Everything else is counted as not estimated (rows and cost shown so the coverage is visible).
kWh = energy × PUE of the provider; kg CO2e = kWh × grid factor (t/kWh) × 1000. The grid factor comes from RegionId
(then RegionName) — Norwegian regions 0.00000762 t/kWh (7.6 g/kWh); an unknown region takes the default factor and is
flagged, as is an unknown provider (default coefficients).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import ibis

from marketplace.finops.analytics.backend import Scope, costs, execute

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "carbon.json"
GIB_PER_GB = Decimal("1.073741824")

COMPUTE, STORAGE, NETWORK, MEMORY = "compute", "storage", "network", "memory"
QUANTITY_UNITS = {COMPUTE: "vCPU-h", STORAGE: "TB-h", NETWORK: "GB", MEMORY: "GB-h"}

_TIME_UNITS = {
    "hours",
    "hour",
    "hrs",
    "hr",
    "h",
    "1 hour",
    "instance hours",
    "instance-hours",
    "vcpu-hours",
    "vcpu hours",
    "vcpu-hour",
    "vcpu hour",
    "cpu hours",
    "core hours",
    "core-hours",
}
_GB_MONTH = re.compile(r"^(1 )?(gb|gib)[ -/]?(mo|month|months)$")
_GB = re.compile(r"^(1 )?(gb|gib)$")
_GB_HOUR = re.compile(r"^(1 )?(gb|gib)[ -/]?(hours|hour|hrs|hr)$")
_HDD_SUBCATEGORIES = {"object", "backup"}


@cache
def coefficients() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class CarbonLine:
    provider: str
    region: str
    service_category: str
    kind: str  # compute / storage / network / memory
    quantity: Decimal  # in quantity_unit
    quantity_unit: str
    kwh: Decimal
    kg_co2e: Decimal
    grid_t_per_kwh: Decimal
    is_default_provider: bool
    is_default_region: bool


@dataclass(frozen=True)
class CarbonEstimate:
    lines: list[CarbonLine]
    total_kwh: Decimal
    total_kg_co2e: Decimal
    unestimated_rows: int
    unestimated_units: list[str]


def provider_key(provider: str | None) -> str:
    """'aws', 'gcp', 'azure' or 'default' for a FOCUS ProviderName."""
    name = (provider or "").strip().lower()
    for key, aliases in coefficients()["provider_aliases"].items():
        if name in aliases or any(name.startswith(alias + " ") for alias in aliases):
            return str(key)
    return "default"


def grid_factor(region_id: str | None, region_name: str | None) -> tuple[Decimal, bool]:
    """(t CO2e per kWh, is_default) for a region: by RegionId first, then by words in RegionName."""
    grid = coefficients()["grid_t_co2e_per_kwh"]
    rid = (region_id or "").strip().lower()
    rname = (region_name or "").strip().lower()
    for entry in grid["regions"].values():
        if rid and rid in entry["ids"]:
            return Decimal(entry["value"]), False
    for entry in grid["regions"].values():
        if rname and any(word in rname for word in entry["name_contains"]):
            return Decimal(entry["value"]), False
        if rid and any(word in rid for word in entry["name_contains"]):
            return Decimal(entry["value"]), False
    return Decimal(grid["default"]["value"]), True


def classify(
    unit: str | None, service_category: str | None, subcategory: str | None
) -> tuple[str, Decimal] | None:
    """(kind, factor to the kind's quantity unit) for a FOCUS unit, or None when it is not estimated."""
    u = re.sub(r"\s+", " ", (unit or "").strip().lower())
    category = (service_category or "").strip()
    is_compute_like = category in ("Compute", "Databases")
    if u in _TIME_UNITS and is_compute_like:
        return COMPUTE, Decimal(1)
    match = _GB_MONTH.match(u)
    if match:
        to_gb = GIB_PER_GB if match.group(2) == "gib" else Decimal(1)
        hours = Decimal(coefficients()["hours_per_month"])
        return STORAGE, to_gb * hours / Decimal(1000)
    match = _GB_HOUR.match(u)
    if match and is_compute_like:
        return MEMORY, GIB_PER_GB if match.group(2) == "gib" else Decimal(1)
    match = _GB.match(u)
    if match and category == "Networking":
        return NETWORK, GIB_PER_GB if match.group(2) == "gib" else Decimal(1)
    return None


def energy_kwh(kind: str, quantity: Decimal, provider: str, subcategory: str | None) -> Decimal:
    """kWh before PUE for a quantity in the kind's unit."""
    data = coefficients()
    if kind == COMPUTE:
        coeff = data["providers"][provider]
        low, high = Decimal(coeff["min_watts_per_vcpu"]), Decimal(coeff["max_watts_per_vcpu"])
        watts = low + Decimal(data["default_utilisation"]) * (high - low)
        return watts * quantity / Decimal(1000)
    if kind == STORAGE:
        medium = "hdd" if (subcategory or "").strip().lower() in _HDD_SUBCATEGORIES else "ssd"
        return Decimal(data["storage_wh_per_tb_hour"][medium]) * quantity / Decimal(1000)
    if kind == NETWORK:
        return Decimal(data["network_kwh_per_gb"]["value"]) * quantity
    return Decimal(data["memory_kwh_per_gb_hour"]["value"]) * quantity


def usage_quantities_expr(scope: Scope, *, engine: str | None = None) -> Any:
    """Ibis: Usage quantities summed per provider, region, category, subcategory and unit."""
    t = costs(scope, engine=engine)
    usage = t.filter(t.ChargeCategory == "Usage")
    usage = usage.mutate(
        unit=ibis.coalesce(usage.ConsumedUnit, usage.PricingUnit),
        qty=ibis.coalesce(usage.ConsumedQuantity, usage.PricingQuantity),
    )
    return (
        usage.group_by(
            "ProviderName", "RegionId", "RegionName", "ServiceCategory", "ServiceSubcategory", "unit"
        )
        .aggregate(quantity=usage.qty.sum(), rows=usage.count())
        .order_by("ProviderName", "RegionId", "RegionName", "ServiceCategory", "ServiceSubcategory", "unit")
    )


def carbon_estimate(scope: Scope, *, engine: str | None = None) -> CarbonEstimate:
    """kWh and kg CO2e per provider × region × service category × kind (see the module text for the method)."""
    lines: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    unestimated_rows = 0
    unestimated_units: set[str] = set()
    pue_of = coefficients()["providers"]
    for group in execute(usage_quantities_expr(scope, engine=engine), engine=engine):
        quantity = group["quantity"] if group["quantity"] is not None else Decimal(0)
        kind_factor = classify(group["unit"], group["ServiceCategory"], group["ServiceSubcategory"])
        if kind_factor is None or quantity == 0:
            if kind_factor is None:
                unestimated_rows += int(group["rows"])
                unestimated_units.add(str(group["unit"] or ""))
            continue
        kind, factor = kind_factor
        provider = provider_key(group["ProviderName"])
        factor_t, is_default_region = grid_factor(group["RegionId"], group["RegionName"])
        amount = quantity * factor
        kwh = energy_kwh(kind, amount, provider, group["ServiceSubcategory"]) * Decimal(
            pue_of[provider]["pue"]
        )
        region = group["RegionId"] or group["RegionName"] or ""
        key = (group["ProviderName"] or "", region, group["ServiceCategory"] or "", kind)
        line = lines.setdefault(
            key,
            {
                "quantity": Decimal(0),
                "kwh": Decimal(0),
                "kg": Decimal(0),
                "grid": factor_t,
                "default_provider": provider == "default",
                "default_region": is_default_region,
            },
        )
        line["quantity"] += amount
        line["kwh"] += kwh
        line["kg"] += kwh * factor_t * Decimal(1000)
    result = [
        CarbonLine(
            provider=key[0],
            region=key[1],
            service_category=key[2],
            kind=key[3],
            quantity=value["quantity"],
            quantity_unit=QUANTITY_UNITS[key[3]],
            kwh=value["kwh"],
            kg_co2e=value["kg"],
            grid_t_per_kwh=value["grid"],
            is_default_provider=value["default_provider"],
            is_default_region=value["default_region"],
        )
        for key, value in sorted(lines.items())
    ]
    return CarbonEstimate(
        lines=result,
        total_kwh=sum((line.kwh for line in result), Decimal(0)),
        total_kg_co2e=sum((line.kg_co2e for line in result), Decimal(0)),
        unestimated_rows=unestimated_rows,
        unestimated_units=sorted(unestimated_units),
    )
