"""Desk evaluation rule: basket pricing, requirements, DFØ price points, ranking and ties — exact values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.calloffs.rules import basket as rule
from marketplace.calloffs.rules.basket import (
    BasketItem,
    Candidate,
    PriceItem,
    PriceModel,
    Requirement,
    ServiceFacts,
)
from marketplace.calloffs.rules.reproducible import inputs_hash, json_round_trip

D = Decimal
DAY = dt.date(2026, 11, 28)

# The issue's example need: 40 vCPU × 730 h × 12, 20 TB-month storage, 5 TB egress/month × 12, 300 user-months.
BASKET = [
    BasketItem("vcpu_hour", D("350400"), "40 vCPU × 730 t × 12 mnd"),
    BasketItem("gib_month", D("20480"), "20 TB-måned lagring"),
    BasketItem("gb_egress", D("60000"), "5 TB utgående trafikk × 12"),
    BasketItem("user_month", D("300"), "25 brukere × 12 mnd"),
]


def lines(prefix: str, vcpu: str, gib: str, egress: str, user: str) -> tuple[PriceItem, ...]:
    return (
        PriceItem(f"{prefix}-CPU", "vCPU", "vcpu_hour", D(vcpu)),
        PriceItem(f"{prefix}-STO", "Lagring", "gib_month", D(gib)),
        PriceItem(f"{prefix}-NET", "Trafikk", "gb_egress", D(egress)),
        PriceItem(f"{prefix}-USR", "Bruker", "user_month", D(user)),
    )


def norway_service(service_id: int = 1, **overrides) -> ServiceFacts:
    values = {
        "service_id": service_id,
        "name": "Beregning",
        "countries": ("NO",),
        "certifications": (("iso27001", dt.date(2027, 6, 30)), ("iso27018", dt.date(2026, 11, 27))),
        "has_norwegian_support": True,
    }
    values.update(overrides)
    return ServiceFacts(**values)


def candidate(supplier_id: int, name: str, price_lines, *, rank=None, services=None, price_list_id=100):
    return Candidate(
        supplier_id=supplier_id,
        supplier_name=name,
        contract_id=supplier_id * 10,
        framework_rank=rank,
        price_list_id=price_list_id,
        price_list_version=1 if price_list_id else None,
        price_lines=tuple(price_lines),
        services=tuple(services if services is not None else [norway_service(supplier_id)]),
    )


A = candidate(1, "Alfa Sky AS", lines("A", "0.4500", "0.2500", "0.5000", "60.0000"), rank=1)
B = candidate(2, "Beta Sky AS", lines("B", "0.4200", "0.3000", "0.6000", "55.0000"), rank=2)


# --- pricing ------------------------------------------------------------------------------------------------------


def test_basket_price_of_the_issue_example():
    price = rule.basket_price(BASKET, A.price_lines)
    assert [line.amount for line in price.lines] == [
        D("157680.00000000"),
        D("5120.00000000"),
        D("30000.00000000"),
        D("18000.00000000"),
    ]
    assert price.total_amount == D("210800.00")
    assert price.missing_units == ()


@pytest.mark.parametrize(
    ("price_lines", "unit", "expected_sku"),
    [
        # several lines share the unit: the lowest unit price prices the basket line
        (
            [
                PriceItem("SSD", "Blokklagring SSD", "gib_month", D("0.9000")),
                PriceItem("OBJ", "Objektlagring", "gib_month", D("0.2500")),
            ],
            "gib_month",
            "OBJ",
        ),
        # equal lowest prices: the lowest SKU is named
        (
            [
                PriceItem("Z-1", "Lagring Z", "gib_month", D("0.2500")),
                PriceItem("A-1", "Lagring A", "gib_month", D("0.2500")),
            ],
            "gib_month",
            "A-1",
        ),
        ([PriceItem("CPU", "vCPU", "vcpu_hour", D("0.4500"))], "gib_month", None),
    ],
)
def test_line_for_unit(price_lines, unit, expected_sku):
    line = rule.line_for_unit(price_lines, unit)
    assert (line.sku if line else None) == expected_sku


def test_total_is_rounded_half_up_only_at_the_end():
    basket = [BasketItem("gib_month", D("1")), BasketItem("gib_month", D("1"))]
    price = rule.basket_price(basket, [PriceItem("S", "Lagring", "gib_month", D("0.0025"))])
    # 0.0025 + 0.0025 = 0.0050 → 0.01; rounding each line first would give 0.00 + 0.00 (half-even) or 0.02
    assert price.total_amount == D("0.01")
    basket = [BasketItem("gib_month", D("3"))]
    price = rule.basket_price(basket, [PriceItem("S", "Lagring", "gib_month", D("0.3333"))])
    assert price.total_amount == D("1.00")  # 0.9999 → 1.00


def test_missing_unit_leaves_no_total():
    basket = [
        BasketItem("vcpu_hour", D("10")),
        BasketItem("user_month", D("5")),
        BasketItem("user_month", D("1")),
    ]
    price = rule.basket_price(basket, [PriceItem("C", "vCPU", "vcpu_hour", D("1"))])
    assert price.missing_units == ("user_month",)
    assert price.total_amount is None


# --- points -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pe", "pb", "model", "expected"),
    [
        # linear basic model: 1 % above lowest deducts 1 % of max
        ("100", "100", PriceModel(), "10.00"),
        ("110", "100", PriceModel(), "9.00"),
        ("250", "100", PriceModel(), "-5.00"),  # negative allowed (KOFA 2015/60)
        ("250", "100", PriceModel(floor_at_zero=True), "0.00"),
        ("120", "100", PriceModel(slope=D("0.5")), "9.00"),
        ("210800.00", "205812.00", PriceModel(), "9.76"),
        # proportional 10 × Pb / Pe
        ("130", "100", PriceModel(formula="proportional"), "7.69"),
        ("210800.00", "205812.00", PriceModel(formula="proportional"), "9.76"),
        ("200", "100", PriceModel(formula="proportional"), "5.00"),
        # anchored: P10 = 80, P0 = 160 → 100 gives 7.5, 180 gives −2.5 (procurement-rules.md §2.3)
        (
            "100",
            "0",
            PriceModel(formula="anchored", anchor_best_amount=D("80"), anchor_zero_amount=D("160")),
            "7.50",
        ),
        (
            "180",
            "0",
            PriceModel(formula="anchored", anchor_best_amount=D("80"), anchor_zero_amount=D("160")),
            "-2.50",
        ),
        # best total 0: the relative formulas are undefined; 0 gets 10, anything else 0
        ("0", "0", PriceModel(), "10.00"),
        ("5", "0", PriceModel(), "0.00"),
    ],
)
def test_price_points(pe, pb, model, expected):
    assert rule.points_text(rule.price_points(D(pe), D(pb), model)) == expected


def test_price_points_exact_values():
    assert rule.price_points(D("210800.00"), D("205812.00"), PriceModel()) == D(
        "9.757642897401512059549491769"
    )
    with pytest.raises(ValueError, match="both anchor prices"):
        rule.price_points(D("1"), D("1"), PriceModel(formula="anchored"))
    with pytest.raises(ValueError, match="unknown price formula"):
        rule.price_points(D("1"), D("1"), PriceModel(formula="range"))


# --- requirements -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "service", "expected"),
    [
        ("data_in_norway", norway_service(), True),
        ("data_in_norway", norway_service(countries=("NO", "SE")), False),
        ("data_in_norway", norway_service(countries=()), False),
        ("data_in_eea", norway_service(countries=("NO", "SE", "IE")), True),
        ("data_in_eea", norway_service(countries=("NO", "US")), False),
        ("data_in_eea", norway_service(countries=()), False),
        ("iso_27001", norway_service(), True),
        (
            "iso_27001",
            norway_service(certifications=(("iso27001", DAY),)),
            True,
        ),  # valid through its last day
        ("iso_27001", norway_service(certifications=(("iso27001", dt.date(2026, 11, 27)),)), False),
        ("iso_27018", norway_service(), False),  # expired the day before the evaluation
        ("iso_27018", norway_service(certifications=(("iso27001", dt.date(2030, 1, 1)),)), False),
        ("norwegian_support", norway_service(), True),
        ("norwegian_support", norway_service(has_norwegian_support=False), False),
    ],
)
def test_service_meets(code, service, expected):
    assert rule.service_meets(code, service, DAY) is expected


def test_requirement_needs_every_delivering_service():
    services = [norway_service(1), norway_service(2, countries=("NO", "DE"))]
    assert rule.requirement_met("data_in_eea", services, DAY) is True
    assert rule.requirement_met("data_in_norway", services, DAY) is False
    assert rule.requirement_met("norwegian_support", [], DAY) is False


# --- evaluation ---------------------------------------------------------------------------------------------------


def evaluate(candidates, *, requirements=(), model=None, basket=BASKET):
    model = model or PriceModel()
    return rule.desk_evaluate_rule(
        basket=basket, candidates=candidates, requirements=requirements, model=model, on_date=DAY
    )


def test_lowest_total_cost_wins_with_linear_points():
    result = evaluate([A, B])
    assert [
        (r["rank"], r["supplier_name"], r["price_amount"], r["price_points"], r["total_points"])
        for r in result["ranking"]
    ] == [
        (1, "Beta Sky AS", "205812.00", "10.00", "10.00"),
        (2, "Alfa Sky AS", "210800.00", "9.76", "9.76"),
    ]
    assert result["excluded"] == []
    assert result["best_price_amount"] == "205812.00"
    assert result["ranking"][0]["lines"][0] == {
        "position": 1,
        "unit": "vcpu_hour",
        "quantity": "350400",
        "description": "40 vCPU × 730 t × 12 mnd",
        "sku": "B-CPU",
        "price_line_description": "vCPU",
        "unit_price_amount": "0.4200",
        "amount": "147168.0000",
    }


def test_exclusions_are_recorded_with_reasons():
    no_list = candidate(3, "Ceta AS", [], price_list_id=None)
    no_users = candidate(4, "Delta AS", lines("D", "0.1", "0.1", "0.1", "1")[:3])
    abroad = candidate(
        5, "Epsilon AS", lines("E", "0.1", "0.1", "0.1", "1"), services=[norway_service(5, countries=("US",))]
    )
    result = evaluate(
        [A, B, no_list, no_users, abroad],
        requirements=[Requirement("data_in_norway"), Requirement("norwegian_support", is_mandatory=False)],
    )
    assert [r["supplier_name"] for r in result["ranking"]] == ["Beta Sky AS", "Alfa Sky AS"]
    assert [(e["supplier_name"], e["reason"], e["reasons"]) for e in result["excluded"]] == [
        ("Ceta AS", "no_price_list", [{"code": "no_price_list", "detail": ""}]),
        ("Delta AS", "missing_unit", [{"code": "missing_unit", "detail": "user_month"}]),
        ("Epsilon AS", "requirement_not_met", [{"code": "requirement_not_met", "detail": "data_in_norway"}]),
    ]
    # the cheap Epsilon does not set the best price: Pb is the lowest among suppliers not excluded
    assert result["best_price_amount"] == "205812.00"
    assert result["ranking"][0]["requirements"] == [
        {"code": "data_in_norway", "is_mandatory": True, "is_met": True},
        {"code": "norwegian_support", "is_mandatory": False, "is_met": True},
    ]


def test_non_mandatory_requirement_does_not_exclude():
    quiet = candidate(6, "Zeta AS", A.price_lines, services=[norway_service(6, has_norwegian_support=False)])
    result = evaluate([quiet], requirements=[Requirement("norwegian_support", is_mandatory=False)])
    assert result["ranking"][0]["requirements"] == [
        {"code": "norwegian_support", "is_mandatory": False, "is_met": False}
    ]
    assert result["excluded"] == []


@pytest.mark.parametrize(
    ("tie_break", "expected"),
    [
        # equal totals: lowest price cannot separate them, so the framework rank decides (2 before 5)
        ("lowest_price", ["Rank2 AS", "Rank5 AS", "Unranked A AS", "Unranked B AS"]),
        ("framework_rank", ["Rank2 AS", "Rank5 AS", "Unranked A AS", "Unranked B AS"]),
    ],
)
def test_ties_on_equal_totals(tie_break, expected):
    same = A.price_lines
    rows = [
        candidate(11, "Unranked B AS", same),
        candidate(12, "Rank5 AS", same, rank=5),
        candidate(13, "Unranked A AS", same),
        candidate(14, "Rank2 AS", same, rank=2),
    ]
    result = evaluate(rows, model=PriceModel(tie_break=tie_break))
    assert [r["supplier_name"] for r in result["ranking"]] == expected
    assert all(r["tied_on_points"] for r in result["ranking"])
    assert {r["total_points"] for r in result["ranking"]} == {"10.00"}


def test_floor_at_zero_ties_are_broken_by_the_rule():
    """Two totals both more than twice the best get 0 points when floored: the tie rule orders them."""
    cheap = candidate(21, "Billig AS", lines("C", "0.01", "0.01", "0.01", "1"), rank=3)
    dear_rank1 = candidate(22, "Dyr AS", lines("D", "0.90", "0.90", "0.90", "200"), rank=1)
    dearer_rank2 = candidate(23, "Dyrere AS", lines("E", "0.95", "0.95", "0.95", "210"), rank=2)
    model_price = PriceModel(floor_at_zero=True, tie_break="lowest_price")
    model_rank = PriceModel(floor_at_zero=True, tie_break="framework_rank")
    by_price = evaluate([cheap, dearer_rank2, dear_rank1], model=model_price)["ranking"]
    assert [(r["supplier_name"], r["total_points"], r["tied_on_points"]) for r in by_price] == [
        ("Billig AS", "10.00", False),
        ("Dyr AS", "0.00", True),
        ("Dyrere AS", "0.00", True),
    ]
    by_rank = evaluate([cheap, dearer_rank2, dear_rank1], model=model_rank)["ranking"]
    assert [r["supplier_name"] for r in by_rank] == ["Billig AS", "Dyr AS", "Dyrere AS"]
    # with dearer ranked 1 the framework-rank rule puts it first among the tied
    dearer_rank0 = candidate(24, "Dyrest AS", lines("F", "0.99", "0.99", "0.99", "220"), rank=0)
    by_rank = evaluate([cheap, dear_rank1, dearer_rank0], model=model_rank)["ranking"]
    assert [r["supplier_name"] for r in by_rank] == ["Billig AS", "Dyrest AS", "Dyr AS"]
    by_price = evaluate([cheap, dear_rank1, dearer_rank0], model=model_price)["ranking"]
    assert [r["supplier_name"] for r in by_price] == ["Billig AS", "Dyr AS", "Dyrest AS"]


def test_nobody_eligible():
    result = evaluate([candidate(3, "Ceta AS", [], price_list_id=None)])
    assert result["ranking"] == []
    assert result["best_price_amount"] is None


def test_empty_basket_and_unknown_tie_rule_are_refused():
    with pytest.raises(ValueError, match="basket is empty"):
        evaluate([A], basket=[])
    with pytest.raises(ValueError, match="unknown tie rule"):
        evaluate([A], model=PriceModel(tie_break="coin_flip"))


# --- frozen inputs ------------------------------------------------------------------------------------------------


def frozen(candidates, requirements=()):
    return rule.desk_inputs_json(
        calloff_id=7,
        calloff_reference="AV-2026-0007",
        basket=BASKET,
        candidates=candidates,
        requirements=list(requirements),
        model=PriceModel(formula="proportional", slope=D("1.000")),
        on_date=DAY,
    )


def test_rerun_from_frozen_inputs_gives_the_same_result():
    inputs = json_round_trip(frozen([A, B], [Requirement("iso_27001")]))
    direct = rule.desk_evaluate_rule(
        basket=BASKET,
        candidates=[A, B],
        requirements=[Requirement("iso_27001")],
        model=PriceModel(formula="proportional", slope=D("1.000")),
        on_date=DAY,
    )
    assert rule.desk_evaluate_inputs(inputs) == json_round_trip(direct)


def test_inputs_hash_is_stable_and_sensitive():
    first = frozen([A, B])
    assert inputs_hash(first) == inputs_hash(json_round_trip(first))
    assert len(inputs_hash(first)) == 64
    cheaper = candidate(1, "Alfa Sky AS", lines("A", "0.4400", "0.2500", "0.5000", "60.0000"), rank=1)
    assert inputs_hash(frozen([cheaper, B])) != inputs_hash(first)


def test_inputs_hash_refuses_floats():
    with pytest.raises(TypeError):
        inputs_hash({"amount": 0.1})


def test_rerun_refuses_other_inputs():
    with pytest.raises(ValueError, match="not the inputs"):
        rule.desk_evaluate_inputs({"kind": "mini"})
