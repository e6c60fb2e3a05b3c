"""Catalogue demo data: the six MPS frameworks, about 20 invented suppliers and about 150 services.

Runs after the accounts seeder (buyer organisations, DFØ, demo people). Services go through the listing services
(create → submit → approve), so audit events and versions exist. Idempotent: a second run creates nothing.
Facts are deterministic (seeded per supplier and service name); certificate dates are relative to the day of seeding.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from marketplace.accounts.demo import MPS_ORG, organisation_ensure, user_ensure
from marketplace.accounts.middleware import activate
from marketplace.accounts.models import BUYER_KINDS, Organisation, OrganisationKind, Role, User
from marketplace.accounts.rules import orgnr_first_valid_from
from marketplace.accounts.services import membership_grant
from marketplace.catalogue.models import (
    CertificationScheme,
    Contract,
    CriterionKind,
    FrameworkAgreement,
    FrameworkCategory,
    FrameworkCriterion,
    FrameworkMechanism,
    Lot,
    Mechanism,
    PriceLine,
    PriceList,
    Procedure,
    Service,
    ServiceStatus,
)
from marketplace.catalogue.services.listings import (
    service_approve,
    service_create,
    service_return,
    service_submit,
    service_update,
    service_withdraw,
)
from marketplace.core.demo import DemoResult

CONTRACT_FROM = dt.date(2025, 1, 15)
CONTRACT_TO = dt.date(2028, 12, 31)


def demo_orgnr(n: int) -> str:
    """A valid organisation number for invented supplier n."""
    return orgnr_first_valid_from(93_000_000 + n * 137)


# --- frameworks ---------------------------------------------------------------------------------------------------

DIRECT_RULE = (
    "Direkte tildeling til leverandøren rangert som nr. 1 på delkontrakten når behovet dekkes av standardtjenester "
    "i prislisten og anslått verdi er under beløpsgrensen. Kan nr. 1 ikke levere, går avropet til nr. 2 (kaskade)."
)
DESK_RULE = (
    "Skrivebordskonkurranse: laveste totalkostnad beregnet på rammeavtalens priser for kundens forbruksprofil, "
    "når behovet kan beskrives med enhetene i prislistene."
)
MINI_RULE = (
    "Minikonkurranse mellom alle leverandørene på delkontrakten når behovet krever tilpasning, anslått verdi er "
    "over beløpsgrensen eller det stilles særskilte krav til informasjonssikkerhet og personvern."
)
SINGLE_RULE = "Rammeavtalen har én leverandør: avrop gjøres direkte på rammeavtalens vilkår og priser."


@dataclass
class FrameworkSpec:
    reference: str
    name: str
    category: str
    procedure: str
    description: str
    starts_on: dt.date
    ends_on: dt.date
    max_value: str
    mechanisms: list[tuple[str, str, str | None]]
    criteria: list[tuple[str, str, str]]
    lots: list[tuple[int, str, str]]


FRAMEWORKS = [
    FrameworkSpec(
        "2024/1001",
        "Skyinfrastruktur og plattformtjenester (CIPS)",
        FrameworkCategory.CIPS,
        Procedure.RESTRICTED,
        "Infrastruktur- og plattformtjenester i offentlig og privat sky for hele offentlig sektor. "
        "Etablert etter konkurransepreget dialog og begrenset anbudskonkurranse.",
        dt.date(2025, 1, 15),
        dt.date(2028, 12, 31),
        "4000000000.00",
        [
            (Mechanism.DIRECT, DIRECT_RULE, "5000000.00"),
            (Mechanism.DESK, DESK_RULE, None),
            (Mechanism.MINI_COMPETITION, MINI_RULE, None),
        ],
        [
            ("Pris", CriterionKind.PRICE, "40"),
            ("Kvalitet og funksjonalitet", CriterionKind.QUALITY, "30"),
            ("Informasjonssikkerhet og personvern", CriterionKind.QUALITY, "20"),
            ("Klima og miljø", CriterionKind.OTHER, "10"),
        ],
        [
            (1, "IaaS og PaaS i offentlig sky", "Beregning, lagring, nettverk og plattformtjenester."),
            (2, "Privat og suveren sky", "Dedikerte og suverene skyløsninger driftet i Norden."),
        ],
    ),
    FrameworkSpec(
        "2024/1002",
        "Programvare som tjeneste (SaaS)",
        FrameworkCategory.SAAS,
        Procedure.OPEN,
        "Standard programvare levert som tjeneste: samhandling, saksbehandling og arkiv, økonomi og HR, analyse.",
        dt.date(2025, 3, 1),
        dt.date(2029, 2, 28),
        "2000000000.00",
        [
            (Mechanism.DESK, DESK_RULE, None),
            (Mechanism.MINI_COMPETITION, MINI_RULE, None),
        ],
        [
            ("Pris", CriterionKind.PRICE, "40"),
            ("Funksjonalitet og brukervennlighet", CriterionKind.QUALITY, "35"),
            ("Informasjonssikkerhet og personvern", CriterionKind.QUALITY, "25"),
        ],
        [
            (1, "Samhandling og kontorstøtte", ""),
            (2, "Saksbehandling og arkiv", ""),
            (3, "Økonomi, lønn og HR", ""),
            (4, "Analyse og data", ""),
        ],
    ),
    FrameworkSpec(
        "2023/2201",
        "CyberX Cyber Risk Score",
        FrameworkCategory.CYBERX,
        Procedure.NEGOTIATED,
        "Måling av virksomhetenes informasjonssikkerhet slik den ser ut fra internett. Konkurranse med forhandling, "
        "én rammeavtaleleverandør. Klar til avrop fra tildeling.",
        dt.date(2024, 6, 15),
        dt.date(2028, 6, 14),
        "150000000.00",
        [(Mechanism.DIRECT, SINGLE_RULE, None)],
        [
            ("Pris", CriterionKind.PRICE, "30"),
            ("Kvalitet på målingene", CriterionKind.QUALITY, "50"),
            ("Brukervennlighet og rapportering", CriterionKind.QUALITY, "20"),
        ],
        [(1, "Cyber Risk Score", "Løpende måling og poengsum for eksponert angrepsflate.")],
    ),
    FrameworkSpec(
        "2024/2202",
        "CyberX Sikkerhetsopplæring og bevissthet",
        FrameworkCategory.CYBERX,
        Procedure.NEGOTIATED,
        "Ukentlige mikroleksjoner, phishing-simulering og opplæring i informasjonssikkerhet og personvern.",
        dt.date(2025, 2, 1),
        dt.date(2029, 1, 31),
        "80000000.00",
        [(Mechanism.DESK, DESK_RULE, None), (Mechanism.MINI_COMPETITION, MINI_RULE, None)],
        [
            ("Pris", CriterionKind.PRICE, "40"),
            ("Pedagogisk kvalitet", CriterionKind.QUALITY, "40"),
            ("Rapportering og oppfølging", CriterionKind.QUALITY, "20"),
        ],
        [(1, "Opplæring og bevissthet", "")],
    ),
    FrameworkSpec(
        "2025/3001",
        "FinOps-verktøy",
        FrameworkCategory.FINOPS,
        Procedure.OPEN,
        "Verktøy for oversikt, styring og optimalisering av skykostnader og programvarelisenser.",
        dt.date(2025, 6, 1),
        dt.date(2029, 5, 31),
        "120000000.00",
        [(Mechanism.DESK, DESK_RULE, None), (Mechanism.MINI_COMPETITION, MINI_RULE, None)],
        [
            ("Pris", CriterionKind.PRICE, "35"),
            ("Funksjonalitet (FOCUS-støtte, flere skyer)", CriterionKind.QUALITY, "45"),
            ("Informasjonssikkerhet", CriterionKind.QUALITY, "20"),
        ],
        [
            (1, "FinOps-plattform for flere skyer", ""),
            (2, "Lisensforvaltning for SaaS", ""),
        ],
    ),
    FrameworkSpec(
        "2025/4001",
        "Cloud Research & Advisory",
        FrameworkCategory.CLOUD_RA,
        Procedure.OPEN,
        "Strategisk rådgivning, markedsinnsikt og analysetjenester om sky og digital transformasjon.",
        dt.date(2025, 9, 1),
        dt.date(2029, 8, 31),
        "350000000.00",
        [(Mechanism.DIRECT, DIRECT_RULE, "1000000.00"), (Mechanism.MINI_COMPETITION, MINI_RULE, None)],
        [
            ("Pris", CriterionKind.PRICE, "30"),
            ("Kompetanse og kvalitet", CriterionKind.QUALITY, "50"),
            ("Tilgang til analyser", CriterionKind.QUALITY, "20"),
        ],
        [(1, "Strategisk rådgivning og markedsinnsikt", "")],
    ),
]

# --- services (templates per lot) ---------------------------------------------------------------------------------

# name, summary, service model, price unit, export formats
IAAS_PAAS = [
    (
        "Virtuelle maskiner",
        "Skalerbare virtuelle maskiner med Linux og Windows.",
        "iaas",
        "vcpu_hour",
        "OVA, VMDK, QCOW2",
    ),
    ("Objektlagring", "S3-kompatibel objektlagring med versjonering.", "iaas", "gib_month", "S3 API, tar"),
    ("Blokklagring", "SSD-baserte disker for virtuelle maskiner.", "iaas", "gib_month", "raw, QCOW2"),
    (
        "Administrert Kubernetes",
        "Kubernetes-klynger med automatisk oppgradering.",
        "paas",
        "vcpu_hour",
        "OCI-bilder, YAML",
    ),
    (
        "Administrert PostgreSQL",
        "PostgreSQL med sikkerhetskopi og replikering.",
        "paas",
        "instance_month",
        "pg_dump, CSV",
    ),
    (
        "Serverløse funksjoner",
        "Kjør kode ved hendelser uten å drifte servere.",
        "paas",
        "request_million",
        "ZIP, OCI-bilder",
    ),
    (
        "Lastbalanserer",
        "Lastbalansering med TLS-terminering.",
        "iaas",
        "instance_month",
        "JSON-konfigurasjon",
    ),
    (
        "Sikkerhetskopi",
        "Sikkerhetskopi av maskiner og databaser til et annet datasenter.",
        "iaas",
        "gib_month",
        "tar, QCOW2",
    ),
    (
        "Innholdsleveransenett (CDN)",
        "Hurtigbuffer for nettsteder nær brukerne.",
        "iaas",
        "gb_egress",
        "JSON-konfigurasjon",
    ),
    ("Meldingskø", "Administrert meldingskø med AMQP og MQTT.", "paas", "request_million", "JSON"),
    (
        "Containerregister",
        "Privat register for containerbilder med sårbarhetsskanning.",
        "paas",
        "gib_month",
        "OCI-bilder",
    ),
    ("Nøkkelhvelv", "Nøkkelhåndtering med HSM og kundestyrte nøkler.", "paas", "request_million", "PKCS#12"),
    (
        "Virtuelt privat nettverk",
        "Isolerte nett med VPN og privat tilkobling.",
        "iaas",
        "instance_month",
        "JSON-konfigurasjon",
    ),
    ("GPU-maskiner", "Maskiner med GPU for maskinlæring og analyse.", "iaas", "vcpu_hour", "OVA, QCOW2"),
]
PRIVATE = [
    ("Dedikert privat sky", "Dedikert VMware-miljø i norsk datasenter.", "iaas", "unit_month", "OVA, VMDK"),
    (
        "Suveren Kubernetes",
        "Kubernetes driftet av personell i Norge med norsk sikkerhetsklarering.",
        "paas",
        "vcpu_hour",
        "OCI-bilder",
    ),
    ("Gradert lagring", "Lagring for skjermingsverdig informasjon.", "iaas", "gib_month", "tar"),
    (
        "Administrert migrering",
        "Flytting av eksisterende servere til privat sky.",
        "iaas",
        "consulting_hour",
        "OVA",
    ),
    (
        "Reservedatasenter",
        "Speiling til et sekundært datasenter i en annen landsdel.",
        "iaas",
        "unit_month",
        "raw",
    ),
    (
        "Administrert database",
        "Oracle og PostgreSQL driftet i privat sky.",
        "paas",
        "instance_month",
        "pg_dump, Data Pump",
    ),
]
PRIVATE_NAMES = frozenset(row[0] for row in PRIVATE)
SAAS = {
    1: [
        ("Videomøter", "Sikre videomøter med opptak og teksting på norsk."),
        ("Chat og samhandling", "Team-kanaler, chat og fildeling."),
        ("E-post og kalender", "E-post, kalender og kontakter med arkivering."),
        ("Dokumentsamskriving", "Skriv dokumenter sammen i nettleseren."),
        ("Intranett", "Intranett med nyheter, søk og ansattkatalog."),
        ("Skjemaløsning", "Lag og publiser skjemaer med innlogging via ID-porten."),
        ("Digital tavle", "Tavle for workshops og planlegging."),
    ],
    2: [
        ("Sak og arkiv (Noark 5)", "Saksbehandling og arkiv etter Noark 5."),
        ("Elektronisk signering", "Signering med BankID og andre eID-er."),
        ("Innsynsløsning", "Offentlig journal og innsynsbehandling."),
        ("Politisk møtebehandling", "Møteinnkalling, saksframlegg og protokoll."),
        ("Arkivuttrekk som tjeneste", "Produksjon og kontroll av arkivuttrekk."),
        ("Digital postgang", "Utsending til Digipost, e-Boks og Altinn."),
    ],
    3: [
        ("Lønn", "Lønn og personal med A-melding."),
        ("Regnskap", "Regnskap med e-faktura og EHF."),
        ("Reiseregning", "Reiser og utlegg med mobilapp."),
        ("Rekruttering", "Stillingsutlysning og søkerbehandling."),
        ("Innkjøp og e-handel", "Bestilling fra avtaler med godkjenningsflyt."),
        ("Timeregistrering", "Timer og prosjektoppfølging."),
    ],
    4: [
        ("Analyse og dashbord", "Selvbetjent analyse med dashbord."),
        ("Datavarehus som tjeneste", "Datavarehus med kolonnelagring og SQL."),
        ("Åpne data-portal", "Publisering av åpne data med DCAT-AP-NO."),
        ("Spørreundersøkelser", "Spørreundersøkelser med anonymisering."),
        ("Prosessanalyse", "Analyse av saksflyt fra hendelseslogger."),
    ],
}
CRS = [
    ("Cyber Risk Score", "Poengsum for virksomhetens eksponerte angrepsflate, oppdatert daglig."),
    (
        "Kartlegging av angrepsflate",
        "Oversikt over domener, IP-adresser og tjenester som er synlige fra internett.",
    ),
    ("Trusseletterretning", "Varsler om lekkasjer, svartelister og trusler rettet mot virksomheten."),
    ("Leverandørrisiko", "Poengsum for leverandørenes eksponerte angrepsflate."),
]
AWARENESS = [
    ("Ukentlige mikroleksjoner", "Korte leksjoner om informasjonssikkerhet hver uke."),
    ("Phishing-simulering", "Simulerte phishing-angrep med læring i etterkant."),
    ("Opplæring for ledere", "Kurs i sikkerhetsstyring for ledere."),
    ("Personvernopplæring", "Opplæring i personvern og GDPR for ansatte."),
]
FINOPS = {
    1: [
        ("FinOps-plattform", "Kostnadsoversikt for flere skyer med FOCUS-import."),
        ("Avviksvarsling", "Varsler om uventet forbruk."),
        ("Budsjett og prognoser", "Budsjetter og prognoser per prosjekt og avdeling."),
        ("Kostnadsfordeling for Kubernetes", "Fordeling av klyngekostnader på team."),
        ("Klimaregnskap for sky", "Beregnet CO2-utslipp fra skyforbruk."),
    ],
    2: [
        ("Lisensoversikt for SaaS", "Oversikt over SaaS-abonnementer og bruk."),
        ("Lisensoptimalisering", "Forslag til nedskalering av ubrukte lisenser."),
        ("Programvarekatalog", "Godkjent programvare med eierskap og avtaler."),
    ],
}
ADVISORY = [
    ("Strategisk rådgivning om skytransformasjon", "Rådgivere for skystrategi, veikart og organisering."),
    ("Markedsinnsikt og leverandøranalyse", "Analyser av skymarkedet og leverandørene."),
    ("Analysedatabase", "Tilgang til artikler, analyser og rammeverk."),
    ("Rådgivertimer ved behov", "Timebasert rådgivning fra analytikere."),
    ("Konferanser og nettverk", "Fagdager og nettverk for offentlige virksomheter."),
]


@dataclass
class SupplierSpec:
    n: int
    name: str
    slug: str
    profile: str  # "no" Norwegian only, "nordic", "global" (some third-country locations)
    contracts: list[tuple[str, int, int | None]] = field(default_factory=list)  # framework ref, lot, rank


SUPPLIERS = [
    SupplierSpec(1, "Nordsky AS", "nordsky", "no", [("2024/1001", 1, 1), ("2024/1001", 2, None)]),
    SupplierSpec(
        2,
        "Atlanterhavet Sky Norge AS",
        "atlanterhavet",
        "global",
        [("2024/1001", 1, 2), ("2024/1002", 1, None)],
    ),
    SupplierSpec(3, "Fjellskyen AS", "fjellskyen", "nordic", [("2024/1001", 1, 3)]),
    SupplierSpec(4, "Bergen Datasenter AS", "bergendatasenter", "no", [("2024/1001", 2, None)]),
    SupplierSpec(5, "Polarsirkel Drift AS", "polarsirkel", "no", [("2024/1001", 2, None)]),
    SupplierSpec(6, "Samspill Programvare AS", "samspill", "nordic", [("2024/1002", 1, None)]),
    SupplierSpec(7, "Møteplass Digital AS", "moteplass", "global", [("2024/1002", 1, None)]),
    SupplierSpec(8, "Arkivlosen AS", "arkivlosen", "no", [("2024/1002", 2, None)]),
    SupplierSpec(9, "Skriveverket AS", "skriveverket", "nordic", [("2024/1002", 2, None)]),
    SupplierSpec(10, "Lønnsvik AS", "lonnsvik", "nordic", [("2024/1002", 3, None)]),
    SupplierSpec(11, "Datavev Analyse AS", "datavev", "global", [("2024/1002", 4, None)]),
    SupplierSpec(12, "Risikoradar AS", "risikoradar", "nordic", [("2023/2201", 1, 1)]),
    SupplierSpec(13, "Varsom Opplæring AS", "varsom", "no", [("2024/2202", 1, None)]),
    SupplierSpec(14, "Trollvakt Sikkerhet AS", "trollvakt", "nordic", [("2024/2202", 1, None)]),
    SupplierSpec(15, "Kostnadskompasset AS", "kostnadskompasset", "nordic", [("2025/3001", 1, None)]),
    SupplierSpec(16, "Skymåler AS", "skymaler", "global", [("2025/3001", 1, None)]),
    SupplierSpec(17, "Lisensloftet AS", "lisensloftet", "no", [("2025/3001", 2, None)]),
    SupplierSpec(18, "Innsiktsbyrået AS", "innsiktsbyraet", "no", [("2025/4001", 1, None)]),
    SupplierSpec(19, "Nordisk Teknologianalyse AS", "nordiskteknologi", "nordic", [("2025/4001", 1, None)]),
    SupplierSpec(20, "Skyveileder Rådgivning AS", "skyveileder", "global", [("2025/4001", 1, None)]),
]

NO_REGIONS = ["Oslo", "Stavanger", "Trondheim", "Bergen", "Tromsø"]
NORDIC = [("SE", "Stockholm"), ("FI", "Helsingfors"), ("DK", "København")]
EEA_GLOBAL = [("IE", "Dublin"), ("NL", "Amsterdam"), ("DE", "Frankfurt")]
THIRD = [("US", "Virginia"), ("GB", "London")]
SUB_PROCESSORS = {
    "no": [("Fjordmail AS", "NO", "Utsending av e-post og varsler")],
    "nordic": [
        ("Supportpartner Polska Sp. z o.o.", "PL", "Førstelinjesupport på engelsk"),
        ("Nordsky AS", "NO", "Drift av infrastruktur"),
    ],
    "global": [
        ("Atlantic Cloud Services Inc.", "US", "Andrelinjesupport og feilsøking utenfor kontortid"),
        ("Global Support Services Pvt. Ltd.", "IN", "Tredjelinjesupport"),
        ("Supportpartner Polska Sp. z o.o.", "PL", "Førstelinjesupport på engelsk"),
    ],
}

_UNIT_PRICES = {
    "vcpu_hour": ("0.3800", "0.9500"),
    "gib_month": ("0.1800", "0.6000"),
    "gb_egress": ("0.0000", "0.9000"),
    "request_million": ("1.5000", "6.0000"),
    "instance_month": ("450.0000", "3200.0000"),
    "user_month": ("35.0000", "240.0000"),
    "asset_year": ("900.0000", "4500.0000"),
    "domain_year": ("1200.0000", "6000.0000"),
    "consulting_hour": ("1350.0000", "2100.0000"),
    "unit_month": ("9000.0000", "45000.0000"),
}


@dataclass
class ServiceSpec:
    name: str
    summary: str
    service_model: str
    price_unit: str
    export_formats: str
    cyberx_phase: str = ""
    is_cloud: bool = True
    price_model: str = ""


def _specs_for(framework_ref: str, lot: int) -> list[ServiceSpec]:
    if framework_ref == "2024/1001" and lot == 1:
        return [ServiceSpec(n, s, m, u, e) for n, s, m, u, e in IAAS_PAAS]
    if framework_ref == "2024/1001":
        return [
            ServiceSpec(n, s, m, u, e, is_cloud=n not in {"Dedikert privat sky", "Administrert migrering"})
            for n, s, m, u, e in PRIVATE
        ]
    if framework_ref == "2024/1002":
        export = {
            1: "DOCX, ODF, PDF, MBOX",
            2: "Noark 5 arkivuttrekk (XML), PDF/A",
            3: "CSV, SAF-T",
            4: "CSV, Parquet",
        }
        return [
            ServiceSpec(n, s, "saas", "user_month", export[lot], price_model="per_user") for n, s in SAAS[lot]
        ]
    if framework_ref == "2023/2201":
        return [
            ServiceSpec(n, s, "security", "domain_year", "CSV, JSON, STIX 2.1", cyberx_phase="f1")
            for n, s in CRS
        ]
    if framework_ref == "2024/2202":
        return [
            ServiceSpec(
                n, s, "security", "user_month", "CSV, SCORM", cyberx_phase="f1", price_model="per_user"
            )
            for n, s in AWARENESS
        ]
    if framework_ref == "2025/3001":
        unit = "asset_year" if lot == 2 else "unit_month"
        return [
            ServiceSpec(n, s, "saas", unit, "CSV, Parquet (FOCUS 1.2)", price_model="fixed")
            for n, s in FINOPS[lot]
        ]
    return [
        ServiceSpec(
            n,
            s,
            "advisory",
            "unit_month" if n == "Analysedatabase" else "consulting_hour",
            "PDF",
            is_cloud=False,
            price_model="fixed" if n == "Analysedatabase" else "hourly",
        )
        for n, s in ADVISORY
    ]


def _facts(
    supplier: SupplierSpec, spec: ServiceSpec, price_list: PriceList, line: PriceLine, today: dt.date
) -> dict:
    rng = random.Random(f"{supplier.slug}:{spec.name}")  # noqa: S311 - deterministic demo data, not security
    cloud = spec.is_cloud
    if spec.service_model == "advisory":
        locations = [{"country": "NO", "region": ""}]
    elif supplier.profile == "no":
        locations = [{"country": "NO", "region": r} for r in rng.sample(NO_REGIONS, 2)]
    elif supplier.profile == "nordic":
        country, region = rng.choice(NORDIC)
        locations = [
            {"country": "NO", "region": rng.choice(NO_REGIONS)},
            {"country": country, "region": region},
        ]
    else:
        country, region = rng.choice(EEA_GLOBAL)
        locations = [{"country": country, "region": region}]
        if rng.random() < 0.45:
            third, third_region = rng.choice(THIRD)
            locations.append({"country": third, "region": third_region})
        if rng.random() < 0.5:
            locations.append({"country": "NO", "region": "Oslo"})
    schemes = [CertificationScheme.ISO27001]
    if cloud:
        schemes += [CertificationScheme.ISO27017, CertificationScheme.ISO27018]
    if supplier.profile == "global":
        schemes += [CertificationScheme.SOC2, CertificationScheme.CSA_STAR]
    if rng.random() < 0.3:
        schemes.append(CertificationScheme.ISO27701)
    if rng.random() < 0.2:
        schemes.append(CertificationScheme.ISO14001)
    certifications = []
    for index, scheme in enumerate(schemes):
        roll = rng.random()
        if index == 0 and roll < 0.08:
            offset = -rng.randint(5, 120)  # expired
        elif roll < 0.04:
            offset = rng.randint(3, 55)  # expiring within 60 days
        else:
            offset = rng.randint(90, 900)
        certifications.append(
            {
                "scheme": scheme,
                "issuer": rng.choice(["DNV", "BSI", "Bureau Veritas", "Kiwa", "Nemko"]),
                "certificate_reference": f"{scheme.upper()}-{rng.randint(10000, 99999)}",
                "valid_until": today + dt.timedelta(days=offset),
            }
        )
    sub_processors = [
        {"name": n, "country": c, "purpose": p}
        for n, c, p in SUB_PROCESSORS[supplier.profile]
        if n != supplier.name and rng.random() < 0.8
    ]
    price_model = spec.price_model or rng.choice(["payg", "payg", "commitment"])
    sla = None if spec.service_model == "advisory" else rng.choice(["99.500", "99.900", "99.950", "99.990"])
    description = (
        f"<p>{spec.summary}</p>"
        f"<h3>Dette får du</h3><ul><li>Levert av {supplier.name} under MPS-rammeavtale</li>"
        f"<li>Avtalt tilgjengelighet og support etter avtalens SLA-bilag</li>"
        f"<li>Data kan eksporteres i åpne formater ved avslutning</li></ul>"
    )
    data: dict[str, Any] = {
        "name": spec.name,
        "summary": spec.summary,
        "description": description,
        "service_model": spec.service_model,
        "deployment_model": "private"
        if spec.name in PRIVATE_NAMES
        else rng.choice(["public", "public", "community"]),
        "has_on_demand_self_service": cloud,
        "has_broad_network_access": cloud or spec.service_model != "advisory",
        "has_resource_pooling": cloud or spec.name == "Dedikert privat sky",
        "has_rapid_elasticity": cloud,
        "has_measured_service": cloud or spec.name == "Administrert migrering",
        "price_model": price_model,
        "price_list": price_list,
        "price_from_amount": line.unit_price_amount,
        "price_unit": line.unit,
        "sla_availability_percent": Decimal(sla) if sla else None,
        "support_hours": rng.choice(["business", "extended", "24x7"]),
        "has_norwegian_support": supplier.profile != "global" or rng.random() < 0.5,
        "has_english_support": True,
        "export_formats": spec.export_formats,
        "egress_fee_per_gb_amount": Decimal("0.0000")
        if supplier.profile != "global"
        else Decimal(rng.choice(["0.4500", "0.7500", "0.9000"])),
        "exit_terms": "Kunden kan hente ut alle data i avtalte formater i 30 dager etter opphør. "
        "Bistand ved utfasing faktureres etter timepris.",
        "data_deletion_days": rng.choice([30, 60, 90]),
        "wcag_statement_url": f"https://www.{supplier.slug}.no/tilgjengelighet"
        if spec.service_model == "saas"
        else "",
        "cyberx_phase": spec.cyberx_phase,
    }
    return {
        "data": data,
        "data_locations": locations,
        "certifications": certifications,
        "sub_processors": sub_processors,
    }


def _price_list(
    contract: Contract, supplier: SupplierSpec, specs: list[ServiceSpec], now: dt.datetime
) -> PriceList:
    price_list, _created = PriceList.objects.get_or_create(
        contract=contract,
        version=1,
        defaults={
            "valid_from": contract.valid_from,
            "note": "Prisliste ved kontraktsinngåelse",
            "created_at": now,
        },
    )
    existing = set(price_list.lines.values_list("sku", flat=True))
    lines = []
    for index, spec in enumerate(specs, start=1):
        sku = f"{supplier.slug[:4].upper()}-{contract.lot.number}{index:02d}"
        if sku in existing:
            continue
        low, high = _UNIT_PRICES[spec.price_unit]
        rng = random.Random(f"price:{sku}")  # noqa: S311 - deterministic demo data
        amount = Decimal(low) + (Decimal(high) - Decimal(low)) * Decimal(rng.randint(0, 100)) / 100
        lines.append(
            PriceLine(
                price_list=price_list,
                sku=sku,
                description=spec.name,
                unit=spec.price_unit,
                unit_price_amount=amount.quantize(Decimal("0.0001")),
            )
        )
    PriceLine.objects.bulk_create(lines)
    return price_list


def _framework(spec: FrameworkSpec, participants: list[Organisation]) -> FrameworkAgreement:
    framework, _created = FrameworkAgreement.objects.get_or_create(
        reference=spec.reference,
        defaults={
            "name": spec.name,
            "category": spec.category,
            "procedure": spec.procedure,
            "description": spec.description,
            "starts_on": spec.starts_on,
            "ends_on": spec.ends_on,
            "max_value_amount": Decimal(spec.max_value),
        },
    )
    for mechanism, rule, limit in spec.mechanisms:
        FrameworkMechanism.objects.get_or_create(
            framework=framework,
            mechanism=mechanism,
            defaults={"objective_rule": rule, "max_value_amount": Decimal(limit) if limit else None},
        )
    for name, kind, weight in spec.criteria:
        FrameworkCriterion.objects.get_or_create(
            framework=framework, name=name, defaults={"kind": kind, "weight_percent": Decimal(weight)}
        )
    for number, title, description in spec.lots:
        Lot.objects.get_or_create(
            framework=framework, number=number, defaults={"title": title, "description": description}
        )
    framework.participants.add(*participants)
    return framework


def _editor(supplier: Organisation, spec: SupplierSpec, named: dict[str, User]) -> User:
    """The person who keeps the supplier's listings: a demo log-in for some, an account without password for others."""
    user = named.get(spec.slug)
    if user is None:
        username = f"{spec.slug}.redaksjon"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name="Tjenesteredaksjonen", last_name=spec.name)
            user.set_unusable_password()
            user.save()
        membership_grant(actor=None, user=user, organisation=supplier, roles=[Role.LISTING_EDITOR])
    activate(user, supplier)
    return user


