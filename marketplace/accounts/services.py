from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import ApiToken, Membership, Organisation, OrganisationKind, Role, User
from marketplace.accounts.rules import InvalidOrgnr, orgnr_clean, token_generate, token_hash, token_prefix
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import ValidationFailed


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
    """Create a token; return it with the secret, which is shown once and never stored."""
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
def api_token_revoke(*, actor: Any, token: ApiToken, now: datetime | None = None) -> ApiToken:
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
