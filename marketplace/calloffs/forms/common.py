"""Call-off forms (create, cancel): shape and field validation only; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from marketplace.calloffs.rules.state import CallOffState
from marketplace.catalogue.models import FrameworkAgreement, Lot, Shortlist
from marketplace.core.forms import AccessibleFormMixin

STATE_LABELS: dict[str, Any] = {
    CallOffState.DRAFT: _("Utkast"),
    CallOffState.TENDERING: _("Konkurranse pågår"),
    CallOffState.AWAITING_OPENING: _("Venter på åpning"),
    CallOffState.EVALUATION: _("Evaluering"),
    CallOffState.AWARD_DECIDED: _("Tildeling besluttet"),
    CallOffState.STANDSTILL: _("Karensperiode"),
    CallOffState.ON_HOLD: _("Stanset"),
    CallOffState.READY_TO_SIGN: _("Klar for signering"),
    CallOffState.CONTRACTED: _("Kontrakt signert"),
    CallOffState.CANCELLED: _("Avlyst"),
}


class LotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.framework.name} – {obj.number}: {obj.title}"


class CallOffCreateForm(AccessibleFormMixin, forms.Form):
    framework = forms.ModelChoiceField(
        label=_("Rammeavtale"),
        queryset=FrameworkAgreement.objects.none(),
        error_messages={
            "required": _("Velg rammeavtale."),
            "invalid_choice": _("Velg en rammeavtale fra listen."),
        },
    )
    lot = LotChoiceField(
        label=_("Delkontrakt"),
        queryset=Lot.objects.none(),
        error_messages={
            "required": _("Velg delkontrakt."),
            "invalid_choice": _("Velg en delkontrakt fra listen."),
        },
    )
    title = forms.CharField(
        label=_("Tittel"), max_length=200, error_messages={"required": _("Gi avropet en tittel.")}
    )
    description = forms.CharField(
        label=_("Beskriv behovet"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Beskriv behovet.")},
    )
    estimated_value_amount = forms.DecimalField(
        label=_("Anslått verdi (NOK ekskl. mva.)"),
        help_text=_("Hele kontraktsperioden, inkludert opsjoner."),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        error_messages={
            "required": _("Oppgi anslått verdi."),
            "invalid": _("Oppgi verdien som et tall, for eksempel 850000."),
            "min_value": _("Anslått verdi må være større enn 0 kr."),
        },
    )
    period_starts_on = forms.DateField(
        label=_("Kontraktsperiode fra"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Oppgi startdato."), "invalid": _("Oppgi en gyldig dato.")},
    )
    period_ends_on = forms.DateField(
        label=_("Kontraktsperiode til"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Oppgi sluttdato."), "invalid": _("Oppgi en gyldig dato.")},
    )
    needs_customisation = forms.BooleanField(
        label=_("Behovet krever tilpasning utover prislisten"), required=False
    )
    has_special_requirements = forms.BooleanField(
        label=_("Særskilte krav til informasjonssikkerhet og personvern"), required=False
    )
    shortlist = forms.ModelChoiceField(
        label=_("Kortliste som utgangspunkt"),
        help_text=_("Kortlisten fryses med innholds-hash når avropet opprettes."),
        queryset=Shortlist.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Velg en av virksomhetens kortlister.")},
    )

    def __init__(
        self,
        *args: Any,
        frameworks: QuerySet[FrameworkAgreement],
        lots: QuerySet[Lot],
        shortlists: QuerySet[Shortlist],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = frameworks  # type: ignore[attr-defined]
        self.fields["lot"].queryset = lots  # type: ignore[attr-defined]
        self.fields["shortlist"].queryset = shortlists  # type: ignore[attr-defined]
        self._style_widgets()
        for name in ("needs_customisation", "has_special_requirements"):
            self.fields[name].widget.attrs["class"] = "ds-input"


NEED_FIELDS = (
    "title",
    "description",
    "estimated_value_amount",
    "period_starts_on",
    "period_ends_on",
    "needs_customisation",
    "has_special_requirements",
)


class CallOffNeedForm(CallOffCreateForm):
    """Change the need of a draft: the framework, lot and shortlist stay."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            *args,
            frameworks=FrameworkAgreement.objects.none(),
            lots=Lot.objects.none(),
            shortlists=Shortlist.objects.none(),
            **kwargs,
        )
        for name in ("framework", "lot", "shortlist"):
            del self.fields[name]


class CallOffCancelForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Begrunnelse for avlysning"),
        help_text=_("Begrunnelsen lagres i avropets historikk."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Skriv hvorfor avropet avlyses.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alle"))] + [(str(k), v) for k, v in STATE_LABELS.items()],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].widget.attrs["class"] = "ds-input"
