"""Side-by-side comparison of 2–4 services: one row per attribute, one column per service.

A row whose values are not all the same is marked `is_different` (highlighted on the page, with a text marker for
screen readers). Values are plain strings so the comparison is exact and the template stays dumb.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.catalogue.models import Service


@dataclass(frozen=True)
class CompareRow:
    label: str
    values: list[str]

    @property
    def is_different(self) -> bool:
        return len(set(self.values)) > 1


def _yes_no(value: bool) -> str:
    return _("Ja") if value else _("Nei")


def _amount(value: Decimal | None, suffix: str = "") -> str:
    if value is None:
        return "–"
    text = number_format(value.normalize() if value == value.to_integral() else value, use_l10n=True)
    return f"{text} {suffix}".strip()


def _certifications(service: Service, today: dt.date) -> str:
    parts = []
    for certification in service.certifications.all():
        label = certification.get_scheme_display()
        if certification.valid_until < today:
            label += " (" + _("utløpt") + ")"
        parts.append(label)
    return ", ".join(parts) or "–"


ATTRIBUTES: list[tuple[object, Callable[[Service, dt.date], str]]] = [
    (gettext_lazy("Leverandør"), lambda s, t: s.contract.supplier.name),
    (gettext_lazy("Rammeavtale"), lambda s, t: s.contract.framework.name),
    (gettext_lazy("Delkontrakt"), lambda s, t: f"{s.contract.lot.number}: {s.contract.lot.title}"),
    (gettext_lazy("Tjenestemodell"), lambda s, t: s.get_service_model_display()),
    (gettext_lazy("Leveransemodell"), lambda s, t: s.get_deployment_model_display()),
    (gettext_lazy("Skytjeneste etter NIST"), lambda s, t: _yes_no(bool(s.is_cloud_service))),
    (gettext_lazy("Datalokasjon"), lambda s, t: s.get_data_residency_display()),
    (
        gettext_lazy("Land for data"),
        lambda s, t: ", ".join(dict.fromkeys(loc.country for loc in s.data_locations.all())) or "–",
    ),
    (gettext_lazy("Sertifiseringer"), _certifications),
    (
        gettext_lazy("Underdatabehandlere"),
        lambda s, t: ", ".join(f"{p.name} ({p.country})" for p in s.sub_processors.all()) or "–",
    ),
    (gettext_lazy("Prismodell"), lambda s, t: s.get_price_model_display()),
    (
        gettext_lazy("Pris fra"),
        lambda s, t: _amount(
            s.price_from_amount, f"NOK / {s.get_price_unit_display()}" if s.price_unit else "NOK"
        ),
    ),
    (gettext_lazy("Tilgjengelighet (SLA)"), lambda s, t: _amount(s.sla_availability_percent, "%")),
    (gettext_lazy("Supporttid"), lambda s, t: s.get_support_hours_display()),
    (gettext_lazy("Support på norsk"), lambda s, t: _yes_no(s.has_norwegian_support)),
    (gettext_lazy("Eksportformater"), lambda s, t: s.export_formats or "–"),
    (gettext_lazy("Utgangsgebyr per GB"), lambda s, t: _amount(s.egress_fee_per_gb_amount, "NOK")),
    (
        gettext_lazy("Sletting etter avslutning"),
        lambda s, t: (
            _("%(days)d dager") % {"days": s.data_deletion_days} if s.data_deletion_days is not None else "–"
        ),
    ),
    (gettext_lazy("CyberX-fase"), lambda s, t: s.get_cyberx_phase_display() or "–"),
]


def compare_rows(services: list[Service], *, today: dt.date) -> list[CompareRow]:
    return [
        CompareRow(str(label), [value(service, today) for service in services]) for label, value in ATTRIBUTES
    ]
