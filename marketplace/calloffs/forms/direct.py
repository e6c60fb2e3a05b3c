"""Direct award forms: the next supplier's answer in the cascade, and the justification."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.calloffs.models import CascadeOutcome
from marketplace.core.forms import AccessibleFormMixin


class CascadeAnswerForm(AccessibleFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Leverandørens svar"),
        choices=CascadeOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg leverandørens svar."),
            "invalid_choice": _("Velg leverandørens svar."),
        },
    )
    reason = forms.CharField(
        label=_("Begrunnelse"),
        help_text=_(
            "Påkrevd når leverandøren takker nei eller mangler kapasitet (rammeavtalens vilkår for kaskade)."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["class"] = "ds-input"


class JustificationForm(AccessibleFormMixin, forms.Form):
    justification = forms.CharField(
        label=_("Begrunnelse for direkte tildeling"),
        help_text=_("Hvorfor rammeavtalens regel gir direkte tildeling, og hvorfor denne leverandøren."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Skriv begrunnelsen for direkte tildeling.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()
