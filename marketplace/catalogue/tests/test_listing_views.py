"""Listing pages: happy paths and the permission matrix (anonymous / other organisation / wrong role / right role)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import SupplierFactory, member
from marketplace.catalogue.models import Service, ServiceStatus, ServiceVersion
from marketplace.catalogue.services.listings import (
    service_approve,
    service_create,
    service_submit,
    service_update,
)
from marketplace.catalogue.tests.factories import ContractFactory
from marketplace.catalogue.tests.helpers import CERTS, LOCATIONS, SUBS, acting, listing_data
from marketplace.core.models import AuditEvent


@pytest.fixture
def contract(supplier_org):
    return ContractFactory(
        supplier=supplier_org, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2099, 12, 31)
    )


@pytest.fixture
def users(supplier_org, mps_org, buyer_org):
    other_supplier = SupplierFactory(name="Annen Leverandør AS")
    return {
        "editor": member(supplier_org, Role.LISTING_EDITOR, username="redaktor"),
        "bidder": member(supplier_org, Role.BIDDER, username="tilbyder"),
        "other": member(other_supplier, Role.SUPPLIER_ADMIN, username="annen"),
        "buyer": member(buyer_org, Role.BUYER, username="innkjoper"),
        "manager": member(mps_org, Role.CATEGORY_MANAGER, username="kategori"),
        "mps_admin": member(mps_org, Role.MPS_ADMIN, username="mpsadmin"),
        "orgs": {"supplier": supplier_org, "other": other_supplier, "buyer": buyer_org, "mps": mps_org},
    }


def client_for(login, users, name):
    if name == "anonymous":
        from django.test import Client

        return Client()
    user = users[name]
    organisation = user.memberships.first().organisation
    return login(user, organisation)


@pytest.fixture
def draft(contract, supplier_org):
    editor = acting(supplier_org, Role.SUPPLIER_ADMIN, username="seed")
    return service_create(
        actor=editor,
        contract=contract,
        data=listing_data(),
        data_locations=LOCATIONS,
        certifications=CERTS,
        sub_processors=SUBS,
    )


@pytest.fixture
def submitted(draft, supplier_org):
    service_submit(actor=acting(supplier_org, Role.LISTING_EDITOR, username="seed2"), service=draft)
    draft.refresh_from_db()
    return draft


def _login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith("/konto/")


def _form_post(**overrides):
    data = {k: ("" if v is None else v) for k, v in listing_data().items()}
    for key in [k for k, v in data.items() if v is False]:
        del data[key]
    for key in [k for k, v in data.items() if v is True]:
        data[key] = "on"
    data.update(
        {
            "lokasjon-TOTAL_FORMS": "2",
            "lokasjon-INITIAL_FORMS": "0",
            "lokasjon-0-country": "NO",
            "lokasjon-0-region": "Oslo",
            "sertifisering-TOTAL_FORMS": "1",
            "sertifisering-INITIAL_FORMS": "0",
            "sertifisering-0-scheme": "iso27001",
            "sertifisering-0-valid_until": "2030-01-31",
            "underleverandor-TOTAL_FORMS": "0",
            "underleverandor-INITIAL_FORMS": "0",
        }
    )
    data.update(overrides)
    return data


# --- dashboard ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", "login"), ("buyer", 403), ("manager", 403), ("bidder", 200), ("editor", 200)],
)
def test_dashboard_matrix(login, users, draft, who, expected):
    response = client_for(login, users, who).get("/tjenester/mine/")
    if expected == "login":
        assert _login_redirect(response)
    else:
        assert response.status_code == expected
    if expected == 200:
        assert "Objektlagring" in response.content.decode()


def test_dashboard_shows_other_suppliers_nothing(login, users, draft):
    response = client_for(login, users, "other").get("/tjenester/mine/")
    assert response.status_code == 200
    assert "Objektlagring" not in response.content.decode()


def test_dashboard_flags_expired_certificate(login, users, contract, supplier_org):
    editor = acting(supplier_org, Role.LISTING_EDITOR, username="seed")
    service_create(
        actor=editor,
        contract=contract,
        data=listing_data(name="Gammel"),
        certifications=[{"scheme": "iso27001", "valid_until": dt.date(2020, 1, 1)}],
    )
    html = client_for(login, users, "editor").get("/tjenester/mine/").content.decode()
    assert "Utløpt 1. januar 2020" in html


# --- create -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", "login"), ("buyer", 403), ("bidder", 403), ("manager", 403)]
)
def test_create_denied(login, users, contract, who, expected):
    client = client_for(login, users, who)
    for response in (
        client.get("/tjenester/ny/"),
        client.post("/tjenester/ny/", _form_post(contract=contract.pk)),
    ):
        if expected == "login":
            assert _login_redirect(response)
        else:
            assert response.status_code == expected
    assert Service.objects.count() == 0


def test_create_by_other_supplier_cannot_use_contract(login, users, contract):
    ContractFactory(
        supplier=users["orgs"]["other"], valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2099, 1, 1)
    )
    response = client_for(login, users, "other").post("/tjenester/ny/", _form_post(contract=contract.pk))
    assert response.status_code == 400
    assert (
        '<a class="ds-link" href="#id_contract">Velg en av kontraktene i listen.</a>'
        in response.content.decode()
    )
    assert Service.objects.count() == 0


def test_create_happy_path(login, users, contract):
    client = client_for(login, users, "editor")
    assert client.get("/tjenester/ny/").status_code == 200
    response = client.post(
        "/tjenester/ny/",
        _form_post(contract=contract.pk, description="<p>Hei</p><script>alert(1)</script>"),
    )
    service = Service.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tjenester/{service.pk}/rediger/"
    assert (service.status, service.description, service.data_residency) == ("draft", "<p>Hei</p>", "norway")
    assert list(service.certifications.values_list("valid_until", flat=True)) == [dt.date(2030, 1, 31)]


def test_create_errors_are_summarised_and_linked(login, users, contract):
    client = client_for(login, users, "editor")
    response = client.post(
        "/tjenester/ny/",
        _form_post(
            contract=contract.pk, name="", sla_availability_percent="120", **{"lokasjon-0-country": "N"}
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert Service.objects.count() == 0
    summary = re.search(r'<div class="ds-error-summary".*?</div>', html, re.S).group(0)
    assert '<a class="ds-link" href="#id_name">Skriv navnet på tjenesten.</a>' in summary
    assert (
        '<a class="ds-link" href="#id_sla_availability_percent">Tilgjengelighet må være mellom 0 og 100 %.</a>'
        in summary
    )
    assert "Datalokasjon 1, Land (ISO-kode): Skriv landkoden med to bokstaver, for eksempel NO." in summary
    name_input = re.search(r'<input[^>]*name="name"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in name_input
    assert 'aria-describedby="id_name-error"' in name_input
    assert '<div class="ds-validation-message" data-color="danger" id="id_name-error">' in html


# --- edit, submit, withdraw ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", "login"), ("other", 404), ("bidder", 403), ("buyer", 404)]
)
def test_edit_denied(login, users, draft, who, expected):
    client = client_for(login, users, who)
    url = f"/tjenester/{draft.pk}/rediger/"
    for response in (client.get(url), client.post(url, _form_post(name="Endret"))):
        if expected == "login":
            assert _login_redirect(response)
        else:
            assert response.status_code == expected
    draft.refresh_from_db()
    assert draft.name == "Objektlagring"


def test_edit_draft_saves_in_place(login, users, draft):
    client = client_for(login, users, "editor")
    assert client.get(f"/tjenester/{draft.pk}/rediger/").status_code == 200
    response = client.post(f"/tjenester/{draft.pk}/rediger/", _form_post(name="Objektlagring Pluss"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "Objektlagring Pluss"
    assert list(draft.sub_processors.all()) == []


def test_edit_published_goes_to_pending(login, users, submitted, mps_org):
    service_approve(actor=acting(mps_org, Role.CATEGORY_MANAGER, username="k2"), service=submitted)
    client = client_for(login, users, "editor")
    response = client.post(f"/tjenester/{submitted.pk}/rediger/", _form_post(summary="Ny kort beskrivelse."))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.summary == "S3-kompatibel objektlagring."
    assert submitted.pending_changes["summary"] == "Ny kort beskrivelse."
    html = client.get("/tjenester/mine/").content.decode()
    assert "Endringer venter på godkjenning" in html


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", "login"), ("other", 404), ("bidder", 403), ("buyer", 404), ("editor", 302)],
)
def test_submit_matrix(login, users, draft, who, expected):
    response = client_for(login, users, who).post(f"/tjenester/{draft.pk}/send-inn/")
    draft.refresh_from_db()
    if expected == "login":
        assert _login_redirect(response)
    else:
        assert response.status_code == expected
    assert draft.status == (ServiceStatus.SUBMITTED if who == "editor" else ServiceStatus.DRAFT)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("other", 404),
        ("bidder", 403),
        ("buyer", 404),
        ("editor", 302),
        ("manager", 302),
    ],
)
def test_withdraw_matrix(login, users, draft, who, expected):
    response = client_for(login, users, who).post(f"/tjenester/{draft.pk}/trekk-tilbake/")
    draft.refresh_from_db()
    if expected == "login":
        assert _login_redirect(response)
    else:
        assert response.status_code == expected
    assert draft.status == (ServiceStatus.WITHDRAWN if expected == 302 else ServiceStatus.DRAFT)


def test_submit_incomplete_shows_message(login, users, contract, supplier_org):
    service = service_create(
        actor=acting(supplier_org, Role.LISTING_EDITOR, username="seed"),
        contract=contract,
        data=listing_data(),
    )
    client = client_for(login, users, "editor")
    response = client.post(f"/tjenester/{service.pk}/send-inn/", follow=True)
    assert "Oppgi minst én datalokasjon." in response.content.decode()
    service.refresh_from_db()
    assert service.status == ServiceStatus.DRAFT


# --- approval -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", "login"), ("editor", 403), ("buyer", 403), ("mps_admin", 403), ("manager", 200)],
)
def test_queue_matrix(login, users, submitted, who, expected):
    client = client_for(login, users, who)
    for url in ("/tjenester/godkjenning/", f"/tjenester/godkjenning/{submitted.pk}/"):
        response = client.get(url)
        if expected == "login":
            assert _login_redirect(response)
        else:
            assert response.status_code == expected
    if expected == 200:
        assert "Objektlagring" in response.content.decode()


@pytest.mark.parametrize(("who", "expected"), [("anonymous", "login"), ("editor", 403), ("mps_admin", 403)])
def test_approve_and_return_denied(login, users, submitted, who, expected):
    client = client_for(login, users, who)
    for url, data in (
        (f"/tjenester/godkjenning/{submitted.pk}/godkjenn/", {}),
        (f"/tjenester/godkjenning/{submitted.pk}/returner/", {"reason": "Nei"}),
    ):
        response = client.post(url, data)
        if expected == "login":
            assert _login_redirect(response)
        else:
            assert response.status_code == expected
    submitted.refresh_from_db()
    assert submitted.status == ServiceStatus.SUBMITTED
    assert ServiceVersion.objects.count() == 0


def test_manager_approves(login, users, submitted):
    client = client_for(login, users, "manager")
    response = client.post(f"/tjenester/godkjenning/{submitted.pk}/godkjenn/")
    assert (response.status_code, response["Location"]) == (302, "/tjenester/godkjenning/")
    submitted.refresh_from_db()
    assert submitted.status == ServiceStatus.PUBLISHED
    assert ServiceVersion.objects.get().approved_by == users["manager"]


def test_manager_returns_with_reason_required(login, users, submitted):
    client = client_for(login, users, "manager")
    response = client.post(f"/tjenester/godkjenning/{submitted.pk}/returner/", {"reason": " "})
    assert response.status_code == 400
    assert "Skriv en begrunnelse for returen." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == ServiceStatus.SUBMITTED
    response = client.post(f"/tjenester/godkjenning/{submitted.pk}/returner/", {"reason": "Mangler region."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.returned_reason) == (ServiceStatus.DRAFT, "Mangler region.")


def test_approval_detail_shows_pending_diff(login, users, submitted, supplier_org, mps_org):
    service_approve(actor=acting(mps_org, Role.CATEGORY_MANAGER, username="k2"), service=submitted)
    editor = acting(supplier_org, Role.LISTING_EDITOR, username="seed3")
    service_update(actor=editor, service=submitted, data={"name": "Objektlagring 2"})
    html = client_for(login, users, "manager").get(f"/tjenester/godkjenning/{submitted.pk}/").content.decode()
    assert (
        '<tr><th scope="row">Navn</th><td><del>Objektlagring</del></td><td><ins>Objektlagring 2</ins></td></tr>'
        in html
    )


# --- versions -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 404), ("other", 404), ("buyer", 404), ("bidder", 200), ("manager", 200)],
)
def test_versions_of_unpublished_service_matrix(login, users, draft, who, expected):
    assert client_for(login, users, who).get(f"/tjenester/{draft.pk}/versjoner/").status_code == expected


def test_versions_public_once_published(client, submitted, mps_org):
    manager = acting(mps_org, Role.CATEGORY_MANAGER, username="k2")
    manager.first_name, manager.last_name = "Marte", "Solberg"
    manager.save()
    service_approve(actor=manager, service=submitted)
    html = client.get(f"/tjenester/{submitted.pk}/versjoner/").content.decode()
    assert "Versjon 1" in html
    assert "Marte Solberg" in html
    detail = client.get(f"/tjenester/{submitted.pk}/versjoner/1/")
    assert detail.status_code == 200
    assert "<p>Lagring i Norge.</p>" in detail.content.decode()
    assert client.get(f"/tjenester/{submitted.pk}/versjoner/2/").status_code == 404


def test_denied_requests_write_no_audit(login, users, submitted):
    count = AuditEvent.objects.count()
    client_for(login, users, "bidder").post(f"/tjenester/{submitted.pk}/trekk-tilbake/")
    client_for(login, users, "editor").post(f"/tjenester/godkjenning/{submitted.pk}/godkjenn/")
    assert AuditEvent.objects.count() == count


def test_empty_extra_rows_are_ignored(login, users, contract):
    """Blank extra rows (as a browser posts them, select on its placeholder) add nothing and raise no error."""
    data = _form_post(contract=contract.pk)
    data.update(
        {
            "sertifisering-TOTAL_FORMS": "3",
            "sertifisering-1-scheme": "",
            "sertifisering-1-valid_until": "",
            "sertifisering-2-scheme": "",
            "underleverandor-TOTAL_FORMS": "2",
            "underleverandor-0-name": "",
            "underleverandor-0-country": "",
            "underleverandor-0-purpose": "",
        }
    )
    response = client_for(login, users, "editor").post("/tjenester/ny/", data)
    assert response.status_code == 302
    service = Service.objects.get()
    assert service.certifications.count() == 1
    assert service.sub_processors.count() == 0


def test_edit_page_shows_pending_changes_to_supplier(login, users, submitted, mps_org, supplier_org):
    service_approve(actor=acting(mps_org, Role.CATEGORY_MANAGER, username="k3"), service=submitted)
    service_update(
        actor=acting(supplier_org, Role.LISTING_EDITOR, username="seed4"),
        service=submitted,
        data={"name": "Nytt"},
    )
    html = client_for(login, users, "editor").get(f"/tjenester/{submitted.pk}/rediger/").content.decode()
    assert '<tr><th scope="row">Navn</th><td>Objektlagring</td><td>Nytt</td></tr>' in html
    assert 'name="name" value="Nytt"' in html
