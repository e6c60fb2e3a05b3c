"""`{% privacy_nav_entries as nav_entries %}`: the privacy section navigation (nav.PAGES) for the current page.

MPS staff see only the statistics pages; buyer privacy officers and org admins the rest."""

from __future__ import annotations

from typing import Any

from django import template

from marketplace.accounts.permissions import active_organisation
from marketplace.core.charts import url_or_none
from marketplace.privacy import nav
from marketplace.privacy.permissions import can_view_privacy_statistics, can_work_on_privacy

register = template.Library()

STAFF_PAGES = frozenset({"privacy:assessment_statistics"})


@register.simple_tag(takes_context=True)
def privacy_nav_entries(context: dict[str, Any]) -> list[dict[str, Any]]:
    request = context.get("request")
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match is not None else ""
    works = can_work_on_privacy(user, active_organisation(user))
    staff = can_view_privacy_statistics(user)
    entries = []
    for name, label in nav.PAGES:
        if (name in STAFF_PAGES and not staff) or (name not in STAFF_PAGES and not works):
            continue
        url = url_or_none(name)
        if url is not None:
            entries.append({"url": url, "label": str(label), "is_current": name == current})
    return entries
