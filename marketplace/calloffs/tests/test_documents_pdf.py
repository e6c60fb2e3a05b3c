from __future__ import annotations

import io

import pytest

from marketplace.calloffs import documents
from marketplace.calloffs.models import OfferReceipt
from marketplace.calloffs.services.award import award_decide, award_notice_send, complaint_record
from marketplace.calloffs.services.evaluation import (
    evaluation_compute,
    impartiality_declare,
    offer_reject,
    score_record,
)
from marketplace.calloffs.tests.evalaward import NOW, mini_competition


def _text(pdf: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def done(buyer_org):
    mini = mini_competition(buyer_org)
    impartiality_declare(actor=mini.evaluator, calloff=mini.calloff, is_impartial=True, statement="", now=NOW)
    offer_reject(
        actor=mini.evaluator, calloff=mini.calloff, offer=mini.offers["C"], reason="Forbehold", now=NOW
    )
    for name, points in {"A": "5", "B": "8"}.items():
        score_record(
            actor=mini.evaluator,
            offer=mini.offers[name],
            criterion=mini.quality,
            points=points,
            justification=f"Grunngiving {name}",
            now=NOW,
        )
    evaluation = evaluation_compute(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    award_decide(
        actor=mini.approver, calloff=mini.calloff, justification="Best forhold pris/kvalitet", now=NOW
    )
    notices = award_notice_send(actor=mini.buyer, calloff=mini.calloff, now=NOW)
    complaint_record(
        actor=mini.buyer,
        calloff=mini.calloff,
        complainant=mini.suppliers["C"],
        description="Uenig i avvisning",
        put_on_hold=False,
        now=NOW,
    )
    mini.calloff.refresh_from_db()
    return mini, evaluation, {n.recipient.name: n for n in notices}


def test_record_html_has_every_section(done):
    mini, evaluation, _notices = done
    html = documents.calloff_record_html(mini.calloff, now=NOW)
    for expected in [
        "Avropsprotokoll",
        mini.calloff.reference,
        "Minikonkurranse",
        "Del III",
        "Leverandør A AS",
        "a" * 64,  # offer receipt hash
        "Forbehold",  # rejection
        "Grunngiving A",  # score justification
        evaluation.inputs_hash,
        "Best forhold pris/kvalitet",
        "Tildelingsmeddelelser",
        "utløper 07.04.2026 kl. 24.00 (norsk tid)",
        "Uenig i avvisning",
        "evaluation.computed",
        "award.notice_sent",
        "complaint.recorded",
        "Spørsmål og svar: 0 spørsmål, 0 besvart.",
    ]:
        assert expected in html, expected


def test_record_before_opening_shows_hash_not_price(buyer_org):
    mini = mini_competition(buyer_org, offers_opened_at=None)
    OfferReceipt.objects.create(
        calloff=mini.calloff,
        supplier=mini.suppliers["B"],
        kind="submitted",
        sha256="f" * 64,
        received_at=NOW,
        received_by=mini.offers["B"].submitted_by,
    )
    html = documents.calloff_record_html(mini.calloff, now=NOW)
    assert "f" * 64 in html
    assert "b" * 64 in html
    assert "130" not in html
    assert "Tilbudene er ikke åpnet; innholdet vises ikke." in html


def test_pdfs_render(done):
    mini, evaluation, notices = done
    for pdf in (
        documents.calloff_record_pdf(mini.calloff, now=NOW),
        documents.evaluation_report_pdf(evaluation),
        documents.award_notice_pdf(notices["Leverandør A AS"]),
    ):
        assert pdf.startswith(b"%PDF")


def test_pdf_text_when_pypdf_is_available(done):
    _mini, _evaluation, notices = done
    text = _text(documents.award_notice_pdf(notices["Leverandør B AS"]))
    assert "Meddelelse om tildeling" in text
    assert "Leverandør A AS" in text
    assert "07.04.2026 kl. 24.00" in text


def test_notice_html_per_recipient(done):
    _mini, _evaluation, notices = done
    # C rejected before the ranking: A (100, Q5) 8.000 beats B (130, Q8) 7.815
    html = documents.award_notice_html(notices["Leverandør B AS"])
    assert "Pris: vinnerens pris 100,00 kr ga 10,000 poeng mot 7,692 poeng for deres pris 130,00 kr." in html
    assert "Kvalitet: deres tilbud ble vurdert høyere, 8,000 mot vinnerens 5,000 poeng." in html
    assert "Samlet vektet poengsum: vinneren 8,000, dere 7,815." in html
    rejected = documents.award_notice_html(notices["Leverandør C AS"])
    assert "Deres tilbud ble avvist og er ikke evaluert. Begrunnelse: Forbehold" in rejected
    winner = documents.award_notice_html(notices["Leverandør A AS"])
    assert "har besluttet å tildele kontrakten til dere." in winner


def test_fetcher_refuses_network_and_files():
    fetcher = documents.LocalOnlyFetcher(allowed_protocols={"data"})
    for url in ("http://127.0.0.1:9/x.css", "https://example.com/logo.png", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    # an external reference in the HTML is ignored, rendering still succeeds without network
    pdf = documents.html_to_pdf(
        '<html><body><img src="http://127.0.0.1:9/x.png" alt="x"><p>Hei</p></body></html>'
    )
    assert pdf.startswith(b"%PDF")


def test_reports_for_a_desk_shaped_evaluation(buyer_org, login):
    from django.urls import reverse

    from marketplace.accounts.models import Role
    from marketplace.calloffs.models import Evaluation
    from marketplace.calloffs.tests.factories import CallOffFactory
    from marketplace.catalogue.models import Mechanism
    from marketplace.catalogue.tests.factories import ContractFactory
    from marketplace.catalogue.tests.helpers import acting

    buyer = acting(buyer_org, Role.BUYER)
    calloff = CallOffFactory(buyer=buyer_org, created_by=buyer, mechanism=Mechanism.DESK, evaluated_at=NOW)
    contract = ContractFactory(lot=calloff.lot, rank=1)
    evaluation = Evaluation.objects.create(
        calloff=calloff,
        inputs={"model": {"formula": "linear", "slope": "1", "tie_break": "lowest_price"}, "suppliers": []},
        inputs_hash="2" * 64,
        result={
            "ranking": [
                {
                    "rank": 1,
                    "supplier_id": contract.supplier_id,
                    "supplier_name": contract.supplier.name,
                    "contract_id": contract.pk,
                    "price_amount": "91000.00",
                    "price_points": "10.000",
                    "total_points": "10.000",
                }
            ],
            "excluded": [],
        },
        computed_by=buyer,
        computed_at=NOW,
    )
    html = documents.evaluation_report_html(evaluation)
    assert contract.supplier.name in html
    assert "2" * 64 in html
    assert documents.calloff_record_pdf(calloff, now=NOW).startswith(b"%PDF")
    page = login(buyer, buyer_org).get(reverse("calloffs:award_page", args=[calloff.pk]))
    assert page.status_code == 200
