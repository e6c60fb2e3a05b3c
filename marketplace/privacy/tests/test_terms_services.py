"""Services of the terms area: term checks, services in use, exit plans and exit-cost estimates — each rule branch,
the audit event, and denied or invalid calls that store nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import SupplierFactory
from marketplace.calloffs.models import Award
from marketplace.calloffs.tests.factories import CallOffFactory
from marketplace.catalogue.models import PriceUnit, ServiceStatus
from marketplace.catalogue.tests.factories import PriceLineFactory, PriceListFactory
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.finops.tests.helpers import cost_row, store_costs
from marketplace.privacy.models import (
    ExitCostEstimate,
    ExitPlan,
    ServiceInUse,
    TermCheck,
    TermCheckItem,
)
from marketplace.privacy.services.exit import exit_estimate_create, exit_plan_save
from marketplace.privacy.services.terms import term_check_save
from marketplace.privacy.services.usage import service_in_use_end, service_in_use_register
from marketplace.privacy.statistics import terms_balance
from marketplace.privacy.tests.terms_helpers import acting, answers, catalogue_service, in_use, mps_staff

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("id"))


# --- term checks --------------------------------------------------------------------------------------------------


def test_contract_check_by_category_manager_stores_every_topic_and_audits():
    service = catalogue_service()
    manager = mps_staff()
    check = term_check_save(
        actor=manager,
        contract=service.contract,
        answers=answers(sla=("deviates", "Kreditt er eneste sanksjon"), audit_rights=("missing", "")),
        now=NOW,
    )
    items = {i.topic: (i.status, i.deviation_text) for i in check.items.all()}
    assert len(items) == 12
    assert items["sla"] == ("deviates", "Kreditt er eneste sanksjon")
    assert items["audit_rights"] == ("missing", "")
    assert check.organisation is None
    [event] = events("privacy.term_check_saved")
    assert event.data["meets"] == 10
    assert event.data["deviates"] == 1
    assert event.data["missing"] == 1
    assert event.data["contract"] == service.contract.reference
    assert event.data["replaced"] is False
    assert terms_balance() == {"topics_checked": 12, "topics_meeting": 10}


def test_saving_again_replaces_the_answers():
    service = catalogue_service()
    manager = mps_staff(Role.MPS_ADMIN)
    term_check_save(actor=manager, contract=service.contract, answers=answers(sla=("deviates", "A")))
    check = term_check_save(actor=manager, contract=service.contract, answers=answers(), note="Ny versjon")
    assert TermCheck.objects.count() == 1
    assert TermCheckItem.objects.filter(term_check=check, status="meets").count() == 12
    assert check.note == "Ny versjon"
    assert [e.data["replaced"] for e in events("privacy.term_check_saved")] == [False, True]


def test_deviation_without_text_and_missing_topics_store_nothing():
    service = catalogue_service()
    incomplete = answers(sla=("deviates", ""))
    del incomplete["apis"]
    with pytest.raises(ValidationFailed) as caught:
        term_check_save(actor=mps_staff(), contract=service.contract, answers=incomplete)
    assert caught.value.errors == [
        {"field": "apis", "message": "API-er og integrasjon: velg oppfyller, avviker eller mangler."},
        {
            "field": "sla",
            "message": "Tjenestenivå (SLA) og eksklusiv sanksjon: beskriv avviket fra MPS-grunnlaget.",
        },
    ]
    assert TermCheck.objects.count() == 0
    assert events("privacy.term_check_saved") == []


@pytest.mark.parametrize("role", [Role.PRIVACY_OFFICER, Role.ORG_ADMIN, Role.BUYER])
def test_buyers_cannot_check_a_framework_contract(buyer_org, role):
    service = catalogue_service()
    with pytest.raises(PermissionDenied):
        term_check_save(actor=acting(buyer_org, role), contract=service.contract, answers=answers())
    assert TermCheck.objects.count() == 0


def test_service_in_use_check_belongs_to_the_organisation(buyer_org, other_buyer_org):
    siu = in_use(buyer_org, catalogue_service())
    officer = acting(buyer_org, Role.PRIVACY_OFFICER)
    check = term_check_save(actor=officer, service_in_use=siu, answers=answers(open_source=("missing", "")))
    assert check.organisation == buyer_org
    assert events("privacy.term_check_saved")[0].organisation_id == buyer_org.pk
    for actor in (
        acting(other_buyer_org, Role.PRIVACY_OFFICER),
        acting(buyer_org, Role.BUYER),
        mps_staff(),
        acting(SupplierFactory(), Role.SUPPLIER_ADMIN),
    ):
        with pytest.raises(PermissionDenied):
            term_check_save(actor=actor, service_in_use=siu, answers=answers(sla=("deviates", "x")))
    assert TermCheckItem.objects.filter(term_check=check, topic="sla").get().status == "meets"


# --- services in use ----------------------------------------------------------------------------------------------


def test_register_catalogue_service_and_outside_service(buyer_org):
    officer = acting(buyer_org, Role.ORG_ADMIN)
    service = catalogue_service()
    siu = service_in_use_register(
        actor=officer, organisation=buyer_org, service=service, started_on=dt.date(2025, 3, 1), now=NOW
    )
    outside = service_in_use_register(
        actor=officer, organisation=buyer_org, name=" Skulearena ", supplier_name="Læringsverket AS", now=NOW
    )
    assert (siu.service, siu.name, siu.started_on) == (service, "", dt.date(2025, 3, 1))
    assert (outside.display_name, outside.supplier_name) == ("Skulearena", "Læringsverket AS")
    assert [e.data["name"] for e in events("privacy.service_in_use_registered")] == [
        service.name,
        "Skulearena",
    ]


def test_register_twice_is_a_conflict(buyer_org):
    officer = acting(buyer_org, Role.PRIVACY_OFFICER)
    service = catalogue_service()
    service_in_use_register(actor=officer, organisation=buyer_org, service=service)
    with pytest.raises(Conflict):
        service_in_use_register(actor=officer, organisation=buyer_org, service=service)
    assert ServiceInUse.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        ({}, ["name", "supplier_name"]),
        ({"name": "X"}, ["supplier_name"]),
        ({"name": "X" * 201, "supplier_name": "Y"}, ["name"]),
        ({"service": "draft"}, ["service"]),
        ({"service": "published", "name": "X"}, ["name"]),
        ({"name": "X", "supplier_name": "Y", "started_on": dt.date(2028, 1, 1)}, ["started_on"]),
    ],
)
def test_register_rejects_bad_input(buyer_org, kwargs, fields):
    officer = acting(buyer_org, Role.PRIVACY_OFFICER)
    if kwargs.get("service") == "draft":
        kwargs = {**kwargs, "service": catalogue_service(status=ServiceStatus.DRAFT)}
    elif kwargs.get("service") == "published":
        kwargs = {**kwargs, "service": catalogue_service()}
    with pytest.raises(ValidationFailed) as caught:
        service_in_use_register(actor=officer, organisation=buyer_org, now=NOW, **kwargs)
    assert [e["field"] for e in caught.value.errors] == fields
    assert ServiceInUse.objects.count() == 0


def awarded(calloff, service):
    Award.objects.create(
        calloff=calloff,
        supplier=service.contract.supplier,
        contract=service.contract,
        value_amount=Decimal("1000000.00"),
        justification="Rangert først",
        decided_by=calloff.created_by,
        decided_at=NOW,
    )
    return calloff


def test_register_through_an_awarded_call_off_of_the_organisation(buyer_org, other_buyer_org):
    officer = acting(buyer_org, Role.PRIVACY_OFFICER)
    service, other_service = catalogue_service(), catalogue_service("Fjellskyen AS")
    not_awarded = CallOffFactory(buyer=buyer_org)
    others = awarded(CallOffFactory(buyer=other_buyer_org), service)
    ours = awarded(CallOffFactory(buyer=buyer_org), service)
    for calloff, chosen, field in (
        (not_awarded, service, "calloff"),
        (others, service, "calloff"),
        (ours, other_service, "service"),
        (ours, None, "service"),
    ):
        with pytest.raises(ValidationFailed) as caught:
            service_in_use_register(actor=officer, organisation=buyer_org, service=chosen, calloff=calloff)
        assert field in [e["field"] for e in caught.value.errors]
    assert ServiceInUse.objects.count() == 0
    siu = service_in_use_register(actor=officer, organisation=buyer_org, service=service, calloff=ours)
    assert siu.calloff == ours
    assert events("privacy.service_in_use_registered")[0].data["calloff"] == ours.reference


@pytest.mark.parametrize("role", [Role.BUYER, Role.SECURITY_OFFICER, Role.FINOPS_ANALYST])
def test_register_needs_a_privacy_role(buyer_org, role):
    with pytest.raises(PermissionDenied):
        service_in_use_register(
            actor=acting(buyer_org, role), organisation=buyer_org, name="X", supplier_name="Y"
        )
    assert ServiceInUse.objects.count() == 0


def test_register_for_another_organisation_is_denied(buyer_org, other_buyer_org):
    with pytest.raises(PermissionDenied):
        service_in_use_register(
            actor=acting(buyer_org, Role.PRIVACY_OFFICER),
            organisation=other_buyer_org,
            name="X",
            supplier_name="Y",
        )
    assert ServiceInUse.objects.count() == 0


def test_end_service(buyer_org):
    siu = in_use(buyer_org, started_on=dt.date(2025, 1, 1))
    officer = acting(buyer_org, Role.PRIVACY_OFFICER)
    with pytest.raises(ValidationFailed) as caught:
        service_in_use_end(actor=officer, service_in_use=siu, ended_on=dt.date(2024, 12, 31))
    assert (
        caught.value.errors[0]["message"]
        == "Sluttdatoen kan ikke være før tjenesten ble tatt i bruk (01.01.2025)."
    )
    siu.refresh_from_db()
    assert siu.ended_on is None
    service_in_use_end(actor=officer, service_in_use=siu, ended_on=dt.date(2026, 6, 30))
    siu.refresh_from_db()
    assert siu.ended_on == dt.date(2026, 6, 30)
    assert events("privacy.service_in_use_ended")[0].data == {"ended_on": "2026-06-30"}
    with pytest.raises(Conflict):
        service_in_use_end(actor=officer, service_in_use=siu, ended_on=dt.date(2026, 7, 1))


# --- exit plans ---------------------------------------------------------------------------------------------------


def plan_kwargs(**changes):
    base = {
        "data_to_export": "Måleserier",
        "formats": "Parquet, CSV",
        "time_needed_days": 45,
        "owner_name": "IT-drift",
        "steps": ["Kartlegg", "", "  Overfør  ", "Slett"],
    }
    return {**base, **changes}


def test_exit_plan_save_numbers_steps_and_replaces(buyer_org):
    siu = in_use(buyer_org)
    officer = acting(buyer_org, Role.PRIVACY_OFFICER)
    plan = exit_plan_save(actor=officer, service_in_use=siu, **plan_kwargs())
    assert list(plan.steps.values_list("position", "description")) == [
        (1, "Kartlegg"),
        (2, "Overfør"),
        (3, "Slett"),
    ]
    plan = exit_plan_save(
        actor=officer, service_in_use=siu, **plan_kwargs(steps=["Ett steg"], time_needed_days=10)
    )
    assert ExitPlan.objects.count() == 1
    assert list(plan.steps.values_list("position", "description")) == [(1, "Ett steg")]
    assert [e.data["created"] for e in events("privacy.exit_plan_saved")] == [True, False]
    assert events("privacy.exit_plan_saved")[1].data["time_needed_days"] == 10


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"data_to_export": " "}, ["data_to_export"]),
        ({"formats": ""}, ["formats"]),
        ({"time_needed_days": 0}, ["time_needed_days"]),
        ({"time_needed_days": None}, ["time_needed_days"]),
        ({"time_needed_days": 3651}, ["time_needed_days"]),
        ({"owner_name": ""}, ["owner_name"]),
        ({"steps": ["", " "]}, ["steps"]),
        ({"steps": ["x"] * 31}, ["steps"]),
        ({"steps": ["x" * 501]}, ["steps"]),
    ],
)
def test_exit_plan_bad_input_stores_nothing(buyer_org, changes, fields):
    siu = in_use(buyer_org)
    with pytest.raises(ValidationFailed) as caught:
        exit_plan_save(
            actor=acting(buyer_org, Role.PRIVACY_OFFICER), service_in_use=siu, **plan_kwargs(**changes)
        )
    assert [e["field"] for e in caught.value.errors] == fields
    assert ExitPlan.objects.count() == 0


def test_exit_plan_denied_for_buyer_and_other_organisation(buyer_org, other_buyer_org):
    siu = in_use(buyer_org)
    for actor in (acting(buyer_org, Role.BUYER), acting(other_buyer_org, Role.ORG_ADMIN), mps_staff()):
        with pytest.raises(PermissionDenied):
            exit_plan_save(actor=actor, service_in_use=siu, **plan_kwargs())
    assert ExitPlan.objects.count() == 0


# --- exit-cost estimates ------------------------------------------------------------------------------------------


def test_estimate_with_catalogue_price_and_flags(buyer_org):
    siu = in_use(buyer_org, catalogue_service(egress_fee_per_gb_amount=Decimal("0.4500")))
    estimate = exit_estimate_create(
        actor=acting(buyer_org, Role.PRIVACY_OFFICER),
        service_in_use=siu,
        volume_gb="18 500",
        migration_hours="320",
        hourly_rate="1350",
        has_committed_spend=True,
        now=NOW,
    )
    assert (estimate.egress_price_per_gb_amount, estimate.price_source) == (Decimal("0.45"), "catalogue")
    assert (estimate.egress_amount, estimate.migration_amount, estimate.total_amount) == (
        Decimal("8325.00"),
        Decimal("432000.00"),
        Decimal("440325.00"),
    )
    assert estimate.flags == ["egress_fees", "committed_spend"]
    [event] = events("privacy.exit_estimate_created")
    assert event.data["total_amount"] == "440325.00"
    assert event.data["flags"] == ["egress_fees", "committed_spend"]


def test_estimate_takes_the_price_list_egress_line_when_the_catalogue_has_no_fee(buyer_org):
    service = catalogue_service(egress_fee_per_gb_amount=None, export_formats="")
    price_list = PriceListFactory(contract=service.contract)
    PriceLineFactory(price_list=price_list, unit=PriceUnit.GB_EGRESS, unit_price_amount=Decimal("0.7500"))
    service.price_list = price_list
    service.save()
    estimate = exit_estimate_create(
        actor=acting(buyer_org, Role.ORG_ADMIN),
        service_in_use=in_use(buyer_org, service),
        volume_gb="1000",
        migration_hours="0",
        hourly_rate="0",
    )
    assert (estimate.egress_amount, estimate.price_source) == (Decimal("750.00"), "price_list")
    assert estimate.flags == ["egress_fees", "technical_barriers"]


def test_entered_price_overrides_and_outside_service_needs_one(buyer_org):
    officer = acting(buyer_org, Role.PRIVACY_OFFICER)
    outside = in_use(buyer_org)
    with pytest.raises(ValidationFailed) as caught:
        exit_estimate_create(
            actor=officer, service_in_use=outside, volume_gb="10", migration_hours="1", hourly_rate="1000"
        )
    assert caught.value.errors == [
        {
            "field": "egress_price_per_gb",
            "message": "Katalogen har ingen pris for utgående trafikk for tjenesten. Oppgi utgangsgebyret per GB.",
        }
    ]
    assert ExitCostEstimate.objects.count() == 0
    estimate = exit_estimate_create(
        actor=officer,
        service_in_use=in_use(buyer_org, catalogue_service()),
        volume_gb="10",
        egress_price_per_gb="0,10",
        migration_hours="1",
        hourly_rate="1000",
    )
    assert (estimate.egress_amount, estimate.price_source, estimate.total_amount) == (
        Decimal("1.00"),
        "entered",
        Decimal("1001.00"),
    )


def test_estimate_bad_numbers_store_nothing(buyer_org):
    with pytest.raises(ValidationFailed) as caught:
        exit_estimate_create(
            actor=acting(buyer_org, Role.PRIVACY_OFFICER),
            service_in_use=in_use(buyer_org, catalogue_service()),
            volume_gb="mye",
            migration_hours="-3",
            hourly_rate="",
        )
    assert caught.value.errors == [
        {"field": "volume_gb", "message": "Datamengde (GB) må være et tall."},
        {"field": "migration_hours", "message": "Migreringsinnsats (timer) kan ikke være negativ."},
        {"field": "hourly_rate", "message": "Timepris må fylles ut."},
    ]
    assert ExitCostEstimate.objects.count() == 0
    assert events("privacy.exit_estimate_created") == []


def test_estimate_volume_from_finops_storage_of_the_latest_period(buyer_org):
    storage = {"ServiceCategory": "Storage", "ConsumedUnit": "GB-Month", "PricingUnit": "GB-Month"}
    store_costs(
        buyer_org,
        [
            # an older period: ignored
            cost_row(dt.date(2026, 8, 3), "1", ConsumedQuantity=Decimal("999"), **storage),
            # the latest period: 600 + 400 GB-months with Nordsky, GiB with Nordsky, and another provider's storage
            cost_row(dt.date(2026, 9, 1), "1", ConsumedQuantity=Decimal("600"), **storage),
            cost_row(dt.date(2026, 9, 2), "1", ConsumedQuantity=Decimal("400"), **storage),
            cost_row(
                dt.date(2026, 9, 2),
                "1",
                ConsumedQuantity=Decimal("100"),
                **{**storage, "ConsumedUnit": "GiB-Month"},
            ),
            cost_row(
                dt.date(2026, 9, 2),
                "1",
                ConsumedQuantity=Decimal("5000"),
                ProviderName="Fjellskyen",
                **storage,
            ),
            cost_row(dt.date(2026, 9, 2), "1", ConsumedQuantity=Decimal("24")),  # compute hours
        ],
    )
    siu = in_use(buyer_org, catalogue_service("Nordsky AS"))
    estimate = exit_estimate_create(
        actor=acting(buyer_org, Role.PRIVACY_OFFICER),
        service_in_use=siu,
        use_finops_volume=True,
        migration_hours="0",
        hourly_rate="0",
    )
    assert (estimate.volume_gb, estimate.volume_source, estimate.finops_period) == (
        Decimal("1107.374"),
        "finops",
        dt.date(2026, 9, 1),
    )
    assert estimate.egress_amount == Decimal("498.32")  # 1107.374 GB × 0.45


def test_estimate_from_finops_without_data_is_a_clear_error(buyer_org):
    siu = in_use(buyer_org, catalogue_service("Nordsky AS"))
    with pytest.raises(ValidationFailed) as caught:
        exit_estimate_create(
            actor=acting(buyer_org, Role.PRIVACY_OFFICER),
            service_in_use=siu,
            use_finops_volume=True,
            migration_hours="1",
            hourly_rate="1",
        )
    assert caught.value.errors == [
        {
            "field": "volume_gb",
            "message": "Fant ingen lagring hos Nordsky AS i virksomhetens FinOps-data. Oppgi datamengden selv.",
        }
    ]
    assert ExitCostEstimate.objects.count() == 0


def test_estimate_denied_for_others(buyer_org, other_buyer_org):
    siu = in_use(buyer_org, catalogue_service())
    for actor in (acting(buyer_org, Role.BUYER), acting(other_buyer_org, Role.PRIVACY_OFFICER), mps_staff()):
        with pytest.raises(PermissionDenied):
            exit_estimate_create(
                actor=actor, service_in_use=siu, volume_gb="1", migration_hours="1", hourly_rate="1"
            )
    assert ExitCostEstimate.objects.count() == 0
