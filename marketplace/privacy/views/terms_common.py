"""What the terms area's pages share: the organisation the user may work for, and the privacy section navigation
(nav.PAGES; each page shown only to those who may open it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation
from marketplace.accounts.permissions import active_organisation
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
