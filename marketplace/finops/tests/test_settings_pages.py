"""The FinOps settings that were CLI-only: licence prices on the licences page, SKU mappings on the price-compliance
page, exchange rates for MPS staff. Each with its permission matrix (denied changes store nothing and write no audit
event), the happy path and Norwegian error messages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.catalogue.models import PriceUnit
from marketplace.catalogue.tests.factories import ContractFactory, PriceLineFactory, PriceListFactory
from marketplace.core.models import AuditEvent
from marketplace.finops.models import ExchangeRate, LicencePrice, SkuMapping

pytestmark = pytest.mark.django_db
D = Decimal
WHO = ["anonymous", "supplier", "other", "buyer", "staff", "analyst", "admin"]


@pytest.fixture
def people(buyer_org, other_buyer_org, supplier_org, mps_org, make_member):
    return {
        "analyst": (make_member(buyer_org, Role.FINOPS_ANALYST), buyer_org),
        "admin": (make_member(buyer_org, Role.ORG_ADMIN), buyer_org),
        "buyer": (make_member(buyer_org, Role.BUYER), buyer_org),
        "other": (make_member(other_buyer_org, Role.FINOPS_ANALYST), other_buyer_org),
        "supplier": (make_member(supplier_org, Role.SUPPLIER_ADMIN), supplier_org),
        "staff": (make_member(mps_org, Role.MPS_ADMIN), mps_org),
    }


@pytest.fixture
def as_(login, people):
    def client(who: str) -> Client:
        if who == "anonymous":
            return Client()
        user, org = people[who]
        return login(user, org)

    return client


@pytest.fixture
def contract():
    contract = ContractFactory(reference="K-SKY-1")
    price_list = PriceListFactory(contract=contract)
    PriceLineFactory(price_list=price_list, sku="VM-2", unit=PriceUnit.VCPU_HOUR, unit_price_amount=D("0.45"))
    PriceLineFactory(
        price_list=price_list, sku="M365-E3", unit=PriceUnit.USER_MONTH, unit_price_amount=D("250")
    )
    return contract


def _audits(verb: str) -> int:
    return AuditEvent.objects.filter(verb=verb).count()


# --- licence prices -------------------------------------------------------------------------------------------


PRICE_STATUS = {
    "anonymous": 302,
    "supplier": 403,
    "other": 200,
    "buyer": 403,
    "staff": 403,
    "analyst": 200,
    "admin": 200,
}


@pytest.mark.parametrize("who", WHO)
def test_licence_price_get_matrix(as_, who):
    response = as_(who).get(reverse("finops:licence_price"))
    assert response.status_code == PRICE_STATUS[who]


@pytest.mark.parametrize("who", ["anonymous", "supplier", "buyer", "staff"])
def test_licence_price_denied_post_changes_nothing(as_, who):
    response = as_(who).post(reverse("finops:licence_price"), {"product": "Office", "monthly_amount": "100"})
    assert response.status_code in {302, 403}
    assert not LicencePrice.objects.exists()
    assert _audits("finops.licence_price_set") == 0


def test_other_organisation_sets_its_own_price_only(as_, buyer_org, other_buyer_org):
    response = as_("other").post(
        reverse("finops:licence_price"), {"product": "Office", "monthly_amount": "100"}
    )
    assert response.status_code == 302
    price = LicencePrice.objects.get()
    assert price.organisation == other_buyer_org
    page = as_("analyst").get(reverse("finops:licences")).content.decode()
    assert "Ingen lisenspriser er registrert." in page


def test_licence_price_manual_then_price_line_shown_on_licences_page(as_, buyer_org, contract):
    client = as_("analyst")
    response = client.post(reverse("finops:licence_price"), {"product": "Office", "monthly_amount": "99,50"})
    assert response.status_code == 302
    assert response["Location"] == reverse("finops:licences")
    price = LicencePrice.objects.get(organisation=buyer_org, product="Office")
    assert price.monthly_amount == D("99.5")
    assert price.price_line is None
    response = client.post(
        reverse("finops:licence_price"), {"product": "M365", "contract": "K-SKY-1", "price_sku": "M365-E3"}
    )
    assert response.status_code == 302
    m365 = LicencePrice.objects.get(product="M365")
    assert m365.price_line.sku == "M365-E3"
    assert _audits("finops.licence_price_set") == 2
    page = client.get(reverse("finops:licences")).content.decode()
    assert "Registrerte lisenspriser" in page
    assert '<th scope="row">Office</th>' in page
    assert "99,50" in page
    assert "K-SKY-1: M365-E3 (250,00 NOK)" in page
    assert f'action="{reverse("finops:licence_price")}"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"product": "Office"}, "Oppgi en prislinje, en månedspris eller FOCUS-tjeneste/SKU."),
        ({"product": "Office", "contract": "K-SKY-1"}, "Oppgi både kontraktsnummer og varenummer."),
        (
            {"product": "Office", "contract": "K-SKY-1", "price_sku": "NOPE"},
            "Fant ingen slik prislinje i kontrakten.",
        ),
        (
            {"product": "Office", "contract": "K-SKY-1", "price_sku": "VM-2"},
            "Prislinjen må ha enheten bruker-måned.",
        ),
        ({"product": "Office", "monthly_amount": "-1"}, "Verdien må være større enn eller lik 0."),
        ({"product": "", "monthly_amount": "1"}, "Feltet er påkrevet."),
    ],
)
def test_licence_price_errors_in_norwegian_store_nothing(as_, contract, data, message):
    response = as_("analyst").post(reverse("finops:licence_price"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LicencePrice.objects.exists()
    assert _audits("finops.licence_price_set") == 0


# --- SKU mappings ---------------------------------------------------------------------------------------------


SKU_GET = {
    "anonymous": 302,
    "supplier": 403,
    "other": 403,
    "buyer": 403,
    "staff": 200,
    "analyst": 403,
    "admin": 403,
}


@pytest.mark.parametrize("who", WHO)
def test_sku_mapping_get_matrix(as_, contract, who):
    response = as_(who).get(reverse("finops:sku_mappings"))
    assert response.status_code == SKU_GET[who]
    if response.status_code == 200:
        page = response.content.decode()
        assert ("Ny SKU-kobling" in page) == (who == "staff")


def _mapping_data(**overrides: str) -> dict[str, str]:
    data = {
        "contract": "K-SKY-1",
        "price_sku": "VM-2",
        "provider_name": "",
        "sku_id": "vm.standard.2",
        "service_name": "",
        "charge_description_contains": "",
        "pricing_unit": "Hours",
        "unit_factor": "1",
        "tolerance_percent": "2,5",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", ["anonymous", "supplier", "other", "buyer", "analyst", "admin"])
def test_sku_mapping_denied_post_changes_nothing(as_, contract, who):
    response = as_(who).post(reverse("finops:sku_mappings"), _mapping_data())
    assert response.status_code in {302, 403}
    assert not SkuMapping.objects.exists()
    assert _audits("finops.sku_mapping_created") == 0


def test_sku_mapping_created_by_staff_and_listed_on_prices_page(as_, contract):
    response = as_("staff").post(reverse("finops:sku_mappings"), _mapping_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("finops:prices")
    mapping = SkuMapping.objects.get()
    assert (mapping.contract, mapping.sku_id, mapping.price_sku) == (contract, "vm.standard.2", "VM-2")
    assert mapping.provider_name == contract.supplier.name
    assert (mapping.unit_factor, mapping.tolerance_percent) == (D(1), D("2.5"))
    assert _audits("finops.sku_mapping_created") == 1
    staff_page = as_("staff").get(reverse("finops:prices")).content.decode()
    assert "SKU-koblinger per kontrakt" in staff_page
    assert "vm.standard.2" in staff_page
    assert "Legg til SKU-kobling" in staff_page
    # an organisation's page names only the contracts its own data was checked against
    analyst_page = as_("analyst").get(reverse("finops:prices")).content.decode()
    assert "vm.standard.2" not in analyst_page
    assert "K-SKY-1" not in analyst_page
    listing = as_("staff").get(reverse("finops:sku_mappings")).content.decode()
    assert "vm.standard.2" in listing


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contract": "K-NONE"}, "Fant ingen kontrakt med dette nummeret."),
        ({"sku_id": ""}, "Oppgi FOCUS SkuId eller ServiceName."),
        ({"unit_factor": "0"}, "Omregningsfaktoren må være over null."),
        ({"tolerance_percent": "-1"}, "Toleransen kan ikke være negativ."),
        ({"price_sku": "NOPE"}, "Kontrakten har ingen prislinje med varenummer NOPE."),
        ({"unit_factor": "abc"}, "Oppgi et tall."),
    ],
)
def test_sku_mapping_errors_in_norwegian_store_nothing(as_, contract, overrides, message):
    response = as_("staff").post(reverse("finops:sku_mappings"), _mapping_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SkuMapping.objects.exists()
    assert _audits("finops.sku_mapping_created") == 0


# --- exchange rates -------------------------------------------------------------------------------------------

RATES = "currency,month,nok_per_unit,source\nEUR,2026-10,11.7215,Norges Bank\nUSD,2026-10,10.05,Norges Bank\n"


@pytest.mark.parametrize("who", WHO)
def test_rates_get_matrix(as_, who):
    ExchangeRate.objects.create(currency="SEK", month="2026-09-01", nok_per_unit=D("0.98"), source="NB")
    response = as_(who).get(reverse("finops:rates"))
    expected = {"anonymous": 302, "staff": 200}.get(who, 403)
    assert response.status_code == expected
    if expected == 200:
        assert '<th scope="row">SEK</th>' in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "supplier", "other", "buyer", "analyst", "admin"])
def test_rates_denied_post_changes_nothing(as_, who):
    response = as_(who).post(reverse("finops:rates"), {"text": RATES})
    assert response.status_code in {302, 403}
    assert not ExchangeRate.objects.exists()
    assert _audits("finops.rates_load") == 0


def test_rates_pasted_then_uploaded_replaces(as_):
    client = as_("staff")
    response = client.post(reverse("finops:rates"), {"text": RATES})
    assert response.status_code == 302
    assert {(r.currency, r.nok_per_unit) for r in ExchangeRate.objects.all()} == {
        ("EUR", D("11.72150000")),
        ("USD", D("10.05000000")),
    }
    upload = SimpleUploadedFile(
        "kurser.csv",
        b'currency,month,nok_per_unit,source\nEUR,2026-10,"11,80",Norges Bank\n',
        content_type="text/csv",
    )
    response = client.post(reverse("finops:rates"), {"file": upload}, follow=True)
    assert "Valutakursene er lagret: 0 nye, 1 endret." in response.content.decode()
    assert ExchangeRate.objects.get(currency="EUR").nok_per_unit == D("11.8")
    assert _audits("finops.rates_load") == 2
    page = response.content.decode()
    assert "11,8" in page
    assert "10,05" in page


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\nEUR,2026-10,1,x\n", "Første linje må være overskriften currency,month,nok_per_unit,source."),
        ("currency,month,nok_per_unit,source\n", "Filen har ingen kurser."),
        (
            "currency,month,nok_per_unit,source\nEUR,2026-13,1,NB\n",
            "Linje 2: måned må være ÅÅÅÅ-MM, ikke «2026-13».",
        ),
        (
            "currency,month,nok_per_unit,source\nNOK,2026-10,1,NB\n",
            "Linje 2: valuta må være en ISO-kode på tre bokstaver (ikke NOK)",
        ),
        (
            "currency,month,nok_per_unit,source\nEUR,2026-10,0,NB\n",
            "Linje 2: nok_per_unit må være større enn 0.",
        ),
        ("currency,month,nok_per_unit,source\nEUR,2026-10,x,NB\n", "Linje 2: nok_per_unit er ikke et tall"),
        ("currency,month,nok_per_unit,source\nEUR,2026-10,1,\n", "Linje 2: kilde mangler"),
        ("currency,month,nok_per_unit,source\nEUR,2026-10,1\n", "Linje 2: forventet 4 felt, fant 3."),
        (
            "currency,month,nok_per_unit,source\nEUR,2026-10,1,NB\nEUR,2026-10,2,NB\n",
            "Linje 3: EUR 2026-10 står to ganger.",
        ),
        ("", "Lim inn kurser eller last opp en fil."),
    ],
)
def test_rates_errors_in_norwegian_store_nothing(as_, text, message):
    response = as_("staff").post(reverse("finops:rates"), {"text": text})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ExchangeRate.objects.exists()
    assert _audits("finops.rates_load") == 0


def test_rates_file_checks(as_):
    client = as_("staff")
    bad = SimpleUploadedFile("kurser.xlsx", RATES.encode(), content_type="application/octet-stream")
    response = client.post(reverse("finops:rates"), {"file": bad})
    assert response.status_code == 400
    assert "Filen må være en CSV-fil (.csv)." in response.content.decode()
    latin = SimpleUploadedFile(
        "kurser.csv", "currency,month,nok_per_unit,source\nEUR,2026-10,1,Bø\n".encode("latin-1")
    )
    response = client.post(reverse("finops:rates"), {"file": latin})
    assert response.status_code == 400
    assert "Filen er ikke UTF-8-tekst." in response.content.decode()
    assert not ExchangeRate.objects.exists()
