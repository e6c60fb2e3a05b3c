"""The award for a desk evaluation, through the desk area's services."""

from __future__ import annotations

from decimal import Decimal

from marketplace.accounts.models import Role
from marketplace.calloffs.services.award import award_decide, award_notice_send
from marketplace.calloffs.services.desk import basket_set, desk_evaluate
from marketplace.calloffs.tests.desk_data import BASKET, NOW, desk_world
from marketplace.catalogue.tests.helpers import acting


def test_desk_award_goes_to_rank_one_and_notices_go_to_the_ranked(buyer_org):
    world = desk_world(buyer_org)
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    evaluation = desk_evaluate(actor=world.buyer, calloff=world.calloff, now=NOW)
    award = award_decide(
        actor=acting(buyer_org, Role.APPROVER),
        calloff=world.calloff,
        justification="Lavest kurvpris",
        now=NOW,
    )
    assert (award.contract, award.value_amount, award.evaluation, award.offer) == (
        world.fjellskyen,
        Decimal("189312.00"),
        evaluation,
        None,
    )
    notices = {
        n.recipient.name: n for n in award_notice_send(actor=world.buyer, calloff=world.calloff, now=NOW)
    }
    assert sorted(notices) == ["Fjellskyen AS", "Nordsky AS"]  # Atlanterhavet was excluded, not ranked
    assert notices["Nordsky AS"].content["advantages"] == [
        "Pris: vinnerens pris 189\xa0312,00 kr ga 10,000 poeng mot 9,820 poeng for deres pris 192\xa0800,00 kr.",
        "Samlet vektet poengsum: vinneren 10,000, dere 9,820.",
    ]
