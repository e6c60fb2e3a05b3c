"""Call-offs (avrop) under MPS framework agreements.

A call-off's state is never stored: `rules.calloff_state` derives it from the timestamps below. Only services write
these rows, and every change is an audit event.

Sealed offers: `Offer.sealed_content` is AES-GCM ciphertext under the call-off's data key, which is itself stored
wrapped by the master key from the environment (`CallOff.wrapped_data_key`). Nothing that could reveal what a supplier
offered (price, text, attachments) is stored in clear before `CallOff.offers_opened_at` is set.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation
from marketplace.catalogue.models import (
    Contract,
    CriterionKind,
    FrameworkAgreement,
    FrameworkCriterion,
    Lot,
    Mechanism,
    PriceList,
    PriceUnit,
    Shortlist,
    ShortlistSnapshot,
)


class ProcurementPart(models.TextChoices):
    """The band of the procurement regulation (FOA) the call-off's value falls in."""

    BELOW = "below", _("Under 100 000 kr (kun grunnleggende prinsipper)")
    PART_I = "part_1", _("Del I")
    PART_II = "part_2", _("Del II (nasjonal)")
    PART_III = "part_3", _("Del III (over EØS-terskel)")


class PriceFormula(models.TextChoices):
    """DFØ's price-to-points models (procurement-rules.md §2.3)."""

    LINEAR = "linear", _("Lineær (basismodell)")
    PROPORTIONAL = "proportional", _("Forholdsmessig")
    ANCHORED = "anchored", _("Lineær med faste ankerpriser")


class TieBreak(models.TextChoices):
    LOWEST_PRICE = "lowest_price", _("Laveste pris vinner ved likhet")
    FRAMEWORK_RANK = "framework_rank", _("Rangering i rammeavtalen avgjør ved likhet")


