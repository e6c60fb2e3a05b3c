"""calloff_create / calloff_update_need / calloff_cancel: every rule branch, its audit event, and nothing stored on refusal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.calloffs.models import CallOff, CascadeStep, Invitation, ProcurementPart
from marketplace.calloffs.services import common as services
from marketplace.calloffs.tests.common_helpers import DIRECT_RULE, MINI_RULE, NOW, need, world
from marketplace.calloffs.tests.factories import CallOffFactory
from marketplace.catalogue.models import Mechanism, ShortlistSnapshot
from marketplace.catalogue.services.shortlists import shortlist_create, shortlist_item_add
from marketplace.catalogue.tests.factories import LotFactory, ServiceFactory
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(buyer_org):
    return acting(buyer_org, Role.BUYER)


@pytest.fixture
def w(buyer_org):
    return world(buyer_org)


def create(actor, buyer_org, w, now=NOW, **overrides):
    return services.calloff_create(actor=actor, buyer=buyer_org, now=now, **need(w, **overrides))


def plain(text):
    return text.replace("\xa0", " ")


def counts():
    return (
        CallOff.objects.count(),
        AuditEvent.objects.count(),
        Invitation.objects.count(),
        ShortlistSnapshot.objects.count(),
    )


def test_direct_award_under_limit(buyer, buyer_org, w):
    calloff, warnings = create(buyer, buyer_org, w)
    assert calloff.reference == "AV-2026-0001"
    assert calloff.mechanism == Mechanism.DIRECT
    assert DIRECT_RULE in calloff.route_reason
    assert "FOA § 26-5 (1) a" in calloff.route_reason
    assert "500 000" in plain(calloff.route_reason)
    assert calloff.procurement_part == ProcurementPart.PART_I
    assert calloff.has_standstill is False
    assert calloff.created_at == NOW
    assert calloff.created_by == buyer
    assert warnings == []
    assert calloff.invitations.count() == 0
    event = AuditEvent.objects.get(verb="calloff.created")
    assert event.target_id == str(calloff.pk)
    assert event.organisation_id == buyer_org.pk
    assert event.data["mechanism"] == "direct"
    assert event.data["route_reason_code"] == "standard_under_limit"
    assert event.data["estimated_value_amount"] == "400000"


def test_desk_when_standard_above_direct_limit(buyer, buyer_org, w):
    calloff, _ = create(buyer, buyer_org, w, estimated_value_amount=Decimal("800000"))
    assert calloff.mechanism == Mechanism.DESK
    assert calloff.procurement_part == ProcurementPart.PART_I
    assert calloff.invitations.count() == 0


def test_mini_competition_above_eea_invites_every_contract_unsent(buyer, buyer_org, w):
    calloff, _ = create(
        buyer, buyer_org, w, estimated_value_amount=Decimal("2000000"), needs_customisation=True
    )
    assert calloff.mechanism == Mechanism.MINI_COMPETITION
    assert MINI_RULE in calloff.route_reason
    assert calloff.procurement_part == ProcurementPart.PART_III
    assert calloff.has_standstill is True
    invitations = list(calloff.invitations.order_by("contract__rank"))
    assert [i.contract for i in invitations] == w.contracts
    assert [i.supplier for i in invitations] == [c.supplier for c in w.contracts]
    assert all(i.invited_at is None for i in invitations)


def test_mini_below_eea_has_no_standstill_by_default(buyer, buyer_org, w):
    calloff, _ = create(
        buyer, buyer_org, w, estimated_value_amount=Decimal("1400000"), has_special_requirements=True
    )
    assert calloff.mechanism == Mechanism.MINI_COMPETITION
    assert calloff.procurement_part == ProcurementPart.PART_II
    assert calloff.has_standstill is False


def test_mini_above_limit_for_standard_need(buyer, buyer_org, w):
    calloff, _ = create(buyer, buyer_org, w, estimated_value_amount=Decimal("1300001"))
    assert calloff.mechanism == Mechanism.MINI_COMPETITION
    assert AuditEvent.objects.get(verb="calloff.created").data["route_reason_code"] == "above_limit"


def test_municipality_uses_the_other_eea_threshold(db):
    municipality = CallOffFactory.build().buyer  # unsaved organisation from the factory
    municipality.kind = OrganisationKind.MUNICIPALITY
    municipality.save()
    actor = acting(municipality, Role.BUYER)
    w = world(municipality)
    calloff, _ = create(
        actor, municipality, w, estimated_value_amount=Decimal("2000000"), needs_customisation=True
    )
    assert calloff.procurement_part == ProcurementPart.PART_II
    assert calloff.has_standstill is False


def test_single_supplier_awards_directly(buyer, buyer_org):
    w = world(buyer_org, mechanisms=((Mechanism.DIRECT, "Én leverandør: direkte avrop.", None),), suppliers=1)
    calloff, _ = create(
        buyer, buyer_org, w, estimated_value_amount=Decimal("3000000"), needs_customisation=True
    )
    assert calloff.mechanism == Mechanism.DIRECT
    assert "én leverandør" in calloff.route_reason
    assert "Én leverandør: direkte avrop." in calloff.route_reason
    assert calloff.procurement_part == ProcurementPart.PART_III
    assert calloff.has_standstill is False  # the voluntary standstill default is for mini-competitions


def test_no_lawful_route_is_refused(buyer, buyer_org):
    w = world(buyer_org, mechanisms=((Mechanism.DIRECT, DIRECT_RULE, "500000"),))
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        create(buyer, buyer_org, w, estimated_value_amount=Decimal("600000"))
    assert "ingen lovlig avropsform" in exc.value.message
    assert counts() == before


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.APPROVER, Role.ORG_ADMIN])
def test_wrong_role_is_denied(buyer_org, w, role):
    actor = acting(buyer_org, role)
    before = counts()
    with pytest.raises(PermissionDenied):
        create(actor, buyer_org, w)
    assert counts() == before


def test_buyer_of_other_org_is_denied(buyer_org, other_buyer_org, w):
    actor = acting(other_buyer_org, Role.BUYER)
    with pytest.raises(PermissionDenied):
        create(actor, buyer_org, w)
    assert CallOff.objects.count() == 0


def test_buyer_not_on_framework_is_refused(buyer, buyer_org):
    w = world(None)
    with pytest.raises(ValidationFailed) as exc:
        create(buyer, buyer_org, w)
    assert exc.value.errors[0]["field"] == "framework"
    assert "ikke part i rammeavtalen" in exc.value.message
    assert CallOff.objects.count() == 0


def test_expired_framework_is_refused(buyer, buyer_org, w):
    after = dt.datetime(2029, 1, 1, 10, 0, tzinfo=dt.UTC)
    with pytest.raises(ValidationFailed) as exc:
        create(buyer, buyer_org, w, now=after)
    assert "utløp 31.12.2028" in exc.value.message
    # 23:30 UTC on the last day is already 1 January in Oslo: expired
    with pytest.raises(ValidationFailed):
        create(buyer, buyer_org, w, now=dt.datetime(2028, 12, 31, 23, 30, tzinfo=dt.UTC))
    assert CallOff.objects.count() == 0
    # 23:59 Oslo on the last day still works
    calloff, _ = create(buyer, buyer_org, w, now=dt.datetime(2028, 12, 31, 22, 59, tzinfo=dt.UTC))
    assert calloff.reference == "AV-2028-0001"


def test_wrong_lot_is_refused(buyer, buyer_org, w):
    other_lot = LotFactory()
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        create(buyer, buyer_org, w, lot=other_lot)
    assert exc.value.errors == [{"field": "lot", "message": exc.value.message}]
    assert "hører ikke til rammeavtalen" in exc.value.message
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"estimated_value_amount": Decimal("0")}, "estimated_value_amount"),
        ({"period_ends_on": dt.date(2026, 8, 31)}, "period_ends_on"),
        ({"title": "   "}, "title"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_need_is_refused(buyer, buyer_org, w, overrides, field):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        create(buyer, buyer_org, w, **overrides)
    assert exc.value.errors[0]["field"] == field
    assert counts() == before


def test_framework_maximum_blocks_and_warns(buyer, buyer_org):
    w = world(buyer_org, max_value="1000000")
    CallOffFactory(buyer=buyer_org, lot=w.lot, estimated_value_amount=Decimal("700000"), created_at=NOW)
    CallOffFactory(
        buyer=buyer_org,
        lot=w.lot,
        estimated_value_amount=Decimal("900000"),
        created_at=NOW,
        cancelled_at=NOW,
        cancel_reason="Feil",
    )  # cancelled: does not count
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        create(buyer, buyer_org, w, estimated_value_amount=Decimal("300000.01"))
    assert exc.value.errors[0]["field"] == "estimated_value_amount"
    assert "1 000 000" in plain(exc.value.message)
    assert "C-23/20" in exc.value.message
    assert counts() == before
    _, warnings = create(buyer, buyer_org, w, estimated_value_amount=Decimal("300000"))
    assert [plain(x) for x in warnings] == [
        "Med dette avropet er 100 % av rammeavtalens maksimale verdi brukt (1 000 000 av 1 000 000 kr)."
    ]
    assert AuditEvent.objects.get(verb="calloff.created").data["warnings"] == warnings


def test_framework_warns_from_80_percent(buyer, buyer_org):
    w = world(buyer_org, max_value="1000000")
    CallOffFactory(buyer=buyer_org, lot=w.lot, estimated_value_amount=Decimal("399999"), created_at=NOW)
    _, warnings = create(buyer, buyer_org, w, estimated_value_amount=Decimal("400000"))
    assert warnings == []
    _, warnings = create(buyer, buyer_org, w, estimated_value_amount=Decimal("1"))
    assert [plain(x) for x in warnings] == [
        "Med dette avropet er 80 % av rammeavtalens maksimale verdi brukt (800 000 av 1 000 000 kr)."
    ]


def test_splitting_warning_over_12_months(buyer, buyer_org, w):
    CallOffFactory(
        buyer=buyer_org,
        lot=w.lot,
        estimated_value_amount=Decimal("1000000"),
        created_at=NOW - dt.timedelta(days=90),
    )
    CallOffFactory(
        buyer=buyer_org,
        lot=w.lot,
        estimated_value_amount=Decimal("5000000"),
        created_at=dt.datetime(2025, 6, 14, 21, 59, tzinfo=dt.UTC),
    )
    _, warnings = create(buyer, buyer_org, w, estimated_value_amount=Decimal("400000"))
    assert len(warnings) == 1
    assert "1 400 000 kr" in plain(warnings[0])
    assert "den nasjonale terskelverdien på 1 300 000 kr" in plain(warnings[0])


def test_shortlist_is_frozen_and_linked(buyer, buyer_org, w):
    shortlist = shortlist_create(actor=buyer, name="Lagring", now=NOW)
    shortlist_item_add(
        actor=buyer, service=ServiceFactory(contract=w.contracts[0]), shortlist=shortlist, now=NOW
    )
    calloff, _ = create(buyer, buyer_org, w, shortlist=shortlist)
    snapshot = calloff.shortlist_snapshot
    assert snapshot is not None
    assert calloff.shortlist == shortlist
    assert snapshot.shortlist == shortlist
    assert len(snapshot.content_hash) == 64
    assert (
        AuditEvent.objects.get(verb="calloff.created").data["shortlist_snapshot_hash"]
        == snapshot.content_hash
    )


def test_shortlist_of_other_org_is_refused(buyer, buyer_org, other_buyer_org, w):
    other = acting(other_buyer_org, Role.BUYER)
    shortlist = shortlist_create(actor=other, name="Deres", now=NOW)
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        create(buyer, buyer_org, w, shortlist=shortlist)
    assert exc.value.errors[0]["field"] == "shortlist"
    assert counts() == before


def test_references_count_up_per_oslo_year(buyer, buyer_org, w):
    CallOffFactory(reference="AV-2026-0041", buyer=buyer_org, lot=w.lot, estimated_value_amount=Decimal("1"))
    first, _ = create(buyer, buyer_org, w)
    second, _ = create(buyer, buyer_org, w)
    new_year, _ = create(buyer, buyer_org, w, now=dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC))
    assert [first.reference, second.reference, new_year.reference] == [
        "AV-2026-0042",
        "AV-2026-0043",
        "AV-2027-0001",
    ]


def test_reference_collision_retries_with_next_number(buyer, buyer_org, w):
    CallOffFactory(reference="AV-2026-0007", buyer=buyer_org, lot=w.lot, estimated_value_amount=Decimal("1"))
    with mock.patch.object(services, "_next_reference", side_effect=["AV-2026-0007", "AV-2026-0008"]):
        calloff, _ = create(buyer, buyer_org, w)
    assert calloff.reference == "AV-2026-0008"
    assert CallOff.objects.count() == 2
    assert AuditEvent.objects.filter(verb="calloff.created").count() == 1


# --- update need ---


def test_update_need_rederives_route(buyer, buyer_org, w):
    calloff, _ = create(buyer, buyer_org, w)
    later = NOW + dt.timedelta(hours=1)
    data = need(w, estimated_value_amount=Decimal("2000000"), needs_customisation=True)
    data.pop("framework")
    data.pop("lot")
    updated, _ = services.calloff_update_need(actor=buyer, calloff=calloff, now=later, **data)
    assert updated.mechanism == Mechanism.MINI_COMPETITION
    assert updated.procurement_part == ProcurementPart.PART_III
    assert updated.has_standstill is True
    assert updated.invitations.count() == 3
    event = AuditEvent.objects.get(verb="calloff.need_updated")
    assert event.data["before"] == {"mechanism": "direct", "estimated_value_amount": "400000.00"}


def _need_only(w, **overrides):
    data = need(w, **overrides)
    data.pop("framework")
    data.pop("lot")
    return data


def test_update_need_only_in_draft(buyer, buyer_org, w):
    calloff, _ = create(
        buyer, buyer_org, w, estimated_value_amount=Decimal("2000000"), needs_customisation=True
    )
    CallOff.objects.filter(pk=calloff.pk).update(published_at=NOW)
    calloff.refresh_from_db()
    before = counts()
    with pytest.raises(Conflict):
        services.calloff_update_need(actor=buyer, calloff=calloff, now=NOW, **_need_only(w))
    assert counts() == before


def test_update_need_refuses_route_change_after_cascade_started(buyer, buyer_org, w):
    calloff, _ = create(buyer, buyer_org, w)
    CascadeStep.objects.create(
        calloff=calloff,
        contract=w.contracts[0],
        outcome="declined",
        reason="Kapasitet",
        recorded_by=buyer,
        recorded_at=NOW,
    )
    with pytest.raises(Conflict):
        services.calloff_update_need(
            actor=buyer, calloff=calloff, now=NOW, **_need_only(w, estimated_value_amount=Decimal("2000000"))
        )
    calloff.refresh_from_db()
    assert calloff.mechanism == Mechanism.DIRECT
    # a change that keeps the route is fine
    updated, _ = services.calloff_update_need(
        actor=buyer, calloff=calloff, now=NOW, **_need_only(w, title="Nytt navn")
    )
    assert updated.title == "Nytt navn"


def test_update_need_denied_for_evaluator(buyer, buyer_org, w):
    calloff, _ = create(buyer, buyer_org, w)
    with pytest.raises(PermissionDenied):
        services.calloff_update_need(
            actor=acting(buyer_org, Role.EVALUATOR), calloff=calloff, now=NOW, **_need_only(w)
        )


# --- cancel ---


def test_cancel_records_reason_and_audit(buyer, buyer_org, w):
    calloff, _ = create(buyer, buyer_org, w)
    later = NOW + dt.timedelta(days=1)
    services.calloff_cancel(actor=buyer, calloff=calloff, reason="  Behovet falt bort.  ", now=later)
    calloff.refresh_from_db()
    assert calloff.cancelled_at == later
    assert calloff.cancel_reason == "Behovet falt bort."
    event = AuditEvent.objects.get(verb="calloff.cancelled")
    assert event.data == {"calloff": calloff.pk, "reason": "Behovet falt bort.", "state_before": "draft"}


def test_cancel_needs_reason(buyer, buyer_org, w):
    calloff, _ = create(buyer, buyer_org, w)
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        services.calloff_cancel(actor=buyer, calloff=calloff, reason="  ", now=NOW)
    assert exc.value.message == "Skriv hvorfor avropet avlyses."
    assert counts() == before
    calloff.refresh_from_db()
    assert calloff.cancelled_at is None


def test_cancel_refused_after_signing_and_twice(buyer, buyer_org, w):
    calloff, _ = create(buyer, buyer_org, w)
    CallOff.objects.filter(pk=calloff.pk).update(contract_signed_at=NOW)
    with pytest.raises(Conflict):
        services.calloff_cancel(actor=buyer, calloff=calloff, reason="For sent", now=NOW)
    other, _ = create(buyer, buyer_org, w)
    services.calloff_cancel(actor=buyer, calloff=other, reason="Feil", now=NOW)
    with pytest.raises(Conflict):
        services.calloff_cancel(actor=buyer, calloff=other, reason="Igjen", now=NOW)
    assert AuditEvent.objects.filter(verb="calloff.cancelled").count() == 1


def test_cancel_denied_for_evaluator(buyer, buyer_org, w):
    calloff, _ = create(buyer, buyer_org, w)
    with pytest.raises(PermissionDenied):
        services.calloff_cancel(actor=acting(buyer_org, Role.EVALUATOR), calloff=calloff, reason="X", now=NOW)
    calloff.refresh_from_db()
    assert calloff.cancelled_at is None


# --- settings ---


def test_extra_closed_days(settings):
    settings.MPS_EXTRA_CLOSED_DAYS = ["2026-12-24", " 2026-12-31 ", ""]
    assert services.extra_closed_days() == [dt.date(2026, 12, 24), dt.date(2026, 12, 31)]
    settings.MPS_EXTRA_CLOSED_DAYS = ["24.12.2026"]
    with pytest.raises(ValueError, match=r"24\.12\.2026"):
        services.extra_closed_days()
    settings.MPS_EXTRA_CLOSED_DAYS = []
    assert services.extra_closed_days() == []
