from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from marketplace.accounts.permissions import active_organisation, active_roles
from marketplace.api import token_auth

router = Router(tags=["accounts"])


class OrganisationOut(Schema):
    orgnr: str
    name: str
    kind: str


class MeOut(Schema):
    username: str
    name: str
    organisation: OrganisationOut
    roles: list[str]


@router.get("/me", response=MeOut, auth=token_auth, summary="Who the token acts as")
def me(request: HttpRequest) -> MeOut:
    """The token's user, the organisation it acts for and the user's roles there."""
    user = request.user
    organisation = active_organisation(user)
    assert organisation is not None  # a token always acts for its organisation
    return MeOut(
        username=user.get_username(),
        name=user.get_full_name(),  # type: ignore[union-attr]
        organisation=OrganisationOut(
            orgnr=organisation.orgnr, name=organisation.name, kind=organisation.kind
        ),
        roles=sorted(active_roles(user)),
    )
