"""`mps finops report`: JSON with exact money strings, period limits, text output and errors with exit code 2."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.finops.models import ExchangeRate
from marketplace.finops.tests.helpers import cost_row, store_costs

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("finops", "report", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def org():
    organisation = OrganisationFactory()
    store_costs(
        organisation,
        [
            cost_row(dt.date(2026, 8, 1), "0.0000000001"),
            cost_row(dt.date(2026, 8, 2), "1234567890.1234567891", EffectiveCost=Decimal("1000")),
            cost_row(dt.date(2026, 9, 1), "2.5", BillingCurrency="EUR", ProviderName="Nordsky"),
        ],
    )
    return organisation


def test_json_report_has_exact_totals_and_sections(org):
    code, out = run("--org", org.orgnr, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["organisation"] == org.orgnr
    assert data["totals"] == [
        {
            "currency": "EUR",
            "billed_cost": "2.5000000000",
            "effective_cost": "2.5000000000",
            "list_cost": "2.5000000000",
            "contracted_cost": "2.5000000000",
            "rows": 1,
        },
        {
            "currency": "NOK",
            "billed_cost": "1234567890.1234567892",
            "effective_cost": "1000.0000000001",
            "list_cost": "1234567890.1234567892",
            "contracted_cost": "1234567890.1234567892",
            "rows": 2,
        },
    ]
    assert data["by_provider"] == [
        {
            "provider": "Nordsky",
            "currency": "NOK",
            "billed_cost": "1234567890.1234567892",
            "effective_cost": "1000.0000000001",
        },
        {
            "provider": "Nordsky",
            "currency": "EUR",
            "billed_cost": "2.5000000000",
            "effective_cost": "2.5000000000",
        },
    ]
    assert data["nok"]["is_complete"] is False
    assert data["nok"]["missing_rates"][0]["currency"] == "EUR"
    assert [row["period"] for row in data["by_month"]] == ["2026-08", "2026-09"]
    assert data["by_service_category"][0]["service_category"] == "Compute"
    assert data["commitments"] == {"utilisation": [], "coverage": []}
    assert [row["currency"] for row in data["untagged_share"]] == ["EUR", "NOK"]
    assert {"top_services", "top_resources", "by_region", "by_sub_account"} <= set(data)
    # no cost centres yet: everything is unallocated
    assert data["showback"]["centres"] == []
    assert data["showback"]["unallocated"] == [
        {"currency": "EUR", "effective_cost": "2.5000000000"},
        {"currency": "NOK", "effective_cost": "1000.0000000001"},
    ]


def test_period_limits_and_nok_conversion(org):
    ExchangeRate.objects.create(
        currency="EUR", month=dt.date(2026, 9, 1), nok_per_unit=Decimal("11.5"), source="Norges Bank"
    )
    code, out = run("--org", org.orgnr, "--from", "2026-09", "--to", "2026-09", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [row["currency"] for row in data["totals"]] == ["EUR"]
    assert data["nok"]["billed_cost"] == "28.750000000000000000"  # exact product, no rounding
    assert data["nok"]["is_complete"] is True
    assert data["nok"]["rates"] == [
        {"currency": "EUR", "month": "2026-09", "nok_per_unit": "11.50000000", "source": "Norges Bank"}
    ]


def test_filters_on_the_command_line(org):
    code, out = run("--org", org.orgnr, "--format", "json", "--service", "Nothing here")
    assert code == 0
    assert json.loads(out)["totals"] == []


def test_text_output(org):
    code, out = run("--org", org.orgnr)
    assert code == 0
    assert f"Cost report for {org.orgnr}" in out
    assert (
        "NOK: 1234567890.1234567892 / 1000.0000000001 / 1234567890.1234567892 / 1234567890.1234567892" in out
    )
    assert "missing exchange rate: EUR 2026-09" in out


def test_unknown_organisation_is_a_json_error_with_exit_2():
    code, out = run("--org", "999999999", "--format", "json")
    assert code == 2
    assert json.loads(out) == {
        "detail": "Invalid report request",
        "errors": [{"field": "org", "message": "No organisation with orgnr '999999999'"}],
    }


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--from", "2026-13"], "period_from"),
        (["--to", "sep"], "period_to"),
        (["--from", "2026-09", "--to", "2026-08"], "period_to"),
    ],
)
def test_bad_months_exit_2(org, args, field):
    code, out = run("--org", org.orgnr, "--format", "json", *args)
    assert code == 2
    assert [e["field"] for e in json.loads(out)["errors"]] == [field]


def test_unknown_organisation_in_text_exit_2():
    code, out = run("--org", "999999999")
    assert code == 2
    assert "No organisation" in out


def test_json_report_has_the_optimisation_sections(org):
    code, out = run("--org", org.orgnr, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["price_compliance"]["deviations"] == []
    assert data["workload"] == []
    assert (
        data["price_compliance"]["total_overbilling_amount"],
        data["price_compliance"]["checked_rows"],
    ) == ("0", 0)
    # 3 vCPU-hours of an unknown provider (the highest CCF defaults): (0.78 + 0.5 × (4.26 − 0.78)) W × 3 h × PUE
    # 1.185 = 0.0089586 kWh; × 7.62 g/kWh (Norway East) = 0.000068264532 kg
    assert [
        (line["kind"], line["quantity"], line["kwh"], line["is_default_provider"])
        for line in data["carbon"]["lines"]
    ] == [("compute", "3.0000000000", "0.0089586000000000", True)]
    assert Decimal(data["carbon"]["total_kg_co2e"]) == Decimal("0.000068264532")
