"""Forms of the terms area: a term check (one status and text per baseline topic) and the SSA guidance questions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.core.forms import AccessibleForm
from marketplace.privacy import baseline, terms_rules
from marketplace.privacy.models import TermStatus


class TermCheckForm(AccessibleForm):
    """`status_<topic>` and `text_<topic>` per baseline topic; the service checks completeness (terms_rules)."""

    note = forms.CharField(
        label=_("Merknad til vurderingen"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for entry in baseline.topics():
            key = entry["key"]
            self.fields[f"status_{key}"] = forms.ChoiceField(
                label=entry["title"],
                choices=TermStatus.choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"text_{key}"] = forms.CharField(
                label=_("Avvik eller merknad – %(topic)s") % {"topic": entry["title"]},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "ds-input"}),
            )
        for name, field in self.fields.items():
            if name.startswith("status_"):
                field.widget.attrs["class"] = "ds-input"

    def topics(self) -> list[dict[str, Any]]:
        return [
            {
                **entry,
                "status_field": self[f"status_{entry['key']}"],
                "text_field": self[f"text_{entry['key']}"],
            }
            for entry in baseline.topics()
        ]

    def answers(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            key: (data.get(f"status_{key}") or "", data.get(f"text_{key}") or "")
            for key in terms_rules.topic_keys()
        }

    @staticmethod
    def initial_from(answers: dict[str, tuple[str, str]], note: str = "") -> dict[str, str]:
        initial = {"note": note}
        for key, (status, text) in answers.items():
            initial[f"status_{key}"] = status
            initial[f"text_{key}"] = text
        return initial

    def place_service_errors(self, errors: list[dict[str, str]], message: str) -> None:
        placed = False
        for error in errors:
            key = error.get("field", "")
            if key == "note":
                self.add_error("note", error["message"])
                placed = True
            elif key in terms_rules.topic_keys():
                status = self.cleaned_data.get(f"status_{key}")
                target = f"text_{key}" if status == terms_rules.DEVIATES else f"status_{key}"
                self.add_error(target, error["message"])
                placed = True
        if not placed:
            self.add_error(None, message)


class SsaGuidanceForm(AccessibleForm):
    needs_partner_services = forms.BooleanField(
        label=_(
            "Vi trenger rådgivning, etablering, integrasjoner, migrering og drift av en sammensatt skyløsning"
        ),
        required=False,
    )
    buys_cloud_services = forms.BooleanField(
        label=_(
            "Vi kjøper selve skytjenestene (lisensene), eventuelt med enkel konfigurasjon og integrasjon"
        ),
        required=False,
    )
    needs_customisation = forms.BooleanField(
        label=_("Løsningen skal tilpasses oss: spesifikasjon, opplæring, nye versjoner av tilpasningene"),
        required=False,
    )
    licences_bought_separately = forms.BooleanField(
        label=_("Vi kjøper lisensene separat, for eksempel på en rammeavtale"), required=False
    )
    is_private_cloud = forms.BooleanField(label=_("Løsningen skal driftes i privat sky"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "ds-input"
