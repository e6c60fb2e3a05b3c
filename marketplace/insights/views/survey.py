"""Annual survey pages (/innsikt/undersokelse/): the list (everyone; drafts for MPS staff), answering (the org admin
of a public body, for the organisation), results (everyone, aggregated; free text for MPS staff only) and the
editor (MPS staff: questions, publishing)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.accounts.permissions import active_organisation
from marketplace.core import exceptions
from marketplace.insights.forms.knowledge import SurveyForm, SurveyQuestionForm
from marketplace.insights.models import Survey
from marketplace.insights.permissions import can_answer_survey, can_manage_survey, can_view_survey_free_text
from marketplace.insights.selectors import survey as selectors
from marketplace.insights.services import survey as services
from marketplace.insights.views.knowledge_common import attempt, report


def _is_open(survey: Survey) -> bool:
    today = services.oslo_today(timezone.now())
    return survey.is_published and survey.opens_on <= today <= survey.closes_on


@require_http_methods(["GET", "POST"])
def survey_list(request: HttpRequest) -> HttpResponse:
    staff = can_manage_survey(request.user)
    status = 200
    form = SurveyForm() if staff else None
    if request.method == "POST":
        if not staff:
            raise PermissionDenied(_("Bare MPS kan endre undersøkelsen."))
        form = SurveyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                survey = services.survey_create(
                    actor=request.user, year=data["year"], title=data["title"], opens_on=data["opens_on"],
                    closes_on=data["closes_on"], introduction=data["introduction"],
                )  # fmt: skip
            except exceptions.ApplicationError as exc:
                form.service_errors(exc.errors, exc.message)
            else:
                messages.success(request, _("Undersøkelsen er opprettet."))
                return redirect("insights:survey_edit", year=survey.year)
        status = 422
    organisation = active_organisation(request.user)
    surveys = [
        {
            "survey": survey,
            "is_open": _is_open(survey),
            "answered": selectors.response_of(survey, organisation) is not None,
            "may_answer": can_answer_survey(request.user, organisation),
        }
        for survey in selectors.survey_list(request.user)
    ]
    context = {
        "surveys": surveys,
        "form": form,
        "error_items": form.error_items() if form else [],
        "is_staff_view": staff,
    }
    return render(request, "insights/survey/list.html", context, status=status)


def _question_rows(
    survey: Survey, values: dict[str, Any], raw: dict[str, list[str]] | None
) -> list[dict[str, Any]]:
    rows = []
    for question in survey.questions.order_by("position", "pk"):
        if raw is not None:
            chosen = raw.get(question.key, [])
        else:
            value = values.get(question.key)
            chosen = (
                [str(v) for v in value]
                if isinstance(value, list)
                else ([] if value is None else [str(value)])
            )
        rows.append({"question": question, "name": f"q_{question.key}", "chosen": chosen,
                     "first": chosen[0] if chosen else ""})  # fmt: skip
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, year: int) -> HttpResponse:
    survey = selectors.survey_get_visible_to(request.user, year)
    organisation = active_organisation(request.user)
    if not can_answer_survey(request.user, organisation):
        raise PermissionDenied(_("Virksomhetsadministratoren svarer for virksomheten."))
    response = selectors.response_of(survey, organisation)
    raw: dict[str, list[str]] | None = None
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        raw = {key[2:]: list(request.POST.getlist(key)) for key in request.POST if key.startswith("q_")}
        try:
            services.survey_submit(actor=request.user, survey=survey, organisation=organisation, raw=raw)
        except exceptions.ValidationFailed as exc:
            errors = {e["field"]: e["message"] for e in exc.errors}
            status = 422
        except exceptions.ApplicationError as exc:
            report(request, exc)
            return redirect("insights:surveys")
        else:
            messages.success(
                request, _("Svarene er sendt inn. Du kan endre dem fram til undersøkelsen stenger.")
            )
            return redirect("insights:surveys")
    rows = _question_rows(survey, selectors.response_values(response), raw)
    for row in rows:
        row["error"] = errors.get(row["name"], "")
    context = {
        "survey": survey,
        "organisation": organisation,
        "response": response,
        "rows": rows,
        "is_open": _is_open(survey),
        "error_items": [
            (row["name"], f"{row['question'].text}: {row['error']}") for row in rows if row["error"]
        ],
    }
    return render(request, "insights/survey/answer.html", context, status=status)


@require_GET
def survey_results(request: HttpRequest, year: int) -> HttpResponse:
    survey = selectors.survey_get_visible_to(request.user, year)
    results, respondents, previous = selectors.survey_results(survey)
    context = {
        "survey": survey,
        "results": results,
        "respondents": respondents,
        "previous": previous,
        "show_texts": can_view_survey_free_text(request.user),
    }
    return render(request, "insights/survey/results.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, year: int) -> HttpResponse:
    if not can_manage_survey(request.user):
        raise PermissionDenied(_("Bare MPS kan endre undersøkelsen."))
    survey = selectors.survey_get_visible_to(request.user, year)
    status = 200
    form = SurveyQuestionForm()
    if request.method == "POST":
        form = SurveyQuestionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.question_add(
                    actor=request.user, survey=survey, key=data["key"], kind=data["kind"], text=data["text"],
                    choices=data["choices"].splitlines(), is_required=data["is_required"],
                )  # fmt: skip
            except exceptions.Conflict as exc:
                report(request, exc)
                return redirect("insights:survey_edit", year=survey.year)
            except exceptions.ApplicationError as exc:
                form.service_errors(exc.errors, exc.message)
            else:
                messages.success(request, _("Spørsmålet er lagt til."))
                return redirect("insights:survey_edit", year=survey.year)
        status = 422
    context = {
        "survey": survey,
        "questions": survey.questions.order_by("position", "pk"),
        "form": form,
        "error_items": form.error_items(),
        "has_responses": survey.responses.exists(),
    }
    return render(request, "insights/survey/edit.html", context, status=status)


@login_required
@require_POST
def survey_publish(request: HttpRequest, year: int) -> HttpResponse:
    if not can_manage_survey(request.user):
        raise PermissionDenied(_("Bare MPS kan endre undersøkelsen."))
    survey = selectors.survey_get_visible_to(request.user, year)
    attempt(
        request,
        lambda: services.survey_publish(actor=request.user, survey=survey),
        _("Undersøkelsen er publisert."),
    )
    return redirect("insights:survey_edit", year=survey.year)
