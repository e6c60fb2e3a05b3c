"""Shape and field validation for the programme board's edit forms (the rules live in services/programmes.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.core.forms import AccessibleForm
from marketplace.insights.models import ProgrammeStatus

QUARTERS = [(1, "K1"), (2, "K2"), (3, "K3"), (4, "K4")]


class ProgrammeForm(AccessibleForm):
    owner = forms.CharField(label=_("Eier"), max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=ProgrammeStatus.choices)
    current_activities = forms.CharField(
        label=_("Pågående aktiviteter"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    next_steps = forms.CharField(
        label=_("Neste steg"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class PhaseForm(AccessibleForm):
    title = forms.CharField(label=_("Tittel"), max_length=200)
    is_milestone = forms.BooleanField(
        label=_("Milepæl (ett kvartal)"), required=False, help_text=_("En milepæl slutter i startkvartalet.")
    )
    start_year = forms.IntegerField(label=_("Startår"), min_value=2000, max_value=2100)
    start_quarter = forms.TypedChoiceField(label=_("Startkvartal"), choices=QUARTERS, coerce=int)
    end_year = forms.IntegerField(label=_("Sluttår"), min_value=2000, max_value=2100, required=False)
    end_quarter = forms.TypedChoiceField(
        label=_("Sluttkvartal"), choices=[("", "–"), *QUARTERS], coerce=int, required=False, empty_value=None
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("is_milestone") and (data.get("end_year") is None or data.get("end_quarter") is None):
            raise forms.ValidationError(_("En fase må ha sluttår og sluttkvartal."))
        return data
