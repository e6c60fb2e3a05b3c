"""The write views of the CyberX pages with the core area's services (asset_create, assets_import_csv,
asset_deactivate, scan_request): the happy paths and the services' refusals shown on the page. Skipped until the
core area's services are merged."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import OrganisationFactory, member
from marketplace.cyber.models import Asset, AssetSource, Scan, ScanStatus
from marketplace.cyber.tests.pages_helpers import asset

pytest.importorskip("marketplace.cyber.services.assets")
pytest.importorskip("marketplace.cyber.services.scans")

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganisationFactory(name="Statens testverk")


@pytest.fixture
def officer(org):
    return member(org, Role.SECURITY_OFFICER)


def test_add_an_asset(client, org, officer):
    client.force_login(officer)
    response = client.post(
        reverse("cyber:asset_add"), {"name": "https://WWW.Eksempel.no/sti", "kind": "host"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cyber:assets")
    assert list(Asset.objects.values_list("organisation_id", "name", "kind", "source", "is_active")) == [
        (org.pk, "www.eksempel.no", "host", AssetSource.ENTERED, True)
    ]
    assert "www.eksempel.no er lagt til." in client.get(reverse("cyber:assets")).content.decode()


def test_add_a_duplicate_shows_the_services_error_on_the_field(client, org, officer):
    asset(org, "eksempel.no")
    client.force_login(officer)
    response = client.post(reverse("cyber:asset_add"), {"name": "eksempel.no", "kind": "domain"})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["eksempel.no er allerede registrert."]
    assert Asset.objects.count() == 1


def test_import_a_csv(client, org, officer):
    client.force_login(officer)
    upload = SimpleUploadedFile(
        "a.csv", b"name,kind\neksempel.no,domain\nwww.eksempel.no,host\n", content_type="text/csv"
    )
    response = client.post(reverse("cyber:asset_import"), {"file": upload})
    assert response.status_code == 302
    assert sorted(Asset.objects.filter(organisation=org).values_list("name", "kind", "source")) == [
        ("eksempel.no", "domain", AssetSource.IMPORTED),
        ("www.eksempel.no", "host", AssetSource.IMPORTED),
    ]


def test_a_bad_csv_stores_nothing_and_names_the_line(client, org, officer):
    client.force_login(officer)
    upload = SimpleUploadedFile(
        "a.csv", b"name,kind\neksempel.no,domain\n10.0.0.1,host\n", content_type="text/csv"
    )
    response = client.post(reverse("cyber:asset_import"), {"file": upload})
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert errors[0] == "Ingenting ble importert. Rett feilene i filen og prøv igjen."
    assert errors[1].startswith("Linje 3")
    assert Asset.objects.count() == 0


def test_deactivate(client, org, officer):
    item = asset(org, "eksempel.no")
    client.force_login(officer)
    response = client.post(reverse("cyber:asset_deactivate", args=[item.pk]))
    assert response.status_code == 302
    assert Asset.objects.get(pk=item.pk).is_active is False


def test_start_a_scan(client, org, officer):
    asset(org, "eksempel.no")
    client.force_login(officer)
    response = client.post(reverse("cyber:scan_start"))
    scan = Scan.objects.get()
    assert response["Location"] == reverse("cyber:scan_detail", args=[scan.pk])
    assert (scan.organisation_id, scan.requested_by_id) == (org.pk, officer.pk)
    assert (
        scan.status == ScanStatus.QUEUED
    )  # the worker task runs on commit, which a test transaction never reaches


def test_start_a_scan_without_assets_is_refused_with_a_message(client, org, officer):
    client.force_login(officer)
    response = client.post(reverse("cyber:scan_start"), follow=True)
    assert Scan.objects.count() == 0
    assert "Registrer minst én aktiv ressurs før du starter en skanning." in response.content.decode()
