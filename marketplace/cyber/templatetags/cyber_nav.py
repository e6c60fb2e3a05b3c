"""`{% cyber_nav_entries as nav_entries %}`: the CyberX section navigation for the current page and user."""

from __future__ import annotations

from typing import Any

from django import template

from marketplace.cyber.views.common import nav_entries

register = template.Library()


@register.simple_tag(takes_context=True)
def cyber_nav_entries(context: dict[str, Any]) -> list[dict[str, Any]]:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return nav_entries(getattr(request, "user", None), match.view_name if match is not None else "")
