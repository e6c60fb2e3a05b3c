from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import ApiToken, Membership, Organisation, OrganisationKind, Role, User
from marketplace.accounts.permissions import can_revoke_api_token
from marketplace.accounts.rules import InvalidOrgnr, orgnr_clean, token_generate, token_hash, token_prefix
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import NotFound, PermissionDenied, ValidationFailed

# Fields of an Organisation that the Enhetsregisteret import (and MPS admins) may update.
ORGANISATION_UPDATABLE_FIELDS = (
    "name",
    "kind",
    "organisation_form",
    "sector_code",
    "municipality",
    "website",
    "is_bankrupt",
    "is_under_liquidation",
)


@transaction.atomic
def organisation_create(
    *, actor: Any | None, orgnr: str, name: str, kind: str, now: datetime | None = None, **extra: Any
) -> Organisation:
    try:
        clean = orgnr_clean(orgnr)
    except InvalidOrgnr as exc:
        raise ValidationFailed(str(exc), errors=[{"field": "orgnr", "message": str(exc)}]) from exc
    if kind not in OrganisationKind.values:
        raise ValidationFailed(
            f"Ukjent virksomhetstype «{kind}».", errors=[{"field": "kind", "message": kind}]
        )
    if not name.strip():
        raise ValidationFailed("Navn mangler.", errors=[{"field": "name", "message": "required"}])
    if Organisation.objects.filter(orgnr=clean).exists():
        raise ValidationFailed(f"Organisasjonsnummer {clean} er allerede registrert.")
    organisation = Organisation.objects.create(orgnr=clean, name=name.strip(), kind=kind, **extra)
    audit_record(
        actor=actor,
        verb="organisation.create",
        target=organisation,
        organisation=organisation,
        data={"orgnr": clean, "name": organisation.name, "kind": kind},
        now=now,
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: Any | None, organisation: Organisation, now: datetime | None = None, **changes: Any
) -> list[str]:
    """Update the given fields; return the names of the fields that changed (audited only if any did)."""
    unknown = sorted(set(changes) - set(ORGANISATION_UPDATABLE_FIELDS))
    if unknown:
        raise ValidationFailed(f"Feltene kan ikke endres: {', '.join(unknown)}.")
    if "kind" in changes and changes["kind"] not in OrganisationKind.values:
        raise ValidationFailed(f"Ukjent virksomhetstype «{changes['kind']}».")
    if "name" in changes:
        changes["name"] = str(changes["name"]).strip()
        if not changes["name"]:
            raise ValidationFailed("Navn mangler.", errors=[{"field": "name", "message": "required"}])
    changed = {}
    for field, value in changes.items():
        old = getattr(organisation, field)
        if old != value:
            changed[field] = {"from": old, "to": value}
            setattr(organisation, field, value)
    if changed:
        organisation.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            verb="organisation.update",
            target=organisation,
            organisation=organisation,
            data={"orgnr": organisation.orgnr, "changes": changed},
            now=now,
        )
    return sorted(changed)


@transaction.atomic
def membership_grant(
    *,
    actor: Any | None,
    user: User,
    organisation: Organisation,
    roles: Iterable[str],
    now: datetime | None = None,
) -> list[Membership]:
    granted = []
    for role in roles:
        if role not in Role.values:
            raise ValidationFailed(f"Ukjent rolle «{role}».")
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        if created:
            granted.append(membership)
    if granted:
        audit_record(
            actor=actor,
            verb="membership.grant",
            target=user,
            organisation=organisation,
            data={"user": user.username, "roles": sorted(m.role for m in granted)},
            now=now,
        )
    return granted


