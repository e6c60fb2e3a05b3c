"""Forms of services in use: register one, end one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation
from marketplace.calloffs.models import CallOff
from marketplace.core.forms import AccessibleForm
from marketplace.privacy.selectors.usage import awarded_calloffs, catalogue_services_for_registration


class ServiceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} – {obj.contract.supplier.name}"


class CallOffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} {obj.title} ({obj.award.contract.supplier.name})"


class ServiceInUseForm(AccessibleForm):
    service = ServiceChoice(
        label=_("Tjeneste fra katalogen"),
        queryset=catalogue_services_for_registration(),
        required=False,
        empty_label=_("– tjeneste utenfor katalogen –"),
    )
    calloff = CallOffChoice(
        label=_("Tildelt avrop"),
        queryset=CallOff.objects.none(),
        required=False,
        empty_label=_("– ikke gjennom et avrop –"),
        help_text=_(
            "Valgfritt: avropet tjenesten ble kjøpt gjennom. Tjenesten må høre til kontrakten som ble tildelt."
        ),
    )
    name = forms.CharField(label=_("Tjenestens navn (utenfor katalogen)"), required=False, max_length=200)
    supplier_name = forms.CharField(label=_("Leverandør (utenfor katalogen)"), required=False, max_length=200)
    started_on = forms.DateField(
        label=_("Tatt i bruk"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["calloff"].queryset = awarded_calloffs(organisation)  # type: ignore[attr-defined]


class ServiceInUseEndForm(AccessibleForm):
    ended_on = forms.DateField(label=_("Avsluttet"), widget=forms.DateInput(attrs={"type": "date"}))
