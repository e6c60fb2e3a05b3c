"""The exit panel on the catalogue's service page (registered from PrivacyConfig.ready() into core.panels): the
supplier's egress price, export formats, exit terms and, for a buyer organisation's privacy roles, a link to estimate
the exit cost (terms area)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from marketplace.accounts.permissions import active_organisation
from marketplace.core import panels
from marketplace.privacy.permissions import can_work_on_privacy
from marketplace.privacy.selectors.exit import egress_price_for
from marketplace.privacy.selectors.usage import service_in_use_for

TEMPLATE = "privacy/exit/_service_panel.html"


def service_panel_context(request: Any, service: Any) -> dict[str, Any] | None:
    if service is None:
        return None
    user = getattr(request, "user", None)
    organisation = active_organisation(user)
    estimate_url = None
    if organisation is not None and can_work_on_privacy(user, organisation):
        in_use = service_in_use_for(organisation, service)
        estimate_url = (
            reverse("privacy:exit_estimate", args=[in_use.pk])
            if in_use is not None
            else f"{reverse('privacy:usage_add')}?tjeneste={service.pk}"
        )
    return {
        "service": service,
        "egress_price": egress_price_for(service),
        "estimate_url": estimate_url,
    }


def register() -> None:
    panels.register("catalogue.service_detail", TEMPLATE, service_panel_context, order=200)
