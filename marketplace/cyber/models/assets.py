"""Assets (what an organisation exposes on the internet) and scans of them. Owned by the core area.

A scan covers one organisation's assets at one moment; its results are one row per (target, check). Scores are
computed from the rows by `marketplace.cyber.scoring` and stored on the scan so history and trend are cheap.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation

__all__ = ["Asset", "AssetKind", "AssetSource", "Scan", "ScanResult", "ScanStatus"]


class AssetKind(models.TextChoices):
    DOMAIN = "domain", _("Domene")  # web, mail and DNS checks
    HOST = "host", _("Vertsnavn")  # web and TLS checks


class AssetSource(models.TextChoices):
    ENTERED = "entered", _("Registrert")
    IMPORTED = "imported", _("Importert (CSV)")
    DISCOVERED = "discovered", _("Funnet i DNS")


class Asset(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cyber_assets")
    name = models.CharField(_("navn"), max_length=253, help_text=_("Domene eller vertsnavn, små bokstaver."))
    kind = models.CharField(_("type"), max_length=10, choices=AssetKind.choices, default=AssetKind.DOMAIN)
    source = models.CharField(
        _("kilde"), max_length=12, choices=AssetSource.choices, default=AssetSource.ENTERED
    )
    discovered_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="discovered"
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="cyber_asset_unique_per_org"),
        ]
        verbose_name = _("ressurs")
        verbose_name_plural = _("ressurser")

    def __str__(self) -> str:
        return self.name


class ScanStatus(models.TextChoices):
    QUEUED = "queued", _("I kø")
    RUNNING = "running", _("Pågår")
    DONE = "done", _("Ferdig")
    FAILED = "failed", _("Feilet")


class Scan(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cyber_scans")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ScanStatus.choices, default=ScanStatus.QUEUED
    )
    error = models.TextField(_("feil"), blank=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ferdig"), null=True, blank=True)
    # Results, filled when done: 0-100 and A-F, category -> percentage, resolved records per target.
    score = models.PositiveSmallIntegerField(_("poeng"), null=True, blank=True)
    grade = models.CharField(_("karakter"), max_length=1, blank=True)
    category_scores = models.JSONField(_("kategorier"), default=dict, blank=True)
    resolved = models.JSONField(
        _("DNS-oppslag"),
        default=dict,
        blank=True,
        help_text="target -> {A: [...], AAAA: [...], MX: [...], NS: [...]}",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-finished_at"], name="cyber_scan_org_finished")]
        verbose_name = _("skanning")
        verbose_name_plural = _("skanninger")

    def __str__(self) -> str:
        return f"{self.organisation.orgnr} #{self.pk} {self.status}"


class ScanResult(models.Model):
    """One check on one target in one scan (`marketplace.cyber.checks.base.CheckResult` stored)."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="results")
    asset = models.ForeignKey(Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    target = models.CharField(_("mål"), max_length=300)
    check_id = models.CharField(_("kontroll"), max_length=80)
    category = models.CharField(_("kategori"), max_length=30)
    status = models.CharField(_("status"), max_length=12)
    level = models.CharField(_("nivå"), max_length=14)
    points = models.PositiveSmallIntegerField(_("poeng"))
    max_points = models.PositiveSmallIntegerField(_("maks poeng"))
    evidence = models.JSONField(_("observasjon"), default=dict, blank=True)

    class Meta:
        ordering = ["target", "category", "check_id"]
        constraints = [
            models.UniqueConstraint(fields=["scan", "target", "check_id"], name="cyber_result_unique"),
        ]
        verbose_name = _("kontrollresultat")
        verbose_name_plural = _("kontrollresultater")

    def __str__(self) -> str:
        return f"{self.target} {self.check_id} {self.status}"
