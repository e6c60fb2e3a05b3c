"""What the knowledge area's pages share: the section navigation and turning service errors into messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from marketplace.core import exceptions
from marketplace.core.charts import url_or_none
from marketplace.insights import nav
from marketplace.insights.permissions import can_use_forum


def section_nav(user: Any, current: str) -> list[dict[str, Any]]:
    """The insights section's pages (all areas) that exist; Skyforum only for those who may use it."""
    entries = []
    for name, label in nav.PAGES:
        if name == "insights:forum" and not can_use_forum(user):
            continue
        url = url_or_none(name)
        if url is not None:
            entries.append({"url": url, "label": str(label), "is_current": name == current})
    return entries


def report(request: HttpRequest, exc: exceptions.ApplicationError) -> None:
    """A service refused: 403 for permission, otherwise the reason as an error message."""
    if isinstance(exc, exceptions.PermissionDenied):
        raise PermissionDenied(exc.message) from None
    details = [e.get("message", "") for e in exc.errors if e.get("message")]
    messages.error(request, " ".join([exc.message, *details]) if details else exc.message)
