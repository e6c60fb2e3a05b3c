"""Skyforum writes: ask, edit or delete a question (the asker while the thread is open – delete only while
unanswered – or MPS staff), answer, accept an answer (the asker or MPS staff), and moderation by MPS staff (hide or
restore a question or an answer with a reason, lock or unlock a thread). Text is rendered and cleaned by
`knowledge_rules.forum_render` when it is written."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation
from marketplace.accounts.permissions import active_organisation, is_mps_staff
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.insights import knowledge_rules as rules
from marketplace.insights.models import ForumAnswer, ForumQuestion
from marketplace.insights.permissions import (
    can_accept_answer,
    can_answer_question,
    can_delete_question,
    can_edit_question,
    can_moderate_forum,
    can_use_forum,
)


def _forum_denied() -> PermissionDenied:
    return PermissionDenied(_("Skyforum er for brukere som handler for en offentlig virksomhet."))


def _check_text(body: str, errors: list[dict[str, str]]) -> str:
    if not body.strip():
        errors.append({"field": "body", "message": _("Skriv en tekst.")})
        return ""
    if len(body) > rules.MAX_FORUM_LENGTH:
        errors.append({"field": "body", "message": _("Teksten kan ha høyst 10 000 tegn.")})
        return ""
    return rules.forum_render(body)


def _check_title(title: str, errors: list[dict[str, str]]) -> None:
    if not title.strip():
        errors.append({"field": "title", "message": _("Skriv en tittel.")})
    elif len(title.strip()) > 200:
        errors.append({"field": "title", "message": _("Tittelen kan ha høyst 200 tegn.")})


@transaction.atomic
def question_ask(*, actor: Any, title: str, body: str, now: dt.datetime | None = None) -> ForumQuestion:
    if not can_use_forum(actor):
        raise _forum_denied()
    errors: list[dict[str, str]] = []
    _check_title(title, errors)
    body_html = _check_text(body, errors)
    if errors:
        raise ValidationFailed(_("Spørsmålet er ikke lagret."), errors=errors)
    now = now or timezone.now()
    organisation = cast(Organisation, active_organisation(actor))
    question = ForumQuestion.objects.create(
        title=" ".join(title.split()),
        body=body.strip(),
        body_html=body_html,
        author=actor,
        organisation=organisation,
        created_at=now,
        last_activity_at=now,
    )
    audit_record(
        actor=actor, verb="insights.forum_ask", target=question, organisation=organisation,
        data={"title": question.title}, now=now,
    )  # fmt: skip
    return question


@transaction.atomic
def question_edit(
    *, actor: Any, question: ForumQuestion, title: str, body: str, now: dt.datetime | None = None
) -> ForumQuestion:
    """The asker (open thread) or MPS staff change the title and text; the page shows when it was changed."""
    question = ForumQuestion.objects.select_for_update().get(pk=question.pk)
    if not can_edit_question(actor, question):
        raise PermissionDenied(
            _("Bare den som spurte, eller MPS, kan endre spørsmålet, og bare i en åpen tråd.")
        )
    errors: list[dict[str, str]] = []
    _check_title(title, errors)
    body_html = _check_text(body, errors)
    if errors:
        raise ValidationFailed(_("Endringene er ikke lagret."), errors=errors)
    new_title, new_body = " ".join(title.split()), body.strip()
    if (new_title, new_body) == (question.title, question.body):
        return question
    now = now or timezone.now()
    data: dict[str, Any] = {
        "title": [question.title, new_title] if new_title != question.title else None,
        "body_changed": new_body != question.body,
    }
    question.title, question.body, question.body_html, question.edited_at = (
        new_title,
        new_body,
        body_html,
        now,
    )
    question.save(update_fields=["title", "body", "body_html", "edited_at"])
    audit_record(
        actor=actor, verb="insights.forum_edit", target=question, organisation=question.organisation,
        data=data, now=now,
    )  # fmt: skip
    return question


@transaction.atomic
def question_delete(*, actor: Any, question: ForumQuestion, reason: str = "") -> None:
    """Delete a thread with its answers: the asker while nobody has answered, MPS staff with a reason."""
    question = ForumQuestion.objects.select_for_update().get(pk=question.pk)
    answers = question.answers.count()
    if not can_delete_question(actor, question, answers=answers):
        if can_edit_question(actor, question):
            raise Conflict(
                _("Spørsmålet er besvart og kan ikke slettes. Du kan endre det, eller be MPS skjule det.")
            )
        raise PermissionDenied(_("Bare den som spurte, eller MPS, kan slette spørsmålet."))
    staff = is_mps_staff(actor) and question.author_id != actor.pk
    reason = _reason(reason) if staff else " ".join((reason or "").split())[:500]
    audit_record(
        actor=actor, verb="insights.forum_delete", target=question, organisation=question.organisation,
        data={"title": question.title, "author": question.author_id, "answers": answers, "reason": reason},
    )  # fmt: skip
    question.delete()


@transaction.atomic
def answer_post(
    *, actor: Any, question: ForumQuestion, body: str, now: dt.datetime | None = None
) -> ForumAnswer:
    question = ForumQuestion.objects.select_for_update().get(pk=question.pk)
    if not can_use_forum(actor):
        raise _forum_denied()
    if not can_answer_question(actor, question):
        raise Conflict(_("Tråden er låst eller skjult; den kan ikke besvares."))
    errors: list[dict[str, str]] = []
    body_html = _check_text(body, errors)
    if errors:
        raise ValidationFailed(_("Svaret er ikke lagret."), errors=errors)
    now = now or timezone.now()
    organisation = cast(Organisation, active_organisation(actor))
    answer = ForumAnswer.objects.create(
        question=question, body=body.strip(), body_html=body_html, author=actor, organisation=organisation,
        created_at=now,
    )  # fmt: skip
    question.last_activity_at = now
    question.save(update_fields=["last_activity_at"])
    audit_record(
        actor=actor, verb="insights.forum_answer", target=answer, organisation=organisation,
        data={"question": question.pk}, now=now,
    )  # fmt: skip
    return answer


@transaction.atomic
def answer_accept(*, actor: Any, answer: ForumAnswer) -> ForumAnswer:
    """Mark `answer` as the accepted one (replacing an earlier choice)."""
    question = ForumQuestion.objects.select_for_update().get(pk=answer.question_id)
    if not can_accept_answer(actor, question):
        raise PermissionDenied(_("Bare den som spurte, eller MPS, kan godta et svar."))
    answer = ForumAnswer.objects.get(pk=answer.pk)
    if answer.is_hidden:
        raise Conflict(_("Et skjult svar kan ikke godtas."))
    previous = question.answers.filter(is_accepted=True).exclude(pk=answer.pk).first()
    if previous is not None:
        previous.is_accepted = False
        previous.save(update_fields=["is_accepted"])
    answer.is_accepted = True
    answer.save(update_fields=["is_accepted"])
    audit_record(
        actor=actor, verb="insights.forum_accept", target=answer,
        data={"question": question.pk, "previous": previous.pk if previous else None},
    )  # fmt: skip
    return answer


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(
            _("Oppgi en begrunnelse."), errors=[{"field": "reason", "message": _("Oppgi en begrunnelse.")}]
        )
    if len(reason) > 500:
        raise ValidationFailed(
            _("Begrunnelsen er for lang."),
            errors=[{"field": "reason", "message": _("Begrunnelsen kan ha høyst 500 tegn.")}],
        )
    return reason


def _moderator_denied() -> PermissionDenied:
    return PermissionDenied(_("Bare MPS modererer Skyforum."))


@transaction.atomic
def post_set_hidden(
    *, actor: Any, post: ForumQuestion | ForumAnswer, hidden: bool, reason: str
) -> ForumQuestion | ForumAnswer:
    """Hide (with a reason shown in place of the text) or restore (with a reason for the audit trail)."""
    if not can_moderate_forum(actor):
        raise _moderator_denied()
    reason = _reason(reason)
    post = type(post).objects.select_for_update().get(pk=post.pk)
    if post.is_hidden == hidden:
        raise Conflict(_("Innlegget er allerede skjult.") if hidden else _("Innlegget er ikke skjult."))
    post.is_hidden = hidden
    post.hidden_reason = reason if hidden else ""
    fields = ["is_hidden", "hidden_reason"]
    if hidden and isinstance(post, ForumAnswer) and post.is_accepted:
        post.is_accepted = False
        fields.append("is_accepted")
    post.save(update_fields=fields)
    audit_record(
        actor=actor,
        verb="insights.forum_hide" if hidden else "insights.forum_restore",
        target=post,
        data={"reason": reason},
    )
    return post


@transaction.atomic
def question_set_locked(
    *, actor: Any, question: ForumQuestion, locked: bool, reason: str = ""
) -> ForumQuestion:
    if not can_moderate_forum(actor):
        raise _moderator_denied()
    question = ForumQuestion.objects.select_for_update().get(pk=question.pk)
    if question.is_locked == locked:
        raise Conflict(_("Tråden er allerede låst.") if locked else _("Tråden er ikke låst."))
    question.is_locked = locked
    question.save(update_fields=["is_locked"])
    audit_record(
        actor=actor,
        verb="insights.forum_lock" if locked else "insights.forum_unlock",
        target=question,
        data={"reason": " ".join(reason.split())[:500]},
    )
    return question
