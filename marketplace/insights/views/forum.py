"""Skyforum pages (/innsikt/skyforum/): for users acting for a public body and MPS staff (suppliers and anonymous
users: 403 / log-in). Asking, editing and deleting a question (asker or MPS staff) and answering; accepting an
answer (asker or MPS staff); moderation (MPS staff)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.core import exceptions
from marketplace.insights.forms.knowledge import AnswerForm, ModerateForm, QuestionForm, ReasonForm
from marketplace.insights.models import ForumAnswer, ForumQuestion
from marketplace.insights.permissions import (
    can_accept_answer,
    can_answer_question,
    can_delete_question,
    can_edit_question,
    can_moderate_forum,
    can_use_forum,
)
from marketplace.insights.selectors import forum as selectors
from marketplace.insights.services import forum as services
from marketplace.insights.views.knowledge_common import attempt, report


def _require_forum(request: HttpRequest) -> None:
    if not can_use_forum(request.user):
        raise PermissionDenied(_("Skyforum er for brukere som handler for en offentlig virksomhet."))


@login_required
@require_http_methods(["GET", "POST"])
def question_list(request: HttpRequest) -> HttpResponse:
    _require_forum(request)
    status = 200
    if request.method == "POST":
        form = QuestionForm(request.POST)
        if form.is_valid():
            try:
                question = services.question_ask(
                    actor=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
                )
            except exceptions.PermissionDenied as exc:
                raise PermissionDenied(exc.message) from None
            except exceptions.ApplicationError as exc:
                form.service_errors(exc.errors, exc.message)
            else:
                messages.success(request, _("Spørsmålet er publisert."))
                return redirect("insights:forum_question", pk=question.pk)
        status = 422
    else:
        form = QuestionForm()
    q = request.GET.get("q", "")[:200]
    unanswered = request.GET.get("ubesvart") == "1"
    context = {
        "questions": selectors.question_list(request.user, q=q, unanswered=unanswered)[:100],
        "q": q,
        "unanswered": unanswered,
        "form": form,
        "error_items": form.error_items(),
    }
    return render(request, "insights/forum/list.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_forum(request)
    question = selectors.question_get_visible_to(request.user, pk)
    status = 200
    form = AnswerForm()
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.answer_post(actor=request.user, question=question, body=form.cleaned_data["body"])
            except exceptions.PermissionDenied as exc:
                raise PermissionDenied(exc.message) from None
            except exceptions.Conflict as exc:
                report(request, exc)
                return redirect("insights:forum_question", pk=question.pk)
            except exceptions.ApplicationError as exc:
                form.service_errors(exc.errors, exc.message)
            else:
                messages.success(request, _("Svaret er publisert."))
                return redirect("insights:forum_question", pk=question.pk)
        status = 422
    context = {
        "question": question,
        "answers": selectors.answer_list(question),
        "form": form,
        "error_items": form.error_items(),
        "can_answer": can_answer_question(request.user, question),
        "can_accept": can_accept_answer(request.user, question),
        "can_moderate": can_moderate_forum(request.user),
        "can_edit": can_edit_question(request.user, question),
        "can_delete": can_delete_question(request.user, question, answers=question.answers.count()),
        "delete_needs_reason": can_moderate_forum(request.user) and question.author_id != request.user.pk,
    }
    return render(request, "insights/forum/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_forum(request)
    question = selectors.question_get_visible_to(request.user, pk)
    if not can_edit_question(request.user, question):
        raise PermissionDenied(
            _("Bare den som spurte, eller MPS, kan endre spørsmålet, og bare i en åpen tråd.")
        )
    status = 200
    if request.method == "POST":
        form = QuestionForm(request.POST)
        if form.is_valid():
            try:
                services.question_edit(
                    actor=request.user, question=question, title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )  # fmt: skip
            except exceptions.PermissionDenied as exc:
                raise PermissionDenied(exc.message) from None
            except exceptions.ApplicationError as exc:
                form.service_errors(exc.errors, exc.message)
            else:
                messages.success(request, _("Endringene er lagret."))
                return redirect("insights:forum_question", pk=question.pk)
        status = 422
    else:
        form = QuestionForm(initial={"title": question.title, "body": question.body})
    context = {"question": question, "form": form, "error_items": form.error_items()}
    return render(request, "insights/forum/edit.html", context, status=status)


@login_required
@require_POST
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_forum(request)
    question = selectors.question_get_visible_to(request.user, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else request.POST.get("reason", "")
    try:
        services.question_delete(actor=request.user, question=question, reason=reason)
    except exceptions.ApplicationError as exc:
        report(request, exc)
        return redirect("insights:forum_question", pk=question.pk)
    messages.success(request, _("Spørsmålet «%(title)s» er slettet.") % {"title": question.title})
    return redirect("insights:forum")


@login_required
@require_POST
def answer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    _require_forum(request)
    answer = selectors.answer_get_visible_to(request.user, pk)
    attempt(
        request,
        lambda: services.answer_accept(actor=request.user, answer=answer),
        _("Svaret er merket som godtatt."),
    )
    return redirect("insights:forum_question", pk=answer.question_id)


def _moderate(request: HttpRequest, post: ForumQuestion | ForumAnswer, question_pk: int) -> HttpResponse:
    if not can_moderate_forum(request.user):
        raise PermissionDenied(_("Bare MPS modererer Skyforum."))
    form = ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ukjent handling."))
        return redirect("insights:forum_question", pk=question_pk)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    try:
        if action in ("hide", "restore"):
            services.post_set_hidden(actor=request.user, post=post, hidden=action == "hide", reason=reason)
        elif isinstance(post, ForumQuestion):
            services.question_set_locked(
                actor=request.user, question=post, locked=action == "lock", reason=reason
            )
        else:
            messages.error(request, _("Ukjent handling."))
            return redirect("insights:forum_question", pk=question_pk)
    except exceptions.ApplicationError as exc:
        report(request, exc)
    else:
        messages.success(request, _("Endringen er lagret."))
    return redirect("insights:forum_question", pk=question_pk)


@login_required
@require_POST
def question_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    _require_forum(request)
    question = selectors.question_get_visible_to(request.user, pk)
    return _moderate(request, question, question.pk)


@login_required
@require_POST
def answer_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    _require_forum(request)
    answer = selectors.answer_get_visible_to(request.user, pk)
    return _moderate(request, answer, answer.question_id)
