"""The knowledge area's demo seeder: fills every page, and running it twice creates nothing new."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.accounts import demo as accounts_demo
from marketplace.accounts.models import Organisation, User
from marketplace.core.demo import DemoResult
from marketplace.insights import demo_knowledge
from marketplace.insights.models import (
    Article,
    Attachment,
    ExpertGroup,
    ForumAnswer,
    ForumQuestion,
    Meeting,
    Survey,
    SurveyResponse,
)

pytestmark = pytest.mark.django_db


def _counts() -> list[int]:
    models = [Article, Attachment, ForumQuestion, ForumAnswer, ExpertGroup, Meeting, Survey, SurveyResponse]
    return [model.objects.count() for model in models]


def test_seed_is_idempotent_and_fills_the_pages(login):
    accounts_demo.seed(DemoResult())
    demo_knowledge.seed(DemoResult())
    first = _counts()
    demo_knowledge.seed(DemoResult())
    assert _counts() == first
    buyers = Organisation.objects.exclude(kind__in=["supplier", "mps"]).count()
    assert first == [5, 2, 3, 3, 3, 3, 2, buyers + buyers - 3]
    year = timezone.localdate().year
    client = Client()
    for name, args in [
        ("insights:knowledge", []),
        ("insights:article", [Article.objects.get(title__startswith="FinOps-strategi").pk]),
        ("insights:groups", []),
        ("insights:group", ["finops"]),
        ("insights:meetings", []),
        ("insights:meeting", [Meeting.objects.order_by("starts_at").first().pk]),
        ("insights:surveys", []),
        ("insights:survey_results", [year]),
        ("insights:survey_results", [year - 1]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    results = client.get(reverse("insights:survey_results", args=[year])).content.decode()
    assert f"Tallene sammenlignes med {year - 1}." in results
    nve = Organisation.objects.get(orgnr="970205039")
    buyer = login(User.objects.get(username="nve.innkjoper"), nve)
    forum = buyer.get(reverse("insights:forum")).content.decode()
    assert "Hvordan fordeler dere skykostnader på avdelinger?" in forum
    admin = login(User.objects.get(username="nve.admin"), nve)
    assert admin.get(reverse("insights:survey_answer", args=[year])).status_code == 200
