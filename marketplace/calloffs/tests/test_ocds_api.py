"""GET /api/v1/calloffs/{id}/ocds: public once published; previews for the buyer's people and MPS staff only."""

from __future__ import annotations

import pytest
import time_machine

from marketplace.accounts.models import Role
from marketplace.accounts.services import api_token_create
from marketplace.accounts.tests.factories import OrganisationFactory, member
from marketplace.calloffs.models import CallOff
from marketplace.calloffs.ocds import release_package_errors
from marketplace.calloffs.rules.state import CallOffState
from marketplace.calloffs.tests import ocds_stages as s
from marketplace.catalogue.models import Mechanism

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return s.world()


def _bearer(user, organisation) -> dict[str, str]:
    _, secret = api_token_create(actor=None, user=user, organisation=organisation)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _get(client, calloff_id, now, **headers):
    with time_machine.travel(now, tick=False):
        return client.get(f"/api/v1/calloffs/{calloff_id}/ocds", **headers)


def test_published_mini_competition_is_public(client, w):
    calloff, now = s.calloff_at(
        w, Mechanism.MINI_COMPETITION, CallOffState.TENDERING, reference="AV-2026-0001"
    )
    response = _get(client, calloff.pk, now)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    package = response.json()
    assert release_package_errors(package) == []
    assert package["releases"][0]["ocid"] == "ocds-mps000-AV-2026-0001"
    assert package["releases"][0]["tender"]["competitive"] is True


def test_direct_award_after_notice_is_public(client, w):
    calloff, now = s.calloff_at(w, Mechanism.DIRECT, CallOffState.STANDSTILL, reference="AV-2026-0002")
    response = _get(client, calloff.pk, now)
    assert response.status_code == 200
    assert response.json()["releases"][0]["awards"][0]["suppliers"] == [
        {"id": "NO-ORG-914778271", "name": "Nordsky AS"}
    ]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("other_buyer", 404),
        ("supplier_on_lot", 404),
        ("same_org_finops", 404),
        ("same_org_buyer", 200),
        ("same_org_approver", 200),
        ("mps_staff", 200),
    ],
)
@pytest.mark.parametrize(
    ("mechanism", "state"),
    [(Mechanism.MINI_COMPETITION, CallOffState.DRAFT), (Mechanism.DESK, CallOffState.AWARD_DECIDED)],
)
def test_not_yet_public_only_for_the_buyer_side_and_staff(client, w, who, status, mechanism, state):
    calloff, now = s.calloff_at(w, mechanism, state, reference="AV-2026-0003")
    other = OrganisationFactory(name="Voss herad", orgnr="964338442")
    mps = OrganisationFactory(name="DFØ", orgnr="986252932", kind="mps")
    headers = {
        "anonymous": {},
        "other_buyer": lambda: _bearer(member(other, Role.BUYER), other),
        "supplier_on_lot": lambda: _bearer(member(w["winner"], Role.SUPPLIER_ADMIN), w["winner"]),
        "same_org_finops": lambda: _bearer(member(w["buyer"], Role.FINOPS_ANALYST), w["buyer"]),
        "same_org_buyer": lambda: _bearer(w["buyer_user"], w["buyer"]),
        "same_org_approver": lambda: _bearer(w["approver"], w["buyer"]),
        "mps_staff": lambda: _bearer(member(mps, Role.CATEGORY_MANAGER), mps),
    }[who]
    response = _get(client, calloff.pk, now, **(headers() if callable(headers) else headers))
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"detail": "Fant ikke avropet.", "errors": []}
    else:
        package = response.json()
        assert release_package_errors(package) == []
        assert "awards" not in package["releases"][0]


def test_missing_calloff_is_404_and_bad_token_is_401(client, w):
    assert client.get("/api/v1/calloffs/999999/ocds").status_code == 404
    response = client.get("/api/v1/calloffs/999999/ocds", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401


def test_cancelled_before_it_was_public_stays_private(client, w):
    calloff, _now = s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.DRAFT, reference="AV-2026-0004")
    CallOff.objects.filter(pk=calloff.pk).update(cancelled_at=s.CANCELLED, cancel_reason="Behovet falt bort.")
    assert _get(client, calloff.pk, s.CANCELLED).status_code == 404
    buyer = _get(client, calloff.pk, s.CANCELLED, **_bearer(w["buyer_user"], w["buyer"]))
    assert buyer.status_code == 200
    assert buyer.json()["releases"][0]["tag"] == ["tenderCancellation"]
