"""Demo FinOps settings and the data behind the MPS aggregates: NVE's cost centres, allocation rules and a shared-cost
rule (matching the synthetic data's `avdeling` tags and its "Felles" sub-account), a budget per organisation for the
current year for NVE, Tolletaten and Arkivverket, and their SaaS seats with a manual price, so the showback page and
/finops/mps/budsjett|lisenser/ show figures (three organisations: nothing hidden). And SKU mappings from the
synthetic storage services of the three CIPS suppliers to their contracts' storage price lines, so price compliance
(/finops/priskontroll/) checks real rows: GB-months billed against the GiB-month prices of the catalogue demo.

Everything goes through the services, acting as a demo FinOps analyst of each organisation (`<slug>.finops`, created
here). Idempotent: an organisation that already has cost centres, budgets or seats is left alone for that part.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone

from marketplace.accounts.demo import user_ensure
from marketplace.accounts.middleware import activate
from marketplace.accounts.models import Organisation, Role
from marketplace.catalogue.models import Contract, PriceLine
from marketplace.core import demo as core_demo
from marketplace.core.demo import DemoResult
from marketplace.finops.models import Budget, CostCentre, LicenceAssignment, LicencePrice, SkuMapping
from marketplace.finops.services import allocation
from marketplace.finops.services.budgets import BudgetInput, budget_create
from marketplace.finops.services.optimise import licence_price_set, licences_import, sku_mapping_create

# orgnr, username, first name, last name, yearly budget (NOK), seats per product
ORGANISATIONS = [
    (
        "970205039",
        "nve.finops",
        "Kari",
        "Nilsen",
        Decimal(2_400_000),
        {"Microsoft 365 E3": 40, "Adobe Acrobat Pro": 12},
    ),
    (
        "974761467",
        "toll.finops",
        "Per",
        "Aasen",
        Decimal(900_000),
        {"Microsoft 365 E3": 30, "Adobe Acrobat Pro": 8},
    ),
    (
        "961181399",
        "arkiv.finops",
        "Nina",
        "Solberg",
        Decimal(300_000),
        {"Microsoft 365 E3": 18, "Adobe Acrobat Pro": 5},
    ),
]
MONTHLY_PRICES = {"Microsoft 365 E3": Decimal("395.00"), "Adobe Acrobat Pro": Decimal("219.00")}

# code, name, parent code, the `avdeling` tag values it takes
NVE_CENTRES = [
    ("100", "IT-drift", None, ["IT", "Digitalisering"]),
    ("200", "Hydrologi", None, ["Hydrologi"]),
    ("210", "Flom- og skredvarsling", "200", []),
    ("300", "Energi og tilsyn", None, ["Energi", "Tilsyn"]),
    ("900", "Administrasjon", None, ["Administrasjon"]),
]


def _seats(product: str, count: int, orgnr: str, today: dt.date) -> list[list[str]]:
    """Deterministic seats: every fourth never used or idle for half a year, every seventh idle for 45 days."""
    rows = []
    for n in range(count):
        if n % 4 == 0:
            last = (today - dt.timedelta(days=180)).isoformat() if n % 8 == 0 else ""
        elif n % 7 == 0:
            last = (today - dt.timedelta(days=45)).isoformat()
        else:
            last = (today - dt.timedelta(days=n % 5)).isoformat()
        rows.append([product, f"bruker{n:03d}@{orgnr}.example.invalid", "2025-01-15", last])
    return rows


def _showback(organisation: Organisation, actor: object) -> None:
    if CostCentre.objects.filter(organisation=organisation).exists():
        return
    centres: dict[str, CostCentre] = {}
    for code, name, parent, departments in NVE_CENTRES:
        centres[code] = allocation.cost_centre_create(
            actor=actor, organisation=organisation, code=code, name=name, parent=centres.get(parent or "")
        )
        for department in departments:
            allocation.allocation_rule_create(
                actor=actor,
                organisation=organisation,
                kind="tag",
                key="avdeling",
                value=department,
                cost_centre=centres[code],
            )
    allocation.allocation_rule_create(
        actor=actor,
        organisation=organisation,
        kind="tag",
        key="prosjekt",
        value="Flomvarsling",
        cost_centre=centres["210"],
        priority=10,
    )
    slug = "".join(ch for ch in organisation.orgnr.lower() if ch.isalnum())[:12]
    allocation.shared_cost_rule_create(
        actor=actor,
        organisation=organisation,
        name="Felles plattform",
        kind="sub_account",
        value=f"{slug}-sa-4",
        method="fixed",
        shares=[(centres["100"], Decimal(50)), (centres["200"], Decimal(30)), (centres["300"], Decimal(20))],
    )


# contract reference (catalogue demo, CIPS lot 1), FOCUS ProviderName and ServiceName (synthetic data), price line SKU
DEMO_SKU_MAPPINGS = [
    ("2024/1001-1-01", "Nordsky", "Objektlagring", "NORD-102"),
    ("2024/1001-1-02", "Atlanterhavet Sky", "Sikkerhetskopi", "ATLA-108"),
    ("2024/1001-1-03", "Fjellskyen", "Blokklagring", "FJEL-103"),
]
GIB_PER_GB = Decimal("0.9313225746")  # the rows bill GB-Mo, the price lines are per GiB-month: 10^9 / 2^30
DEMO_TOLERANCE_PERCENT = Decimal(2)


def _sku_mappings(result: DemoResult) -> None:
    """The demo SKU mappings (as the operator on the command line: `actor=None`); skipped where the catalogue demo's
    contract or price line is missing, and where the mapping exists."""
    for reference, provider, service_name, price_sku in DEMO_SKU_MAPPINGS:
        contract = Contract.objects.filter(reference=reference).first()
        if (
            contract is None
            or not PriceLine.objects.filter(price_list__contract=contract, sku=price_sku).exists()
        ):
            continue
        if SkuMapping.objects.filter(
            contract=contract, service_name=service_name, price_sku=price_sku
        ).exists():
            continue
        sku_mapping_create(
            actor=None,
            contract=contract,
            price_sku=price_sku,
            provider_name=provider,
            service_name=service_name,
            pricing_unit="GB-Month",
            unit_factor=GIB_PER_GB,
            tolerance_percent=DEMO_TOLERANCE_PERCENT,
        )
    result.counts["finops_sku_mappings"] = SkuMapping.objects.count()


def seed_settings(result: DemoResult, *, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    for orgnr, username, first, last, amount, products in ORGANISATIONS:
        organisation = Organisation.objects.filter(orgnr=orgnr).first()
        if organisation is None:
            continue
        actor = user_ensure(username, first, last, organisation, [Role.FINOPS_ANALYST], result)
        activate(actor, organisation)
        if orgnr == "970205039":
            _showback(organisation, actor)
        if not Budget.objects.filter(organisation=organisation, year=today.year).exists():
            budget_create(
                actor=actor,
                organisation=organisation,
                data=BudgetInput(name=f"Skydrift {today.year}", year=today.year, amount=amount),
            )
        if not LicenceAssignment.objects.filter(organisation=organisation).exists():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(["product", "user", "assigned_on", "last_active_on"])
            for product, count in products.items():
                writer.writerows(_seats(product, count, orgnr, today))
            licences_import(actor=actor, organisation=organisation, content=buffer.getvalue().encode())
        for product, price in MONTHLY_PRICES.items():
            if not LicencePrice.objects.filter(organisation=organisation, product=product).exists():
                licence_price_set(
                    actor=actor, organisation=organisation, product=product, monthly_amount=price
                )
    _sku_mappings(result)
    result.counts["finops_cost_centres"] = CostCentre.objects.count()
    result.counts["finops_budgets"] = Budget.objects.count()
    result.counts["finops_licence_seats"] = LicenceAssignment.objects.count()


def register() -> None:
    core_demo.register("finops-settings", seed_settings, order=61)
