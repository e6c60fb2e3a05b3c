"""Listing and shortlist forms: shape and field validation only; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from marketplace.catalogue.facts import SCALAR_FIELDS
from marketplace.catalogue.models import (
    CertificationScheme,
    Contract,
    ExportFormat,
    PriceList,
    Service,
)
from marketplace.core.forms import AccessibleFormMixin

FIELDSETS: list[tuple[Any, list[str]]] = [
    (
        _("Grunnopplysninger"),
        ["name", "summary", "description", "service_model", "deployment_model", "cyberx_phase"],
    ),
    (
        _("Skytjeneste etter NIST SP 800-145"),
        [
            "has_on_demand_self_service",
            "has_broad_network_access",
            "has_resource_pooling",
            "has_rapid_elasticity",
            "has_measured_service",
        ],
    ),
    (_("Pris"), ["price_model", "price_list", "price_from_amount", "price_unit"]),
    (
        _("Drift og support"),
        ["sla_availability_percent", "support_hours", "has_norwegian_support", "has_english_support"],
    ),
    (
        _("Avslutning og exit"),
        ["export_formats", "egress_fee_per_gb_amount", "exit_terms", "data_deletion_days"],
    ),
    (_("Universell utforming"), ["wcag_statement_url"]),
]


class ServiceForm(AccessibleFormMixin, forms.ModelForm):
    wcag_statement_url = forms.URLField(
        label=_("Lenke til tilgjengelighetserklæring"),
        required=False,
        assume_scheme="https",
        help_text=_("Påkrevd for SaaS-tjenester."),
        error_messages={"invalid": _("Skriv en gyldig nettadresse som begynner med https://.")},
    )

    class Meta:
        model = Service
        fields = list(SCALAR_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "exit_terms": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "description": _(
                "Tillatt formatering: avsnitt, lister, fet, kursiv, lenker og overskrifter (h3, h4)."
            ),
            "cyberx_phase": _("Påkrevd for sikkerhetstjenester."),
            "sla_availability_percent": _("For eksempel 99,9."),
        }
        error_messages = {
            "name": {"required": _("Skriv navnet på tjenesten.")},
            "summary": {"required": _("Skriv en kort beskrivelse.")},
            "service_model": {"required": _("Velg tjenestemodell.")},
            "deployment_model": {"required": _("Velg leveransemodell.")},
            "price_model": {"required": _("Velg prismodell.")},
            "support_hours": {"required": _("Velg supporttid.")},
        }

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["price_list"].queryset = PriceList.objects.filter(contract=contract).order_by("-version")  # type: ignore[attr-defined]
        for name in ("sla_availability_percent", "price_from_amount", "egress_fee_per_gb_amount"):
            self.fields[name].error_messages["invalid"] = _("Skriv et tall, for eksempel 99,9.")
        self.fields["data_deletion_days"].error_messages["invalid"] = _("Skriv et helt antall dager.")
        self._style_widgets()

    def clean_sla_availability_percent(self) -> Any:
        value = self.cleaned_data.get("sla_availability_percent")
        if value is not None and not (0 <= value <= 100):
            raise forms.ValidationError(_("Tilgjengelighet må være mellom 0 og 100 %."))
        return value

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(label, [self[name] for name in names]) for label, names in FIELDSETS]


class ContractChoiceForm(AccessibleFormMixin, forms.Form):
    contract = forms.ModelChoiceField(
        label=_("Kontrakt og delkontrakt"),
        queryset=Contract.objects.none(),
        empty_label=_("Velg kontrakt"),
        error_messages={
            "required": _("Velg kontrakten tjenesten skal listes under."),
            "invalid_choice": _("Velg en av kontraktene i listen."),
        },
    )

    def __init__(self, *args: Any, contracts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts  # type: ignore[attr-defined]
        self.fields["contract"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.framework.name} – {c.lot.number}: {c.lot.title} ({c.reference})"
        )
        self._style_widgets()


class DataLocationForm(AccessibleFormMixin, forms.Form):
    country = forms.CharField(
        label=_("Land (ISO-kode)"),
        max_length=2,
        min_length=2,
        error_messages={"min_length": _("Skriv landkoden med to bokstaver, for eksempel NO.")},
    )
    region = forms.CharField(label=_("Region"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()


class CertificationForm(AccessibleFormMixin, forms.Form):
    scheme = forms.ChoiceField(
        label=_("Ordning"),
        choices=[("", _("Velg ordning")), *CertificationScheme.choices],
        error_messages={"required": _("Velg en ordning.")},
    )
    issuer = forms.CharField(label=_("Utsteder"), max_length=200, required=False)
    certificate_reference = forms.CharField(label=_("Sertifikatnummer"), max_length=100, required=False)
    valid_until = forms.DateField(
        label=_("Gyldig til"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Skriv datoen sertifikatet gjelder til."),
            "invalid": _("Skriv en gyldig dato (åååå-mm-dd)."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()


class SubProcessorForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=200)
    country = forms.CharField(label=_("Land (ISO-kode)"), max_length=2, min_length=2)
    purpose = forms.CharField(label=_("Formål"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()


DataLocationFormSet = formset_factory(
    DataLocationForm, extra=2, can_delete=True, max_num=30, validate_max=True
)
CertificationFormSet = formset_factory(
    CertificationForm, extra=2, can_delete=True, max_num=20, validate_max=True
)
SubProcessorFormSet = formset_factory(
    SubProcessorForm, extra=2, can_delete=True, max_num=50, validate_max=True
)

FORMSETS: dict[str, tuple[Any, str, Any]] = {
    "data_locations": (DataLocationFormSet, "lokasjon", _("Datalokasjoner")),
    "certifications": (CertificationFormSet, "sertifisering", _("Sertifiseringer")),
    "sub_processors": (SubProcessorFormSet, "underleverandor", _("Underdatabehandlere")),
}


def formset_rows(formset: Any) -> list[dict[str, Any]]:
    """Cleaned rows of a valid formset, leaving out empty extra rows and rows marked for removal."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() or form.cleaned_data.get("DELETE"):
            continue
        rows.append({k: v for k, v in form.cleaned_data.items() if k != "DELETE"})
    return rows


def formset_error_items(formset: Any, anchor: str) -> list[tuple[str, str]]:
    items = [(anchor, str(message)) for message in formset.non_form_errors()]
    for index, form in enumerate(formset.forms, start=1):
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            items.extend(
                (
                    form[name].auto_id if name in form.fields else anchor,
                    f"{anchor_label(anchor)} {index}, {label}: {m}",
                )
                for m in errors
            )
    return items


def anchor_label(anchor: str) -> str:
    return {
        "lokasjon": str(_("Datalokasjon")),
        "sertifisering": str(_("Sertifisering")),
        "underleverandor": str(_("Underdatabehandler")),
    }.get(anchor, anchor)


class ReturnForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Begrunnelse for retur"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Skriv en begrunnelse for returen.")},
        help_text=_("Leverandøren ser begrunnelsen på sin tjenesteoversikt."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()


class ShortlistCreateForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Navn på kortlisten"),
        max_length=200,
        error_messages={
            "required": _("Gi kortlisten et navn."),
            "max_length": _("Navnet kan ha høyst 200 tegn."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()


class ShortlistAddForm(forms.Form):
    service = forms.IntegerField(min_value=1)
    shortlist = forms.IntegerField(min_value=1, required=False)
    note = forms.CharField(max_length=500, required=False)


class NoteForm(AccessibleFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Merknad"),
        max_length=500,
        required=False,
        error_messages={"max_length": _("Merknaden kan ha høyst 500 tegn.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=ExportFormat.choices)
