from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import member
from marketplace.calloffs.models import Evaluation, ImpartialityDeclaration, Score
from marketplace.calloffs.services.evaluation import impartiality_declare, score_record
from marketplace.calloffs.tests.evalaward import NOW, mini_competition
from marketplace.core.models import AuditEvent


@pytest.fixture
def mini(buyer_org):
    return mini_competition(buyer_org)


def _client(login, user, org):
    return login(user, org)


def _declared(mini):
    impartiality_declare(actor=mini.evaluator, calloff=mini.calloff, is_impartial=True, statement="", now=NOW)


def _scored(mini):
    _declared(mini)
    for name, points in {"A": "5", "B": "8", "C": "0"}.items():
        score_record(
            actor=mini.evaluator,
            offer=mini.offers[name],
            criterion=mini.quality,
            points=points,
            justification=f"Vurdering {name}",
            now=NOW,
        )


def _who(mini, who, other_buyer_org):
    """(user, organisation) for a role in the permission matrix."""
    org = mini.calloff.buyer
    return {
        "other_org": (member(other_buyer_org, Role.EVALUATOR, Role.BUYER), other_buyer_org),
        "finops": (member(org, Role.FINOPS_ANALYST), org),
        "supplier": (member(mini.suppliers["A"], Role.BIDDER), mini.suppliers["A"]),
        "buyer": (mini.buyer, org),
        "evaluator": (mini.evaluator, org),
        "approver": (mini.approver, org),
    }[who]


def test_anonymous_redirected_to_login(mini):
    url = reverse("calloffs:evaluation_page", args=[mini.calloff.pk])
    response = Client().get(url)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "logg-inn" in response["Location"]
    response = Client().post(reverse("calloffs:evaluation_compute", args=[mini.calloff.pk]))
    assert response.status_code == 302
    assert Evaluation.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_org", 404),
        ("finops", 404),
        ("supplier", 403),
        ("buyer", 200),
        ("evaluator", 200),
        ("approver", 200),
    ],
)
def test_page_permission_matrix(mini, login, other_buyer_org, who, status):
    user, org = _who(mini, who, other_buyer_org)
    response = login(user, org).get(reverse("calloffs:evaluation_page", args=[mini.calloff.pk]))
    assert response.status_code == status


def test_evaluator_sees_declaration_form_first_and_no_offers(mini, login):
    response = login(mini.evaluator, mini.calloff.buyer).get(
        reverse("calloffs:evaluation_page", args=[mini.calloff.pk])
    )
    html = response.content.decode()
    assert "Avgi erklæring" in html
    assert "Leverandør A AS" not in html
    assert "100,00" not in html


def test_declare_via_page_then_scores_shown(mini, login):
    client = login(mini.evaluator, mini.calloff.buyer)
    response = client.post(
        reverse("calloffs:evaluation_declare", args=[mini.calloff.pk]), {"is_impartial": "1", "statement": ""}
    )
    assert response.status_code == 302
    assert ImpartialityDeclaration.objects.get().is_impartial is True
    html = client.get(reverse("calloffs:evaluation_page", args=[mini.calloff.pk])).content.decode()
    assert "Leverandør A AS" in html
    assert "Lagre poeng" in html
    assert "Beregn rangering" in html


def test_declare_partial_without_statement_shows_error(mini, login):
    client = login(mini.evaluator, mini.calloff.buyer)
    response = client.post(
        reverse("calloffs:evaluation_declare", args=[mini.calloff.pk]), {"is_impartial": "0", "statement": ""}
    )
    assert response.status_code == 400
    assert "Beskriv forholdet som gjør deg inhabil." in response.content.decode()
    assert ImpartialityDeclaration.objects.count() == 0


@pytest.mark.parametrize("who", ["buyer", "approver"])
def test_declare_by_buyer_and_approver(mini, login, other_buyer_org, who):
    user, org = _who(mini, who, other_buyer_org)
    response = login(user, org).post(
        reverse("calloffs:evaluation_declare", args=[mini.calloff.pk]), {"is_impartial": "1"}
    )
    assert response.status_code == 302
    assert ImpartialityDeclaration.objects.get().user == user


@pytest.mark.parametrize("who", ["other_org", "supplier"])
def test_declare_denied(mini, login, other_buyer_org, who):
    user, org = _who(mini, who, other_buyer_org)
    response = login(user, org).post(
        reverse("calloffs:evaluation_declare", args=[mini.calloff.pk]), {"is_impartial": "1"}
    )
    assert response.status_code in (403, 404)
    assert ImpartialityDeclaration.objects.count() == 0


