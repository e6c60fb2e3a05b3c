"""`{% page_panels "slot" obj %}`: renders the panels higher apps registered for a slot (marketplace.core.panels).

Each panel's context function is called with the request and the page's object; its result is the panel
template's context (with `request`, `user` and `obj` added). A context function that returns None (for example
because the user may not see the facts) leaves its panel out. No panels, nothing rendered.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from marketplace.core import panels

register = template.Library()


@register.simple_tag(takes_context=True)
def page_panels(context: template.Context, slot: str, obj: Any = None) -> SafeString:
    request = context.get("request")
    parts = []
    for panel in panels.for_slot(slot):
        panel_context = panel.context(request, obj)
        if panel_context is None:
            continue
        rendered = get_template(panel.template).render(
            {
                "request": request,
                "user": getattr(request, "user", None),
                "obj": obj,
                **panel_context,
            },
            request,
        )
        parts.append(rendered)
    return mark_safe("".join(parts))  # noqa: S308 - each part is a rendered (auto-escaped) template
