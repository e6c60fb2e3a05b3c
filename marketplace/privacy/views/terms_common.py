"""What the terms area's pages share: the organisation the user may work for, and the privacy section navigation
(nav.PAGES; each page shown only to those who may open it)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation
from marketplace.accounts.permissions import active_organisation
from marketplace.core.charts import url_or_none
from marketplace.privacy import nav
from marketplace.privacy.permissions import (
    can_view_services_in_use,
    can_view_terms_balance,
    can_work_on_privacy,
)


def organisation_or_403(request: HttpRequest, *, manage: bool = False) -> Organisation:
    """The buyer organisation whose services in use and exit data the user may see (with `manage`: change) now."""
    organisation = active_organisation(request.user)
    allowed = can_work_on_privacy if manage else can_view_services_in_use
    if organisation is None or not allowed(request.user, organisation):
        raise PermissionDenied(
            _(
                "Du må handle for en offentlig virksomhet med rollen personvernansvarlig eller virksomhetsadministrator."
            )
            if manage
            else _(
                "Du må handle for en offentlig virksomhet med rollen personvernansvarlig, "
                "virksomhetsadministrator eller innkjøper."
            )
        )
    return organisation


def mps_or_403(request: HttpRequest) -> None:
    if not can_view_terms_balance(request.user):
        raise PermissionDenied(_("Siden er for kategoriansvarlige og administratorer i MPS."))


# Who sees which page of the section (terms area); pages of other areas are shown to the organisation's privacy roles.
_ORGANISATION_PAGES = frozenset({"privacy:usage_list", "privacy:exit_overview"})
_PUBLIC_PAGES = frozenset({"privacy:terms_index"})


def section_nav(user: Any, current: str) -> list[dict[str, Any]]:
    organisation = active_organisation(user)
    entries = []
    for name, label in nav.PAGES:
        if name in _PUBLIC_PAGES:
            shown = True
        elif name in _ORGANISATION_PAGES:
            shown = organisation is not None and can_view_services_in_use(user, organisation)
        else:
            shown = organisation is not None and can_work_on_privacy(user, organisation)
        url = url_or_none(name) if shown else None
        if url is not None:
            entries.append({"url": url, "label": str(label), "is_current": name == current})
    return entries
