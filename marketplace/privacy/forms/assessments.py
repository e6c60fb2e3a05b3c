"""Assessment forms: shape and field validation only. The rules (known country code, dates in order, required
purpose) are checked by the services, whose errors land on the matching fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.core.forms import AccessibleForm
from marketplace.privacy.models.assessments import (
    ActionStatus,
    FearedEvent,
    LegalBasis,
    ProviderBasis,
    ResidualRisk,
    RiskScale,
    TransferTool,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO_UNKNOWN = [("", _("Ikke avklart")), ("yes", _("Ja")), ("no", _("Nei"))]


def tri_state(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def tri_state_initial(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "") if value is not None else ""


class StartForm(AccessibleForm):
    service_name = forms.CharField(
        label=_("Tjenestens navn"),
        max_length=200,
        required=False,
        help_text=_("For en tjeneste utenfor katalogen."),
    )
    supplier_name = forms.CharField(label=_("Leverandør"), max_length=200, required=False)
    assessed_on = forms.DateField(label=_("Vurderingsdato"), widget=DATE)
    template = forms.ChoiceField(label=_("Start fra mal"), required=False)

    def __init__(self, *args: Any, templates: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Ingen mal")), *[(str(pk), t) for pk, t in templates or []]]
        self.fields["template"].choices = choices  # type: ignore[attr-defined]


class AssessmentForm(AccessibleForm):
    title = forms.CharField(label=_("Tittel"), max_length=200)
    assessed_on = forms.DateField(label=_("Vurderingsdato"), widget=DATE)
    review_on = forms.DateField(label=_("Neste revisjon"), widget=DATE, required=False)
    provider_purposes_known = forms.BooleanField(
        label=_(
            "Leverandørens egne formål (telemetri, diagnostikk, produktforbedring, KI-trening) er kartlagt"
        ),
        required=False,
    )
    is_limited_to_instructions = forms.ChoiceField(
        label=_("Er behandlingen begrenset til dokumenterte instrukser (art. 28(3)(a))?"),
        choices=YES_NO_UNKNOWN,
        required=False,
    )
    has_disclosure_clause = forms.ChoiceField(
        label=_("Begrenser avtalen utlevering til myndigheter i tredjeland (art. 48)?"),
        choices=YES_NO_UNKNOWN,
        required=False,
    )
    dpo_opinion = forms.CharField(
        label=_("Personvernombudets uttalelse"), widget=forms.Textarea, required=False
    )


class ProcessingForm(AccessibleForm):
    purpose = forms.CharField(label=_("Formål"), max_length=300, required=False)
    data_category = forms.CharField(label=_("Kategori personopplysninger"), max_length=200, required=False)
    data_subjects = forms.CharField(label=_("Registrerte"), max_length=200, required=False)
    legal_basis = forms.ChoiceField(label=_("Behandlingsgrunnlag"), choices=LegalBasis.choices)
    is_special = forms.BooleanField(
        label=_("Særlige kategorier (art. 9) eller straffedommer (art. 10)"), required=False
    )
    special_condition = forms.CharField(
        label=_("Vilkår etter art. 9(2) eller art. 10"), max_length=200, required=False
    )


class ProviderPurposeForm(AccessibleForm):
    purpose = forms.CharField(label=_("Leverandørens formål"), max_length=200, required=False)
    legal_basis = forms.ChoiceField(label=_("Grunnlag"), choices=ProviderBasis.choices)
    note = forms.CharField(label=_("Merknad"), max_length=300, required=False)


class TransferForm(AccessibleForm):
    data_category = forms.CharField(label=_("Data"), max_length=200, required=False)
    recipient = forms.CharField(label=_("Mottaker"), max_length=200, required=False)
    country = forms.CharField(
        label=_("Land (ISO 3166-1)"),
        max_length=2,
        required=False,
        help_text=_("To bokstaver, f.eks. IE eller US."),
    )
    purpose = forms.CharField(label=_("Formål"), max_length=300, required=False)
    is_onward = forms.BooleanField(label=_("Videreoverføring (underdatabehandler)"), required=False)
    is_dpf_certified = forms.BooleanField(label=_("Mottakeren er DPF-sertifisert"), required=False)
    is_commercial = forms.BooleanField(
        label=_("Mottakeren er en kommersiell organisasjon"), required=False, initial=True
    )
    tool = forms.ChoiceField(label=_("Overføringsgrunnlag"), choices=TransferTool.choices, required=False)
    edpb_steps_done = forms.IntegerField(
        label=_("EDPB-trinn dokumentert (0–6)"), min_value=0, max_value=6, initial=0
    )
    supplementary_measures = forms.CharField(
        label=_("Supplerende tiltak"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    residual_risk = forms.ChoiceField(label=_("Restrisiko"), choices=ResidualRisk.choices, required=False)
    review_on = forms.DateField(label=_("Revisjonsdato"), widget=DATE, required=False)


class RiskForm(AccessibleForm):
    event = forms.ChoiceField(label=_("Fryktet hendelse"), choices=FearedEvent.choices)
    severity = forms.TypedChoiceField(label=_("Alvorlighet"), choices=RiskScale.choices, coerce=int)
    likelihood = forms.TypedChoiceField(label=_("Sannsynlighet"), choices=RiskScale.choices, coerce=int)
    measures = forms.CharField(label=_("Tiltak"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ActionForm(AccessibleForm):
    description = forms.CharField(label=_("Tiltak"), max_length=300, required=False)
    owner = forms.CharField(label=_("Ansvarlig"), max_length=200, required=False)
    due_on = forms.DateField(label=_("Frist"), widget=DATE, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    risk_event = forms.ChoiceField(
        label=_("Gjelder risiko"), choices=[("", _("Ingen bestemt")), *FearedEvent.choices], required=False
    )


ROW_FORMS: dict[str, type[AccessibleForm]] = {
    "processing": ProcessingForm,
    "provider_purpose": ProviderPurposeForm,
    "transfer": TransferForm,
    "action": ActionForm,
}
