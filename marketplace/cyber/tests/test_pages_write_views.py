"""The write views of the CyberX pages with the core area's services (asset_create, assets_import_csv,
asset_deactivate, scan_request): the happy paths and the services' refusals shown on the page. Skipped until the
core area's services are merged."""

from __future__ import annotations

import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from dnslib import MX, NS, QTYPE, RCODE, RR
from dnslib.server import BaseResolver, DNSServer

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
    # the same file again plus one new line: the message says how many were there already
    upload = SimpleUploadedFile(
        "a.csv",
        b"name,kind\neksempel.no,domain\nwww.eksempel.no,host\nny.eksempel.no,host\n",
        content_type="text/csv",
    )
    page = client.post(reverse("cyber:asset_import"), {"file": upload}, follow=True).content.decode()
    assert "1 ressurs er importert. 2 var registrert fra før." in page


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


# --- finding a domain's mail and name servers in DNS ----------------------------------------------------------


class _Zone(BaseResolver):
    """eksempel.no has two MX and two NS; names outside it are NXDOMAIN."""

    RECORDS = {
        ("eksempel.no.", "MX"): [MX("mx1.eksempel.no.", 10), MX("MX2.eksempel.no.", 20)],
        ("eksempel.no.", "NS"): [NS("ns1.eksempel.no."), NS("ns.uninett.no.")],
    }

    def resolve(self, request, handler):
        reply = request.reply()
        qname = str(request.q.qname).lower()
        qtype = QTYPE[request.q.qtype]
        if not qname.endswith("eksempel.no."):
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        for rdata in self.RECORDS.get((qname, qtype), []):
            reply.add_answer(RR(request.q.qname, request.q.qtype, rdata=rdata, ttl=60))
        return reply


@pytest.fixture
def dns_settings(settings):
    server = DNSServer(_Zone(), port=0, address="127.0.0.1")
    server.start_thread()
    settings.MPS_CYBER_NAMESERVERS = [f"127.0.0.1:{server.server.server_address[1]}"]
    settings.MPS_CYBER_TIMEOUT = 2.0
    try:
        yield settings
    finally:
        server.stop()


def test_find_mail_and_name_servers(client, org, officer, dns_settings):
    domain = asset(org, "eksempel.no")
    asset(org, "ns1.eksempel.no", kind="host")
    client.force_login(officer)
    response = client.post(reverse("cyber:asset_discover", args=[domain.pk]))
    assert response["Location"] == reverse("cyber:assets")
    added = Asset.objects.filter(source=AssetSource.DISCOVERED).order_by("name")
    assert [(a.name, a.kind, a.discovered_from_id) for a in added] == [
        ("mx1.eksempel.no", "host", domain.pk),
        ("mx2.eksempel.no", "host", domain.pk),
        ("ns.uninett.no", "host", domain.pk),
    ]
    page = client.get(reverse("cyber:assets")).content.decode()
    assert "Fant 3 nye verter i DNS for eksempel.no: mx1.eksempel.no, mx2.eksempel.no, ns.uninett.no." in page
    assert "(fra eksempel.no)" in page
    client.post(reverse("cyber:asset_discover", args=[domain.pk]))
    page = client.get(reverse("cyber:assets")).content.decode()
    assert "Fant ingen nye e-post- eller navnetjenere i DNS for eksempel.no." in page
    assert Asset.objects.filter(source=AssetSource.DISCOVERED).count() == 3


def test_find_servers_of_a_name_that_does_not_exist(client, org, officer, dns_settings):
    domain = asset(org, "finnes-ikke.no")
    client.force_login(officer)
    client.post(reverse("cyber:asset_discover", args=[domain.pk]))
    page = client.get(reverse("cyber:assets")).content.decode()
    assert "finnes-ikke.no finnes ikke i DNS (NXDOMAIN). Sjekk stavemåten." in page
    assert Asset.objects.count() == 1


def test_find_servers_when_dns_does_not_answer(client, org, officer, settings):
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    settings.MPS_CYBER_NAMESERVERS = [f"127.0.0.1:{silent.getsockname()[1]}"]
    settings.MPS_CYBER_TIMEOUT = 0.3
    domain = asset(org, "eksempel.no")
    client.force_login(officer)
    try:
        client.post(reverse("cyber:asset_discover", args=[domain.pk]))
    finally:
        silent.close()
    page = client.get(reverse("cyber:assets")).content.decode()
    assert "DNS-oppslaget for eksempel.no feilet (TIMEOUT). Prøv igjen senere." in page
    assert Asset.objects.count() == 1


def test_find_servers_only_for_active_domains(client, org, officer, dns_settings):
    host = asset(org, "www.eksempel.no", kind="host")
    inactive = asset(org, "eksempel.no", is_active=False)
    client.force_login(officer)
    for item in (host, inactive):
        assert client.post(reverse("cyber:asset_discover", args=[item.pk])).status_code == 302
    assert "Bare aktive domener" in client.get(reverse("cyber:assets")).content.decode()
    assert Asset.objects.count() == 2


@pytest.mark.parametrize("who", ["anonymous", "other_org", "buyer", "get"])
def test_find_servers_is_refused(client, org, officer, dns_settings, who):
    domain = asset(org, "eksempel.no")
    url = reverse("cyber:asset_discover", args=[domain.pk])
    if who == "anonymous":
        response = client.post(url)
        assert response.status_code == 302
        assert "/konto/logg-inn/" in response["Location"]
    elif who == "other_org":
        client.force_login(member(OrganisationFactory(), Role.SECURITY_OFFICER))
        assert client.post(url).status_code == 404
    elif who == "buyer":
        client.force_login(member(org, Role.BUYER))
        assert client.post(url).status_code == 403
    else:
        client.force_login(officer)
        assert client.get(url).status_code == 405
    assert Asset.objects.count() == 1
