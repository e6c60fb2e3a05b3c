"""Turn stored facts and diffs into labelled text for listing pages (version history, approval diff)."""

from __future__ import annotations

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.catalogue.facts import FACT_FIELDS
from marketplace.catalogue.models import CertificationScheme, Service

RELATION_LABELS = {
    "data_locations": gettext_lazy("Datalokasjoner"),
    "certifications": gettext_lazy("Sertifiseringer"),
    "sub_processors": gettext_lazy("Underdatabehandlere"),
}


def field_label(name: str) -> str:
    if name in RELATION_LABELS:
        return str(RELATION_LABELS[name])
    if name in FACT_FIELDS:
        return capfirst(str(Service._meta.get_field(name).verbose_name))  # type: ignore[union-attr]
    return name


def value_text(name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nei")
    if name == "data_locations":
        return "; ".join(f"{r['country']} {r['region']}".strip() for r in value)
    if name == "certifications":
        return "; ".join(
            f"{CertificationScheme(r['scheme']).label if r['scheme'] in CertificationScheme.values else r['scheme']}"
            f" ({_('gyldig til')} {r['valid_until']})"
            for r in value
        )
    if name == "sub_processors":
        return "; ".join(f"{r['name']} ({r['country']}): {r['purpose']}" for r in value)
    if name in FACT_FIELDS and name != "price_list":
        choices = dict(Service._meta.get_field(name).choices or [])  # type: ignore[union-attr]
        if value in choices:
            return str(choices[value])
    return str(value)


def changes_display(changes: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "field": change["field"],
            "label": field_label(change["field"]),
            "old": value_text(change["field"], change["old"]),
            "new": value_text(change["field"], change["new"]),
        }
        for change in changes
    ]


def facts_display(facts: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"field": name, "label": field_label(name), "value": value_text(name, facts.get(name))}
        for name in FACT_FIELDS
        if name in facts and name != "description"
    ]
