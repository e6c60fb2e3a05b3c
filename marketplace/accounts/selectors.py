from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from marketplace.accounts.models import ApiToken, Membership, Organisation


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


def api_token_list_for_user(user: Any) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (all organisations)."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).select_related("organisation").order_by("-created_at", "-pk")


def api_token_get_visible_to(user: Any, pk: int) -> ApiToken:
    """One of the user's own tokens; 404 for missing and someone else's alike."""
    token = api_token_list_for_user(user).filter(pk=pk).first()
    if token is None:
        raise Http404("API token not found")
    return token
