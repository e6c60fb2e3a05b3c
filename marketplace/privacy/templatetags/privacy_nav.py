"""`{% privacy_nav_entries as nav_entries %}`: the privacy section navigation (nav.PAGES) for the current page.

The baseline of balanced terms is public; the anonymised statistics are for MPS staff; services in use and exit
for those who may see the organisation's services in use; the rest for its privacy officers and org admins."""

from __future__ import annotations

from typing import Any

from django import template

from marketplace.accounts.permissions import active_organisation
from marketplace.core.charts import url_or_none
from marketplace.privacy import nav
from marketplace.privacy.permissions import (
    can_view_privacy_statistics,
    can_view_services_in_use,
    can_work_on_privacy,
)

register = template.Library()

STAFF_PAGES = frozenset({"privacy:assessment_statistics"})
PUBLIC_PAGES = frozenset({"privacy:terms_index"})
ORGANISATION_PAGES = frozenset({"privacy:usage_list", "privacy:exit_overview"})


@register.simple_tag(takes_context=True)
def privacy_nav_entries(context: dict[str, Any]) -> list[dict[str, Any]]:
    request = context.get("request")
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match is not None else ""
    organisation = active_organisation(user)
    works = can_work_on_privacy(user, organisation)
    staff = can_view_privacy_statistics(user)
    sees_usage = organisation is not None and can_view_services_in_use(user, organisation)
    entries = []
    for name, label in nav.PAGES:
        if name in PUBLIC_PAGES:
            shown = True
        elif name in STAFF_PAGES:
            shown = staff
        elif name in ORGANISATION_PAGES:
            shown = sees_usage
        else:
            shown = works
        if not shown:
            continue
        url = url_or_none(name)
        if url is not None:
            entries.append({"url": url, "label": str(label), "is_current": name == current})
    return entries
