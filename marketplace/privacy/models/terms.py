"""Contract-term checks against the MPS baseline (data/terms_baseline.json): one check per framework contract (made
by MPS category managers) or per service in use (made by the buyer organisation), one item per baseline topic."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation
from marketplace.catalogue.models import Contract
from marketplace.privacy.models.usage import ServiceInUse


class TermStatus(models.TextChoices):
    MEETS = "meets", _("Oppfyller")
    DEVIATES = "deviates", _("Avviker")
    MISSING = "missing", _("Mangler")


class TermCheck(models.Model):
    contract = models.OneToOneField(
        Contract,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kontrakt"),
    )
    service_in_use = models.OneToOneField(
        ServiceInUse,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="term_check",
        verbose_name=_("tjeneste i bruk"),
    )
    # The buyer organisation that owns a check of a service in use; empty for a framework contract's check (MPS).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("merknad"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("vurdert"))

    class Meta:
        verbose_name = _("vilkårsvurdering")
        verbose_name_plural = _("vilkårsvurderinger")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(contract__isnull=False) & Q(service_in_use__isnull=True) & Q(organisation__isnull=True)
                )
                | (
                    Q(contract__isnull=True) & Q(service_in_use__isnull=False) & Q(organisation__isnull=False)
                ),
                name="privacy_term_check_one_subject",
            ),
        ]

    def __str__(self) -> str:
        subject = self.contract if self.contract_id else self.service_in_use
        return f"{_('Vilkårsvurdering')}: {subject}"


class TermCheckItem(models.Model):
    term_check = models.ForeignKey(TermCheck, on_delete=models.CASCADE, related_name="items")
    topic = models.CharField(_("tema"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=TermStatus.choices)
    deviation_text = models.TextField(_("avvik / merknad"), blank=True)

    class Meta:
        ordering = ["term_check", "id"]
        verbose_name = _("vilkårstema")
        verbose_name_plural = _("vilkårstemaer")
        constraints = [
            models.UniqueConstraint(fields=["term_check", "topic"], name="privacy_term_item_once"),
            models.CheckConstraint(
                condition=Q(status__in=TermStatus.values), name="privacy_term_item_status"
            ),
            models.CheckConstraint(
                condition=~Q(status=TermStatus.DEVIATES) | ~Q(deviation_text=""),
                name="privacy_term_item_deviation_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic}: {self.status}"
