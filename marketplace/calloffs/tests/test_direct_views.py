"""Direct panel on the detail page: record the next answer, justify; permission matrix and bad input."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.calloffs.models import CallOff, CascadeOutcome, CascadeStep
from marketplace.calloffs.services import common as common_services
from marketplace.calloffs.services import direct as services
from marketplace.calloffs.tests.common_helpers import need, world
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(buyer_org):
    return world(buyer_org)


@pytest.fixture
def actor(buyer_org):
    return acting(buyer_org, Role.BUYER)


@pytest.fixture
def calloff(actor, buyer_org, w):
    calloff, _ = common_services.calloff_create(actor=actor, buyer=buyer_org, **need(w))
    return calloff


@pytest.fixture
def as_(login, make_member, buyer_org, other_buyer_org, supplier_org):
    def _as(who):
        if who == "anonymous":
            return Client()
        org, role = {
            "buyer": (buyer_org, Role.BUYER),
            "evaluator": (buyer_org, Role.EVALUATOR),
            "other": (other_buyer_org, Role.BUYER),
            "supplier": (supplier_org, Role.BIDDER),
        }[who]
        return login(make_member(org, role), org)

    return _as


def answer(client, calloff, contract, outcome, reason=""):
    return client.post(
        reverse("calloffs:direct_answer", args=[calloff.pk]),
        {"contract": contract.pk, "cascade-outcome": outcome, "cascade-reason": reason},
    )


def test_panel_lists_ranked_suppliers_with_form_for_buyer(as_, calloff, w):
    body = as_("buyer").get(reverse("calloffs:detail", args=[calloff.pk])).content.decode()
    assert "Direkte tildeling etter rangering" in body
    for contract in w.contracts:
        assert contract.supplier.name in body
    assert f"Svar fra {w.contracts[0].supplier.name}" in body
    assert reverse("calloffs:direct_answer", args=[calloff.pk]) in body


def test_panel_read_only_for_evaluator(as_, calloff):
    body = as_("evaluator").get(reverse("calloffs:detail", args=[calloff.pk])).content.decode()
    assert "Direkte tildeling etter rangering" in body
    assert reverse("calloffs:direct_answer", args=[calloff.pk]) not in body


def test_record_answers_and_justify(as_, calloff, w):
    client = as_("buyer")
    response = answer(
        client, calloff, w.contracts[0], CascadeOutcome.NO_CAPACITY, "Mangler kapasitet i perioden."
    )
    assert response.status_code == 302
    response = answer(client, calloff, w.contracts[1], CascadeOutcome.ACCEPTED)
    assert response.status_code == 302
    assert services.direct_winner(calloff) == w.contracts[1]
    body = client.get(reverse("calloffs:detail", args=[calloff.pk])).content.decode()
    assert "Mangler kapasitet i perioden." in body
    assert reverse("calloffs:direct_justify", args=[calloff.pk]) in body
    response = client.post(
        reverse("calloffs:direct_justify", args=[calloff.pk]),
        {"direct-justification": "Nest høyest rangert."},
    )
    assert response.status_code == 302
    body = client.get(reverse("calloffs:detail", args=[calloff.pk])).content.decode()
    assert "Avropet er klart for tildelingsbeslutning" in body
    assert "Begrunnelse for direkte tildeling registrert" in body


def test_missing_reason_shows_norwegian_error(as_, calloff, w):
    before = (CascadeStep.objects.count(), AuditEvent.objects.count())
    response = answer(as_("buyer"), calloff, w.contracts[0], CascadeOutcome.DECLINED, "")
    assert response.status_code == 400
    assert "Skriv begrunnelsen for å gå videre i rangeringen" in response.content.decode()
    assert (CascadeStep.objects.count(), AuditEvent.objects.count()) == before


def test_stale_contract_is_refused(as_, calloff, w):
    response = answer(as_("buyer"), calloff, w.contracts[1], CascadeOutcome.ACCEPTED)
    assert response.status_code == 409
    assert CascadeStep.objects.count() == 0


def test_missing_justification_shows_error(as_, actor, calloff, w):
    services.cascade_record(
        actor=actor, calloff=calloff, contract=w.contracts[0], outcome=CascadeOutcome.ACCEPTED
    )
    before = AuditEvent.objects.count()
    response = as_("buyer").post(
        reverse("calloffs:direct_justify", args=[calloff.pk]), {"direct-justification": ""}
    )
    assert response.status_code == 400
    assert "Skriv begrunnelsen for direkte tildeling." in response.content.decode()
    assert CallOff.objects.get(pk=calloff.pk).justified_at is None
    assert AuditEvent.objects.count() == before


def test_justify_before_acceptance_is_conflict(as_, calloff):
    response = as_("buyer").post(
        reverse("calloffs:direct_justify", args=[calloff.pk]), {"direct-justification": "x"}
    )
    assert response.status_code == 409
    assert "Registrer først en leverandør" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("evaluator", 403), ("other", 404), ("supplier", 404)])
def test_denied_changes_nothing(as_, calloff, w, who, status):
    before = (CascadeStep.objects.count(), AuditEvent.objects.count())
    assert answer(as_(who), calloff, w.contracts[0], CascadeOutcome.ACCEPTED).status_code == status
    response = as_(who).post(
        reverse("calloffs:direct_justify", args=[calloff.pk]), {"direct-justification": "x"}
    )
    assert response.status_code == status
    assert (CascadeStep.objects.count(), AuditEvent.objects.count()) == before


def test_anonymous_redirected(as_, calloff, w):
    response = answer(as_("anonymous"), calloff, w.contracts[0], CascadeOutcome.ACCEPTED)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert CascadeStep.objects.count() == 0


def test_get_not_allowed(as_, calloff):
    assert as_("buyer").get(reverse("calloffs:direct_answer", args=[calloff.pk])).status_code == 405


def test_asked_supplier_sees_calloff_but_not_panel(login, make_member, actor, calloff, w):
    services.cascade_record(
        actor=actor, calloff=calloff, contract=w.contracts[0], outcome=CascadeOutcome.DECLINED, reason="Nei"
    )
    supplier = w.contracts[0].supplier
    client = login(make_member(supplier, Role.BIDDER), supplier)
    response = client.get(reverse("calloffs:detail", args=[calloff.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Direkte tildeling etter rangering" not in body
    assert "Historikk" not in body