@transaction.atomic
def api_token_create(
    *, actor: Any | None, user: User, organisation: Organisation, name: str = "", now: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token; return it with the secret, which is shown once and never stored.

    `actor=None` is the command line (`mps token create`); a person may only create tokens for themselves.
    """
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied("Du kan bare lage API-nøkler for deg selv.")
    name = name.strip()
    if len(name) > 100:
        raise ValidationFailed(
            "Navnet kan være høyst 100 tegn.", errors=[{"field": "name", "message": "max 100"}]
        )
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationFailed(f"{user.username} har ingen rolle i {organisation.name}.")
    secret = token_generate()
    token = ApiToken.objects.create(
        user=user,
        organisation=organisation,
        name=name,
        prefix=token_prefix(secret),
        key_hash=token_hash(secret),
        created_at=now or timezone.now(),
    )
    audit_record(
        actor=actor,
        verb="api_token.create",
        target=token,
        organisation=organisation,
        data={"user": user.username, "prefix": token.prefix, "name": name},
        now=now,
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: Any | None, token: ApiToken, now: datetime | None = None) -> ApiToken:
    """The owner (or MPS staff in the admin, or the system) withdraws a token."""
    if actor is not None and not can_revoke_api_token(actor, token):
        raise NotFound("Fant ikke API-nøkkelen.")
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            verb="api_token.revoke",
            target=token,
            organisation=token.organisation,
            data={"prefix": token.prefix},
            now=now,
        )
    return token


def api_token_authenticate(secret: str, *, now: datetime | None = None) -> ApiToken | None:
    """Find the live token for a secret; record when it was last used (not an audited change)."""
    if not secret:
        return None
    token = (
        ApiToken.objects.select_related("user", "organisation")
        .filter(key_hash=token_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now or timezone.now())
    return token


def _user_label(user: User) -> dict[str, Any]:
    return {"username": user.username}


@transaction.atomic
def user_login_record(
    *,
    user: User,
    organisation: Organisation | None,
    method: str,
    ip_address: str | None,
    now: datetime | None = None,
) -> None:
    """A successful log-in (password or OIDC)."""
    audit_record(
        actor=user,
        verb="user.login",
        target=user,
        organisation=organisation,
        data={**_user_label(user), "method": method, "ip_address": ip_address or ""},
        now=now,
    )


@transaction.atomic
def user_login_failure_record(
    *,
    username: str,
    ip_address: str | None,
    is_locked_out: bool,
    method: str = "password",
    reason: str = "invalid_credentials",
    now: datetime | None = None,
) -> None:
    """A failed log-in attempt. The username is what was typed; it may not exist."""
    audit_record(
        actor=None,
        verb="user.login_failed",
        data={
            "username": username[:150],
            "ip_address": ip_address or "",
            "locked_out": is_locked_out,
            "method": method,
            "reason": reason,
        },
        now=now,
    )


@transaction.atomic
def user_logout_record(*, user: User, organisation: Organisation | None, now: datetime | None = None) -> None:
    audit_record(
        actor=user,
        verb="user.logout",
        target=user,
        organisation=organisation,
        data=_user_label(user),
        now=now,
    )


@transaction.atomic
def user_password_change(*, actor: User, user: User, password: str, now: datetime | None = None) -> User:
    """Set a new password (already validated by the form against AUTH_PASSWORD_VALIDATORS)."""
    if actor.pk != user.pk:
        raise PermissionDenied("Du kan bare endre ditt eget passord.")
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, verb="user.password_change", target=user, data=_user_label(user), now=now)
    return user


@transaction.atomic
def organisation_choice_record(
    *, actor: User, organisation: Organisation, now: datetime | None = None
) -> Organisation:
    """The user chose to act for `organisation` (the view stores the choice in the session)."""
    if not Membership.objects.filter(user=actor, organisation=organisation).exists():
        raise PermissionDenied("Du har ingen rolle i den virksomheten.")
    audit_record(
        actor=actor,
        verb="user.organisation_choose",
        target=actor,
        organisation=organisation,
        data={**_user_label(actor), "orgnr": organisation.orgnr},
        now=now,
    )
    return organisation
