"""The CyberX sub-pages shown in the section navigation: (url name, label). One line per page, appended by area."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PAGES: list[tuple[str, object]] = [
    # assets, scans, scores, methodology (core area)
    ("cyber:overview", _("Oversikt")),
    ("cyber:assets", _("Ressurser")),
    ("cyber:scans", _("Skanninger")),
    ("cyber:mps", _("Alle virksomheter")),
    ("cyber:methodology", _("Metode")),
    # threat intelligence and awareness (intel area)
    ("cyber:alerts", _("Trusselvarsler")),
    ("cyber:software", _("Programvare")),
    ("cyber:awareness", _("Opplæring")),
    ("cyber:intel_imports", _("KEV og STIX")),
    ("cyber:awareness_mps", _("Opplæring i alle virksomheter")),
]

__all__ = ["PAGES", "_"]
