"""OIDC log-in against a local fake provider: the whole code flow with PKCE, RS256 ID token and JWKS."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from marketplace.accounts.models import Role, User
from marketplace.accounts.tests.fake_oidc import CLIENT_ID, CLIENT_SECRET, FakeProvider, FakeProviderServer
from marketplace.core.models import AuditEvent


@pytest.fixture
def provider(settings, monkeypatch) -> Iterator[FakeProvider]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with FakeProviderServer() as fake:
        settings.OIDC_ENABLED = True
        settings.OIDC_OP_ISSUER = fake.issuer
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{fake.issuer}/authorize"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{fake.issuer}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{fake.issuer}/userinfo"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{fake.issuer}/jwks.json"
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.AUTHENTICATION_BACKENDS = [
            *settings.AUTHENTICATION_BACKENDS,
            "marketplace.accounts.oidc.OidcBackend",
        ]
        yield fake


def browser_visits_provider(location: str) -> str:
    """Follow the authorize redirect as a browser would; return the callback URL the provider sends back."""
    url = urlparse(location)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    connection.request("GET", f"{url.path}?{url.query}")
    response = connection.getresponse()
    assert response.status == 302
    callback = response.getheader("Location")
    connection.close()
    return callback


def code_flow(client: Client, next_url: str = "/konto/profil/") -> object:
    start = client.get(f"/konto/oidc/start/?next={next_url}")
    assert start.status_code == 302
    callback = urlparse(browser_visits_provider(start["Location"]))
    assert callback.netloc == "testserver"
    assert callback.path == "/konto/oidc/tilbake/"
    return client.get(f"{callback.path}?{callback.query}")


@pytest.mark.django_db
def test_login_page_shows_id_porten_button_when_enabled(provider):
    page = Client().get("/konto/logg-inn/?next=/tjenester/").content.decode()
    assert "Logg inn med ID-porten" in page
    assert 'href="/konto/oidc/start/?next=/tjenester/"' in page


@pytest.mark.django_db
def test_authorize_request_carries_state_nonce_pkce_and_acr(provider):
    response = Client().get("/konto/oidc/start/")
    url = urlparse(response["Location"])
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{provider.issuer}/authorize"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == "http://testserver/konto/oidc/tilbake/"
    assert query["scope"] == "openid profile"
    assert query["code_challenge_method"] == "S256"
    assert query["acr_values"] == "idporten-loa-substantial"
    assert len(query["state"]) == 32
    assert len(query["nonce"]) == 32


@pytest.mark.django_db
def test_full_code_flow_logs_in_user_with_matching_subject(provider, buyer_org, make_member):
    user = make_member(buyer_org, Role.BUYER, username="ingrid")
    user.oidc_subject = "ZKq7-subjekt"
    user.save()
    provider.claims = {"sub": "ZKq7-subjekt"}
    client = Client()
    response = code_flow(client)
    assert response.status_code == 302
    assert response["Location"] == "/konto/profil/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["_auth_user_backend"] == "marketplace.accounts.oidc.OidcBackend"
    assert client.get("/konto/profil/").status_code == 200
    # the token request used PKCE and our client credentials
    token_request = provider.token_requests[-1]
    assert token_request["grant_type"] == "authorization_code"
    assert len(token_request["code_verifier"]) == 64
    event = AuditEvent.objects.get(verb="user.login")
    assert event.actor_id == user.pk
    assert event.organisation_id == buyer_org.pk
    assert event.data["method"] == "oidc"


@pytest.mark.django_db
def test_pid_claim_maps_to_oidc_subject(provider, buyer_org, make_member):
    user = make_member(buyer_org, Role.BUYER)
    user.oidc_subject = "24079000000"  # a synthetic national identity number
    user.save()
    provider.claims = {"sub": "pairwise-123", "pid": "24079000000"}
    client = Client()
    assert code_flow(client).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_unknown_subject_is_refused_and_no_user_is_created(provider, buyer_org, make_member):
    make_member(buyer_org, Role.BUYER)
    provider.claims = {"sub": "ukjent-person", "pid": "05056000000"}
    users_before = User.objects.count()
    client = Client()
    response = code_flow(client)
    assert response.status_code == 302
    assert response["Location"] == "/konto/logg-inn/"
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users_before
    page = client.get(response["Location"]).content.decode()
    assert "Du er logget inn hos ID-porten, men har ingen brukerkonto på Markedsplassen." in page
    event = AuditEvent.objects.get(verb="user.login_failed")
    assert event.data["method"] == "oidc"
    assert event.data["reason"] == "unknown_subject"


@pytest.mark.django_db
def test_inactive_user_is_refused(provider, buyer_org, make_member):
    user = make_member(buyer_org, Role.BUYER)
    user.oidc_subject = "abc"
    user.is_active = False
    user.save()
    provider.claims = {"sub": "abc"}
    client = Client()
    code_flow(client)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_wrong_issuer_is_refused(provider, buyer_org, make_member):
    user = make_member(buyer_org, Role.BUYER)
    user.oidc_subject = "abc"
    user.save()
    provider.claims = {"sub": "abc"}
    provider.issuer_in_token = "https://falsk-utsteder.example"
    client = Client()
    response = code_flow(client)
    assert response["Location"] == "/konto/logg-inn/"
    assert "_auth_user_id" not in client.session
    page = client.get("/konto/logg-inn/").content.decode()
    assert "Svaret fra innloggingstjenesten kunne ikke bekreftes. Prøv igjen." in page


@pytest.mark.django_db
def test_replayed_or_forged_code_is_refused(provider, buyer_org, make_member):
    user = make_member(buyer_org, Role.BUYER)
    user.oidc_subject = "abc"
    user.save()
    provider.claims = {"sub": "abc"}
    client = Client()
    start = client.get("/konto/oidc/start/")
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    response = client.get(f"/konto/oidc/tilbake/?code=forfalsket&state={state}")
    assert response["Location"] == "/konto/logg-inn/"
    assert "_auth_user_id" not in client.session
    page = client.get("/konto/logg-inn/").content.decode()
    assert "Innloggingstjenesten svarte ikke som forventet. Prøv igjen om litt." in page


@pytest.mark.django_db
def test_provider_error_is_refused(provider):
    client = Client()
    client.get("/konto/oidc/start/")
    response = client.get("/konto/oidc/tilbake/?error=access_denied")
    assert response["Location"] == "/konto/logg-inn/"
    page = client.get("/konto/logg-inn/").content.decode()
    assert "Innloggingen med ID-porten ble avbrutt eller mislyktes." in page


@pytest.mark.django_db
def test_password_login_still_works_with_oidc_enabled(provider, buyer_org, make_member):
    make_member(buyer_org, Role.BUYER, username="ingrid")
    response = Client().post("/konto/logg-inn/", {"username": "ingrid", "password": "Passord-for-test-1"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_oidc_urls_answer_404_when_disabled(settings):
    settings.OIDC_ENABLED = False
    assert Client().get("/konto/oidc/start/").status_code == 404
    assert Client().get("/konto/oidc/tilbake/?code=x&state=y").status_code == 404
