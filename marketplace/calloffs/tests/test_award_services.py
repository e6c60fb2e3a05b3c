from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import member
from marketplace.calloffs.models import Award, AwardNotice, CascadeStep, Complaint, Evaluation
from marketplace.calloffs.services.award import (
    award_decide,
    award_notice_mark_read,
    award_notice_send,
    complaint_record,
    contract_sign,
    hold_release,
)
from marketplace.calloffs.services.evaluation import evaluation_compute, impartiality_declare, score_record
from marketplace.calloffs.tests.evalaward import NOW, mini_competition
from marketplace.calloffs.tests.factories import CallOffFactory
from marketplace.catalogue.models import Mechanism
from marketplace.catalogue.tests.factories import ContractFactory
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent

UTC = dt.UTC


def _evaluated(buyer_org, quality=None, **fields):
    mini = mini_competition(buyer_org, **fields)
    impartiality_declare(actor=mini.evaluator, calloff=mini.calloff, is_impartial=True, statement="", now=NOW)
    for name, points in (quality or {"A": "5", "B": "8", "C": "0"}).items():
        score_record(
            actor=mini.evaluator,
            offer=mini.offers[name],
            criterion=mini.quality,
            points=points,
            justification=f"Vurdering av {name}",
            now=NOW,
        )
    evaluation_compute(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    return mini


@pytest.fixture
def mini(buyer_org):
    return _evaluated(buyer_org)


def _decide(mini, now=NOW, **kwargs):
    return award_decide(
        actor=mini.approver,
        calloff=mini.calloff,
        justification="Beste forhold mellom pris og kvalitet",
        now=now,
        **kwargs,
    )


def test_decide_mini_awards_rank_one(mini):
    award = _decide(mini)
    assert (award.supplier, award.value_amount, award.offer, award.decided_by) == (
        mini.suppliers["B"],
        Decimal("130.00"),
        mini.offers["B"],
        mini.approver,
    )
    assert award.contract == mini.invitations["B"].contract
    assert award.evaluation == Evaluation.objects.get()
    mini.calloff.refresh_from_db()
    assert mini.calloff.award_decided_at == NOW
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.verb, event.data["supplier"], event.data["value_amount"]) == (
        "award.decided",
        "Leverandør B AS",
        "130.00",
    )


def test_decide_value_override(mini):
    assert _decide(mini, value_amount=Decimal("1560.00")).value_amount == Decimal("1560.00")


@pytest.mark.parametrize("who", ["creator_approver", "buyer", "evaluator", "other_org", "supplier"])
def test_decide_denied(mini, who, other_buyer_org):
    creator = mini.buyer
    if who == "creator_approver":
        member(mini.calloff.buyer, Role.APPROVER, username=creator.username)
        acting_user = acting(mini.calloff.buyer, Role.APPROVER, username=creator.username)
    else:
        acting_user = {
            "buyer": mini.buyer,
            "evaluator": mini.evaluator,
            "other_org": acting(other_buyer_org, Role.APPROVER),
            "supplier": acting(mini.suppliers["B"], Role.SUPPLIER_ADMIN),
        }[who]
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        award_decide(actor=acting_user, calloff=mini.calloff, justification="x", now=NOW)
    mini.calloff.refresh_from_db()
    assert (Award.objects.count(), AuditEvent.objects.count(), mini.calloff.award_decided_at) == (
        0,
        before,
        None,
    )


