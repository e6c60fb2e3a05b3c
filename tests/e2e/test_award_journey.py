"""Evaluation and award journey on a mini-competition, from sealed offers to the supplier reading its notice.

Set-up (through `manage.py shell` on the e2e database): NVE's published mini-competition on CIPS lot 1 with Nordsky,
Atlanterhavet and Fjellskyen invited. In the browser Nordsky and Atlanterhavet submit sealed offers, the deadline is
moved into the past (state comes from timestamps) and the buyer opens the offers. Then, in the browser: the evaluator
declares impartiality and scores with justifications, the buyer computes the ranking, the approver (not the creator)
decides the award, the buyer sends the notices, and Nordsky's bidder reads its notice. axe-core on every page.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import DEMO_PASSWORD, assert_no_serious_axe_violations, login_as, logout
from tests.e2e.server import E2EServer

SECOND_BIDDER = "atlanterhavet.tilbyder"  # the same user the mini-competition journey creates

SET_UP = r"""
import datetime as dt
from decimal import Decimal
from django.utils import timezone
from marketplace.accounts.models import Membership, Organisation, Role, User
from marketplace.calloffs.models import CallOff, Criterion, Invitation, PriceFormula, ProcurementPart
from marketplace.catalogue.models import Contract, FrameworkAgreement, Mechanism

now = timezone.now()
framework = FrameworkAgreement.objects.get(reference="2024/1001")
lot = framework.lots.get(number=1)
buyer = Organisation.objects.get(orgnr="970205039")
creator = User.objects.get(username="nve.innkjoper")
calloff = CallOff.objects.create(
    reference="AV-E2E-TILDELING", buyer=buyer, created_by=creator, framework=framework, lot=lot,
    mechanism=Mechanism.MINI_COMPETITION, title="Objektlagring for flomvarsling",
    description="Lagring og beregning for hydrologiske modeller.", estimated_value_amount=Decimal("2400000"),
    period_starts_on=dt.date(2027, 1, 1), period_ends_on=dt.date(2028, 12, 31),
    procurement_part=ProcurementPart.PART_III, price_formula=PriceFormula.PROPORTIONAL, has_standstill=True,
    created_at=now - dt.timedelta(days=30), published_at=now - dt.timedelta(days=29),
    criteria_locked_at=now - dt.timedelta(days=29), questions_deadline_at=now + dt.timedelta(minutes=50),
    offer_deadline_at=now + dt.timedelta(hours=1),
)
for position, fc in enumerate(framework.criteria.all(), start=1):
    Criterion.objects.create(
        calloff=calloff, framework_criterion=fc, name=fc.name, kind=fc.kind, weight_percent=fc.weight_percent,
        position=position,
    )
for contract in Contract.objects.filter(lot=lot, rank__isnull=False).select_related("supplier"):
    Invitation.objects.create(
        calloff=calloff, supplier=contract.supplier, contract=contract, invited_at=calloff.published_at
    )
