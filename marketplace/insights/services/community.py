"""Expert groups and information meetings: apply/approve (seats enforced), plan meetings, register (capacity,
waiting list or refusal), cancel (the first on the waiting list moves up). MPS staff also create, edit and delete
groups (a group with members or applications is closed, not deleted) and edit, call off or delete meetings (a
meeting with registrations is called off, not deleted). Every write leaves an audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation
from marketplace.accounts.permissions import active_organisation
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.insights.models import (
    ExpertGroup,
    GroupMembership,
    Meeting,
    MeetingRegistration,
    MembershipStatus,
    RegistrationStatus,
)
from marketplace.insights.permissions import (
    can_apply_expert_group,
    can_manage_expert_groups,
    can_manage_meetings,
    can_register_meeting,
)

# --- expert groups ------------------------------------------------------------------------------------------------


def group_seats_taken(group: ExpertGroup) -> int:
    return group.memberships.filter(status=MembershipStatus.APPROVED).count()


@transaction.atomic
def group_apply(
    *, actor: Any, group: ExpertGroup, motivation: str = "", now: dt.datetime | None = None
) -> GroupMembership:
    if not can_apply_expert_group(actor):
        raise PermissionDenied(_("Ekspertgruppene er for brukere som handler for en offentlig virksomhet."))
    group = ExpertGroup.objects.select_for_update().get(pk=group.pk)
    if not group.is_open:
        raise Conflict(_("Gruppen tar ikke imot søknader nå."))
    if len(motivation) > 2000:
        raise ValidationFailed(
            _("Søknaden er ikke lagret."),
            errors=[{"field": "motivation", "message": _("Motivasjonen kan ha høyst 2000 tegn.")}],
        )
    if GroupMembership.objects.filter(
        group=group, user=actor, status__in=[MembershipStatus.PENDING, MembershipStatus.APPROVED]
    ).exists():
        raise Conflict(_("Du har allerede søkt eller er medlem."))
    now = now or timezone.now()
    organisation = cast(Organisation, active_organisation(actor))
    membership = GroupMembership.objects.create(
        group=group, user=actor, organisation=organisation, motivation=motivation.strip(), applied_at=now
    )
    audit_record(
        actor=actor, verb="insights.group_apply", target=membership, organisation=organisation,
        data={"group": group.slug}, now=now,
    )  # fmt: skip
    return membership


@transaction.atomic
def membership_decide(
    *,
    actor: Any,
    membership: GroupMembership,
    approve: bool,
    reason: str = "",
    now: dt.datetime | None = None,
) -> GroupMembership:
    """Approve (only while seats remain) or reject a pending application."""
    if not can_manage_expert_groups(actor):
        raise PermissionDenied(_("Bare MPS behandler søknader til ekspertgruppene."))
    group = ExpertGroup.objects.select_for_update().get(pk=membership.group_id)
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.PENDING:
        raise Conflict(_("Søknaden er allerede behandlet."))
    if approve and group_seats_taken(group) >= group.seats:
        raise Conflict(
            _("Alle %(seats)s plassene i %(group)s er tatt.") % {"seats": group.seats, "group": group.name}
        )
    now = now or timezone.now()
    membership.status = MembershipStatus.APPROVED if approve else MembershipStatus.REJECTED
    membership.decided_at = now
    membership.decided_by = actor
    membership.decision_reason = " ".join(reason.split())[:500]
    membership.save()
    audit_record(
        actor=actor,
        verb="insights.group_approve" if approve else "insights.group_reject",
        target=membership,
        organisation=membership.organisation,
        data={"group": group.slug, "user": membership.user_id, "reason": membership.decision_reason},
        now=now,
    )
    return membership


@transaction.atomic
def membership_withdraw(*, actor: Any, group: ExpertGroup, now: dt.datetime | None = None) -> GroupMembership:
    """The actor withdraws their pending application, or leaves the group (the seat is freed)."""
    membership = (
        GroupMembership.objects.select_for_update()
        .filter(group=group, user=actor, status__in=[MembershipStatus.PENDING, MembershipStatus.APPROVED])
        .first()
    )
    if membership is None:
        raise Conflict(_("Du har ingen søknad eller plass i denne gruppen."))
    now = now or timezone.now()
    was = membership.status
    membership.status = MembershipStatus.WITHDRAWN
    membership.decided_at = now
    membership.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=actor,
        verb="insights.group_withdraw",
        target=membership,
        organisation=membership.organisation,
        data={"group": group.slug, "was": was},
        now=now,
    )
    return membership


RESERVED_SLUGS = {"ny", "soknader"}  # paths under /innsikt/ekspertgrupper/


def _group_errors(*, name: str, purpose: str, seats: int) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    if not name.strip():
        errors.append({"field": "name", "message": _("Skriv et navn.")})
    elif len(name.strip()) > 120:
        errors.append({"field": "name", "message": _("Navnet kan ha høyst 120 tegn.")})
    if not purpose.strip():
        errors.append({"field": "purpose", "message": _("Beskriv formålet.")})
    if seats < 1:
        errors.append({"field": "seats", "message": _("Gruppen må ha minst én plass.")})
    return errors


@transaction.atomic
def group_create(*, actor: Any, name: str, purpose: str, seats: int, is_open: bool = True) -> ExpertGroup:
    if not can_manage_expert_groups(actor):
        raise PermissionDenied(_("Bare MPS oppretter og endrer ekspertgrupper."))
    errors = _group_errors(name=name, purpose=purpose, seats=seats)
    slug = slugify(name)[:40].strip("-")
    if not errors and (not slug or slug in RESERVED_SLUGS or ExpertGroup.objects.filter(slug=slug).exists()):
        errors.append({"field": "name", "message": _("Det finnes alt en gruppe med dette navnet.")})
    if errors:
        raise ValidationFailed(_("Gruppen er ikke lagret."), errors=errors)
    group = ExpertGroup.objects.create(
        slug=slug, name=" ".join(name.split()), purpose=purpose.strip(), seats=seats, is_open=is_open
    )
    audit_record(
        actor=actor, verb="insights.group_create", target=group,
        data={"name": group.name, "seats": seats, "is_open": is_open},
    )  # fmt: skip
    return group


@transaction.atomic
def group_update(
    *, actor: Any, group: ExpertGroup, name: str, purpose: str, seats: int, is_open: bool
) -> ExpertGroup:
    """Change a group's name, purpose, seats (never below its members) and whether it takes applications."""
    if not can_manage_expert_groups(actor):
        raise PermissionDenied(_("Bare MPS oppretter og endrer ekspertgrupper."))
    group = ExpertGroup.objects.select_for_update().get(pk=group.pk)
    errors = _group_errors(name=name, purpose=purpose, seats=seats)
    taken = group_seats_taken(group)
    if seats >= 1 and seats < taken:
        errors.append(
            {
                "field": "seats",
                "message": _("Gruppen har %(members)s medlemmer; antall plasser kan ikke være lavere.")
                % {"members": taken},
            }
        )
    if errors:
        raise ValidationFailed(_("Endringene er ikke lagret."), errors=errors)
    new = {"name": " ".join(name.split()), "purpose": purpose.strip(), "seats": seats, "is_open": is_open}
    changes = {
        field: [getattr(group, field), value]
        for field, value in new.items()
        if getattr(group, field) != value
    }
    if not changes:
        return group
    for field, value in new.items():
        setattr(group, field, value)
    group.save(update_fields=list(new))
    audit_record(actor=actor, verb="insights.group_update", target=group, data={"changes": changes})
    return group


