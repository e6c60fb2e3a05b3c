"""Demo data for the notice market analysis: the eForms SDK examples (tests/fixtures/eforms, CC BY 4.0) and
generated Norwegian notices 2017–2026 (contract notices and, for most, their award notices) so the charts have
shape. Everything goes through the real importer (`notices_import`), so the seeder is idempotent: a second run
finds every notice at the same version and stores nothing.

`notice_xml(spec)` writes one eForms UBL notice as Doffin would publish it (national customisation below the EEA
threshold); the tests and the benchmark reuse it.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from marketplace.accounts.rules import orgnr_first_valid_from
from marketplace.core.demo import DemoResult

FIXTURES = Path(__file__).resolve().parent / "tests" / "fixtures" / "eforms"
SEED = 2026
NATIONAL = "eforms-sdk-1.10#extended#urn:fdc:anskaffelser.no:2023:eforms:national"
EU = "eforms-sdk-1.10#extended#urn:fdc:anskaffelser.no:2023:eforms:eu"

# (orgnr, name, eForms buyer legal type); the first nine are the demo organisations of accounts/demo.py
BUYERS: list[tuple[str, str, str]] = [
    ("970205039", "Norges vassdrags- og energidirektorat (NVE)", "cga"),
    ("974761467", "Tolletaten", "cga"),
    ("961181399", "Arkivverket", "cga"),
    ("971040238", "Statens kartverk", "cga"),
    ("991825827", "Digitaliseringsdirektoratet", "cga"),
    ("964338442", "Voss herad", "la"),
    ("939760946", "Volda kommune", "la"),
    ("921153082", "Sogndal kommune", "la"),
    ("921693230", "Vestland fylkeskommune", "ra"),
    ("958935420", "Oslo kommune", "la"),
    ("964338531", "Bergen kommune", "la"),
    ("942110464", "Trondheim kommune", "la"),
    ("974761076", "Skatteetaten", "cga"),
    ("889640782", "Arbeids- og velferdsetaten (NAV)", "cga"),
    ("986252932", "Direktoratet for forvaltning og økonomistyring (DFØ)", "cga"),
    ("983887457", "Helse Vest IKT AS", "body-pl"),
]

# The invented suppliers of catalogue/demo.py (same organisation numbers), plus two that are not on a framework.
SUPPLIERS: list[tuple[str, str]] = [
    (orgnr_first_valid_from(93_000_000 + n * 137), name)
    for n, name in [
        (1, "Nordsky AS"),
        (2, "Atlanterhavet Sky Norge AS"),
        (3, "Fjellskyen AS"),
        (4, "Bergen Datasenter AS"),
        (5, "Polarsirkel Drift AS"),
        (6, "Samspill Programvare AS"),
        (8, "Arkivlosen AS"),
        (11, "Datavev Analyse AS"),
        (14, "Trollvakt Sikkerhet AS"),
        (15, "Kostnadskompasset AS"),
        (21, "Vestlandsdrift AS"),
        (22, "Midtnorsk Skyrådgivning AS"),
    ]
]

# (title, description, main CPV, additional CPV, estimated value range in MNOK)
CLOUD_TOPICS: list[tuple[str, str, str, list[str], tuple[int, int]]] = [
    (
        "Skytjenester for saksbehandlingssystem",
        "Anskaffelse av programvare som tjeneste (SaaS) for saksbehandling, med drift i offentlig sky i EØS.",
        "72416000",
        ["48000000"],
        (4, 40),
    ),
    (
        "Rammeavtale om kontorstøtte og samhandling i skyen",
        "Lisenser, innføring og forvaltning av skybasert kontorstøtte (e-post, dokumenter, møter).",
        "48000000",
        ["72260000"],
        (8, 60),
    ),
    (
        "Drift av datasenter og overgang til offentlig sky",
        "Driftstjenester for eksisterende datasenter og migrering av fagsystemer til skyplattform (IaaS/PaaS).",
        "72500000",
        ["72317000"],
        (10, 80),
    ),
    (
        "Arkivløsning (Noark 5) som skytjeneste",
        "Elektronisk arkiv levert som programvare som tjeneste, med avlevering til Arkivverket.",
        "72416000",
        ["48311000"],
        (2, 15),
    ),
    (
        "Lønns- og personalsystem levert som tjeneste",
        "Skyløsning for lønn, reise og personal, inkludert integrasjoner og opplæring.",
        "48450000",
        ["72261000"],
        (3, 25),
    ),
    (
        "Rådgivning om kostnadsstyring i skyen (FinOps)",
        "Bistand til kostnadsoversikt, budsjett og optimalisering av skytjenester.",
        "72220000",
        [],
        (1, 6),
    ),
    (
        "Sikkerhetsovervåking (SOC) som tjeneste",
        "Overvåking av hendelser døgnet rundt for skytjenester og lokale systemer.",
        "72710000",
        ["79711000"],
        (3, 30),
    ),
    (
        "Plattform for dataanalyse i skyen",
        "Dataplattform og analyseverktøy levert som tjeneste, med lagring i Norge.",
        "72316000",
        ["48610000"],
        (2, 20),
    ),
    (
        "Sikkerhetskopiering og lagringstjenester",
        "Lagringstjenester og sikkerhetskopi av virksomhetens data, levert fra datasenter i Norge.",
        "72317000",
        [],
        (1, 10),
    ),
    (
        "Hosting av nettsider og tjenesteportal",
        "Hosting, drift og videreutvikling av nettsted og innbyggerportal.",
        "72415000",
        ["72413000"],
        (1, 8),
    ),
]
OTHER_TOPICS: list[tuple[str, str, str, list[str], tuple[int, int]]] = [
    ("Renhold av kontorlokaler", "Daglig renhold og periodisk rengjøring.", "90910000", [], (1, 12)),
    ("Kontormøbler til nytt bygg", "Levering og montering av kontormøbler.", "39130000", [], (1, 6)),
    ("Kantinedrift", "Drift av kantine for ansatte.", "55510000", [], (1, 5)),
    ("Bedriftshelsetjeneste", "Bedriftshelsetjeneste etter arbeidsmiljøloven.", "85147000", [], (1, 3)),
]
PROCEDURES = ["open", "open", "open", "restricted", "neg-w-call", "comp-dial"]


@dataclass
class Winner:
    orgnr: str
    name: str
    amount: Decimal


@dataclass
class NoticeSpec:
    notice_id: str
    procedure_id: str
    kind: str  # "cn" (contract notice) | "can" (award notice)
    issued_on: dt.date
    buyer: tuple[str, str, str]
    title: str
    description: str
    main_cpv: str
    additional_cpv: list[str]
    estimated_amount: Decimal | None
    is_framework: bool
    procedure_code: str = "open"
    version: int = 1
    deadline_on: dt.date | None = None
    winners: list[Winner] = field(default_factory=list)
    is_national: bool = True
    currency: str = "NOK"


def _company(org_id: str, orgnr: str, name: str) -> str:
    return f"""<efac:Organization><efac:Company>
