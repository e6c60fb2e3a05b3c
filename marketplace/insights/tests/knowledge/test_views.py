"""Knowledge-area pages: the permission matrix for every page, and the writes through the views (denied paths
change nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.core.models import AuditEvent
from marketplace.insights.models import (
    Article,
    Attachment,
    ExpertGroup,
    ForumAnswer,
    ForumQuestion,
    GroupMembership,
    MeetingRegistration,
    MembershipStatus,
    SurveyResponse,
)
from marketplace.insights.services import community, forum, knowledge, survey
from marketplace.insights.tests.knowledge.conftest import ROLE_ORGS
from marketplace.insights.tests.knowledge.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db
WHO = ["anonymous", "buyer", "org_admin", "other_buyer", "supplier", "staff"]


@pytest.fixture
def world(actors):
    now = timezone.now()
    published = knowledge.article_create(
        actor=actors.staff, title="FinOps-strategi", summary="Fire fokusområder.", body="<p>Kostnader.</p>",
        kind="strategy", tags="FinOps", publish=True,
    )  # fmt: skip
    draft = knowledge.article_create(
        actor=actors.staff,
        title="Utkast om exit",
        summary="S.",
        body="<p>B.</p>",
        kind="report",
        publish=False,
    )
    upload = SimpleUploadedFile("rapport.pdf", PDF_BYTES, content_type="application/pdf")
    public_file = knowledge.attachment_add(actor=actors.staff, article=published, upload=upload)
    draft_file = knowledge.attachment_add(
        actor=actors.staff,
        article=draft,
        upload=SimpleUploadedFile("u.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    question = forum.question_ask(actor=actors.buyer, title="Merking?", body="Hvordan merker dere?")
    hidden = forum.question_ask(actor=actors.buyer, title="Skjult", body="Navn og telefonnummer")
    forum.post_set_hidden(actor=actors.staff, post=hidden, hidden=True, reason="Personopplysninger")
    group = ExpertGroup.objects.create(slug="cips", name="CIPS-ekspertgruppen", purpose="Råd.", seats=2)
    meeting = community.meeting_create(
        actor=actors.staff, title="Informasjonsmøte", agenda="1. Status", starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=3, hours=1), capacity=1, place="Oslo", has_waiting_list=False,
    )  # fmt: skip
    today = timezone.localdate()
    year_survey = survey.survey_create(
        actor=actors.staff, year=today.year, title="Status for offentlig sky i Norge",
        opens_on=today - dt.timedelta(days=5), closes_on=today + dt.timedelta(days=5),
    )  # fmt: skip
    survey.question_add(
        actor=actors.staff,
        survey=year_survey,
        key="strategi",
        kind="single",
        text="Skystrategi?",
        choices=["Ja", "Nei"],
    )
    survey.question_add(
        actor=actors.staff,
        survey=year_survey,
        key="utfordring",
        kind="text",
        text="Utfordring?",
        is_required=False,
    )
    survey.survey_publish(actor=actors.staff, survey=year_survey)
    draft_survey = survey.survey_create(
        actor=actors.staff, year=today.year + 1, title="Neste år", opens_on=today, closes_on=today
    )
    return {
        "published": published, "draft": draft, "public_file": public_file, "draft_file": draft_file,
        "question": question, "hidden": hidden, "group": group, "meeting": meeting, "survey": year_survey,
        "draft_survey": draft_survey,
    }  # fmt: skip


def client_for(actors, login, who) -> Client:
    if who == "anonymous":
        return Client()
    return login(getattr(actors, who), getattr(actors, ROLE_ORGS[who]))


LOGIN = 302
# page -> expected status for WHO (anonymous, buyer, org_admin, other_buyer, supplier, staff)
MATRIX = [
    ("insights:knowledge", lambda w: [], [200, 200, 200, 200, 200, 200]),
    ("insights:article", lambda w: [w["published"].pk], [200, 200, 200, 200, 200, 200]),
    ("insights:article", lambda w: [w["draft"].pk], [404, 404, 404, 404, 404, 200]),
    ("insights:article_create", lambda w: [], [LOGIN, 403, 403, 403, 403, 200]),
    ("insights:article_edit", lambda w: [w["published"].pk], [LOGIN, 403, 403, 403, 403, 200]),
    ("insights:attachment_download", lambda w: [w["public_file"].pk], [200, 200, 200, 200, 200, 200]),
    ("insights:attachment_download", lambda w: [w["draft_file"].pk], [404, 404, 404, 404, 404, 200]),
    ("insights:forum", lambda w: [], [LOGIN, 200, 200, 200, 403, 200]),
    ("insights:forum_question", lambda w: [w["question"].pk], [LOGIN, 200, 200, 200, 403, 200]),
    ("insights:forum_question", lambda w: [w["hidden"].pk], [LOGIN, 200, 404, 404, 403, 200]),
    ("insights:groups", lambda w: [], [200, 200, 200, 200, 200, 200]),
    ("insights:group", lambda w: [w["group"].slug], [200, 200, 200, 200, 200, 200]),
    ("insights:meetings", lambda w: [], [200, 200, 200, 200, 200, 200]),
    ("insights:meeting", lambda w: [w["meeting"].pk], [200, 200, 200, 200, 200, 200]),
    ("insights:meeting_create", lambda w: [], [LOGIN, 403, 403, 403, 403, 200]),
    ("insights:surveys", lambda w: [], [200, 200, 200, 200, 200, 200]),
    ("insights:survey_answer", lambda w: [w["survey"].year], [LOGIN, 403, 200, 403, 403, 403]),
    ("insights:survey_results", lambda w: [w["survey"].year], [200, 200, 200, 200, 200, 200]),
    ("insights:survey_results", lambda w: [w["draft_survey"].year], [404, 404, 404, 404, 404, 200]),
    ("insights:survey_edit", lambda w: [w["survey"].year], [LOGIN, 403, 403, 403, 403, 200]),
]


@pytest.mark.parametrize(
    ("name", "args", "expected"), MATRIX, ids=[f"{m[0]}-{i}" for i, m in enumerate(MATRIX)]
)
def test_permission_matrix(actors, world, login, name, args, expected):
    url = reverse(name, args=args(world))
    got = [client_for(actors, login, who).get(url).status_code for who in WHO]
    assert got == expected


def test_download_headers(actors, world):
    response = Client().get(reverse("insights:attachment_download", args=[world["public_file"].pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="rapport.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_knowledge_search_and_tag_filter(actors, world):
    client = Client()
    page = client.get(reverse("insights:knowledge"), {"q": "kostnader"}).content.decode()
    assert "FinOps-strategi" in page
    assert "Utkast om exit" not in page
    page = client.get(reverse("insights:knowledge"), {"q": "kvantedatamaskin"}).content.decode()
    assert "Ingen artikler passer søket." in page
    page = client.get(reverse("insights:knowledge"), {"tag": "finops"}).content.decode()
    assert "FinOps-strategi" in page
    fragment = client.get(reverse("insights:knowledge"), {"q": "kostnader"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert "FinOps-strategi" in fragment.content.decode()


def test_article_create_through_the_view(actors, world, login):
    data = {"title": "Ny veileder", "kind": "guidance", "summary": "S.", "body": "<p>B</p><script>x</script>",
            "tags": "Veiledning", "publish": "on"}  # fmt: skip
    before = Article.objects.count()
    assert (
        login(actors.buyer, actors.buyer_org).post(reverse("insights:article_create"), data).status_code
        == 403
    )
    assert Article.objects.count() == before
    response = login(actors.staff, actors.mps_org).post(reverse("insights:article_create"), data)
    article = Article.objects.get(title="Ny veileder")
    assert response.status_code == 302
    assert response["Location"] == reverse("insights:article", args=[article.pk])
    assert article.body == "<p>B</p>"
    invalid = login(actors.staff, actors.mps_org).post(
        reverse("insights:article_create"), {**data, "title": ""}
    )
    assert invalid.status_code == 422
    assert "Rett opp dette" in invalid.content.decode()


def test_attachment_upload_through_the_view(actors, world, login):
    url = reverse("insights:attachment_upload", args=[world["published"].pk])
    before = Attachment.objects.count()
    bad = SimpleUploadedFile("skript.html", b"<script>", content_type="text/html")
    assert login(actors.buyer, actors.buyer_org).post(url, {"file": bad}).status_code == 403
    staff = login(actors.staff, actors.mps_org)
    response = staff.post(
        url, {"file": SimpleUploadedFile("skript.html", b"<script>", content_type="text/html")}
    )
    assert response.status_code == 302
    assert Attachment.objects.count() == before
    page = staff.get(reverse("insights:article", args=[world["published"].pk])).content.decode()
    assert "Filtypen er ikke tillatt" in page
    good = SimpleUploadedFile("tall.csv", "år;kroner\n2025;100\n".encode(), content_type="text/csv")
    staff.post(url, {"file": good})
    assert Attachment.objects.filter(filename="tall.csv", content_type="text/csv").count() == 1


def test_forum_post_and_script_is_never_rendered(actors, world, login):
    client = login(actors.other_buyer, actors.other_org)
    response = client.post(
        reverse("insights:forum"),
        {
            "title": "<script>alert('t')</script>",
            "body": '<img src=x onerror="alert(1)"> [a](javascript:alert(1))',
        },
    )
    question = ForumQuestion.objects.get(organisation=actors.other_org)
    assert response["Location"] == reverse("insights:forum_question", args=[question.pk])
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in page
    assert "<img" not in page
    assert 'href="javascript' not in page
    assert "&lt;img src=x onerror=" in page
    client.post(reverse("insights:forum_question", args=[question.pk]), {"body": "**Takk**"})
    assert ForumAnswer.objects.get(question=question).body_html == "<p><strong>Takk</strong></p>"


def test_forum_supplier_post_refused(actors, world, login):
    before = ForumQuestion.objects.count()
    response = login(actors.supplier, actors.supplier_org).post(
        reverse("insights:forum"), {"title": "T", "body": "B"}
    )
    assert response.status_code == 403
    assert ForumQuestion.objects.count() == before


def test_moderation_through_the_view(actors, world, login):
    url = reverse("insights:forum_question_moderate", args=[world["question"].pk])
    events = AuditEvent.objects.count()
    assert (
        login(actors.org_admin, actors.buyer_org).post(url, {"action": "hide", "reason": "x"}).status_code
        == 403
    )
    world["question"].refresh_from_db()
    assert world["question"].is_hidden is False
    assert AuditEvent.objects.count() == events
    login(actors.staff, actors.mps_org).post(url, {"action": "lock", "reason": "Ferdig"})
    world["question"].refresh_from_db()
    assert world["question"].is_locked is True
    page = login(actors.buyer, actors.buyer_org).get(
        reverse("insights:forum_question", args=[world["question"].pk])
    )
    assert "Tråden er låst og kan ikke besvares." in page.content.decode()


def test_accept_answer_through_the_view(actors, world, login):
    answer = forum.answer_post(actor=actors.other_buyer, question=world["question"], body="Svar")
    url = reverse("insights:forum_answer_accept", args=[answer.pk])
    assert login(actors.other_buyer, actors.other_org).post(url).status_code == 403
    answer.refresh_from_db()
    assert answer.is_accepted is False
    login(actors.buyer, actors.buyer_org).post(url)
    answer.refresh_from_db()
    assert answer.is_accepted is True


def test_group_apply_and_decide_through_views(actors, world, login):
    url = reverse("insights:group_apply", args=["cips"])
    assert login(actors.supplier, actors.supplier_org).post(url, {"motivation": "x"}).status_code == 403
    assert GroupMembership.objects.count() == 0
    login(actors.buyer, actors.buyer_org).post(url, {"motivation": "Erfaring med IaaS."})
    membership = GroupMembership.objects.get()
    decide = reverse("insights:membership_decide", args=[membership.pk])
    assert login(actors.org_admin, actors.buyer_org).post(decide, {"decision": "approve"}).status_code == 403
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING
    login(actors.staff, actors.mps_org).post(decide, {"decision": "approve"})
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPROVED
    page = Client().get(reverse("insights:groups")).content.decode()
    assert "CIPS-ekspertgruppen" in page


def test_group_withdraw_through_views(actors, world, login):
    apply = reverse("insights:group_apply", args=["cips"])
    withdraw = reverse("insights:group_withdraw", args=["cips"])
    login(actors.buyer, actors.buyer_org).post(apply, {"motivation": "Erfaring med IaaS."})
    membership = GroupMembership.objects.get()
    # anonymous: to the log-in page; another user has nothing to withdraw: the application stays
    assert Client().post(withdraw).status_code == 302
    other = login(actors.other_buyer, actors.other_org)
    page = other.post(withdraw, follow=True).content.decode()
    assert "Du har ingen søknad eller plass i denne gruppen." in page
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING
    assert login(actors.buyer, actors.buyer_org).get(withdraw).status_code == 405
    buyer = login(actors.buyer, actors.buyer_org)
    assert "Trekk søknaden" in buyer.get(reverse("insights:group", args=["cips"])).content.decode()
    page = buyer.post(withdraw, follow=True).content.decode()
    assert "Søknaden er trukket." in page
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.WITHDRAWN


def test_meeting_register_full_and_cancel_through_views(actors, world, login):
    url = reverse("insights:meeting_register", args=[world["meeting"].pk])
    assert login(actors.supplier, actors.supplier_org).post(url).status_code == 403
    login(actors.buyer, actors.buyer_org).post(url)
    other = login(actors.other_buyer, actors.other_org)
    other.post(url)
    assert MeetingRegistration.objects.count() == 1  # no waiting list: refused
    assert (
        "Møtet er fullt."
        in other.get(reverse("insights:meeting", args=[world["meeting"].pk])).content.decode()
    )
    login(actors.buyer, actors.buyer_org).post(reverse("insights:meeting_cancel", args=[world["meeting"].pk]))
    assert MeetingRegistration.objects.get().status == "cancelled"


def test_meeting_create_through_view_stores_utc(actors, world, login):
    data = {"title": "Møte", "agenda": "A", "date": "2027-06-01", "start": "10:00", "end": "11:30", "place": "Oslo",
            "online_url": "", "capacity": "20", "has_waiting_list": "on"}  # fmt: skip
    assert (
        login(actors.buyer, actors.buyer_org).post(reverse("insights:meeting_create"), data).status_code
        == 403
    )
    login(actors.staff, actors.mps_org).post(reverse("insights:meeting_create"), data)
    from marketplace.insights.models import Meeting

    meeting = Meeting.objects.get(title="Møte")
    assert meeting.starts_at == dt.datetime(2027, 6, 1, 8, 0, tzinfo=dt.UTC)  # 10:00 summer time in Oslo


def test_survey_answer_through_the_view(actors, world, login):
    url = reverse("insights:survey_answer", args=[world["survey"].year])
    assert login(actors.buyer, actors.buyer_org).post(url, {"q_strategi": "Ja"}).status_code == 403
    assert SurveyResponse.objects.count() == 0
    admin = login(actors.org_admin, actors.buyer_org)
    invalid = admin.post(url, {"q_strategi": "Kanskje"})
    assert invalid.status_code == 422
    assert "Velg blant svaralternativene." in invalid.content.decode()
    assert SurveyResponse.objects.count() == 0
    assert admin.post(url, {"q_strategi": "Nei", "q_utfordring": "Kompetanse"}).status_code == 302
    page = admin.get(url).content.decode()
    assert 'value="Nei" checked' in page
    assert ">Kompetanse</textarea>" in page


def test_survey_results_suppress_and_hide_free_text(actors, world, login):
    from marketplace.accounts.tests.factories import OrganisationFactory

    questions = {q.key: q for q in world["survey"].questions.all()}
    now = timezone.now()
    for answer in ["Ja", "Ja", "Ja", "Nei"]:
        response = SurveyResponse.objects.create(
            survey=world["survey"], organisation=OrganisationFactory(), submitted_at=now, updated_at=now
        )
        response.answers.create(question=questions["strategi"], value=answer)
        response.answers.create(question=questions["utfordring"], value=f"Hemmelig {answer}")
    url = reverse("insights:survey_results", args=[world["survey"].year])
    public = Client().get(url).content.decode()
    assert "4 virksomheter har svart." in public
    assert "Hemmelig" not in public
    assert "Fritekstsvar vises bare for MPS." in public
    assert "75.0 %" not in public  # 3 of 4 would give away the single "Nei"
    staff = login(actors.staff, actors.mps_org).get(url).content.decode()
    assert "Hemmelig Ja" in staff


def test_survey_create_denied_for_non_staff(actors, world, login):
    data = {"year": "2030", "title": "T", "opens_on": "2030-01-01", "closes_on": "2030-02-01"}
    assert (
        login(actors.org_admin, actors.buyer_org).post(reverse("insights:surveys"), data).status_code == 403
    )
    response = login(actors.staff, actors.mps_org).post(reverse("insights:surveys"), data)
    assert response["Location"] == reverse("insights:survey_edit", args=[2030])
