"""Mini-competition forms: shape and field validation only; the services check the rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from marketplace.calloffs.models import PriceFormula, TieBreak
from marketplace.core.deadlines import OSLO
from marketplace.core.forms import AccessibleForm


class ExcludeForm(AccessibleForm):
    reason = forms.CharField(
        label=_("Begrunnelse for å utelate leverandøren"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Oppgi begrunnelsen for å utelate leverandøren.")},
    )


def upload_size_check(upload: Any) -> Any:
    """Refuse a too large upload before it is read into memory (the services check type and content)."""
    limit = settings.MPS_UPLOAD_MAX_BYTES
    if upload is not None and upload.size > limit:
        raise forms.ValidationError(
            _("Filen er for stor (høyst %(mb)s MB).") % {"mb": limit // (1024 * 1024)}
        )
    return upload


class DocumentForm(AccessibleForm):
    title = forms.CharField(label=_("Tittel"), max_length=200, required=False)
    file = forms.FileField(
        label=_("Fil"),
        help_text=_("PDF, ODT, DOCX, XLSX, ODS eller TXT."),
        error_messages={"required": _("Velg en fil."), "empty": _("Filen er tom.")},
    )

    def clean_file(self) -> Any:
        return upload_size_check(self.cleaned_data.get("file"))


class EvaluationModelForm(AccessibleForm):
    """One weight and precision field per framework criterion (blank weight = not used) and the price model."""

    price_formula = forms.ChoiceField(label=_("Prismodell"), choices=PriceFormula.choices)
    price_slope = forms.DecimalField(
        label=_("Stigningsfaktor"),
        max_digits=6,
        decimal_places=3,
        initial=Decimal("1"),
        help_text=_("1 gir DFØs basismodell."),
        error_messages={"invalid": _("Skriv et tall, for eksempel 1,5.")},
    )
    price_floor_at_zero = forms.BooleanField(label=_("Pris-poeng kan ikke bli negative"), required=False)
    anchor_price_best_amount = forms.DecimalField(
        label=_("Ankerpris for 10 poeng (NOK ekskl. mva.)"),
        required=False,
        max_digits=16,
        decimal_places=2,
        error_messages={"invalid": _("Skriv et beløp, for eksempel 100000.")},
    )
    anchor_price_zero_amount = forms.DecimalField(
        label=_("Ankerpris for 0 poeng (NOK ekskl. mva.)"),
        required=False,
        max_digits=16,
        decimal_places=2,
        error_messages={"invalid": _("Skriv et beløp, for eksempel 300000.")},
    )
    tie_break = forms.ChoiceField(label=_("Likhetsregel"), choices=TieBreak.choices)

    def __init__(self, *args: Any, framework_criteria: list[Any], **kwargs: Any) -> None:
        self.framework_criteria = framework_criteria
        super().__init__(*args, **kwargs)
        for criterion in framework_criteria:
            self.fields[f"weight_{criterion.pk}"] = forms.DecimalField(
                label=_("Vekt (%)"),
                required=False,
                max_digits=5,
                decimal_places=2,
                error_messages={"invalid": _("Skriv vekten som et tall, for eksempel 40.")},
            )
            self.fields[f"description_{criterion.pk}"] = forms.CharField(
                label=_("Presisering"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            for name in (f"weight_{criterion.pk}", f"description_{criterion.pk}"):
                self.fields[name].widget.attrs["class"] = "ds-input"

    def criterion_rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"weight_{c.pk}"], self[f"description_{c.pk}"]) for c in self.framework_criteria]

    def choices(self) -> list[tuple[int, Decimal, str]]:
        rows = []
        for criterion in self.framework_criteria:
            weight = self.cleaned_data.get(f"weight_{criterion.pk}")
            if weight is not None:
                rows.append(
                    (criterion.pk, weight, self.cleaned_data.get(f"description_{criterion.pk}") or "")
                )
        return rows


def oslo_instant(day: dt.date, time: dt.time) -> dt.datetime:
    """A date and time the buyer entered in Europe/Oslo, as an aware instant."""
    return dt.datetime.combine(day, time, tzinfo=OSLO)


class PublishForm(AccessibleForm):
    questions_deadline_on = forms.DateField(
        label=_("Frist for spørsmål – dato"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Oppgi dato for spørsmålsfristen."),
            "invalid": _("Skriv en gyldig dato."),
        },
    )
    questions_deadline_time = forms.TimeField(
        label=_("Frist for spørsmål – klokkeslett (norsk tid)"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={
            "required": _("Oppgi klokkeslett for spørsmålsfristen."),
            "invalid": _("Skriv et gyldig klokkeslett."),
        },
    )
    offer_deadline_on = forms.DateField(
        label=_("Tilbudsfrist – dato"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Oppgi dato for tilbudsfristen."),
            "invalid": _("Skriv en gyldig dato."),
        },
    )
    offer_deadline_time = forms.TimeField(
        label=_("Tilbudsfrist – klokkeslett (norsk tid)"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={
            "required": _("Oppgi klokkeslett for tilbudsfristen."),
            "invalid": _("Skriv et gyldig klokkeslett."),
        },
    )
    confirm_short = forms.BooleanField(
        label=_("Jeg har vurdert at fristen er lang nok, selv om den er kortere enn anbefalt"), required=False
    )

    def offer_deadline_at(self) -> dt.datetime:
        return oslo_instant(self.cleaned_data["offer_deadline_on"], self.cleaned_data["offer_deadline_time"])

    def questions_deadline_at(self) -> dt.datetime:
        return oslo_instant(
            self.cleaned_data["questions_deadline_on"], self.cleaned_data["questions_deadline_time"]
        )


class QuestionForm(AccessibleForm):
    question = forms.CharField(
        label=_("Spørsmål"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Spørsmål og svar blir vist til alle inviterte leverandører uten navnet ditt."),
        error_messages={"required": _("Skriv spørsmålet.")},
    )


class AnswerForm(AccessibleForm):
    answer = forms.CharField(
        label=_("Svar"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv svaret.")},
    )
