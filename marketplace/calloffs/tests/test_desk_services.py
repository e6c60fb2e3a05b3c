"""Desk services: basket, requirements, evaluation (frozen, hashed, reproducible), permissions and state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import SupplierFactory
from marketplace.calloffs.models import BasketLine, CallOff, DeskCriterion, Evaluation
from marketplace.calloffs.rules.reproducible import inputs_hash
from marketplace.calloffs.selectors.desk import desk_evaluations_of
from marketplace.calloffs.services.desk import (
    basket_set,
    desk_evaluate,
    desk_requirements_set,
    evaluation_rerun,
)
from marketplace.calloffs.tests.desk_data import BASKET, NOW, desk_world
from marketplace.catalogue.models import Mechanism
from marketplace.catalogue.tests.factories import ContractFactory, PriceLineFactory, PriceListFactory
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent


@pytest.fixture
def world(buyer_org):
    return desk_world(buyer_org)


def _snapshot(calloff):
    calloff.refresh_from_db()
    return (
        list(BasketLine.objects.filter(calloff=calloff).values_list("unit", "quantity", "description")),
        list(DeskCriterion.objects.filter(calloff=calloff).values_list("requirement", "is_mandatory")),
        Evaluation.objects.filter(calloff=calloff).count(),
        calloff.evaluated_at,
        AuditEvent.objects.count(),
    )


# --- basket -------------------------------------------------------------------------------------------------------


def test_basket_set_replaces_lines_in_order_and_audits(world):
    basket_set(
        actor=world.buyer, calloff=world.calloff, lines=[{"unit": "user_month", "quantity": "1"}], now=NOW
    )
    rows = basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    assert [(r.position, r.unit, r.quantity) for r in rows] == [
        (1, "vcpu_hour", Decimal("350400")),
        (2, "gib_month", Decimal("20480")),
        (3, "gb_egress", Decimal("60000")),
    ]
    assert list(
        BasketLine.objects.filter(calloff=world.calloff).values_list("unit", "quantity", "description")
    ) == [
        ("vcpu_hour", Decimal("350400.0000"), "40 vCPU × 730 t × 12 mnd"),
        ("gib_month", Decimal("20480.0000"), "20 TB-måned lagring"),
        ("gb_egress", Decimal("60000.0000"), "5 TB utgående trafikk × 12"),
    ]
    event = AuditEvent.objects.order_by("-id").first()
    assert event.verb == "desk.basket_set"
    assert event.data["lines"][0] == {
        "unit": "vcpu_hour",
        "quantity": "350400",
        "description": "40 vCPU × 730 t × 12 mnd",
    }


@pytest.mark.parametrize(
    ("lines", "field", "message"),
    [
        ([], "lines", "Legg inn minst én linje i handlekurven."),
        ([{"unit": "liter", "quantity": "1"}], "lines.0.unit", "Velg en enhet fra prislistenes enheter."),
        ([{"unit": "vcpu_hour", "quantity": "0"}], "lines.0.quantity", "Mengden må være større enn null."),
        ([{"unit": "vcpu_hour", "quantity": "-5"}], "lines.0.quantity", "Mengden må være større enn null."),
        (
            [{"unit": "vcpu_hour", "quantity": "mange"}],
            "lines.0.quantity",
            "Skriv mengden som et tall, for eksempel 350400 eller 20,5.",
        ),
        (
            [{"unit": "vcpu_hour", "quantity": "1.00001"}],
            "lines.0.quantity",
            "Mengden kan ha høyst fire desimaler.",
        ),
        ([{"unit": "vcpu_hour", "quantity": "1e20"}], "lines.0.quantity", "Mengden er for stor."),
        (
            [{"unit": "vcpu_hour", "quantity": "NaN"}],
            "lines.0.quantity",
            "Skriv mengden som et tall, for eksempel 350400 eller 20,5.",
        ),
        (
            [
                {"unit": "vcpu_hour", "quantity": "1"},
                {"unit": "gib_month", "quantity": "1", "description": "x" * 301},
            ],
            "lines.1.description",
            "Beskrivelsen kan ha høyst 300 tegn.",
        ),
    ],
)
def test_bad_basket_stores_nothing(world, lines, field, message):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    before = _snapshot(world.calloff)
    with pytest.raises(ValidationFailed) as caught:
        basket_set(actor=world.buyer, calloff=world.calloff, lines=lines, now=NOW)
    assert {"field": field, "message": message} in caught.value.errors
    assert _snapshot(world.calloff) == before


def test_basket_accepts_a_decimal_comma(world):
    rows = basket_set(
        actor=world.buyer, calloff=world.calloff, lines=[{"unit": "gib_month", "quantity": "20,5"}], now=NOW
    )
    assert rows[0].quantity == Decimal("20.5")


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.APPROVER, Role.ORG_ADMIN])
def test_basket_denied_to_other_roles_of_the_buyer(world, buyer_org, role):
    other = acting(buyer_org, role)
    before = _snapshot(world.calloff)
    with pytest.raises(PermissionDenied):
        basket_set(actor=other, calloff=world.calloff, lines=BASKET, now=NOW)
    assert _snapshot(world.calloff) == before


def test_basket_denied_to_a_buyer_of_another_organisation(world, other_buyer_org):
    stranger = acting(other_buyer_org, Role.BUYER)
    with pytest.raises(PermissionDenied):
        basket_set(actor=stranger, calloff=world.calloff, lines=BASKET, now=NOW)
    supplier_user = acting(world.nordsky.supplier, Role.BIDDER)
    with pytest.raises(PermissionDenied):
        basket_set(actor=supplier_user, calloff=world.calloff, lines=BASKET, now=NOW)
    assert BasketLine.objects.count() == 0


def test_basket_only_for_desk_and_draft(world):
    CallOff.objects.filter(pk=world.calloff.pk).update(mechanism=Mechanism.MINI_COMPETITION)
    with pytest.raises(Conflict):
        basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    CallOff.objects.filter(pk=world.calloff.pk).update(
        mechanism=Mechanism.DESK, cancelled_at=NOW, cancel_reason="x"
    )
    with pytest.raises(Conflict):
        basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    assert BasketLine.objects.count() == 0


# --- requirements -------------------------------------------------------------------------------------------------


def test_requirements_set_replaces_and_audits(world):
    desk_requirements_set(actor=world.buyer, calloff=world.calloff, requirements=["iso_27018"], now=NOW)
    desk_requirements_set(
        actor=world.buyer,
        calloff=world.calloff,
        requirements=["data_in_eea", "iso_27001", "iso_27001"],
        optional=["norwegian_support"],
        now=NOW,
    )
    assert sorted(DeskCriterion.objects.values_list("requirement", "is_mandatory")) == [
        ("data_in_eea", True),
        ("iso_27001", True),
        ("norwegian_support", False),
    ]
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.verb, event.data) == (
        "desk.requirements_set",
        {"mandatory": ["data_in_eea", "iso_27001"], "optional": ["norwegian_support"]},
    )


@pytest.mark.parametrize(("mandatory", "optional"), [(["data_in_mars"], []), (["iso_27001"], ["iso_27001"])])
def test_bad_requirements_store_nothing(world, mandatory, optional):
    desk_requirements_set(actor=world.buyer, calloff=world.calloff, requirements=["iso_27018"], now=NOW)
    before = _snapshot(world.calloff)
    with pytest.raises(ValidationFailed):
        desk_requirements_set(
            actor=world.buyer, calloff=world.calloff, requirements=mandatory, optional=optional, now=NOW
        )
    assert _snapshot(world.calloff) == before


def test_requirements_denied_to_evaluator(world, buyer_org):
    with pytest.raises(PermissionDenied):
        desk_requirements_set(
            actor=acting(buyer_org, Role.EVALUATOR),
            calloff=world.calloff,
            requirements=["iso_27001"],
            now=NOW,
        )
    assert DeskCriterion.objects.count() == 0


# --- evaluation ---------------------------------------------------------------------------------------------------


def _ranking(evaluation):
    return [
        (r["rank"], r["supplier_name"], r["price_amount"], r["price_points"], r["total_points"])
        for r in evaluation.result["ranking"]
    ]


def test_evaluate_prices_ranks_freezes_and_audits(world):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    evaluation = desk_evaluate(actor=world.buyer, calloff=world.calloff, now=NOW)
    evaluation.refresh_from_db()
    assert _ranking(evaluation) == [
        (1, "Fjellskyen AS", "189312.00", "10.00", "10.00"),
        (2, "Nordsky AS", "192800.00", "9.82", "9.82"),
    ]
    assert [(e["supplier_name"], e["reason"], e["reasons"]) for e in evaluation.result["excluded"]] == [
        ("Atlanterhavet Sky AS", "missing_unit", [{"code": "missing_unit", "detail": "gb_egress"}])
    ]
    nordsky = evaluation.result["ranking"][1]
    assert nordsky["contract_id"] == world.nordsky.pk
    assert nordsky["price_list_id"] == world.nordsky_list.pk
    assert nordsky["price_list_version"] == 2
    # storage priced at the lowest gib_month line (0.25), not the SSD line (0.90)
    assert [(line["sku"], line["unit_price_amount"], line["amount"]) for line in nordsky["lines"]] == [
        ("K-NS-2-1", "0.4500", "157680.00000000"),
        ("K-NS-2-2", "0.2500", "5120.00000000"),
        ("K-NS-2-3", "0.5000", "30000.00000000"),
    ]
    # frozen inputs: the date, the basket, the price-list versions and the lines with basket units
    inputs = evaluation.inputs
    assert inputs["evaluation_date"] == "2026-11-27"
    assert inputs["model"] == {
        "award_rule": "lowest_total_cost",
        "line_rule": "lowest_unit_price_per_unit",
        "formula": "linear",
        "slope": "1.000",
        "floor_at_zero": False,
        "anchor_best_amount": None,
        "anchor_zero_amount": None,
        "weights": {"price": "100"},
        "tie_break": "lowest_price",
    }
    assert [b["quantity"] for b in inputs["basket"]] == ["350400.0000", "20480.0000", "60000.0000"]
    assert [(s["supplier_name"], s["price_list"]["version"]) for s in inputs["suppliers"]] == [
        ("Nordsky AS", 2),
        ("Fjellskyen AS", 1),
        ("Atlanterhavet Sky AS", 1),
    ]
    assert [p["sku"] for p in inputs["suppliers"][0]["price_lines"]] == [
        "K-NS-2-1",
        "K-NS-2-2",
        "K-NS-2-3",
        "K-NS-2-SSD",
    ]
    assert evaluation.inputs_hash == inputs_hash(inputs)
    assert set(evaluation.price_lists.values_list("contract__reference", "version")) == {
        ("K-NS", 2),
        ("K-FS", 1),
        ("K-AS", 1),
    }
    world.calloff.refresh_from_db()
    assert world.calloff.evaluated_at == NOW
    event = AuditEvent.objects.order_by("-id").first()
    assert event.verb == "desk.evaluated"
    assert event.data["inputs_hash"] == evaluation.inputs_hash
    assert event.data["evaluation_id"] == evaluation.pk
    assert event.data["winner_price_amount"] == "189312.00"


def test_rerun_from_frozen_inputs_equals_the_result(world):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    desk_requirements_set(actor=world.buyer, calloff=world.calloff, requirements=["data_in_eea"], now=NOW)
    evaluation = desk_evaluate(actor=world.buyer, calloff=world.calloff, now=NOW)
    stored = Evaluation.objects.get(pk=evaluation.pk)
    assert evaluation_rerun(stored) == stored.result
    tampered = Evaluation.objects.get(pk=evaluation.pk)
    tampered.inputs["suppliers"][0]["price_lines"][0]["unit_price_amount"] = "0.0001"
    with pytest.raises(ValueError, match="do not match their hash"):
        evaluation_rerun(tampered)


def test_new_price_list_version_does_not_change_a_frozen_evaluation(world):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    first = desk_evaluate(actor=world.buyer, calloff=world.calloff, now=NOW)
    frozen_result, frozen_hash = first.result, first.inputs_hash
    # Fjellskyen publishes a much cheaper version in force from the evaluation day
    cheaper = PriceListFactory(contract=world.fjellskyen, version=2, valid_from=dt.date(2026, 11, 1))
    for unit in ("vcpu_hour", "gib_month", "gb_egress"):
        PriceLineFactory(
            price_list=cheaper, sku=f"FS2-{unit}", unit=unit, unit_price_amount=Decimal("0.0100")
        )
    stored = Evaluation.objects.get(pk=first.pk)
    assert stored.result == frozen_result
    assert evaluation_rerun(stored) == frozen_result
    assert stored.inputs_hash == frozen_hash
    # re-evaluating before the award makes a new evaluation that reads the new version; history is kept
    later = NOW + dt.timedelta(hours=1)
    second = desk_evaluate(actor=world.buyer, calloff=world.calloff, now=later)
    assert second.pk != first.pk
    assert second.inputs_hash != frozen_hash
    assert _ranking(second)[0][1:3] == ("Fjellskyen AS", "4308.80")
    assert list(desk_evaluations_of(world.calloff)) == [second, first]
    world.calloff.refresh_from_db()
    assert world.calloff.evaluated_at == later


def test_requirements_exclude_with_reasons(world):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET[:2], now=NOW)
    desk_requirements_set(
        actor=world.buyer,
        calloff=world.calloff,
        requirements=["data_in_norway", "iso_27001"],
        optional=["norwegian_support"],
        now=NOW,
    )
    evaluation = desk_evaluate(actor=world.buyer, calloff=world.calloff, now=NOW)
    assert [r["supplier_name"] for r in evaluation.result["ranking"]] == ["Nordsky AS"]
    assert [
        (e["supplier_name"], [r["detail"] for r in e["reasons"]]) for e in evaluation.result["excluded"]
    ] == [
        ("Atlanterhavet Sky AS", ["data_in_norway"]),
        # Fjellskyen keeps data in Sweden too and its ISO 27001 expired the day before
        ("Fjellskyen AS", ["data_in_norway", "iso_27001"]),
    ]


def test_supplier_without_price_list_in_force_is_excluded(world):
    late = SupplierFactory(name="Nykommer AS")
    contract = ContractFactory(lot=world.lot, supplier=late, reference="K-NY", rank=5)
    PriceListFactory(contract=contract, version=1, valid_from=dt.date(2027, 1, 1))
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    evaluation = desk_evaluate(actor=world.buyer, calloff=world.calloff, now=NOW)
    assert ("Nykommer AS", "no_price_list") in [
        (e["supplier_name"], e["reason"]) for e in evaluation.result["excluded"]
    ]
    assert evaluation_rerun(evaluation) == evaluation.result


def test_evaluate_needs_a_basket_and_stores_nothing_otherwise(world):
    before = _snapshot(world.calloff)
    with pytest.raises(ValidationFailed, match="Legg inn handlekurven"):
        desk_evaluate(actor=world.buyer, calloff=world.calloff, now=NOW)
    assert _snapshot(world.calloff) == before


def test_anchored_model_needs_anchors(world):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    CallOff.objects.filter(pk=world.calloff.pk).update(price_formula="anchored")
    before = _snapshot(world.calloff)
    with pytest.raises(ValidationFailed):
        desk_evaluate(actor=world.buyer, calloff=world.calloff, now=NOW)
    assert _snapshot(world.calloff) == before


def test_proportional_model_and_framework_rank_tie_rule_are_frozen(world):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    CallOff.objects.filter(pk=world.calloff.pk).update(
        price_formula="proportional", tie_break="framework_rank"
    )
    evaluation = desk_evaluate(actor=world.buyer, calloff=world.calloff, now=NOW)
    assert _ranking(evaluation)[1] == (2, "Nordsky AS", "192800.00", "9.82", "9.82")
    assert evaluation.inputs["model"]["formula"] == "proportional"
    assert evaluation.inputs["model"]["tie_break"] == "framework_rank"


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.APPROVER])
def test_evaluate_denied_to_other_roles(world, buyer_org, role):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    before = _snapshot(world.calloff)
    with pytest.raises(PermissionDenied):
        desk_evaluate(actor=acting(buyer_org, role), calloff=world.calloff, now=NOW)
    assert _snapshot(world.calloff) == before


def test_evaluate_refused_after_award(world):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    desk_evaluate(actor=world.buyer, calloff=world.calloff, now=NOW)
    CallOff.objects.filter(pk=world.calloff.pk).update(award_decided_at=NOW)
    before = _snapshot(world.calloff)
    with pytest.raises(Conflict):
        desk_evaluate(actor=world.buyer, calloff=world.calloff, now=NOW + dt.timedelta(hours=1))
    assert _snapshot(world.calloff) == before


def test_basket_locked_once_evaluated(world):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    desk_evaluate(actor=world.buyer, calloff=world.calloff, now=NOW)
    before = _snapshot(world.calloff)
    with pytest.raises(Conflict):
        basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET[:1], now=NOW)
    with pytest.raises(Conflict):
        desk_requirements_set(actor=world.buyer, calloff=world.calloff, requirements=["iso_27001"], now=NOW)
    assert _snapshot(world.calloff) == before


def test_candidates_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    from marketplace.calloffs.selectors.desk import desk_candidates
    from marketplace.calloffs.tests.desk_data import DAY

    units = ["vcpu_hour", "gib_month", "gb_egress"]
    with django_assert_max_num_queries(6):
        candidates = desk_candidates(world.calloff, units=units, on_date=DAY)
    assert [
        (c.supplier_name, c.price_list_version, len(c.price_lines), len(c.services)) for c in candidates
    ] == [
        ("Nordsky AS", 2, 4, 2),
        ("Fjellskyen AS", 1, 3, 2),
        ("Atlanterhavet Sky AS", 1, 2, 2),
    ]
    for index in range(5):
        extra = ContractFactory(lot=world.lot, supplier=SupplierFactory(), rank=10 + index)
        PriceLineFactory(price_list=PriceListFactory(contract=extra), unit="vcpu_hour")
    with django_assert_max_num_queries(6):
        assert len(desk_candidates(world.calloff, units=units, on_date=DAY)) == 8
