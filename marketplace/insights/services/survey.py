"""Annual survey writes: MPS staff define a year's survey and its questions and publish it; a public body's org
admin submits the organisation's answers once per year (submitting again until the close date replaces them;
after it, refused)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.insights import survey_rules as rules
from marketplace.insights.models import QuestionKind, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from marketplace.insights.permissions import can_answer_survey, can_manage_survey

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
MAX_CHOICES = 20


def _staff_only() -> PermissionDenied:
    return PermissionDenied(_("Bare MPS kan endre undersøkelsen."))


def oslo_today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


@transaction.atomic
def survey_create(
    *, actor: Any, year: int, title: str, opens_on: dt.date, closes_on: dt.date, introduction: str = ""
) -> Survey:
    if not can_manage_survey(actor):
        raise _staff_only()
    errors: list[dict[str, str]] = []
    if not 2000 <= year <= 2100:
        errors.append({"field": "year", "message": _("Oppgi et år mellom 2000 og 2100.")})
    elif Survey.objects.filter(year=year).exists():
        errors.append(
            {
                "field": "year",
                "message": _("Det finnes allerede en undersøkelse for %(year)s.") % {"year": year},
            }
        )
    if not title.strip():
        errors.append({"field": "title", "message": _("Skriv en tittel.")})
    if closes_on < opens_on:
        errors.append({"field": "closes_on", "message": _("Undersøkelsen må stenge etter at den åpner.")})
    if errors:
        raise ValidationFailed(_("Undersøkelsen er ikke lagret."), errors=errors)
    survey = Survey.objects.create(
        year=year,
        title=title.strip(),
        introduction=introduction.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
    )
    audit_record(actor=actor, verb="insights.survey_create", target=survey, data={"year": year})
    return survey


@transaction.atomic
def question_add(
    *, actor: Any, survey: Survey, key: str, kind: str, text: str, choices: list[str] | None = None,
    is_required: bool = True,
) -> SurveyQuestion:  # fmt: skip
    """Questions can be added until the first organisation has answered."""
    if not can_manage_survey(actor):
        raise _staff_only()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.responses.exists():
        raise Conflict(_("Organisasjoner har allerede svart; spørsmålene kan ikke endres."))
    errors: list[dict[str, str]] = []
    key = key.strip()
    if not _KEY.match(key):
        errors.append(
            {"field": "key", "message": _("Nøkkelen kan bare ha små bokstaver a–z, tall og bindestrek.")}
        )
    elif survey.questions.filter(key=key).exists():
        errors.append({"field": "key", "message": _("Nøkkelen er allerede brukt i denne undersøkelsen.")})
    if kind not in QuestionKind.values:
        errors.append({"field": "kind", "message": _("Ukjent spørsmålstype.")})
    if not text.strip():
        errors.append({"field": "text", "message": _("Skriv spørsmålet.")})
    clean_choices: list[str] = []
    for choice in choices or []:
        name = " ".join(choice.split())
        if name and name not in clean_choices:
            clean_choices.append(name)
    if kind in rules.CHOICE_KINDS:
        if not 2 <= len(clean_choices) <= MAX_CHOICES:
            errors.append(
                {"field": "choices", "message": _("Oppgi mellom 2 og 20 svaralternativer, ett per linje.")}
            )
    else:
        clean_choices = []
    if errors:
        raise ValidationFailed(_("Spørsmålet er ikke lagret."), errors=errors)
    position = (survey.questions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    question = SurveyQuestion.objects.create(
        survey=survey, key=key, position=position, kind=kind, text=text.strip(), choices=clean_choices,
        is_required=is_required,
    )  # fmt: skip
    audit_record(
        actor=actor, verb="insights.survey_question_add", target=question,
        data={"survey": survey.year, "key": key, "kind": kind},
    )  # fmt: skip
    return question


@transaction.atomic
def survey_publish(*, actor: Any, survey: Survey) -> Survey:
    if not can_manage_survey(actor):
        raise _staff_only()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.is_published:
        raise Conflict(_("Undersøkelsen er allerede publisert."))
    if not survey.questions.exists():
        raise Conflict(_("Legg til spørsmål før undersøkelsen publiseres."))
    survey.is_published = True
    survey.save(update_fields=["is_published"])
    audit_record(actor=actor, verb="insights.survey_publish", target=survey, data={"year": survey.year})
    return survey


def question_specs(survey: Survey) -> list[rules.QuestionSpec]:
    return [
        rules.QuestionSpec(q.key, q.kind, q.text, tuple(q.choices or ()), q.is_required)
        for q in survey.questions.order_by("position", "pk")
    ]


_ERROR_MESSAGES = {
    "required": lambda: _("Svar på spørsmålet."),
    "choice": lambda: _("Velg blant svaralternativene."),
    "one_only": lambda: _("Velg ett svaralternativ."),
    "scale": lambda: _("Velg en verdi fra 1 til 5."),
    "number": lambda: _("Oppgi et tall."),
    "too_long": lambda: _("Svaret kan ha høyst 2000 tegn."),
}


@transaction.atomic
def survey_submit(
    *,
    actor: Any,
    survey: Survey,
    organisation: Any,
    raw: dict[str, list[str]],
    now: dt.datetime | None = None,
) -> SurveyResponse:
    """Store (or replace) the organisation's answers. Dates are Oslo dates; the close date is the last day."""
    if not can_answer_survey(actor, organisation):
        raise PermissionDenied(_("Virksomhetsadministratoren svarer for virksomheten."))
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    now = now or timezone.now()
    today = oslo_today(now)
    if not survey.is_published or today < survey.opens_on:
        raise Conflict(_("Undersøkelsen er ikke åpnet ennå."))
    if today > survey.closes_on:
        raise Conflict(
            _("Undersøkelsen stengte %(date)s; svarene kan ikke lenger endres.")
            % {"date": survey.closes_on.strftime("%d.%m.%Y")}
        )
    values, errors = rules.answers_check(question_specs(survey), raw)
    if errors:
        raise ValidationFailed(
            _("Svarene er ikke sendt inn."),
            errors=[{"field": f"q_{e.key}", "message": _ERROR_MESSAGES[e.code]()} for e in errors],
        )
    response = SurveyResponse.objects.filter(survey=survey, organisation=organisation).first()
    resubmission = response is not None
    if response is None:
        response = SurveyResponse.objects.create(
            survey=survey, organisation=organisation, submitted_by=actor, submitted_at=now, updated_at=now
        )
    else:
        response.submitted_by = actor
        response.updated_at = now
        response.save(update_fields=["submitted_by", "updated_at"])
        response.answers.all().delete()
    by_key = {q.key: q for q in survey.questions.all()}
    SurveyAnswer.objects.bulk_create(
        [SurveyAnswer(response=response, question=by_key[key], value=value) for key, value in values.items()]
    )
    audit_record(
        actor=actor,
        verb="insights.survey_resubmit" if resubmission else "insights.survey_submit",
        target=response,
        organisation=organisation,
        data={"year": survey.year, "answered": sorted(values)},
        now=now,
    )
    return response
