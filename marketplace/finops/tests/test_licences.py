"""SaaS licences: import, unused / under-used seats and their yearly cost, priced from a contract price line, a
manual price or the FOCUS spec's SaaS examples (fixtures/focus_saas, CC BY 4.0)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from marketplace.accounts.middleware import activate
from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import OrganisationFactory, member
from marketplace.catalogue.models import PriceUnit
from marketplace.catalogue.tests.factories import PriceLineFactory
from marketplace.core.models import AuditEvent
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.analytics.licences import (
    focus_seat_price,
    licence_summary,
    months_between,
    seat_state,
)
from marketplace.finops.models import LicenceAssignment, LicencePrice
from marketplace.finops.services.optimise import ImportRejected, licence_price_set, licences_import
from marketplace.finops.tests.helpers import cost_row, store_costs
from marketplace.finops.tests.optimise_pages import assert_page_matrix

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures" / "focus_saas"
TODAY = dt.date(2026, 10, 1)
CSV = (
    "user,product,assigned_on,last_active_on\n"
    "ada@nve.no,Kontor,2026-01-01,2026-09-30\n"  # active
    "bob@nve.no,Kontor,2026-01-01,2026-08-01\n"  # 61 days: under-used
    "cid@nve.no,Kontor,2026-01-01,2026-06-01\n"  # 122 days: unused
    "dan@nve.no,Kontor,2026-01-01,\n"  # never active: unused
    "ada@nve.no,ACMECORP Licenses,2025-04-01,2026-09-01\n"
    "eve@nve.no,ACMECORP Licenses,2025-04-01,\n"
)


def spec_rows(name: str) -> list[dict]:
    """The spec example's rows as stored cost rows ("$1,000.00 " amounts and M/D/YY dates read as meant)."""

    def money(text: str) -> Decimal:
        return Decimal(text.replace("$", "").replace(",", "").strip())

    def day(text: str) -> dt.datetime:
        return dt.datetime.strptime(text, "%m/%d/%y")  # noqa: DTZ007 (stored times are naive UTC)

    rows = []
    with open(FIXTURES / name, encoding="utf-8-sig") as handle:
        for raw in csv.DictReader(handle):
            start = day(raw["ChargePeriodStart"])
            rows.append(
                cost_row(
                    start,
                    money(raw["BilledCost"]),
                    ChargePeriodEnd=day(raw["ChargePeriodEnd"]),
                    BillingPeriodStart=day(raw["BillingPeriodStart"]),
                    BillingPeriodEnd=day(raw["BillingPeriodEnd"]),
                    BillingCurrency=raw["BillingCurrency"],
                    ChargeCategory=raw["ChargeCategory"],
                    ChargeFrequency=raw["ChargeFrequency"],
                    ChargeDescription=raw["ChargeDescription"],
                    ContractedCost=money(raw["ContractedCost"]),
                    EffectiveCost=money(raw["EffectiveCost"]),
                    ListCost=money(raw["ListCost"]),
                    PricingQuantity=Decimal(raw["PricingQuantity"]),
                    PricingUnit=raw["PricingUnit"],
                    ConsumedQuantity=Decimal(raw["ConsumedQuantity"]) if raw["ConsumedQuantity"] else None,
                    ConsumedUnit=raw["ConsumedUnit"] or None,
                    ProviderName=raw["ProviderName"],
                    ServiceCategory=raw["ServiceCategory"],
                    ServiceName=raw["ServiceName"],
                    SkuId=raw["SkuId"],
                    SkuPriceId=raw["SkuPriceId"],
                )
            )
    return rows


@pytest.mark.parametrize(
    ("last_active_on", "expected"),
    [
        (None, "unused"),
        (dt.date(2026, 7, 2), "unused"),  # 91 days
        (dt.date(2026, 7, 3), "underused"),  # 90 days
        (dt.date(2026, 8, 31), "underused"),  # 31 days
        (dt.date(2026, 9, 1), "active"),  # 30 days
        (TODAY, "active"),
    ],
)
def test_seat_state(last_active_on, expected):
    assert seat_state(last_active_on, TODAY) == expected


def test_months_between():
    assert months_between(dt.datetime(2025, 4, 1), dt.datetime(2026, 4, 1)) == Decimal(12)
    assert months_between(dt.datetime(2025, 6, 1), dt.datetime(2025, 7, 1)) == Decimal(1)
    assert months_between(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2)) == Decimal(12) / Decimal(365)


def test_spec_example_upfront_licences_cost_their_price_a_year():
    """simple_saas_agreements_a2 + a3: 500 and then 10 more licences at $100 for the 12 months from 1 April 2025."""
    org = OrganisationFactory()
    store_costs(org, spec_rows("simple_saas_agreements_a2.csv") + spec_rows("simple_saas_agreements_a3.csv"))
    price = focus_seat_price(Scope((org.pk,)), sku_id="ACL-123")
    assert price is not None
    assert (price.amount, price.months, price.currency) == (Decimal("100"), Decimal("12"), "USD")
    assert price.yearly == Decimal("100")


