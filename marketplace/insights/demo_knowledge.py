"""Demo data for the knowledge area: Cloud R&A articles and reports (the FinOps strategy and guidance among them),
Skyforum threads, the three expert groups with members, information meetings (one past, with slides; two coming)
and the annual survey for last year (closed) and this year (open), both answered by the demo public bodies.

Texts are written for the demo; the people are invented. Idempotent: each part is created only when missing.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from marketplace.accounts.middleware import activate
from marketplace.accounts.models import Organisation, OrganisationKind, User
from marketplace.core import demo as core_demo
from marketplace.core.demo import DemoResult
from marketplace.insights.models import (
    Article,
    ExpertGroup,
    ForumQuestion,
    GroupMembership,
    Meeting,
    MeetingRegistration,
    MembershipStatus,
    RegistrationStatus,
    Survey,
    SurveyAnswer,
    SurveyResponse,
)
from marketplace.insights.services import forum as forum_services
from marketplace.insights.services import knowledge as knowledge_services
from marketplace.insights.services import survey as survey_services

ARTICLES: list[dict[str, Any]] = [
    {
        "title": "FinOps-strategi for offentlig sektor",
        "kind": "strategy",
        "tags": "FinOps, Strategi, Kostnadsoptimalisering",
        "summary": "Strategien bygger på en behovsanalyse og en markedsanalyse og peker ut fire fokusområder og "
        "prioriteringene MPS arbeider med for å gi offentlige virksomheter kontroll over skykostnadene.",
        "body": """<h2>Hvorfor FinOps</h2>
<p>Skytjenester selges, brukes og betales annerledes enn egen drift og tradisjonell outsourcing. Kostnaden følger
forbruket, og den som utvikler tjenesten, tar økonomiske beslutninger hver dag. FinOps er praksisen som bringer
økonomi, teknologi og virksomhet sammen om disse beslutningene.</p>
<h2>Fire fokusområder</h2>
<ol>
<li><strong>Bryte ned barrierer:</strong> kompetanse, vilje, modenhet, ressurser, betalingsvilje og sikkerhet.</li>
<li><strong>Oversikt, kontroll og styring:</strong> forvaltning av IT-porteføljen, ansvar og planlegging.</li>
<li><strong>Optimalisering:</strong> håndtere kompleksitet og høy endringstakt.</li>
<li><strong>Automatisering:</strong> færre manuelle prosesser, styrt tilgang og bruk av KI/ML der det lønner seg.</li>
</ol>
<h2>Prioriteringer</h2>
<ul>
<li>Et rammeverk for IT-kapitalforvaltning (ITAM) og FinOps.</li>
<li>Piloter: IaaS/PaaS i flere skyer med styring, lisensstyring for SaaS, automatisering og ytelse, hybrid sky.</li>
<li>En anskaffelse av FinOps-tjenester.</li>
<li>Den årlige undersøkelsen «Status for offentlig sky i Norge».</li>
<li>En ekspertgruppe for FinOps.</li>
</ul>""",
    },
    {
        "title": "Veileder: Kom i gang med FinOps i virksomheten",
        "kind": "guidance",
        "tags": "FinOps, Veiledning, FOCUS",
        "summary": "Praktiske steg for å etablere FinOps: merking av ressurser, kostnadsdata i FOCUS-formatet, "
        "budsjetter og avviksvarsler, og en fast rytme for optimalisering.",
        "body": """<h2>1. Skaff oversikt</h2>
