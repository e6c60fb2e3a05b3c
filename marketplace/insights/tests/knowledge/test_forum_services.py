"""Skyforum services: who may ask/answer, sanitising, accepting, moderation, locking; denied paths change nothing."""

from __future__ import annotations

import pytest

from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.insights.models import ForumAnswer, ForumQuestion
from marketplace.insights.selectors.forum import question_list
from marketplace.insights.services import forum as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(actors):
    return services.question_ask(
        actor=actors.buyer,
        title="Merking av ressurser?",
        body="Hvordan **merker** dere?\n<script>alert(1)</script>",
    )


def test_ask_renders_escaped_text_and_audits(actors, question):
    assert (
        question.body_html
        == "<p>Hvordan <strong>merker</strong> dere?<br>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
    assert "<script>" not in question.body_html
    assert (question.organisation, question.author) == (actors.buyer_org, actors.buyer)
    event = AuditEvent.objects.get(verb="insights.forum_ask")
    assert (event.organisation_id, event.data) == (actors.buyer_org.pk, {"title": "Merking av ressurser?"})


@pytest.mark.parametrize("who", ["supplier"])
def test_supplier_may_not_ask(actors, who):
    with pytest.raises(PermissionDenied):
        services.question_ask(actor=getattr(actors, who), title="T", body="B")
    assert (ForumQuestion.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_ask_validation(actors):
    with pytest.raises(ValidationFailed) as caught:
        services.question_ask(actor=actors.buyer, title="", body="   ")
    assert [e["field"] for e in caught.value.errors] == ["title", "body"]
    with pytest.raises(ValidationFailed):
        services.question_ask(actor=actors.buyer, title="T", body="x" * 10_001)
    assert ForumQuestion.objects.count() == 0


def test_answer_and_accept_by_asker_replaces_earlier_choice(actors, question):
    first = services.answer_post(actor=actors.other_buyer, question=question, body="Med `kostnadssted`.")
    second = services.answer_post(actor=actors.staff, question=question, body="Se veilederen.")
    assert first.body_html == "<p>Med <code>kostnadssted</code>.</p>"
    services.answer_accept(actor=actors.buyer, answer=first)
    services.answer_accept(actor=actors.buyer, answer=second)
    assert list(ForumAnswer.objects.filter(is_accepted=True)) == [second]
    assert AuditEvent.objects.filter(verb="insights.forum_accept").last().data == {
        "question": question.pk,
        "previous": first.pk,
    }


def test_only_asker_or_staff_accepts(actors, question):
    answer = services.answer_post(actor=actors.other_buyer, question=question, body="Svar")
    with pytest.raises(PermissionDenied):
        services.answer_accept(actor=actors.other_buyer, answer=answer)
    answer.refresh_from_db()
    assert answer.is_accepted is False
    services.answer_accept(actor=actors.staff, answer=answer)
    answer.refresh_from_db()
    assert answer.is_accepted is True


def test_hide_requires_reason_and_staff_and_hides_from_others(actors, question):
    with pytest.raises(PermissionDenied):
        services.post_set_hidden(actor=actors.org_admin, post=question, hidden=True, reason="spam")
    with pytest.raises(ValidationFailed):
        services.post_set_hidden(actor=actors.staff, post=question, hidden=True, reason="  ")
    question.refresh_from_db()
    assert question.is_hidden is False
    services.post_set_hidden(actor=actors.staff, post=question, hidden=True, reason="Personopplysninger")
    question.refresh_from_db()
    assert (question.is_hidden, question.hidden_reason) == (True, "Personopplysninger")
    assert list(question_list(actors.other_buyer)) == []
    assert list(question_list(actors.buyer)) == [question]  # the asker still sees it (with the reason)
    assert list(question_list(actors.staff)) == [question]
    with pytest.raises(Conflict):
        services.answer_post(actor=actors.other_buyer, question=question, body="Svar")
    services.post_set_hidden(actor=actors.staff, post=question, hidden=False, reason="Rettet")
    question.refresh_from_db()
    assert (question.is_hidden, question.hidden_reason) == (False, "")
    assert list(
        AuditEvent.objects.filter(verb__startswith="insights.forum_").values_list("verb", "data")
    ) == [
        ("insights.forum_ask", {"title": "Merking av ressurser?"}),
        ("insights.forum_hide", {"reason": "Personopplysninger"}),
        ("insights.forum_restore", {"reason": "Rettet"}),
    ]


def test_hiding_an_accepted_answer_unaccepts_it(actors, question):
    answer = services.answer_post(actor=actors.other_buyer, question=question, body="Svar")
    services.answer_accept(actor=actors.buyer, answer=answer)
    services.post_set_hidden(actor=actors.staff, post=answer, hidden=True, reason="Reklame")
    answer.refresh_from_db()
    assert (answer.is_hidden, answer.is_accepted) == (True, False)
    with pytest.raises(Conflict):
        services.answer_accept(actor=actors.buyer, answer=answer)


def test_lock_stops_answers_and_asker_accepting(actors, question):
    answer = services.answer_post(actor=actors.other_buyer, question=question, body="Svar")
    with pytest.raises(PermissionDenied):
        services.question_set_locked(actor=actors.buyer, question=question, locked=True)
    services.question_set_locked(actor=actors.staff, question=question, locked=True, reason="Besvart")
    with pytest.raises(Conflict):
        services.answer_post(actor=actors.other_buyer, question=question, body="Mer")
    with pytest.raises(PermissionDenied):
        services.answer_accept(actor=actors.buyer, answer=answer)
    with pytest.raises(Conflict):
        services.question_set_locked(actor=actors.staff, question=question, locked=True)
    assert ForumAnswer.objects.count() == 1


def test_supplier_sees_no_questions(actors, question):
    assert list(question_list(actors.supplier)) == []
