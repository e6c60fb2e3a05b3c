"""GDPR/transfer assessments of a cloud service by a buyer organisation (CNIL PIA-style, EDPB transfer mapping).

An assessment has processing records, the provider's own purposes, transfer-map rows, three CNIL risks, an action
plan, a DPO opinion and a state. Every sign-off freezes an `AssessmentVersion` snapshot. Templates (organisation
empty, `is_template`) are copied by organisations and adapted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation
from marketplace.catalogue.models import Service
from marketplace.privacy.models.usage import ServiceInUse


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    IN_REVIEW = "in_review", _("Til gjennomgang")
    SIGNED_OFF = "signed_off", _("Godkjent")


class LegalBasis(models.TextChoices):
    A = "a", _("Art. 6(1)(a) samtykke")
    B = "b", _("Art. 6(1)(b) avtale")
    C = "c", _("Art. 6(1)(c) rettslig forpliktelse")
    D = "d", _("Art. 6(1)(d) vitale interesser")
    E = "e", _("Art. 6(1)(e) allmennhetens interesse / offentlig myndighet")
    F = "f", _("Art. 6(1)(f) berettiget interesse")


class ProviderBasis(models.TextChoices):
    NONE = "none", _("Ikke noe grunnlag")
    UNKNOWN = "unknown", _("Ukjent")
    COMPATIBLE = "compatible", _("Forenlig viderebehandling (art. 6(4))")
    LAW = "law", _("Hjemmel i lov")
    ANONYMISED = "anonymised", _("Anonymisert før utlevering")


class TransferTool(models.TextChoices):
    NONE = "", _("Ikke valgt")
    ADEQUACY = "adequacy", _("Adekvansbeslutning (art. 45)")
    SCC = "scc", _("Standardavtaler (art. 46(2)(c))")
    BCR = "bcr", _("Bindende virksomhetsregler (art. 47)")
    CODE = "code", _("Atferdsnorm (art. 46(2)(e))")
    CERTIFICATION = "certification", _("Sertifisering (art. 46(2)(f))")
    AD_HOC = "ad_hoc", _("Særskilte klausuler (art. 46(3)(a))")
    DEROGATION = "derogation", _("Unntak (art. 49)")


class ResidualRisk(models.TextChoices):
    NONE = "", _("Ikke vurdert")
    LOW = "low", _("Lav")
    MEDIUM = "medium", _("Middels")
    HIGH = "high", _("Høy")


class FearedEvent(models.TextChoices):
    ILLEGITIMATE_ACCESS = "illegitimate_access", _("Uautorisert tilgang")
    UNWANTED_MODIFICATION = "unwanted_modification", _("Uønsket endring")
    DISAPPEARANCE = "disappearance", _("Tap av data")


class RiskScale(models.IntegerChoices):
    NEGLIGIBLE = 1, _("Ubetydelig")
    LIMITED = 2, _("Begrenset")
    SIGNIFICANT = 3, _("Betydelig")
    MAXIMUM = 4, _("Maksimal")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    IN_PROGRESS = "in_progress", _("Pågår")
    DONE = "done", _("Utført")


class Assessment(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="privacy_assessments"
    )
    is_template = models.BooleanField(_("mal"), default=False)
    template_key = models.SlugField(_("malnøkkel"), max_length=50, blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("tittel"), max_length=200)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("tjeneste")
    )
    service_in_use = models.ForeignKey(
        ServiceInUse, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments"
    )
    service_name = models.CharField(_("tjenestens navn"), max_length=200)
    supplier_name = models.CharField(_("leverandør"), max_length=200, blank=True)
    # Copied from the catalogue when started: {"copied_at", "sub_processors": [{name, country, purpose}],
    # "data_locations": [{country, region}]}; provenance of the prefill.
    catalogue_facts = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("status"), max_length=20, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    version = models.PositiveIntegerField(_("versjon"), default=1)
    assessed_on = models.DateField(_("vurderingsdato"))
    review_on = models.DateField(_("neste revisjon"), null=True, blank=True)
    provider_purposes_known = models.BooleanField(_("leverandørens egne formål er kartlagt"), default=False)
    is_limited_to_instructions = models.BooleanField(
        _("behandlingen er begrenset til dokumenterte instrukser"), null=True, blank=True
    )
    has_disclosure_clause = models.BooleanField(
        _("avtalen begrenser utlevering til myndigheter"), null=True, blank=True
    )
    dpo_opinion = models.TextField(_("personvernombudets uttalelse"), blank=True)
    needs_review = models.BooleanField(_("må revurderes"), default=False)
    review_reason = models.TextField(_("hvorfor revurdering"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("opprettet"))
    updated_at = models.DateTimeField(_("endret"))
    signed_off_at = models.DateTimeField(_("godkjent"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("personvernvurdering")
        verbose_name_plural = _("personvernvurderinger")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_template=True) | Q(organisation__isnull=False), name="privacy_assessment_owner"
            ),
            models.CheckConstraint(
                condition=Q(review_on__isnull=True) | Q(review_on__gt=models.F("assessed_on")),
                name="privacy_assessment_review_after",
            ),
            models.CheckConstraint(
                condition=Q(state__in=AssessmentState.values), name="privacy_assessment_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProcessingRecord(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="processing")
    purpose = models.CharField(_("formål"), max_length=300)
    data_category = models.CharField(_("kategori personopplysninger"), max_length=200)
    data_subjects = models.CharField(_("registrerte"), max_length=200)
    legal_basis = models.CharField(_("behandlingsgrunnlag"), max_length=1, choices=LegalBasis.choices)
    is_special = models.BooleanField(_("særlige kategorier (art. 9/10)"), default=False)
    special_condition = models.CharField(_("vilkår etter art. 9(2)/10"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.purpose}: {self.data_category}"


class ProviderPurpose(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="provider_purposes")
    purpose = models.CharField(_("leverandørens formål"), max_length=200)
    legal_basis = models.CharField(_("grunnlag"), max_length=20, choices=ProviderBasis.choices)
    note = models.CharField(_("merknad"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.purpose


class TransferRow(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="transfers")
    data_category = models.CharField(_("data"), max_length=200)
    recipient = models.CharField(_("mottaker"), max_length=200)
    country = models.CharField(_("land (ISO 3166-1)"), max_length=2)
    purpose = models.CharField(_("formål"), max_length=300)
    is_onward = models.BooleanField(_("videreoverføring"), default=False)
    is_dpf_certified = models.BooleanField(_("DPF-sertifisert mottaker"), default=False)
    is_commercial = models.BooleanField(_("kommersiell mottaker"), default=True)
    tool = models.CharField(_("overføringsgrunnlag"), max_length=20, choices=TransferTool.choices, blank=True)
    edpb_steps_done = models.PositiveSmallIntegerField(_("EDPB-trinn dokumentert (0–6)"), default=0)
    supplementary_measures = models.TextField(_("supplerende tiltak"), blank=True)
    residual_risk = models.CharField(_("restrisiko"), max_length=10, choices=ResidualRisk.choices, blank=True)
    review_on = models.DateField(_("revisjonsdato"), null=True, blank=True)
    source = models.CharField(_("kilde"), max_length=20, default="manual")  # "catalogue" when prefilled

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(edpb_steps_done__lte=6), name="privacy_transfer_edpb_steps_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.country})"


class RiskEntry(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="risks")
    event = models.CharField(_("fryktet hendelse"), max_length=30, choices=FearedEvent.choices)
    severity = models.PositiveSmallIntegerField(_("alvorlighet"), choices=RiskScale.choices, default=1)
    likelihood = models.PositiveSmallIntegerField(_("sannsynlighet"), choices=RiskScale.choices, default=1)
    measures = models.TextField(_("eksisterende eller planlagte tiltak"), blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "event"], name="privacy_risk_event_once")
        ]

    def __str__(self) -> str:
        return self.get_event_display()


class ActionItem(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    risk_event = models.CharField(_("gjelder risiko"), max_length=30, choices=FearedEvent.choices, blank=True)
    description = models.CharField(_("tiltak"), max_length=300)
    owner = models.CharField(_("ansvarlig"), max_length=200)
    due_on = models.DateField(_("frist"))
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default="planned")

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description


class AssessmentVersion(models.Model):
    """The frozen content of an assessment at a sign-off."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versjon"))
    snapshot = models.JSONField()
    signed_off_at = models.DateTimeField(_("godkjent"))
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="privacy_assessment_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} v{self.number}"


class AssessmentNotice(models.Model):
    """An in-app notice to the owners of an assessment (e.g. the catalogue changed the service's sub-processors)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="notices")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject
