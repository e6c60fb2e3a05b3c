"""The privacy section's sub-pages for its navigation: (url name, label). One line per page, appended by area."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PAGES: list[tuple[str, object]] = [
    # assessments area
    ("privacy:index", _("Vurderinger")),
    ("privacy:assessment_start", _("Ny vurdering")),
    ("privacy:assessment_statistics", _("Statistikk (MPS)")),
    # terms area
    ("privacy:usage_list", _("Tjenester i bruk")),
    ("privacy:exit_overview", _("Exit og innlåsing")),
    ("privacy:terms_index", _("Balanserte vilkår")),
]
