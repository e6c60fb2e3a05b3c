"""Expert groups and information meetings (knowledge area).

An expert group (CIPS, FinOps, CyberX) has a purpose and a number of seats; users of public bodies apply and MPS
staff approve while seats remain. A meeting (an information meeting or an expert-group meeting) has an agenda, a
time (stored UTC, shown Europe/Oslo), a place and/or an online link and a capacity; registrations beyond capacity
go on a waiting list when the meeting has one, else they are refused. Slides are attachments after the meeting."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation

__all__ = [
    "ExpertGroup",
    "GroupMembership",
    "Meeting",
    "MeetingRegistration",
    "MembershipStatus",
    "RegistrationStatus",
]


class ExpertGroup(models.Model):
    slug = models.SlugField(_("kortnavn"), max_length=40, unique=True)
    name = models.CharField(_("navn"), max_length=120)
    purpose = models.TextField(_("formål"))
    seats = models.PositiveIntegerField(_("antall plasser"))
    is_open = models.BooleanField(_("åpen for søknader"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ekspertgruppe")
        verbose_name_plural = _("ekspertgrupper")

    def __str__(self) -> str:
        return self.name


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Venter på behandling")
    APPROVED = "approved", _("Medlem")
    REJECTED = "rejected", _("Avslått")
    WITHDRAWN = "withdrawn", _("Trukket")


class GroupMembership(models.Model):
    group = models.ForeignKey(ExpertGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.PENDING
    )
    motivation = models.TextField(_("motivasjon"), max_length=2000, blank=True)
    applied_at = models.DateTimeField(_("søkt"))
    decided_at = models.DateTimeField(_("behandlet"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_reason = models.CharField(_("begrunnelse"), max_length=500, blank=True)

    class Meta:
        ordering = ["applied_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="insights_group_one_active_membership",
            )
        ]
        verbose_name = _("medlemskap i ekspertgruppe")
        verbose_name_plural = _("medlemskap i ekspertgrupper")

    def __str__(self) -> str:
        return f"{self.group} – {self.user}"


class Meeting(models.Model):
    title = models.CharField(_("tittel"), max_length=200)
    group = models.ForeignKey(
        ExpertGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings",
        verbose_name=_("ekspertgruppe"),
    )  # fmt: skip
    agenda = models.TextField(_("agenda"))
    starts_at = models.DateTimeField(_("starter"))
    ends_at = models.DateTimeField(_("slutter"))
    place = models.CharField(_("sted"), max_length=200, blank=True)
    online_url = models.URLField(_("lenke til nettmøte"), blank=True)
    capacity = models.PositiveIntegerField(_("antall plasser"))
    has_waiting_list = models.BooleanField(_("venteliste når fullt"), default=True)
    # called off by MPS staff: the meeting stays listed as cancelled, registration is closed
    cancelled_at = models.DateTimeField(_("avlyst"), null=True, blank=True)
    cancel_reason = models.CharField(_("grunn til avlysning"), max_length=500, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="insights_meeting_ends_after_start"),
        ]  # fmt: skip
        verbose_name = _("møte")
        verbose_name_plural = _("møter")

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Påmeldt")
    WAITING = "waiting", _("På venteliste")
    CANCELLED = "cancelled", _("Avmeldt")


class MeetingRegistration(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    registered_at = models.DateTimeField(_("meldt på"))
    cancelled_at = models.DateTimeField(_("meldt av"), null=True, blank=True)

    class Meta:
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(status__in=["registered", "waiting"]),
                name="insights_meeting_one_active_registration",
            )
        ]
        verbose_name = _("påmelding")
        verbose_name_plural = _("påmeldinger")

    def __str__(self) -> str:
        return f"{self.meeting} – {self.user}"
