"""The insights section's sub-pages for its navigation: (url name, label). One line per page, appended by area."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PAGES: list[tuple[str, object]] = [
    # statistics area
    ("insights:index", _("Statistikk")),
    ("insights:goals", _("Mål")),
    ("insights:programmes", _("Programmer")),
    ("insights:statistics_full", _("Full statistikk (MPS)")),
    # notices area
    ("insights:notices", _("Kunngjøringer")),
    ("insights:notice_list", _("Alle kunngjøringer")),
    ("insights:notices_import", _("Importer kunngjøringer")),
    # knowledge area
    ("insights:knowledge", _("Kunnskap")),
    ("insights:forum", _("Skyforum")),
    ("insights:groups", _("Ekspertgrupper")),
    ("insights:meetings", _("Møter")),
    ("insights:surveys", _("Undersøkelse")),
]
