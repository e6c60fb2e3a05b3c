"""Award forms: shape and field validation; the services check the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.core.forms import AccessibleForm


class AwardDecideForm(AccessibleForm):
    justification = forms.CharField(
        label=_("Begrunnelse for tildelingen"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    value_amount = forms.DecimalField(
        label=_("Kontraktsverdi (NOK ekskl. mva.)"),
        required=False,
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=2,
        localize=True,
        help_text=_("Tomt felt: vinnerens evaluerte pris (anslått verdi ved direkte tildeling)."),
    )


class ComplaintForm(AccessibleForm):
    complainant = forms.TypedChoiceField(
        label=pgettext_lazy("the one who complains", "Klager"), coerce=int, choices=[]
    )
    description = forms.CharField(label=_("Klagen"), widget=forms.Textarea(attrs={"rows": 3}))
    put_on_hold = forms.BooleanField(label=_("Stans avropet til klagen er avgjort"), required=False)

    def __init__(
        self, *args: object, complainants: list[tuple[int, str]] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["complainant"].choices = complainants or []  # type: ignore[attr-defined]


class HoldReleaseForm(AccessibleForm):
    resolution = forms.CharField(
        label=_("Hvordan klagen er avgjort"), widget=forms.Textarea(attrs={"rows": 3})
    )
