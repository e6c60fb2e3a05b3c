"""What every CyberX page shares: the organisation the user may see now, the section navigation, score labels."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation
from marketplace.accounts.permissions import active_organisation, is_mps_staff
from marketplace.core.charts import url_or_none
from marketplace.cyber import nav
from marketplace.cyber.permissions import can_manage_cyber, can_scan_cyber, can_view_cyber

# Pages of nav.PAGES that only MPS staff see in the section navigation.
STAFF_PAGES = frozenset({"cyber:mps", "cyber:intel_imports", "cyber:awareness_mps"})
# Pages anyone sees (no log-in needed).
PUBLIC_PAGES = frozenset({"cyber:methodology"})
# One organisation's own pages; MPS staff reach organisations through the MPS page instead.
ORGANISATION_PAGES = frozenset(
    {"cyber:overview", "cyber:assets", "cyber:scans", "cyber:software", "cyber:awareness"}
)


def cyber_organisation_or_403(
    request: HttpRequest, *, manage: bool = False, scan: bool = False
) -> Organisation:
    """The organisation whose assets and scores the user may see (or, with `manage`, change; with `scan`, scan)
    now; otherwise 403 with the reason."""
    organisation = active_organisation(request.user)
    allowed = can_manage_cyber if manage else can_scan_cyber if scan else can_view_cyber
    if organisation is None or not allowed(request.user, organisation):
        raise PermissionDenied(
            _("Du må handle for en virksomhet med rollen sikkerhetsansvarlig eller virksomhetsadministrator.")
        )
    return organisation


def nav_entries(user: Any, current: str) -> list[dict[str, Any]]:
    """The CyberX section navigation: the pages of nav.PAGES that exist and that the user may open."""
    staff = is_mps_staff(user)
    organisation = active_organisation(user)
    sees_organisation = organisation is not None and can_view_cyber(user, organisation) and not staff
    entries = []
    for name, label in nav.PAGES:
        if name in PUBLIC_PAGES:
            shown = True
        elif name in STAFF_PAGES:
            shown = staff
        elif name in ORGANISATION_PAGES:
            shown = sees_organisation
        else:
            shown = sees_organisation or staff
        url = url_or_none(name) if shown else None
        if url is not None:
            entries.append({"url": url, "label": str(label), "is_current": name == current})
    return entries