def test_score_via_page(mini, login):
    _declared(mini)
    client = login(mini.evaluator, mini.calloff.buyer)
    offer, criterion = mini.offers["A"], mini.quality
    prefix = f"score-{offer.pk}-{criterion.pk}"
    url = reverse("calloffs:evaluation_score", args=[mini.calloff.pk, offer.pk, criterion.pk])
    response = client.post(url, {f"{prefix}-points": "7,5", f"{prefix}-justification": "Solid plan"})
    assert response.status_code == 302
    score = Score.objects.get()
    assert (score.points, score.justification) == (Decimal("7.5"), "Solid plan")
    response = client.post(url, {f"{prefix}-points": "11", f"{prefix}-justification": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "feiloppsummering" in html
    assert Score.objects.get().points == Decimal("7.5")


@pytest.mark.parametrize("who", ["buyer", "approver", "other_org", "supplier", "undeclared"])
def test_score_denied(mini, login, other_buyer_org, who):
    _declared(mini)
    if who == "undeclared":
        user, org = member(mini.calloff.buyer, Role.EVALUATOR), mini.calloff.buyer
    else:
        user, org = _who(mini, who, other_buyer_org)
    offer, criterion = mini.offers["A"], mini.quality
    prefix = f"score-{offer.pk}-{criterion.pk}"
    response = login(user, org).post(
        reverse("calloffs:evaluation_score", args=[mini.calloff.pk, offer.pk, criterion.pk]),
        {f"{prefix}-points": "5", f"{prefix}-justification": "x"},
    )
    assert response.status_code in (403, 404)
    assert Score.objects.count() == 0


def test_reject_via_page(mini, login):
    _declared(mini)
    offer = mini.offers["C"]
    url = reverse("calloffs:evaluation_reject", args=[mini.calloff.pk, offer.pk])
    client = login(mini.evaluator, mini.calloff.buyer)
    assert client.post(url, {f"reject-{offer.pk}-reason": ""}).status_code == 400
    assert client.post(url, {f"reject-{offer.pk}-reason": "Forbehold"}).status_code == 302
    offer.refresh_from_db()
    assert offer.rejection_reason == "Forbehold"


def test_compute_via_page_shows_ranking_and_reversal_warning(mini, login):
    _scored(mini)
    impartiality_declare(actor=mini.buyer, calloff=mini.calloff, is_impartial=True, statement="", now=NOW)
    client = login(mini.buyer, mini.calloff.buyer)
    response = client.post(reverse("calloffs:evaluation_compute", args=[mini.calloff.pk]))
    assert response.status_code == 302
    html = client.get(reverse("calloffs:evaluation_page", args=[mini.calloff.pk])).content.decode()
    assert all(value in html for value in ("6,892", "6,800", "6,000"))
    assert "6,154" in html  # B's price points
    assert "risiko for rangeringsbytte" in html
    assert "Uten tilbudet fra Leverandør C AS ville Leverandør A AS vunnet." in html
    assert Evaluation.objects.get().inputs_hash in html


def test_compute_incomplete_shows_conflict(mini, login):
    _declared(mini)
    response = login(mini.buyer, mini.calloff.buyer).post(
        reverse("calloffs:evaluation_compute", args=[mini.calloff.pk])
    )
    assert response.status_code == 409
    assert "Alle kvalitetskriterier må ha poeng" in response.content.decode()
    assert Evaluation.objects.count() == 0


@pytest.mark.parametrize("who", ["approver", "other_org", "supplier", "finops"])
def test_compute_denied(mini, login, other_buyer_org, who):
    _scored(mini)
    before = AuditEvent.objects.count()
    user, org = _who(mini, who, other_buyer_org)
    response = login(user, org).post(reverse("calloffs:evaluation_compute", args=[mini.calloff.pk]))
    assert response.status_code in (403, 404)
    assert (Evaluation.objects.count(), AuditEvent.objects.count()) == (0, before)


def test_report_pdf(mini, login):
    _scored(mini)
    impartiality_declare(actor=mini.buyer, calloff=mini.calloff, is_impartial=True, statement="", now=NOW)
    client = login(mini.buyer, mini.calloff.buyer)
    assert client.get(reverse("calloffs:evaluation_report_pdf", args=[mini.calloff.pk])).status_code == 404
    client.post(reverse("calloffs:evaluation_compute", args=[mini.calloff.pk]))
    response = client.get(reverse("calloffs:evaluation_report_pdf", args=[mini.calloff.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    supplier, org = member(mini.suppliers["A"], Role.BIDDER), mini.suppliers["A"]
    assert (
        login(supplier, org)
        .get(reverse("calloffs:evaluation_report_pdf", args=[mini.calloff.pk]))
        .status_code
        == 403
    )
