"""Carbon estimate by the Cloud Carbon Footprint method: exact hand-computed kWh and kg CO2e."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.analytics.carbon import (
    carbon_estimate,
    classify,
    coefficients,
    grid_factor,
    provider_key,
)
from marketplace.finops.tests.helpers import cost_row, store_costs
from marketplace.finops.tests.optimise_pages import assert_page_matrix

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 9, 1)


def test_coefficients_carry_their_source_and_the_norwegian_factor():
    data = coefficients()
    assert "Cloud Carbon Footprint" in data["source"]
    assert data["grid_t_co2e_per_kwh"]["regions"]["norway"]["value"] == "0.00000762"
    assert data["providers"]["aws"] == {
        "min_watts_per_vcpu": "0.74",
        "max_watts_per_vcpu": "3.5",
        "pue": "1.135",
        "source": data["providers"]["aws"]["source"],
    }
    assert data["default_utilisation"] == "0.5"


@pytest.mark.parametrize(
    ("region_id", "region_name", "expected"),
    [
        ("norwayeast", None, (Decimal("0.00000762"), False)),
        ("no-oslo-1", "Norway Oslo", (Decimal("0.00000762"), False)),
        (None, "Norway West", (Decimal("0.00000762"), False)),
        ("eu-west-1", "Europe (Ireland)", (Decimal("0.0002786"), False)),
        ("swedencentral", None, (Decimal("0.00000567"), False)),
        ("mars-1", "Mars", (Decimal("0.00033866"), True)),
        (None, None, (Decimal("0.00033866"), True)),
    ],
)
def test_grid_factor_by_region(region_id, region_name, expected):
    assert grid_factor(region_id, region_name) == expected


@pytest.mark.parametrize(
    ("unit", "category", "expected"),
    [
        ("Hours", "Compute", ("compute", Decimal(1))),
        ("Hrs", "Databases", ("compute", Decimal(1))),
        ("Hours", "Networking", None),
        ("GB-Mo", "Storage", ("storage", Decimal("0.73"))),
        ("GiB-Month", "Storage", ("storage", Decimal("0.78383153152"))),
        ("GB", "Networking", ("network", Decimal(1))),
        ("GB", "Storage", None),
        ("GB-Hours", "Compute", ("memory", Decimal(1))),
        ("Requests", "Compute", None),
    ],
)
def test_classify_units(unit, category, expected):
    assert classify(unit, category, None) == expected


def test_provider_key():
    assert provider_key("AWS") == "aws"
    assert provider_key("Microsoft") == "azure"
    assert provider_key("Google Cloud") == "gcp"
    assert provider_key("Nordsky") == "default"


def test_estimate_exact_values():
    org = OrganisationFactory()
    store_costs(
        org,
        [
            # default provider, Norway: 2.52 W × 100 vCPU-h = 0.252 kWh × PUE 1.185 = 0.29862 kWh
            cost_row(DAY, "10", ConsumedQuantity=Decimal("60")),
            cost_row(DAY + dt.timedelta(days=1), "10", ConsumedQuantity=Decimal("40")),
            # AWS Ireland object storage: 1000 GB-Mo = 730 TB-h × 0.65 Wh = 0.4745 kWh × 1.135 = 0.5385575 kWh
            cost_row(
                DAY,
                "5",
                ProviderName="AWS",
                RegionId="eu-west-1",
                RegionName="Europe (Ireland)",
                ServiceCategory="Storage",
                ServiceSubcategory="Object",
                ConsumedUnit="GB-Mo",
                PricingUnit="GB-Mo",
                ConsumedQuantity=Decimal("1000"),
            ),
            # Azure unknown region, egress: 500 GB × 0.001 = 0.5 kWh × 1.185 = 0.5925 kWh, default grid factor
            cost_row(
                DAY,
                "3",
                ProviderName="Microsoft",
                RegionId="mars-1",
                RegionName="Mars",
                ServiceCategory="Networking",
                ConsumedUnit="GB",
                ConsumedQuantity=Decimal("500"),
            ),
            # not estimated: requests
            cost_row(DAY, "1", ConsumedUnit="Requests", ConsumedQuantity=Decimal("1000000")),
            # not usage: ignored
            cost_row(
                DAY, "99", ChargeCategory="Tax", ConsumedQuantity=None, ConsumedUnit=None, PricingUnit=None
            ),
        ],
    )
    estimate = carbon_estimate(Scope((org.pk,)))
    lines = {(line.provider, line.kind): line for line in estimate.lines}
    assert set(lines) == {("Nordsky", "compute"), ("AWS", "storage"), ("Microsoft", "network")}

    vm = lines[("Nordsky", "compute")]
    assert (vm.quantity, vm.quantity_unit, vm.region) == (Decimal("100"), "vCPU-h", "norway-east")
    assert vm.kwh == Decimal("0.29862")
    assert vm.kg_co2e == Decimal("0.0022754844")
    assert (vm.is_default_provider, vm.is_default_region) == (True, False)

    s3 = lines[("AWS", "storage")]
    assert (s3.quantity, s3.quantity_unit) == (Decimal("730"), "TB-h")
    assert s3.kwh == Decimal("0.5385575")
    assert s3.kg_co2e == Decimal("0.1500421195")
    assert (s3.is_default_provider, s3.is_default_region) == (False, False)

    net = lines[("Microsoft", "network")]
    assert net.kwh == Decimal("0.5925")
    assert net.kg_co2e == Decimal("0.20065605")
    assert (net.is_default_provider, net.is_default_region) == (False, True)

    assert estimate.total_kwh == Decimal("1.4296775")
    assert estimate.total_kg_co2e == Decimal("0.3529736539")
    assert estimate.unestimated_rows == 1
    assert estimate.unestimated_units == ["Requests"]


def test_estimate_of_empty_scope():
    org = OrganisationFactory()
    estimate = carbon_estimate(Scope((org.pk,)))
    assert (estimate.lines, estimate.total_kwh, estimate.total_kg_co2e) == ([], Decimal(0), Decimal(0))


def test_carbon_page(client):
    org = OrganisationFactory()
    store_costs(org, [cost_row(DAY, "10", ConsumedQuantity=Decimal("100"), RegionId="secret-region-1")])
    url = reverse("finops:carbon")
    page = assert_page_matrix(client, url, org, "secret-region-1")
    assert "Databehandling" in page
    response = client.get(url + "?period_from=2026-09&period_to=2026-09&format=csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "provider;region;service_category;kind;quantity;quantity_unit;kwh;kg_co2e;grid_t_co2e_per_kwh;"
        "default_provider;default_region",
        # RegionName "Norway East" gives the Norwegian factor although the id is unknown
        "Nordsky;secret-region-1;Compute;compute;100;vCPU-h;0.29862;0.0022754844;0.00000762;True;False",
    ]
    response = client.get(url + "?period_from=2026-10&format=csv")
    assert len(response.content.decode("utf-8-sig").splitlines()) == 1
