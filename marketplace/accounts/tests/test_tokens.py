"""API tokens: profile page, create/revoke, `mps token create`, bearer auth end-to-end and GET /api/v1/me."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from marketplace.accounts.models import ApiToken, Role
from marketplace.accounts.rules import token_hash
from marketplace.accounts.services import api_token_create, api_token_revoke
from marketplace.core.exceptions import NotFound, PermissionDenied
from marketplace.core.models import AuditEvent


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# --- profile page -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_profile_lists_own_tokens_only(buyer_org, make_member, login):
    user = make_member(buyer_org, Role.BUYER)
    other = make_member(buyer_org, Role.BUYER)
    mine, _ = api_token_create(actor=None, user=user, organisation=buyer_org, name="Fakturasystem")
    theirs, _ = api_token_create(actor=None, user=other, organisation=buyer_org, name="Annet system")
    api_token_revoke(actor=None, token=theirs)
    page = login(user, buyer_org).get("/konto/profil/").content.decode()
    assert f"<code>{mine.prefix}…</code>" in page
    assert "Fakturasystem" in page
    assert theirs.prefix not in page
    assert "Aldri" in page  # never used
    assert "Aktiv" in page


@pytest.mark.django_db
def test_create_token_shows_secret_once_and_stores_only_hash(buyer_org, make_member, login):
    user = make_member(buyer_org, Role.BUYER)
    client = login(user, buyer_org)
    response = client.post("/konto/profil/api-nokler/", {"name": "Fakturasystem"})
    assert response.status_code == 201
    assert response["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get()
    assert (token.user, token.organisation, token.name) == (user, buyer_org, "Fakturasystem")
    secret = (
        response.content.decode().split('id="new-token-secret" type="text" readonly value="')[1].split('"')[0]
    )
    assert secret.startswith("mps_")
    assert token.key_hash == token_hash(secret)
    assert token.prefix == secret[:12]
    event = AuditEvent.objects.get(verb="api_token.create")
    assert event.actor_id == user.pk
    assert secret not in json.dumps(event.data)
    # the secret is not shown again
    assert secret not in client.get("/konto/profil/").content.decode()


@pytest.mark.django_db
def test_create_token_requires_a_name(buyer_org, make_member, login):
    user = make_member(buyer_org, Role.BUYER)
    response = login(user, buyer_org).post("/konto/profil/api-nokler/", {"name": "  "})
    assert response.status_code == 400
    assert "Gi nøkkelen et navn, for eksempel systemet som skal bruke den." in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_create_token_permission_matrix(buyer_org, make_member, login):
    anonymous = Client().post("/konto/profil/api-nokler/", {"name": "x"})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/konto/logg-inn/")
    # a user without any organisation/role may not create tokens
    no_role = make_member(buyer_org)
    assert login(no_role).post("/konto/profil/api-nokler/", {"name": "x"}).status_code == 403
    assert login(no_role).get("/konto/profil/api-nokler/").status_code == 405
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_revoke_token_permission_matrix(buyer_org, other_buyer_org, make_member, login):
    owner = make_member(buyer_org, Role.BUYER)
    same_org_admin = make_member(buyer_org, Role.ORG_ADMIN)
    other_org_user = make_member(other_buyer_org, Role.ORG_ADMIN)
    token, _ = api_token_create(actor=None, user=owner, organisation=buyer_org, name="x")
    url = f"/konto/profil/api-nokler/{token.pk}/trekk-tilbake/"
    assert Client().post(url).status_code == 302  # anonymous → log-in
    assert login(other_org_user, other_buyer_org).post(url).status_code == 404
    assert login(same_org_admin, buyer_org).post(url).status_code == 404
    assert login(owner, buyer_org).get(url).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEvent.objects.filter(verb="api_token.revoke").exists()

    response = login(owner, buyer_org).post(url, follow=True)
    assert f"API-nøkkelen {token.prefix}… er trukket tilbake." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.get(verb="api_token.revoke").actor_id == owner.pk


@pytest.mark.django_db
def test_token_services_refuse_acting_for_someone_else(buyer_org, make_member):
    owner = make_member(buyer_org, Role.BUYER)
    other = make_member(buyer_org, Role.BUYER)
    with pytest.raises(PermissionDenied):
        api_token_create(actor=other, user=owner, organisation=buyer_org, name="x")
    token, _ = api_token_create(actor=owner, user=owner, organisation=buyer_org, name="x")
    with pytest.raises(NotFound):
        api_token_revoke(actor=other, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


# --- mps token create ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_token_command_prints_a_working_token(buyer_org, make_member):
    user = make_member(buyer_org, Role.BUYER, username="ingrid")
    out = io.StringIO()
    call_command("token", "create", "--user", "ingrid", "--name", "skript", stdout=out)
    secret = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.key_hash == token_hash(secret)
    assert (token.user, token.organisation, token.name) == (user, buyer_org, "skript")
    response = Client().get("/api/v1/me", **bearer(secret))
    assert response.status_code == 200
    assert response.json()["username"] == "ingrid"


@pytest.mark.django_db
def test_token_command_json_and_orgnr_choice(buyer_org, other_buyer_org, make_member):
    make_member(buyer_org, Role.BUYER, username="radgiver")
    make_member(other_buyer_org, Role.EVALUATOR, username="radgiver")
    with pytest.raises(CommandError, match="acts for several organisations; choose one with --orgnr"):
        call_command("token", "create", "--user", "radgiver")
    out = io.StringIO()
    call_command(
        "token", "create", "--user", "radgiver", "--orgnr", "964 338 442", "--format", "json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["user"] == "radgiver"
    assert data["orgnr"] == "964338442"
    assert data["prefix"] == data["token"][:12]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "finnes-ikke"], "No active user named 'finnes-ikke'."),
        (["--user", "ingrid", "--orgnr", "988077918"], "ikke et gyldig organisasjonsnummer"),
        (["--user", "ingrid", "--orgnr", "964338442"], "ingrid has no role in organisation 964338442."),
    ],
)
def test_token_command_errors(buyer_org, make_member, args, message):
    make_member(buyer_org, Role.BUYER, username="ingrid")
    with pytest.raises(CommandError, match=message):
        call_command("token", "create", *args)
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_token_command_user_without_organisation(make_member, buyer_org):
    make_member(buyer_org, username="ensom")
    with pytest.raises(CommandError, match=r"ensom has no role in any organisation\."):
        call_command("token", "create", "--user", "ensom")


# --- bearer auth end-to-end ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_me_acts_for_the_token_organisation(buyer_org, other_buyer_org, make_member):
    user = make_member(buyer_org, Role.BUYER, username="radgiver")
    make_member(other_buyer_org, Role.APPROVER, Role.EVALUATOR, username="radgiver")
    user.first_name, user.last_name = "Olav", "Strand"
    user.save()
    _, secret = api_token_create(actor=None, user=user, organisation=other_buyer_org, name="x")
    response = Client().get("/api/v1/me", **bearer(secret))
    assert response.status_code == 200
    assert response.json() == {
        "username": "radgiver",
        "name": "Olav Strand",
        "organisation": {"orgnr": "964338442", "name": "Voss herad", "kind": "municipality"},
        "roles": ["approver", "evaluator"],
    }
    token = ApiToken.objects.get()
    assert token.last_used_at is not None


@pytest.mark.django_db
def test_me_without_token_or_with_bad_token_is_401_json(buyer_org, make_member):
    user = make_member(buyer_org, Role.BUYER)
    token, secret = api_token_create(actor=None, user=user, organisation=buyer_org, name="x")
    api_token_revoke(actor=None, token=token)
    expected = {"detail": "Mangler gyldig API-nøkkel (Authorization: Bearer ...).", "errors": []}
    for headers in ({}, bearer(secret), bearer("mps_ukjent"), {"HTTP_AUTHORIZATION": "Basic abc"}):
        response = Client().get("/api/v1/me", **headers)
        assert response.status_code == 401
        assert response.json() == expected


@pytest.mark.django_db
def test_inactive_user_token_is_refused(buyer_org, make_member):
    user = make_member(buyer_org, Role.BUYER)
    _, secret = api_token_create(actor=None, user=user, organisation=buyer_org, name="x")
    user.is_active = False
    user.save()
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 401


@pytest.mark.django_db
def test_public_endpoint_with_token_ok_and_with_bad_token_401(buyer_org, make_member):
    user = make_member(buyer_org, Role.BUYER)
    _, secret = api_token_create(actor=None, user=user, organisation=buyer_org, name="x")
    assert Client().get("/api/v1/frameworks").status_code == 200
    assert Client().get("/api/v1/frameworks", **bearer(secret)).status_code == 200
    assert Client().get("/api/v1/frameworks", **bearer("mps_feil")).status_code == 401
