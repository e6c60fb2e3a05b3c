"""Mini-competition pages: the buyer's workspace, exclusion, documents, criteria and model, lock, publish, Q&A."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import member
from marketplace.calloffs.models import CallOff, CallOffDocument, Criterion, Invitation, Question
from marketplace.calloffs.tests.mini_world import build_world, counts, live_publish, prepare
from marketplace.core.deadlines import OSLO
from marketplace.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def url(calloff, suffix=""):
    return f"/avrop/{calloff.pk}/minikonkurranse/{suffix}"


def test_workspace_permission_matrix(world, login):
    finops = member(world.buyer_org, Role.FINOPS_ANALYST, username="finops")
    assert Client().get(url(world.calloff)).status_code == 302  # anonymous → log-in
    assert login(world.other_buyer, world.other_buyer_org).get(url(world.calloff)).status_code == 404
    assert login(finops, world.buyer_org).get(url(world.calloff)).status_code == 404
    assert login(world.outsider_bidder, world.outsider_supplier).get(url(world.calloff)).status_code == 404
    response = login(world.evaluator, world.buyer_org).get(url(world.calloff))
    assert response.status_code == 200
    assert "Utelat Nordsky AS" not in response.content.decode()  # sees, cannot prepare
    response = login(world.buyer, world.buyer_org).get(url(world.calloff))
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("Nordsky AS", "Fjellsky AS", "Havsky AS"):
        assert f"Utelat {name}" in body
    assert login(world.mps_admin, world.mps_org).get(url(world.calloff)).status_code == 200


def test_invited_supplier_is_sent_to_the_offer_page(world, login):
    live_publish(world)
    response = login(world.bidders[0], world.suppliers[0]).get(url(world.calloff))
    assert response.status_code == 302
    assert response["Location"] == f"/avrop/{world.calloff.pk}/tilbud/"


def test_exclude_and_include(world, login):
    invitation = Invitation.objects.get(supplier=world.suppliers[1])
    client = login(world.buyer, world.buyer_org)
    response = client.post(
        url(world.calloff, f"invitasjoner/{invitation.pk}/utelat/"), {f"inv{invitation.pk}-reason": ""}
    )
    assert response.status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).excluded_reason == ""
    response = client.post(
        url(world.calloff, f"invitasjoner/{invitation.pk}/utelat/"),
        {f"inv{invitation.pk}-reason": "Mangler kapasitet"},
        follow=True,
    )
    assert "Fjellsky AS er utelatt fra minikonkurransen." in response.content.decode()
    assert "Utelatt: Mangler kapasitet" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).excluded_reason == "Mangler kapasitet"
    client.post(url(world.calloff, f"invitasjoner/{invitation.pk}/inkluder/"))
    assert Invitation.objects.get(pk=invitation.pk).excluded_reason == ""


def test_exclude_denied_for_evaluator_and_other_organisation(world, login):
    invitation = Invitation.objects.get(supplier=world.suppliers[1])
    data = {f"inv{invitation.pk}-reason": "x"}
    before = counts(AuditEvent)
    assert (
        login(world.evaluator, world.buyer_org)
        .post(url(world.calloff, f"invitasjoner/{invitation.pk}/utelat/"), data)
        .status_code
        == 403
    )
    assert (
        login(world.other_buyer, world.other_buyer_org)
        .post(url(world.calloff, f"invitasjoner/{invitation.pk}/utelat/"), data)
        .status_code
        == 404
    )
    assert (
        login(world.bidders[1], world.suppliers[1])
        .post(url(world.calloff, f"invitasjoner/{invitation.pk}/utelat/"), data)
        .status_code
        == 404
    )
    assert Invitation.objects.get(pk=invitation.pk).excluded_reason == ""
    assert counts(AuditEvent) == before


def test_document_upload_and_download(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(world.buyer, world.buyer_org)
    response = client.post(
        url(world.calloff, "dokumenter/"),
        {
            "title": "Kravspesifikasjon",
            "file": SimpleUploadedFile("krav.pdf", b"%PDF-1.4 krav", "application/pdf"),
        },
        follow=True,
    )
    assert "Dokumentet «Kravspesifikasjon» er lastet opp." in response.content.decode()
    document = CallOffDocument.objects.get()
    # a disguised file is refused with a Norwegian message
    response = client.post(
        url(world.calloff, "dokumenter/"),
        {"title": "x", "file": SimpleUploadedFile("x.pdf", b"<html>", "application/pdf")},
        follow=True,
    )
    assert "Innholdet i filen stemmer ikke med filtypen." in response.content.decode()
    assert CallOffDocument.objects.count() == 1
    # the evaluator may not upload
    assert (
        login(world.evaluator, world.buyer_org)
        .post(url(world.calloff, "dokumenter/"), {"file": SimpleUploadedFile("a.txt", b"a")})
        .status_code
        == 403
    )
    download = f"/avrop/{world.calloff.pk}/dokumenter/{document.pk}/"
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 krav"
    assert login(world.other_buyer, world.other_buyer_org).get(download).status_code == 404
    # suppliers only once invited
    assert login(world.bidders[0], world.suppliers[0]).get(download).status_code == 404
    live_publish(world)
    assert login(world.bidders[0], world.suppliers[0]).get(download).status_code == 200
    assert login(world.outsider_bidder, world.outsider_supplier).get(download).status_code == 404


def test_evaluation_model_form(world, login):
    client = login(world.buyer, world.buyer_org)
    page = client.get(url(world.calloff, "kriterier/"))
    assert page.status_code == 200
    data = {
        f"weight_{world.price_criterion.pk}": "40",
        f"weight_{world.quality_criterion.pk}": "50",
        f"description_{world.quality_criterion.pk}": "Oppetid",
        "price_formula": "proportional",
        "price_slope": "1",
        "tie_break": "lowest_price",
    }
    response = client.post(url(world.calloff, "kriterier/"), data)
    assert response.status_code == 400
    assert "Vektene må til sammen være 100 % (nå 90 %)." in response.content.decode()
    assert Criterion.objects.count() == 0
    assert CallOff.objects.get().price_formula == "linear"
    data[f"weight_{world.quality_criterion.pk}"] = "60"
    response = client.post(url(world.calloff, "kriterier/"), data)
    assert response.status_code == 302
    assert list(Criterion.objects.values_list("name", "weight_percent", "description")) == [
        ("Kvalitet", Decimal("60.00"), "Oppetid"),
        ("Pris", Decimal("40.00"), ""),
    ]
    assert CallOff.objects.get().price_formula == "proportional"
    assert (
        login(world.evaluator, world.buyer_org).post(url(world.calloff, "kriterier/"), data).status_code
        == 403
    )
    # lock
    response = client.post(url(world.calloff, "las/"), follow=True)
    assert "Tildelingskriteriene og evalueringsmodellen er låst." in response.content.decode()
    assert CallOff.objects.get().criteria_locked_at is not None
    response = client.post(url(world.calloff, "kriterier/"), data, follow=True)
    assert "Tildelingskriteriene og evalueringsmodellen er låst." in response.content.decode()


def _publish_data(offer_at: dt.datetime, questions_at: dt.datetime, **extra):
    offer_at, questions_at = offer_at.astimezone(OSLO), questions_at.astimezone(OSLO)
    return {
        "offer_deadline_on": offer_at.date().isoformat(),
        "offer_deadline_time": offer_at.strftime("%H:%M"),
        "questions_deadline_on": questions_at.date().isoformat(),
        "questions_deadline_time": questions_at.strftime("%H:%M"),
        **extra,
    }


def test_publish_with_warning_then_confirm(world, login, django_capture_on_commit_callbacks):
    prepare(world, now=timezone.now())
    client = login(world.buyer, world.buyer_org)
    page = client.get(url(world.calloff, "publiser/"))
    assert page.status_code == 200
    assert "Anbefalt minste tilbudsfrist er 15 kalenderdager" in page.content.decode()
    soon = (timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    response = client.post(url(world.calloff, "publiser/"), _publish_data(soon, soon - dt.timedelta(days=1)))
    assert response.status_code == 200
    assert "Tilbudsfristen er kortere enn anbefalt minimum (15 dager" in response.content.decode()
    assert CallOff.objects.get().published_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(world.calloff, "publiser/"),
            _publish_data(soon, soon - dt.timedelta(days=1), confirm_short="on"),
            follow=True,
        )
    body = response.content.decode()
    assert "Invitasjonen er sendt til 3 leverandører." in body
    calloff = CallOff.objects.get()
    assert calloff.offer_deadline_at == soon
    assert len(mail.outbox) == 3


def test_publish_bad_dates_are_form_errors(world, login):
    prepare(world, now=timezone.now())
    client = login(world.buyer, world.buyer_org)
    later = timezone.now() + dt.timedelta(days=20)
    response = client.post(
        url(world.calloff, "publiser/"), _publish_data(later, later + dt.timedelta(days=1))
    )
    assert response.status_code == 400
    assert "Fristen for spørsmål må være før tilbudsfristen." in response.content.decode()
    response = client.post(url(world.calloff, "publiser/"), {"offer_deadline_on": "31.02.2026"})
    assert response.status_code == 400
    assert "Oppgi dato for spørsmålsfristen." in response.content.decode()
    assert CallOff.objects.get().published_at is None
    assert (
        login(world.approver, world.buyer_org)
        .post(url(world.calloff, "publiser/"), _publish_data(later, later - dt.timedelta(days=1)))
        .status_code
        == 403
    )


def test_questions_are_anonymous_to_suppliers(world, login):
    live_publish(world)
    asker = login(world.bidders[0], world.suppliers[0])
    response = asker.post(
        f"/avrop/{world.calloff.pk}/sporsmal/", {"question": "Kan leveransen deles i faser?"}, follow=True
    )
    assert "Spørsmålet er sendt." in response.content.decode()
    question = Question.objects.get()
    assert question.asked_by_organisation == world.suppliers[0]
    # the buyer sees who asked and answers
    buyer = login(world.buyer, world.buyer_org)
    assert "Nordsky AS): Kan leveransen deles i faser?" in buyer.get(url(world.calloff)).content.decode()
    buyer.post(
        f"/avrop/{world.calloff.pk}/sporsmal/{question.pk}/svar/",
        {f"q{question.pk}-answer": "Ja, i to faser."},
    )
    assert Question.objects.get().answer == "Ja, i to faser."
    # every invited supplier sees question and answer, never the asker
    for index in (0, 1, 2):
        body = (
            login(world.bidders[index], world.suppliers[index])
            .get(f"/avrop/{world.calloff.pk}/tilbud/")
            .content.decode()
        )
        assert "Kan leveransen deles i faser?" in body
        assert "Ja, i to faser." in body
        assert (
            "Nordsky" not in body or index == 0
        )  # the asker's own page names its own organisation in the header
        assert world.suppliers[0].orgnr not in body
    other_body = (
        login(world.bidders[1], world.suppliers[1]).get(f"/avrop/{world.calloff.pk}/tilbud/").content.decode()
    )
    assert "Nordsky" not in other_body


def test_question_denied_paths(world, login):
    live_publish(world)
    before = counts(Question)
    assert (
        login(world.outsider_bidder, world.outsider_supplier)
        .post(f"/avrop/{world.calloff.pk}/sporsmal/", {"question": "x"})
        .status_code
        == 404
    )
    assert (
        login(world.buyer, world.buyer_org)
        .post(f"/avrop/{world.calloff.pk}/sporsmal/", {"question": "x"})
        .status_code
        == 403
    )
    assert counts(Question) == before
