"""Django admin: MPS staff only, every model of our apps registered, audit chain read-only, admin writes audited."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Organisation, Role
from marketplace.accounts.services import api_token_create
from marketplace.catalogue.tests.factories import ContractFactory, ServiceFactory
from marketplace.core.audit import audit_record
from marketplace.core.models import AuditEvent
from marketplace.suppliers.models import Reseller

# Created elsewhere (token owners, the listing workflow, exports, the audit chain): view only in the admin.
NO_ADD = {
    "accounts.ApiToken",
    "catalogue.ServiceSearchDocument",
    "catalogue.ServiceVersion",
    "catalogue.ShortlistSnapshot",
    "core.AuditEvent",
}


@pytest.fixture
def staff_client(mps_org, make_member, login):
    user = make_member(mps_org, Role.MPS_ADMIN, username="dfo.admin")
    user.is_staff = True
    user.save()
    return login(user, mps_org)


def test_every_model_of_our_apps_is_registered():
    ours = [
        model
        for label in ("accounts", "catalogue", "suppliers")
        for model in apps.get_app_config(label).get_models()
    ]
    missing = [model._meta.label for model in ours if not admin.site.is_registered(model)]
    assert missing == []
    assert admin.site.is_registered(AuditEvent)


@pytest.mark.django_db
def test_admin_permission_matrix(buyer_org, mps_org, make_member, login):
    url = "/admin/accounts/organisation/"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")
    buyer = make_member(buyer_org, Role.ORG_ADMIN)
    assert login(buyer, buyer_org).get(url).status_code == 302
    # DFØ category manager without is_staff: not an admin user
    manager = make_member(mps_org, Role.CATEGORY_MANAGER)
    assert login(manager, mps_org).get(url).status_code == 302
    assert login(manager, mps_org).post("/admin/accounts/organisation/add/", {"name": "x"}).status_code == 302
    assert not Organisation.objects.filter(name="x").exists()


@pytest.mark.django_db
def test_staff_can_open_every_changelist_and_add_page(staff_client):
    ServiceFactory()
    for model in admin.site._registry:
        if model._meta.app_label not in {"accounts", "catalogue", "suppliers", "core"}:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        assert staff_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200, info
        expected = 403 if model._meta.label in NO_ADD else 200
        assert staff_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == expected, info


@pytest.mark.django_db
def test_audit_events_are_read_only_in_admin(staff_client):
    with transaction.atomic():
        event = audit_record(actor=None, verb="test.event", data={"a": 1})
    change_url = f"/admin/core/auditevent/{event.pk}/change/"
    assert staff_client.get(change_url).status_code == 200  # view only
    assert staff_client.post(change_url, {"verb": "endret"}).status_code == 403
    assert staff_client.get("/admin/core/auditevent/add/").status_code == 403
    assert staff_client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.verb == "test.event"
    assert AuditEvent.objects.filter(verb__startswith="admin.").count() == 0


@pytest.mark.django_db
def test_admin_change_is_audited(staff_client, buyer_org):
    response = staff_client.post(
        f"/admin/accounts/organisation/{buyer_org.pk}/change/",
        {
            "orgnr": buyer_org.orgnr,
            "name": "NVE (nytt navn)",
            "kind": buyer_org.kind,
            "organisation_form": "ORGL",
            "sector_code": "6100",
            "municipality": "",
            "website": "",
        },
    )
    assert response.status_code == 302
    buyer_org.refresh_from_db()
    assert buyer_org.name == "NVE (nytt navn)"
    event = AuditEvent.objects.get(verb="admin.change")
    assert event.data == {
        "model": "accounts.organisation",
        "object": "NVE (nytt navn)",
        "fields": ["name", "organisation_form", "sector_code"],
    }


@pytest.mark.django_db
def test_reseller_admin_validates_like_the_service(staff_client, supplier_org):
    contract = ContractFactory(supplier=supplier_org)
    response = staff_client.post(
        "/admin/suppliers/reseller/add/",
        {
            "supplier": supplier_org.pk,
            "partner": supplier_org.pk,
            "lot": contract.lot.pk,
            "valid_from": "2026-01-01",
            "valid_to": "2025-01-01",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "En leverandør kan ikke være forhandler for seg selv." in page
    assert "Sluttdatoen kan ikke være før startdatoen." in page
    assert not Reseller.objects.exists()


@pytest.mark.django_db
def test_admin_revoke_action_uses_the_service(staff_client, buyer_org, make_member):
    owner = make_member(buyer_org, Role.BUYER)
    token, _ = api_token_create(actor=None, user=owner, organisation=buyer_org, name="x")
    response = staff_client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert "1 API-nøkler er trukket tilbake." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(verb="api_token.revoke")
    assert event.actor_label == "dfo.admin"


@pytest.mark.django_db
def test_admin_password_change_is_audited(staff_client, buyer_org, make_member):
    user = make_member(buyer_org, Role.BUYER)
    response = staff_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {
            "password1": "Nytt-og-langt-passord-7",
            "password2": "Nytt-og-langt-passord-7",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nytt-og-langt-passord-7")
    event = AuditEvent.objects.get(verb="admin.password_change")
    assert (event.target_id, event.data) == (str(user.pk), {"username": user.username})
