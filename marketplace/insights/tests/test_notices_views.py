"""Notice pages: exact figures for a known set, CSV, list filters, detail, OCDS, and the permission matrix."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.calloffs.ocds import release_package_errors
from marketplace.insights.demo_notices import NoticeSpec, Winner, notice_xml
from marketplace.insights.models import Notice
from marketplace.insights.selectors.notices import market_analysis
from marketplace.insights.services.notices import notices_import

pytestmark = pytest.mark.django_db
NVE = ("970205039", "Norges vassdrags- og energidirektorat (NVE)", "cga")
OSLO = ("958935420", "Oslo kommune", "la")
BERGEN = ("964338531", "Bergen kommune", "la")
VESTLAND = ("921693230", "Vestland fylkeskommune", "ra")
NORDSKY = ("930001376", "Nordsky AS")


def _spec(notice_id: str, procedure_id: str, **values) -> NoticeSpec:
    base = {
        "notice_id": notice_id,
        "procedure_id": procedure_id,
        "kind": "cn",
        "issued_on": dt.date(2024, 3, 1),
        "buyer": NVE,
        "title": "Skytjenester for saksbehandling",
        "description": "Programvare som tjeneste.",
        "main_cpv": "72416000",
        "additional_cpv": [],
        "estimated_amount": None,
        "is_framework": False,
    }
    base.update(values)
    return NoticeSpec(**base)


@pytest.fixture
def notices() -> dict[str, Notice]:
    specs = {
        "a": _spec(
            "a", "p1", issued_on=dt.date(2023, 2, 1), estimated_amount=Decimal(10_000_000), is_framework=True
        ),
        "b": _spec(
            "b",
            "p1",
            kind="can",
            issued_on=dt.date(2023, 6, 1),
            winners=[Winner(*NORDSKY, Decimal(9_000_000))],
            is_framework=True,
        ),
        "c": _spec("c", "p2", buyer=OSLO, estimated_amount=Decimal(2_000_000)),
        "d": _spec(
            "d",
            "p3",
            buyer=VESTLAND,
            title="Renhold av kontorlokaler",
            description="Daglig renhold.",
            main_cpv="90910000",
            estimated_amount=Decimal(5_000_000),
        ),
        "e": _spec("e", "p4", issued_on=dt.date(2016, 5, 1), estimated_amount=Decimal(1_000_000)),
        "f": _spec("f", "p5", buyer=BERGEN, estimated_amount=Decimal(300_000), currency="EUR"),
    }
    summary = notices_import(
        actor=None, files=[(f"{key}.xml", notice_xml(spec)) for key, spec in specs.items()]
    )
    assert len(summary.imported) == 6
    return {notice.notice_id: notice for notice in Notice.objects.all()}


def test_a_contract_notice_stops_counting_once_its_award_is_stored(notices):
    assert {key: notices[key].is_value_counted for key in "abcdef"} == {
        "a": False,
        "b": True,
        "c": True,
        "d": True,
        "e": True,
        "f": True,
    }
    assert (notices["f"].value_amount, notices["f"].has_foreign_value) == (None, True)
    assert notices["b"].value_amount == Decimal("9000000.00")


def test_market_analysis_exact_figures(notices):
    data = market_analysis()
    assert data.by_year == [
        {"year": "2023", "count": 2, "competitions": 1, "awards": 1, "value_amount": Decimal("9000000.00")},
        {"year": "2024", "count": 2, "competitions": 2, "awards": 0, "value_amount": Decimal("2000000.00")},
    ]
    assert (data.total_count, data.total_value, data.other_currency_count) == (4, Decimal("11000000.00"), 1)
    assert data.by_buyer_kind == [
        {"buyer_kind": "Statlig", "count": 2, "value_amount": Decimal("9000000.00")},
        {"buyer_kind": "Kommune", "count": 2, "value_amount": Decimal("2000000.00")},
        {"buyer_kind": "Fylkeskommune", "count": 0, "value_amount": Decimal(0)},
        {"buyer_kind": "Annen", "count": 0, "value_amount": Decimal(0)},
    ]
    assert data.by_supplier == [
        {"supplier": "Nordsky AS", "orgnr": "930001376", "count": 1, "value_amount": Decimal("9000000.00")}
    ]


def test_market_analysis_of_every_notice(notices):
    data = market_analysis(relevant_only=False)
    assert [(row["year"], row["count"], row["value_amount"]) for row in data.by_year] == [
        ("2023", 2, Decimal("9000000.00")),
        ("2024", 3, Decimal("7000000.00")),
    ]
    assert data.total_value == Decimal("16000000.00")


def test_analysis_page_shows_the_headline_and_the_tables(notices, client):
    response = client.get(reverse("insights:notices"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "4 kunngjøringer i offentlig sektor siden 2017, med samlet verdi opptil 11,0 MNOK." in text
    for table in ("aar", "oppdragsgivere", "leverandorer"):
        assert f'id="{table}-table"' in text
    assert "1 kunngjøring med beløp i annen valuta er ikke med i verdien." in text


def test_analysis_csv(notices, client):
    response = client.get(reverse("insights:notices"), {"format": "csv", "table": "aar"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kunngjoringer-aar.csv"'
    assert response.content.decode("utf-8-sig").splitlines() == [
        "År,Kunngjøringer,Konkurranser,Tildelinger,Verdi (NOK)",
        "2023,2,1,1,9000000.00",
        "2024,2,2,0,2000000.00",
    ]
    assert client.get(reverse("insights:notices"), {"format": "csv", "table": "nope"}).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["c", "f", "b", "a", "e"]),
        ({"alle": "on"}, ["c", "d", "f", "b", "a", "e"]),
        ({"aar": "2023"}, ["b", "a"]),
        ({"type": "award"}, ["b"]),
        ({"oppdragsgiver": "municipality"}, ["c", "f"]),
        ({"q": "oslo"}, ["c"]),
        ({"q": "958 935 420"}, ["c"]),
        ({"cpv": "9091", "alle": "on"}, ["d"]),
        ({"ramme": "on"}, ["b", "a"]),
        ({"cpv": "abc"}, ["c", "f", "b", "a", "e"]),
    ],
)
def test_list_filters(notices, client, query, expected):
    response = client.get(reverse("insights:notice_list"), query)
    assert response.status_code == 200
    assert [notice.notice_id for notice in response.context["page"].object_list] == expected


def test_detail_explains_relevance_and_shows_winners(notices, client):
    notice = notices["b"]
    response = client.get(reverse("insights:notice_detail", args=[notice.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        "CPV-koden 72416000 er i familien «IT-tjenester: rådgivning, programvareutvikling, Internett og støtte»."
        in text
    )
    assert "Nordsky AS (930001376)" in text
    assert "<dt>Prosedyre</dt><dd>Åpen anbudskonkurranse</dd>" in text
    assert client.get(reverse("insights:notice_detail", args=[999999])).status_code == 404


def test_ocds_release_is_valid(notices, client):
    response = client.get(reverse("insights:notice_ocds", args=[notices["b"].pk]))
    assert response.status_code == 200
    package = json.loads(response.content)
    assert release_package_errors(package) == []
    [release] = package["releases"]
    assert release["id"] == "b-01"
    assert release["tag"] == ["award"]
    assert release["ocid"].endswith("-p1")
    assert release["awards"][0]["value"] == {"amount": 9000000, "currency": "NOK"}
    assert release["awards"][0]["suppliers"] == [{"id": "NO-ORG-930001376", "name": "Nordsky AS"}]
    assert {party["id"]: party["roles"] for party in release["parties"]} == {
        "NO-ORG-970205039": ["buyer"],
        "NO-ORG-930001376": ["supplier"],
    }
    tender = client.get(reverse("insights:notice_ocds", args=[notices["a"].pk])).json()
    assert release_package_errors(tender) == []
    assert tender["releases"][0]["tag"] == ["tender"]
    assert tender["releases"][0]["tender"]["value"] == {"amount": 10000000, "currency": "NOK"}


# --- permission matrix ------------------------------------------------------------------------------------------


def _client(login, make_member, organisation, role):
    return login(make_member(organisation, role), organisation)


@pytest.fixture
def clients(login, make_member, buyer_org, other_buyer_org, supplier_org, mps_org) -> dict[str, Client]:
    return {
        "anonymous": Client(),
        "buyer": _client(login, make_member, buyer_org, Role.BUYER),
        "other_org_admin": _client(login, make_member, other_buyer_org, Role.ORG_ADMIN),
        "supplier": _client(login, make_member, supplier_org, Role.SUPPLIER_ADMIN),
        "category_manager": _client(login, make_member, mps_org, Role.CATEGORY_MANAGER),
        "mps_admin": _client(login, make_member, mps_org, Role.MPS_ADMIN),
    }


PUBLIC_STATUS = dict.fromkeys(
    ("anonymous", "buyer", "other_org_admin", "supplier", "category_manager", "mps_admin"), 200
)
IMPORT_STATUS = {
    "anonymous": 302,
    "buyer": 403,
    "other_org_admin": 403,
    "supplier": 403,
    "category_manager": 200,
    "mps_admin": 200,
}


def test_public_pages_for_everyone(notices, clients):
    pk = notices["a"].pk
    for url in (
        reverse("insights:notices"),
        reverse("insights:notice_list"),
        reverse("insights:notice_detail", args=[pk]),
        reverse("insights:notice_ocds", args=[pk]),
    ):
        assert {name: c.get(url).status_code for name, c in clients.items()} == PUBLIC_STATUS, url


def test_import_page_is_for_mps_staff(clients):
    url = reverse("insights:notices_import")
    assert {name: c.get(url).status_code for name, c in clients.items()} == IMPORT_STATUS


def test_upload_by_staff_imports_and_reports(clients):
    good = notice_xml(_spec("g", "p9"))
    files = [("god.xml", good), ("feil.xml", b"<nope")]
    uploads = [SimpleUploadedFile(name, data, content_type="application/xml") for name, data in files]
    response = clients["mps_admin"].post(reverse("insights:notices_import"), {"xml_files": uploads})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Importert: 1. Oppdatert: 0. Uendret: 0. Hoppet over: 1." in text
    assert "feil.xml: ugyldig – ikke gyldig XML (linje 1, kolonne 0)" in text
    assert list(Notice.objects.values_list("notice_id", flat=True)) == ["g"]


@pytest.mark.parametrize("who", ["anonymous", "buyer", "other_org_admin", "supplier"])
def test_upload_by_others_stores_nothing(clients, who):
    upload = SimpleUploadedFile("god.xml", notice_xml(_spec("g", "p9")), content_type="application/xml")
    response = clients[who].post(reverse("insights:notices_import"), {"xml_files": [upload]})
    assert response.status_code in (302, 403)
    assert Notice.objects.count() == 0


def test_upload_refuses_a_non_xml_file(clients):
    upload = SimpleUploadedFile("data.csv", b"a,b", content_type="text/csv")
    response = clients["mps_admin"].post(reverse("insights:notices_import"), {"xml_files": [upload]})
    assert response.status_code == 200
    assert "data.csv er ikke en XML-fil." in response.content.decode()
    assert Notice.objects.count() == 0


def test_the_list_counts_up_to_the_cap_and_says_so(notices, client):
    from marketplace.insights.selectors.notices import NoticeFilters
    from marketplace.insights.selectors.notices import notice_list as notice_list_selector
    from marketplace.insights.views.notices import COUNT_CAP, CappedPaginator

    class SmallCap(CappedPaginator):
        cap = 3

    relevant = notice_list_selector(NoticeFilters())
    capped = SmallCap(relevant, 2)
    assert (capped.count, capped.is_capped, capped.num_pages) == (3, True, 2)
    assert [n.notice_id for n in capped.page(2).object_list] == ["b"]  # the third newest
    exact = SmallCap(notice_list_selector(NoticeFilters(query="oslo")), 2)
    assert (exact.count, exact.is_capped) == (1, False)
    assert COUNT_CAP == 1000
    text = client.get(reverse("insights:notice_list")).content.decode()
    assert "5 kunngjøringer." in text  # under the cap: the exact count
