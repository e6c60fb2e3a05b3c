from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.accounts.models import Role
from marketplace.catalogue.models import Service, ServiceStatus, ServiceVersion
from marketplace.catalogue.services.listings import (
    service_approve,
    service_create,
    service_return,
    service_submit,
    service_update,
    service_withdraw,
)
from marketplace.catalogue.tests.factories import ContractFactory, PriceListFactory
from marketplace.catalogue.tests.helpers import CERTS, LOCATIONS, SUBS, acting, listing_data
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def contract(supplier_org):
    return ContractFactory(supplier=supplier_org)


@pytest.fixture
def editor(supplier_org):
    return acting(supplier_org, Role.LISTING_EDITOR, username="redaktor")


@pytest.fixture
def manager(mps_org):
    return acting(mps_org, Role.CATEGORY_MANAGER, username="kategori")


def _create(editor, contract, **overrides):
    return service_create(
        actor=editor,
        contract=contract,
        data=listing_data(**overrides),
        data_locations=LOCATIONS,
        certifications=CERTS,
        sub_processors=SUBS,
        now=NOW,
    )


def _verbs():
    return list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))


def test_create_stores_draft_with_relations_and_audit(editor, contract):
    service = _create(editor, contract, description='<p onclick="x()">Hei<script>alert(1)</script></p>')
    service.refresh_from_db()
    assert service.status == ServiceStatus.DRAFT
    assert service.description == "<p>Hei</p>"
    assert service.data_residency == "norway"
    assert list(service.data_locations.values_list("country", "region")) == [("NO", "Oslo")]
    assert list(service.certifications.values_list("scheme", flat=True)) == ["iso27001"]
    assert list(service.sub_processors.values_list("name", flat=True)) == ["Fjordmail AS"]
    event = AuditEvent.objects.get()
    assert (event.verb, event.target_id, event.data) == (
        "service.create",
        str(service.pk),
        {"name": "Objektlagring", "contract": contract.reference},
    )


def test_create_residency_third_country_when_any_location_outside_eea(editor, contract):
    service = service_create(
        actor=editor,
        contract=contract,
        data=listing_data(),
        data_locations=[{"country": "se", "region": ""}, {"country": "US", "region": "Virginia"}],
        now=NOW,
    )
    assert service.data_residency == "third_country"


@pytest.mark.parametrize("role", [Role.BIDDER, Role.BUYER])
def test_create_refused_without_editor_role(supplier_org, contract, role):
    user = acting(supplier_org, role)
    with pytest.raises(PermissionDenied):
        _create(user, contract)
    assert Service.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_create_refused_for_other_supplier(contract):
    from marketplace.accounts.tests.factories import SupplierFactory

    user = acting(SupplierFactory(), Role.SUPPLIER_ADMIN)
    with pytest.raises(PermissionDenied):
        _create(user, contract)
    assert Service.objects.count() == 0


def test_create_refused_when_contract_expired(editor, supplier_org):
    contract = ContractFactory(
        supplier=supplier_org, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2025, 12, 31)
    )
    with pytest.raises(ValidationFailed, match="ikke gyldig"):
        _create(editor, contract)
    assert Service.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_create_validation_errors_name_fields_and_store_nothing(editor, contract):
    with pytest.raises(ValidationFailed) as info:
        service_create(
            actor=editor,
            contract=contract,
            data=listing_data(name=" ", sla_availability_percent=Decimal("101"), service_model="mainframe"),
            data_locations=[{"country": "Norge"}],
            now=NOW,
        )
    fields = [e["field"] for e in info.value.errors]
    assert fields == ["name", "service_model", "sla_availability_percent"]
    assert Service.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_create_relation_errors(editor, contract):
    with pytest.raises(ValidationFailed) as info:
        service_create(
            actor=editor,
            contract=contract,
            data=listing_data(),
            data_locations=[{"country": "Norge"}],
            certifications=[CERTS[0], CERTS[0], {"scheme": "nope", "valid_until": dt.date(2027, 1, 1)}],
            sub_processors=[{"name": "X", "country": "", "purpose": ""}],
            now=NOW,
        )
    assert [e["message"] for e in info.value.errors] == [
        "Datalokasjon 1: oppgi landkode med to bokstaver (ISO 3166-1), for eksempel NO.",
        "Sertifisering 2: ordningen er oppgitt mer enn én gang.",
        "Sertifisering 3: velg en ordning.",
        "Underdatabehandler 1: oppgi navn, landkode (to bokstaver) og formål.",
    ]
    assert Service.objects.count() == 0


def test_create_refuses_price_list_of_other_contract(editor, contract):
    other = PriceListFactory()
    with pytest.raises(ValidationFailed) as info:
        _create(editor, contract, price_list=other)
    assert info.value.errors == [
        {"field": "price_list", "message": "Prislisten hører ikke til kontrakten tjenesten er listet under."}
    ]


