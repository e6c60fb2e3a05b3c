"""Expert groups and meetings reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from marketplace.insights.models import (
    ExpertGroup,
    GroupMembership,
    Meeting,
    MeetingRegistration,
    MembershipStatus,
    RegistrationStatus,
)


def group_list() -> QuerySet[ExpertGroup]:
    return ExpertGroup.objects.annotate(
        seats_taken=Count("memberships", filter=Q(memberships__status=MembershipStatus.APPROVED))
    ).order_by("name")


def group_get(slug: str) -> ExpertGroup:
    group = group_list().filter(slug=slug).first()
    if group is None:
        raise Http404
    return group


def group_members(group: ExpertGroup) -> QuerySet[GroupMembership]:
    return group.memberships.filter(status=MembershipStatus.APPROVED).select_related("user", "organisation")


def group_pending(group: ExpertGroup) -> QuerySet[GroupMembership]:
    return group.memberships.filter(status=MembershipStatus.PENDING).select_related("user", "organisation")


def membership_of(user: Any, group: ExpertGroup) -> GroupMembership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return group.memberships.filter(user=user).order_by("-applied_at", "-pk").first()


def membership_get(pk: int) -> GroupMembership:
    membership = GroupMembership.objects.filter(pk=pk).select_related("group").first()
    if membership is None:
        raise Http404
    return membership


def meeting_list(*, upcoming: bool, now: dt.datetime | None = None) -> QuerySet[Meeting]:
    now = now or timezone.now()
    meetings = Meeting.objects.select_related("group").annotate(
        registered=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)),
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)),
    )
    if upcoming:
        return meetings.filter(ends_at__gte=now).order_by("starts_at", "pk")
    return meetings.filter(ends_at__lt=now).order_by("-starts_at", "-pk")


def meeting_get(pk: int) -> Meeting:
    found = (
        Meeting.objects.select_related("group")
        .annotate(
            registered=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)),
            waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)),
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def registration_of(user: Any, meeting: Meeting) -> MeetingRegistration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return meeting.registrations.filter(
        user=user, status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITING]
    ).first()


def registration_list(meeting: Meeting) -> QuerySet[MeetingRegistration]:
    return meeting.registrations.exclude(status=RegistrationStatus.CANCELLED).select_related(
        "user", "organisation"
    )
