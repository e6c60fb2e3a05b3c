from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def active_organisation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "active_organisation": getattr(user, "active_organisation", None),
        "active_roles": getattr(user, "active_roles", frozenset()),
        "user_organisations": getattr(request, "organisations", []),
    }
