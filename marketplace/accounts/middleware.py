"""Sets the organisation the logged-in user acts for (chosen in the session) and its roles on request.user."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from marketplace.accounts.selectors import organisation_list_for_user, roles_for

SESSION_KEY = "mps_organisation_id"


def activate(user: object, organisation: object | None) -> None:
    user.active_organisation = organisation  # type: ignore[attr-defined]
    user.active_roles = roles_for(user, organisation)  # type: ignore[attr-defined,arg-type]


class ActiveOrganisationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            organisations = list(organisation_list_for_user(user))
            chosen_id = request.session.get(SESSION_KEY)
            organisation = next((org for org in organisations if org.pk == chosen_id), None)
            if organisation is None and len(organisations) >= 1:
                organisation = organisations[0]
            activate(user, organisation)
            request.organisations = organisations  # type: ignore[attr-defined]
        return self.get_response(request)