<p>Hent fakturagrunnlaget fra hver skyleverandør i FOCUS-formatet og last det inn i Markedsplassen. Da kan
kostnadene sammenlignes på tvers av leverandører og avtaler.</p>
<h2>2. Merk ressursene</h2>
<p>Bestem et minimum av merkelapper (for eksempel <code>kostnadssted</code>, <code>miljø</code> og
<code>eier</code>) og mål hvor stor andel av kostnaden som er merket. Umerket kostnad er et styringsproblem.</p>
<h2>3. Sett budsjetter og varsler</h2>
<p>Fordel budsjettet per tjeneste og måned. Varsle eieren når forbruket avviker fra forventet mønster.</p>
<h2>4. Optimaliser jevnlig</h2>
<ul>
<li>Slå av eller nedskaler ubrukte ressurser.</li>
<li>Vurder forpliktelser (reserverte instanser, spareplaner) når forbruket er stabilt.</li>
<li>Gå gjennom lisensene i SaaS-tjenestene hvert kvartal.</li>
</ul>
<p>Les mer i <a href="https://www.finops.org/framework/">FinOps-rammeverket</a>.</p>""",
    },
    {
        "title": "Markedsanalyse: rådgivning og analyse innen sky (Cloud R&A)",
        "kind": "report",
        "tags": "Cloud R&A, Markedsanalyse",
        "summary": "Over 60 kunngjøringer fra offentlig sektor siden 2017, med verdier opptil 350 millioner kroner, viser "
        "et stort og spredt behov for strategisk rådgivning og markedsinnsikt om sky.",
        "body": """<h2>Funn</h2>
<p>Offentlige virksomheter har siden 2017 kunngjort mer enn 60 anskaffelser av analyse- og rådgivningstjenester
innen sky, med verdier opptil 350 MNOK. Leverandørene er blant andre Gartner, Forrester, IDC og Bain.</p>
<table>
<thead><tr><th scope="col">Behov</th><th scope="col">Eksempler</th></tr></thead>
<tbody>
<tr><td>Strategisk rådgivning</td><td>digital transformasjon, rammeverk, konferanser</td></tr>
<tr><td>Fagområder</td><td>skytransformasjon, digitalisering, artikkeldatabase</td></tr>
<tr><td>Markedsinnsikt</td><td>leverandøranalyser, prisutvikling</td></tr>
</tbody>
</table>
<h2>Anbefaling</h2>
<p>En felles avtale vil gi virksomhetene tilgang til innsikt uten at hver enkelt må gjennomføre egen konkurranse.
Neste steg er markedsdialog.</p>""",
    },
    {
        "title": "Rapport: Innlåsing og exit i skytjenester",
        "kind": "report",
        "tags": "Cloud R&A, Exit, Kontrakt",
        "summary": "Gjennomgang av tekniske og kommersielle innlåsingsmekanismer – utgangsgebyrer, rabatter mot "
        "forpliktet forbruk og lisensvilkår – og hva virksomheten bør kreve av exit-bistand.",
        "body": """<h2>Bakgrunn</h2>
<p>Den britiske konkurransemyndigheten (CMA) har undersøkt skymarkedet og pekt på teknisk innlåsing,
utgangsgebyrer, rabatter knyttet til forpliktet forbruk og lisensvilkår som hindrer bytte av leverandør.</p>
<h2>Hva virksomheten bør gjøre</h2>
<ul>
<li>Kartlegg hvilke tjenester som bruker leverandørspesifikke API-er.</li>
<li>Krev dokumentert exit-bistand og dataformater i kontrakten.</li>
<li>Regn med utgangsgebyrer i totalkostnaden fra start.</li>
</ul>""",
    },
    {
        "title": "CIPS: slik avroper du på rammeavtalen for skyinfrastruktur",
        "kind": "guidance",
        "tags": "CIPS, Avrop, Veiledning",
        "summary": "Direkte tildeling, skrivebordskonkurranse eller minikonkurranse – når passer hvilken "
        "avropsmekanisme, og hva må behovet beskrive?",
        "body": """<p>Rammeavtalen for skyinfrastruktur og plattformtjenester (CIPS) har tre avropsmekanismer.</p>