# Extra listings for the demo suppliers that show the workflow: (supplier slug, name, final state, note)
WORKFLOW = [
    ("nordsky", "Administrert Redis", "draft", ""),
    (
        "nordsky",
        "Administrert MongoDB",
        "returned",
        "Oppgi region for sikkerhetskopiene og legg ved gyldig ISO 27001-sertifikat.",
    ),
    ("nordsky", "Dataplattform for maskinlæring", "submitted", ""),
    ("samspill", "Digital medbestemmelse", "submitted", ""),
    ("nordsky", "Arkivlagring (kald lagring)", "withdrawn", ""),
]


def seed(result: DemoResult) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    buyers = list(Organisation.objects.filter(kind__in=BUYER_KINDS).order_by("orgnr"))
    frameworks = {spec.reference: _framework(spec, buyers) for spec in FRAMEWORKS}

    manager = User.objects.filter(username="dfo.kategori").first()
    mps = Organisation.objects.filter(orgnr=MPS_ORG[0]).first()
    if manager is None or mps is None:
        raise RuntimeError("the catalogue demo needs the accounts demo (dfo.kategori at DFØ) to run first")
    activate(manager, mps)

    suppliers: dict[str, Organisation] = {}
    for spec in SUPPLIERS:
        suppliers[spec.slug] = organisation_ensure(
            demo_orgnr(spec.n), spec.name, OrganisationKind.SUPPLIER, result
        )
    named = {
        "nordsky": user_ensure(
            "nordsky.admin", "Eirik", "Moen", suppliers["nordsky"], [Role.SUPPLIER_ADMIN], result
        ),
        "samspill": user_ensure(
            "samspill.redaktor", "Nora", "Aas", suppliers["samspill"], [Role.LISTING_EDITOR], result
        ),
    }
    user_ensure("nordsky.redaktor", "Siri", "Bakke", suppliers["nordsky"], [Role.LISTING_EDITOR], result)
    user_ensure("nordsky.tilbyder", "Jonas", "Eide", suppliers["nordsky"], [Role.BIDDER], result)

    for spec in SUPPLIERS:
        supplier = suppliers[spec.slug]
        editor = _editor(supplier, spec, named)
        for index, (reference, lot_number, rank) in enumerate(spec.contracts, start=1):
            framework = frameworks[reference]
            lot = framework.lots.get(number=lot_number)
            contract, _created = Contract.objects.get_or_create(
                reference=f"{reference}-{lot_number}-{spec.n:02d}",
                defaults={
                    "framework": framework,
                    "lot": lot,
                    "supplier": supplier,
                    "rank": rank,
                    "valid_from": max(CONTRACT_FROM, framework.starts_on),
                    "valid_to": min(CONTRACT_TO, framework.ends_on),
                },
            )
            specs = _specs_for(reference, lot_number)
            price_list = _price_list(contract, spec, specs, now)
            lines = list(price_list.lines.order_by("sku"))
            existing = set(Service.objects.filter(contract=contract).values_list("name", flat=True))
            for spec_index, service_spec in enumerate(specs):
                if service_spec.name in existing:
                    continue
                facts = _facts(spec, service_spec, price_list, lines[spec_index], today)
                service = service_create(actor=editor, contract=contract, now=now, **facts)
                service_submit(actor=editor, service=service, now=now)
                service_approve(actor=manager, service=service, now=now)
            if index == 1:
                _workflow_examples(spec, contract, editor, manager, price_list, lines, today, now)

    _pending_change_example(suppliers["nordsky"], named["nordsky"], now)
    # The supplier organisations and people are created here, so the accounts counts are refreshed too.
    result.counts["organisations"] = Organisation.objects.count()
    result.counts["users"] = User.objects.count()
    result.counts["frameworks"] = FrameworkAgreement.objects.count()
    result.counts["suppliers"] = Organisation.objects.filter(kind=OrganisationKind.SUPPLIER).count()
    result.counts["contracts"] = Contract.objects.count()
    result.counts["services"] = Service.objects.count()
    result.counts["services_published"] = Service.objects.filter(status=ServiceStatus.PUBLISHED).count()