def test_decide_needs_justification_and_current_ranking(buyer_org):
    mini = _evaluated(buyer_org)
    with pytest.raises(ValidationFailed):
        award_decide(actor=mini.approver, calloff=mini.calloff, justification=" ", now=NOW)
    # a changed score makes the ranking stale
    score_record(
        actor=mini.evaluator,
        offer=mini.offers["A"],
        criterion=mini.quality,
        points="6",
        justification="Ny",
        now=NOW,
    )
    with pytest.raises(Conflict):
        _decide(mini)
    assert Award.objects.count() == 0
    evaluation_compute(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    _decide(mini)
    with pytest.raises(Conflict):
        _decide(mini)


def test_decide_direct_uses_accepted_cascade_step(buyer_org):
    buyer = acting(buyer_org, Role.BUYER)
    calloff = CallOffFactory(
        buyer=buyer_org,
        created_by=buyer,
        mechanism=Mechanism.DIRECT,
        estimated_value_amount=Decimal("800000"),
    )
    first = ContractFactory(lot=calloff.lot, rank=1)
    second = ContractFactory(lot=calloff.lot, rank=2)
    CascadeStep.objects.create(
        calloff=calloff,
        contract=first,
        outcome="no_capacity",
        reason="Fullt",
        recorded_by=buyer,
        recorded_at=NOW,
    )
    CascadeStep.objects.create(
        calloff=calloff, contract=second, outcome="accepted", recorded_by=buyer, recorded_at=NOW
    )
    approver = acting(buyer_org, Role.APPROVER)
    with pytest.raises(Conflict):  # not yet justified
        award_decide(actor=approver, calloff=calloff, justification="Rangering", now=NOW)
    calloff.justified_at = NOW
    calloff.justification = "Rammeavtalens rangering"
    calloff.save()
    award = award_decide(actor=approver, calloff=calloff, justification="Rangering", now=NOW)
    assert (award.contract, award.supplier, award.value_amount, award.evaluation) == (
        second,
        second.supplier,
        Decimal("800000.00"),
        None,
    )
    notices = award_notice_send(actor=buyer, calloff=calloff, now=NOW)
    assert [(n.recipient, n.is_winner) for n in notices] == [(second.supplier, True)]


def test_decide_desk_uses_latest_evaluation_and_notifies_ranked(buyer_org):
    buyer = acting(buyer_org, Role.BUYER)
    calloff = CallOffFactory(buyer=buyer_org, created_by=buyer, mechanism=Mechanism.DESK, evaluated_at=NOW)
    one, two = ContractFactory(lot=calloff.lot, rank=1), ContractFactory(lot=calloff.lot, rank=2)
    ranking = [
        {
            "rank": 1,
            "supplier_id": two.supplier_id,
            "supplier_name": two.supplier.name,
            "offer_id": None,
            "contract_id": two.pk,
            "price_amount": "91000.00",
            "price_points": "10",
            "criteria": {},
            "total_points": "10",
        },
        {
            "rank": 2,
            "supplier_id": one.supplier_id,
            "supplier_name": one.supplier.name,
            "offer_id": None,
            "contract_id": one.pk,
            "price_amount": "99000.00",
            "price_points": "9.12",
            "criteria": {},
            "total_points": "9.12",
        },
    ]
    Evaluation.objects.create(
        calloff=calloff,
        inputs={},
        inputs_hash="0" * 64,
        result={"ranking": ranking[::-1]},
        computed_by=buyer,
        computed_at=NOW - dt.timedelta(hours=1),
    )
    latest = Evaluation.objects.create(
        calloff=calloff,
        inputs={},
        inputs_hash="1" * 64,
        result={"ranking": ranking},
        computed_by=buyer,
        computed_at=NOW,
    )
    award = award_decide(
        actor=acting(buyer_org, Role.APPROVER), calloff=calloff, justification="Lavest", now=NOW
    )
    assert (award.supplier, award.value_amount, award.evaluation, award.offer) == (
        two.supplier,
        Decimal("91000.00"),
        latest,
        None,
    )
    notices = award_notice_send(actor=buyer, calloff=calloff, now=NOW)
    assert sorted((n.recipient_id, n.is_winner) for n in notices) == sorted(
        [(two.supplier_id, True), (one.supplier_id, False)]
    )
    loser = next(n for n in notices if not n.is_winner)
    assert loser.content["advantages"] == [
        "Pris: vinnerens pris 91\xa0000,00 kr ga 10,000 poeng mot 9,120 poeng for deres pris 99\xa0000,00 kr.",
        "Samlet vektet poengsum: vinneren 10,000, dere 9,120.",
    ]


def test_notice_send_one_per_participant_simultaneous_with_content(mini, django_capture_on_commit_callbacks):
    _decide(mini)
    mini.offers["C"].rejected_at = NOW
    mini.offers["C"].rejection_reason = "Forbehold mot kontrakten"
    mini.offers["C"].save()
    for role, username, email in [
        (Role.BIDDER, "a.tilbyder", "a@example.no"),
        (Role.LISTING_EDITOR, "a.redaktor", "redaktor@example.no"),  # not a recipient role
    ]:
        user = member(mini.suppliers["A"], role, username=username)
        user.email = email
        user.save()
    sent = NOW + dt.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notices = award_notice_send(actor=mini.buyer, calloff=mini.calloff, now=sent)
    assert len(callbacks) == 2  # the notice e-mails, then the reminder schedule
    assert {n.sent_at for n in notices} == {sent}
    by_name = {n.recipient.name: n for n in notices}
    assert set(by_name) == {"Leverandør A AS", "Leverandør B AS", "Leverandør C AS"}
    assert by_name["Leverandør B AS"].is_winner is True
    a = by_name["Leverandør A AS"].content
    assert (a["winner_name"], a["is_winner"], a["own_scores"]["rank"], a["winner_scores"]["rank"]) == (
        "Leverandør B AS",
        False,
        2,
        1,
    )
    assert a["advantages"] == [
        "Pris: deres pris 100,00 kr ga flere poeng (8,000) enn vinnerens (6,154).",
        "Kvalitet: vinnerens tilbud ble vurdert høyere, 8,000 mot 5,000 poeng (3,000 poeng mer).",
        "Samlet vektet poengsum: vinneren 6,892, dere 6,800.",
    ]
    c = by_name["Leverandør C AS"].content
    assert c["advantages"] == [
        "Deres tilbud ble avvist og er ikke evaluert. Begrunnelse: Forbehold mot kontrakten"
    ]
    assert c["own_scores"] is None
    # standstill: Mon 2026-03-23 + 10 days = Thu 2026-04-02 (skjærtorsdag) → Easter → Tue 2026-04-07, 24:00 Oslo
    mini.calloff.refresh_from_db()
    assert mini.calloff.award_notice_sent_at == sent
    assert mini.calloff.standstill_ends_at == dt.datetime(2026, 4, 7, 22, 0, tzinfo=UTC)
    assert a["standstill_ends_text"] == "07.04.2026 kl. 24.00"
    assert [m.to for m in mail.outbox] == [["a@example.no"]]
    assert "Leverandør B AS" in mail.outbox[0].body
    assert AuditEvent.objects.order_by("-id").first().verb == "award.notice_sent"
    with pytest.raises(Conflict):
        award_notice_send(actor=mini.buyer, calloff=mini.calloff, now=sent)
    assert AwardNotice.objects.count() == 3


def test_notice_skips_withdrawn_and_excluded(mini):
    _decide(mini)
    mini.offers["C"].withdrawn_at = NOW
    mini.offers["C"].save()
    notices = award_notice_send(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    assert sorted(n.recipient.name for n in notices) == ["Leverandør A AS", "Leverandør B AS"]


@pytest.mark.parametrize("who", ["approver", "evaluator", "other_org", "supplier"])
def test_notice_send_denied(mini, who, other_buyer_org):
    _decide(mini)
    user = {
        "approver": mini.approver,
        "evaluator": mini.evaluator,
        "other_org": acting(other_buyer_org, Role.BUYER),
        "supplier": acting(mini.suppliers["A"], Role.BIDDER),
    }[who]
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        award_notice_send(actor=user, calloff=mini.calloff, now=NOW)
    mini.calloff.refresh_from_db()
    assert (AwardNotice.objects.count(), AuditEvent.objects.count(), mini.calloff.award_notice_sent_at) == (
        0,
        before,
        None,
    )


def test_notice_before_decision_conflicts(mini):
    with pytest.raises(Conflict):
        award_notice_send(actor=mini.buyer, calloff=mini.calloff, now=NOW)


@pytest.mark.parametrize(
    ("sent_oslo", "ends_utc"),
    [
        # procurement-rules.md §1.6: sent → period ends 24:00 Oslo on the last day
        (
            dt.datetime(2026, 3, 24, 14, 0),
            dt.datetime(2026, 4, 7, 22, 0, tzinfo=UTC),
        ),  # Langfredag → Tue 7 Apr
        (
            dt.datetime(2026, 5, 4, 9, 0),
            dt.datetime(2026, 5, 15, 22, 0, tzinfo=UTC),
        ),  # Kristi himmelfart → Fri
        (
            dt.datetime(2026, 12, 15, 15, 30),
            dt.datetime(2026, 12, 28, 23, 0, tzinfo=UTC),
        ),  # 1./2. juledag → Mon
        (dt.datetime(2026, 4, 20, 8, 0), dt.datetime(2026, 4, 30, 22, 0, tzinfo=UTC)),  # no extension
    ],
)
def test_standstill_examples(buyer_org, sent_oslo, ends_utc):
    from marketplace.core.deadlines import OSLO

    mini = _evaluated(buyer_org)
    _decide(mini)
    sent = sent_oslo.replace(tzinfo=OSLO)
    award_notice_send(actor=mini.buyer, calloff=mini.calloff, now=sent)
    mini.calloff.refresh_from_db()
    assert mini.calloff.standstill_ends_at == ends_utc
    just_before = ends_utc - dt.timedelta(seconds=1)
    with pytest.raises(Conflict) as info:
        contract_sign(actor=mini.buyer, calloff=mini.calloff, now=just_before)
    end_day = (ends_utc - dt.timedelta(days=1)).astimezone(OSLO).date()
    assert f"{end_day:%d.%m.%Y} kl. 24.00" in info.value.message
    contract_sign(actor=mini.buyer, calloff=mini.calloff, now=ends_utc)
    mini.calloff.refresh_from_db()
    assert mini.calloff.contract_signed_at == ends_utc


def test_no_standstill_signs_right_after_notice(buyer_org):
    mini = _evaluated(buyer_org, has_standstill=False)
    _decide(mini)
    award_notice_send(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    mini.calloff.refresh_from_db()
    assert mini.calloff.standstill_ends_at is None
    contract_sign(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    assert Award.objects.get().signed_by == mini.buyer


def test_complaint_hold_blocks_signing_until_released(mini):
    _decide(mini)
    award_notice_send(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    mini.calloff.refresh_from_db()
    during = NOW + dt.timedelta(days=3)
    complaint = complaint_record(
        actor=mini.buyer,
        calloff=mini.calloff,
        complainant=mini.suppliers["A"],
        description="Feil i poengberegningen",
        put_on_hold=True,
        now=during,
    )
    mini.calloff.refresh_from_db()
    assert mini.calloff.on_hold_since == during
    after = mini.calloff.standstill_ends_at + dt.timedelta(days=1)
    with pytest.raises(Conflict) as info:
        contract_sign(actor=mini.buyer, calloff=mini.calloff, now=after)
    assert "stanset" in info.value.message
    with pytest.raises(ValidationFailed):
        hold_release(actor=mini.buyer, calloff=mini.calloff, resolution="", now=after)
    hold_release(
        actor=mini.buyer, calloff=mini.calloff, resolution="Klagen ble ikke tatt til følge", now=after
    )
    complaint.refresh_from_db()
    assert (complaint.resolved_at, complaint.resolution) == (after, "Klagen ble ikke tatt til følge")
    contract_sign(actor=mini.buyer, calloff=mini.calloff, now=after)
    verbs = list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))
    assert verbs[-4:] == [
        "award.notice_sent",
        "complaint.recorded",
        "calloff.hold_released",
        "contract.signed",
    ]
    with pytest.raises(Conflict):
        contract_sign(actor=mini.buyer, calloff=mini.calloff, now=after)


def test_complaint_needs_description_and_notice(mini):
    with pytest.raises(ValidationFailed):
        complaint_record(
            actor=mini.buyer,
            calloff=mini.calloff,
            complainant=mini.suppliers["A"],
            description="",
            put_on_hold=False,
            now=NOW,
        )
    with pytest.raises(Conflict):
        complaint_record(
            actor=mini.buyer,
            calloff=mini.calloff,
            complainant=mini.suppliers["A"],
            description="x",
            put_on_hold=False,
            now=NOW,
        )
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize("who", ["approver", "evaluator", "supplier"])
def test_sign_and_complaint_denied(mini, who):
    _decide(mini)
    award_notice_send(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    user = {
        "approver": mini.approver,
        "evaluator": mini.evaluator,
        "supplier": acting(mini.suppliers["B"], Role.SUPPLIER_ADMIN),
    }[who]
    later = NOW + dt.timedelta(days=30)
    with pytest.raises(PermissionDenied):
        contract_sign(actor=user, calloff=mini.calloff, now=later)
    with pytest.raises(PermissionDenied):
        complaint_record(
            actor=user,
            calloff=mini.calloff,
            complainant=mini.suppliers["A"],
            description="x",
            put_on_hold=True,
            now=later,
        )
    mini.calloff.refresh_from_db()
    assert (mini.calloff.contract_signed_at, mini.calloff.on_hold_since, Complaint.objects.count()) == (
        None,
        None,
        0,
    )


def test_mark_read_only_by_recipient(mini):
    _decide(mini)
    notices = {
        n.recipient.name: n for n in award_notice_send(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    }
    notice = notices["Leverandør A AS"]
    with pytest.raises(PermissionDenied):
        award_notice_mark_read(actor=acting(mini.suppliers["B"], Role.BIDDER), notice=notice, now=NOW)
    award_notice_mark_read(actor=acting(mini.suppliers["A"], Role.BIDDER), notice=notice, now=NOW)
    notice.refresh_from_db()
    assert notice.read_at == NOW
