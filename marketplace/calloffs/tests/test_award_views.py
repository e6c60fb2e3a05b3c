from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import member
from marketplace.calloffs.models import Award, AwardNotice, Complaint
from marketplace.calloffs.services.award import award_decide, award_notice_send
from marketplace.calloffs.services.evaluation import evaluation_compute, impartiality_declare, score_record
from marketplace.calloffs.tests.evalaward import NOW, mini_competition
from marketplace.core.models import AuditEvent


def _evaluated(buyer_org):
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
    evaluation_compute(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    return mini


@pytest.fixture
def mini(buyer_org):
    return _evaluated(buyer_org)


def _decided(mini):
    return award_decide(actor=mini.approver, calloff=mini.calloff, justification="Best totalt", now=NOW)


def _sent(mini):
    _decided(mini)
    return {n.recipient.name: n for n in award_notice_send(actor=mini.buyer, calloff=mini.calloff, now=NOW)}


def _who(mini, who, other_buyer_org):
    org = mini.calloff.buyer
    return {
        "other_org": (member(other_buyer_org, Role.APPROVER, Role.BUYER), other_buyer_org),
        "supplier": (member(mini.suppliers["A"], Role.BIDDER), mini.suppliers["A"]),
        "buyer": (mini.buyer, org),
        "evaluator": (mini.evaluator, org),
        "approver": (mini.approver, org),
    }[who]


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_org", 404), ("supplier", 403), ("buyer", 200), ("evaluator", 200), ("approver", 200)],
)
def test_award_page_matrix(mini, login, other_buyer_org, who, status):
    user, org = _who(mini, who, other_buyer_org)
    assert login(user, org).get(reverse("calloffs:award_page", args=[mini.calloff.pk])).status_code == status


def test_anonymous_redirected(mini):
    for name in ("award_page", "calloff_record_pdf"):
        assert Client().get(reverse(f"calloffs:{name}", args=[mini.calloff.pk])).status_code == 302
    assert (
        Client()
        .post(reverse("calloffs:award_decide", args=[mini.calloff.pk]), {"justification": "x"})
        .status_code
        == 302
    )
    assert Client().get(reverse("calloffs:notice_inbox")).status_code == 302
    assert Award.objects.count() == 0


def test_approver_decides_via_panel(mini, login):
    client = login(mini.approver, mini.calloff.buyer)
    html = client.get(reverse("calloffs:award_page", args=[mini.calloff.pk])).content.decode()
    assert "Beslutt tildeling" in html
    assert "Rangert først: Leverandør B AS (6,892 poeng)." in html
    response = client.post(reverse("calloffs:award_decide", args=[mini.calloff.pk]), {"justification": ""})
    assert response.status_code == 400
    assert Award.objects.count() == 0
    response = client.post(
        reverse("calloffs:award_decide", args=[mini.calloff.pk]),
        {"justification": "Best totalt", "value_amount": ""},
    )
    assert response.status_code == 302
    assert Award.objects.get().supplier == mini.suppliers["B"]


@pytest.mark.parametrize("who", ["buyer", "evaluator", "other_org", "supplier"])
def test_decide_denied(mini, login, other_buyer_org, who):
    user, org = _who(mini, who, other_buyer_org)
    before = AuditEvent.objects.count()
    response = login(user, org).post(
        reverse("calloffs:award_decide", args=[mini.calloff.pk]), {"justification": "x"}
    )
    assert response.status_code in (403, 404)
    assert (Award.objects.count(), AuditEvent.objects.count()) == (0, before)


