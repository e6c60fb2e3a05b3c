"""The Cyber Risk Score panel on the catalogue's supplier and service pages (registered from CyberConfig.ready()
into marketplace.core.panels, so the catalogue does not import CyberX)."""

from __future__ import annotations

from typing import Any

from marketplace.core import panels
from marketplace.cyber import selectors
from marketplace.cyber.permissions import can_view_supplier_score

TEMPLATE = "cyber/_supplier_score_panel.html"


def supplier_panel_context(request: Any, supplier: Any) -> dict[str, Any] | None:
    """The supplier's latest score for a signed-in user; None (no panel) for anonymous visitors."""
    if supplier is None or not can_view_supplier_score(getattr(request, "user", None)):
        return None
    return {"supplier": supplier, "scan": selectors.supplier_score(supplier)}


def service_panel_context(request: Any, service: Any) -> dict[str, Any] | None:
    contract = getattr(service, "contract", None)
    return supplier_panel_context(request, getattr(contract, "supplier", None))


def register() -> None:
    panels.register("suppliers.supplier_detail", TEMPLATE, supplier_panel_context)
    panels.register("catalogue.service_detail", TEMPLATE, service_panel_context)
