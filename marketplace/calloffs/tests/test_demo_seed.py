"""The call-off demo: every state by every route whose services exist, through the real services; idempotent."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from marketplace.calloffs import demo
from marketplace.calloffs.models import Award, CallOff, Evaluation, Offer, OfferReceipt, Question
from marketplace.calloffs.ocds import release_package, release_package_errors
from marketplace.calloffs.rules.state import CallOffState, CallOffTimes, calloff_state
from marketplace.calloffs.selectors.ocds import calloff_public_list
from marketplace.core.audit import audit_chain_verify
from marketplace.core.demo import seed_all
from marketplace.core.models import AuditEvent

S = CallOffState
STATES_BY_ROUTE = {
    "direct": {S.DRAFT, S.AWARD_DECIDED, S.CONTRACTED},
    "desk": {S.EVALUATION, S.READY_TO_SIGN, S.CONTRACTED},
    "mini_competition": set(CallOffState),
}


def _scenario_calloffs():
    """Other apps' seeders add call-offs of their own (insights: historical "AV-HIST-..."); these are the demo's."""
    return CallOff.objects.filter(reference__regex=demo.SCENARIO_REFERENCE)


def _counts() -> dict[str, int]:
    return {
        "calloffs": _scenario_calloffs().count(),
        "offers": Offer.objects.count(),
        "receipts": OfferReceipt.objects.count(),
        "questions": Question.objects.count(),
        "evaluations": Evaluation.objects.count(),
        "awards": Award.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.django_db
def test_demo_covers_every_state_and_is_idempotent():
    first = seed_all()
    counts = _counts()
    now = timezone.now()
    expected = set().union(*STATES_BY_ROUTE.values())
    states = Counter(calloff_state(CallOffTimes.of(c), now) for c in _scenario_calloffs())
    assert set(states) == expected
    assert counts["calloffs"] == len(demo.SCENARIOS)
    assert first.counts["calloffs"] == counts["calloffs"]
    for state in CallOffState:
        assert first.counts[f"calloffs_{state}"] == states.get(state, 0)

    second = seed_all()
    assert _counts() == counts
    assert second.counts["calloffs"] == counts["calloffs"]
    checked, broken = audit_chain_verify()
    assert broken is None
    assert checked == counts["audit"]


@pytest.mark.django_db
def test_demo_calloffs_publish_valid_ocds_without_offer_content():
    seed_all()
    now = timezone.now()
    secret_prices = {
        str(o.opened_price_amount)
        for o in Offer.objects.filter(opened_price_amount__isnull=False, calloff__in=_scenario_calloffs())
    }
    public = [c for c in calloff_public_list() if _scenario_calloffs().filter(pk=c.pk).exists()]
    assert len(public) == 13
    for calloff in public:
        package = release_package(calloff, now=now)
        assert release_package_errors(package) == [], calloff.reference
        text = str(package)
        state = calloff_state(CallOffTimes.of(calloff), now)
        if state in (S.TENDERING, S.AWAITING_OPENING):
            assert "numberOfTenderers" not in text
        awarded = {str(a.value_amount) for a in Award.objects.filter(calloff=calloff)}
        for price in secret_prices - awarded:
            assert price.removesuffix(".00") not in text
