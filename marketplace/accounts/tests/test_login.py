"""Log-in, lock-out (django-axes), log-out, password change and choosing an organisation."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from marketplace.accounts.middleware import SESSION_KEY
from marketplace.accounts.models import Role
from marketplace.core.models import AuditEvent

PASSWORD = "Passord-for-test-1"
LOGIN_URL = "/konto/logg-inn/"


def attempt(client: Client, username: str, password: str) -> object:
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


def verbs() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))


@pytest.mark.django_db
def test_login_success_logs_in_and_writes_audit_event(buyer_org, make_member):
    user = make_member(buyer_org, Role.BUYER, username="ingrid")
    client = Client()
    response = attempt(client, "ingrid", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)
    event = AuditEvent.objects.get(verb="user.login")
    assert event.actor_id == user.pk
    assert event.organisation_id == buyer_org.pk
    assert event.data == {"username": "ingrid", "method": "password", "ip_address": "10.1.2.3"}


@pytest.mark.django_db
def test_login_wrong_password_shows_norwegian_message_and_audits(buyer_org, make_member):
    make_member(buyer_org, Role.BUYER, username="ingrid")
    client = Client()
    response = attempt(client, "ingrid", "feil-passord")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    content = response.content.decode()
    assert (
        "Feil brukernavn eller passord. Prøv igjen, og sjekk at du skiller mellom store og små bokstaver."
        in content
    )
    event = AuditEvent.objects.get(verb="user.login_failed")
    assert event.actor_id is None
    assert event.data == {
        "username": "ingrid",
        "ip_address": "10.1.2.3",
        "locked_out": False,
        "method": "password",
        "reason": "invalid_credentials",
    }


@pytest.mark.django_db
def test_login_empty_fields_give_field_messages_and_no_audit_event():
    response = Client().post(LOGIN_URL, {"username": "", "password": ""})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Skriv inn brukernavnet ditt." in content
    assert "Skriv inn passordet ditt." in content
    assert verbs() == []


@pytest.mark.django_db
def test_five_failures_lock_out_with_429_even_with_right_password(buyer_org, make_member):
    make_member(buyer_org, Role.BUYER, username="ingrid")
    client = Client()
    for _ in range(4):
        assert attempt(client, "ingrid", "feil-passord").status_code == 200
    fifth = attempt(client, "ingrid", "feil-passord")
    assert fifth.status_code == 429
    locked_page = fifth.content.decode()
    assert "Kontoen er midlertidig sperret" in locked_page
    assert "Det har vært 5 mislykkede innlogginger på rad for denne brukeren fra din adresse." in locked_page
    assert "Prøv igjen om 15 minutter." in locked_page
    # Locked: the right password is refused too, and nobody is logged in.
    locked = attempt(client, "ingrid", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="ingrid").failures_since_start >= 5
    assert verbs().count("user.login_failed") == 6
    assert "user.login" not in verbs()
    assert AuditEvent.objects.filter(verb="user.login_failed", data__locked_out=True).count() >= 1


@pytest.mark.django_db
def test_lock_out_is_per_username_and_ip(buyer_org, make_member):
    make_member(buyer_org, Role.BUYER, username="ingrid")
    make_member(buyer_org, Role.BUYER, username="lars")
    client = Client()
    for _ in range(5):
        attempt(client, "ingrid", "feil-passord")
    assert attempt(client, "lars", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_successful_login_resets_failure_count(buyer_org, make_member):
    make_member(buyer_org, Role.BUYER, username="ingrid")
    client = Client()
    for _ in range(4):
        attempt(client, "ingrid", "feil-passord")
    assert attempt(client, "ingrid", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="ingrid").exists()
    client.post("/konto/logg-ut/")
    for _ in range(4):
        assert attempt(client, "ingrid", "feil-passord").status_code == 200
    assert attempt(client, "ingrid", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_logout_is_post_only_and_audited(buyer_org, make_member, login):
    user = make_member(buyer_org, Role.BUYER)
    client = login(user, buyer_org)
    assert client.get("/konto/logg-ut/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/konto/logg-ut/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(verb="user.logout")
    assert (event.actor_id, event.organisation_id) == (user.pk, buyer_org.pk)


@pytest.mark.django_db
def test_login_page_hides_oidc_button_by_default():
    content = Client().get(LOGIN_URL).content.decode()
    assert "Logg inn med ID-porten" not in content
    assert Client().get("/konto/oidc/start/").status_code == 404


@pytest.mark.django_db
def test_profile_requires_login():
    response = Client().get("/konto/profil/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/logg-inn/?next=/konto/profil/"


# --- password change ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_change_anonymous_is_sent_to_login():
    response = Client().post("/konto/passord/", {})
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logg-inn/?next=")


@pytest.mark.django_db
def test_password_change_success_keeps_session_and_audits(buyer_org, make_member, login):
    user = make_member(buyer_org, Role.BUYER)
    client = login(user, buyer_org)
    response = client.post(
        "/konto/passord/",
        {
            "old_password": PASSWORD,
            "new_password1": "Fjellvann-og-sky-42",
            "new_password2": "Fjellvann-og-sky-42",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/konto/profil/"
    user.refresh_from_db()
    assert user.check_password("Fjellvann-og-sky-42")
    assert client.get("/konto/profil/").status_code == 200  # still logged in
    event = AuditEvent.objects.get(verb="user.password_change")
    assert event.actor_id == user.pk
    assert event.data == {"username": user.username}


@pytest.mark.parametrize(
    ("old", "new1", "new2", "message"),
    [
        (
            "feil",
            "Fjellvann-og-sky-42",
            "Fjellvann-og-sky-42",
            "Det nåværende passordet er feil. Skriv det inn på nytt.",
        ),
        (PASSWORD, "Fjellvann-og-sky-42", "Fjellvann-og-sky-43", "De to nye passordene er ikke like."),
        (PASSWORD, "kort", "kort", "Passordet er for kort. Det må ha minst 10 tegn."),
        (PASSWORD, "1234567890123", "1234567890123", "Dette passordet inneholder bare tall."),
        (PASSWORD, "password123", "password123", "Dette passordet er for vanlig."),
        (PASSWORD, "", "", "Fyll ut feltet."),
    ],
)
@pytest.mark.django_db
def test_password_change_errors_are_norwegian_and_change_nothing(
    buyer_org, make_member, login, old, new1, new2, message
):
    user = make_member(buyer_org, Role.BUYER)
    client = login(user, buyer_org)
    response = client.post(
        "/konto/passord/", {"old_password": old, "new_password1": new1, "new_password2": new2}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(verb="user.password_change").exists()


# --- choosing the organisation ----------------------------------------------------------------------


@pytest.mark.django_db
def test_organisation_choose_switches_roles_and_is_stored_in_session(
    buyer_org, other_buyer_org, make_member, login
):
    user = make_member(buyer_org, Role.BUYER, username="radgiver")
    make_member(other_buyer_org, Role.APPROVER, username="radgiver")
    client = login(user, buyer_org)
    page = client.get("/konto/profil/").content.decode()
    assert "Norges vassdrags- og energidirektorat (970 205 039)" in page
    assert "<dd>Innkjøper</dd>" in page
    response = client.post(
        reverse("accounts:organisation_choose"),
        {"organisation": other_buyer_org.pk, "next": "/konto/profil/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/konto/profil/"
    assert client.session[SESSION_KEY] == other_buyer_org.pk
    page = client.get("/konto/profil/").content.decode()
    assert "Voss herad (964 338 442)" in page
    assert "<dd>Godkjenner</dd>" in page
    event = AuditEvent.objects.get(verb="user.organisation_choose")
    assert (event.actor_id, event.organisation_id) == (user.pk, other_buyer_org.pk)


@pytest.mark.django_db
def test_organisation_choose_refuses_an_organisation_without_role(
    buyer_org, other_buyer_org, make_member, login
):
    user = make_member(buyer_org, Role.BUYER)
    client = login(user, buyer_org)
    response = client.post(
        reverse("accounts:organisation_choose"), {"organisation": other_buyer_org.pk}, follow=True
    )
    assert "Du har ingen rolle i den virksomheten." in response.content.decode()
    assert client.session[SESSION_KEY] == buyer_org.pk
    assert not AuditEvent.objects.filter(verb="user.organisation_choose").exists()


@pytest.mark.django_db
def test_organisation_choose_rejects_offsite_next_and_get(buyer_org, other_buyer_org, make_member, login):
    user = make_member(buyer_org, Role.BUYER)
    make_member(other_buyer_org, Role.BUYER, username=user.username)
    client = login(user, buyer_org)
    assert client.get(reverse("accounts:organisation_choose")).status_code == 405
    response = client.post(
        reverse("accounts:organisation_choose"),
        {"organisation": other_buyer_org.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_organisation_choose_anonymous_redirects_to_login(buyer_org):
    response = Client().post(reverse("accounts:organisation_choose"), {"organisation": buyer_org.pk})
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logg-inn/")
