"""`{% insights_nav_entries as nav_entries %}`: the insights section navigation for the current page and user."""

from __future__ import annotations

from typing import Any

from django import template

from marketplace.core.charts import url_or_none
from marketplace.insights import nav
from marketplace.insights.permissions import can_view_full_statistics

register = template.Library()

STAFF_PAGES = {"insights:statistics_full"}


@register.simple_tag(takes_context=True)
def insights_nav_entries(context: dict[str, Any]) -> list[dict[str, Any]]:
    request = context.get("request")
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match is not None else ""
    entries = []
    for name, label in nav.PAGES:
        if name in STAFF_PAGES and not can_view_full_statistics(user):
            continue
        url = url_or_none(name)
        if url is not None:
            entries.append({"url": url, "label": str(label), "is_current": name == current})
    return entries
