"""Framework agreements, lots, contracts, price lists, services and shortlists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation
from marketplace.core.models import TimeStampedModel


class FrameworkCategory(models.TextChoices):
    CIPS = "cips", _("CIPS – infrastruktur og plattform")
    SAAS = "saas", _("SaaS")
    CYBERX = "cyberx", _("CyberX – sikkerhet")
    FINOPS = "finops", _("FinOps-verktøy")
    CLOUD_RA = "cloud_ra", _("Cloud Research & Advisory")
    OFFICE = "office", _("Kontorløsninger")
    OTHER = "other", _("Annet")


class Procedure(models.TextChoices):
    OPEN = "open", _("Åpen anbudskonkurranse")
    RESTRICTED = "restricted", _("Begrenset anbudskonkurranse")
    COMPETITIVE_DIALOGUE = "competitive_dialogue", _("Konkurransepreget dialog")
    NEGOTIATED = "negotiated", _("Konkurranse med forhandling")
    NATIONAL_NEGOTIATION = "national_negotiation", _("Konkurranse med forhandling (nasjonal)")


class Mechanism(models.TextChoices):
    DIRECT = "direct", _("Direkte avrop / tildeling etter rangering")
    DESK = "desk", _("Skrivebordskonkurranse")
    MINI_COMPETITION = "mini_competition", _("Minikonkurranse")


class CriterionKind(models.TextChoices):
    PRICE = "price", _("Pris")
    QUALITY = "quality", _("Kvalitet")
    OTHER = "other", _("Annet")


class FrameworkAgreement(TimeStampedModel):
    name = models.CharField(_("navn"), max_length=200)
    reference = models.CharField(_("saksnummer"), max_length=50, unique=True)
    category = models.CharField(_("kategori"), max_length=20, choices=FrameworkCategory.choices)
    procedure = models.CharField(_("prosedyre"), max_length=30, choices=Procedure.choices)
    description = models.TextField(_("beskrivelse"), blank=True)
    starts_on = models.DateField(_("gyldig fra"))
    ends_on = models.DateField(_("gyldig til"))
    max_value_amount = models.DecimalField(_("maksimal verdi (NOK)"), max_digits=16, decimal_places=2)
    participants = models.ManyToManyField(
        Organisation,
        related_name="framework_participations",
        blank=True,
        verbose_name=_("deltakende virksomheter"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("rammeavtale")
        verbose_name_plural = _("rammeavtaler")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="framework_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(max_value_amount__gte=0), name="framework_max_value_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(category__in=FrameworkCategory.values), name="framework_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FrameworkMechanism(models.Model):
    """A call-off mechanism the framework allows, with the objective rule that decides when it applies."""

    framework = models.ForeignKey(FrameworkAgreement, on_delete=models.CASCADE, related_name="mechanisms")
    mechanism = models.CharField(_("avropsform"), max_length=20, choices=Mechanism.choices)
    objective_rule = models.TextField(_("objektiv regel"))
    max_value_amount = models.DecimalField(
        _("beløpsgrense (NOK)"), max_digits=16, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("avropsform")
        verbose_name_plural = _("avropsformer")
        constraints = [
            models.UniqueConstraint(fields=["framework", "mechanism"], name="framework_mechanism_unique"),
        ]

    def __str__(self) -> str:
        return self.get_mechanism_display()


class FrameworkCriterion(models.Model):
    framework = models.ForeignKey(FrameworkAgreement, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("kriterium"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=CriterionKind.choices)
    weight_percent = models.DecimalField(_("vekt (%)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["-weight_percent", "name"]
        verbose_name = _("tildelingskriterium")
        verbose_name_plural = _("tildelingskriterier")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_percent__gt=0) & Q(weight_percent__lte=100), name="criterion_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight_percent} %)"


class Lot(models.Model):
    framework = models.ForeignKey(FrameworkAgreement, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("tittel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)

    class Meta:
        ordering = ["framework__name", "number"]
        verbose_name = _("delkontrakt")
        verbose_name_plural = _("delkontrakter")
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="lot_number_unique")]

    def __str__(self) -> str:
        return f"{self.framework.name} – {self.number}: {self.title}"


class Contract(TimeStampedModel):
    """A supplier's framework contract on one lot."""

    framework = models.ForeignKey(FrameworkAgreement, on_delete=models.PROTECT, related_name="contracts")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="contracts")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts")
    reference = models.CharField(_("kontraktsnummer"), max_length=60, unique=True)
    rank = models.PositiveSmallIntegerField(_("rangering"), null=True, blank=True)
    valid_from = models.DateField(_("gyldig fra"))
    valid_to = models.DateField(_("gyldig til"))

    class Meta:
        ordering = ["framework__name", "lot__number", "rank", "supplier__name"]
        verbose_name = _("kontrakt")
        verbose_name_plural = _("kontrakter")
        constraints = [
            models.UniqueConstraint(fields=["lot", "supplier"], name="contract_one_per_lot_supplier"),
            models.UniqueConstraint(fields=["lot", "rank"], name="contract_rank_unique_per_lot"),
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="contract_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.supplier.name}"


class ContractDocument(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("tittel"), max_length=200)
    file = models.FileField(_("fil"), upload_to="contracts/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("lastet opp"))

    class Meta:
        verbose_name = _("kontraktsdokument")
        verbose_name_plural = _("kontraktsdokumenter")

    def __str__(self) -> str:
        return self.title


class PriceUnit(models.TextChoices):
    VCPU_HOUR = "vcpu_hour", _("vCPU-time")
    GIB_RAM_HOUR = "gib_ram_hour", _("GiB RAM-time")
    GIB_MONTH = "gib_month", _("GiB-måned (lagring)")
    GB_EGRESS = "gb_egress", _("GB utgående trafikk")
    REQUEST_MILLION = "request_million", _("million forespørsler")
    USER_MONTH = "user_month", _("bruker-måned")
    ASSET_YEAR = "asset_year", _("objekt-år")
    DOMAIN_YEAR = "domain_year", _("domene-år")
    CONSULTING_HOUR = "consulting_hour", _("konsulenttime")
    INSTANCE_MONTH = "instance_month", _("instans-måned")
    UNIT_MONTH = "unit_month", _("enhet-måned")


class PriceList(models.Model):
    """One version of a contract's price list. Published versions are never changed; a change is a new version."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="price_lists")
    version = models.PositiveIntegerField(_("versjon"))
    valid_from = models.DateField(_("gyldig fra"))
    note = models.CharField(_("merknad"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("opprettet"))

    class Meta:
        ordering = ["contract", "-version"]
        verbose_name = _("prisliste")
        verbose_name_plural = _("prislister")
        constraints = [
            models.UniqueConstraint(fields=["contract", "version"], name="price_list_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} v{self.version}"


class PriceLine(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(_("varenummer"), max_length=80)
    description = models.CharField(_("beskrivelse"), max_length=300)
    unit = models.CharField(_("enhet"), max_length=30, choices=PriceUnit.choices)
    unit_price_amount = models.DecimalField(_("enhetspris (NOK)"), max_digits=14, decimal_places=4)

    class Meta:
        ordering = ["sku"]
        verbose_name = _("prislinje")
        verbose_name_plural = _("prislinjer")
        constraints = [
            models.UniqueConstraint(fields=["price_list", "sku"], name="price_line_sku_unique"),
            models.CheckConstraint(condition=Q(unit_price_amount__gte=0), name="price_line_nonnegative"),
            models.CheckConstraint(condition=Q(unit__in=PriceUnit.values), name="price_line_unit_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.unit_price_amount} NOK/{self.get_unit_display()}"


class ServiceModel(models.TextChoices):
    IAAS = "iaas", _("IaaS")
    PAAS = "paas", _("PaaS")
    SAAS = "saas", _("SaaS")
    SECURITY = "security", _("Sikkerhetstjeneste")
    ADVISORY = "advisory", _("Rådgivning")


class DeploymentModel(models.TextChoices):
    PUBLIC = "public", _("Offentlig sky")
    PRIVATE = "private", _("Privat sky")
    COMMUNITY = "community", _("Fellesskapssky")
    HYBRID = "hybrid", _("Hybrid sky")


class DataResidency(models.TextChoices):
    NORWAY = "norway", _("Kun Norge")
    EEA = "eea", _("EØS")
    THIRD_COUNTRY = "third_country", _("Tredjeland")


class PriceModel(models.TextChoices):
    PAY_AS_YOU_GO = "payg", _("Betal for forbruk")
    PER_USER = "per_user", _("Abonnement per bruker")
    FIXED_SUBSCRIPTION = "fixed", _("Fast abonnement")
    COMMITMENT = "commitment", _("Forpliktet forbruk / reservasjon")
    HOURLY = "hourly", _("Timepris")


class SupportHours(models.TextChoices):
    BUSINESS = "business", _("Kontortid (08–16)")
    EXTENDED = "extended", _("Utvidet (07–22)")
    ALWAYS = "24x7", _("Døgnåpen (24/7)")


class CyberxPhase(models.TextChoices):
    F1 = "f1", _("Fase 1 – synlighet")
    F2 = "f2", _("Fase 2 – produkter")
    F3 = "f3", _("Fase 3 – SOC/CERT/MSS")


class ServiceStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    SUBMITTED = "submitted", _("Sendt til godkjenning")
    PUBLISHED = "published", _("Publisert")
    WITHDRAWN = "withdrawn", _("Trukket tilbake")


class Service(TimeStampedModel):
    """A service a contract supplier lists under its lot.

    The row holds the live content. Edits to a published service wait in `pending_changes` until a category manager
    approves them; every approval stores a `ServiceVersion` snapshot.
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(_("navn"), max_length=200)
    summary = models.CharField(_("kort beskrivelse"), max_length=500)
    description = models.TextField(_("beskrivelse"), blank=True, help_text=_("Renset HTML"))
    service_model = models.CharField(_("tjenestemodell"), max_length=20, choices=ServiceModel.choices)
    deployment_model = models.CharField(_("leveransemodell"), max_length=20, choices=DeploymentModel.choices)
    # NIST SP 800-145 essential characteristics
    has_on_demand_self_service = models.BooleanField(_("selvbetjening ved behov"), default=False)
    has_broad_network_access = models.BooleanField(_("bred nettverkstilgang"), default=False)
    has_resource_pooling = models.BooleanField(_("ressursdeling"), default=False)
    has_rapid_elasticity = models.BooleanField(_("rask elastisitet"), default=False)
    has_measured_service = models.BooleanField(_("målt tjeneste"), default=False)
    is_cloud_service = models.GeneratedField(
        expression=Q(  # type: ignore[arg-type]
            has_on_demand_self_service=True,
            has_broad_network_access=True,
            has_resource_pooling=True,
            has_rapid_elasticity=True,
            has_measured_service=True,
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("er en skytjeneste"),
    )
    data_residency = models.CharField(
        _("datalokasjon"),
        max_length=20,
        choices=DataResidency.choices,
        default=DataResidency.THIRD_COUNTRY,
        help_text=_("Utledet av datalokasjonene ved lagring"),
    )
    price_model = models.CharField(_("prismodell"), max_length=20, choices=PriceModel.choices)
    price_list = models.ForeignKey(
        PriceList,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("prisliste"),
    )
    price_from_amount = models.DecimalField(
        _("pris fra (NOK)"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    price_unit = models.CharField(_("prisenhet"), max_length=30, choices=PriceUnit.choices, blank=True)
    sla_availability_percent = models.DecimalField(
        _("tilgjengelighet (SLA, %)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    support_hours = models.CharField(_("supporttid"), max_length=20, choices=SupportHours.choices)
    has_norwegian_support = models.BooleanField(_("support på norsk"), default=False)
    has_english_support = models.BooleanField(_("support på engelsk"), default=True)
    export_formats = models.CharField(_("eksportformater"), max_length=300, blank=True)
    egress_fee_per_gb_amount = models.DecimalField(
        _("utgangsgebyr per GB (NOK)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    exit_terms = models.TextField(_("exit-vilkår"), blank=True)
    data_deletion_days = models.PositiveIntegerField(
        _("sletting etter avslutning (dager)"), null=True, blank=True
    )
    wcag_statement_url = models.URLField(_("tilgjengelighetserklæring"), blank=True)
    cyberx_phase = models.CharField(_("CyberX-fase"), max_length=4, choices=CyberxPhase.choices, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.DRAFT
    )
    pending_changes = models.JSONField(_("endringer til godkjenning"), default=dict, blank=True)
    returned_reason = models.TextField(_("begrunnelse for retur"), blank=True)
    submitted_at = models.DateTimeField(_("sendt inn"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sendt inn av"),
    )
    published_at = models.DateTimeField(_("publisert"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tjeneste")
        verbose_name_plural = _("tjenester")
        indexes = [
            models.Index(fields=["status", "service_model"], name="service_status_model_idx"),
            models.Index(fields=["status", "data_residency"], name="service_status_residency_idx"),
            models.Index(fields=["status", "price_model"], name="service_status_price_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ServiceStatus.values), name="service_status_valid"),
            models.CheckConstraint(
                condition=Q(sla_availability_percent__isnull=True)
                | (Q(sla_availability_percent__gte=0) & Q(sla_availability_percent__lte=100)),
                name="service_sla_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def data_location_countries(self) -> list[str]:
        """Countries the data may be in, each once (uses prefetched data_locations)."""
        return sorted({location.country for location in self.data_locations.all()})


class DataLocation(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="data_locations")
    country = models.CharField(_("land (ISO 3166-1)"), max_length=2)
    region = models.CharField(_("region"), max_length=100, blank=True)

    class Meta:
        ordering = ["country", "region"]
        verbose_name = _("datalokasjon")
        verbose_name_plural = _("datalokasjoner")
        constraints = [
            models.UniqueConstraint(fields=["service", "country", "region"], name="data_location_unique")
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.region}".strip()


class CertificationScheme(models.TextChoices):
    ISO27001 = "iso27001", "ISO/IEC 27001"
    ISO27017 = "iso27017", "ISO/IEC 27017"
    ISO27018 = "iso27018", "ISO/IEC 27018"
    ISO27701 = "iso27701", "ISO/IEC 27701"
    ISO22301 = "iso22301", "ISO 22301"
    ISO9001 = "iso9001", "ISO 9001"
    ISO14001 = "iso14001", "ISO 14001"
    SOC2 = "soc2", "SOC 2 Type II"
    CSA_STAR = "csa_star", "CSA STAR"
    C5 = "c5", "BSI C5"
    PCI_DSS = "pci_dss", "PCI DSS"


class Certification(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="certifications")
    scheme = models.CharField(_("ordning"), max_length=20, choices=CertificationScheme.choices)
    issuer = models.CharField(_("utsteder"), max_length=200, blank=True)
    certificate_reference = models.CharField(_("sertifikatnummer"), max_length=100, blank=True)
    valid_until = models.DateField(_("gyldig til"))

    class Meta:
        ordering = ["scheme"]
        verbose_name = _("sertifisering")
        verbose_name_plural = _("sertifiseringer")
        constraints = [
            models.UniqueConstraint(fields=["service", "scheme"], name="certification_unique_scheme")
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} (til {self.valid_until})"


class SubProcessor(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="sub_processors")
    name = models.CharField(_("navn"), max_length=200)
    country = models.CharField(_("land (ISO 3166-1)"), max_length=2)
    purpose = models.CharField(_("formål"), max_length=300)

    class Meta:
        ordering = ["name"]
        verbose_name = _("underdatabehandler")
        verbose_name_plural = _("underdatabehandlere")

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class ServiceVersion(models.Model):
    """A published version of a service, kept for ever: what it said, what changed, who approved it and when."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versjon"))
    snapshot = models.JSONField(_("innhold"))
    changes = models.JSONField(_("endringer"), default=list, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("publisert"))

    class Meta:
        ordering = ["service", "-number"]
        verbose_name = _("tjenesteversjon")
        verbose_name_plural = _("tjenesteversjoner")
        constraints = [models.UniqueConstraint(fields=["service", "number"], name="service_version_unique")]

    def __str__(self) -> str:
        return f"{self.service} v{self.number}"


class Shortlist(TimeStampedModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="shortlists")
    name = models.CharField(_("navn"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("kortliste")
        verbose_name_plural = _("kortlister")

    def __str__(self) -> str:
        return self.name


class ShortlistItem(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="items")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="shortlist_items")
    note = models.CharField(_("merknad"), max_length=500, blank=True)
    added_at = models.DateTimeField(_("lagt til"))

    class Meta:
        ordering = ["added_at"]
        verbose_name = _("tjeneste på kortliste")
        verbose_name_plural = _("tjenester på kortliste")
        constraints = [models.UniqueConstraint(fields=["shortlist", "service"], name="shortlist_item_unique")]

    def __str__(self) -> str:
        return f"{self.shortlist}: {self.service}"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    ODS = "ods", "ODS"


class ShortlistSnapshot(models.Model):
    """The listed services frozen at the moment of export; its content hash lets a call-off prove its starting point."""

    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="snapshots")
    format = models.CharField(_("format"), max_length=5, choices=ExportFormat.choices)
    content = models.JSONField(_("innhold"))
    content_hash = models.CharField(_("innholds-hash (SHA-256)"), max_length=64, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("eksportert"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kortliste-øyeblikksbilde")
        verbose_name_plural = _("kortliste-øyeblikksbilder")

    def __str__(self) -> str:
        return f"{self.shortlist} {self.content_hash[:12]}"


class ServiceSearchDocument(models.Model):
    """The facet keys of one published service in one narrow row, for counting facets without joins.

    Written only by `catalogue.search.service_index_refresh` / `services_reindex` (with the full-text entry): a
    row exists exactly for each published service. Each `cert_<scheme>` column holds the `valid_until` of the
    service's certificate of that scheme (NULL: none), so "holds a valid certificate" is a date comparison on
    this row and the certification facet is counted in the same grouped query as the others.
    """

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+", db_index=False)
    service_model = models.CharField(max_length=20, choices=ServiceModel.choices)
    data_residency = models.CharField(max_length=20, choices=DataResidency.choices)
    price_model = models.CharField(max_length=20, choices=PriceModel.choices)
    cyberx_phase = models.CharField(max_length=4, choices=CyberxPhase.choices, blank=True)
    is_cloud_service = models.BooleanField()
    cert_iso27001 = models.DateField(null=True, blank=True)
    cert_iso27017 = models.DateField(null=True, blank=True)
    cert_iso27018 = models.DateField(null=True, blank=True)
    cert_iso27701 = models.DateField(null=True, blank=True)
    cert_iso22301 = models.DateField(null=True, blank=True)
    cert_iso9001 = models.DateField(null=True, blank=True)
    cert_iso14001 = models.DateField(null=True, blank=True)
    cert_soc2 = models.DateField(null=True, blank=True)
    cert_csa_star = models.DateField(null=True, blank=True)
    cert_c5 = models.DateField(null=True, blank=True)
    cert_pci_dss = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("søkedokument for tjeneste")
        indexes = [
            # the grouped facet query reads this index alone, in group order (SQLite then needs no sort); the
            # primary key is not SQLite's rowid (bigint), so it is the last column for filters on matched ids
            models.Index(
                fields=[
                    "contract",
                    "service_model",
                    "data_residency",
                    "price_model",
                    "cyberx_phase",
                    "is_cloud_service",
                    "cert_iso27001",
                    "cert_iso27017",
                    "cert_iso27018",
                    "cert_iso27701",
                    "cert_iso22301",
                    "cert_iso9001",
                    "cert_iso14001",
                    "cert_soc2",
                    "cert_csa_star",
                    "cert_c5",
                    "cert_pci_dss",
                    "service",
                ],
                name="service_search_doc_facets",
            )
        ]
        verbose_name_plural = _("søkedokumenter for tjenester")

    def __str__(self) -> str:
        return f"search document {self.pk}"

    @staticmethod
    def cert_field(scheme: str) -> str:
        """The column holding the validity of `scheme` ("iso27001" → "cert_iso27001")."""
        return f"cert_{scheme}"
