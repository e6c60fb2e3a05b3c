"""The supplier's offer form: shape only; `services.offers` validates price, text and attachment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.calloffs.forms.mini import upload_size_check
from marketplace.core.forms import AccessibleForm


class OfferForm(AccessibleForm):
    price_amount = forms.CharField(
        label=_("Totalpris (NOK ekskl. mva.)"),
        max_length=30,
        help_text=_("For eksempel 1250000,00."),
        error_messages={"required": _("Oppgi totalprisen.")},
    )
    description = forms.CharField(
        label=_("Beskrivelse av tilbudet"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Beskriv tilbudet.")},
    )
    attachment = forms.FileField(
        label=_("Vedlegg"),
        required=False,
        help_text=_("Ett vedlegg: PDF, ODT, DOCX, XLSX, ODS eller TXT."),
        error_messages={"empty": _("Filen er tom.")},
    )

    def clean_attachment(self) -> Any:
        return upload_size_check(self.cleaned_data.get("attachment"))