@transaction.atomic
def group_delete(*, actor: Any, group: ExpertGroup) -> None:
    """Delete a group nobody has joined or applied to and no meeting belongs to; otherwise close it instead."""
    if not can_manage_expert_groups(actor):
        raise PermissionDenied(_("Bare MPS oppretter og endrer ekspertgrupper."))
    group = ExpertGroup.objects.select_for_update().get(pk=group.pk)
    if group.memberships.exists() or group.meetings.exists():
        raise Conflict(
            _(
                "Gruppen har medlemmer, søknader eller møter og kan ikke slettes. "
                "Steng den for søknader i stedet."
            )
        )
    audit_record(
        actor=actor, verb="insights.group_delete", target=group, data={"slug": group.slug, "name": group.name}
    )
    group.delete()


# --- meetings -----------------------------------------------------------------------------------------------------


def _meeting_errors(
    *, title: str, agenda: str, starts_at: dt.datetime, ends_at: dt.datetime, capacity: int, place: str,
    online_url: str,
) -> list[dict[str, str]]:  # fmt: skip
    errors: list[dict[str, str]] = []
    if not title.strip():
        errors.append({"field": "title", "message": _("Skriv en tittel.")})
    if not agenda.strip():
        errors.append({"field": "agenda", "message": _("Skriv agendaen.")})
    if ends_at <= starts_at:
        errors.append({"field": "ends_at", "message": _("Møtet må slutte etter at det starter.")})
    if capacity < 1:
        errors.append({"field": "capacity", "message": _("Møtet må ha minst én plass.")})
    if not place.strip() and not online_url.strip():
        errors.append({"field": "place", "message": _("Oppgi sted, lenke til nettmøte eller begge.")})
    return errors


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    title: str,
    agenda: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    place: str = "",
    online_url: str = "",
    has_waiting_list: bool = True,
    group: ExpertGroup | None = None,
) -> Meeting:
    if not can_manage_meetings(actor):
        raise PermissionDenied(_("Bare MPS planlegger møter."))
    errors = _meeting_errors(
        title=title, agenda=agenda, starts_at=starts_at, ends_at=ends_at, capacity=capacity, place=place,
        online_url=online_url,
    )  # fmt: skip
    if errors:
        raise ValidationFailed(_("Møtet er ikke lagret."), errors=errors)
    meeting = Meeting.objects.create(
        title=title.strip(), agenda=agenda.strip(), starts_at=starts_at, ends_at=ends_at, capacity=capacity,
        place=place.strip(), online_url=online_url.strip(), has_waiting_list=has_waiting_list, group=group,
    )  # fmt: skip
    audit_record(
        actor=actor, verb="insights.meeting_create", target=meeting,
        data={"title": meeting.title, "starts_at": starts_at.isoformat(), "capacity": capacity},
    )  # fmt: skip
    return meeting


