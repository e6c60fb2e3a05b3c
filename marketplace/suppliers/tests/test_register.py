"""Supplier register pages, API, reseller/MoU services and their permission matrix."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import SupplierFactory
from marketplace.catalogue.models import ServiceStatus
from marketplace.catalogue.tests.factories import (
    ContractFactory,
    FrameworkFactory,
    LotFactory,
    ServiceFactory,
)
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.suppliers.models import MoU, Reseller
from marketplace.suppliers.services import mou_create, reseller_create, reseller_end

TODAY = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def register(db, supplier_org):
    """Two frameworks; Nordsky AS holds CIPS lot 1 (rank 2 of 2) and SaaS lot 1; Fjordpartner AS resells."""
    cips = FrameworkFactory(name="CIPS", reference="2024/0001")
    saas = FrameworkFactory(name="SaaS", reference="2024/0002")
    cips_lot = LotFactory(framework=cips, number=1, title="Infrastruktur")
    saas_lot = LotFactory(framework=saas, number=1, title="Programvare")
    other_supplier = SupplierFactory(name="Azur Sky ASA", orgnr="912660680")
    partner = SupplierFactory(name="Fjordpartner AS", orgnr="988077917")
    ContractFactory(lot=cips_lot, supplier=other_supplier, rank=1, reference="K-CIPS-1")
    cips_contract = ContractFactory(lot=cips_lot, supplier=supplier_org, rank=2, reference="K-CIPS-2")
    saas_contract = ContractFactory(lot=saas_lot, supplier=supplier_org, rank=None, reference="K-SAAS-1")
    published = ServiceFactory(contract=cips_contract, name="Nordsky Objektlagring")
    ServiceFactory(contract=saas_contract, name="Nordsky Kontor")
    ServiceFactory(contract=cips_contract, name="Utkast-tjeneste", status=ServiceStatus.DRAFT)
    return {
        "cips": cips,
        "saas": saas,
        "cips_lot": cips_lot,
        "saas_lot": saas_lot,
        "other_supplier": other_supplier,
        "partner": partner,
        "published": published,
    }


@pytest.fixture
def staff(mps_org, make_member):
    return make_member(mps_org, Role.CATEGORY_MANAGER, username="kategori")


# --- list ------------------------------------------------------------------------------------------------


def test_list_shows_orgnr_counts_and_frameworks(register, supplier_org):
    response = Client().get("/leverandorer/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 leverandører" in page  # Fjordpartner AS has no contract and resells for nobody yet
    row = page.split(f'href="/leverandorer/{supplier_org.pk}/">Nordsky AS</a>')[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0].strip() for cell in row.split("<td>")[1:]]
    assert cells == [
        supplier_org.orgnr_display,
        "CIPS, SaaS",
        "2",
        "2",
    ]  # orgnr, frameworks, contracts, services


def test_list_filter_by_framework(register):
    page = Client().get(f"/leverandorer/?rammeavtale={register['saas'].pk}").content.decode()
    assert "1 leverandør på SaaS" in page
    assert "Nordsky AS" in page
    assert "Azur Sky ASA" not in page


def test_list_bad_filter_gives_norwegian_message(register):
    response = Client().get("/leverandorer/?rammeavtale=999999")
    assert response.status_code == 400
    assert "Velg en rammeavtale fra listen." in response.content.decode()


def test_list_query_count_does_not_grow_with_suppliers(register, django_assert_max_num_queries):
    for n in range(5):
        ContractFactory(lot=register["saas_lot"], supplier=SupplierFactory(), reference=f"K-EXTRA-{n}")
    with django_assert_max_num_queries(8):
        Client().get("/leverandorer/")


# --- detail -----------------------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_detail_shows_contracts_services_resellers_and_mous(register, supplier_org, staff, mps_org):
    partner = register["partner"]
    Reseller.objects.create(
        supplier=supplier_org,
        partner=partner,
        lot=register["cips_lot"],
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2026, 12, 31),
    )
    Reseller.objects.create(
        supplier=supplier_org,
        partner=register["other_supplier"],
        lot=register["cips_lot"],
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2025, 12, 31),
    )
    MoU.objects.create(
        supplier=supplier_org, title="Lisensvilkår for offentlig sektor", signed_on=dt.date(2025, 3, 1)
    )
    response = Client().get(f"/leverandorer/{supplier_org.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert supplier_org.orgnr_display in page
    assert "2. av 2" in page
    assert "Ikke rangert" in page
    assert "01.01.2025–31.12.2028" in page
    assert f'href="/tjenester/{register["published"].pk}/">Nordsky Objektlagring</a>' in page
    assert "Utkast-tjeneste" not in page
    fjord = page.split("Fjordpartner AS</a>")[1].split("</tr>")[0]
    assert "Gjeldende" in fjord
    assert "31.12.2026" in fjord
    azur = page.split("Azur Sky ASA</a>")[1].split("</tr>")[0]
    assert "Utløpt" in azur
    assert "Lisensvilkår for offentlig sektor" in page
    assert "signert 01.03.2025" in page
    # anonymous visitors see no management forms
    assert "Registrer forhandler" not in page
    assert "Registrer MoU" not in page


def test_detail_warns_when_bankrupt(register, supplier_org):
    supplier_org.is_bankrupt = True
    supplier_org.save()
    page = Client().get(f"/leverandorer/{supplier_org.pk}/").content.decode()
    assert "Enhetsregisteret melder at leverandøren er konkurs." in page


def test_detail_404_for_missing_or_buyer(register, buyer_org):
    assert Client().get("/leverandorer/999999/").status_code == 404
    assert Client().get(f"/leverandorer/{buyer_org.pk}/").status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_partner_page_lists_whom_it_resells_for(register, supplier_org):
    Reseller.objects.create(
        supplier=supplier_org,
        partner=register["partner"],
        lot=register["cips_lot"],
        valid_from=dt.date(2025, 1, 1),
    )
    page = Client().get(f"/leverandorer/{register['partner'].pk}/").content.decode()
    assert "Forhandler for" in page
    assert "Nordsky AS</a> – CIPS 1: Infrastruktur, 01.01.2025–" in page


# --- services -------------------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_reseller_create_is_audited(register, supplier_org, staff, mps_org):
    _as_staff(staff, mps_org)
    reseller = reseller_create(
        actor=staff,
        supplier=supplier_org,
        partner=register["partner"],
        lot=register["cips_lot"],
        valid_from=dt.date(2026, 7, 1),
        valid_to=dt.date(2027, 6, 30),
    )
    event = AuditEvent.objects.get(verb="reseller.create")
    assert event.actor_id == staff.pk
    assert event.target_id == str(reseller.pk)
    assert event.data == {
        "supplier": supplier_org.orgnr,
        "partner": "988077917",
        "lot_id": register["cips_lot"].pk,
        "valid_from": "2026-07-01",
        "valid_to": "2027-06-30",
    }


def _as_staff(user, org):
    user.active_organisation, user.active_roles = org, frozenset({Role.CATEGORY_MANAGER})
    return user


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"partner": "self"}, "En leverandør kan ikke være forhandler for seg selv."),
        ({"partner": "buyer"}, "Forhandleren må være registrert som leverandør."),
        ({"lot": "other"}, "Leverandøren har ingen kontrakt på denne delkontrakten."),
        ({"valid_to": dt.date(2025, 12, 31)}, "Sluttdatoen kan ikke være før startdatoen."),
        (
            {"valid_from": dt.date(2024, 6, 1)},
            "Startdatoen må ligge innenfor kontraktens gyldighet (01.01.2025–31.12.2028).",
        ),
        (
            {"valid_to": dt.date(2029, 1, 1)},
            "Sluttdatoen kan ikke være etter at kontrakten utløper (31.12.2028).",
        ),
    ],
)
def test_reseller_create_rules(register, supplier_org, staff, mps_org, buyer_org, change, message):
    actor = _as_staff(staff, mps_org)
    args = {
        "supplier": supplier_org,
        "partner": register["partner"],
        "lot": register["cips_lot"],
        "valid_from": dt.date(2026, 1, 1),
        "valid_to": None,
    }
    if change.get("partner") == "self":
        args["partner"] = supplier_org
    elif change.get("partner") == "buyer":
        args["partner"] = buyer_org
    elif change.get("lot") == "other":
        args["lot"] = LotFactory(framework=register["cips"], number=9, title="Annen")
    else:
        args.update(change)
    with pytest.raises(ValidationFailed) as excinfo:
        reseller_create(actor=actor, **args)
    assert message in excinfo.value.message
    assert not Reseller.objects.exists()
    assert not AuditEvent.objects.exists()


def test_reseller_create_overlap_is_a_conflict(register, supplier_org, staff, mps_org):
    actor = _as_staff(staff, mps_org)
    kwargs = {"supplier": supplier_org, "partner": register["partner"], "lot": register["cips_lot"]}
    reseller_create(actor=actor, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 12, 31), **kwargs)
    with pytest.raises(Conflict):
        reseller_create(actor=actor, valid_from=dt.date(2025, 6, 1), **kwargs)
    reseller_create(actor=actor, valid_from=dt.date(2026, 1, 1), **kwargs)  # after the first: fine
    assert Reseller.objects.count() == 2


def test_reseller_end_only_shortens(register, supplier_org, staff, mps_org):
    actor = _as_staff(staff, mps_org)
    reseller = reseller_create(
        actor=actor,
        supplier=supplier_org,
        partner=register["partner"],
        lot=register["cips_lot"],
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2026, 12, 31),
    )
    with pytest.raises(ValidationFailed, match="kan bare forkortes"):
        reseller_end(actor=actor, reseller=reseller, valid_to=dt.date(2027, 1, 1))
    with pytest.raises(ValidationFailed, match="før startdatoen"):
        reseller_end(actor=actor, reseller=reseller, valid_to=dt.date(2024, 1, 1))
    reseller_end(actor=actor, reseller=reseller, valid_to=dt.date(2026, 6, 30))
    reseller.refresh_from_db()
    assert reseller.valid_to == dt.date(2026, 6, 30)
    event = AuditEvent.objects.get(verb="reseller.end")
    assert event.data == {"partner": "988077917", "valid_to": "2026-06-30", "previous_valid_to": "2026-12-31"}


def test_services_refuse_non_staff(register, supplier_org, make_member):
    supplier_admin = make_member(supplier_org, Role.SUPPLIER_ADMIN)
    supplier_admin.active_organisation, supplier_admin.active_roles = (
        supplier_org,
        frozenset({Role.SUPPLIER_ADMIN}),
    )
    with pytest.raises(PermissionDenied):
        reseller_create(
            actor=supplier_admin,
            supplier=supplier_org,
            partner=register["partner"],
            lot=register["cips_lot"],
            valid_from=dt.date(2026, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        mou_create(actor=supplier_admin, supplier=supplier_org, title="x", signed_on=dt.date(2026, 1, 1))
    assert not Reseller.objects.exists()
    assert not MoU.objects.exists()


def test_mou_create_rules_and_audit(register, supplier_org, staff, mps_org, buyer_org):
    actor = _as_staff(staff, mps_org)
    with pytest.raises(ValidationFailed, match=r"Utløpsdatoen kan ikke være før signeringsdatoen\."):
        mou_create(
            actor=actor,
            supplier=supplier_org,
            title="x",
            signed_on=dt.date(2026, 1, 1),
            expires_on=dt.date(2025, 1, 1),
        )
    with pytest.raises(ValidationFailed, match="er ikke registrert som leverandør"):
        mou_create(actor=actor, supplier=buyer_org, title="x", signed_on=dt.date(2026, 1, 1))
    assert not MoU.objects.exists()
    mou = mou_create(actor=actor, supplier=supplier_org, title=" Lisens ", signed_on=dt.date(2026, 1, 1))
    assert mou.title == "Lisens"
    assert AuditEvent.objects.get(verb="mou.create").target_id == str(mou.pk)


# --- views: permission matrix ---------------------------------------------------------------------------------


def _reseller_post(register):
    return {
        "partner": register["partner"].pk,
        "lot": register["cips_lot"].pk,
        "valid_from": "2026-07-01",
        "valid_to": "2027-06-30",
    }


@time_machine.travel(TODAY, tick=False)
def test_reseller_create_view_permission_matrix(
    register, supplier_org, buyer_org, mps_org, make_member, login
):
    url = f"/leverandorer/{supplier_org.pk}/forhandlere/"
    data = _reseller_post(register)
    anonymous = Client().post(url, data)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/konto/logg-inn/")
    buyer = make_member(buyer_org, Role.ORG_ADMIN)
    assert login(buyer, buyer_org).post(url, data).status_code == 403  # other organisation
    own = make_member(supplier_org, Role.SUPPLIER_ADMIN)
    assert login(own, supplier_org).post(url, data).status_code == 403  # the supplier itself
    mps_wrong_role = make_member(mps_org)  # member of DFØ without a role
    assert login(mps_wrong_role, mps_org).post(url, data).status_code == 403
    assert not Reseller.objects.exists()
    assert not AuditEvent.objects.exists()

    staff = make_member(mps_org, Role.CATEGORY_MANAGER)
    client = login(staff, mps_org)
    page = client.get(f"/leverandorer/{supplier_org.pk}/").content.decode()
    assert "Registrer forhandler" in page
    response = client.post(url, data, follow=True)
    assert "Fjordpartner AS er registrert som forhandler." in response.content.decode()
    reseller = Reseller.objects.get()
    assert (reseller.valid_from, reseller.valid_to) == (dt.date(2026, 7, 1), dt.date(2027, 6, 30))


@time_machine.travel(TODAY, tick=False)
def test_reseller_create_view_shows_norwegian_errors(register, supplier_org, mps_org, make_member, login):
    staff = make_member(mps_org, Role.MPS_ADMIN)
    client = login(staff, mps_org)
    url = f"/leverandorer/{supplier_org.pk}/forhandlere/"
    response = client.post(
        url, {**_reseller_post(register), "valid_from": "2029-02-01", "valid_to": "2029-01-01"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Sluttdatoen kan ikke være før startdatoen." in page
    assert "Startdatoen må ligge innenfor kontraktens gyldighet (01.01.2025–31.12.2028)." in page
    response = client.post(
        url, {"partner": "", "lot": register["saas_lot"].pk + 1000, "valid_from": "i morgen"}
    )
    page = response.content.decode()
    assert "Velg forhandleren." in page
    assert "Velg en delkontrakt leverandøren har kontrakt på." in page
    assert "Skriv datoen som dd.mm.åååå." in page
    assert not Reseller.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_reseller_end_view_permission_matrix(register, supplier_org, buyer_org, mps_org, make_member, login):
    reseller = Reseller.objects.create(
        supplier=supplier_org,
        partner=register["partner"],
        lot=register["cips_lot"],
        valid_from=dt.date(2025, 1, 1),
    )
    url = f"/leverandorer/{supplier_org.pk}/forhandlere/{reseller.pk}/avslutt/"
    data = {"valid_to": "2026-06-30"}
    assert Client().post(url, data).status_code == 302
    assert login(make_member(buyer_org, Role.BUYER), buyer_org).post(url, data).status_code == 403
    assert (
        login(make_member(supplier_org, Role.SUPPLIER_ADMIN), supplier_org).post(url, data).status_code == 403
    )
    reseller.refresh_from_db()
    assert reseller.valid_to is None
    staff = login(make_member(mps_org, Role.CATEGORY_MANAGER), mps_org)
    # the reseller must belong to the supplier in the URL
    other_url = f"/leverandorer/{register['other_supplier'].pk}/forhandlere/{reseller.pk}/avslutt/"
    assert staff.post(other_url, data).status_code == 404
    bad = staff.post(url, {"valid_to": "2024-01-01"})
    assert bad.status_code == 400
    assert "Sluttdatoen kan ikke være før startdatoen." in bad.content.decode()
    response = staff.post(url, data, follow=True)
    assert "Forhandleravtalen med Fjordpartner AS gjelder til og med 30.06.2026." in response.content.decode()
    reseller.refresh_from_db()
    assert reseller.valid_to == dt.date(2026, 6, 30)


def test_mou_create_view_permission_matrix(register, supplier_org, buyer_org, mps_org, make_member, login):
    url = f"/leverandorer/{supplier_org.pk}/mou/"
    data = {"title": "Lisensvilkår", "summary": "Felles vilkår", "signed_on": "2026-01-15", "expires_on": ""}
    assert Client().post(url, data).status_code == 302
    assert login(make_member(buyer_org, Role.BUYER), buyer_org).post(url, data).status_code == 403
    assert (
        login(make_member(supplier_org, Role.SUPPLIER_ADMIN), supplier_org).post(url, data).status_code == 403
    )
    assert login(make_member(mps_org), mps_org).post(url, data).status_code == 403
    assert not MoU.objects.exists()
    staff = login(make_member(mps_org, Role.MPS_ADMIN), mps_org)
    bad = staff.post(url, {"title": "", "signed_on": ""})
    assert bad.status_code == 400
    assert "Oppgi en tittel." in bad.content.decode()
    assert "Oppgi når MoU-en ble signert." in bad.content.decode()
    assert not MoU.objects.exists()
    response = staff.post(url, data, follow=True)
    assert "MoU-en «Lisensvilkår» er registrert." in response.content.decode()
    mou = MoU.objects.get()
    assert (mou.signed_on, mou.expires_on, mou.summary) == (dt.date(2026, 1, 15), None, "Felles vilkår")


# --- API ---------------------------------------------------------------------------------------------------


def test_api_supplier_list_with_contracts_and_filter(register, supplier_org):
    Reseller.objects.create(
        supplier=supplier_org,
        partner=register["partner"],
        lot=register["cips_lot"],
        valid_from=dt.date(2025, 1, 1),
    )
    data = Client().get("/api/v1/suppliers").json()
    assert [s["name"] for s in data] == ["Azur Sky ASA", "Fjordpartner AS", "Nordsky AS"]
    assert data[1]["contracts"] == []
    nordsky = data[2]
    assert nordsky["orgnr"] == supplier_org.orgnr
    assert nordsky["published_service_count"] == 2
    assert [(c["framework"], c["lot_number"], c["rank"], c["reference"]) for c in nordsky["contracts"]] == [
        ("CIPS", 1, 2, "K-CIPS-2"),
        ("SaaS", 1, None, "K-SAAS-1"),
    ]
    filtered = Client().get(f"/api/v1/suppliers?framework={register['saas'].pk}").json()
    assert [s["name"] for s in filtered] == ["Nordsky AS"]
    bad = Client().get("/api/v1/suppliers?framework=abc")
    assert bad.status_code == 422
    assert bad.json()["detail"] == "Ugyldig forespørsel."


@time_machine.travel(TODAY, tick=False)
def test_api_supplier_detail_with_resellers(register, supplier_org):
    Reseller.objects.create(
        supplier=supplier_org,
        partner=register["partner"],
        lot=register["cips_lot"],
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2025, 12, 31),
    )
    data = Client().get(f"/api/v1/suppliers/{supplier_org.pk}").json()
    assert data["resellers"] == [
        {
            "id": Reseller.objects.get().pk,
            "partner": {"id": register["partner"].pk, "orgnr": "988077917", "name": "Fjordpartner AS"},
            "supplier": {"id": supplier_org.pk, "orgnr": supplier_org.orgnr, "name": "Nordsky AS"},
            "lot_id": register["cips_lot"].pk,
            "framework": "CIPS",
            "lot_number": 1,
            "valid_from": "2025-01-01",
            "valid_to": "2025-12-31",
            "is_current": False,
        }
    ]
    partner = Client().get(f"/api/v1/suppliers/{register['partner'].pk}").json()
    assert partner["resells_for"][0]["supplier"]["name"] == "Nordsky AS"
    unlisted = SupplierFactory(name="Ny leverandør AS")  # no contract yet: not in the list, but has a record
    assert unlisted.pk not in [s["id"] for s in Client().get("/api/v1/suppliers").json()]
    assert Client().get(f"/api/v1/suppliers/{unlisted.pk}").json()["contracts"] == []
    missing = Client().get("/api/v1/suppliers/999999")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Fant ikke objektet.", "errors": []}


@time_machine.travel(TODAY, tick=False)
def test_detail_query_count(register, supplier_org, django_assert_max_num_queries):
    for n in range(4):
        Reseller.objects.create(
            supplier=supplier_org,
            partner=SupplierFactory(),
            lot=register["cips_lot"],
            valid_from=dt.date(2025, 1, 1 + n),
        )
    with django_assert_max_num_queries(12):
        assert Client().get(f"/leverandorer/{supplier_org.pk}/").status_code == 200
