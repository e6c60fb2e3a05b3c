"""Demo FinOps settings and the data behind the MPS aggregates: NVE's cost centres, allocation rules and a shared-cost
rule (matching the synthetic data's `avdeling` tags and its "Felles" sub-account), a budget per organisation for the
current year for NVE, Tolletaten and Arkivverket, and their SaaS seats with a manual price, so the showback page and
/finops/mps/budsjett|lisenser/ show figures (three organisations: nothing hidden).

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
from marketplace.core import demo as core_demo
from marketplace.core.demo import DemoResult
from marketplace.finops.models import Budget, CostCentre, LicenceAssignment, LicencePrice
from marketplace.finops.services import allocation
from marketplace.finops.services.budgets import BudgetInput, budget_create
from marketplace.finops.services.optimise import licence_price_set, licences_import

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
    result.counts["finops_cost_centres"] = CostCentre.objects.count()
    result.counts["finops_budgets"] = Budget.objects.count()
    result.counts["finops_licence_seats"] = LicenceAssignment.objects.count()


def register() -> None:
    core_demo.register("finops-settings", seed_settings, order=61)
