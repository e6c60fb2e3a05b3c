"""services.mini: invitations, documents, criteria and price model, lock, publish (deadlines, e-mail), Q&A."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.core import mail

from marketplace.calloffs.models import CallOff, CallOffDocument, Criterion, Invitation, Question
from marketplace.calloffs.services import mini
from marketplace.calloffs.tests.factories import FrameworkCriterionFactory
from marketplace.calloffs.tests.mini_world import (
    DEADLINE,
    QUESTIONS_DEADLINE,
    T0,
    acting,
    build_world,
    counts,
    prepare,
    publish,
)
from marketplace.catalogue.models import CriterionKind
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def buyer_of(world):
    return acting(world.buyer, world.buyer_org)


# --- invitations ---


def test_invitations_ensure_is_idempotent(world):
    assert list(Invitation.objects.values_list("supplier__name", "invited_at")) == [
        ("Nordsky AS", None),
        ("Fjellsky AS", None),
        ("Havsky AS", None),
    ]
    before = counts(Invitation, AuditEvent)
    assert mini.invitations_ensure(world.calloff) == 0
    assert counts(Invitation, AuditEvent) == before


def test_exclude_needs_a_reason_and_include_again(world):
    invitation = Invitation.objects.get(supplier=world.suppliers[1])
    with pytest.raises(ValidationFailed) as caught:
        mini.invitation_exclude(actor=buyer_of(world), invitation=invitation, reason="  ", now=T0)
    assert caught.value.message == "Oppgi begrunnelsen for å utelate leverandøren."
    mini.invitation_exclude(actor=buyer_of(world), invitation=invitation, reason="Mangler kapasitet", now=T0)
    invitation.refresh_from_db()
    assert (invitation.excluded_reason, invitation.excluded_by) == ("Mangler kapasitet", world.buyer)
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.verb, event.data["reason"]) == ("invitation.excluded", "Mangler kapasitet")
    mini.invitation_include(actor=buyer_of(world), invitation=invitation, now=T0)
    invitation.refresh_from_db()
    assert (invitation.excluded_reason, invitation.excluded_by) == ("", None)


def test_excluded_supplier_is_not_invited_and_no_change_after_publishing(world):
    invitation = Invitation.objects.get(supplier=world.suppliers[1])
    mini.invitation_exclude(actor=buyer_of(world), invitation=invitation, reason="Mangler kapasitet", now=T0)
    publish(world)
    invited = dict(Invitation.objects.values_list("supplier__name", "invited_at"))
    assert invited == {"Nordsky AS": T0, "Fjellsky AS": None, "Havsky AS": T0}
    with pytest.raises(Conflict):
        mini.invitation_include(actor=buyer_of(world), invitation=invitation, now=T0)
    assert Invitation.objects.get(pk=invitation.pk).excluded_reason == "Mangler kapasitet"


@pytest.mark.parametrize("who", ["evaluator", "approver", "other_buyer", "bidder", "mps_admin"])
def test_only_the_buyer_prepares(world, who):
    user, organisation = {
        "evaluator": (world.evaluator, world.buyer_org),
        "approver": (world.approver, world.buyer_org),
        "other_buyer": (world.other_buyer, world.other_buyer_org),
        "bidder": (world.bidders[0], world.suppliers[0]),
        "mps_admin": (world.mps_admin, world.mps_org),
    }[who]
    actor = acting(user, organisation)
    invitation = Invitation.objects.first()
    before = counts(Invitation, Criterion, CallOffDocument, AuditEvent)
    with pytest.raises(PermissionDenied):
        mini.invitation_exclude(actor=actor, invitation=invitation, reason="x", now=T0)
    with pytest.raises(PermissionDenied):
        mini.criteria_set(
            actor=actor,
            calloff=world.calloff,
            choices=[mini.CriterionChoice(world.price_criterion.pk, Decimal("100"))],
        )
    with pytest.raises(PermissionDenied):
        mini.criteria_lock(actor=actor, calloff=world.calloff)
    with pytest.raises(PermissionDenied):
        mini.calloff_document_add(
            actor=actor, calloff=world.calloff, title="Krav", name="krav.txt", data=b"krav"
        )
    assert counts(Invitation, Criterion, CallOffDocument, AuditEvent) == before
    assert Invitation.objects.get(pk=invitation.pk).excluded_reason == ""


# --- documents ---


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
DOCX = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})
XLSX = _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"})


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("krav.pdf", b"%PDF-1.4 krav", "application/pdf"),
        ("krav.odt", ODT, "application/vnd.oasis.opendocument.text"),
        ("pris.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet"),
        ("krav.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("pris.XLSX", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("les.txt", "Krav til løsningen".encode(), "text/plain"),
    ],
)
def test_upload_check_accepts(name, data, content_type):
    assert mini.upload_check(name=name, data=data) == content_type


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("tom.pdf", b"", "Filen er tom."),
        ("virus.exe", b"MZ", "Filtypen er ikke tillatt. Tillatt: PDF, ODT, DOCX, XLSX, ODS og TXT."),
        ("uten-endelse", b"%PDF-", "Filtypen er ikke tillatt. Tillatt: PDF, ODT, DOCX, XLSX, ODS og TXT."),
        ("falsk.pdf", b"<html>", "Innholdet i filen stemmer ikke med filtypen."),
        ("falsk.odt", ODS, "Innholdet i filen stemmer ikke med filtypen."),
        ("falsk.docx", XLSX, "Innholdet i filen stemmer ikke med filtypen."),
        ("falsk.xlsx", b"PK\x03\x04broken", "Innholdet i filen stemmer ikke med filtypen."),
        ("binær.txt", b"a\x00b", "Innholdet i filen stemmer ikke med filtypen."),
        ("latin1.txt", "blåbær".encode("latin-1"), "Innholdet i filen stemmer ikke med filtypen."),
    ],
)
def test_upload_check_refuses(name, data, message):
    with pytest.raises(ValidationFailed) as caught:
        mini.upload_check(name=name, data=data)
    assert caught.value.message == message


def test_upload_size_limit(settings):
    settings.MPS_UPLOAD_MAX_BYTES = 10
    assert mini.upload_check(name="a.txt", data=b"x" * 10) == "text/plain"
    with pytest.raises(ValidationFailed):
        mini.upload_check(name="a.txt", data=b"x" * 11)


def test_document_add_stores_file_and_hash(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = mini.calloff_document_add(
        actor=buyer_of(world),
        calloff=world.calloff,
        title="Kravspesifikasjon",
        name="krav.pdf",
        data=b"%PDF-1.4 krav",
        now=T0,
    )
    assert document.sha256 == hashlib.sha256(b"%PDF-1.4 krav").hexdigest()
    with document.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 krav"
    assert (document.title, document.uploaded_at, document.uploaded_by) == (
        "Kravspesifikasjon",
        T0,
        world.buyer,
    )
    assert AuditEvent.objects.order_by("-id").first().verb == "calloff.document_added"
    mini.calloff_document_remove(actor=buyer_of(world), document=document, now=T0)
    assert CallOffDocument.objects.count() == 0


def test_bad_document_stores_nothing(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    before = counts(CallOffDocument, AuditEvent)
    with pytest.raises(ValidationFailed):
        mini.calloff_document_add(
            actor=buyer_of(world), calloff=world.calloff, title="x", name="x.pdf", data=b"nope"
        )
    assert counts(CallOffDocument, AuditEvent) == before
    assert list(tmp_path.iterdir()) == []


# --- criteria and model ---


def test_criteria_set_from_the_framework(world):
    rows = mini.criteria_set(
        actor=buyer_of(world),
        calloff=world.calloff,
        choices=[
            mini.CriterionChoice(world.quality_criterion.pk, Decimal("70"), " Oppetid 99,9 % "),
            mini.CriterionChoice(world.price_criterion.pk, Decimal("30")),
        ],
        now=T0,
    )
    assert [(c.name, c.kind, c.weight_percent, c.description, c.position) for c in rows] == [
        ("Kvalitet", "quality", Decimal("70"), "Oppetid 99,9 %", 0),
        ("Pris", "price", Decimal("30"), "", 1),
    ]
    # replacing
    mini.criteria_set(
        actor=buyer_of(world),
        calloff=world.calloff,
        choices=[mini.CriterionChoice(world.price_criterion.pk, Decimal("100"))],
    )
    assert list(Criterion.objects.values_list("name", "weight_percent")) == [("Pris", Decimal("100.00"))]


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"price": "40", "quality": "50"}, "Vektene må til sammen være 100 % (nå 90 %)."),
        ({"price": "40", "quality": "60.5"}, "Vektene må til sammen være 100 % (nå 100.5 %)."),
        ({"quality": "100"}, "Minst ett kriterium må være et priskriterium."),
        ({}, "Velg minst ett tildelingskriterium."),
        ({"price": "0", "quality": "100"}, "Hver vekt må være større enn 0 og høyst 100 %."),
        (
            {"other_framework": "50", "price": "50"},
            "Kriteriene kan bare velges blant rammeavtalens tildelingskriterier.",
        ),
    ],
)
def test_criteria_set_refuses(world, weights, message):
    other = FrameworkCriterionFactory(name="Pris", kind=CriterionKind.PRICE)  # another framework's criterion
    ids = {
        "price": world.price_criterion.pk,
        "quality": world.quality_criterion.pk,
        "other_framework": other.pk,
    }
    choices = [mini.CriterionChoice(ids[key], Decimal(value)) for key, value in weights.items()]
    before = counts(Criterion, AuditEvent)
    with pytest.raises(ValidationFailed) as caught:
        mini.criteria_set(actor=buyer_of(world), calloff=world.calloff, choices=choices, now=T0)
    assert caught.value.message == message
    assert counts(Criterion, AuditEvent) == before


def test_criterion_only_once(world):
    with pytest.raises(ValidationFailed) as caught:
        mini.criteria_set(
            actor=buyer_of(world),
            calloff=world.calloff,
            choices=[
                mini.CriterionChoice(world.price_criterion.pk, Decimal("50")),
                mini.CriterionChoice(world.price_criterion.pk, Decimal("50")),
            ],
        )
    assert caught.value.message == "Et kriterium kan bare velges én gang."


def test_price_model(world):
    model = mini.PriceModel(
        price_formula="anchored",
        price_slope=Decimal("1.5"),
        price_floor_at_zero=True,
        anchor_price_best_amount=Decimal("100000"),
        anchor_price_zero_amount=Decimal("300000"),
        tie_break="framework_rank",
    )
    mini.price_model_set(actor=buyer_of(world), calloff=world.calloff, model=model, now=T0)
    calloff = CallOff.objects.get()
    assert (
        calloff.price_formula,
        calloff.price_slope,
        calloff.price_floor_at_zero,
        calloff.anchor_price_best_amount,
        calloff.anchor_price_zero_amount,
        calloff.tie_break,
    ) == ("anchored", Decimal("1.500"), True, Decimal("100000.00"), Decimal("300000.00"), "framework_rank")
    # a relative formula drops the anchors
    mini.price_model_set(
        actor=buyer_of(world), calloff=world.calloff, model=mini.PriceModel(price_formula="linear"), now=T0
    )
    calloff.refresh_from_db()
    assert (calloff.price_formula, calloff.anchor_price_best_amount, calloff.anchor_price_zero_amount) == (
        "linear",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (
            mini.PriceModel(price_formula="anchored"),
            "Modellen med faste ankerpriser trenger begge ankerprisene.",
        ),
        (
            mini.PriceModel(
                price_formula="anchored",
                anchor_price_best_amount=Decimal("5"),
                anchor_price_zero_amount=Decimal("5"),
            ),
            "Ankerprisen for 0 poeng må være høyere enn ankerprisen for 10 poeng.",
        ),
        (mini.PriceModel(price_formula="magic"), "Velg en prismodell."),
        (mini.PriceModel(price_slope=Decimal("0")), "Stigningsfaktoren må være større enn 0 og høyst 100."),
        (mini.PriceModel(tie_break="coin"), "Velg en likhetsregel."),
    ],
)
def test_price_model_refuses(world, model, message):
    before = counts(AuditEvent)
    with pytest.raises(ValidationFailed) as caught:
        mini.price_model_set(actor=buyer_of(world), calloff=world.calloff, model=model, now=T0)
    assert caught.value.message == message
    assert counts(AuditEvent) == before
    assert CallOff.objects.get().price_formula == "linear"


def test_lock_freezes_criteria_and_model(world):
    prepare(world)
    assert CallOff.objects.get().criteria_locked_at == T0
    with pytest.raises(Conflict) as caught:
        mini.criteria_set(
            actor=buyer_of(world),
            calloff=world.calloff,
            choices=[mini.CriterionChoice(world.price_criterion.pk, Decimal("100"))],
        )
    assert caught.value.message == "Tildelingskriteriene og evalueringsmodellen er låst."
    with pytest.raises(Conflict):
        mini.price_model_set(
            actor=buyer_of(world), calloff=world.calloff, model=mini.PriceModel(price_formula="proportional")
        )
    with pytest.raises(Conflict):
        mini.criteria_lock(actor=buyer_of(world), calloff=world.calloff)
    assert Criterion.objects.count() == 2
    assert CallOff.objects.get().price_formula == "linear"


def test_lock_needs_valid_criteria(world):
    with pytest.raises(ValidationFailed) as caught:
        mini.criteria_lock(actor=buyer_of(world), calloff=world.calloff, now=T0)
    assert caught.value.message == "Velg minst ett tildelingskriterium."
    assert CallOff.objects.get().criteria_locked_at is None


# --- publishing ---


def test_publish_sets_deadlines_invites_and_mails_each_supplier(world, django_capture_on_commit_callbacks):
    prepare(world)
    with django_capture_on_commit_callbacks(execute=True):
        result = mini.calloff_publish(
            actor=buyer_of(world),
            calloff=world.calloff,
            offer_deadline_at=DEADLINE,
            questions_deadline_at=QUESTIONS_DEADLINE,
            now=T0,
        )
    assert (result.invited, result.warnings) == (3, [])
    calloff = CallOff.objects.get()
    assert (calloff.published_at, calloff.offer_deadline_at, calloff.questions_deadline_at) == (
        T0,
        DEADLINE,
        QUESTIONS_DEADLINE,
    )
    assert calloff.wrapped_data_key is not None
    assert sorted(m.to[0] for m in mail.outbox) == [
        "tilbyder1@example.no",
        "tilbyder2@example.no",
        "tilbyder3@example.no",
    ]
    assert all(len(m.to) == 1 for m in mail.outbox)
    message = mail.outbox[0]
    assert message.subject == f"Invitasjon til minikonkurranse: {calloff.reference} {calloff.title}"
    assert "Tilbudsfrist: 20.03.2026 kl. 12:00" in message.body
    assert "Frist for spørsmål: 13.03.2026 kl. 12:00" in message.body
    event = AuditEvent.objects.order_by("-id").first()
    assert event.verb == "calloff.published"
    assert event.data["offer_deadline_at"] == "2026-03-20T11:00:00+00:00"
    assert event.data["invited"] == sorted(s.orgnr for s in world.suppliers)


def test_suggested_minimum_deadline():
    w = build_world()
    # Part III: 15 days from Monday 2 March 2026 → Tuesday 17 March, 12:00 Oslo (11:00 UTC)
    assert mini.offer_deadline_minimum_days(w.calloff) == 15
    assert mini.offer_deadline_suggested(w.calloff, now=T0) == dt.datetime(2026, 3, 17, 11, 0, tzinfo=dt.UTC)
    w.calloff.procurement_part = "part_2"
    assert mini.offer_deadline_minimum_days(w.calloff) == 10
    # 10 days from Tue 24 March 2026 is Good Friday → runs to Tuesday 7 April (after Easter Monday), 12:00 CEST
    assert mini.offer_deadline_suggested(
        w.calloff, now=dt.datetime(2026, 3, 24, 9, tzinfo=dt.UTC)
    ) == dt.datetime(2026, 4, 7, 10, 0, tzinfo=dt.UTC)
    w.calloff.has_special_requirements = True
    assert mini.offer_deadline_minimum_days(w.calloff) == 15


def test_short_deadline_warns_but_publishes(world):
    prepare(world)
    result = mini.calloff_publish(
        actor=buyer_of(world),
        calloff=world.calloff,
        offer_deadline_at=T0 + dt.timedelta(days=5),
        questions_deadline_at=T0 + dt.timedelta(days=2),
        now=T0,
    )
    assert result.warnings == [
        "Tilbudsfristen er kortere enn anbefalt minimum (15 dager, 17.03.2026 kl. 12:00). "
        "Sørg for at fristen er lang nok til å utarbeide et tilbud."
    ]
    assert CallOff.objects.get().published_at == T0


@pytest.mark.parametrize(
    ("offer_deadline", "questions_deadline", "field", "message"),
    [
        (T0, T0 - dt.timedelta(hours=1), "offer_deadline_at", "Tilbudsfristen må være fram i tid."),
        (DEADLINE, T0, "questions_deadline_at", "Fristen for spørsmål må være fram i tid."),
        (DEADLINE, DEADLINE, "questions_deadline_at", "Fristen for spørsmål må være før tilbudsfristen."),
        (
            DEADLINE.replace(tzinfo=None),
            QUESTIONS_DEADLINE,
            "offer_deadline_at",
            "Oppgi dato og klokkeslett.",
        ),
    ],
)
def test_publish_refuses_bad_deadlines(world, offer_deadline, questions_deadline, field, message):
    prepare(world)
    before = counts(AuditEvent)
    with pytest.raises(ValidationFailed) as caught:
        mini.calloff_publish(
            actor=buyer_of(world),
            calloff=world.calloff,
            offer_deadline_at=offer_deadline,
            questions_deadline_at=questions_deadline,
            now=T0,
        )
    assert caught.value.errors == [{"field": field, "message": message}]
    assert CallOff.objects.get().published_at is None
    assert counts(AuditEvent) == before


def test_publish_needs_lock_and_an_invited_supplier(world):
    args = {"offer_deadline_at": DEADLINE, "questions_deadline_at": QUESTIONS_DEADLINE, "now": T0}
    with pytest.raises(Conflict) as caught:
        mini.calloff_publish(actor=buyer_of(world), calloff=world.calloff, **args)
    assert caught.value.message == "Lås tildelingskriteriene og evalueringsmodellen før invitasjonen sendes."
    for invitation in Invitation.objects.all():
        mini.invitation_exclude(actor=buyer_of(world), invitation=invitation, reason="Uaktuell", now=T0)
    prepare(world)
    with pytest.raises(Conflict) as caught:
        mini.calloff_publish(actor=buyer_of(world), calloff=world.calloff, **args)
    assert caught.value.message == "Minst én leverandør må inviteres."
    assert CallOff.objects.get().published_at is None
    assert Invitation.objects.filter(invited_at__isnull=False).count() == 0


def test_publish_twice_is_a_conflict(world):
    publish(world)
    with pytest.raises(Conflict):
        mini.calloff_publish(
            actor=buyer_of(world),
            calloff=world.calloff,
            offer_deadline_at=DEADLINE,
            questions_deadline_at=QUESTIONS_DEADLINE,
            now=T0,
        )


def test_publish_refuses_other_mechanisms(world):
    CallOff.objects.update(mechanism="desk")
    world.calloff.refresh_from_db()
    with pytest.raises(Conflict) as caught:
        mini.criteria_lock(actor=buyer_of(world), calloff=world.calloff)
    assert caught.value.message == "Avropet er ikke en minikonkurranse."


# --- questions and answers ---


def test_question_and_answer(world, django_capture_on_commit_callbacks):
    publish(world)
    bidder = acting(world.bidders[0], world.suppliers[0])
    question = mini.question_ask(
        actor=bidder,
        calloff=world.calloff,
        question=" Kan vi levere i to faser? ",
        now=T0 + dt.timedelta(days=1),
    )
    assert (question.question, question.asked_by_organisation, question.asked_at) == (
        "Kan vi levere i to faser?",
        world.suppliers[0],
        T0 + dt.timedelta(days=1),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mini.question_answer(
            actor=buyer_of(world), question=question, answer="Ja.", now=T0 + dt.timedelta(days=2)
        )
    question.refresh_from_db()
    assert (question.answer, question.answered_by, question.answered_at) == (
        "Ja.",
        world.buyer,
        T0 + dt.timedelta(days=2),
    )
    assert len(mail.outbox) == 3
    assert all("Fjellsky" not in m.body and "Nordsky" not in m.body for m in mail.outbox)
    with pytest.raises(Conflict):
        mini.question_answer(
            actor=buyer_of(world), question=question, answer="Nei.", now=T0 + dt.timedelta(days=2)
        )


def test_questions_closed_after_their_deadline(world):
    publish(world)
    with pytest.raises(Conflict) as caught:
        mini.question_ask(
            actor=acting(world.bidders[0], world.suppliers[0]),
            calloff=world.calloff,
            question="Sent?",
            now=QUESTIONS_DEADLINE,
        )
    assert caught.value.message == "Fristen for spørsmål er ute."
    assert Question.objects.count() == 0


@pytest.mark.parametrize("who", ["outsider", "listing_editor", "buyer"])
def test_only_invited_bidders_ask(world, who):
    publish(world)
    user, organisation = {
        "outsider": (world.outsider_bidder, world.outsider_supplier),
        "listing_editor": (world.listing_editor, world.suppliers[0]),
        "buyer": (world.buyer, world.buyer_org),
    }[who]
    with pytest.raises(PermissionDenied):
        mini.question_ask(actor=acting(user, organisation), calloff=world.calloff, question="Hei?", now=T0)
    assert Question.objects.count() == 0


def test_answer_only_by_the_buyer(world):
    publish(world)
    question = mini.question_ask(
        actor=acting(world.bidders[0], world.suppliers[0]), calloff=world.calloff, question="Hei?", now=T0
    )
    with pytest.raises(PermissionDenied):
        mini.question_answer(
            actor=acting(world.evaluator, world.buyer_org), question=question, answer="x", now=T0
        )
    with pytest.raises(ValidationFailed):
        mini.question_answer(actor=buyer_of(world), question=question, answer=" ", now=T0)
    assert Question.objects.get().answered_at is None
