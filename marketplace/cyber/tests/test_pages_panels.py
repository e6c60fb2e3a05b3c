"""The Cyber Risk Score panel on the catalogue's supplier and service pages (core.panels + {% page_panels %}),
and the line chart of core.charts the trend uses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.accounts.tests.factories import OrganisationFactory, SupplierFactory, member
from marketplace.catalogue.tests.factories import ContractFactory, ServiceFactory
from marketplace.core import charts, panels
from marketplace.cyber.tests.pages_helpers import UTC, make_scan

pytestmark = pytest.mark.django_db

PANEL_SCORE = '<span class="cyber-score__number" id="cyber-panel-score">'


@pytest.fixture
def supplier():
    supplier = SupplierFactory(name="Nordsky AS")
    make_scan(supplier, score=50, grade="F", finished_at=dt.datetime(2026, 1, 1, tzinfo=UTC))
    make_scan(supplier, score=84, grade="B", finished_at=dt.datetime(2026, 3, 1, tzinfo=UTC))
    return supplier


@pytest.fixture
def buyer():
    return member(OrganisationFactory(kind=OrganisationKind.STATE), Role.BUYER)


def test_supplier_page_shows_the_latest_score_to_signed_in_users(client, supplier, buyer):
    url = reverse("suppliers:supplier_detail", args=[supplier.pk])
    client.force_login(buyer)
    page = client.get(url).content.decode()
    assert PANEL_SCORE + "84</span>" in page
    assert "Karakter B" in page
    assert f'href="{reverse("cyber:methodology")}"' in page


def test_service_page_shows_its_suppliers_score(client, supplier, buyer):
    service = ServiceFactory(contract=ContractFactory(supplier=supplier))
    client.force_login(buyer)
    page = client.get(reverse("catalogue:service_detail", args=[service.pk])).content.decode()
    assert PANEL_SCORE + "84</span>" in page


def test_anonymous_visitors_see_no_score(client, supplier):
    service = ServiceFactory(contract=ContractFactory(supplier=supplier))
    for url in (
        reverse("suppliers:supplier_detail", args=[supplier.pk]),
        reverse("catalogue:service_detail", args=[service.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "Cyber Risk Score" not in response.content.decode()


def test_supplier_without_scan_says_so(client, buyer):
    supplier = SupplierFactory(name="Uskannet AS")
    client.force_login(buyer)
    page = client.get(reverse("suppliers:supplier_detail", args=[supplier.pk])).content.decode()
    assert "Uskannet AS er ikke skannet ennå." in page
    assert PANEL_SCORE not in page


def test_page_panels_renders_nothing_for_an_empty_slot_and_each_panel_in_order(monkeypatch):
    monkeypatch.setattr(panels, "_REGISTRY", {})
    template = Template('{% load page_panels %}[{% page_panels "test.slot" obj %}]')
    request = RequestFactory().get("/")
    assert template.render(Context({"request": request, "obj": "x"})) == "[]"
    panels.register("test.slot", "cyber/_grade.html", lambda request, obj: {"grade": obj}, order=2)
    panels.register("test.slot", "cyber/_nav.html", lambda request, obj: None, order=1)  # hidden
    rendered = template.render(Context({"request": request, "obj": "A"}))
    assert rendered == '[<span class="ds-tag cyber-grade" data-color="success">Karakter A</span>\n]'


def test_line_over_time_spec():
    spec = charts.line_over_time(
        [{"date": dt.date(2026, 1, 2), "score": 70, "other": 1}, {"date": dt.date(2026, 2, 2), "score": 80}],
        date_field="date",
        date_title="Dato",
        value_field="score",
        value_title="Poengsum",
        description="Trend",
        domain=(0, 100),
    )
    assert spec["data"] == {
        "values": [{"date": "2026-01-02", "score": 70}, {"date": "2026-02-02", "score": 80}]
    }
    assert spec["mark"] == {"type": "line", "point": True, "color": charts.PALETTE[0]}
    assert spec["encoding"]["x"]["field"] == "date"
    assert spec["encoding"]["x"]["type"] == "temporal"
    assert spec["encoding"]["y"]["scale"] == {"domain": [0, 100]}
    assert spec["description"] == "Trend"
    grouped = charts.line_over_time(
        [{"date": dt.date(2026, 1, 2), "score": 70, "group": "a"}],
        date_field="date",
        date_title="Dato",
        value_field="score",
        value_title="Poengsum",
        description="Trend",
        group_field="group",
        group_title="Gruppe",
    )
    assert grouped["encoding"]["color"]["field"] == "group"
    assert "scale" not in grouped["encoding"]["y"]
