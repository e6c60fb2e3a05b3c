"""Pure survey rules: checking one organisation's answers; aggregating with suppression; comparing years."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.insights.survey_rules import (
    AnswerError,
    QuestionSpec,
    ResultRow,
    aggregate,
    answers_check,
)

STRATEGY = QuestionSpec("strategi", "single", "Skystrategi?", ("Ja", "Under arbeid", "Nei"))
MODELS = QuestionSpec("modeller", "multiple", "Modeller?", ("SaaS", "PaaS", "IaaS"))
MATURITY = QuestionSpec("modenhet", "scale", "Modenhet?")
SHARE = QuestionSpec("andel", "number", "Andel?")
CHALLENGE = QuestionSpec("utfordring", "text", "Utfordring?", required=False)
ALL = [STRATEGY, MODELS, MATURITY, SHARE, CHALLENGE]


@pytest.mark.parametrize(
    ("raw", "values", "errors"),
    [
        (
            {"strategi": ["Ja"], "modeller": ["IaaS", "SaaS"], "modenhet": ["4"], "andel": ["12,5"],
             "utfordring": [" Kompetanse "]},
            {"strategi": "Ja", "modeller": ["SaaS", "IaaS"], "modenhet": 4, "andel": "12.5", "utfordring": "Kompetanse"},
            [],
        ),
        (
            {"strategi": ["Ja"], "modeller": ["SaaS"], "modenhet": ["1"], "andel": ["1 000"]},
            {"strategi": "Ja", "modeller": ["SaaS"], "modenhet": 1, "andel": "1000"},
            [],
        ),
        ({}, {}, [AnswerError("strategi", "required"), AnswerError("modeller", "required"),
                  AnswerError("modenhet", "required"), AnswerError("andel", "required")]),
        (
            {"strategi": ["Kanskje"], "modeller": ["SaaS", "Stormaskin"], "modenhet": ["6"], "andel": ["mye"],
             "utfordring": ["x" * 2001]},
            {},
            [AnswerError("strategi", "choice"), AnswerError("modeller", "choice"), AnswerError("modenhet", "scale"),
             AnswerError("andel", "number"), AnswerError("utfordring", "too_long")],
        ),
        (
            {"strategi": ["Ja", "Nei"], "modeller": ["SaaS"], "modenhet": ["0"], "andel": ["NaN"]},
            {"modeller": ["SaaS"]},
            [AnswerError("strategi", "one_only"), AnswerError("modenhet", "scale"), AnswerError("andel", "number")],
        ),
        (
            {"strategi": ["Nei"], "modeller": ["PaaS"], "modenhet": ["3"], "andel": ["1e13"], "ukjent": ["x"]},
            {"strategi": "Nei", "modeller": ["PaaS"], "modenhet": 3},
            [AnswerError("andel", "number")],
        ),
    ],
)  # fmt: skip
def test_answers_check(raw, values, errors):
    assert answers_check(ALL, raw) == (values, errors)


def test_question_with_fewer_than_three_answers_is_suppressed():
    results = aggregate(
        [STRATEGY, MATURITY], [{"strategi": "Ja", "modenhet": 5}, {"strategi": "Nei", "modenhet": 1}]
    )
    assert [(r.key, r.n, r.suppressed, r.rows, r.mean) for r in results] == [
        ("strategi", 2, True, [], None),
        ("modenhet", 2, True, [], None),
    ]


def test_single_choice_small_cell_and_its_complement_are_suppressed():
    responses = [{"strategi": "Ja"}] * 5 + [{"strategi": "Under arbeid"}] * 4 + [{"strategi": "Nei"}]
    [result] = aggregate([STRATEGY], responses)
    assert result.n == 10
    # "Nei" (1) is hidden, and the smallest other non-zero cell ("Under arbeid", 4) too, so 10 − 5 − 4 is not given.
    assert result.rows == [
        ResultRow("Ja", 5, Decimal("50.0")),
        ResultRow("Under arbeid", None, None),
        ResultRow("Nei", None, None),
    ]


def test_single_choice_two_small_cells_need_no_complement_and_zero_is_shown():
    responses = [{"strategi": "Ja"}] * 3
    [result] = aggregate([STRATEGY], responses)
    assert result.rows == [
        ResultRow("Ja", 3, Decimal("100.0")),
        ResultRow("Under arbeid", 0, Decimal("0.0")),
        ResultRow("Nei", 0, Decimal("0.0")),
    ]
    responses = [{"strategi": "Ja"}] * 4 + [
        {"strategi": "Under arbeid"},
        {"strategi": "Nei"},
        {"strategi": "Nei"},
    ]
    [result] = aggregate([STRATEGY], responses)
    assert result.rows == [
        ResultRow("Ja", 4, Decimal("57.1")),
        ResultRow("Under arbeid", None, None),
        ResultRow("Nei", None, None),
    ]


def test_multiple_choice_counts_each_choice_against_respondents():
    responses = [{"modeller": ["SaaS", "PaaS"]}, {"modeller": ["SaaS"]}, {"modeller": ["SaaS", "PaaS", "IaaS"]},
                 {"modeller": ["SaaS", "PaaS"]}]  # fmt: skip
    [result] = aggregate([MODELS], responses)
    assert result.rows == [
        ResultRow("SaaS", 4, Decimal("100.0")),
        ResultRow("PaaS", 3, Decimal("75.0")),
        ResultRow("IaaS", None, None),
    ]


def test_scale_mean_median_and_distribution():
    responses = [{"modenhet": v} for v in (1, 3, 3, 3, 4, 4, 4, 5)]
    [result] = aggregate([MATURITY], responses)
    assert (result.n, result.mean, result.median) == (8, Decimal("3.4"), Decimal("3.5"))
    assert [(r.label, r.count) for r in result.rows] == [
        ("1", None),
        ("2", 0),
        ("3", 3),
        ("4", 3),
        ("5", None),
    ]


def test_number_mean_and_median_and_text_kept_for_staff():
    responses = [{"andel": "10", "utfordring": "b"}, {"andel": "12.5", "utfordring": "a"}, {"andel": "30"}]
    share, challenge = aggregate([SHARE, CHALLENGE], responses)
    assert (share.n, share.mean, share.median, share.rows) == (3, Decimal("17.5"), Decimal("12.5"), [])
    assert (challenge.n, challenge.suppressed) == (2, True)
    assert challenge.texts == []
    [challenge] = aggregate([CHALLENGE], [{"utfordring": t} for t in ("c", "a", "b")])
    assert challenge.texts == ["a", "b", "c"]


def test_compared_with_last_year_by_key_and_kind():
    last_year = [{"strategi": "Ja"}] * 3 + [{"strategi": "Nei"}] * 3 + [{"modenhet": 2}] * 3
    this_year = [{"strategi": "Ja", "modenhet": 3}] * 6 + [{"strategi": "Nei", "modenhet": 4}] * 3
    renamed_kind = QuestionSpec("andel", "scale", "Andel?")
    results = aggregate(
        [STRATEGY, MATURITY, SHARE],
        this_year,
        previous_questions=[STRATEGY, MATURITY, renamed_kind],
        previous_responses=last_year,
    )
    strategy, maturity, share = results
    assert [(r.label, r.share, r.previous_share) for r in strategy.rows] == [
        ("Ja", Decimal("66.7"), Decimal("50.0")),
        ("Under arbeid", Decimal("0.0"), Decimal("0.0")),
        ("Nei", Decimal("33.3"), Decimal("50.0")),
    ]
    assert strategy.previous_n == 6
    assert (maturity.mean, maturity.previous_mean, maturity.mean_change) == (
        Decimal("3.3"), Decimal("2.0"), Decimal("1.3"),
    )  # fmt: skip
    assert (share.suppressed, share.previous_n) == (True, None)


def test_last_year_suppressed_gives_no_comparison_figures():
    results = aggregate(
        [STRATEGY],
        [{"strategi": "Ja"}] * 3,
        previous_questions=[STRATEGY],
        previous_responses=[{"strategi": "Ja"}],
    )
    assert results[0].previous_n == 1
    assert [r.previous_share for r in results[0].rows] == [None, None, None]