def _registered_count(meeting: Meeting) -> int:
    return meeting.registrations.filter(status=RegistrationStatus.REGISTERED).count()


def _promote_waiting(meeting: Meeting) -> list[MeetingRegistration]:
    """Give free seats to the waiting list, first come first served; returns who moved up."""
    free = meeting.capacity - _registered_count(meeting)
    if free <= 0:
        return []
    promoted = list(
        meeting.registrations.filter(status=RegistrationStatus.WAITING).order_by("registered_at", "pk")[:free]
    )
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status"])
    return promoted


@transaction.atomic
def meeting_update(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    agenda: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    place: str = "",
    online_url: str = "",
    has_waiting_list: bool = True,
    group: ExpertGroup | None = None,
) -> Meeting:
    """Change a meeting that is not called off. The capacity never drops below the registered; more seats go to
    the waiting list first."""
    if not can_manage_meetings(actor):
        raise PermissionDenied(_("Bare MPS planlegger møter."))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.cancelled_at is not None:
        raise Conflict(_("Møtet er avlyst og kan ikke endres."))
    errors = _meeting_errors(
        title=title, agenda=agenda, starts_at=starts_at, ends_at=ends_at, capacity=capacity, place=place,
        online_url=online_url,
    )  # fmt: skip
    registered = _registered_count(meeting)
    if capacity >= 1 and capacity < registered:
        errors.append(
            {
                "field": "capacity",
                "message": _("%(registered)s er påmeldt; antall plasser kan ikke være lavere.")
                % {"registered": registered},
            }
        )
    if errors:
        raise ValidationFailed(_("Endringene er ikke lagret."), errors=errors)
    new: dict[str, Any] = {
        "title": title.strip(), "agenda": agenda.strip(), "starts_at": starts_at, "ends_at": ends_at,
        "capacity": capacity, "place": place.strip(), "online_url": online_url.strip(),
        "has_waiting_list": has_waiting_list, "group_id": group.pk if group else None,
    }  # fmt: skip
    changes = {
        field: [_plain(getattr(meeting, field)), _plain(value)]
        for field, value in new.items()
        if getattr(meeting, field) != value
    }
    if not changes:
        return meeting
    for field, value in new.items():
        setattr(meeting, field, value)
    meeting.save(update_fields=list(new))
    promoted = _promote_waiting(meeting)
    audit_record(
        actor=actor, verb="insights.meeting_update", target=meeting,
        data={"changes": changes, "promoted": [registration.pk for registration in promoted]},
    )  # fmt: skip
    return meeting


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


