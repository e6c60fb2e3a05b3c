"""Imports of FOCUS cost data: the run, what it found, and which Parquet files are the current data per billing
period. The cost rows themselves live in Parquet under MPS_DATA_DIR (see `marketplace.finops.storage`); the app DB
holds only this metadata."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation

__all__ = [
    "BillingPeriodData",
    "ExchangeRate",
    "FocusImport",
    "ImportFinding",
    "ImportFormat",
    "ImportStatus",
    "Severity",
]


class ImportFormat(models.TextChoices):
    FOCUS = "focus", "FOCUS"
    AWS_CUR = "aws-cur", "AWS CUR"
    AZURE_EA = "azure-ea", "Azure EA/MCA"
    OCI = "oci", "OCI"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("I kø")
    RUNNING = "running", _("Pågår")
    DONE = "done", _("Ferdig")
    FAILED = "failed", _("Feilet")


class Severity(models.TextChoices):
    ERROR = "error", _("Feil")  # rows rejected or the file refused
    WARNING = "warning", _("Advarsel")  # not conformant, normalised or kept as is
    INFO = "info", _("Merknad")


class FocusImport(models.Model):
    """One run of `finops_import`: one or more files for one organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="focus_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_format = models.CharField(_("format"), max_length=20, choices=ImportFormat.choices)
    source_names = models.JSONField(_("filer"), default=list)
    focus_version = models.CharField(_("FOCUS-versjon"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    error = models.TextField(_("feil"), blank=True)
    bytes_total = models.BigIntegerField(_("byte totalt"), default=0)
    bytes_done = models.BigIntegerField(_("byte lest"), default=0)
    rows_loaded = models.BigIntegerField(_("rader lastet"), default=0)
    rows_rejected = models.BigIntegerField(_("rader avvist"), default=0)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ferdig"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("kostnadsimport")
        verbose_name_plural = _("kostnadsimporter")

    def __str__(self) -> str:
        return f"{self.organisation.orgnr} #{self.pk} {self.status}"


class ImportFinding(models.Model):
    """One conformance finding of an import (a rule that failed, on how many rows)."""

    focus_import = models.ForeignKey(FocusImport, on_delete=models.CASCADE, related_name="findings")
    rule_id = models.CharField(_("regel"), max_length=80)
    severity = models.CharField(_("alvorlighet"), max_length=10, choices=Severity.choices)
    column = models.CharField(_("kolonne"), max_length=80, blank=True)
    rows = models.BigIntegerField(_("rader"), default=0)
    message = models.TextField(_("melding"))

    class Meta:
        ordering = ["focus_import", "-rows", "rule_id"]
        verbose_name = _("funn")
        verbose_name_plural = _("funn")

    def __str__(self) -> str:
        return f"{self.rule_id} ({self.rows})"


class BillingPeriodData(models.Model):
    """The Parquet file holding one organisation's rows for one billing period from one import.

    Exactly one row per (organisation, billing period) is current; re-importing a period makes the new file current
    and the old one not, in one transaction, so readers never see both (no double counting) or neither."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="billing_period_data"
    )
    focus_import = models.ForeignKey(FocusImport, on_delete=models.CASCADE, related_name="periods")
    billing_period = models.DateField(_("faktureringsperiode"))  # the first day of the month
    path = models.CharField(_("fil"), max_length=500)  # relative to MPS_DATA_DIR
    rows = models.BigIntegerField(_("rader"), default=0)
    is_current = models.BooleanField(_("gjeldende"), default=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        ordering = ["organisation", "billing_period", "-created_at"]
        verbose_name = _("periodedata")
        verbose_name_plural = _("periodedata")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "billing_period"],
                condition=Q(is_current=True),
                name="billing_period_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.orgnr} {self.billing_period:%Y-%m}"


class ExchangeRate(models.Model):
    """Units of NOK for one unit of `currency` in a month (Norges Bank's monthly average is the usual source)."""

    currency = models.CharField(_("valuta"), max_length=3)
    month = models.DateField(_("måned"))  # the first day of the month
    nok_per_unit = models.DecimalField(_("NOK per enhet"), max_digits=18, decimal_places=8)
    source = models.CharField(_("kilde"), max_length=200)

    class Meta:
        ordering = ["currency", "month"]
        verbose_name = _("valutakurs")
        verbose_name_plural = _("valutakurser")
        constraints = [
            models.UniqueConstraint(fields=["currency", "month"], name="exchange_rate_unique"),
            models.CheckConstraint(condition=Q(nok_per_unit__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.month:%Y-%m} {self.nok_per_unit}"
