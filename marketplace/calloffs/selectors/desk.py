"""Reads for desk evaluations: basket, requirements, evaluations, and the framework data an evaluation freezes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from marketplace.calloffs.models import BasketLine, CallOff, DeskCriterion, Evaluation
from marketplace.calloffs.rules.basket import Candidate, PriceItem, ServiceFacts
from marketplace.catalogue.models import Certification, Contract, PriceLine, PriceList, Service, ServiceStatus
from marketplace.core.exceptions import NotFound

QUANTITY_PLACES = Decimal("0.0001")


def basket_lines_of(calloff: CallOff) -> QuerySet[BasketLine]:
    return BasketLine.objects.filter(calloff=calloff).order_by("position", "id")


def desk_requirements_of(calloff: CallOff) -> QuerySet[DeskCriterion]:
    return DeskCriterion.objects.filter(calloff=calloff).order_by("requirement")


def desk_evaluations_of(calloff: CallOff) -> QuerySet[Evaluation]:
    """Every evaluation of the call-off, newest first (re-evaluations keep history)."""
    return (
        Evaluation.objects.filter(calloff=calloff, inputs__kind="desk")
        .select_related("computed_by")
        .order_by("-computed_at", "-id")
    )


def desk_evaluation_latest(calloff: CallOff) -> Evaluation | None:
    return desk_evaluations_of(calloff).first()


def desk_evaluation_get(calloff: CallOff, pk: int) -> Evaluation:
    evaluation = desk_evaluations_of(calloff).filter(pk=pk).first()
    if evaluation is None:
        raise NotFound("evaluation")
    return evaluation


def contracts_valid_on(calloff: CallOff, on_date: dt.date) -> QuerySet[Contract]:
    """The framework contracts on the call-off's lot that are valid on the date."""
    return (
        Contract.objects.filter(lot_id=calloff.lot_id, valid_from__lte=on_date, valid_to__gte=on_date)
        .select_related("supplier")
        .order_by("rank", "supplier__name", "id")
    )


def desk_candidates(calloff: CallOff, *, units: Iterable[str], on_date: dt.date) -> list[Candidate]:
    """Each valid contract on the lot as a rule input: its price list in force (lines with the basket's units) and
    the published services on the contract whose price unit is in the basket (the ones whose facts count).

    A fixed number of queries whatever the number of suppliers."""
    unit_set = sorted(set(units))
    contracts = list(contracts_valid_on(calloff, on_date))
    contract_ids = [contract.pk for contract in contracts]
    in_force: dict[int, PriceList] = {}
    for version in PriceList.objects.filter(contract_id__in=contract_ids, valid_from__lte=on_date).order_by(
        "contract_id", "-version"
    ):
        in_force.setdefault(version.contract_id, version)
    lines: dict[int, list[PriceItem]] = defaultdict(list)
    for line in PriceLine.objects.filter(
        price_list_id__in=[version.pk for version in in_force.values()], unit__in=unit_set
    ).order_by("sku", "id"):
        lines[line.price_list_id].append(
            PriceItem(line.sku, line.description, line.unit, line.unit_price_amount)
        )
    services: dict[int, list[ServiceFacts]] = defaultdict(list)
    for service in (
        Service.objects.filter(
            contract_id__in=contract_ids, status=ServiceStatus.PUBLISHED, price_unit__in=unit_set
        )
        .prefetch_related(
            "data_locations",
            Prefetch("certifications", queryset=Certification.objects.order_by("scheme", "valid_until")),
        )
        .order_by("id")
    ):
        services[service.contract_id].append(
            ServiceFacts(
                service_id=service.pk,
                name=service.name,
                countries=tuple(service.data_location_countries),
                certifications=tuple((c.scheme, c.valid_until) for c in service.certifications.all()),
                has_norwegian_support=service.has_norwegian_support,
            )
        )
    candidates = []
    for contract in contracts:
        price_list = in_force.get(contract.pk)
        candidates.append(
            Candidate(
                supplier_id=contract.supplier_id,
                supplier_name=contract.supplier.name,
                contract_id=contract.pk,
                framework_rank=contract.rank,
                price_list_id=price_list.pk if price_list is not None else None,
                price_list_version=price_list.version if price_list is not None else None,
                price_lines=tuple(lines[price_list.pk]) if price_list is not None else (),
                services=tuple(services[contract.pk]),
            )
        )
    return candidates
