from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from marketplace.accounts.models import Role
from marketplace.calloffs.models import Evaluation, ImpartialityDeclaration, Score
from marketplace.calloffs.services.evaluation import (
    evaluation_compute,
    evaluation_result,
    impartiality_declare,
    offer_reject,
    score_record,
)
from marketplace.calloffs.tests.evalaward import NOW, mini_competition
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.core.rules import canonical_json

D = Decimal


@pytest.fixture
def mini(buyer_org):
    return mini_competition(buyer_org)


def _declare(mini, user=None, impartial=True, statement=""):
    return impartiality_declare(
        actor=user or mini.evaluator,
        calloff=mini.calloff,
        is_impartial=impartial,
        statement=statement,
        now=NOW,
    )


def _score_all(mini, quality=None):
    quality = quality or {"A": "5", "B": "8", "C": "0"}
    for name, points in quality.items():
        score_record(
            actor=mini.evaluator,
            offer=mini.offers[name],
            criterion=mini.quality,
            points=points,
            justification=f"Begrunnelse for {name}",
            now=NOW,
        )


def _verbs():
    return list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))


def test_declare_records_and_audits(mini):
    declaration = _declare(mini)
    assert (declaration.is_impartial, declaration.declared_at) == (True, NOW)
    assert _verbs() == ["impartiality.declared"]
    with pytest.raises(Conflict):
        _declare(mini)
    assert ImpartialityDeclaration.objects.count() == 1


def test_declare_partial_needs_statement(mini):
    with pytest.raises(ValidationFailed):
        _declare(mini, impartial=False)
    assert ImpartialityDeclaration.objects.count() == 0


