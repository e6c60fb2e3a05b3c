"""The MPS programme status board: programmes with status, activities, next steps and phases/milestones by quarter.
Every change is kept as a `ProgrammeRevision` (who, when, what) besides the audit event."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ProgrammeStatus(models.TextChoices):
    ON_PLAN = "on_plan", _("I rute")
    AHEAD = "ahead", _("Foran plan")
    STARTING = "starting", _("Oppstart")
    BEHIND = "behind", _("Bak plan")


class Programme(models.Model):
    slug = models.SlugField(_("kortnavn"), max_length=50, unique=True)
    name = models.CharField(_("navn"), max_length=100)
    owner = models.CharField(_("eier"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=ProgrammeStatus.choices)
    current_activities = models.TextField(_("pågående aktiviteter"), blank=True)
    next_steps = models.TextField(_("neste steg"), blank=True)
    position = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    updated_at = models.DateTimeField(_("sist endret"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("program")
        verbose_name_plural = _("programmer")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProgrammeStatus.values), name="insights_programme_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammePhase(models.Model):
    """A phase (start quarter to end quarter) or a milestone (one quarter) of a programme's timeline."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="phases")
    title = models.CharField(_("tittel"), max_length=200)
    is_milestone = models.BooleanField(_("milepæl"), default=False)
    start_year = models.PositiveSmallIntegerField(_("startår"))
    start_quarter = models.PositiveSmallIntegerField(_("startkvartal"))
    end_year = models.PositiveSmallIntegerField(_("sluttår"))
    end_quarter = models.PositiveSmallIntegerField(_("sluttkvartal"))

    class Meta:
        ordering = ["start_year", "start_quarter", "end_year", "end_quarter", "id"]
        verbose_name = _("fase")
        verbose_name_plural = _("faser")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    start_quarter__gte=1, start_quarter__lte=4, end_quarter__gte=1, end_quarter__lte=4
                ),
                name="insights_phase_quarter_range",
            ),
            models.CheckConstraint(
                condition=Q(end_year__gt=F("start_year"))
                | Q(end_year=F("start_year"), end_quarter__gte=F("start_quarter")),
                name="insights_phase_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.name}: {self.title}"


class ProgrammeRevision(models.Model):
    """One change to a programme or its timeline: what changed (field → [before, after]) and the state after it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="revisions")
    summary = models.CharField(_("endring"), max_length=300)
    changes = models.JSONField(_("endringer"), default=dict)
    snapshot = models.JSONField(_("tilstand etter endringen"), default=dict)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("endret"))

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("programendring")
        verbose_name_plural = _("programendringer")

    def __str__(self) -> str:
        return f"{self.programme.name} {self.changed_at:%Y-%m-%d %H:%M}"


__all__ = ["Programme", "ProgrammePhase", "ProgrammeRevision", "ProgrammeStatus"]