def test_buyer_sends_notices_and_sign_button_disabled_with_reason(mini, login):
    _decided(mini)
    client = login(mini.buyer, mini.calloff.buyer)
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("calloffs:award_notice_send", args=[mini.calloff.pk]))
        assert response.status_code == 302
        assert AwardNotice.objects.count() == 3
        html = client.get(reverse("calloffs:award_page", args=[mini.calloff.pk])).content.decode()
    assert "utløper 07.04.2026 kl. 24.00 (norsk tid), om 2\xa0uker, 1\xa0dag." in html
    assert "disabled" in html
    assert "Kontrakten kan ikke signeres før karensperioden utløper 07.04.2026 kl. 24.00 (norsk tid)." in html
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        response = client.post(reverse("calloffs:award_contract_sign", args=[mini.calloff.pk]))
    assert response.status_code == 409
    mini.calloff.refresh_from_db()
    assert mini.calloff.contract_signed_at is None
    with time_machine.travel(dt.datetime(2026, 4, 8, 8, 0, tzinfo=dt.UTC), tick=False):
        response = client.post(reverse("calloffs:award_contract_sign", args=[mini.calloff.pk]))
    assert response.status_code == 302
    mini.calloff.refresh_from_db()
    assert mini.calloff.contract_signed_at == dt.datetime(2026, 4, 8, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("who", ["approver", "evaluator", "other_org", "supplier"])
def test_send_and_sign_denied(mini, login, other_buyer_org, who):
    _decided(mini)
    user, org = _who(mini, who, other_buyer_org)
    client = login(user, org)
    assert client.post(reverse("calloffs:award_notice_send", args=[mini.calloff.pk])).status_code in (
        403,
        404,
    )
    assert client.post(reverse("calloffs:award_contract_sign", args=[mini.calloff.pk])).status_code in (
        403,
        404,
    )
    mini.calloff.refresh_from_db()
    assert (
        AwardNotice.objects.count(),
        mini.calloff.award_notice_sent_at,
        mini.calloff.contract_signed_at,
    ) == (
        0,
        None,
        None,
    )


def test_complaint_and_hold_via_panel(mini, login):
    _sent(mini)
    client = login(mini.buyer, mini.calloff.buyer)
    url = reverse("calloffs:award_complaint", args=[mini.calloff.pk])
    response = client.post(
        url, {"complainant": mini.suppliers["A"].pk, "description": "", "put_on_hold": "on"}
    )
    assert response.status_code == 400
    assert Complaint.objects.count() == 0
    response = client.post(
        url, {"complainant": mini.suppliers["A"].pk, "description": "Feil i poeng", "put_on_hold": "on"}
    )
    assert response.status_code == 302
    mini.calloff.refresh_from_db()
    assert mini.calloff.on_hold_since is not None
    html = client.get(reverse("calloffs:award_page", args=[mini.calloff.pk])).content.decode()
    assert "Opphev stansen" in html
    response = client.post(
        reverse("calloffs:award_hold_release", args=[mini.calloff.pk]), {"resolution": "Avvist"}
    )
    assert response.status_code == 302
    mini.calloff.refresh_from_db()
    assert mini.calloff.on_hold_since is None
    assert Complaint.objects.get().resolution == "Avvist"


def test_supplier_inbox_shows_own_notices_and_marks_read(mini, login):
    notices = _sent(mini)
    a_user = member(mini.suppliers["A"], Role.BIDDER)
    client = login(a_user, mini.suppliers["A"])
    html = client.get(reverse("calloffs:notice_inbox")).content.decode()
    assert "Tildelt Leverandør B AS" in html
    assert "Ulest" in html
    own = notices["Leverandør A AS"]
    detail = client.get(reverse("calloffs:notice_detail", args=[own.pk])).content.decode()
    assert "Kvalitet: vinnerens tilbud ble vurdert høyere, 8,000 mot 5,000 poeng (3,000 poeng mer)." in detail
    assert "Marker som lest" in detail
    assert client.post(reverse("calloffs:notice_mark_read", args=[own.pk])).status_code == 302
    own.refresh_from_db()
    assert own.read_at is not None
    # another supplier's notice: 404, and cannot mark it read
    other = notices["Leverandør B AS"]
    assert client.get(reverse("calloffs:notice_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("calloffs:notice_pdf", args=[other.pk])).status_code == 404
    assert client.post(reverse("calloffs:notice_mark_read", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.parametrize(
    ("who", "status"), [("buyer", 403), ("listing_editor", 403), ("other_supplier_bidder", 200)]
)
def test_inbox_matrix(mini, login, buyer_org, who, status):
    _sent(mini)
    if who == "buyer":
        user, org = mini.buyer, buyer_org
    elif who == "listing_editor":
        user, org = member(mini.suppliers["A"], Role.LISTING_EDITOR), mini.suppliers["A"]
    else:
        from marketplace.accounts.tests.factories import SupplierFactory

        org = SupplierFactory(name="Utenforstående AS")
        user = member(org, Role.BIDDER)
    response = login(user, org).get(reverse("calloffs:notice_inbox"))
    assert response.status_code == status
    if status == 200:
        assert "Ingen meldinger." in response.content.decode()


def test_notice_pdf_own_and_buyer(mini, login):
    notices = _sent(mini)
    own = notices["Leverandør A AS"]
    a_client = login(member(mini.suppliers["A"], Role.SUPPLIER_ADMIN), mini.suppliers["A"])
    response = a_client.get(reverse("calloffs:notice_pdf", args=[own.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    buyer_client = login(mini.buyer, mini.calloff.buyer)
    assert buyer_client.get(reverse("calloffs:notice_pdf", args=[own.pk])).status_code == 200


def test_record_pdf_matrix(mini, login, other_buyer_org):
    _sent(mini)
    assert (
        login(mini.approver, mini.calloff.buyer)
        .get(reverse("calloffs:calloff_record_pdf", args=[mini.calloff.pk]))
        .content.startswith(b"%PDF")
    )
    other = member(other_buyer_org, Role.BUYER)
    assert (
        login(other, other_buyer_org)
        .get(reverse("calloffs:calloff_record_pdf", args=[mini.calloff.pk]))
        .status_code
        == 404
    )
    supplier = member(mini.suppliers["A"], Role.BIDDER)
    assert (
        login(supplier, mini.suppliers["A"])
        .get(reverse("calloffs:calloff_record_pdf", args=[mini.calloff.pk]))
        .status_code
        == 403
    )


def test_detail_page_panels(mini, login):
    _sent(mini)
    url = reverse("calloffs:detail", args=[mini.calloff.pk])
    buyer_html = login(mini.buyer, mini.calloff.buyer).get(url).content.decode()
    assert "Gå til tildeling" in buyer_html
    assert "Gå til evalueringen" in buyer_html
    assert reverse("calloffs:calloff_record_pdf", args=[mini.calloff.pk]) in buyer_html
    supplier = member(mini.suppliers["A"], Role.BIDDER)
    supplier_html = login(supplier, mini.suppliers["A"]).get(url).content.decode()
    assert "Se meldingen under Meldinger" in supplier_html
    assert "Gå til evalueringen" not in supplier_html
    assert reverse("calloffs:calloff_record_pdf", args=[mini.calloff.pk]) not in supplier_html
