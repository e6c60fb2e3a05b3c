"""Mini-competition pages: the buyer's workspace (invitations, documents, criteria and model, publishing, Q&A) and
the document download for the buyer side and invited suppliers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.calloffs import permissions
from marketplace.calloffs.forms.mini import (
    AnswerForm,
    DocumentForm,
    EvaluationModelForm,
    ExcludeForm,
    PublishForm,
    QuestionForm,
)
from marketplace.calloffs.models import CallOff, CallOffDocument, Invitation, Question
from marketplace.calloffs.rules.state import CallOffState
from marketplace.calloffs.selectors import calloff_state_of
from marketplace.calloffs.selectors import offers as offer_selectors
from marketplace.calloffs.services import mini
from marketplace.calloffs.views.common import calloff_or_404
from marketplace.catalogue.models import FrameworkCriterion, Mechanism
from marketplace.core import exceptions
from marketplace.core.deadlines import OSLO


def _deny_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _mini_or_404(calloff: CallOff) -> None:
    if calloff.mechanism != Mechanism.MINI_COMPETITION:
        raise Http404


def _workspace(calloff: CallOff) -> HttpResponse:
    return redirect("calloffs:mini_workspace", pk=calloff.pk)


def _report(request: HttpRequest, exc: exceptions.ApplicationError) -> None:
    if isinstance(exc, exceptions.PermissionDenied):
        raise PermissionDenied from exc
    if isinstance(exc, exceptions.NotFound):
        raise Http404 from exc
    messages.error(request, exc.message)


def questions_public(calloff: CallOff) -> list[dict[str, Any]]:
    """Answered questions as every invited supplier sees them: question, answer, times — never who asked."""
    return [
        {"question": q.question, "answer": q.answer, "answered_at": q.answered_at}
        for q in Question.objects.filter(calloff=calloff, answered_at__isnull=False).order_by(
            "answered_at", "id"
        )
    ]


def mini_context(request: HttpRequest, calloff: CallOff) -> dict[str, Any]:
    """Everything the buyer-side workspace shows (the offers panel adds its own rows)."""
    now = timezone.now()
    state = calloff_state_of(calloff, now=now)
    can_manage = permissions.can_manage_calloff(request.user, calloff)
    is_draft = state is CallOffState.DRAFT
    invitations = list(
        Invitation.objects.filter(calloff=calloff).select_related("supplier", "contract", "excluded_by")
    )
    questions = list(Question.objects.filter(calloff=calloff).select_related("asked_by_organisation"))
    return {
        "calloff": calloff,
        "state": state,
        "invitations": [
            {"invitation": invitation, "exclude_form": ExcludeForm(prefix=f"inv{invitation.pk}")}
            for invitation in invitations
        ],
        "documents": list(CallOffDocument.objects.filter(calloff=calloff).select_related("uploaded_by")),
        "criteria": list(calloff.criteria.all()),
        "questions": [
            {"question": question, "answer_form": AnswerForm(prefix=f"q{question.pk}")}
            for question in questions
        ],
        "can_manage": can_manage,
        "can_prepare": can_manage and is_draft,
        "can_edit_model": can_manage and is_draft and calloff.criteria_locked_at is None,
        "can_publish": can_manage and is_draft and calloff.criteria_locked_at is not None,
        "can_answer": can_manage and state is CallOffState.TENDERING,
        "can_add_documents": can_manage and state in (CallOffState.DRAFT, CallOffState.TENDERING),
        "document_form": DocumentForm(),
        "suggested_deadline": mini.offer_deadline_suggested(calloff, now=now),
        "minimum_days": mini.offer_deadline_minimum_days(calloff),
        "offer_rows": offer_selectors.offer_rows_for(request.user, calloff, now=now),
        "offers_visible": offer_selectors.offers_visible_to_buyer(request.user, calloff, now=now),
        "can_open": permissions.can_open_offers(request.user, calloff)
        and state is CallOffState.AWAITING_OPENING,
    }


@login_required
@require_GET
def mini_workspace(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    _mini_or_404(calloff)
    if not permissions.can_view_calloff_record(request.user, calloff):
        return redirect("calloffs:offer_page", pk=calloff.pk)
    return render(request, "calloffs/mini/workspace.html", mini_context(request, calloff))


def _invitation(calloff: CallOff, invitation_pk: int) -> Invitation:
    invitation = (
        Invitation.objects.select_related("calloff", "supplier")
        .filter(calloff=calloff, pk=invitation_pk)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


@login_required
@require_POST
def invitation_exclude(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    _deny_unless(permissions.can_manage_calloff(request.user, calloff))
    invitation = _invitation(calloff, invitation_pk)
    form = ExcludeForm(request.POST, prefix=f"inv{invitation.pk}")
    if not form.is_valid():
        for message in form.errors.get("reason", []):
            messages.error(request, str(message))
        return _workspace(calloff)
    try:
        mini.invitation_exclude(actor=request.user, invitation=invitation, reason=form.cleaned_data["reason"])
    except exceptions.ApplicationError as exc:
        _report(request, exc)
    else:
        messages.success(
            request, _("%(name)s er utelatt fra minikonkurransen.") % {"name": invitation.supplier.name}
        )
    return _workspace(calloff)


@login_required
@require_POST
def invitation_include(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    _deny_unless(permissions.can_manage_calloff(request.user, calloff))
    invitation = _invitation(calloff, invitation_pk)
    try:
        mini.invitation_include(actor=request.user, invitation=invitation)
    except exceptions.ApplicationError as exc:
        _report(request, exc)
    else:
        messages.success(request, _("%(name)s er invitert igjen.") % {"name": invitation.supplier.name})
    return _workspace(calloff)


@login_required
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    _deny_unless(permissions.can_manage_calloff(request.user, calloff))
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            document = mini.calloff_document_add(
                actor=request.user,
                calloff=calloff,
                title=form.cleaned_data["title"],
                name=upload.name,
                data=upload.read(),
            )
        except exceptions.ApplicationError as exc:
            _report(request, exc)
        else:
            messages.success(request, _("Dokumentet «%(title)s» er lastet opp.") % {"title": document.title})
    else:
        for _name, errors in form.errors.items():
            for message in errors:
                messages.error(request, str(message))
    return _workspace(calloff)


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    _deny_unless(permissions.can_manage_calloff(request.user, calloff))
    document = CallOffDocument.objects.filter(calloff=calloff, pk=document_pk).first()
    if document is None:
        raise Http404
    try:
        mini.calloff_document_remove(actor=request.user, document=document)
    except exceptions.ApplicationError as exc:
        _report(request, exc)
    else:
        messages.success(request, _("Dokumentet er fjernet."))
    return _workspace(calloff)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    calloff = calloff_or_404(request, pk)
    invitation = offer_selectors.invitation_of(request.user, calloff)
    _deny_unless(permissions.can_view_mini(request.user, calloff, invitation))
    document = CallOffDocument.objects.filter(calloff=calloff, pk=document_pk).first()
    if document is None:
        raise Http404
    filename = document.file.name.rsplit("/", 1)[-1]
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=filename)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_model(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    _mini_or_404(calloff)
    _deny_unless(permissions.can_manage_calloff(request.user, calloff))
    framework_criteria = list(FrameworkCriterion.objects.filter(framework_id=calloff.framework_id))
    current = {c.framework_criterion_id: c for c in calloff.criteria.all()}
    initial: dict[str, Any] = {
        "price_formula": calloff.price_formula,
        "price_slope": calloff.price_slope,
        "price_floor_at_zero": calloff.price_floor_at_zero,
        "anchor_price_best_amount": calloff.anchor_price_best_amount,
        "anchor_price_zero_amount": calloff.anchor_price_zero_amount,
        "tie_break": calloff.tie_break,
    }
    for fc in framework_criteria:
        if fc.pk in current:
            initial[f"weight_{fc.pk}"] = current[fc.pk].weight_percent
            initial[f"description_{fc.pk}"] = current[fc.pk].description
    form = EvaluationModelForm(request.POST or None, initial=initial, framework_criteria=framework_criteria)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                mini.evaluation_model_set(
                    actor=request.user,
                    calloff=calloff,
                    choices=[mini.CriterionChoice(pk_, weight, text) for pk_, weight, text in form.choices()],
                    model=mini.PriceModel(
                        price_formula=form.cleaned_data["price_formula"],
                        price_slope=form.cleaned_data["price_slope"] or Decimal("1"),
                        price_floor_at_zero=form.cleaned_data["price_floor_at_zero"],
                        anchor_price_best_amount=form.cleaned_data["anchor_price_best_amount"],
                        anchor_price_zero_amount=form.cleaned_data["anchor_price_zero_amount"],
                        tie_break=form.cleaned_data["tie_break"],
                    ),
                )
            except exceptions.ValidationFailed as exc:
                form.service_errors(exc.errors, exc.message)
            except exceptions.ApplicationError as exc:
                _report(request, exc)
                return _workspace(calloff)
            else:
                messages.success(request, _("Tildelingskriteriene og prismodellen er lagret."))
                return _workspace(calloff)
        status = 400
    context = {"calloff": calloff, "form": form, "error_items": form.error_items() if form.is_bound else []}
    return render(request, "calloffs/mini/evaluation_model.html", context, status=status)


@login_required
@require_POST
def criteria_lock(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    _deny_unless(permissions.can_manage_calloff(request.user, calloff))
    try:
        mini.criteria_lock(actor=request.user, calloff=calloff)
    except exceptions.ApplicationError as exc:
        _report(request, exc)
    else:
        messages.success(request, _("Tildelingskriteriene og evalueringsmodellen er låst."))
    return _workspace(calloff)


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    _mini_or_404(calloff)
    _deny_unless(permissions.can_manage_calloff(request.user, calloff))
    now = timezone.now()
    suggested = mini.offer_deadline_suggested(calloff, now=now).astimezone(OSLO)
    form = PublishForm(
        request.POST or None,
        initial={
            "offer_deadline_on": suggested.date(),
            "offer_deadline_time": suggested.time(),
            "questions_deadline_on": (suggested - (suggested - now.astimezone(OSLO)) / 2).date(),
            "questions_deadline_time": suggested.time(),
        },
    )
    status = 200
    short_warning = ""
    if request.method == "POST":
        if form.is_valid():
            offer_deadline_at = form.offer_deadline_at()
            if offer_deadline_at < suggested and not form.cleaned_data["confirm_short"]:
                short_warning = _(
                    "Tilbudsfristen er kortere enn anbefalt minimum (%(days)s dager, %(when)s). "
                    "Bekreft at fristen likevel er lang nok, eller velg en senere frist."
                ) % {
                    "days": mini.offer_deadline_minimum_days(calloff),
                    "when": suggested.strftime("%d.%m.%Y kl. %H:%M"),
                }
            else:
                try:
                    result = mini.calloff_publish(
                        actor=request.user,
                        calloff=calloff,
                        offer_deadline_at=offer_deadline_at,
                        questions_deadline_at=form.questions_deadline_at(),
                    )
                except exceptions.ValidationFailed as exc:
                    form.service_errors(
                        exc.errors,
                        exc.message,
                        fields={
                            "offer_deadline_at": "offer_deadline_on",
                            "questions_deadline_at": "questions_deadline_on",
                        },
                    )
                except exceptions.ApplicationError as exc:
                    _report(request, exc)
                    return _workspace(calloff)
                else:
                    for warning in result.warnings:
                        messages.warning(request, warning)
                    messages.success(
                        request,
                        _("Invitasjonen er sendt til %(count)s leverandører.") % {"count": result.invited},
                    )
                    return _workspace(calloff)
        status = 400 if form.errors else 200
    context = {
        "calloff": calloff,
        "form": form,
        "suggested": suggested,
        "minimum_days": mini.offer_deadline_minimum_days(calloff),
        "short_warning": short_warning,
        "error_items": form.error_items() if form.is_bound else [],
    }
    return render(request, "calloffs/mini/publish.html", context, status=status)


@login_required
@require_POST
def question_ask(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    _deny_unless(
        permissions.can_ask_question(request.user, offer_selectors.invitation_of(request.user, calloff))
    )
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            mini.question_ask(actor=request.user, calloff=calloff, question=form.cleaned_data["question"])
        except exceptions.ApplicationError as exc:
            _report(request, exc)
        else:
            messages.success(
                request, _("Spørsmålet er sendt. Svaret blir vist til alle inviterte leverandører.")
            )
    else:
        for message in form.errors.get("question", []):
            messages.error(request, str(message))
    return redirect("calloffs:offer_page", pk=calloff.pk)


@login_required
@require_POST
def question_answer(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    _deny_unless(permissions.can_manage_calloff(request.user, calloff))
    question = Question.objects.filter(calloff=calloff, pk=question_pk).select_related("calloff").first()
    if question is None:
        raise Http404
    form = AnswerForm(request.POST, prefix=f"q{question.pk}")
    if form.is_valid():
        try:
            mini.question_answer(actor=request.user, question=question, answer=form.cleaned_data["answer"])
        except exceptions.ApplicationError as exc:
            _report(request, exc)
        else:
            messages.success(request, _("Svaret er publisert til alle inviterte leverandører."))
    else:
        for message in form.errors.get("answer", []):
            messages.error(request, str(message))
    return _workspace(calloff)
