"""Expert groups (apply, approve within seats) and meetings (capacity, waiting list or refusal, cancel, slides)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.insights.models import (
    Attachment,
    ExpertGroup,
    GroupMembership,
    Meeting,
    MeetingRegistration,
    MembershipStatus,
    RegistrationStatus,
)
from marketplace.insights.services import community as services
from marketplace.insights.services.knowledge import slides_add
from marketplace.insights.tests.knowledge.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def group():
    return ExpertGroup.objects.create(
        slug="finops", name="FinOps-ekspertgruppen", purpose="Erfaringer.", seats=1
    )


def test_apply_then_approve_until_seats_are_taken(actors, group):
    first = services.group_apply(
        actor=actors.buyer, group=group, motivation="Jeg leder FinOps-arbeidet.", now=NOW
    )
    second = services.group_apply(actor=actors.other_buyer, group=group, now=NOW)
    assert (first.status, first.organisation) == (MembershipStatus.PENDING, actors.buyer_org)
    services.membership_decide(actor=actors.staff, membership=first, approve=True, now=NOW)
    with pytest.raises(Conflict) as caught:
        services.membership_decide(actor=actors.staff, membership=second, approve=True, now=NOW)
    assert caught.value.message == "Alle 1 plassene i FinOps-ekspertgruppen er tatt."
    second.refresh_from_db()
    assert second.status == MembershipStatus.PENDING
    services.membership_decide(actor=actors.staff, membership=second, approve=False, reason="Fullt", now=NOW)
    second.refresh_from_db()
    assert (second.status, second.decision_reason, second.decided_by) == (
        MembershipStatus.REJECTED, "Fullt", actors.staff,
    )  # fmt: skip
    assert list(AuditEvent.objects.values_list("verb", flat=True)) == [
        "insights.group_apply",
        "insights.group_apply",
        "insights.group_approve",
        "insights.group_reject",
    ]


def test_apply_twice_refused_and_after_rejection_allowed(actors, group):
    membership = services.group_apply(actor=actors.buyer, group=group)
    with pytest.raises(Conflict):
        services.group_apply(actor=actors.buyer, group=group)
    services.membership_decide(actor=actors.staff, membership=membership, approve=False)
    services.group_apply(actor=actors.buyer, group=group)
    assert GroupMembership.objects.filter(user=actors.buyer).count() == 2


def test_withdraw_an_application_or_leave_the_group(actors, group):
    services.group_apply(actor=actors.buyer, group=group, now=NOW)
    withdrawn = services.membership_withdraw(actor=actors.buyer, group=group, now=NOW)
    assert (withdrawn.status, withdrawn.decided_at) == (MembershipStatus.WITHDRAWN, NOW)
    # nothing left to withdraw: refused, nothing changed
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as caught:
        services.membership_withdraw(actor=actors.buyer, group=group, now=NOW)
    assert caught.value.message == "Du har ingen søknad eller plass i denne gruppen."
    assert AuditEvent.objects.count() == events
    # a new application is allowed; once approved, leaving frees the only seat for the next applicant
    again = services.group_apply(actor=actors.buyer, group=group, now=NOW)
    services.membership_decide(actor=actors.staff, membership=again, approve=True, now=NOW)
    waiting = services.group_apply(actor=actors.other_buyer, group=group, now=NOW)
    services.membership_withdraw(actor=actors.buyer, group=group, now=NOW)
    assert services.group_seats_taken(group) == 0
    services.membership_decide(actor=actors.staff, membership=waiting, approve=True, now=NOW)
    assert list(GroupMembership.objects.filter(user=actors.buyer).values_list("status", flat=True).order_by("pk")) == [
        MembershipStatus.WITHDRAWN, MembershipStatus.WITHDRAWN,
    ]  # fmt: skip
    assert AuditEvent.objects.filter(verb="insights.group_withdraw").count() == 2


def test_supplier_and_staff_may_not_apply_closed_group_refuses(actors, group):
    for who in (actors.supplier, actors.staff):
        with pytest.raises(PermissionDenied):
            services.group_apply(actor=who, group=group)
    group.is_open = False
    group.save()
    with pytest.raises(Conflict):
        services.group_apply(actor=actors.buyer, group=group)
    assert (GroupMembership.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_only_staff_decides(actors, group):
    membership = services.group_apply(actor=actors.buyer, group=group)
    with pytest.raises(PermissionDenied):
        services.membership_decide(actor=actors.org_admin, membership=membership, approve=True)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING
    services.membership_decide(actor=actors.staff, membership=membership, approve=True)
    with pytest.raises(Conflict):
        services.membership_decide(actor=actors.staff, membership=membership, approve=False)


def _meeting(actors, *, capacity=1, waiting=True, starts=NOW + dt.timedelta(days=7)):
    return services.meeting_create(
        actor=actors.staff, title="Informasjonsmøte CIPS", agenda="1. Status", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1), capacity=capacity, place="DFØ, Oslo", has_waiting_list=waiting,
    )  # fmt: skip


def test_meeting_create_validation_and_permission(actors):
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=actors.buyer, title="T", agenda="A", starts_at=NOW, ends_at=NOW + dt.timedelta(hours=1),
            capacity=5, place="Oslo",
        )  # fmt: skip
    with pytest.raises(ValidationFailed) as caught:
        services.meeting_create(
            actor=actors.staff,
            title="",
            agenda="",
            starts_at=NOW,
            ends_at=NOW,
            capacity=0,
            place="",
            online_url="",
        )
    assert [e["field"] for e in caught.value.errors] == ["title", "agenda", "ends_at", "capacity", "place"]
    assert Meeting.objects.count() == 0


def test_register_waiting_list_and_promotion_on_cancel(actors):
    meeting = _meeting(actors, capacity=1)
    first = services.meeting_register(actor=actors.buyer, meeting=meeting, now=NOW)
    second = services.meeting_register(actor=actors.other_buyer, meeting=meeting, now=NOW)
    assert (first.status, second.status) == (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)
    with pytest.raises(Conflict):
        services.meeting_register(actor=actors.buyer, meeting=meeting, now=NOW)
    cancelled, promoted = services.meeting_cancel(actor=actors.buyer, meeting=meeting, now=NOW)
    assert (cancelled.status, promoted) == (RegistrationStatus.CANCELLED, second)
    second.refresh_from_db()
    assert second.status == RegistrationStatus.REGISTERED
    assert AuditEvent.objects.filter(verb="insights.meeting_cancel").get().data == {
        "meeting": meeting.pk,
        "promoted": second.pk,
    }
    # registering again after cancelling goes to the back of the queue
    again = services.meeting_register(actor=actors.buyer, meeting=meeting, now=NOW)
    assert again.status == RegistrationStatus.WAITING


def test_full_meeting_without_waiting_list_refuses(actors):
    meeting = _meeting(actors, capacity=1, waiting=False)
    services.meeting_register(actor=actors.buyer, meeting=meeting, now=NOW)
    with pytest.raises(Conflict) as caught:
        services.meeting_register(actor=actors.other_buyer, meeting=meeting, now=NOW)
    assert caught.value.message == "Møtet er fullt."
    assert MeetingRegistration.objects.count() == 1


def test_supplier_may_not_register_and_started_meeting_closed(actors):
    meeting = _meeting(actors, capacity=5)
    with pytest.raises(PermissionDenied):
        services.meeting_register(actor=actors.supplier, meeting=meeting, now=NOW)
    with pytest.raises(Conflict):
        services.meeting_register(actor=actors.buyer, meeting=meeting, now=meeting.starts_at)
    with pytest.raises(Conflict):
        services.meeting_cancel(actor=actors.buyer, meeting=meeting, now=NOW)
    assert MeetingRegistration.objects.count() == 0


def test_slides_only_after_start_and_only_staff(actors):
    meeting = _meeting(actors, starts=NOW - dt.timedelta(hours=2))
    upload = SimpleUploadedFile("lysark.pdf", PDF_BYTES, content_type="application/pdf")
    with pytest.raises(PermissionDenied):
        slides_add(actor=actors.buyer, meeting=meeting, upload=upload, now=NOW)
    future = _meeting(actors, starts=NOW + dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        slides_add(actor=actors.staff, meeting=future, upload=upload, now=NOW)
    assert Attachment.objects.count() == 0
    attachment = slides_add(actor=actors.staff, meeting=meeting, upload=upload, now=NOW)
    assert (attachment.meeting, attachment.article, attachment.filename) == (meeting, None, "lysark.pdf")
