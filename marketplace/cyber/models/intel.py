"""CyberX models: threat intelligence. Owned by the intel area.

Feeds are versioned: every KEV import with a new `catalogVersion` is a new `KevCatalogue` whose entries point to it,
and every STIX import of a changed bundle is a new `StixBundle` version; "current" is the latest. Software the
organisations run (`SoftwareItem`: seen in a banner or generator tag, or declared) is matched against the current
KEV entries and the STIX indicators, and each match is one `ThreatAlert` (unique per organisation and match).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation

__all__ = [
    "AlertConfidence",
    "AlertKind",
    "AlertStatus",
    "KevCatalogue",
    "KevEntry",
    "SoftwareItem",
    "SoftwareSource",
    "StixBundle",
    "StixObject",
    "ThreatAlert",
]


class KevCatalogue(models.Model):
    """One imported version of the CISA Known Exploited Vulnerabilities catalogue."""

    version = models.CharField(_("katalogversjon"), max_length=40, unique=True)
    title = models.CharField(_("tittel"), max_length=200, blank=True)
    released_at = models.DateTimeField(_("publisert"))
    count = models.PositiveIntegerField(_("antall"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    imported_at = models.DateTimeField(_("importert"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-released_at", "-pk"]
        verbose_name = _("KEV-katalog")
        verbose_name_plural = _("KEV-kataloger")

    def __str__(self) -> str:
        return f"KEV {self.version}"


class KevEntry(models.Model):
    catalogue = models.ForeignKey(KevCatalogue, on_delete=models.CASCADE, related_name="entries")
    cve_id = models.CharField(_("CVE"), max_length=30)
    vendor_project = models.CharField(_("leverandør/prosjekt"), max_length=200)
    product = models.CharField(_("produkt"), max_length=300)
    name = models.CharField(_("navn"), max_length=500)
    date_added = models.DateField(_("lagt til"))
    due_on = models.DateField(_("frist"))
    ransomware_known = models.BooleanField(_("brukt i løsepengevirus"), default=False)
    short_description = models.TextField(_("beskrivelse"))
    required_action = models.TextField(_("påkrevd tiltak"))
    notes = models.TextField(_("merknader"), blank=True)
    cwes = models.JSONField(_("CWE"), default=list, blank=True)

    class Meta:
        ordering = ["-date_added", "cve_id"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "cve_id"], name="cyber_kev_entry_unique"),
        ]
        indexes = [models.Index(fields=["cve_id"], name="cyber_kev_entry_cve")]
        verbose_name = _("KEV-oppføring")
        verbose_name_plural = _("KEV-oppføringer")

    def __str__(self) -> str:
        return f"{self.cve_id} {self.vendor_project} {self.product}"


class StixBundle(models.Model):
    """One imported version of a STIX 2.1 bundle (same bundle id, changed content: next version)."""

    bundle_id = models.CharField(_("bundle-id"), max_length=100)
    version = models.PositiveIntegerField(_("versjon"))
    filename = models.CharField(_("filnavn"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    object_count = models.PositiveIntegerField(_("antall objekter"))
    imported_at = models.DateTimeField(_("importert"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["bundle_id", "version"], name="cyber_stix_bundle_version_unique"),
        ]
        verbose_name = _("STIX-pakke")
        verbose_name_plural = _("STIX-pakker")

    def __str__(self) -> str:
        return f"{self.bundle_id} v{self.version}"


class StixObject(models.Model):
    bundle = models.ForeignKey(StixBundle, on_delete=models.CASCADE, related_name="stix_objects")
    type = models.CharField(_("type"), max_length=60)
    stix_id = models.CharField(_("STIX-id"), max_length=120)
    spec_version = models.CharField(_("spesifikasjonsversjon"), max_length=10, blank=True)
    name = models.CharField(_("navn"), max_length=500, blank=True)
    pattern = models.TextField(_("mønster"), blank=True)
    pattern_type = models.CharField(_("mønstertype"), max_length=30, blank=True)
    valid_from = models.DateTimeField(_("gyldig fra"), null=True, blank=True)
    valid_until = models.DateTimeField(_("gyldig til"), null=True, blank=True)
    modified = models.CharField(_("endret"), max_length=40, blank=True)
    cve_ids = models.JSONField(_("CVE-er"), default=list, blank=True)
    raw = models.JSONField(_("objekt"), default=dict)

    class Meta:
        ordering = ["type", "stix_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bundle", "stix_id", "modified"], name="cyber_stix_object_unique"
            ),
        ]
        indexes = [models.Index(fields=["type", "bundle"], name="cyber_stix_object_type")]
        verbose_name = _("STIX-objekt")
        verbose_name_plural = _("STIX-objekter")

    def __str__(self) -> str:
        return self.name or self.stix_id


class SoftwareSource(models.TextChoices):
    BANNER = "banner", _("Serverbanner")
    GENERATOR = "generator", _("Generator-tagg")
    DECLARED = "declared", _("Oppgitt av virksomheten")


class SoftwareItem(models.Model):
    """A piece of software an organisation runs on a host, with its identity normalised to CPE 2.3 / purl."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cyber_software")
    asset = models.ForeignKey(
        "cyber.Asset", on_delete=models.SET_NULL, null=True, blank=True, related_name="software"
    )
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cyber_software",
        help_text=_("Tjenesten i katalogen programvaren er en del av, om noen."),
    )
    asset_name = models.CharField(_("vertsnavn"), max_length=253, blank=True)
    source = models.CharField(_("kilde"), max_length=10, choices=SoftwareSource.choices)
    product_string = models.CharField(_("oppgitt som"), max_length=300)
    vendor = models.CharField(_("leverandør"), max_length=100, blank=True)
    product = models.CharField(_("produkt"), max_length=100, blank=True)
    version = models.CharField(_("versjon"), max_length=60, blank=True)
    cpe = models.CharField(_("CPE 2.3"), max_length=300, blank=True)
    purl = models.CharField(_("purl"), max_length=300, blank=True)
    kev_keys = models.JSONField(
        _("KEV-nøkler"), default=list, blank=True, help_text="normalised 'vendorproject|product' pairs"
    )
    created_at = models.DateTimeField(_("opprettet"))
    updated_at = models.DateTimeField(_("oppdatert"))

    class Meta:
        ordering = ["asset_name", "product", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "asset_name", "source", "product_string"],
                name="cyber_software_unique",
            ),
        ]
        verbose_name = _("programvare")
        verbose_name_plural = _("programvare")

    def __str__(self) -> str:
        return f"{self.display_name} @ {self.asset_name}" if self.asset_name else self.display_name

    @property
    def display_name(self) -> str:
        """What people call it: the text as given, or product and version for a CPE or purl."""
        if self.product_string.casefold().startswith("pkg:"):
            name = self.product_string.split("?")[0].split("#")[0].rsplit("/", 1)[-1]
            return name.replace("@", " ")
        if self.product_string.casefold().startswith("cpe:") and self.product:
            return " ".join(part for part in (self.product.replace("_", " "), self.version) if part)
        return self.product_string


