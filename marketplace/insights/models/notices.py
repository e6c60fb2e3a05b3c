"""Published procurement notices (eForms, from Doffin/TED) for the market analysis; see services/notices.py."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    PRIOR_INFORMATION = "prior_information", _("Forhåndskunngjøring")
    CONTRACT_NOTICE = "contract_notice", _("Kunngjøring av konkurranse")
    AWARD = "award", _("Kunngjøring av tildeling")
    VEAT = "veat", _("Intensjonskunngjøring (frivillig forhåndskunngjøring)")
    MODIFICATION = "modification", _("Kunngjøring av kontraktsendring")
    COMPLETION = "completion", _("Kunngjøring av fullført kontrakt")
    OTHER = "other", _("Annen kunngjøring")


class BuyerKind(models.TextChoices):
    STATE = "state", _("Statlig")
    MUNICIPALITY = "municipality", _("Kommune")
    COUNTY = "county", _("Fylkeskommune")
    OTHER = "other", _("Annen")


# eForms procedure types (BT-105) in Norwegian
PROCEDURE_LABELS = {
    "open": _("Åpen anbudskonkurranse"),
    "restricted": _("Begrenset anbudskonkurranse"),
    "neg-w-call": _("Konkurranse med forhandling"),
    "neg-wo-call": _("Forhandlet prosedyre uten forutgående kunngjøring"),
    "comp-dial": _("Konkurransepreget dialog"),
    "innovation": _("Innovasjonspartnerskap"),
    "comp-tend": _("Konkurranse (forenklet)"),
    "oth-single": _("Annen prosedyre i ett trinn"),
    "oth-mult": _("Annen prosedyre i flere trinn"),
}


class Notice(models.Model):
    """One notice, its latest version. Amounts in the notice's currency (`*_currency`); NOK analysis sums only
    NOK amounts and says how many notices it left out."""

    notice_id = models.CharField(_("kunngjørings-ID"), max_length=100, unique=True)
    version = models.PositiveIntegerField(_("versjon"))
    procedure_id = models.CharField(_("prosedyre-ID"), max_length=100, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=NoticeKind.choices)
    notice_type = models.CharField(_("eForms-type"), max_length=30, blank=True)
    subtype = models.CharField(_("undertype"), max_length=10, blank=True)
    legal_basis = models.CharField(_("rettslig grunnlag"), max_length=30, blank=True)
    is_national = models.BooleanField(_("nasjonal kunngjøring"), default=False)
    language = models.CharField(_("språk"), max_length=3, blank=True)
    issued_on = models.DateField(_("kunngjort"), db_index=True)
    title = models.CharField(_("tittel"), max_length=1000)
    description = models.TextField(_("beskrivelse"), blank=True)
    buyer_name = models.CharField(_("oppdragsgiver"), max_length=500)
    buyer_orgnr = models.CharField(_("organisasjonsnummer"), max_length=9, blank=True, db_index=True)
    buyer_company_id = models.CharField(_("oppdragsgivers ID"), max_length=100, blank=True)
    buyer_country = models.CharField(_("land"), max_length=3, blank=True)
    buyer_legal_type = models.CharField(_("oppdragsgivers rettslige form"), max_length=30, blank=True)
    buyer_kind = models.CharField(_("oppdragsgivertype"), max_length=20, choices=BuyerKind.choices)
    procedure_code = models.CharField(_("prosedyre"), max_length=30, blank=True)
    is_framework = models.BooleanField(_("rammeavtale"), default=False)
    contract_nature = models.CharField(_("kontraktens art"), max_length=30, blank=True)
    main_cpv = models.CharField(_("hoved-CPV"), max_length=8)
    cpv_codes = models.JSONField(_("CPV-koder"), default=list)
    estimated_amount = models.DecimalField(
        _("anslått verdi"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    estimated_currency = models.CharField(_("valuta (anslått)"), max_length=3, blank=True)
    awarded_amount = models.DecimalField(
        _("tildelt verdi"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    awarded_currency = models.CharField(_("valuta (tildelt)"), max_length=3, blank=True)
    tender_deadline_on = models.DateField(_("tilbudsfrist"), null=True, blank=True)
    changed_notice = models.CharField(_("endrer kunngjøring"), max_length=120, blank=True)
    change_reason = models.CharField(_("endringsgrunn"), max_length=60, blank=True)
    # for the analysis, kept in step by the import (services/notices.py): the year of issue; the value in NOK
    # (awarded if any, else estimated; None when not in NOK); whether the value is in another currency; whether the
    # value counts (not for prior information, modification, completion, change notices, nor for a contract notice
    # whose procedure has an award notice)
    issued_year = models.PositiveSmallIntegerField(_("år"))
    value_amount = models.DecimalField(
        _("verdi (NOK)"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    has_foreign_value = models.BooleanField(_("verdi i annen valuta"), default=False)
    is_value_counted = models.BooleanField(_("verdien telles"), default=False)
    is_cloud_relevant = models.BooleanField(_("relevant for sky"), default=False, db_index=True)
    relevance_reasons = models.JSONField(_("grunner til relevans"), default=list)
    source_file = models.CharField(_("kildefil"), max_length=300, blank=True)
    source_sha256 = models.CharField(_("SHA-256 av kildefilen"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("importert"))
    updated_at = models.DateTimeField(_("oppdatert"))

    class Meta:
        ordering = ["-issued_on", "notice_id"]
        verbose_name = _("kunngjøring")
        verbose_name_plural = _("kunngjøringer")
        indexes = [
            models.Index(fields=["is_cloud_relevant", "issued_on"], name="insights_notice_rel_issued"),
            models.Index(fields=["procedure_id", "kind"], name="insights_notice_proc_kind"),
            # the analysis cache's version (selectors/notices.py: notices_version) reads Max(updated_at)
            models.Index(fields=["updated_at"], name="insights_notice_updated"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(version__gte=1), name="insights_notice_version")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}-{self.version:02d} {self.title}"

    @property
    def procedure_label(self) -> str:
        return str(PROCEDURE_LABELS.get(self.procedure_code, self.procedure_code))


class NoticeLot(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="lots")
    lot_id = models.CharField(_("delkontrakt"), max_length=50)
    title = models.CharField(_("tittel"), max_length=1000, blank=True)
    main_cpv = models.CharField(_("hoved-CPV"), max_length=8, blank=True)
    cpv_codes = models.JSONField(_("CPV-koder"), default=list)
    estimated_amount = models.DecimalField(
        _("anslått verdi"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    estimated_currency = models.CharField(_("valuta"), max_length=3, blank=True)
    is_framework = models.BooleanField(_("rammeavtale"), default=False)

    class Meta:
        ordering = ["notice", "lot_id"]
        constraints = [models.UniqueConstraint(fields=["notice", "lot_id"], name="insights_noticelot_unique")]

    def __str__(self) -> str:
        return f"{self.lot_id} {self.title}"


class NoticeAward(models.Model):
    """A winning tender on one lot (the lead tenderer of a group)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="awards")
    lot_id = models.CharField(_("delkontrakt"), max_length=50, blank=True)
    winner_name = models.CharField(_("leverandør"), max_length=500)
    winner_orgnr = models.CharField(_("organisasjonsnummer"), max_length=9, blank=True, db_index=True)
    winner_company_id = models.CharField(_("leverandørens ID"), max_length=100, blank=True)
    winner_country = models.CharField(_("land"), max_length=3, blank=True)
    consortium_size = models.PositiveIntegerField(_("antall leverandører i gruppen"), default=1)
    amount = models.DecimalField(_("verdi"), max_digits=20, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("valuta"), max_length=3, blank=True)
    awarded_on = models.DateField(_("tildelt"), null=True, blank=True)

    class Meta:
        ordering = ["notice", "lot_id", "winner_name"]

    def __str__(self) -> str:
        return f"{self.lot_id} {self.winner_name}"