def test_spec_example_monthly_licences_take_the_latest_month():
    """simple_saas_agreements_c: 505, 650 and 635 licences at $20 a month; the latest month prices the seat."""
    org = OrganisationFactory()
    store_costs(org, spec_rows("simple_saas_agreements_c.csv"))
    price = focus_seat_price(Scope((org.pk,)), service_name="ACMECORP Licenses")
    assert price is not None
    assert (price.amount, price.months, price.monthly, price.yearly) == (
        Decimal("20"),
        Decimal("1"),
        Decimal("20"),
        Decimal("240"),
    )


def test_import_and_summary_with_three_price_sources():
    org = OrganisationFactory()
    analyst = member(org, Role.FINOPS_ANALYST)
    activate(analyst, org)
    store_costs(org, spec_rows("simple_saas_agreements_a2.csv"))
    result = licences_import(actor=analyst, organisation=org, content=CSV.encode())
    assert (result["seats"], result["products"]) == (6, ["ACMECORP Licenses", "Kontor"])
    line = PriceLineFactory(unit=PriceUnit.USER_MONTH, unit_price_amount=Decimal("125.5000"))
    licence_price_set(actor=analyst, organisation=org, product="Kontor", price_line=line)
    licence_price_set(actor=analyst, organisation=org, product="ACMECORP Licenses", focus_sku_id="ACL-123")
    acme, kontor = licence_summary(org, today=TODAY)
    assert (kontor.product, kontor.seats, kontor.unused, kontor.underused) == ("Kontor", 4, 2, 1)
    assert kontor.price is not None
    assert kontor.price.source == "price_line"
    assert (kontor.yearly_cost, kontor.unused_yearly_cost, kontor.underused_yearly_cost) == (
        Decimal("6024.0000"),
        Decimal("3012.0000"),
        Decimal("1506.0000"),
    )
    assert kontor.seat_states == {
        "ada@nve.no": "active",
        "bob@nve.no": "underused",
        "cid@nve.no": "unused",
        "dan@nve.no": "unused",
    }
    assert (acme.seats, acme.unused, acme.yearly_cost, acme.unused_yearly_cost) == (
        2,
        1,
        Decimal("200"),
        Decimal("100"),
    )
    assert acme.price is not None
    assert acme.price.currency == "USD"
    licence_price_set(actor=analyst, organisation=org, product="Kontor", monthly_amount=Decimal("10"))
    _acme, kontor = licence_summary(org, today=TODAY)
    assert (kontor.price.source, kontor.yearly_cost) == ("manual", Decimal("480"))
    verbs = list(
        AuditEvent.objects.filter(organisation_id=org.pk).values_list("verb", flat=True).order_by("id")
    )
    assert verbs == [
        "finops.licences_imported",
        "finops.licence_price_set",
        "finops.licence_price_set",
        "finops.licence_price_set",
    ]


def test_reimport_replaces_the_products_in_the_file_only():
    org = OrganisationFactory()
    licences_import(actor=None, organisation=org, content=CSV.encode())
    licences_import(
        actor=None,
        organisation=org,
        content=b"user,product,assigned_on,last_active_on\nzed@nve.no,Kontor,2026-02-01,\n",
    )
    assert sorted(
        LicenceAssignment.objects.filter(organisation=org).values_list("product", "user_identifier")
    ) == [
        ("ACMECORP Licenses", "ada@nve.no"),
        ("ACMECORP Licenses", "eve@nve.no"),
        ("Kontor", "zed@nve.no"),
    ]


def test_bad_file_names_lines_and_stores_nothing():
    org = OrganisationFactory()
    bad = (
        "user;product;assigned_on;last_active_on\n"
        "ada@nve.no;Kontor;2026-01-01;2026-09-30\n"
        ";Kontor;01.02.2026;\n"
        "bob@nve.no;Kontor;i går;2026-13-01\n"
        "ada@nve.no;Kontor;2026-01-01;\n"
    )
    with pytest.raises(ImportRejected) as info:
        licences_import(actor=None, organisation=org, content=bad.encode())
    assert info.value.errors == [
        {"line": 3, "column": "user", "message": "Bruker mangler."},
        {"line": 4, "column": "assigned_on", "message": "Ugyldig dato (bruk ÅÅÅÅ-MM-DD)."},
        {"line": 4, "column": "last_active_on", "message": "Ugyldig dato (bruk ÅÅÅÅ-MM-DD)."},
        {"line": 5, "column": "user", "message": "Samme bruker og produkt står også på linje 2."},
    ]
    with pytest.raises(ImportRejected) as info:
        licences_import(actor=None, organisation=org, content=b"user,product\nada,Kontor\n")
    assert [e["column"] for e in info.value.errors] == ["assigned_on", "last_active_on"]
    assert not LicenceAssignment.objects.exists()
    assert not AuditEvent.objects.filter(verb="finops.licences_imported").exists()


