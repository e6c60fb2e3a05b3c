"""Annual survey reads: surveys visible to the user, the organisation's own answers, and aggregated results
(compared with the previous year's survey)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from marketplace.accounts.permissions import is_mps_staff
from marketplace.insights import survey_rules as rules
from marketplace.insights.models import Survey, SurveyResponse
from marketplace.insights.services.survey import question_specs


def survey_list(user: Any) -> QuerySet[Survey]:
    surveys = Survey.objects.all() if is_mps_staff(user) else Survey.objects.filter(is_published=True)
    return surveys.order_by("-year")


def survey_get_visible_to(user: Any, year: int) -> Survey:
    survey = survey_list(user).filter(year=year).first()
    if survey is None:
        raise Http404
    return survey


def response_of(survey: Survey, organisation: Any) -> SurveyResponse | None:
    if organisation is None:
        return None
    return survey.responses.filter(organisation=organisation).prefetch_related("answers__question").first()


def response_values(response: SurveyResponse | None) -> dict[str, object]:
    if response is None:
        return {}
    return {answer.question.key: answer.value for answer in response.answers.all()}


def _values(survey: Survey) -> list[dict[str, object]]:
    return [
        response_values(response)
        for response in survey.responses.prefetch_related("answers__question").order_by("pk")
    ]


def survey_results(survey: Survey) -> tuple[list[rules.QuestionResult], int, Survey | None]:
    """(results per question, number of organisations that answered, last year's survey or None)."""
    previous = Survey.objects.filter(year=survey.year - 1, is_published=True).first()
    results = rules.aggregate(
        question_specs(survey),
        _values(survey),
        previous_questions=question_specs(previous) if previous else None,
        previous_responses=_values(previous) if previous else None,
    )
    return results, survey.responses.count(), previous