<cac:PartyIdentification><cbc:ID schemeName="organization">{org_id}</cbc:ID></cac:PartyIdentification>
<cac:PartyName><cbc:Name languageID="NOR">{escape(name)}</cbc:Name></cac:PartyName>
<cac:PostalAddress><cac:Country><cbc:IdentificationCode listName="country">NOR</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
<cac:PartyLegalEntity><cbc:CompanyID>{orgnr}</cbc:CompanyID></cac:PartyLegalEntity>
</efac:Company></efac:Organization>"""


def notice_xml(spec: NoticeSpec) -> bytes:
    """One eForms UBL notice (ContractNotice subtype 16 / ContractAwardNotice subtype 29) for the spec."""
    root = "ContractNotice" if spec.kind == "cn" else "ContractAwardNotice"
    organisations = [_company("ORG-0001", spec.buyer[0], spec.buyer[1])]
    results = ""
    if spec.kind == "can":
        lot_results, tenders, parties = [], [], []
        for index, winner in enumerate(spec.winners, start=1):
            organisations.append(_company(f"ORG-{index + 1:04d}", winner.orgnr, winner.name))
            lot_results.append(
                f'<efac:LotTender><cbc:ID schemeName="tender">TEN-{index:04d}</cbc:ID></efac:LotTender>'
            )
            tenders.append(
                f"""<efac:LotTender><cbc:ID schemeName="tender">TEN-{index:04d}</cbc:ID>
<cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="{spec.currency}">{winner.amount}</cbc:PayableAmount></cac:LegalMonetaryTotal>
<efac:TenderingParty><cbc:ID schemeName="tendering-party">TPA-{index:04d}</cbc:ID></efac:TenderingParty>
<efac:TenderLot><cbc:ID schemeName="Lot">LOT-0001</cbc:ID></efac:TenderLot></efac:LotTender>"""
            )
            parties.append(
                f"""<efac:TenderingParty><cbc:ID schemeName="tendering-party">TPA-{index:04d}</cbc:ID>