def test_import_needs_the_finops_role():
    org = OrganisationFactory()
    buyer = member(org, Role.BUYER)
    activate(buyer, org)
    with pytest.raises(PermissionDenied):
        licences_import(actor=buyer, organisation=org, content=CSV.encode())
    assert not LicenceAssignment.objects.exists()


def test_command_imports_and_reports_json(tmp_path):
    org = OrganisationFactory()
    good = tmp_path / "seats.csv"
    good.write_text(CSV, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "finops", "licences", "import", str(good), "--org", org.orgnr, "--format", "json", stdout=out
    )
    assert json.loads(out.getvalue())["seats"] == 6
    bad = tmp_path / "bad.csv"
    bad.write_text("user,product,assigned_on,last_active_on\nada,Kontor,x,\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "finops", "licences", "import", str(bad), "--org", org.orgnr, "--format", "json", stdout=out
        )
    assert exit_info.value.code == 1
    assert json.loads(out.getvalue())["errors"] == [
        {"line": 2, "column": "assigned_on", "message": "Ugyldig dato (bruk ÅÅÅÅ-MM-DD)."}
    ]
    assert LicenceAssignment.objects.count() == 6


def licences_url() -> str:
    return reverse("finops:licences")


def test_licences_page_permission_matrix(client):
    org = OrganisationFactory()
    licences_import(actor=None, organisation=org, content=CSV.encode())
    page = assert_page_matrix(client, licences_url() + "?as_of=2026-10-01", org, "dan@nve.no")
    assert "Kontor" in page
    response = client.get(licences_url() + "?as_of=2026-10-01&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "product;user;last_active_on;state;yearly_cost;currency"
    assert "Kontor;dan@nve.no;;unused;;" in lines
    assert "Kontor;bob@nve.no;2026-08-01;underused;;" in lines
    response = client.get(licences_url() + "?as_of=2026-10-01&state=unused")
    page = response.content.decode()
    assert "dan@nve.no" in page
    assert "bob@nve.no" not in page
    assert 'href="?as_of=2026-10-01&amp;state=underused"' in page


def test_licences_upload_denied_changes_nothing(client):
    org = OrganisationFactory()
    client.force_login(member(org, Role.BUYER))
    upload = io.BytesIO(CSV.encode())
    upload.name = "seats.csv"
    response = client.post(licences_url(), {"file": upload})
    assert response.status_code == 403
    assert not LicenceAssignment.objects.exists()


def test_licences_upload_by_analyst(client):
    org = OrganisationFactory()
    client.force_login(member(org, Role.FINOPS_ANALYST))
    upload = io.BytesIO(CSV.encode())
    upload.name = "seats.csv"
    response = client.post(licences_url(), {"file": upload})
    assert response.status_code == 302
    assert LicenceAssignment.objects.filter(organisation=org).count() == 6
    bad = io.BytesIO(b"user,product,assigned_on,last_active_on\nada,Kontor,x,\n")
    bad.name = "bad.csv"
    response = client.post(licences_url(), {"file": bad})
    assert response.status_code == 400
    assert "Linje 2" in response.content.decode()
    assert LicenceAssignment.objects.filter(organisation=org).count() == 6
    image = io.BytesIO(b"\x89PNG\r\n")
    image.name = "seats.png"
    response = client.post(licences_url(), {"file": image})
    assert response.status_code == 400
    assert "Filen må være en CSV-fil (.csv)." in response.content.decode()


def test_price_command(tmp_path):
    org = OrganisationFactory()
    line = PriceLineFactory(unit=PriceUnit.USER_MONTH, unit_price_amount=Decimal("99"))
    out = io.StringIO()
    call_command(
        "finops",
        "licences",
        "price",
        "--org",
        org.orgnr,
        "--product",
        "Kontor",
        "--contract",
        line.price_list.contract.reference,
        "--price-sku",
        line.sku,
        "--format",
        "json",
        stdout=out,
    )
    assert LicencePrice.objects.get(organisation=org, product="Kontor").price_line == line
    call_command(
        "finops",
        "licences",
        "price",
        "--org",
        org.orgnr,
        "--product",
        "Kontor",
        "--monthly",
        "12,5",
        stdout=io.StringIO(),
    )
    price = LicencePrice.objects.get(organisation=org, product="Kontor")
    assert (price.price_line, price.monthly_amount) == (None, Decimal("12.5"))
    vcpu = PriceLineFactory(unit=PriceUnit.VCPU_HOUR)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "finops",
            "licences",
            "price",
            "--org",
            org.orgnr,
            "--product",
            "Kontor",
            "--contract",
            vcpu.price_list.contract.reference,
            "--price-sku",
            vcpu.sku,
            "--format",
            "json",
            stdout=out,
        )
    assert json.loads(out.getvalue()) == {"detail": "Prislinjen må ha enheten bruker-måned."}
    assert LicencePrice.objects.get(organisation=org, product="Kontor").monthly_amount == Decimal("12.5")
