"""`{% insights_nav_entries as nav_entries %}`: the insights section navigation for the current page and user."""

from __future__ import annotations

from typing import Any

from django import template

from marketplace.core.charts import url_or_none
from marketplace.insights import nav
from marketplace.insights.permissions import can_import_notices, can_use_forum, can_view_full_statistics

register = template.Library()

# Pages shown only to those who may open them.
PAGE_ALLOWED = {
    "insights:statistics_full": can_view_full_statistics,
    "insights:notices_import": can_import_notices,
    "insights:forum": can_use_forum,
}


@register.simple_tag(takes_context=True)
def insights_nav_entries(context: dict[str, Any]) -> list[dict[str, Any]]:
    request = context.get("request")
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match is not None else ""
    entries = []
    for name, label in nav.PAGES:
        allowed = PAGE_ALLOWED.get(name)
        if allowed is not None and not allowed(user):
            continue
        url = url_or_none(name)
        if url is not None:
            entries.append({"url": url, "label": str(label), "is_current": name == current})
    return entries
