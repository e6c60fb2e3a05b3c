"""Scoping and query counts of the evaluation and award reads."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import Role
from marketplace.calloffs.selectors import award as award_selectors
from marketplace.calloffs.selectors import evaluation as evaluation_selectors
from marketplace.calloffs.services.award import award_decide, award_notice_send
from marketplace.calloffs.services.evaluation import evaluation_compute, impartiality_declare, score_record
from marketplace.calloffs.tests.evalaward import NOW, mini_competition
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.exceptions import NotFound


def _sent(buyer_org):
    mini = mini_competition(buyer_org)
    impartiality_declare(actor=mini.evaluator, calloff=mini.calloff, is_impartial=True, statement="", now=NOW)
    for name, points in {"A": "5", "B": "8", "C": "0"}.items():
        score_record(
            actor=mini.evaluator,
            offer=mini.offers[name],
            criterion=mini.quality,
            points=points,
            justification="x",
            now=NOW,
        )
    evaluation_compute(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    award_decide(actor=mini.approver, calloff=mini.calloff, justification="Best", now=NOW)
    award_notice_send(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    return mini


def test_supplier_notices_scoped_and_constant_queries(buyer_org, other_buyer_org, django_assert_num_queries):
    mini = _sent(buyer_org)
    _sent(other_buyer_org)  # another call-off with other suppliers
    bidder = acting(mini.suppliers["A"], Role.BIDDER)
    with django_assert_num_queries(1):
        rows = [
            (n.award.calloff.reference, n.award.calloff.buyer.name)
            for n in award_selectors.notice_list_for_supplier(bidder)
        ]
    assert rows == [(mini.calloff.reference, buyer_org.name)]
    editor = acting(mini.suppliers["A"], Role.LISTING_EDITOR)
    assert list(award_selectors.notice_list_for_supplier(editor)) == []
    assert list(award_selectors.notice_list_for_supplier(mini.buyer)) == []


def test_notice_get_visible_to(buyer_org, other_buyer_org):
    mini = _sent(buyer_org)
    notice = award_selectors.notice_list_for_calloff(mini.calloff).get(recipient=mini.suppliers["A"])
    assert (
        award_selectors.notice_get_visible_to(acting(mini.suppliers["A"], Role.BIDDER), notice.pk) == notice
    )
    assert award_selectors.notice_get_visible_to(mini.approver, notice.pk) == notice
    for user in (acting(mini.suppliers["B"], Role.BIDDER), acting(other_buyer_org, Role.BUYER)):
        with pytest.raises(NotFound):
            award_selectors.notice_get_visible_to(user, notice.pk)
    with pytest.raises(NotFound):
        award_selectors.notice_get_visible_to(mini.buyer, 999_999)


def test_audit_trail_only_this_calloff(buyer_org, other_buyer_org):
    mini = _sent(buyer_org)
    _sent(other_buyer_org)
    verbs = list(award_selectors.audit_trail_for(mini.calloff).values_list("verb", flat=True))
    assert verbs == [
        "impartiality.declared",
        "score.recorded",
        "score.recorded",
        "score.recorded",
        "evaluation.computed",
        "award.decided",
        "award.notice_sent",
    ]


def test_may_see_offers(buyer_org):
    mini = mini_competition(buyer_org)
    assert evaluation_selectors.may_see_offers(mini.buyer, mini.calloff) is True
    assert evaluation_selectors.may_see_offers(mini.evaluator, mini.calloff) is False
    impartiality_declare(actor=mini.evaluator, calloff=mini.calloff, is_impartial=True, statement="", now=NOW)
    assert evaluation_selectors.may_see_offers(mini.evaluator, mini.calloff) is True
    assert (
        evaluation_selectors.may_see_offers(acting(mini.suppliers["A"], Role.BIDDER), mini.calloff) is False
    )
    unopened = mini_competition(buyer_org, offers_opened_at=None)
    assert evaluation_selectors.may_see_offers(unopened.buyer, unopened.calloff) is False
