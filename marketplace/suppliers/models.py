"""Supplier register: partners/resellers and MoUs. Suppliers themselves are Organisations of kind 'supplier'."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation
from marketplace.catalogue.models import Lot
from marketplace.core.models import TimeStampedModel


class Reseller(TimeStampedModel):
    """A partner that may sell a framework supplier's services on one lot, for a period."""

    supplier = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="resellers")
    partner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="reseller_of")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="resellers")
    valid_from = models.DateField(_("gyldig fra"))
    valid_to = models.DateField(_("gyldig til"), null=True, blank=True)

    class Meta:
        ordering = ["supplier__name", "partner__name"]
        verbose_name = _("forhandler")
        verbose_name_plural = _("forhandlere")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "partner", "lot", "valid_from"], name="reseller_unique"
            ),
            models.CheckConstraint(condition=~Q(supplier=models.F("partner")), name="reseller_not_self"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="reseller_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} → {self.supplier} ({self.lot})"


class MoU(TimeStampedModel):
    """A memorandum of understanding between DFØ and a supplier (for example on licensing or terms)."""

    supplier = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="mous")
    title = models.CharField(_("tittel"), max_length=200)
    summary = models.TextField(_("sammendrag"), blank=True)
    signed_on = models.DateField(_("signert"))
    expires_on = models.DateField(_("utløper"), null=True, blank=True)

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = _("MoU")
        verbose_name_plural = _("MoU-er")

    def __str__(self) -> str:
        return self.title
