"""A signed call-off contract registers the called-off catalogue service as the buyer's service in use, through
hooks.CONTRACT_SIGNED (calloffs does not import privacy)."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.accounts.models import Role
from marketplace.calloffs.services import common as common_services
from marketplace.calloffs.services.award import award_decide, award_notice_send, contract_sign
from marketplace.calloffs.services.direct import cascade_record, direct_justify
from marketplace.calloffs.tests.common_helpers import NOW, need, world
from marketplace.catalogue.models import ServiceStatus, Shortlist, ShortlistItem
from marketplace.catalogue.tests.factories import ServiceFactory
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.models import AuditEvent
from marketplace.privacy.models import ServiceInUse
from marketplace.privacy.services import assessments as assessment_services
from marketplace.privacy.tests.helpers_assessments import officer

pytestmark = pytest.mark.django_db

SIGNED_AT = NOW + dt.timedelta(hours=1)


def _awarded(buyer_org, *, shortlisted=()):
    """A direct call-off awarded to the second contract, award notice sent (no standstill): ready to sign. With
    `shortlisted` (names), the call-off starts from a shortlist of those services of the awarded contract."""
    w = world(buyer_org)
    buyer = acting(buyer_org, Role.BUYER)
    shortlist = None
    if shortlisted:
        shortlist = Shortlist.objects.create(organisation=buyer_org, name="Lagring", created_by=buyer)
        for name in shortlisted:
            ShortlistItem.objects.create(
                shortlist=shortlist, service=ServiceFactory(contract=w.contracts[1], name=name), added_at=NOW
            )
    calloff, _warnings = common_services.calloff_create(
        actor=buyer, buyer=buyer_org, now=NOW, shortlist=shortlist, **need(w)
    )
    cascade_record(
        actor=buyer, calloff=calloff, contract=w.contracts[0], outcome="no_capacity", reason="Fullt", now=NOW
    )
    cascade_record(actor=buyer, calloff=calloff, contract=w.contracts[1], outcome="accepted", now=NOW)
    direct_justify(actor=buyer, calloff=calloff, justification="Standardtjeneste under grensen", now=NOW)
    award_decide(
        actor=acting(buyer_org, Role.APPROVER), calloff=calloff, justification="Neste i rangeringen", now=NOW
    )
    award_notice_send(actor=buyer, calloff=calloff, now=SIGNED_AT)
    calloff.refresh_from_db()
    return w, buyer, calloff


def test_signing_registers_the_contracts_only_service_and_attaches_assessments(buyer_org):
    w, buyer, calloff = _awarded(buyer_org)
    service = ServiceFactory(contract=w.contracts[1], name="Objektlagring")
    ServiceFactory(contract=w.contracts[1], name="Utkast", status=ServiceStatus.DRAFT)
    ServiceFactory(contract=w.contracts[0], name="Annen leverandør")
    assessment = assessment_services.assessment_start(
        actor=officer(buyer_org), organisation=buyer_org, assessed_on=dt.date(2026, 4, 1), service=service
    )
    assert assessment.service_in_use is None
    contract_sign(actor=buyer, calloff=calloff, now=SIGNED_AT)
    siu = ServiceInUse.objects.get()
    assert (siu.organisation, siu.service, siu.calloff, siu.started_on, siu.created_by) == (
        buyer_org,
        service,
        calloff,
        SIGNED_AT.date(),
        buyer,
    )
    assessment.refresh_from_db()
    assert assessment.service_in_use == siu
    event = AuditEvent.objects.order_by("pk").last()
    assert (event.verb, event.data) == (
        "privacy.service_in_use_registered",
        {
            "service_id": service.pk,
            "calloff": calloff.reference,
            "name": "Objektlagring",
            "started_on": SIGNED_AT.date().isoformat(),
            "source": "contract_signed",
        },
    )


def test_an_already_registered_service_is_not_registered_twice(buyer_org):
    w, buyer, calloff = _awarded(buyer_org)
    service = ServiceFactory(contract=w.contracts[1])
    from marketplace.privacy.services.usage import service_in_use_register

    existing = service_in_use_register(actor=officer(buyer_org), organisation=buyer_org, service=service)
    contract_sign(actor=buyer, calloff=calloff, now=SIGNED_AT)
    assert list(ServiceInUse.objects.all()) == [existing]
    assert AuditEvent.objects.order_by("pk").last().verb == "contract.signed"


def test_several_services_register_only_the_shortlisted_ones(buyer_org):
    w, buyer, calloff = _awarded(buyer_org, shortlisted=["Blokklagring"])
    ServiceFactory(contract=w.contracts[1], name="Objektlagring")
    assert calloff.shortlist_snapshot is not None
    contract_sign(actor=buyer, calloff=calloff, now=SIGNED_AT)
    assert list(ServiceInUse.objects.values_list("service__name", flat=True)) == ["Blokklagring"]


def test_several_services_none_shortlisted_registers_nothing(buyer_org):
    w, buyer, calloff = _awarded(buyer_org)
    ServiceFactory(contract=w.contracts[1], name="Blokklagring")
    ServiceFactory(contract=w.contracts[1], name="Objektlagring")
    contract_sign(actor=buyer, calloff=calloff, now=SIGNED_AT)
    assert ServiceInUse.objects.count() == 0
    calloff.refresh_from_db()
    assert calloff.contract_signed_at == SIGNED_AT
