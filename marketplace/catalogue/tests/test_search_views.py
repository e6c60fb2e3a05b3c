"""/tjenester/ pages and GET /api/v1/services: public, read-only."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from marketplace.accounts.models import Role
from marketplace.catalogue.models import DataLocation, Service, ServiceStatus, Shortlist
from marketplace.catalogue.search import SearchParams
from marketplace.catalogue.selectors import service_search
from marketplace.catalogue.tests.helpers import acting
from marketplace.catalogue.tests.search_data import TODAY, build_catalogue


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def cat(db):
    with time_machine.travel(TODAY.isoformat() + " 12:00 +0000", tick=False):
        yield build_catalogue()


@pytest.fixture
def client() -> Client:
    return Client()


def text(response) -> str:
    return response.content.decode()


def result_names(html: str) -> list[str]:
    return re.findall(
        r'<h3 class="ds-heading" data-size="xs"><a class="ds-link" href="/tjenester/\d+/">([^<]+)</a>', html
    )


# --- Service list -------------------------------------------------------------------------------------------------


def test_list_page_full(cat, client):
    response = client.get("/tjenester/", {"model": "paas"})
    html = text(response)
    assert response.status_code == 200
    assert "<!DOCTYPE html>" in html
    assert result_names(html) == ["Administrert database", "Kubernetes-plattform"]
    assert "2 tjenester" in html
    # facets: fieldset + legend, labelled checkboxes with counts; the chosen one checked
    assert '<legend class="ds-label">Tjenestemodell</legend>' in html
    assert re.search(
        r'id="f-model-paas" name="model" value="paas" checked>\s*<label for="f-model-paas">PaaS', html
    )
    assert '<label for="f-model-iaas">IaaS <span class="facet-count">(1' in html
    # htmx enhances a plain GET form
    assert 'method="get" action="/tjenester/"' in html
    for attribute in ('hx-get="/tjenester/"', 'hx-push-url="true"', 'hx-target="#search-region"'):
        assert attribute in html
    # compare field for each result
    assert f'name="id" value="{cat["services"]["database"].pk}"' in html
    assert response["Vary"].count("HX-Request") == 1


def test_list_htmx_returns_the_region_only(cat, client):
    response = client.get("/tjenester/", {"q": "lagring"}, headers={"HX-Request": "true"})
    html = text(response)
    assert response.status_code == 200
    assert "<!DOCTYPE html>" not in html
    assert html.strip().startswith('<div id="search-region"')
    assert result_names(html) == ["Objektlagring Oslo"]
    # a history restore needs the full page
    restore = client.get("/tjenester/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<!DOCTYPE html>" in text(restore)


def sort_menu(html: str) -> list[tuple[str, str, bool]]:
    menu = re.search(r'<select class="ds-input" id="id_sort" name="sort">(.*?)</select>', html, re.S)
    assert menu is not None
    return [
        (value, label, bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]+)</option>', menu[1]
        )
    ]


def test_list_search_typed_into_the_form_sorts_by_relevance(cat, client):
    """The first page (no words) is sorted by name with the menu on its default (empty) value, so the form a user
    fills in with words sends sort= and gets the best matches first, not the name order the page showed."""
    first = text(client.get("/tjenester/"))
    assert sort_menu(first) == [
        ("", "Navn (A–Å)", True),
        ("price", "Pris fra (lavest først)", False),
        ("sla", "Tilgjengelighet (høyest først)", False),
    ]
    by_name = text(client.get("/tjenester/", {"q": "sky", "sort": "name"}))
    typed = text(client.get("/tjenester/", {"q": "sky", "sort": ""}))  # what the form sends
    by_relevance = [service.name for service in service_search(SearchParams(q="sky")).services]
    assert len(by_relevance) == 3
    assert result_names(typed) == by_relevance
    assert result_names(by_name) == sorted(by_relevance) != by_relevance
    assert sort_menu(typed)[:2] == [("relevance", "Relevans", True), ("name", "Navn (A–Å)", False)]
    # a sort the user picks is kept with the words
    assert ("name", "Navn (A–Å)", True) in sort_menu(by_name)


def test_list_pagination_links_work_without_js(cat, client):
    contract = cat["services"]["objekt"].contract
    from marketplace.catalogue.search import services_reindex
    from marketplace.catalogue.tests.factories import ServiceFactory

    for n in range(20):
        ServiceFactory(contract=contract, name=f"Volum {n:02d}")
    services_reindex()
    html = text(client.get("/tjenester/", {"model": "iaas", "sort": "name"}))
    assert '<nav class="ds-pagination" aria-label="Sidenavigering">' in html
    assert 'href="?model=iaas&amp;sort=name&amp;page=2"' in html
    page2 = text(client.get("/tjenester/", {"model": "iaas", "sort": "name", "page": "2"}))
    assert result_names(page2) == ["Volum 19"]
    assert 'aria-current="page" aria-label="Side 2"' in page2


def test_list_bad_values_are_reported_and_ignored(cat, client):
    response = client.get(
        "/tjenester/", {"model": ["paas", "mainframe"], "framework": "abc", "location": "eea"}
    )
    html = text(response)
    assert response.status_code == 200
    assert "Noen søkeverdier var ugyldige og ble ignorert" in html
    assert "Tjenestemodell: Velg et gyldig valg." in html
    assert "Rammeavtale: Ugyldig verdi: abc. Oppgi hele tall." in html
    # the valid filter still applies
    assert result_names(html) == [
        "Administrert database",
        "Arkivtjeneste Noark 5",
        "Cyber Risk Score",
        "Objektlagring Oslo",
    ]


def test_list_names_each_data_country_once(cat, client):
    objekt = cat["services"]["objekt"]
    DataLocation.objects.create(service=objekt, country="NO", region="Bergen")
    html = text(client.get("/tjenester/", {"q": "objektlagring"}))
    assert "<dt>Datalokasjon</dt><dd>Kun Norge (NO)</dd>" in html
    html = text(client.get("/tjenester/", {"model": "paas"}))
    assert "<dt>Datalokasjon</dt><dd>EØS (NO, SE)</dd>" in html


def test_list_shows_expired_certificates_as_expired(cat, client):
    with time_machine.travel(TODAY.isoformat() + " 12:00 +0000", tick=False):
        html = text(client.get("/tjenester/", {"q": "arkiv"}))
    assert 'data-color="danger">ISO/IEC 27001 (utløpt)</span>' in html


# --- Service page -------------------------------------------------------------------------------------------------


def test_service_page_shows_compliance_facts(cat, client):
    service = cat["services"]["database"]
    with time_machine.travel(TODAY.isoformat() + " 12:00 +0000", tick=False):
        html = text(client.get(f"/tjenester/{service.pk}/"))
    assert f'<a class="ds-link" href="/leverandorer/{service.contract.supplier_id}/">Nordsky AS</a>' in html
    assert (
        f'<a class="ds-link" href="/tjenester/{service.pk}/versjoner/">Versjoner av Administrert database</a>'
        in html
    )
    # Anonymous visitors get no add-to-shortlist button (the POST needs a buyer organisation).
    assert 'action="/tjenester/kortlister/legg-til/"' not in html
    # SOC 2 expired on 31 January 2026 and is flagged; ISO 27001 is valid
    assert re.search(r'<tr class="is-expired">\s*<td>SOC 2 Type II</td>.*?Utløpt', html, re.S)
    assert re.search(r"<tr>\s*<td>ISO/IEC 27001</td>", html)
    assert "SE (Stockholm), NO" in html or "NO, SE (Stockholm)" in html
    assert "Er en skytjeneste" in html
    assert "<dd>99,99 %</dd>" in html


def test_service_page_offers_shortlist_to_buyers_only(cat, login, buyer_org, supplier_org):
    service = cat["services"]["database"]
    buyer = acting(buyer_org, Role.BUYER, username="kjoper")
    Shortlist.objects.create(organisation=buyer_org, name="Lagring 2026", created_by=buyer)
    html = text(login(buyer, buyer_org).get(f"/tjenester/{service.pk}/?fra=sok"))
    assert 'action="/tjenester/kortlister/legg-til/"' in html
    assert f'<input type="hidden" name="service" value="{service.pk}">' in html
    assert f'<input type="hidden" name="next" value="/tjenester/{service.pk}/?fra=sok">' in html
    assert re.search(r'<option value="\d+">Lagring 2026</option>', html)
    editor = acting(supplier_org, Role.LISTING_EDITOR, username="red")
    html = text(login(editor, supplier_org).get(f"/tjenester/{service.pk}/"))
    assert 'action="/tjenester/kortlister/legg-til/"' not in html


def test_service_page_price_list_and_saas_wcag(cat, client):
    objekt = cat["services"]["objekt"]
    html = text(client.get(f"/tjenester/{objekt.pk}/"))
    assert "<td>OBJ-GB</td><td>Lagring per GiB</td><td>GiB-måned (lagring)</td>" in html
    assert "Prisliste versjon 3" in html
    assert "Tilgjengelighetserklæring</dt>" not in html  # IaaS: no WCAG row
    arkiv = cat["services"]["arkiv"]
    html = text(client.get(f"/tjenester/{arkiv.pk}/"))
    assert (
        'Tilgjengelighetserklæring</dt><dd><span class="ds-tag" data-color="warning">Mangler</span>' in html
    )


def test_service_page_sanitises_description_again(cat, client):
    service = cat["services"]["objekt"]
    Service.objects.filter(pk=service.pk).update(
        description='<p onclick="steal()">Hei<script>alert(1)</script><a href="javascript:alert(2)">x</a>'
        "<img src=x onerror=alert(3)></p>"
    )
    html = text(client.get(f"/tjenester/{service.pk}/"))
    assert "<script>alert(1)" not in html
    for bad in ("onclick", "onerror", "javascript:"):
        assert bad not in html
    assert "<p>Hei" in html


@pytest.mark.parametrize("key", ["draft"])
def test_unpublished_or_missing_service_is_404(cat, client, key):
    assert client.get(f"/tjenester/{cat['services'][key].pk}/").status_code == 404
    assert client.get("/tjenester/999999/").status_code == 404


# --- Compare ------------------------------------------------------------------------------------------------------


def test_compare_side_by_side(cat, client):
    s = cat["services"]
    with time_machine.travel(TODAY.isoformat() + " 12:00 +0000", tick=False):
        response = client.get("/tjenester/sammenlign/", {"id": [s["objekt"].pk, s["database"].pk]})
    html = text(response)
    assert response.status_code == 200
    headers = re.findall(r'<th scope="col"><a class="ds-link" href="/tjenester/\d+/">([^<]+)</a></th>', html)
    assert headers == ["Objektlagring Oslo", "Administrert database"]
    # same supplier: not highlighted; different model: highlighted with a text marker
    assert re.search(
        r"<tr>\s*<th scope=\"row\">Leverandør</th>\s*<td>Nordsky AS</td><td>Nordsky AS</td>", html
    )
    assert re.search(
        r'<tr class="is-different">\s*<th scope="row">Tjenestemodell <span class="difference-marker">\(Ulik\)</span>'
        r"</th>\s*<td>IaaS</td><td>PaaS</td>",
        html,
    )
    assert "<td>ISO/IEC 27001</td><td>ISO/IEC 27001, SOC 2 Type II (utløpt)</td>" in html


@pytest.mark.parametrize("count", [0, 1, 5])
def test_compare_needs_two_to_four(cat, client, count):
    ids = [s.pk for k, s in cat["services"].items() if k != "draft"][:count]
    if count == 5:
        ids.append(ids[0] + 1000)
    response = client.get("/tjenester/sammenlign/", {"id": ids})
    assert response.status_code == 400
    assert f"Velg mellom 2 og 4 tjenester å sammenligne. Du valgte {len(set(ids))}." in text(response)


def test_compare_duplicates_count_once(cat, client):
    pk = cat["services"]["objekt"].pk
    response = client.get("/tjenester/sammenlign/", {"id": [pk, pk]})
    assert response.status_code == 400


def test_compare_unpublished_or_missing_is_404(cat, client):
    s = cat["services"]
    assert client.get("/tjenester/sammenlign/", {"id": [s["objekt"].pk, s["draft"].pk]}).status_code == 404
    assert client.get("/tjenester/sammenlign/", {"id": [s["objekt"].pk, 999999]}).status_code == 404
    assert client.get("/tjenester/sammenlign/", {"id": [s["objekt"].pk, "x"]}).status_code == 404


# --- API ----------------------------------------------------------------------------------------------------------


def test_api_services_search(cat, client):
    with time_machine.travel(TODAY.isoformat() + " 12:00 +0000", tick=False):
        response = client.get("/api/v1/services", {"model": "paas", "location": "eea"})
    assert response.status_code == 200
    body = response.json()
    db = cat["services"]["database"]
    assert {k: body[k] for k in ("count", "page", "num_pages", "page_size", "sort")} == {
        "count": 1,
        "page": 1,
        "num_pages": 1,
        "page_size": 20,
        "sort": "name",
    }
    assert body["results"] == [
        {
            "id": db.pk,
            "name": "Administrert database",
            "summary": "PostgreSQL-tjenester i Stockholm",
            "url": f"/tjenester/{db.pk}/",
            "supplier": {
                "id": cat["suppliers"]["nordsky"].pk,
                "name": "Nordsky AS",
                "orgnr": cat["suppliers"]["nordsky"].orgnr,
            },
            "framework": {"id": cat["frameworks"]["cips"].pk, "name": "CIPS"},
            "lot": {"id": cat["lots"]["lot1"].pk, "number": 1, "title": "Infrastruktur"},
            "service_model": "paas",
            "deployment_model": "public",
            "is_cloud_service": True,
            "data_residency": "eea",
            "data_locations": [{"country": "NO", "region": ""}, {"country": "SE", "region": "Stockholm"}],
            "certifications": [
                {
                    "scheme": "iso27001",
                    "label": "ISO/IEC 27001",
                    "valid_until": "2027-12-31",
                    "is_expired": False,
                },
                {"scheme": "soc2", "label": "SOC 2 Type II", "valid_until": "2026-01-31", "is_expired": True},
            ],
            "price_model": "payg",
            "price_from_amount": "2.5000",
            "price_unit": "",
            "sla_availability_percent": "99.990",
            "cyberx_phase": "",
        }
    ]
    facets = {
        f["name"]: {o["value"]: (o["count"], o["selected"]) for o in f["options"]} for f in body["facets"]
    }
    assert facets["model"] == {
        "iaas": (1, False),
        "paas": (1, True),
        "saas": (1, False),
        "security": (1, False),
    }
    assert facets["location"] == {"norway": (0, False), "eea": (1, True), "third_country": (1, False)}
    assert facets["certification"] == {"iso27001": (1, False)}


def test_api_services_q_and_paging(cat, client):
    body = client.get("/api/v1/services", {"q": "plattform"}).json()
    assert body["sort"] == "relevance"
    assert body["results"][0]["name"] == "Kubernetes-plattform"
    body = client.get("/api/v1/services", {"sort": "price", "page": 1}).json()
    assert [r["name"] for r in body["results"]] == [
        "Objektlagring Oslo",
        "Kubernetes-plattform",
        "Administrert database",
        "Arkivtjeneste Noark 5",
        "Cyber Risk Score",
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"model": "mainframe"}, "query.filters.model.0"),
        ({"location": "moon"}, "query.filters.location.0"),
        ({"framework": "abc"}, "query.filters.framework.0"),
        ({"page": "0"}, "query.page"),
        ({"sort": "random"}, "query.sort"),
        ({"q": "x" * 201}, "query.q"),
    ],
)
def test_api_services_bad_params_are_422(cat, client, params, field):
    response = client.get("/api/v1/services", params)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Ugyldig forespørsel."
    assert [error["field"] for error in body["errors"]] == [field]


def test_api_service_detail(cat, client):
    kubernetes = cat["services"]["kubernetes"]
    body = client.get(f"/api/v1/services/{kubernetes.pk}").json()
    assert body["name"] == "Kubernetes-plattform"
    assert body["sub_processors"] == [{"name": "Amerikansk Drift Inc", "country": "US", "purpose": "Drift"}]
    assert body["has_measured_service"] is True
    assert body["price_list"] is None
    objekt = cat["services"]["objekt"]
    body = client.get(f"/api/v1/services/{objekt.pk}").json()
    assert body["price_list"] == {
        "version": 3,
        "valid_from": "2025-01-01",
        "lines": [
            {
                "sku": "OBJ-GB",
                "description": "Lagring per GiB",
                "unit": "gib_month",
                "unit_price_amount": "0.1000",
            }
        ],
    }
    assert body["description_html"] == "<p>Lagring med <strong>S3</strong>-grensesnitt</p>"


def test_api_service_unpublished_is_404(cat, client):
    response = client.get(f"/api/v1/services/{cat['services']['draft'].pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Fant ikke objektet.", "errors": []}
    Service.objects.filter(pk=cat["services"]["objekt"].pk).update(status=ServiceStatus.WITHDRAWN)
    assert client.get(f"/api/v1/services/{cat['services']['objekt'].pk}").status_code == 404


def test_api_bad_token_is_401_and_openapi_lists_endpoints(cat, client):
    response = client.get("/api/v1/services", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/services", "/api/v1/services/{service_id}", "/api/v1/frameworks"} <= set(schema["paths"])
    names = {p["name"] for p in schema["paths"]["/api/v1/services"]["get"]["parameters"]}
    assert names == {
        "q",
        "framework",
        "lot",
        "model",
        "supplier",
        "location",
        "certification",
        "price_model",
        "phase",
        "cloud",
        "sort",
        "page",
    }
