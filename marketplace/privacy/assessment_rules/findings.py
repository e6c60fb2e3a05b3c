"""The findings engine: named findings, each with a rule id, a severity, its legal source and a Norwegian text.

Pure and table-driven: `findings_for(facts)` runs every rule in RULES over an `AssessmentFacts`. The rules cover what
the EDPS found wrong in the European Commission's use of Microsoft 365 (case 2021-0518, decision of 8 March 2024),
the Danish Datatilsynet's Chromebook and Region Syddanmark decisions and the EDPB Recommendations 01/2020.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from marketplace.privacy.assessment_rules import adequacy, risk

HIGH = "high"
MEDIUM = "medium"
LOW = "low"

NO_BASIS = {"", "none", "unknown"}


def gettext_noop(message: str) -> str:
    """Marks a finding's title or explanation for translation without importing Django: makemessages extracts it,
    and the pages show it through {% translate %}. The stored and API text stays Bokmål."""
    return message


TRANSFER_TOOLS = {"adequacy", "scc", "bcr", "code", "certification", "ad_hoc", "derogation"}


@dataclass(frozen=True)
class ProcessingFact:
    purpose: str
    data_category: str
    data_subjects: str
    legal_basis: str  # art. 6(1) letter "a".."f"
    is_special: bool = False  # art. 9 special categories or art. 10 criminal convictions
    special_condition: str = ""  # art. 9(2) letter or art. 10 basis


@dataclass(frozen=True)
class ProviderPurposeFact:
    purpose: str
    legal_basis: str  # "" / "none" / "unknown" when there is none


@dataclass(frozen=True)
class TransferFact:
    recipient: str
    country: str
    data_category: str
    purpose: str
    tool: str  # "" when none
    is_dpf_certified: bool = False
    is_commercial: bool = True
    is_onward: bool = False
    edpb_steps_done: int = 0  # how many of the six EDPB steps are documented
    supplementary_measures: str = ""
    residual_risk: str = ""  # "", "low", "medium", "high"
    review_on: dt.date | None = None


@dataclass(frozen=True)
class SubProcessorFact:
    name: str
    country: str


@dataclass(frozen=True)
class RiskFact:
    event: str
    severity: int
    likelihood: int
    has_measures: bool


@dataclass(frozen=True)
class AssessmentFacts:
    assessed_on: dt.date
    processing: tuple[ProcessingFact, ...] = ()
    provider_purposes: tuple[ProviderPurposeFact, ...] = ()
    provider_purposes_known: bool = True  # False: "unknown whether the provider processes for own purposes"
    is_limited_to_instructions: bool | None = None
    has_disclosure_clause: bool | None = None
    transfers: tuple[TransferFact, ...] = ()
    sub_processors: tuple[SubProcessorFact, ...] = ()
    risks: tuple[RiskFact, ...] = ()
    table: adequacy.AdequacyTable | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str
    source: str
    title: str
    explanation: str
    subject: str = ""  # which row (recipient, purpose...) it is about

    def as_dict(self) -> dict[str, str]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "source": self.source,
            "title": self.title,
            "explanation": self.explanation,
            "subject": self.subject,
        }


def transfer_decision(facts: AssessmentFacts, row: TransferFact) -> adequacy.AdequacyDecision:
    return adequacy.decide(
        row.country,
        on=facts.assessed_on,
        is_dpf_certified=row.is_dpf_certified,
        is_commercial=row.is_commercial,
        table=facts.table,
    )


Rule = Callable[[AssessmentFacts], list[Finding]]


def _purposes_per_category(facts: AssessmentFacts) -> list[Finding]:
    source = "EDPS 2021-0518 (forordning 2018/1725 art. 4(1)(b)); GDPR art. 5(1)(b)"
    title = gettext_noop("Formål er ikke fastsatt per kategori personopplysninger")
    if not facts.processing:
        return [
            Finding(
                "PURPOSE_PER_CATEGORY",
                HIGH,
                source,
                title,
                gettext_noop(
                    "Ingen behandlinger er registrert. Hvilke kategorier personopplysninger som behandles for hvilke "
                    "formål må fastsettes (EDPS fant dette mangelfullt i Kommisjonens bruk av Microsoft 365)."
                ),
            )
        ]
    covered = {row.data_category.strip().lower() for row in facts.processing}
    missing = sorted(
        {
            row.data_category
            for row in facts.transfers
            if row.data_category.strip() and row.data_category.strip().lower() not in covered
        }
    )
    return [
        Finding(
            "PURPOSE_PER_CATEGORY",
            HIGH,
            source,
            title,
            gettext_noop(
                "Kategorien overføres, men ingen registrert behandling angir formål og behandlingsgrunnlag for den."
            ),
            subject=category,
        )
        for category in missing
    ]


def _provider_purposes(facts: AssessmentFacts) -> list[Finding]:
    source = "GDPR art. 6 og 28(10); EDPS 2021-0518; Datatilsynet (DK) 2023-431-0001 og 2023-431-0012"
    findings = []
    # a registered own purpose settles the question (the provider does process for its own purposes)
    if not facts.provider_purposes_known and not facts.provider_purposes:
        findings.append(
            Finding(
                "PROVIDER_PURPOSES_UNKNOWN",
                HIGH,
                source,
                gettext_noop("Uavklart om leverandøren behandler for egne formål"),
                gettext_noop(
                    "Det er ikke avklart om leverandøren bruker opplysningene til egne formål (telemetri, diagnostikk, "
                    "produktforbedring, KI-trening). Datatilsynet (DK) krevde dette kartlagt for Microsoft 365."
                ),
            )
        )
    for row in facts.provider_purposes:
        if row.legal_basis.strip().lower() in NO_BASIS:
            findings.append(
                Finding(
                    "PROVIDER_PURPOSE_NO_BASIS",
                    HIGH,
                    source,
                    gettext_noop("Leverandørens egne formål mangler behandlingsgrunnlag"),
                    gettext_noop(
                        "Utlevering til leverandøren for dennes egne formål krever eget behandlingsgrunnlag. Uten det "
                        "må formålet stenges av i avtalen (slik KOMBIT gjorde for Google Workspace)."
                    ),
                    subject=row.purpose,
                )
            )
    return findings


def _instructions(facts: AssessmentFacts) -> list[Finding]:
    if facts.is_limited_to_instructions is True:
        return []
    return [
        Finding(
            "NOT_LIMITED_TO_INSTRUCTIONS",
            HIGH,
            "GDPR art. 28(3)(a); EDPS 2021-0518 (forordning 2018/1725 art. 29(3)(a))",
            gettext_noop("Behandlingen er ikke begrenset til dokumenterte instrukser"),
            gettext_noop(
                "Databehandleravtalen må slå fast at leverandøren og underdatabehandlerne bare behandler "
                "personopplysninger etter dokumenterte instrukser, også for overføringer."
            ),
        )
    ]


def _disclosure(facts: AssessmentFacts) -> list[Finding]:
    if facts.has_disclosure_clause is True:
        return []
    return [
        Finding(
            "NO_DISCLOSURE_CLAUSE",
            MEDIUM,
            "GDPR art. 48; EDPS 2021-0518 (uautorisert utlevering)",
            gettext_noop("Mangler vern mot utlevering til myndigheter i tredjeland"),
            gettext_noop(
                "Avtalen må sikre at leverandøren og underdatabehandlerne bare utleverer personopplysninger når "
                "EU/EØS-rett eller norsk rett krever det."
            ),
        )
    ]


def _transfers(facts: AssessmentFacts) -> list[Finding]:
    findings = []
    for row in facts.transfers:
        decision = transfer_decision(facts, row)
        subject = f"{row.recipient} ({row.country})"
        if decision.country == "US" and not row.is_dpf_certified:
            findings.append(
                Finding(
                    "US_NOT_DPF",
                    HIGH,
                    "Gjennomføringsbeslutning (EU) 2023/1795 (DPF); GDPR art. 45",
                    gettext_noop("Mottaker i USA er ikke DPF-sertifisert"),
                    gettext_noop(
                        "Adekvansbeslutningen for USA gjelder bare mottakere som er selvsertifisert under Data Privacy "
                        "Framework. Overføringen trenger et annet overføringsgrunnlag og en overføringsvurdering."
                    ),
                    subject=subject,
                )
            )
        if not decision.needs_tia:
            continue
        if row.tool not in TRANSFER_TOOLS or row.tool == "adequacy":
            findings.append(
                Finding(
                    "TRANSFER_WITHOUT_TOOL",
                    HIGH,
                    "GDPR art. 44 og 46; EDPB anbefaling 01/2020 trinn 2; EDPS 2021-0518",
                    gettext_noop("Overføring uten overføringsgrunnlag"),
                    gettext_noop(
                        "Landet har ikke tilstrekkelig beskyttelsesnivå for denne mottakeren, og det er ikke valgt et "
                        "overføringsgrunnlag etter art. 46 (f.eks. standardavtaler) eller et unntak etter art. 49."
                    ),
                    subject=subject,
                )
            )
            continue
        if row.tool == "derogation":
            continue
        missing = []
        if row.edpb_steps_done < 6:
            missing.append("de seks EDPB-trinnene")
        if not row.supplementary_measures.strip():
            missing.append("supplerende tiltak")
        if not row.residual_risk:
            missing.append("vurdering av restrisiko")
        if row.review_on is None:
            missing.append("revisjonsdato")
        if missing:
            findings.append(
                Finding(
                    "TIA_INCOMPLETE",
                    MEDIUM,
                    "EDPB anbefaling 01/2020 trinn 3–6; EDPS 2021-0518 (art. 46–48)",
                    gettext_noop("Overføringsvurderingen er ufullstendig"),
                    "Mangler: " + ", ".join(missing) + ".",
                    subject=subject,
                )
            )
        elif row.residual_risk == HIGH:
            findings.append(
                Finding(
                    "TRANSFER_HIGH_RESIDUAL_RISK",
                    HIGH,
                    "EDPB anbefaling 01/2020 trinn 4 og 6 (brukstilfelle 6 og 7)",
                    gettext_noop("Høy restrisiko ved overføring"),
                    gettext_noop(
                        "De supplerende tiltakene gir ikke vesentlig likeverdig vern. Overføringen bør stanses eller "
                        "endres (f.eks. kryptering med nøkler i EØS)."
                    ),
                    subject=subject,
                )
            )
    return findings


def _sub_processors(facts: AssessmentFacts) -> list[Finding]:
    findings = []
    # a recipient counts as mapped once a row says which data it receives (prefilled rows start without)
    mapped = {row.recipient.strip().lower() for row in facts.transfers if row.data_category.strip()}
    for sub in facts.sub_processors:
        if not sub.country.strip():
            findings.append(
                Finding(
                    "SUB_PROCESSOR_COUNTRY_MISSING",
                    MEDIUM,
                    "GDPR art. 28(2) og 28(4); EDPB anbefaling 01/2020 trinn 1",
                    gettext_noop("Land mangler for underdatabehandler"),
                    gettext_noop(
                        "Uten land kan det ikke avgjøres om underdatabehandleren mottar opplysninger i tredjeland."
                    ),
                    subject=sub.name,
                )
            )
            continue
        decision = adequacy.decide(sub.country, on=facts.assessed_on, table=facts.table)
        if decision.is_transfer and sub.name.strip().lower() not in mapped:
            findings.append(
                Finding(
                    "ONWARD_NOT_MAPPED",
                    HIGH,
                    "EDPB anbefaling 01/2020 trinn 1; EDPS 2021-0518 (pålegg om kartlegging av overføringer)",
                    gettext_noop("Videreoverføring er ikke kartlagt"),
                    gettext_noop(
                        "Underdatabehandleren er utenfor EØS, men overføringskartet har ingen utfylt rad for den "
                        "(hvilke data, formål og overføringsgrunnlag)."
                    ),
                    subject=f"{sub.name} ({sub.country})",
                )
            )
    return findings


def _special_categories(facts: AssessmentFacts) -> list[Finding]:
    return [
        Finding(
            "SPECIAL_WITHOUT_CONDITION",
            HIGH,
            "GDPR art. 9(2) og art. 10",
            gettext_noop("Særlige kategorier uten unntak etter art. 9"),
            gettext_noop(
                "Behandling av særlige kategorier personopplysninger (eller straffedommer) krever et vilkår i art. 9(2) "
                "(eller hjemmel etter art. 10) i tillegg til behandlingsgrunnlaget i art. 6."
            ),
            subject=f"{row.purpose}: {row.data_category}",
        )
        for row in facts.processing
        if row.is_special and not row.special_condition.strip()
    ]


def _risks(facts: AssessmentFacts) -> list[Finding]:
    findings = []
    for row in facts.risks:
        level = risk.risk_level(row.severity, row.likelihood)
        if level == risk.UNACCEPTABLE and not row.has_measures:
            findings.append(
                Finding(
                    "RISK_WITHOUT_MEASURES",
                    HIGH,
                    "GDPR art. 32 og 35(7)(d); CNIL PIA-metodikk",
                    gettext_noop("Høy risiko uten tiltak i handlingsplanen"),
                    gettext_noop(
                        "Både alvorlighet og sannsynlighet er betydelig eller maksimal, og handlingsplanen har ingen "
                        "tiltak for risikoen."
                    ),
                    subject=row.event,
                )
            )
    return findings


RULES: tuple[Rule, ...] = (
    _purposes_per_category,
    _provider_purposes,
    _instructions,
    _disclosure,
    _transfers,
    _sub_processors,
    _special_categories,
    _risks,
)

RULE_IDS = (
    "PURPOSE_PER_CATEGORY",
    "PROVIDER_PURPOSES_UNKNOWN",
    "PROVIDER_PURPOSE_NO_BASIS",
    "NOT_LIMITED_TO_INSTRUCTIONS",
    "NO_DISCLOSURE_CLAUSE",
    "US_NOT_DPF",
    "TRANSFER_WITHOUT_TOOL",
    "TIA_INCOMPLETE",
    "TRANSFER_HIGH_RESIDUAL_RISK",
    "SUB_PROCESSOR_COUNTRY_MISSING",
    "ONWARD_NOT_MAPPED",
    "SPECIAL_WITHOUT_CONDITION",
    "RISK_WITHOUT_MEASURES",
)


def findings_for(facts: AssessmentFacts) -> list[Finding]:
    found: list[Finding] = []
    for rule in RULES:
        found.extend(rule(facts))
    return found