def test_full_workflow_versions_and_audit(editor, manager, contract):
    service = _create(editor, contract)
    service_update(actor=editor, service=service, data={"summary": "Ny tekst"}, now=NOW)
    service.refresh_from_db()
    assert service.summary == "Ny tekst"
    service = service_submit(actor=editor, service=service, now=NOW)
    assert service.status == ServiceStatus.SUBMITTED
    assert service.submitted_by == editor
    version = service_approve(actor=manager, service=service, now=NOW)
    service.refresh_from_db()
    assert service.status == ServiceStatus.PUBLISHED
    assert service.published_at == NOW
    assert version.number == 1
    assert (version.submitted_by, version.approved_by, version.published_at) == (editor, manager, NOW)
    assert {c["field"] for c in version.changes} >= {"name", "summary", "data_locations"}
    assert version.snapshot["summary"] == "Ny tekst"
    assert version.snapshot["sla_availability_percent"] == "99.900"
    assert _verbs() == ["service.create", "service.update", "service.submit", "service.approve"]

    # Published: an edit waits; the public row is unchanged.
    service_update(
        actor=editor,
        service=service,
        data={"sla_availability_percent": Decimal("99.95"), "summary": "Ny tekst"},
        data_locations=[{"country": "NO", "region": "Oslo"}, {"country": "SE", "region": "Stockholm"}],
        now=NOW,
    )
    service.refresh_from_db()
    assert service.sla_availability_percent == Decimal("99.900")
    assert service.data_residency == "norway"
    assert service.pending_changes == {
        "sla_availability_percent": "99.950",
        "data_locations": [{"country": "NO", "region": "Oslo"}, {"country": "SE", "region": "Stockholm"}],
    }
    version2 = service_approve(actor=manager, service=service, now=NOW + dt.timedelta(days=1))
    service.refresh_from_db()
    assert service.sla_availability_percent == Decimal("99.950")
    assert service.data_residency == "eea"
    assert service.pending_changes == {}
    assert service.published_at == NOW
    assert version2.number == 2
    assert version2.changes == [
        {
            "field": "data_locations",
            "old": [{"country": "NO", "region": "Oslo"}],
            "new": [{"country": "NO", "region": "Oslo"}, {"country": "SE", "region": "Stockholm"}],
        },
        {"field": "sla_availability_percent", "old": "99.900", "new": "99.950"},
    ]
    assert AuditEvent.objects.last().data == {
        "version": 2,
        "fields": ["data_locations", "sla_availability_percent"],
    }


def test_published_edit_without_change_leaves_nothing_pending(editor, manager, contract):
    service = _create(editor, contract)
    service_submit(actor=editor, service=service, now=NOW)
    service_approve(actor=manager, service=service, now=NOW)
    service_update(
        actor=editor, service=service, data={"sla_availability_percent": Decimal("99.900")}, now=NOW
    )
    service.refresh_from_db()
    assert service.pending_changes == {}
    with pytest.raises(Conflict):
        service_approve(actor=manager, service=service, now=NOW)
    assert ServiceVersion.objects.count() == 1


def test_return_submitted_to_draft_with_reason(editor, manager, contract):
    service = _create(editor, contract)
    service_submit(actor=editor, service=service, now=NOW)
    with pytest.raises(ValidationFailed):
        service_return(actor=manager, service=service, reason="  ", now=NOW)
    service.refresh_from_db()
    assert service.status == ServiceStatus.SUBMITTED
    service_return(actor=manager, service=service, reason="Mangler region.", now=NOW)
    service.refresh_from_db()
    assert (service.status, service.returned_reason) == (ServiceStatus.DRAFT, "Mangler region.")
    assert AuditEvent.objects.last().data == {"reason": "Mangler region.", "discarded_fields": []}
    # Submitting again clears the reason.
    service_submit(actor=editor, service=service, now=NOW)
    service.refresh_from_db()
    assert service.returned_reason == ""


def test_return_published_discards_pending(editor, manager, contract):
    service = _create(editor, contract)
    service_submit(actor=editor, service=service, now=NOW)
    service_approve(actor=manager, service=service, now=NOW)
    service_update(actor=editor, service=service, data={"name": "Nytt navn"}, now=NOW)
    service_return(actor=manager, service=service, reason="Navnet er villedende.", now=NOW)
    service.refresh_from_db()
    assert (service.status, service.name, service.pending_changes) == (
        ServiceStatus.PUBLISHED,
        "Objektlagring",
        {},
    )
    assert service.returned_reason == "Navnet er villedende."


def test_only_category_manager_approves_and_returns(editor, contract, buyer_org):
    service = _create(editor, contract)
    service_submit(actor=editor, service=service, now=NOW)
    count = AuditEvent.objects.count()
    for user in (editor, acting(buyer_org, Role.BUYER)):
        with pytest.raises(PermissionDenied):
            service_approve(actor=user, service=service, now=NOW)
        with pytest.raises(PermissionDenied):
            service_return(actor=user, service=service, reason="x", now=NOW)
    service.refresh_from_db()
    assert service.status == ServiceStatus.SUBMITTED
    assert AuditEvent.objects.count() == count
    assert ServiceVersion.objects.count() == 0


