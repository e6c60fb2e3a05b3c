"""Shortlists: services, exports (exact CSV and ODS content, stable hash) and the page permission matrix."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.test import Client
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from odf.text import P

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import OrganisationFactory, SupplierFactory, member
from marketplace.catalogue import exports
from marketplace.catalogue.models import (
    Certification,
    DataLocation,
    Shortlist,
    ShortlistItem,
    ShortlistSnapshot,
    SubProcessor,
)
from marketplace.catalogue.services.shortlists import (
    shortlist_create,
    shortlist_export,
    shortlist_item_add,
    shortlist_item_note_set,
    shortlist_item_remove,
)
from marketplace.catalogue.tests.factories import (
    ContractFactory,
    FrameworkFactory,
    LotFactory,
    ServiceFactory,
)
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.core.rules import canonical_json

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def service(db):
    supplier = SupplierFactory(name="Fjordsky AS", orgnr="930001376")
    framework = FrameworkFactory(name="CIPS", reference="2024/1001")
    lot = LotFactory(framework=framework, number=1, title="IaaS og PaaS")
    contract = ContractFactory(supplier=supplier, lot=lot, reference="K-1")
    service = ServiceFactory(
        contract=contract,
        name="Objektlagring",
        summary="Lagring",
        price_from_amount=Decimal("0.25"),
        price_unit="gib_month",
        sla_availability_percent=Decimal("99.9"),
        has_norwegian_support=True,
        export_formats="S3 API, tar",
        egress_fee_per_gb_amount=Decimal("0"),
        data_residency="eea",
    )
    DataLocation.objects.create(service=service, country="NO", region="Oslo")
    DataLocation.objects.create(service=service, country="SE", region="Stockholm")
    Certification.objects.create(service=service, scheme="iso27001", valid_until=dt.date(2027, 6, 30))
    SubProcessor.objects.create(service=service, name="Fjordmail AS", country="NO", purpose="Varsler")
    service.refresh_from_db()
    return service


@pytest.fixture
def buyer(buyer_org):
    return acting(buyer_org, Role.BUYER, username="innkjoper")


# --- services -----------------------------------------------------------------------------------------------------


def test_add_creates_default_shortlist_once(buyer, service):
    item, created = shortlist_item_add(actor=buyer, service=service, now=NOW)
    assert created is True
    assert item.shortlist.name == "Min kortliste"
    assert item.shortlist.organisation == buyer.active_organisation
    again, created_again = shortlist_item_add(actor=buyer, service=service, now=NOW)
    assert (again.pk, created_again) == (item.pk, False)
    assert Shortlist.objects.count() == 1
    assert list(AuditEvent.objects.values_list("verb", flat=True)) == [
        "shortlist.create",
        "shortlist.item_add",
    ]


def test_add_refuses_unpublished_service(buyer, service):
    service.status = "draft"
    service.save()
    with pytest.raises(NotFound):
        shortlist_item_add(actor=buyer, service=service, now=NOW)
    assert Shortlist.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_add_refused_for_view_only_role_and_other_org(buyer_org, other_buyer_org, buyer, service):
    shortlist = shortlist_create(actor=buyer, name="Lagring", now=NOW)
    analyst = acting(buyer_org, Role.FINOPS_ANALYST, username="analytiker")
    outsider = acting(other_buyer_org, Role.BUYER, username="voss")
    for user in (analyst, outsider):
        with pytest.raises(PermissionDenied):
            shortlist_item_add(actor=user, service=service, shortlist=shortlist, now=NOW)
    with pytest.raises(PermissionDenied):
        shortlist_item_add(actor=analyst, service=service, now=NOW)
    assert ShortlistItem.objects.count() == 0


def test_create_requires_name_and_buyer_org(buyer, supplier_org):
    with pytest.raises(ValidationFailed, match="Gi kortlisten et navn"):
        shortlist_create(actor=buyer, name="  ", now=NOW)
    with pytest.raises(PermissionDenied):
        shortlist_create(actor=acting(supplier_org, Role.SUPPLIER_ADMIN, username="lev"), name="X", now=NOW)
    assert Shortlist.objects.count() == 0


def test_note_and_remove(buyer, service):
    item, _ = shortlist_item_add(actor=buyer, service=service, now=NOW)
    shortlist_item_note_set(actor=buyer, item=item, note="  Vurder for arkiv ", now=NOW)
    item.refresh_from_db()
    assert item.note == "Vurder for arkiv"
    with pytest.raises(ValidationFailed):
        shortlist_item_note_set(actor=buyer, item=item, note="x" * 501, now=NOW)
    shortlist_item_remove(actor=buyer, item=item, now=NOW)
    assert ShortlistItem.objects.count() == 0
    assert AuditEvent.objects.last().verb == "shortlist.item_remove"


def test_export_hash_is_stable_and_tracks_content(buyer, service):
    item, _ = shortlist_item_add(actor=buyer, service=service, now=NOW)
    first = shortlist_export(actor=buyer, shortlist=item.shortlist, format="csv", now=NOW)
    second = shortlist_export(
        actor=buyer, shortlist=item.shortlist, format="ods", now=NOW + dt.timedelta(hours=1)
    )
    assert first.content_hash == second.content_hash
    assert first.content_hash == hashlib.sha256(canonical_json(first.content).encode()).hexdigest()
    shortlist_item_note_set(actor=buyer, item=item, note="Endret", now=NOW)
    third = shortlist_export(actor=buyer, shortlist=item.shortlist, format="csv", now=NOW)
    assert third.content_hash != first.content_hash
    assert AuditEvent.objects.filter(verb="shortlist.export").count() == 3
    assert AuditEvent.objects.last().data == {
        "content_hash": third.content_hash,
        "format": "csv",
        "shortlist": item.shortlist.pk,
    }


def test_export_refuses_unknown_format(buyer, service):
    item, _ = shortlist_item_add(actor=buyer, service=service, now=NOW)
    with pytest.raises(ValidationFailed):
        shortlist_export(actor=buyer, shortlist=item.shortlist, format="xlsx", now=NOW)
    assert ShortlistSnapshot.objects.count() == 0


def _expected_rows(snapshot, service):
    return [
        ["Kortliste", "Min kortliste"],
        ["Virksomhet", "970205039 Norges vassdrags- og energidirektorat"],
        ["Eksportert", "2026-03-02 11:00:00 CET"],
        ["Innholds-hash (SHA-256)", snapshot.content_hash],
        [],
        exports.header(),
        [
            str(service.pk),
            "Objektlagring",
            "Fjordsky AS",
            "930001376",
            "CIPS",
            "1: IaaS og PaaS",
            "",
            "Publisert",
            "IaaS",
            "Offentlig sky",
            "Ja",
            "EØS",
            "NO Oslo; SE Stockholm",
            "ISO/IEC 27001 (til 2027-06-30)",
            "Fjordmail AS (NO): Varsler",
            "Betal for forbruk",
            "0.2500",
            "GiB-måned (lagring)",
            "99.900",
            "Kontortid (08–16)",
            "Ja",
            "S3 API, tar",
            "0.0000",
            "Sjekk SLA",
        ],
    ]


def test_csv_content_exact(buyer, service):
    item, _ = shortlist_item_add(actor=buyer, service=service, note="Sjekk SLA", now=NOW)
    snapshot = shortlist_export(actor=buyer, shortlist=item.shortlist, format="csv", now=NOW)
    body = exports.csv_bytes(snapshot)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == _expected_rows(snapshot, service)


def _ods_rows(data: bytes) -> list[list[str]]:
    document = load(io.BytesIO(data))
    table = document.spreadsheet.getElementsByType(Table)[0]
    rows = []
    for row in table.getElementsByType(TableRow):
        cells = []
        for cell in row.getElementsByType(TableCell):
            cells.append("".join(str(p) for p in cell.getElementsByType(P)))
        rows.append(cells)
    return rows


def test_ods_content_exact(buyer, service):
    item, _ = shortlist_item_add(actor=buyer, service=service, note="Sjekk SLA", now=NOW)
    snapshot = shortlist_export(actor=buyer, shortlist=item.shortlist, format="ods", now=NOW)
    data = exports.ods_bytes(snapshot)
    assert _ods_rows(data) == _expected_rows(snapshot, service)
    document = load(io.BytesIO(data))
    price_cell = document.spreadsheet.getElementsByType(TableRow)[6].getElementsByType(TableCell)[16]
    assert (price_cell.getAttribute("valuetype"), price_cell.getAttribute("value")) == ("float", "0.2500")


# --- pages --------------------------------------------------------------------------------------------------------


@pytest.fixture
def people(buyer_org, other_buyer_org):
    return {
        "buyer": member(buyer_org, Role.BUYER, username="innkjoper"),
        "analyst": member(buyer_org, Role.FINOPS_ANALYST, username="analytiker"),
        "other": member(other_buyer_org, Role.BUYER, Role.ORG_ADMIN, username="voss"),
        "orgs": {"buyer": buyer_org, "other": other_buyer_org},
    }


def _client(login, people, who):
    if who == "anonymous":
        return Client()
    user = people[who]
    return login(user, user.memberships.first().organisation)


@pytest.fixture
def shortlist(people, service):
    owner = acting(people["orgs"]["buyer"], Role.BUYER, username="eier")
    item, _ = shortlist_item_add(actor=owner, service=service, now=NOW)
    return item.shortlist


def _assert(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", "login"), ("other", 200), ("analyst", 200), ("buyer", 200)]
)
def test_list_matrix(login, people, shortlist, who, expected):
    response = _client(login, people, who).get("/tjenester/kortlister/")
    _assert(response, expected)
    if expected == 200:
        assert ("Min kortliste" in response.content.decode()) is (who != "other")


def test_list_refused_for_supplier(login, supplier_org):
    user = member(supplier_org, Role.SUPPLIER_ADMIN, username="lev")
    assert login(user, supplier_org).get("/tjenester/kortlister/").status_code == 403


@pytest.mark.parametrize(("who", "expected"), [("anonymous", "login"), ("analyst", 403), ("buyer", 302)])
def test_create_matrix(login, people, who, expected):
    response = _client(login, people, who).post("/tjenester/kortlister/", {"name": "Arkivløsning"})
    _assert(response, expected)
    assert Shortlist.objects.filter(name="Arkivløsning").count() == (1 if expected == 302 else 0)


def test_create_empty_name_shows_error(login, people):
    response = _client(login, people, "buyer").post("/tjenester/kortlister/", {"name": ""})
    assert response.status_code == 400
    assert '<a class="ds-link" href="#id_name">Gi kortlisten et navn.</a>' in response.content.decode()
    assert Shortlist.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", "login"), ("other", 404), ("analyst", 200), ("buyer", 200)]
)
def test_detail_matrix(login, people, shortlist, who, expected):
    response = _client(login, people, who).get(f"/tjenester/kortlister/{shortlist.pk}/")
    _assert(response, expected)
    if who == "analyst":
        assert "Fjern" not in response.content.decode()


def test_detail_missing_is_404(login, people):
    assert _client(login, people, "buyer").get("/tjenester/kortlister/999999/").status_code == 404


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", "login"), ("other", 404), ("analyst", 403), ("buyer", 302)]
)
def test_add_to_existing_matrix(login, people, shortlist, service, who, expected):
    other_service = ServiceFactory(name="Blokklagring")
    response = _client(login, people, who).post(
        "/tjenester/kortlister/legg-til/", {"service": other_service.pk, "shortlist": shortlist.pk}
    )
    _assert(response, expected)
    assert shortlist.items.filter(service=other_service).exists() is (expected == 302)


def test_add_without_shortlist_creates_default_and_redirects_to_next(login, people, service):
    client = _client(login, people, "other")
    response = client.post(
        "/tjenester/kortlister/legg-til/", {"service": service.pk, "next": f"/tjenester/{service.pk}/"}
    )
    assert (response.status_code, response["Location"]) == (302, f"/tjenester/{service.pk}/")
    shortlist = Shortlist.objects.get(organisation=people["orgs"]["other"])
    assert shortlist.name == "Min kortliste"
    response = client.post(
        "/tjenester/kortlister/legg-til/", {"service": service.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/tjenester/kortlister/{shortlist.pk}/"


def test_add_unpublished_is_404(login, people, service):
    service.status = "withdrawn"
    service.save()
    response = _client(login, people, "buyer").post(
        "/tjenester/kortlister/legg-til/", {"service": service.pk}
    )
    assert response.status_code == 404
    assert Shortlist.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", "login"), ("other", 404), ("analyst", 403), ("buyer", 302)]
)
def test_remove_and_note_matrix(login, people, shortlist, who, expected):
    item = shortlist.items.get()
    client = _client(login, people, who)
    _assert(
        client.post(
            f"/tjenester/kortlister/{shortlist.pk}/merknad/{item.pk}/", {f"item{item.pk}-note": "Ny"}
        ),
        expected,
    )
    item.refresh_from_db()
    assert item.note == ("Ny" if expected == 302 else "")
    _assert(client.post(f"/tjenester/kortlister/{shortlist.pk}/fjern/{item.pk}/"), expected)
    assert shortlist.items.exists() is (expected != 302)


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", "login"), ("other", 404), ("analyst", 200), ("buyer", 200)]
)
def test_export_matrix(login, people, shortlist, who, expected):
    client = _client(login, people, who)
    response = client.post(f"/tjenester/kortlister/{shortlist.pk}/eksport/", {"format": "csv"})
    _assert(response, expected)
    assert ShortlistSnapshot.objects.count() == (1 if expected == 200 else 0)
    if expected == 200:
        snapshot = ShortlistSnapshot.objects.get()
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["X-Content-Hash"] == snapshot.content_hash
        assert snapshot.content_hash in response.content.decode("utf-8-sig")
        download = client.get(f"/tjenester/kortlister/{shortlist.pk}/eksport/{snapshot.pk}/")
        assert download.content == response.content
        detail = client.get(f"/tjenester/kortlister/{shortlist.pk}/").content.decode()
        assert snapshot.content_hash in detail


def test_snapshot_download_of_other_org_is_404(login, people, shortlist):
    owner = acting(people["orgs"]["buyer"], Role.BUYER, username="eier2")
    snapshot = shortlist_export(actor=owner, shortlist=shortlist, format="ods", now=NOW)
    client = _client(login, people, "other")
    assert client.get(f"/tjenester/kortlister/{shortlist.pk}/eksport/{snapshot.pk}/").status_code == 404
    ods = _client(login, people, "buyer").get(f"/tjenester/kortlister/{shortlist.pk}/eksport/{snapshot.pk}/")
    assert ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"


def test_export_unknown_format_stores_nothing(login, people, shortlist):
    response = _client(login, people, "buyer").post(
        f"/tjenester/kortlister/{shortlist.pk}/eksport/", {"format": "x"}
    )
    assert response.status_code == 302
    assert ShortlistSnapshot.objects.count() == 0


def test_other_org_shortlist_ids_do_not_leak(login, people):
    foreign = OrganisationFactory(name="Tolletaten", orgnr="974761467")
    owner = acting(foreign, Role.BUYER, username="toll")
    shortlist = shortlist_create(actor=owner, name="Hemmelig", now=NOW)
    client = _client(login, people, "buyer")
    assert client.get(f"/tjenester/kortlister/{shortlist.pk}/").status_code == 404
    assert "Hemmelig" not in client.get("/tjenester/kortlister/").content.decode()


def test_add_with_htmx_returns_fragment(login, people, service):
    client = _client(login, people, "buyer")
    response = client.post("/tjenester/kortlister/legg-til/", {"service": service.pk}, HTTP_HX_REQUEST="true")
    shortlist = Shortlist.objects.get()
    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<div class="ds-alert shortlist-add" data-color="success" role="status">'
        "«Objektlagring» er lagt på kortlisten «Min kortliste». "
        f'<a class="ds-link" href="/tjenester/kortlister/{shortlist.pk}/">Gå til kortlisten</a></div>'
    )


def test_csv_guards_formula_injection_and_ods_keeps_text_cells(buyer, service):
    service.name = '=HYPERLINK("https://evil.example","Klikk")'
    service.save()
    item, _ = shortlist_item_add(actor=buyer, service=service, note="+47 99 99 99 99", now=NOW)
    snapshot = shortlist_export(actor=buyer, shortlist=item.shortlist, format="csv", now=NOW)
    row = list(csv.reader(io.StringIO(exports.csv_bytes(snapshot).decode("utf-8-sig"))))[6]
    assert row[1] == '\'=HYPERLINK("https://evil.example","Klikk")'
    assert row[23] == "'+47 99 99 99 99"
    assert row[16] == "0.2500"
    document = load(io.BytesIO(exports.ods_bytes(snapshot)))
    cell = document.spreadsheet.getElementsByType(TableRow)[6].getElementsByType(TableCell)[1]
    assert cell.getAttribute("valuetype") == "string"
    assert cell.getAttribute("formula") is None
