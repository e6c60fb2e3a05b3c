"""Forms for the supplier register: the list filter, and DFØ's reseller and MoU forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation
from marketplace.suppliers import selectors
from marketplace.suppliers.services import problem_message, reseller_validate

DATE_ERRORS = {"invalid": _("Skriv datoen som dd.mm.åååå.")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class StyledForm(forms.Form):
    """Designsystemet classes on every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")


class SupplierFilterForm(StyledForm):
    rammeavtale = forms.ModelChoiceField(
        label=_("Rammeavtale"),
        queryset=selectors.framework_choices(),
        required=False,
        empty_label=_("Alle rammeavtaler"),
        error_messages={"invalid_choice": _("Velg en rammeavtale fra listen.")},
    )


class ResellerForm(StyledForm):
    partner = forms.ModelChoiceField(
        label=_("Forhandler"),
        queryset=Organisation.objects.none(),
        empty_label=_("Velg forhandler"),
        error_messages={
            "required": _("Velg forhandleren."),
            "invalid_choice": _("Velg en forhandler fra listen."),
        },
    )
    lot = forms.ModelChoiceField(
        label=_("Delkontrakt"),
        queryset=Organisation.objects.none(),
        empty_label=_("Velg delkontrakt"),
        error_messages={
            "required": _("Velg delkontrakten."),
            "invalid_choice": _("Velg en delkontrakt leverandøren har kontrakt på."),
        },
    )
    valid_from = forms.DateField(
        label=_("Gyldig fra"),
        widget=DateInput(),
        error_messages={"required": _("Oppgi når avtalen gjelder fra."), **DATE_ERRORS},
    )
    valid_to = forms.DateField(
        label=_("Gyldig til (valgfri)"), widget=DateInput(), required=False, error_messages=DATE_ERRORS
    )

    def __init__(self, *args: Any, supplier: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.supplier = supplier
        self.fields["partner"].queryset = selectors.partner_candidates(supplier)  # type: ignore[attr-defined]
        self.fields["lot"].queryset = selectors.lots_of_supplier(supplier)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        for problem in reseller_validate(
            supplier=self.supplier,
            partner=data.get("partner"),
            lot=data.get("lot"),
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
        ):
            self.add_error(problem.field if problem.field in self.fields else None, problem_message(problem))
        return data


class ResellerEndForm(StyledForm):
    valid_to = forms.DateField(
        label=_("Siste gyldige dag"),
        widget=DateInput(),
        error_messages={"required": _("Oppgi siste gyldige dag."), **DATE_ERRORS},
    )


class MoUForm(StyledForm):
    title = forms.CharField(
        label=_("Tittel"), max_length=200, error_messages={"required": _("Oppgi en tittel.")}
    )
    summary = forms.CharField(label=_("Sammendrag"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    signed_on = forms.DateField(
        label=_("Signert"),
        widget=DateInput(),
        error_messages={"required": _("Oppgi når MoU-en ble signert."), **DATE_ERRORS},
    )
    expires_on = forms.DateField(
        label=_("Utløper (valgfri)"), widget=DateInput(), required=False, error_messages=DATE_ERRORS
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        signed_on, expires_on = data.get("signed_on"), data.get("expires_on")
        if signed_on and expires_on and expires_on < signed_on:
            self.add_error("expires_on", _("Utløpsdatoen kan ikke være før signeringsdatoen."))
        return data
