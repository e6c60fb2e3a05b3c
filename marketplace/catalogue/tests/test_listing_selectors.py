from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from marketplace.accounts.models import Role
from marketplace.catalogue import selectors
from marketplace.catalogue.models import Certification, ServiceStatus
from marketplace.catalogue.services.listings import (
    service_approve,
    service_create,
    service_submit,
    service_update,
)
from marketplace.catalogue.tests.factories import ContractFactory, ServiceFactory
from marketplace.catalogue.tests.helpers import CERTS, LOCATIONS, SUBS, acting, listing_data

TODAY = dt.date(2026, 3, 2)


def test_certificates_expiring_within_60_days(db):
    soon = ServiceFactory(name="Snart")
    Certification.objects.create(service=soon, scheme="iso27001", valid_until=TODAY + dt.timedelta(days=60))
    later = ServiceFactory(name="Senere")
    Certification.objects.create(service=later, scheme="iso27001", valid_until=TODAY + dt.timedelta(days=61))
    expired = ServiceFactory(name="Utløpt")
    Certification.objects.create(service=expired, scheme="iso27001", valid_until=TODAY - dt.timedelta(days=1))
    Certification.objects.create(service=expired, scheme="soc2", valid_until=TODAY + dt.timedelta(days=10))
    gone = ServiceFactory(name="Borte", status=ServiceStatus.WITHDRAWN)
    Certification.objects.create(service=gone, scheme="iso27001", valid_until=TODAY)
    assert [s.name for s in selectors.service_list_certificates_expiring(TODAY)] == ["Utløpt", "Snart"]
    only_expired = ServiceFactory(name="Bare utløpt")
    Certification.objects.create(
        service=only_expired, scheme="iso27001", valid_until=TODAY - dt.timedelta(days=3)
    )
    assert [s.name for s in selectors.service_list_certificates_expiring(TODAY)] == ["Utløpt", "Snart"]
    expiring = selectors.service_list_certificates_expiring(TODAY, include_expired=True)
    assert [(s.name, s.first_expiry_on) for s in expiring] == [
        ("Bare utløpt", TODAY - dt.timedelta(days=3)),
        ("Utløpt", TODAY - dt.timedelta(days=1)),
        ("Snart", TODAY + dt.timedelta(days=60)),
    ]


def test_awaiting_approval_lists_submitted_and_pending(supplier_org, mps_org):
    contract = ContractFactory(
        supplier=supplier_org, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2099, 1, 1)
    )
    editor = acting(supplier_org, Role.LISTING_EDITOR, username="red")
    manager = acting(mps_org, Role.CATEGORY_MANAGER, username="kat")

    def create(name):
        return service_create(
            actor=editor, contract=contract, data=listing_data(name=name), data_locations=LOCATIONS
        )

    create("Utkast")
    submitted = create("Innsendt")
    service_submit(actor=editor, service=submitted)
    published = create("Publisert")
    service_submit(actor=editor, service=published)
    service_approve(actor=manager, service=published)
    changed = create("Endret")
    service_submit(actor=editor, service=changed)
    service_approve(actor=manager, service=changed)
    service_update(actor=editor, service=changed, data={"summary": "Ny"})
    assert sorted(s.name for s in selectors.service_list_awaiting_approval()) == ["Endret", "Innsendt"]


def _form_values(page: str) -> dict[str, str]:
    """What a browser would post back from the rendered form (inputs, selected options, textareas)."""
    form = re.search(r'<form method="post" novalidate class="listing-form">(.*?)</form>', page, re.S).group(1)
    values: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind.group(1) == "checkbox":
            if "checked" in tag:
                values[name.group(1)] = "on"
            continue
        values[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        values[name] = selected.group(1) if selected else ""
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        values[name] = html.unescape(body.strip("\n"))
    return values


def test_edit_form_round_trip_keeps_everything(login, supplier_org):
    contract = ContractFactory(
        supplier=supplier_org, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2099, 1, 1)
    )
    editor = acting(supplier_org, Role.LISTING_EDITOR, username="red")
    service = service_create(
        actor=editor,
        contract=contract,
        data=listing_data(),
        data_locations=LOCATIONS,
        certifications=CERTS,
        sub_processors=SUBS,
    )
    from marketplace.catalogue.facts import service_facts

    before = service_facts(service)
    client = login(editor, supplier_org)
    page = client.get(f"/tjenester/{service.pk}/rediger/").content.decode()
    values = _form_values(page)
    assert values["lokasjon-INITIAL_FORMS"] == "1"
    response = client.post(f"/tjenester/{service.pk}/rediger/", values)
    assert response.status_code == 302, response.content.decode()[:2000]
    service.refresh_from_db()
    assert service_facts(service) == before
    # Ticking «Fjern» removes the row.
    values["underleverandor-0-DELETE"] = "on"
    client.post(f"/tjenester/{service.pk}/rediger/", values)
    assert service.sub_processors.count() == 0


@pytest.mark.parametrize("status", ["submitted", "withdrawn"])
def test_edit_page_redirects_when_not_editable(login, supplier_org, status):
    service = ServiceFactory(contract=ContractFactory(supplier=supplier_org), status=status)
    editor = acting(supplier_org, Role.LISTING_EDITOR, username="red")
    response = login(editor, supplier_org).get(f"/tjenester/{service.pk}/rediger/")
    assert (response.status_code, response["Location"]) == (302, "/tjenester/mine/")


def test_shortlist_add_partial_renders_for_buyers_only(rf, buyer_org, supplier_org):
    from django.template.loader import render_to_string

    service = ServiceFactory(name="Objektlagring")
    buyer = acting(buyer_org, Role.BUYER, username="kjoper")
    request = rf.get("/tjenester/7/?q=lagring")
    request.user = buyer
    context = {"service": service, "user": buyer, "active_organisation": buyer_org, "request": request}
    html_text = render_to_string("catalogue/_shortlist_add_form.html", context, request=request)
    assert 'action="/tjenester/kortlister/legg-til/"' in html_text
    assert f'name="service" value="{service.pk}"' in html_text
    assert 'name="next" value="/tjenester/7/?q=lagring"' in html_text
    context["active_organisation"] = supplier_org
    assert render_to_string("catalogue/_shortlist_add_form.html", context, request=request).strip() == ""


def test_dashboard_and_queue_query_counts(login, supplier_org, mps_org, django_assert_max_num_queries):
    contract = ContractFactory(
        supplier=supplier_org, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2099, 1, 1)
    )
    editor = acting(supplier_org, Role.LISTING_EDITOR, username="red")
    for n in range(8):
        service = service_create(
            actor=editor,
            contract=contract,
            data=listing_data(name=f"Tjeneste {n}"),
            data_locations=LOCATIONS,
            certifications=CERTS,
        )
        service_submit(actor=editor, service=service)
    client = login(editor, supplier_org)
    with django_assert_max_num_queries(14):
        assert client.get("/tjenester/mine/").status_code == 200
    manager = acting(mps_org, Role.CATEGORY_MANAGER, username="kat")
    manager_client = login(manager, mps_org)
    with django_assert_max_num_queries(14):
        assert manager_client.get("/tjenester/godkjenning/").status_code == 200