second = Organisation.objects.get(name="Atlanterhavet Sky Norge AS")
user, _ = User.objects.get_or_create(username="__BIDDER__", defaults={"first_name": "Aud", "last_name": "Sjø"})
user.set_password("__PASSWORD__")
user.save()
Membership.objects.get_or_create(user=user, organisation=second, role=Role.BIDDER)
print(calloff.pk)
""".replace("__BIDDER__", SECOND_BIDDER).replace("__PASSWORD__", DEMO_PASSWORD)

DEADLINE_PASSED = """
import datetime as dt
from django.utils import timezone
from marketplace.calloffs.models import CallOff
now = timezone.now()
CallOff.objects.filter(pk={pk}).update(
    questions_deadline_at=now - dt.timedelta(seconds=2), offer_deadline_at=now - dt.timedelta(seconds=1)
)
"""

# Quality points per supplier and criterion (the three non-price criteria of CIPS, 30/20/10 %).
CRITERIA = ["Kvalitet og funksjonalitet", "Informasjonssikkerhet og personvern", "Klima og miljø"]
POINTS = {
    "Nordsky AS": ["9", "8", "7"],
    "Atlanterhavet Sky Norge AS": ["6", "6", "5"],
}


def _set_up(server: E2EServer) -> int:
    return int(server.manage("shell", "-c", SET_UP).strip().splitlines()[-1])


def test_evaluate_award_and_notify(page: Page, e2e_server: E2EServer) -> None:
    pk = _set_up(e2e_server)
    evaluation_url = f"/avrop/{pk}/evaluering/"

    # two suppliers submit sealed offers; the deadline passes; the buyer opens them
    for bidder, price in (("nordsky.tilbyder", "1 200 000"), (SECOND_BIDDER, "1 000 000")):
        login_as(page, bidder, next_path=f"/avrop/{pk}/tilbud/")
        page.get_by_label("Totalpris (NOK ekskl. mva.)").fill(price)
        page.get_by_label("Beskrivelse av tilbudet").fill("Objektlagring i to norske regioner.")
        page.get_by_role("button", name="Lever tilbud").click()
        expect(page.get_by_text(re.compile(r"Tilbudet er mottatt \(versjon 1\)"))).to_be_visible()
        logout(page)
    e2e_server.manage("shell", "-c", DEADLINE_PASSED.format(pk=pk))
    login_as(page, "nve.innkjoper", next_path=f"/avrop/{pk}/minikonkurranse/")
    page.get_by_role("button", name="Åpne tilbud").click()
    expect(page.get_by_text("Tilbudene er åpnet (2 tilbud).")).to_be_visible()

    # the evaluator (also the buyer here) declares impartiality before any offer is shown
    page.goto(evaluation_url)
    expect(page.get_by_role("heading", name="Habilitetserklæring")).to_be_visible()
    expect(page.get_by_text("Nordsky AS")).to_have_count(0)
    assert_no_serious_axe_violations(page)
    page.get_by_label("Ja, jeg er habil").check()
    page.get_by_role("button", name="Avgi erklæring").click()
    expect(page.get_by_text("Habilitetserklæringen er registrert.")).to_be_visible()

    # score every quality criterion with a justification
    for supplier, points in POINTS.items():
        section = page.locator("section.evaluation-offer", has=page.get_by_role("heading", name=supplier))
        forms = section.locator("form", has=page.get_by_role("button", name="Lagre poeng"))
        expect(forms).to_have_count(3)
        for index, value in enumerate(points):
            form = section.locator("form", has=page.get_by_role("button", name="Lagre poeng")).nth(index)
            form.get_by_label("Poeng (0–10)").fill(value)
            form.get_by_label("Begrunnelse").fill(f"Vurdert til {value} etter kravspesifikasjonen.")
            form.get_by_role("button", name="Lagre poeng").click()
            expect(
                page.get_by_text(f"Poengene for {supplier} på «{CRITERIA[index]}» er lagret.")
            ).to_be_visible()
            section = page.locator("section.evaluation-offer", has=page.get_by_role("heading", name=supplier))
    assert_no_serious_axe_violations(page)

    # the buyer computes the ranking: Nordsky 0.4·8.333 + 0.3·9 + 0.2·8 + 0.1·7 = 8.333; Atlanterhavet 7.500
    page.get_by_role("button", name="Beregn rangering").click()
    expect(page.get_by_text("Rangeringen er beregnet.")).to_be_visible()
    table = page.locator("table", has=page.get_by_text("Vektet sum"))
    expect(table.locator("tbody tr").first).to_contain_text("Nordsky AS")
    expect(table.locator("tbody tr").first).to_contain_text("8,333")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("7,500")
    assert_no_serious_axe_violations(page)
    logout(page)

    # the approver (who did not create the call-off) decides
    login_as(page, "nve.godkjenner", next_path=f"/avrop/{pk}/tildeling/")
    expect(page.get_by_text("Rangert først: Nordsky AS")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Begrunnelse for tildelingen").fill("Beste forhold mellom pris og kvalitet.")
    page.get_by_role("button", name="Beslutt tildeling").click()
    expect(page.get_by_text("Kontrakten er tildelt Nordsky AS.")).to_be_visible()
    logout(page)

    # the buyer sends the notices; signing is blocked during standstill
    login_as(page, "nve.innkjoper", next_path=f"/avrop/{pk}/tildeling/")
    page.get_by_role("button", name="Send tildelingsmeddelelse").click()
    expect(page.get_by_text("Tildelingsmeddelelsen er sendt til 2 leverandører samtidig.")).to_be_visible()
    expect(page.get_by_role("button", name="Registrer signert kontrakt")).to_be_disabled()
    expect(
        page.get_by_text(re.compile(r"Kontrakten kan ikke signeres før karensperioden utløper"))
    ).to_be_visible()
    assert_no_serious_axe_violations(page)
    logout(page)

    # Nordsky's bidder sees the notice in the inbox and reads it
    login_as(page, "nordsky.tilbyder", next_path="/avrop/meldinger/")
    row = page.get_by_role("row").filter(has_text="AV-E2E-TILDELING")
    expect(row).to_contain_text("Tildelt dere")
    assert_no_serious_axe_violations(page)
    row.get_by_role("link", name=re.compile("AV-E2E-TILDELING")).click()
    expect(page.get_by_text("har besluttet å tildele kontrakten til dere.")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Marker som lest").click()
    expect(page.get_by_text("Meldingen er markert som lest.")).to_be_visible()
