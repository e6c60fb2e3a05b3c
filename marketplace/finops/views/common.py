"""What every FinOps page shares."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation
from marketplace.accounts.permissions import active_organisation
from marketplace.finops.permissions import can_manage_finops, can_view_finops


def finops_organisation_or_403(request: HttpRequest, *, manage: bool = False) -> Organisation:
    """The organisation whose cost data the user may see (or, with `manage`, change) now; otherwise 403."""
    organisation = active_organisation(request.user)
    allowed = can_manage_finops if manage else can_view_finops
    if organisation is None or not allowed(request.user, organisation):
        raise PermissionDenied(
            _("Du må handle for en virksomhet med rollen FinOps-analytiker eller administrator.")
        )
    return organisation
