"""Desk evaluation (skrivebordskonkurranse): price a basket against framework price lists, apply the quality
requirements read from catalogue facts, score and rank. Pure: stdlib, dataclasses and the catalogue's pure rules.

The rules, as the platform announces them on the calculation page:

- **Which price line prices a basket line.** A basket line names a unit of the price-list vocabulary (vCPU-hour,
  GiB-month, ...). It is priced at the *lowest unit price among the supplier's price lines with that unit* (if two
  lines have the same lowest price, the one with the lowest SKU is named, which does not change the amount). A
  supplier whose price list in force has no line with a basket unit cannot deliver the basket and is excluded
  (`missing_unit`); a supplier without a price list in force is excluded (`no_price_list`).
- **Amounts.** line amount = quantity × unit price, exact (Decimal, no rounding); total = Σ line amounts, rounded to
  whole øre (0.01 NOK) with ROUND_HALF_UP once, at the end. NOK excl. VAT.
- **Quality requirements** (`DeskRequirement`) are read from the facts of the services that deliver the basket: the
  published services on the supplier's contract whose price unit is one of the basket's units. A requirement is met
  when *every* such service meets it; a supplier with no such service meets none. A mandatory requirement not met
  excludes the supplier (`requirements_not_met`); a non-mandatory one is only reported (the framework's desk rule is
  lowest total cost, so it carries no weight).
  - data only in Norway: every data location is NO; data in the EEA: every data location is in the EEA (NO/IS/LI
    and the EU 27); a service with no data location stated meets neither;
  - ISO/IEC 27001 / 27018: a certificate of that scheme valid on the evaluation date (valid_until ≥ date);
  - Norwegian support: the service states support in Norwegian.
- **Points.** The framework's desk rule is lowest total cost: price carries 100 % of the weight. Price points use
  the call-off's announced DFØ formula on the total (Pe) against the lowest total among the suppliers not excluded
  (Pb): linear `10 − k × 10 × (Pe − Pb)/Pb` (k = slope, 1 in the basic model; negative unless the model floors at
  0), proportional `10 × Pb/Pe`, or anchored `10 × (P0 − Pe)/(P0 − P10)`. When Pb is 0 the relative formulas are
  undefined: a total of 0 gets 10 points, any other total 0. Points are computed exactly and shown rounded to two
  decimals (ROUND_HALF_UP); the ranking uses the exact points.
- **Ranking and ties.** Highest total points first. Equal points are broken by the call-off's tie rule:
  `lowest_price` → lower total, then better framework rank; `framework_rank` → better framework rank, then lower
  total. Unranked contracts come after ranked ones; if still equal, supplier name and id keep the order stable, and
  the row is marked `tied_on_points`.

The DFØ formulas are private here (`_points_*`) because `calloffs/rules/scoring.py` did not exist yet; the lead may
replace them with the shared module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from marketplace.calloffs.rules import scoring
from marketplace.catalogue.rules import RESIDENCY_EEA, RESIDENCY_NORWAY, data_residency

ORE = Decimal("0.01")
POINTS_PLACES = Decimal("0.01")
MAX_POINTS = Decimal("10")
PRICE_WEIGHT_PERCENT = Decimal("100")

LINE_RULE = "lowest_unit_price_per_unit"
AWARD_RULE = "lowest_total_cost"

FORMULA_LINEAR = "linear"
FORMULA_PROPORTIONAL = "proportional"
FORMULA_ANCHORED = "anchored"
FORMULAS = (FORMULA_LINEAR, FORMULA_PROPORTIONAL, FORMULA_ANCHORED)

TIE_LOWEST_PRICE = "lowest_price"
TIE_FRAMEWORK_RANK = "framework_rank"
TIE_BREAKS = (TIE_LOWEST_PRICE, TIE_FRAMEWORK_RANK)

REQ_DATA_IN_NORWAY = "data_in_norway"
REQ_DATA_IN_EEA = "data_in_eea"
REQ_ISO_27001 = "iso_27001"
REQ_ISO_27018 = "iso_27018"
REQ_NORWEGIAN_SUPPORT = "norwegian_support"
REQUIREMENTS = (REQ_DATA_IN_NORWAY, REQ_DATA_IN_EEA, REQ_ISO_27001, REQ_ISO_27018, REQ_NORWEGIAN_SUPPORT)
_CERT_SCHEME = {REQ_ISO_27001: "iso27001", REQ_ISO_27018: "iso27018"}

REASON_NO_PRICE_LIST = "no_price_list"
REASON_MISSING_UNIT = "missing_unit"
REASON_REQUIREMENT_NOT_MET = "requirement_not_met"


# --- inputs -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BasketItem:
    unit: str
    quantity: Decimal
    description: str = ""


@dataclass(frozen=True)
class PriceItem:
    sku: str
    description: str
    unit: str
    unit_price_amount: Decimal


@dataclass(frozen=True)
class ServiceFacts:
    """The facts of one published service that a requirement reads."""

    service_id: int
    name: str
    countries: tuple[str, ...] = ()
    certifications: tuple[tuple[str, dt.date], ...] = ()  # (scheme, valid_until)
    has_norwegian_support: bool = False


@dataclass(frozen=True)
class Candidate:
    """One framework supplier on the lot, with its price list in force (None when it has none)."""

    supplier_id: int
    supplier_name: str
    contract_id: int
    framework_rank: int | None
    price_list_id: int | None = None
    price_list_version: int | None = None
    price_lines: tuple[PriceItem, ...] = ()
    services: tuple[ServiceFacts, ...] = ()


@dataclass(frozen=True)
class Requirement:
    code: str
    is_mandatory: bool = True


@dataclass(frozen=True)
class PriceModel:
    formula: str = FORMULA_LINEAR
    slope: Decimal = Decimal("1")
    floor_at_zero: bool = False
    anchor_best_amount: Decimal | None = None
    anchor_zero_amount: Decimal | None = None
    tie_break: str = TIE_LOWEST_PRICE
    price_weight_percent: Decimal = PRICE_WEIGHT_PERCENT


# --- pricing ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PricedLine:
    position: int
    unit: str
    quantity: Decimal
    description: str
    sku: str
    price_line_description: str
    unit_price_amount: Decimal
    amount: Decimal  # exact


@dataclass(frozen=True)
class BasketPrice:
    lines: tuple[PricedLine, ...]
    missing_units: tuple[str, ...]
    total_amount: Decimal | None  # rounded to øre; None when a unit is missing


def line_for_unit(price_lines: Iterable[PriceItem], unit: str) -> PriceItem | None:
    """The line that prices `unit`: the lowest unit price among lines with that unit (then the lowest SKU)."""
    matching = [line for line in price_lines if line.unit == unit]
    if not matching:
        return None
    return min(matching, key=lambda line: (line.unit_price_amount, line.sku))


def basket_price(basket: Sequence[BasketItem], price_lines: Sequence[PriceItem]) -> BasketPrice:
    """Price every basket line; the total is rounded to øre (ROUND_HALF_UP) only after summing exact amounts."""
    priced: list[PricedLine] = []
    missing: list[str] = []
    for position, item in enumerate(basket, start=1):
        line = line_for_unit(price_lines, item.unit)
        if line is None:
            if item.unit not in missing:
                missing.append(item.unit)
            continue
        priced.append(
            PricedLine(
                position=position,
                unit=item.unit,
                quantity=item.quantity,
                description=item.description,
                sku=line.sku,
                price_line_description=line.description,
                unit_price_amount=line.unit_price_amount,
                amount=item.quantity * line.unit_price_amount,
            )
        )
    if missing:
        return BasketPrice(tuple(priced), tuple(missing), None)
    total = sum((line.amount for line in priced), Decimal("0"))
    return BasketPrice(tuple(priced), (), total.quantize(ORE, rounding=ROUND_HALF_UP))


# --- requirements -------------------------------------------------------------------------------------------------


def service_meets(code: str, service: ServiceFacts, on_date: dt.date) -> bool:
    if code == REQ_DATA_IN_NORWAY:
        return bool(service.countries) and data_residency(service.countries) == RESIDENCY_NORWAY
    if code == REQ_DATA_IN_EEA:
        return bool(service.countries) and data_residency(service.countries) in {
            RESIDENCY_NORWAY,
            RESIDENCY_EEA,
        }
    if code in _CERT_SCHEME:
        scheme = _CERT_SCHEME[code]
        return any(s == scheme and valid_until >= on_date for s, valid_until in service.certifications)
    if code == REQ_NORWEGIAN_SUPPORT:
        return service.has_norwegian_support
    raise ValueError(f"unknown desk requirement: {code}")


def requirement_met(code: str, services: Sequence[ServiceFacts], on_date: dt.date) -> bool:
    """Met when every delivering service meets it; with no delivering service nothing can be read, so not met."""
    return bool(services) and all(service_meets(code, service, on_date) for service in services)


# --- points (DFØ; private until calloffs/rules/scoring.py exists) ------------------------------------------------


def price_points(pe: Decimal, pb: Decimal, model: PriceModel) -> Decimal:
    """Exact price points of total `pe` against best total `pb` under the model (DFØ formulas in
    `rules.scoring`). A basket that costs nothing cannot be scored by a ratio: a zero total gets 10 points and
    any other total 0 when the best total is zero (the anchored model does not use the best total)."""
    if pe == 0:
        return MAX_POINTS
    if pb == 0 and model.formula != FORMULA_ANCHORED:
        return Decimal("0")
    return scoring.price_points(
        model.formula,
        pe,
        pb,
        slope=model.slope,
        floor_at_zero=model.floor_at_zero,
        anchor_best=model.anchor_best_amount,
        anchor_zero=model.anchor_zero_amount,
    )


def points_text(points: Decimal) -> str:
    return str(points.quantize(POINTS_PLACES, rounding=ROUND_HALF_UP))


# --- evaluation ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exclusion:
    code: str
    detail: str = ""


@dataclass
class _Row:
    candidate: Candidate
    price: BasketPrice
    requirements: list[dict[str, Any]] = field(default_factory=list)
    exclusions: list[Exclusion] = field(default_factory=list)
    points: Decimal = Decimal("0")
    total_points: Decimal = Decimal("0")


def _rank_key(row: _Row, tie_break: str) -> tuple[Any, ...]:
    rank = row.candidate.framework_rank
    rank_key = (0, rank) if rank is not None else (1, 0)
    price = row.price.total_amount or Decimal("0")
    name = (row.candidate.supplier_name, row.candidate.supplier_id)
    if tie_break == TIE_FRAMEWORK_RANK:
        return (-row.total_points, rank_key, price, name)
    return (-row.total_points, price, rank_key, name)


def _decimal_text(value: Decimal) -> str:
    return str(value)


def desk_evaluate_rule(
    *,
    basket: Sequence[BasketItem],
    candidates: Sequence[Candidate],
    requirements: Sequence[Requirement],
    model: PriceModel,
    on_date: dt.date,
) -> dict[str, Any]:
    """The whole desk evaluation as JSON-ready data: {"ranking": [...], "excluded": [...], ...}."""
    if not basket:
        raise ValueError("the basket is empty")
    if model.tie_break not in TIE_BREAKS:
        raise ValueError(f"unknown tie rule: {model.tie_break}")
    rows: list[_Row] = []
    for candidate in candidates:
        price = basket_price(basket, candidate.price_lines)
        row = _Row(candidate=candidate, price=price)
        if candidate.price_list_id is None:
            row.exclusions.append(Exclusion(REASON_NO_PRICE_LIST))
        else:
            row.exclusions.extend(Exclusion(REASON_MISSING_UNIT, unit) for unit in price.missing_units)
        for requirement in requirements:
            met = requirement_met(requirement.code, candidate.services, on_date)
            row.requirements.append(
                {"code": requirement.code, "is_mandatory": requirement.is_mandatory, "is_met": met}
            )
            if requirement.is_mandatory and not met:
                row.exclusions.append(Exclusion(REASON_REQUIREMENT_NOT_MET, requirement.code))
        rows.append(row)

    eligible = [row for row in rows if not row.exclusions]
    best = min((row.price.total_amount or Decimal("0") for row in eligible), default=None)
    for row in eligible:
        row.points = price_points(row.price.total_amount or Decimal("0"), best or Decimal("0"), model)
        row.total_points = row.points * model.price_weight_percent / Decimal("100")
    eligible.sort(key=lambda row: _rank_key(row, model.tie_break))

    ranking = []
    for index, row in enumerate(eligible):
        tied = any(
            other is not row and other.total_points == row.total_points
            for other in eligible[max(0, index - 1) : index + 2]
        )
        ranking.append(
            {
                "rank": index + 1,
                "supplier_id": row.candidate.supplier_id,
                "supplier_name": row.candidate.supplier_name,
                "contract_id": row.candidate.contract_id,
                "framework_rank": row.candidate.framework_rank,
                "price_list_id": row.candidate.price_list_id,
                "price_list_version": row.candidate.price_list_version,
                "price_amount": _decimal_text(row.price.total_amount or Decimal("0")),
                "price_points": points_text(row.points),
                "total_points": points_text(row.total_points),
                "tied_on_points": tied,
                "lines": [_line_json(line) for line in row.price.lines],
                "requirements": row.requirements,
            }
        )
    excluded = [
        {
            "supplier_id": row.candidate.supplier_id,
            "supplier_name": row.candidate.supplier_name,
            "contract_id": row.candidate.contract_id,
            "reason": row.exclusions[0].code,
            "reasons": [{"code": e.code, "detail": e.detail} for e in row.exclusions],
            "requirements": row.requirements,
        }
        for row in sorted(
            (row for row in rows if row.exclusions),
            key=lambda row: (row.candidate.supplier_name, row.candidate.supplier_id),
        )
    ]
    return {
        "ranking": ranking,
        "excluded": excluded,
        "best_price_amount": _decimal_text(best) if best is not None else None,
    }


def _line_json(line: PricedLine) -> dict[str, Any]:
    return {
        "position": line.position,
        "unit": line.unit,
        "quantity": _decimal_text(line.quantity),
        "description": line.description,
        "sku": line.sku,
        "price_line_description": line.price_line_description,
        "unit_price_amount": _decimal_text(line.unit_price_amount),
        "amount": _decimal_text(line.amount),
    }


# --- frozen inputs (JSON) ↔ rule inputs ---------------------------------------------------------------------------

INPUTS_KIND = "desk"
INPUTS_SCHEMA = 1


def desk_inputs_json(
    *,
    calloff_id: int,
    calloff_reference: str,
    basket: Sequence[BasketItem],
    candidates: Sequence[Candidate],
    requirements: Sequence[Requirement],
    model: PriceModel,
    on_date: dt.date,
) -> dict[str, Any]:
    """Everything the evaluation reads, as plain JSON (Decimals as text, dates ISO), ready to freeze and hash."""
    return {
        "kind": INPUTS_KIND,
        "schema": INPUTS_SCHEMA,
        "calloff": {"id": calloff_id, "reference": calloff_reference},
        "evaluation_date": on_date.isoformat(),
        "basket": [
            {"position": i, "unit": b.unit, "quantity": str(b.quantity), "description": b.description}
            for i, b in enumerate(basket, start=1)
        ],
        "requirements": [{"code": r.code, "is_mandatory": r.is_mandatory} for r in requirements],
        "model": {
            "award_rule": AWARD_RULE,
            "line_rule": LINE_RULE,
            "formula": model.formula,
            "slope": str(model.slope),
            "floor_at_zero": model.floor_at_zero,
            "anchor_best_amount": _optional_text(model.anchor_best_amount),
            "anchor_zero_amount": _optional_text(model.anchor_zero_amount),
            "weights": {"price": str(model.price_weight_percent)},
            "tie_break": model.tie_break,
        },
        "suppliers": [
            {
                "supplier_id": c.supplier_id,
                "supplier_name": c.supplier_name,
                "contract_id": c.contract_id,
                "framework_rank": c.framework_rank,
                "price_list": (
                    None
                    if c.price_list_id is None
                    else {"id": c.price_list_id, "version": c.price_list_version}
                ),
                "price_lines": [
                    {
                        "sku": p.sku,
                        "description": p.description,
                        "unit": p.unit,
                        "unit_price_amount": str(p.unit_price_amount),
                    }
                    for p in c.price_lines
                ],
                "services": [
                    {
                        "service_id": s.service_id,
                        "name": s.name,
                        "countries": list(s.countries),
                        "certifications": [
                            {"scheme": scheme, "valid_until": until.isoformat()}
                            for scheme, until in s.certifications
                        ],
                        "has_norwegian_support": s.has_norwegian_support,
                    }
                    for s in c.services
                ],
            }
            for c in candidates
        ],
    }


def _optional_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _optional_decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def desk_evaluate_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Re-run the evaluation from frozen inputs only (what `desk_inputs_json` produced)."""
    if inputs.get("kind") != INPUTS_KIND:
        raise ValueError("not the inputs of a desk evaluation")
    m = inputs["model"]
    model = PriceModel(
        formula=m["formula"],
        slope=Decimal(m["slope"]),
        floor_at_zero=bool(m["floor_at_zero"]),
        anchor_best_amount=_optional_decimal(m.get("anchor_best_amount")),
        anchor_zero_amount=_optional_decimal(m.get("anchor_zero_amount")),
        tie_break=m["tie_break"],
        price_weight_percent=Decimal(m["weights"]["price"]),
    )
    basket = [
        BasketItem(unit=b["unit"], quantity=Decimal(b["quantity"]), description=b.get("description", ""))
        for b in sorted(inputs["basket"], key=lambda b: b["position"])
    ]
    candidates = [
        Candidate(
            supplier_id=s["supplier_id"],
            supplier_name=s["supplier_name"],
            contract_id=s["contract_id"],
            framework_rank=s["framework_rank"],
            price_list_id=(s["price_list"] or {}).get("id"),
            price_list_version=(s["price_list"] or {}).get("version"),
            price_lines=tuple(
                PriceItem(
                    sku=p["sku"],
                    description=p["description"],
                    unit=p["unit"],
                    unit_price_amount=Decimal(p["unit_price_amount"]),
                )
                for p in s["price_lines"]
            ),
            services=tuple(
                ServiceFacts(
                    service_id=f["service_id"],
                    name=f["name"],
                    countries=tuple(f["countries"]),
                    certifications=tuple(
                        (c["scheme"], dt.date.fromisoformat(c["valid_until"])) for c in f["certifications"]
                    ),
                    has_norwegian_support=bool(f["has_norwegian_support"]),
                )
                for f in s["services"]
            ),
        )
        for s in inputs["suppliers"]
    ]
    requirements = [Requirement(r["code"], bool(r["is_mandatory"])) for r in inputs["requirements"]]
    return desk_evaluate_rule(
        basket=basket,
        candidates=candidates,
        requirements=requirements,
        model=model,
        on_date=dt.date.fromisoformat(inputs["evaluation_date"]),
    )
