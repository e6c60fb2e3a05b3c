"""Exit plans and exit-cost estimates of a service in use. Both belong to the organisation that uses the service."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.privacy.models.usage import ServiceInUse


class ExitPlan(models.Model):
    service_in_use = models.OneToOneField(ServiceInUse, on_delete=models.CASCADE, related_name="exit_plan")
    data_to_export = models.TextField(_("data som skal ut"))
    formats = models.CharField(_("formater"), max_length=300)
    time_needed_days = models.PositiveIntegerField(_("tid som trengs (dager)"))
    owner_name = models.CharField(_("ansvarlig"), max_length=200)
    notes = models.TextField(_("merknader"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("sist endret"))

    class Meta:
        verbose_name = _("exit-plan")
        verbose_name_plural = _("exit-planer")
        constraints = [
            models.CheckConstraint(condition=Q(time_needed_days__gte=1), name="privacy_exit_plan_days"),
        ]

    def __str__(self) -> str:
        return f"{_('Exit-plan')}: {self.service_in_use}"


class ExitStep(models.Model):
    plan = models.ForeignKey(ExitPlan, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("nummer"))
    description = models.CharField(_("steg"), max_length=500)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("exit-steg")
        verbose_name_plural = _("exit-steg")
        constraints = [models.UniqueConstraint(fields=["plan", "position"], name="privacy_exit_step_once")]

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"


class VolumeSource(models.TextChoices):
    ENTERED = "entered", _("Oppgitt av virksomheten")
    FINOPS = "finops", _("FinOps-data (lagring siste faktureringsperiode)")


class PriceSource(models.TextChoices):
    CATALOGUE = "catalogue", _("Tjenestens utgangsgebyr i katalogen")
    PRICE_LIST = "price_list", _("Prislinje for utgående trafikk i prislisten")
    ENTERED = "entered", _("Oppgitt av virksomheten")


class ExitCostEstimate(models.Model):
    """One estimate as computed (kept as history; the newest is shown)."""

    service_in_use = models.ForeignKey(ServiceInUse, on_delete=models.CASCADE, related_name="exit_estimates")
    volume_gb = models.DecimalField(_("datamengde (GB)"), max_digits=16, decimal_places=3)
    volume_source = models.CharField(_("kilde for datamengde"), max_length=10, choices=VolumeSource.choices)
    finops_period = models.DateField(_("faktureringsperiode"), null=True, blank=True)
    egress_price_per_gb_amount = models.DecimalField(
        _("utgangsgebyr per GB (NOK)"), max_digits=10, decimal_places=4
    )
    price_source = models.CharField(_("kilde for pris"), max_length=10, choices=PriceSource.choices)
    migration_hours = models.DecimalField(_("migreringsinnsats (timer)"), max_digits=9, decimal_places=1)
    hourly_rate_amount = models.DecimalField(_("timepris (NOK)"), max_digits=10, decimal_places=2)
    egress_amount = models.DecimalField(_("utgangsgebyr (NOK)"), max_digits=16, decimal_places=2)
    migration_amount = models.DecimalField(_("migrering (NOK)"), max_digits=16, decimal_places=2)
    total_amount = models.DecimalField(_("exit-kostnad (NOK)"), max_digits=16, decimal_places=2)
    has_technical_barriers = models.BooleanField(_("tekniske hindringer"), default=False)
    has_committed_spend = models.BooleanField(_("rabatt mot forpliktet forbruk"), default=False)
    has_licence_restrictions = models.BooleanField(_("lisensbegrensninger"), default=False)
    flags = models.JSONField(_("innlåsingsflagg (CMA)"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("beregnet"))

    class Meta:
        ordering = ["service_in_use", "-created_at", "-id"]
        verbose_name = _("exit-kostnad")
        verbose_name_plural = _("exit-kostnader")
        constraints = [
            models.CheckConstraint(
                condition=Q(volume_gb__gte=0) & Q(migration_hours__gte=0) & Q(hourly_rate_amount__gte=0),
                name="privacy_exit_estimate_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_in_use}: {self.total_amount} NOK"
