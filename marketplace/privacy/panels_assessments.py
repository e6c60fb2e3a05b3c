"""The assessment panel on the catalogue's service page: a "Start vurdering" button for privacy officers and org
admins of buyer organisations, and the status of their organisation's assessments of the service."""

from __future__ import annotations

from typing import Any

from marketplace.accounts.permissions import active_organisation
from marketplace.core import panels
from marketplace.privacy.permissions import can_work_on_privacy
from marketplace.privacy.selectors.assessments import assessments_for_service

TEMPLATE = "privacy/assessments/_service_panel.html"


def service_panel_context(request: Any, service: Any) -> dict[str, Any] | None:
    user = getattr(request, "user", None)
    if service is None or not can_work_on_privacy(user, active_organisation(user)):
        return None
    return {"service": service, "assessments": assessments_for_service(user, service)}


def register() -> None:
    panels.register("catalogue.service_detail", TEMPLATE, service_panel_context, order=120)