@transaction.atomic
def meeting_call_off(*, actor: Any, meeting: Meeting, reason: str, now: dt.datetime | None = None) -> Meeting:
    """Call off a meeting that has not started, with a reason shown on the page; registration closes and the
    registrations are kept."""
    if not can_manage_meetings(actor):
        raise PermissionDenied(_("Bare MPS planlegger møter."))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    now = now or timezone.now()
    reason = " ".join((reason or "").split())
    if meeting.cancelled_at is not None:
        raise Conflict(_("Møtet er allerede avlyst."))
    if meeting.starts_at <= now:
        raise Conflict(_("Møtet har startet og kan ikke avlyses."))
    if not reason:
        raise ValidationFailed(
            _("Møtet er ikke avlyst."), errors=[{"field": "reason", "message": _("Oppgi en grunn.")}]
        )
    if len(reason) > 500:
        raise ValidationFailed(
            _("Møtet er ikke avlyst."),
            errors=[{"field": "reason", "message": _("Grunnen kan ha høyst 500 tegn.")}],
        )
    meeting.cancelled_at = now
    meeting.cancel_reason = reason
    meeting.save(update_fields=["cancelled_at", "cancel_reason"])
    active = meeting.registrations.filter(
        status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITING]
    ).count()
    audit_record(
        actor=actor, verb="insights.meeting_call_off", target=meeting,
        data={"reason": reason, "registrations": active}, now=now,
    )  # fmt: skip
    return meeting


@transaction.atomic
def meeting_delete(*, actor: Any, meeting: Meeting) -> None:
    """Delete a meeting nobody has registered for and without slides; otherwise call it off instead."""
    if not can_manage_meetings(actor):
        raise PermissionDenied(_("Bare MPS planlegger møter."))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.registrations.exists() or meeting.attachments.exists():
        raise Conflict(
            _("Møtet har påmeldinger eller presentasjoner og kan ikke slettes. Avlys det i stedet.")
        )
    audit_record(
        actor=actor, verb="insights.meeting_delete", target=meeting,
        data={"title": meeting.title, "starts_at": meeting.starts_at.isoformat()},
    )  # fmt: skip
    meeting.delete()


@transaction.atomic
def meeting_register(*, actor: Any, meeting: Meeting, now: dt.datetime | None = None) -> MeetingRegistration:
    """A seat while there is one; then the waiting list (when the meeting has one), else refused."""
    if not can_register_meeting(actor):
        raise PermissionDenied(_("Påmelding er for brukere som handler for en offentlig virksomhet."))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    now = now or timezone.now()
    if meeting.cancelled_at is not None:
        raise Conflict(_("Møtet er avlyst."))
    if meeting.starts_at <= now:
        raise Conflict(_("Møtet har startet; påmeldingen er stengt."))
    if meeting.registrations.filter(
        user=actor, status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITING]
    ).exists():
        raise Conflict(_("Du er allerede påmeldt."))
    if _registered_count(meeting) < meeting.capacity:
        status = RegistrationStatus.REGISTERED
    elif meeting.has_waiting_list:
        status = RegistrationStatus.WAITING
    else:
        raise Conflict(_("Møtet er fullt."))
    organisation = cast(Organisation, active_organisation(actor))
    try:
        with transaction.atomic():
            registration = MeetingRegistration.objects.create(
                meeting=meeting, user=actor, organisation=organisation, status=status, registered_at=now
            )
    except IntegrityError:
        raise Conflict(_("Du er allerede påmeldt.")) from None
    audit_record(
        actor=actor, verb="insights.meeting_register", target=registration, organisation=organisation,
        data={"meeting": meeting.pk, "status": status}, now=now,
    )  # fmt: skip
    return registration


@transaction.atomic
def meeting_cancel(
    *, actor: Any, meeting: Meeting, now: dt.datetime | None = None
) -> tuple[MeetingRegistration, MeetingRegistration | None]:
    """Cancel the actor's own registration; the first on the waiting list gets the seat. Returns (cancelled,
    promoted or None)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    now = now or timezone.now()
    registration = meeting.registrations.filter(
        user=actor, status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITING]
    ).first()
    if registration is None:
        raise Conflict(_("Du er ikke påmeldt."))
    if meeting.starts_at <= now:
        raise Conflict(_("Møtet har startet; påmeldingen kan ikke endres."))
    had_seat = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    promoted = None
    if had_seat:
        promoted = (
            meeting.registrations.filter(status=RegistrationStatus.WAITING)
            .order_by("registered_at", "pk")
            .first()
        )
        if promoted is not None and _registered_count(meeting) < meeting.capacity:
            promoted.status = RegistrationStatus.REGISTERED
            promoted.save(update_fields=["status"])
        else:
            promoted = None
    audit_record(
        actor=actor, verb="insights.meeting_cancel", target=registration, organisation=registration.organisation,
        data={"meeting": meeting.pk, "promoted": promoted.pk if promoted else None}, now=now,
    )  # fmt: skip
    return registration, promoted
