from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from marketplace.accounts.models import Membership, Organisation


def organisation_list_for_user(user: Any) -> QuerySet[Organisation]:
    """Organisations the user holds at least one role in."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).distinct().order_by("name")


def roles_for(user: Any, organisation: Organisation | None) -> frozenset[str]:
    if organisation is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        Membership.objects.filter(user=user, organisation=organisation).values_list("role", flat=True)
    )


def organisation_get_by_orgnr(orgnr: str) -> Organisation | None:
    return Organisation.objects.filter(orgnr=orgnr).first()
