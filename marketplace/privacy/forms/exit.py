"""Forms of exit and lock-in: the exit plan and the exit-cost estimate. Numbers are text here (comma or point);
the service parses and checks them (exit_rules) so every error comes back in one place."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.core.forms import AccessibleForm
from marketplace.privacy.models import VolumeSource


class ExitPlanForm(AccessibleForm):
    data_to_export = forms.CharField(
        label=_("Data som skal ut"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    formats = forms.CharField(
        label=_("Formater"), required=False, help_text=_("For eksempel CSV, JSON, PDF/A, SQL-dump, OVF.")
    )
    time_needed_days = forms.IntegerField(label=_("Tid som trengs (dager)"), required=False)
    owner_name = forms.CharField(label=_("Ansvarlig"), required=False, help_text=_("Navn eller rolle."))
    steps = forms.CharField(
        label=_("Steg"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Ett steg per linje, i rekkefølge."),
    )
    notes = forms.CharField(label=_("Merknader"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def step_lines(self) -> list[str]:
        return (self.cleaned_data.get("steps") or "").splitlines()


class ExitEstimateForm(AccessibleForm):
    volume_source = forms.ChoiceField(
        label=_("Datamengde"),
        choices=VolumeSource.choices,
        initial=VolumeSource.ENTERED,
        widget=forms.RadioSelect,
    )
    volume_gb = forms.CharField(
        label=_("Datamengde (GB)"), required=False, help_text=_("Brukes når du oppgir datamengden selv.")
    )
    egress_price_per_gb = forms.CharField(
        label=_("Utgangsgebyr per GB (NOK)"),
        required=False,
        help_text=_(
            "Tomt: prisen fra katalogen eller prislisten brukes. Fyll ut for en fremforhandlet pris."
        ),
    )
    migration_hours = forms.CharField(label=_("Migreringsinnsats (timer)"))
    hourly_rate = forms.CharField(label=_("Timepris (NOK)"))
    has_technical_barriers = forms.BooleanField(
        label=_("Tjenesten har tekniske hindringer for å flytte (proprietære formater eller grensesnitt)"),
        required=False,
    )
    has_committed_spend = forms.BooleanField(
        label=_("Avtalen gir rabatt mot forpliktet forbruk"), required=False
    )
    has_licence_restrictions = forms.BooleanField(
        label=_("Lisensene kan ikke brukes, eller koster mer, hos en annen skyleverandør"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in (
            "volume_source",
            "has_technical_barriers",
            "has_committed_spend",
            "has_licence_restrictions",
        ):
            self.fields[name].widget.attrs["class"] = "ds-input"
