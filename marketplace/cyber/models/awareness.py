"""CyberX models: security-awareness training. Owned by the awareness area.

One `AwarenessRecord` per organisation and month (users enrolled, lessons sent, lessons completed); each comes from
an `AwarenessImport`. Importing a month again replaces that month's record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation

__all__ = ["AwarenessImport", "AwarenessRecord"]


class AwarenessImport(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="cyber_awareness_imports"
    )
    filename = models.CharField(_("filnavn"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rader"))
    periods = models.JSONField(_("måneder"), default=list)
    imported_at = models.DateTimeField(_("importert"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("import av opplæringsdata")
        verbose_name_plural = _("importer av opplæringsdata")

    def __str__(self) -> str:
        return f"{self.organisation.orgnr} {self.filename or self.pk}"


class AwarenessRecord(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="cyber_awareness_records"
    )
    period = models.DateField(_("måned"), help_text=_("Første dag i måneden."))
    users = models.PositiveIntegerField(_("brukere"))
    lessons_sent = models.PositiveIntegerField(_("leksjoner sendt"))
    lessons_completed = models.PositiveIntegerField(_("leksjoner fullført"))
    source_import = models.ForeignKey(
        AwarenessImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="records"
    )

    class Meta:
        ordering = ["organisation", "period"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "period"], name="cyber_awareness_unique_period"),
            models.CheckConstraint(
                condition=models.Q(lessons_completed__lte=models.F("lessons_sent")),
                name="cyber_awareness_completed_lte_sent",
            ),
        ]
        verbose_name = _("opplæringstall")
        verbose_name_plural = _("opplæringstall")

    def __str__(self) -> str:
        return f"{self.organisation.orgnr} {self.period:%Y-%m}"

    @property
    def completion_rate(self) -> float | None:
        """Completed / sent (0–1), or None when nothing was sent."""
        return self.lessons_completed / self.lessons_sent if self.lessons_sent else None
