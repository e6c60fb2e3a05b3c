"""Editing, calling off and deleting meetings, expert groups and Skyforum questions: the services (rules, audit
events), the permission matrix of the new pages and the denied paths (nothing changes, no audit event)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.insights.models import (
    ExpertGroup,
    ForumAnswer,
    ForumQuestion,
    GroupMembership,
    Meeting,
    MeetingRegistration,
)
from marketplace.insights.services import community, forum
from marketplace.insights.tests.knowledge.conftest import ROLE_ORGS

pytestmark = pytest.mark.django_db
WHO = ["anonymous", "buyer", "org_admin", "other_buyer", "supplier", "staff"]
LOGIN = 302


@pytest.fixture
def world(actors):
    now = timezone.now()
    group = community.group_create(actor=actors.staff, name="CIPS-ekspertgruppen", purpose="Råd.", seats=2)
    empty_group = community.group_create(
        actor=actors.staff, name="Tom gruppe", purpose="Ingen ennå.", seats=5
    )
    meeting = community.meeting_create(
        actor=actors.staff, title="Informasjonsmøte", agenda="1. Status", starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=3, hours=1), capacity=1, place="Oslo", has_waiting_list=True,
    )  # fmt: skip
    empty_meeting = community.meeting_create(
        actor=actors.staff, title="Tomt møte", agenda="A", starts_at=now + dt.timedelta(days=4),
        ends_at=now + dt.timedelta(days=4, hours=1), capacity=10, online_url="https://møte.example/1",
    )  # fmt: skip
    question = forum.question_ask(actor=actors.buyer, title="Merking?", body="Hvordan merker dere?")
    answered = forum.question_ask(actor=actors.buyer, title="Exit?", body="Hvordan planlegger dere exit?")
    forum.answer_post(actor=actors.other_buyer, question=answered, body="Med en exitplan.")
    return {
        "group": group, "empty_group": empty_group, "meeting": meeting, "empty_meeting": empty_meeting,
        "question": question, "answered": answered,
    }  # fmt: skip


def client_for(actors, login, who) -> Client:
    if who == "anonymous":
        return Client()
    return login(getattr(actors, who), getattr(actors, ROLE_ORGS[who]))


# page -> expected GET status for WHO (anonymous, buyer, org_admin, other_buyer, supplier, staff)
MATRIX = [
    ("insights:group_create", lambda w: [], [LOGIN, 403, 403, 403, 403, 200]),
    ("insights:group_edit", lambda w: [w["group"].slug], [LOGIN, 403, 403, 403, 403, 200]),
    ("insights:meeting_edit", lambda w: [w["meeting"].pk], [LOGIN, 403, 403, 403, 403, 200]),
    # the asker (buyer) and MPS staff; other public bodies may read but not edit; suppliers never see the forum
    ("insights:forum_question_edit", lambda w: [w["question"].pk], [LOGIN, 200, 403, 403, 403, 200]),
]


@pytest.mark.parametrize(
    ("name", "args", "expected"), MATRIX, ids=[f"{m[0]}-{i}" for i, m in enumerate(MATRIX)]
)
def test_permission_matrix_of_the_edit_pages(actors, world, login, name, args, expected):
    url = reverse(name, args=args(world))
    got = [client_for(actors, login, who).get(url).status_code for who in WHO]
    assert got == expected


# POST-only actions -> expected status for WHO; 302 = done or refused with a message (checked below)
POST_MATRIX = [
    ("insights:group_delete", lambda w: [w["empty_group"].slug], [LOGIN, 403, 403, 403, 403, 302]),
    ("insights:meeting_call_off", lambda w: [w["meeting"].pk], [LOGIN, 403, 403, 403, 403, 302]),
    ("insights:meeting_delete", lambda w: [w["empty_meeting"].pk], [LOGIN, 403, 403, 403, 403, 302]),
    ("insights:forum_question_delete", lambda w: [w["question"].pk], [LOGIN, 302, 403, 403, 403, 302]),
]


@pytest.mark.parametrize(
    ("name", "args", "expected"), POST_MATRIX, ids=[f"{m[0]}-{i}" for i, m in enumerate(POST_MATRIX)]
)
def test_denied_posts_change_nothing(actors, world, login, name, args, expected):
    """Everyone who is refused leaves the data and the audit trail as they were."""
    url = reverse(name, args=args(world))
    for who, status in zip(WHO, expected, strict=True):
        if status == 302 and who != "anonymous":
            continue  # allowed: tested with its effect below
        events = AuditEvent.objects.count()
        counts = (ExpertGroup.objects.count(), Meeting.objects.count(), ForumQuestion.objects.count())
        response = client_for(actors, login, who).post(url, {"reason": "Fordi"})
        assert response.status_code == status, who
        assert AuditEvent.objects.count() == events
        assert (ExpertGroup.objects.count(), Meeting.objects.count(), ForumQuestion.objects.count()) == counts
        assert Meeting.objects.filter(cancelled_at__isnull=False).count() == 0


# --- meetings ------------------------------------------------------------------------------------------------------


def test_meeting_edit_through_the_view_more_seats_go_to_the_waiting_list(actors, world, login):
    meeting = world["meeting"]
    first = community.meeting_register(actor=actors.buyer, meeting=meeting)
    waiting = community.meeting_register(actor=actors.other_buyer, meeting=meeting)
    assert (first.status, waiting.status) == ("registered", "waiting")
    data = {"title": "Informasjonsmøte om sky", "agenda": "1. Status\n2. Spørsmål", "date": "2027-06-01",
            "start": "10:00", "end": "11:30", "place": "Oslo", "online_url": "", "capacity": "2",
            "has_waiting_list": "on"}  # fmt: skip
    before = AuditEvent.objects.count()
    assert login(actors.buyer, actors.buyer_org).post(reverse("insights:meeting_edit", args=[meeting.pk]), data).status_code == 403  # fmt: skip
    assert AuditEvent.objects.count() == before
    response = login(actors.staff, actors.mps_org).post(
        reverse("insights:meeting_edit", args=[meeting.pk]), data
    )
    assert response["Location"] == reverse("insights:meeting", args=[meeting.pk])
    meeting.refresh_from_db()
    assert (meeting.title, meeting.capacity) == ("Informasjonsmøte om sky", 2)
    assert meeting.starts_at == dt.datetime(2027, 6, 1, 8, 0, tzinfo=dt.UTC)  # 10:00 summer time in Oslo
    waiting.refresh_from_db()
    assert waiting.status == "registered"
    event = AuditEvent.objects.filter(verb="insights.meeting_update").get()
    assert event.data["changes"]["capacity"] == [1, 2]
    assert event.data["promoted"] == [waiting.pk]


def test_meeting_capacity_never_below_the_registered(actors, world):
    meeting = world["meeting"]
    community.meeting_register(actor=actors.buyer, meeting=meeting)
    community.meeting_update(
        actor=actors.staff, meeting=meeting, title="M", agenda="A", starts_at=meeting.starts_at,
        ends_at=meeting.ends_at, capacity=3, place="Oslo",
    )  # fmt: skip
    community.meeting_register(actor=actors.other_buyer, meeting=meeting)
    with pytest.raises(ValidationFailed) as raised:
        community.meeting_update(
            actor=actors.staff, meeting=meeting, title="M", agenda="A", starts_at=meeting.starts_at,
            ends_at=meeting.ends_at, capacity=1, place="Oslo",
        )  # fmt: skip
    assert raised.value.errors == [
        {"field": "capacity", "message": "2 er påmeldt; antall plasser kan ikke være lavere."}
    ]
    meeting.refresh_from_db()
    assert meeting.capacity == 3


def test_meeting_call_off_closes_registration_and_keeps_the_registrations(actors, world, login):
    meeting = world["meeting"]
    community.meeting_register(actor=actors.buyer, meeting=meeting)
    url = reverse("insights:meeting_call_off", args=[meeting.pk])
    staff = login(actors.staff, actors.mps_org)
    staff.post(url, {"reason": ""})  # no reason: refused with a message
    meeting.refresh_from_db()
    assert meeting.cancelled_at is None
    staff.post(url, {"reason": "Foredragsholder er syk"})
    meeting.refresh_from_db()
    assert meeting.cancelled_at is not None
    assert meeting.cancel_reason == "Foredragsholder er syk"
    assert MeetingRegistration.objects.get(meeting=meeting).status == "registered"
    event = AuditEvent.objects.filter(verb="insights.meeting_call_off").get()
    assert event.data == {"reason": "Foredragsholder er syk", "registrations": 1}
    page = login(actors.other_buyer, actors.other_org).get(reverse("insights:meeting", args=[meeting.pk]))
    text = page.content.decode()
    assert "Møtet er avlyst: Foredragsholder er syk" in text
    assert "Meld meg på" not in text
    with pytest.raises(Conflict):
        community.meeting_register(actor=actors.other_buyer, meeting=meeting)
    with pytest.raises(Conflict):
        community.meeting_update(
            actor=actors.staff, meeting=meeting, title="M", agenda="A", starts_at=meeting.starts_at,
            ends_at=meeting.ends_at, capacity=3, place="Oslo",
        )  # fmt: skip


def test_meeting_delete_only_without_registrations(actors, world, login):
    staff = login(actors.staff, actors.mps_org)
    community.meeting_register(actor=actors.buyer, meeting=world["meeting"])
    response = staff.post(reverse("insights:meeting_delete", args=[world["meeting"].pk]))
    assert response["Location"] == reverse("insights:meeting", args=[world["meeting"].pk])
    assert Meeting.objects.filter(pk=world["meeting"].pk).exists()
    response = staff.post(reverse("insights:meeting_delete", args=[world["empty_meeting"].pk]))
    assert response["Location"] == reverse("insights:meetings")
    assert not Meeting.objects.filter(pk=world["empty_meeting"].pk).exists()
    event = AuditEvent.objects.filter(verb="insights.meeting_delete").get()
    assert (event.target_id, event.data["title"]) == (str(world["empty_meeting"].pk), "Tomt møte")


# --- expert groups -------------------------------------------------------------------------------------------------


def test_group_create_edit_and_delete_through_the_views(actors, world, login):
    staff = login(actors.staff, actors.mps_org)
    response = staff.post(
        reverse("insights:group_create"),
        {"name": "FinOps-gruppen", "purpose": "Kostnader i skyen.", "seats": "8", "is_open": "on"},
    )
    assert response["Location"] == reverse("insights:group", args=["finops-gruppen"])
    duplicate = staff.post(
        reverse("insights:group_create"), {"name": "FinOps-gruppen", "purpose": "Igjen.", "seats": "3"}
    )
    assert duplicate.status_code == 422
    assert "Det finnes alt en gruppe med dette navnet." in duplicate.content.decode()
    staff.post(
        reverse("insights:group_edit", args=["finops-gruppen"]),
        {"name": "FinOps-ekspertgruppen", "purpose": "Kostnader i skyen.", "seats": "6"},
    )
    group = ExpertGroup.objects.get(slug="finops-gruppen")  # the address stays
    assert (group.name, group.seats, group.is_open) == ("FinOps-ekspertgruppen", 6, False)
    event = AuditEvent.objects.filter(verb="insights.group_update", target_id=str(group.pk)).get()
    assert event.data == {
        "changes": {
            "name": ["FinOps-gruppen", "FinOps-ekspertgruppen"],
            "seats": [8, 6],
            "is_open": [True, False],
        }
    }
    staff.post(reverse("insights:group_delete", args=["finops-gruppen"]))
    assert not ExpertGroup.objects.filter(slug="finops-gruppen").exists()
    assert AuditEvent.objects.filter(verb="insights.group_delete", target_id=str(group.pk)).count() == 1


def test_group_seats_never_below_members_and_no_delete_with_members(actors, world):
    group = world["group"]
    for user in (actors.buyer, actors.other_buyer):
        membership = community.group_apply(actor=user, group=group)
        community.membership_decide(actor=actors.staff, membership=membership, approve=True)
    with pytest.raises(ValidationFailed) as raised:
        community.group_update(
            actor=actors.staff, group=group, name=group.name, purpose="R.", seats=1, is_open=True
        )
    assert raised.value.errors == [
        {"field": "seats", "message": "Gruppen har 2 medlemmer; antall plasser kan ikke være lavere."}
    ]
    with pytest.raises(Conflict):
        community.group_delete(actor=actors.staff, group=group)
    with pytest.raises(PermissionDenied):
        community.group_update(
            actor=actors.org_admin, group=group, name="X", purpose="Y", seats=9, is_open=True
        )
    group.refresh_from_db()
    assert (group.name, group.seats, GroupMembership.objects.filter(group=group).count()) == (
        "CIPS-ekspertgruppen",
        2,
        2,
    )


# --- Skyforum questions --------------------------------------------------------------------------------------------


def test_asker_edits_the_question_and_the_page_says_so(actors, world, login):
    question = world["question"]
    url = reverse("insights:forum_question_edit", args=[question.pk])
    other = login(actors.other_buyer, actors.other_org)
    assert other.post(url, {"title": "Kapret", "body": "x"}).status_code == 403
    question.refresh_from_db()
    assert (question.title, question.edited_at) == ("Merking?", None)
    asker = login(actors.buyer, actors.buyer_org)
    empty = asker.post(url, {"title": "", "body": "Ny tekst"})
    assert empty.status_code == 422
    response = asker.post(url, {"title": "Merking av data?", "body": "Hvordan merker dere **data**?"})
    assert response["Location"] == reverse("insights:forum_question", args=[question.pk])
    question.refresh_from_db()
    assert question.title == "Merking av data?"
    assert question.body_html == "<p>Hvordan merker dere <strong>data</strong>?</p>"
    assert question.edited_at is not None
    event = AuditEvent.objects.filter(verb="insights.forum_edit").get()
    assert event.data == {"title": ["Merking?", "Merking av data?"], "body_changed": True}
    assert "endret" in asker.get(response["Location"]).content.decode()


def test_locked_thread_only_mps_edits(actors, world):
    question = world["question"]
    forum.question_set_locked(actor=actors.staff, question=question, locked=True)
    with pytest.raises(PermissionDenied):
        forum.question_edit(actor=actors.buyer, question=question, title="T", body="B")
    forum.question_edit(
        actor=actors.staff, question=question, title="Merking (MPS)", body="Hvordan merker dere?"
    )
    question.refresh_from_db()
    assert question.title == "Merking (MPS)"


def test_question_delete_asker_while_unanswered_mps_with_reason(actors, world, login):
    asker = login(actors.buyer, actors.buyer_org)
    answered = world["answered"]
    response = asker.post(reverse("insights:forum_question_delete", args=[answered.pk]))
    assert response["Location"] == reverse("insights:forum_question", args=[answered.pk])
    assert ForumQuestion.objects.filter(pk=answered.pk).exists()
    assert "Spørsmålet er besvart og kan ikke slettes." in asker.get(response["Location"]).content.decode()
    response = asker.post(reverse("insights:forum_question_delete", args=[world["question"].pk]))
    assert response["Location"] == reverse("insights:forum")
    assert not ForumQuestion.objects.filter(pk=world["question"].pk).exists()
    staff = login(actors.staff, actors.mps_org)
    staff.post(reverse("insights:forum_question_delete", args=[answered.pk]), {"reason": ""})
    assert ForumQuestion.objects.filter(pk=answered.pk).exists()  # MPS must give a reason
    staff.post(reverse("insights:forum_question_delete", args=[answered.pk]), {"reason": "Dobbeltpost"})
    assert not ForumQuestion.objects.filter(pk=answered.pk).exists()
    assert ForumAnswer.objects.count() == 0
    events = AuditEvent.objects.filter(verb="insights.forum_delete").order_by("pk")
    assert [(e.data["title"], e.data["answers"], e.data["reason"]) for e in events] == [
        ("Merking?", 0, ""),
        ("Exit?", 1, "Dobbeltpost"),
    ]
