"""The FinOps sub-pages shown in the section navigation: (url name, label). One line per page, appended by area."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PAGES: list[tuple[str, object]] = [
    ("finops:dashboard", _("Oversikt")),
    ("finops:imports", _("Importer")),
    ("finops:budgets", _("Budsjett")),
    ("finops:anomalies", _("Avvik")),
    ("finops:showback", _("Kostnadsfordeling")),
    ("finops:commitments", _("Forpliktelser")),
    ("finops:licences", _("Lisenser")),
    ("finops:carbon", _("Klima")),
    ("finops:prices", _("Priskontroll")),
    ("finops:unit_costs", _("Enhetskostnader")),
    ("finops:workload", _("Ressurser")),
]

__all__ = ["PAGES", "_"]
