"""Pages of the terms area: the permission matrix on every page (anonymous, other organisation, same organisation
wrong role, buyer (read only), privacy officer, MPS staff, supplier), the happy paths of the forms, bad input with
clear errors, and denied writes that change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import member
from marketplace.privacy import terms_rules
from marketplace.privacy.models import ExitCostEstimate, ExitPlan, ServiceInUse, TermCheck
from marketplace.privacy.services.terms import term_check_save
from marketplace.privacy.tests.terms_helpers import acting, answers, catalogue_service, in_use, mps_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def service():
    return catalogue_service("Nordsky AS", name="Objektlagring Nord")


@pytest.fixture
def siu(buyer_org, service):
    return in_use(buyer_org, service)


@pytest.fixture
def people(buyer_org, other_buyer_org, supplier_org, mps_org):
    return {
        "other_org": (member(other_buyer_org, Role.PRIVACY_OFFICER), other_buyer_org),
        "wrong_role": (member(buyer_org, Role.SECURITY_OFFICER, Role.FINOPS_ANALYST), buyer_org),
        "buyer": (member(buyer_org, Role.BUYER), buyer_org),
        "privacy": (member(buyer_org, Role.PRIVACY_OFFICER), buyer_org),
        "org_admin": (member(buyer_org, Role.ORG_ADMIN), buyer_org),
        "mps": (member(mps_org, Role.CATEGORY_MANAGER), mps_org),
        "supplier": (member(supplier_org, Role.SUPPLIER_ADMIN), supplier_org),
    }


def get(client_for, people, who, url):
    if who == "anonymous":
        from django.test import Client

        return Client().get(url)
    user, org = people[who]
    return client_for(user, org).get(url)


ORG_PAGES = {
    "anonymous": 302,
    "other_org": 404,
    "wrong_role": 403,
    "buyer": 200,
    "privacy": 200,
    "org_admin": 200,
    "mps": 403,
    "supplier": 403,
}
MANAGE_PAGES = {**ORG_PAGES, "buyer": 403}
MPS_PAGES = {
    "anonymous": 302,
    "other_org": 403,
    "wrong_role": 403,
    "buyer": 403,
    "privacy": 403,
    "org_admin": 403,
    "mps": 200,
    "supplier": 403,
}


@pytest.mark.parametrize(("who", "status"), ORG_PAGES.items())
def test_usage_detail_and_estimate_matrix(login, people, siu, who, status):
    for name in ("privacy:usage_detail", "privacy:exit_estimate"):
        response = get(login, people, who, reverse(name, args=[siu.pk]))
        assert response.status_code == status, name
        if status == 200:
            assert "Objektlagring Nord" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), MANAGE_PAGES.items())
def test_exit_plan_and_terms_forms_matrix(login, people, siu, who, status):
    for name in ("privacy:exit_plan", "privacy:usage_terms"):
        response = get(login, people, who, reverse(name, args=[siu.pk]))
        assert response.status_code == status, name


@pytest.mark.parametrize(("who", "status"), {**ORG_PAGES, "other_org": 200}.items())
def test_lists_show_only_the_organisations_own_services(login, people, siu, who, status):
    for name in ("privacy:usage_list", "privacy:exit_overview"):
        response = get(login, people, who, reverse(name))
        assert response.status_code == status, name
        if status == 200:
            assert ("Objektlagring Nord" in response.content.decode()) is (who != "other_org")


@pytest.mark.parametrize(("who", "status"), {**MANAGE_PAGES, "other_org": 200}.items())
def test_usage_add_page_matrix(login, people, who, status):
    assert get(login, people, who, reverse("privacy:usage_add")).status_code == status


@pytest.mark.parametrize(("who", "status"), MPS_PAGES.items())
def test_mps_pages_matrix(login, people, service, who, status):
    framework = service.contract.framework
    for url in (
        reverse("privacy:terms_balance", args=[framework.pk]),
        reverse("privacy:terms_contract", args=[service.contract.pk]),
    ):
        assert get(login, people, who, url).status_code == status, url


@pytest.mark.parametrize("who", ["anonymous", "buyer", "mps", "supplier"])
def test_baseline_and_ssa_guidance_are_public(login, people, who):
    page = get(login, people, who, reverse("privacy:terms_index")).content.decode()
    assert "Utgangsgebyr og dataportabilitet" in page
    assert "Balanse per rammeavtale" in page if who == "mps" else "Balanse per rammeavtale" not in page
    response = get(login, people, who, reverse("privacy:terms_ssa") + "?needs_partner_services=on&sendt=1")
    assert "Anbefalt: SSA-sky (skypartneravtalen)" in response.content.decode()


def test_buyer_sees_exit_but_not_terms_and_cannot_write(login, people, siu):
    term_check_save(
        actor=acting(siu.organisation, Role.PRIVACY_OFFICER), service_in_use=siu, answers=answers()
    )
    user, org = people["buyer"]
    client = login(user, org)
    page = client.get(reverse("privacy:usage_detail", args=[siu.pk])).content.decode()
    assert "Vilkår mot MPS-grunnlaget" not in page
    assert "Exit-plan" in page
    response = client.post(
        reverse("privacy:exit_estimate", args=[siu.pk]),
        {"volume_source": "entered", "volume_gb": "10", "migration_hours": "1", "hourly_rate": "1"},
    )
    assert response.status_code == 404
    assert ExitCostEstimate.objects.count() == 0


def test_register_and_end_through_the_pages(login, people, service):
    user, org = people["privacy"]
    client = login(user, org)
    response = client.post(reverse("privacy:usage_add"), {"service": service.pk, "started_on": "2025-03-01"})
    siu = ServiceInUse.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:usage_detail", args=[siu.pk])
    response = client.post(reverse("privacy:usage_add"), {"name": "", "supplier_name": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Oppgi tjenestens navn, eller velg en tjeneste fra katalogen." in page
    assert "Oppgi leverandøren av tjenesten." in page
    response = client.post(reverse("privacy:usage_end", args=[siu.pk]), {"ended_on": "2025-01-01"})
    assert response.status_code == 400
    assert (
        "Sluttdatoen kan ikke være før tjenesten ble tatt i bruk (01.03.2025)." in response.content.decode()
    )
    response = client.post(reverse("privacy:usage_end", args=[siu.pk]), {"ended_on": "2026-06-30"})
    assert response.status_code == 302
    siu.refresh_from_db()
    assert str(siu.ended_on) == "2026-06-30"
    assert ServiceInUse.objects.count() == 1


def term_post(**changes):
    data = {f"status_{key}": "meets" for key in terms_rules.topic_keys()}
    data.update(changes)
    return data


def test_category_manager_checks_a_contract_and_the_balance_counts_it(login, people, service):
    user, org = people["mps"]
    client = login(user, org)
    url = reverse("privacy:terms_contract", args=[service.contract.pk])
    response = client.post(url, term_post(status_sla="deviates", text_sla=""))
    assert response.status_code == 400
    assert (
        "Tjenestenivå (SLA) og eksklusiv sanksjon: beskriv avviket fra MPS-grunnlaget."
        in response.content.decode()
    )
    assert TermCheck.objects.count() == 0
    response = client.post(url, term_post(status_sla="deviates", text_sla="Kreditt som eneste sanksjon"))
    assert response.status_code == 302
    page = client.get(reverse("privacy:terms_balance", args=[service.contract.framework.pk])).content.decode()
    assert "Totalt: 11 oppfyller, 1 avviker, 0 mangler." in page
    assert "Nordsky AS" in page


def test_privacy_officer_cannot_post_a_contract_check(login, people, service):
    user, org = people["privacy"]
    response = login(user, org).post(
        reverse("privacy:terms_contract", args=[service.contract.pk]), term_post()
    )
    assert response.status_code == 403
    assert TermCheck.objects.count() == 0


def test_privacy_officer_checks_a_service_in_use(login, people, siu):
    user, org = people["privacy"]
    client = login(user, org)
    url = reverse("privacy:usage_terms", args=[siu.pk])
    data = term_post(status_audit_rights="missing")
    del data["status_apis"]
    response = client.post(url, data)
    assert response.status_code == 400
    assert "API-er og integrasjon: velg oppfyller, avviker eller mangler." in response.content.decode()
    assert TermCheck.objects.count() == 0
    assert client.post(url, term_post(status_audit_rights="missing")).status_code == 302
    page = client.get(reverse("privacy:usage_detail", args=[siu.pk])).content.decode()
    assert "11 oppfyller, 0 avviker, 1 mangler." in page


def test_exit_plan_and_estimate_through_the_pages(login, people, siu):
    user, org = people["org_admin"]
    client = login(user, org)
    url = reverse("privacy:exit_plan", args=[siu.pk])
    response = client.post(
        url, {"data_to_export": "", "formats": "CSV", "time_needed_days": "0", "owner_name": "X"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Beskriv hvilke data som skal ut." in page
    assert "Oppgi tiden som trengs i dager, fra 1 til 3650." in page
    assert "Oppgi minst ett steg, ett per linje." in page
    assert ExitPlan.objects.count() == 0
    response = client.post(
        url,
        {
            "data_to_export": "Bøtter",
            "formats": "Parquet",
            "time_needed_days": "45",
            "owner_name": "IT-drift",
            "steps": "Kartlegg\r\nOverfør\r\n\r\nSlett",
        },
    )
    assert response.status_code == 302
    assert list(ExitPlan.objects.get().steps.values_list("description", flat=True)) == [
        "Kartlegg",
        "Overfør",
        "Slett",
    ]

    url = reverse("privacy:exit_estimate", args=[siu.pk])
    response = client.post(
        url, {"volume_source": "entered", "volume_gb": "abc", "migration_hours": "-1", "hourly_rate": "1"}
    )
    assert response.status_code == 400
    assert "Datamengde (GB) må være et tall." in response.content.decode()
    assert "Migreringsinnsats (timer) kan ikke være negativ." in response.content.decode()
    response = client.post(
        url,
        {
            "volume_source": "entered",
            "volume_gb": "1 000",
            "migration_hours": "10",
            "hourly_rate": "1200",
            "has_licence_restrictions": "on",
        },
    )
    assert response.status_code == 302
    estimate = ExitCostEstimate.objects.get()
    assert estimate.total_amount == Decimal("12450.00")
    page = client.get(url).content.decode()
    assert "Utgangsgebyr (egress)" in page
    assert "Lisensbegrensninger" in page
    assert "https://www.gov.uk/cma-cases/cloud-services-market-investigation" in page


def test_service_page_panel_links_privacy_roles_to_the_estimate(login, people, service, siu):
    url = reverse("catalogue:service_detail", args=[service.pk])
    user, org = people["privacy"]
    page = login(user, org).get(url).content.decode()
    assert "Exit og innlåsing" in page
    assert "0,4500 kr per GB" in page
    assert reverse("privacy:exit_estimate", args=[siu.pk]) in page
    user, org = people["supplier"]
    page = login(user, org).get(url).content.decode()
    assert "Exit og innlåsing" in page
    assert "Beregn exit-kostnad" not in page


def test_panel_for_a_service_not_in_use_links_to_registration(login, people):
    other = catalogue_service("Fjellskyen AS")
    user, org = people["other_org"]
    page = login(user, org).get(reverse("catalogue:service_detail", args=[other.pk])).content.decode()
    assert f"{reverse('privacy:usage_add')}?tjeneste={other.pk}" in page


def test_mps_staff_never_reach_an_organisations_exit_data(siu):
    staff = mps_staff(Role.MPS_ADMIN)
    from marketplace.privacy.permissions import can_view_services_in_use, can_view_terms_balance

    assert can_view_terms_balance(staff)
    assert not can_view_services_in_use(staff, siu.organisation)
