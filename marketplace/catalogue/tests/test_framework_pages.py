"""Framework list and detail pages, the front page and the NOK format."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import SupplierFactory
from marketplace.catalogue.models import (
    CriterionKind,
    FrameworkCategory,
    FrameworkCriterion,
    FrameworkMechanism,
    Mechanism,
    Procedure,
    ServiceStatus,
)
from marketplace.catalogue.templatetags.nok import format_nok
from marketplace.catalogue.tests.factories import (
    ContractFactory,
    FrameworkFactory,
    LotFactory,
    ServiceFactory,
)

NBSP = "\u00a0"
TODAY = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("500000000.00"), f"500{NBSP}000{NBSP}000{NBSP}kr"),
        (Decimal("1234.5"), f"1{NBSP}234,50{NBSP}kr"),
        (Decimal("999"), f"999{NBSP}kr"),
        (Decimal("0.005"), f"0,01{NBSP}kr"),
        (Decimal("-1500"), f"−1{NBSP}500{NBSP}kr"),
        (None, ""),
        ("ikke et tall", ""),
    ],
)
def test_format_nok(amount, expected):
    assert format_nok(amount) == expected


@pytest.fixture
def cips(db, buyer_org):
    framework = FrameworkFactory(
        name="CIPS – skyinfrastruktur",
        reference="2023/1234",
        category=FrameworkCategory.CIPS,
        procedure=Procedure.COMPETITIVE_DIALOGUE,
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        max_value_amount=Decimal("350000000.00"),
    )
    FrameworkMechanism.objects.create(
        framework=framework,
        mechanism=Mechanism.DIRECT,
        objective_rule="Tildeling til høyest rangerte leverandør som kan levere behovet.",
        max_value_amount=Decimal("500000.00"),
    )
    FrameworkMechanism.objects.create(
        framework=framework,
        mechanism=Mechanism.MINI_COMPETITION,
        objective_rule="Behov over 500 000 kr eller behov som ikke dekkes av standardtjenestene.",
    )
    FrameworkCriterion.objects.create(
        framework=framework, name="Pris", kind=CriterionKind.PRICE, weight_percent=40
    )
    FrameworkCriterion.objects.create(
        framework=framework, name="Kvalitet", kind=CriterionKind.QUALITY, weight_percent=Decimal("60.00")
    )
    lot = LotFactory(framework=framework, number=1, title="Infrastruktur og plattform")
    first = SupplierFactory(name="Azur Sky ASA")
    second = SupplierFactory(name="Nordsky AS", is_bankrupt=True)
    ContractFactory(lot=lot, supplier=second, rank=2)
    contract = ContractFactory(lot=lot, supplier=first, rank=1)
    ServiceFactory(contract=contract)
    ServiceFactory(contract=contract, status=ServiceStatus.DRAFT)
    LotFactory(framework=framework, number=2, title="Rådgivning")
    framework.participants.add(buyer_org)
    return framework


def test_framework_list(cips):
    FrameworkFactory(name="Gammel avtale", starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2021, 1, 1))
    response = Client().get("/tjenester/rammeavtaler/")
    assert response.status_code == 200
    page = response.content.decode()
    row = page.split("CIPS – skyinfrastruktur</a>")[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0].strip() for cell in row.split("<td>")[1:]]
    assert cells == [
        "CIPS – infrastruktur og plattform",
        "01.01.2024–31.12.2027",
        f"350{NBSP}000{NBSP}000{NBSP}kr",
        "2",  # lots
        "2",  # suppliers
        "1",  # published services
    ]
    old = page.split("Gammel avtale</a>")[1].split("</tr>")[0]
    assert "Utløpt" in old


@time_machine.travel(TODAY, tick=False)
def test_framework_detail_public(cips):
    response = Client().get(f"/tjenester/rammeavtaler/{cips.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Konkurransepreget dialog" in page
    assert f"<dd>350{NBSP}000{NBSP}000{NBSP}kr</dd>" in page
    assert "<dt>Deltakende virksomheter</dt><dd>1</dd>" in page
    assert "Tildeling til høyest rangerte leverandør som kan levere behovet." in page
    assert f"<td>500{NBSP}000{NBSP}kr</td>" in page
    assert "<tr><td>Kvalitet</td><td>Kvalitet</td><td>60 %</td></tr>" in page
    assert "<tr><td>Pris</td><td>Pris</td><td>40 %</td></tr>" in page
    assert "<td>100 %</td>" in page
    lot1 = page.split("Delkontrakt 1: Infrastruktur og plattform")[1].split("Delkontrakt 2")[0]
    assert lot1.index("Azur Sky ASA") < lot1.index("Nordsky AS")
    assert "rangert som nr. 1" in lot1
    assert "Konkurs" in lot1
    assert "Ingen leverandører har kontrakt på denne delkontrakten." in page
    # anonymous: no call-off statement
    assert "kan gjøre avrop" not in page


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("who", "message"),
    [
        (
            "buyer",
            "Norges vassdrags- og energidirektorat er deltaker på rammeavtalen, og du kan gjøre avrop.",
        ),
        ("wrong_role", "er deltaker, men du har ikke rollen innkjøper og kan ikke gjøre avrop."),
        ("other_org", "Voss herad er ikke deltaker på denne rammeavtalen og kan ikke gjøre avrop på den."),
    ],
)
def test_framework_detail_says_whether_the_organisation_may_call_off(
    cips, buyer_org, other_buyer_org, make_member, login, who, message
):
    if who == "buyer":
        client = login(make_member(buyer_org, Role.BUYER), buyer_org)
    elif who == "wrong_role":
        client = login(make_member(buyer_org, Role.FINOPS_ANALYST), buyer_org)
    else:
        client = login(make_member(other_buyer_org, Role.BUYER), other_buyer_org)
    assert message in client.get(f"/tjenester/rammeavtaler/{cips.pk}/").content.decode()


@time_machine.travel(dt.datetime(2028, 3, 1, tzinfo=dt.UTC), tick=False)
def test_participant_cannot_call_off_an_expired_framework(cips, buyer_org, make_member, login):
    client = login(make_member(buyer_org, Role.BUYER), buyer_org)
    page = client.get(f"/tjenester/rammeavtaler/{cips.pk}/").content.decode()
    assert "er deltaker, men rammeavtalen er utløpt." in page


def test_framework_detail_404(db):
    assert Client().get("/tjenester/rammeavtaler/999999/").status_code == 404


def test_framework_detail_query_count(cips, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        Client().get(f"/tjenester/rammeavtaler/{cips.pk}/")


def test_home_shows_search_and_framework_cards(cips):
    page = Client().get("/").content.decode()
    assert 'action="/tjenester/"' in page
    assert 'name="q" type="search"' in page
    assert f'href="/tjenester/rammeavtaler/{cips.pk}/">CIPS – skyinfrastruktur</a>' in page
    assert "1 tjeneste · 2 leverandører" in page
    assert f'href="/tjenester/?framework={cips.pk}"' in page
