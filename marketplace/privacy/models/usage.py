"""Services an organisation uses: from the catalogue (usually through a call-off) or from outside it.

Assessments, term checks of services in use, exit plans and exit-cost estimates hang off these rows; "share of
services in use with a completed assessment" (insights) counts them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation
from marketplace.catalogue.models import Service


class ServiceInUse(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="services_in_use")
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("tjeneste")
    )
    calloff = models.ForeignKey(
        "calloffs.CallOff", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # For a service outside the catalogue (blank when `service` is set: its name and supplier come from there).
    name = models.CharField(_("tjenestens navn"), max_length=200, blank=True)
    supplier_name = models.CharField(_("leverandør"), max_length=200, blank=True)
    started_on = models.DateField(_("tatt i bruk"), null=True, blank=True)
    ended_on = models.DateField(_("avsluttet"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registrert"))

    class Meta:
        verbose_name = _("tjeneste i bruk")
        verbose_name_plural = _("tjenester i bruk")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "service"],
                condition=Q(service__isnull=False),
                name="privacy_service_in_use_once",
            ),
            models.CheckConstraint(
                condition=Q(service__isnull=False) | ~Q(name=""), name="privacy_service_in_use_named"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="privacy_service_in_use_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.service.name if self.service is not None else self.name
