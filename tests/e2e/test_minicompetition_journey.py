"""Mini-competition journey against the seeded demo data and a real server.

NVE's buyer starts a call-off on the CIPS framework that the framework's rule routes to a mini-competition,
excludes one supplier with a reason, chooses criteria and weights, locks them, sets the deadlines in Oslo time and
sends the invitation. Two suppliers (different organisations) submit offers, one asks a question that the buyer
answers (shown without the asker), one replaces its offer. The deadline is then moved into the past directly in the
database (the state is derived from timestamps, so this is time travel the real server honours); a late offer is
refused; the buyer opens the offers and sees the prices. axe-core runs on every page of the journey.

The evaluation and award steps are added by the evalaward area.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.helpers import DEMO_PASSWORD, assert_no_serious_axe_violations, login_as, logout
from tests.e2e.server import E2EServer

OSLO = ZoneInfo("Europe/Oslo")
SECOND_BIDDER = "atlanterhavet.tilbyder"

SEED = f"""
import json
from marketplace.accounts.models import Membership, Organisation, Role, User
from marketplace.catalogue.models import FrameworkAgreement
framework = FrameworkAgreement.objects.get(reference="2024/1001")
lot = framework.lots.get(number=1)
supplier = Organisation.objects.get(name="Atlanterhavet Sky Norge AS")
user, _ = User.objects.get_or_create(username="{SECOND_BIDDER}", defaults={{"first_name": "Aud", "last_name": "Sjø"}})
user.set_password("{DEMO_PASSWORD}")
user.save()
Membership.objects.get_or_create(user=user, organisation=supplier, role=Role.BIDDER)
print(json.dumps({{"framework": framework.pk, "lot": lot.pk}}))
"""

TIME_TRAVEL = """
import datetime as dt
from django.utils import timezone
from marketplace.calloffs.models import CallOff
now = timezone.now()
CallOff.objects.filter(pk={pk}).update(
    questions_deadline_at=now - dt.timedelta(seconds=2), offer_deadline_at=now - dt.timedelta(seconds=1)
)
"""


def shell(server: E2EServer, code: str) -> str:
    return server.manage("shell", "-c", code)


def test_mini_competition_from_invitation_to_opened_offers(page: Page, e2e_server: E2EServer) -> None:
    ids = json.loads(shell(e2e_server, SEED).strip().splitlines()[-1])

    # --- the buyer starts the call-off; the framework's rule routes it to a mini-competition ---
    login_as(page, "nve.innkjoper", next_path="/avrop/ny/")
    page.get_by_label("Rammeavtale", exact=True).select_option(str(ids["framework"]))
    page.get_by_label("Delkontrakt").select_option(str(ids["lot"]))
    page.get_by_label("Tittel").fill("Objektlagring for flomvarsling")
    page.get_by_label("Beskriv behovet").fill(
        "Objektlagring og beregning for hydrologiske modeller, tilpasset drift."
    )
    page.get_by_label("Anslått verdi (NOK ekskl. mva.)").fill("6000000")
    page.get_by_label("Kontraktsperiode fra").fill("2027-01-01")
    page.get_by_label("Kontraktsperiode til").fill("2028-12-31")
    page.get_by_label("Behovet krever tilpasning utover prislisten").check()
    page.get_by_role("button", name="Opprett avrop").click()
    expect(page).to_have_url(re.compile(r"/avrop/\d+/$"))
    pk = int(re.search(r"/avrop/(\d+)/$", page.url).group(1))  # type: ignore[union-attr]
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Forbered og følg minikonkurransen").click()
    expect(page).to_have_url(re.compile(rf"/avrop/{pk}/minikonkurranse/$"))
    expect(page.get_by_role("heading", name="Minikonkurranse")).to_be_visible()
    assert_no_serious_axe_violations(page)

    # --- exclude one supplier with a reason ---
    row = page.get_by_role("row").filter(has_text="Fjellskyen AS")
    row.get_by_label("Begrunnelse for å utelate leverandøren").fill(
        "Har meldt at de ikke har kapasitet i perioden."
    )
    row.get_by_role("button", name="Utelat Fjellskyen AS").click()
    expect(page.get_by_text("Fjellskyen AS er utelatt fra minikonkurransen.")).to_be_visible()
    expect(page.get_by_text("Utelatt: Har meldt at de ikke har kapasitet i perioden.")).to_be_visible()

    # --- criteria and price model, then lock ---
    page.get_by_role("link", name="Velg kriterier og prismodell").click()
    assert_no_serious_axe_violations(page)
    page.get_by_role("group", name=re.compile(r"^Pris \(")).get_by_label("Vekt (%)").fill("40")
    quality = page.get_by_role("group", name=re.compile(r"^Kvalitet og funksjonalitet"))
    quality.get_by_label("Vekt (%)").fill("50")
    quality.get_by_label("Presisering").fill("Oppetid, support på norsk og exit-plan.")
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator("#feiloppsummering")).to_contain_text("Vektene må til sammen være 100 % (nå 90 %).")
    quality.get_by_label("Vekt (%)").fill("60")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Tildelingskriteriene og prismodellen er lagret.")).to_be_visible()
    page.get_by_role("button", name="Lås kriterier og evalueringsmodell").click()
    expect(page.get_by_text("Tildelingskriteriene og evalueringsmodellen er låst.")).to_be_visible()

    # --- deadlines in Oslo time; shorter than suggested → warning and confirmation ---
    page.get_by_role("link", name="Sett frister og send invitasjonen").click()
    assert_no_serious_axe_violations(page)
    oslo_now = dt.datetime.now(OSLO)
    questions_on = (oslo_now + dt.timedelta(days=1)).date().isoformat()
    offers_on = (oslo_now + dt.timedelta(days=2)).date().isoformat()
    page.get_by_label("Frist for spørsmål – dato").fill(questions_on)
    page.get_by_label("Frist for spørsmål – klokkeslett (norsk tid)").fill("12:00")
    page.get_by_label("Tilbudsfrist – dato").fill(offers_on)
    page.get_by_label("Tilbudsfrist – klokkeslett (norsk tid)").fill("12:00")
    page.get_by_role("button", name="Send invitasjonen").click()
    expect(page.get_by_role("alert").filter(has_text="kortere enn anbefalt minimum")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Jeg har vurdert at fristen er lang nok, selv om den er kortere enn anbefalt").check()
    page.get_by_role("button", name="Send invitasjonen").click()
    expect(page.get_by_text("Invitasjonen er sendt til 2 leverandører.")).to_be_visible()
    expect(page.get_by_text("Tilbudene er forseglet til tilbudsfristen er ute.")).to_be_visible()
    logout(page)

    # --- supplier 1 asks a question and submits an offer ---
    login_as(page, "nordsky.tilbyder", next_path=f"/avrop/{pk}/tilbud/")
    expect(page.get_by_role("heading", name=re.compile("Objektlagring for flomvarsling"))).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Spørsmål").fill("Kan leveransen deles i to faser?")
    page.get_by_role("button", name="Send spørsmål").click()
    expect(page.get_by_text("Spørsmålet er sendt.")).to_be_visible()
    page.get_by_label("Totalpris (NOK ekskl. mva.)").fill("1 250 000,00")
    page.get_by_label("Beskrivelse av tilbudet").fill(
        "Objektlagring i to norske regioner med døgnbemannet support."
    )
    page.get_by_role("button", name="Lever tilbud").click()
    expect(
        page.get_by_text(re.compile(r"Tilbudet er mottatt \(versjon 1\)\. Kvittering SHA-256: [0-9a-f]{64}"))
    ).to_be_visible()
    expect(page.get_by_role("table", name="Kvitteringer for ditt tilbud")).to_contain_text("Levert")
    assert_no_serious_axe_violations(page)
    logout(page)

    # --- the buyer answers; the offer stays invisible to the buyer before the deadline ---
    login_as(page, "nve.innkjoper", next_path=f"/avrop/{pk}/minikonkurranse/")
    page.get_by_label("Svar").fill("Ja, leveransen kan deles i to faser.")
    page.get_by_role("button", name="Publiser svar").click()
    expect(page.get_by_text("Svaret er publisert til alle inviterte leverandører.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("1250000")
    expect(page.locator("main")).not_to_contain_text("tilbud mottatt")
    logout(page)

    # --- supplier 2 sees the answer without the asker, submits and replaces ---
    login_as(page, SECOND_BIDDER, next_path=f"/avrop/{pk}/tilbud/")
    main = page.locator("main")
    expect(main).to_contain_text("Ja, leveransen kan deles i to faser.")
    expect(main).not_to_contain_text("Nordsky")
    page.get_by_label("Totalpris (NOK ekskl. mva.)").fill("990000")
    page.get_by_label("Beskrivelse av tilbudet").fill("Suveren sky i Norden.")
    page.get_by_role("button", name="Lever tilbud").click()
    expect(page.get_by_text(re.compile(r"Tilbudet er mottatt \(versjon 1\)"))).to_be_visible()
    page.get_by_label("Totalpris (NOK ekskl. mva.)").fill("980000")
    page.get_by_label("Beskrivelse av tilbudet").fill("Suveren sky i Norden, med rabatt.")
    page.get_by_role("button", name="Erstatt tilbudet").click()
    expect(page.get_by_text(re.compile(r"Tilbudet er mottatt \(versjon 2\)"))).to_be_visible()
    receipts = page.get_by_role("table", name="Kvitteringer for ditt tilbud")
    expect(receipts).to_contain_text("Erstattet")
    expect(main).not_to_contain_text("1 250 000")
    logout(page)

    # --- time travel past the deadline: nothing more is accepted ---
    shell(e2e_server, TIME_TRAVEL.format(pk=pk))
    login_as(page, "nordsky.tilbyder", next_path=f"/avrop/{pk}/tilbud/")
    expect(
        page.get_by_text("Tilbudsfristen er ute. Tilbud kan ikke leveres, erstattes eller trekkes.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Erstatt tilbudet")).to_have_count(0)
    logout(page)

    # --- the buyer opens the offers ---
    login_as(page, "nve.innkjoper", next_path=f"/avrop/{pk}/minikonkurranse/")
    expect(page.get_by_text("2 tilbud mottatt.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("980000")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Åpne tilbud").click()
    expect(page.get_by_text("Tilbudene er åpnet (2 tilbud).")).to_be_visible()
    offers = page.get_by_role("table", name="Mottatte tilbud")
    expect(offers.get_by_role("row").filter(has_text="Nordsky AS")).to_contain_text("1250000,00")
    expect(offers.get_by_role("row").filter(has_text="Atlanterhavet Sky Norge AS")).to_contain_text(
        "980000,00"
    )
    assert_no_serious_axe_violations(page)
    offers.get_by_role("link", name="Atlanterhavet Sky Norge AS").click()
    expect(page.get_by_role("heading", name="Tilbud fra Atlanterhavet Sky Norge AS")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Suveren sky i Norden, med rabatt.")
    assert_no_serious_axe_violations(page)


# --- evaluation and award (the evalaward area) ---------------------------------------------------------------------

OPENED_BY_THE_JOURNEY = """
from marketplace.calloffs.models import CallOff
calloff = (
    CallOff.objects.filter(title="Objektlagring for flomvarsling", offers_opened_at__isnull=False)
    .exclude(reference="AV-E2E-TILDELING")
    .order_by("-pk")
    .first()
)
print(f"{calloff.pk} {calloff.reference}" if calloff else "")
"""


def test_mini_competition_evaluated_awarded_and_notified(page: Page, e2e_server: E2EServer) -> None:
    """Continues the call-off the journey above opened: the evaluator declares and scores, the buyer computes
    the ranking, the approver decides, the buyer sends the notices and Nordsky reads its notice."""
    found = shell(e2e_server, OPENED_BY_THE_JOURNEY).strip().splitlines()
    if not found or not found[-1]:
        test_mini_competition_from_invitation_to_opened_offers(page, e2e_server)
        found = shell(e2e_server, OPENED_BY_THE_JOURNEY).strip().splitlines()
    pk_text, reference = found[-1].split()
    pk = int(pk_text)

    login_as(page, "nve.innkjoper", next_path=f"/avrop/{pk}/evaluering/")
    expect(page.get_by_text("Nordsky AS")).to_have_count(0)  # nothing before the declaration
    page.get_by_label("Ja, jeg er habil").check()
    page.get_by_role("button", name="Avgi erklæring").click()
    expect(page.get_by_text("Habilitetserklæringen er registrert.")).to_be_visible()
    assert_no_serious_axe_violations(page)

    points = {"Nordsky AS": "9", "Atlanterhavet Sky Norge AS": "6"}
    for supplier, value in points.items():
        section = page.locator("section.evaluation-offer", has=page.get_by_role("heading", name=supplier))
        count = section.locator("form", has=page.get_by_role("button", name="Lagre poeng")).count()
        assert count >= 1
        for index in range(count):
            form = section.locator("form", has=page.get_by_role("button", name="Lagre poeng")).nth(index)
            form.get_by_label("Poeng (0–10)").fill(value)
            form.get_by_label("Begrunnelse").fill(f"Vurdert til {value} mot kravene.")
            form.get_by_role("button", name="Lagre poeng").click()
            expect(form.locator("legend")).to_contain_text(f"nå {value},00 poeng")

    page.get_by_role("button", name="Beregn rangering").click()
    expect(page.get_by_text("Rangeringen er beregnet.")).to_be_visible()
    table = page.get_by_role("table", name="Pris, poeng per kriterium og vektet sum")
    expect(table.locator("tbody tr").first).to_contain_text("Nordsky AS")
    assert_no_serious_axe_violations(page)
    logout(page)

    login_as(page, "nve.godkjenner", next_path=f"/avrop/{pk}/tildeling/")
    page.get_by_label("Begrunnelse for tildelingen").fill("Høyest vektet poengsum.")
    page.get_by_role("button", name="Beslutt tildeling").click()
    expect(page.get_by_text("Kontrakten er tildelt Nordsky AS.")).to_be_visible()
    logout(page)

    login_as(page, "nve.innkjoper", next_path=f"/avrop/{pk}/tildeling/")
    page.get_by_role("button", name="Send tildelingsmeddelelse").click()
    expect(page.get_by_text("Tildelingsmeddelelsen er sendt til 2 leverandører samtidig.")).to_be_visible()
    assert_no_serious_axe_violations(page)
    logout(page)

    login_as(page, SECOND_BIDDER, next_path="/avrop/meldinger/")
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Ulest")
    row.get_by_role("link").click()
    expect(page.get_by_text("har besluttet å tildele kontrakten til Nordsky AS.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Pris: deres pris 980\s000,00 kr ga flere poeng"))).to_be_visible()
    assert_no_serious_axe_violations(page)