class AlertKind(models.TextChoices):
    KEV = "kev", _("Kjent utnyttet sårbarhet (KEV)")
    STIX = "stix", _("Trusselindikator (STIX)")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Åpen")
    ACKNOWLEDGED = "acknowledged", _("Kvittert")
    RESOLVED = "resolved", _("Løst")


class AlertConfidence(models.TextChoices):
    CANDIDATE = "candidate", _("Mulig treff (produkt, ikke versjon)")
    EXACT = "exact", _("Eksakt treff")


class ThreatAlert(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cyber_alerts")
    kind = models.CharField(_("type"), max_length=5, choices=AlertKind.choices)
    match_key = models.CharField(_("treffnøkkel"), max_length=400)
    cve_id = models.CharField(_("CVE"), max_length=30, blank=True)
    indicator = models.CharField(_("indikator"), max_length=120, blank=True)
    matched_value = models.CharField(_("treff på"), max_length=300, blank=True)
    kev_entry = models.ForeignKey(
        KevEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stix_object = models.ForeignKey(
        StixObject, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    software = models.ForeignKey(
        SoftwareItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    asset = models.ForeignKey(
        "cyber.Asset", on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    asset_name = models.CharField(_("vertsnavn"), max_length=253, blank=True)
    title = models.CharField(_("tittel"), max_length=500, blank=True)
    due_on = models.DateField(_("frist"), null=True, blank=True)
    ransomware_known = models.BooleanField(_("brukt i løsepengevirus"), default=False)
    confidence = models.CharField(
        _("sikkerhet"), max_length=10, choices=AlertConfidence.choices, default=AlertConfidence.CANDIDATE
    )
    status = models.CharField(
        _("status"), max_length=14, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    created_at = models.DateTimeField(_("opprettet"))
    updated_at = models.DateTimeField(_("oppdatert"))
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["status", "due_on", "-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "match_key"], name="cyber_alert_unique_per_org_match"
            ),
        ]
        indexes = [models.Index(fields=["cve_id"], name="cyber_alert_cve")]
        verbose_name = _("trusselvarsel")
        verbose_name_plural = _("trusselvarsler")

    def __str__(self) -> str:
        return f"{self.organisation.orgnr} {self.kind} {self.cve_id or self.indicator}"
