"""Annual survey services: definition by MPS staff, one submission per organisation per year by its org admin,
resubmission until the close date (Oslo date), refusal after it; results through the selector."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.insights.models import Survey, SurveyAnswer, SurveyResponse
from marketplace.insights.selectors.survey import survey_results
from marketplace.insights.services import survey as services

pytestmark = pytest.mark.django_db
OPEN = dt.datetime(2026, 10, 10, 10, 0, tzinfo=dt.UTC)
# 23:30 UTC on the close date is already the next day in Oslo.
AFTER_CLOSE = dt.datetime(2026, 12, 15, 23, 30, tzinfo=dt.UTC)
LAST_MINUTE = dt.datetime(2026, 12, 15, 22, 30, tzinfo=dt.UTC)


@pytest.fixture
def survey(actors):
    survey = services.survey_create(
        actor=actors.staff, year=2026, title="Status for offentlig sky i Norge",
        opens_on=dt.date(2026, 10, 1), closes_on=dt.date(2026, 12, 15),
    )  # fmt: skip
    services.question_add(
        actor=actors.staff, survey=survey, key="strategi", kind="single", text="Skystrategi?",
        choices=["Ja", " Nei ", "Ja", ""],
    )  # fmt: skip
    services.question_add(actor=actors.staff, survey=survey, key="modenhet", kind="scale", text="Modenhet?")
    services.survey_publish(actor=actors.staff, survey=survey)
    return survey


def test_definition_cleans_choices_and_positions(survey):
    assert list(survey.questions.values_list("key", "position", "choices")) == [
        ("strategi", 1, ["Ja", "Nei"]),
        ("modenhet", 2, []),
    ]


def test_definition_errors_and_permission(actors, survey):
    with pytest.raises(PermissionDenied):
        services.survey_create(
            actor=actors.org_admin,
            year=2027,
            title="T",
            opens_on=dt.date(2027, 1, 1),
            closes_on=dt.date(2027, 2, 1),
        )
    with pytest.raises(ValidationFailed) as caught:
        services.survey_create(
            actor=actors.staff,
            year=2026,
            title="",
            opens_on=dt.date(2026, 2, 1),
            closes_on=dt.date(2026, 1, 1),
        )
    assert [e["field"] for e in caught.value.errors] == ["year", "title", "closes_on"]
    with pytest.raises(ValidationFailed) as caught:
        services.question_add(
            actor=actors.staff, survey=survey, key="Strategi!", kind="single", text="", choices=["x"]
        )
    assert [e["field"] for e in caught.value.errors] == ["key", "text", "choices"]
    with pytest.raises(ValidationFailed):
        services.question_add(actor=actors.staff, survey=survey, key="strategi", kind="text", text="Igjen")
    assert Survey.objects.count() == 1
    assert survey.questions.count() == 2


def test_submit_then_resubmit_replaces_answers(actors, survey):
    response = services.survey_submit(
        actor=actors.org_admin, survey=survey, organisation=actors.buyer_org,
        raw={"strategi": ["Nei"], "modenhet": ["2"]}, now=OPEN,
    )  # fmt: skip
    assert dict(response.answers.values_list("question__key", "value")) == {"strategi": "Nei", "modenhet": 2}
    services.survey_submit(
        actor=actors.org_admin, survey=survey, organisation=actors.buyer_org,
        raw={"strategi": ["Ja"], "modenhet": ["4"]}, now=LAST_MINUTE,
    )  # fmt: skip
    assert SurveyResponse.objects.count() == 1
    assert dict(SurveyAnswer.objects.values_list("question__key", "value")) == {
        "strategi": "Ja",
        "modenhet": 4,
    }
    assert list(
        AuditEvent.objects.filter(
            verb__in=["insights.survey_submit", "insights.survey_resubmit"]
        ).values_list("verb", flat=True)
    ) == [
        "insights.survey_submit",
        "insights.survey_resubmit",
    ]


def test_after_close_refused_and_answers_unchanged(actors, survey):
    services.survey_submit(
        actor=actors.org_admin, survey=survey, organisation=actors.buyer_org,
        raw={"strategi": ["Nei"], "modenhet": ["2"]}, now=OPEN,
    )  # fmt: skip
    with pytest.raises(Conflict) as caught:
        services.survey_submit(
            actor=actors.org_admin, survey=survey, organisation=actors.buyer_org,
            raw={"strategi": ["Ja"], "modenhet": ["5"]}, now=AFTER_CLOSE,
        )  # fmt: skip
    assert caught.value.message == "Undersøkelsen stengte 15.12.2026; svarene kan ikke lenger endres."
    assert dict(SurveyAnswer.objects.values_list("question__key", "value")) == {
        "strategi": "Nei",
        "modenhet": 2,
    }


def test_before_open_or_unpublished_refused(actors, survey):
    with pytest.raises(Conflict):
        services.survey_submit(
            actor=actors.org_admin, survey=survey, organisation=actors.buyer_org,
            raw={"strategi": ["Ja"], "modenhet": ["5"]}, now=dt.datetime(2026, 9, 30, 12, tzinfo=dt.UTC),
        )  # fmt: skip
    assert SurveyResponse.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "org"),
    [
        ("buyer", "buyer_org"),
        ("other_admin", "buyer_org"),
        ("supplier", "supplier_org"),
        ("staff", "mps_org"),
    ],
)
def test_only_the_organisations_admin_submits(actors, survey, who, org):
    with pytest.raises(PermissionDenied):
        services.survey_submit(
            actor=getattr(actors, who), survey=survey, organisation=getattr(actors, org),
            raw={"strategi": ["Ja"], "modenhet": ["5"]}, now=OPEN,
        )  # fmt: skip
    assert (
        SurveyResponse.objects.count(),
        AuditEvent.objects.filter(verb="insights.survey_submit").count(),
    ) == (0, 0)


def test_invalid_answers_store_nothing(actors, survey):
    with pytest.raises(ValidationFailed) as caught:
        services.survey_submit(
            actor=actors.org_admin, survey=survey, organisation=actors.buyer_org,
            raw={"strategi": ["Kanskje"]}, now=OPEN,
        )  # fmt: skip
    assert caught.value.errors == [
        {"field": "q_strategi", "message": "Velg blant svaralternativene."},
        {"field": "q_modenhet", "message": "Svar på spørsmålet."},
    ]
    assert SurveyResponse.objects.count() == 0


def test_questions_frozen_after_first_answer(actors, survey):
    services.survey_submit(
        actor=actors.org_admin, survey=survey, organisation=actors.buyer_org,
        raw={"strategi": ["Ja"], "modenhet": ["5"]}, now=OPEN,
    )  # fmt: skip
    with pytest.raises(Conflict):
        services.question_add(actor=actors.staff, survey=survey, key="ny", kind="text", text="Ny?")


def test_results_compare_with_last_year(actors, survey):
    from marketplace.accounts.tests.factories import OrganisationFactory

    last = Survey.objects.create(
        year=2025,
        title="S",
        opens_on=dt.date(2025, 10, 1),
        closes_on=dt.date(2025, 12, 15),
        is_published=True,
    )
    last_q = last.questions.create(key="modenhet", position=1, kind="scale", text="Modenhet?")
    for index, value in enumerate([2, 2, 3, 3]):
        org = OrganisationFactory()
        last_response = SurveyResponse.objects.create(
            survey=last, organisation=org, submitted_at=OPEN, updated_at=OPEN
        )
        last_response.answers.create(question=last_q, value=value)
        this = SurveyResponse.objects.create(
            survey=survey, organisation=org, submitted_at=OPEN, updated_at=OPEN
        )
        this.answers.create(question=survey.questions.get(key="modenhet"), value=[3, 4, 4, 5][index])
        this.answers.create(
            question=survey.questions.get(key="strategi"), value=["Ja", "Ja", "Ja", "Nei"][index]
        )
    results, respondents, previous = survey_results(survey)
    assert (respondents, previous) == (4, last)
    strategy, maturity = results
    # "Nei" (1) is hidden, and so is its complement "Ja" (3), which would otherwise give "Nei" away (4 − 3).
    assert [(r.label, r.count) for r in strategy.rows] == [("Ja", None), ("Nei", None)]
    assert (maturity.mean, maturity.previous_mean, maturity.mean_change, maturity.previous_n) == (
        Decimal("4.0"), Decimal("2.5"), Decimal("1.5"), 4,
    )  # fmt: skip