@pytest.mark.parametrize("who", ["buyer", "approver", "other_org", "supplier"])
def test_declare_only_evaluators(mini, who, other_buyer_org):
    user = {
        "buyer": mini.buyer,
        "approver": mini.approver,
        "other_org": acting(other_buyer_org, Role.EVALUATOR),
        "supplier": acting(mini.suppliers["A"], Role.BIDDER),
    }[who]
    with pytest.raises(PermissionDenied):
        _declare(mini, user=user)
    assert (ImpartialityDeclaration.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_score_needs_impartial_declaration(mini):
    with pytest.raises(PermissionDenied):
        _score_all(mini)
    _declare(mini, impartial=False, statement="Tidligere ansatt hos Leverandør A")
    with pytest.raises(PermissionDenied):
        _score_all(mini)
    assert Score.objects.count() == 0
    assert _verbs() == ["impartiality.declared"]


def test_score_records_and_replaces(mini):
    _declare(mini)
    score = score_record(
        actor=mini.evaluator,
        offer=mini.offers["A"],
        criterion=mini.quality,
        points="5,5",
        justification="God plan",
        now=NOW,
    )
    assert (score.points, score.justification, score.scored_by) == (D("5.5"), "God plan", mini.evaluator)
    score_record(
        actor=mini.evaluator,
        offer=mini.offers["A"],
        criterion=mini.quality,
        points=6,
        justification="Bedre enn først antatt",
        now=NOW,
    )
    assert Score.objects.get().points == D("6")
    assert _verbs() == ["impartiality.declared", "score.recorded", "score.changed"]


@pytest.mark.parametrize("points", ["-1", "10.01", "abc", "5.555", "NaN"])
def test_score_range(mini, points):
    _declare(mini)
    with pytest.raises(ValidationFailed):
        score_record(
            actor=mini.evaluator,
            offer=mini.offers["A"],
            criterion=mini.quality,
            points=points,
            justification="x",
            now=NOW,
        )
    assert Score.objects.count() == 0


def test_score_needs_justification_and_quality_criterion(mini):
    _declare(mini)
    with pytest.raises(ValidationFailed):
        score_record(
            actor=mini.evaluator,
            offer=mini.offers["A"],
            criterion=mini.quality,
            points=5,
            justification=" ",
            now=NOW,
        )
    with pytest.raises(ValidationFailed):
        score_record(
            actor=mini.evaluator,
            offer=mini.offers["A"],
            criterion=mini.price,
            points=5,
            justification="x",
            now=NOW,
        )
    assert Score.objects.count() == 0


def test_score_before_opening_conflicts(buyer_org):
    mini = mini_competition(buyer_org, offers_opened_at=None)
    _declare(mini)
    with pytest.raises(Conflict):
        _score_all(mini)
    assert Score.objects.count() == 0


def test_compute_section_2_4_example_warns_rank_reversal(mini):
    _declare(mini)
    _score_all(mini)
    evaluation = evaluation_compute(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    ranking = evaluation.result["ranking"]
    assert [(r["rank"], r["supplier_name"], D(r["total_points"]).quantize(D("0.001"))) for r in ranking] == [
        (1, "Leverandør B AS", D("6.892")),
        (2, "Leverandør A AS", D("6.800")),
        (3, "Leverandør C AS", D("6.000")),
    ]
    b = ranking[0]
    assert b["price_amount"] == "130.00"
    assert b["price_points"] == "6.153846153846153846153846154"
    assert b["criteria"] == {str(mini.price.pk): b["price_points"], str(mini.quality.pk): "8.00"}
    assert b["offer_id"] == mini.offers["B"].pk
    assert b["contract_id"] == mini.invitations["B"].contract_id
    assert evaluation.has_rank_reversal_risk is True
    removed_c = next(
        c for c in evaluation.result["rank_reversal"]["checks"] if c["removed_supplier_name"].endswith("C AS")
    )
    assert (removed_c["winner_supplier_name"], removed_c["winner_changed"]) == ("Leverandør A AS", True)
    assert evaluation.inputs_hash == hashlib.sha256(canonical_json(evaluation.inputs).encode()).hexdigest()
    assert evaluation_result(evaluation.inputs) == evaluation.result  # reproducible from the frozen inputs
    mini.calloff.refresh_from_db()
    assert mini.calloff.evaluated_at == NOW
    assert _verbs()[-1] == "evaluation.computed"


def test_reject_c_then_recompute_a_wins_and_rank_is_stale_in_between(mini):
    _declare(mini)
    _score_all(mini)
    evaluation_compute(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    later = NOW + dt.timedelta(hours=1)
    offer_reject(
        actor=mini.evaluator,
        calloff=mini.calloff,
        offer=mini.offers["C"],
        reason="Oppfyller ikke kravene",
        now=later,
    )
    mini.calloff.refresh_from_db()
    assert mini.calloff.evaluated_at is None
    evaluation = evaluation_compute(actor=mini.buyer, calloff=mini.calloff, now=later)
    assert [(r["supplier_name"], r["total_points"]) for r in evaluation.result["ranking"]] == [
        ("Leverandør A AS", "8.0000"),
        ("Leverandør B AS", "7.815384615384615384615384615"),
    ]
    assert evaluation.result["excluded"] == [
        {
            "supplier_id": mini.suppliers["C"].pk,
            "supplier_name": "Leverandør C AS",
            "reason": "Oppfyller ikke kravene",
        }
    ]
    assert evaluation.has_rank_reversal_risk is False
    assert Evaluation.objects.count() == 2


def test_reject_needs_reason_and_declared_evaluator(mini):
    with pytest.raises(PermissionDenied):
        offer_reject(actor=mini.evaluator, calloff=mini.calloff, offer=mini.offers["C"], reason="x", now=NOW)
    _declare(mini)
    with pytest.raises(ValidationFailed):
        offer_reject(actor=mini.evaluator, calloff=mini.calloff, offer=mini.offers["C"], reason="", now=NOW)
    mini.offers["C"].refresh_from_db()
    assert mini.offers["C"].rejected_at is None
    offer_reject(actor=mini.evaluator, calloff=mini.calloff, offer=mini.offers["C"], reason="Avvik", now=NOW)
    with pytest.raises(Conflict):
        offer_reject(
            actor=mini.evaluator, calloff=mini.calloff, offer=mini.offers["C"], reason="Avvik", now=NOW
        )


def test_compute_needs_every_quality_score(mini):
    _declare(mini)
    _score_all(mini, {"A": "5", "B": "8"})
    with pytest.raises(Conflict) as info:
        evaluation_compute(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    assert "Leverandør C AS: Kvalitet" in info.value.message
    assert Evaluation.objects.count() == 0
    mini.calloff.refresh_from_db()
    assert mini.calloff.evaluated_at is None


def test_compute_skips_withdrawn_offers(mini):
    _declare(mini)
    _score_all(mini, {"A": "5", "B": "8"})
    mini.offers["C"].withdrawn_at = NOW
    mini.offers["C"].save()
    evaluation = evaluation_compute(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    assert [r["supplier_name"] for r in evaluation.result["ranking"]] == [
        "Leverandør A AS",
        "Leverandør B AS",
    ]
    assert evaluation.result["excluded"] == []


@pytest.mark.parametrize("who", ["approver", "other_org", "undeclared_evaluator"])
def test_compute_denied(mini, who, other_buyer_org):
    _declare(mini)
    _score_all(mini)
    user = {
        "approver": mini.approver,
        "other_org": acting(other_buyer_org, Role.BUYER),
        "undeclared_evaluator": acting(mini.calloff.buyer, Role.EVALUATOR),
    }[who]
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        evaluation_compute(actor=user, calloff=mini.calloff, now=NOW)
    assert (Evaluation.objects.count(), AuditEvent.objects.count()) == (0, before)


def test_compute_by_declared_evaluator(mini):
    _declare(mini)
    _score_all(mini)
    assert (
        evaluation_compute(actor=mini.evaluator, calloff=mini.calloff, now=NOW).computed_by == mini.evaluator
    )


def test_compute_weights_must_sum_to_100(mini):
    _declare(mini)
    _score_all(mini)
    mini.quality.weight_percent = D(30)
    mini.quality.save()
    with pytest.raises(Conflict):
        evaluation_compute(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    assert Evaluation.objects.count() == 0


def test_compute_tie_break_framework_rank(buyer_org):
    mini = mini_competition(buyer_org, {"A": ("100", 2), "B": ("100", 1)}, tie_break="framework_rank")
    _declare(mini)
    _score_all(mini, {"A": "7", "B": "7"})
    evaluation = evaluation_compute(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    assert [(r["rank"], r["supplier_name"]) for r in evaluation.result["ranking"]] == [
        (1, "Leverandør B AS"),
        (2, "Leverandør A AS"),
    ]
