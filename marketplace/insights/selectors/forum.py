"""Skyforum reads. Hidden posts stay in the thread with the moderator's reason instead of the text; MPS staff
also see the hidden text. Only users who may use the forum get anything (404 otherwise)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from marketplace.accounts.permissions import is_mps_staff
from marketplace.insights.models import ForumAnswer, ForumQuestion
from marketplace.insights.permissions import can_use_forum


def question_list(user: Any, *, q: str = "", unanswered: bool = False) -> QuerySet[ForumQuestion]:
    if not can_use_forum(user):
        return ForumQuestion.objects.none()
    questions = ForumQuestion.objects.all()
    if not is_mps_staff(user):
        questions = questions.filter(Q(is_hidden=False) | Q(author=user))
    if q.strip():
        for word in q.split()[:8]:
            questions = questions.filter(Q(title__icontains=word) | Q(body__icontains=word))
    questions = questions.annotate(
        answer_count=Count("answers", filter=Q(answers__is_hidden=False)),
        has_accepted=Exists(ForumAnswer.objects.filter(question=OuterRef("pk"), is_accepted=True)),
    )
    if unanswered:
        questions = questions.filter(answer_count=0)
    return questions.select_related("organisation", "author").order_by("-last_activity_at", "-pk")


def question_get_visible_to(user: Any, pk: int) -> ForumQuestion:
    question = question_list(user).filter(pk=pk).first()
    if question is None:
        raise Http404
    return question


def answer_list(question: ForumQuestion) -> QuerySet[ForumAnswer]:
    return question.answers.select_related("author", "organisation").order_by(
        "-is_accepted", "created_at", "pk"
    )


def answer_get_visible_to(user: Any, pk: int) -> ForumAnswer:
    answer = ForumAnswer.objects.filter(pk=pk).select_related("question").first()
    if answer is None:
        raise Http404
    question_get_visible_to(user, answer.question_id)
    return answer