class CallOff(models.Model):
    reference = models.CharField(_("avropsnummer"), max_length=30, unique=True)
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="calloffs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calloffs_created"
    )
    framework = models.ForeignKey(FrameworkAgreement, on_delete=models.PROTECT, related_name="calloffs")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="calloffs")
    mechanism = models.CharField(_("avropsform"), max_length=20, choices=Mechanism.choices)
    route_reason = models.TextField(_("hvorfor denne avropsformen"), blank=True)

    title = models.CharField(_("tittel"), max_length=200)
    description = models.TextField(_("behov"))
    estimated_value_amount = models.DecimalField(
        _("anslått verdi (NOK ekskl. mva.)"), max_digits=16, decimal_places=2
    )
    period_starts_on = models.DateField(_("kontraktsperiode fra"))
    period_ends_on = models.DateField(_("kontraktsperiode til"))
    needs_customisation = models.BooleanField(_("behovet krever tilpasning"), default=False)
    has_special_requirements = models.BooleanField(
        _("særskilte krav til informasjonssikkerhet og personvern"), default=False
    )
    procurement_part = models.CharField(_("regelverksdel"), max_length=10, choices=ProcurementPart.choices)
    shortlist = models.ForeignKey(
        Shortlist, on_delete=models.SET_NULL, null=True, blank=True, related_name="calloffs"
    )
    shortlist_snapshot = models.ForeignKey(
        ShortlistSnapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="calloffs"
    )

    # evaluation model (locked with criteria before the offer deadline)
    price_formula = models.CharField(
        _("prismodell"), max_length=20, choices=PriceFormula.choices, default=PriceFormula.LINEAR
    )
    price_slope = models.DecimalField(_("stigningsfaktor"), max_digits=6, decimal_places=3, default=1)
    price_floor_at_zero = models.BooleanField(_("pris-poeng kan ikke bli negative"), default=False)
    anchor_price_best_amount = models.DecimalField(
        _("ankerpris for 10 poeng"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    anchor_price_zero_amount = models.DecimalField(
        _("ankerpris for 0 poeng"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    tie_break = models.CharField(
        _("likhetsregel"), max_length=20, choices=TieBreak.choices, default=TieBreak.LOWEST_PRICE
    )

    # direct award justification
    justification = models.TextField(_("begrunnelse"), blank=True)
    justified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    justified_at = models.DateTimeField(_("begrunnet"), null=True, blank=True)

    # standstill
    has_standstill = models.BooleanField(_("frivillig karensperiode"), default=False)
    standstill_days = models.PositiveSmallIntegerField(_("karensperiode (dager)"), default=10)

    # sealed offers: per-call-off data key, wrapped by the master key (MPS_OFFER_MASTER_KEY)
    wrapped_data_key = models.BinaryField(_("innpakket datanøkkel"), null=True, blank=True, editable=False)

    # timestamps from which the state is derived (rules.calloff_state)
    created_at = models.DateTimeField(_("opprettet"))
    published_at = models.DateTimeField(_("invitasjon sendt"), null=True, blank=True)
    criteria_locked_at = models.DateTimeField(_("kriterier låst"), null=True, blank=True)
    questions_deadline_at = models.DateTimeField(_("frist for spørsmål"), null=True, blank=True)
    offer_deadline_at = models.DateTimeField(_("tilbudsfrist"), null=True, blank=True)
    offers_opened_at = models.DateTimeField(_("tilbud åpnet"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("evaluering fullført"), null=True, blank=True)
    award_decided_at = models.DateTimeField(_("tildeling besluttet"), null=True, blank=True)
    award_notice_sent_at = models.DateTimeField(_("tildelingsmeddelelse sendt"), null=True, blank=True)
    standstill_ends_at = models.DateTimeField(_("karensperioden utløper"), null=True, blank=True)
    on_hold_since = models.DateTimeField(_("stanset siden"), null=True, blank=True)
    contract_signed_at = models.DateTimeField(_("kontrakt signert"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("avlyst"), null=True, blank=True)
    cancel_reason = models.TextField(_("begrunnelse for avlysning"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("avrop")
        verbose_name_plural = _("avrop")
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_value_amount__gte=0), name="calloff_value_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(period_ends_on__gte=models.F("period_starts_on")), name="calloff_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(mechanism__in=Mechanism.values), name="calloff_mechanism_valid"
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="calloff_cancel_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(standstill_days__gte=10), name="calloff_standstill_at_least_10_days"
            ),
        ]
        indexes = [models.Index(fields=["framework", "cancelled_at"], name="calloff_framework_total_idx")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Invitation(models.Model):
    """One framework supplier on the lot: invited to the mini-competition, or excluded with a recorded reason."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="invitations")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="invitations")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invitations")
    excluded_reason = models.TextField(_("begrunnelse for utelatelse"), blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(_("invitert"), null=True, blank=True)

    class Meta:
        ordering = ["contract__rank", "supplier__name"]
        verbose_name = _("invitasjon")
        verbose_name_plural = _("invitasjoner")
        constraints = [
            models.UniqueConstraint(fields=["calloff", "supplier"], name="invitation_one_per_supplier"),
        ]

    def __str__(self) -> str:
        return f"{self.calloff.reference} → {self.supplier.name}"

    @property
    def is_excluded(self) -> bool:
        return bool(self.excluded_reason)


class CallOffDocument(models.Model):
    """A document of the invitation (requirements, draft contract). Public to the invited suppliers."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("tittel"), max_length=200)
    file = models.FileField(_("fil"), upload_to="calloffs/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("lastet opp"))

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("avropsdokument")
        verbose_name_plural = _("avropsdokumenter")

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """An award criterion of the call-off, derived from one of the framework's criteria (may be more precise)."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="criteria")
    framework_criterion = models.ForeignKey(
        FrameworkCriterion, on_delete=models.PROTECT, related_name="calloff_criteria"
    )
    name = models.CharField(_("kriterium"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=CriterionKind.choices)
    description = models.TextField(_("presisering"), blank=True)
    weight_percent = models.DecimalField(_("vekt (%)"), max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("tildelingskriterium")
        verbose_name_plural = _("tildelingskriterier")
        constraints = [
            models.UniqueConstraint(
                fields=["calloff", "framework_criterion"],
                name="calloff_criterion_once_per_framework_criterion",
            ),
            models.CheckConstraint(
                condition=Q(weight_percent__gt=0) & Q(weight_percent__lte=100),
                name="calloff_criterion_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight_percent} %)"


class BasketLine(models.Model):
    """Desk evaluation: one line of the buyer's need in the price-list unit vocabulary."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="basket_lines")
    unit = models.CharField(_("enhet"), max_length=30, choices=PriceUnit.choices)
    quantity = models.DecimalField(_("mengde"), max_digits=18, decimal_places=4)
    description = models.CharField(_("beskrivelse"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("kurvlinje")
        verbose_name_plural = _("handlekurv")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="basket_quantity_positive"),
            models.CheckConstraint(condition=Q(unit__in=PriceUnit.values), name="basket_unit_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.get_unit_display()}"


class DeskRequirement(models.TextChoices):
    """Quality requirements of a desk evaluation that can be read from catalogue facts."""

    DATA_IN_NORWAY = "data_in_norway", _("Data lagres kun i Norge")
    DATA_IN_EEA = "data_in_eea", _("Data lagres i EØS")
    ISO_27001 = "iso_27001", _("Gyldig ISO/IEC 27001")
    ISO_27018 = "iso_27018", _("Gyldig ISO/IEC 27018")
    NORWEGIAN_SUPPORT = "norwegian_support", _("Support på norsk")


class DeskCriterion(models.Model):
    """A desk-evaluation quality criterion read from catalogue facts: a requirement or a weighted fact."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="desk_criteria")
    requirement = models.CharField(_("krav"), max_length=30, choices=DeskRequirement.choices)
    is_mandatory = models.BooleanField(_("absolutt krav"), default=True)

    class Meta:
        verbose_name = _("krav i skrivebordskonkurranse")
        verbose_name_plural = _("krav i skrivebordskonkurranse")
        constraints = [
            models.UniqueConstraint(fields=["calloff", "requirement"], name="desk_requirement_once"),
        ]

    def __str__(self) -> str:
        return self.get_requirement_display()


class Evaluation(models.Model):
    """A frozen, reproducible evaluation: the inputs (with their content hash) and the result computed from them.

    Desk evaluations freeze basket, price-list versions, weights and formula; mini-competitions freeze the opened
    offers' prices, the scores and the model. Re-running `rules` on `inputs` must give `result` again.
    """

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="evaluations")
    inputs = models.JSONField(_("grunnlag"))
    inputs_hash = models.CharField(_("grunnlag-hash (SHA-256)"), max_length=64)
    result = models.JSONField(_("resultat"))
    has_rank_reversal_risk = models.BooleanField(_("risiko for rangeringsbytte"), default=False)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(_("beregnet"))
    price_lists = models.ManyToManyField(PriceList, blank=True, related_name="evaluations")

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("evaluering")
        verbose_name_plural = _("evalueringer")

    def __str__(self) -> str:
        return f"{self.calloff.reference} {self.computed_at:%Y-%m-%d %H:%M}"


class CascadeOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Kan levere")
    DECLINED = "declined", _("Takket nei")
    NO_CAPACITY = "no_capacity", _("Mangler kapasitet")


class CascadeStep(models.Model):
    """Direct award: the answer of one ranked supplier; moving down the cascade needs one of the framework's reasons."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="cascade_steps")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("utfall"), max_length=20, choices=CascadeOutcome.choices)
    reason = models.TextField(_("begrunnelse"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("registrert"))

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("kaskadesteg")
        verbose_name_plural = _("kaskadesteg")
        constraints = [
            models.UniqueConstraint(fields=["calloff", "contract"], name="cascade_step_once_per_contract"),
            models.CheckConstraint(
                condition=Q(outcome="accepted") | ~Q(reason=""), name="cascade_skip_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.outcome}"


class Question(models.Model):
    """Clarification Q&A. The asking supplier is kept for the record but never shown; answers go to all invited."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="questions")
    asked_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("spørsmål"))
    asked_at = models.DateTimeField(_("stilt"))
    answer = models.TextField(_("svar"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("besvart"), null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = _("spørsmål")
        verbose_name_plural = _("spørsmål og svar")

    def __str__(self) -> str:
        return self.question[:60]


class Offer(models.Model):
    """A supplier's sealed offer. One per supplier per call-off; replacing overwrites the sealed content.

    `sealed_content` holds the encrypted JSON of everything offered (price, text, attachments). After opening,
    `opened_price_amount` is filled from it for the evaluation; before opening nothing here reveals content.
    """

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="offers")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="offers")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sealed_content = models.BinaryField(_("forseglet innhold"), editable=False)
    sha256 = models.CharField(_("SHA-256 av mottatt innhold"), max_length=64)
    size_bytes = models.PositiveIntegerField(_("størrelse (byte)"))
    version = models.PositiveIntegerField(_("versjon"), default=1)
    submitted_at = models.DateTimeField(_("levert"))
    withdrawn_at = models.DateTimeField(_("trukket"), null=True, blank=True)
    opened_price_amount = models.DecimalField(
        _("tilbudt pris (NOK ekskl. mva.)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    rejected_at = models.DateTimeField(_("avvist"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.TextField(_("begrunnelse for avvisning"), blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("tilbud")
        verbose_name_plural = _("tilbud")
        constraints = [
            models.UniqueConstraint(fields=["calloff", "supplier"], name="offer_one_per_supplier"),
            models.CheckConstraint(
                condition=Q(rejected_at__isnull=True) | ~Q(rejection_reason=""),
                name="offer_rejection_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.calloff.reference} {self.supplier.name} v{self.version}"


class ReceiptKind(models.TextChoices):
    SUBMITTED = "submitted", _("Levert")
    REPLACED = "replaced", _("Erstattet")
    WITHDRAWN = "withdrawn", _("Trukket")


class OfferReceipt(models.Model):
    """The receipt of each submission, replacement or withdrawal: what was received (SHA-256) and when."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="offer_receipts")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("type"), max_length=20, choices=ReceiptKind.choices)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("mottatt"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("kvittering")
        verbose_name_plural = _("kvitteringer")

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:12]}"


class ImpartialityDeclaration(models.Model):
    """An evaluator's declaration (habilitetserklæring), required before seeing any offer."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="declarations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_impartial = models.BooleanField(_("habil"))
    statement = models.TextField(_("merknad"), blank=True)
    declared_at = models.DateTimeField(_("erklært"))

    class Meta:
        verbose_name = _("habilitetserklæring")
        verbose_name_plural = _("habilitetserklæringer")
        constraints = [models.UniqueConstraint(fields=["calloff", "user"], name="declaration_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user} {self.is_impartial}"


class Score(models.Model):
    """A quality score 0–10 with its written justification (price is scored by the formula, not here)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    points = models.DecimalField(_("poeng"), max_digits=4, decimal_places=2)
    justification = models.TextField(_("begrunnelse"))
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scored_at = models.DateTimeField(_("vurdert"))

    class Meta:
        verbose_name = _("poeng")
        verbose_name_plural = _("poeng")
        constraints = [
            models.UniqueConstraint(fields=["offer", "criterion"], name="score_once_per_offer_criterion"),
            models.CheckConstraint(condition=Q(points__gte=0) & Q(points__lte=10), name="score_range_0_10"),
            models.CheckConstraint(condition=~Q(justification=""), name="score_needs_justification"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.name}: {self.points}"


class Award(models.Model):
    """The award decision, signed by an approver (a separate role from the buyer who ran the call-off)."""

    calloff = models.OneToOneField(CallOff, on_delete=models.CASCADE, related_name="award")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="awards")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="awards")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    value_amount = models.DecimalField(_("kontraktsverdi (NOK ekskl. mva.)"), max_digits=16, decimal_places=2)
    justification = models.TextField(_("begrunnelse"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("besluttet"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tildeling")
        verbose_name_plural = _("tildelinger")

    def __str__(self) -> str:
        return f"{self.calloff.reference} → {self.supplier.name}"


class AwardNotice(models.Model):
    """The award notice to one participant, all sent in one transaction (simultaneously)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="award_notices")
    is_winner = models.BooleanField(_("vinner"), default=False)
    content = models.JSONField(_("innhold"))
    sent_at = models.DateTimeField(_("sendt"))
    read_at = models.DateTimeField(_("lest"), null=True, blank=True)

    class Meta:
        ordering = ["-is_winner", "recipient__name"]
        verbose_name = _("tildelingsmeddelelse")
        verbose_name_plural = _("tildelingsmeddelelser")
        constraints = [
            models.UniqueConstraint(fields=["award", "recipient"], name="award_notice_once_per_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.award} → {self.recipient.name}"


class Complaint(models.Model):
    """A complaint received during standstill; it may put the call-off on hold until it is resolved."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="complaints")
    complainant = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("klage"))
    received_at = models.DateTimeField(_("mottatt"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(_("avgjort"), null=True, blank=True)
    resolution = models.TextField(_("avgjørelse"), blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("klage")
        verbose_name_plural = _("klager")

    def __str__(self) -> str:
        return f"{self.calloff.reference} {self.received_at:%Y-%m-%d}"
