"""The programme status board: public read; MPS staff edit programmes and their timelines and see the history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.core.exceptions import ValidationFailed
from marketplace.insights.forms.programmes import PhaseForm, ProgrammeForm
from marketplace.insights.models import Programme
from marketplace.insights.permissions import can_edit_programmes
from marketplace.insights.selectors import programmes as selectors
from marketplace.insights.services import programmes as services


def board(request: HttpRequest) -> HttpResponse:
    programmes = list(selectors.programme_list())
    return render(
        request,
        "insights/programmes/board.html",
        {
            "programmes": programmes,
            "timeline": selectors.programme_timeline(programmes),
            "can_edit": can_edit_programmes(request.user),
        },
    )


def _staff_only(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_edit_programmes(request.user):
        raise PermissionDenied(_("Bare MPS kan endre programtavlen."))
    return None


def _add_errors(form: Any, exc: ValidationFailed) -> None:
    form.service_errors(exc.errors, exc.message)


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    if (denied := _staff_only(request)) is not None:
        return denied
    programme = selectors.programme_get_editable_by(request.user, slug)
    initial = {name: getattr(programme, name) for name in services.PROGRAMME_FIELDS}
    form = ProgrammeForm(request.POST or None, initial=initial)
    phase_form = PhaseForm(prefix="phase")
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(actor=request.user, programme=programme, **form.cleaned_data)
        except ValidationFailed as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Programmet er lagret."))
            return redirect("insights:programme_edit", slug=programme.slug)
    return _edit_page(request, programme, form, phase_form)


def _edit_page(request: HttpRequest, programme: Programme, form: Any, phase_form: Any) -> HttpResponse:
    status = 422 if (form.is_bound and form.errors) or (phase_form.is_bound and phase_form.errors) else 200
    return render(
        request,
        "insights/programmes/edit.html",
        {
            "programme": programme,
            "form": form,
            "phase_form": phase_form,
            "phases": programme.phases.order_by(
                "start_year", "start_quarter", "end_year", "end_quarter", "id"
            ),
            "revisions": selectors.programme_revisions_visible_to(request.user, programme)[:20],
        },
        status=status,
    )


def _phase_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "is_milestone": data["is_milestone"],
        "start_year": data["start_year"],
        "start_quarter": data["start_quarter"],
        "end_year": data.get("end_year") or data["start_year"],
        "end_quarter": data.get("end_quarter") or data["start_quarter"],
    }


@require_POST
def phase_add(request: HttpRequest, slug: str) -> HttpResponse:
    if (denied := _staff_only(request)) is not None:
        return denied
    programme = selectors.programme_get_editable_by(request.user, slug)
    phase_form = PhaseForm(request.POST, prefix="phase")
    if phase_form.is_valid():
        try:
            services.programme_phase_save(
                actor=request.user, programme=programme, **_phase_values(phase_form.cleaned_data)
            )
        except ValidationFailed as exc:
            _add_errors(phase_form, exc)
        else:
            messages.success(request, _("Fasen er lagt til."))
            return redirect("insights:programme_edit", slug=programme.slug)
    initial = {name: getattr(programme, name) for name in services.PROGRAMME_FIELDS}
    return _edit_page(request, programme, ProgrammeForm(initial=initial), phase_form)


@require_http_methods(["GET", "POST"])
def phase_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if (denied := _staff_only(request)) is not None:
        return denied
    programme = selectors.programme_get_editable_by(request.user, slug)
    phase = selectors.programme_phase_get(programme, pk)
    initial = {
        "title": phase.title,
        "is_milestone": phase.is_milestone,
        "start_year": phase.start_year,
        "start_quarter": phase.start_quarter,
        "end_year": phase.end_year,
        "end_quarter": phase.end_quarter,
    }
    form = PhaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_phase_save(
                actor=request.user, programme=programme, phase=phase, **_phase_values(form.cleaned_data)
            )
        except ValidationFailed as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Fasen er lagret."))
            return redirect("insights:programme_edit", slug=programme.slug)
    return render(
        request,
        "insights/programmes/phase_edit.html",
        {"programme": programme, "phase": phase, "form": form},
        status=422 if form.is_bound and form.errors else 200,
    )


@require_POST
def phase_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if (denied := _staff_only(request)) is not None:
        return denied
    programme = selectors.programme_get_editable_by(request.user, slug)
    phase = selectors.programme_phase_get(programme, pk)
    services.programme_phase_delete(actor=request.user, programme=programme, phase=phase)
    messages.success(request, _("Fasen er fjernet."))
    return redirect("insights:programme_edit", slug=programme.slug)
