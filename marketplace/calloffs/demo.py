"""Demo call-offs in every state and by every route (seeded after the catalogue), so a new user sees the platform in
use: NVE, Tolletaten and Voss herad calling off from the CIPS framework (2024/1001), lot 1, where Nordsky AS,
Atlanterhavet Sky Norge AS and Fjellskyen AS are ranked 1–3.

Everything goes through the real services (create → cascade → justify → award → notice → sign; desk basket →
evaluate → award; mini-competition criteria → publish → questions → sealed offers → open → impartiality → scores →
evaluation → award → notice/standstill → complaint/hold → sign; cancel with a reason), so the audit chain, receipts
and evaluations are the real thing. Finished call-offs are dated through 2026; call-offs still running are dated
relative to the day of seeding, so that they are in the intended state when a user looks (tendering, standstill...).

Idempotent: a call-off is identified by buyer and title; one that exists is left alone. The e-mails the services
send to the invented demo people are not sent (see `_mail_muted_on_commit`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from marketplace.accounts.demo import user_ensure
from marketplace.accounts.middleware import activate
from marketplace.accounts.models import Organisation, Role, User
from marketplace.calloffs.models import CallOff
from marketplace.calloffs.rules.state import CallOffState, CallOffTimes, calloff_state
from marketplace.core.deadlines import OSLO
from marketplace.core.demo import DemoResult

CIPS = "2024/1001"
# The references calloff_create gives the scenarios' call-offs ("AV-2026-0001"); other apps' demo call-offs differ.
SCENARIO_REFERENCE = r"^AV-[0-9]{4}-[0-9]+$"
NVE = "970205039"
TOLL = "974761467"
VOSS = "964338442"

# Stages a scenario runs to, in order.
CREATED = "created"
CRITERIA = "criteria"
PUBLISHED = "published"
OFFERS = "offers"
OPENED = "opened"
EVALUATED = "evaluated"
DECIDED = "decided"
NOTIFIED = "notified"
ON_HOLD = "on_hold"
SIGNED = "signed"
CANCELLED = "cancelled"
ORDER = [CREATED, CRITERIA, PUBLISHED, OFFERS, OPENED, EVALUATED, DECIDED, NOTIFIED, ON_HOLD, SIGNED]


def _on(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=OSLO).astimezone(dt.UTC)


@dataclass
class People:
    creator: User
    evaluator: User
    approver: User


@dataclass
class Scenario:
    buyer: str
    title: str
    description: str
    value: str
    mechanism: str  # expected route (checked after create)
    stop: str  # last stage
    times: Callable[[dt.datetime], dict[str, dt.datetime]]
    customisation: bool = False
    special: bool = False
    cancel_reason: str = ""
    complaint: str = ""


# Timelines in days from the call-off's start (fractions are hours); `_fixed` anchors them on a 2026 date (Oslo
# 09:00), `_relative` on a moment `back` days before the seeding, so a running call-off is in its state right now.
MINI_DAYS = {
    CREATED: 0,
    CRITERIA: 1,
    PUBLISHED: 2,
    "asked": 4,
    "answered": 5,
    "asked_late": 8,
    "questions_deadline": 9,
    OFFERS: 12,
    "offer_deadline": 16,
    OPENED: 16.1,
    "declared": 17,
    "scored": 18,
    EVALUATED: 19,
    DECIDED: 20,
    NOTIFIED: 21,
    ON_HOLD: 24,
    SIGNED: 37,
}
SIMPLE_DAYS = {
    CREATED: 0,
    "cascade": 1,
    "cascade_next": 2,
    EVALUATED: 2.2,
    DECIDED: 3,
    NOTIFIED: 3.2,
    SIGNED: 6,
}


def _fixed(
    days: dict[str, float], year: int, month: int, day: int, **extra: dt.datetime
) -> Callable[[dt.datetime], dict[str, dt.datetime]]:
    start = _on(year, month, day, 9)
    return lambda now: {**{k: start + dt.timedelta(days=v) for k, v in days.items()}, **extra}


def _relative(days: dict[str, float], back: float) -> Callable[[dt.datetime], dict[str, dt.datetime]]:
    def times(now: dt.datetime) -> dict[str, dt.datetime]:
        start = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=back)
        return {k: start + dt.timedelta(days=v) for k, v in days.items()}

    return times


SCENARIOS: list[Scenario] = [
    # --- direct award (ranked, cascade) ---
    Scenario(
        NVE,
        "Objektlagring for hydrologiske måledata",
        "Objektlagring (om lag 200 TiB) for arkivet av hydrologiske måleserier, med versjonering.",
        "1200000.00",
        "direct",
        SIGNED,
        _fixed(SIMPLE_DAYS, 2026, 2, 2),
    ),
    Scenario(
        TOLL,
        "Virtuelle maskiner for testmiljø",
        "Virtuelle maskiner for test- og utviklingsmiljøet til fortollingssystemet.",
        "850000.00",
        "direct",
        DECIDED,
        _relative(SIMPLE_DAYS, 5),
    ),
    Scenario(
        VOSS,
        "Sikkerhetskopi av fagsystemer",
        "Sikkerhetskopi i sky av kommunens fagsystemer, med lagring i Norge.",
        "400000.00",
        "direct",
        CREATED,
        _relative(SIMPLE_DAYS, 1),
    ),
    # --- desk evaluation on framework prices ---
    Scenario(
        TOLL,
        "Beregningskapasitet for risikoanalyse",
        "Beregningskapasitet og lagring for risikomodellene i grensekontrollen.",
        "6500000.00",
        "desk",
        SIGNED,
        _fixed(SIMPLE_DAYS, 2026, 5, 4),
    ),
    Scenario(
        NVE,
        "Beregningskapasitet for flomvarsling",
        "Beregningskapasitet i perioder med flomfare og lagring av modellresultater.",
        "7500000.00",
        "desk",
        EVALUATED,
        _relative(SIMPLE_DAYS, 6),
    ),
    Scenario(
        NVE,
        "Lagring for kartdata og laserskanning",
        "Lagring og beregning for laserdata (LiDAR) og kartproduksjon.",
        "5600000.00",
        "desk",
        NOTIFIED,
        _relative(SIMPLE_DAYS, 8),
    ),
    # --- mini-competition ---
    Scenario(
        NVE,
        "Plattform for hydrologiske modeller",
        "Tilpasset plattform for kjøring av hydrologiske modeller, med krav til drift i Norge og beredskap.",
        "3800000.00",
        "mini_competition",
        SIGNED,
        _fixed(MINI_DAYS, 2026, 3, 2),
        customisation=True,
    ),
    Scenario(
        VOSS,
        "Skyplattform for velferdsteknologi",
        "Plattform for velferdsteknologi i hjemmetenesta, med særskilde krav til personvern.",
        "1800000.00",
        "mini_competition",
        CANCELLED,
        _fixed(MINI_DAYS, 2026, 5, 26, **{CANCELLED: _on(2026, 6, 10, 9)}),
        special=True,
        cancel_reason=(
            "Behovet er endra etter at kommunen gjekk inn i eit interkommunalt samarbeid om velferdsteknologi. "
            "Avropet blir avlyst før tilbodsfristen."
        ),
    ),
    Scenario(
        TOLL,
        "Analyseplattform for varestrømmer",
        "Tilpasset analyseplattform for data om varestrømmer, med særskilte krav til informasjonssikkerhet.",
        "4200000.00",
        "mini_competition",
        SIGNED,
        _fixed(MINI_DAYS, 2026, 8, 17),
        special=True,
    ),
    Scenario(
        VOSS,
        "Digital innbyggjarteneste i sky",
        "Tilpassa skyplattform for innbyggjartenester (søknader, timebestilling) med integrasjon mot fagsystem.",
        "1900000.00",
        "mini_competition",
        CRITERIA,
        _relative(MINI_DAYS, 1.5),
        customisation=True,
    ),
    Scenario(
        NVE,
        "Sikker plattform for beredskapsdata",
        "Plattform for beredskapsdata (flom, skred) med særskilte krav til informasjonssikkerhet og tilgjengelighet.",
        "3200000.00",
        "mini_competition",
        PUBLISHED,
        _relative(MINI_DAYS, 13),
        special=True,
    ),
    Scenario(
        TOLL,
        "Maskinlæringsplattform for kontrollutvelgelse",
        "Tilpasset plattform for maskinlæring i utvelgelse av forsendelser til kontroll.",
        "2900000.00",
        "mini_competition",
        OFFERS,
        _relative(MINI_DAYS, 17),
        customisation=True,
    ),
    Scenario(
        NVE,
        "Datadeling for energiforsyning",
        "Tilpasset plattform for deling av data om kraftforsyning med netteiere.",
        "2600000.00",
        "mini_competition",
        OPENED,
        _relative(MINI_DAYS, 17.5),
        customisation=True,
    ),
    Scenario(
        VOSS,
        "Skybasert sakshandsaming for byggesak",
        "Tilpassa sakshandsaming for byggesak i sky, med integrasjon mot kartløysinga.",
        "1700000.00",
        "mini_competition",
        DECIDED,
        _relative(MINI_DAYS, 20.5),
        customisation=True,
    ),
    Scenario(
        NVE,
        "Sensorplattform for skredvarsling",
        "Tilpasset plattform for innsamling av sensordata for skredvarsling, med krav til oppetid.",
        "3400000.00",
        "mini_competition",
        NOTIFIED,
        _relative(MINI_DAYS, 24),
        customisation=True,
    ),
    Scenario(
        TOLL,
        "Plattform for digital fortolling",
        "Tilpasset plattform for mottak av tolldeklarasjoner, med særskilte krav til informasjonssikkerhet.",
        "2700000.00",
        "mini_competition",
        ON_HOLD,
        _relative(MINI_DAYS, 26),
        special=True,
        complaint=(
            "Atlanterhavet Sky Norge AS mener at kriteriet «Kvalitet og funksjonalitet» er vurdert i strid med "
            "konkurransegrunnlaget, og ber om at kontrakt ikke inngås før klagen er behandlet."
        ),
    ),
    Scenario(
        NVE,
        "Arkivløsning for vassdragsdata",
        "Tilpasset arkivløsning for vassdragsdata med langtidslagring og uttrekk.",
        "2400000.00",
        "mini_competition",
        NOTIFIED,
        _relative(MINI_DAYS, 45),
        customisation=True,
    ),
]

# Offered prices (NOK excl. VAT) as a share of the estimate, and quality points, per supplier rank.
OFFER_SHARES = {1: Decimal("0.92"), 2: Decimal("0.86"), 3: Decimal("0.97")}
POINTS = {1: ("8", "7", "6"), 2: ("6", "8", "7"), 3: ("7", "6", "8")}
JUSTIFICATIONS = (
    "Godt beskrevet løsning med tydelig plan for drift og videreutvikling.",
    "Sikkerhetsarkitekturen er dokumentert, men beredskapsplanen er mindre konkret.",
    "Klimaregnskap og energibruk per tjeneste er oppgitt; tiltak for reduksjon er beskrevet.",
)


def _mail_muted_on_commit() -> tuple[Callable[[], None], Callable[[], None]]:
    """The services send e-mail after commit; the demo's people are invented (@example.invalid), so the e-mails that
    seeding triggers are dropped: `mute` (registered on commit before the services run) switches to the dummy
    backend, `restore` (registered after) switches back. On-commit callbacks run in the order they were registered."""
    previous = settings.EMAIL_BACKEND

    def mute() -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

    def restore() -> None:
        settings.EMAIL_BACKEND = previous

    return mute, restore


def _people(result: DemoResult) -> dict[str, People]:
    """Buyer-side people per organisation: creator (buyer), evaluator, approver (not the creator)."""
    orgs = {o.orgnr: o for o in Organisation.objects.filter(orgnr__in=[NVE, TOLL, VOSS])}
    nve_buyer = User.objects.get(username="nve.innkjoper")
    nve_approver = User.objects.get(username="nve.godkjenner")
    toll_buyer = user_ensure(
        "toll.innkjoper", "Amir", "Hansen", orgs[TOLL], [Role.BUYER, Role.EVALUATOR], result
    )
    toll_approver = user_ensure("toll.godkjenner", "Berit", "Sæther", orgs[TOLL], [Role.APPROVER], result)
    voss_creator = User.objects.get(username="radgiver")
    voss_approver = User.objects.get(username="voss.innkjoper")
    return {
        NVE: People(nve_buyer, nve_buyer, nve_approver),
        TOLL: People(toll_buyer, toll_buyer, toll_approver),
        VOSS: People(voss_creator, voss_creator, voss_approver),
    }


BIDDER_NAMES = {"atlanterhavet": ("Tone", "Vik"), "fjellskyen": ("Per", "Lie")}


def _bidders(result: DemoResult, contracts: list[Any]) -> dict[int, User]:
    """A bidder per supplier on the lot: `<first word of the name>.tilbyder` (Nordsky's comes from the catalogue
    demo); each is a demo log-in."""
    listed = {user["username"] for user in result.users}
    bidders = {}
    for contract in contracts:
        supplier = contract.supplier
        slug = supplier.name.split()[0].lower().replace("ø", "o").replace("å", "a").replace("æ", "ae")
        username = f"{slug}.tilbyder"
        user = User.objects.filter(username=username).first()
        if user is None or username not in listed:
            first, last = BIDDER_NAMES.get(slug, ("Tilbyder", supplier.name))
            user = user_ensure(username, first, last, supplier, [Role.BIDDER], result)
        activate(user, supplier)
        bidders[supplier.pk] = user
    return bidders


def _reached(stop: str, stage: str) -> bool:
    if stop == CANCELLED:
        return stage in (CREATED, CRITERIA, PUBLISHED)
    return ORDER.index(stage) <= ORDER.index(stop)


def _run_direct(calloff: CallOff, scenario: Scenario, people: People, t: dict[str, dt.datetime]) -> None:
    from marketplace.calloffs.models import CascadeOutcome
    from marketplace.calloffs.services.direct import cascade_next, cascade_record, direct_justify

    if not _reached(scenario.stop, EVALUATED):
        return
    first = cascade_next(calloff, on=t["cascade"].astimezone(OSLO).date())
    assert first is not None
    if scenario.stop == SIGNED:
        # The top-ranked supplier lacks capacity; the cascade moves to number 2 with the framework's reason.
        cascade_record(
            actor=people.creator,
            calloff=calloff,
            contract=first,
            outcome=CascadeOutcome.NO_CAPACITY,
            reason="Leverandøren bekreftet skriftlig at de ikke har kapasitet i perioden (rammeavtalen pkt. 3.2).",
            now=t["cascade"],
        )
        first = cascade_next(calloff, on=t["cascade_next"].astimezone(OSLO).date())
        assert first is not None
    cascade_record(
        actor=people.creator,
        calloff=calloff,
        contract=first,
        outcome=CascadeOutcome.ACCEPTED,
        now=t["cascade_next"],
    )
    direct_justify(
        actor=people.creator,
        calloff=calloff,
        justification=(
            f"Behovet dekkes av standardtjenester i prislisten og verdien er under rammeavtalens grense for direkte "
            f"tildeling. {first.supplier.name} er høyest rangerte leverandør som kan levere."
        ),
        now=t[EVALUATED],
    )


def _run_desk(calloff: CallOff, scenario: Scenario, people: People, t: dict[str, dt.datetime]) -> None:
    from marketplace.calloffs.services.desk import basket_set, desk_evaluate, desk_requirements_set

    basket_set(
        actor=people.creator,
        calloff=calloff,
        lines=[
            {
                "unit": "vcpu_hour",
                "quantity": Decimal("350000"),
                "description": "Beregning, 40 vCPU hele året",
            },
            {
                "unit": "gib_month",
                "quantity": Decimal("1200000"),
                "description": "Lagring, 100 TiB i 12 måneder",
            },
        ],
        now=t[CREATED] + dt.timedelta(hours=1),
    )
    desk_requirements_set(
        actor=people.creator,
        calloff=calloff,
        requirements=["data_in_eea"],
        optional=["iso_27001"],
        now=t[CREATED] + dt.timedelta(hours=2),
    )
    if _reached(scenario.stop, EVALUATED):
        desk_evaluate(actor=people.creator, calloff=calloff, now=t[EVALUATED])


def _run_mini(
    calloff: CallOff,
    scenario: Scenario,
    people: People,
    t: dict[str, dt.datetime],
    bidders: dict[int, User],
) -> None:
    from marketplace.calloffs.models import Criterion, Offer, Question
    from marketplace.calloffs.sealing import OfferContent
    from marketplace.calloffs.services.evaluation import (
        evaluation_compute,
        impartiality_declare,
        score_record,
    )
    from marketplace.calloffs.services.mini import (
        CriterionChoice,
        calloff_publish,
        criteria_lock,
        criteria_set,
        question_answer,
        question_ask,
    )
    from marketplace.calloffs.services.offers import offer_submit, offers_open

    framework_criteria = list(calloff.framework.criteria.order_by("id"))
    criteria_set(
        actor=people.creator,
        calloff=calloff,
        choices=[CriterionChoice(fc.pk, fc.weight_percent) for fc in framework_criteria],
        now=t[CRITERIA],
    )
    if scenario.stop == CRITERIA:
        return
    criteria_lock(actor=people.creator, calloff=calloff, now=t[CRITERIA] + dt.timedelta(hours=1))
    calloff_publish(
        actor=people.creator,
        calloff=calloff,
        offer_deadline_at=t["offer_deadline"],
        questions_deadline_at=t["questions_deadline"],
        now=t[PUBLISHED],
    )
    invitations = list(
        calloff.invitations.filter(invited_at__isnull=False).select_related("contract", "supplier")
    )
    by_rank = sorted(invitations, key=lambda i: i.contract.rank or 99)
    asker = bidders[by_rank[-1].supplier_id]
    ask_at = t["asked"]
    question = question_ask(
        actor=asker,
        calloff=calloff,
        question="Kan oppdragsgiver bekrefte om drift i to norske datasentre er et krav eller et ønske?",
        now=ask_at,
    )
    if scenario.stop == CANCELLED:
        from marketplace.calloffs.services.common import calloff_cancel

        calloff_cancel(actor=people.creator, calloff=calloff, reason=scenario.cancel_reason, now=t[CANCELLED])
        return
    question_answer(
        actor=people.creator,
        question=question,
        answer="Drift i to datasentre i Norge er et krav (se kravspesifikasjonen pkt. 4.1).",
        now=t["answered"],
    )
    question_ask(
        actor=bidders[by_rank[0].supplier_id],
        calloff=calloff,
        question="Skal prisen for opplæring inngå i totalprisen?",
        now=t["asked_late"],
    )
    if scenario.stop == PUBLISHED:
        # Still tendering: one offer is in (sealed); the others are on their way.
        offerers = by_rank[:1]
    else:
        offerers = by_rank
        late = Question.objects.filter(calloff=calloff, answered_at__isnull=True).first()
        if late is not None:
            question_answer(
                actor=people.creator,
                question=late,
                answer="Ja, opplæring inngår i totalprisen.",
                now=t["questions_deadline"] - dt.timedelta(hours=2),
            )
    for index, invitation in enumerate(offerers):
        rank = invitation.contract.rank or (index + 1)
        price = (calloff.estimated_value_amount * OFFER_SHARES.get(rank, Decimal("0.95"))).quantize(
            Decimal("1")
        )
        offer_submit(
            actor=bidders[invitation.supplier_id],
            calloff=calloff,
            supplier=invitation.supplier,
            content=OfferContent(
                price_amount=price,
                description=f"Tilbud fra {invitation.supplier.name}: løsning, driftsmodell og plan for innføring.",
            ),
            now=t[OFFERS] + dt.timedelta(hours=index),
        )
    if not _reached(scenario.stop, OPENED):
        return
    offers_open(actor=people.creator, calloff=calloff, now=t[OPENED])
    if not _reached(scenario.stop, EVALUATED):
        return
    impartiality_declare(
        actor=people.evaluator,
        calloff=calloff,
        is_impartial=True,
        statement="",
        now=t["declared"],
    )
    quality = [c for c in Criterion.objects.filter(calloff=calloff).order_by("position") if c.kind != "price"]
    for offer in Offer.objects.filter(calloff=calloff, withdrawn_at__isnull=True).select_related("supplier"):
        invitation = next(i for i in invitations if i.supplier_id == offer.supplier_id)
        points = POINTS.get(invitation.contract.rank or 1, POINTS[1])
        for position, criterion in enumerate(quality):
            score_record(
                actor=people.evaluator,
                offer=offer,
                criterion=criterion,
                points=points[position % 3],
                justification=JUSTIFICATIONS[position % 3],
                now=t["scored"],
            )
    evaluation_compute(actor=people.creator, calloff=calloff, now=t[EVALUATED])


def _run_award(calloff: CallOff, scenario: Scenario, people: People, t: dict[str, dt.datetime]) -> None:
    from marketplace.calloffs.services.award import (
        award_decide,
        award_notice_send,
        complaint_record,
        contract_sign,
    )

    if not _reached(scenario.stop, DECIDED) or scenario.stop == CANCELLED:
        return
    award_decide(
        actor=people.approver,
        calloff=calloff,
        justification="Tildelingen følger rammeavtalens regel og evalueringen som er dokumentert i avropet.",
        now=t[DECIDED],
    )
    if not _reached(scenario.stop, NOTIFIED):
        return
    award_notice_send(actor=people.creator, calloff=calloff, now=t[NOTIFIED])
    calloff.refresh_from_db()
    if scenario.stop == ON_HOLD:
        complainant = calloff.invitations.exclude(supplier=calloff.award.supplier).first()
        assert complainant is not None
        complaint_record(
            actor=people.creator,
            calloff=calloff,
            complainant=complainant.supplier,
            description=scenario.complaint,
            put_on_hold=True,
            now=t[ON_HOLD],
        )
        return
    if scenario.stop != SIGNED:
        return
    signed_at = t[SIGNED]
    if calloff.standstill_ends_at is not None and signed_at <= calloff.standstill_ends_at:
        signed_at = calloff.standstill_ends_at + dt.timedelta(hours=10)
    contract_sign(actor=people.creator, calloff=calloff, now=signed_at)


def _seed_one(
    scenario: Scenario,
    people: People,
    framework: Any,
    lot: Any,
    bidders: dict[int, User],
    now: dt.datetime,
) -> CallOff:
    from marketplace.calloffs.services.common import calloff_create

    t = scenario.times(now)
    starts_on = (t[CREATED] + dt.timedelta(days=75)).astimezone(OSLO).date().replace(day=1)
    buyer = Organisation.objects.get(orgnr=scenario.buyer)
    for person in (people.creator, people.evaluator, people.approver):
        activate(person, buyer)
    calloff, _warnings = calloff_create(
        actor=people.creator,
        buyer=buyer,
        framework=framework,
        lot=lot,
        title=scenario.title,
        description=scenario.description,
        estimated_value_amount=Decimal(scenario.value),
        period_starts_on=starts_on,
        period_ends_on=starts_on.replace(year=starts_on.year + 2) - dt.timedelta(days=1),
        needs_customisation=scenario.customisation,
        has_special_requirements=scenario.special,
        now=t[CREATED],
    )
    if calloff.mechanism != scenario.mechanism:
        raise RuntimeError(
            f"demo call-off {scenario.title!r}: route {calloff.mechanism}, expected {scenario.mechanism}"
        )
    if calloff.mechanism == "direct":
        _run_direct(calloff, scenario, people, t)
    elif calloff.mechanism == "desk":
        _run_desk(calloff, scenario, people, t)
    else:
        _run_mini(calloff, scenario, people, t, bidders)
    calloff.refresh_from_db()
    _run_award(calloff, scenario, people, t)
    calloff.refresh_from_db()
    return calloff


def seed(result: DemoResult) -> None:
    """Idempotent: creates the scenarios that do not exist yet (by buyer and title); counts the call-offs by state
    for the summary."""
    now = timezone.now()
    _seed_scenarios(result, now)
    # count the scenarios' call-offs only: other apps' seeders may add their own (insights: "AV-HIST-...")
    scenarios = CallOff.objects.filter(reference__regex=SCENARIO_REFERENCE)
    states = Counter(str(calloff_state(CallOffTimes.of(c), now)) for c in scenarios)
    result.counts["calloffs"] = sum(states.values())
    for state in CallOffState:
        result.counts[f"calloffs_{state}"] = states.get(str(state), 0)
    result.counts["users"] = User.objects.count()


def _seed_scenarios(result: DemoResult, now: dt.datetime) -> None:
    from marketplace.catalogue.models import Contract, FrameworkAgreement

    framework = FrameworkAgreement.objects.filter(reference=CIPS).first()
    if framework is None:
        raise RuntimeError("the call-off demo needs the catalogue demo (framework 2024/1001) to run first")
    lot = framework.lots.get(number=1)
    todo = [s for s in SCENARIOS if not CallOff.objects.filter(buyer__orgnr=s.buyer, title=s.title).exists()]
    people = _people(result)  # also lists the demo log-ins on every run
    contracts = list(Contract.objects.filter(lot=lot).select_related("supplier").order_by("rank", "id"))
    bidders = _bidders(result, contracts)
    if not todo:
        return
    mute, restore = _mail_muted_on_commit()
    transaction.on_commit(mute)
    for scenario in todo:
        _seed_one(scenario, people[scenario.buyer], framework, lot, bidders, now)
    transaction.on_commit(restore)
