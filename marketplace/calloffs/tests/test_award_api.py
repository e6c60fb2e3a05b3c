"""API for evaluation and award: permission matrix and JSON errors."""

from __future__ import annotations

import pytest
from django.test import Client

from marketplace.accounts.models import Role
from marketplace.accounts.services import api_token_create
from marketplace.accounts.tests.factories import member
from marketplace.calloffs.models import Award, AwardNotice, Evaluation
from marketplace.calloffs.services.evaluation import impartiality_declare, score_record
from marketplace.calloffs.tests.evalaward import NOW, mini_competition
from marketplace.core.models import AuditEvent


def _auth(user, org):
    _token, secret = api_token_create(actor=None, user=user, organisation=org, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def mini(buyer_org):
    mini = mini_competition(buyer_org)
    impartiality_declare(actor=mini.evaluator, calloff=mini.calloff, is_impartial=True, statement="", now=NOW)
    for name, points in {"A": "5", "B": "8", "C": "0"}.items():
        score_record(
            actor=mini.evaluator,
            offer=mini.offers[name],
            criterion=mini.quality,
            points=points,
            justification=f"Vurdering {name}",
            now=NOW,
        )
    return mini


def _url(mini, tail=""):
    return f"/api/v1/calloffs/{mini.calloff.pk}/{tail}"


def test_anonymous_is_401(mini):
    response = Client().post(_url(mini, "evaluation"))
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Mangler gyldig API-nøkkel")
    assert Evaluation.objects.count() == 0


def test_full_flow_and_supplier_notices(mini):
    client = Client()
    response = client.post(_url(mini, "evaluation"), **_auth(mini.buyer, mini.calloff.buyer))
    assert response.status_code == 201
    body = response.json()
    assert body["has_rank_reversal_risk"] is True
    assert [r["supplier_name"] for r in body["result"]["ranking"]] == [
        "Leverandør B AS",
        "Leverandør A AS",
        "Leverandør C AS",
    ]
    got = client.get(_url(mini, "evaluation"), **_auth(mini.approver, mini.calloff.buyer)).json()
    assert (got["inputs_hash"], got["is_current"]) == (body["inputs_hash"], True)

    response = client.post(
        _url(mini, "award"),
        data={"justification": "Best totalt"},
        content_type="application/json",
        **_auth(mini.approver, mini.calloff.buyer),
    )
    assert response.status_code == 201
    assert (response.json()["supplier_name"], response.json()["value_amount"]) == (
        "Leverandør B AS",
        "130.00",
    )

    response = client.post(_url(mini, "award/notices"), **_auth(mini.buyer, mini.calloff.buyer))
    assert response.status_code == 201
    assert len(response.json()) == 3

    bidder = member(mini.suppliers["A"], Role.BIDDER)
    mine = client.get("/api/v1/award-notices", **_auth(bidder, mini.suppliers["A"])).json()
    assert [(n["calloff_reference"], n["is_winner"]) for n in mine] == [(mini.calloff.reference, False)]
    assert mine[0]["content"]["winner_name"] == "Leverandør B AS"


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_org", 404), ("supplier", 403), ("approver", 403), ("finops", 404)],
)
def test_compute_matrix(mini, other_buyer_org, who, status):
    user, org = {
        "other_org": (member(other_buyer_org, Role.BUYER), other_buyer_org),
        "supplier": (member(mini.suppliers["A"], Role.BIDDER), mini.suppliers["A"]),
        "approver": (mini.approver, mini.calloff.buyer),
        "finops": (member(mini.calloff.buyer, Role.FINOPS_ANALYST), mini.calloff.buyer),
    }[who]
    headers = _auth(user, org)
    before = AuditEvent.objects.count()
    response = Client().post(_url(mini, "evaluation"), **headers)
    assert response.status_code == status
    assert set(response.json()) == {"detail", "errors"}
    assert (Evaluation.objects.count(), AuditEvent.objects.count()) == (0, before)


def test_award_denied_and_invalid(mini):
    client = Client()
    client.post(_url(mini, "evaluation"), **_auth(mini.buyer, mini.calloff.buyer))
    response = client.post(
        _url(mini, "award"),
        data={"justification": "x"},
        content_type="application/json",
        **_auth(mini.buyer, mini.calloff.buyer),
    )
    assert response.status_code == 403
    response = client.post(
        _url(mini, "award"),
        data={"justification": " "},
        content_type="application/json",
        **_auth(mini.approver, mini.calloff.buyer),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "justification", "message": "required"}]
    response = client.post(_url(mini, "award/notices"), **_auth(mini.buyer, mini.calloff.buyer))
    assert response.status_code == 409
    assert (Award.objects.count(), AwardNotice.objects.count()) == (0, 0)


def test_undeclared_evaluator_cannot_read_evaluation(mini):
    Client().post(_url(mini, "evaluation"), **_auth(mini.buyer, mini.calloff.buyer))
    evaluator = member(mini.calloff.buyer, Role.EVALUATOR)
    response = Client().get(_url(mini, "evaluation"), **_auth(evaluator, mini.calloff.buyer))
    assert response.status_code == 403