<efac:Tenderer><cbc:ID schemeName="organization">ORG-{index + 1:04d}</cbc:ID></efac:Tenderer></efac:TenderingParty>"""
            )
        status = "selec-w" if spec.winners else "clos-nw"
        results = f"""<efac:NoticeResult>
<efac:LotResult><cbc:ID schemeName="result">RES-0001</cbc:ID>
<cbc:TenderResultCode listName="winner-selection-status">{status}</cbc:TenderResultCode>
{"".join(lot_results)}
<efac:TenderLot><cbc:ID schemeName="Lot">LOT-0001</cbc:ID></efac:TenderLot></efac:LotResult>
{"".join(tenders)}{"".join(parties)}
</efac:NoticeResult>"""
    estimated = (
        f"""<cac:RequestedTenderTotal><cbc:EstimatedOverallContractAmount currencyID="{spec.currency}">{spec.estimated_amount}</cbc:EstimatedOverallContractAmount></cac:RequestedTenderTotal>"""
        if spec.estimated_amount is not None
        else ""
    )
    additional = "".join(
        f"""<cac:AdditionalCommodityClassification><cbc:ItemClassificationCode listName="cpv">{code}</cbc:ItemClassificationCode></cac:AdditionalCommodityClassification>"""
        for code in spec.additional_cpv
    )
    deadline = (
        f"""<cac:TenderSubmissionDeadlinePeriod><cbc:EndDate>{spec.deadline_on.isoformat()}+01:00</cbc:EndDate><cbc:EndTime>12:00:00+01:00</cbc:EndTime></cac:TenderSubmissionDeadlinePeriod>"""
        if spec.deadline_on and spec.kind == "cn"
        else ""
    )
    award_date = (
        f"<cac:TenderResult><cbc:AwardDate>{spec.issued_on.isoformat()}+01:00</cbc:AwardDate></cac:TenderResult>"
        if spec.kind == "can"
        else ""
    )
    framework = "fa-wo-rc" if spec.is_framework else "none"
    list_name, type_code, subtype = (
        ("competition", "cn-standard", "16") if spec.kind == "cn" else ("result", "can-standard", "29")
    )
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2" xmlns:efac="http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1" xmlns:efbc="http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1" xmlns:efext="http://data.europa.eu/p27/eforms-ubl-extensions/1">
<ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent><efext:EformsExtension>
{results}
<efac:NoticeSubType><cbc:SubTypeCode listName="notice-subtype">{subtype}</cbc:SubTypeCode></efac:NoticeSubType>
<efac:Organizations>{"".join(organisations)}</efac:Organizations>
</efext:EformsExtension></ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>
<cbc:UBLVersionID>2.3</cbc:UBLVersionID>
<cbc:CustomizationID>{NATIONAL if spec.is_national else EU}</cbc:CustomizationID>
<cbc:ID schemeName="notice-id">{spec.notice_id}</cbc:ID>
<cbc:ContractFolderID>{spec.procedure_id}</cbc:ContractFolderID>
<cbc:IssueDate>{spec.issued_on.isoformat()}+01:00</cbc:IssueDate>
<cbc:VersionID>{spec.version:02d}</cbc:VersionID>
<cbc:RegulatoryDomain>32014L0024</cbc:RegulatoryDomain>
<cbc:NoticeTypeCode listName="{list_name}">{type_code}</cbc:NoticeTypeCode>
<cbc:NoticeLanguageCode>NOR</cbc:NoticeLanguageCode>
<cac:ContractingParty>
<cac:ContractingPartyType><cbc:PartyTypeCode listName="buyer-legal-type">{spec.buyer[2]}</cbc:PartyTypeCode></cac:ContractingPartyType>
<cac:Party><cac:PartyIdentification><cbc:ID schemeName="organization">ORG-0001</cbc:ID></cac:PartyIdentification></cac:Party>
</cac:ContractingParty>
<cac:TenderingProcess><cbc:ProcedureCode listName="procurement-procedure-type">{spec.procedure_code}</cbc:ProcedureCode></cac:TenderingProcess>
<cac:ProcurementProject>
<cbc:Name languageID="NOR">{escape(spec.title)}</cbc:Name>
<cbc:Description languageID="NOR">{escape(spec.description)}</cbc:Description>
<cbc:ProcurementTypeCode listName="contract-nature">services</cbc:ProcurementTypeCode>
{estimated}
<cac:MainCommodityClassification><cbc:ItemClassificationCode listName="cpv">{spec.main_cpv}</cbc:ItemClassificationCode></cac:MainCommodityClassification>
{additional}
</cac:ProcurementProject>
<cac:ProcurementProjectLot>
<cbc:ID schemeName="Lot">LOT-0001</cbc:ID>
<cac:TenderingProcess>{deadline}<cac:ContractingSystem><cbc:ContractingSystemTypeCode listName="framework-agreement">{framework}</cbc:ContractingSystemTypeCode></cac:ContractingSystem></cac:TenderingProcess>
<cac:ProcurementProject><cbc:Name languageID="NOR">{escape(spec.title)}</cbc:Name>
<cac:MainCommodityClassification><cbc:ItemClassificationCode listName="cpv">{spec.main_cpv}</cbc:ItemClassificationCode></cac:MainCommodityClassification></cac:ProcurementProject>
{award_date}
</cac:ProcurementProjectLot>
</{root}>
"""
    return xml.encode("utf-8")