def test_submit_checks_missing_facts(editor, contract):
    service = service_create(
        actor=editor, contract=contract, data=listing_data(service_model="saas"), now=NOW
    )
    with pytest.raises(ValidationFailed) as info:
        service_submit(actor=editor, service=service, now=NOW)
    assert info.value.errors == [
        {"field": "data_locations", "message": "Oppgi minst én datalokasjon."},
        {
            "field": "wcag_statement_url",
            "message": "SaaS-tjenester må lenke til en tilgjengelighetserklæring.",
        },
    ]
    service.refresh_from_db()
    assert service.status == ServiceStatus.DRAFT


def test_submit_twice_conflicts(editor, contract):
    service = _create(editor, contract)
    service_submit(actor=editor, service=service, now=NOW)
    with pytest.raises(Conflict, match="Bare utkast"):
        service_submit(actor=editor, service=service, now=NOW)
    with pytest.raises(Conflict):
        service_update(actor=editor, service=service, data={"name": "x"}, now=NOW)


def test_withdraw_by_supplier_and_manager_schedules_hook(
    editor, manager, contract, django_capture_on_commit_callbacks
):
    service = _create(editor, contract)
    service_submit(actor=editor, service=service, now=NOW)
    with django_capture_on_commit_callbacks() as callbacks:
        service_approve(actor=manager, service=service, now=NOW)
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        service_withdraw(actor=editor, service=service, reason="Utgår", now=NOW)
    assert len(callbacks) == 1
    service.refresh_from_db()
    assert (service.status, service.withdrawn_at) == (ServiceStatus.WITHDRAWN, NOW)
    with pytest.raises(Conflict):
        service_withdraw(actor=manager, service=service, now=NOW)
    other = _create(editor, contract, name="Annen")
    with django_capture_on_commit_callbacks() as callbacks:
        service_withdraw(actor=manager, service=other, now=NOW)
    assert callbacks == []
    other.refresh_from_db()
    assert other.status == ServiceStatus.WITHDRAWN


def test_withdraw_refused_for_bidder(supplier_org, editor, contract):
    service = _create(editor, contract)
    with pytest.raises(PermissionDenied):
        service_withdraw(actor=acting(supplier_org, Role.BIDDER), service=service, now=NOW)
    service.refresh_from_db()
    assert service.status == ServiceStatus.DRAFT


def test_update_refuses_unknown_fields(editor, contract):
    service = _create(editor, contract)
    with pytest.raises(ValidationFailed, match="status"):
        service_update(actor=editor, service=service, data={"status": "published"}, now=NOW)
    service.refresh_from_db()
    assert service.status == ServiceStatus.DRAFT


def test_now_defaults_to_current_time(editor, contract):
    before = timezone.now()
    service = service_create(actor=editor, contract=contract, data=listing_data(), data_locations=LOCATIONS)
    assert service.created_at >= before


def test_published_edit_must_stay_complete(editor, manager, contract):
    service = _create(editor, contract)
    service_submit(actor=editor, service=service, now=NOW)
    service_approve(actor=manager, service=service, now=NOW)
    count = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as info:
        service_update(actor=editor, service=service, data={}, data_locations=[], now=NOW)
    assert info.value.errors == [{"field": "data_locations", "message": "Oppgi minst én datalokasjon."}]
    service.refresh_from_db()
    assert service.pending_changes == {}
    assert AuditEvent.objects.count() == count


def test_approve_publishes_the_changed_facts_to_subscribers_in_the_transaction(editor, manager, contract):
    from marketplace.core import hooks

    seen = []

    def subscriber(**payload):
        seen.append((payload["service"].pk, payload["fields"], payload["version"].number, payload["actor"]))

    def failing(**payload):
        raise RuntimeError("subscriber failed")

    service = _create(editor, contract)
    service_submit(actor=editor, service=service, now=NOW)
    service_approve(actor=manager, service=service, now=NOW)
    hooks.subscribe(hooks.SERVICE_CHANGED, subscriber)
    try:
        service_update(
            actor=editor,
            service=service,
            data={},
            sub_processors=[{"name": "Nordisk Drift AS", "country": "NO", "purpose": "Drift"}],
            now=NOW,
        )
        service_approve(actor=manager, service=service, now=NOW)
        hooks.subscribe(hooks.SERVICE_CHANGED, failing)
        service_update(actor=editor, service=service, data={"summary": "Endret igjen"}, now=NOW)
        with pytest.raises(RuntimeError):
            service_approve(actor=manager, service=service, now=NOW)
    finally:
        hooks.unsubscribe(hooks.SERVICE_CHANGED, subscriber)
        hooks.unsubscribe(hooks.SERVICE_CHANGED, failing)
    assert seen[0] == (service.pk, ["sub_processors"], 2, manager)
    # The failing subscriber rolled the approval back: still version 2, the edit still pending.
    service.refresh_from_db()
    assert service.versions.count() == 2
    assert service.pending_changes == {"summary": "Endret igjen"}
