"""Forms of the knowledge area: shape and field validation only; the services check the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.forms import AccessibleForm
from marketplace.insights.models import ArticleKind, ExpertGroup, QuestionKind

ATTACHMENT_ACCEPT = ".pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp,.csv"


class ArticleForm(AccessibleForm):
    title = forms.CharField(label=_("Tittel"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=ArticleKind.choices)
    summary = forms.CharField(
        label=_("Sammendrag"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Innhold"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("HTML: avsnitt, overskrifter (h2–h4), lister, lenker, tabeller. Annet fjernes."),
    )
    tags = forms.CharField(
        label=_("Emneord"), required=False, max_length=700, help_text=_("Skill emneordene med komma.")
    )
    publish = forms.BooleanField(label=_("Publiser (synlig for alle)"), required=False)


class AttachmentForm(AccessibleForm):
    file = forms.FileField(
        label=_("Vedlegg"), help_text=_("PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP eller CSV, høyst 10 MB.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ATTACHMENT_ACCEPT


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Søk"), required=False, max_length=200)
    tag = forms.SlugField(required=False, max_length=60)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Alle typer")), *ArticleKind.choices]
    )


class QuestionForm(AccessibleForm):
    title = forms.CharField(label=_("Tittel"), max_length=200)
    body = forms.CharField(
        label=_("Spørsmål"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Vanlig tekst. **fet**, *kursiv*, `kode`, [lenketekst](https://…) og lister med «- » virker."
        ),
    )


class AnswerForm(AccessibleForm):
    body = forms.CharField(
        label=_("Ditt svar"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Vanlig tekst. **fet**, *kursiv*, `kode`, [lenketekst](https://…) og lister med «- » virker."
        ),
    )


class ModerateForm(AccessibleForm):
    ACTIONS = ("hide", "restore", "lock", "unlock")
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Begrunnelse"), required=False, max_length=500)


class ApplyForm(AccessibleForm):
    motivation = forms.CharField(
        label=_("Hva vil du bidra med?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecideForm(AccessibleForm):
    decision = forms.ChoiceField(
        choices=[("approve", "approve"), ("reject", "reject")], widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Begrunnelse"), required=False, max_length=500)


class GroupForm(AccessibleForm):
    name = forms.CharField(label=_("Navn"), max_length=120)
    purpose = forms.CharField(label=_("Formål"), widget=forms.Textarea(attrs={"rows": 5}))
    seats = forms.IntegerField(label=_("Antall plasser"), min_value=1, max_value=1000)
    is_open = forms.BooleanField(label=_("Åpen for søknader"), required=False, initial=True)


class ReasonForm(AccessibleForm):
    reason = forms.CharField(label=_("Begrunnelse"), required=False, max_length=500)


class MeetingForm(AccessibleForm):
    title = forms.CharField(label=_("Tittel"), max_length=200)
    group = forms.ModelChoiceField(
        label=_("Ekspertgruppe"), queryset=ExpertGroup.objects.all(), required=False,
        empty_label=_("Informasjonsmøte (ingen gruppe)"),
    )  # fmt: skip
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 6}))
    date = forms.DateField(label=_("Dato"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Starter (norsk tid)"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Slutter (norsk tid)"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("Sted"), required=False, max_length=200)
    online_url = forms.URLField(label=_("Lenke til nettmøte"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Antall plasser"), min_value=1, max_value=10_000)
    has_waiting_list = forms.BooleanField(
        label=_("Venteliste når møtet er fullt"), required=False, initial=True
    )

    @classmethod
    def initial_for(cls, meeting: Any) -> dict[str, Any]:
        zone = timezone.get_default_timezone()
        starts, ends = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
        return {
            "title": meeting.title, "group": meeting.group_id, "agenda": meeting.agenda, "date": starts.date(),
            "start": starts.time().replace(second=0, microsecond=0),
            "end": ends.time().replace(second=0, microsecond=0), "place": meeting.place,
            "online_url": meeting.online_url, "capacity": meeting.capacity,
            "has_waiting_list": meeting.has_waiting_list,
        }  # fmt: skip

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        """Start and end as aware datetimes (entered in Europe/Oslo)."""
        zone = timezone.get_default_timezone()
        day = self.cleaned_data["date"]
        starts = dt.datetime.combine(day, self.cleaned_data["start"], tzinfo=zone)
        ends = dt.datetime.combine(day, self.cleaned_data["end"], tzinfo=zone)
        return starts, ends


class SurveyForm(AccessibleForm):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tittel"), max_length=200, initial=_("Status for offentlig sky i Norge"))
    introduction = forms.CharField(
        label=_("Innledning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    opens_on = forms.DateField(label=_("Åpner"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("Stenger (siste svardag)"), widget=forms.DateInput(attrs={"type": "date"})
    )


class SurveyQuestionForm(AccessibleForm):
    key = forms.SlugField(
        label=_("Nøkkel"), max_length=60, help_text=_("Bruk samme nøkkel som i fjor for å sammenligne.")
    )
    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Spørsmål"), max_length=500)
    choices = forms.CharField(
        label=_("Svaralternativer"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ett per linje (for ett valg og flere valg)."),
    )  # fmt: skip
    is_required = forms.BooleanField(label=_("Påkrevd"), required=False, initial=True)
