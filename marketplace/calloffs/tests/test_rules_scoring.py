"""Table-driven tests of the evaluation arithmetic (procurement-rules.md §2), exact values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.calloffs.rules.scoring import (
    ANCHORED,
    FRAMEWORK_RANK,
    LINEAR,
    LOWEST_PRICE,
    PROPORTIONAL,
    Candidate,
    PriceModel,
    display,
    price_points,
    rank,
    rank_reversal_risk,
    weighted_total,
)

D = Decimal


@pytest.mark.parametrize(
    ("formula", "price", "best", "kwargs", "expected"),
    [
        (LINEAR, "100", "100", {}, "10"),
        (LINEAR, "110", "100", {}, "9"),
        (LINEAR, "150", "100", {}, "5"),
        (LINEAR, "250", "100", {}, "-5"),  # negative allowed (KOFA 2015/60)
        (LINEAR, "250", "100", {"floor_at_zero": True}, "0"),
        (LINEAR, "120", "100", {"slope": D("0.5")}, "9.0"),  # 0.5 point per 10 % above lowest
        (LINEAR, "130", "100", {"slope": 2}, "4"),
        (PROPORTIONAL, "100", "100", {}, "10"),
        (PROPORTIONAL, "130", "100", {}, "7.692307692307692307692307692"),
        (PROPORTIONAL, "200", "100", {}, "5"),
        (ANCHORED, "100", "90", {"anchor_best": D(80), "anchor_zero": D(160)}, "7.5"),
        (ANCHORED, "180", "90", {"anchor_best": D(80), "anchor_zero": D(160)}, "-2.5"),
        (ANCHORED, "180", "90", {"anchor_best": D(80), "anchor_zero": D(160), "floor_at_zero": True}, "0"),
        (ANCHORED, "80", "80", {"anchor_best": D(80), "anchor_zero": D(160)}, "10"),
        (ANCHORED, "60", "60", {"anchor_best": D(80), "anchor_zero": D(160)}, "10"),  # capped at max
    ],
)
def test_price_points(formula, price, best, kwargs, expected):
    assert price_points(formula, D(price), D(best), **kwargs) == D(expected)


@pytest.mark.parametrize(
    ("formula", "price", "best", "kwargs"),
    [
        ("range", "100", "100", {}),
        (LINEAR, "0", "100", {}),
        (LINEAR, "100", "0", {}),
        (ANCHORED, "100", "100", {}),
        (ANCHORED, "100", "100", {"anchor_best": D(160), "anchor_zero": D(80)}),
    ],
)
def test_price_points_rejects_bad_input(formula, price, best, kwargs):
    with pytest.raises(ValueError, match=r"price|anchor|formula"):
        price_points(formula, D(price), D(best), **kwargs)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"pris": "10", "kvalitet": "7", "erfaring": "8"}, "8.55"),  # Innovasjon Norge, supplier 1
        ({"pris": "8", "kvalitet": "10", "erfaring": "10"}, "9.10"),  # supplier 2
        ({"pris": "0", "kvalitet": "0", "erfaring": "0"}, "0"),
    ],
)
def test_weighted_total_innovasjon_norge(scores, expected):
    weights = {"pris": D(45), "kvalitet": D(35), "erfaring": D(20)}
    assert weighted_total(weights, {k: D(v) for k, v in scores.items()}) == D(expected)


def test_weighted_total_refuses_weights_not_100_and_missing_scores():
    with pytest.raises(ValueError, match="sum to 100"):
        weighted_total({"a": D(50), "b": D(40)}, {"a": D(1), "b": D(1)})
    with pytest.raises(ValueError, match="exactly one score"):
        weighted_total({"a": D(50), "b": D(50)}, {"a": D(1)})


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (D("7.692307692307692307692307692"), "7.692"),
        (D("6.8915"), "6.892"),
        (D("8"), "8.000"),
        (D("-2.5"), "-2.500"),
    ],
)
def test_display_rounds_to_three_decimals(value, shown):
    assert str(display(value)) == shown


PROPORTIONAL_60_40 = {"weights": {"pris": D(60), "kvalitet": D(40)}, "price_keys": {"pris"}}
MODEL = PriceModel(formula=PROPORTIONAL)
A = Candidate("A", D(100), {"kvalitet": D(5)})
B = Candidate("B", D(130), {"kvalitet": D(8)})
C = Candidate("C", D(80), {"kvalitet": D(0)})


def test_rank_reversal_example_two_offers_a_wins():
    ranked = rank([A, B], model=MODEL, **PROPORTIONAL_60_40)
    assert [(r.rank, r.candidate.key, str(display(r.total))) for r in ranked] == [
        (1, "A", "8.000"),
        (2, "B", "7.815"),
    ]
    assert ranked[1].criteria == {"pris": D("7.692307692307692307692307692"), "kvalitet": D(8)}
    risk = rank_reversal_risk([A, B], model=MODEL, **PROPORTIONAL_60_40)
    assert (risk.applies, risk.has_risk, risk.checks) == (True, False, ())


def test_rank_reversal_example_adding_c_flips_a_and_b_and_warns():
    ranked = rank([A, B, C], model=MODEL, **PROPORTIONAL_60_40)
    assert [(r.rank, r.candidate.key, str(display(r.total))) for r in ranked] == [
        (1, "B", "6.892"),
        (2, "A", "6.800"),
        (3, "C", "6.000"),
    ]
    risk = rank_reversal_risk([A, B, C], model=MODEL, **PROPORTIONAL_60_40)
    assert risk.applies is True
    assert risk.has_risk is True
    by_removed = {c.removed: c for c in risk.checks}
    assert (by_removed["C"].winner, by_removed["C"].winner_changed, by_removed["C"].order_changed) == (
        "A",
        True,
        True,
    )
    assert (by_removed["A"].winner, by_removed["A"].winner_changed, by_removed["A"].order_changed) == (
        "B",
        False,
        False,
    )


def test_anchored_model_has_no_rank_reversal():
    model = PriceModel(formula=ANCHORED, anchor_best=D(80), anchor_zero=D(160))
    risk = rank_reversal_risk([A, B, C], model=model, **PROPORTIONAL_60_40)
    assert (risk.applies, risk.has_risk) == (False, False)
    ranked = rank([A, B, C], model=model, **PROPORTIONAL_60_40)
    # A: 0.6·7.5 + 0.4·5 = 6.5; B: 0.6·3.75 + 3.2 = 5.45; C: 0.6·10 = 6
    assert [(r.candidate.key, r.total) for r in ranked] == [
        ("A", D("6.5")),
        ("C", D("6.0")),
        ("B", D("5.45")),
    ]


def test_stable_order_with_three_offers_no_warning():
    a, b, c = (
        Candidate("A", D(100), {"kvalitet": D(9)}),
        Candidate("B", D(110), {"kvalitet": D(5)}),
        Candidate("C", D(300), {"kvalitet": D(1)}),
    )
    risk = rank_reversal_risk([a, b, c], model=PriceModel(formula=LINEAR), **PROPORTIONAL_60_40)
    assert (risk.applies, risk.has_risk, len(risk.checks)) == (True, False, 2)


@pytest.mark.parametrize(
    ("tie_break", "expected"),
    [(LOWEST_PRICE, ["cheap", "ranked_first"]), (FRAMEWORK_RANK, ["ranked_first", "cheap"])],
)
def test_tie_breaks(tie_break, expected):
    # Only quality counts, both score 8: the tie-break decides.
    weights = {"kvalitet": D(100)}
    cheap = Candidate("cheap", D(90), {"kvalitet": D(8)}, framework_rank=2)
    first = Candidate("ranked_first", D(100), {"kvalitet": D(8)}, framework_rank=1)
    ranked = rank([first, cheap], weights=weights, tie_break=tie_break)
    assert [r.candidate.key for r in ranked] == expected
    assert [r.rank for r in ranked] == [1, 2]


def test_full_tie_shares_rank():
    weights = {"kvalitet": D(100)}
    one = Candidate("one", D(100), {"kvalitet": D(8)})
    two = Candidate("two", D(100), {"kvalitet": D(8)})
    assert [r.rank for r in rank([one, two], weights=weights)] == [1, 1]


def test_unknown_tie_break_and_missing_model():
    with pytest.raises(ValueError, match="tie-break"):
        rank([A], weights={"kvalitet": D(100)}, tie_break="coin")
    with pytest.raises(ValueError, match="price model"):
        rank([A], **PROPORTIONAL_60_40)
    assert rank([], **PROPORTIONAL_60_40) == []