<ul>
<li><strong>Direkte tildeling</strong> når behovet dekkes av avtalens standardvilkår og rangering.</li>
<li><strong>Skrivebordskonkurranse</strong> når prisene i avtalen avgjør.</li>
<li><strong>Minikonkurranse</strong> når behovet må beskrives nærmere og leverandørene skal gi tilbud.</li>
</ul>
<p>Husk karensperioden før kontrakt inngås.</p>""",
    },
]

QUESTIONS = [
    (
        "Hvordan fordeler dere skykostnader på avdelinger?",
        "Vi har flere avdelinger på samme abonnement og vil fordele kostnadene riktig. Bruker dere **merkelapper** "
        "eller egne abonnement per avdeling?",
        [
            "Vi gikk over til ett abonnement per avdeling i fjor. Det gjør fordelingen enkel, men gir flere "
            "abonnement å styre.",
            "Vi bruker merkelappen `kostnadssted` og avviser utrulling uten den. Andelen umerket kostnad er nå under "
            "5 %.",
        ],
    ),
    (
        "Erfaringer med exit-klausuler i SaaS-avtaler?",
        "Vi skal forhandle en ny SaaS-avtale. Hva har dere fått gjennomslag for når det gjelder exit-bistand og "
        "dataformater?",
        ["Vi fikk krav om eksport i åpne formater og 6 måneders bistand etter opphør inn i avtalen."],
    ),
    (
        "Hvem har tatt i bruk Cyber Risk Score?",
        "Vi vurderer å avrope Cyber Risk Score. Hvordan har dere brukt resultatene internt?",
        [],
    ),
]

GROUPS = [
    (
        "cips",
        "CIPS-ekspertgruppen",
        "Gir råd om behov, krav og avropsmekanismer for skyinfrastruktur og plattformtjenester (CIPS). Gruppen "
        "har medlemmer med teknisk, innkjøpsfaglig og strategisk kompetanse.",
        12,
    ),
    (
        "finops",
        "FinOps-ekspertgruppen",
        "Deler erfaringer med kostnadsstyring i sky, gir innspill til FinOps-rammeverket og pilotene, og hjelper "
        "MPS å utforme den årlige undersøkelsen.",
        10,
    ),
    (
        "cyberx",
        "CyberX-ekspertgruppen",
        "Gir råd om informasjonssikkerhet og personvern i skytjenester: Cyber Risk Score, trusseletterretning, "
        "opplæring og neste fase av CyberX.",
        10,
    ),
]

SURVEY_QUESTIONS = [
    ("skystrategi", "single", "Har virksomheten en vedtatt skystrategi?", ["Ja", "Under arbeid", "Nei"]),
    (
        "skymodeller",
        "multiple",
        "Hvilke skytjenester bruker virksomheten?",
        ["SaaS", "PaaS", "IaaS", "Privat sky"],
    ),
    ("finops-modenhet", "scale", "Hvor moden er virksomhetens kostnadsstyring i sky (1–5)?", []),
    ("skyandel", "number", "Omtrent hvor mange prosent av IT-budsjettet går til skytjenester?", []),
    ("utfordring", "text", "Hva er den største utfordringen med skytjenester nå?", []),
]

# answers per organisation index (last year, this year)
_STRATEGY = [["Ja", "Ja"], ["Under arbeid", "Ja"], ["Nei", "Under arbeid"], ["Ja", "Ja"], ["Under arbeid", "Ja"],
             ["Nei", "Nei"], ["Under arbeid", "Under arbeid"], ["Ja", "Ja"], ["Nei", "Under arbeid"]]  # fmt: skip
_CHALLENGES = [
    "Kompetanse på kostnadsstyring.",
    "Usikkerhet om overføring av personopplysninger.",
    "Lisensvilkår som gjør det dyrt å bytte.",
    "Å få oversikt over alle SaaS-abonnementene.",
    "Manglende kapasitet i IT-avdelingen.",
]


def _minimal_pdf(title: str) -> bytes:
    text = title.replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _acting(user: User, organisation: Organisation) -> User:
    activate(user, organisation)
    return user


def seed(result: DemoResult) -> None:
    mps = Organisation.objects.filter(kind=OrganisationKind.MPS).order_by("pk").first()
    staff = _user("dfo.kategori")
    if mps is None or staff is None:
        return
    staff = _acting(staff, mps)
    now = timezone.now()
    counts = result.counts

    created = 0
    for index, item in enumerate(ARTICLES):
        if Article.objects.filter(title=item["title"]).exists():
            continue
        knowledge_services.article_create(
            actor=staff, title=item["title"], summary=item["summary"], body=item["body"], kind=item["kind"],
            tags=item["tags"], publish=True, now=now - dt.timedelta(days=200 - index * 30),
        )  # fmt: skip
        created += 1
    report = Article.objects.filter(title=ARTICLES[2]["title"]).first()
    if report is not None and not report.attachments.exists():
        knowledge_services.attachment_add(
            actor=staff, article=report,
            upload=SimpleUploadedFile("markedsanalyse-cloud-ra.pdf", _minimal_pdf("Markedsanalyse Cloud R&A"),
                                      content_type="application/pdf"),
        )  # fmt: skip
    counts["insights_articles"] = Article.objects.count()

    buyers = list(
        Organisation.objects.exclude(kind__in=[OrganisationKind.SUPPLIER, OrganisationKind.MPS]).order_by(
            "orgnr"
        )
    )
    nve = Organisation.objects.filter(orgnr="970205039").first()
    voss = Organisation.objects.filter(orgnr="964338442").first()
    asker_specs = [("nve.innkjoper", nve), ("voss.innkjoper", voss), ("nve.admin", nve)]
    answerers = [("radgiver", voss), ("nve.admin", nve)]
    for (title, body, answers), (asker_name, asker_org) in zip(QUESTIONS, asker_specs, strict=True):
        asker = _user(asker_name)
        if asker is None or asker_org is None or ForumQuestion.objects.filter(title=title).exists():
            continue
        question = forum_services.question_ask(actor=_acting(asker, asker_org), title=title, body=body)
        for position, text in enumerate(answers):
            name, org = answerers[position % len(answerers)]
            user = _user(name)
            if user is not None and org is not None:
                answer = forum_services.answer_post(actor=_acting(user, org), question=question, body=text)
                if position == 1:
                    forum_services.answer_accept(actor=_acting(asker, asker_org), answer=answer)
    counts["insights_forum_questions"] = ForumQuestion.objects.count()

    groups = {}
    for slug, name, purpose, seats in GROUPS:
        groups[slug], _created = ExpertGroup.objects.get_or_create(
            slug=slug, defaults={"name": name, "purpose": purpose, "seats": seats}
        )
    members = [("finops", "nve.admin", nve, MembershipStatus.APPROVED), ("cyberx", "nve.admin", nve,
               MembershipStatus.APPROVED), ("cips", "nve.innkjoper", nve, MembershipStatus.APPROVED),
               ("cips", "voss.innkjoper", voss, MembershipStatus.PENDING),
               ("finops", "radgiver", voss, MembershipStatus.PENDING)]  # fmt: skip
    for slug, username, org, status in members:
        user = _user(username)
        if user is None or org is None:
            continue
        GroupMembership.objects.get_or_create(
            group=groups[slug], user=user,
            defaults={"organisation": org, "status": status, "applied_at": now - dt.timedelta(days=40),
                      "decided_at": now - dt.timedelta(days=30) if status == MembershipStatus.APPROVED else None,
                      "decided_by": staff if status == MembershipStatus.APPROVED else None},
        )  # fmt: skip

    zone = timezone.get_default_timezone()
    today = timezone.localtime(now).date()
    meetings: list[tuple[str, str | None, int, str, int, str]] = [
        ("Informasjonsmøte: Markedsplassen for skytjenester", None, -30, "DFØ, Karl Johans gate 37, Oslo", 120,
         "1. Status for programmet\n2. CIPS: konkurranse og tidslinje\n3. CyberX og Cyber Risk Score\n"
         "4. FinOps-strategien\n5. Spørsmål"),
        ("Informasjonsmøte: CIPS-konkurransen", None, 14, "", 200,
         "1. Konkurransegrunnlaget\n2. Avropsmekanismer\n3. Kontraktsvilkår\n4. Spørsmål"),
        ("FinOps-ekspertgruppen: oppstartsmøte", "finops", 21, "DFØ, Oslo", 10,
         "1. Mandat og arbeidsform\n2. Erfaringer fra pilotene\n3. Innspill til årets undersøkelse"),
    ]  # fmt: skip
    for title, group_slug, days, place, capacity, agenda in meetings:
        if Meeting.objects.filter(title=title).exists():
            continue
        day = today + dt.timedelta(days=days)
        meeting = Meeting.objects.create(
            title=title, group=groups.get(group_slug) if group_slug else None, agenda=agenda,
            starts_at=dt.datetime.combine(day, dt.time(10, 0), tzinfo=zone),
            ends_at=dt.datetime.combine(day, dt.time(11, 30), tzinfo=zone),
            place=place, online_url="https://meet.example.invalid/mps-informasjonsmote", capacity=capacity,
        )  # fmt: skip
        for username, org in [("nve.innkjoper", nve), ("voss.innkjoper", voss), ("nve.admin", nve)]:
            user = _user(username)
            if user is not None and org is not None:
                MeetingRegistration.objects.create(
                    meeting=meeting, user=user, organisation=org, status=RegistrationStatus.REGISTERED,
                    registered_at=now - dt.timedelta(days=10),
                )  # fmt: skip
        if days < 0:
            knowledge_services.slides_add(
                actor=staff, meeting=meeting,
                upload=SimpleUploadedFile("mps-informasjonsmote.pdf", _minimal_pdf(title), content_type="application/pdf"),
            )  # fmt: skip
    counts["insights_meetings"] = Meeting.objects.count()

    this_year = today.year
    for year, opens, closes in [
        (this_year - 1, dt.date(this_year - 1, 10, 1), dt.date(this_year - 1, 12, 15)),
        (this_year, dt.date(this_year, 10, 1), max(dt.date(this_year, 12, 15), today)),
    ]:
        survey = Survey.objects.filter(year=year).first()
        if survey is None:
            survey = survey_services.survey_create(
                actor=staff, year=year, title="Status for offentlig sky i Norge", opens_on=opens, closes_on=closes,
                introduction="Undersøkelsen gir et bilde av hvordan offentlig sektor bruker skytjenester. "
                "Resultatene brukes i MPS sitt arbeid og publiseres samlet.",
            )  # fmt: skip
            for key, kind, text, choices in SURVEY_QUESTIONS:
                survey_services.question_add(
                    actor=staff, survey=survey, key=key, kind=kind, text=text, choices=choices
                )
            survey_services.survey_publish(actor=staff, survey=survey)
        if survey.responses.exists():
            continue
        rng = random.Random(year)  # noqa: S311 - demo figures, not security
        questions = {q.key: q for q in survey.questions.all()}
        respondents = buyers if year < this_year else buyers[: max(len(buyers) - 3, 0)]
        for index, org in enumerate(respondents):
            step = 0 if year < this_year else 1
            values: dict[str, object] = {
                "skystrategi": _STRATEGY[index % len(_STRATEGY)][step],
                "skymodeller": ["SaaS"]
                + (["PaaS"] if index % 2 == 0 else [])
                + (["IaaS"] if index % 3 == 0 else []),
                "finops-modenhet": min(5, 1 + index % 4 + step),
                "skyandel": str(12 + rng.randint(0, 20) + step * 4),
                "utfordring": _CHALLENGES[index % len(_CHALLENGES)],
            }
            response = SurveyResponse.objects.create(
                survey=survey, organisation=org, submitted_at=timezone.make_aware(
                    dt.datetime.combine(survey.opens_on + dt.timedelta(days=5 + index), dt.time(12))),
                updated_at=timezone.make_aware(dt.datetime.combine(survey.opens_on + dt.timedelta(days=5 + index), dt.time(12))),
            )  # fmt: skip
            SurveyAnswer.objects.bulk_create(
                [SurveyAnswer(response=response, question=questions[k], value=v) for k, v in values.items()]
            )
    counts["insights_surveys"] = Survey.objects.count()
    counts["insights_articles_created"] = created


def register() -> None:
    core_demo.register("insights_knowledge", seed, order=90)