def generated_specs(*, seed: int = SEED, first_year: int = 2017, last_year: int = 2026) -> list[NoticeSpec]:
    """Contract notices per year (more each year, as the market grows) and award notices for most of them."""
    rng = random.Random(seed)  # noqa: S311 - deterministic demo data, not security
    specs: list[NoticeSpec] = []
    for year in range(first_year, last_year + 1):
        count = 3 + (year - first_year) * 2
        for _ in range(count):
            cloud = rng.random() < 0.75
            title, description, main_cpv, extra, (low, high) = rng.choice(
                CLOUD_TOPICS if cloud else OTHER_TOPICS
            )
            buyer = rng.choice(BUYERS)
            issued_on = dt.date(year, rng.randint(1, 10), rng.randint(1, 28))
            estimated = Decimal(rng.randint(low * 10, high * 10) * 100_000)
            procedure_id = str(uuid.UUID(int=rng.getrandbits(128)))
            is_framework = rng.random() < 0.6
            cn = NoticeSpec(
                notice_id=str(uuid.UUID(int=rng.getrandbits(128))),
                procedure_id=procedure_id,
                kind="cn",
                issued_on=issued_on,
                buyer=buyer,
                title=f"{title} – {buyer[1]}",
                description=description,
                main_cpv=main_cpv,
                additional_cpv=extra,
                estimated_amount=estimated,
                is_framework=is_framework,
                procedure_code=rng.choice(PROCEDURES),
                deadline_on=issued_on + dt.timedelta(days=35),
                is_national=estimated < Decimal(2_000_000),
            )
            specs.append(cn)
            awarded_on = issued_on + dt.timedelta(days=rng.randint(60, 120))
            if awarded_on > dt.date(2026, 11, 1) or rng.random() > 0.8:
                continue
            winners_count = rng.choice([1, 1, 1, 2, 3]) if is_framework else 1
            chosen = rng.sample(SUPPLIERS, winners_count)
            share = (estimated * Decimal(rng.randint(70, 105)) / Decimal(100) / winners_count).quantize(
                Decimal("1")
            )
            specs.append(
                NoticeSpec(
                    notice_id=str(uuid.UUID(int=rng.getrandbits(128))),
                    procedure_id=procedure_id,
                    kind="can",
                    issued_on=awarded_on,
                    buyer=buyer,
                    title=cn.title,
                    description=description,
                    main_cpv=main_cpv,
                    additional_cpv=extra,
                    estimated_amount=None,
                    is_framework=is_framework,
                    procedure_code=cn.procedure_code,
                    winners=[Winner(orgnr, name, share) for orgnr, name in chosen],
                    is_national=cn.is_national,
                )
            )
    return specs


def demo_files() -> list[tuple[str, bytes]]:
    files = [(path.name, path.read_bytes()) for path in sorted(FIXTURES.glob("*.xml"))]
    files += [(f"doffin-{spec.notice_id}.xml", notice_xml(spec)) for spec in generated_specs()]
    return files


def seed(result: DemoResult) -> None:
    from marketplace.insights.models import Notice
    from marketplace.insights.services.notices import notices_import

    summary = notices_import(actor=None, files=demo_files())
    result.counts["notices"] = Notice.objects.count()
    result.counts["notices_imported"] = len(summary.imported) + len(summary.updated)


def register() -> None:
    from marketplace.core import demo as core_demo

    core_demo.register("insights-notices", seed, order=85)