def _workflow_examples(
    supplier: SupplierSpec,
    contract: Contract,
    editor: User,
    manager: User,
    price_list: PriceList,
    lines: list[PriceLine],
    today: dt.date,
    now: dt.datetime,
) -> None:
    for slug, name, state, note in WORKFLOW:
        if slug != supplier.slug or Service.objects.filter(contract=contract, name=name).exists():
            continue
        base = _specs_for(contract.framework.reference, contract.lot.number)[1]
        spec = ServiceSpec(
            name,
            f"{name} levert av {supplier.name}.",
            base.service_model,
            base.price_unit,
            base.export_formats,
            price_model=base.price_model,
        )
        facts = _facts(supplier, spec, price_list, lines[1], today)
        service = service_create(actor=editor, contract=contract, now=now, **facts)
        if state == "draft":
            continue
        service_submit(actor=editor, service=service, now=now)
        if state == "returned":
            service_return(actor=manager, service=service, reason=note, now=now)
        elif state == "withdrawn":
            service_approve(actor=manager, service=service, now=now)
            service_withdraw(actor=editor, service=service, reason="Erstattet av Objektlagring", now=now)


def _pending_change_example(supplier: Organisation, editor: User, now: dt.datetime) -> None:
    """A published Nordsky service with edits waiting for approval (shows in the category manager's queue)."""
    service = Service.objects.filter(
        contract__supplier=supplier, name="Objektlagring", status=ServiceStatus.PUBLISHED
    ).first()
    if service is None or service.pending_changes or service.versions.count() > 1:
        return
    activate(editor, supplier)
    service_update(
        actor=editor,
        service=service,
        data={
            "sla_availability_percent": Decimal("99.990"),
            "summary": "S3-kompatibel objektlagring med versjonering og objektlås (WORM).",
        },
        now=now,
    )
