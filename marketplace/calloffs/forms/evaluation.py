"""Evaluation forms: shape and field validation; the services check the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.core.forms import AccessibleForm


class DeclarationForm(AccessibleForm):
    is_impartial = forms.TypedChoiceField(
        label=_("Er du habil i dette avropet?"),
        choices=[("1", _("Ja, jeg er habil")), ("0", _("Nei, jeg er inhabil"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    statement = forms.CharField(
        label=_("Merknad"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Påkrevd hvis du er inhabil: beskriv forholdet (for eksempel tidligere arbeidsgiver)."),
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("is_impartial") is False and not (cleaned.get("statement") or "").strip():
            self.add_error("statement", _("Beskriv forholdet som gjør deg inhabil."))
        return cleaned


class ScoreForm(AccessibleForm):
    points = forms.DecimalField(
        label=_("Poeng (0–10)"),
        min_value=Decimal(0),
        max_value=Decimal(10),
        max_digits=4,
        decimal_places=2,
        localize=True,
    )
    justification = forms.CharField(
        label=_("Begrunnelse"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hva trakk opp og hva ga trekk, knyttet til kriteriet."),
    )


class RejectForm(AccessibleForm):
    reason = forms.CharField(
        label=_("Begrunnelse for avvisning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hvilket krav tilbudet ikke oppfyller, med henvisning til konkurransegrunnlaget."),
    )
