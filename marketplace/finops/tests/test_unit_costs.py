"""Unit economics: cost per unit of an uploaded monthly business metric."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import OrganisationFactory, member
from marketplace.core.models import AuditEvent
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.analytics.unit_costs import UnitCost, metric_names, unit_costs
from marketplace.finops.models import BusinessMetric
from marketplace.finops.services.optimise import ImportRejected, business_metrics_import
from marketplace.finops.tests.helpers import cost_row, store_costs
from marketplace.finops.tests.optimise_pages import assert_page_matrix

pytestmark = pytest.mark.django_db
METRICS = (
    "name;unit;month;value\nSaker;sak;2026-08;400\nSaker;sak;2026-09;1 250,5\nBrukere;bruker;2026-09;80\n"
)


def costs_for(org):
    store_costs(
        org,
        [
            cost_row(dt.date(2026, 8, 3), "100", EffectiveCost=Decimal("120")),
            cost_row(dt.date(2026, 8, 4), "100", EffectiveCost=Decimal("80")),
            cost_row(dt.date(2026, 9, 1), "500.50"),
            cost_row(dt.date(2026, 10, 1), "70"),
        ],
    )


def test_cost_per_unit_per_month():
    org = OrganisationFactory()
    costs_for(org)
    summary = business_metrics_import(actor=None, organisation=org, content=METRICS.encode())
    assert summary == {"created": 3, "updated": 0, "names": ["Brukere", "Saker"]}
    assert metric_names(org) == ["Brukere", "Saker"]
    assert unit_costs(org, "Saker") == [
        UnitCost(dt.date(2026, 8, 1), "NOK", Decimal("200"), Decimal("400"), "sak", Decimal("0.5")),
        UnitCost(
            dt.date(2026, 9, 1),
            "NOK",
            Decimal("500.5"),
            Decimal("1250.5"),
            "sak",
            Decimal("500.5") / Decimal("1250.5"),
        ),
        UnitCost(dt.date(2026, 10, 1), "NOK", Decimal("70"), None, "sak", None),
    ]
    scoped = unit_costs(
        org, "Brukere", scope=Scope((org.pk,), period_from=dt.date(2026, 9, 1), period_to=dt.date(2026, 9, 1))
    )
    assert scoped == [
        UnitCost(dt.date(2026, 9, 1), "NOK", Decimal("500.5"), Decimal("80"), "bruker", Decimal("6.25625"))
    ]


def test_metric_month_without_cost_has_zero_cost():
    org = OrganisationFactory()
    business_metrics_import(
        actor=None, organisation=org, content=b"name,unit,month,value\nSaker,sak,2026-08,10\n"
    )
    assert unit_costs(org, "Saker") == [
        UnitCost(dt.date(2026, 8, 1), "NOK", Decimal(0), Decimal("10"), "sak", Decimal(0))
    ]


def test_reimport_replaces_the_month():
    org = OrganisationFactory()
    business_metrics_import(actor=None, organisation=org, content=METRICS.encode())
    summary = business_metrics_import(
        actor=None, organisation=org, content=b"name,unit,month,value\nSaker,sak,2026-08,500\n"
    )
    assert summary["updated"] == 1
    assert BusinessMetric.objects.get(
        organisation=org, name="Saker", month=dt.date(2026, 8, 1)
    ).value == Decimal("500")
    assert AuditEvent.objects.filter(verb="finops.metrics_imported", organisation_id=org.pk).count() == 2


def test_bad_metric_file_stores_nothing():
    org = OrganisationFactory()
    bad = "name,unit,month,value\nSaker,sak,2026-8-01,10\n,sak,2026-09,-1\nSaker,sak,2026-10,x\nSaker,sak,2026-10,3\n"
    with pytest.raises(ImportRejected) as info:
        business_metrics_import(actor=None, organisation=org, content=bad.encode())
    assert info.value.errors == [
        {"line": 2, "column": "month", "message": "Ugyldig måned (bruk ÅÅÅÅ-MM)."},
        {"line": 3, "column": "name", "message": "Navn mangler."},
        {"line": 3, "column": "value", "message": "Verdien må være et tall over null."},
        {"line": 4, "column": "value", "message": "Verdien må være et tall over null."},
        {"line": 5, "column": "month", "message": "Samme mål og måned står også på linje 4."},
    ]
    assert not BusinessMetric.objects.exists()


def test_metrics_command(tmp_path):
    org = OrganisationFactory()
    path = tmp_path / "m.csv"
    path.write_text(METRICS, encoding="utf-8")
    out = io.StringIO()
    call_command("finops", "metrics", "import", str(path), "--org", org.orgnr, "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["created"] == 3
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "finops", "metrics", "import", str(path), "--org", "999999999", "--format", "json", stdout=out
        )
    assert json.loads(out.getvalue()) == {
        "detail": "Fant ingen virksomhet med organisasjonsnummer 999999999.",
        "errors": [],
    }


def test_unit_costs_page(client):
    org = OrganisationFactory()
    costs_for(org)
    business_metrics_import(actor=None, organisation=org, content=METRICS.encode())
    url = reverse("finops:unit_costs")
    page = assert_page_matrix(client, url + "?metric=Saker", org, "1250")
    assert "0.5000" in page or "0,5000" in page
    response = client.get(url + "?metric=Saker&period_from=2026-09&period_to=2026-09&format=csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "month;currency;cost;metric;metric_value;metric_unit;cost_per_unit",
        "2026-09;NOK;500.5;Saker;1250.5;sak;0.4002",
    ]


def test_unit_costs_upload(client):
    org = OrganisationFactory()
    url = reverse("finops:unit_costs")
    client.force_login(member(org, Role.BUYER))
    upload = io.BytesIO(METRICS.encode())
    upload.name = "m.csv"
    assert client.post(url, {"file": upload}).status_code == 403
    assert not BusinessMetric.objects.exists()
    client.force_login(member(org, Role.FINOPS_ANALYST))
    upload = io.BytesIO(METRICS.encode())
    upload.name = "m.csv"
    assert client.post(url, {"file": upload}).status_code == 302
    assert BusinessMetric.objects.filter(organisation=org).count() == 3


def test_upload_without_a_file_is_a_norwegian_message_from_the_server(client):
    """The upload form leaves checking to the server (novalidate, as every other form here), so a missing file
    gets the Norwegian message tied to the field, not the browser's own bubble; nothing is stored."""
    org = OrganisationFactory()
    url = reverse("finops:unit_costs")
    client.force_login(member(org, Role.FINOPS_ANALYST))
    page = client.get(url).content.decode()
    assert '<form method="post" enctype="multipart/form-data" novalidate>' in page
    response = client.post(url, {})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'aria-describedby="id_file-error"' in body
    assert (
        '<div class="ds-validation-message" data-color="danger" id="id_file-error">Feltet er påkrevet.</div>'
        in body
    )
    assert not BusinessMetric.objects.exists()
